"""`?`: every key of the screen underneath, read from its live bindings."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from stretchtui.ui.screens.base import Dialog

GROUPS = ("This screen", "Everywhere", "Focused control")


class KeyRow(NamedTuple):
    """One row of `?`: the keys (as Textual names them), as shown, what they do, and where."""

    keys: tuple[str, ...]
    shown: str
    description: str
    group: str


def key_rows(target: Screen) -> list[KeyRow]:
    """The keys that work on `target` now, read from its live bindings, so the list cannot drift:
    a key whose action is off (check_action) or dimmed is left out, and keys that do the same
    thing (`q` and `esc`: End) share a row. Grouped: the screen's, everywhere, the focused widget's."""
    from textual.app import App

    rows: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for key, active in target.active_bindings.items():
        binding = active.binding
        if not binding.description or not active.enabled:
            continue
        group = (
            "Everywhere"
            if isinstance(active.node, App)
            else "This screen"
            if isinstance(active.node, Screen)
            else "Focused control"
        )
        keys, shown = rows.setdefault((group, binding.description), ([], []))
        keys.append(key)
        display = binding.key_display or target.app.get_key_display(binding)
        if display not in shown:
            shown.append(display)
    ordered = sorted(rows.items(), key=lambda item: GROUPS.index(item[0][0]))
    return [KeyRow(tuple(keys), "/".join(shown), description, group) for (group, description), (keys, shown) in ordered]


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
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        for row in key_rows(self.target):
            table.add_row(row.shown, row.description, row.group)

    def action_close(self) -> None:
        self.dismiss(None)
