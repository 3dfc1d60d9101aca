"""The database file without peewee: its place, its header, a read-only look inside, the one error type.

Kept apart from db.py so that the start of the app (which checks the file and reads the theme
before its first frame) and every command's error handling do not import peewee.

Before anything opens, chmods or creates a file at or beside the database's path, `inspect_file`
refuses a path that names anything but a regular file (a device such as /dev/null, a FIFO, a
socket, a directory; through a symlink too), and tells whether the file or its folder is read-only:
a write bit the user took away is a decision stretchtui respects (even as root, who could write
anyway), never undoes. Existing files and folders are only ever tightened (bits for others
removed), never opened up. How stretchtui makes new files and folders is in private_files.py.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from stretchtui.store.migrations import LATEST_VERSION as SCHEMA_VERSION  # noqa: F401  (glance: the last migration, no peewee)
from stretchtui.store.read_only import read_only_connection  # noqa: F401  (where the store reaches it)

if TYPE_CHECKING:
    import sqlite3

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x53545455  # "STTU": marks a file as a stretchtui database
BUSY_TIMEOUT_SECONDS = 10


class StoreError(Exception):
    """The database cannot be used as asked; the message says why and what to do. Exit status 1."""

    exit_code = 1


@dataclass(frozen=True)
class ReadOnly:
    """The database, or the folder it is (or would be) in, is read-only: what, and how to fix it."""

    problem: str  # "/x/s.db is read-only (mode 0400)"
    needs: str  # what stretchtui would have written: "stretchtui needs to write to it"
    fix: str  # "Make it writable with: chmod u+w /x/s.db"
    creating: str = ""  # the database that cannot be created there (none exists yet)

    def error(self, why: str | None = None) -> StoreError:
        """The one-line refusal; `why` (else `needs`) says what needed the write."""
        if self.creating:
            return StoreError(
                f"cannot create the database at {self.creating}: {self.problem}; nothing was "
                f"created. {self.fix}, or give another --db"
            )
        return StoreError(f"{self.problem} and {why or self.needs}; nothing was changed. {self.fix}")


@dataclass(frozen=True)
class FileInfo:
    """What the file header says, read without opening the file through SQLite."""

    exists: bool
    empty: bool = True
    user_version: int = 0
    application_id: int = 0
    read_only: ReadOnly | None = None  # filled only when asked for (inspect_file's `writing`)


_NOT_A_FILE = {
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a FIFO (a named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def file_status(path: Path) -> os.stat_result | None:
    """The database file's status (symlinks followed), or None when there is none. Anything but a
    regular file is refused here, before anything opens, chmods or creates a file at or beside it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = _NOT_A_FILE.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise StoreError(f"{path} is {kind}, not a database file; give a file path with --db. It was left untouched")
    return info


def inspect_file(path: Path, *, writing: bool = False) -> FileInfo:
    """Read the SQLite header (first 100 bytes); refuse anything that is not an SQLite file, and any
    path that is not a regular file. With `writing`, also tell whether it is read-only (`read_only`)."""
    info = file_status(path)
    read_only = read_only_place(path, info) if writing else None
    if info is None:
        return FileInfo(exists=False, read_only=read_only)
    if info.st_size == 0:
        return FileInfo(exists=True, read_only=read_only)
    header = _read_header(path)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a stretchtui database (not an SQLite file); it was left untouched")
    return FileInfo(
        exists=True,
        empty=False,
        user_version=int.from_bytes(header[60:64], "big"),
        application_id=int.from_bytes(header[68:72], "big"),
        read_only=read_only,
    )


# SQLite's locks on a database are POSIX record locks: they belong to the process and are all
# dropped the moment the process closes ANY descriptor of that file, even one opened only to read
# the header. A second store opened (or checked) in a process whose first store still has the file
# open would then leave the first store's connections unlocked, and another process could delete
# the -wal file under them. So while a store of this process has a database open, its raw reads
# and mode changes go through one descriptor kept open until the last such store closes.
_KEPT: dict[tuple[int, int], list[int]] = {}  # (st_dev, st_ino) -> [descriptor, stores holding it]


def keep_open(path: Path) -> tuple[int, int]:
    """Note that a store of this process has `path` open; returns the key to give `let_go`."""
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    if key in _KEPT:  # never open (and so never close) a second descriptor of it
        _KEPT[key][1] += 1
    else:
        _KEPT[key] = [os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC), 1]
    return key


def let_go(key: tuple[int, int]) -> None:
    """A store closed: the kept descriptor is closed with the last one (its connections are closed)."""
    kept = _KEPT.get(key)
    if kept is None:
        return
    kept[1] -= 1
    if kept[1] <= 0:
        del _KEPT[key]
        os.close(kept[0])


def kept_descriptor(path: Path) -> int | None:
    """The descriptor kept open for `path` by a store of this process (see keep_open), or None."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    kept = _KEPT.get((info.st_dev, info.st_ino))
    return kept[0] if kept is not None else None


def _opened(path: Path) -> tuple[int, bool]:
    """A read-only descriptor of `path`, and whether the caller must close it (False: it is the one
    kept open for a store of this process, see keep_open)."""
    try:
        info = os.stat(path)
        kept = _KEPT.get((info.st_dev, info.st_ino))
    except OSError:
        kept = None
    if kept is not None:
        return kept[0], False
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC), True


def _read_header(path: Path) -> bytes:
    """The first 100 bytes, from a regular file only: opened without blocking (a FIFO swapped in
    since the check would otherwise hang) and checked again once open."""
    try:
        fd, close = _opened(path)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(f"{path} is not a regular file, not a database file; give a file path with --db")
        return os.pread(fd, 100, 0)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    finally:
        if close:
            os.close(fd)


def read_only_place(path: Path, info: os.stat_result | None) -> ReadOnly | None:
    """Why stretchtui may not write the database at `path` (`info`: its file_status), or None.
    The file must be writable, and so must the folder of its real file (SQLite writes the -wal and
    -shm files there, stretchtui the .lock file); a new file needs its nearest existing folder."""
    if info is not None:
        if not _may_write(path, info, stat.S_IWUSR, os.W_OK):
            return ReadOnly(
                f"{path} is read-only (mode {stat.S_IMODE(info.st_mode):04o})",
                "stretchtui needs to write to it",
                _fix(path, info),
            )
        folder = Path(os.path.realpath(path)).parent
    else:
        folder = Path(os.path.abspath(path)).parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
    try:
        folder_info = os.stat(folder)
    except OSError:
        return None  # creating the file will say why it cannot be done
    if not stat.S_ISDIR(folder_info.st_mode) or _may_write(
        folder, folder_info, stat.S_IWUSR | stat.S_IXUSR, os.W_OK | os.X_OK
    ):
        return None
    problem = f"the folder {folder} is read-only (mode {stat.S_IMODE(folder_info.st_mode):04o})"
    return ReadOnly(
        problem,
        f"stretchtui needs to write the -wal, -shm and .lock files of {path.name} there",
        _fix(folder, folder_info),
        creating="" if info is not None else str(path),
    )


def _may_write(path: Path, info: os.stat_result, owner_bits: int, access: int) -> bool:
    """The owner's own write bit counts even for root; anyone else gets what the system allows."""
    if info.st_uid == os.geteuid():
        return info.st_mode & owner_bits == owner_bits
    return os.access(path, access, effective_ids=os.access in os.supports_effective_ids)


def _fix(path: Path, info: os.stat_result) -> str:
    from shlex import quote

    if info.st_uid == os.geteuid():
        return f"Make it writable with: chmod u+w {quote(str(path))}"
    return f"Ask its owner (uid {info.st_uid}) for write access"


def tighten(path: Path, allowed: int) -> None:
    """Take away the mode bits of an existing file or folder that `allowed` lacks (others' bits);
    never adds one: a file the user made read-only stays read-only. Changed through the opened
    file, after checking it is still the regular file (or folder) it was."""
    fd, close = _opened(path)
    try:
        info = os.fstat(fd)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise StoreError(f"{path} is not a regular file, not a database file; give a file path with --db")
        mode = stat.S_IMODE(info.st_mode)
        if mode & ~allowed:
            os.fchmod(fd, mode & allowed)
    finally:
        if close:
            os.close(fd)


class Identity(NamedTuple):
    """What a file says it is, as SQLite sees it: unlike the file header, with the commits still in
    the -wal file counted."""

    user_version: int
    application_id: int
    schema_objects: int  # tables, indexes, ...: a file with some and no version is somebody else's


def read_identity(path: Path, *, alone: bool = True) -> Identity:
    """The file's Identity, read without changing anything (see read_only_connection for `alone`).
    Raises sqlite3.DatabaseError for a file SQLite cannot open or read."""
    conn = read_only_connection(path, alone=alone)
    try:
        return connection_identity(conn)
    finally:
        conn.close()


def connection_identity(conn: sqlite3.Connection) -> Identity:
    return Identity(
        conn.execute("PRAGMA user_version").fetchone()[0],
        conn.execute("PRAGMA application_id").fetchone()[0],
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
    )


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


def write_state(path: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """What changes when anything commits to the database at `path`: the file itself and its
    write-ahead log (inode, size, modification time; None for one that is not there). A stat of
    two files, no SQLite: the status glance checks its lock-free read with it, the app looks for
    what another process wrote."""
    states: list[tuple[int, int, int] | None] = []
    for name in (path, Path(f"{path}-wal")):
        try:
            info = os.stat(name)
        except OSError:
            states.append(None)
        else:
            states.append((info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(states)
