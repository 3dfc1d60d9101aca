"""`stretchtui doctor`: one line per check, a remedy for each problem, exit 1 on a problem,
and nothing changed (not even a missing database created) unless --fix is given."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from storage_helpers import flip_page_type, mode, tree

from stretchtui.cli import main
from stretchtui.core.clock import FrozenClock
from stretchtui.core.retention import backup_name
from stretchtui.store import Store, default_data_dir, resolve_db_path
from stretchtui.store.doctor import doctor
from stretchtui.store.doctor_check import FIXED, OK, PROBLEM, WARN
from stretchtui.store.migrations import LATEST_VERSION
from stretchtui.store.mounts import network_filesystem

LOCAL_MOUNTS = "/dev/vda / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"


def run_doctor(db_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["--db", str(db_path), "doctor", *extra])
    return code, capsys.readouterr().out.splitlines()


def line(lines: list[str], subject: str) -> str:
    (found,) = [text for text in lines if text.split(None, 1)[1].startswith(subject + ":")]
    return found


def levels(checks) -> dict[str, str]:
    return {check.subject: check.level for check in checks}


def healthy(db_path: Path, clock: FrozenClock) -> Store:
    store = Store.open(db_path, clock)
    store.backup_daily()
    return store


def test_a_healthy_database(db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
    healthy(db_path, clock).close()
    code, lines = run_doctor(db_path, capsys)
    assert code == 0
    subjects = [text.split(None, 1)[1].split(":")[0] for text in lines]
    assert subjects == [
        "database",
        "schema",
        "quick_check",
        "integrity_check",
        "values",
        "journal mode",
        "data directory",
        "backup directory",
        "file modes",
        "file system",
        "backups",
    ]
    assert all(text.split()[0] in ("ok", "warn") for text in lines), lines
    assert line(lines, "schema") == f"ok       schema: version {LATEST_VERSION} (current)"
    assert line(lines, "journal mode") == "ok       journal mode: WAL"
    assert line(lines, "quick_check") == "ok       quick_check: passed"


def test_doctor_changes_nothing(db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
    healthy(db_path, clock).close()
    os.chmod(db_path, 0o644)  # a problem it reports but, without --fix, leaves
    before = tree(db_path.parent)
    mtime = db_path.stat().st_mtime_ns
    assert run_doctor(db_path, capsys)[0] == 1
    assert tree(db_path.parent) == before
    assert db_path.stat().st_mtime_ns == mtime
    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()


def test_doctor_reads_a_database_the_app_has_open(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    store = healthy(db_path, clock)
    try:
        store.settings.set("probe", 1)  # a commit still in the -wal file
        code, lines = run_doctor(db_path, capsys)
        assert code == 0, lines
        assert line(lines, "integrity_check").startswith("ok")
    finally:
        store.close()


def test_a_missing_database_is_a_problem_and_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nowhere" / "stretchtui.db"
    code, lines = run_doctor(db, capsys)
    assert code == 1
    assert line(lines, "database") == (
        f"problem  database: there is no database at {db} -> run stretchtui once to create it, "
        "or restore a backup with: stretchtui restore FILE"
    )
    assert not db.parent.exists()


def test_a_damaged_database_names_the_backup_to_restore(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    healthy(db_path, clock).close()
    (backup,) = (db_path.parent / "backups").iterdir()
    flip_page_type(db_path)
    before = tree(db_path.parent)
    code, lines = run_doctor(db_path, capsys)
    assert code == 1
    problem = line(lines, "quick_check")
    assert problem.startswith("problem  quick_check: ")
    assert problem.endswith(f"-> restore the latest good backup with: stretchtui --db {db_path} restore {backup}")
    assert tree(db_path.parent) == before, "the damaged file and everything around it stay as they were"


def test_a_damaged_database_without_a_backup(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.open(db_path, clock).close()
    flip_page_type(db_path)
    code, lines = run_doctor(db_path, capsys)
    assert code == 1
    assert f"there is no good backup in {db_path.parent / 'backups'}" in line(lines, "quick_check")
    assert f"sqlite3 {db_path} .recover" in line(lines, "quick_check")


def test_file_modes_are_reported_then_fixed(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    store = healthy(db_path, clock)
    store.settings.set("probe", 1)
    (backup,) = (db_path.parent / "backups").iterdir()
    for path in (Path(f"{db_path}-wal"), backup):
        os.chmod(path, 0o644)
    os.chmod(backup.parent, 0o755)
    code, lines = run_doctor(db_path, capsys)
    assert code == 1
    assert line(lines, "file modes") == (
        f"problem  file modes: readable by others: stretchtui.db-wal (0644), "
        f"{backup.name} (0644) -> run stretchtui doctor --fix (or chmod 600 each file)"
    )
    assert line(lines, "backup directory").startswith(f"problem  backup directory: {backup.parent} is 0755, not 0700")

    code, lines = run_doctor(db_path, capsys, "--fix")
    assert code == 0
    assert line(lines, "file modes").startswith("fixed    file modes: made 2 files private: ")
    assert "(0600)" in line(lines, "file modes")
    assert mode(backup) == mode(Path(f"{db_path}-wal")) == 0o600 and mode(backup.parent) == 0o700
    code, lines = run_doctor(db_path, capsys)
    assert code == 0 and line(lines, "file modes").startswith("ok")
    store.close()


def test_the_default_data_directory_must_be_private(clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
    db = resolve_db_path(None)
    assert db.parent == default_data_dir()
    Store.open(db, clock).close()
    os.chmod(db.parent, 0o755)
    code = main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert line(lines, "data directory") == (
        f"problem  data directory: {db.parent} is 0755, not 0700 -> "
        f"run stretchtui doctor --fix (or chmod 700 {db.parent})"
    )
    assert main(["doctor", "--fix"]) == 0
    assert mode(db.parent) == 0o700


def test_another_directory_is_only_a_warning_and_never_changed(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    healthy(db_path, clock).close()
    os.chmod(db_path.parent, 0o755)
    code, lines = run_doctor(db_path, capsys, "--fix")
    assert code == 0
    assert line(lines, "data directory").startswith(
        f"warn     data directory: {db_path.parent} can be listed by others"
    )
    assert mode(db_path.parent) == 0o755


def test_not_wal_is_a_warning(db_path: Path, clock: FrozenClock) -> None:
    Store.open(db_path, clock).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = delete")
    assert levels(doctor(db_path, clock))["journal mode"] == WARN


@pytest.mark.parametrize(("version", "level"), [(LATEST_VERSION + 1, PROBLEM), (LATEST_VERSION, OK)])
def test_schema_version(db_path: Path, clock: FrozenClock, version: int, level: str) -> None:
    Store.open(db_path, clock).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    assert levels(doctor(db_path, clock))["schema"] == level


def test_an_older_schema_is_a_warning(db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_path, clock).close()
    monkeypatch.setattr("stretchtui.store.migrations.LATEST_VERSION", LATEST_VERSION + 1)
    (schema,) = [c for c in doctor(db_path, clock) if c.subject == "schema"]
    assert schema.level == WARN and "start stretchtui once" in schema.remedy


def test_another_programs_database_is_a_problem(db_path: Path, clock: FrozenClock) -> None:
    db_path.parent.mkdir()
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE contacts (name TEXT)")
    assert levels(doctor(db_path, clock))["schema"] == PROBLEM


@pytest.mark.parametrize(
    ("age", "level"), [(None, WARN), (timedelta(days=9), WARN), (timedelta(days=7), OK), (timedelta(hours=1), OK)]
)
def test_the_age_of_the_last_backup(db_path: Path, clock: FrozenClock, age: timedelta | None, level: str) -> None:
    Store.open(db_path, clock).close()
    if age is not None:
        backups = db_path.parent / "backups"
        backups.mkdir(mode=0o700)
        made = backup_name("stretchtui", "daily", clock.now() - age)
        (backups / made.file_name).write_bytes(b"")
        (backups / backup_name("other", "daily", clock.now()).file_name).write_bytes(b"")  # another database's
    (check,) = [c for c in doctor(db_path, clock) if c.subject == "backups"]
    assert check.level == level
    if level == WARN:
        assert check.remedy.startswith("run stretchtui backup")


MOUNTS = r"""/dev/vda / ext4 rw,relatime 0 0
server:/export /home nfs4 rw,vers=4.2 0 0
/dev/vdb /home/local ext4 rw 0 0
user@host:/data /mnt/my\040files fuse.sshfs rw,nosuid 0 0
//nas/share /mnt/nas cifs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/home/ann/.local/share/stretchtui", "nfs4"),
        ("/home/local/stretchtui", None),  # a local disk mounted inside the NFS one
        ("/homework/x", None),  # a prefix of the name is not a mount point
        ("/mnt/my files/stretchtui", "fuse.sshfs"),
        ("/mnt/nas", "cifs"),
        ("/var/lib", None),
    ],
)
def test_network_file_systems_from_proc_mounts(path: str, kind: str | None) -> None:
    assert network_filesystem(Path(path), MOUNTS) == kind


def test_a_network_file_system_is_a_warning(db_path: Path, clock: FrozenClock, tmp_path: Path) -> None:
    Store.open(db_path, clock).close()
    mounts = tmp_path / "mounts"
    mounts.write_text(LOCAL_MOUNTS + f"server:/x {tmp_path} nfs rw 0 0\n")
    (check,) = [c for c in doctor(db_path, clock, mounts=mounts) if c.subject == "file system"]
    assert check.level == WARN and "(nfs)" in check.detail and "local disk" in check.remedy
    mounts.write_text(LOCAL_MOUNTS)
    (check,) = [c for c in doctor(db_path, clock, mounts=mounts) if c.subject == "file system"]
    assert check.level == OK


def test_fixed_counts_as_fine(db_path: Path, clock: FrozenClock) -> None:
    healthy(db_path, clock).close()
    os.chmod(db_path, 0o640)
    checks = doctor(db_path, clock, fix=True)
    assert levels(checks)["file modes"] == FIXED and PROBLEM not in levels(checks).values()


def test_fix_takes_bits_away_and_never_adds_one(
    db_path: Path, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file or folder the user made read-only stays read-only: --fix only removes others' bits
    (0644 -> 0600, 0444 -> 0400, a 0555 folder -> 0500)."""
    healthy(db_path, clock).close()
    (backup,) = (db_path.parent / "backups").iterdir()
    os.chmod(backup, 0o444)
    os.chmod(backup.parent, 0o555)
    try:
        code, lines = run_doctor(db_path, capsys, "--fix")
        assert mode(backup) == 0o400 and mode(backup.parent) == 0o500
        code, lines = run_doctor(db_path, capsys)
        assert line(lines, "file modes").startswith("ok") and line(lines, "backup directory").startswith("ok")
    finally:
        os.chmod(backup.parent, 0o700)
