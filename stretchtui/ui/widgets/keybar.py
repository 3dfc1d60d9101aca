"""The bottom bar: the keys that work here, one line, each one clickable.

Textual's Footer is a container with a widget per key that composes itself again after the first
frame; this bar is one widget that draws the screen's active bindings as text, so the keys are in
the first frame and a change of focus repaints one line (less to send over SSH).
"""

from __future__ import annotations

from functools import lru_cache

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget


@lru_cache(maxsize=256)
def key_label(shown_key: str, description: str, look: str = "", *, padded: bool = True) -> Content:
    """` m Minutes `: the key in the key colour, then what it does (as Textual's Footer draws it;
    `padded=False`: `^p palette `, as its command palette key); `look` styles the whole label.
    Cached: the bar is drawn again on every change of focus, from the same few labels."""
    markup = (
        "[b $footer-key-foreground] $key [/]$description "
        if padded
        else "[b $footer-key-foreground]$key[/] $description "
    )
    label = Content.from_markup(markup, key=shown_key, description=description)
    return label.stylize(look) if look else label


class KeyBar(Widget, can_focus=False):
    """`⏎ Start suggestion  m Minutes  …            ^p palette`: the screen's shown bindings.

    A click on a key presses it; the key under the mouse is highlighted."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    show_palette: reactive[bool] = reactive(True)
    """Show the command palette's key at the right end."""
    hovered: reactive[str | None] = reactive(None)
    """The key under the mouse pointer, if any."""

    def __init__(self, *, show_palette: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(KeyBar.show_palette, show_palette)
        self._key_at: list[tuple[int, int, str]] = []  # (first cell, end cell, key) as last drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, shown key, description, enabled) for each shown binding, one per action."""
        shown: dict[str, tuple[str, str, str, bool]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.show and binding.action not in shown:
                shown[binding.action] = (
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    active.enabled,
                )
        return list(shown.values())

    def palette_key(self) -> tuple[str, str] | None:
        """(key, shown key) of the command palette when the app has one and this bar shows it."""
        if not (self.show_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return None if active is None else (active.binding.key, self.app.get_key_display(active.binding))

    def _label(self, key: str, shown_key: str, description: str, enabled: bool, *, padded: bool = True) -> Content:
        look = "dim" if not enabled else "on $block-hover-background" if key == self.hovered else ""
        return key_label(shown_key, description, look, padded=padded)

    def render(self) -> RenderResult:
        """The labels as Textual's Footer draws them; on a narrow terminal without their padding
        (`m Minutes`), then without the palette key, so that as many keys as possible stay in view."""
        keys = self.keys()
        palette = self.palette_key()
        width = self.size.width
        for padded in (True, False):
            labels = [
                (key, self._label(key, shown, description, enabled, padded=padded), enabled)
                for key, shown, description, enabled in keys
            ]
            used = sum(label.cell_length for _, label, _ in labels)
            if used <= width:
                break
        self._key_at = []
        x = 0
        for key, label, enabled in labels:
            if enabled:
                self._key_at.append((x, x + label.cell_length, key))
            x += label.cell_length
        line = Content("").join(label for _, label, _ in labels)
        if palette is not None:
            key, shown_key = palette
            right = self._label(key, shown_key, "palette", True, padded=False)
            gap = width - used - right.cell_length - 1
            if gap >= 1:
                self._key_at.append((used + gap + 1, used + gap + 1 + right.cell_length, key))
                line = Content.assemble(line, " " * gap, Content.from_markup("[$foreground 20%]▏[/]"), right)
        return line

    def key_at(self, x: int) -> str | None:
        """The key drawn at column `x`, if any."""
        return next((key for start, end, key in self._key_at if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hovered = self.key_at(event.x)

    def on_leave(self, _event: events.Leave) -> None:
        self.hovered = None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            event.stop()
            self.app.simulate_key(key)
