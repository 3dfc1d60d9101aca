"""Backups and restore: the work of `stretchtui backup` and `restore`, and the daily backup.

A backup is written through SQLite's online backup API: a temporary 0600 file, checked with
integrity_check, renamed into place. Restore holds the exclusive lock throughout and keeps the
database it replaces. A full disk is never taken for damage: it raises DiskFull ("no space left on
<path>; nothing was lost"). Where backups live is in store.backup_files, the checks of a file in
store.integrity, `stretchtui doctor`'s checks in store.doctor.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from stretchtui.core.clock import Clock
from stretchtui.core.days import logical_day, today
from stretchtui.core.errors import UserError
from stretchtui.core.retention import (
    DAILY,
    DAMAGED,
    MANUAL,
    PRE_RESTORE,
    backups_to_keep,
    is_suspect,
    parse_backup_name,
)
from stretchtui.store.backup_files import backup_dir, list_backups, new_backup_path
from stretchtui.store.db import checked_copy, fsync_path, sqlite_backup
from stretchtui.store.files import StoreError, file_status, read_only_place
from stretchtui.store.integrity import DatabaseDamaged, latest_good_backup, restorable_version, run_check
from stretchtui.store.lock import DatabaseLock, DiskFull, exclusive_for_restore, real_path
from stretchtui.store.private_files import make_private_dirs, write_private
from stretchtui.store.storage_errors import is_disk_full, is_full_message

STALE_TMP_SECONDS = 3600  # a temporary file this old belongs to a backup that was killed


def _require_database(db_path: Path) -> None:
    info = file_status(db_path)  # a device, FIFO, socket or directory: refused in its own words
    if info is None or info.st_size == 0:
        raise StoreError(f"there is no database at {db_path}: nothing to back up")


def backup_database(db_path: Path, target: Path) -> Path:
    """A checked copy of the live database at `target` (0600, atomic). Waits while a restore runs.
    A full disk raises DiskFull (no file is left behind, the database is untouched)."""
    # A file the user made read-only (or whose folder is) no stretchtui writes: read it without writing.
    read_only = read_only_place(db_path, file_status(db_path)) is not None
    with DatabaseLock(db_path).acquire_shared(create=not read_only):
        try:
            sqlite_backup(db_path, target, read_only=read_only)
        except (OSError, sqlite3.Error, StoreError) as error:
            if isinstance(error, DiskFull) or not (is_disk_full(error) or is_full_message(str(error))):
                raise
            raise DiskFull(target.parent, f"(the backup {target.name} was not made; {db_path} is untouched)") from error
    return target


def manual_backup(db_path: Path, clock: Clock, output: Path | None = None) -> Path:
    """`stretchtui backup`: to `output` (which must not exist yet) or a new file in backups/."""
    _require_database(db_path)
    if output is None:
        return backup_database(db_path, new_backup_path(db_path, MANUAL, clock.now()))
    output = output.expanduser()
    if output.exists() or output.is_symlink():
        raise UserError(f"--output: {output} exists already; give the name of a new file")
    if not output.parent.is_dir():
        raise UserError(f"--output: the directory {output.parent} does not exist")
    return backup_database(db_path, output)


def daily_backup(db_path: Path, clock: Clock, day_start_hour: int) -> Path | None:
    """The automatic backup: made at the first call of each logical day, only from a database that
    passes quick_check; then the daily backups beyond the last 7 days and 4 weeks are removed.
    Returns the new file, or None when today's backup exists already."""
    zone, now = clock.zone, clock.now()
    current = today(clock, day_start_hour)
    dailies = [(name, path) for name, path in list_backups(db_path, now) if name.kind == DAILY]
    made = None
    if not any(
        logical_day(name.made_at, zone, day_start_hour) == current and not is_suspect(name, now) for name, _ in dailies
    ):
        _remove_stale_temporaries(backup_dir(db_path))
        result = run_check(db_path, alone=False)
        if result != "ok":
            raise DatabaseDamaged(db_path, result, latest_good_backup(db_path, now), zone)
        made = backup_database(db_path, new_backup_path(db_path, DAILY, clock.now()))
        name = parse_backup_name(made.name)
        assert name is not None
        dailies.append((name, made))
    keep = backups_to_keep(
        [(name, logical_day(name.made_at, zone, day_start_hour)) for name, _ in dailies], today=current
    )
    for name, path in dailies:
        if name not in keep:
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                raise StoreError(f"cannot remove the old backup {path}: {error.strerror}") from None
    return made


def _remove_stale_temporaries(directory: Path) -> None:
    """Temporary copies left by a backup that was killed (named `<file>.<pid>.tmp`)."""
    horizon = time.time() - STALE_TMP_SECONDS
    for leftover in directory.glob("*.tmp"):
        if parse_backup_name(leftover.name) is not None:
            continue  # a backup of a database whose name ends in .tmp
        try:
            if leftover.stat().st_mtime < horizon:
                leftover.unlink()
        except OSError:
            pass  # gone meanwhile, or not ours to remove: harmless either way


# ---------------------------------------------------------------------- restore


@dataclass(frozen=True)
class Restored:
    source: Path
    schema_version: int
    kept: Path | None  # where the replaced database was saved; None when there was none


def restore(db_path: Path, candidate: Path, clock: Clock) -> Restored:
    """Replace the database with a checked copy of `candidate`, keeping the replaced one in backups/.

    Refused, with nothing changed, when the candidate is unfit (UserError), the database path is
    not a regular file or is read-only (it, or its folder: the user's choice is kept), or any
    stretchtui has the database open (StoreError): restore holds the exclusive lock throughout, so no stretchtui
    can open the file halfway. The new file is a 0600 copy renamed into place; the old -wal, -shm
    and -journal files are removed first (their content is in the kept copy), because SQLite would
    otherwise replay them onto the new file."""
    candidate = candidate.expanduser()
    if db_path.exists() and candidate.exists() and os.path.samefile(candidate, db_path):
        raise UserError(f"{candidate} is the database itself; give a backup file to restore from")
    version = restorable_version(candidate)
    read_only = read_only_place(db_path, file_status(db_path))  # refuses a device, FIFO, socket, directory
    if read_only is not None:
        raise read_only.error()
    shown = db_path
    if db_path.is_symlink():
        db_path = real_path(db_path)  # replace the real file, not the link (which keeps pointing at it)
    _ensure_directory(db_path.parent)
    with exclusive_for_restore(shown):  # under every name of the real file: refused while any is open
        staging = db_path.with_name(f"{db_path.name}.restore.{os.getpid()}.tmp")
        try:
            checked_copy(candidate, staging, read_only=True)
        except (OSError, sqlite3.Error) as error:
            if is_disk_full(error):
                raise DiskFull(db_path.parent, f"({db_path.name} was not replaced)") from error
            raise
        try:
            kept = _keep_replaced(db_path, clock)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            os.replace(staging, db_path)
        except BaseException as error:
            staging.unlink(missing_ok=True)
            if not isinstance(error, DiskFull) and is_disk_full(error):
                raise DiskFull(db_path.parent, f"({db_path.name} was not replaced)") from error
            raise
        fsync_path(db_path.parent)
    return Restored(candidate, version, kept)


def _ensure_directory(directory: Path) -> None:
    if directory.is_dir():
        return
    try:
        make_private_dirs(directory)
    except OSError as error:
        raise StoreError(f"cannot create the directory {directory}: {error.strerror}") from None


def _keep_replaced(db_path: Path, clock: Clock) -> Path | None:
    """Save the database about to be replaced: a checked SQLite copy when it is sound, else the raw
    bytes (and its -wal, if any) so that nothing of a damaged file is thrown away."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    if run_check(db_path) == "ok":
        target = new_backup_path(db_path, PRE_RESTORE, clock.now())
        try:
            sqlite_backup(db_path, target, read_only=True)
            return target
        except StoreError as error:
            if is_full_message(str(error)):  # the check of the copy had no room: not damage
                raise DiskFull(target.parent, f"({db_path.name} was not replaced)") from error
            # the copy failed its check: keep the raw bytes instead
    target = new_backup_path(db_path, DAMAGED, clock.now())
    _copy_private(db_path, target)
    wal = Path(f"{db_path}-wal")
    if wal.is_file() and wal.stat().st_size:
        _copy_private(wal, Path(f"{target}-wal"))
    return target


def _copy_private(source: Path, target: Path) -> None:
    """A byte-for-byte 0600 copy through a temporary file and a rename."""
    with source.open("rb") as src:
        write_private(target, lambda out: shutil.copyfileobj(src, out), binary=True)
