"""Issue 15: the lock belongs to the real file, a backup to exactly one database, future-dated
backups are suspect, and a full disk is a full disk (never "damaged, restore a backup")."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from storage_helpers import flip_page_type, tree, user_rows

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.retention import DAILY, backup_name, backups_to_keep, owner_parts, parse_backup_name
from stretchtui.store import Store, StoreError, backup_files, integrity, maintenance, storage_errors
from stretchtui.store.lock import DatabaseLock, DiskFull, lock_path

UTC = UTC


def fill(store: Store, count: int = 3, note: str = "n") -> None:
    for n in range(count):
        store.checkins.add_checkin(
            [PainEntry(Region.LOWER_BACK, n % 10), PainEntry(Region.NECK, n % 10 + 1)], note=f"{note}{n}"
        )


def without_locks(files: dict[str, str]) -> dict[str, str]:
    """A tree minus lock files: restore may make the lock file of a name it checks (never removed)."""
    return {name: value for name, value in files.items() if not name.endswith(".lock")}


def notes(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT note FROM checkin ORDER BY id")]
    finally:
        conn.close()


# ---------------------------------------------------------------------- 1: the lock is the real file's

HOLDER = """
import sys
from pathlib import Path
from stretchtui.core.clock import SystemClock
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.store import Store

store = Store.open(Path(sys.argv[1]), SystemClock())
print("ready", flush=True)
sys.stdin.readline()  # hold the database open until told to write
store.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="written by the holder")
store.close()
print("done", flush=True)
"""


@contextmanager
def holder(name: str, cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the database open (a Store, as the app has it) under `name`."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, name],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert child.stdout.readline() == "ready\n"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(15)
        child.stdin.close()
        child.stdout.close()


def finish(child: subprocess.Popen[str]) -> None:
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.stdout.readline() == "done\n"
    assert child.wait(15) == 0


@pytest.fixture
def saved(db_path: Path, clock: FrozenClock, tmp_path: Path) -> Path:
    """The database (three check-ins) and a backup of it outside its folder."""
    store = Store.open(db_path, clock)
    fill(store)
    store.close()
    target = tmp_path / "saved.db"
    maintenance.manual_backup(db_path, clock, target)
    return target


def other_name(kind: str, db_path: Path) -> tuple[str, str, Path]:
    """(name the holder opens, name restore is given, the holder's working directory)."""
    folder = db_path.parent
    if kind == "symlink-held":  # the app runs on a symlink, restore is given the real file
        (folder / "link.db").symlink_to(db_path.name)
        return str(folder / "link.db"), str(db_path), folder
    if kind == "symlink-restored":  # the app runs on the real file, restore is given a symlink
        (folder / "link.db").symlink_to(db_path)
        return str(db_path), str(folder / "link.db"), folder
    if kind == "symlinked-directory":
        (folder.parent / "elsewhere").symlink_to(folder, target_is_directory=True)
        return str(folder.parent / "elsewhere" / db_path.name), str(db_path), folder
    if kind == "hard-link-held":
        os.link(db_path, folder / "hard.db")
        return str(folder / "hard.db"), str(db_path), folder
    if kind == "hard-link-restored":
        os.link(db_path, folder / "hard.db")
        return str(db_path), str(folder / "hard.db"), folder
    if kind == "relative":
        return f"./{db_path.name}", str(db_path), folder
    raise AssertionError(kind)


NAMINGS = [
    "symlink-held",
    "symlink-restored",
    "symlinked-directory",
    "hard-link-held",
    "hard-link-restored",
    "relative",
]


@pytest.mark.slow  # another process holds the database
@pytest.mark.parametrize("kind", NAMINGS)
def test_restore_refuses_while_the_database_is_open_under_another_name(
    kind: str, db_path: Path, saved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held, given, cwd = other_name(kind, db_path)
    with holder(held, cwd) as child:
        before = tree(db_path.parent)
        assert main(["--db", given, "restore", str(saved)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"stretchtui: stretchtui has {given} open") and "Nothing was changed" in err
        assert err.count("\n") == 1
        assert without_locks(tree(db_path.parent)) == without_locks(before), "nothing replaced, kept or staged"
        finish(child)  # the holder's later write lands in the file everyone sees, not in a deleted one
    assert notes(Path(given))[-1] == "written by the holder" == notes(db_path)[-1]
    assert main(["--db", given, "restore", str(saved)]) == 0  # nobody has it open: allowed
    assert notes(Path(cwd, given)) == ["n0", "n1", "n2"]  # (a hard link's other name keeps the file it had)


@pytest.mark.parametrize("kind", ["symlink-held", "symlink-restored", "symlinked-directory", "relative"])
def test_every_name_of_one_file_locks_one_lock_file(kind: str, db_path: Path, saved: Path) -> None:
    held, given, cwd = other_name(kind, db_path)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        assert lock_path(Path(held)) == lock_path(Path(given)) == db_path.with_name("stretchtui.db.lock")
        with DatabaseLock(Path(held)) as shared:
            assert shared.try_shared()
            with DatabaseLock(Path(given)) as other:
                assert not other.try_exclusive()
    finally:
        os.chdir(old)


def test_restore_through_a_symlink_replaces_the_real_file_and_keeps_the_link(
    db_path: Path, saved: Path, clock: FrozenClock
) -> None:
    link = db_path.parent / "link.db"
    link.symlink_to(db_path.name)
    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.LEG, 9)], note="after the backup")
    store.close()
    result = maintenance.restore(link, saved, clock)
    assert link.is_symlink() and notes(db_path) == notes(link) == ["n0", "n1", "n2"]
    assert result.kept is not None and result.kept.parent == db_path.parent / "backups"
    assert "after the backup" in notes(result.kept)


def test_a_hard_link_from_another_directory_makes_restore_refuse(
    db_path: Path, saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """restore cannot see which names a file has elsewhere, nor whether one of them is open."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.link(db_path, elsewhere / "copy.db")
    before = tree(db_path.parent)
    assert main(["--db", str(db_path), "restore", str(saved)]) == 1
    assert "has another name (a hard link) in another directory" in capsys.readouterr().err
    assert tree(db_path.parent) == before
    (elsewhere / "copy.db").unlink()
    assert main(["--db", str(db_path), "restore", str(saved)]) == 0


# ---------------------------------------------------------------------- 2: a backup has one owner


def test_backup_names_carry_the_whole_file_name() -> None:
    made = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    for database, file_name in [
        ("stretchtui.db", "stretchtui-daily-20261121T083000Z.db"),
        ("x.sqlite", "x-daily-20261121T083000Z.sqlite"),
        ("x.sqlite.db", "x.sqlite-daily-20261121T083000Z.db"),
        ("x", "x-daily-20261121T083000Z"),
    ]:
        stem, suffix = owner_parts(database)
        name = backup_name(stem, DAILY, made, suffix=suffix)
        assert name.file_name == file_name
        assert parse_backup_name(file_name) == name and name.owner == database
    assert parse_backup_name("x-damaged-20261121T083000Z.db-wal") is None  # the kept -wal of a damaged file


@pytest.fixture
def twins(tmp_path: Path, clock: FrozenClock) -> tuple[Path, Path]:
    """`x.db` and `x.sqlite` side by side, each with its own data."""
    folder = tmp_path / "twins"
    first, second = folder / "x.db", folder / "x.sqlite"
    for path, note in ((first, "db"), (second, "sqlite")):
        store = Store.open(path, clock)
        fill(store, 30, note)
        store.close()
    return first, second


def test_two_databases_with_one_stem_never_share_backups(twins: tuple[Path, Path], clock: FrozenClock) -> None:
    first, second = twins
    maintenance.daily_backup(second, clock, 4)
    maintenance.manual_backup(second, clock)
    start = clock.instant
    for day in range(40):  # x.db is used every day for 40 days; x.sqlite's backups are older
        clock.instant = start + timedelta(days=day, hours=1)
        maintenance.daily_backup(first, clock, 4)
    mine = backup_files.list_backups(first, clock.now())
    theirs = backup_files.list_backups(second, clock.now())
    assert {path.suffix for _, path in mine} == {".db"} and 7 <= len(mine) <= 7 + 4
    assert {path.suffix for _, path in theirs} == {".sqlite"} and [n.kind for n, _ in theirs] == ["manual", "daily"]
    assert all(notes(path)[0] == "sqlite0" for _, path in theirs), "pruning x.db left x.sqlite's backups alone"
    assert integrity.latest_good_backup(second, clock.now())[1] == theirs[0][1]


def test_the_restore_advice_names_this_databases_backup(twins: tuple[Path, Path], clock: FrozenClock) -> None:
    first, second = twins
    maintenance.daily_backup(second, clock, 4)
    clock.advance(3600)
    newer = maintenance.manual_backup(first, clock)  # x.db's is newer, and sound
    flip_page_type(second)
    with pytest.raises(integrity.DatabaseDamaged) as caught:
        Store.open(second, clock)
    assert caught.value.backup is not None
    advised = caught.value.backup[1]
    assert advised != newer and advised.name.endswith(".sqlite") and notes(advised)[0] == "sqlite0"
    assert str(advised) in str(caught.value)


def test_a_symlink_shares_the_real_files_backups(db_path: Path, clock: FrozenClock, tmp_path: Path) -> None:
    Store.open(db_path, clock).close()
    other = tmp_path / "other"
    other.mkdir()
    link = other / "mine.db"
    link.symlink_to(db_path)
    made = maintenance.manual_backup(link, clock)
    assert made.parent == db_path.parent / "backups" and made.name.startswith("stretchtui-manual-")
    assert backup_files.list_backups(db_path) == backup_files.list_backups(link)
    assert not (other / "backups").exists()


def test_a_database_named_tmp_keeps_its_backups(tmp_path: Path, clock: FrozenClock) -> None:
    """The stale-temporary clean-up removes `*.tmp` files an hour old, but never a backup."""
    path = tmp_path / "data" / "work.tmp"
    Store.open(path, clock).close()
    made = maintenance.manual_backup(path, clock)
    assert made.name == "work-manual-20261121T083000Z.tmp"
    os.utime(made, (1, 1))
    assert maintenance.daily_backup(path, clock, 4) is not None
    assert made.exists()


# ---------------------------------------------------------------------- 3: a clock that ran ahead

SAT = date(2026, 11, 21)


def test_future_days_take_no_place_of_real_ones() -> None:
    future = [SAT + timedelta(days=300 + n) for n in range(10)]
    real = [SAT - timedelta(days=n) for n in range(3)]
    keep = backups_to_keep([(d, d) for d in future + real], today=SAT)
    assert set(real) <= keep, "a real backup is never pruned for a future-dated one"
    assert keep - set(real) == set(sorted(future)[-4:]), "the free daily places keep the newest suspect ones"
    many = [SAT - timedelta(days=n) for n in range(40)]
    keep = backups_to_keep([(d, d) for d in future + many], today=SAT)
    assert not keep & set(future), "with a week of real backups, the future-dated ones are all pruned"
    assert keep == backups_to_keep([(d, d) for d in many])


def test_the_daily_backup_recovers_from_a_clock_that_ran_a_year_ahead(
    db_path: Path, store: Store, clock: FrozenClock
) -> None:
    real = clock.instant
    for day in range(9):  # nine launches while the clock said next year
        clock.instant = real + timedelta(days=365 + day)
        store.backup_daily()
    clock.instant = real  # the clock is set right
    made = store.backup_daily()
    assert made is not None and made.exists(), "today's backup is kept, not pruned at once"
    assert integrity.latest_good_backup(db_path, clock.now())[1] == made
    listed = backup_files.list_backups(db_path, clock.now())
    assert listed[0][1] == made, "the future-dated ones come after it"
    for day in range(1, 8):
        clock.instant = real + timedelta(days=day)
        store.backup_daily()
    names = [name for name, _ in backup_files.list_backups(db_path, clock.now())]
    assert len(names) == 7 and all(name.made_at <= clock.now() for name in names), "not kept forever"


def test_a_future_dated_backup_is_never_the_latest_good_one(db_path: Path, clock: FrozenClock) -> None:
    store = Store.open(db_path, clock)
    fill(store, 30)
    good = store.backup_daily()
    store.close()
    ahead = db_path.parent / "backups" / "stretchtui-manual-20990101T000000Z.db"
    shutil.copy(good, ahead)  # made by a clock that said 2099
    os.chmod(ahead, 0o600)
    flip_page_type(db_path)
    with pytest.raises(integrity.DatabaseDamaged) as caught:
        Store.open(db_path, clock)  # the check at open compares with the real time
    assert caught.value.backup[1] == good and "20990101" not in str(caught.value)
    good.unlink()
    with pytest.raises(integrity.DatabaseDamaged) as caught:
        Store.open(db_path, clock)
    assert caught.value.backup is None and "no good backup" in str(caught.value)
    assert "later than now" in str(caught.value) and str(ahead) in str(caught.value)


# ---------------------------------------------------------------------- 4: a full disk is not damage


def sqlite_full(message: str = "database or disk is full") -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = 13  # SQLITE_FULL
    return error


def is_full_disk_message(err: str, where: Path) -> bool:
    return (
        f"no space left on {where}" in err
        and "nothing was lost" in err
        and "damaged" not in err
        and "restore" not in err
    )


@pytest.fixture
def filled(db_path: Path, clock: FrozenClock) -> Path:
    store = Store.open(db_path, clock)
    fill(store, 5)
    store.backup_daily()
    store.close()
    return db_path


OPEN_FAILURES: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "connect": lambda mp: mp.setattr(
        integrity, "read_only_connection", lambda *a, **k: (_ for _ in ()).throw(sqlite_full())
    ),
    "quick_check": lambda mp: mp.setattr(integrity, "check_result", lambda conn, pragma="": "database or disk is full"),
}


@pytest.mark.parametrize("where", sorted(OPEN_FAILURES))
def test_a_full_disk_at_open_is_not_called_damage(
    where: str, filled: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    OPEN_FAILURES[where](monkeypatch)
    before = tree(filled.parent)
    assert main(["--db", str(filled)]) == 1  # the app, without a terminal: no restore offer
    err = capsys.readouterr().err
    assert is_full_disk_message(err, filled.parent) and err.count("\n") == 1, err
    assert tree(filled.parent) == before


def test_no_room_for_the_lock_file_is_a_full_disk(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtui.store import lock

    real_open = os.open

    def no_space(path, flags, mode=0o777, **kw):
        if str(path).endswith(".lock") and flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(lock.os, "open", no_space)
    with pytest.raises(DiskFull, match=f"no space left on {db_path.parent}; nothing was lost"):
        Store.open(db_path, clock)


def test_a_full_disk_during_a_backup_leaves_nothing_and_says_so(
    filled: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC injected where the copy is flushed to disk (os.fsync of the temporary file)."""

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = tree(filled.parent)
    monkeypatch.setattr(os, "fsync", no_space)
    assert main(["--db", str(filled), "backup"]) == 1
    err = capsys.readouterr().err
    assert is_full_disk_message(err, filled.parent / "backups") and err.count("\n") == 1, err
    assert tree(filled.parent) == before, "no backup, no temporary file, the database untouched"


def test_a_full_disk_while_checking_the_copy_is_not_a_failed_check(
    filled: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtui.store import db

    monkeypatch.setattr(db, "check_result", lambda conn, pragma="": "database or disk is full")
    with pytest.raises(DiskFull, match="no space left on .*backups; nothing was lost"):
        maintenance.manual_backup(filled, clock)


def test_a_full_disk_at_the_daily_check_is_not_damage(
    filled: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.advance(86400)
    monkeypatch.setattr(integrity, "check_result", lambda conn, pragma="": "database or disk is full")
    with pytest.raises(DiskFull) as caught:
        maintenance.daily_backup(filled, clock, 4)
    assert not isinstance(caught.value, integrity.DatabaseDamaged)


def test_a_full_disk_during_restore_changes_nothing(
    filled: Path, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = maintenance.manual_backup(filled, clock, tmp_path / "saved.db")
    before = tree(filled.parent)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))
    with pytest.raises(DiskFull, match="was not replaced"):
        maintenance.restore(filled, saved, clock)
    assert tree(filled.parent) == before


def test_a_real_sqlite_full_at_write_is_a_full_disk(db_path: Path, store: Store) -> None:
    """SQLITE_FULL from SQLite itself: the file may not grow past its current page count."""
    fill(store)
    before = user_rows(db_path)
    pages = store.db.execute_sql("PRAGMA page_count").fetchone()[0]
    store.db.execute_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(Exception) as caught:  # peewee's OperationalError, raised while handling SQLite's
        store.settings.set("probe", "x" * 200_000)  # (a note is limited to 500 characters)
    original = caught.value.__context__ or caught.value
    assert isinstance(original, sqlite3.OperationalError) and original.sqlite_errorcode & 0xFF == 13
    assert store.describe_failure(caught.value) == "the disk is full: nothing was saved; free some space and try again"
    assert storage_errors.is_disk_full(caught.value)
    assert user_rows(db_path) == before


def test_sqlite_full_counts_by_its_code_and_a_disk_full_error_says_where() -> None:
    assert storage_errors.describe_storage_failure(sqlite_full("some other wording")).startswith("the disk is full")
    error = DiskFull(Path("/data"))
    assert storage_errors.describe_storage_failure(error) == str(error)
    assert str(error) == "no space left on /data; nothing was lost. Free some space and try again"
    assert isinstance(error, StoreError) and not isinstance(error, integrity.DatabaseDamaged)
