"""The import check of one record, with one-line messages that name the field
(`sessions[3].steps[2].outcome: ...`).

A record's fields are checked by their rules (field_rules.py, from the record's definition); a
record's check adds what spans its fields: an instant with its zone and day, steps inside their
session, the pains of a check-in. The checks across records (a uuid used once, a reference that
resolves) are reading.py's, which calls these once per record.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from stretchtui.core import validation
from stretchtui.core.activity import MAX_SPAN_SECONDS
from stretchtui.core.activity_records import ActivitySpan, BreakEvent
from stretchtui.core.checkins import MAX_PAINS, Checkin, PainEntry
from stretchtui.core.entries import DayMark, Tombstone
from stretchtui.core.errors import FieldError, shown_key
from stretchtui.core.exchange.bundle import OwnExercise, OwnRoutine
from stretchtui.core.exchange.field_rules import (
    _day,
    _fields,
    _instant,
    _optional_instant,
    _rules,
    _uuid,
    _when,
    _zone,
)
from stretchtui.core.function import FunctionRating, activity_name
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.program_records import ProgramChoiceRecord, ProgramFileRecord
from stretchtui.core.sessions import MAX_STEPS, LoggedStep, SessionRecord
from stretchtui.core.vocabulary import Origin, plural


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
