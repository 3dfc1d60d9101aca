"""What a session shows of an exercise's cautions: above the steps while you get into position,
and in the small sheet `i` opens over the running session (the timer keeps counting under it)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from stretchtui.core.model import Exercise
from stretchtui.ui.screens.base import Dialog
from stretchtui.ui.widgets.exercise_detail import CAUTIONS_HEADING


def cautions_markup(cautions: Sequence[str]) -> list[str]:
    """`! Stop if it hurts · take care` and a line per caution (markup; a `!` reads without colour)."""
    return [f"[b $text-warning]! {escape(CAUTIONS_HEADING)}[/]", *(f"[$foreground]• {escape(c)}[/]" for c in cautions)]


def steps_content(steps: str, cautions: Sequence[str] = ()) -> Content:
    """The session's steps pane: the numbered steps, with the cautions above them when given
    (getting ready for an exercise)."""
    if not cautions:
        return Content(steps)
    heading, *lines = cautions_markup(cautions)
    heading += "  [$text-muted](i shows them again)[/]"
    return Content.from_markup("\n".join([heading, *lines, "", escape(steps)]))


class ExerciseInfoScreen(Dialog[None]):
    """`i` during a session: the exercise's cautions and steps. `i` or Esc closes it; the session
    underneath keeps its time (the timer reads the monotonic clock, not this sheet)."""

    BINDINGS = [Binding("i,escape", "close", "Close", id="session-info-close")]

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        ex = self.exercise
        lines = cautions_markup(ex.cautions) if ex.cautions else []
        lines += ["", "[b $accent]How[/]", *(f"{i}. {escape(step)}" for i, step in enumerate(ex.steps, 1))]
        with Vertical(classes="dialog", id="session-info"):
            yield Static(Content.from_markup("[b]$name[/b]", name=ex.name), classes="dialog-question")
            with VerticalScroll(id="session-info-body"):
                yield Static(Content.from_markup("\n".join(lines)))
            yield Static("i or Esc closes · the timer keeps running", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#session-info-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
