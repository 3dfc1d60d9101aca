"""`stretchtui doctor`: check the database file and its surroundings without changing them.

Opens the database read-only (immutable when no stretchtui has it open), creates no file, not even
the database when it is missing. Besides SQLite's own checks, every stored value is read once
(store/row_values.py): a time that does not parse or text that is not UTF-8 is named by table,
record and field. Only `--fix` changes anything: file modes to 0600, stretchtui's own directories
to 0700, never through a symbolic link (a symlinked backups/ is named and left alone).
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import stat
from dataclasses import dataclass, replace
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
from stretchtui.store.files import kept_descriptor
from stretchtui.store.integrity import latest_good_backup, no_backup_advice, run_check
from stretchtui.store.location import default_data_dir
from stretchtui.store.lock import DatabaseLock, lock_path
from stretchtui.store.private_files import DIR_MODE, FILE_MODE

BACKUP_WARN_DAYS = 8  # the daily backup runs at each day's first launch: older means the app is not used
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "coda",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
    }
)


OK, WARN, PROBLEM, FIXED = "ok", "warn", "problem", "fixed"


@dataclass(frozen=True)
class Check:
    """One line of `stretchtui doctor`: how it went, what was checked, and for a problem the remedy."""

    level: str
    subject: str
    detail: str
    remedy: str = ""


def doctor(db_path: Path, clock: Clock, *, fix: bool = False, mounts: Path = Path("/proc/mounts")) -> list[Check]:
    """Check the database and its surroundings without opening it for writing or creating it.
    With `fix`, make files 0600 and stretchtui's directories 0700 (nothing else is changed)."""
    checks = _database_checks(db_path)
    checks += _mode_checks(db_path, fix)
    checks += _sync_folder_checks(db_path, fix)
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


def _mode_checks(db_path: Path, fix: bool) -> list[Check]:
    checks = []
    directory = db_path.parent
    if directory.is_dir():
        if Path(os.path.abspath(directory)) == Path(os.path.abspath(default_data_dir())):
            checks.append(_private_mode("data directory", directory, DIR_MODE, fix))
        elif stat.S_IMODE(directory.stat().st_mode) & 0o077:
            checks.append(
                Check(
                    WARN,
                    "data directory",
                    f"{directory} can be listed by others "
                    f"({stat.S_IMODE(directory.stat().st_mode):04o}); not changed, as it is not "
                    "stretchtui's own directory",
                    f"if only stretchtui uses it: chmod 700 {directory}",
                )
            )
        else:
            checks.append(Check(OK, "data directory", f"{directory} is private"))
    backups = backup_dir(db_path)
    backups_usable = backups.is_dir() and not backups.is_symlink()
    if backups.is_symlink():
        checks.append(
            Check(
                WARN,
                "backup directory",
                f"{backups} is a symbolic link (to {os.readlink(backups)}); "
                "not followed: nothing there is checked or changed",
                "keep backups/ a real folder beside the database",
            )
        )
    elif backups_usable:
        checks.append(_private_mode("backup directory", backups, DIR_MODE, fix))
    files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")] + [lock_path(db_path)]
    if backups_usable:
        from stretchtui.store.backup_files import list_backups

        files += sorted(path for _name, path in list_backups(db_path))  # this database's only
    files = [path for path in files if path.is_file() and not path.is_symlink()]
    open_to_others = [path for path in files if stat.S_IMODE(path.stat().st_mode) & 0o077]
    if not open_to_others:
        checks.append(Check(OK, "file modes", f"{plural(len(files), 'file')}, all private (0600)"))
    elif fix:
        changed = [
            path for path in open_to_others if _chmod_not_following(path, FILE_MODE, folder_too=path.parent == backups)
        ]
        checks.append(
            Check(
                FIXED,
                "file modes",
                f"made {plural(len(changed), 'file')} private: "
                + ", ".join(f"{path.name} ({stat.S_IMODE(path.stat().st_mode):04o})" for path in changed),
            )
        )
    else:
        listed = ", ".join(f"{path.name} ({stat.S_IMODE(path.stat().st_mode):04o})" for path in open_to_others)
        checks.append(
            Check(
                PROBLEM,
                "file modes",
                f"readable by others: {listed}",
                "run stretchtui doctor --fix (or chmod 600 each file)",
            )
        )
    return checks


def _sync_folder_checks(db_path: Path, fix: bool) -> list[Check]:
    """The sync folder this database syncs through (docs/sync.md), if it does: the files there
    hold the same health notes as the database, so they should be private too. Each round makes
    this machine's own private; the others' arrive as the sync tool made them."""
    from stretchtui.store.files import read_only_connection
    from stretchtui.store.private_files import tighten

    if not db_path.is_file():
        return []
    try:
        conn = read_only_connection(db_path)  # immutable unless a writer has it open (a -wal file)
        try:
            meta = dict(conn.execute("SELECT key, value FROM sync_meta WHERE key = 'folder'").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # no sync table (an older file) or unreadable: the checks above say so
    if "folder" not in meta:
        return []
    folder = Path(meta["folder"])
    if not folder.is_dir():
        return [
            Check(
                WARN,
                "sync folder",
                f"{folder} is not there (not mounted? moved?)",
                "put it back, or: stretchtui sync leave",
            )
        ]
    from stretchtui.core.sync_log import is_ignored

    found = [folder]
    for top, dirs, files in os.walk(folder):  # not into .git, .stfolder: the sync tool's own
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        found += [Path(top) / name for name in [*dirs, *sorted(f for f in files if not is_ignored(f))]]
    loose = []
    for path in found:
        if path.is_symlink() or not (path.is_dir() or path.is_file()):
            continue
        mode = DIR_MODE if path.is_dir() else FILE_MODE
        try:
            if stat.S_IMODE(path.stat().st_mode) & ~mode & 0o077:
                loose.append(path)
        except OSError:
            continue
    if not loose:
        return [Check(OK, "sync folder", f"{folder}: every file private")]
    named = ", ".join(str(path.relative_to(folder)) if path != folder else str(folder) for path in loose[:5])
    more = f" and {len(loose) - 5} more" if len(loose) > 5 else ""
    if fix:
        changed = [path for path in loose if tighten(path, DIR_MODE if path.is_dir() else FILE_MODE)]
        if len(changed) < len(loose):
            left = ", ".join(str(path.relative_to(folder)) for path in loose if path not in changed)
            return [
                Check(
                    PROBLEM,
                    "sync folder",
                    f"could not make private (not yours?): {left[:200]}",
                    "chmod them as their owner, or remove them",
                )
            ]
        return [
            Check(
                FIXED,
                "sync folder",
                f"made {plural(len(changed), 'file or folder', 'files or folders')} private: {named}{more}",
            )
        ]
    return [
        Check(
            PROBLEM,
            "sync folder",
            f"readable by others: {named}{more}",
            "run stretchtui doctor --fix (the other machines' files too; they may arrive open again: "
            "set the sync tool or umask to keep them private)",
        )
    ]


def _private_mode(subject: str, directory: Path, wanted: int, fix: bool) -> Check:
    current = stat.S_IMODE(directory.stat().st_mode)
    if not current & ~wanted:  # nothing for others (a folder the user made read-only stays so)
        return Check(OK, subject, f"{directory} is private ({current:04o})")
    if fix and _chmod_not_following(directory, wanted, directory=True):
        return Check(FIXED, subject, f"{directory} was {current:04o}, now {current & wanted:04o}")
    return Check(
        PROBLEM,
        subject,
        f"{directory} is {current:04o}, not {wanted:04o}",
        f"run stretchtui doctor --fix (or chmod {wanted:o} {directory})",
    )


def _chmod_not_following(path: Path, mode: int, *, directory: bool = False, folder_too: bool = False) -> bool:
    """Take the bits `mode` lacks away from `path` itself (never adding one: a file the user made
    read-only stays read-only), never from what a symbolic link (perhaps swapped in since it was
    looked at) points to: it is opened with O_NOFOLLOW and changed through that handle; with
    `folder_too` (a file in backups/), inside its folder opened the same way. False when it is a
    link (or gone)."""
    if (kept := kept_descriptor(path)) is not None:  # the database a store here has open: never
        os.fchmod(kept, stat.S_IMODE(os.fstat(kept).st_mode) & mode)  # close a descriptor of it
        return True
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        parent = os.open(path.parent, flags | os.O_DIRECTORY) if folder_too else None
        try:
            fd = os.open(
                path.name if parent is not None else path,
                flags | (os.O_DIRECTORY if directory else os.O_NONBLOCK),
                dir_fd=parent,
            )
        finally:
            if parent is not None:
                os.close(parent)
    except OSError:  # ELOOP: a symbolic link; ENOENT: gone
        return False
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & mode)
    finally:
        os.close(fd)
    return True


def network_filesystem(path: Path, mounts_text: str) -> str | None:
    """The file system type when `path` lies on a network file system (per /proc/mounts), else None."""
    found = filesystem_type(path, mounts_text)
    return found if found in NETWORK_FILESYSTEMS else None


def filesystem_type(path: Path, mounts_text: str) -> str | None:
    """The type of the file system `path` lies on (per /proc/mounts), None when none is listed."""
    target = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape_mount(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # the longest (and, at equal length, the latest) mount wins
            best, best_type = point, fields[2]
    return best_type or None


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), field)


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
