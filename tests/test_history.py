"""History: aggregates, the history screen, and the streak CLI (stats, status)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from history_data import fill_history_fast

from stretchtui.cli import main
from stretchtui.core.history import heatmap_rows, shade, week_start, weekly_totals
from stretchtui.core.relief import MIN_SESSIONS
from stretchtui.store import Store
from stretchtui.ui.screens.history import HistoryScreen


def test_heatmap_and_weekly_totals() -> None:
    today = date(2026, 11, 21)  # a Saturday
    minutes = {date(2026, 11, 16): 6.0, date(2026, 11, 17): 2.0, date(2026, 11, 9): 1.0}
    rows = heatmap_rows(minutes, {date(2026, 11, 18): "r"}, today, 2, 5)
    assert rows[0] == "░█"  # Mondays: 9 Nov 1 min, 16 Nov 6 min
    assert rows[1] == "·▒" and rows[2] == "·r" and rows[6] == "· "  # Sunday 22 Nov is after today
    assert weekly_totals(minutes, today, 2) == [(date(2026, 11, 9), 1.0), (date(2026, 11, 16), 8.0)]
    assert shade(0, 5) == " " and shade(5, 5) == "█" and week_start(today) == date(2026, 11, 16)


def test_aggregates_over_generated_history(store: Store, clock) -> None:
    fill_history_fast(store, clock, days=60)
    since = date(2026, 1, 1)
    pain = store.history.pain_by_day(since)
    assert len(pain) == 60 and all(0 <= p <= 10 for p in pain.values())
    relief = store.history.relief()
    assert relief.sessions > 0 and relief.rows
    for c in relief.shown:  # a number only with MIN_SESSIONS on each side, inside its interval
        assert c.with_n >= MIN_SESSIONS and c.without_n >= MIN_SESSIONS
        assert c.low is not None and c.high is not None and c.low <= c.difference <= c.high
        assert c.with_n + c.without_n == relief.sessions
    sessions = store.history.sessions_list()
    assert sessions[0].day > sessions[-1].day and all(s.steps_done + s.steps_skipped > 0 for s in sessions)
    summary = store.history.streak_summary(date(2026, 11, 21))
    assert summary.longest >= 3 and 0 < summary.strength <= 1


async def test_history_screen_tabs_and_audit(make_test_app, store, clock) -> None:
    fill_history_fast(store, clock, days=40)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("4")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and screen.data is not None
        assert "This week" in str(screen.query_one("#history-week-bars").content)
        await pilot.press("l")
        table = screen.query_one("#history-session-table")
        assert table.row_count == len(screen.data.sessions) > 20
        table.focus()
        await pilot.press("down")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert "of work" in str(screen.query_one("#history-session-detail").content)
        await pilot.press("k")
        audit = screen.query_one("#history-audit")
        audit.focus()
        await pilot.press("down")
        await pilot.pause()
        assert str(screen.query_one("#history-streak-panel").content).count("\n") >= 5


def test_stats_json_and_status(db_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(db_path, clock)
    fill_history_fast(store, clock, days=20)
    store.close()
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {
        "current_streak",
        "longest_streak",
        "longest_streak_start",
        "longest_streak_end",
        "strength",
        "today_done",
        "week",
        "day_start_hour",
    } <= set(data)
    assert set(data["week"]) == {"minutes", "sessions", "days_done"} and data["day_start_hour"] == 4
    assert main(["--db", str(db_path), "status", "--ascii"]) == 0
    line = capsys.readouterr().out.strip()
    # The history fills the 20 days before the frozen day and nothing on it: not done yet today.
    assert data["today_done"] is False
    assert line == f"-- {data['current_streak']}d streak, not yet today"  # "--": the ASCII mark for not done


def test_status_does_not_import_textual(db_path: Path, clock) -> None:
    Store.open(db_path, clock).close()
    code = (
        "import sys; from stretchtui.cli import main; main(['--db', sys.argv[1], 'status']); "
        "assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, capture_output=True)


async def test_an_app_left_open_rolls_over_at_the_day_start(make_test_app, store, clock) -> None:
    from stretchtui.core.sessions import SessionStatus

    info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.screen.data.streak.today_done and app.screen.data.day == date(2026, 11, 21)
        clock.advance(20 * 3600)  # 05:30 the next morning in Berlin
        app.roll_over_if_new_day()
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        data = app.screen.data
        assert data.day == date(2026, 11, 22) and not data.streak.today_done and data.streak.current == 1
