"""ui.showing.show_if: a focused widget that is hidden hands the focus on at once, not at the next
layout (until which it still took every key)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Input

from stretchtui.ui.showing import show_if


class Three(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield Button("third", id="third")


async def test_hiding_the_focused_widget_moves_the_focus_before_any_layout() -> None:
    app = Three()
    async with app.run_test() as pilot:
        first, second, third = app.query_one("#first"), app.query_one("#second"), app.query_one("#third")
        first.focus()
        await pilot.pause()
        with app.batch_update():  # no layout until the block ends
            show_if(first, False)
            await pilot.pause()
            assert app.focused is second
            show_if(second, False, focus_instead=third)
            await pilot.pause()
            assert app.focused is third
            show_if(first, True)  # showing takes no focus
            await pilot.pause()
            assert app.focused is third and first.display
        await pilot.press("x")  # the keys go where the focus is: nothing typed into a hidden field
        assert second.value == "" and not second.display


async def test_hiding_a_widget_without_the_focus_leaves_the_focus() -> None:
    app = Three()
    async with app.run_test() as pilot:
        second = app.query_one("#second")
        second.focus()
        await pilot.pause()
        show_if(app.query_one("#first"), False)
        await pilot.pause()
        assert app.focused is second
