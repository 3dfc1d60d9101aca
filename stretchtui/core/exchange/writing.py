"""Writing an export file: records as plain JSON data (`to_plain`; `RECORD_TO_PLAIN`, the one rule
core/export_stream.py also uses) and as the flat rows of the CSV tables (`csv_rows`). Kept apart
from the checks: an export needs none of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from functools import cache, partial
from typing import Any

from stretchtui.core import records
from stretchtui.core.checkins import Checkin, PainEntry
from stretchtui.core.exchange.bundle import (
    FLAT_SECTIONS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LIST_SECTIONS,
    OWN_SECTIONS,
    SECTION_RECORDS,
    SECTIONS,
    Bundle,
    OwnExercise,
    OwnRoutine,
)
from stretchtui.core.sessions import LoggedStep, SessionRecord


def _instant_text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _plain_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _write_plan(cls: type) -> tuple[tuple[records.Spec, type | None, bool], ...]:
    """Each field of `cls` a file holds, in file order, with its nested record class and whether
    it is sparse: worked out once a class, not once a record (an export writes thousands)."""
    return tuple((spec, records.nested_class(spec), bool(spec.extra.get("sparse"))) for spec in records.file_specs(cls))


def event_to_plain(cls: type, record: Mapping[str, Any]) -> dict[str, Any]:
    """A logged record (a dict keyed by the fields of `cls`, as the store reads it or an import
    checked it) as files write it: its fields in file order, nested records likewise."""
    plain = {}
    for spec, inner, sparse in _write_plan(cls):
        # A field added later (a session's program) is missing from a record kept as it was
        # written before (a removal's rows): it is at its default.
        value = record[spec.name] if spec.required or spec.name in record else spec.default
        if sparse and value == spec.default:
            continue  # a field added later, written only when set: older files stay as they were
        plain[spec.file_name] = _plain_value(value) if inner is None else [event_to_plain(inner, v) for v in value]
    return plain


def header_to_plain(*, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """The keys a file starts with."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "exported_at": _instant_text(exported_at),
    }


def own_exercise_to_plain(own: OwnExercise) -> dict[str, Any]:
    """The record (core.model.Exercise, as core.records writes it) and when it was made and changed."""
    return {
        **records.to_plain(own.exercise, skip={"origin"}),
        "created_at": _instant_text(own.created_at),
        "updated_at": _instant_text(own.updated_at),
    }


def own_routine_to_plain(own: OwnRoutine) -> dict[str, Any]:
    return {
        **records.to_plain(own.routine, skip={"origin"}),
        "created_at": _instant_text(own.created_at),
        "updated_at": _instant_text(own.updated_at),
    }


RECORD_TO_PLAIN: dict[str, Callable[[Any], Any]] = {
    "settings": lambda settings: {key: settings[key] for key in sorted(settings)},
    "favourites": sorted,
    "exercises": own_exercise_to_plain,
    "routines": own_routine_to_plain,
    **{kind: partial(event_to_plain, cls) for kind, cls in SECTION_RECORDS.items() if kind not in OWN_SECTIONS},
}
"""Per section: one record as the file holds it (settings and favourites are one record each)."""


def to_plain(bundle: Bundle, *, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """The file's content as plain JSON data (see docs/export-format.md); core/export_stream.py
    writes the same, record by record."""
    plain: dict[str, Any] = header_to_plain(exported_at=exported_at, app_version=app_version)
    plain.update({kind: [] for kind in SECTIONS})  # the keys in file order
    for kind, record in bundle.records():
        if kind in LIST_SECTIONS:
            plain[kind].append(RECORD_TO_PLAIN[kind](record))
        else:
            plain[kind] = RECORD_TO_PLAIN[kind](record)
    return plain


# One CSV file per table; nested lists become their own tables, joined by uuid.
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "sessions": records.columns(SessionRecord),
    "steps": ("uuid", "session_uuid", *(name for name in records.columns(LoggedStep) if name != "uuid")),
    "checkins": tuple(spec.name for spec in records.file_specs(Checkin) if records.nested_class(spec) is None),
    "checkin_pains": ("checkin_uuid", *records.columns(PainEntry)),
    **{kind: records.columns(SECTION_RECORDS[kind]) for kind in FLAT_SECTIONS},
    "exercises": (
        "uuid",
        "id",
        "name",
        "kind",
        "position",
        "areas",
        "intensity",
        "hold_seconds",
        "reps",
        "sets",
        "sides",
        "steps",
        "cautions",
        "favourite",
        "created_at",
        "updated_at",
    ),
    "routines": ("uuid", "id", "name", "rest_between_seconds", "items", "created_at", "updated_at"),
    "settings": ("key", "value"),
}

_NESTED_IN = {"steps": "sessions", "checkin_pains": "checkins"}
CSV_SOURCES: dict[str, str] = {table: _NESTED_IN.get(table, table) for table in CSV_TABLES}
"""CSV table -> the section its rows come from."""


def csv_rows(table: str, plain: Any) -> Iterator[dict[str, Any]]:
    """The flat rows of CSV `table` that one plain record (RECORD_TO_PLAIN) gives; lists are
    joined with ' | '."""
    columns = CSV_TABLES[table]
    if table == "settings":
        yield from ({"key": key, "value": json.dumps(value)} for key, value in plain.items())
    elif table == "steps":
        for step in plain["steps"]:
            yield {k: _flat(step.get(k)) for k in columns} | {"session_uuid": plain["uuid"]}
    elif table == "checkin_pains":
        for pain in plain["pains"]:
            yield {"checkin_uuid": plain["uuid"], **pain}
    elif table == "exercises":
        row = {**plain, **plain["dose"]}
        yield {k: _flat(row.get(k)) for k in columns}
    else:
        yield {k: _flat(plain.get(k)) for k in columns}


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return " | ".join(str(v) if not isinstance(v, dict) else v.get("exercise", "") for v in value)
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value
