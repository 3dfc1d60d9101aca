"""The import check of one field, from its record's definition (core.records, core.model), with a
one-line message that names it (`sessions[3].steps[2].outcome: ...`).

Apart from the record checks (rules.py) because these know nothing of any one record: a UUID, an
instant, a zone, a number in range, a choice of an enum, and the table of a record class's field
rules that every record check starts from (`_rules`, `_fields`), plus an event's instant, zone and
day checked against each other (`_when`).
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import msgspec.inspect as mi

from stretchtui.core import instants, records, validation
from stretchtui.core.errors import FieldError, shown, shown_key
from stretchtui.core.programs import MAX_FILE_BYTES

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(value: Any, where: str) -> str:
    """A UUID in its canonical form (lower case, with hyphens), as files write it: that form is
    taken as it is (str(UUID(value)) would give it back), any other is parsed."""
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value
    try:
        return str(uuidlib.UUID(value)) if isinstance(value, str) and len(value) <= 40 else _bad_uuid(value, where)
    except ValueError:
        return _bad_uuid(value, where)


def _bad_uuid(value: Any, where: str) -> str:
    raise FieldError(where, f"must be a UUID like '6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10', not {shown(value)}")


def _instant(value: Any, where: str, now: datetime) -> datetime:
    """An instant with an offset, inside the fixed window of core.instants. `now` is deliberately
    not consulted: a time later than this machine's clock was written by a clock that ran ahead,
    and refusing it would make that whole export unimportable."""
    return instants.parse_instant(value, where)


def _optional_instant(value: Any, where: str, now: datetime) -> datetime | None:
    return None if value is None else _instant(value, where, now)


def _day(value: Any, where: str) -> date:
    """A day YYYY-MM-DD inside the window of core.instants."""
    return instants.parse_day(value, where)


def _zone(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64 or value.startswith(("/", ".")) or ".." in value:
        raise FieldError(where, f"must be an IANA time zone like 'Europe/Berlin', not {shown(value)}")
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError...
        raise FieldError(where, f"{shown(value)} is not a known time zone") from None
    return value


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise FieldError(where, f"must be a number, not {shown(value)}")
    if not low <= value <= high:
        raise FieldError(where, f"must be between {low:g} and {high:g}, not {value}")
    return float(value)


def _integer(low: int, high: int) -> Callable[[Any, str], int]:
    def check(value: Any, where: str) -> int:
        if type(value) is int and low <= value <= high:  # as nearly every value is; not a bool
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(where, f"must be a whole number, not {shown(value)}")
        return validation.integer(value, where, low, high)

    return check


def _optional(rule: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    return lambda value, where: None if value is None else rule(value, where)


def _one_of(*allowed: str) -> Callable[[Any, str], str]:
    """One of `allowed` (texts, or the members of a StrEnum: `_one_of(*Outcome)`)."""
    allowed = tuple(str(a) for a in allowed)

    def check(value: Any, where: str) -> str:
        if value not in allowed:
            raise FieldError(where, f"{shown(value)} is not one of: {', '.join(repr(a) for a in allowed)}")
        return str(value)

    return check


def _text(limit: int, *, required: bool = True) -> Callable[[Any, str], str]:
    return lambda value, where: validation.text(value, where, required=required, limit=limit)


def _flag(value: Any, where: str) -> bool:
    return validation.boolean(value, where)


Rule = Callable[[Any, str], Any]


def _rule(spec: records.Spec) -> Rule:
    """The import rule of one field, from its type and constraints in the record's definition;
    the messages are the one-line ones of the rules above."""
    kind, check = spec.type, spec.extra.get("check")
    rule: Rule
    if check == "half_hours":
        rule = _half_hours
    elif check == "program_text":
        rule = _program_text
    elif check == "uuid":
        rule = _uuid
    elif isinstance(kind, mi.DateTimeType):
        rule = instants.parse_instant
    elif isinstance(kind, mi.EnumType):
        rule = _one_of(*kind.cls)
    elif isinstance(kind, mi.BoolType):
        rule = _flag
    elif isinstance(kind, mi.IntType) and kind.ge is not None and kind.le is not None:
        rule = _integer(kind.ge, kind.le)
    elif isinstance(kind, mi.FloatType) and kind.ge is not None and kind.le is not None:
        low, high = kind.ge, kind.le
        rule = lambda value, where: _number(value, where, low, high)  # noqa: E731
    elif isinstance(kind, mi.StrType) and kind.pattern:
        rule = validation.slug
    elif isinstance(kind, mi.StrType) and kind.max_length is not None:
        rule = _text(kind.max_length, required=bool(kind.min_length))
    else:
        raise TypeError(f"no import rule for {spec.name}: {kind}")
    return _optional(rule) if spec.optional else rule


@dataclass(frozen=True)
class Rules:
    """A logged record's import rules, derived from its definition: `fields` are checked one by
    one (`_fields`); `own` names those its reader checks itself, across fields (the uuid, the
    instant, zone and day, nested records); `defaults` fill what an older file leaves out."""

    fields: dict[str, Rule]
    own: set[str]
    defaults: dict[str, Any]
    known: frozenset[str] = field(init=False)  # fields and own: any other key is unknown

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", frozenset(self.fields) | frozenset(self.own))


@cache
def _rules(cls: type, *, every_field: bool = False) -> Rules:
    fields: dict[str, Rule] = {}
    own: set[str] = set()
    defaults: dict[str, Any] = {}
    file_defaults: dict[str, Any] = getattr(cls, "FILE_DEFAULTS", {})
    for spec in records.file_specs(cls):
        if not every_field and (spec.extra.get("check") in ("uuid", "when") or records.nested_class(spec)):
            own.add(spec.file_name)
            continue
        fields[spec.file_name] = _rule(spec)
        if spec.name in file_defaults or not spec.required:
            default = file_defaults.get(spec.name, spec.default)
            defaults[spec.file_name] = default.value if isinstance(default, Enum) else default
    return Rules(fields, own, defaults)


def _half_hours(value: Any, where: str) -> float:
    hours = _number(value, where, 0, 24)
    if hours * 2 != int(hours * 2):
        raise FieldError(where, f"must be in half hours (7 or 7.5), not {value}")
    return hours


def _program_text(value: Any, where: str) -> str:
    """A prescription file's text (TOML: many lines), within the size `program import` reads. Whether
    it is a usable program depends on the library it goes into: core.program_records.carried_programs."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(where, f"must be a program file's text, not {shown(value)}")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise FieldError(where, f"is not valid text: a lone surrogate U+{ord(value[error.start]):04X}") from None
    if size > MAX_FILE_BYTES:
        raise FieldError(where, f"is over {MAX_FILE_BYTES // 1024} KB; a program file is a few KB")
    return value


def _fields(data: Any, where: str, rules: Rules) -> dict[str, Any]:
    """Apply a record's field rules to `data` (its own checks are the caller's)."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise FieldError(where, f"must be an object, not {type(data).__name__}")
    if not rules.known.issuperset(data):
        unknown = sorted(set(data) - rules.known)
        raise FieldError(f"{where}.{shown_key(unknown[0])}", "is not a known field")
    result = {}
    defaults = rules.defaults
    for key, rule in rules.fields.items():
        if key in data:
            value = data[key]
        elif key in defaults:
            value = defaults[key]
        else:
            raise FieldError(f"{where}.{key}", "is missing")
        result[key] = rule(value, f"{where}.{key}")
    return result


def _when(data: Mapping[str, Any], where: str, now: datetime, instant_key: str = "at") -> dict[str, Any]:
    """The instant, zone and logical day of an event, checked against each other: the day is the
    local date, or the one before (a day-start hour of 0-12)."""
    for key in (instant_key, "zone", "day"):
        if key not in data:
            raise FieldError(f"{where}.{key}", "is missing")
    at = _instant(data[instant_key], f"{where}.{instant_key}", now)
    zone = _zone(data["zone"], f"{where}.zone")
    day = _day(data["day"], f"{where}.day")
    local = at.astimezone(ZoneInfo(zone)).date()
    if not local - timedelta(days=1) <= day <= local:
        raise FieldError(f"{where}.day", f"{day} does not fit {data[instant_key]} in {zone}")
    return {instant_key: at, "zone": zone, "day": day}
