"""Today's suggested routine: pain notes, sitting, past sessions and the safety screen go in; a
routine (or the reason there is none) and plain-language "why" and "advice" lines come out.

Rules, decided here once (the numbers are the constants below):

* Safety first. An urgent or "soon" answer on the safety screen blocks any routine and says to
  seek care (level "red-flag"). Nothing here diagnoses; a note mentioning a warning sign only
  makes the caller ask the questions again (`note_mentions_red_flag`). An unanswered screen does
  not block.
* The pain that counts is the worst region today, else the worst of the latest day noted in the
  last `RECENT_DAYS` days; older notes say nothing about today. 0-3 full, 4-5 gentle, 6-7 short
  gentle mobility, 8-10 (or no comfortable position today) no routine.
* A rise against the 7 days before (by 2 points or 30%) steps one level down; three rising days
  in a row also suggest seeing a clinician.
* Mobility before strength: strength moves only at the full level, after two calm mobility-only
  sessions in the last 14 days.
* Sitting, the place, past hurts and what has helped before only choose and order moves; they
  never raise intensity. Ties are broken by a hash of (day, id): variety from day to day, the
  same answer all day.
* The routine fills the minutes asked to within 10% (short mobility never runs over), by choosing
  moves and then lengthening holds or adding reps within each level's limits; sets stay as written.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from stretchtui.core.model import Area, Exercise, Kind, Origin, Position, Routine, RoutineItem, Sides, format_duration

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
MIN_HOLD, MAX_HOLD, GENTLE_MAX_HOLD = 15, 60, 40  # GENTLE_MAX_HOLD is about 2/3 of MAX_HOLD
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
KIND_ORDER = (Kind.MOBILITY, Kind.NERVE_GLIDE, Kind.STRENGTH)  # warm up before strength


class Level(StrEnum):
    FULL = "full"
    GENTLE = "gentle"
    MOBILITY_SHORT = "mobility-short"
    NONE = "none"
    RED_FLAG = "red-flag"


STEP_DOWN = (Level.FULL, Level.GENTLE, Level.MOBILITY_SHORT, Level.NONE)
LEVEL_TEXT = {
    Level.FULL: "a full routine",
    Level.GENTLE: "a gentle routine (shorter holds, fewer reps, no strength moves)",
    Level.MOBILITY_SHORT: f"short, gentle mobility only (up to {SHORT_MINUTES} min)",
    Level.NONE: "no routine today",
}

# --- the safety screen -------------------------------------------------------------------------

RED_FLAG_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("both-legs", "Do both of your legs feel numb, tingly or weak?", "urgent"),
    ("saddle", "Is there numbness around your genitals, bottom or inner thighs?", "urgent"),
    ("bladder-bowel", "Is controlling your bladder or bowels suddenly harder than usual?", "urgent"),
    ("fall", "Did this pain start after a fall, an accident or another injury?", "soon"),
    ("fever-weight", "Do you have a fever, or have you lost weight without trying?", "soon"),
    ("night", "Is the pain much worse at night and not eased by resting?", "soon"),
)
"""(key, question, level): any yes to an "urgent" question means care today, to a "soon" one a doctor soon."""

_RED_FLAG_WORDS = re.compile("|".join((
    r"\bnumb", r"\bno feeling\b", r"\bcan'?t feel\b", r"\blos[st] of feeling\b", r"\bsaddle\b",
    r"\bboth legs\b", r"\blegs? (?:gave|gives?|giving) way\b",
    r"\bbladder\b", r"\bbowels?\b", r"\bincontinen", r"\bwet (?:myself|the bed)\b", r"\bcan'?t (?:pee|urinate)\b",
    r"\bfever", r"\bhigh temperature\b", r"\bweight[- ]loss\b", r"\blos(?:e|t|ing) weight\b",
    r"\b(?:fell|fall(?:s|en|ing)?)\b(?! ?asleep)", r"\baccident", r"\binjur",
    r"\bnight[- ]?(?:time )?pain\b", r"\bat night\b", r"\bduring the night\b", r"\bkeeps? me (?:up|awake)\b",
)), re.IGNORECASE)


def note_mentions_red_flag(text: str) -> bool:
    """Whether a free-text note mentions a warning sign, so the safety questions are asked again.

    Plain keyword matching that errs towards asking: "no numbness" still matches. It never
    decides anything by itself.
    """
    return bool(_RED_FLAG_WORDS.search(text.replace("\u2019", "'")))


@dataclass(frozen=True)
class RedFlags:
    """The answers to the safety screen, reduced to what the suggestion needs."""

    answered: bool = False
    urgent: bool = False  # care today
    soon: bool = False  # a doctor within days

    @property
    def open(self) -> bool:
        return self.urgent or self.soon


def red_flags_from_answers(answers: Mapping[str, bool]) -> RedFlags:
    """Answers keyed like RED_FLAG_QUESTIONS; answered once every question has an answer."""
    levels = {key: level for key, _text, level in RED_FLAG_QUESTIONS}
    return RedFlags(
        answered=all(key in answers for key in levels),
        urgent=any(answers.get(key) for key, level in levels.items() if level == "urgent"),
        soon=any(answers.get(key) for key, level in levels.items() if level == "soon"),
    )


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
    return bool(kinds) and all(kind in (Kind.MOBILITY, Kind.NERVE_GLIDE) for kind in kinds)


@dataclass(frozen=True)
class SuggestionRequest:
    """Everything the suggestion depends on; `today` is passed in so the answer is reproducible."""

    today: date
    minutes: int
    place: str
    pain_notes: tuple[PainNote, ...] = ()
    sitting_notes: tuple[SittingNote, ...] = ()
    sessions: tuple[SessionNote, ...] = ()
    red_flags: RedFlags = RedFlags()
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
    return "today" if gap == 0 else "yesterday" if gap == 1 else f"{gap} days ago"


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
    dose, gentle = exercise.dose, level is not Level.FULL
    if dose.reps > 0:
        base = dose.reps
        if gentle:
            start = max(1, round(base * GENTLE_FACTOR))
            return _Range(True, start, max(1, round(base / 3)), start, 1)
        return _Range(True, base, max(1, (base + 1) // 2), (3 * base + 1) // 2, 1)
    high = GENTLE_MAX_HOLD if gentle else MAX_HOLD
    start = round(dose.hold_seconds * GENTLE_FACTOR) if gentle else dose.hold_seconds
    return _Range(False, min(max(start, MIN_HOLD), high), MIN_HOLD, high, 5)


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
         exercises: dict[str, Exercise]) -> list[_Pick]:
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


def _fits_place(exercise: Exercise, place: str) -> bool:
    if place == "desk":
        return exercise.desk_friendly and exercise.position in (Position.SEATED, Position.STANDING)
    if place == "standing":
        return exercise.position is Position.STANDING
    return True


def _fits_level(exercise: Exercise, level: Level, strength_ok: bool) -> bool:
    if level is Level.FULL:
        return exercise.intensity <= 3 and (exercise.kind is not Kind.STRENGTH or strength_ok)
    if level is Level.GENTLE:
        return exercise.intensity <= 2 and exercise.kind is not Kind.STRENGTH
    return exercise.intensity <= 1 and exercise.kind in (Kind.MOBILITY, Kind.NERVE_GLIDE)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _blocked(level: Level, why: list[str], advice: list[str]) -> Suggestion:
    return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=True, level=str(level))


RED_FLAG_URGENT_ADVICE = (
    "Please get medical help today: contact your doctor or an urgent care service now, and call "
    "emergency services if this came on suddenly or is getting worse fast.",
    "No stretching until you have been checked.",
)
RED_FLAG_SOON_ADVICE = (
    "Please see a doctor soon, within the next few days, and tell them what you answered.",
    "No routine until a doctor has had a look.",
)
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


def suggest(request: SuggestionRequest) -> Suggestion:
    """Today's suggestion. Pure: the same request always gives the same answer."""
    today, exercises = request.today, dict(request.exercises)
    why: list[str] = []
    advice: list[str] = []

    if request.red_flags.open:
        why.append("Your answers to the safety questions come first today.")
        return _blocked(Level.RED_FLAG, why, list(RED_FLAG_URGENT_ADVICE if request.red_flags.urgent
                                                  else RED_FLAG_SOON_ADVICE))

    # Level: the pain, then the trend.
    reading = current_pain(request.pain_notes, today)
    worst = daily_worst(request.pain_notes, today)
    if reading is None:
        level = Level.FULL
        why.append("No recent pain notes: a full routine. A quick check-in tailors it to how you feel.")
    else:
        level = level_for_pain(reading.pain)
        why.append(f"Pain {reading.pain}/10 {_when(reading.day, today)}: {LEVEL_TEXT[level]}.")
        if is_rising(worst, reading.day):
            base = baseline(worst, reading.day)
            level = STEP_DOWN[min(STEP_DOWN.index(level) + 1, len(STEP_DOWN) - 1)]
            why.append(f"That is up from your {BASELINE_DAYS}-day average of {base:.1f}, "
                       f"so one step gentler: {LEVEL_TEXT[level]}.")
            if all(is_rising(worst, reading.day - timedelta(days=i)) for i in (1, 2)):
                advice.append(RISING_ADVICE)
    if no_comfortable_position_today(request.pain_notes, today):
        level = Level.NONE
        why.append("No comfortable position today: no routine today.")

    sitting = _sitting(request.sitting_notes, today)
    long_sitting = sitting is not None and sitting[0] >= LONG_SITTING_HOURS
    if level is Level.NONE:
        return _blocked(level, why, [*advice, *SELF_CARE_ADVICE, *([SITTING_ADVICE] if long_sitting else [])])
    if level is not Level.FULL:
        advice.append(GENTLE_ADVICE)
    if long_sitting:
        advice.append(SITTING_ADVICE)

    # Candidates.
    window = [s for s in request.sessions if today - timedelta(days=HISTORY_DAYS) < s.day <= today]
    hurt = {i for s in window for i in s.hurt_exercise_ids}
    calm = sum(1 for s in window if s.mobility_only and s.pain_before is not None
               and s.pain_before <= CALM_PAIN and not s.hurt_exercise_ids)
    strength_ok = level is Level.FULL and calm >= CALM_SESSIONS_FOR_STRENGTH
    usable = [e for e in exercises.values()
              if (e.dose.reps > 0 or e.dose.hold_seconds > 0) and _fits_place(e, request.place)]
    candidates = [e for e in usable if e.id not in hurt and _fits_level(e, level, strength_ok)]

    # Ranking.
    helped = _helped(request.sessions, today)
    focus = frozenset().union(*(REGION_AREAS.get(r, frozenset()) for r in reading.regions)) if reading else frozenset()
    leg = reading is not None and "leg" in reading.regions

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
    picks = _fit(ranked, level, minutes * 60, upper, exercises)
    rank = {e.id: i for i, e in enumerate(ranked)}
    picks.sort(key=lambda p: (POSITION_ORDER.index(p[0].position), KIND_ORDER.index(p[0].kind), rank[p[0].id]))
    chosen = [p[0] for p in picks]

    # Why lines about the choice.
    if request.place == "desk":
        why.append("Desk: seated and standing moves only.")
    elif request.place == "standing":
        why.append("Standing: standing moves only.")
    if long_sitting and sitting is not None:
        why.append(f"You sat {sitting[0]:g} hours {sitting[1]}: hip flexors, hamstrings and upper back first.")
    if reading is not None and reading.regions and any(targets_focus(e) for e in chosen):
        why.append(f"Moves for your {_names([REGION_NAMES.get(r, r) for r in reading.regions])} come first.")
    if any(e.kind is Kind.STRENGTH for e in usable if e.id not in hurt and e.intensity <= 3):
        if strength_ok:
            why.append(f"Strength moves are in: {calm} calm mobility-only sessions in the last {HISTORY_DAYS} days.")
        elif level is Level.FULL:
            why.append(f"Mobility first: strength moves join after {CALM_SESSIONS_FOR_STRENGTH} calm mobility-only "
                       f"sessions (pain {CALM_PAIN}/10 or less, nothing hurt) in {HISTORY_DAYS} days; so far {calm}.")
    left_out = sorted(e.name for e in usable if e.id in hurt)
    if left_out:
        why.append(f"Left out after hurting in the last {HISTORY_DAYS} days: {_names(left_out)}.")
    for exercise in sorted((e for e in chosen if e.id in helped), key=lambda e: (-helped[e.id][0], e.id))[:3]:
        mean, count = helped[exercise.id]
        why.append(f"Pain after sessions with {exercise.name} fell by {mean:.1f} on average ({count} sessions).")

    if not picks:
        why.append("Nothing in the library suits today's level and place; another place may have more.")
        return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=False, level=str(level))

    routine = _routine(picks, rid=f"suggested-{today.isoformat()}", name="Today's suggestion", description=why[0],
                       sources=tuple(dict.fromkeys(title for e in chosen for title in e.sources)))
    seconds = routine.duration_seconds(exercises)
    if seconds < minutes * 60 * (1 - TIME_SLACK):
        why.append(f"Only {len(picks)} {'move fits' if len(picks) == 1 else 'moves fit'} today's level and place: "
                   f"about {format_duration(seconds - seconds % 10 if seconds < 120 else round(seconds / 60) * 60)} "
                   f"of {minutes} min.")
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
