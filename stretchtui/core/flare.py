"""Flare mode (issue 18): what a program offers while the back flares up.

Relief positions and two or three gentle moves at about two thirds of their dose, what to expect
in the first days, and when to get help from whom. The safety answers come first exactly as for
any suggestion: a red flag, or a reason to ask the questions again, gives advice and no moves.
Leaving flare mode is the person's choice (core.program_replay). Advice follows NICE NG59 and ACP
2017 in plain words; it is not a diagnosis. Pure: no UI, no storage.
"""

from __future__ import annotations

from collections.abc import Mapping

from stretchtui.core.after_hurt import RELIEF_POSITIONS
from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.pain_level import Level, level_step
from stretchtui.core.routine_fit import GENTLE_FACTOR, REST_BETWEEN_SECONDS
from stretchtui.core.safety import advice_for, blocked_why, is_gentle
from stretchtui.core.suggest import Suggestion
from stretchtui.core.suggestion_inputs import SuggestionRequest
from stretchtui.core.suggestion_rules import PROGRAM_FILTERS, today_for
from stretchtui.core.vocabulary import Origin

GENTLE_MOVES = ("pelvic-tilt", "lower-trunk-rotation", "cat-cow", "knee-to-chest", "relaxed-breathing", "timed-walk")
"""The gentle moves flare mode offers, in order of preference: two or three that suit today."""
MOVES = 3
RELIEF = 2

EXPECT = (
    "Flare-ups are common with back pain and most settle within a few days to a couple of weeks.",
    "More pain does not mean new damage. Keep gently active: short walks and easy movement help more than bed rest.",
    "Change position often, and use heat or ice if either eases it. Painkillers from a pharmacy can "
    "help you keep moving; ask a pharmacist what suits you.",
    "Your program waits: when the worst has passed, choose to go back to it, one step lower.",
)
WHEN_TO_CALL = (
    "Call emergency services or go to an emergency department now if you have numbness around the "
    "bottom or genitals, new trouble controlling your bladder or bowel, or weakness in both legs.",
    "Contact your doctor or an urgent care service the same day if the pain is severe and not easing, "
    "you feel unwell with a fever, or the pain follows a fall or injury.",
    "See your doctor or a physiotherapist if the flare has not started to settle after two weeks, or "
    "if pain, numbness or weakness spreads down a leg.",
)
"""Worded for anywhere, as the safety advice is (core.safety.URGENT_ADVICE): an outside pass found
one country's phone numbers given to everyone."""


def flare_session(request: SuggestionRequest, exercises: Mapping[str, Exercise]) -> Suggestion:
    """Relief positions and a few gentle moves, each kept to the safety filters; or, when the
    safety answers block or there is no comfortable position, advice only."""
    check = request.safety
    if check.blocked:
        level = Level.RED_FLAG if check.red_flag else Level.ASK_AGAIN
        return Suggestion(None, blocked_why(check), advice_for(check), True, str(level))
    step = level_step(request).capped(Level.MOBILITY_SHORT, "in flare mode")
    advice = (*step.advice, *EXPECT)
    if step.level is Level.NONE:
        return Suggestion(None, ("Flare mode.", *step.why), advice, True, str(step.level))
    today = today_for(request, step)

    def suits(exercise: Exercise) -> bool:
        return all(rule.keeps(exercise, today) for rule in PROGRAM_FILTERS)

    relief = [exercises[i] for i in RELIEF_POSITIONS if i in exercises and suits(exercises[i])][:RELIEF]
    moves = [
        exercises[i]
        for i in GENTLE_MOVES
        if i in exercises and is_gentle(exercises[i]) and suits(exercises[i]) and exercises[i] not in relief
    ][:MOVES]
    items = tuple(_gentle_item(e) for e in (*relief[:1], *moves, *relief[1:]))
    routine = Routine(
        id="flare-mode",
        name="Flare mode: ease and move gently",
        items=items,
        description="Relief positions and a few gentle moves while the flare settles.",
        rest_between_seconds=REST_BETWEEN_SECONDS,
        sources=(),
        origin=Origin.SEED,
    )
    why = (
        "Flare mode: relief positions and a few gentle moves, until you choose to go back to your program.",
        *step.why,
    )
    return Suggestion(routine if items else None, why, advice, False, str(Level.MOBILITY_SHORT))


def _gentle_item(exercise: Exercise) -> RoutineItem:
    dose = exercise.dose
    if dose.reps > 0:
        return RoutineItem(exercise.id, hold_seconds=dose.hold_seconds, reps=max(1, round(dose.reps * GENTLE_FACTOR)))
    return RoutineItem(exercise.id, hold_seconds=max(5, round(dose.hold_seconds * GENTLE_FACTOR)), reps=0)


def flare_stays_because(latest_pain_today: int | None, marked_today: bool, area: str = "") -> str | None:
    """Why flare mode cannot be left yet today (None: it can). Leaving is the person's choice, but
    not on a day whose latest pain in some area (`area`, as said) is still a flare's, or that they
    marked a flare: a program session at full dose would follow at once. They note how it is now,
    and go on then. The store passes the highest of each area's latest pain today, as the
    suggestion reads the day (a lower pain noted for the neck leaves the back's 7 standing)."""
    from stretchtui.core.streaks import FLARE_PAIN

    if latest_pain_today is not None and latest_pain_today >= FLARE_PAIN:
        where = f" for the {area}" if area else ""
        because = f"the latest pain you noted today{where} is {latest_pain_today}/10"
        then = "When it has eased, note how it is now in a check-in, then go on."
    elif marked_today:
        because = "today is marked a flare day"
        then = "If that has changed, change today's mark first."
    else:
        return None
    return f"Flare mode stays for now: {because}. {then}"
