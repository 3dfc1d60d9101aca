"""Field rules for exercises and routines, shared by the seed loader, the store's forms and imports.

Each function takes loosely typed data (parsed TOML, JSON or form text) and returns a domain
object, or raises FieldError naming the first bad field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from stretchtui.core.errors import FieldError, shown
from stretchtui.core.model import (
    DEFAULT_PACE_SECONDS,
    DEFAULT_REST_BETWEEN_SECONDS,
    DEFAULT_SET_REST_SECONDS,
    Area,
    Condition,
    Dose,
    Equipment,
    Exercise,
    Kind,
    Origin,
    Position,
    Routine,
    RoutineItem,
    Sides,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TEXT = 2000
MAX_NAME = 80
MAX_HOLD = 600
MAX_REPS = 100
MAX_SETS = 10
MAX_REST = 600

E = TypeVar("E", bound=StrEnum)


def slug(value: Any, field: str = "id") -> str:
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > MAX_NAME:
        raise FieldError(field, f"must be a lowercase slug like 'cat-cow', not {shown(value)}")
    return value


def text(value: Any, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise FieldError(field, "must not be empty")
    if len(value) > limit:
        raise FieldError(field, f"is {len(value)} characters long; the limit is {limit}")
    return value


def text_list(value: Any, field: str, *, min_items: int = 0, max_items: int = 20) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(field, f"must be a list of text, not {type(value).__name__}")
    items = tuple(text(v, f"{field}[{i}]") for i, v in enumerate(value))
    if len(items) < min_items:
        raise FieldError(field, f"needs at least {min_items} item{'s' if min_items > 1 else ''}")
    if len(items) > max_items:
        raise FieldError(field, f"has {len(items)} items; the limit is {max_items}")
    return items


def choice(value: Any, enum: type[E], field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise FieldError(field, f"{shown(value)} is not one of: {allowed}") from None


def choices(value: Any, enum: type[E], field: str, *, min_items: int = 0) -> tuple[E, ...]:
    if not isinstance(value, list):
        raise FieldError(field, f"must be a list, not {type(value).__name__}")
    result = tuple(choice(v, enum, field) for v in value)
    if len(result) < min_items:
        raise FieldError(field, f"needs at least {min_items} value{'s' if min_items > 1 else ''}")
    if len(set(result)) != len(result):
        raise FieldError(field, "lists a value twice")
    return result


def integer(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, f"must be a whole number, not {shown(value)}")
    if not low <= value <= high:
        raise FieldError(field, f"must be between {low} and {high}, not {value}")
    return value


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(field, f"must be true or false, not {shown(value)}")
    return value


def dose(data: Any, field: str = "dose") -> Dose:
    if not isinstance(data, Mapping):
        raise FieldError(field, "must be a table with hold_seconds, reps, sets and sides")
    known = {"hold_seconds", "reps", "sets", "sides", "pace_seconds", "rest_seconds"}
    unknown(data, known, field)
    result = Dose(
        hold_seconds=integer(data.get("hold_seconds", 0), f"{field}.hold_seconds", 0, MAX_HOLD),
        reps=integer(data.get("reps", 0), f"{field}.reps", 0, MAX_REPS),
        sets=integer(data.get("sets", 1), f"{field}.sets", 1, MAX_SETS),
        sides=choice(data.get("sides", "both"), Sides, f"{field}.sides"),
        pace_seconds=integer(data.get("pace_seconds", DEFAULT_PACE_SECONDS), f"{field}.pace_seconds", 1, 60),
        rest_seconds=integer(data.get("rest_seconds", DEFAULT_SET_REST_SECONDS), f"{field}.rest_seconds", 0, MAX_REST),
    )
    if result.hold_seconds == 0 and result.reps == 0:
        raise FieldError(f"{field}.hold_seconds", "a dose needs a hold (seconds) or a number of reps")
    return result


def unknown(data: Mapping[str, Any], known: set[str], field: str = "") -> None:
    extra = sorted(set(data) - known)
    if extra:
        prefix = f"{field}." if field else ""
        raise FieldError(prefix + extra[0], "is not a known field")


EXERCISE_FIELDS = {
    "id", "name", "aliases", "areas", "kind", "position", "equipment", "desk_friendly", "intensity",
    "steps", "feel", "cautions", "sources", "breathing", "note", "dose", "contraindications",
}


def contraindications(data: Any, field: str = "contraindications") -> tuple[tuple[Condition, str], ...]:
    """A table of condition -> the reason in plain words, in the order conditions are declared."""
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        raise FieldError(field, "must be a table of condition = reason")
    reasons = {choice(key, Condition, field): text(value, f"{field}.{key}", limit=300) for key, value in data.items()}
    return tuple((c, reasons[c]) for c in Condition if c in reasons)


def exercise(data: Mapping[str, Any], *, source_titles: Mapping[str, str] | None = None,
             origin: Origin = Origin.SEED) -> Exercise:
    """An Exercise from parsed data. `source_titles` maps source ids to titles (seed files);
    without it, sources are taken as free text (an exercise a physiotherapist gave you)."""
    unknown(data, EXERCISE_FIELDS)
    ex_id = slug(data.get("id"))
    sources: tuple[str, ...]
    if source_titles is None:
        sources = text_list(data.get("sources", []), "sources")
    else:
        ids = text_list(data.get("sources"), "sources", min_items=1)
        for sid in ids:
            if sid not in source_titles:
                raise FieldError("sources", f"{shown(sid)} is not a source id in sources.toml")
        sources = tuple(source_titles[sid] for sid in ids)
    return Exercise(
        id=ex_id,
        name=text(data.get("name"), "name", limit=MAX_NAME),
        aliases=text_list(data.get("aliases", []), "aliases"),
        areas=choices(data.get("areas"), Area, "areas", min_items=1),
        kind=choice(data.get("kind"), Kind, "kind"),
        position=choice(data.get("position"), Position, "position"),
        equipment=choices(data.get("equipment", []), Equipment, "equipment"),
        desk_friendly=boolean(data.get("desk_friendly", False), "desk_friendly"),
        intensity=integer(data.get("intensity"), "intensity", 1, 3),
        steps=text_list(data.get("steps"), "steps", min_items=1),
        # Seeded entries must say what to feel and when to stop; an own exercise may leave that out.
        feel=text(data.get("feel"), "feel", required=origin is Origin.SEED),
        cautions=text_list(data.get("cautions", []), "cautions", min_items=1 if origin is Origin.SEED else 0),
        sources=sources,
        breathing=text(data.get("breathing"), "breathing", required=False),
        note=text(data.get("note"), "note", required=False),
        dose=dose(data.get("dose")),
        contraindications=contraindications(data.get("contraindications")),
        origin=origin,
    )


ITEM_FIELDS = {"exercise", "hold_seconds", "reps", "sets", "sides", "rest_after_seconds"}


def routine_item(data: Any, field: str, exercise_ids: set[str]) -> RoutineItem:
    if not isinstance(data, Mapping):
        raise FieldError(field, "must be a table with at least 'exercise'")
    unknown(data, ITEM_FIELDS, field)
    ex_id = data.get("exercise")
    if not isinstance(ex_id, str) or ex_id not in exercise_ids:
        raise FieldError(f"{field}.exercise", f"{shown(ex_id)} is not a known exercise id")

    def optional_int(key: str, low: int, high: int) -> int | None:
        return None if data.get(key) is None else integer(data[key], f"{field}.{key}", low, high)

    return RoutineItem(
        exercise_id=ex_id,
        hold_seconds=optional_int("hold_seconds", 0, MAX_HOLD),
        reps=optional_int("reps", 0, MAX_REPS),
        sets=optional_int("sets", 1, MAX_SETS),
        sides=None if data.get("sides") is None else choice(data["sides"], Sides, f"{field}.sides"),
        rest_after_seconds=optional_int("rest_after_seconds", 0, MAX_REST),
    )


ROUTINE_FIELDS = {"id", "name", "description", "sources", "rest_between_seconds", "items"}


def routine(data: Mapping[str, Any], exercise_ids: set[str], *,
            source_titles: Mapping[str, str] | None = None, origin: Origin = Origin.SEED) -> Routine:
    unknown(data, ROUTINE_FIELDS)
    if source_titles is None:
        sources = text_list(data.get("sources", []), "sources")
    else:
        ids = text_list(data.get("sources", []), "sources")
        for sid in ids:
            if sid not in source_titles:
                raise FieldError("sources", f"{shown(sid)} is not a source id in sources.toml")
        sources = tuple(source_titles[sid] for sid in ids)
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise FieldError("items", "a routine needs at least one exercise")
    return Routine(
        id=slug(data.get("id")),
        name=text(data.get("name"), "name", limit=MAX_NAME),
        description=text(data.get("description"), "description", required=False),
        sources=sources,
        rest_between_seconds=integer(
            data.get("rest_between_seconds", DEFAULT_REST_BETWEEN_SECONDS), "rest_between_seconds", 0, MAX_REST
        ),
        items=tuple(routine_item(item, f"items[{i}]", exercise_ids) for i, item in enumerate(raw_items)),
        origin=origin,
    )
