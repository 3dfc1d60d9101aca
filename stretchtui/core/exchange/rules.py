"""The import checks of one field and of one record, with one-line messages that name the field
(`sessions[3].steps[2].outcome: ...`).

A field's rule comes from its record's definition (core.records, core.model); a record's check
adds what spans its fields: an instant with its zone and day, steps inside their session, the pains
of a check-in. The checks across records (a uuid used once, a reference that resolves) are
reading.py's, which calls these once per record.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import msgspec.inspect as mi

from stretchtui.core import instants, records, validation
from stretchtui.core.activity import MAX_SPAN_SECONDS
from stretchtui.core.activity_records import ActivitySpan, BreakEvent
from stretchtui.core.checkins import MAX_PAINS, Checkin, PainEntry
from stretchtui.core.entries import DayMark, Tombstone
from stretchtui.core.errors import FieldError, shown, shown_key
from stretchtui.core.exchange.bundle import OwnExercise, OwnRoutine
from stretchtui.core.function import FunctionRating, activity_name
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.program_records import ProgramChoiceRecord, ProgramFileRecord
from stretchtui.core.programs import MAX_FILE_BYTES
from stretchtui.core.sessions import MAX_STEPS, LoggedStep, SessionRecord
from stretchtui.core.vocabulary import Origin, plural

# ---------------------------------------------------------------------- field rules


def _uuid(value: Any, where: str) -> str:
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
    if not isinstance(data, Mapping):
        raise FieldError(where, f"must be an object, not {type(data).__name__}")
    unknown = sorted(set(data) - set(rules.fields) - rules.own)
    if unknown:
        raise FieldError(f"{where}.{shown_key(unknown[0])}", "is not a known field")
    result = {}
    for key, rule in rules.fields.items():
        if key not in data and key not in rules.defaults:
            raise FieldError(f"{where}.{key}", "is missing")
        result[key] = rule(data.get(key, rules.defaults.get(key)), f"{where}.{key}")
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


# ---------------------------------------------------------------------- record rules


def _stamps(raw: Mapping[str, Any], where: str, now: datetime) -> tuple[datetime, datetime]:
    created = _instant(raw.get("created_at"), f"{where}.created_at", now)
    updated = _instant(raw.get("updated_at"), f"{where}.updated_at", now)
    return created, updated


def _own_exercise(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> OwnExercise:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    ident = claim(raw.get("uuid"), where)
    created, updated = _stamps(raw, where, now)
    favourite = validation.boolean(raw.get("favourite", False), f"{where}.favourite")
    fields = {k: v for k, v in raw.items() if k not in {"uuid", "created_at", "updated_at", "favourite"}}
    try:
        exercise = validation.exercise(fields, origin=Origin.USER)
    except FieldError as error:
        raise FieldError(f"{where}.{error.field}", error.message) from None
    if not exercise.id.startswith(USER_ID_PREFIX):
        raise FieldError(f"{where}.id", f"an own exercise's id starts with {USER_ID_PREFIX!r}, not {exercise.id!r}")
    return OwnExercise(replace(exercise, uuid=ident, favourite=favourite), created, updated)


def _own_routine(
    raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str], exercise_ids: Container[str]
) -> OwnRoutine:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    ident = claim(raw.get("uuid"), where)
    created, updated = _stamps(raw, where, now)
    fields = {k: v for k, v in raw.items() if k not in {"uuid", "created_at", "updated_at"}}
    try:
        routine = validation.routine(fields, exercise_ids, origin=Origin.USER)
    except FieldError as error:
        raise FieldError(f"{where}.{error.field}", error.message) from None
    if not routine.id.startswith(USER_ID_PREFIX):
        raise FieldError(f"{where}.id", f"an own routine's id starts with {USER_ID_PREFIX!r}, not {routine.id!r}")
    return OwnRoutine(replace(routine, uuid=ident), created, updated)


def _session(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    record = _fields(raw, where, _rules(SessionRecord))
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now, "started_at"))
    record["ended_at"] = _optional_instant(raw.get("ended_at"), f"{where}.ended_at", now)
    if record["ended_at"] is not None and record["ended_at"] < record["started_at"]:
        raise FieldError(f"{where}.ended_at", "is before started_at")
    steps_raw = raw.get("steps", [])
    if not isinstance(steps_raw, list) or len(steps_raw) > MAX_STEPS:
        raise FieldError(f"{where}.steps", f"must be a list of at most {MAX_STEPS} steps")
    steps, indexes = [], set()
    for j, step_raw in enumerate(steps_raw):
        step_where = f"{where}.steps[{j}]"
        step = _fields(step_raw, step_where, _rules(LoggedStep))
        step["uuid"] = claim(step_raw.get("uuid"), step_where)
        step.update(_when(step_raw, step_where, now))
        if step["at"] < record["started_at"]:
            raise FieldError(f"{step_where}.at", "is before the session started")
        if step["step_index"] in indexes:
            raise FieldError(f"{step_where}.step_index", f"{step['step_index']} is used twice in this session")
        indexes.add(step["step_index"])
        steps.append(step)
    record["steps"] = steps
    return record


def _checkin(
    raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str], session_ref: Callable[[str, str], None]
) -> dict[str, Any]:
    record = _fields(raw, where, _rules(Checkin))
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now))
    session = raw.get("session_uuid")
    if session is not None:
        session = _uuid(session, f"{where}.session_uuid")
        session_ref(session, f"{where}.session_uuid")
    record["session_uuid"] = session
    pains_raw = raw.get("pains", [])
    if not isinstance(pains_raw, list) or len(pains_raw) > MAX_PAINS:
        raise FieldError(f"{where}.pains", f"must be a list of at most {MAX_PAINS} readings")
    pains, places = [], set()
    for j, pain_raw in enumerate(pains_raw):
        pain = _fields(pain_raw, f"{where}.pains[{j}]", _rules(PainEntry))
        if (pain["region"], pain["side"]) in places:
            raise FieldError(f"{where}.pains[{j}].region", "this region and side appear twice")
        places.add((pain["region"], pain["side"]))
        pains.append(pain)
    if not pains and record["sitting_hours"] is None and not record["note"] and not record["no_comfortable_position"]:
        raise FieldError(where, "an empty check-in: no pain, sitting hours, note or position")
    record["pains"] = pains
    return record


def _removal(raw: Any, where: str, now: datetime) -> dict[str, Any]:
    """A tombstone: an entry removed where the file was written, so an import never brings it back."""
    return _fields(raw, where, _rules(Tombstone, every_field=True))


def _day_mark(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    rules = _rules(DayMark)
    unknown = sorted(set(raw) - set(rules.fields) - rules.own)
    if unknown:
        raise FieldError(f"{where}.{shown_key(unknown[0])}", "is not a known field")
    for key in ("day", "at", "zone"):
        if key not in raw:
            raise FieldError(f"{where}.{key}", "is missing")
    record = {"uuid": claim(raw.get("uuid"), where), **_fields(raw, where, rules)}
    record["at"] = _instant(raw["at"], f"{where}.at", now)
    record["zone"] = _zone(raw["zone"], f"{where}.zone")
    record["day"] = _day(raw["day"], f"{where}.day")
    if record["day"] > record["at"].astimezone(ZoneInfo(record["zone"])).date():
        raise FieldError(f"{where}.day", f"{record['day']} is after the day it was marked")
    return record


def _event(cls: type, raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    """A one-row event with a uuid (a program choice, a break): its fields by its
    definition, its uuid claimed, its instant, zone and day checked against each other."""
    record = _fields(raw, where, _rules(cls))
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now))
    return record


def _function_rating(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    """A weekly function rating (core.function): its activity under the activity rule, 0-10, when."""
    record = _fields(raw, where, _rules(FunctionRating))
    record["activity"] = activity_name(record["activity"], f"{where}.activity")
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now))
    return record


def _program_choice(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    """A start, stop, switch or leave-flare (core.program_records); the program it names is
    reading.py's to find (in the file, built in, or here)."""
    return _event(ProgramChoiceRecord, raw, where, now, claim)


def _break_event(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    """A break taken, put off or skipped (core.activity_records)."""
    return _event(BreakEvent, raw, where, now, claim)


def _program_file(raw: Any, where: str, now: datetime) -> dict[str, Any]:
    """An imported prescription's text, filed under its id and version, and when it was imported
    (a zone, no day: the table keeps none)."""
    record = _fields(raw, where, _rules(ProgramFileRecord))
    for key in ("at", "zone"):
        if key not in raw:
            raise FieldError(f"{where}.{key}", "is missing")
    record["at"] = _instant(raw["at"], f"{where}.at", now)
    record["zone"] = _zone(raw["zone"], f"{where}.zone")
    return record


def _activity_span(raw: Any, where: str, now: datetime) -> dict[str, Any]:
    """A run of measured activity: it starts on its day, and ends after it starts, within one day
    (core.activity.MAX_SPAN_SECONDS), so no reader has to cut an endless one."""
    record = _fields(raw, where, _rules(ActivitySpan))
    record.update(_when(raw, where, now, "started_at"))
    if "ended_at" not in raw:
        raise FieldError(f"{where}.ended_at", "is missing")
    record["ended_at"] = ended = _instant(raw["ended_at"], f"{where}.ended_at", now)
    if ended < record["started_at"]:
        raise FieldError(f"{where}.ended_at", "is before started_at")
    if ended - record["started_at"] > timedelta(seconds=MAX_SPAN_SECONDS):
        longest = plural(MAX_SPAN_SECONDS // 3600, "hour")
        raise FieldError(f"{where}.ended_at", f"is more than {longest} after started_at; a span lies within one day")
    return record
