"""What a failed write means: a full disk, a busy database, or another error, told apart through
the error and everything it was raised from; and the one line a user is shown for it.

Apart from the backup code: the CLI's error handling, the app's session writer and the checks all
ask these questions of any error, and need no database for it.
"""

from __future__ import annotations

import errno
import sqlite3

from stretchtui.store.lock import DiskFull, is_no_space

SQLITE_FULL = 13  # sqlite3.Error.sqlite_errorcode, primary code: "database or disk is full"
_FULL_TEXT = "database or disk is full"


def is_full_message(text: str) -> bool:
    return _FULL_TEXT in text


SQLITE_BUSY, SQLITE_LOCKED = 5, 6  # another connection holds the lock (past the busy timeout)
_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes (peewee raises its own errors with SQLite's as the context)."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and all(cause is not seen for seen in chain):
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_disk_full(error: BaseException) -> bool:
    """ENOSPC/EDQUOT from the file system, or SQLite's SQLITE_FULL, anywhere in the error's chain."""
    return any(
        isinstance(cause, DiskFull)
        or is_no_space(cause)
        or (isinstance(cause, sqlite3.Error) and (_sqlite_code(cause) == SQLITE_FULL or is_full_message(str(cause))))
        for cause in _chain(error)
    )


def is_busy(error: BaseException) -> bool:
    """Another process held the database past the busy timeout (a long import, a backup): the write
    did not happen and will succeed once they are done."""
    return any(
        _sqlite_code(cause) in (SQLITE_BUSY, SQLITE_LOCKED)
        or (isinstance(cause, sqlite3.Error) and any(t in str(cause) for t in _BUSY_TEXTS))
        or type(cause).__name__ == "OperationalError"
        and any(t in str(cause) for t in _BUSY_TEXTS)
        for cause in _chain(error)
    )


def worth_retrying(error: BaseException) -> bool:
    """A write that failed only for now: busy, or no space until some is freed. Nothing of it was
    kept (every write is one transaction), so writing it again later is safe."""
    return is_busy(error) or is_disk_full(error)


def describe_storage_failure(error: BaseException) -> str | None:
    """One line for a write the disk refused (full, quota, I/O error, busy), or None for any other error.
    Every write is one transaction and every file is written to a temporary name first, so when this
    happens, nothing of the failed change is kept. Looks through the errors raised while handling it."""
    return next((message for cause in _chain(error) if (message := _storage_failure(cause)) is not None), None)


def _storage_failure(error: BaseException) -> str | None:
    from stretchtui.store.file_guard import FileMoved

    if isinstance(error, (DiskFull, FileMoved)):
        return str(error)
    if isinstance(error, OSError) and error.errno is not None:
        reasons = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is used up",
            errno.EFBIG: "the file would be too large",
            errno.EIO: "a disk I/O error",
        }
        reason = reasons.get(error.errno)
        if reason is None:
            return None
        where = f" writing {error.filename}" if error.filename else ""
        return f"{reason}{where}: nothing was saved; free some space (or check the disk) and try again"
    text = str(error)
    if isinstance(error, sqlite3.Error) and (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_FULL:
        text = _FULL_TEXT  # SQLITE_FULL, whatever its message says: never taken for damage
    if isinstance(error, sqlite3.Error) or type(error).__module__ == "peewee":
        for marker, message in _SQLITE_FAILURES.items():
            if marker in text:
                return message
    return None


_SQLITE_FAILURES = {
    "database or disk is full": "the disk is full: nothing was saved; free some space and try again",
    "disk I/O error": "a disk I/O error stopped the write: nothing was saved; check free space and the disk",
    "database is locked": "another program kept the database busy: nothing was saved; try again",
    "attempt to write a readonly database": "the database file is read-only: nothing was saved",
    "database disk image is malformed": (
        "the database file is damaged: nothing was changed; "
        "`stretchtui doctor` says more, `stretchtui restore` puts a backup back"
    ),
}
