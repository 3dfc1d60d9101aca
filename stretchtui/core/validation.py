"""Field rules for exercises and routines, shared by the seed loader, the store's forms and imports.

Each function takes loosely typed data (parsed TOML, JSON or form text) and returns a domain
object, or raises FieldError naming the first bad field. The record checks (`exercise`, `dose`,
`routine_item`) raise FieldErrors: the first bad field, carrying every other one too, so a form
can show each under its field. Messages read as plain English after the field's label
(`for_people`): "Position: choose one".
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from enum import StrEnum
from typing import Any, TypeVar

import msgspec.inspect as mi

from stretchtui.core import digits, plain_text, records
from stretchtui.core.errors import FieldError, shown, shown_key
from stretchtui.core.model import (  # noqa: F401  (the limits, as the forms and rules name them)
    MAX_HOLD,
    MAX_LIST,
    MAX_NAME,
    MAX_REPS,
    MAX_REST,
    MAX_SETS,
    MAX_TEXT,
    SECONDS,
    SLUG_PATTERN,
    Dose,
    Exercise,
    Routine,
    RoutineItem,
)
from stretchtui.core.vocabulary import Origin, plural

SLUG = re.compile(SLUG_PATTERN)

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

# What a person calls each field (the forms label their fields with these too), by the last part
# of its path: "items[2].hold_seconds" is a "Hold". Declared with the records (core.model).
FIELD_LABELS = records.LABELS


def field_label(field: str) -> str:
    """The label a person knows a field path by: 'steps[1]' is 'Steps, line 2'."""
    last = field.rsplit(".", 1)[-1]
    name, _, index = last.partition("[")
    shown_name = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    line = digits.whole_number(index.rstrip("]"))
    return shown_name if line is None else f"{shown_name}, line {line + 1}"


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
    checked = plain_text.check(value.strip(), field)  # the one text rule: no control characters
    if required and not checked:
        raise FieldError(field, "must not be empty")
    if len(checked) > limit:
        raise FieldError(field, f"is {len(checked)} characters long; the limit is {limit}")
    return checked


def text_list(
    value: Any, field: str, *, min_items: int = 0, max_items: int = 20, noun: str = "item"
) -> tuple[str, ...]:
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


def integer(value: Any, field: str, low: int, high: int, unit: str = "", *, typed: bool = False) -> int:
    """A whole number from `low` to `high` (`unit`, e.g. SECONDS, is named in the message). A form
    gives text ("12"), which is read as a number; a `typed` file (TOML) must write a number."""
    if not typed and isinstance(value, str) and (number := digits.whole_number(value)) is not None:
        value = number
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
    return dose_has_work(check_record(Dose, data, field), field)


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
        raise FieldError(prefix + shown_key(extra[0]), "is not a known field")


# ---------------------------------------------------------------------- records (core.model)


class _Context:
    """What a record's checks depend on beyond its data: a seed entry (stricter) or not, and hooks
    for fields checked against other records (source ids, known exercise ids)."""

    def __init__(self, seed: bool, hooks: Mapping[str, Any], typed: bool = False) -> None:
        self.seed = seed
        self.hooks = hooks
        self.typed = typed

    def inner(self, name: str) -> _Context:
        """The context of a nested record: hooks named 'name.field' become 'field'."""
        return _Context(
            self.seed,
            {key[len(name) + 1 :]: hook for key, hook in self.hooks.items() if key.startswith(name + ".")},
            self.typed,
        )


def check_record(
    cls: type[T],
    data: Any,
    where: str = "",
    *,
    seed: bool = False,
    typed: bool = False,
    hooks: Mapping[str, Any] | None = None,
    **fixed: Any,
) -> T:
    """A record of class `cls` (core.model) from loosely typed data, field by field as the record
    declares them (msgspec constraints), with one plain-English message per bad field
    (FieldErrors: every bad field). `hooks` check a field against other records (name -> (value,
    path) -> value); `fixed` fields are given, not read (origin). `typed`: the data comes from a
    file with its own numbers (TOML), so the text "2" is not a number as it is in a form."""
    return _record(cls, data, where, _Context(seed, hooks or {}, typed), fixed)


def _record(cls: type[T], data: Any, where: str, context: _Context, fixed: Mapping[str, Any]) -> T:
    if not isinstance(data, Mapping):
        raise FieldError(where, getattr(cls, "TABLE_HINT", "must be a table"))
    prefix = f"{where}." if where else ""
    record_type: type = cls
    fields = [
        spec
        for spec in records.specs(record_type)
        if spec.name not in getattr(cls, "LOCAL", ()) and spec.name not in fixed
    ]
    unknown(data, {spec.file_name for spec in fields}, where)
    check = _Collect()
    values = {}
    for spec in sorted(fields, key=_nested_last):
        value = data.get(spec.file_name, None if spec.required else records.to_plain_value(spec.type, spec.default))
        path = prefix + spec.file_name
        if spec.name in context.hooks:
            values[spec.name] = check(context.hooks[spec.name], value, path)
        elif spec.optional and value is None:
            values[spec.name] = None
        else:
            values[spec.name] = check(_value, spec, value, path, context)
    check.done()
    return cls(**values, **fixed)


def _nested_last(spec: records.Spec) -> bool:
    """A record's own fields are checked first, then its tables (a dose, reasons): the order a
    form lists its errors in."""
    return isinstance(spec.type, mi.DataclassType) or records.is_pairs(spec.type)


def _value(spec: records.Spec, value: Any, path: str, context: _Context) -> Any:
    """One field's value, by its declared type and constraints (msgspec.inspect)."""
    kind, extra = spec.type, spec.extra
    if isinstance(kind, mi.StrType):
        if kind.pattern:
            return slug(value, path)
        required = bool(kind.min_length) or (context.seed and extra.get("seeded") == "required")
        return text(value, path, required=required, limit=kind.max_length or MAX_TEXT)
    if isinstance(kind, mi.IntType):
        assert kind.ge is not None and kind.le is not None, "every whole-number field declares its range"
        return integer(value, path, kind.ge, kind.le, extra.get("unit", ""), typed=context.typed)
    if isinstance(kind, mi.BoolType):
        return boolean(value, path)
    if isinstance(kind, mi.EnumType):
        assert issubclass(kind.cls, StrEnum), "the records' vocabularies are StrEnums"
        return choice(value, kind.cls, path)
    if isinstance(kind, mi.DataclassType):
        record: object = _record(kind.cls, value, path, context.inner(spec.name), {})
        return dose_has_work(record, path) if isinstance(record, Dose) else record
    if records.is_pairs(kind):
        enum, reason = kind.item_type.item_types
        return _table(value, path, enum.cls, records.unwrap(reason)[0].max_length)
    item = records.unwrap(kind.item_type)[0]
    least = kind.min_length or (extra.get("seeded", 0) if context.seed and extra.get("seeded") != "required" else 0)
    if isinstance(item, mi.EnumType):
        return choices(value, item.cls, path, min_items=least)
    if isinstance(item, mi.DataclassType):
        noun = extra.get("noun", "item")
        if value is not None and not isinstance(value, list):
            raise FieldError(path, f"must be a list of {noun} tables, not {type(value).__name__}")
        if value is None or len(value) < least:
            raise FieldError(path, extra.get("empty", f"add at least {_at_least(least, noun)}"))
        limit = kind.max_length or MAX_LIST
        if len(value) > limit:
            raise FieldError(path, f"has {plural(len(value), noun)}; the limit is {limit}")
        return tuple(
            _record(item.cls, entry, f"{path}[{i}]", context.inner(spec.name), {}) for i, entry in enumerate(value)
        )
    return text_list(
        value, path, min_items=least, max_items=kind.max_length or MAX_LIST, noun=extra.get("noun", "item")
    )


def _table(data: Any, field: str, enum: type[E], limit: int) -> tuple[tuple[E, str], ...]:
    """A table of enum value -> text (an exercise's condition = reason), in the enum's order."""
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        raise FieldError(field, "must be a table of condition = reason")
    reasons = {choice(key, enum, field): text(value, f"{field}.{key}", limit=limit) for key, value in data.items()}
    return tuple((c, reasons[c]) for c in enum if c in reasons)


def exercise(
    data: Mapping[str, Any],
    *,
    source_titles: Mapping[str, str] | None = None,
    origin: Origin = Origin.SEED,
    typed: bool = True,
) -> Exercise:
    """An Exercise from parsed data. `source_titles` maps source ids to titles (seed files);
    without it, sources are taken as free text (an exercise a physiotherapist gave you). A form's
    text is `typed=False`: "12" is read as a number there, and nowhere else (check_record)."""
    hooks = (
        {} if source_titles is None else {"sources": lambda value, path: _source_titles(value, path, source_titles, 1)}
    )
    return check_record(Exercise, data, seed=origin is Origin.SEED, typed=typed, hooks=hooks, origin=origin)


def _source_titles(value: Any, path: str, titles: Mapping[str, str], least: int) -> tuple[str, ...]:
    """Source ids of sources.toml (seed files), as the titles they stand for."""
    ids = text_list(value, path, min_items=least, noun="source")
    for sid in ids:
        if sid not in titles:
            raise FieldError(path, f"{shown(sid)} is not a source id in sources.toml")
    return tuple(titles[sid] for sid in ids)


def _known_exercise(exercise_ids: Container[str]) -> Any:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in exercise_ids:
            raise FieldError(path, f"{shown(value)} is not a known exercise id")
        return value

    return check


def routine_item(data: Any, field: str, exercise_ids: Container[str]) -> RoutineItem:
    return check_record(RoutineItem, data, field, hooks={"exercise_id": _known_exercise(exercise_ids)})


def routine(
    data: Mapping[str, Any],
    exercise_ids: Container[str],
    *,
    source_titles: Mapping[str, str] | None = None,
    origin: Origin = Origin.SEED,
    typed: bool = True,
) -> Routine:
    """A Routine from parsed data (a form's text: `typed=False`, as for `exercise`)."""
    hooks: dict[str, Any] = {"items.exercise_id": _known_exercise(exercise_ids)}
    if source_titles is not None:
        hooks["sources"] = lambda value, path: _source_titles(value, path, source_titles, 0)
    return check_record(Routine, data, seed=origin is Origin.SEED, typed=typed, hooks=hooks, origin=origin)
