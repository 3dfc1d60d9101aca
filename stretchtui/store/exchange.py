"""Export and import, a record at a time.

Export: `export_records` reads the store in file order inside one read snapshot, rows in chunks,
for the writers in core/export_stream.py. Values are read one by one (store/row_values.py): a
record with a value that cannot be read is left out and named, and the rest is exported.

Import: `import_entries` checks a file as it is read (core.exchange.read_export), puts each
record into a staging area that takes no lock on the database (store/staging.py), and only then
moves it all in, in one short IMMEDIATE transaction: all or nothing, and other writers (the app's
session steps, `log`, `rest`) wait a fraction of a second, not the whole import. Every reference
in the file goes through one id mapping, built by UUID (`_place_own`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.store import models as m
from stretchtui.store.corrections import CorrectionRepository
from stretchtui.store.library import LibraryRepository

if TYPE_CHECKING:
    import sqlite3

    from stretchtui.core.exchange import Bundle, ImportResult, OwnExercise, OwnRoutine
    from stretchtui.store.row_values import TableReader
    from stretchtui.store.staging import Staging
# core.exchange (the file rules) is imported where it is used: every command imports the store,
# few export or import, and `stretchtui status` must start fast.

CHUNK = 500  # rows per read while exporting (and ids per IN (...))


class _DryRun(Exception):
    """Raised inside the import transaction to roll it back after counting."""


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


class _StoredSessions:
    """The sessions of the store, as a container a file's check-ins are checked against."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and m.Session.select().where(m.Session.uuid == item).exists()


class ExchangeRepository:
    """Export and import."""

    def __init__(
        self, db: SqliteDatabase, clock: Clock, library: LibraryRepository, corrections: CorrectionRepository
    ) -> None:
        self.db = db
        self.clock = clock
        self.library = library
        self.corrections = corrections

    # ------------------------------------------------------------------ export

    def export_bundle(self, left_out: LeftOut | None = None) -> Bundle:
        """Everything the user made or did, in one Bundle (tests, small stores; the command streams)."""
        from stretchtui.core.exchange import Bundle

        return Bundle.collect(self.export_records(left_out))

    def export_records(
        self, left_out: LeftOut | None = None, sections: Collection[str] | None = None
    ) -> Iterator[tuple[str, Any]]:
        """The export's records in file order (see core.exchange.read_export for their shapes),
        read in one snapshot (a deferred read transaction: writers are not held up), rows in
        chunks. A record with a value that cannot be read is left out and noted in `left_out`
        (with what depended on it: a routine using a left-out exercise, a check-in's link)."""
        from stretchtui.core.exchange import SECTIONS
        from stretchtui.store.row_values import TableReader

        sections = SECTIONS if sections is None else sections
        left_out = left_out if left_out is not None else LeftOut()
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
            if "day_marks" in sections:
                reader = TableReader(m.DayMark, ["uuid", "day", "kind", "at", "zone"])
                for rowid, values, problems in reader.rows(conn, "ORDER BY day, id"):
                    if self._readable(reader, rowid, values, problems, left_out):
                        yield "day_marks", values
            if "removed" in sections:  # tombstones: an import elsewhere never brings these back
                reader = TableReader(m.Removed, ["kind", "uuid", "removed_at"])
                for rowid, values, problems in reader.rows(conn, "ORDER BY removed_at, id"):
                    if self._readable(reader, rowid, values, problems, left_out):
                        yield "removed", values

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
        from stretchtui.core.exchange import OwnExercise
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
        from stretchtui.core.exchange import OwnRoutine
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
        for chunk in _chunks(sessions.rows(conn, "ORDER BY started_at, id")):
            readable = [
                (rowid, values)
                for rowid, values, problems in chunk
                if self._readable(sessions, rowid, values, problems, left_out, "left out with its steps")
            ]
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
        for chunk in _chunks(checkins.rows(conn, "ORDER BY at, id")):
            readable = [
                (rowid, values)
                for rowid, values, problems in chunk
                if self._readable(checkins, rowid, values, problems, left_out, "left out with its pains")
            ]
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

    # ------------------------------------------------------------------ import

    def import_data(self, data: Any, *, dry_run: bool = False) -> ImportResult:
        """Import an already parsed file (the demo; tests)."""
        from stretchtui.core.exchange import NOT_AN_EXPORT, ImportFileError
        from stretchtui.core.json_stream import entries_of

        if not isinstance(data, Mapping):
            raise ImportFileError(NOT_AN_EXPORT)
        return self.import_entries(entries_of(data), dry_run=dry_run)

    def import_entries(self, entries: Iterable[tuple[str, Any]], *, dry_run: bool = False) -> ImportResult:
        """Check a file's entries (core.exchange.file_entries or entries_of) record by record into
        the staging area, then merge it all in one short transaction; with `dry_run`, count what
        would be added and roll back. Raises ImportFileError, having written nothing."""
        from stretchtui.core.exchange import ImportResult, read_export
        from stretchtui.store.staging import Staging

        known_exercises = {row[0] for row in m.Exercise.select(m.Exercise.id).tuples()}
        staging = Staging(self.db).open()
        try:
            kept: dict[str, Any] = {"settings": {}, "favourites": [], "exercises": [], "routines": [], "removed": []}
            for kind, record in read_export(
                entries, now=self.clock.now(), known_exercise_ids=known_exercises, known_session_uuids=_StoredSessions()
            ):
                if kind == "sessions":
                    if record["status"] == "in_progress":  # resumable only where it ran
                        record = {**record, "status": "partial"}
                    staging.add_session(record)
                elif kind == "checkins":
                    staging.add_checkin(record)
                elif kind == "day_marks":
                    staging.add_day_mark(record)
                elif kind == "removed":
                    kept["removed"].append(record)  # a few per removal made by hand: kept in memory
                elif kind in ("exercises", "routines"):
                    kept[kind].append(record)
                elif kind in kept:
                    kept[kind] = record
            staging.flush()
            result = ImportResult(dry_run=dry_run)
            try:
                with self.db.atomic():  # IMMEDIATE: the only time the database is locked
                    self._merge(staging, kept, result)
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            return result
        finally:
            staging.close()

    def _merge(self, staging: Staging, kept: Mapping[str, Any], result: ImportResult) -> None:
        exercise_ids = self._import_exercises(kept["exercises"], result)
        staging.add_id_map("exercise", exercise_ids)
        self._import_favourites(kept["favourites"], result)
        routine_ids = self._import_routines(kept["routines"], exercise_ids, result)
        staging.add_id_map("routine", routine_ids)
        sessions, steps, steps_here, removed = staging.merge_sessions()
        _count(result, "sessions", sessions, staging.count("stage_session"), removed)
        result.added["steps"] += steps
        result.already_there["steps"] += steps_here
        checkins, removed = staging.merge_checkins()
        _count(result, "checkins", checkins, staging.count("stage_checkin"), removed)
        marks, removed = staging.merge_day_marks()
        _count(result, "day_marks", marks, staging.count("stage_day_mark"), removed)
        self._import_removals(kept["removed"], result)
        self._import_settings(kept["settings"], result)

    def _import_removals(self, removals: list[dict[str, Any]], result: ImportResult) -> None:
        """The file's tombstones: an entry removed where the file was written is removed here too
        (kept for undo like any removal), and its UUID is kept so no later import brings it back."""
        from stretchtui.core.entries import EntryKind
        from stretchtui.core.errors import UserError
        from stretchtui.core.exchange import ImportFileError
        from stretchtui.store.corrections import MODELS

        known = self.corrections.removed_uuids()
        for record in removals:
            kind, uuid = EntryKind(record["kind"]), record["uuid"]
            if uuid in known:
                result.already_there["removed"] += 1
                continue
            for other, other_model in MODELS.items():
                if other is not kind and other_model.select().where(other_model.uuid == uuid).exists():
                    raise ImportFileError(
                        f"removed: {uuid} is a {other.value} here, not a {kind.value}; nothing was imported"
                    )
            model = MODELS[kind]
            if model.select().where(model.uuid == uuid).exists():
                try:
                    self.corrections.remove_entry(self.corrections.entry_by_uuid(kind, uuid))
                except UserError:  # a session running here right now: left alone
                    continue
            else:
                m.Removed.create(
                    kind=kind.value,
                    uuid=uuid,
                    day=record["removed_at"].date(),
                    summary="",
                    removed_at=record["removed_at"],
                    record=None,
                )
            result.added["removed"] += 1

    def _import_exercises(self, exercises: list[OwnExercise], result: ImportResult) -> dict[str, str]:
        """Insert the new own exercises; returns file id -> store id for every own exercise of the file."""
        from stretchtui.store.rows import exercise_values

        def insert(index: int, new_id: str) -> None:
            own = exercises[index]
            m.Exercise.insert(
                id=new_id,
                uuid=own.exercise.uuid,
                origin="user",
                favourite=own.exercise.favourite,
                created_at=own.created_at,
                updated_at=own.updated_at,
                **exercise_values(own.exercise),
            ).execute()

        return self._place_own(
            m.Exercise, [(own.exercise.id, own.exercise.uuid) for own in exercises], insert, "exercises", result
        )

    def _import_routines(
        self, routines: list[OwnRoutine], exercise_ids: Mapping[str, str], result: ImportResult
    ) -> dict[str, str]:
        """Insert the new own routines, their items' exercises mapped; returns file id -> store id."""
        from stretchtui.store.rows import routine_values

        def insert(index: int, new_id: str) -> None:
            own = routines[index]
            routine = own.routine
            m.Routine.insert(
                id=new_id,
                uuid=routine.uuid,
                origin="user",
                created_at=own.created_at,
                updated_at=own.updated_at,
                **routine_values(routine),
            ).execute()
            self.library.write_items(
                new_id,
                [
                    replace(item, exercise_id=exercise_ids.get(item.exercise_id, item.exercise_id))
                    for item in routine.items
                ],
            )

        return self._place_own(
            m.Routine, [(own.routine.id, own.routine.uuid) for own in routines], insert, "routines", result
        )

    def _place_own(
        self,
        model: type[m.BaseModel],
        records: list[tuple[str, str]],
        insert: Callable[[int, str], None],
        kind: str,
        result: ImportResult,
    ) -> dict[str, str]:
        """The one mapping of a file's own exercise (or routine) ids to this store's, by UUID: one
        already here maps to the id it has here, whatever that is; a new one is inserted under its
        own id if that is free, or else under a free one (`my-bridge-2`). Returns file id -> store
        id for every record (every reference in the file goes through it), counts, notes renames."""
        here: dict[str, str] = {}
        uuids = [uuid for _, uuid in records]
        for start in range(0, len(uuids), CHUNK):
            here.update(model.select(model.uuid, model.id).where(model.uuid.in_(uuids[start : start + CHUNK])).tuples())
        ids: dict[str, str] = {}
        for index, (file_id, uuid) in enumerate(records):
            if uuid in here:
                ids[file_id] = here[uuid]
                result.already_there[kind] += 1
                continue
            ids[file_id] = new_id = self.library.free_id(model, file_id)  # sees the ones inserted just before
            insert(index, new_id)
            if new_id != file_id:
                result.renamed.append((file_id, new_id))
            result.added[kind] += 1
        return ids

    def _import_favourites(self, favourites: list[str], result: ImportResult) -> None:
        if favourites:
            result.added["favourites"] += (
                m.Exercise.update(favourite=True)
                .where(m.Exercise.id.in_(favourites) & (m.Exercise.origin == "seed") & (m.Exercise.favourite == False))  # noqa: E712
                .execute()
            )

    def _import_settings(self, settings: dict[str, Any], result: ImportResult) -> None:
        present = {row[0] for row in m.Setting.select(m.Setting.key).tuples()}
        now = self.clock.now()
        for key, value in settings.items():
            if key in present:
                result.already_there["settings"] += 1
                continue
            m.Setting.insert(key=key, value=value, updated_at=now).execute()
            result.added["settings"] += 1


def _count(result: ImportResult, kind: str, added: int, staged: int, removed: int) -> None:
    result.added[kind] += added
    result.already_there[kind] += staged - added - removed
    result.removed_here[kind] += removed


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
