"""Backups (by hand and once a day), their names and rotation, and restore with its refusals."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pilot_helpers import settle
from storage_helpers import flip_page_type, mode, rows, tree, user_rows

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.retention import (
    DAILY,
    BackupName,
    backup_name,
    backups_to_keep,
    parse_backup_name,
)
from stretchtui.store import Store, StoreError, backup_files, integrity, maintenance
from stretchtui.store.db import APPLICATION_ID
from stretchtui.store.migrations import LATEST_VERSION
from stretchtui.ui.screens.today import TodayScreen

UTC = UTC


# ---------------------------------------------------------------------- names (pure)


def test_a_backup_name_reads_back() -> None:
    made = datetime(2026, 11, 21, 8, 30, 15, 999, tzinfo=UTC)
    name = backup_name("stretchtui", DAILY, made)
    assert name.file_name == "stretchtui-daily-20261121T083015Z.db"
    assert parse_backup_name(name.file_name) == name
    assert name.made_at == made.replace(microsecond=0)
    second = backup_name("my-db", "pre-v2", made, counter=2)
    assert second.file_name == "my-db-pre-v2-20261121T083015Z-2.db"
    assert parse_backup_name(second.file_name) == second


@pytest.mark.parametrize(
    "file_name",
    [
        "stretchtui.db",
        "stretchtui.db-wal",
        "stretchtui-daily-20261121.db",
        "stretchtui-daily-20261321T083015Z.db",
        "stretchtui-weekly-20261121T083015Z.db",
        "stretchtui-daily-20261121T083015Z.db.1234.tmp",
        "notes.txt",
    ],
)
def test_other_files_are_not_backups(file_name: str) -> None:
    assert parse_backup_name(file_name) is None


def test_backup_name_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        backup_name("stretchtui", DAILY, datetime(2026, 11, 21, 8, 30))


# ---------------------------------------------------------------------- rotation (pure)


def days_back(end: date, count: int) -> list[date]:
    return [end - timedelta(days=n) for n in range(count)]


SAT = date(2026, 11, 21)  # weeks (Mon-Sun): 16-22 Nov, 9-15 Nov, 2-8 Nov, 26 Oct-1 Nov


@pytest.mark.parametrize(
    ("days", "kept"),
    [
        pytest.param([], set(), id="none"),
        pytest.param(days_back(SAT, 5), set(days_back(SAT, 5)), id="fewer-than-seven-all-kept"),
        pytest.param(days_back(SAT, 7), set(days_back(SAT, 7)), id="exactly-seven"),
        pytest.param(
            days_back(SAT, 30),
            set(days_back(SAT, 7)) | {date(2026, 11, 8), date(2026, 11, 1)},
            id="thirty-days-seven-plus-two-older-weeks",
        ),
        pytest.param(
            [
                SAT,
                date(2026, 11, 10),
                date(2026, 10, 1),
                date(2026, 9, 1),
                date(2026, 8, 1),
                date(2026, 7, 1),
                date(2026, 6, 1),
                date(2026, 5, 1),
                date(2026, 4, 1),
            ],
            {
                SAT,
                date(2026, 11, 10),
                date(2026, 10, 1),
                date(2026, 9, 1),
                date(2026, 8, 1),
                date(2026, 7, 1),
                date(2026, 6, 1),
            },
            id="sparse-the-seven-newest",
        ),
        pytest.param(
            [
                date(2026, 11, 16),
                date(2026, 11, 17),
                date(2026, 11, 9),
                date(2026, 11, 2),
                date(2026, 10, 26),
                date(2026, 10, 19),
                date(2026, 10, 12),
                date(2026, 10, 5),
                date(2026, 9, 28),
            ],
            {
                date(2026, 11, 16),
                date(2026, 11, 17),
                date(2026, 11, 9),
                date(2026, 11, 2),
                date(2026, 10, 26),
                date(2026, 10, 19),
                date(2026, 10, 12),
            },
            id="weekly-only-users",
        ),
    ],
)
def test_which_daily_backups_are_kept(days: list[date], kept: set[date]) -> None:
    assert backups_to_keep([(day, day) for day in days]) == kept


def test_two_backups_on_one_day_keep_the_later() -> None:
    """A change of time zone can put two automatic backups on one logical day."""
    early, late = datetime(2026, 11, 21, 1, tzinfo=UTC), datetime(2026, 11, 21, 9, tzinfo=UTC)
    assert backups_to_keep([(late, SAT), (early, SAT)]) == {late}


@given(st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), max_size=60))
def test_rotation_keeps_the_newest_week_and_never_more_than_eleven(days: set[date]) -> None:
    kept = backups_to_keep([(day, day) for day in days])
    assert kept <= days
    assert len(kept) <= 7 + 4
    newest = sorted(days, reverse=True)
    assert set(newest[:7]) <= kept
    assert backups_to_keep([(day, day) for day in kept]) == kept  # pruning twice removes nothing more


# ---------------------------------------------------------------------- stretchtui backup


def fill(store: Store, count: int = 3) -> None:
    for pain in range(count):
        store.checkins.add_checkin(
            [PainEntry(Region.LOWER_BACK, pain % 10), PainEntry(Region.NECK, pain % 10 + 1)], note=f"n{pain}"
        )


def test_backup_goes_to_the_backups_directory(db_path: Path, store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    fill(store)  # the commits are still in the -wal file: the online backup copies them too
    assert main(["--db", str(db_path), "backup"]) == 0
    (made,) = (db_path.parent / "backups").iterdir()
    assert capsys.readouterr().out == f"Backed up {db_path} to {made} ({made.stat().st_size / 1e6:.1f} MB).\n"
    name = parse_backup_name(made.name)
    assert name is not None and name.kind == "manual" and name.stem == "stretchtui"
    assert mode(made) == 0o600 and mode(made.parent) == 0o700
    assert rows(made, "PRAGMA integrity_check") == [("ok",)]
    assert rows(made, "SELECT note FROM checkin ORDER BY id") == [("n0",), ("n1",), ("n2",)]
    assert rows(made, "PRAGMA application_id") == [(APPLICATION_ID,)]


def test_backup_to_a_chosen_file(
    db_path: Path, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    target = tmp_path / "copy.db"
    assert main(["--db", str(db_path), "backup", "--output", str(target)]) == 0
    assert mode(target) == 0o600 and user_rows(target) == user_rows(db_path)
    assert list(tmp_path.glob("*.tmp")) == []


def test_backup_refuses_to_overwrite(
    db_path: Path, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.db"
    target.write_text("mine")
    assert main(["--db", str(db_path), "backup", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"stretchtui: --output: {target} exists already; give the name of a new file\n"
    assert target.read_text() == "mine"


def test_backup_without_a_database_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none" / "stretchtui.db"
    assert main(["--db", str(db), "backup"]) == 1
    assert capsys.readouterr().err == f"stretchtui: there is no database at {db}: nothing to back up\n"
    assert not db.parent.exists()


def test_backup_of_a_damaged_database_is_refused_and_leaves_no_file(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(db_path, clock)
    fill(store, 30)
    store.close()
    flip_page_type(db_path)
    before = tree(db_path.parent)
    assert main(["--db", str(db_path), "backup"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "failed its integrity check" in err and "nothing was written" in err
    after = tree(db_path.parent)
    assert after == before, "no backup, no temporary file, the database untouched"


# ---------------------------------------------------------------------- the daily backup


def dailies(db_path: Path) -> list[str]:
    return sorted(p.name for p in (db_path.parent / "backups").glob("*-daily-*.db"))


def test_one_daily_backup_per_logical_day(store: Store, clock: FrozenClock) -> None:
    made = store.backup_daily()
    assert made is not None and made.name == "stretchtui-daily-20261121T083000Z.db" and mode(made) == 0o600
    clock.advance(3600 * 12)  # 21:30 in Berlin: the same day
    assert store.backup_daily() is None
    clock.instant = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)  # 03:30 Berlin: still the 21st (day starts 04:00)
    assert store.backup_daily() is None
    clock.instant = datetime(2026, 11, 22, 3, 30, tzinfo=UTC)  # 04:30 Berlin: a new logical day
    assert store.backup_daily() is not None
    assert len(dailies(store.path)) == 2


def test_daily_backups_are_pruned_to_seven_days_and_four_weeks(store: Store, clock: FrozenClock) -> None:
    start = clock.instant
    for day in range(60):  # launched every day for two months
        clock.instant = start + timedelta(days=day)
        store.backup_daily()
    last = (start + timedelta(days=59)).date()  # Tue 19 Jan 2027
    kept_days = sorted(parse_backup_name(name).made_at.date() for name in dailies(store.path))
    expected = sorted(set(days_back(last, 7)) | {date(2027, 1, 17), date(2027, 1, 10), date(2027, 1, 3)})
    assert kept_days == expected


def test_pruning_leaves_other_backups_alone(
    store: Store, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(store.path), "backup"]) == 0
    manual = sorted((store.path.parent / "backups").glob("*-manual-*"))
    start = clock.instant
    for day in range(20):
        clock.instant = start + timedelta(days=day)
        store.backup_daily()
    assert sorted((store.path.parent / "backups").glob("*-manual-*")) == manual
    assert len(dailies(store.path)) == 7 + 2


def test_the_daily_backup_skips_a_damaged_database(db_path: Path, clock: FrozenClock, store: Store) -> None:
    fill(store, 30)
    store.close()
    flip_page_type(db_path)
    with pytest.raises(integrity.DatabaseDamaged):
        maintenance.daily_backup(db_path, clock, 4)
    assert dailies(db_path) == []


def test_a_stale_temporary_file_is_cleared_by_the_next_daily_backup(store: Store) -> None:
    import os

    backups = store.path.parent / "backups"
    backups.mkdir(mode=0o700)
    stale = backups / "stretchtui-daily-20261120T083000Z.db.999.tmp"
    fresh = backups / "stretchtui-manual-20261121T083000Z.db.998.tmp"  # maybe a backup running right now
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (1, 1))
    store.backup_daily()
    assert not stale.exists() and fresh.exists()


async def test_the_app_backs_up_in_a_worker_without_holding_up_the_first_frame(
    make_test_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started = threading.Event()
    real = Store.backup_daily

    def slow_backup(self: Store):
        started.set()
        assert release.wait(10)
        return real(self)

    monkeypatch.setattr(Store, "backup_daily", slow_backup)
    app = make_test_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert started.wait(5)
        # The backup is still waiting in its thread, and the app is up and answering keys meanwhile.
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "library"
        assert dailies(app.store.path) == []
        release.set()
        await settle(pilot)
        assert dailies(app.store.path) == ["stretchtui-daily-20261121T083000Z.db"]


async def test_a_failed_daily_backup_is_a_warning_not_a_crash(make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(self: Store):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "backup_daily", full_disk)
    app = make_test_app()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append((message, kw["severity"])))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.is_running
        assert shown == [("Today's backup failed: database or disk is full", "warning")]
        await pilot.press("2")  # and the app goes on working
        await settle(pilot)
        assert app.current_mode == "library"


# ---------------------------------------------------------------------- restore


@pytest.fixture
def backup_file(db_path: Path, clock: FrozenClock, tmp_path: Path) -> Path:
    """A backup holding three check-ins, after which the live database got two more."""
    store = Store.open(db_path, clock)
    fill(store, 3)
    target = tmp_path / "saved.db"
    maintenance.manual_backup(db_path, clock, target)
    store.checkins.add_checkin([PainEntry(Region.LEG, 9)], note="after the backup")
    store.checkins.add_checkin([PainEntry(Region.LEG, 8)], note="also after")
    store.close()
    return target


def test_restore_replaces_the_database_and_keeps_the_old_one(
    db_path: Path, backup_file: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    old_rows = user_rows(db_path)
    assert main(["--db", str(db_path), "restore", str(backup_file)]) == 0
    out = capsys.readouterr().out
    (kept,) = (db_path.parent / "backups").glob("*-pre-restore-*.db")
    assert out == f"Restored {db_path} from {backup_file}; the database it replaced is kept as {kept}.\n"
    assert user_rows(db_path) == user_rows(backup_file)
    assert user_rows(kept) == old_rows
    assert mode(db_path) == 0o600 and mode(kept) == 0o600
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    store = Store.open(db_path, clock)  # and the app can use it at once
    try:
        assert [c.note for c in store.checkins.checkins()] == ["n0", "n1", "n2"]
    finally:
        store.close()


def test_restore_removes_the_old_wal_so_it_is_not_replayed(
    db_path: Path, backup_file: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    """A crash left commits in the -wal file: they go into the kept copy, never onto the restored file."""
    import shutil

    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.NECK, 2)], note="only in the wal")
    crashed = tmp_path / "crashed"
    crashed.mkdir(mode=0o700)
    for suffix in ("", "-wal"):  # what a SIGKILL leaves: no checkpoint happened
        shutil.copy(f"{db_path}{suffix}", f"{crashed / 'stretchtui.db'}{suffix}")
    store.close()
    live = crashed / "stretchtui.db"
    assert maintenance.restore(live, backup_file, clock).kept is not None
    assert not Path(f"{live}-wal").exists() and not Path(f"{live}-shm").exists()
    assert user_rows(live) == user_rows(backup_file)
    (kept,) = (crashed / "backups").glob("*-pre-restore-*.db")
    assert ("only in the wal",) in rows(kept, "SELECT note FROM checkin")


def test_restore_into_an_empty_place(tmp_path: Path, backup_file: Path, clock: FrozenClock) -> None:
    target = tmp_path / "new-home" / "stretchtui.db"
    result = maintenance.restore(target, backup_file, clock)
    assert result.kept is None and result.schema_version == LATEST_VERSION
    assert user_rows(target) == user_rows(backup_file)
    assert mode(target.parent) == 0o700 and mode(target) == 0o600


def test_restore_of_a_damaged_database_keeps_its_bytes(db_path: Path, backup_file: Path, clock: FrozenClock) -> None:
    flip_page_type(db_path)
    damaged = db_path.read_bytes()
    result = maintenance.restore(db_path, backup_file, clock)
    assert result.kept is not None and "-damaged-" in result.kept.name
    assert result.kept.read_bytes() == damaged and mode(result.kept) == 0o600
    assert user_rows(db_path) == user_rows(backup_file)


def test_restoring_an_older_schema_is_allowed(
    db_path: Path, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup from before an upgrade: restored as it is, upgraded when the app next opens it."""
    from stretchtui.store import migrations

    saved = tmp_path / "saved.db"
    Store.open(saved, clock).close()
    upgrade = migrations.Migration(LATEST_VERSION + 1, "a later release", lambda db: None)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, upgrade))
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)
    monkeypatch.setattr("stretchtui.store.store.LATEST_VERSION", LATEST_VERSION + 1)
    assert maintenance.restore(db_path, saved, clock).schema_version == LATEST_VERSION
    store = Store.open(db_path, clock)
    try:
        assert store.schema_version() == LATEST_VERSION + 1
    finally:
        store.close()


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")


def newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")


def damaged(path: Path) -> None:
    flip_page_type(path)


REFUSALS = {
    "missing": (lambda p: None, "does not exist"),
    "directory": (lambda p: p.mkdir(), "is not a file"),
    "text-file": (lambda p: p.write_text("my notes\n"), "not an SQLite file"),
    "other-program": (foreign, "not a stretchtui one"),
    "newer-version": (newer, "newer stretchtui"),
    "damaged": (damaged, "is damaged (integrity_check"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_restore_refuses_an_unfit_file_and_changes_nothing(
    case: str, db_path: Path, backup_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = REFUSALS[case]
    candidate = backup_file if case in ("newer-version", "damaged") else backup_file.with_name("candidate")
    make(candidate)
    before = tree(db_path.parent)
    assert main(["--db", str(db_path), "restore", str(candidate)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stretchtui: {candidate}") and reason in err and err.count("\n") == 1
    assert tree(db_path.parent) == before


def test_restore_refuses_the_database_itself(
    db_path: Path, backup_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(db_path.parent)
    assert main(["--db", str(db_path), "restore", str(db_path)]) == 2
    assert "is the database itself" in capsys.readouterr().err
    assert tree(db_path.parent) == before


def test_restore_refuses_while_a_store_has_the_database_open(
    db_path: Path, backup_file: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(db_path, clock)
    try:
        before = tree(db_path.parent)
        assert main(["--db", str(db_path), "restore", str(backup_file)]) == 1
        err = capsys.readouterr().err
        assert err == (
            f"stretchtui: stretchtui has {db_path} open (the app, or a command still running); "
            "quit it, then run restore again. Nothing was changed\n"
        )
        assert tree(db_path.parent) == before
    finally:
        store.close()
    assert main(["--db", str(db_path), "restore", str(backup_file)]) == 0  # closed: allowed


def test_a_store_opening_during_a_restore_waits_for_it(
    db_path: Path, backup_file: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restore holds the lock exclusively while it swaps files; an opening store waits, then sees the new file."""
    from stretchtui.store import lock

    opened: list[list[str]] = []
    swapping = threading.Event()
    real_keep = maintenance._keep_replaced

    def slow_keep(path: Path, clk):
        swapping.set()
        threading.Event().wait(0.5)
        return real_keep(path, clk)

    monkeypatch.setattr(maintenance, "_keep_replaced", slow_keep)

    def open_meanwhile() -> None:
        assert swapping.wait(5)
        store = Store.open(db_path, clock)
        opened.append([c.note for c in store.checkins.checkins()])
        store.close()

    worker = threading.Thread(target=open_meanwhile)
    worker.start()
    maintenance.restore(db_path, backup_file, clock)
    worker.join(15)
    assert opened == [["n0", "n1", "n2"]]
    assert lock.lock_path(db_path).exists()


def test_store_refuses_after_waiting_too_long_for_a_restore(db_path: Path, clock: FrozenClock) -> None:
    from stretchtui.store.lock import DatabaseLock

    Store.open(db_path, clock).close()
    holder = DatabaseLock(db_path)
    assert holder.try_exclusive()
    try:
        with pytest.raises(StoreError, match="is being restored by another stretchtui"):
            DatabaseLock(db_path).acquire_shared(timeout=0.2)
    finally:
        holder.release()


def test_kept_backups_count_as_backups(db_path: Path, backup_file: Path, clock: FrozenClock) -> None:
    maintenance.restore(db_path, backup_file, clock)
    clock.advance(1)
    maintenance.restore(db_path, backup_file, clock)
    names = [name for name, _ in backup_files.list_backups(db_path)]
    assert [n.kind for n in names] == ["pre-restore", "pre-restore"]
    assert names[0].made_at > names[1].made_at and all(isinstance(n, BackupName) for n in names)
    assert integrity.latest_good_backup(db_path)[0] == names[0]
    assert rows(db_path, "PRAGMA quick_check") == [("ok",)]
