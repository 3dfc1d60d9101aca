"""Today's suggested routine: pain notes, sitting, past sessions and the safety screen go in; a
routine (or the reason there is none) and plain-language "why" and "advice" lines come out.

In four steps, each decided once in its own module (docs/safety.md says every rule in plain words):
the safety answers (core.safety), the level step (core.pain_level), the filters and scoring rules,
each with its own why line (core.suggestion_rules.RULES), and fitting the ranked moves into the
minutes asked (core.routine_fit). The inputs are core.suggestion_inputs'. In short:

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
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stretchtui.core.model import Exercise, Routine, format_duration
from stretchtui.core.pain_level import LEVEL_TEXT, SHORT_MINUTES, Level, level_step
from stretchtui.core.routine_fit import TIME_SLACK, built_routine, fit
from stretchtui.core.safety import advice_for, blocked_why
from stretchtui.core.suggestion_inputs import SuggestionRequest
from stretchtui.core.suggestion_rules import RULES, Filter, Score, sift, today_for
from stretchtui.core.vocabulary import Kind, Position, Sides

# A descent from standing to lying, so a routine gets down to the floor once.
POSITION_ORDER = (
    Position.STANDING,
    Position.SEATED,
    Position.KNEELING,
    Position.ALL_FOURS,
    Position.ON_FRONT,
    Position.SIDE_LYING,
    Position.ON_BACK,
)
KIND_ORDER = (Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE, Kind.STRENGTH)  # warm up before strength


@dataclass(frozen=True)
class Suggestion:
    routine: Routine | None
    why: tuple[str, ...]
    advice: tuple[str, ...]
    blocked: bool  # True: no exercise today (red flag, or pain too high)
    level: str

    @property
    def routines(self) -> Routines:
        """What today allows, in one word (`stretchtui safety --json`)."""
        if self.blocked:
            return Routines.NONE
        return {Level.FULL: Routines.FULL, Level.GENTLE: Routines.GENTLE}.get(Level(self.level), Routines.MOBILITY)


class Routines(StrEnum):
    """What today allows, as one word for scripts: the safety answers, what was noted since and
    today's pain level together, as the suggestion's level (core.pain_level) says it; core.safety's
    `state` is the answers' alone. Conditions leave out their moves whatever it says."""

    NONE = "none"  # no routine: a yes, a reason to ask again that blocks, pain too high today
    MOBILITY = "mobility"  # short, gentle mobility only (never answered, pain 6-7, a flare day...)
    GENTLE = "gentle"  # a gentler routine: shorter holds, fewer reps, no strength moves
    FULL = "full"


ROUTINES_WORDS: dict[Routines, str] = {
    Routines.NONE: "none",
    Routines.MOBILITY: LEVEL_TEXT[Level.MOBILITY_SHORT],
    Routines.GENTLE: LEVEL_TEXT[Level.GENTLE],
    Routines.FULL: LEVEL_TEXT[Level.FULL],
}


def _tiebreak(today: date, exercise_id: str) -> str:
    """A stable per-day shuffle: hashlib, because hash() of a str changes between runs."""
    return hashlib.sha256(f"{today.isoformat()}:{exercise_id}".encode()).hexdigest()


# --- the suggestion -----------------------------------------------------------------------------

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
MOVES_PER_MINUTE = 0.8
"""At most about 8 distinct moves in 10 minutes, so each has time to be done properly."""


def max_moves(minutes: int) -> int:
    return max(2, math.floor(minutes * MOVES_PER_MINUTE))


def _blocked(level: Level, why: Iterable[str], advice: Iterable[str]) -> Suggestion:
    return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=True, level=str(level))


def suggest(request: SuggestionRequest) -> Suggestion:
    """Today's suggestion. Pure: the same request always gives the same answer.

    The safety answers first (core.safety), then the level step, then the filters and scoring
    rules (RULES), then fitting the ranked moves into the minutes asked (core.routine_fit)."""
    check = request.safety
    if check.blocked:
        return _blocked(Level.RED_FLAG if check.red_flag else Level.ASK_AGAIN, blocked_why(check), advice_for(check))

    step = level_step(request)
    level, advice = step.level, list(step.advice)
    today = today_for(request, step)
    if level is Level.NONE:
        sitting = [SITTING_ADVICE] if today.long_sitting else []
        return _blocked(level, step.why, [*advice, *SELF_CARE_ADVICE, *sitting])
    if level is not Level.FULL:
        advice.append(GENTLE_ADVICE)
    if today.long_sitting:
        advice.append(SITTING_ADVICE)

    sifted = sift(today, [rule for rule in RULES if isinstance(rule, Filter)])
    scores = [rule for rule in RULES if isinstance(rule, Score)]
    exercises = dict(request.exercises)

    def score(exercise: Exercise) -> int:
        return sum(rule.weight for rule in scores if rule.matches(exercise, today))

    ranked = sorted(sifted.candidates, key=lambda e: (-score(e), _tiebreak(request.today, e.id), e.id))
    # Short mobility is capped hard; otherwise the routine may run up to TIME_SLACK over.
    short = level is Level.MOBILITY_SHORT
    minutes = min(request.minutes, SHORT_MINUTES) if short else request.minutes
    upper = minutes * 60 if short else math.floor(minutes * 60 * (1 + TIME_SLACK))
    picks = fit(ranked, level is not Level.FULL, minutes * 60, upper, exercises, max_moves(minutes))
    rank = {e.id: i for i, e in enumerate(ranked)}
    picks.sort(key=lambda p: (POSITION_ORDER.index(p[0].position), KIND_ORDER.index(p[0].kind), rank[p[0].id]))
    chosen = [p[0] for p in picks]

    why = list(step.why)
    for rule in RULES:
        if isinstance(rule, Filter):
            why += rule.why(today, sifted.seen[rule], sifted.left_out[rule])
        else:
            why += rule.why(today, [e for e in chosen if rule.matches(e, today)])

    if not picks:
        why.append("Nothing in the library suits today's level and place; another place may have more.")
        return Suggestion(routine=None, why=tuple(why), advice=tuple(advice), blocked=False, level=str(level))

    routine = built_routine(
        picks,
        rid=f"suggested-{request.today.isoformat()}",
        name="Today's suggestion",
        description=why[0],
        sources=tuple(dict.fromkeys(t for e in chosen for t in e.sources)),
    )
    seconds = routine.duration_seconds(exercises)
    if seconds < minutes * 60 * (1 - TIME_SLACK):
        about = format_duration(seconds - seconds % 10 if seconds < 120 else round(seconds / 60) * 60)
        if len(picks) >= max_moves(minutes):
            why.append(
                f"Shorter than asked: at most {max_moves(minutes)} moves in {minutes} min, each at no more than "
                f"its own dose{' (and gentler today)' if level is not Level.FULL else ''}: about {about}."
            )
        else:
            why.append(
                f"Only {len(picks)} {'move fits' if len(picks) == 1 else 'moves fit'} today's level and place: "
                f"about {about} of {minutes} min."
            )
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
