"""Reliability item 4: ten years of history read in one process while another process writes.

The history is `fill_history_fast` (tests/history_data.py): what `fill_history` writes through the
store, in one bulk transaction; the first test shows the two write the same rows. Then this
process runs every heavy history read, and the history screen's own loader in the app, over and
over while tests/reliability_store_writer.py writes sessions and check-ins for today. Neither
side may fail; every read must agree with the quiet baseline on every earlier day, and today's
numbers may only grow. Finally the database holds exactly what the writer says it wrote."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE
from history_data import fill_history, fill_history_fast
from pilot_helpers import settle

from stretchtui.core.clock import FrozenClock
from stretchtui.core.relief import RELIEF_DAYS
from stretchtui.store import Store
from stretchtui.ui.screens.history import HistoryScreen

# One pytest-xdist worker runs the whole module, so its module-scoped history is written once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_reliability_history")]

TEN_YEARS = 3650
TODAY = date(2026, 11, 21)  # the logical day of FROZEN_AT in Berlin
SINCE = TODAY - timedelta(days=TEN_YEARS + 1)
READ_ROUNDS = 8
SCREEN_LOADS = 4
STORE_WRITER = Path(__file__).with_name("reliability_store_writer.py")
TABLES = ("session", "session_step", "checkin", "checkin_pain", "day_mark")


@pytest.fixture(scope="module")
def ten_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ten-years") / "history.db"
    clock = FrozenClock(FROZEN_AT, ZONE)
    store = Store.open(path, clock)
    try:
        started = time.perf_counter()
        fill_history_fast(store, clock, days=TEN_YEARS)
        print(f"ten years of history written in {time.perf_counter() - started:.1f} s")
    finally:
        store.close()
    return path


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the history tables, uuids left out (they are random)."""
    conn = sqlite3.connect(path)
    try:
        result = {}
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "uuid"]
            result[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        return result
    finally:
        conn.close()


def test_the_fast_history_writes_the_rows_the_store_writes(tmp_path: Path) -> None:
    built = {}
    for name, fill in (("store", fill_history), ("bulk", fill_history_fast)):
        clock = FrozenClock(FROZEN_AT, ZONE)
        store = Store.open(tmp_path / f"{name}.db", clock)
        fill(store, clock, days=75)
        assert clock.instant == FROZEN_AT
        store.close()
        built[name] = table_rows(tmp_path / f"{name}.db")
    assert built["bulk"] == built["store"]
    assert len(built["store"]["session"]) > 50 and built["store"]["day_mark"]


class Baseline:
    """The history reads on a quiet database, and the checks a read taken under load must pass."""

    def __init__(self, store: Store) -> None:
        self.activities = {a.day: a for a in store.history.day_activities()}
        self.summary = store.history.streak_summary(TODAY)
        self.audits = self.summary.audits()
        self.pain = store.history.pain_by_day(SINCE)
        self.sitting = store.history.sitting_by_day(SINCE)
        self.relief = store.history.relief(since=TODAY - timedelta(days=RELIEF_DAYS - 1))  # as History shows it
        self.sessions = store.history.sessions_list(limit=100_000)
        assert len(self.activities) == TEN_YEARS and len(self.sessions) > 2500
        assert TODAY not in self.activities

    @staticmethod
    def _past(mapping: dict) -> dict:
        return {day: value for day, value in mapping.items() if day < TODAY}

    def check_store_reads(self, store: Store, seen_today: list[int]) -> None:
        """All of them, each compared on the days before today; today's sessions never shrink."""
        activities = {a.day: a for a in store.history.day_activities()}
        assert self._past(activities) == self.activities
        summary = store.history.streak_summary(TODAY)
        assert self._past(summary.audits()) == self._past(self.audits)
        assert summary.current >= self.summary.current and summary.longest >= self.summary.longest
        assert self._past(store.history.pain_by_day(SINCE)) == self.pain
        assert self._past(store.history.sitting_by_day(SINCE)) == self.sitting
        # the writer notes no pain around sessions
        assert store.history.relief(since=TODAY - timedelta(days=RELIEF_DAYS - 1)) == self.relief
        sessions = store.history.sessions_list(limit=100_000)
        today = [s for s in sessions if s.day == TODAY]
        assert sessions[len(today) :] == self.sessions and all(s.steps_done for s in today)
        assert len(today) >= (seen_today[-1] if seen_today else 0)
        seen_today.append(len(today))

    def check_screen(self, screen: HistoryScreen, seen_today: list[int]) -> None:
        """What the history screen's loader put on screen: the same numbers."""
        data = screen.data
        assert data is not None and data.today == TODAY
        assert data.relief == self.relief
        assert {d: m for d, m in data.minutes.items() if d < TODAY} == {
            d: a.completed_hold_seconds / 60 for d, a in self.activities.items() if d >= min(data.minutes)
        }
        assert self._past(data.pain) == {d: p for d, p in self.pain.items() if d >= min(data.pain)}
        today = [s for s in data.sessions if s.day == TODAY]
        assert data.sessions[len(today) :] == self.sessions[: len(data.sessions) - len(today)]
        assert self._past(data.streak.audits()) == self._past(self.audits)
        seen_today.append(len(today))


def sessions_today(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM session WHERE day = ?", (TODAY.isoformat(),)).fetchone()[0]
    finally:
        conn.close()


async def test_ten_years_read_while_another_process_writes(ten_years: Path, tmp_path: Path) -> None:
    from stretchtui.factory import make_app

    db = tmp_path / "history.db"
    shutil.copy(ten_years, db)
    clock = FrozenClock(FROZEN_AT, ZONE)
    app = make_app(db, clock=clock, cursor_blink=False)
    app.store.safety.save_safety(answers={})
    baseline = Baseline(app.store)
    flags = tmp_path / "flags"
    flags.mkdir()
    writer = subprocess.Popen(
        [sys.executable, str(STORE_WRITER), str(db), datetime(2026, 11, 21, 8, 0, tzinfo=UTC).isoformat(), str(flags)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store_seen: list[int] = []
    screen_seen: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (flags / "writer.ready").exists():
            assert writer.poll() is None, writer.communicate()[1]
            assert time.monotonic() < deadline, "the writer did not start"
            await asyncio.sleep(0.05)
        before = sessions_today(db)
        started = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for round_ in range(READ_ROUNDS):
                await asyncio.to_thread(baseline.check_store_reads, app.store, store_seen)
                if round_ < SCREEN_LOADS:
                    await pilot.press("4")  # mounts the history screen, or reloads it on return
                    await settle(pilot)
                    assert isinstance(app.screen, HistoryScreen)
                    baseline.check_screen(app.screen, screen_seen)
                    await pilot.press("1")
                    await settle(pilot)
        reading = time.perf_counter() - started
        during = sessions_today(db) - before
    finally:
        (flags / "stop").touch()
        out, err = writer.communicate(timeout=120)
    print(
        f"{READ_ROUNDS} rounds of reads and {SCREEN_LOADS} history screen loads took {reading:.1f} s; "
        f"the writer finished {during} sessions meanwhile"
    )

    assert writer.returncode == 0 and err == "", err[-3000:]
    assert during > 0, "the writer wrote nothing while the reads ran"
    assert store_seen == sorted(store_seen) and store_seen[-1] > store_seen[0]

    written = json.loads((flags / "writer.json").read_text())
    assert {s["day"] for s in written["sessions"]} == {TODAY.isoformat()}
    store = Store.open(db, clock)
    try:
        final = [s for s in store.history.sessions_list(limit=100_000) if s.day == TODAY]
        assert sorted(s.uuid for s in final) == sorted(s["uuid"] for s in written["sessions"])
        steps = {s["uuid"]: len(s["steps"]) for s in written["sessions"]}
        assert all(s.steps_done == steps[s.uuid] for s in final)
        notes = [c.note for c in store.checkins.checkins(since=TODAY)]
        assert sorted(notes) == sorted(written["checkins"])
        baseline.check_store_reads(store, store_seen)
    finally:
        store.close()
