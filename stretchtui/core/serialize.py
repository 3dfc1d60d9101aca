"""Plain-data views of the records for `--json` output and a session's saved routine (core.records)."""

from __future__ import annotations

from typing import Any

from stretchtui.core.model import Dose, Exercise, Routine
from stretchtui.core.records import from_trusted, to_plain


def dose_to_dict(dose: Dose) -> dict[str, Any]:
    data: dict[str, Any] = {"sets": dose.sets, "sides": dose.sides.value}
    if dose.hold_seconds:
        data["hold_seconds"] = dose.hold_seconds
    if dose.reps:
        data["reps"] = dose.reps
        if not dose.hold_seconds:
            data["pace_seconds"] = dose.pace_seconds
    if dose.sets > 1:
        data["rest_seconds"] = dose.rest_seconds
    return data


def exercise_to_dict(ex: Exercise) -> dict[str, Any]:
    """An exercise for `--json`: its record (core.records), the dose as a session runs it, and
    how long that takes."""
    data = to_plain(ex, skip={"uuid"})
    data["dose"] = dose_to_dict(ex.dose)
    data["duration_seconds"] = ex.dose.duration_seconds()
    return data


def routine_to_dict(routine: Routine, exercises: dict[str, Exercise]) -> dict[str, Any]:
    items = []
    for index, item in enumerate(routine.items):
        exercise = exercises.get(item.exercise_id)
        entry: dict[str, Any] = {"exercise": item.exercise_id}
        if exercise is not None:
            entry["name"] = exercise.name
            entry.update(dose_to_dict(item.dose_for(exercise)))
        entry["rest_after_seconds"] = routine.rest_after(index)
        items.append(entry)
    return {
        "id": routine.id,
        "name": routine.name,
        "origin": routine.origin.value,
        "description": routine.description,
        "areas": [a.value for a in routine.areas(exercises)],
        "items": items,
        "duration_seconds": routine.duration_seconds(exercises),
        "rest_between_seconds": routine.rest_between_seconds,
        "sources": list(routine.sources),
    }


def routine_to_plain(routine: Routine) -> dict[str, Any]:
    """Enough to rebuild a routine exactly (a suggestion or a one-exercise session has no row)."""
    return to_plain(routine, skip={"uuid", "description", "sources"})


def routine_from_plain(data: dict[str, Any]) -> Routine:
    routine: Routine = from_trusted(Routine, {"id": "", **data})
    return routine
