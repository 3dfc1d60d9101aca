"""Fitting ranked moves into the minutes asked: which moves, and how long each hold or how many reps.

A dose never exceeds the exercise's own; gentle levels start and stay at about two thirds of it
(shorter holds, fewer reps); sets stay as written; a hold of minutes keeps at least half its length.
The routine never runs over the upper bound it is given (core.suggest decides that bound and the
order of the moves).
"""

from __future__ import annotations

from dataclasses import dataclass

from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.vocabulary import Origin

REST_BETWEEN_SECONDS = 5
TIME_SLACK = 0.1
"""A routine may run this share over the minutes asked (short mobility never does), and is "short" below it."""
MIN_HOLD = 15  # a hold may be trimmed to this (or the exercise's own hold, if shorter) to fit the time
LONG_HOLD = 60
"""A hold of more than this (a timed walk, slow breathing) is trimmed to no less than half of it:
a 15-second walk is no walk."""
GENTLE_FACTOR = 2 / 3


@dataclass(frozen=True)
class DoseRange:
    """The dose that can vary for one move at one level: hold seconds, or reps."""

    by_reps: bool
    start: int
    low: int
    high: int
    step: int


def dose_range(exercise: Exercise, gentle: bool) -> DoseRange:
    """The exercise's own dose is the ceiling (a dose never exceeds what its data allows); gentle
    levels start and stay at about two thirds of it (shorter holds, fewer reps)."""
    dose = exercise.dose
    if dose.reps > 0:
        base = dose.reps
        high = max(1, round(base * GENTLE_FACTOR)) if gentle and base > 1 else base
        return DoseRange(True, high, max(1, round(base / 3)), high, 1)
    own = dose.hold_seconds
    high = max(1, round(own * GENTLE_FACTOR)) if gentle and own > 1 else own
    low = min(MIN_HOLD, high) if own <= LONG_HOLD else max(MIN_HOLD, own // 2)
    return DoseRange(False, high if gentle else min(max(own, low), high), low, high, 5)


Pick = tuple[Exercise, DoseRange, int]


def _item(exercise: Exercise, rng: DoseRange, value: int) -> RoutineItem:
    if rng.by_reps:
        return RoutineItem(exercise.id, hold_seconds=exercise.dose.hold_seconds, reps=value)
    return RoutineItem(exercise.id, hold_seconds=value, reps=0)


def built_routine(
    picks: list[Pick], rid: str = "", *, name: str, description: str = "", sources: tuple[str, ...] = ()
) -> Routine:
    """Built in, so not editable in place: the UI duplicates it to keep a changed copy."""
    return Routine(
        id=rid,
        name=name,
        items=tuple(_item(*p) for p in picks),
        description=description,
        rest_between_seconds=REST_BETWEEN_SECONDS,
        sources=sources,
        origin=Origin.SEED,
    )


def fit(
    ranked: list[Exercise], gentle: bool, target: int, upper: int, exercises: dict[str, Exercise], max_moves: int
) -> list[Pick]:
    """Choose moves in rank order at their starting dose, lengthen them towards the target, and
    while still short, squeeze in one more move at its smallest dose and lengthen again.

    Never exceeds `upper` seconds nor `max_moves` moves.
    """
    ranges = {e.id: dose_range(e, gentle) for e in ranked}
    picks: list[Pick] = []

    def seconds(trial: list[Pick]) -> int:
        return built_routine(trial, name="").duration_seconds(exercises)

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
                    trial = [*picks[:i], (exercise, rng, value + rng.step), *picks[i + 1 :]]
                    if seconds(trial) <= upper:
                        picks[i], grew = trial[i], True
                        if seconds(picks) >= target:
                            return

    add(smallest=False, limit=target)
    grow()
    while seconds(picks) < target * (1 - TIME_SLACK) and add(smallest=True, limit=upper):
        grow()
    return picks
