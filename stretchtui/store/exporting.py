"""Reading the store for an export: every record the user made or did, in file order, inside one
read snapshot, rows in chunks, for the writers in core/export_stream.py.

Values are read one by one (store/row_values.py): a record with a value that cannot be read is left
out and named (`LeftOut`), and the rest is exported. Apart from the import (store/importing.py):
the two share nothing but the chunk size.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.store import models as m

if TYPE_CHECKING:
    import sqlite3

    from stretchtui.core.exchange.bundle import OwnExercise, OwnRoutine
    from stretchtui.store.row_values import TableReader
# core.exchange (the file rules) is imported where it is used (see store/exchange.py).

CHUNK = 500  # rows per read while exporting (and ids per IN (...))

FLAT_TABLES: dict[str, tuple[type[m.BaseModel], str]] = {
    "day_marks": (m.DayMark, "ORDER BY day, uuid"),
    "function_ratings": (m.FunctionRating, "ORDER BY week, uuid"),
    "program_files": (m.ProgramFile, "ORDER BY program_id, version"),  # imported ones only: built-ins are seed files
    "program_choices": (m.ProgramChoice, "ORDER BY at, uuid"),
    "break_events": (m.BreakEvent, "ORDER BY at, uuid"),
    "activity_spans": (m.ActivitySpan, "ORDER BY started_at"),
    "removed": (m.Removed, "ORDER BY removed_at, uuid"),  # tombstones: an import elsewhere never brings these back
}
"""The table and the order of each section of one row per record (core.exchange.bundle.FLAT_SECTIONS);
its columns are its record's fields (core.records.columns)."""

NOT_EXPORTED: tuple[tuple[str, str], ...] = (
    ("change_counter", "counts this machine's writes for the status line's kept answer (store.status_cache)"),
    ("sync_meta", "this machine's device id, sync folder and clock: another machine must not take them"),
    ("sync_state", "what this machine sent and took in its sync folder (store.sync); rebuilt by a first round"),
    ("sync_cursor", "how far this machine read the other machines' logs"),
    ("sync_pending", "changes from other machines not taken yet: they are in those machines' logs"),
    ("sync_device", "what this machine last saw of the others"),
)
"""The tables an export leaves out on purpose, each with why. Every other table is read by some
section (tests/test_exchange_sections.py watches the export's reads), so a new table is either
exported or named here."""


class LeftOut:
    """The records an export had to leave out, one line each (a record read twice is named once)."""

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def note(self, line: str) -> None:
        self._lines[line] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


@dataclass(eq=False)
class Exporter:
    """The export's reads, on one database."""

    db: SqliteDatabase
    _uuids: list[str] | None = field(default=None, init=False)  # export_records(uuids=...), while it reads

    def export_records(
        self,
        left_out: LeftOut | None = None,
        sections: Collection[str] | None = None,
        uuids: Collection[str] | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """The export's records in file order (see core.exchange.reading.read_export for their
        shapes), read in one snapshot (a deferred read transaction: writers are not held up), rows
        in chunks. A record with a value that cannot be read is left out and noted in `left_out`
        (with what depended on it: a routine using a left-out exercise, a check-in's link).
        `uuids` narrows the sections with a row per UUID to those records (sync reads back the few
        a round changed); the others come whole."""
        from stretchtui.core.exchange.bundle import FLAT_SECTIONS, SECTIONS
        from stretchtui.store.row_values import TableReader

        sections = SECTIONS if sections is None else sections
        left_out = left_out if left_out is not None else LeftOut()
        self._uuids = sorted(uuids) if uuids is not None else None
        conn = self.db.connection()
        with self.db.atomic(lock_type="DEFERRED"):
            if "settings" in sections:
                yield "settings", self._export_settings(conn, left_out)
            if "favourites" in sections:
                yield (
                    "favourites",
                    [
                        values["id"]
                        for _, values, problems in TableReader(m.Exercise, ["id"]).rows(
                            conn, "WHERE origin = 'seed' AND favourite = 1 ORDER BY id"
                        )
                        if not problems
                    ],
                )
            exercises, unreadable = self._export_exercises(conn, left_out)
            if "exercises" in sections:
                yield from (("exercises", own) for own in exercises)
            if "routines" in sections:
                yield from (("routines", own) for own in self._export_routines(conn, left_out, unreadable))
            if "sessions" in sections:
                yield from (("sessions", record) for record in self._export_sessions(conn, left_out))
            if "checkins" in sections:
                yield from (("checkins", record) for record in self._export_checkins(conn, left_out))
            for kind in FLAT_SECTIONS:
                if kind in sections:
                    yield from ((kind, values) for values in self._export_flat(conn, kind, left_out))

    def _only(self, order: str, has_uuid: bool = True) -> tuple[str, list[str]]:
        """The `WHERE uuid IN (...)` that narrows a read to the records asked for, before `order`."""
        if self._uuids is None or not has_uuid:
            return order, []
        return f"WHERE uuid IN ({', '.join('?' * len(self._uuids))}) {order}", list(self._uuids)

    def _export_flat(self, conn: sqlite3.Connection, kind: str, left_out: LeftOut) -> Iterator[dict[str, Any]]:
        """The records of a section of one row each, their values read one by one."""
        from stretchtui.core import records
        from stretchtui.core.exchange.bundle import SECTION_RECORDS
        from stretchtui.store.row_values import TableReader

        model, order = FLAT_TABLES[kind]
        reader = TableReader(model, records.columns(SECTION_RECORDS[kind]))
        for rowid, values, problems in reader.rows(conn, *self._only(order, "uuid" in model._meta.fields)):
            if self._readable(reader, rowid, values, problems, left_out):
                yield values

    @staticmethod
    def _readable(
        reader: TableReader,
        rowid: int,
        values: Mapping[str, Any],
        problems: list[str],
        left_out: LeftOut,
        what: str = "left out",
    ) -> bool:
        if problems:
            left_out.note(f"{reader.table} {reader.label(dict(values), rowid)}: {'; '.join(problems)}: {what}")
        return not problems

    def _readable_chunks(
        self, reader: TableReader, conn: sqlite3.Connection, order: str, left_out: LeftOut, what: str
    ) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        """The rows of `reader` that read, as (rowid, values), a chunk at a time, so that the rows
        that go with them (a session's steps, a check-in's pains) are read a chunk at a time too.
        A row that does not read is noted in `left_out`, ending in `what` ("left out with its steps")."""
        for chunk in _chunks(reader.rows(conn, *self._only(order))):
            yield [
                (rowid, values)
                for rowid, values, problems in chunk
                if self._readable(reader, rowid, values, problems, left_out, what)
            ]

    def _export_settings(self, conn: sqlite3.Connection, left_out: LeftOut) -> dict[str, Any]:
        from stretchtui.core.settings import EXPORTED as EXPORTED_SETTINGS
        from stretchtui.store.row_values import TableReader

        reader = TableReader(m.Setting, ["key", "value"])
        return {
            values["key"]: values["value"]
            for rowid, values, problems in reader.rows(conn, "ORDER BY key")
            if values["key"] in EXPORTED_SETTINGS | {None}  # None: a key that does not read
            and self._readable(reader, rowid, values, problems, left_out)
        }

    def _export_exercises(self, conn: sqlite3.Connection, left_out: LeftOut) -> tuple[list[OwnExercise], set[str]]:
        """The own exercises that read, and the ids of those that do not."""
        from stretchtui.core.exchange.bundle import OwnExercise
        from stretchtui.store.row_values import TableReader
        from stretchtui.store.rows import exercise_from_row

        reader = TableReader(m.Exercise)
        exercises, unreadable = [], set()
        for rowid, values, problems in reader.rows(conn, "WHERE origin = 'user' ORDER BY id"):
            if not problems:
                try:
                    exercises.append(OwnExercise(exercise_from_row(values), values["created_at"], values["updated_at"]))
                    continue
                except (ValueError, KeyError, TypeError) as error:
                    problems = [f"a value this version cannot use ({error})"]
            self._readable(reader, rowid, values, problems, left_out)
            unreadable.add(values["id"])
        return exercises, unreadable

    def _export_routines(
        self, conn: sqlite3.Connection, left_out: LeftOut, unreadable_exercises: set[str]
    ) -> Iterator[OwnRoutine]:
        from stretchtui.core import model as core
        from stretchtui.core.exchange.bundle import OwnRoutine
        from stretchtui.store.row_values import TableReader
        from stretchtui.store.rows import item_from_row, routine_from_row

        items: dict[str, list[core.RoutineItem]] = {}
        broken: dict[str, str] = {}  # routine id -> why it is left out
        item_reader = TableReader(m.RoutineItem)
        own_items = "WHERE routine_id IN (SELECT id FROM routine WHERE origin = 'user') ORDER BY routine_id, position"
        for rowid, values, problems in item_reader.rows(conn, own_items):
            try:
                if problems:
                    raise ValueError("; ".join(problems))
                if values["exercise_id"] in unreadable_exercises:
                    raise ValueError(f"uses the exercise {values['exercise_id']}, which could not be read")
                items.setdefault(values["routine_id"], []).append(item_from_row(values))
            except ValueError as error:
                broken.setdefault(values["routine_id"] or f"of item row {rowid}", str(error))
        reader = TableReader(m.Routine)
        for rowid, values, problems in reader.rows(conn, "WHERE origin = 'user' ORDER BY id"):
            if not problems and values["id"] in broken:
                problems = [f"item: {broken[values['id']]}"]
            if self._readable(reader, rowid, values, problems, left_out):
                routine = routine_from_row(values, tuple(items.get(values["id"], ())))
                yield OwnRoutine(routine, values["created_at"], values["updated_at"])

    def _export_sessions(self, conn: sqlite3.Connection, left_out: LeftOut) -> Iterator[dict[str, Any]]:
        from stretchtui.store.row_values import TableReader
        from stretchtui.store.staging import SESSION_COLUMNS, STEP_COLUMNS

        sessions = TableReader(m.Session, ["id", *SESSION_COLUMNS])
        steps = TableReader(m.SessionStep, ["session_id", *STEP_COLUMNS])
        for readable in self._readable_chunks(
            sessions, conn, "ORDER BY started_at, uuid", left_out, "left out with its steps"
        ):
            by_session: dict[int, list[dict[str, Any]]] = {rowid: [] for rowid, _ in readable}
            for rowid, values, problems in steps.rows(
                conn,
                f"WHERE session_id IN ({', '.join('?' * len(by_session))}) ORDER BY session_id, step_index",
                list(by_session),
            ):
                if self._readable(steps, rowid, values, problems, left_out):
                    by_session[values.pop("session_id")].append(values)
            for rowid, values in readable:
                record = {k: values[k] for k in SESSION_COLUMNS}
                record["steps"] = by_session[rowid]
                yield record

    def _export_checkins(self, conn: sqlite3.Connection, left_out: LeftOut) -> Iterator[dict[str, Any]]:
        from stretchtui.store.row_values import TableReader
        from stretchtui.store.staging import CHECKIN_COLUMNS, PAIN_COLUMNS

        checkins = TableReader(m.Checkin, ["id", *CHECKIN_COLUMNS, "session_id"])
        pains = TableReader(m.CheckinPain, ["checkin_id", *PAIN_COLUMNS])
        sessions = TableReader(m.Session)
        for readable in self._readable_chunks(checkins, conn, "ORDER BY at, uuid", left_out, "left out with its pains"):
            by_checkin: dict[int, list[dict[str, Any]]] = {rowid: [] for rowid, _ in readable}
            broken: dict[int, str] = {}  # a pain has no uuid of its own: its check-in is left out
            for rowid, values, problems in pains.rows(
                conn, f"WHERE checkin_id IN ({', '.join('?' * len(by_checkin))}) ORDER BY id", list(by_checkin)
            ):
                if problems:
                    if values["checkin_id"] is None:
                        left_out.note(f"checkin_pain row {rowid}: {'; '.join(problems)}: left out")
                    broken.setdefault(values["checkin_id"], f"pains (row {rowid}): {'; '.join(problems)}")
                    continue
                by_checkin[values.pop("checkin_id")].append(values)
            linked = {values["session_id"] for _, values in readable if values["session_id"] is not None}
            session_uuids = {
                rowid: values["uuid"]
                for rowid, values, problems in sessions.rows(
                    conn, f"WHERE id IN ({', '.join('?' * len(linked))})", list(linked)
                )
                if not problems
            }
            for rowid, values in readable:
                if rowid in broken:
                    left_out.note(f"checkin {values['uuid']}: {broken[rowid]}: left out")
                    continue
                record = {k: values[k] for k in CHECKIN_COLUMNS}
                session = values["session_id"]
                record["session_uuid"] = session_uuids.get(session)
                if session is not None and record["session_uuid"] is None:
                    left_out.note(
                        f"checkin {values['uuid']}: its session (row {session}) could not be read: "
                        "exported without that link"
                    )
                record["pains"] = by_checkin[rowid]
                yield record


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
