"""Snapshot tests (pytest-textual-snapshot) on seeded data and a frozen clock, at two sizes.
Synchronous on purpose: snap_compare runs its own event loop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilot_helpers import into_session, settle, wait_until

from stretchtui.core.days import today
from stretchtui.core.history import week_start

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
READABLE_SIZES = [*SIZES, pytest.param((200, 50), id="200x50")]  # issue 19: read from the floor


@pytest.mark.parametrize("size", SIZES)
def test_library_with_a_selected_exercise(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", "c", "a", "t", "enter")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_routines_list(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(show_routine="seven-in-seven"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_routine_builder(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("c")  # duplicate the highlighted built-in routine into an editable copy
        await settle(pilot)
        pilot.app.screen.query_one("DataTable").focus()
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_test_app(show_routine="lower-back-five"), terminal_size=size, run_before=run_before)


SESSION_MOMENTS = {
    "get-ready": (0, ()),
    "hold-mid-countdown": (5 + 13.4, ()),
    "switch-side": (5 + 25 + 2, ()),
    "paused": (5 + 9, ("space",)),
    "summary": (5 + 25 + 5 + 25 + 3, ("q", "s", "2")),
}


@pytest.mark.parametrize("size", READABLE_SIZES)
@pytest.mark.parametrize("moment", list(SESSION_MOMENTS))
def test_session(snap_compare, make_test_app, size, moment) -> None:
    seconds, keys = SESSION_MOMENTS[moment]

    async def run_before(pilot) -> None:
        await into_session(pilot, seconds, *keys)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_today_after_a_check_in(snap_compare, make_test_app, store, size) -> None:
    from stretchtui.core.checkins import PainEntry, Region

    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 6), PainEntry(Region.NECK, 2, "left")], sitting_hours=9)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", READABLE_SIZES)
@pytest.mark.parametrize("tab", ["week", "trends", "sessions", "streak"])
def test_history(snap_compare, make_test_app, stable_uuids, store, clock, size, tab) -> None:
    """Sessions: the list over its detail below 120 columns, so the pain column shows ("4→3 hurt 5"
    on Wednesday: a step that hurt), beside it from 120."""
    from history_data import fill_history_fast
    from report_data import add_week_details

    fill_history_fast(store, clock, days=120)
    if tab == "sessions":
        add_week_details(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        pilot.app.screen.action_tab(tab)
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


TODAY_STATES = {
    "normal": ([], 2, None),
    "gentle": ([("lower-back", 5)], 9, None),
    "blocked": ([("lower-back", 9)], None, None),
    "red-flag": ([("leg", 4)], None, {"saddle": True}),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(TODAY_STATES))
def test_today_states(snap_compare, make_test_app, store, size, state) -> None:
    from stretchtui.core.checkins import PainEntry, Region

    pains, sitting, flags = TODAY_STATES[state]
    store.checkins.add_checkin([PainEntry(Region(region), pain) for region, pain in pains], sitting_hours=sitting)
    if flags is not None:
        store.safety.save_safety(answers=flags)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


def report_laid_out(screen, monday) -> bool:
    from textual.widgets import DataTable

    report = getattr(screen, "report", None)
    if report is None or report.monday != monday:
        return False
    tables = [t for t in screen.query(DataTable) if t.display and t.row_count]
    return bool(tables) and all(t.size.height >= t.row_count + 1 for t in tables)  # rows and the header


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("week", ["this-week", "week-before"])
def test_weekly_report(snap_compare, make_test_app, store, clock, size, week) -> None:
    """History's `r` opens this week's report; `p` steps back to the week before."""
    from history_data import fill_history_fast
    from report_data import add_week_details

    fill_history_fast(store, clock, days=120)
    add_week_details(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        from stretchtui.ui.screens.history import HistoryScreen
        from stretchtui.ui.screens.report import ReportScreen

        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "History")  # before its key
        await settle(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReportScreen), "the report screen")
        await settle(pilot)
        if week == "week-before":
            await pilot.press("p")
            await settle(pilot)
        # The report's tables are sized by DataTable on idle, after the load: a busy machine once
        # took the picture before (CI, tables missing). Wait until the week asked for is shown
        # and every table with rows has its height.
        monday = week_start(today(clock)) - timedelta(weeks=1 if week == "week-before" else 0)
        await wait_until(pilot, lambda: report_laid_out(pilot.app.screen, monday), f"the report of {monday}")

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


FIGURES = ("cat-cow", "bridge", "childs-pose", "sit-to-stand", "bird-dog", "lower-trunk-rotation")


def test_a_few_figures(snap_compare) -> None:
    """Figures drawn from their poses (core.poses) in braille: held and moving ones (their keyframes
    side by side, as the library shows them), a two-sided one mirrored for the right side."""
    from textual.app import App, ComposeResult
    from textual.containers import Grid, Vertical
    from textual.widgets import Static

    from stretchtui.ui.widgets.pose_figure import PoseFigure

    class Figures(App):
        CSS = "Grid { grid-size: 3; grid-rows: 1fr; } .name { height: 1; } PoseFigure { height: 1fr; }"

        def compose(self) -> ComposeResult:
            with Grid():
                for exercise_id in FIGURES:
                    with Vertical():
                        yield Static(exercise_id, classes="name")
                        figure = PoseFigure()
                        figure.exercise_id = exercise_id
                        figure.keyframes = exercise_id != "bird-dog"
                        figure.right = exercise_id == "bird-dog"
                        yield figure

    async def run_before(pilot) -> None:
        await settle(pilot)  # the poses are read in a thread

    assert snap_compare(Figures(), terminal_size=(120, 30), run_before=run_before)
