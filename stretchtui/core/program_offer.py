"""Which program fits a person: from the recent check-ins (pain, leg symptoms, long sitting) to the
program Today offers, with why; none while the safety answers block or today's pain leaves no
routine. Pure: no UI, no storage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stretchtui.core.programs import LegPain, Program
from stretchtui.core.suggestion_inputs import SuggestionRequest


@dataclass(frozen=True)
class Offer:
    program: Program
    why: str


def offer(programs: Iterable[Program], *, pain: int | None, leg: bool, long_sitting: bool) -> Offer | None:
    """The program that fits the recent check-ins best, with why (None: none fits, e.g. pain too high)."""
    fitting = []
    for program in programs:
        entry = program.entry
        if pain is not None and pain > entry.max_pain:
            continue
        if (entry.leg_pain is LegPain.NEEDED and not leg) or (entry.leg_pain is LegPain.NOT_NEEDED and leg):
            continue
        score = (2 if entry.leg_pain is LegPain.NEEDED else 0) + (1 if entry.long_sitting and long_sitting else 0)
        score -= 1 if entry.long_sitting and not long_sitting else 0
        fitting.append((-score, program.id, program))
    if not fitting:
        return None
    best = min(fitting)[2]
    reasons = []
    if best.entry.leg_pain is LegPain.NEEDED:
        reasons.append("your check-ins note leg symptoms")
    if best.entry.long_sitting and long_sitting:
        reasons.append("you sit for long stretches")
    if pain is not None:
        reasons.append(f"your pain ({pain}/10) is within its starting limit of {best.entry.max_pain}")
    why = "Fits because " + " and ".join(reasons) + "." if reasons else "A good place to start."
    return Offer(best, why)


def offer_for(request: SuggestionRequest, programs: Iterable[Program]) -> Offer | None:
    """The offer for the person a suggestion request describes: none while the safety answers
    block or ask to be answered first, or when today's pain leaves no routine."""
    from stretchtui.core.pain_level import Level, level_step
    from stretchtui.core.suggestion_rules import today_for

    if request.safety.blocked or request.safety.needs_asking:
        return None
    step = level_step(request)
    if step.level is Level.NONE:
        return None
    today = today_for(request, step)
    pain = step.reading.pain if step.reading else None
    return offer(programs, pain=pain, leg=today.leg, long_sitting=today.long_sitting)
