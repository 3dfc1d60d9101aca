"""Small reusable modal dialogs: a notice and a yes/no question (both screens.base.ChoiceDialog), and
pick one from a searchable list."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from stretchtui.ui.screens.base import Choice, ChoiceDialog, Dialog


class NoticeScreen(ChoiceDialog[None]):
    """Tell one thing that needs reading (not a passing notification); any of Enter, Esc or o closes."""

    FOCUSED = "ok"
    ID_PREFIX = "notice"
    CHOICES = (Choice("ok", "enter,escape,o", "OK", "primary"),)

    def __init__(self, text: str) -> None:
        super().__init__(Content(text))  # plain text, never markup

    def result(self, choice: str) -> None:
        return None


class ConfirmScreen(ChoiceDialog[bool]):
    """Ask a yes/no question; dismisses with True only on an explicit yes."""

    FOCUSED = "no"
    ID_PREFIX = "confirm"
    CHOICES = (Choice("yes", "y", "Yes", "error"), Choice("no", "n,escape", "No", "primary"))

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(question)
        self.yes, self.no = yes, no

    def buttons(self) -> Iterator[Button]:
        yes, no = self.CHOICES  # in the words the question was asked with
        yield yes._replace(button=self.yes).make_button()
        yield no._replace(button=self.no).make_button()

    def result(self, choice: str) -> bool:
        return choice == "yes"


class HighPainScreen(ChoiceDialog[bool]):
    """Pain too high to stretch through, asked before a session: "Not now" is the focused
    default and Esc; starting anyway has no key at all (Tab to it, then Enter, or a click), as at
    the safety gate, so no stray key starts a session at 8/10 or more. (Not a ConfirmScreen: its
    `y` binding would come along.) Dismisses with True only on that button."""

    FOCUSED = "no"
    ID_PREFIX = "high-pain"
    CHOICES = (Choice("no", "n,escape", "Not now", "primary"),)

    def buttons(self) -> Iterator[Button]:
        yield from super().buttons()  # "Not now (n)", from CHOICES
        yield Button("Start anyway", id="yes", variant="error")  # no key: see above

    def result(self, choice: str) -> bool:
        return choice == "yes"


class FlarePainScreen(ChoiceDialog[str]):
    """Pain of 7/10 (a flare's), given before a routine with more than gentle moves: its gentle
    moves only (`g`, focused; offered when it has some), not now (`n`, Esc), or as planned, which
    has no key (Tab to it, then Enter, or a click), as "Start anyway" at 8/10. Dismisses with the
    choice's id: "gentle", "no" or "planned"."""

    FOCUSED = "gentle"
    ID_PREFIX = "flare-pain"
    CHOICES = (
        Choice("gentle", "g", "Gentle moves only", "primary"),
        Choice("no", "n,escape", "Not now"),
    )

    def __init__(self, question: str, *, gentle: bool) -> None:
        super().__init__(question)
        self.gentle = gentle
        self.FOCUSED = "gentle" if gentle else "no"  # focused on opening (ChoiceDialog.on_mount)

    def buttons(self) -> Iterator[Button]:
        for button in super().buttons():
            if button.id != "gentle" or self.gentle:
                yield button
        yield Button("Start as planned", id="planned", variant="error")  # no key: see above

    def allowed(self, choice: str) -> bool:
        return choice != "gentle" or self.gentle


def ask_then(app: App[Any], question: str, then: Callable[[], object], *, yes: str = "Yes", no: str = "No") -> None:
    """Ask `question` (a ConfirmScreen); on an explicit yes, `then()`; on no or Esc, nothing."""

    def answered(confirmed: bool | None) -> None:
        if confirmed:
            then()

    app.push_screen(ConfirmScreen(question, yes=yes, no=no), answered)


class PickScreen(Dialog[str | None]):
    """Choose one of `choices` (id, label) with type-to-filter; dismisses with the id or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pick-cancel"),
        Binding("down", "focus_list", "List", id="pick-list", show=False),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], placeholder: str = "Type to filter…") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick"):
            yield Static(self.title_text, classes="dialog-question")
            yield Input(placeholder=self.placeholder, id="pick-filter", compact=True)
            yield OptionList(*(Option(label, id=ident) for ident, label in self.choices), id="pick-options")
            yield Static("Enter chooses · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(label, id=ident) for ident, label in self.choices if all(w in label.casefold() for w in words)
        )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#pick-filter")
    def _submit_filter(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#pick-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
