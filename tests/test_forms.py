"""Every form behaves the same (issue 16, "Forms"): the first field has the focus when it opens,
typed text goes into the field whatever the key is bound to elsewhere, Esc asks before throwing
changes away, errors read as plain English under each bad field, and values show as typed."""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from pilot_helpers import open_library, settle, type_text
from textual import events
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static, TextArea

from stretchtui.core import phases, validation
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Dose, Origin
from stretchtui.store import Store
from stretchtui.ui.screens.builder import RoutineBuilder
from stretchtui.ui.screens.checkin import CheckinScreen
from stretchtui.ui.screens.dialogs import ConfirmScreen
from stretchtui.ui.screens.exercise_form import ExerciseForm
from stretchtui.ui.screens.form import FIELDS, Form
from stretchtui.ui.screens.item_editor import ItemEditor

OWN_EXERCISE = {
    "id": "my-doorframe-slides",
    "name": "Doorframe slides",
    "areas": ["mid-upper-back"],
    "kind": "mobility",
    "position": "standing",
    "intensity": 1,
    "steps": ["Stand in a doorway.", "Slide your arms up."],
    "dose": {"reps": 10},
}
# Every key a person might type into a text field, many of them bound somewhere: 1-5 switch
# screens, q quits, ? helps, a adds, n makes new, x removes, K/J move, s starts, c checks in...
TYPED = string.ascii_lowercase + string.ascii_uppercase + string.digits + " ?/+-*.,"


@pytest.fixture
def own(store: Store) -> str:
    """An own exercise, an own routine with it and today's check-in (so every form can be opened
    with something in its fields); the routine's id."""
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], sitting_hours=7, note="stiff")
    exercise = store.library.save_exercise(replace(validation.exercise(OWN_EXERCISE, origin=Origin.USER), id=""))
    mine = store.library.duplicate_routine("lower-back-five", "Mine")
    store.library.save_routine(replace(mine, items=(*mine.items, replace(mine.items[0], exercise_id=exercise.id))))
    return mine.id


async def new_exercise(pilot) -> None:
    await open_library(pilot)
    await pilot.press("n")


async def edit_exercise(pilot) -> None:
    await open_library(pilot)
    await pilot.press("slash")
    await type_text(pilot, "doorframe slides")
    await pilot.press("enter", "e")


async def new_routine(pilot) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("n")


async def edit_routine(pilot) -> None:
    await settle(pilot)
    await pilot.press("e")  # the app opens on the own routine (show_routine)


async def edit_item_dose(pilot) -> None:
    await edit_routine(pilot)
    await settle(pilot)
    pilot.app.screen.query_one(DataTable).focus()
    await pilot.press("enter")


async def check_in(pilot) -> None:
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("c")  # today's check-in, its values filled in


OPENERS: dict[str, Callable[..., Awaitable[None]]] = {
    "new-exercise": new_exercise,
    "edit-exercise": edit_exercise,
    "new-routine": new_routine,
    "edit-routine": edit_routine,
    "item-dose": edit_item_dose,
    "check-in": check_in,
}
FORM_TYPES = {
    "new-exercise": ExerciseForm,
    "edit-exercise": ExerciseForm,
    "new-routine": RoutineBuilder,
    "edit-routine": RoutineBuilder,
    "item-dose": ItemEditor,
    "check-in": CheckinScreen,
}


async def open_form(pilot, which: str) -> Screen:
    await OPENERS[which](pilot)
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FORM_TYPES[which]) and isinstance(form, Form)
    return form


async def type_quickly(pilot, text: str) -> None:
    """Type `text` as a fast typist (or a paste without bracketed paste) does: every key is sent at
    once, through the terminal driver as Pilot sends them, then the app catches up."""
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await settle(pilot)


def text_fields(form: Screen) -> list[Input | TextArea]:
    return [field for field in form.query("Input, TextArea") if field.focusable]


def value(field: Input | TextArea) -> str:
    return field.text if isinstance(field, TextArea) else field.value


@pytest.mark.parametrize("which", list(OPENERS))
async def test_every_form_focuses_its_first_field(make_test_app, own, which) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, which)
        first = next(field for field in form.query(FIELDS) if field.focusable)
        assert app.focused is first
        if isinstance(first, Input):
            assert first.selection.is_empty and first.cursor_position == len(first.value)  # nothing to type over


@pytest.mark.parametrize("which", list(OPENERS))
async def test_typed_keys_go_into_every_text_field_and_nowhere_else(make_test_app, own, which) -> None:
    """Each text field of the form gets every letter, digit and a few signs typed into it, after
    what it held: it holds exactly that, and the form, its focus, its routine and the app stay as
    they were. (The report: `a` in the builder replaced the routine's name with 'a'.)"""
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, which)
        stack, mode = list(app.screen_stack), app.current_mode
        items = list(form.items) if isinstance(form, RoutineBuilder) else None
        fields = text_fields(form)
        assert fields
        for field in fields:
            before = value(field)
            field.focus()
            await pilot.pause()
            # A field with a length limit (the check-in's hours sat) gets the keys a few at a time.
            room = (getattr(field, "max_length", 0) or len(before) + len(TYPED)) - len(before)
            for start in range(0, len(TYPED), room):
                typed = TYPED[start : start + room]
                if start:
                    field.value = before
                if isinstance(field, TextArea):
                    field.move_cursor(field.document.end)
                await type_quickly(pilot, typed)
                assert value(field) == before + typed, field.id
                assert app.screen_stack == stack and app.current_mode == mode and app.focused is field
            if items is not None:
                assert form.items == items


async def test_a_field_with_text_is_added_to_not_replaced(make_test_app, own) -> None:
    """The report: pressing `a` in the builder replaced the routine's name with 'a'."""
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "edit-routine")
        await pilot.press("a")
        assert form.query_one("#routine-name", Input).value == "Minea"
        for field in form.query(Input):  # and after moving between fields, too
            field.focus()
            await pilot.press("end", "b")
        assert form.query_one("#routine-name", Input).value == "Mineab"
        assert form.query_one("#rest-between", Input).value == "10b"


@pytest.mark.parametrize("which", list(OPENERS))
async def test_escape_on_an_unchanged_form_just_closes(make_test_app, own, which) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, which)
        await pilot.press("escape")
        await settle(pilot)
        assert form not in app.screen_stack and not isinstance(app.screen, ConfirmScreen)


@pytest.mark.parametrize("which", list(OPENERS))
async def test_escape_on_a_changed_form_asks_before_discarding(make_test_app, own, db_path, clock, which) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, which)
        field = text_fields(form)[0]
        field.focus()
        await type_text(pilot, "7")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing: the change is still there
        await settle(pilot)
        assert app.screen is form and value(field).endswith("7")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert form not in app.screen_stack
    store = Store.open(db_path, clock)
    assert all("7" not in ex.name for ex in store.library.exercises() if ex.origin is Origin.USER)
    assert all("7" not in r.name for r in store.library.routines())
    assert store.library.routine(own).items[0].hold_seconds is None
    store.close()


async def test_changing_a_field_back_is_no_change(make_test_app, own) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "new-exercise")
        await type_text(pilot, "x")
        await pilot.press("backspace", "escape")
        await settle(pilot)
        assert form not in app.screen_stack and not isinstance(app.screen, ConfirmScreen)


def test_field_errors_read_as_plain_english() -> None:
    def message(data: dict) -> list[str]:
        with pytest.raises(FieldError) as raised:
            validation.exercise(data, origin=Origin.USER)
        return [validation.for_people(error) for error in raised.value.errors]

    blank = {
        "id": "my-new",
        "name": "",
        "areas": [],
        "kind": "mobility",
        "position": None,
        "intensity": 1,
        "steps": [],
        "dose": {"hold_seconds": 0, "reps": 0},
    }
    assert message(blank) == [
        "Name: must not be empty",
        "Areas: choose at least one",
        "Position: choose one",
        "Steps: add at least one step",
        "Hold: set a hold in seconds, a number of reps, or both",
    ]
    wrong = {**OWN_EXERCISE, "dose": {"hold_seconds": 999, "reps": "ten", "sets": 0, "pace_seconds": 0}}
    assert message(wrong) == [
        "Hold: must be between 0 and 600 seconds, not 999",
        "Reps: must be a whole number, not 'ten'",
        "Sets: must be between 1 and 10, not 0",
        "Pace: must be between 1 and 60 seconds, not 0",
    ]
    with pytest.raises(FieldError) as raised:
        validation.integer(" ", "rest_between_seconds", 0, validation.MAX_REST, validation.SECONDS)
    assert validation.for_people(raised.value) == "Rest between exercises: must be a whole number of seconds"
    assert validation.field_label("routines[0].items[2].rest_after_seconds") == "Rest after"
    assert validation.field_label("steps[1]") == "Steps, line 2"
    # A file's reader still names one field, the first, by its path.
    with pytest.raises(FieldError, match=r"^dose\.hold_seconds: must be between 0 and 600 seconds, not 999$"):
        validation.exercise(wrong, origin=Origin.USER)


async def test_every_error_shows_at_once_and_each_clears_when_fixed(make_test_app, own) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "item-dose")
        error = lambda field: str(form.query_one(f"#{field}-error", Static).content)  # noqa: E731
        for field, typed in (("hold_seconds", "999"), ("reps", "many"), ("sets", "0")):
            form.query_one(f"#{field}", Input).focus()
            form.query_one(f"#{field}", Input).clear()
            await type_text(pilot, typed)
        assert error("hold_seconds") == "Hold: must be between 0 and 600 seconds, not 999"
        assert error("reps") == "Reps: must be a whole number, not 'many'"
        assert error("sets") == "Sets: must be between 1 and 10, not 0"
        await pilot.press("ctrl+s")  # refused: still the editor, the item as it was
        assert app.screen is form
        form.query_one("#sets", Input).value = "2"
        await pilot.pause()
        assert error("sets") == "" and error("reps") and error("hold_seconds")
        form.query_one("#reps", Input).value = ""
        form.query_one("#hold_seconds", Input).value = "45"
        await pilot.pause()
        assert error("reps") == error("hold_seconds") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        builder = app.screen
        assert isinstance(builder, RoutineBuilder)
        assert (builder.items[0].hold_seconds, builder.items[0].sets) == (45, 2)


async def test_a_new_form_is_not_told_off_before_it_is_filled_in(make_test_app, own) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "new-exercise")
        assert not [line for line in form.query(".field-error") if line.display]
        await type_text(pilot, "Wall")
        form.query_one("#hold_seconds", Input).value = "x"
        await pilot.pause()
        shown = {line.id for line in form.query(".field-error") if line.display}
        assert shown == {"hold_seconds-error"}  # only the field that was changed, and is wrong


def test_a_hold_with_reps_is_allowed_by_design_each_rep_is_held() -> None:
    """The timer paces reps by the hold when there is one: validation lets both through, and
    the forms say how such a dose runs."""
    dose = validation.dose({"hold_seconds": 5, "reps": 10, "pace_seconds": 3})
    assert phases.seconds_per_rep(dose) == 5
    from stretchtui.ui.screens.form import dose_line

    assert dose_line(dose) == "10 reps, hold 5 s each · about 50 s. Each rep is held 5 s, so the pace is not used."
    assert dose_line(Dose(reps=10)) == "10 reps · about 30 s. One rep every 3 s."
    with pytest.raises(FieldError, match="set a hold in seconds, a number of reps, or both"):
        validation.dose({"hold_seconds": 0, "reps": 0})


async def test_the_exercise_form_shows_how_a_hold_with_reps_runs(make_test_app, own) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "new-exercise")
        form.query_one("#hold_seconds", Input).value = "5"
        form.query_one("#reps", Input).value = "10"
        await pilot.pause()
        summary = str(form.query_one("#dose-summary", Static).content)
        assert summary == "Dose: 10 reps, hold 5 s each · about 50 s. Each rep is held 5 s, so the pace is not used."
        assert not [line for line in form.query(".field-error") if line.display]


async def test_the_builder_shows_values_as_typed_and_refuses_one_out_of_range(
    make_test_app, own, db_path, clock
) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        builder = await open_form(pilot, "edit-routine")
        rest = builder.query_one("#rest-between", Input)
        rest.focus()
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "999")
        table = builder.query_one(DataTable)
        assert str(table.get_row_at(0)[3]) == "999 s"  # as typed, not the default
        assert (
            str(builder.query_one("#rest-between-error", Static).content)
            == "Rest between exercises: must be between 0 and 600 seconds, not 999"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder and app.focused is rest
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "60x")
        assert str(table.get_row_at(0)[3]) == "?"
        assert "Total ?" in str(builder.query_one("#builder-total", Label).content)
        await pilot.press("backspace", "0")
        assert str(builder.query_one("#rest-between-error", Static).content) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not builder
    store = Store.open(db_path, clock)
    assert store.library.routine(own).rest_between_seconds == 600
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_the_builder_list_fits_and_never_cuts_the_time(make_test_app, store, size) -> None:
    """The widest built-in routine, plus an own exercise with the longest name a name may have."""
    long_name = "A very long name for an exercise that a physiotherapist gave me, in full words"
    assert len(long_name) <= validation.MAX_NAME
    exercise = store.library.save_exercise(
        replace(validation.exercise({**OWN_EXERCISE, "name": long_name}, origin=Origin.USER), id="")
    )
    spine = store.library.duplicate_routine("spine-series", "Wide")
    store.library.save_routine(replace(spine, items=(*spine.items, replace(spine.items[0], exercise_id=exercise.id))))
    app = make_test_app(show_routine=spine.id)
    async with app.run_test(size=size) as pilot:
        builder = await open_form(pilot, "edit-routine")
        table = builder.query_one(DataTable)
        columns = list(table.columns.values())
        used = sum(column.get_render_width(table) for column in columns)
        assert used <= table.scrollable_content_region.width and table.max_scroll_x == 0
        times = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert columns[4].width >= max(len(t) for t in times)  # every time in full
        assert str(table.get_row_at(table.row_count - 1)[1]) == long_name  # the cell keeps it; it shows cut
        if size == (100, 32):
            shown = [str(table.get_row_at(i)[1]) for i in range(table.row_count - 1)]
            assert columns[1].width >= max(len(name) for name in shown)  # built-in names in full at 100


async def test_q_away_from_a_text_field_leaves_the_builder_not_the_app(make_test_app, own) -> None:
    """`q` is text in a text field; with a button or list of the routine builder (a full screen,
    so the app's keys reach it) focused it used to quit the app, changes and all. Now it leaves the
    form as Esc does, asking first when something changed."""
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, "new-routine")  # a full screen: the app's keys reach it
        await type_text(pilot, "Neck roll")
        form.query_one("#builder-items").focus()
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form


# Digits Python calls digits but cannot read ('²', '①'), and more digits than int() reads, in every
# field of every form: each is a field's one-line message, never a traceback (the outside pass
# found `str.isdigit` then `int()` in four readers; core.digits.whole_number is the one now).
NOT_NUMBERS = ("²", "1²", "①", "1" * 5000)


@pytest.mark.parametrize("which", ["new-exercise", "item-dose", "new-routine"])
async def test_digits_int_cannot_read_are_a_field_message_in_every_form(make_test_app, own, which: str) -> None:
    app = make_test_app(show_routine=own)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(pilot, which)
        told = set()
        for field in [f for f in form.query(Input) if f.id and form.query(f"#{f.id}-error")]:
            for typed in NOT_NUMBERS:
                field.value = typed
                await pilot.pause()
                error = str(form.query_one(f"#{field.id}-error", Static).content)
                assert "\n" not in error
                if "whole number" in error:
                    told.add(field.id)
            field.value = ""
        assert app.is_running and app.screen is form
        numbers = {"new-exercise": {"hold_seconds", "reps", "sets"}, "item-dose": {"hold_seconds", "reps", "sets"}}
        assert numbers.get(which, {"rest-between"}) <= told
