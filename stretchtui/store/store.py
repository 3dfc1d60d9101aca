"""The Store: open a database file safely, keep it migrated and seeded, and answer in core types.

Every write is a short IMMEDIATE transaction. Methods may be called from worker threads: peewee
gives each thread its own connection, opened with the same pragmas.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.library import default_seed_dir
from stretchtui.store import models as m
from stretchtui.store.activity import ActivityRepository
from stretchtui.store.checkins import CheckinRepository
from stretchtui.store.corrections import CorrectionRepository
from stretchtui.store.db import (
    APPLICATION_ID,
    FileInfo,
    GuardedDatabase,
    StoreError,
    connect,
    connect_read_only,
    ensure_private_file,
    inspect_file,
    read_only_connection,
    sqlite_backup,
)
from stretchtui.store.exchange import ExchangeRepository
from stretchtui.store.file_guard import FileGuard, FileMoved
from stretchtui.store.files import Identity, connection_identity, keep_open, let_go, read_identity
from stretchtui.store.function import FunctionRepository
from stretchtui.store.history import HistoryRepository
from stretchtui.store.integrity import check_before_open
from stretchtui.store.library import LibraryRepository
from stretchtui.store.location import default_data_dir
from stretchtui.store.lock import DatabaseLock
from stretchtui.store.maintenance import daily_backup
from stretchtui.store.migrations import LATEST_VERSION, pending
from stretchtui.store.output_guard import remove_stale_temporaries
from stretchtui.store.programs import ProgramRepository
from stretchtui.store.report_queries import ReportRepository
from stretchtui.store.safety import SafetyRepository
from stretchtui.store.sessions import SessionRepository
from stretchtui.store.settings import EventStamp, SettingsRepository
from stretchtui.store.suggestion_inputs import SuggestionInputRepository
from stretchtui.store.sync import SyncRepository


class Store:
    """One open stretchtui database: opening, migrating, locking and backing it up. What it holds
    is read and written through its repositories, each given only what it needs."""

    def __init__(self, db: SqliteDatabase, path: Path, clock: Clock, seed_dir: Path | None = None) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.seed_dir = seed_dir or default_seed_dir()
        self._lock: DatabaseLock | None = None  # held shared while open: the "in use" signal restore checks
        self._kept: tuple[int, int] | None = None  # see files.keep_open: SQLite's locks survive other opens
        self._guard: FileGuard | None = None  # the file deleted or replaced while open (store.file_guard)
        self.settings = settings = SettingsRepository(db, clock)
        stamp = EventStamp(clock, settings)
        self.library = library = LibraryRepository(db, clock, settings, self.seed_dir)
        self.sessions = SessionRepository(db, clock, stamp, library)
        self.checkins = checkins = CheckinRepository(db, stamp)
        self.function = function = FunctionRepository(db, stamp, settings)
        self.history = history = HistoryRepository(db, settings)
        self.corrections = corrections = CorrectionRepository(db, clock, stamp, settings, history, checkins)
        self.safety = safety = SafetyRepository(db, clock, settings, checkins)
        self.activity = activity = ActivityRepository(db, path, clock, stamp, settings)
        self.sessions.on_finished = lambda info: activity.count_session_as_break(info.started_at)
        self.suggestions = suggestions = SuggestionInputRepository(checkins, library, safety, activity)
        self.programs = programs = ProgramRepository(db, stamp, library, checkins, function, suggestions, self.seed_dir)
        self.reports = ReportRepository(
            settings, history, function, lambda: {p.id: p.name for p in programs.catalogue().versions.values()}
        )
        self.exchange = exchange = ExchangeRepository(db, clock, library, corrections)
        self.sync = SyncRepository(db, path, clock, library, exchange)

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
            store.library.sync_library(store.seed_dir)
            store._guard_file()
        except BaseException:
            db.close()
            if store is not None and store._guard is not None:
                store._guard.close()
            if store is not None and store._kept is not None:
                let_go(store._kept)
            lock.release()
            raise
        store._lock = lock
        return store

    def _guard_file(self) -> None:
        """From now on every connection and transaction checks that the path still names the file
        opened (store.db); if it does not, what it held is kept and every call says so (FileGuard)."""
        assert self._kept is not None and isinstance(self.db, GuardedDatabase)
        self._guard = FileGuard(self.path, self.clock)
        self.db.opened_file, self.db.file_path, self.db.on_file_moved = self._kept, self.path, self._guard.moved

    def file_moved(self) -> str | None:
        """None while the database file is where the store opened it; else what happened to it and
        where what it held was kept, in one message (a stat; the copy is made once, the first time)."""
        if not isinstance(self.db, GuardedDatabase):
            return None
        try:
            self.db.check_same_file()
        except FileMoved as moved:
            return str(moved)
        return None

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
        if self._guard is not None:  # first: the last connection to close tidies the -wal file away
            self._guard.close()
            self._guard = None
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
            from stretchtui.store.backup_files import new_backup_path

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
        return daily_backup(self.path, self.clock, self.settings.day_start_hour())

    def write_state(self) -> object:
        """Something that differs whenever anything (this process or another) committed since it
        was last taken (store.files.write_state: a stat of the file and its log, no SQLite)."""
        from stretchtui.store.files import write_state

        return write_state(self.path)

    def describe_failure(self, error: BaseException) -> str:
        """One line for a failed store call, for the UI (which cannot know SQLite's errors)."""
        from stretchtui.store.storage_errors import describe_storage_failure

        return describe_storage_failure(error) or f"Something went wrong and nothing was changed: {error}"

    def worth_retrying(self, error: BaseException) -> bool:
        """A failed write that only has to wait: another process held the database past the busy
        timeout, or the disk is full until space is freed. Nothing of it was kept."""
        from stretchtui.store.storage_errors import worth_retrying

        return worth_retrying(error)


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


def _probe_read_only(path: Path, header_version: int, header_application_id: int) -> Identity:
    """The file's identity (files.read_identity), read without writing anything.

    With no -wal file beside it, it is read as immutable (see files.read_only_connection): a plain
    read-only connection to a WAL-mode file creates -wal and -shm files next to it. Should that read
    fail (a writer checkpointing meanwhile), it is read again with SQLite's locking; if the file
    cannot be opened even so, the header's word is all there is."""
    try:
        return read_identity(path, alone=True)
    except sqlite3.DatabaseError:
        pass
    try:
        conn = read_only_connection(path, alone=False)
    except sqlite3.Error:
        return Identity(header_version, header_application_id, 0)
    try:
        return connection_identity(conn)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} cannot be read as a database ({error}); it was left untouched") from None
    finally:
        conn.close()
