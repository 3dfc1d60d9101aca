"""A program's session for one day: which moves at which dose, kept to the same safety rules as a
suggestion (issue 18).

The dose of each item follows the program's step (core.program_replay decides the step): at step 0
the dose written for the phase; each step up adds `step_percent` of it, up to the exercise's own
dose (never above); after `steps_at_top` more steps a ladder item climbs to its next rung, which
starts at `start_percent` of its own dose; each step down takes `step_percent` off.

Then today's safety, exactly as core.suggest applies it: a red flag or a reason to ask the safety
questions again gives no session; the level step (core.pain_level) sets how gentle; the safety
filters (core.suggestion_rules.PROGRAM_FILTERS: conditions, recent hurts, the level's intensity,
the nerve glide only with leg pain) leave moves out; gentle levels keep to about two thirds of a
move's own dose, and short mobility to 5 minutes. A ladder item a filter leaves out falls back to
the highest lower rung that passes. Strength moves need the full level and either two calm
sessions in the last two weeks or an earlier strength session. Pure: no UI, no storage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.pain_level import SHORT_MINUTES, Level, level_step, pain_rose, recent_sessions
from stretchtui.core.programs import Item, Ladder, Program, rungs, start_rung
from stretchtui.core.routine_fit import GENTLE_FACTOR, REST_BETWEEN_SECONDS
from stretchtui.core.safety import advice_for, blocked_why
from stretchtui.core.suggest import GENTLE_ADVICE, SELF_CARE_ADVICE, Suggestion
from stretchtui.core.suggestion_inputs import SessionNote, SuggestionRequest
from stretchtui.core.suggestion_rules import CALM_PAIN, PROGRAM_FILTERS, Today, today_for
from stretchtui.core.vocabulary import Kind, Origin

CALM_FOR_STRENGTH = 2
MIN_HOLD_SECONDS = 5


@dataclass(frozen=True)
class ItemDose:
    """One item at one step: the rung's exercise and its reps (`by_reps`) or hold in seconds."""

    exercise_id: str
    amount: int
    by_reps: bool
    sets: int | None = None  # the phase's sets for the starting rung, else the exercise's own
    climbed: int = 0  # rungs above the item's starting rung


def _own(exercise: Exercise) -> tuple[bool, int]:
    dose = exercise.dose
    return (True, dose.reps) if dose.reps > 0 else (False, dose.hold_seconds)


def _lowest(by_reps: bool) -> int:
    return 1 if by_reps else MIN_HOLD_SECONDS


def item_dose(
    item: Item, step: int, program: Program, ladders: Mapping[str, Ladder], exercises: Mapping[str, Exercise]
) -> ItemDose:
    """The item's move and dose at `step` (see the module docstring)."""
    ids = rungs(item, ladders)
    rung = start_rung(item, ladders)
    rules = program.progression
    exercise = exercises[ids[rung]]
    by_reps, own = _own(exercise)
    written = (item.reps if by_reps else item.hold_seconds) or own
    amount, size, sets = written, written, item.sets
    if step <= 0:
        cut = math.floor(written * (1 + step * rules.step_percent / 100))
        return ItemDose(exercise.id, max(_lowest(by_reps), cut), by_reps, sets)
    at_top, climbed = 0, 0
    for _ in range(step):
        if amount < own:
            amount = min(own, amount + max(1, round(size * rules.step_percent / 100)))
        elif rung + 1 < len(ids):
            at_top += 1
            if at_top >= rules.steps_at_top:
                rung, climbed, at_top, sets = rung + 1, climbed + 1, 0, None
                exercise = exercises[ids[rung]]
                by_reps, own = _own(exercise)
                size = own
                amount = max(_lowest(by_reps), round(own * rules.start_percent / 100))
    return ItemDose(exercise.id, amount, by_reps, sets, climbed)


def top_step(
    phase_items: tuple[Item, ...], program: Program, ladders: Mapping[str, Ladder], exercises: Mapping[str, Exercise]
) -> int:
    """The step from which no item's dose or rung grows any more: a step up beyond it is pointless."""
    step = 0
    while step < 200:
        now = [item_dose(i, step, program, ladders, exercises) for i in phase_items]
        after = [item_dose(i, step + 1, program, ladders, exercises) for i in phase_items]
        if now == after:
            return step
        step += 1
    return step


def routine_item(dose: ItemDose, exercises: Mapping[str, Exercise]) -> RoutineItem:
    exercise = exercises[dose.exercise_id]
    if dose.by_reps:
        return RoutineItem(exercise.id, hold_seconds=exercise.dose.hold_seconds, reps=dose.amount, sets=dose.sets)
    return RoutineItem(exercise.id, hold_seconds=dose.amount, reps=0, sets=dose.sets)


# ---------------------------------------------------------------------------- today's safety


def _calm(session: SessionNote) -> bool:
    """A calm session, whatever it held: pain before CALM_PAIN or less, noted after and not 2 higher,
    nothing hurt."""
    return (
        session.pain_before is not None
        and session.pain_before <= CALM_PAIN
        and session.pain_after is not None
        and not pain_rose(session)
        and not session.hurt_exercise_ids
    )


@dataclass(frozen=True)
class _Gate:
    today: Today
    strength_ok: bool

    def reason(self, exercise: Exercise) -> str | None:
        """Why the move is not for today (None: it is)."""
        for rule in PROGRAM_FILTERS:
            if not rule.keeps(exercise, self.today):
                return rule.reason
        if exercise.kind is Kind.STRENGTH and not self.strength_ok:
            return (
                f"strength waits for {CALM_FOR_STRENGTH} calm sessions in two weeks"
                if self.today.level is Level.FULL
                else "more effort than today's pain allows"
            )
        return None


def _gate(request: SuggestionRequest, today: Today) -> _Gate:
    recent = recent_sessions(request)
    did_strength = today.did_strength
    strength_ok = today.level is Level.FULL and (
        did_strength or sum(1 for s in recent if _calm(s)) >= CALM_FOR_STRENGTH
    )
    return _Gate(today, strength_ok)


def _gentle_cap(dose: ItemDose, exercises: Mapping[str, Exercise]) -> ItemDose:
    _, own = _own(exercises[dose.exercise_id])
    cap = max(_lowest(dose.by_reps), round(own * GENTLE_FACTOR))
    return replace(dose, amount=min(dose.amount, cap))


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def session_for(
    program: Program,
    phase_index: int,
    step: int,
    request: SuggestionRequest,
    ladders: Mapping[str, Ladder],
    *,
    title: str = "",
) -> Suggestion:
    """The program's session for `request.today` at `step` of phase `phase_index`, after today's
    safety: the same shape as a suggestion (routine, why, advice, blocked, level), so Today, the
    session screen and `--json` show either alike."""
    exercises = request.exercises
    check = request.safety
    if check.blocked:
        level = Level.RED_FLAG if check.red_flag else Level.ASK_AGAIN
        return Suggestion(None, blocked_why(check), advice_for(check), True, str(level))
    level_info = level_step(request)
    level = level_info.level
    why = list(level_info.why)
    advice = list(level_info.advice)
    if level is Level.NONE:
        return Suggestion(None, tuple(why), (*advice, *SELF_CARE_ADVICE), True, str(level))
    if level is not Level.FULL:
        advice.append(GENTLE_ADVICE)
    gate = _gate(request, today_for(request, level_info))
    phase = program.phase[phase_index]
    items: list[RoutineItem] = []
    left_out: dict[str, list[str]] = {}
    for item in phase.item:
        planned = item_dose(item, step, program, ladders, exercises)
        chosen = _fitting(item, planned, gate, ladders, exercises, left_out, why)
        if chosen is not None:
            items.append(routine_item(chosen if level is Level.FULL else _gentle_cap(chosen, exercises), exercises))
    for reason, names in left_out.items():
        why.append(f"Left out today ({reason}): {_names(names)}.")
    routine = _routine(program, items, request.today, title or program.name)
    if level is Level.MOBILITY_SHORT:
        while len(routine.items) > 1 and routine.duration_seconds(dict(exercises)) > SHORT_MINUTES * 60:
            routine = replace(routine, items=routine.items[:-1])
        why.append(f"Short today: the first moves of the session, up to {SHORT_MINUTES} minutes.")
    if not routine.items:
        why.append("None of this phase's moves suits today; rest relatively and try again tomorrow.")
        return Suggestion(None, tuple(why), (*advice, *SELF_CARE_ADVICE), False, str(level))
    return Suggestion(routine, tuple(why), tuple(advice), False, str(level))


def _fitting(
    item: Item,
    planned: ItemDose,
    gate: _Gate,
    ladders: Mapping[str, Ladder],
    exercises: Mapping[str, Exercise],
    left_out: dict[str, list[str]],
    why: list[str],
) -> ItemDose | None:
    """The planned move if today allows it; else (a ladder) the highest lower rung that does."""
    wanted = exercises[planned.exercise_id]
    reason = gate.reason(wanted)
    if reason is None:
        return planned
    ids = rungs(item, ladders)
    for lower in reversed(ids[: ids.index(planned.exercise_id)]):
        exercise = exercises[lower]
        if gate.reason(exercise) is None:
            why.append(f"{exercise.name} today instead of {wanted.name}: {reason}.")
            by_reps, own = _own(exercise)
            return ItemDose(exercise.id, own, by_reps)
    left_out.setdefault(reason, []).append(wanted.name)
    return None


def _routine(program: Program, items: list[RoutineItem], day: date, title: str) -> Routine:
    return Routine(
        id=f"program-{program.id}",
        name=title,
        items=tuple(items),
        description=program.summary,
        rest_between_seconds=REST_BETWEEN_SECONDS,
        sources=(),
        origin=Origin.SEED,
    )
