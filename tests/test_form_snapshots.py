"""Snapshots of the forms (tests/test_forms.py drives them): every error under its field, a value
out of range shown as typed, how a hold with reps runs, the question before discarding changes.
Synchronous on purpose: snap_compare runs its own event loop."""

from __future__ import annotations

import pytest
from pilot_helpers import open_library, settle, type_text
from textual.widgets import DataTable, Input

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((100, 32), id="100x32")]


@pytest.mark.parametrize("size", SIZES)
def test_exercise_form_with_every_error(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await open_library(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_builder_with_a_rest_out_of_range(snap_compare, make_test_app, store, size) -> None:
    """The widest built-in routine: every column fits, the rest shows as typed, with its error."""
    wide = store.library.duplicate_routine("spine-series", "Spine, mine")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#rest-between", Input).focus()
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "999")
        await settle(pilot)

    assert snap_compare(make_test_app(show_routine=wide.id), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_item_editor_with_a_hold_and_reps(snap_compare, make_test_app, store, size) -> None:
    wide = store.library.duplicate_routine("spine-series", "Spine, mine")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_test_app(show_routine=wide.id), terminal_size=size, run_before=run_before)


def test_discard_changes_question(snap_compare, make_test_app) -> None:
    async def run_before(pilot) -> None:
        await open_library(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Wall")
        await pilot.press("escape")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)
