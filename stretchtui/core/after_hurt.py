"""What "this hurts" offers next: always a way on, never more of the same.

In order: a gentler move for the same area (any position, the same or a lower intensity, a gentle
kind, not hurt recently, suited to the person's conditions); else a relief position (child's pose,
knees to chest, lying on your back with knees bent); else ending the session, with advice.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, replace
from enum import StrEnum

from stretchtui.core.conditions import suits
from stretchtui.core.model import Exercise
from stretchtui.core.vocabulary import Area, Condition, Kind, Position

EASING_KINDS = (Kind.MOBILITY, Kind.MOTOR_CONTROL)
"""What "this hurts" may offer instead. Narrower than the gentle levels of a suggestion
(core.safety.MOBILITY_KINDS): no nerve glide, which puts a nerve under tension and is suggested only
for leg pain; after a hurt the offer must ease, whatever hurt."""
RELIEF_POSITIONS = ("crook-lying-rest", "childs-pose", "double-knee-to-chest", "knee-to-chest")
"""Positions that often ease a sore back, in the order they are offered."""
RESTING_ONLY = frozenset({"crook-lying-rest"})
"""Resting positions rather than moves: offered after a hurt, never as part of a suggested routine."""
END_ADVICE = (
    "Stop here for today: rest in whatever position eases it. If the pain is sharp, spreads down "
    "{limb}, or comes with numbness or tingling, do not carry on, and seek advice if it does not settle."
)
UPPER_AREAS = frozenset({Area.NECK, Area.SHOULDERS, Area.MID_UPPER_BACK, Area.CHEST})
"""A move for these only: pain that spreads goes down an arm, not a leg."""


def spreading_limb(hurt: Exercise) -> str:
    """Where pain from this move would spread: "an arm" for a neck or upper-body move, "a leg" for
    one that works the low back, hips or legs, "an arm or a leg" for one that works both (an outside
    pass read "spreads down a leg" after a neck stretch)."""
    areas = set(hurt.areas)
    upper, lower = bool(areas & UPPER_AREAS), bool(areas - UPPER_AREAS)
    return "an arm or a leg" if upper and lower else "an arm" if upper else "a leg"


class OfferKind(StrEnum):
    GENTLER = "gentler"
    RELIEF = "relief"
    END = "end"


@dataclass(frozen=True)
class HurtOffer:
    kind: OfferKind
    exercise: Exercise | None = None
    advice: str = ""
    stop: bool = False  # pain of STOP_HURT or more: the session ends; carrying on takes a deliberate choice


STOP_HURT = 8
"""A move that hurt this much (core.safety.ASK_AGAIN_PAIN, where no session starts without a
deliberate choice either): the session ends for today, not back to the routine."""
STOP_ADVICE = (
    "Pain of 8/10 or more: the session ends for today. Rest in whatever position eases it (on your "
    "back with knees bent, or on your side), keep gently moving as you can, and seek advice if it "
    "does not settle, or at once if it spreads down {limb} or comes with numbness."
)


@dataclass(frozen=True)
class Leaving:
    """What an offer after a hurt leaves out. `exclude`: moves already in this session (a gentler
    one should be new); any move that does not suit the person's `conditions`, or was marked hurt
    lately (`hurt_recently`: this one and any hurt earlier in the session included)."""

    exclude: Set[str] = frozenset()
    conditions: Set[Condition] = frozenset()
    hurt_recently: Set[str] = frozenset()

    def suits(self, exercise: Exercise) -> bool:
        return (
            suits(exercise, self.conditions)
            and exercise.id not in self.hurt_recently
            and (exercise.dose.reps > 0 or exercise.dose.hold_seconds > 0)
        )


OFF_THE_FLOOR = (Position.SEATED, Position.STANDING)
HIGH_HURT = 7
"""A move that hurt this much: no other move is offered, only a resting position or ending."""


def _same_place(candidate: Exercise, hurt: Exercise) -> bool:
    """At a desk or standing, nothing that needs getting down to the floor."""
    return hurt.position not in OFF_THE_FLOOR or candidate.position in OFF_THE_FLOOR


def gentler_alternative(hurt: Exercise, library: Iterable[Exercise], leaving: Leaving = Leaving()) -> Exercise | None:
    """A gentle move sharing an area with `hurt`, at most as intense, in the same place (off the floor
    when it was); more shared areas win, then the lower intensity, then the same position, then the name."""
    areas = set(hurt.areas)
    candidates = [
        c
        for c in library
        if c.id != hurt.id
        and c.id not in leaving.exclude
        and c.kind in EASING_KINDS
        and _same_place(c, hurt)
        and c.intensity <= hurt.intensity
        and areas & set(c.areas)
        and leaving.suits(c)
    ]

    def rank(c: Exercise) -> tuple[int, int, bool, str, str]:
        return (-len(areas & set(c.areas)), c.intensity, c.position != hurt.position, c.name.casefold(), c.id)

    return min(candidates, key=rank, default=None)


def offer_after_hurt(
    hurt: Exercise, library: Iterable[Exercise], leaving: Leaving = Leaving(), *, pain: int | None = None
) -> HurtOffer:
    """`pain`: how much it hurt. From HIGH_HURT up, no other move: a resting position (on the floor
    only if it already was), else ending; from STOP_HURT up, ending for today (`stop`), not back to
    the routine (an outside pass carried on to a strength move after a 9). `hurt` itself counts as
    hurt recently."""
    if pain is not None and pain >= STOP_HURT:
        return HurtOffer(OfferKind.END, advice=STOP_ADVICE.format(limb=spreading_limb(hurt)), stop=True)
    library = list(library)
    leaving = replace(leaving, hurt_recently=set(leaving.hurt_recently) | {hurt.id})
    if pain is None or pain < HIGH_HURT:
        gentler = gentler_alternative(hurt, library, leaving)
        if gentler is not None:
            return HurtOffer(OfferKind.GENTLER, gentler)
    by_id = {e.id: e for e in library}
    for exercise_id in RELIEF_POSITIONS:
        relief = by_id.get(exercise_id)
        if relief is not None and leaving.suits(relief) and _same_place(relief, hurt):
            return HurtOffer(OfferKind.RELIEF, relief)
    return HurtOffer(OfferKind.END, advice=END_ADVICE.format(limb=spreading_limb(hurt)))
