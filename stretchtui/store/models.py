"""peewee models mirroring the migrated schema (migrations.py is the source of truth for DDL).

Models are declared unbound; `Store.open` binds them to its database. One open store per process.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import msgspec.inspect as mi
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from stretchtui.core import activity_records, checkins, entries, function, program_records, records, sessions
from stretchtui.core import model as core

if TYPE_CHECKING:
    from stretchtui.core.days import EventTime


class JSONField(TextField):
    """A list or dict stored as JSON text."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class UTCField(TextField):
    """An aware instant stored as ISO 8601 text in UTC: sorts as text, reads back as UTC."""

    def db_value(self, value: datetime | str | None) -> str | None:
        if value is None or isinstance(value, str):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC field")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def python_value(self, value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def stamp_values(stamp: EventTime, instant: str = "at") -> dict[str, Any]:
    """What a row's stamp columns hold for `stamp`: the UTC instant, the IANA zone and the logical
    day (core.days), fixed when the event is written and never worked out again; `instant` names
    the instant's column where it is not `at` (a session's `started_at`)."""
    return {instant: stamp.at_utc, "zone": stamp.zone, "day": stamp.day}


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class RowModel(BaseModel):
    """A table whose rows SQLite numbers (`id INTEGER PRIMARY KEY`)."""

    id = AutoField()  # what peewee adds by itself, written out for the type checker


class EventModel(RowModel):
    """A table of the person's record: each row named for ever by its UUID (what undo, import
    and sync match on)."""

    uuid = CharField(unique=True)


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = JSONField()
    updated_at = UTCField()


class LibraryModel(BaseModel):
    """A table of the library, built-in and own: each row named by its id and for ever by its
    UUID, retired rather than deleted once anything refers to it, and stamped when it was made
    and last changed. The rest of its columns are its record's (core.model)."""

    id = TextField(primary_key=True)
    uuid = CharField(unique=True)
    origin = (
        TextField()
    )  # seed or user, given by every insert: never a default (a forgotten one would hide an own entry)
    retired = BooleanField(default=False)
    created_at = UTCField()
    updated_at = UTCField()


class Exercise(LibraryModel):
    """core.model.Exercise's columns (its dose's too, one column a field)."""


class Routine(LibraryModel):
    """core.model.Routine's columns (its items are routine_item's rows)."""


class RoutineItem(RowModel):
    """core.model.RoutineItem's columns (a dose the item changes; None: the exercise's own), its
    routine and its place in it, and the exercise as a link."""

    routine = ForeignKeyField(Routine, backref="items", on_delete="CASCADE", column_name="routine_id")
    position = IntegerField()
    exercise = ForeignKeyField(Exercise, on_delete="RESTRICT", column_name="exercise_id")


class Session(EventModel):
    """core.sessions.SessionRecord's columns (its steps are session_step's rows), the routine as a
    link, and what only this machine keeps: where to resume, and what the person confirmed to
    start despite a safety warning."""

    routine = ForeignKeyField(Routine, null=True, on_delete="SET NULL", column_name="routine_id")
    resume_state = JSONField(null=True)
    safety_confirmed = JSONField(null=True)


class SessionStep(EventModel):
    """core.sessions.LoggedStep's columns, in its session."""

    session = ForeignKeyField(Session, backref="steps", on_delete="CASCADE", column_name="session_id")


class Checkin(EventModel):
    """core.checkins.Checkin's columns (its pains are checkin_pain's rows), the session whose
    "pain before" it was as a link, and when it was last edited (None: as first written)."""

    session = ForeignKeyField(Session, null=True, on_delete="SET NULL", column_name="session_id")
    updated_at = UTCField(null=True)


class CheckinPain(RowModel):
    """core.checkins.PainEntry's columns, in its check-in."""

    checkin = ForeignKeyField(Checkin, backref="pains", on_delete="CASCADE", column_name="checkin_id")


class DayMark(EventModel):
    """A rest or flare day: its columns are core.entries.DayMark's (`day` is the day marked, not
    the day of marking)."""


class FunctionRating(EventModel):
    """One activity's rating for one week: core.function.FunctionRating's columns, and `week`, the
    Monday of `day`, which the record works out and the table keeps to find a week's ratings."""

    week = DateField()


class ProgramFile(RowModel):
    """An imported prescription, as its text (core.programs parses it; built-ins are seed files):
    core.program_records.ProgramFileRecord's columns."""


class ProgramChoice(EventModel):
    """Start, stop, switch version, leave flare mode: core.program_records.ProgramChoiceRecord's
    columns."""


class Removed(RowModel):
    """A removed session, check-in or day mark: its UUID for ever (core.entries.Tombstone's
    columns), and its day, a few words and its rows (JSON) for undo."""

    day = DateField()
    summary = TextField(default="")
    record = JSONField(null=True)


class ActivitySpan(RowModel):
    """A run of terminal activity within one logical day (core.activity): its first and last tick,
    core.activity_records.ActivitySpan's columns; one span starts at one instant."""

    started_at = UTCField(unique=True)


class BreakEvent(EventModel):
    """What became of a break the status line offered (core.breaks.BreakKind): core.breaks.BreakEvent's
    columns."""


def _column_for(spec: records.Spec) -> Field:
    """The peewee field a record's field is stored in (core.records writes the values): a field
    without a default is required, an optional one may be NULL."""
    kind, options = spec.type, {"null": True} if spec.optional else {}
    if not spec.required:
        default = spec.default
        options["default"] = (
            default.value
            if isinstance(default, Enum)
            else type(records.to_plain_value(kind, default))
            if isinstance(default, (list, tuple, dict))
            else default
        )
    if isinstance(kind, mi.BoolType):
        return BooleanField(**options)
    if isinstance(kind, mi.IntType):
        return IntegerField(**options)
    if isinstance(kind, mi.FloatType):
        return FloatField(**options)
    if isinstance(kind, (mi.StrType, mi.EnumType)):
        return TextField(**options)
    if isinstance(kind, mi.DateType):
        return DateField(**options)
    if isinstance(kind, mi.DateTimeType):
        return UTCField(**options)
    return JSONField(**options)


def _add_record_columns(model: type[BaseModel], record: type) -> None:
    """Columns for the record's fields this model does not declare: a field added to a record
    needs its migration (store.migrations owns the tables), not another line here."""
    declared = {*model._meta.fields, *(field.column_name for field in model._meta.fields.values())}
    for spec in records.specs(record):
        if isinstance(spec.type, mi.DataclassType):  # a part of the record, kept in its columns
            _add_record_columns(model, spec.type.cls)
        elif isinstance(getattr(spec.type, "item_type", None), mi.DataclassType):
            continue  # records of their own, in a table of their own (a routine's items, a session's steps)
        elif spec.name not in declared and "link" not in spec.extra:  # a link is the model's foreign key
            model._meta.add_field(spec.name, _column_for(spec))


for _model, _record in (
    (Exercise, core.Exercise),
    (Routine, core.Routine),
    (RoutineItem, core.RoutineItem),
    (Session, sessions.SessionRecord),
    (SessionStep, sessions.LoggedStep),
    (Checkin, checkins.Checkin),
    (CheckinPain, checkins.PainEntry),
    (DayMark, entries.DayMark),
    (FunctionRating, function.FunctionRating),
    (ProgramFile, program_records.ProgramFileRecord),
    (ProgramChoice, program_records.ProgramChoiceRecord),
    (Removed, entries.Tombstone),
    (ActivitySpan, activity_records.ActivitySpan),
    (BreakEvent, activity_records.BreakEvent),
):
    _add_record_columns(_model, _record)

ENTRY_MODELS: dict[entries.EntryKind, type[EventModel]] = {
    entries.EntryKind.SESSION: Session,
    entries.EntryKind.CHECKIN: Checkin,
    entries.EntryKind.DAY_MARK: DayMark,
}
"""The table of each kind of entry the record lists (core.entries.Entry): what `remove` and undo,
an import's removals and sync's removals take away and bring back. The one list of them."""

ALL_MODELS: tuple[type[Model], ...] = (
    Setting,
    Exercise,
    Routine,
    RoutineItem,
    Session,
    SessionStep,
    Checkin,
    CheckinPain,
    DayMark,
    FunctionRating,
    ProgramFile,
    ProgramChoice,
    Removed,
    ActivitySpan,
    BreakEvent,
)

UUID_TABLES: tuple[type[BaseModel], ...] = tuple(
    model
    for model in ALL_MODELS
    if issubclass(model, BaseModel) and (uuid := model._meta.fields.get("uuid")) is not None and uuid.unique
)
"""The tables whose rows are each named by a UUID. One UUID names one record in the whole store,
whatever its kind: undo, import and sync find a record by it (store.staging.foreign_uuid keeps
a file from breaking that)."""


def held_uuid(uuids: list[str]) -> tuple[str, type[BaseModel]] | None:
    """The first of `uuids` a record here holds, with its table (UUID_TABLES); None if none does:
    what undo and sync ask before they put a record back under a UUID."""
    for model in UUID_TABLES:
        for start in range(0, len(uuids), 500):
            held = model.select(model.uuid).where(model.uuid.in_(uuids[start : start + 500])).first()
            if held is not None:
                return held.uuid, model
    return None


def record_name(model: type[Model]) -> str:
    """What a row of `model` is called in a message: 'session step', 'exercise'."""
    return str(model._meta.table_name).replace("_", " ")


def record_noun(model: type[Model]) -> str:
    """The same with its article: 'a session step', 'an exercise'."""
    name = record_name(model)
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
