"""Answers that read without colour: a yes/no question (`( ) No  ( ) Yes`, `(•) Yes`) and a tick
box (`[x] Pregnancy`, `[ ] Osteoporosis`). What is chosen is a character, not a shade: it reads the
same with NO_COLOR, in a tmux capture-pane, in light and dark themes."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Static

CHOSEN, OPEN = "(•)", "( )"


def answer_text(word: str, chosen: bool) -> Content:
    """`(•) Yes` (bold) or `( ) Yes` (muted)."""
    if chosen:
        return Content.from_markup(f"[b]{CHOSEN} {word}[/b]")
    return Content.from_markup(f"[$text-muted]{OPEN} {word}[/]")


class YesNo(Widget, can_focus=True):
    """One question and its answer in words. The answer is None until given; a click on a word
    chooses it (the keys belong to the screen: it knows where to move next). The focused row has a
    bar at its left edge, a character too."""

    DEFAULT_CSS = """
    YesNo {
        layout: horizontal;
        height: auto;
        width: 1fr;
        border-left: blank;
        padding: 0 0 0 1;
        margin-bottom: 1;
        &:focus {
            border-left: thick $accent;
            background-tint: $foreground 6%;
        }
        .yes-no--question { width: 1fr; height: auto; }
        .yes-no--no { width: 8; height: 1; margin-left: 2; }
        .yes-no--yes { width: 8; height: 1; }
        &.-answered-yes .yes-no--yes { color: $text-warning; }
    }
    """

    answer: reactive[bool | None] = reactive(None, init=False)
    """True (yes), False (no), or None (not answered yet)."""

    @dataclass
    class Changed(Message):
        """The answer changed (by a key on the screen, a click, or in code)."""

        yes_no: YesNo
        answer: bool | None

        @property
        def control(self) -> YesNo:
            return self.yes_no

    def __init__(
        self, question: str, answer: bool | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.question = question
        self.set_reactive(YesNo.answer, answer)

    def compose(self) -> ComposeResult:
        yield Static(self.question, classes="yes-no--question", markup=False)
        yield Static(answer_text("No", self.answer is False), classes="yes-no--no")
        yield Static(answer_text("Yes", self.answer is True), classes="yes-no--yes")

    def on_mount(self) -> None:
        self.set_class(self.answer is True, "-answered-yes")
        self.query_one(".yes-no--no", Static).update(answer_text("No", self.answer is False))
        self.query_one(".yes-no--yes", Static).update(answer_text("Yes", self.answer is True))

    def watch_answer(self, answer: bool | None) -> None:
        if not self.is_mounted:
            return
        self.query_one(".yes-no--no", Static).update(answer_text("No", answer is False))
        self.query_one(".yes-no--yes", Static).update(answer_text("Yes", answer is True))
        self.set_class(answer is True, "-answered-yes")
        self.post_message(self.Changed(self, answer))

    def toggle(self) -> None:
        """Space: yes becomes no; no, or no answer yet, becomes yes (as a tick box would)."""
        self.answer = not self.answer

    @on(events.Click)
    def _clicked(self, event: events.Click) -> None:
        widget = event.widget
        if widget is not None and widget.has_class("yes-no--no"):
            self.answer = False
        elif widget is not None and widget.has_class("yes-no--yes"):
            self.answer = True
        self.focus()


class TickBox(Checkbox):
    """A Checkbox whose state is a character, `[x]` or `[ ]`, not only a colour (Textual's draws
    the same X both ways, dim when off)."""

    DEFAULT_CSS = """
    TickBox {
        background: transparent;
        & > .toggle--button { color: $text-muted; background: transparent; }
        &.-on > .toggle--button { color: $text-success; background: transparent; text-style: bold; }
        &:ansi > .toggle--button, &:ansi.-on > .toggle--button { background: ansi_default; }
    }
    """

    @property
    def _button(self) -> Content:  # ToggleButton draws this before the label
        return Content.styled("[x]" if self.value else "[ ]", self.get_visual_style("toggle--button")).pad_right(1)
