"""Snapshots for issue 16 (as tests/test_snapshots.py: seeded data, frozen clock, two sizes,
synchronous because snap_compare runs its own event loop)."""

from __future__ import annotations

import pytest
from pilot_helpers import into_session, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
READABLE_SIZES = [*SIZES, pytest.param((200, 50), id="200x50")]  # issue 19: read from the floor


@pytest.mark.parametrize("size", READABLE_SIZES)
def test_a_reps_step_after_plus(snap_compare, make_test_app, size) -> None:
    """One-Minute Unwind's first move (3 reps) after `+`: 'rep 1 of 4', and the key bar says +/- is a rep."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.start_routine("one-minute")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        pilot.app.clock.advance(5 + 2)
        pilot.app.screen.tick_now()
        await pilot.press("plus")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_the_library_while_a_session_runs_behind_it(snap_compare, make_test_app, size) -> None:
    """Left with `2` mid-hold: the top bar names the session, its time, and `0` to go back."""

    async def run_before(pilot) -> None:
        await into_session(pilot, 5 + 2, "2")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)
