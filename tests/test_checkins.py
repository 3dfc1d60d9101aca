"""Check-ins: the form (digits set pain, Tab moves, inline validation) and `stretchtui log`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pilot_helpers import settle
from textual.widgets import Input

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region, latest_by_region
from stretchtui.store import Store
from stretchtui.ui.screens.checkin import CheckinScreen
from stretchtui.ui.screens.history import HistoryScreen
from stretchtui.ui.screens.safety import SafetyScreen
from stretchtui.ui.screens.today import TodayScreen
from stretchtui.ui.widgets.pain_row import PainRow


async def test_checkin_form_digits_tab_and_validation(make_test_app, db_path, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CheckinScreen)
        await pilot.press("ctrl+s")
        assert "note the pain of at least one region" in str(form.query_one("#checkin-error").content)
        await pilot.press("6", "s", "tab", "tab", "3")  # lower back 6 (left), neck 3
        rows = {row.pain_region: row for row in form.query(PainRow)}
        assert (rows[Region.LOWER_BACK].pain, rows[Region.LOWER_BACK].side) == (6, "left")
        assert rows[Region.MID_UPPER_BACK].pain is None and rows[Region.NECK].pain == 3
        form.query_one("#sitting", Input).value = "7.3"
        await pilot.press("ctrl+s")
        assert str(form.query_one("#checkin-error").content) == "hours sat: use whole or half hours (7 or 7.5), not 7.3"
        assert form.focused is form.query_one("#sitting")
        form.query_one("#sitting", Input).value = "9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "Lower back (left) 6/10" in str(app.screen.query_one("#today-checkins").content)
    store = Store.open(db_path, clock)
    [checkin] = store.checkins.checkins()
    assert set(checkin.pains) == {PainEntry(Region.LOWER_BACK, 6, "left"), PainEntry(Region.NECK, 3)}
    assert checkin.sitting_hours == 9 and checkin.source == "app"
    store.close()


def test_the_latest_check_in_per_region_counts(store: Store, clock) -> None:
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 6), PainEntry(Region.NECK, 2)])
    clock.advance(3600)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 4)])
    latest = latest_by_region(store.checkins.checkins())
    assert latest[(Region.LOWER_BACK, "")].pain == 4 and latest[(Region.NECK, "")].pain == 2


def test_log_writes_a_checkin(db_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "--db",
                str(db_path),
                "log",
                "--pain",
                "6",
                "--area",
                "leg",
                "--side",
                "right",
                "--sitting",
                "9.5",
                "--note",
                "long drive",
                "--at",
                "2026-11-20T18:00",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "Noted Leg (sciatica-like, right) 6/10, sitting 9.5 h for Fri 20 Nov."
    store = Store.open(db_path, clock)
    [checkin] = store.checkins.checkins()
    assert checkin.pains == (PainEntry(Region.LEG, 6, "right"),) and checkin.note == "long drive"
    assert checkin.source == "cli" and str(checkin.day) == "2026-11-20"
    store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "--pain", "11"], "argument --pain: must be a whole number from 0 to 10, not 11"),
        (["log", "--pain", "-1"], "argument --pain"),
        (["log"], "say what to note: --pain N, --sitting H or --note TEXT"),
        (["log", "--pain", "3", "--area", "knee"], "'knee' is not one of"),
        (["log", "--pain", "3", "--sitting", "25"], "--sitting: must be between 0 and 24 hours, not 25"),
        (["log", "--pain", "3", "--sitting", "7.3"], "--sitting: use whole or half hours"),
        (["log", "--pain", "3", "--at", "2099-01-01T00:00"], "--at: 2099-01-01T00:00 is in the future"),
        (["log", "--pain", "3", "--note", "x" * 501], "--note: is 501 characters long; the limit is 500"),
        (["rest", "--date", "2099-01-01"], "--date: 2099-01-01 is in the future"),
        (["rest", "--date", "tomorrow"], "'tomorrow' is not a date like 2026-11-21"),
    ],
)
def test_log_and_rest_bad_input_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    from test_cli import run

    db = tmp_path / "new" / "s.db"
    result = run("--db", str(db), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    if args[0] == "log":
        assert not db.parent.exists()


def test_rest_marks_a_day_once(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "log", "--pain", "2", "--at", "2026-11-17T09:00"]) == 0  # a first entry
    assert main(["--db", str(db_path), "rest", "--date", "2026-11-18"]) == 0
    assert main(["--db", str(db_path), "rest", "--date", "2026-11-18"]) == 0
    out = capsys.readouterr().out
    assert "Wed 18 Nov is now a rest day." in out and "Wed 18 Nov is already a rest day." in out


@pytest.mark.parametrize("on_top", ["today", "history", "check-in form"])
async def test_a_check_in_logged_by_another_process_reaches_the_screen_on_top(
    make_test_app, db_path, clock, capsys, monkeypatch, on_top: str
) -> None:
    """`stretchtui log --pain 9` in another pane while the app shows Today: Today shows the pain
    and today's suggestion for it at the next look (an outside pass found it stale until a key was
    pressed). History reads it again too; a form being filled never is, under the person's hands."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        if on_top == "history":
            await pilot.press("4")
        elif on_top == "check-in form":
            await pilot.press("c", "4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(
            screen, {"today": TodayScreen, "history": HistoryScreen, "check-in form": CheckinScreen}[on_top]
        )
        reads: list[str] = []
        if hasattr(screen, "reload"):
            read = screen.reload
            monkeypatch.setattr(screen, "reload", lambda: (reads.append("read"), read()))
        app.notice_outside_changes()  # what the app's timer calls every few seconds: the first look
        await settle(pilot)
        assert main(["--db", str(db_path), "log", "--pain", "9"]) == 0
        capsys.readouterr()
        app.notice_outside_changes()
        await settle(pilot)
        app.notice_outside_changes()  # nothing changed since: nothing read again
        await settle(pilot)
        if on_top == "check-in form":
            assert isinstance(screen, CheckinScreen) and not reads
            rows = {row.pain_region: row for row in screen.query(PainRow)}
            assert rows[Region.LOWER_BACK].pain == 4  # what was typed stays
        else:
            assert reads == ["read"]
        if on_top == "today":
            assert "Lower back 9/10" in str(screen.query_one("#today-checkins").content)
            assert "No routine today." in str(screen.query_one("#today-suggestion").content)
            assert isinstance(app.screen, SafetyScreen)  # 9/10 asks the questions again, as on any load
        else:
            assert app.screen is screen


async def test_the_form_notes_pain_in_both_legs_as_left_and_right(make_test_app, db_path, clock) -> None:
    """The side of a row cycles none, left, right, both; "both" is saved as the same pain on each
    side, as `log --side both` does, so leg pain in both legs asks the safety questions again. (The
    form had no "both": "none" was labelled "both sides, or the middle" and counted as neither.)"""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CheckinScreen)
        leg = form.query_one("#pain-leg", PainRow)
        leg.focus()
        await pilot.press("6", "s", "s", "s")
        assert leg.side == "both" and "both" in str(leg.render())
        await pilot.press("s")
        assert leg.side == ""  # round again
        await pilot.press("s", "s", "s", "ctrl+s")
        await settle(pilot)
    store = Store.open(db_path, clock)
    try:
        [checkin] = store.checkins.checkins()
        reasons = [a.reason for a in store.safety.safety_check().ask_again]
    finally:
        store.close()
    assert set(checkin.pains) == {PainEntry(Region.LEG, 6, "left"), PainEntry(Region.LEG, 6, "right")}
    assert "both-legs" in reasons


async def test_history_keeps_the_cursor_on_its_entry_when_another_process_adds_one_above(
    make_test_app, store, db_path, clock, capsys
) -> None:
    """History read again after `stretchtui log` in another pane: the new check-in comes in at the
    top, and the cursor stays on the entry the person was on, not on the row number it had (an
    outside pass found it moved to another check-in). A removed entry leaves the cursor in place."""
    from stretchtui.ui.widgets.history_tables import row_key

    for pain in (2, 3, 4):
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, pain)])
        clock.advance(600)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#history-checkin-table")
        table.move_cursor(row=1)
        chosen = row_key(table)
        app.notice_outside_changes()
        await settle(pilot)
        clock.advance(600)
        assert main(["--db", str(db_path), "log", "--pain", "6"]) == 0
        capsys.readouterr()
        app.notice_outside_changes()
        await settle(pilot)
        assert table.row_count == 4 and row_key(table) == chosen and table.cursor_row == 2
        removed = subprocess.run(  # `stretchtui remove ID` in another pane
            [sys.executable, "-m", "stretchtui", "--db", str(db_path), "remove", "--yes", chosen[:8]],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert removed.returncode == 0, removed.stderr
        app.notice_outside_changes()
        await settle(pilot)
        assert table.row_count == 3 and table.cursor_row == 2 and row_key(table) != chosen
