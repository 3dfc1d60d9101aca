"""The "database in use" signal: an advisory lock file next to the database.

Every open Store holds a shared flock on `<database>.lock` for as long as it is open (the app for
its whole lifetime, a command like `stretchtui log` for its few milliseconds). `restore` needs the
exclusive lock, tried without waiting: if any stretchtui process has the database open, restore
refuses; while restore holds it, a store that opens waits (up to the busy timeout) until the new
file is in place. The kernel drops a flock when its process dies, even by SIGKILL, so a crash never
leaves a stale lock behind. The lock file is made the first time a store opens the database (after
every check has passed) and is never deleted (deleting lock files races): it stays beside the database.

The lock belongs to the file, not to the name it was given: `<database>` is the real path
(os.path.realpath), so a symlink, `./x.db` and `/home/me/x.db` all lock the same `x.db.lock`
beside the real file. A hard link is a second real name of the same file (same st_dev and st_ino);
restore therefore also takes the lock of every other name the file has in its directory, and
refuses when the file has a name it cannot find there (a link from another directory), since it
cannot tell whether a stretchtui has the file open under that name (see `exclusive_for_restore`).

flock is separate from the POSIX locks SQLite takes on the database file, so the two never interfere.
On a network file system flock may be emulated or missing: `stretchtui doctor` warns about those.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stretchtui.store.files import BUSY_TIMEOUT_SECONDS, StoreError
from stretchtui.store.flock import flock_within
from stretchtui.store.private_files import FILE_MODE


class DiskFull(StoreError):
    """The disk (or the quota) has no room for a file stretchtui had to write; nothing was lost.
    Never a sign of a damaged database: no restore is advised."""

    def __init__(self, where: Path | str, doing: str = "") -> None:
        self.where = Path(where)
        doing = f" {doing}" if doing else ""
        super().__init__(f"no space left on {self.where}; nothing was lost{doing}. Free some space and try again")


def is_no_space(error: BaseException) -> bool:
    """An OSError saying the disk or the quota is full."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def real_path(db_path: Path) -> Path:
    """The database's real path: absolute, every symlink (of the file and its directories) resolved."""
    return Path(os.path.realpath(db_path))


def lock_path(db_path: Path) -> Path:
    """The lock file of the database at `db_path`, beside its real file, named after it."""
    real = real_path(db_path)
    return real.with_name(real.name + ".lock")


def file_identity(path: Path) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the file at `path` (symlinks followed), or None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def other_names(db_path: Path) -> list[Path] | None:
    """The file's other real names (hard links) in its directory, or None when it has more names
    than can be found there (a hard link from another directory). [] for a file with one name, or none."""
    real = real_path(db_path)
    try:
        info = os.stat(real)
    except OSError:
        return []
    if info.st_nlink <= 1:
        return []
    found = []
    try:
        with os.scandir(real.parent) as entries:
            for entry in entries:
                if entry.name == real.name or entry.is_symlink():
                    continue
                try:
                    other = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                    found.append(real.parent / entry.name)
    except OSError:
        return None
    return sorted(found) if len(found) == info.st_nlink - 1 else None


class DatabaseLock:
    """One holder of the lock file of one database (shared or exclusive, or not held)."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(Path(db_path))
        self._fd: int | None = None

    def _open(self, *, create: bool) -> int | None:
        """The lock file's descriptor; None when it is missing and `create` is false."""
        if self._fd is None:
            # Read-only is all flock needs: a lock file (or folder) the user made read-only still works.
            flags = os.O_RDONLY | os.O_CLOEXEC | (os.O_CREAT if create else 0)
            try:
                self._fd = os.open(self.path, flags, FILE_MODE)
            except FileNotFoundError:
                if create:
                    raise StoreError(f"cannot create the lock file {self.path}: its directory is missing") from None
                return None
            except OSError as error:
                if is_no_space(error):
                    raise DiskFull(self.path.parent, "(the lock file could not be made)") from error
                raise StoreError(f"cannot open the lock file {self.path}: {error.strerror}") from None
        return self._fd

    def acquire_shared(self, timeout: float = BUSY_TIMEOUT_SECONDS, *, create: bool = True) -> DatabaseLock:
        """Hold the lock shared (any number of stores may), creating the lock file if needed;
        waits while a restore holds it. An exclusive lock held here becomes a shared one. With
        `create` false a missing lock file is not made and nothing is held (a reader that must
        create no file: no store has opened the database since the lock file went)."""
        fd = self._open(create=create)
        if fd is None:
            return self
        if not flock_within(fd, fcntl.LOCK_SH, timeout):
            self.release()
            raise StoreError(
                f"{self.path.with_suffix('')} is being restored by another stretchtui; try again in a moment"
            )
        return self

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

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class InUse(StoreError):
    """Restore was refused: a stretchtui may have the database open (under this or another name)."""


@contextmanager
def exclusive_for_restore(db_path: Path) -> Iterator[DatabaseLock]:
    """Hold the database's lock exclusively, and that of every other name of the same file (hard
    links in its directory), without waiting; raise InUse when any is held, or when the file has a
    name outside its directory. Yields the lock of the real path. Nothing is held after the block."""
    names = other_names(db_path)
    shown = Path(db_path)
    if names is None:
        raise InUse(
            f"{shown} has another name (a hard link) in another directory, under which a stretchtui "
            "may have it open; restore through that name, or remove the extra link. Nothing was changed"
        )
    locks = [DatabaseLock(db_path)] + [DatabaseLock(name) for name in names]
    try:
        for lock, name in zip(locks, [shown, *names], strict=False):
            if not lock.try_exclusive():
                also = "" if name == shown else f" (as {name}, another name of the same file)"
                raise InUse(
                    f"stretchtui has {shown} open{also} (the app, or a command still running); "
                    "quit it, then run restore again. Nothing was changed"
                )
        yield locks[0]
    finally:
        for lock in locks:
            lock.release()
