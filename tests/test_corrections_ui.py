"""Issue 16 in the app: edit a check-in, remove a session or a check-in and undo it with `u`,
mark a day rest or flare from Today and from a History day; the report follows every change."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pilot_helpers import settle
from textual.widgets import DataTable, Input

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.entries import UNDO_SECONDS, MarkKind
from stretchtui.store import Store
from stretchtui.ui.screens.checkin import CheckinScreen
from stretchtui.ui.screens.dialogs import ConfirmScreen
from stretchtui.ui.screens.entry_dialogs import DayScreen
from stretchtui.ui.screens.history import HistoryScreen
from stretchtui.ui.screens.today import TodayScreen
from stretchtui.ui.widgets.heatmap import Heatmap
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.widgets.pain_row import PainRow

TODAY = date(2026, 11, 21)  # the frozen clock's Saturday
MONDAY, WEEK = date(2026, 11, 16), "2026-W47"
SIZE = (110, 34)


def local(clock, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(clock.zone_name)).astimezone(ZoneInfo("UTC"))


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def key_bar(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_history_tab(pilot, key: str) -> HistoryScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


# ---------------------------------------------------------------------- the check-in form


async def test_the_check_in_opens_with_todays_latest_values_and_saving_adds_a_new_one(make_test_app, store, clock):
    """`c` fills in today's latest pains and hours sat (not its note), and saving adds a check-in
    at its own time: it used to save over the latest, so a later 3/10 erased the morning's 8/10
    and the questions and flare mode it had brought (an outside pass). History's `e` corrects."""
    store.checkins.add_checkin([PainEntry(Region.NECK, 2, "left")], sitting_hours=3, note="early")
    clock.advance(60)
    latest = store.checkins.add_checkin(
        [PainEntry(Region.LOWER_BACK, 6), PainEntry(Region.LEG, 4, "right")], sitting_hours=9, note="desk day"
    )
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CheckinScreen)
        found = {row.pain_region: (row.pain, row.side) for row in form.query(PainRow)}
        assert found[Region.LOWER_BACK] == (6, "") and found[Region.LEG] == (4, "right")
        assert found[Region.NECK] == (2, "left")  # each area's latest today, as Today's card shows them
        assert form.query_one("#sitting", Input).value == "9" and form.query_one("#note", Input).value == ""
        assert form.checkin is None and "filled in from today (09:31)" in text_of(form, ".dialog-question")
        assert "side: none left right both" in text_of(form, "#pain-leg")

        await pilot.press("backspace")  # lower back, the focused row: back to "not noted"
        assert "not noted" in text_of(form, "#pain-lower-back")
        form.query_one("#pain-leg").focus()
        await pilot.press("s", "s")  # right -> both -> none
        assert form.query_one("#pain-leg", PainRow).side == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        card = text_of(app.screen, "#today-checkins")
        # The card shows each region's latest: the new leg with no side, and the lower back this
        # check-in left unnoted, as the one before said it (0 would have said it had gone).
        assert "Leg (sciatica-like) 4/10" in card and "Lower back 6/10" in card
        assert "Check-in saved." in notes(app)
    checkins = store.checkins.checkins()
    assert len(checkins) == 3  # added; the latest is as it was
    kept = next(c for c in checkins if c.uuid == latest.uuid)
    assert kept.pains == latest.pains and kept.note == "desk day"
    [added] = [c for c in checkins if c.uuid not in (latest.uuid, checkins[0].uuid)]
    assert set(added.pains) == {PainEntry(Region.NECK, 2, "left"), PainEntry(Region.LEG, 4)}
    assert added.sitting_hours == 9 and added.note == ""


async def test_the_new_check_in_is_filled_from_each_areas_latest_and_keeps_no_comfortable_position(
    make_test_app, store, clock
):
    """Filled in as Today's card reads the day: each area's latest pain, the latest hours sat, and
    "no position is comfortable" from the latest (the second outside pass: a later check-in with
    only hours sat dropped it, and Today went from no routine to a routine)."""
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 5)], sitting_hours=2)
    clock.advance(600)
    store.checkins.add_checkin([PainEntry(Region.NECK, 4)], no_comfortable_position=True)
    clock.advance(600)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen) and "filled in from today (09:40)" in text_of(form, ".dialog-question")
        found = {row.pain_region: row.pain for row in form.query(PainRow)}
        assert found[Region.LOWER_BACK] == 5 and found[Region.NECK] == 4
        assert form.query_one("#sitting", Input).value == "2"
        assert form.query_one("#no-position").value is True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No routine today." in text_of(app.screen, "#today-suggestion")
        assert "No comfortable position" in text_of(app.screen, "#today-checkins")  # the card says why
    assert store.checkins.checkins()[-1].no_comfortable_position


async def test_a_later_check_in_keeps_the_mornings_high_pain_and_what_it_asked(make_test_app, store, clock):
    """8/10 in the morning asks the questions again; a check-in of 3/10 in the afternoon from
    Today is a new one: the 8 stays in the record, and so do the questions until answered."""
    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 8)])
    clock.advance(6 * 3600)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if not isinstance(app.screen, TodayScreen):  # the questions, asked again at once: later
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
    assert sorted(max(p.pain for p in c.pains) for c in store.checkins.checkins()) == [3, 8]
    assert "pain" in [a.reason for a in store.safety.safety_check().ask_again]


async def test_a_check_in_from_yesterday_is_not_filled_in(make_test_app, store, clock):
    store.checkins.add_checkin([PainEntry(Region.NECK, 5)], at=local(clock, TODAY - timedelta(days=1), 20))
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CheckinScreen) and form.checkin is None
        assert all(row.pain is None for row in form.query(PainRow))
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
    assert len(store.checkins.checkins()) == 2


async def test_one_region_noted_twice_with_the_same_side_is_refused(make_test_app, store):
    store.checkins.add_checkin([PainEntry(Region.LEG, 5, "left"), PainEntry(Region.LEG, 3, "right")])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        legs = [row for row in form.query(PainRow) if row.pain_region is Region.LEG]
        assert [(row.pain, row.side) for row in legs] == [(5, "left"), (3, "right")]  # a row each
        legs[1].focus()
        await pilot.press("s")  # right -> both: left and right, and the first row is left already
        await pilot.press("ctrl+s")
        assert "Leg (sciatica-like) is noted twice with the left side" in text_of(form, "#checkin-error")
        await pilot.press("s", "s")  # both -> none -> left: the same side as the first row
        await pilot.press("ctrl+s")
        assert "Leg (sciatica-like) is noted twice with the left side" in text_of(form, "#checkin-error")
        assert isinstance(app.screen, CheckinScreen)


# ---------------------------------------------------------------------- History: edit, remove, undo


async def test_editing_a_check_in_in_history_changes_history_and_today(make_test_app, store, clock):
    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 7)], sitting_hours=9)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "c")
        table = history.query_one("#history-checkin-table", DataTable)
        assert app.focused is table
        assert rows(table) == [[checkin.uuid[:8], "21 Nov", "09:30", "7", "9"]]  # the id `stretchtui entries` lists
        assert "e Edit" in key_bar(app) and "x Remove…" in key_bar(app)
        assert history.data.pain[TODAY] == 7
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen) and "Edit the check-in" in text_of(form, ".dialog-question")
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        assert app.screen is history
        assert rows(table)[0][3] == "3" and "Lower back: 3/10" in text_of(history, "#history-checkin-detail")
        assert history.data.pain[TODAY] == 3  # the trend follows at once
        await pilot.press("1")
        await settle(pilot)
        assert "Lower back 3/10" in text_of(app.screen, "#today-checkins")


@pytest.mark.parametrize(
    ("field", "keys"),
    [
        (None, ("ctrl+s",)),
        (None, ("3", "7", "ctrl+s")),  # a value typed back
        ("#sitting", ("enter",)),  # Enter in a text field
        ("#sitting", ("end", ".", "0", "ctrl+s")),  # 9.0 for 9
        ("#note", ("end", "space", "ctrl+s")),  # a space after the note
    ],
    ids=str,
)
async def test_an_edit_saved_as_it_opened_writes_nothing_and_says_so(make_test_app, store, db_path, field, keys):
    """Saving an edit that says what the check-in said was told "Check-in changed." (two outside
    passes), and the row written again. It writes nothing and says so."""
    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 7)], sitting_hours=9, note="after the drive")
    before = sqlite3.connect(db_path).execute("SELECT * FROM checkin").fetchall()
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "c")
        await pilot.press("e")
        await settle(pilot)
        if field is not None:
            app.screen.query_one(field, Input).focus()
        await pilot.press(*keys)
        await settle(pilot)
        assert app.screen is history
        said = notes(app)
        assert said[-1] == "Nothing changed: the check-in stays as it was." and "Check-in changed." not in said
    assert sqlite3.connect(db_path).execute("SELECT * FROM checkin").fetchall() == before
    assert store.checkins.checkins() == [checkin]


async def test_an_edit_refused_because_the_check_in_was_removed_meanwhile_keeps_what_was_typed(
    make_test_app, store, db_path, clock
):
    """The check-in being edited is removed in another pane (`stretchtui remove`) before Ctrl+S:
    the change is refused in one line, and the form comes back with what was typed, to save as a
    new check-in (it was lost). Esc there keeps the record as it is."""
    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 7)], sitting_hours=9, note="after the drive")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history_tab(pilot, "c")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("3")
        removed = subprocess.run(  # from another terminal
            [sys.executable, "-m", "stretchtui", "--db", str(db_path), "remove", "--yes", checkin.uuid[:8]],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert removed.returncode == 0, removed.stderr
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen) and form.checkin is None
        assert "Not saved" in text_of(form, ".dialog-question") and "not here any more" in text_of(
            form, ".dialog-question"
        )
        assert {row.pain_region: row.pain for row in form.query(PainRow)}[Region.LOWER_BACK] == 3
        assert form.query_one("#note", Input).value == "after the drive"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CheckinScreen)
    [kept] = store.checkins.checkins()
    assert kept.uuid != checkin.uuid and [p.pain for p in kept.pains] == [3]
    assert kept.sitting_hours == 9 and kept.note == "after the drive"


async def test_removing_a_session_asks_first_and_u_brings_it_back(make_test_app, store, clock):
    session = store.sessions.record_backfill("seven-in-seven", local(clock, TODAY, 8), 10)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "l")
        table = history.query_one("#history-session-table", DataTable)
        assert rows(table)[0][0] == session.uuid[:8]
        assert "u Undo" not in key_bar(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert table.row_count == 1 and store.history.sessions_list()
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is history and table.row_count == 0 and store.history.sessions_list() == []
        assert any(
            n.startswith("Removed the session of Sat 21 Nov 2026") and n.endswith("u to undo.") for n in notes(app)
        )
        assert "u Undo" in key_bar(app)
        await pilot.press("u")
        await settle(pilot)
        assert [s.uuid for s in store.history.sessions_list()] == [session.uuid]
        assert rows(table)[0][0] == session.uuid[:8]
        assert "u Undo" not in key_bar(app)
        assert any(n.startswith("Brought back the session") for n in notes(app))


async def test_removing_a_check_in_and_u_brings_it_back(make_test_app, store, clock):
    keep = store.checkins.add_checkin([PainEntry(Region.NECK, 2)], at=local(clock, TODAY - timedelta(days=1), 8))
    wrong = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "c")
        table = history.query_one("#history-checkin-table", DataTable)
        assert [row[0] for row in rows(table)] == [wrong.uuid[:8], keep.uuid[:8]]  # newest first
        assert history.data.pain[TODAY] == 10
        await pilot.press("x")
        await settle(pilot)
        assert "Neck 10/10" in text_of(app.screen, ".dialog-question")
        await pilot.press("y")
        await settle(pilot)
        assert [row[0] for row in rows(table)] == [keep.uuid[:8]]
        assert TODAY not in history.data.pain  # the pain trend follows at once
        await pilot.press("u")
        await settle(pilot)
        assert [row[0] for row in rows(table)] == [wrong.uuid[:8], keep.uuid[:8]]
        assert history.data.pain[TODAY] == 10
    assert {c.uuid for c in store.checkins.checkins()} == {keep.uuid, wrong.uuid}


async def test_u_after_the_undo_time_does_nothing(make_test_app, store, clock):
    wrong = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "c")
        await pilot.press("x", "y")
        await settle(pilot)
        assert "u Undo" in key_bar(app)
        clock.advance(UNDO_SECONDS + 1)
        history.refresh_bindings()
        await settle(pilot)
        assert "u Undo" not in key_bar(app)
        await pilot.press("u")
        await settle(pilot)
        assert store.checkins.checkins() == [] and not any(n.startswith("Brought back") for n in notes(app))
    assert store.corrections.last_removal().entry.uuid == wrong.uuid  # still kept: `stretchtui undo` can bring it back


# ---------------------------------------------------------------------- rest and flare days


async def test_today_marks_rest_then_flare_then_no_mark_and_undo(make_test_app, store, clock):
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "d Rest/flare…" in key_bar(app)
        await pilot.press("d")
        await settle(pilot)
        day = app.screen
        assert isinstance(day, DayScreen) and day.day == TODAY
        assert "No rest or flare mark." in text_of(day, "#day-status")
        await pilot.press("r")
        await settle(pilot)
        assert store.corrections.day_mark(TODAY) is MarkKind.REST
        assert text_of(day, "#day-message") == "Sat 21 Nov is now a rest day."
        assert "Marked as a rest day." in text_of(day, "#day-status")
        await pilot.press("f")
        await settle(pilot)
        assert store.corrections.day_mark(TODAY) is MarkKind.FLARE
        await pilot.press("n")
        await settle(pilot)
        assert store.corrections.day_mark(TODAY) is None and "No rest or flare mark." in text_of(day, "#day-status")
        assert "u Undo" in key_bar(app)  # the dialog's own key bar offers it too
        await pilot.press("u")
        await settle(pilot)
        assert store.corrections.day_mark(TODAY) is MarkKind.FLARE
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "today: a flare day" in text_of(app.screen, "#today-streak")


async def test_a_rest_day_on_a_day_that_met_the_goal_is_refused_in_one_line(make_test_app, store, clock):
    store.sessions.record_backfill("seven-in-seven", local(clock, TODAY, 8), 10)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        message = text_of(app.screen, "#day-message")
        assert message == "Sat 21 Nov 2026 already met your goal: it needs no rest day" and "\n" not in message
        assert isinstance(app.screen, DayScreen) and store.corrections.day_mark(TODAY) is None


async def test_a_history_day_from_the_heatmap_and_from_the_streak_audit(make_test_app, store, clock):
    first = TODAY - timedelta(days=10)
    for back in range(10, 0, -1):
        if back != 3:  # Wed 18 Nov: nothing, the day to mark
            store.sessions.record_backfill("seven-in-seven", local(clock, TODAY - timedelta(days=back), 8), 10)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "w")
        heatmap = history.query_one(Heatmap)
        assert app.focused is heatmap and heatmap.cursor == TODAY
        await pilot.press("up", "up", "up")  # Sat -> Wed
        assert "Wed 18 Nov · no stretching" in str(heatmap.render())
        await pilot.press("enter")
        await settle(pilot)
        day = app.screen
        assert isinstance(day, DayScreen) and day.day == TODAY - timedelta(days=3)
        assert day.query_one(DataTable).display is False and "Nothing recorded" in text_of(day, "#day-message")
        await pilot.press("r")
        await settle(pilot)
        assert store.corrections.day_mark(day.day) is MarkKind.REST
        await pilot.press("escape")
        await settle(pilot)
        assert history.data.marks[day.day] == "r"  # the heatmap follows at once
        assert "rest day" in str(heatmap.render())

        # A done day from the audit: a flare mark is allowed, a rest mark is not.
        await pilot.press("k")
        await settle(pilot)
        audit = history.query_one("#history-audit", DataTable)
        assert app.focused is audit
        assert [row[1] for row in rows(audit)[:4]] == ["pending", "done", "done", "rest"]
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        day = app.screen
        assert isinstance(day, DayScreen) and day.day == TODAY - timedelta(days=1)
        assert [row[2] for row in rows(day.query_one(DataTable))] == ["session"]
        await pilot.press("r")
        await settle(pilot)
        assert "already met your goal" in text_of(day, "#day-message")
        await pilot.press("escape")
        await settle(pilot)
        # Unmark Wed 18 from the audit: the streak's verdict changes at once.
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen.day == TODAY - timedelta(days=3)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert store.corrections.day_mark(TODAY - timedelta(days=3)) is None
        assert rows(audit)[3][1] == "missed"
        assert first in history.data.minutes


async def test_a_day_before_the_first_entry_is_marked_only_when_asked_for(make_test_app, store, clock):
    store.sessions.record_backfill("seven-in-seven", local(clock, TODAY - timedelta(days=1), 8), 10)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "w")
        await pilot.press("left", "enter")  # a week before: before anything was recorded
        await settle(pilot)
        day = app.screen
        assert isinstance(day, DayScreen) and day.day == TODAY - timedelta(days=7)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "before anything you recorded here" in text_of(day, "#day-message")
        await pilot.press("n")
        await settle(pilot)
        assert store.corrections.day_mark(day.day) is None
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")  # mark anyway
        await settle(pilot)
        assert store.corrections.day_mark(day.day) is MarkKind.FLARE
        assert "is now a flare day" in text_of(day, "#day-message")
        assert history.data is not None


# ---------------------------------------------------------------------- the report follows


def html_report(db_path) -> dict[date, tuple[str, str, str]]:
    """`stretchtui report --format html` for the frozen clock's week, run as its own process while
    the app is open (as a person would, from another terminal); its adherence table as
    day -> (minutes, sessions, worst pain)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stretchtui",
            "--db",
            str(db_path),
            "report",
            "--week",
            WEEK,
            "--format",
            "html",
            "--output",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    section = done.stdout.split('<section id="adherence">', 1)[1].split("</section>", 1)[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1]):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        day = MONDAY + timedelta(days=len(found))
        assert cells[0].startswith(f"{day:%a %d %b}")  # with the year when the suite runs in another one
        found[day] = (cells[2], cells[3], html.unescape(cells[4]))
    return {day: numbers for day, numbers in found.items() if day <= TODAY}


def history_days(history: HistoryScreen) -> dict[date, tuple[str, str, str]]:
    """The same three numbers as History shows them: the week's minutes, the session list, the pain trend."""
    data = history.data
    found = {}
    for offset in range((TODAY - MONDAY).days + 1):
        day = MONDAY + timedelta(days=offset)
        minutes = f"{data.minutes.get(day, 0.0):.1f}".removesuffix(".0")
        sessions = sum(1 for s in data.sessions if s.day == day)
        found[day] = (minutes, str(sessions), str(data.pain[day]) if day in data.pain else "–")
    return found


async def test_the_html_report_and_history_agree_after_an_edit_a_removal_and_an_undo(make_test_app, clock, db_path):
    """Monday to Friday: a session and an evening check-in each. (Not the `store` fixture: a second
    store open in this process loses its POSIX locks when the app's opens, and the report's process,
    closing last, would then fold the WAL away under the app.)"""
    store = Store.open(db_path, clock)
    for offset in range(5):
        store.sessions.record_backfill("seven-in-seven", local(clock, MONDAY + timedelta(days=offset), 7), 6 + offset)
        store.checkins.add_checkin(
            [PainEntry(Region.LOWER_BACK, 6 - offset)],
            sitting_hours=8,
            at=local(clock, MONDAY + timedelta(days=offset), 20),
        )
    store.close()
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history_tab(pilot, "c")
        assert history_days(history) == html_report(db_path)

        # An edit: Wednesday's check-in (the third newest) goes from 4 to 9.
        await pilot.press("down", "down", "e")
        await settle(pilot)
        assert app.screen.checkin.day == MONDAY + timedelta(days=2)
        await pilot.press("9", "ctrl+s")
        await settle(pilot)
        report = html_report(db_path)
        assert report[date(2026, 11, 18)][2] == "9" and history_days(history) == report

        # A removal: Tuesday's session.
        await pilot.press("l")
        await settle(pilot)
        table = history.query_one("#history-session-table", DataTable)
        table.move_cursor(row=[row[1] for row in rows(table)].index("17 Nov"))
        await pilot.press("x", "y")
        await settle(pilot)
        report = html_report(db_path)
        assert report[date(2026, 11, 17)][:2] == ("0", "0") and history_days(history) == report

        # An undo brings it back, in both.
        await pilot.press("u")
        await settle(pilot)
        report = html_report(db_path)
        assert report[date(2026, 11, 17)][:2] == ("7", "1") and history_days(history) == report


async def test_the_session_running_in_this_app_is_not_removed(make_test_app, store):
    from pilot_helpers import into_session

    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await into_session(pilot, 5 + 26)  # the first hold is saved
        info = store.sessions.session(screen.session_id)
        app.remove_entry(store.corrections.find_entry(info.uuid))
        await settle(pilot)
        assert any(n.startswith("That session is still running") for n in notes(app))
        assert (
            store.sessions.session(screen.session_id).uuid == info.uuid and store.corrections.removed_uuids() == set()
        )


async def test_pain_noted_with_a_session_shows_on_today_and_fills_the_next_check_in(make_test_app, store, clock):
    """A 7 given before a session (killed, still open) set today's level but Today said "No
    check-in yet today" and `c` left the lower back unnoted (the third outside pass)."""
    store.sessions.start_session("one-minute", "One-Minute Unwind", 76, pain_before=7)
    clock.advance(600)
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if not isinstance(app.screen, TodayScreen):  # the resume offer first: later
            await pilot.press("escape")
            await settle(pilot)
        assert "Lower back 7/10" in text_of(app.screen, "#today-checkins")
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen)
        assert {row.pain_region: row.pain for row in form.query(PainRow)}[Region.LOWER_BACK] == 7


async def edit_the_note(pilot) -> Input:
    """History's check-ins, `e` on the first: the edit form's note field."""
    await open_history_tab(pilot, "c")
    await pilot.press("e")
    await settle(pilot)
    return pilot.app.screen.query_one("#note", Input)


async def test_keys_typed_in_a_burst_before_ctrl_s_are_all_saved(make_test_app, store):
    """Text pasted or typed fast, then Ctrl+S at once (as a terminal sends a burst): Ctrl+S was a
    priority key, handled before the note field had taken the keys before it, and ", wet myself"
    was saved as ", we" (an outside pass). Every key now reaches the form in order."""
    from textual import events

    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="meh")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        note = await edit_the_note(pilot)
        note.focus()
        note.cursor_position = len(note.value)
        await pilot.pause()
        for char in ", wet myself":  # all queued before any is handled, as from a paste
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, CheckinScreen)
    [saved] = store.checkins.checkins()
    assert saved.uuid == checkin.uuid and saved.note == "meh, wet myself"


async def test_a_note_over_the_limit_is_refused_in_the_form_not_cut(make_test_app, store):
    """The note field cut a paste at 500 characters without a word, so a red flag written at its
    end was lost (a third outside pass). The form now keeps all of it and says what is wrong, as
    `log --note` does; nothing is saved until it is short enough."""
    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="meh")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        note = await edit_the_note(pilot)
        form = app.screen
        note.value = "stiff all day. " * 40 + "both legs numb"
        await pilot.pause()
        assert note.value.endswith("both legs numb")  # nothing cut
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "is 614 characters long; the limit is 500" in str(form.query_one("#checkin-error").render())
    assert store.checkins.checkins() == [checkin]
