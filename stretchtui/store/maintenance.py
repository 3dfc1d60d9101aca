"""Keeping the database file safe: backups, restore, and the check before a store opens it.

Backups live in `backups/` beside the database's real file (symlinks resolved), named by
`core.retention` (the database's file name, kind and UTC time), and are written through SQLite's
online backup API: a temporary 0600 file, checked with integrity_check, renamed into place. A
backup belongs to the database whose full file name it carries: `x.db` and `x.sqlite` in one folder
never list, prune or advise each other's backups. Nothing here opens the database for writing:
checks read it through a read-only (or immutable) connection, so a damaged file stays byte for
byte as it was. A full disk is never taken for damage: it raises DiskFull ("no space left on
<path>; nothing was lost"), never DatabaseDamaged, whose advice (restore a backup) would throw good
data away. `stretchtui doctor`'s checks are in `store.doctor`.
"""

from __future__ import annotations

import errno
import os
import shlex
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchtui.core.clock import Clock
from stretchtui.core.days import logical_day, today
from stretchtui.core.errors import UserError
from stretchtui.core.retention import (
    DAILY,
    DAMAGED,
    MANUAL,
    PRE_RESTORE,
    BackupName,
    backup_name,
    backups_to_keep,
    is_suspect,
    owner_parts,
    parse_backup_name,
)
from stretchtui.core.vocabulary import plural
from stretchtui.store.db import (
    APPLICATION_ID,
    StoreError,
    check_result,
    checked_copy,
    fsync_path,
    inspect_file,
    read_identity,
    read_only_connection,
    sqlite_backup,
)
from stretchtui.store.files import file_status, make_private_dirs, read_only_place, write_private
from stretchtui.store.location import resolve_db_path
from stretchtui.store.lock import DatabaseLock, DiskFull, exclusive_for_restore, is_no_space, real_path

BACKUP_DIR_NAME = "backups"
STALE_TMP_SECONDS = 3600  # a temporary file this old belongs to a backup that was killed

Backup = tuple[BackupName, Path]


# ---------------------------------------------------------------------- the backups directory


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


# ---------------------------------------------------------------------- checks


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


def suspect_backups(db_path: Path, now: datetime | None = None) -> list[Backup]:
    """The backups whose names say they were made after `now` (the clock ran ahead), newest file first."""
    now = now or now_utc()
    return [backup for backup in list_backups(db_path, now) if is_suspect(backup[0], now)]


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


# ---------------------------------------------------------------------- backups


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


# ---------------------------------------------------------------------- storage failures


def describe_storage_failure(error: BaseException) -> str | None:
    """One line for a write the disk refused (full, quota, I/O error, busy), or None for any other error.
    Every write is one transaction and every file is written to a temporary name first, so when this
    happens, nothing of the failed change is kept. Looks through the errors raised while handling it."""
    return next((message for cause in _chain(error) if (message := _storage_failure(cause)) is not None), None)


def _storage_failure(error: BaseException) -> str | None:
    if isinstance(error, DiskFull):
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
