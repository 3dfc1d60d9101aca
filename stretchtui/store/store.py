"""The Store: open a database file safely, keep it migrated and seeded, and answer in core types.

Every write is a short IMMEDIATE transaction. Methods may be called from worker threads: peewee
gives each thread its own connection, opened with the same pragmas.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase, fn

from stretchtui.core import model as core
from stretchtui.core.clock import Clock
from stretchtui.core.errors import UserError
from stretchtui.core.library import default_seed_dir, load_library, own_id, seed_digest
from stretchtui.core.settings import BY_KEY as SETTING_SPECS
from stretchtui.core.settings import Settings
from stretchtui.core.streaks import Goal
from stretchtui.store import models as m
from stretchtui.store.corrections import CorrectionQueries
from stretchtui.store.day_summary import day_start_from, goal_from
from stretchtui.store.db import (
    APPLICATION_ID,
    FileInfo,
    StoreError,
    connect,
    connect_read_only,
    ensure_private_file,
    inspect_file,
    read_only_connection,
    sqlite_backup,
)
from stretchtui.store.exchange import ExchangeQueries
from stretchtui.store.files import keep_open, let_go
from stretchtui.store.location import default_data_dir
from stretchtui.store.lock import DatabaseLock
from stretchtui.store.maintenance import check_before_open, daily_backup
from stretchtui.store.migrations import LATEST_VERSION, pending
from stretchtui.store.output_guard import remove_stale_temporaries
from stretchtui.store.report_queries import ReportQueries
from stretchtui.store.rows import (
    exercise_from_row,
    exercise_values,
    item_from_row,
    item_rows,
    routine_from_row,
    routine_values,
)
from stretchtui.store.safety import SafetyQueries
from stretchtui.store.sessions import CheckinQueries, HistoryQueries, SessionQueries, SuggestionInputs

MODEL_DEFAULT: Any = object()
"""get_setting's default: the one the settings model gives."""
SEED_NAMESPACE = uuidlib.UUID("6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10")


def seed_uuid(kind: str, ident: str) -> str:
    """Seeded rows get the same UUID on every machine, so exports and imports match them up."""
    return str(uuidlib.uuid5(SEED_NAMESPACE, f"{kind}:{ident}"))


class Store(
    SessionQueries,
    CheckinQueries,
    HistoryQueries,
    SuggestionInputs,
    ExchangeQueries,
    ReportQueries,
    SafetyQueries,
    CorrectionQueries,
):
    """One open stretchtui database."""

    def __init__(self, db: SqliteDatabase, path: Path, clock: Clock, seed_dir: Path | None = None) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.seed_dir = seed_dir or default_seed_dir()
        self._tips: tuple[core.Tip, ...] | None = None
        self._lock: DatabaseLock | None = None  # held shared while open: the "in use" signal restore checks
        self._kept: tuple[int, int] | None = None  # see files.keep_open: SQLite's locks survive other opens

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path,
        clock: Clock,
        *,
        seed_dir: Path | None = None,
        quick_check: bool = True,
        read_only_ok: bool = False,
    ) -> Store:
        """Open (creating, migrating and seeding as needed) the database at `path`.

        Raises StoreError, leaving the file untouched, for a path that is not a regular file (a
        device, FIFO, socket or directory), a file that is not a stretchtui database, was written by
        a newer version, or fails quick_check (DatabaseDamaged), and for a file (or folder) the user
        made read-only: its mode is never changed back. `read_only_ok` is for the commands that only
        read: they read such a file without writing anything (see _open_read_only).
        `quick_check=False` is for commands that only read and run often (a tmux status line every
        few seconds): they skip reading the whole file; everything that writes keeps the check."""
        path = Path(path)
        info = inspect_file(path, writing=True)  # before anything opens, chmods or creates a file there
        if info.read_only is not None:
            if not read_only_ok:
                raise info.read_only.error()
            return cls._open_read_only(path, clock, info, seed_dir=seed_dir, quick_check=quick_check)
        lock = DatabaseLock(path)
        try:
            if info.exists and not info.empty:
                if quick_check and info.application_id in (0, APPLICATION_ID):
                    check_before_open(path, lock, clock.zone, clock.now())
                _refuse_foreign(path, info.user_version, info.application_id)
            ensure_private_file(path, private_dir=path.parent == default_data_dir())
            lock.acquire_shared()
            remove_stale_temporaries(path)  # left by a killed backup, restore, migration or export
        except BaseException:
            lock.release()
            raise
        db = connect(path)
        store = None
        try:
            db.connect()
            version = db.execute_sql("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:  # the header may have been stale (an unmerged WAL)
                raise StoreError(_newer_message(path, version))
            store = cls(db, path, clock, seed_dir)
            store._kept = keep_open(path)
            store._migrate()
            db.bind(m.ALL_MODELS)
            store.sync_library(store.seed_dir)
        except BaseException:
            db.close()
            if store is not None and store._kept is not None:
                let_go(store._kept)
            lock.release()
            raise
        store._lock = lock
        return store

    @classmethod
    def _open_read_only(
        cls, path: Path, clock: Clock, info: FileInfo, *, seed_dir: Path | None, quick_check: bool
    ) -> Store:
        """A database the user made read-only (or whose folder is), for a command that only reads:
        read as immutable, so SQLite writes nothing and creates no file (no -wal, -shm or .lock) and
        the mode stays as the user set it. That is only sound when nothing writes the file meanwhile:
        with no -wal file beside it, no connection has it open (WAL mode keeps that file while one
        does), and a read-only file is one no stretchtui opens for writing. Refused (in one line
        saying how to make it writable) when there is nothing to read, when a -wal file holds changes
        an immutable read would miss, and when this version would first have to upgrade the file.
        The library is read as the file has it: updating it from the seed files would write."""
        assert info.read_only is not None
        if not info.exists or info.empty:
            raise info.read_only.error()
        if Path(f"{path}-wal").exists():
            raise info.read_only.error(f"{path.name}-wal beside it holds changes a read-only look could miss")
        lock = DatabaseLock(path)
        try:
            lock.acquire_shared(create=False)  # waits out a restore; makes no lock file
            if quick_check and info.application_id in (0, APPLICATION_ID):
                check_before_open(path, lock, clock.zone, clock.now(), read_only=True)
            _refuse_foreign(path, info.user_version, info.application_id)
        except BaseException:
            lock.release()
            raise
        db = connect_read_only(path)
        try:
            db.connect()
            version = db.execute_sql("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:
                raise StoreError(_newer_message(path, version))
            if pending(version):
                raise info.read_only.error(
                    f"this stretchtui must first upgrade {path.name} (schema version "
                    f"{version} to {LATEST_VERSION}), which writes to it"
                )
            store = cls(db, path, clock, seed_dir)
            db.bind(m.ALL_MODELS)
        except BaseException:
            db.close()
            lock.release()
            raise
        store._lock = lock
        return store

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        if self._kept is not None:
            let_go(self._kept)
            self._kept = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _migrate(self) -> None:
        current = self.schema_version()
        if not pending(current):
            return
        if current > 0:
            from stretchtui.store.maintenance import new_backup_path

            self.backup_to(new_backup_path(self.path, f"pre-v{LATEST_VERSION}", self.clock.now()))
        with self.db.atomic():
            current = self.schema_version()  # another process may have migrated meanwhile
            for migration in pending(current):
                migration.apply(self.db)
                self.db.execute_sql(f"PRAGMA user_version = {int(migration.version)}")
            self.db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    def schema_version(self) -> int:
        return self.db.execute_sql("PRAGMA user_version").fetchone()[0]

    def backup_to(self, target: Path) -> Path:
        sqlite_backup(self.path, target)
        return target

    def backup_daily(self) -> Path | None:
        """The automatic backup, once per logical day, pruned to the last 7 days and 4 weeks
        (store.maintenance.daily_backup). Returns the new file, or None if today's exists."""
        return daily_backup(self.path, self.clock, self.day_start_hour())

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str, default: Any = MODEL_DEFAULT) -> Any:
        """The saved value, else the model's default (core.settings); a `default` given here only
        tells "not saved" apart. A key the model does not define is a KeyError."""
        spec = SETTING_SPECS[key]
        row = m.Setting.get_or_none(m.Setting.key == key)
        if row is None:
            return spec.default if default is MODEL_DEFAULT else default
        return row.value

    def settings(self, keys: Iterable[str] = ()) -> Settings:
        """The settings in force, read in one query: those saved among `keys` (all when none
        are named), the model's defaults for the rest."""
        wanted = [SETTING_SPECS[key].key for key in keys] or list(SETTING_SPECS)
        return Settings(
            dict(m.Setting.select(m.Setting.key, m.Setting.value).where(m.Setting.key.in_(wanted)).tuples())
        )

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON value; None removes the setting (so its default applies again). Keys are
        the model's (core.settings; tests/test_settings_model.py checks every one the code writes);
        a scratch key is still written (the storage tests probe the file with one)."""
        with self.db.atomic():
            if value is None:
                m.Setting.delete().where(m.Setting.key == key).execute()
            else:
                m.Setting.insert(key=key, value=value, updated_at=self.clock.now()).on_conflict_replace().execute()

    def day_start_hour(self) -> int:
        return day_start_from(self.settings(["day_start_hour"]))

    def describe_failure(self, error: BaseException) -> str:
        """One line for a failed store call, for the UI (which cannot know SQLite's errors)."""
        from stretchtui.store.maintenance import describe_storage_failure

        return describe_storage_failure(error) or f"Something went wrong and nothing was changed: {error}"

    def worth_retrying(self, error: BaseException) -> bool:
        """A failed write that only has to wait: another process held the database past the busy
        timeout, or the disk is full until space is freed. Nothing of it was kept."""
        from stretchtui.store.maintenance import worth_retrying

        return worth_retrying(error)

    def goal(self) -> Goal:
        """The daily goal from Settings: so many completed routines, or so many minutes."""
        return goal_from(self.settings())

    # ------------------------------------------------------------------ library

    def sync_library(self, seed_dir: Path) -> bool:
        """Load the seed files into the store when they changed since the last sync.

        Seeded rows are upserted; rows the user made, and their favourites, are never touched.
        A seeded entry that left the seed data is retired (hidden), not deleted: history and
        own routines may still point at it. Returns whether anything was synced."""
        digest = seed_digest(seed_dir)
        if self.get_setting("seed_digest") == digest:
            return False
        library = load_library(seed_dir)  # validate everything before writing anything
        now = self.clock.now()
        with self.db.atomic():
            for ex in library.exercises.values():
                values = exercise_values(ex)
                values.update(origin=core.Origin.SEED.value, retired=False, updated_at=now)
                (
                    m.Exercise.insert(id=ex.id, uuid=seed_uuid("exercise", ex.id), created_at=now, **values)
                    .on_conflict(conflict_target=[m.Exercise.id], update=values)
                    .execute()
                )
            (
                m.Exercise.update(retired=True, updated_at=now)
                .where((m.Exercise.origin == "seed") & m.Exercise.id.not_in(list(library.exercises)))
                .execute()
            )
            for routine in library.routines.values():
                values = dict(routine_values(routine), origin="seed", retired=False, updated_at=now)
                (
                    m.Routine.insert(id=routine.id, uuid=seed_uuid("routine", routine.id), created_at=now, **values)
                    .on_conflict(conflict_target=[m.Routine.id], update=values)
                    .execute()
                )
                self._write_items(routine.id, routine.items)
            (
                m.Routine.update(retired=True, updated_at=now)
                .where((m.Routine.origin == "seed") & m.Routine.id.not_in(list(library.routines)))
                .execute()
            )
            self.set_setting("seed_digest", digest)
        return True

    def tips(self) -> tuple[core.Tip, ...]:
        """Tips come straight from the seed files (they are not user data): parsed once per store."""
        if self._tips is None:
            self._tips = load_library(self.seed_dir).tips
        return self._tips

    def exercises(self, *, include_retired: bool = False) -> list[core.Exercise]:
        query = m.Exercise.select().order_by(fn.lower(m.Exercise.name))
        if not include_retired:
            query = query.where(m.Exercise.retired == False)  # noqa: E712 (peewee expression)
        return [exercise_from_row(row) for row in query]

    def exercise(self, exercise_id: str) -> core.Exercise | None:
        row = m.Exercise.get_or_none(m.Exercise.id == exercise_id)
        return None if row is None else exercise_from_row(row)

    def exercise_index(self) -> dict[str, core.Exercise]:
        """Every exercise, retired ones too, by id: what routine durations are computed from."""
        return {ex.id: ex for ex in self.exercises(include_retired=True)}

    def set_favourite(self, exercise_id: str, favourite: bool) -> None:
        with self.db.atomic():
            (
                m.Exercise.update(favourite=favourite, updated_at=self.clock.now())
                .where(m.Exercise.id == exercise_id)
                .execute()
            )

    def save_exercise(self, exercise: core.Exercise) -> core.Exercise:
        """Create or update an own exercise (the id is assigned on create). Seeded ones are read-only."""
        existing = m.Exercise.get_or_none(m.Exercise.id == exercise.id) if exercise.id else None
        if existing is not None and existing.origin != "user":
            raise UserError(f"{exercise.name!r} is part of the built-in library and cannot be edited")
        now = self.clock.now()
        values = exercise_values(exercise)
        with self.db.atomic():
            if existing is None:
                new_id = self._free_id(m.Exercise, own_id(exercise.name))
                m.Exercise.insert(
                    id=new_id,
                    uuid=exercise.uuid or str(uuidlib.uuid4()),
                    origin="user",
                    created_at=now,
                    updated_at=now,
                    **values,
                ).execute()
                exercise_id = new_id
            else:
                m.Exercise.update(updated_at=now, **values).where(m.Exercise.id == exercise.id).execute()
                exercise_id = exercise.id
        saved = self.exercise(exercise_id)
        assert saved is not None
        return saved

    def delete_exercise(self, exercise_id: str) -> None:
        row = m.Exercise.get_or_none(m.Exercise.id == exercise_id)
        if row is None:
            raise UserError(f"no exercise with id {exercise_id!r}")
        if row.origin != "user":
            raise UserError(f"{row.name!r} is part of the built-in library and cannot be deleted")
        users = [
            r.routine.name for r in m.RoutineItem.select().join(m.Routine).where(m.RoutineItem.exercise == exercise_id)
        ]
        if users:
            raise UserError(f"{row.name!r} is used in the routine {users[0]!r}; remove it there first")
        with self.db.atomic():
            m.Exercise.delete().where(m.Exercise.id == exercise_id).execute()

    # ------------------------------------------------------------------ routines

    def routines(self) -> list[core.Routine]:
        rows = list(
            m.Routine.select()
            .where(m.Routine.retired == False)  # noqa: E712
            .order_by(m.Routine.origin, fn.lower(m.Routine.name))
        )
        items = self._items_by_routine([row.id for row in rows])
        return [routine_from_row(row, items.get(row.id, ())) for row in rows]

    def routine(self, routine_id: str) -> core.Routine | None:
        row = m.Routine.get_or_none(m.Routine.id == routine_id)
        if row is None:
            return None
        return routine_from_row(row, self._items_by_routine([routine_id]).get(routine_id, ()))

    def save_routine(self, routine: core.Routine) -> core.Routine:
        """Create or update an own routine with its items. Built-in ones are never changed in place."""
        existing = m.Routine.get_or_none(m.Routine.id == routine.id) if routine.id else None
        if existing is not None and existing.origin != "user":
            raise UserError(f"{routine.name!r} is a built-in routine; duplicate it to make your own version")
        if not routine.items:
            raise UserError("a routine needs at least one exercise")
        known = {row.id for row in m.Exercise.select(m.Exercise.id)}
        missing = [item.exercise_id for item in routine.items if item.exercise_id not in known]
        if missing:
            raise UserError(f"no exercise with id {missing[0]!r}")
        now = self.clock.now()
        values = dict(routine_values(routine), name=routine.name.strip())
        if not values["name"]:
            raise UserError("a routine needs a name")
        with self.db.atomic():
            if existing is None:
                routine_id = self._free_id(m.Routine, own_id(routine.name))
                m.Routine.insert(
                    id=routine_id,
                    uuid=routine.uuid or str(uuidlib.uuid4()),
                    origin="user",
                    created_at=now,
                    updated_at=now,
                    **values,
                ).execute()
            else:
                routine_id = routine.id
                m.Routine.update(updated_at=now, **values).where(m.Routine.id == routine_id).execute()
            self._write_items(routine_id, routine.items)
        saved = self.routine(routine_id)
        assert saved is not None
        return saved

    def duplicate_routine(self, routine_id: str, name: str | None = None) -> core.Routine:
        original = self.routine(routine_id)
        if original is None:
            raise UserError(f"no routine with id {routine_id!r}")
        copy_name = name or self._free_name(f"{original.name} (my copy)")
        copy = core.Routine(
            id="",
            name=copy_name,
            items=original.items,
            description=original.description,
            rest_between_seconds=original.rest_between_seconds,
            sources=original.sources,
            origin=core.Origin.USER,
        )
        return self.save_routine(copy)

    def delete_routine(self, routine_id: str) -> None:
        row = m.Routine.get_or_none(m.Routine.id == routine_id)
        if row is None:
            raise UserError(f"no routine with id {routine_id!r}")
        if row.origin != "user":
            raise UserError(f"{row.name!r} is a built-in routine and cannot be deleted")
        with self.db.atomic():
            m.Routine.delete().where(m.Routine.id == routine_id).execute()

    # ------------------------------------------------------------------ helpers

    def _write_items(self, routine_id: str, items: Iterable[core.RoutineItem]) -> None:
        m.RoutineItem.delete().where(m.RoutineItem.routine == routine_id).execute()
        rows = item_rows(routine_id, items)
        if rows:
            m.RoutineItem.insert_many(rows).execute()

    def _items_by_routine(self, routine_ids: list[str]) -> dict[str, tuple[core.RoutineItem, ...]]:
        result: dict[str, list[core.RoutineItem]] = {}
        query = (
            m.RoutineItem.select()
            .where(m.RoutineItem.routine.in_(routine_ids))
            .order_by(m.RoutineItem.routine, m.RoutineItem.position)
        )
        for row in query:
            result.setdefault(row.routine_id, []).append(item_from_row(row.__data__))
        return {key: tuple(value) for key, value in result.items()}

    def _free_id(self, model: type[m.BaseModel], base: str) -> str:
        candidate, n = base, 2
        while model.get_or_none(model.id == candidate) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _free_name(self, base: str) -> str:
        taken = {row.name for row in m.Routine.select(m.Routine.name)}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base} {n}", n + 1
        return candidate


# ---------------------------------------------------------------------- refusals


def _newer_message(path: Path, version: int) -> str:
    return (
        f"{path} was written by a newer stretchtui (schema version {version}; this one knows up to "
        f"{LATEST_VERSION}): upgrade stretchtui to open it. The file was left untouched"
    )


def _refuse_foreign(path: Path, header_version: int, header_application_id: int) -> None:
    """Refuse, before any write, a file that is newer than us or is somebody else's database.

    The header alone can be stale: after a crash the last commits may still sit in the -wal
    file. A read-only connection sees them; the header is the fallback when that is impossible."""
    user_version, application_id, tables = _probe_read_only(path, header_version, header_application_id)
    if application_id not in (0, APPLICATION_ID) or (user_version > 0 and application_id != APPLICATION_ID):
        raise StoreError(f"{path} is an SQLite database, but not a stretchtui one; it was left untouched")
    if user_version > LATEST_VERSION:
        raise StoreError(_newer_message(path, user_version))
    if user_version == 0 and tables:
        raise StoreError(f"{path} is an SQLite database, but not a stretchtui one; it was left untouched")


def _probe_read_only(path: Path, header_version: int, header_application_id: int) -> tuple[int, int, int]:
    """(user_version, application_id, number of schema objects), read without writing anything.

    With no -wal file beside it, it is read as immutable (see db.read_only_connection): a plain
    read-only connection to a WAL-mode file creates -wal and -shm files next to it. Should that read
    fail (a writer checkpointing meanwhile), it is read again with SQLite's locking."""
    try:
        found = _read_identity(path, alone=True)
    except sqlite3.DatabaseError:
        found = None
    if found is not None:
        return found
    try:
        found = _read_identity(path, alone=False)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} cannot be read as a database ({error}); it was left untouched") from None
    return found if found is not None else (header_version, header_application_id, 0)


def _read_identity(path: Path, *, alone: bool) -> tuple[int, int, int] | None:
    """(user_version, application_id, schema objects) through a read-only connection; None when
    the file cannot be opened at all (then the header's word is all there is)."""
    try:
        conn = read_only_connection(path, alone=alone)
    except sqlite3.Error:
        return None
    try:
        return (
            conn.execute("PRAGMA user_version").fetchone()[0],
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
        )
    finally:
        conn.close()
