"""Pilot tests: library search and filters, building routines, duplicating built-ins, own exercises."""

from __future__ import annotations

from pilot_helpers import open_library, settle, type_text
from textual.widgets import Checkbox, DataTable, Input, Select

from stretchtui.core.model import Area, Kind, Origin
from stretchtui.store import Store
from stretchtui.ui.screens.builder import RoutineBuilder
from stretchtui.ui.screens.dialogs import ConfirmScreen, PickScreen
from stretchtui.ui.screens.exercise_form import ExerciseForm
from stretchtui.ui.screens.library import LibraryScreen
from stretchtui.ui.screens.routines import RoutinesScreen


async def test_search_matches_aliases_and_areas(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash")
        # an alias of the piriformis stretch ("figure" alone also finds the seated figure-four)
        await type_text(pilot, "supine figure")
        assert [ex.id for ex in screen.shown] == ["piriformis-stretch"]
        app.screen.query_one("#search", Input).value = "neck"  # an area
        await pilot.pause()
        assert screen.shown and all(Area.NECK in ex.areas for ex in screen.shown)


async def test_filters_narrow_and_clear(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        total = len(screen.shown)
        app.screen.query_one("#filter-kind", Select).value = Kind.STRENGTH
        await pilot.pause()
        assert screen.shown and all(ex.kind is Kind.STRENGTH for ex in screen.shown)
        app.screen.query_one("#filter-desk", Checkbox).value = True
        await pilot.pause()
        assert all(ex.desk_friendly and ex.kind is Kind.STRENGTH for ex in screen.shown)
        assert str(app.screen.query_one("#match-count").content) == f"{len(screen.shown)} of {total}"
        app.screen.query_one("#filter-equipment", Select).value = "none"
        app.screen.query_one("#filter-kind", Select).clear()
        await pilot.pause()
        assert all(not ex.equipment and ex.desk_friendly for ex in screen.shown)
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.shown) == total


async def test_favourite_is_saved(make_test_app, db_path, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        first = app.screen.selected_exercise()
        await pilot.press("f")
        await settle(pilot)
    store = Store.open(db_path, clock)
    assert store.library.exercise(first.id).favourite is True
    store.close()


async def test_build_and_save_a_routine_then_find_it_after_a_restart(make_test_app, db_path, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, RoutinesScreen)
        await pilot.press("n")
        assert isinstance(app.screen, RoutineBuilder)
        await type_text(pilot, "My ten")
        await pilot.press("enter")  # to the list
        for query in ("cat-cow", "bridge", "child"):
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, PickScreen)
            await type_text(pilot, query)
            await pilot.press("enter")
            await pilot.pause()
        builder = app.screen
        assert isinstance(builder, RoutineBuilder)
        assert [i.exercise_id for i in builder.items] == ["cat-cow", "bridge", "childs-pose"]
        await pilot.press("K")  # move Child's Pose up one
        assert [i.exercise_id for i in builder.items] == ["cat-cow", "childs-pose", "bridge"]
        expected = builder.draft().duration_seconds(builder.exercises)
        assert f"{expected // 60} min" in str(app.screen.query_one("#builder-total").content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RoutinesScreen)
    store = Store.open(db_path, clock)
    saved = next(r for r in store.library.routines() if r.name == "My ten")
    assert saved.origin is Origin.USER and len(saved.items) == 3
    assert saved.duration_seconds(store.library.exercise_index()) == expected
    store.close()
    again = make_test_app()  # "quit, open again: it is there with the right duration"
    async with again.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert any(r.id == saved.id for r in again.screen.routines)


async def test_builder_validates_before_saving(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await pilot.press("ctrl+s")  # both problems at once: the name's under it, the list's on the form's line
        assert str(app.screen.query_one("#routine-name-error").content) == "Name: must not be empty"
        assert "Add at least one exercise" in str(app.screen.query_one("#builder-error").content)
        await type_text(pilot, "Empty")
        assert str(app.screen.query_one("#routine-name-error").content) == ""
        await pilot.press("ctrl+s")
        assert "Add at least one exercise" in str(app.screen.query_one("#builder-error").content)
        assert isinstance(app.screen, RoutineBuilder)


async def test_duplicate_then_edit_a_built_in_routine(make_test_app, db_path, clock) -> None:
    app = make_test_app(show_routine="seven-in-seven")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoutinesScreen) and screen.selected.id == "seven-in-seven"
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        builder = app.screen
        assert isinstance(builder, RoutineBuilder)
        app.screen.query_one(DataTable).focus()
        await pilot.press("x")  # remove the first stretch
        await pilot.press("enter")  # edit the new first item's dose
        await pilot.pause()
        app.screen.query_one("#hold_seconds", Input).value = "40"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert builder.items[0].hold_seconds == 40
        await pilot.press("ctrl+s")
        await settle(pilot)
    store = Store.open(db_path, clock)
    built_in = store.library.routine("seven-in-seven")
    copy = next(r for r in store.library.routines() if r.name == "Seven in Seven (my copy)")
    assert len(built_in.items) == 7 and all(i.hold_seconds != 40 for i in built_in.items[:1])
    assert len(copy.items) == 6 and copy.items[0].hold_seconds == 40 and copy.origin is Origin.USER
    store.close()


async def test_own_exercise_validation_then_save_and_search(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_library(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ExerciseForm)
        await pilot.press("ctrl+s")
        error = lambda field: str(form.query_one(f"#{field}-error").content)  # noqa: E731
        assert error("name") == "Name: must not be empty"  # every problem at once, each under its field
        assert error("areas") == "Areas: choose at least one"
        assert error("position") == "Position: choose one"
        assert error("steps") == "Steps: add at least one step"
        assert error("hold_seconds") == "Hold: set a hold in seconds, a number of reps, or both"
        assert form.focused is form.query_one("#name")
        await type_text(pilot, "Wall angels")
        assert error("name") == ""  # cleared as soon as it is fixed
        form.query_one("#areas").select("mid-upper-back")
        form.query_one("#position", Select).value = "standing"
        await pilot.pause()
        assert error("areas") == error("position") == ""
        form.query_one("#steps").text = "Stand with your back to a wall.\nSlide your arms up and down slowly."
        form.query_one("#reps", Input).value = "abc"
        await pilot.pause()
        assert error("steps") == ""
        assert error("reps") == "Reps: must be a whole number, not 'abc'"
        form.query_one("#reps", Input).value = "10"
        await pilot.press("ctrl+s")
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        mine = next(ex for ex in library.all_exercises if ex.name == "Wall angels")
        assert mine.id == "my-wall-angels" and mine.origin is Origin.USER
        await pilot.press("slash")
        await type_text(pilot, "wall")
        assert [ex.id for ex in library.shown if ex.origin is Origin.USER] == ["my-wall-angels"]


async def test_add_to_routine_from_the_library(make_test_app, db_path, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        await pilot.press("slash")
        await type_text(pilot, "cat")
        await pilot.press("enter", "a")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # "+ A new routine"
        await settle(pilot)
    store = Store.open(db_path, clock)
    mine = [r for r in store.library.routines() if r.editable]
    assert [(r.name, [i.exercise_id for i in r.items]) for r in mine] == [("My Cat-Cow routine", ["cat-cow"])]
    store.close()


async def test_delete_own_routine_asks_first(make_test_app, store) -> None:
    mine = store.library.duplicate_routine("desk-break", "Scratch")
    app = make_test_app(show_routine=mine.id)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert store.library.routine(mine.id) is not None
        await pilot.press("delete", "y")
        await settle(pilot)
        assert store.library.routine(mine.id) is None


async def test_settings_persist(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one("#day_start_hour", Select).value = 5
        await settle(pilot)
    assert store.settings.day_start_hour() == 5
