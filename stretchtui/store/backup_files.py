"""Where a database's backups live and which of them are its own, found without opening any.

Backups live in `backups/` beside the database's real file (symlinks resolved), named by
`core.retention` (the database's file name, kind and UTC time). A backup belongs to the database
whose full file name it carries: `x.db` and `x.sqlite` in one folder never list, prune or advise
each other's backups. Apart from maintenance.py (which makes and restores backups) so that the
checks, `doctor` and the output guard can name and list backups with no peewee.
"""

from __future__ import annotations

import os
import shlex
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchtui.core.retention import BackupName, backup_name, is_suspect, owner_parts, parse_backup_name
from stretchtui.store.files import StoreError
from stretchtui.store.location import resolve_db_path
from stretchtui.store.lock import DiskFull, is_no_space, real_path
from stretchtui.store.private_files import make_private_dirs

BACKUP_DIR_NAME = "backups"

Backup = tuple[BackupName, Path]


def backup_dir(db_path: Path, *, create: bool = False) -> Path:
    """`backups/` beside the database's real file: a symlink to the database shares its backups."""
    directory = _real_parent(db_path) / BACKUP_DIR_NAME
    if create and not directory.is_dir():
        try:
            make_private_dirs(directory)  # 0700 whatever the umask; one made meanwhile is left as it is
        except OSError as error:
            if is_no_space(error):
                raise DiskFull(directory.parent, "(the backup directory could not be made)") from error
            raise StoreError(f"cannot create the backup directory {directory}: {error.strerror}") from None
    return directory


def _real_parent(db_path: Path) -> Path:
    """The directory of the database's real file; the path as given when it is not a symlink, so
    that messages keep the user's own spelling of it."""
    db_path = Path(db_path)
    if db_path.is_symlink() or any(parent.is_symlink() for parent in db_path.parents):
        return real_path(db_path).parent
    return db_path.parent


def owner_name(db_path: Path) -> str:
    """The file name a backup of this database carries: that of the real file (symlinks resolved)."""
    db_path = Path(db_path)
    return real_path(db_path).name if db_path.is_symlink() else db_path.name


def now_utc() -> datetime:
    return datetime.now(UTC)


def list_backups(db_path: Path, now: datetime | None = None) -> list[Backup]:
    """This database's backups, newest first; other files, and other databases' backups, are
    ignored. A backup is this database's when the name it carries is the database's full file name
    (`x.db`'s, never `x.sqlite`'s). Suspect backups, whose names say they were made after `now`
    (the wall clock by default; the clock ran ahead), come last, newest file time first."""
    directory = backup_dir(db_path)
    try:
        entries = list(directory.iterdir())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise StoreError(f"cannot read the backup directory {directory}: {error.strerror}") from None
    owner = owner_name(db_path)
    found = []
    for entry in entries:
        name = parse_backup_name(entry.name)
        if name is not None and name.owner == owner and entry.is_file():
            found.append((name, entry))
    now = now or now_utc()
    trusted = sorted((backup for backup in found if not is_suspect(backup[0], now)), reverse=True)
    suspect = sorted(
        (backup for backup in found if is_suspect(backup[0], now)),
        key=lambda backup: (_mtime(backup[1]), backup[0]),
        reverse=True,
    )
    return trusted + suspect


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def new_backup_path(db_path: Path, kind: str, instant: datetime) -> Path:
    """A free file name in the backups directory (created 0700 if needed) for a backup made now."""
    directory = backup_dir(db_path, create=True)
    stem, suffix = owner_parts(owner_name(db_path))
    counter = 1
    while True:
        path = directory / backup_name(stem, kind, instant, counter, suffix).file_name
        if not path.exists():
            return path
        counter += 1


def describe_backup(name: BackupName, zone: ZoneInfo) -> str:
    return name.made_at.astimezone(zone).strftime("%a %d %b %Y %H:%M")


def restore_command(db_path: Path, backup: Path) -> str:
    """The exact command that restores `backup` over `db_path` (with --db when not the default)."""
    words = ["stretchtui"]
    if Path(os.path.abspath(db_path)) != Path(os.path.abspath(resolve_db_path(None))):
        words += ["--db", str(db_path)]
    return shlex.join([*words, "restore", str(backup)])


def suspect_backups(db_path: Path, now: datetime | None = None) -> list[Backup]:
    """The backups whose names say they were made after `now` (the clock ran ahead), newest file first."""
    now = now or now_utc()
    return [backup for backup in list_backups(db_path, now) if is_suspect(backup[0], now)]
