"""The key bar: the screen's keys in one line, clickable, narrowing gracefully, following focus."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from stretchtui.ui.widgets.keybar import KeyBar


class Editor(Widget, can_focus=True):
    """A focusable widget with a key of its own."""

    BINDINGS = [Binding("e", "app.note('edit')", "Edit", id="edit")]
    DEFAULT_CSS = "Editor { height: 1; }"


class BarApp(App[None]):
    BINDINGS = [
        Binding("a", "note('alpha')", "Alpha", id="alpha"),
        Binding("b,x", "note('beta')", "Beta", id="beta"),  # two keys, one action: shown once
        Binding("h", "note('hidden')", "Hidden", id="hidden", show=False),
        Binding("d", "note('delta')", "Delta", id="delta"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []
        self.delta_enabled = True

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield Editor(id="field")
        yield KeyBar()

    def action_note(self, text: str) -> None:
        self.notes.append(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if parameters == ("delta",) and not self.delta_enabled:
            return None  # shown dimmed, does nothing
        return True


def bar_text(app: App) -> str:
    return str(app.screen.query_one(KeyBar).render())


async def test_it_shows_each_shown_action_once_with_the_palette_key() -> None:
    app = BarApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        text = bar_text(app)
        assert text.startswith(" a Alpha  b Beta  d Delta ")
        assert "Hidden" not in text and text.count("Beta") == 1
        assert text.endswith("▏^p palette ") and len(text) == 100


async def test_a_click_on_a_key_presses_it_and_the_key_under_the_mouse_is_highlighted() -> None:
    app = BarApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        beta = bar_text(app).index(" b Beta")
        await pilot.hover(KeyBar, offset=(beta + 2, 0))
        assert bar.hovered == "b"
        await pilot.click(KeyBar, offset=(beta + 2, 0))
        await pilot.click(KeyBar, offset=(50, 0))  # the gap: nothing
        assert app.notes == ["beta"]


async def test_a_disabled_key_is_dimmed_and_does_nothing_when_clicked() -> None:
    app = BarApp()
    app.delta_enabled = False
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        app.refresh_bindings()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        delta = bar_text(app).index(" d Delta")
        assert bar.key_at(delta + 1) is None
        await pilot.click(KeyBar, offset=(delta + 1, 0))
        assert app.notes == []
        assert "dim" in [str(span.style) for span in bar.render().spans]


async def test_on_a_narrow_terminal_the_palette_goes_then_labels_lose_their_padding() -> None:
    for width, expected in ((30, " a Alpha  b Beta  d Delta "), (24, "a Alpha b Beta d Delta ")):
        app = BarApp()
        async with app.run_test(size=(width, 5)) as pilot:
            app.set_focus(None)
            await pilot.pause()
            assert bar_text(app) == expected


async def test_it_follows_the_focused_widget() -> None:
    app = BarApp()
    async with app.run_test(size=(120, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        assert "Edit" not in bar_text(app)
        app.set_focus(app.query_one("#field"))
        await pilot.pause()
        assert bar_text(app).startswith(" e Edit ")
        await pilot.press("e")
        assert app.notes == ["edit"]
