"""What `stretchtui status` and `stats` last worked out, kept in the user's cache folder (one file
per database, never beside it: that folder may be read-only or synced to other machines), so a
status line that runs them every few seconds reads the whole history once per change instead of
once per call.

An entry holds for as long as its key does:
- the same file (inode, size and modification time: a file copied over it is another), at the
  same schema version and application id;
- the same change count (`change_counter.n`, which a trigger bumps on every write to the tables
  these commands read, whichever process writes: store.migration_steps.COUNTED_TABLES);
- the same zone and logical day (an entry knows the instants its day starts and ends).
Anything else (no entry, a damaged one, another version) is a miss: the command works the numbers
out as before and writes the entry anew. Only `os`, `marshal` and `sqlite3` are imported here
(marshal, not json: json imports `re`, which alone costs a status line a sixth of its time), and
nothing is written to the database: the entry is its own file (0600), replaced whole.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing costs a status line more than its answer
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

SUFFIX = ".status"
FORMAT = 2  # bumped when an entry's contents change meaning
PYTHON = sys.hexversion  # marshal's format may change between Python versions


def cache_dir(environ: Mapping[str, str]) -> str:
    """$XDG_CACHE_HOME/stretchtui, else ~/.cache/stretchtui (what is here can always be made again)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(base, "stretchtui")


def cache_path(db_path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> str:
    """The entry's file for the database at `db_path` (an absolute path): named by a checksum of
    the path and its last part, so two databases never share one and a person can tell whose it is."""
    from zlib import crc32

    name = os.fspath(db_path)
    return os.path.join(
        cache_dir(os.environ if environ is None else environ),
        f"{crc32(os.fsencode(name)):08x}-{os.path.basename(name)[:80]}{SUFFIX}",
    )


def break_notified_path(db_path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> str:
    """Where `stretchtui break --notify` notes the stretch it last notified about (beside the entry)."""
    return cache_path(db_path, environ)[: -len(SUFFIX)] + ".break-notified"


def break_checked_path(db_path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> str:
    """What `tick --notify` touches when it starts a check (at most one every CHECK_EVERY seconds)."""
    return cache_path(db_path, environ)[: -len(SUFFIX)] + ".break-checked"


def fingerprint(db_path: str | os.PathLike[str]) -> list[Any] | None:
    """What must be unchanged for an entry to hold, or None when the file cannot be read that way
    (missing, not a stretchtui database at a schema with the counter, locked, damaged)."""
    import sqlite3
    from stat import S_ISREG

    from stretchtui.store.read_only import read_only_connection

    try:
        info = os.stat(db_path)
        if not S_ISREG(info.st_mode):
            return None  # a FIFO would hang the open; the store names what it is instead
        identity = [info.st_ino, info.st_size, info.st_mtime_ns]  # a file copied over it is another
        conn = read_only_connection(db_path)
        try:
            row = conn.execute(
                "SELECT (SELECT user_version FROM pragma_user_version),"
                " (SELECT application_id FROM pragma_application_id), n FROM change_counter WHERE id = 1"
            ).fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    return None if row is None else [FORMAT, PYTHON, os.fspath(db_path), *identity, *row]


def load(db_path: str | os.PathLike[str], key: list[Any], now: float) -> dict[str, Any] | None:
    """The entry for `key` if one holds at `now` (POSIX seconds), else None."""
    try:
        fd = os.open(cache_path(db_path), os.O_RDONLY | os.O_NONBLOCK)  # never waits, even on a FIFO
        with os.fdopen(fd, "rb") as handle:
            entry = marshal.load(handle)
        if entry["key"] == key and entry["day_from"] <= now < entry["day_until"]:
            return entry if isinstance(entry, dict) else None
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        pass
    return None


def save(db_path: str | os.PathLike[str], entry: dict[str, Any]) -> None:
    """Write `entry` (with its "key", "day_from" and "day_until") in place of the last one. A
    failure (a read-only folder, a full disk) only means the next call works it out again."""
    path = cache_path(db_path)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(entry, handle)
        os.replace(temporary, path)
    except (OSError, ValueError):  # ValueError: a value marshal cannot write (a bug, never a crash)
        try:
            os.unlink(temporary)
        except OSError:
            pass
