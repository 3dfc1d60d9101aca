"""Opening the SQLite file safely: refuse what is not ours, create private files, set pragmas."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from stretchtui.store.files import (  # noqa: F401  (re-exported: the store's modules import them from here)
    APPLICATION_ID,
    BUSY_TIMEOUT_SECONDS,
    SQLITE_MAGIC,
    FileInfo,
    StoreError,
    inspect_file,
    read_identity,
    read_only_connection,
    tighten,
)
from stretchtui.store.private_files import DIR_MODE, FILE_MODE, create_private_file, make_private_dirs


def ensure_private_file(path: Path, *, private_dir: bool) -> None:
    """Create the missing folders (0700) and an empty database file (0600) before SQLite touches it,
    so the -wal and -shm files SQLite creates next to it inherit the 0600 mode. An existing file (and
    with `private_dir`, stretchtui's own data folder) is only tightened: bits for others are taken
    away, none is added, so a mode the user chose for it is never undone."""
    try:
        if not make_private_dirs(path.parent) and private_dir:
            tighten(path.parent, DIR_MODE)
        try:
            os.close(create_private_file(path))
        except FileExistsError:
            tighten(path, FILE_MODE)
    except OSError as error:
        raise StoreError(f"cannot create the database at {path}: {error.strerror}") from None


class GuardedDatabase(SqliteDatabase):
    # Set by the store once open (Store.guard_file): the file it opened, and what to do when the
    # file at the path is no longer that one (deleted, or another file put there). Until then None.
    opened_file: tuple[int, int] | None = None
    file_path: Path | None = None
    on_file_moved: Callable[[str], None] | None = None

    def _connect(self) -> Any:
        """A connection checked to reach the file the store opened: a thread's first connection
        after that file was deleted or replaced would reach another one (a new, empty file)."""
        self.check_same_file()  # before: a deleted file is not there to open (mode=rw creates none)
        conn = super()._connect()
        try:
            self.check_same_file()
        except BaseException:
            conn.close()
            raise
        return conn

    def begin(self, lock_type: str | None = None) -> None:
        """Before every transaction: a connection opened before the file was deleted or replaced
        would write where nothing can find it again."""
        self.check_same_file()
        super().begin(lock_type)

    def check_same_file(self) -> None:
        """Raise (on_file_moved says how) when the file at the path is not the one the store opened."""
        if self.opened_file is None or self.file_path is None or self.on_file_moved is None:
            return
        from stretchtui.store.lock import file_identity

        now = file_identity(self.file_path)
        if now != self.opened_file:
            self.on_file_moved("deleted" if now is None else "replaced")

    def rollback(self) -> None:
        """Skip the ROLLBACK when SQLite has already rolled back: a COMMIT that fails on a full disk
        does so itself, and peewee's ROLLBACK would then fail too ("no transaction is active"),
        hiding the real error (the disk is full) behind that one."""
        if not self.is_closed() and not self.connection().in_transaction:
            return
        super().rollback()


def connect(path: Path) -> SqliteDatabase:
    """A peewee database for `path` with the durability pragmas; each thread gets its own connection.
    It never creates the file (Store.open makes it first, 0600): a thread connecting after the file
    was deleted must not make a new, empty one there."""
    from urllib.parse import quote

    return GuardedDatabase(
        f"file:{quote(str(path))}?mode=rw",
        uri=True,
        pragmas={
            "journal_mode": "wal",
            "synchronous": "full",
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
        },
        timeout=BUSY_TIMEOUT_SECONDS,
        lock_type="IMMEDIATE",  # every transaction takes the write lock up front: no upgrade deadlocks
    )


def connect_read_only(path: Path) -> SqliteDatabase:
    """A peewee database that reads `path` as immutable: SQLite takes no lock, creates no file
    beside it and cannot write it. Only for a file nothing writes meanwhile (see Store.open)."""
    from urllib.parse import quote

    return GuardedDatabase(
        f"file:{quote(str(path))}?mode=ro&immutable=1",
        uri=True,
        pragmas={"foreign_keys": 1, "query_only": 1},
    )


def check_result(conn: sqlite3.Connection, pragma: str = "quick_check") -> str:
    """'ok', or the first problem SQLite's quick_check or integrity_check reports (one line)."""
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    if rows == [("ok",)]:
        return "ok"
    first = str(rows[0][0]).splitlines()[0] if rows else "no answer"
    return first + (f" (and {len(rows) - 1} more)" if len(rows) > 1 else "")


def fsync_path(path: Path) -> None:
    """Flush a file to disk, or a directory (which makes a rename in it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checked_copy(source: Path | sqlite3.Connection, tmp: Path, *, read_only: bool = False) -> None:
    """Copy a database with SQLite's online backup API into the new 0600 file `tmp`, check the copy
    with integrity_check and flush it to disk. On any failure (a full disk, a damaged source) `tmp`
    is removed and the error raised. `read_only` opens the source without changing it. A source
    given as an open connection is read through it (and left open): the file it has open may no
    longer be at any path (store.file_guard)."""
    try:
        os.close(create_private_file(tmp))
        if isinstance(source, sqlite3.Connection):
            src = source
        else:
            src = read_only_connection(source) if read_only else sqlite3.connect(str(source))
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                result = check_result(dst, "integrity_check")
            finally:
                dst.close()
        finally:
            if src is not source:
                src.close()
        if result != "ok":
            raise StoreError(f"the copy of {source} failed its integrity check ({result}); nothing was written")
        fsync_path(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
        raise


def sqlite_backup(source: Path | sqlite3.Connection, target: Path, *, read_only: bool = False) -> None:
    """Copy a live database into a 0600 file that is either the old target or a complete, checked
    copy: written beside it under a temporary name, then renamed. Leaves no file behind on failure."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    checked_copy(source, tmp, read_only=read_only)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(target.parent)
