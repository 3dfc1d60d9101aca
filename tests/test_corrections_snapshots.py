"""Snapshots of the views issue 16 adds to the app: History's check-in list, a day of the record,
the check-in form filled with today's values, and a removal with its undo offered. UUIDs come
from a seeded generator here, so the short ids on screen are the same on every run.
Synchronous on purpose: snap_compare runs its own event loop."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest
from pilot_helpers import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def seeded_uuids(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(16)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=rng.getrandbits(128), version=4))


@pytest.fixture
def fresh_database(db_path):
    """No copied template in this module: the ids on screen are uuid4's, in the order a database
    created here draws them (creating it draws some too)."""
    return lambda: db_path


def some_days(store, clock) -> None:
    """Three weeks of history, a note on the latest check-in, and a flare mark on Thursday."""
    from history_data import fill_history

    from stretchtui.core.checkins import PainEntry, Region
    from stretchtui.core.entries import MarkKind

    fill_history(store, clock, days=21)  # through the store: the ids shown are uuid4's, drawn in its order
    store.checkins.add_checkin(
        [PainEntry(Region.LOWER_BACK, 5), PainEntry(Region.LEG, 3, "left")],
        sitting_hours=2,
        note="Stiff after the drive home",
    )
    store.corrections.set_day_mark(TODAY - timedelta(days=2), MarkKind.FLARE)


@pytest.mark.parametrize("size", SIZES)
def test_history_check_in_list(snap_compare, make_test_app, store, clock, size) -> None:
    some_days(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_a_day_of_the_record(snap_compare, make_test_app, store, clock, size) -> None:
    """Yesterday from the heatmap: its check-in and session; then f marks it a flare day."""
    some_days(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("w", "up", "enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_the_check_in_form_with_todays_values(snap_compare, make_test_app, store, clock, size) -> None:
    some_days(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab")  # to the leg row: left, shown as the chosen side
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


def test_a_removal_offers_undo(snap_compare, make_test_app, store, clock) -> None:
    """The toast says what went and that u brings it back; the key bar shows u while it can."""
    some_days(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("c", "x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(120, 40), run_before=run_before)


def test_removing_asks_first(snap_compare, make_test_app, store, clock) -> None:
    some_days(store, clock)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("l", "x")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


def test_today_marked_a_rest_day(snap_compare, make_test_app, store, clock) -> None:
    from stretchtui.core.entries import MarkKind

    some_days(store, clock)
    store.corrections.set_day_mark(TODAY, MarkKind.REST)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(100, 32), run_before=run_before)
