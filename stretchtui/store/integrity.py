"""Is a database file sound? Checked without changing it: quick_check before a store opens it
(`check_before_open`, which raises DatabaseDamaged naming the backup to restore), and whether a
file is fit to restore from (`restorable_version`).

Nothing here opens the database for writing: checks read it through a read-only (or immutable)
connection, so a damaged file stays byte for byte as it was. A check the full disk cut short
raises DiskFull ("no space left on <path>; nothing was lost"), never DatabaseDamaged, whose advice
(restore a backup) would throw good data away.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchtui.core.errors import UserError
from stretchtui.core.retention import is_suspect
from stretchtui.core.vocabulary import plural
from stretchtui.store.backup_files import (
    Backup,
    backup_dir,
    describe_backup,
    list_backups,
    now_utc,
    restore_command,
    suspect_backups,
)
from stretchtui.store.db import check_result
from stretchtui.store.files import APPLICATION_ID, StoreError, inspect_file, read_identity, read_only_connection
from stretchtui.store.lock import DatabaseLock, DiskFull
from stretchtui.store.storage_errors import is_disk_full, is_full_message


def run_check(path: Path, pragma: str = "quick_check", *, alone: bool = True) -> str:
    """'ok' or SQLite's first complaint, read without changing the file (see read_only_connection).
    A check the disk had no room for (SQLITE_FULL, ENOSPC) found nothing wrong with the file: it
    raises DiskFull instead of returning a complaint that would be taken for damage."""
    try:
        conn = read_only_connection(path, alone=alone)
    except sqlite3.Error as error:
        _raise_if_full(error, path)
        return str(error)
    try:
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the errors of opening, raised
        except sqlite3.Error as error:
            _raise_if_full(error, path)
        result = check_result(conn, pragma)
    finally:
        conn.close()
    if result != "ok" and is_full_message(result):
        raise DiskFull(Path(os.path.abspath(path)).parent, f"(checking {Path(path).name} could not finish)")
    return result


def _raise_if_full(error: BaseException, path: Path) -> None:
    if is_disk_full(error):
        raise DiskFull(Path(os.path.abspath(path)).parent) from error


def latest_good_backup(db_path: Path, now: datetime | None = None) -> Backup | None:
    """The newest backup of this database that is a sound stretchtui file this version can open.
    Never a suspect one (named after `now`: made while the clock ran ahead, see list_backups)."""
    now = now or now_utc()
    for name, path in list_backups(db_path, now):
        if is_suspect(name, now):
            break  # they come last
        try:
            restorable_version(path)
        except (UserError, StoreError):
            continue
        return name, path
    return None


class DatabaseDamaged(StoreError):
    """The database failed quick_check; nothing was written to it. Says which backup to restore."""

    def __init__(self, path: Path, detail: str, backup: Backup | None, zone: ZoneInfo) -> None:
        self.path = path = Path(os.path.abspath(path))
        self.detail = detail
        self.backup = backup
        self.backup_when = describe_backup(backup[0], zone) if backup else ""
        self.problem = f"{path} is damaged (quick_check: {detail}); nothing was written to it"
        if backup:
            self.remedy = (
                f"restore the latest good backup, from {self.backup_when}, with: {restore_command(path, backup[1])}"
            )
        else:
            self.remedy = no_backup_advice(path)
        super().__init__(f"{self.problem}. To fix it, {self.remedy}")


def no_backup_advice(db_path: Path, now: datetime | None = None) -> str:
    advice = (
        f"there is no good backup in {backup_dir(db_path)}; keep a copy of the damaged file and try "
        f"recovering it with: sqlite3 {shlex.quote(str(db_path))} .recover | sqlite3 recovered.db"
    )
    try:
        suspect = suspect_backups(db_path, now)
    except StoreError:
        suspect = []
    if suspect:
        advice += (
            f" ({plural(len(suspect), 'backup')} there with a date later than now, "
            f"made while the clock ran ahead; look at {suspect[0][1]} before restoring it)"
        )
    return advice


def check_before_open(
    path: Path, lock: DatabaseLock, zone: ZoneInfo, now: datetime | None = None, *, read_only: bool = False
) -> None:
    """quick_check an existing database before anything writes to it; raise DatabaseDamaged if it
    fails. When no other stretchtui has it open (the exclusive lock is free, and held during the
    check), it is read as immutable: no -wal or -shm file is created next to a damaged file.
    Otherwise it is read with SQLite's locking, after waiting out a restore that may be swapping it.
    Creates no file: the lock file is made later, once the database has passed every check.
    `read_only`: a read-only file with no -wal, which nothing writes: always read as immutable.
    A check the full disk cut short raises DiskFull, not DatabaseDamaged."""
    alone = read_only or lock.try_exclusive(create=False)
    if not alone:
        lock.acquire_shared()
    result = run_check(path, alone=alone)
    if result != "ok":
        raise DatabaseDamaged(path, result, latest_good_backup(path, now), zone)


def restorable_version(candidate: Path) -> int:
    """The schema version of a file fit to restore from; a UserError (one line) says why it is not:
    missing, not SQLite, not stretchtui's, written by a newer version, or failing integrity_check."""
    if not candidate.exists():
        raise UserError(f"{candidate} does not exist")
    if not candidate.is_file():
        raise UserError(f"{candidate} is not a file")
    try:
        header = inspect_file(candidate)  # the same header check the store makes before opening
    except StoreError as error:
        raise UserError(str(error).removesuffix("; it was left untouched")) from None
    if header.empty:
        raise UserError(f"{candidate} is empty, not a stretchtui backup")
    try:
        version, application_id, _ = read_identity(candidate)
    except sqlite3.DatabaseError as error:
        raise UserError(f"{candidate} cannot be read as a database ({error})") from None
    from stretchtui.store.migrations import LATEST_VERSION

    if application_id != APPLICATION_ID or version == 0:
        raise UserError(f"{candidate} is an SQLite database, but not a stretchtui one")
    if version > LATEST_VERSION:
        raise UserError(
            f"{candidate} was written by a newer stretchtui (schema version {version}; this one "
            f"knows up to {LATEST_VERSION}): upgrade stretchtui to restore it"
        )
    result = run_check(candidate, "integrity_check")
    if result != "ok":
        raise UserError(f"{candidate} is damaged (integrity_check: {result}); choose another backup")
    return version
