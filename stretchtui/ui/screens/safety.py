"""The safety questions: the red flags a doctor would ask about (core.safety.QUESTIONS), each
answered in words. A 'yes' means see a clinician instead of stretching."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from stretchtui.core.safety import QUESTIONS, Grade
from stretchtui.core.vocabulary import plural
from stretchtui.ui.screens.base import Choice, ChoiceDialog, Dialog
from stretchtui.ui.widgets.yes_no import YesNo

INTRO = (
    "The questions a doctor would ask about back pain (the NICE red flags). A yes means: "
    "see someone instead of stretching. This is not a diagnosis."
)
KEYS_HINT = "y yes · n no · ↑↓ move · a none of these · Ctrl+S save · Esc later"
GROUP_TITLES = {
    Grade.URGENT: "If yes: get medical help today",
    Grade.SOON: "If yes: see a doctor within days",
}


def _row_id(key: str) -> str:
    return f"q-{key}"


class SafetyScreen(Dialog[dict[str, bool] | None]):
    """Every question of core.safety.QUESTIONS, urgent ones first; dismisses with the answers
    (question key -> yes), or None when left without a change ("Later")."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="safety-save"),
        Binding("escape", "leave", "Later", id="safety-later"),
        Binding("y", "answer(True)", "Yes", id="safety-yes"),
        Binding("n", "answer(False)", "No", id="safety-no"),
        Binding("space", "toggle_answer", "Toggle", id="safety-toggle", show=False),
        Binding("a", "none_of_these", "None of these", id="safety-none"),
        # priority: the scrolling list around the questions would take up and down for itself
        Binding("down", "move(1)", "Next question", id="safety-down", show=False, priority=True),
        Binding("up", "move(-1)", "Previous question", id="safety-up", show=False, priority=True),
    ]

    def __init__(self, previous: Mapping[str, bool] | None = None) -> None:
        super().__init__()
        known = {q.key for q in QUESTIONS}
        self.previous = {k: bool(v) for k, v in (previous or {}).items() if k in known}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="safety"):
            yield Static("[b]A quick safety check[/b]", id="safety-title")
            yield Static(INTRO, id="safety-intro", markup=False)
            with VerticalScroll(id="safety-questions", can_focus=False):
                grade = None
                for question in QUESTIONS:
                    if question.grade is not grade:
                        grade = question.grade
                        yield Static(Content.from_markup(f"[b]{GROUP_TITLES[grade]}[/b]"), classes="safety-group")
                    yield YesNo(question.text, self.previous.get(question.key), id=_row_id(question.key))
            yield Static("", id="safety-status", markup=False)
            yield Static(KEYS_HINT, classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons", id="safety-buttons"):
                yield Button("None of these (a)", id="none-of-these", compact=True)
                yield Button("Save (Ctrl+S)", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_count()
        self._focus_row(self._first_unanswered() or self.rows()[0])

    # ------------------------------------------------------------------ state

    def rows(self) -> list[YesNo]:
        return list(self.query(YesNo))

    def answers(self) -> dict[str, bool]:
        """The answers given so far (unanswered questions are left out)."""
        return {q.key: row.answer for q, row in zip(QUESTIONS, self.rows(), strict=True) if row.answer is not None}

    def changed(self) -> bool:
        return self.answers() != self.previous

    def _unanswered(self) -> list[YesNo]:
        return [row for row in self.rows() if row.answer is None]

    def _first_unanswered(self) -> YesNo | None:
        return next(iter(self._unanswered()), None)

    def _focused_row(self) -> YesNo | None:
        return self.focused if isinstance(self.focused, YesNo) else None

    def _focus_row(self, row: YesNo) -> None:
        row.focus()
        row.scroll_visible(animate=False)

    def _say(self, text: str, *, warn: bool = False) -> None:
        status = self.query_one("#safety-status", Static)
        status.update(("! " if warn else "") + text)
        status.set_class(warn, "-warning")

    def _show_count(self) -> None:
        left = len(self._unanswered())
        yes = sum(self.answers().values())
        text = f"{len(QUESTIONS) - left} of {len(QUESTIONS)} answered" if left else f"All {len(QUESTIONS)} answered"
        if yes:
            text += f"; yes to {plural(yes, 'question')}"
        self._say(text + ".")

    @on(YesNo.Changed)
    def _answer_changed(self) -> None:
        self._show_count()

    # ------------------------------------------------------------------ keys

    def action_answer(self, yes: bool) -> None:
        """y / n: answer the focused question and move to the next one."""
        row = self._focused_row()
        if row is None:
            target = self._first_unanswered()
            if target is not None:
                self._focus_row(target)
            return
        row.answer = yes
        self.action_move(1)

    def action_toggle_answer(self) -> None:
        row = self._focused_row()
        if row is not None:
            row.toggle()

    def action_move(self, step: int) -> None:
        rows = self.rows()
        row = self._focused_row()
        if row is None:
            self._focus_row(rows[0] if step > 0 else rows[-1])
            return
        index = rows.index(row) + step
        if 0 <= index < len(rows):
            self._focus_row(rows[index])
        elif index >= len(rows):
            self.query_one("#save", Button).focus()

    @on(Button.Pressed, "#none-of-these")
    def action_none_of_these(self) -> None:
        """Every unanswered question becomes No. A yes is never changed: with one given, the rest
        are filled in and nothing is saved until Ctrl+S, so the yes is seen once more."""
        for row in self._unanswered():
            row.answer = False
        yes_rows = [row for row in self.rows() if row.answer]
        if not yes_rows:
            self.dismiss(self.answers())
            return
        self._focus_row(yes_rows[0])
        self._say(
            f"You said yes to {plural(len(yes_rows), 'question')}: kept. The others are now No. Ctrl+S saves.",
            warn=True,
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        left = self._unanswered()
        if left:
            self._say(
                f"{plural(len(left), 'question')} still {'needs' if len(left) == 1 else 'need'} an answer (y or n).",
                warn=True,
            )
            self._focus_row(left[0])
            return
        self.dismiss(self.answers())

    def action_leave(self) -> None:
        """Esc: nothing changed, close ("Later"); otherwise ask, never dropping an answer silently."""
        if not self.changed():
            self.dismiss(None)
            return
        self.app.push_screen(LeaveSafetyScreen(sum(self.answers().values())), self._leave_chosen)

    def _leave_chosen(self, choice: str | None) -> None:
        if choice == "save":
            if any(self.answers().values()):
                self.dismiss(self.answers())  # a yes: saved as it stands, the rest counted as no
            else:
                self.action_save()
        elif choice == "discard":
            self.dismiss(None)


class LeaveSafetyScreen(ChoiceDialog):
    """Esc on changed safety answers: save them, discard them, or keep answering."""

    FOCUSED = "save"
    QUESTION = "Save your answers?"
    BOX_ID = "safety-leave"
    ID_PREFIX = "safety-leave"
    CHOICES = (
        Choice("save", "s", "Save", "primary"),
        Choice("discard", "d", "Discard", "error"),
        Choice("keep", "k,escape", "Keep answering"),
    )

    def __init__(self, yes_count: int = 0) -> None:
        super().__init__()
        self.yes_count = yes_count

    def hint_text(self) -> str:
        return f"You said yes to {plural(self.yes_count, 'question')}. Discarding forgets it." if self.yes_count else ""
