"""What happens to the database when things go wrong (issue 9, items 5, 7, 8, 9 and 10):
a flipped byte, a restore while the app runs, SIGKILL mid-migration, a full disk, file modes."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from storage_helpers import flip_page_type, mode, rows, tree, user_rows
from test_session_pty import launch

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.retention import parse_backup_name
from stretchtui.store import Store, integrity, maintenance, resolve_db_path, storage_errors
from stretchtui.store.lock import DatabaseLock
from stretchtui.store.migrations import LATEST_VERSION


def child_env() -> dict[str, str]:
    """The test's isolated environment (HOME, XDG_DATA_HOME, TZ from conftest), read when called."""
    return dict(os.environ)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process, with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "stretchtui", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def with_history(db_path: Path, clock: FrozenClock, checkins: int = 5) -> None:
    store = Store.open(db_path, clock)
    try:
        for n in range(checkins):
            store.checkins.add_checkin(
                [PainEntry(Region.LOWER_BACK, n), PainEntry(Region.NECK, 9 - n)], note=f"day {n}"
            )
        store.settings.set("goal_minutes", 10)
    finally:
        store.close()


# ---------------------------------------------------------------------- 5: a flipped byte


@pytest.fixture
def damaged_with_backup(db_path: Path, clock: FrozenClock) -> tuple[Path, Path]:
    """A database with a daily backup, then one byte flipped in the structure of the file."""
    with_history(db_path, clock)
    store = Store.open(db_path, clock)
    backup = store.backup_daily()
    store.close()
    assert backup is not None
    flip_page_type(db_path)
    return db_path, backup


@pytest.mark.parametrize("table", ["checkin", "setting", "session_step"])
def test_a_flipped_byte_is_found_before_anything_is_written(db_path: Path, clock: FrozenClock, table: str) -> None:
    with_history(db_path, clock)
    flip_page_type(db_path, table)
    before = tree(db_path.parent)
    with pytest.raises(integrity.DatabaseDamaged) as caught:
        Store.open(db_path, clock)
    assert "is damaged (quick_check: " in str(caught.value)
    assert tree(db_path.parent) == before  # byte for byte; no -wal or -shm appeared


def test_without_a_terminal_the_app_names_the_restore_command(damaged_with_backup: tuple[Path, Path]) -> None:
    db, backup = damaged_with_backup
    before = tree(db.parent)
    done = cli("--db", str(db))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"stretchtui: {db} is damaged (quick_check: ")
    assert done.stderr.endswith(
        f"; nothing was written to it. To fix it, restore the latest good backup, "
        f"from Sat 21 Nov 2026 09:30, with: stretchtui --db {db} restore {backup}\n"
    )
    assert tree(db.parent) == before
    again = cli("--db", str(db), "log", "--pain", "3")  # every command refuses the same way
    assert again.returncode == 1 and again.stderr == done.stderr
    assert tree(db.parent) == before


def test_the_named_command_restores_it(damaged_with_backup: tuple[Path, Path]) -> None:
    db, backup = damaged_with_backup
    damaged_bytes = db.read_bytes()
    done = cli("--db", str(db), "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert user_rows(db) == user_rows(backup)
    (kept,) = (db.parent / "backups").glob("*-damaged-*.db")
    assert kept.read_bytes() == damaged_bytes
    assert cli("--db", str(db), "status").returncode == 0


@pytest.mark.slow
def test_on_a_terminal_the_app_offers_the_backup_and_a_no_changes_nothing(
    damaged_with_backup: tuple[Path, Path],
) -> None:
    db, _backup = damaged_with_backup
    before = tree(db.parent)
    app = launch(db)
    app.read_until("Restore the backup from Sat 21 Nov 2026 09:30? [y/N]")
    app.send("n\r")
    assert app.process.wait(timeout=15) == 1
    app.read_until("the database was left as it is; to restore later: stretchtui --db")
    os.close(app.master)
    assert b"is damaged (quick_check: " in app.output
    assert tree(db.parent) == before


@pytest.mark.slow
def test_on_a_terminal_yes_restores_and_starts_the_app(damaged_with_backup: tuple[Path, Path]) -> None:
    db, backup = damaged_with_backup
    damaged_bytes = db.read_bytes()
    app = launch(db)
    app.read_until("[y/N]")
    app.send("y\r")
    app.read_until("Restored ")
    app.read_until("Streak")  # the Today screen of the restored database
    app.kill(signal.SIGTERM)
    assert user_rows(db) == user_rows(backup)
    (kept,) = (db.parent / "backups").glob("*-damaged-*.db")
    assert kept.read_bytes() == damaged_bytes


# ---------------------------------------------------------------------- 7: restore while the app runs


@pytest.mark.slow
def test_restore_is_refused_while_the_real_app_runs(db_path: Path, clock: FrozenClock, tmp_path: Path) -> None:
    with_history(db_path, clock)
    saved = tmp_path / "saved.db"
    maintenance.manual_backup(db_path, clock, saved)
    app = launch(db_path)
    try:
        app.read_until("quick safety check")  # the app is up (first run: the safety questions)
        rows_before = user_rows(db_path)
        done = cli("--db", str(db_path), "restore", str(saved))
        assert done.returncode == 1
        assert done.stderr == (
            f"stretchtui: stretchtui has {db_path} open (the app, or a command still running); "
            "quit it, then run restore again. Nothing was changed\n"
        )
        assert user_rows(db_path) == rows_before
        assert not list((db_path.parent / "backups").glob("*-pre-restore-*"))
    finally:
        app.kill(signal.SIGKILL)
    done = cli("--db", str(db_path), "restore", str(saved))  # the kernel dropped the killed app's lock
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------- 8: SIGKILL during a migration

SLOW_MIGRATION = """
import sys, time
from pathlib import Path
from stretchtui.core.clock import SystemClock
from stretchtui.store import migrations, store as store_module

def slow(db):
    db.execute_sql("CREATE TABLE half_done (x INTEGER)")
    db.execute_sql("UPDATE setting SET value = '99' WHERE key = 'goal_minutes'")
    db.execute_sql("DELETE FROM checkin")
    for n in range(5000):
        db.execute_sql("INSERT INTO half_done VALUES (?)", (n,))
    print("migrating", flush=True)
    time.sleep(120)

new = migrations.LATEST_VERSION + 1
migrations.MIGRATIONS = (*migrations.MIGRATIONS, migrations.Migration(new, "slow", slow))
migrations.LATEST_VERSION = store_module.LATEST_VERSION = new
store_module.Store.open(Path(sys.argv[1]), SystemClock())
"""


@pytest.mark.slow
def test_sigkill_during_a_migration_changes_nothing(db_path: Path, clock: FrozenClock) -> None:
    with_history(db_path, clock)
    before = user_rows(db_path)
    settings = rows(db_path, "SELECT key, value FROM setting ORDER BY key")
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_MIGRATION, str(db_path)], stdout=subprocess.PIPE, env=child_env(), text=True
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready and child.stdout.readline() == "migrating\n"
        assert Path(f"{db_path}-wal").exists()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=15) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdout.close()
    assert rows(db_path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert rows(db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == [(0,)]
    assert user_rows(db_path) == before
    assert rows(db_path, "SELECT key, value FROM setting ORDER BY key") == settings
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert list((db_path.parent / "backups").glob("stretchtui-pre-v*.db")), "copied before migrating"
    with DatabaseLock(db_path) as probe:
        assert probe.try_exclusive(), "no stale lock: a restore would be allowed"
    store = Store.open(db_path, clock)  # and this version opens it as before
    try:
        assert store.schema_version() == LATEST_VERSION and len(store.checkins.checkins()) == 5
    finally:
        store.close()


# ---------------------------------------------------------------------- 9: a full disk

FULL_DISK = """
import contextlib, io, json, os, resource, shutil, signal, sys
from pathlib import Path
from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import SystemClock
from stretchtui.store import Store

data, how, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
db = data / "stretchtui.db"
Store.open(db, SystemClock()).close()  # created, seeded and checkpointed: the -wal file starts empty
store = Store.open(db, SystemClock())
report = {"saved": 0}

def limit(size):
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

def cli(*args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", str(db), *args])
    return [code, err.getvalue()]

if how == "fsize":  # writes past the limit fail with EFBIG (SIGXFSZ ignored), as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit(db.stat().st_size + 96 * 1024)
else:  # room to give back later
    (data / "filler").write_bytes(bytes(256 * 1024))
pains = [PainEntry(region, 4) for region in Region]
while report["saved"] < 1000:  # every check-in adds pages to the -wal file, until the disk refuses
    try:
        store.checkins.add_checkin(pains, note="x" * 400)
    except Exception as error:
        report["store_error"] = f"{type(error).__name__}: {error}"
        break
    report["saved"] += 1
report["log"] = cli("log", "--pain", "5", "--note", "y" * 400)
if how == "fsize":
    limit(db.stat().st_size // 2)  # too small for a copy of the database
report["backup"] = cli("backup")
try:
    store.backup_daily()
except Exception as error:
    report["daily"] = f"{type(error).__name__}: {error}"
report["backup_dir"] = sorted(os.listdir(data / "backups")) if (data / "backups").exists() else []
if how == "fsize":
    limit(resource.RLIM_INFINITY)
else:
    (data / "filler").unlink()
report["log_after"] = cli("log", "--pain", "2")
store.close()
for name in os.listdir(data):
    if name.startswith("stretchtui.db"):
        shutil.copy(data / name, out / name)
print(json.dumps(report))
"""


def tmpfs_works(directory: Path) -> bool:
    """Whether this process may mount a small tmpfs in a private mount namespace (root, CAP_SYS_ADMIN)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {directory}"], capture_output=True, timeout=30
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("how", ["tmpfs", "fsize"])
def test_a_full_disk_loses_nothing_and_says_so_in_one_line(how: str, tmp_path: Path) -> None:
    import json

    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir(mode=0o700)
    out.mkdir()
    script = [sys.executable, "-c", FULL_DISK, str(data), how, str(out)]
    if how == "tmpfs":
        if not tmpfs_works(data):
            pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); the fsize case covers it")
        # A private mount namespace: the 1 MiB tmpfs disappears with the child, whatever happens.
        script = [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount -t tmpfs -o size=1m,mode=0700 tmpfs "$1" && shift && exec "$@"',
            "sh",
            str(data),
            *script,
        ]
    done = subprocess.run(script, capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    assert 0 < report["saved"] < 1000
    # The error itself, not peewee's failed ROLLBACK after it (SQLite had already rolled back).
    assert report["store_error"] in ("OperationalError: database or disk is full", "OperationalError: disk I/O error")
    full = (
        "stretchtui: the disk is full: nothing was saved; free some space and try again\n",
        "stretchtui: a disk I/O error stopped the write: nothing was saved; check free space and the disk\n",
    )
    assert report["log"][0] == 1 and report["log"][1] in full
    backup_code, backup_err = report["backup"]
    assert backup_code == 1 and backup_err.count("\n") == 1 and backup_err.startswith("stretchtui: ")
    assert "daily" in report
    assert report["backup_dir"] == [], "no backup and no temporary file is left behind"
    assert report["log_after"] == [0, ""], "with room again, the next write works"

    db = out / "stretchtui.db"
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    per_checkin = rows(
        db,
        "SELECT count(p.id) FROM checkin c LEFT JOIN checkin_pain p ON p.checkin_id = c.id GROUP BY c.id ORDER BY c.id",
    )
    pains = len(list(Region))
    assert per_checkin == [(pains,)] * report["saved"] + [(1,)], "each check-in whole, or not there at all"


# ---------------------------------------------------------------------- 10: file modes


def test_every_file_is_private_even_with_a_permissive_umask(
    clock: FrozenClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_umask = os.umask(0)
    try:
        db = resolve_db_path(None)  # the user data directory (isolated per test)
        assert main(["log", "--pain", "3"]) == 0
        store = Store.open(db, clock)
        store.settings.set("probe", 1)  # a commit: -wal and -shm exist while it is open
        daily = store.backup_daily()
        for suffix in ("", "-wal", "-shm", ".lock"):
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
        store.close()
        assert main(["backup"]) == 0
        saved = tmp_path / "chosen.db"
        assert main(["backup", "--output", str(saved)]) == 0
        assert main(["restore", str(daily)]) == 0
        export_json, export_csv = tmp_path / "export.json", tmp_path / "export-csv"
        assert main(["export", "--output", str(export_json)]) == 0
        assert main(["export", "--format", "csv", "--output", str(export_csv)]) == 0
    finally:
        os.umask(old_umask)
    assert mode(db.parent) == 0o700 and mode(db.parent / "backups") == 0o700
    backups = sorted((db.parent / "backups").iterdir())
    assert {parse_backup_name(p.name).kind for p in backups} == {"daily", "manual", "pre-restore"}
    for path in [db, saved, export_json, *backups, *export_csv.iterdir()]:
        assert mode(path) == 0o600, path
    assert mode(export_csv) == 0o700


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            OSError(28, "No space left on device", "/data/backups/x.db.1.tmp"),
            "the disk is full writing /data/backups/x.db.1.tmp: nothing was saved; free some space (or check the disk) "
            "and try again",
        ),
        (
            sqlite3.OperationalError("database or disk is full"),
            "the disk is full: nothing was saved; free some space and try again",
        ),
        (
            sqlite3.OperationalError("database is locked"),
            "another program kept the database busy: nothing was saved; try again",
        ),
        (OSError(2, "No such file or directory"), None),  # not a storage failure: left to the caller
        (ValueError("database or disk is full"), None),  # only errors from SQLite or the file system count
    ],
)
def test_storage_failures_in_one_line(error: BaseException, expected: str | None) -> None:
    assert storage_errors.describe_storage_failure(error) == expected


def test_the_real_error_behind_a_failed_rollback_is_found() -> None:
    """peewee's ROLLBACK after a failed COMMIT can raise on its own; the disk-full error is its context."""
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904 - the context is the point
    except sqlite3.OperationalError as outer:
        assert storage_errors.describe_storage_failure(outer).startswith("the disk is full")


@pytest.mark.parametrize("command", ["status", "stats"])
def test_the_status_line_skips_the_check_but_a_damaged_page_is_still_one_line(
    db_path: Path, clock: FrozenClock, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`status` and `stats` only read and run every few seconds in a tmux status line, so they do
    not quick_check the whole file; when they do hit a damaged page, it is one line, not a traceback."""
    from stretchtui.cli import main

    with_history(db_path, clock)
    flip_page_type(db_path, "setting")  # read by both: the day start, the goal
    before = tree(db_path.parent)  # opening alone reads no damaged page
    code = main(["--db", str(db_path), command])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "the database file is damaged: nothing was changed" in err
    assert {k: v for k, v in tree(db_path.parent).items() if not k.endswith(("-wal", "-shm", ".lock"))} == {
        k: v for k, v in before.items() if not k.endswith(("-wal", "-shm", ".lock"))
    }
