"""The database file without peewee: its header, a read-only look inside, the one error type.

Kept apart from db.py so that the start of the app (which checks the file and reads the theme
before its first frame) and every command's error handling do not import peewee.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import sqlite3

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x53545455  # "STTU": marks a file as a stretchtui database
SCHEMA_VERSION = 3  # the last migration's number (store/migrations.py checks they agree)
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


def read_only_connection(path: Path, *, alone: bool = True) -> sqlite3.Connection:
    """A connection that cannot change the file, and creates no file beside it when it can help it.

    With no -wal file next to it, no connection has the database open (WAL mode keeps that file
    while one does), so it is opened immutable: no locks, no -wal or -shm created. Pass
    `alone=False` when a writer may open it meanwhile; then, and whenever there is a -wal file (whose
    commits count), it is opened read-only the ordinary way, with SQLite's locking."""
    import sqlite3

    immutable = alone and not Path(f"{path}-wal").exists()
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True, check_same_thread=False)


def read_identity(path: Path, *, alone: bool = True) -> tuple[int, int]:
    """(user_version, application_id), read without changing anything. Raises sqlite3.DatabaseError
    for a file SQLite cannot read."""
    conn = read_only_connection(path, alone=alone)
    try:
        return connection_identity(conn)
    finally:
        conn.close()


def connection_identity(conn: sqlite3.Connection) -> tuple[int, int]:
    """(user_version, application_id) as SQLite sees them: unlike the file header, with the
    commits still in the -wal file counted."""
    return (conn.execute("PRAGMA user_version").fetchone()[0], conn.execute("PRAGMA application_id").fetchone()[0])


def peek_setting(path: Path, key: str) -> Any:
    """One setting read straight from the file without opening the store, or None when it cannot
    be read for any reason (no file, not ours, damaged, locked): a hint for the first frame (the
    theme), never a decision. Changes nothing and creates no file beside it."""
    import json
    import sqlite3

    if not path.is_file():
        return None
    try:
        conn = read_only_connection(path)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
        return None if row is None else json.loads(row[0])
    except (sqlite3.Error, ValueError, TypeError):
        return None


NAME_MAX = 255  # bytes in one file name on the file systems stretchtui runs on (ext4, xfs, btrfs, apfs, tmpfs)


def temp_name(name: str) -> str:
    """A temporary name beside `name` that no other writer, and no stale file, has:
    `<name>.<pid>.<8 hex digits>.tmp`, with `name` cut short when the whole would not fit in one
    file name. `output_guard.remove_stale_temporaries` recognises (and only) these names."""
    import secrets

    tag = f".{os.getpid()}.{secrets.token_hex(4)}.tmp"
    room = NAME_MAX - len(tag.encode())
    return name.encode()[:room].decode("utf-8", "ignore") + tag


def write_private(target: Path, write: Callable[[IO[Any]], None], *, binary: bool = False,
                  replace: bool = True) -> None:
    """Write a file only its owner can read (0600): `write` fills a temporary file beside it
    (`temp_name`, created with O_EXCL; text in UTF-8 unless `binary`), which is flushed to disk and
    then renamed over the target, so a reader never sees half a file. With `replace` false an
    existing target is never replaced, even one that appeared meanwhile (FileExistsError): the file
    is linked into place, which fails if the name is taken. Nothing is left behind on failure."""
    tmp = target.with_name(temp_name(target.name))
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away from O_CREAT's mode
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _link_new(tmp: Path, target: Path) -> None:
    """Put `tmp` at `target` only if that name is free, then drop the `tmp` name."""
    import errno

    try:
        os.link(tmp, target, follow_symlinks=False)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links (vfat, some network mounts): check, then rename.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable; best effort (some file systems refuse it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
