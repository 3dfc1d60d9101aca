"""The short safety screen: questions whose 'yes' means see a clinician instead of stretching."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Static

from stretchtui.core.suggest import RED_FLAG_QUESTIONS
from stretchtui.ui.screens.base import Dialog


class SafetyScreen(Dialog[dict[str, bool] | None]):
    """Six yes/no questions (all 'no' to start); dismisses with the answers."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="safety-save", priority=True),
        Binding("escape", "cancel", "Later", id="safety-later"),
    ]

    def __init__(self, previous: dict[str, bool] | None = None) -> None:
        super().__init__()
        self.previous = previous or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="safety"):
            yield Static("[b]A quick safety check[/b]", classes="dialog-question")
            yield Static("Stretching is not the answer to every back pain. Switch on any that is true for you "
                         "(space toggles, Tab moves).", classes="dialog-hint")
            for key, text, _level in RED_FLAG_QUESTIONS:
                yield Checkbox(text, self.previous.get(key, False), id=f"flag-{key}", compact=True,
                               classes="safety-row")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="save", variant="primary")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss({key: self.query_one(f"#flag-{key}", Checkbox).value for key, _t, _l in RED_FLAG_QUESTIONS})

    def action_cancel(self) -> None:
        self.dismiss(None)
