"""Today's suggested routine: pain notes, sitting, past sessions and the safety screen go in; a
routine (or the reason there is none) and plain-language "why" and "advice" lines come out.

Rules, decided here once (the numbers are the constants below; the safety rules are core.safety's,
and docs/safety.md says each in plain words):

* Safety first. An urgent or "soon" answer on the safety questions, or a reason to ask them again
  that blocks (a worrying note, leg pain on both sides, pain 8+), gives no routine, only advice.
  Never answered, or asked again for a reason that does not block: gentle mobility only.
* The pain that counts is the worst region today, else the worst of the latest day noted in the
  last `RECENT_DAYS` days; older notes say nothing about today. 0-3 full, 4-5 gentle, 6-7 short
  gentle mobility, 8-10 (or no comfortable position today) no routine.
* A rise against the 7 days before (by 2 points or 30%) steps one level down; three rising days
  in a row also suggest seeing a clinician. So does a session this week after which pain rose by
  2 or more.
* Exercises that do not suit a condition in the profile are never suggested.
* Mobility before strength: strength moves only at the full level, after two calm mobility-only
  sessions in the last 14 days (pain before 3 or less, pain after noted and not 2 higher, nothing
  hurt); intensity-3 moves only after a first strength session. The nerve glide only with leg pain.
* Sitting, the place, past hurts and what has helped before only choose and order moves; they
  never raise intensity. Ties are broken by a hash of (day, id): variety from day to day, the
  same answer all day.
* The routine fills the minutes asked to within 10% (short mobility never runs over) with at most
  about 8 moves in 10 minutes, by choosing moves and trimming holds or reps; a dose never exceeds
  the exercise's own, and gentle levels keep to about two thirds of it. Sets stay as written.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from stretchtui.core.model import (
    Area, Equipment, Exercise, Kind, Origin, Position, Routine, RoutineItem, Sides, format_duration, label, plural)
from stretchtui.core.after_hurt import RESTING_ONLY
from stretchtui.core.safety import SafetyCheck, advice_for, persistent_pain_advice

MINUTES_CHOICES = (1, 5, 10, 15, 20)
PLACES = ("floor", "desk", "standing")
REGIONS = ("lower-back", "mid-upper-back", "neck", "hips-buttocks", "leg")

RECENT_DAYS = 7
"""A latest pain note older than this no longer sets today's level."""
BASELINE_DAYS = 7
TREND_RISE = 2
TREND_RATIO = 1.3  # is_rising compares 10 * pain with 13 * baseline
HISTORY_DAYS = 14
"""Hurts and calm sessions count for this many days, today included."""
CALM_SESSIONS_FOR_STRENGTH = 2
CALM_PAIN = 3
HELPED_SESSIONS = 3
LONG_SITTING_HOURS = 6.0
SITTING_AREAS = frozenset({Area.HIP_FLEXORS, Area.HAMSTRINGS, Area.MID_UPPER_BACK})
SHORT_MINUTES = 5
REST_BETWEEN_SECONDS = 5
TIME_SLACK = 0.1
MIN_HOLD = 15  # a hold may be trimmed to this (or the exercise's own hold, if shorter) to fit the time
GENTLE_FACTOR = 2 / 3

SCORE_HELPED = 4
SCORE_SITTING = 3
SCORE_REGION = 2

REGION_AREAS: dict[str, frozenset[Area]] = {
    "lower-back": frozenset({Area.LOWER_BACK}),
    "mid-upper-back": frozenset({Area.MID_UPPER_BACK}),
    "neck": frozenset({Area.NECK, Area.SHOULDERS}),
    "hips-buttocks": frozenset({Area.GLUTES_HIPS}),
    "leg": frozenset({Area.HAMSTRINGS, Area.GLUTES_HIPS}),
}
REGION_NAMES = {"lower-back": "lower back", "mid-upper-back": "mid/upper back", "neck": "neck",
                "hips-buttocks": "hips and buttocks", "leg": "leg"}

# A descent from standing to lying, so a routine gets down to the floor once.
POSITION_ORDER = (Position.STANDING, Position.SEATED, Position.KNEELING, Position.ALL_FOURS,
                  Position.ON_FRONT, Position.SIDE_LYING, Position.ON_BACK)
KIND_ORDER = (Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE, Kind.STRENGTH)  # warm up before strength


class Level(StrEnum):
    FULL = "full"
    GENTLE = "gentle"
    MOBILITY_SHORT = "mobility-short"
    NONE = "none"
    RED_FLAG = "red-flag"
    ASK_AGAIN = "ask-again"


STEP_DOWN = (Level.FULL, Level.GENTLE, Level.MOBILITY_SHORT, Level.NONE)
LEVEL_TEXT = {
    Level.FULL: "a full routine",
    Level.GENTLE: "a gentle routine (shorter holds, fewer reps, no strength moves)",
    Level.MOBILITY_SHORT: f"short, gentle mobility only (up to {SHORT_MINUTES} min)",
    Level.NONE: "no routine today",
}

# --- inputs -------------------------------------------------------------------------------------

def _check_day(day: object) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"day must be a date, not {day!r}")


def _check_pain(value: int | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10):
        raise ValueError(f"{name} must be a whole number from 0 to 10, not {value!r}")


@dataclass(frozen=True)
class PainNote:
    """One region's pain on one day (0-10); a region may be noted several times a day."""

    day: date
    region: str
    side: str
    pain: int
    no_comfortable_position: bool = False

    def __post_init__(self) -> None:
        _check_day(self.day)
        _check_pain(self.pain, "pain")


@dataclass(frozen=True)
class SittingNote:
    """Hours sat on one day."""

    day: date
    hours: float

    def __post_init__(self) -> None:
        _check_day(self.day)
        if not math.isfinite(self.hours) or not 0 <= self.hours <= 24:
            raise ValueError(f"hours must be between 0 and 24, not {self.hours!r}")


@dataclass(frozen=True)
class SessionNote:
    """What one past session tells the suggestion.

    mobility_only: every move was mobility or a nerve glide (see `is_mobility_only`).
    hurt_exercise_ids: moves with at least one step recorded as Outcome.HURT.
    pain_before / pain_after: the check-ins around the session, None when skipped.
    """

    day: date
    exercise_ids: frozenset[str] = frozenset()
    hurt_exercise_ids: frozenset[str] = frozenset()
    mobility_only: bool = False
    pain_before: int | None = None
    pain_after: int | None = None
    complete: bool = True

    def __post_init__(self) -> None:
        _check_day(self.day)
        _check_pain(self.pain_before, "pain_before")
        _check_pain(self.pain_after, "pain_after")
        object.__setattr__(self, "exercise_ids", frozenset(self.exercise_ids))
        object.__setattr__(self, "hurt_exercise_ids", frozenset(self.hurt_exercise_ids))

    @property
    def included(self) -> frozenset[str]:
        """Every move in the session, including the ones that hurt."""
        return self.exercise_ids | self.hurt_exercise_ids


def is_mobility_only(exercise_ids: Iterable[str], exercises: Mapping[str, Exercise]) -> bool:
    """True when a session had moves and none of them was a strength move (or unknown)."""
    kinds = [exercises[i].kind if i in exercises else None for i in exercise_ids]
    return bool(kinds) and all(kind in (Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE) for kind in kinds)


@dataclass(frozen=True)
class SuggestionRequest:
    """Everything the suggestion depends on; `today` is passed in so the answer is reproducible."""

    today: date
    minutes: int
    place: str
    pain_notes: tuple[PainNote, ...] = ()
    sitting_notes: tuple[SittingNote, ...] = ()
    sessions: tuple[SessionNote, ...] = ()
    safety: SafetyCheck = SafetyCheck()
    exercises: Mapping[str, Exercise] = field(kw_only=True)

    def __post_init__(self) -> None:
        _check_day(self.today)
        if self.minutes not in MINUTES_CHOICES:
            raise ValueError(f"minutes must be one of {MINUTES_CHOICES}, not {self.minutes!r}")
        if self.place not in PLACES:
            raise ValueError(f"place must be one of {PLACES}, not {self.place!r}")
        for name in ("pain_notes", "sitting_notes", "sessions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Suggestion:
    routine: Routine | None
    why: tuple[str, ...]
    advice: tuple[str, ...]
    blocked: bool  # True: no exercise today (red flag, or pain too high)
    level: str


# --- pain and trend -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PainReading:
    """The pain that sets today's level and the day it was noted."""

    day: date
    pain: int
    regions: tuple[str, ...]  # regions noted with any pain that day, worst first


def daily_worst(notes: Iterable[PainNote], today: date) -> dict[date, int]:
    """The worst pain of each day up to today; duplicates and later notes cannot lower it."""
    worst: dict[date, int] = {}
    for note in notes:
        if note.day <= today:
            worst[note.day] = max(worst.get(note.day, 0), note.pain)
    return worst


def current_pain(notes: Iterable[PainNote], today: date) -> PainReading | None:
    """Today's worst region, else the latest day's worst within RECENT_DAYS; None without notes."""
    notes = tuple(notes)
    days = [n.day for n in notes if today - timedelta(days=RECENT_DAYS) <= n.day <= today]
    if not days:
        return None
    day = max(days)
    by_region: dict[str, int] = {}
    for note in notes:
        if note.day == day:
            by_region[note.region] = max(by_region.get(note.region, 0), note.pain)
    regions = sorted((r for r, p in by_region.items() if p > 0), key=lambda r: (-by_region[r], r))
    return PainReading(day=day, pain=max(by_region.values()), regions=tuple(regions))


def no_comfortable_position_today(notes: Iterable[PainNote], today: date) -> bool:
    return any(n.no_comfortable_position and n.day == today for n in notes)


def _previous(worst: Mapping[date, int], day: date) -> list[int]:
    return [worst[d] for d in (day - timedelta(days=i) for i in range(1, BASELINE_DAYS + 1)) if d in worst]


def baseline(worst: Mapping[date, int], day: date) -> float | None:
    """Mean daily worst over the BASELINE_DAYS before `day`; None when none were noted."""
    values = _previous(worst, day)
    return sum(values) / len(values) if values else None


def is_rising(worst: Mapping[date, int], day: date) -> bool:
    """Pain on `day` is TREND_RISE points or TREND_RATIO times above its own baseline.

    Compared in whole numbers (pain * n against the sum), so 3.9 vs 3 * 1.3 never wobbles.
    """
    values = _previous(worst, day)
    if day not in worst or not values:
        return False
    pain, total, count = worst[day], sum(values), len(values)
    return pain * count >= total + TREND_RISE * count or (total > 0 and 10 * pain * count >= 13 * total)


def level_for_pain(pain: int) -> Level:
    if pain <= 3:
        return Level.FULL
    if pain <= 5:
        return Level.GENTLE
    if pain <= 7:
        return Level.MOBILITY_SHORT
    return Level.NONE


def _when(day: date, today: date) -> str:
    gap = (today - day).days
    return "today" if gap == 0 else "yesterday" if gap == 1 else f"{plural(gap, 'day')} ago"


# --- doses and fitting --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Range:
    """The dose that can vary for one move at one level: hold seconds, or reps."""

    by_reps: bool
    start: int
    low: int
    high: int
    step: int


def _dose_range(exercise: Exercise, level: Level) -> _Range:
    """The exercise's own dose is the ceiling (a dose never exceeds what its data allows); gentle
    levels start and stay at about two thirds of it (shorter holds, fewer reps)."""
    dose, gentle = exercise.dose, level is not Level.FULL
    if dose.reps > 0:
        base = dose.reps
        high = max(1, round(base * GENTLE_FACTOR)) if gentle and base > 1 else base
        return _Range(True, high, max(1, round(base / 3)), high, 1)
    own = dose.hold_seconds
    high = max(1, round(own * GENTLE_FACTOR)) if gentle and own > 1 else own
    low = min(MIN_HOLD, high)
    return _Range(False, high if gentle else min(max(own, low), high), low, high, 5)


def _item(exercise: Exercise, rng: _Range, value: int) -> RoutineItem:
    if rng.by_reps:
        return RoutineItem(exercise.id, hold_seconds=exercise.dose.hold_seconds, reps=value)
    return RoutineItem(exercise.id, hold_seconds=value, reps=0)


_Pick = tuple[Exercise, _Range, int]


def _routine(picks: list[_Pick], rid: str = "", **fields: object) -> Routine:
    """Built in, so not editable in place: the UI duplicates it to keep a changed copy."""
    return Routine(id=rid, items=tuple(_item(*p) for p in picks), rest_between_seconds=REST_BETWEEN_SECONDS,
                   origin=Origin.SEED, **fields)  # type: ignore[arg-type]


def _fit(ranked: list[Exercise], level: Level, target: int, upper: int,
         exercises: dict[str, Exercise], max_moves: int) -> list[_Pick]:
    """Choose moves in rank order at their starting dose, lengthen them towards the target, and
    while still short, squeeze in one more move at its smallest dose and lengthen again.

    Never exceeds `upper` seconds.
    """
    ranges = {e.id: _dose_range(e, level) for e in ranked}
    picks: list[_Pick] = []

    def seconds(trial: list[_Pick]) -> int:
        return _routine(trial, name="").duration_seconds(exercises)

    def add(smallest: bool, limit: int) -> bool:
        taken = {p[0].id for p in picks}
        for exercise in ranked:
            rng = ranges[exercise.id]
            pick = (exercise, rng, rng.low if smallest else rng.start)
            if len(picks) >= max_moves:
                return False
            if exercise.id not in taken and seconds([*picks, pick]) <= limit:
                picks.append(pick)
                if smallest:
                    return True
        return False

    def grow() -> None:
        grew = True
        while grew and seconds(picks) < target:
            grew = False
            for i, (exercise, rng, value) in enumerate(picks):
                if value + rng.step <= rng.high:
                    trial = [*picks[:i], (exercise, rng, value + rng.step), *picks[i + 1:]]
                    if seconds(trial) <= upper:
                        picks[i], grew = trial[i], True
                        if seconds(picks) >= target:
                            return

    add(smallest=False, limit=target)
    grow()
    while seconds(picks) < target * (1 - TIME_SLACK) and add(smallest=True, limit=upper):
        grow()
    return picks


# --- the suggestion -----------------------------------------------------------------------------

def _tiebreak(today: date, exercise_id: str) -> str:
    """A stable per-day shuffle: hashlib, because hash() of a str changes between runs."""
    return hashlib.sha256(f"{today.isoformat()}:{exercise_id}".encode()).hexdigest()


def _helped(sessions: Iterable[SessionNote], today: date) -> dict[str, tuple[float, int]]:
    """Moves after which pain fell in at least HELPED_SESSIONS sessions: (mean fall, sessions)."""
    falls: dict[str, list[int]] = {}
    for session in sessions:
        if session.day <= today and session.pain_before is not None and session.pain_after is not None:
            for exercise_id in session.included:
                falls.setdefault(exercise_id, []).append(session.pain_before - session.pain_after)
    helped = {}
    for exercise_id, values in falls.items():
        mean = sum(values) / len(values)
        if sum(1 for v in values if v > 0) >= HELPED_SESSIONS and mean > 0:
            helped[exercise_id] = (mean, len(values))
    return helped


def _sitting(notes: Iterable[SittingNote], today: date) -> tuple[float, str] | None:
    """Today's hours sat, else yesterday's (the most noted for a day), with the day's name."""
    notes = tuple(notes)
    for day in (today, today - timedelta(days=1)):
        hours = [n.hours for n in notes if n.day == day]
        if hours:
            return max(hours), _when(day, today)
    return None


FURNITURE = frozenset({Equipment.CHAIR, Equipment.TABLE})


def _fits_place(exercise: Exercise, place: str) -> bool:
    if place == "desk":
        return exercise.desk_friendly and exercise.position in (Position.SEATED, Position.STANDING)
    if place == "standing":
        return exercise.position is Position.STANDING
    return not FURNITURE & set(exercise.equipment)  # the floor: no chair or table moves


GENTLE_KINDS = (Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE)


def _fits_level(exercise: Exercise, level: Level, strength_ok: bool, top_intensity: int) -> bool:
    """FULL: anything up to `top_intensity` (2 in a first strength session), strength only once
    unlocked; GENTLE: no strength, intensity 2 at most; shorter levels: intensity-1 gentle kinds."""
    if level is Level.FULL:
        return exercise.intensity <= top_intensity and (exercise.kind is not Kind.STRENGTH or strength_ok)
    if level is Level.GENTLE:
        return exercise.intensity <= 2 and exercise.kind in GENTLE_KINDS
    return exercise.intensity <= 1 and exercise.kind in GENTLE_KINDS


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _blocked(level: Level, why: list[str], advice: list[str]) -> Suggestion:
    return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=True, level=str(level))


SELF_CARE_ADVICE = (
    "Rest relatively: keep doing gentle everyday movement instead of lying still all day.",
    "A short, easy walk can help if you can manage it without the pain getting worse.",
    "Use heat or ice, whichever feels better to you.",
    "Try positions that often ease the back: on your back with a pillow under the knees, or on your "
    "side with a pillow between them.",
    "Seek care if the pain persists beyond a few days or gets worse.",
)
GENTLE_ADVICE = "Move slowly and stop any move that sharpens the pain or sends it down a leg."
SITTING_ADVICE = "Break up long sitting: get up and move for a minute or two every 30-60 minutes."
RISING_ADVICE = ("Your pain has risen three days in a row: consider seeing a clinician, "
                 "such as your doctor or a physiotherapist.")
MOVES_PER_MINUTE = 0.8
"""At most about 8 distinct moves in 10 minutes, so each has time to be done properly."""
SESSION_RISE_DAYS = 7
"""A session within this many days after which pain rose steps the suggestion down."""


def max_moves(minutes: int) -> int:
    return max(2, math.floor(minutes * MOVES_PER_MINUTE))


def _step_down(level: Level) -> Level:
    return STEP_DOWN[min(STEP_DOWN.index(level) + 1, len(STEP_DOWN) - 1)] if level in STEP_DOWN else level


def _gentler(level: Level, cap: Level) -> Level:
    """The gentler of two levels."""
    return level if STEP_DOWN.index(level) >= STEP_DOWN.index(cap) else cap


def _pain_rose(session: SessionNote) -> bool:
    return (session.pain_before is not None and session.pain_after is not None
            and session.pain_after - session.pain_before >= TREND_RISE)


def _is_calm(session: SessionNote) -> bool:
    """A calm mobility session: only mobility moves, pain before 3/10 or less, pain after noted and
    not 2 or more above it, and nothing marked hurt."""
    return (session.mobility_only and session.pain_before is not None and session.pain_before <= CALM_PAIN
            and session.pain_after is not None and not _pain_rose(session) and not session.hurt_exercise_ids)


def suggest(request: SuggestionRequest) -> Suggestion:
    """Today's suggestion. Pure: the same request always gives the same answer."""
    today, exercises, check = request.today, dict(request.exercises), request.safety
    advice: list[str] = []

    if check.blocked:
        why = ["Your answers to the safety questions come first today."]
        why += [reason.text for reason in check.ask_again if reason.blocks and not check.red_flag]
        level = Level.RED_FLAG if check.red_flag else Level.ASK_AGAIN
        return _blocked(level, why, list(advice_for(check)))

    # Level: the pain, the trend, the last session, the safety answers; each change says why.
    reading = current_pain(request.pain_notes, today)
    worst = daily_worst(request.pain_notes, today)
    changes: list[str] = []
    if reading is None:
        level = Level.FULL
        head = "No recent pain notes"
    else:
        level = level_for_pain(reading.pain)
        head = f"Pain {reading.pain}/10 {_when(reading.day, today)}"
        if is_rising(worst, reading.day) and level is not Level.NONE:
            base = baseline(worst, reading.day)
            level = _step_down(level)
            changes.append(f"That is up from your {BASELINE_DAYS}-day average of {base:.1f}, so one step gentler.")
            if all(is_rising(worst, reading.day - timedelta(days=i)) for i in (1, 2)):
                advice.append(RISING_ADVICE)
    window = [s for s in request.sessions if today - timedelta(days=HISTORY_DAYS) < s.day <= today]
    rated = sorted((s for s in window if s.pain_before is not None and s.pain_after is not None
                    and today - s.day < timedelta(days=SESSION_RISE_DAYS)), key=lambda s: s.day)
    if rated and _pain_rose(rated[-1]) and level is not Level.NONE:
        last = rated[-1]
        level = _step_down(level)
        changes.append(f"Your pain went from {last.pain_before} to {last.pain_after} after your session "
                       f"{_when(last.day, today)}, so one step gentler.")
    if check.gentle_only and level in (Level.FULL, Level.GENTLE):
        level = _gentler(level, Level.MOBILITY_SHORT)
        if check.ask_again:
            changes += [reason.text for reason in check.ask_again]
            changes.append("Gentle mobility only until you answer the safety questions again.")
        else:
            changes.append("The safety questions are not answered yet: gentle mobility only.")
    if no_comfortable_position_today(request.pain_notes, today):
        level = Level.NONE
        changes.append("No comfortable position today.")
    why = [f"{head}: {LEVEL_TEXT[level]}.", *changes]
    advice += advice_for(check)
    advice += persistent_pain_advice(worst, today)

    sitting = _sitting(request.sitting_notes, today)
    long_sitting = sitting is not None and sitting[0] >= LONG_SITTING_HOURS
    if level is Level.NONE:
        return _blocked(level, why, [*advice, *SELF_CARE_ADVICE, *([SITTING_ADVICE] if long_sitting else [])])
    if level is not Level.FULL:
        advice.append(GENTLE_ADVICE)
    if long_sitting:
        advice.append(SITTING_ADVICE)

    # Candidates: each filter is a safety or a fit rule; what it leaves out may get a why line.
    hurt = {i for s in window for i in s.hurt_exercise_ids}
    calm = sum(1 for s in window if _is_calm(s))
    strength_ok = level is Level.FULL and calm >= CALM_SESSIONS_FOR_STRENGTH
    did_strength = any(exercises[i].kind is Kind.STRENGTH for s in request.sessions for i in s.exercise_ids
                       if i in exercises and s.day <= today)
    top_intensity = 3 if did_strength else 2  # never a demanding move in a first strength session
    leg = reading is not None and "leg" in reading.regions
    usable = [e for e in exercises.values() if e.id not in RESTING_ONLY
              and (e.dose.reps > 0 or e.dose.hold_seconds > 0) and _fits_place(e, request.place)]
    not_for_you = [e for e in usable if e.avoid_reasons(check.conditions)]
    suitable = [e for e in usable if not e.avoid_reasons(check.conditions)]
    candidates = [e for e in suitable if e.id not in hurt and _fits_level(e, level, strength_ok, top_intensity)
                  and (e.kind is not Kind.NERVE_GLIDE or leg)]

    # Ranking.
    helped = _helped(request.sessions, today)
    focus = frozenset().union(*(REGION_AREAS.get(r, frozenset()) for r in reading.regions)) if reading else frozenset()

    def targets_focus(exercise: Exercise) -> bool:
        return bool(focus & set(exercise.areas)) or (leg and exercise.kind is Kind.NERVE_GLIDE)

    def score(exercise: Exercise) -> int:
        return (SCORE_HELPED * (exercise.id in helped)
                + SCORE_SITTING * (long_sitting and bool(SITTING_AREAS & set(exercise.areas)))
                + SCORE_REGION * targets_focus(exercise))

    ranked = sorted(candidates, key=lambda e: (-score(e), _tiebreak(today, e.id), e.id))
    # Short mobility is capped hard; otherwise the routine may run up to TIME_SLACK over.
    short = level is Level.MOBILITY_SHORT
    minutes = min(request.minutes, SHORT_MINUTES) if short else request.minutes
    upper = minutes * 60 if short else math.floor(minutes * 60 * (1 + TIME_SLACK))
    picks = _fit(ranked, level, minutes * 60, upper, exercises, max_moves(minutes))
    rank = {e.id: i for i, e in enumerate(ranked)}
    picks.sort(key=lambda p: (POSITION_ORDER.index(p[0].position), KIND_ORDER.index(p[0].kind), rank[p[0].id]))
    chosen = [p[0] for p in picks]

    # Why lines about the choice.
    if request.place == "desk":
        why.append("Desk: seated and standing moves only.")
    elif request.place == "standing":
        why.append("Standing: standing moves only.")
    if long_sitting and sitting is not None and any(SITTING_AREAS & set(e.areas) for e in chosen):
        why.append(f"You sat {plural(sitting[0], 'hour')} {sitting[1]}: hip flexors, hamstrings and upper back first.")
    if reading is not None and reading.regions and any(targets_focus(e) for e in chosen):
        why.append(f"Moves for your {_names([REGION_NAMES.get(r, r) for r in reading.regions])} come first.")
    if not_for_you:
        conditions = sorted({c for e in not_for_you for c, _ in e.avoid_reasons(check.conditions)})
        why.append(f"Left out for your health profile ({', '.join(label(c).lower() for c in conditions)}): "
                   f"{_names(sorted(e.name for e in not_for_you))}.")
    if any(e.kind is Kind.STRENGTH for e in suitable if e.id not in hurt):
        if strength_ok:
            why.append(f"Strength moves are in: {plural(calm, 'calm mobility-only session')} in the last {HISTORY_DAYS} days"
                       + ("." if did_strength else "; the most demanding ones wait until after your first."))
        elif level is Level.FULL:
            why.append(f"Mobility first: strength moves join after {CALM_SESSIONS_FOR_STRENGTH} calm mobility-only "
                       f"sessions in {HISTORY_DAYS} days (pain {CALM_PAIN}/10 or less before, noted after and not "
                       f"{TREND_RISE} or more higher, nothing hurt); so far {calm}.")
    left_out = sorted(e.name for e in suitable if e.id in hurt)
    if left_out:
        why.append(f"Left out after hurting in the last {HISTORY_DAYS} days: {_names(left_out)}.")
    for exercise in sorted((e for e in chosen if e.id in helped), key=lambda e: (-helped[e.id][0], e.id))[:3]:
        mean, count = helped[exercise.id]
        why.append(f"Pain after sessions with {exercise.name} fell by {mean:.1f} on average ({plural(count, 'session')}).")

    if not picks:
        why.append("Nothing in the library suits today's level and place; another place may have more.")
        return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=False, level=str(level))

    routine = _routine(picks, rid=f"suggested-{today.isoformat()}", name="Today's suggestion", description=why[0],
                       sources=tuple(dict.fromkeys(title for e in chosen for title in e.sources)))
    seconds = routine.duration_seconds(exercises)
    if seconds < minutes * 60 * (1 - TIME_SLACK):
        about = format_duration(seconds - seconds % 10 if seconds < 120 else round(seconds / 60) * 60)
        if len(picks) >= max_moves(minutes):
            why.append(f"Shorter than asked: at most {max_moves(minutes)} moves in {minutes} min, each at no more than "
                       f"its own dose{' (and gentler today)' if level is not Level.FULL else ''}: about {about}.")
        else:
            why.append(f"Only {len(picks)} {'move fits' if len(picks) == 1 else 'moves fit'} today's level and place: "
                       f"about {about} of {minutes} min.")
    return Suggestion(routine=routine, why=tuple(why), advice=tuple(advice), blocked=False, level=str(level))


def to_json_dict(suggestion: Suggestion, exercises: Mapping[str, Exercise]) -> dict[str, object]:
    """The suggestion for `--json` and scripts: one key per item's varying dose, no sets or rests."""
    items: list[dict[str, object]] = []
    routine = None if suggestion.blocked else suggestion.routine
    for item in routine.items if routine else ():
        exercise = exercises.get(item.exercise_id)
        if exercise is None:
            continue
        dose = item.dose_for(exercise)
        amount = {"reps": dose.reps} if dose.is_reps else {"hold_seconds": dose.hold_seconds}
        items.append({"exercise": item.exercise_id, **amount, "sides": str(Sides(dose.sides))})
    return {
        "routine": items,
        "duration_seconds": routine.duration_seconds(dict(exercises)) if routine else 0,
        "why": list(suggestion.why),
        "advice": list(suggestion.advice),
        "blocked": suggestion.blocked,
    }
