"""Rows <-> records: the one place a table's columns meet the core records (core.model's, a
session's steps, check-ins).

A record's fields are its table's columns (store/models.py), with a nested record (an exercise's
dose) flattened into columns of its own; values as core.records writes them (enum values, lists
and tables as JSON). Identity columns (id, uuid, origin, favourite) and bookkeeping ones
(retired, created_at, updated_at) are the store's to set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import msgspec.inspect as mi

from stretchtui.core import model as core
from stretchtui.core.checkins import Checkin, PainEntry
from stretchtui.core.records import from_trusted, specs, to_plain
from stretchtui.core.sessions import SessionInfo, SessionStatus, StepRecord

IDENTITY = frozenset({"id", "uuid", "origin", "favourite"})


def _flattened(plain: dict[str, Any], cls: type) -> dict[str, Any]:
    for spec in specs(cls):
        if isinstance(spec.type, mi.DataclassType):
            plain.update(plain.pop(spec.file_name))
    return plain


def _nested(values: Mapping[str, Any], cls: type) -> dict[str, Any]:
    data = dict(values)
    for spec in specs(cls):
        if isinstance(spec.type, mi.DataclassType):
            data[spec.name] = {inner.name: data[inner.name] for inner in specs(spec.type.cls) if inner.name in data}
    return data


def exercise_values(ex: core.Exercise) -> dict[str, Any]:
    """The columns an exercise's record fills (not its identity)."""
    return _flattened(to_plain(ex, skip=IDENTITY, unset=True), core.Exercise)


def exercise_from_row(row: Any) -> core.Exercise:
    """An Exercise from a row (a peewee model instance, or its values by column name)."""
    return from_trusted(core.Exercise, _nested(getattr(row, "__data__", row), core.Exercise))


def routine_values(routine: core.Routine) -> dict[str, Any]:
    """The columns a routine's record fills (not its identity, nor its items: item_rows)."""
    return to_plain(routine, skip=IDENTITY | {"items"}, unset=True)


def routine_from_row(row: Any, items: tuple[core.RoutineItem, ...]) -> core.Routine:
    values = {**getattr(row, "__data__", row), "items": ()}  # the items are read from their own table
    return dataclasses.replace(from_trusted(core.Routine, values), items=items)


def item_rows(routine_id: str, items: Iterable[core.RoutineItem]) -> list[dict[str, Any]]:
    """The routine_item rows of a routine's items, every column given (None: no override)."""
    return [{"routine": routine_id, "position": i, **to_plain(item, unset=True)} for i, item in enumerate(items)]


def item_from_row(values: Mapping[str, Any]) -> core.RoutineItem:
    """A RoutineItem from a routine_item row's values (by column name: exercise_id)."""
    return from_trusted(core.RoutineItem, values)


def step_from_row(row: Any) -> StepRecord:
    """A session's step as the timer made it, from its session_step row."""
    return from_trusted(StepRecord, getattr(row, "__data__", row))


def checkin_from_row(row: Any, pains: tuple[PainEntry, ...]) -> Checkin:
    """A check-in from its row and its pains (read from their own table)."""
    values = dict(getattr(row, "__data__", row), pains=())
    values["day"] = as_date(values["day"])
    return dataclasses.replace(from_trusted(Checkin, values), pains=pains)


def as_date(value: Any) -> date:
    """A day column's value as a date (SQLite may hand back the text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def session_info_from_row(
    row: Any, step_counts: Mapping[str, Any], resume_state: dict[str, Any] | None = None
) -> SessionInfo:
    """A stored session with its saved-step counts (`resume_state` only where the caller may resume it)."""
    return SessionInfo(
        id=row.id,
        uuid=row.uuid,
        routine_id=row.routine_id,
        routine_name=row.routine_name,
        status=SessionStatus(row.status),
        source=row.source,
        started_at=row.started_at,
        zone=row.zone,
        day=as_date(row.day),
        ended_at=row.ended_at,
        planned_seconds=row.planned_seconds,
        active_seconds=row.active_seconds,
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        resume_state=resume_state,
        **step_counts,
    )
