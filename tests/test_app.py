"""Pilot tests of the app frame and the library screen."""

from __future__ import annotations

from pilot_helpers import open_library, settle
from textual.widgets import Input, OptionList

from stretchtui.core.library import load_library
from stretchtui.ui.screens.help import HelpScreen
from stretchtui.ui.screens.library import LibraryScreen
from stretchtui.ui.widgets.exercise_detail import ExerciseDetail


async def test_app_starts_on_today(make_test_app) -> None:
    from stretchtui.ui.screens.today import TodayScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "No check-in yet today." in str(app.screen.query_one("#today-checkins").content)
        assert str(app.screen.query_one("#today-streak").content).startswith("Streak  0 days")


async def test_the_library_lists_the_seeded_exercises(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        seeded = len(load_library().exercises)  # every exercise of the seed files, none hidden
        assert screen.query_one("#exercise-list", OptionList).option_count == seeded >= 30
        assert screen.query_one(ExerciseDetail).exercise is not None


async def test_search_finds_cat_cow_and_shows_its_steps(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        await pilot.press("slash", "c", "a", "t")
        assert app.screen.query_one("#search", Input).value == "cat"
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [ex.id for ex in screen.shown] == ["cat-cow"]
        assert str(app.screen.query_one("#match-count").content) == f"1 of {len(app.store.library.exercises())}"
        detail = screen.query_one(ExerciseDetail)
        assert detail.exercise is not None and detail.exercise.name == "Cat-Cow"
        assert "hands and knees" in " ".join(detail.exercise.steps)


async def test_help_lists_the_screen_keys(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = [
            app.screen.query_one("DataTable").get_row_at(i) for i in range(app.screen.query_one("DataTable").row_count)
        ]
        described = {row[1] for row in rows}
        assert {"Search", "Favourite", "Help", "Quit", "Library"} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_theme_choice_persists(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "textual-light"
    again = make_test_app()
    async with again.run_test() as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"


async def test_size_classes_only_where_a_sheet_uses_them(make_test_app) -> None:
    """-slim and -short are set on the screens whose sheets tighten them (each change restyles
    every widget of the screen), not on Today or History."""
    from stretchtui.ui.screens.dialogs import ConfirmScreen

    app = make_test_app()
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(pilot)
        assert not {"-slim", "-short"} & set(app.screen.classes)  # Today
        await pilot.press("2")
        await settle(pilot)
        assert "-slim" in app.screen.classes  # Library: the list above the detail
        app.push_screen(ConfirmScreen("Sure?"))
        await pilot.pause()
        assert "-slim" in app.screen.classes  # a dialog: its buttons stack
        app.pop_screen()
        await pilot.press("4")
        await settle(pilot)
        assert not {"-slim", "-short"} & set(app.screen.classes)  # History
