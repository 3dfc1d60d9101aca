"""`stretchtui status` and `stats` read the file without the store (store/glance.py) when they can:
the same numbers as the store, nothing changed or created, and the store's path whenever the
glance cannot be sure."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import build_template, copy_database
from history_data import fill_history_fast

from stretchtui.cli import main
from stretchtui.core.clock import FrozenClock
from stretchtui.store import Store, glance
from stretchtui.store.day_summary import StreakNumbers, day_activities, streak_numbers
from stretchtui.store.files import SCHEMA_VERSION, inspect_file
from stretchtui.store.glance import glance_status_facts
from stretchtui.store.lock import DatabaseLock


def fill(store: Store, clock: FrozenClock) -> StreakNumbers:
    """120 days of history with a backfilled session and settings away from their defaults; what
    the store computes from it."""
    fill_history_fast(store, clock, days=120)
    store.sessions.record_backfill("one-minute", clock.now() - timedelta(days=3), 12)
    for key, value in (("goal_minutes", 10), ("grace_per_week", 2), ("day_start_hour", 5)):
        store.settings.set(key, value)
    return streak_numbers(store.history.day_activities(), store.settings.read(), clock)


@pytest.fixture(scope="module")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StreakNumbers]:
    """The history database, built once for the module; each test gets a copy."""
    return build_template(tmp_path_factory.mktemp("glance-history"), fill)


@pytest.fixture
def history(history_template: tuple[Path, StreakNumbers], db_path: Path) -> StreakNumbers:
    template, numbers = history_template
    copy_database(template, db_path)
    return numbers


def glance_numbers(path: Path, clock: FrozenClock) -> StreakNumbers | None:
    """The streak numbers the glance reads (the rest of what it reads: tests/test_activity.py)."""
    facts = glance_status_facts(path, clock)
    return None if facts is None else facts.numbers


def directory_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_the_glance_gives_the_stores_numbers_and_changes_nothing(
    history: StreakNumbers, db_path: Path, clock: FrozenClock
) -> None:
    before = directory_state(db_path.parent)
    numbers = glance_numbers(db_path, clock)
    assert numbers == history
    assert numbers.day_start_hour == 5 and numbers.summary.longest > 5 and numbers.week.sessions > 0
    assert directory_state(db_path.parent) == before  # no -wal, -shm or lock file made, nothing written


def test_a_days_summaries_from_a_day_on_are_those_of_all_days(history: StreakNumbers, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        every_day = day_activities(conn)
        since = every_day[-30].day
        assert day_activities(conn, since) == [a for a in every_day if a.day >= since]
        assert any(a.rest_marked for a in every_day) and any(a.max_pain is not None for a in every_day)
    finally:
        conn.close()


def test_the_glance_reads_beside_a_running_app(history: StreakNumbers, db_path: Path, clock: FrozenClock) -> None:
    """An open store (its -wal file there, writing): the glance reads with SQLite's locks and
    sees what was committed."""
    store = Store.open(db_path, clock)
    try:
        info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
        assert Path(f"{db_path}-wal").exists()
        assert glance_numbers(db_path, clock) == history  # an unfinished session counts nothing yet
        from stretchtui.core.sessions import SessionStatus

        store.sessions.finish_session(info.id, SessionStatus.COMPLETE)
        seen = glance_numbers(db_path, clock)
        assert seen is not None and seen.week.sessions == history.week.sessions + 1
    finally:
        store.close()


def _sql(path: Path, statement: str, *, keep_open: bool = False) -> sqlite3.Connection | None:
    """Run one statement; keep the connection open to leave the change in the -wal file only
    (the file's header then still shows the old values)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(statement)
    if keep_open:
        return conn
    conn.close()
    return None


SPOILERS = {
    "an older schema": lambda path: _sql(path, "PRAGMA user_version = 1"),
    "a newer schema, in the -wal file only": lambda path: _sql(
        path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}", keep_open=True
    ),
    "not ours": lambda path: _sql(path, "PRAGMA application_id = 0"),
    "no lock file": lambda path: DatabaseLock(path).path.unlink(),
    "a setting that is not JSON": lambda path: _sql(path, "UPDATE setting SET value = 'x' WHERE key = 'goal_minutes'"),
}


@pytest.mark.parametrize("spoiler", SPOILERS)
def test_the_glance_leaves_to_the_store_what_it_cannot_be_sure_of(
    history: StreakNumbers, db_path: Path, clock: FrozenClock, spoiler: str
) -> None:
    kept = SPOILERS[spoiler](db_path)
    if kept is not None:
        assert inspect_file(db_path).user_version == SCHEMA_VERSION  # the header has not seen it
    try:
        assert glance_numbers(db_path, clock) is None
    finally:
        if kept is not None:
            kept.close()


def test_no_file_or_an_empty_one_is_left_to_the_store(tmp_path: Path, clock: FrozenClock) -> None:
    assert glance_numbers(tmp_path / "missing.db", clock) is None
    (tmp_path / "empty.db").touch()
    assert glance_numbers(tmp_path / "empty.db", clock) is None
    assert glance_numbers(tmp_path, clock) is None  # a directory: the store explains


def test_a_restore_under_way_is_left_to_the_store(history: StreakNumbers, db_path: Path, clock: FrozenClock) -> None:
    with DatabaseLock(db_path) as restoring:
        assert restoring.try_exclusive()
        assert glance_numbers(db_path, clock) is None
    assert glance_numbers(db_path, clock) == history


def test_a_file_written_while_it_was_read_is_left_to_the_store(
    history: StreakNumbers, db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_while_another_writes(conn, since=None):
        store = Store.open(db_path, clock)
        try:
            store.settings.set("goal_minutes", 15)
        finally:
            store.close()
        return day_activities(conn, since)

    monkeypatch.setattr(glance, "day_activities", read_while_another_writes)
    assert glance_numbers(db_path, clock) is None


def test_status_and_stats_print_the_same_through_the_store(
    history: StreakNumbers, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def printed() -> list[str]:
        outputs = []
        for command in (["stats", "--json"], ["stats"], ["status"], ["status", "--ascii"]):
            assert main(["--db", str(db_path), *command]) == 0
            outputs.append(capsys.readouterr().out)
        return outputs

    glanced: list[glance.StatusFacts | None] = []
    real_glance = glance.glance_status_facts
    monkeypatch.setattr(glance, "glance_status_facts", lambda *args: glanced.append(real_glance(*args)) or glanced[-1])
    through_the_glance = printed()
    assert len(glanced) == 4 and None not in glanced
    monkeypatch.setattr(glance, "glance_status_facts", lambda *args: None)
    assert printed() == through_the_glance
    data = json.loads(through_the_glance[0])
    assert data["day_start_hour"] == 5 and data["longest_streak"] == history.summary.longest


def test_status_on_a_new_place_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A status line only reads: where there is no database yet it says so and creates none."""
    db = tmp_path / "new" / "stretchtui.db"
    assert main(["--db", str(db), "status", "--ascii"]) == 1
    assert capsys.readouterr().err.startswith("stretchtui: no database at ")
    assert not db.parent.exists()


def test_status_on_a_ready_file_imports_no_peewee(history: StreakNumbers, db_path: Path) -> None:
    code = (
        "import sys; from stretchtui.cli import main; main(['--db', sys.argv[1], 'status']); "
        "print(sorted(m for m in ('peewee', 'stretchtui.store.store', 'textual') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_the_schema_version_the_glance_expects_is_the_last_migration() -> None:
    from stretchtui.store.files import SCHEMA_VERSION
    from stretchtui.store.migrations import LATEST_VERSION

    assert SCHEMA_VERSION == LATEST_VERSION
