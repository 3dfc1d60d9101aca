"""The gate in front of every session: what must be shown, and explicitly confirmed, before a
session with given moves may start (an open red flag, questions to answer again, moves beyond
gentle ones while unanswered, moves a condition rules out), and what is stored once confirmed.

Split from core.safety, whose rules (the answers, the reasons to ask again, what "gentle" means)
it reads; every way into a session goes through it (ui.sessions, StretchApp.open_session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from stretchtui.core.conditions import condition_names, not_advised
from stretchtui.core.safety import ASK_AGAIN_ADVICE, SOON_ADVICE, URGENT_ADVICE, SafetyCheck, State, is_gentle

if TYPE_CHECKING:
    from stretchtui.core.model import Exercise, Routine


class GateKind(StrEnum):
    RED_FLAG = "red-flag"
    ASK_AGAIN = "ask-again"
    GENTLE_ONLY = "gentle-only"  # unanswered or out of date, and the session has more than gentle moves
    CONDITION = "condition"
    PAIN_TODAY = "pain-today"  # pain of 8/10 or more, or no comfortable position: no routine today
    FLARE_PAIN = "flare-pain"  # pain of 7/10 given before a session with more than gentle moves


@dataclass(frozen=True)
class GateReason:
    kind: GateKind
    text: str
    exercise_ids: tuple[str, ...] = ()  # for CONDITION and GENTLE_ONLY: the moves it concerns


PAIN_TODAY_ADVICE = (
    "Rest in whatever position eases it instead, keep gently moving as you can, and seek advice if the "
    "pain does not settle."
)


def session_gate(
    check: SafetyCheck,
    exercise_ids: Iterable[str],
    exercises: Mapping[str, Exercise],
    *,
    no_routine_today: str | None = None,
    mobility_only_today: str | None = None,
    minutes: float = 0,
) -> tuple[GateReason, ...]:
    """What must be shown, and explicitly confirmed, before a session with these moves may start.
    Empty: start at once. Every way into a session goes through this (ui.sessions, StretchApp.open_session).
    `no_routine_today`: why today's level (core.pain_level) is no routine at all, when it is (pain of
    8/10 or more, no comfortable position): said whatever else is said (an outside pass found it
    hidden behind the "answer again" its own pain opened). `mobility_only_today`: why today's level
    is short, gentle mobility only (pain of 7 noted earlier, a flare day, a rising trend): moves
    beyond gentle ones, or a session longer than SHORT_MINUTES (`minutes`, as planned), are
    named, for its short, gentle version (gentle_version) or to start anyway (FLARE_PAIN)."""
    reasons: list[GateReason] = []
    exercise_ids = tuple(dict.fromkeys(exercise_ids))
    if check.red_flag:
        advice = URGENT_ADVICE if check.state is State.URGENT else SOON_ADVICE
        reasons.append(GateReason(GateKind.RED_FLAG, " ".join(advice)))
    elif check.blocking_reasons:
        why = " ".join(a.text for a in check.blocking_reasons)
        reasons.append(GateReason(GateKind.ASK_AGAIN, f"{why} {ASK_AGAIN_ADVICE}"))
    elif check.gentle_only:
        beyond = [i for i in exercise_ids if i in exercises and not is_gentle(exercises[i])]
        if beyond:
            why = (
                " ".join(a.text for a in check.ask_again)
                if check.ask_again
                else "You have not answered the safety questions yet."
            )
            names = ", ".join(exercises[i].name for i in beyond)
            reasons.append(
                GateReason(
                    GateKind.GENTLE_ONLY,
                    f"{why} Until you do, gentle moves only are suggested; this session also has: {names}.",
                    tuple(beyond),
                )
            )
    if no_routine_today:  # with a reason to ask again too: "I have been checked" is not about the pain
        reasons.append(GateReason(GateKind.PAIN_TODAY, f"{no_routine_today} {PAIN_TODAY_ADVICE}"))
    elif mobility_only_today and not check.gentle_only:  # (gentle-only names the same moves already)
        from stretchtui.core.pain_level import SHORT_MINUTES
        from stretchtui.core.vocabulary import plural

        stronger = tuple(i for i in exercise_ids if i not in exercises or not is_gentle(exercises[i]))
        if stronger:
            names = ", ".join(exercises[i].name if i in exercises else i for i in stronger)
            said = f"This session also has: {names}."
        else:
            said = f"This session takes about {plural(round(minutes), 'minute')}."
        if stronger or minutes > SHORT_MINUTES:
            reasons.append(GateReason(GateKind.FLARE_PAIN, f"{mobility_only_today} {said}", stronger))
    present = [exercises[i] for i in exercise_ids if i in exercises]
    for condition, moves in not_advised(present, check.conditions).items():
        lines = [f"Not advised with {condition_names([condition])}:", *(f"- {e.name}: {why}" for e, why in moves)]
        reasons.append(GateReason(GateKind.CONDITION, "\n".join(lines), tuple(e.id for e, _ in moves)))
    return tuple(reasons)


def confirmation_record(reasons: Iterable[GateReason], choice: str, at: datetime) -> dict[str, object]:
    """What is stored with a session started after the gate: the reasons shown and the choice made."""
    return {
        "at": at.isoformat(),
        "choice": choice,
        "reasons": [{"kind": r.kind.value, "text": r.text, "exercises": list(r.exercise_ids)} for r in reasons],
    }


def flare_pain_reason(pain: int | None, routine: Routine, exercises: Mapping[str, Exercise]) -> GateReason | None:
    """Pain of 7/10 (core.streaks.FLARE_PAIN; 8 and more stop a session before this) given before a
    session with more than gentle moves, or longer than SHORT_MINUTES: today's suggestion at that
    pain is short, gentle mobility only, so the session asks before it starts as planned (its
    gentle version, `gentle_version`, or not now). The moves beyond gentle are named in the reason;
    a move not in `exercises` counts as one."""
    from stretchtui.core.pain_level import SHORT_MINUTES
    from stretchtui.core.safety import ASK_AGAIN_PAIN
    from stretchtui.core.streaks import FLARE_PAIN
    from stretchtui.core.vocabulary import plural

    if pain is None or not FLARE_PAIN <= pain < ASK_AGAIN_PAIN:
        return None
    ids = tuple(dict.fromkeys(item.exercise_id for item in routine.items))
    beyond = tuple(i for i in ids if i not in exercises or not is_gentle(exercises[i]))
    known = {i: exercises[i] for i in ids if i in exercises}
    minutes = routine.duration_seconds(known) / 60 if len(known) == len(ids) else SHORT_MINUTES + 1
    if not beyond and minutes <= SHORT_MINUTES:
        return None
    what = (
        f"this routine has {plural(len(beyond), 'move')} beyond that"
        if beyond
        else f"this routine takes about {plural(round(minutes), 'minute')}"
    )
    then = (
        f"Start a shorter, lighter version of its {plural(len(ids) - len(beyond), 'gentle move')}?"
        if len(beyond) < len(ids)
        else "None of its moves is gentle: Today's suggestion is made for this pain."
    )
    return GateReason(
        GateKind.FLARE_PAIN,
        f"Pain {pain}/10 is a flare's pain: today suits short, gentle mobility only, and {what}. {then}",
        beyond,
    )


def gentle_version(routine: Routine, exercises: Mapping[str, Exercise]) -> Routine:
    """What short, gentle mobility makes of a routine: its gentle moves only, each at about two
    thirds of its dose (core.routine_fit.GENTLE_FACTOR, as flare mode's moves), and of those the
    first that fit in SHORT_MINUTES (at least one), named so. Not the stored routine as written any more."""
    from dataclasses import replace

    from stretchtui.core.pain_level import SHORT_MINUTES
    from stretchtui.core.routine_fit import GENTLE_FACTOR

    items = []
    for item in routine.items:
        exercise = exercises.get(item.exercise_id)
        if exercise is None or not is_gentle(exercise):
            continue
        dose = item.dose_for(exercise)
        if dose.reps > 0:
            items.append(replace(item, reps=max(1, round(dose.reps * GENTLE_FACTOR))))
        else:
            items.append(replace(item, hold_seconds=max(5, round(dose.hold_seconds * GENTLE_FACTOR))))
    gentle = replace(routine, items=tuple(items), name=f"{routine.name} (short, gentle)")  # so History says so
    while len(gentle.items) > 1 and gentle.duration_seconds(exercises) > SHORT_MINUTES * 60:
        gentle = replace(gentle, items=gentle.items[:-1])
    return gentle
