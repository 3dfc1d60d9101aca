"""The filters and scoring rules of today's suggestion, each with its own "why" line.

A filter leaves moves out (the place, the person's conditions, the strength unlock, recent hurts,
the level's intensity, the nerve glide without leg pain); a scoring rule moves matching moves up
(long sitting, the regions in pain, what helped before) and never raises intensity. `RULES` lists
them in the order their why lines are read: a new rule is one function and one entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from stretchtui.core.after_hurt import RESTING_ONLY
from stretchtui.core.conditions import condition_names, not_advised, suits
from stretchtui.core.model import Exercise
from stretchtui.core.pain_level import (
    HISTORY_DAYS,
    TREND_RISE,
    Level,
    LevelStep,
    PainReading,
    pain_rose,
    recent_sessions,
    said_when,
)
from stretchtui.core.relief import Comparison
from stretchtui.core.safety import MOBILITY_KINDS, is_gentle
from stretchtui.core.suggestion_inputs import SessionNote, SittingNote, SuggestionRequest
from stretchtui.core.vocabulary import Area, Condition, Equipment, Kind, Position, plural

CALM_SESSIONS_FOR_STRENGTH = 2
CALM_PAIN = 3
LONG_SITTING_HOURS = 6.0
SITTING_AREAS = frozenset({Area.HIP_FLEXORS, Area.HAMSTRINGS, Area.MID_UPPER_BACK})

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
REGION_NAMES = {
    "lower-back": "lower back",
    "mid-upper-back": "mid/upper back",
    "neck": "neck",
    "hips-buttocks": "hips and buttocks",
    "leg": "leg",
}


def _helped(sessions: Iterable[SessionNote], today: date) -> dict[str, Comparison]:
    """Moves after which pain fell more than in the sessions without them, the 95% interval
    leaving out no difference (core.relief: the numbers History and the report show)."""
    from stretchtui.core.relief import RELIEF_DAYS, PainChange, compare

    since = today - timedelta(days=RELIEF_DAYS - 1)
    changes = [
        PainChange(s.included, s.pain_after - s.pain_before, s.pain_before)
        for s in sessions
        if since <= s.day <= today and s.pain_before is not None and s.pain_after is not None
    ]
    return {i: c for i, c in compare(changes).items() if c.helped}


def _sitting(notes: Iterable[SittingNote], today: date) -> tuple[float, str] | None:
    """Today's hours sat, else yesterday's (the latest noted for a day, as Today and History show
    it: `notes` come in the order they were noted; measured only when nothing was noted), with the
    day's name, and "(measured)" after it when measured."""
    notes = tuple(notes)
    for day in (today, today - timedelta(days=1)):
        for measured in (False, True):
            hours = [n.hours for n in notes if n.day == day and n.measured is measured]
            if hours:
                return hours[-1], said_when(day, today) + (" (measured at the terminal)" if measured else "")
    return None


def _is_calm(session: SessionNote) -> bool:
    """A calm mobility session: only mobility moves, pain before 3/10 or less, pain after noted and
    not 2 or more above it, and nothing marked hurt."""
    return (
        session.mobility_only
        and session.pain_before is not None
        and session.pain_before <= CALM_PAIN
        and session.pain_after is not None
        and not pain_rose(session)
        and not session.hurt_exercise_ids
    )


@dataclass(frozen=True)
class Today:
    """What every filter and scoring rule reads: the request, the level and what history says."""

    request: SuggestionRequest
    level: Level
    reading: PainReading | None
    hurt: frozenset[str]  # moves marked hurt in the last HISTORY_DAYS days
    calm: int  # calm mobility-only sessions in the last HISTORY_DAYS days
    did_strength: bool  # a session with a strength move, ever
    helped: Mapping[str, Comparison]  # moves with more relief than the sessions without them
    sitting: tuple[float, str] | None  # hours sat today, else yesterday, and which
    focus: frozenset[Area]  # the areas of the regions in pain

    @property
    def conditions(self) -> frozenset[Condition]:
        return self.request.safety.conditions

    @property
    def strength_ok(self) -> bool:
        return self.level is Level.FULL and self.calm >= CALM_SESSIONS_FOR_STRENGTH

    @property
    def top_intensity(self) -> int:
        return 3 if self.did_strength else 2  # never a demanding move in a first strength session

    @property
    def leg(self) -> bool:
        return self.reading is not None and "leg" in self.reading.regions

    @property
    def long_sitting(self) -> bool:
        return self.sitting is not None and self.sitting[0] >= LONG_SITTING_HOURS


def today_for(request: SuggestionRequest, step: LevelStep) -> Today:
    """Everything the rules read, worked out once per suggestion."""
    today, exercises, reading = request.today, request.exercises, step.reading
    recent = recent_sessions(request)
    return Today(
        request=request,
        level=step.level,
        reading=reading,
        hurt=frozenset(i for s in recent for i in s.hurt_exercise_ids),
        calm=sum(1 for s in recent if _is_calm(s)),
        did_strength=any(
            exercises[i].kind is Kind.STRENGTH
            for s in request.sessions
            for i in s.exercise_ids
            if i in exercises and s.day <= today
        ),
        helped=_helped(request.sessions, today),
        sitting=_sitting(request.sitting_notes, today),
        focus=frozenset().union(*(REGION_AREAS.get(r, frozenset()) for r in reading.regions))
        if reading
        else frozenset(),
    )


# --- the rules ----------------------------------------------------------------------------------

Why = Iterable[str]


@dataclass(frozen=True, eq=False)
class Filter:
    """A rule that leaves moves out. `why(today, seen, left_out)` gives its lines: `seen` are the
    moves it was applied to, `left_out` those it left out of them.

    A filter about the person and the place (`today_only` False) narrows what every later rule
    sees; one about today (the level, recent hurts) is applied to every move that suits the person
    and the place, so each of those can say what it alone left out."""

    keeps: Callable[[Exercise, Today], bool]
    why: Callable[[Today, list[Exercise], list[Exercise]], Why] = lambda today, seen, left_out: ()
    today_only: bool = False
    in_programs: bool = False
    """A safety rule: a program's session (core.program_plan) keeps to it exactly as a suggestion does."""
    reason: str = ""
    """Why one move is left out, in a few words (a program's session names it per move)."""


@dataclass(frozen=True, eq=False)
class Score:
    """A rule that moves matching moves up by `weight`; `why(today, chosen)` gets the chosen moves
    it matched. It only chooses and orders moves: it never raises intensity."""

    weight: int
    matches: Callable[[Exercise, Today], bool]
    why: Callable[[Today, list[Exercise]], Why]


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _has_a_dose(exercise: Exercise, today: Today) -> bool:
    """Resting positions are offered only after a hurt (core.after_hurt); a move needs a hold or reps."""
    return exercise.id not in RESTING_ONLY and (exercise.dose.reps > 0 or exercise.dose.hold_seconds > 0)


FURNITURE = frozenset({Equipment.CHAIR, Equipment.TABLE})


def _fits_place(exercise: Exercise, today: Today) -> bool:
    place = today.request.place
    if place == "desk":
        return exercise.desk_friendly and exercise.position in (Position.SEATED, Position.STANDING)
    if place == "standing":
        return exercise.position is Position.STANDING
    return not FURNITURE & set(exercise.equipment)  # the floor: no chair or table moves


def _place_why(today: Today, seen: list[Exercise], left_out: list[Exercise]) -> Why:
    place = today.request.place
    if place == "desk":
        yield "Desk: seated and standing moves only."
    elif place == "standing":
        yield "Standing: standing moves only."


def _eases_sitting(exercise: Exercise, today: Today) -> bool:
    return today.long_sitting and bool(SITTING_AREAS & set(exercise.areas))


def _sitting_why(today: Today, chosen: list[Exercise]) -> Why:
    if chosen and today.sitting is not None:
        hours, when = today.sitting
        yield f"You sat {plural(hours, 'hour')} {when}: hip flexors, hamstrings and upper back first."


def _targets_pain(exercise: Exercise, today: Today) -> bool:
    return bool(today.focus & set(exercise.areas)) or (today.leg and exercise.kind is Kind.NERVE_GLIDE)


def _region_why(today: Today, chosen: list[Exercise]) -> Why:
    if chosen and today.reading is not None and today.reading.regions:
        yield f"Moves for your {_names([REGION_NAMES.get(r, r) for r in today.reading.regions])} come first."


def _suits_conditions(exercise: Exercise, today: Today) -> bool:
    return suits(exercise, today.conditions)


def _conditions_why(today: Today, seen: list[Exercise], left_out: list[Exercise]) -> Why:
    if left_out:
        conditions = sorted(not_advised(left_out, today.conditions))
        yield (
            f"Left out for your health profile ({condition_names(conditions)}): "
            f"{_names(sorted(e.name for e in left_out))}."
        )


def _strength_unlocked(exercise: Exercise, today: Today) -> bool:
    """Mobility first: strength only at the full level after CALM_SESSIONS_FOR_STRENGTH calm sessions."""
    return exercise.kind is not Kind.STRENGTH or today.strength_ok


def _strength_why(today: Today, seen: list[Exercise], left_out: list[Exercise]) -> Why:
    """Said when a strength move could be offered but for this rule (it suits, and has not hurt lately)."""
    if not any(e.kind is Kind.STRENGTH for e in seen if e.id not in today.hurt):
        return
    if today.strength_ok:
        yield (
            f"Strength moves are in: {plural(today.calm, 'calm mobility-only session')} in the last {HISTORY_DAYS} "
            "days" + ("." if today.did_strength else "; the most demanding ones wait until after your first.")
        )
    elif today.level is Level.FULL:
        yield (
            f"Mobility first: strength moves join after {CALM_SESSIONS_FOR_STRENGTH} calm mobility-only "
            f"sessions in {HISTORY_DAYS} days (pain {CALM_PAIN}/10 or less before, noted after and not "
            f"{TREND_RISE} or more higher, nothing hurt); so far {today.calm}."
        )


def _not_hurt_lately(exercise: Exercise, today: Today) -> bool:
    return exercise.id not in today.hurt


def _hurt_why(today: Today, seen: list[Exercise], left_out: list[Exercise]) -> Why:
    if left_out:
        yield f"Left out after hurting in the last {HISTORY_DAYS} days: {_names(sorted(e.name for e in left_out))}."


def _fits_intensity(exercise: Exercise, today: Today) -> bool:
    """FULL: up to `top_intensity` (2 in a first strength session); GENTLE: intensity 2 at most and no
    strength; shorter levels: gentle mobility only (core.safety.is_gentle, the gate's rule too)."""
    if today.level is Level.FULL:
        return exercise.intensity <= today.top_intensity
    if today.level is Level.GENTLE:
        return exercise.intensity <= 2 and exercise.kind in MOBILITY_KINDS
    return is_gentle(exercise)


def _nerve_glide_for_leg_pain(exercise: Exercise, today: Today) -> bool:
    return exercise.kind is not Kind.NERVE_GLIDE or today.leg


def _helped_before(exercise: Exercise, today: Today) -> bool:
    return exercise.id in today.helped


def _helped_why(today: Today, chosen: list[Exercise]) -> Why:
    def difference(exercise: Exercise) -> float:
        return today.helped[exercise.id].difference or 0.0

    for exercise in sorted(chosen, key=lambda e: (difference(e), e.id))[:3]:
        c = today.helped[exercise.id]
        yield (
            f"Pain fell {-difference(exercise):.1f} points more in sessions with {exercise.name} than without it "
            f"(95% interval {-(c.high or 0.0):.1f} to {-(c.low or 0.0):.1f}; "
            f"{plural(c.with_n, 'session')} with it, {c.without_n} without)."
            + (
                " It was always done with "
                + _names([today.request.exercises[i].name if i in today.request.exercises else i for i in c.twins])
                + ", so either may be why."
                if c.twins
                else ""
            )
        )


Rule = Filter | Score
RULES: tuple[Rule, ...] = (
    Filter(_has_a_dose),
    Filter(_fits_place, _place_why),
    Score(SCORE_SITTING, _eases_sitting, _sitting_why),
    Score(SCORE_REGION, _targets_pain, _region_why),
    Filter(_suits_conditions, _conditions_why, in_programs=True, reason="not advised with your health profile"),
    Filter(_strength_unlocked, _strength_why, today_only=True),
    Filter(
        _not_hurt_lately, _hurt_why, today_only=True, in_programs=True, reason=f"hurt in the last {HISTORY_DAYS} days"
    ),
    Filter(_fits_intensity, today_only=True, in_programs=True, reason="more effort than today's pain allows"),
    Filter(_nerve_glide_for_leg_pain, today_only=True, in_programs=True, reason="a nerve glide, for leg symptoms only"),
    Score(SCORE_HELPED, _helped_before, _helped_why),
)
"""Every filter and scoring rule, in the order their why lines are read. A new rule is one function
(with its why) and one entry here."""
PROGRAM_FILTERS: tuple[Filter, ...] = tuple(r for r in RULES if isinstance(r, Filter) and r.in_programs)
"""The safety filters a program's session keeps to: the person's conditions, recent hurts, the
level's intensity (the pain ceilings) and the nerve glide only with leg pain. A program replaces
only the choice of moves (the place, the scores) and the strength unlock (its own: core.program_plan)."""


@dataclass(frozen=True)
class Sifted:
    """What the filters did: the moves every one keeps, and for each filter the moves it was
    applied to and those it left out of them (see Filter)."""

    candidates: list[Exercise]
    seen: dict[Filter, list[Exercise]]
    left_out: dict[Filter, list[Exercise]]


def sift(today: Today, filters: list[Filter]) -> Sifted:
    """Apply the filters, each once per move it is applied to."""
    suited = list(today.request.exercises.values())  # kept by the person-and-place filters so far
    seen: dict[Filter, list[Exercise]] = {}
    left_out: dict[Filter, list[Exercise]] = {}
    for rule in filters:
        seen[rule] = suited
        keeps = [rule.keeps(e, today) for e in suited]
        kept = [e for e, keep in zip(suited, keeps, strict=True) if keep]
        left_out[rule] = [e for e, keep in zip(suited, keeps, strict=True) if not keep]
        if not rule.today_only:
            suited = kept
    dropped = {e.id for rule in filters if rule.today_only for e in left_out[rule]}
    return Sifted([e for e in suited if e.id not in dropped], seen, left_out)
