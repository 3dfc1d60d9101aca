"""`?`: every key of the screen underneath, read from its live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static
from stretchtui.ui.screens.base import Dialog


class HelpScreen(Dialog[None]):
    """A modal list of the keys active on `target` (its focused widget, the screen and the app)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close"),
        Binding("question_mark", "close", "Close", id="help-close-again", show=False),
        Binding("q", "close", "Close", id="help-close-q", show=False),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"Keys: {self.target.title or self.app.title}", id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static("Esc closes this list. Ctrl+P opens the command palette.", id="help-hint")

    def on_mount(self) -> None:
        """Rows grouped: this screen's keys, then keys that work everywhere, then the focused widget's."""
        from textual.app import App

        groups: dict[str, list[tuple[str, str]]] = {"This screen": [], "Everywhere": [], "Focused control": []}
        seen: set[tuple[str, str]] = set()
        for active in self.target.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            key = binding.key_display or self.app.get_key_display(binding)
            if (key, binding.description) in seen:
                continue
            seen.add((key, binding.description))
            group = ("Everywhere" if isinstance(active.node, App)
                     else "This screen" if isinstance(active.node, Screen) else "Focused control")
            groups[group].append((key, binding.description))
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        for group, rows in groups.items():
            for key, description in rows:
                table.add_row(key, description, group)

    def action_close(self) -> None:
        self.dismiss(None)
