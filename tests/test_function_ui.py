"""The weekly function check in the app (issue 18): `f` on Today (and the palette) opens the
dialog with this week's values; saving renames, removes, adds and rates; a bad value stays in the
dialog with its error. A snapshot of the dialog at 80x24."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilot_helpers import settle, type_text
from textual.widgets import Input

from stretchtui.ui.screens.function_dialog import FunctionScreen


async def open_function(pilot) -> FunctionScreen:
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FunctionScreen)
    return screen


def fill(screen: FunctionScreen, field: str, text: str) -> None:
    widget = screen.query_one(f"#{field}", Input)
    widget.value = text


async def test_f_on_today_opens_the_dialog_filled_with_this_weeks_values(make_test_app, store, clock) -> None:
    store.function.rate("put on socks", 3, at=clock.now() - timedelta(days=7))  # last week: not shown
    store.function.rate("sit through a meeting", 6)
    store.function.rate("put on socks", 4)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_function(pilot)
        values = [screen.query_one(f"#{f}", Input).value for f in ("activity-0", "rating-0", "activity-1", "rating-1")]
        assert values == ["put on socks", "4", "sit through a meeting", "6"]  # socks was named first
        assert screen.query_one("#activity-2", Input).value == "" and app.focused.id == "activity-0"
        fill(screen, "rating-1", "8")  # replaces this week's 6
        fill(screen, "activity-0", "")  # stops rating socks
        fill(screen, "activity-2", "walk the dog")
        fill(screen, "rating-2", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FunctionScreen)
    assert store.function.activities() == ["sit through a meeting", "walk the dog"]
    now = {t.name: t.by_week for t in store.function.trends()}
    week = max(now["sit through a meeting"])
    assert now["sit through a meeting"][week] == 8 and now["walk the dog"][week] == 5
    assert now["put on socks"][week] == 4  # kept, as a former activity


async def test_a_bad_rating_keeps_the_dialog_open_and_writes_nothing(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_function(pilot)
        await type_text(pilot, "put on socks")
        fill(screen, "rating-0", "11")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and app.focused.id == "rating-0"
        assert "0 = can't do it, 10 = as before" in str(screen.query_one("#function-error").render())
        fill(screen, "rating-0", "")
        fill(screen, "rating-1", "4")  # a rating without a name
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and app.focused.id == "activity-1"
    assert store.function.activities() == [] and store.function.ratings() == []


async def test_the_palette_opens_it_from_another_screen(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        app.action_function_check()
        await settle(pilot)
        assert isinstance(app.screen, FunctionScreen)
        assert any(c.title == "Function this week" for c in app.get_system_commands(app.screen))


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24")])
def test_function_dialog_snapshot(snap_compare, make_test_app, store, size) -> None:
    store.function.rate("sit through a meeting", 6)
    store.function.rate("put on socks", 4)

    async def run_before(pilot) -> None:
        await open_function(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


async def test_history_trends_show_the_ratings_per_week_beside_pain(make_test_app, store, clock) -> None:
    from textual.widgets import Static

    store.function.rate("put on socks", 3, at=clock.now() - timedelta(days=7))
    store.function.rate("put on socks", 5)
    store.function.rate("walk", 7)
    store.function.drop_activity("walk")
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        shown = app.screen.query_one("#history-function", Static)
        text = str(shown.render())
        assert shown.display and "0 = can't do it, 10 = as before" in text
        socks = next(line for line in text.splitlines() if line.startswith("put on socks"))
        assert socks.split()[-2:] == ["3", "5"] and socks.split()[3:7] == ["-"] * 4
        assert any(line.startswith("walk") and "(former)" in line for line in text.splitlines())
