"""The status line's quick path (commands.quick, store.status_cache): what it prints is what the full
command prints for the database as it is now, whatever wrote to it, in whichever process; and it
answers nothing (the full command does) whenever it cannot be sure."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from stretchtui import cli
from stretchtui.commands import quick
from stretchtui.core.breaks import BreakKind
from stretchtui.core.checkins import CheckinAnswers, PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.entries import MarkKind
from stretchtui.core.program_state import Choice
from stretchtui.store import status_cache
from stretchtui.store.store import Store
from stretchtui.store.ticks import append_tick

FORMS = (["status"], ["status", "--ascii"], ["status", "--json"], ["stats"], ["stats", "--json"])


def full(db: Path, form: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["--db", str(db), *form]) == 0
    return capsys.readouterr().out


def quickly(db: Path, form: list[str], clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> str | None:
    answered = quick.run(["--db", str(db), *form], clock.now().timestamp(), os.environ)
    out = capsys.readouterr().out
    if answered is None:
        assert out == ""  # nothing printed when it leaves the answer to the full command
        return None
    assert answered == 0
    return out


def write_something(store: Store, rnd: random.Random, clock: FrozenClock) -> str:
    """One change of the kinds a person (or an import, or another machine) makes."""
    day = store.clock.now().date()
    choice = rnd.choice(
        ["session", "checkin", "rest", "remove", "edit", "setting", "break", "ticks", "undo", "program"]
    )
    if choice == "session":
        at = clock.now() - timedelta(days=rnd.randrange(0, 20), hours=rnd.randrange(0, 5))
        store.sessions.record_backfill(None, at, rnd.choice([3, 5, 12]))
    elif choice == "checkin":
        store.checkins.add_checkin(
            [PainEntry(Region.LOWER_BACK, rnd.randrange(0, 8))], sitting_hours=rnd.choice([None, 7])
        )
    elif choice == "rest":
        try:
            store.corrections.set_day_mark(day - timedelta(days=rnd.randrange(1, 10)), MarkKind.REST, force=True)
        except Exception:  # a day that met its goal cannot be marked: nothing changed
            return "nothing"
    elif choice == "remove":
        entries = store.corrections.entries()
        if not entries:
            return "nothing"
        store.corrections.remove_entry(rnd.choice(entries))
    elif choice == "undo":
        store.corrections.undo_removal()
    elif choice == "edit":
        checkins = store.checkins.checkins()
        if not checkins:
            return "nothing"
        target = rnd.choice(checkins)
        store.corrections.update_checkin(target.uuid, CheckinAnswers([PainEntry(Region.NECK, rnd.randrange(0, 10))]))
    elif choice == "setting":
        key, values = rnd.choice(
            [("goal_minutes", (3, 5, 10)), ("grace_per_week", (0, 1, 2)), ("day_start_hour", (0, 4))]
        )
        store.settings.set(key, rnd.choice(values))
    elif choice == "program":  # where you are in it is in `status --json`
        catalogue = store.programs.catalogue()
        program = catalogue.find(rnd.choice(["desk-worker", "lower-back-starter"]))
        in_one = store.programs.state(store.clock.now().date(), catalogue) is not None
        store.programs.choose(Choice.STOP if in_one and rnd.random() < 0.5 else Choice.START, program)
    elif choice == "break":
        store.activity.record_break(rnd.choice(list(BreakKind)))
    else:
        now = clock.now().timestamp()
        for minutes in range(rnd.randrange(40, 70), -1, -3):
            append_tick(store.path, now - minutes * 60)
        store.activity.fold_ticks()
    return choice


@pytest.mark.parametrize("seed", range(3))
def test_the_quick_answer_is_the_full_answer_after_any_write(
    seed: int, db_path: Path, fresh_database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every write goes through a store of its own, opened and closed (as another process would),
    between the status line's calls: the quick path is never stale, and answers again at once."""
    fresh_database()
    rnd = random.Random(seed)
    for _ in range(12):
        store = Store.open(db_path, clock)
        try:
            changed = write_something(store, rnd, clock)
        finally:
            store.close()
        for form in FORMS:
            seen = quickly(db_path, form, clock, capsys)
            expected = full(db_path, form, capsys)
            assert seen is None or seen == expected, (changed, form)
            assert quickly(db_path, form, clock, capsys) == expected, (changed, form)  # the entry holds now


@pytest.mark.slow  # real processes on the real clock
def test_a_write_from_another_process_is_never_missed(tmp_path: Path) -> None:
    """Real processes on the real clock: the status line, then another command's write."""
    db = tmp_path / "real.db"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run = [sys.executable, "-c", "import sys; from stretchtui.cli import main; sys.exit(main())"]
    asked = [
        sys.executable,
        "-c",
        "import os, sys, time; from stretchtui.commands import quick; "
        "print(quick.run(sys.argv[1:], time.time(), os.environ))",
    ]

    def command(*argv: str) -> str:
        done = subprocess.run([*run, "--db", str(db), *argv], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    command("log", "--pain", "3")
    first = command("status")
    assert (
        subprocess.run([*asked, "--db", str(db), "status"], capture_output=True, text=True, env=env).stdout.split("\n")[
            -2
        ]
        == "0"
    )  # answered quickly
    command("record", "desk-break", "--minutes", "5")
    quick_now = subprocess.run([*asked, "--db", str(db), "status"], capture_output=True, text=True, env=env)
    assert quick_now.stdout.strip() == "None"  # the other command's write: not answered from the entry
    after = command("status")
    assert first.startswith("· 0d streak") and after.startswith("✓ 1d streak, done today")


def test_another_zone_another_day_or_another_place_is_a_miss(
    db_path: Path, fresh_database, clock: FrozenClock, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_database()
    expected = full(db_path, ["status"], capsys)
    assert quickly(db_path, ["status"], clock, capsys) == expected
    monkeypatch.setenv("TZ", "America/New_York")
    assert quickly(db_path, ["status"], clock, capsys) is None
    monkeypatch.setenv("TZ", "Europe/Berlin")
    clock.advance(24 * 3600)  # the next logical day
    assert quickly(db_path, ["status"], clock, capsys) is None
    clock.advance(-24 * 3600 - 60)  # a clock put back before the entry was made
    assert quickly(db_path, ["status"], clock, capsys) is None
    clock.advance(60)
    moved = db_path.with_name("moved.db")
    os.rename(db_path, moved)  # the same file by another name has no entry of its own yet
    assert quickly(moved, ["status"], clock, capsys) is None


def test_the_entry_lives_in_the_cache_folder_privately_and_a_damaged_one_is_a_miss(
    db_path: Path, fresh_database, clock: FrozenClock, capsys
) -> None:
    fresh_database()
    before = sorted(p.name for p in db_path.parent.iterdir())
    expected = full(db_path, ["stats", "--json"], capsys)
    assert sorted(p.name for p in db_path.parent.iterdir()) == before  # nothing beside the database
    entry = Path(status_cache.cache_path(db_path))
    assert entry.parent == Path(os.environ["HOME"]) / ".cache" / "stretchtui"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    for damage in (b"", b"\x00garbage", entry.read_bytes()[:-7]):
        entry.write_bytes(damage)
        assert quickly(db_path, ["stats", "--json"], clock, capsys) is None
    assert full(db_path, ["stats", "--json"], capsys) == expected
    assert quickly(db_path, ["stats", "--json"], clock, capsys) == expected


def test_forms_it_does_not_know_and_files_it_cannot_read_go_to_the_full_command(
    db_path: Path, tmp_path: Path, fresh_database, clock: FrozenClock, capsys
) -> None:
    fresh_database()
    full(db_path, ["status"], capsys)
    now = clock.now().timestamp()
    for argv in (
        ["--db", str(db_path), "status", "--json"],  # `status` did not work out the program's part
        ["--db", str(db_path), "status", "--ascii", "--ascii"],
        ["--db", str(db_path), "status", "--json", "--ascii"],
        ["--db", str(db_path), "stats", "--bogus"],
        ["--db", str(db_path), "tick", "--at", "later"],
        ["--db", str(db_path), "tick", "--at"],
        ["--db", str(db_path), "tick", "--bogus", "1795249800"],
        ["--db", str(db_path), "tick", "--at", "1795249800", "x"],
        ["--db"],
        ["--help"],
        [],
    ):
        assert quick.run(argv, now, os.environ) is None, argv
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    assert quick.run(["--db", str(fifo), "status"], now, os.environ) is None  # at once: no open of a FIFO
    assert quick.run(["--db", str(tmp_path / "none.db"), "status"], now, os.environ) is None
    assert not (tmp_path / "none.db").exists()


def test_the_default_database_is_found_only_where_the_full_command_found_it(
    tmp_path: Path, clock: FrozenClock, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["log", "--pain", "2"]) == 0  # the default place, under this test's HOME
    capsys.readouterr()
    assert cli.main(["status"]) == 0
    expected = capsys.readouterr().out
    now = clock.now().timestamp()
    assert quick.run(["status"], now, os.environ) == 0
    assert capsys.readouterr().out == expected
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # another default place now
    assert quick.run(["status"], now, os.environ) is None


def test_a_database_copied_over_the_same_path_is_not_answered_from_the_old_entry(
    db_path: Path, tmp_path: Path, fresh_database, clock: FrozenClock, capsys
) -> None:
    """Two files at the same counter (each fresh copy starts alike): the entry is the file's own."""
    fresh_database()
    other = tmp_path / "other.db"
    import shutil

    shutil.copyfile(db_path, other)
    assert cli.main(["--db", str(other), "record", "desk-break", "--minutes", "5"]) == 0
    assert cli.main(["--db", str(db_path), "record", "desk-break", "--minutes", "1"]) == 0  # not the goal
    capsys.readouterr()
    assert status_cache.fingerprint(other)[-1] == status_cache.fingerprint(db_path)[-1]  # the same count
    expected = full(db_path, ["status"], capsys)
    assert quickly(db_path, ["status"], clock, capsys) == expected
    data = other.read_bytes()
    with open(db_path, "r+b") as target:  # copied over in place: the same inode
        target.write(data)
        target.truncate()
    assert quickly(db_path, ["status"], clock, capsys) is None
    assert full(db_path, ["status"], capsys).startswith("✓ 1d streak, done today")


def test_every_table_but_the_counter_is_counted(store: Store) -> None:
    """A change anywhere (a program choice, a rating, an own exercise, a removal) moves the counter,
    so no cached status line outlives it; a table added later is counted or this fails."""
    from stretchtui.store.migration_steps import COUNTED_TABLES, UNCOUNTED

    sql = "SELECT name FROM sqlite_master WHERE type = ?"
    tables = {row[0] for row in store.db.execute_sql(sql, ("table",)).fetchall()} - {"sqlite_sequence"}
    triggers = {row[0] for row in store.db.execute_sql(sql, ("trigger",)).fetchall()}
    assert tables - set(UNCOUNTED) == set(COUNTED_TABLES)
    assert all(UNCOUNTED.values())
    for table in COUNTED_TABLES:
        assert {f"{table}_{event}_counted" for event in ("insert", "update", "delete")} <= triggers, table


def test_status_json_follows_a_program_started_elsewhere(
    db_path: Path, fresh_database, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_database()
    before = full(db_path, ["status", "--json"], capsys)
    assert quickly(db_path, ["status", "--json"], clock, capsys) == before
    assert '"program": null' in before
    store = Store.open(db_path, clock)
    try:
        store.programs.choose(Choice.START, store.programs.catalogue().find("desk-worker"))
    finally:
        store.close()
    assert quickly(db_path, ["status", "--json"], clock, capsys) is None  # not answered from the old entry
    assert '"id": "desk-worker"' in full(db_path, ["status", "--json"], capsys)
