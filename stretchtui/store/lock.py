"""The "database in use" signal: an advisory lock file next to the database.

Every open Store holds a shared flock on `<database>.lock` for as long as it is open (the app for
its whole lifetime, a command like `stretchtui log` for its few milliseconds). `restore` needs the
exclusive lock, tried without waiting: if any stretchtui process has the database open, restore
refuses; while restore holds it, a store that opens waits (up to the busy timeout) until the new
file is in place. The kernel drops a flock when its process dies, even by SIGKILL, so a crash never
leaves a stale lock behind. The lock file is made the first time a store opens the database (after
every check has passed) and is never deleted (deleting lock files races): it stays beside the database.

flock is separate from the POSIX locks SQLite takes on the database file, so the two never interfere.
On a network file system flock may be emulated or missing: `stretchtui doctor` warns about those.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from stretchtui.store.files import BUSY_TIMEOUT_SECONDS, FILE_MODE, StoreError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class DatabaseLock:
    """One holder of the lock file of one database (shared or exclusive, or not held)."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(Path(db_path))
        self._fd: int | None = None

    def _open(self, *, create: bool) -> int | None:
        """The lock file's descriptor; None when it is missing and `create` is false."""
        if self._fd is None:
            flags = os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT if create else 0)
            try:
                self._fd = os.open(self.path, flags, FILE_MODE)
            except FileNotFoundError:
                if create:
                    raise StoreError(f"cannot create the lock file {self.path}: its directory is missing") from None
                return None
            except OSError as error:
                raise StoreError(f"cannot open the lock file {self.path}: {error.strerror}") from None
        return self._fd

    def acquire_shared(self, timeout: float = BUSY_TIMEOUT_SECONDS) -> "DatabaseLock":
        """Hold the lock shared (any number of stores may), creating the lock file if needed;
        waits while a restore holds it. An exclusive lock held here becomes a shared one."""
        fd = self._open(create=True)
        assert fd is not None
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.release()
                    raise StoreError(f"{self.path.with_suffix('')} is being restored by another stretchtui; "
                                     "try again in a moment") from None
                time.sleep(0.05)

    def try_shared(self, *, create: bool = True) -> bool:
        """Take the lock shared unless a restore holds it; never waits. With `create` false a
        missing lock file is not made, and counts as not taken."""
        return self._try(fcntl.LOCK_SH, create=create, when_missing=False)

    def try_exclusive(self, *, create: bool = True) -> bool:
        """Take the lock exclusively if no other holder has it; never waits. With `create` false a
        missing lock file is not made (a check that must leave no file behind) and counts as free:
        every store creates it before it opens the database."""
        return self._try(fcntl.LOCK_EX, create=create, when_missing=True)

    def _try(self, operation: int, *, create: bool, when_missing: bool) -> bool:
        """One attempt, without waiting; `when_missing` is the answer when there is no lock file."""
        fd = self._open(create=create)
        if fd is None:
            return when_missing
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> "DatabaseLock":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
