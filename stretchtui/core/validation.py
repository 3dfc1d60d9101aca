"""Field rules for exercises and routines, shared by the seed loader, the store's forms and imports.

Each function takes loosely typed data (parsed TOML, JSON or form text) and returns a domain
object, or raises FieldError naming the first bad field. The record checks (`exercise`, `dose`,
`routine_item`) raise FieldErrors: the first bad field, carrying every other one too, so a form
can show each under its field. Messages read as plain English after the field's label
(`for_people`): "Position: choose one".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from stretchtui.core import plain_text
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
    plural,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TEXT = 2000
MAX_NAME = 80
MAX_HOLD = 600
MAX_REPS = 100
MAX_SETS = 10
MAX_REST = 600

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

# What a person calls each field (the forms label their fields with these too), by the last part
# of its path: "items[2].hold_seconds" is a "Hold".
FIELD_LABELS = {
    "name": "Name", "aliases": "Other names", "areas": "Areas", "kind": "Kind", "position": "Position",
    "equipment": "Equipment", "desk_friendly": "Desk-friendly", "intensity": "Intensity", "steps": "Steps",
    "feel": "What you should feel", "cautions": "Cautions", "sources": "Source", "breathing": "Breathing",
    "note": "Note", "hold_seconds": "Hold", "reps": "Reps", "sets": "Sets", "sides": "Sides",
    "pace_seconds": "Pace", "rest_seconds": "Rest between sets", "rest_after_seconds": "Rest after",
    "rest_between_seconds": "Rest between exercises", "items": "Exercises", "exercise": "Exercise",
    "description": "Description",
}
SECONDS = "seconds"


def field_label(field: str) -> str:
    """The label a person knows a field path by: 'steps[1]' is 'Steps, line 2'."""
    last = field.rsplit(".", 1)[-1]
    name, _, index = last.partition("[")
    shown_name = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    return f"{shown_name}, line {int(index.rstrip(']')) + 1}" if index.rstrip("]").isdigit() else shown_name


def for_people(error: FieldError) -> str:
    """A field error as a form shows it: 'Position: choose one'."""
    return f"{field_label(error.field)}: {error.message}"


class FieldErrors(FieldError):
    """Every bad field of one record. As a FieldError it is the first of them, so a file's reader
    still names one field; a form shows them all (`errors`)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].field, errors[0].message)
        self.errors = tuple(errors)


class _Collect:
    """Runs one field check after another, keeping each FieldError instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except FieldErrors as error:
            self.errors.extend(error.errors)
        except FieldError as error:
            self.errors.append(error)
        return None

    def done(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


def _at_least(count: int, noun: str) -> str:
    return f"one {noun}" if count == 1 else plural(count, noun)


def slug(value: Any, field: str = "id") -> str:
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > MAX_NAME:
        raise FieldError(field, f"must be a lowercase slug like 'cat-cow', not {shown(value)}")
    return value


def text(value: Any, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Text a person gave (a form, a seed file, an import): one line under core.plain_text's rule,
    stripped, within `limit` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text, not {type(value).__name__}")
    value = plain_text.check(value.strip(), field)  # the one text rule: no control characters
    if required and not value:
        raise FieldError(field, "must not be empty")
    if len(value) > limit:
        raise FieldError(field, f"is {len(value)} characters long; the limit is {limit}")
    return value


def text_list(value: Any, field: str, *, min_items: int = 0, max_items: int = 20,
              noun: str = "item") -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(field, f"must be a list of text, not {type(value).__name__}")
    items = tuple(text(v, f"{field}[{i}]") for i, v in enumerate(value))
    if len(items) < min_items:
        raise FieldError(field, f"add at least {_at_least(min_items, noun)}")
    if len(items) > max_items:
        raise FieldError(field, f"has {plural(len(items), 'item')}; the limit is {max_items}")
    return items


def choice(value: Any, enum: type[E], field: str) -> E:
    if value is None:  # left blank (a form's "Choose…"), or missing from a file
        raise FieldError(field, "choose one")
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
        raise FieldError(field, "choose at least one" if min_items == 1 else f"choose at least {min_items}")
    if len(set(result)) != len(result):
        raise FieldError(field, "lists a value twice")
    return result


def integer(value: Any, field: str, low: int, high: int, unit: str = "") -> int:
    """A whole number from `low` to `high` (`unit`, e.g. SECONDS, is named in the message)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    units = f" {unit}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, int):
        what = f"a whole number of {unit}" if unit else "a whole number"
        blank = isinstance(value, str) and not value.strip()  # a form's empty field: nothing to quote
        raise FieldError(field, f"must be {what}" + ("" if blank else f", not {shown(value)}"))
    if not low <= value <= high:
        raise FieldError(field, f"must be between {low} and {high}{units}, not {value}")
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
    check = _Collect()
    values = dict(
        hold_seconds=check(integer, data.get("hold_seconds", 0), f"{field}.hold_seconds", 0, MAX_HOLD, SECONDS),
        reps=check(integer, data.get("reps", 0), f"{field}.reps", 0, MAX_REPS),
        sets=check(integer, data.get("sets", 1), f"{field}.sets", 1, MAX_SETS),
        sides=check(choice, data.get("sides", "both"), Sides, f"{field}.sides"),
        pace_seconds=check(integer, data.get("pace_seconds", DEFAULT_PACE_SECONDS), f"{field}.pace_seconds", 1, 60,
                           SECONDS),
        rest_seconds=check(integer, data.get("rest_seconds", DEFAULT_SET_REST_SECONDS), f"{field}.rest_seconds", 0,
                           MAX_REST, SECONDS),
    )
    check.done()
    return dose_has_work(Dose(**values), field)


def dose_has_work(result: Dose, field: str = "dose") -> Dose:
    """A dose holds, counts reps, or both: with both, each rep is held that long (the session
    timer paces reps by the hold, and by `pace_seconds` only without one)."""
    if result.hold_seconds == 0 and result.reps == 0:
        raise FieldErrors([FieldError(f"{field}.hold_seconds", "set a hold in seconds, a number of reps, or both")])
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
    check = _Collect()
    ex_id = check(slug, data.get("id"))
    sources = check(_exercise_sources, data, source_titles)
    values = dict(
        name=check(text, data.get("name"), "name", limit=MAX_NAME),
        aliases=check(text_list, data.get("aliases", []), "aliases"),
        areas=check(choices, data.get("areas"), Area, "areas", min_items=1),
        kind=check(choice, data.get("kind"), Kind, "kind"),
        position=check(choice, data.get("position"), Position, "position"),
        equipment=check(choices, data.get("equipment", []), Equipment, "equipment"),
        desk_friendly=check(boolean, data.get("desk_friendly", False), "desk_friendly"),
        intensity=check(integer, data.get("intensity"), "intensity", 1, 3),
        steps=check(text_list, data.get("steps"), "steps", min_items=1, noun="step"),
        # Seeded entries must say what to feel and when to stop; an own exercise may leave that out.
        feel=check(text, data.get("feel"), "feel", required=origin is Origin.SEED),
        cautions=check(text_list, data.get("cautions", []), "cautions",
                       min_items=1 if origin is Origin.SEED else 0, noun="caution"),
        breathing=check(text, data.get("breathing"), "breathing", required=False),
        note=check(text, data.get("note"), "note", required=False),
        dose=check(dose, data.get("dose")),
        contraindications=check(contraindications, data.get("contraindications")),
    )
    check.done()
    return Exercise(id=ex_id, sources=sources, origin=origin, **values)


def _exercise_sources(data: Mapping[str, Any], source_titles: Mapping[str, str] | None) -> tuple[str, ...]:
    """Free text (an exercise a physiotherapist gave you), or source ids of sources.toml (seed files)."""
    if source_titles is None:
        return text_list(data.get("sources", []), "sources", noun="source")
    ids = text_list(data.get("sources"), "sources", min_items=1, noun="source")
    for sid in ids:
        if sid not in source_titles:
            raise FieldError("sources", f"{shown(sid)} is not a source id in sources.toml")
    return tuple(source_titles[sid] for sid in ids)


ITEM_FIELDS = {"exercise", "hold_seconds", "reps", "sets", "sides", "rest_after_seconds"}


def routine_item(data: Any, field: str, exercise_ids: set[str]) -> RoutineItem:
    if not isinstance(data, Mapping):
        raise FieldError(field, "must be a table with at least 'exercise'")
    unknown(data, ITEM_FIELDS, field)
    ex_id = data.get("exercise")
    if not isinstance(ex_id, str) or ex_id not in exercise_ids:
        raise FieldError(f"{field}.exercise", f"{shown(ex_id)} is not a known exercise id")

    check = _Collect()

    def optional_int(key: str, low: int, high: int, unit: str = "") -> int | None:
        return None if data.get(key) is None else check(integer, data[key], f"{field}.{key}", low, high, unit)

    item = RoutineItem(
        exercise_id=ex_id,
        hold_seconds=optional_int("hold_seconds", 0, MAX_HOLD, SECONDS),
        reps=optional_int("reps", 0, MAX_REPS),
        sets=optional_int("sets", 1, MAX_SETS),
        sides=None if data.get("sides") is None else check(choice, data["sides"], Sides, f"{field}.sides"),
        rest_after_seconds=optional_int("rest_after_seconds", 0, MAX_REST, SECONDS),
    )
    check.done()
    return item


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
            data.get("rest_between_seconds", DEFAULT_REST_BETWEEN_SECONDS), "rest_between_seconds", 0, MAX_REST, SECONDS
        ),
        items=tuple(routine_item(item, f"items[{i}]", exercise_ids) for i, item in enumerate(raw_items)),
        origin=origin,
    )
