"""The plan of a guided session: its phases (get ready, each set and side, switches and rests,
then DONE) built from a routine and its exercises' doses.

Split from core.timer, which walks a plan against the clock: building the plan needs no clock, and
the form (pace per rep) and the demo history build or read plans without a timer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from stretchtui.core.model import DEFAULT_PACE_SECONDS, SWITCH_SIDE_SECONDS, Dose, Exercise, Routine
from stretchtui.core.sessions import Side
from stretchtui.core.vocabulary import Sides

DEFAULT_GET_READY_SECONDS = 5


class PhaseKind(StrEnum):
    GET_READY = "get_ready"
    HOLD = "hold"
    REPS = "reps"
    SWITCH_SIDE = "switch_side"
    REST = "rest"
    DONE = "done"


WORK_KINDS = frozenset({PhaseKind.HOLD, PhaseKind.REPS})
# Phases that count down to a bell; REPS is paced but ends with a "done", so it gets no 3-2-1.
COUNTDOWN_KINDS = frozenset({PhaseKind.GET_READY, PhaseKind.HOLD, PhaseKind.SWITCH_SIDE, PhaseKind.REST})


@dataclass(frozen=True)
class Phase:
    """One step of a session.

    Work phases (hold, reps) describe themselves. The phases between them (get ready, switch side,
    rest) describe the work that comes *next*, so the UI can say "next: Cat-cow, set 2, right side";
    get-ready alone has exercise_index -1, as it belongs to no routine item.
    """

    kind: PhaseKind
    seconds: int  # planned length; for reps, reps * seconds_per_rep
    exercise_index: int = -1  # index into routine.items
    exercise_id: str = ""
    exercise_name: str = ""
    set_number: int = 0
    sets: int = 0
    side: Side = Side.BOTH
    reps: int = 0  # target, 0 for holds
    seconds_per_rep: int = 0

    def __post_init__(self) -> None:  # accept plain strings, e.g. from JSON
        object.__setattr__(self, "kind", PhaseKind(self.kind))
        object.__setattr__(self, "side", Side(self.side))

    @property
    def is_work(self) -> bool:
        return self.kind in WORK_KINDS

    @property
    def counts_down(self) -> bool:
        return self.kind in COUNTDOWN_KINDS

    @property
    def exercise_key(self) -> tuple[int, str]:
        """Which exercise occurrence this phase belongs to (an inserted alternative shares the index
        of the item it replaces, so the id tells them apart)."""
        return (self.exercise_index, self.exercise_id)

    def to_dict(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, StrEnum) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Phase:
        return cls(**data)


DONE_PHASE = Phase(PhaseKind.DONE, 0)


def seconds_per_rep(dose: Dose) -> int:
    """Reps are paced by their hold if they have one, else by the pace (the default if unset)."""
    if dose.hold_seconds > 0:
        return dose.hold_seconds
    return dose.pace_seconds if dose.pace_seconds > 0 else DEFAULT_PACE_SECONDS


def exercise_phases(
    exercise_index: int,
    exercise: Exercise,
    dose: Dose,
    *,
    switch_side_seconds: int = SWITCH_SIDE_SECONDS,
) -> tuple[Phase, ...]:
    """Every set and side of one exercise, with switch gaps between sides and rests between sets.

    Zero-length gaps are left out; a dose with fewer than one set still gets one.
    """
    sides = (Side.LEFT, Side.RIGHT) if dose.sides is Sides.EACH else (Side.BOTH,)
    sets = max(1, dose.sets)
    if dose.is_reps:
        pace = seconds_per_rep(dose)
        kind, seconds, reps = PhaseKind.REPS, dose.reps * pace, dose.reps
    else:
        kind, seconds, reps, pace = PhaseKind.HOLD, max(0, dose.hold_seconds), 0, 0
    phases: list[Phase] = []
    for set_number in range(1, sets + 1):
        for position, side in enumerate(sides):
            work = Phase(kind, seconds, exercise_index, exercise.id, exercise.name, set_number, sets, side, reps, pace)
            if position > 0 and switch_side_seconds > 0:
                phases.append(replace(work, kind=PhaseKind.SWITCH_SIDE, seconds=switch_side_seconds))
            elif position == 0 and set_number > 1 and dose.rest_seconds > 0:
                phases.append(replace(work, kind=PhaseKind.REST, seconds=dose.rest_seconds))
            phases.append(work)
    return tuple(phases)


def build_phases(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    *,
    get_ready_seconds: int = DEFAULT_GET_READY_SECONDS,
    switch_side_seconds: int = SWITCH_SIDE_SECONDS,
) -> tuple[Phase, ...]:
    """The whole session: get ready, each item's sets and sides, rests between items, then DONE.

    Items naming an unknown exercise are skipped (and so is the rest after the last known one).
    """
    known = [
        (index, exercises[item.exercise_id], item.dose_for(exercises[item.exercise_id]))
        for index, item in enumerate(routine.items)
        if item.exercise_id in exercises
    ]
    phases: list[Phase] = []
    previous_index: int | None = None
    for index, exercise, dose in known:
        block = exercise_phases(index, exercise, dose, switch_side_seconds=switch_side_seconds)
        if previous_index is None:
            if get_ready_seconds > 0:
                phases.append(replace(block[0], kind=PhaseKind.GET_READY, seconds=get_ready_seconds, exercise_index=-1))
        elif (rest := routine.rest_after(previous_index)) > 0:
            phases.append(replace(block[0], kind=PhaseKind.REST, seconds=rest))
        phases.extend(block)
        previous_index = index
    phases.append(DONE_PHASE)
    return tuple(phases)
