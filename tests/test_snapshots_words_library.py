"""Snapshots for issue 16's words and library items (the test_snapshots.py way: synchronous
snap_compare, seeded data, the frozen clock)."""

from __future__ import annotations

import pytest
from pilot_helpers import settle, type_text
from test_words_library import _own_exercise, interrupt_after

from stretchtui.core.model import Origin, Routine, RoutineItem


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((100, 32), id="100x32")])
def test_settings_help_wraps(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


def test_resume_dialog(snap_compare, make_test_app, store, clock) -> None:
    clock.advance(-50 * 60)
    interrupt_after(store, clock, "seven-in-seven", "ddd")
    clock.advance(50 * 60)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


def test_library_no_matches(snap_compare, make_test_app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zzz")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


def test_deleting_a_used_exercise(snap_compare, make_test_app, store) -> None:
    used = store.library.save_exercise(_own_exercise("Doorway opener"))
    store.library.save_routine(Routine(id="", name="Evening", items=(RoutineItem(used.id),), origin=Origin.USER))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "doorway")
        await pilot.press("enter", "delete")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)
