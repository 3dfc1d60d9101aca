"""`stretchtui doctor`: check the database file and its surroundings without changing them.

Opens the database read-only (immutable when no stretchtui has it open), creates no file, not even
the database when it is missing. Besides SQLite's own checks, every stored value is read once
(store/row_values.py): a time that does not parse or text that is not UTF-8 is named by table,
record and field. Only `--fix` changes anything: file modes to 0600, stretchtui's own directories
to 0700, never through a symbolic link (a symlinked backups/ is named and left alone).

This module checks the database itself, its file system (store.mounts) and its backups, and puts
the lines together; who else can read its files is store.doctor_privacy's to check and fix.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace
from pathlib import Path

from stretchtui.core.clock import Clock
from stretchtui.core.vocabulary import plural
from stretchtui.store.backup_files import backup_dir, describe_backup, list_backups, restore_command
from stretchtui.store.db import (
    APPLICATION_ID,
    SQLITE_MAGIC,
    StoreError,
    read_identity,
)
from stretchtui.store.doctor_check import OK, PROBLEM, WARN, Check
from stretchtui.store.doctor_privacy import mode_checks, sync_folder_checks
from stretchtui.store.integrity import latest_good_backup, no_backup_advice, run_check
from stretchtui.store.lock import DatabaseLock
from stretchtui.store.mounts import network_filesystem

BACKUP_WARN_DAYS = 8  # the daily backup runs at each day's first launch: older means the app is not used


def doctor(db_path: Path, clock: Clock, *, fix: bool = False, mounts: Path = Path("/proc/mounts")) -> list[Check]:
    """Check the database and its surroundings without opening it for writing or creating it.
    With `fix`, make files 0600 and stretchtui's directories 0700 (nothing else is changed)."""
    checks = _database_checks(db_path)
    checks += mode_checks(db_path, fix)
    checks += sync_folder_checks(db_path, fix)
    checks.append(_network_check(db_path, mounts))
    checks.append(_backup_age_check(db_path, clock))
    return checks


def _database_checks(db_path: Path) -> list[Check]:
    from stretchtui.store.migrations import LATEST_VERSION

    if not db_path.exists():
        return [
            Check(
                PROBLEM,
                "database",
                f"there is no database at {db_path}",
                "run stretchtui once to create it, or restore a backup with: stretchtui restore FILE",
            )
        ]
    if not db_path.is_file():
        return [Check(PROBLEM, "database", f"{db_path} is not a file", "give the database file's path with --db")]
    size = db_path.stat().st_size
    with db_path.open("rb") as handle:
        header = handle.read(100)
    if size == 0:
        return [Check(WARN, "database", f"{db_path} is empty", "run stretchtui once to set it up")]
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return [
            Check(
                PROBLEM,
                "database",
                f"{db_path} is not an SQLite file",
                "point --db at your stretchtui database, or restore a backup with: stretchtui restore FILE",
            )
        ]
    checks = [Check(OK, "database", f"{db_path} ({size / 1e6:.1f} MB)")]
    alone = DatabaseLock(db_path)
    try:
        is_alone = alone.try_exclusive(create=False)  # the doctor creates no file, not even the lock file
    except StoreError:
        is_alone = False  # the lock file cannot be read: read with SQLite's locking instead
    try:
        try:
            version, application_id, _ = read_identity(db_path, alone=is_alone)
        except sqlite3.DatabaseError as error:
            version, application_id = None, None
            checks.append(Check(PROBLEM, "schema", f"cannot be read ({error})", _restore_advice(db_path)))
        if application_id is not None:
            if application_id not in (0, APPLICATION_ID) or (version and application_id != APPLICATION_ID):
                checks.append(
                    Check(
                        PROBLEM,
                        "schema",
                        "an SQLite database, but not a stretchtui one",
                        "point --db at your stretchtui database",
                    )
                )
            elif version > LATEST_VERSION:
                checks.append(
                    Check(
                        PROBLEM,
                        "schema",
                        f"version {version}, written by a newer stretchtui (this one knows up to {LATEST_VERSION})",
                        "upgrade stretchtui",
                    )
                )
            elif version < LATEST_VERSION:
                checks.append(
                    Check(
                        WARN,
                        "schema",
                        f"version {version}, older than this stretchtui's {LATEST_VERSION}",
                        "start stretchtui once: it upgrades the file after saving a copy in backups/",
                    )
                )
            else:
                checks.append(Check(OK, "schema", f"version {version} (current)"))
        quick = run_check(db_path, "quick_check", alone=is_alone)
        if quick == "ok":
            checks.append(Check(OK, "quick_check", "passed"))
            full = run_check(db_path, "integrity_check", alone=is_alone)
            checks.append(
                Check(OK, "integrity_check", "passed")
                if full == "ok"
                else Check(PROBLEM, "integrity_check", full, _restore_advice(db_path))
            )
            if full == "ok" and version == LATEST_VERSION:
                checks += _value_checks(db_path, is_alone)
        else:
            checks.append(Check(PROBLEM, "quick_check", quick, _restore_advice(db_path)))
    finally:
        alone.release()
    wal_mode = header[18] == 2 and header[19] == 2
    checks.append(
        Check(OK, "journal mode", "WAL")
        if wal_mode
        else Check(
            WARN, "journal mode", "not WAL (rollback journal)", "start stretchtui once: it switches the file to WAL"
        )
    )
    return checks


MAX_NAMED = 20  # damaged records named one per line; more are counted


def _value_checks(db_path: Path, alone: bool) -> list[Check]:
    """Every stored value read once, as export reads it: the records whose values do not read."""
    from stretchtui.store.files import read_only_connection
    from stretchtui.store.row_values import damaged_records

    try:
        conn = read_only_connection(db_path, alone=alone)
        try:
            damaged = list(itertools.islice(damaged_records(conn), MAX_NAMED + 1000))
        finally:
            conn.close()
    except sqlite3.Error as error:
        return [Check(PROBLEM, "values", f"cannot be read ({error})", _restore_advice(db_path))]
    if not damaged:
        return [Check(OK, "values", "every time, day and text reads")]
    remedy = (
        "stretchtui export leaves these records out and exports the rest; a backup from before the damage "
        "may still hold them (stretchtui restore FILE)"
    )
    checks = [Check(PROBLEM, "values", record.line()) for record in damaged[:MAX_NAMED]]
    if len(damaged) > MAX_NAMED:
        more = f"{len(damaged) - MAX_NAMED}{'+' if len(damaged) == MAX_NAMED + 1000 else ''}"
        checks.append(Check(PROBLEM, "values", f"and {more} more records with values that cannot be read"))
    checks[-1] = replace(checks[-1], remedy=remedy)
    return checks


def _restore_advice(db_path: Path) -> str:
    good = latest_good_backup(db_path)
    if good is None:
        return no_backup_advice(db_path)
    return f"restore the latest good backup with: {restore_command(db_path, good[1])}"


def _network_check(db_path: Path, mounts: Path) -> Check:
    try:
        text = mounts.read_text()
    except OSError:
        return Check(OK, "file system", f"{mounts} cannot be read; file system type not checked")
    directory = db_path.parent
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    kind = network_filesystem(directory, text)
    if kind is None:
        return Check(OK, "file system", "local")
    return Check(
        WARN,
        "file system",
        f"{db_path.parent} is on a network file system ({kind}); SQLite's locking and durability are unreliable there",
        "keep the database on a local disk (--db or STRETCHTUI_DB)",
    )


def _backup_age_check(db_path: Path, clock: Clock) -> Check:
    found = list_backups(db_path)
    if not found:
        return Check(
            WARN,
            "backups",
            f"no backup in {backup_dir(db_path)}",
            "run stretchtui backup (the app also makes one each day it is opened)",
        )
    newest = found[0][0]
    age = clock.now() - newest.made_at
    when = describe_backup(newest, clock.zone)
    days = age.days
    ago = "today" if days == 0 else f"{plural(days, 'day')} ago"
    if age.days >= BACKUP_WARN_DAYS:
        return Check(
            WARN,
            "backups",
            f"the last backup is from {when}, {ago}; {len(found)} in all",
            "run stretchtui backup (the app also makes one each day it is opened)",
        )
    return Check(OK, "backups", f"the last backup is from {when} ({ago}); {len(found)} in all")
