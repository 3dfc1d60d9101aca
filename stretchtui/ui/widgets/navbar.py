"""The top bar: app name and the main screens with their keys; click or press the key to go."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

# (mode, key, title): the one list of main screens, also used for bindings and the palette.
MAIN_SCREENS: tuple[tuple[str, str, str], ...] = (
    ("today", "1", "Today"),
    ("library", "2", "Library"),
    ("routines", "3", "Routines"),
    ("history", "4", "History"),
    ("settings", "5", "Settings"),
)


class NavBar(Static):
    """One line: ` stretchtui  2 Library  3 Routines …`, the current screen highlighted."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    """

    active: reactive[str] = reactive("")
    """The mode of the screen this bar sits on."""

    def __init__(self, active: str, *, subtitle: str = "") -> None:
        super().__init__()
        self.subtitle = subtitle
        self.set_reactive(NavBar.active, active)

    def render(self) -> Content:
        parts = [" [b $accent]stretchtui[/] "]
        for mode, key, title in MAIN_SCREENS:
            if mode == self.active:
                parts.append(f"[reverse b] {key} {title} [/]")
            else:
                parts.append(f"[@click=app.switch_mode('{mode}')] [$text-muted]{key}[/] {title} [/]")
        if self.subtitle:
            parts.append(f"  [$text-muted]{escape(self.subtitle)}[/]")
        return Content.from_markup("".join(parts))
