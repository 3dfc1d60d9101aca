"""The safety gate in front of a session: why this session may not be wise now, and an explicit
choice. Opened by StretchApp.open_session for every way into a session (core.session_gate)."""

from __future__ import annotations

from enum import StrEnum

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from stretchtui.core.model import Exercise, Routine
from stretchtui.core.session_gate import GateKind, GateReason
from stretchtui.ui.screens.base import ChoiceDialog

TITLES = {
    GateKind.RED_FLAG: "Your safety answers say: get checked first",
    GateKind.ASK_AGAIN: "Please answer the safety questions again",
    GateKind.GENTLE_ONLY: "Gentle moves only until you answer the safety questions",
    GateKind.CONDITION: "Moves that may not suit you",
    GateKind.PAIN_TODAY: "No routine today: the pain is too high to stretch through",
    GateKind.FLARE_PAIN: "Today suits short, gentle mobility only",
}
"""A title for every kind of reason (tests/test_enum_tables.py: every table keyed by an enum)."""
CHECKED_FIRST = (GateKind.RED_FLAG, GateKind.ASK_AGAIN)  # starting anyway means "I have been checked"
QUESTIONS = (*CHECKED_FIRST, GateKind.GENTLE_ONLY)  # the safety questions are offered


class GateChoice(StrEnum):
    CANCEL = "cancel"
    ANSWER_AGAIN = "answer-again"
    LEAVE_OUT = "leave-out"
    START = "checked-start"  # stored with the session: the person said they have been checked


class SafetyGateScreen(ChoiceDialog[GateChoice]):
    """Shows each reason; Esc (and the focused default) cancels. Starting needs a deliberate choice."""

    DEFAULT_CHOICE = FOCUSED = GateChoice.CANCEL.value
    BINDINGS = [
        Binding("escape", "choose('cancel')", "Cancel", id="gate-cancel"),
        # Not "a": in the questions that open next, "a" answers "none of these" and saves, so a
        # double tap would record "no" to every question unread.
        Binding("r", "choose('answer-again')", "Answer the questions", id="gate-answer", show=False),
        Binding("l", "choose('leave-out')", "Leave those moves out", id="gate-leave-out", show=False),
    ]
    # Starting anyway has no letter key: it takes Tab to the button and Enter (or a click), so that
    # it is never one stray key away.

    def __init__(
        self,
        routine: Routine,
        exercises: dict[str, Exercise],
        reasons: tuple[GateReason, ...],
        *,
        allow_leave_out: bool = True,
    ) -> None:
        super().__init__()
        self.routine, self.exercises, self.reasons = routine, exercises, reasons
        concerned = {i for r in reasons for i in r.exercise_ids}
        remaining = [i for i in routine.items if i.exercise_id not in concerned]
        # Today short, gentle mobility only: its short, gentle version (core.session_gate.gentle_version)
        self.gentle_version = any(r.kind is GateKind.FLARE_PAIN for r in reasons)
        if self.gentle_version:
            from dataclasses import replace

            from stretchtui.core.session_gate import gentle_version

            remaining = list(gentle_version(replace(routine, items=tuple(remaining)), exercises).items)
        self.can_leave_out = allow_leave_out and bool(concerned or self.gentle_version) and bool(remaining)
        self.asks_again = any(r.kind in QUESTIONS for r in reasons)
        self.checked_first = any(r.kind in CHECKED_FIRST for r in reasons)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="safety-gate"):
            yield Static(f"[b]Before {escape(self.routine.name)}[/b]", classes="dialog-question")
            with VerticalScroll(id="gate-reasons"):
                for reason in self.reasons:
                    yield Static(
                        f"[b $warning]! {TITLES[reason.kind]}[/]\n{escape(reason.text)}", classes="gate-reason"
                    )
            yield Static("Starting anyway is your choice; it is noted with the session.", classes="dialog-hint")
            with Vertical(id="gate-choices"):
                yield Button("Cancel (Esc)", id="cancel", variant="primary", compact=True)
                if self.asks_again:
                    yield Button("Answer the safety questions (r)", id="answer-again", compact=True)
                if self.can_leave_out:
                    words = (
                        "Start a short, gentle version (l)"
                        if self.gentle_version
                        else "Leave those moves out and start (l)"
                    )
                    yield Button(words, id="leave-out", compact=True)
                label = "I have been checked: start" if self.checked_first else "Start anyway"
                yield Button(label, id="checked-start", variant="error", compact=True)

    def allowed(self, choice: str) -> bool:
        return not (
            (choice == GateChoice.ANSWER_AGAIN and not self.asks_again)
            or (choice == GateChoice.LEAVE_OUT and not self.can_leave_out)
        )

    def result(self, choice: str) -> GateChoice:
        return GateChoice(choice)
