"""Issue 16 in the app (Pilot, frozen clock): the summary's counts, `-` at the end of a phase,
Pause/Resume, +/- in a reps step, the in-session help, a session left running behind the main
screens, main screens that show what changed while they were hidden, and the palette's screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pilot_helpers import into_session, open_library, settle, wait_until
from test_session_ui import advance, saved_session, start
from textual.widgets import DataTable, OptionList

from stretchtui.core.phases import PhaseKind
from stretchtui.core.sessions import ExerciseCounts
from stretchtui.ui.screens.help import HelpScreen, key_rows
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.session_dialogs import AlternativeScreen, PainScreen, SummaryScreen
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.widgets.navbar import NavBar


def key_bar(screen) -> dict[str, str]:
    """Shown key -> description, as the key bar draws them."""
    return {shown: description for _key, shown, description, _enabled in screen.query_one(KeyBar).keys()}


def top_bar(app) -> str:
    return app.screen.query_one(NavBar).render().plain


async def skip_to_the_end(pilot, screen: SessionScreen) -> None:
    while not screen.timer.finished:
        await pilot.press("n")
        await settle(pilot)


# --- the summary's counts ------------------------------------------------------------------------------


async def test_the_summary_counts_each_exercise_once(make_test_app, clock, db_path) -> None:
    """Seven in Seven (both sides of each, two sets of the last): the first done, the second hurts,
    the rest skipped. The summary and History's session list say 1 done, 5 skipped, 1 hurt: 7."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 5 + 25 + 5 + 25)  # the first exercise, both sides
        while not (screen.timer.phase.is_work and screen.timer.phase.exercise_index == 1):
            await pilot.press("n")  # past the rest
        await pilot.press("h", "5")
        await settle(pilot)
        if isinstance(app.screen, AlternativeScreen):
            await pilot.press("s")  # no gentler move: carry on
            await settle(pilot)
        await skip_to_the_end(pilot, screen)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        summary = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "Exercises   7 in all: 1 done · 5 skipped · 1 hurt" in summary
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.screen.action_tab("sessions")
        await settle(pilot)
        app.screen.query_one("#history-session-table", DataTable).move_cursor(row=0)
        await settle(pilot)
        detail = str(app.screen.query_one("#history-session-detail").content)
        assert "Exercises 7 in all: 1 done · 5 skipped · 1 hurt" in detail
    info, steps = saved_session(db_path, clock)
    assert info.exercises == ExerciseCounts(done=1, skipped=5, hurt=1) and len(steps) > 7


# --- "-" at the end of a phase -------------------------------------------------------------------------


async def test_minus_twice_at_the_end_of_a_hold_keeps_the_hold(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 20, "minus", "minus")  # 5 s of the first hold left
        assert screen.timer.phase.kind is PhaseKind.HOLD and screen.timer.index == 1
        assert screen.shown_digits == "0:01"
        assert app.store.sessions.session_steps(screen.session_id) == []  # no step was recorded by the key
        await advance(pilot, clock, 1)
        assert screen.timer.phase.kind is PhaseKind.SWITCH_SIDE  # the hold ended on its own, a second later


# --- Pause / Resume ------------------------------------------------------------------------------------


async def test_the_key_bar_says_resume_while_paused(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)
        assert key_bar(screen)["space"] == "Pause"
        await pilot.press("space")
        await settle(pilot)
        assert screen.timer.paused and key_bar(screen)["space"] == "Resume"
        assert "Resume" in screen.query_one(KeyBar).render().plain
        await pilot.press("space")
        await settle(pilot)
        assert not screen.timer.paused and key_bar(screen)["space"] == "Pause"


# --- +/- in a reps step ---------------------------------------------------------------------------------


async def test_plus_and_minus_in_a_reps_step_change_the_reps_shown(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "one-minute")  # Lower Trunk Rotation: 3 reps, 6 s each
        assert key_bar(screen)["+/-"] == "±10 s"  # getting ready: seconds
        await advance(pilot, clock, 5)
        assert screen.timer.phase.kind is PhaseKind.REPS
        assert screen.shown_counts.startswith("rep 1 of 3") and key_bar(screen)["+/-"] == "±1 rep"
        await pilot.press("plus")
        assert screen.shown_counts.startswith("rep 1 of 4")
        await pilot.press("minus", "minus")
        assert screen.shown_counts.startswith("rep 1 of 2")
        clock.advance(2)  # time for the 2 reps (`d` credits what the time allows)
        await pilot.press("d")
        await settle(pilot)
    _, steps = saved_session(db_path, clock)
    assert (steps[0].reps_done, steps[0].planned_reps) == (2, 3)


# --- the in-session help ---------------------------------------------------------------------------------


HELP_MOMENTS = {"get-ready": (0, ()), "hold": (5 + 2, ()), "paused": (5 + 2, ("space",))}
TRIED_KEYS = ("tab", "shift+tab", "d", "enter", "0", "x", "s", "a", "g")


@pytest.mark.parametrize("moment", list(HELP_MOMENTS))
async def test_the_in_session_help_lists_exactly_the_keys_that_work(make_test_app, monkeypatch, moment) -> None:
    """`?` lists rows read from the screen's live bindings (key_rows). Pressing every key bound
    anywhere on the way (and a few that are not): a key runs an action exactly when it is listed."""
    seconds, keys = HELP_MOMENTS[moment]
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, seconds, *keys)
        rows = key_rows(screen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        assert [tuple(table.get_row_at(i)) for i in range(table.row_count)] == [
            (row.shown, row.description, row.group) for row in rows
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        ran: dict[str, str] = {}

        async def dispatched(namespace, action_name, params) -> bool:
            assert callable(getattr(namespace, f"action_{action_name}", None)), action_name
            ran[pressing] = action_name
            return True  # noted, not run: every key is tried from the same moment

        monkeypatch.setattr(app, "_dispatch_action", dispatched)
        chain = [(key, binding) for _node, bindings in screen._modal_binding_chain for key, binding in bindings]
        system = {key for key, binding in chain if binding.system}  # Textual's "ctrl+c does not quit" hint
        for pressing in sorted({key for key, _ in chain} | set(TRIED_KEYS)):
            await pilot.press(pressing)
        listed = {key for row in rows for key in row.keys}
        assert set(ran) - system == listed
        assert {row.description for row in rows} >= {"Next", "Back", "This hurts", "End", "Help", "Library"}
        assert ("Done" in {row.description for row in rows}) == (moment != "get-ready")
        assert ("Resume" in {row.description for row in rows}) == (moment == "paused")


# --- a session left running behind the main screens -------------------------------------------------------


async def test_leaving_a_running_session_shows_it_on_every_main_screen_and_0_returns(make_test_app, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)  # started from Today: 23 s of the first hold left
        for key in "2345":
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is not screen
            assert "● Session: Seven in Seven · hold 0:23 · 0 returns to it" in top_bar(app)
            assert any(row.keys == ("0",) and row.description == "Back to the session" for row in key_rows(app.screen))
        clock.advance(3)
        screen.tick_now()  # the session keeps running behind
        await settle(pilot)
        assert "hold 0:20" in top_bar(app)
        await pilot.press("2")  # a bar that was out of sight catches up as it is shown
        await settle(pilot)
        assert "hold 0:20" in top_bar(app)
        await pilot.press("0")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("space", "2")
        await settle(pilot)
        assert "hold 0:20 · paused" in top_bar(app)
        await pilot.press("1")  # the key of the screen it was started from works too
        await settle(pilot)
        assert app.screen is screen
        assert not any(row.keys == ("0",) for row in key_rows(screen))  # nothing to return to


async def test_a_second_of_a_hold_repaints_nothing_behind_the_session(make_test_app, clock, monkeypatch) -> None:
    """Today, under a session started from it, counts as shown to Textual: a repaint of its top
    bar every second redrew the whole terminal (6.8 kB/s instead of 0.7 kB/s in `python -m bench
    --only hold`)."""
    from textual.widget import Widget

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)
        behind: list[str] = []
        real_refresh = Widget.refresh

        def refresh(self, *args, **kwargs):
            if self is not screen and self not in screen.walk_children():
                behind.append(type(self).__name__)
            return real_refresh(self, *args, **kwargs)

        monkeypatch.setattr(Widget, "refresh", refresh)
        for _ in range(3):
            await advance(pilot, clock, 1)
        assert behind == [] and app.session_badge is not None


async def test_the_badge_fits_a_small_top_bar(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await into_session(pilot, 5 + 2, "2")
        bar = top_bar(app)
        assert bar.startswith(" ● hold 0:23 · 0 back ") and len(bar) <= 80


@pytest.mark.parametrize("over", [None, "i", "question_mark"])
async def test_a_session_that_ends_behind_another_screen_comes_to_the_front_to_finish(
    make_test_app, clock, db_path, over
) -> None:
    """It ends while the person looks at the Library, or at a sheet over the session: the session
    comes to the front for its last question and summary, and closing the summary closes the
    session, never the screen that happened to be on top."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)
        await pilot.press(over or "2")
        await settle(pilot)
        assert app.screen is not screen
        clock.advance(3600)
        screen.tick_now()
        await settle(pilot)
        assert app.current_mode == "today" and isinstance(app.screen, PainScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen" and app.session_badge is None
        assert "● " not in top_bar(app)
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "LibraryScreen"
    info, _ = saved_session(db_path, clock)
    assert info.pain_after == 3


async def test_a_second_session_is_not_started_while_one_runs(make_test_app, db_path, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("s")  # Routines: start the highlighted routine
        await settle(pilot)
        assert app.screen is screen
        assert any("still running" in n.message for n in app._notifications)
    from stretchtui.store import Store

    store = Store.open(db_path, clock)
    try:
        assert len(store.history.sessions_list()) + (store.sessions.interrupted_session() is not None) == 1
    finally:
        store.close()


# --- main screens show what changed while they were hidden ------------------------------------------------


async def test_a_routine_made_in_the_library_is_listed_in_routines(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        routines = app.screen
        await open_library(pilot)
        name = app.screen.selected_exercise().name
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # "+ A new routine"
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen is routines
        assert f"My {name} routine" in [r.name for r in routines.routines]
        options = routines.query_one("#routine-list", OptionList)
        assert any(
            f"My {name} routine" in str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )


async def test_a_check_in_made_elsewhere_shows_in_history_and_today(make_test_app) -> None:
    from stretchtui.core.checkins import PainEntry, Region

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "no notes yet" in str(app.screen.query_one("#trends-pain").content)
        await pilot.press("5")
        await settle(pilot)
        app.store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 6)], sitting_hours=7)  # `stretchtui log`, say
        await pilot.press("4")
        await settle(pilot)
        assert "6 → 6" in str(app.screen.query_one("#trends-pain").content)
        await pilot.press("1")
        await settle(pilot)
        card = str(app.screen.query_one("#today-checkins").content)
        assert "6/10" in card and "7 h" in card


async def test_a_favourite_set_elsewhere_shows_in_the_library(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        library = app.screen
        exercise = library.selected_exercise()
        assert not exercise.favourite
        await pilot.press("1")
        await settle(pilot)
        app.store.library.set_favourite(exercise.id, True)  # another window, say
        await pilot.press("2")
        await settle(pilot)
        options = library.query_one("#exercise-list", OptionList)
        assert str(options.get_option_at_index(options.highlighted).prompt).startswith("★ ")
        assert library.selected_exercise().id == exercise.id


async def test_a_setting_changed_elsewhere_shows_in_settings(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        settings = app.screen
        assert settings.query_one("#goal_minutes").value == 5
        await pilot.press("1")
        await settle(pilot)
        app.store.settings.set("goal_minutes", 15)  # another window, say
        await pilot.press("5")
        await settle(pilot)
        assert app.screen is settings and settings.query_one("#goal_minutes").value == 15


# --- the palette's screenshot -----------------------------------------------------------------------------


async def test_the_palette_screenshot_lands_in_the_current_directory_and_says_where(
    make_test_app, tmp_path, monkeypatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"screenshot", "enter")
        await wait_until(pilot, lambda: list(here.glob("*.svg")))
        await settle(pilot)
        [saved] = here.glob("*.svg")
        assert saved.name == "stretchtui-20261121-093000.svg" and saved.stat().st_mode & 0o777 == 0o600
        assert "<svg" in saved.read_text()
        assert any(n.title == "Screenshot" and str(saved) in n.message for n in app._notifications)
        assert Path(app.deliver_screenshot()).name == "stretchtui-20261121-093000-2.svg"  # never over one


async def test_a_screenshot_goes_to_the_data_directory_when_the_current_one_is_gone(
    make_test_app, tmp_path, monkeypatch, db_path
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    os.rmdir(gone)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        saved = Path(app.deliver_screenshot())
        await settle(pilot)
        assert saved.parent == db_path.parent and saved.exists()
        assert any(str(saved) in n.message for n in app._notifications)


async def test_q_on_a_main_screen_with_a_session_behind_asks_before_quitting(make_test_app, clock) -> None:
    from stretchtui.ui.screens.dialogs import ConfirmScreen

    app = make_test_app()
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await into_session(pilot, 5 + 2)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "still running" in app.screen.question
        await pilot.press("n")  # keep going: nothing ends
        await settle(pilot)
        assert app.is_running and app.screen is not screen
        await pilot.press("0")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("2", "q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert app.return_code in (0, None)
