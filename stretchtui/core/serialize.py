"""Plain-data views of domain objects, for `--json` output and (later) export."""

from __future__ import annotations

from typing import Any

from stretchtui.core.model import Dose, Exercise, Origin, Routine, RoutineItem, Sides


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
    return {
        "id": ex.id,
        "name": ex.name,
        "aliases": list(ex.aliases),
        "areas": [a.value for a in ex.areas],
        "kind": ex.kind.value,
        "position": ex.position.value,
        "equipment": [e.value for e in ex.equipment],
        "desk_friendly": ex.desk_friendly,
        "intensity": ex.intensity,
        "dose": dose_to_dict(ex.dose),
        "duration_seconds": ex.dose.duration_seconds(),
        "steps": list(ex.steps),
        "feel": ex.feel,
        "cautions": list(ex.cautions),
        "contraindications": {c.value: why for c, why in ex.contraindications},
        "breathing": ex.breathing,
        "sources": list(ex.sources),
        "note": ex.note,
        "origin": ex.origin.value,
        "favourite": ex.favourite,
    }


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


ITEM_KEYS = ("hold_seconds", "reps", "sets", "rest_after_seconds")


def routine_to_plain(routine: Routine) -> dict[str, Any]:
    """Enough to rebuild a routine exactly (a suggestion or a one-exercise session has no row)."""
    items = []
    for item in routine.items:
        entry: dict[str, Any] = {"exercise": item.exercise_id}
        entry.update({key: getattr(item, key) for key in ITEM_KEYS if getattr(item, key) is not None})
        if item.sides is not None:
            entry["sides"] = item.sides.value
        items.append(entry)
    return {"id": routine.id, "name": routine.name, "rest_between_seconds": routine.rest_between_seconds,
            "origin": routine.origin.value, "items": items}


def routine_from_plain(data: dict[str, Any]) -> Routine:
    items = tuple(RoutineItem(exercise_id=entry["exercise"], sides=Sides(entry["sides"]) if entry.get("sides") else None,
                              **{key: entry.get(key) for key in ITEM_KEYS}) for entry in data["items"])
    return Routine(id=data.get("id", ""), name=data["name"], items=items,
                   rest_between_seconds=data.get("rest_between_seconds", 10), origin=Origin(data.get("origin", "seed")))
