"""Opening the SQLite file safely: refuse what is not ours, create private files, set pragmas."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from peewee import SqliteDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x53545455  # "STTU": marks a file as a stretchtui database
BUSY_TIMEOUT_SECONDS = 10
DIR_MODE = 0o700
FILE_MODE = 0o600


class StoreError(Exception):
    """The database cannot be used as asked; the message says why and what to do. Exit status 1."""

    exit_code = 1


@dataclass(frozen=True)
class FileInfo:
    """What the file header says, read without opening the file through SQLite."""

    exists: bool
    empty: bool = True
    user_version: int = 0
    application_id: int = 0


def inspect_file(path: Path) -> FileInfo:
    """Read the SQLite header (first 100 bytes); refuse anything that is not an SQLite file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return FileInfo(exists=False)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a directory, not a database file; give a file path with --db")
    if info.st_size == 0:
        return FileInfo(exists=True)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a stretchtui database (not an SQLite file); it was left untouched")
    return FileInfo(
        exists=True,
        empty=False,
        user_version=int.from_bytes(header[60:64], "big"),
        application_id=int.from_bytes(header[68:72], "big"),
    )


def ensure_private_file(path: Path, *, private_dir: bool) -> None:
    """Create the directory (0700) and an empty database file (0600) before SQLite touches it,
    so the -wal and -shm files SQLite creates next to it inherit the 0600 mode."""
    parent = path.parent
    try:
        if not parent.exists():
            parent.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(parent, DIR_MODE)  # mkdir's mode is filtered by the umask
        elif private_dir:
            os.chmod(parent, DIR_MODE)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
            os.close(fd)
        os.chmod(path, FILE_MODE)
    except OSError as error:
        raise StoreError(f"cannot create the database at {path}: {error.strerror}") from None


class _Database(SqliteDatabase):
    def rollback(self) -> None:
        """Skip the ROLLBACK when SQLite has already rolled back: a COMMIT that fails on a full disk
        does so itself, and peewee's ROLLBACK would then fail too ("no transaction is active"),
        hiding the real error (the disk is full) behind that one."""
        if not self.is_closed() and not self.connection().in_transaction:
            return
        super().rollback()


def connect(path: Path) -> SqliteDatabase:
    """A peewee database for `path` with the durability pragmas; each thread gets its own connection."""
    return _Database(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "synchronous": "full",
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
        },
        timeout=BUSY_TIMEOUT_SECONDS,
        lock_type="IMMEDIATE",  # every transaction takes the write lock up front: no upgrade deadlocks
    )


def read_only_connection(path: Path, *, alone: bool = True) -> sqlite3.Connection:
    """A connection that cannot change the file, and creates no file beside it when it can help it.

    With no -wal file next to it, no connection has the database open (WAL mode keeps that file
    while one does), so it is opened immutable: no locks, no -wal or -shm created. Pass
    `alone=False` when a writer may open it meanwhile; then, and whenever there is a -wal file (whose
    commits count), it is opened read-only the ordinary way, with SQLite's locking."""
    immutable = alone and not Path(f"{path}-wal").exists()
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True, check_same_thread=False)


def read_identity(path: Path, *, alone: bool = True) -> tuple[int, int]:
    """(user_version, application_id), read without changing anything. Raises sqlite3.DatabaseError
    for a file SQLite cannot read."""
    conn = read_only_connection(path, alone=alone)
    try:
        return (conn.execute("PRAGMA user_version").fetchone()[0],
                conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


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


def checked_copy(source: Path, tmp: Path, *, read_only: bool = False) -> None:
    """Copy a database with SQLite's online backup API into the new 0600 file `tmp`, check the copy
    with integrity_check and flush it to disk. On any failure (a full disk, a damaged source) `tmp`
    is removed and the error raised. `read_only` opens the source without changing it."""
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        os.close(fd)
        src = read_only_connection(source) if read_only else sqlite3.connect(str(source))
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                result = check_result(dst, "integrity_check")
            finally:
                dst.close()
        finally:
            src.close()
        if result != "ok":
            raise StoreError(f"the copy of {source} failed its integrity check ({result}); nothing was written")
        fsync_path(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
        raise


def sqlite_backup(source: Path, target: Path, *, read_only: bool = False) -> None:
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
