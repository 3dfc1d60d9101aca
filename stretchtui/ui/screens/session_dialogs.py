"""Small prompts around a session: pain (one key), ending, a gentler alternative, resuming, summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import Button, Static

from stretchtui.core.after_hurt import HurtOffer, OfferKind
from stretchtui.core.days import day_label, time_label
from stretchtui.core.model import format_duration
from stretchtui.core.sessions import SessionInfo, StepOutcome, pain_summary
from stretchtui.core.vocabulary import plural
from stretchtui.ui.screens.base import Choice, ChoiceDialog, Dialog

if TYPE_CHECKING:
    from stretchtui.ui.app import StretchApp

PAIN_KEYS = {str(n): n for n in range(10)} | {"t": 10}


class PainScreen(Dialog[int | None]):
    """Ask for pain 0-10 with one key (0-9, t for 10); Enter or Esc skips."""

    BINDINGS = [
        *(
            Binding(key, f"answer({value})", str(value), id=f"pain-{value}", show=False)
            for key, value in PAIN_KEYS.items()
        ),
        Binding("enter,escape", "answer(None)", "Skip", id="pain-skip"),
    ]

    def __init__(self, question: str, hint: str = "Press 0-9, or t for 10. Enter skips.") -> None:
        super().__init__()
        self.question, self.hint = question, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            yield Static("0 none · 1-3 mild · 4-6 moderate · 7-10 severe", classes="pain-scale")
            yield Static(self.hint, classes="dialog-hint")

    def action_answer(self, value: int | None) -> None:
        self.dismiss(value)


class EndSessionScreen(ChoiceDialog):
    """`q` during a session: save as partial, keep going, or discard."""

    FOCUSED = "keep"
    QUESTION = "End this session?"
    HINT = (
        "Steps you finished are already saved. Discarding keeps them out of your streak and history; "
        "a move that hurt stays noted, as pain."
    )
    ID_PREFIX = "end"
    CHOICES = (
        Choice("partial", "s", "Save as partial", "primary"),
        Choice("keep", "k,escape", "Keep going"),
        Choice("discard", "d", "Discard", "error"),
    )


class AlternativeScreen(ChoiceDialog):
    """After 'this hurts' (core.after_hurt): a gentler move, a relief position, or ending for today.
    Dismisses with "take" (do the offered move), "skip" (carry on without it) or "end"."""

    HINT = "If pain is sharp, spreading, or comes with numbness or tingling, stop for today."
    ID_PREFIX = "alt"
    CHOICES = (
        Choice("take", "g", "Take the offer", "primary", button="Try it"),
        Choice("skip", "s,escape", "Skip it"),
        Choice("end", "e", "End for today"),
    )

    def __init__(self, hurt_name: str, offer: HurtOffer) -> None:
        super().__init__()
        self.hurt_name, self.offer = hurt_name, offer

    def question_text(self) -> Content:
        offer, stopped = self.offer, f"Stopped [b]{escape(self.hurt_name)}[/b] and noted it."
        if offer.kind is OfferKind.GENTLER and offer.exercise is not None:
            question = f"{stopped} Try something gentler for the same area: [b]{escape(offer.exercise.name)}[/b]?"
        elif offer.kind is OfferKind.RELIEF and offer.exercise is not None:
            question = (
                f"{stopped} Nothing gentler is left for that area. Rest in a position that often eases "
                f"the back: [b]{escape(offer.exercise.name)}[/b]?"
            )
        else:
            question = f"{stopped} {escape(offer.advice)}"
        return Content.from_markup(question)

    def buttons(self) -> Iterable[Button]:
        if self.offer.exercise is not None:
            return super().buttons()
        take, skip, end = self.CHOICES  # nothing to take: ending is the first choice
        if self.offer.stop:  # 8/10 or more: carrying on has no key (Tab to it), as "Start anyway"
            return (end._replace(variant="primary").make_button(), Button("Carry on anyway", id="on", variant="error"))
        return (end._replace(variant="primary").make_button(), skip._replace(button="Carry on").make_button())

    def on_mount(self) -> None:
        if self.offer.stop:
            self.query_one("#end").focus()

    def allowed(self, choice: str) -> bool:
        return choice != "take" or self.offer.exercise is not None

    def result(self, choice: str) -> str:
        if self.offer.stop and choice == "skip":  # Esc (and `s`) end here: no stray key carries on
            return "end"
        return "skip" if choice == "on" else choice


class ResumeScreen(ChoiceDialog):
    """At launch, when a crash or a dropped connection interrupted a session."""

    HINT = "Resume where it stopped, or close it as a partial session."
    ID_PREFIX = "resume"
    CHOICES = (
        Choice("resume", "r", "Resume", "primary"),
        Choice("close", "c", "Close as partial"),
        Choice("later", "escape", "Later", button=None),
    )

    def __init__(self, info: SessionInfo, steps: Sequence[StepOutcome]) -> None:
        super().__init__()
        self.info, self.steps = info, tuple(steps)

    @property
    def steps_saved(self) -> int:
        return len(self.steps)

    def routine_size(self) -> int | None:
        """How many exercises the routine holds, read from the saved state; None when it cannot say."""
        from stretchtui.core.serialize import routine_from_plain

        try:
            return len(routine_from_plain((self.info.resume_state or {})["routine"]).items)
        except (KeyError, TypeError, ValueError):
            return None

    def describe(self, today: date) -> str:
        """'Seven in Seven, started 07:40, 3 of 7 exercises done, 1 skipped' (markup): which session,
        when, how far. Counted from the saved steps as History will count them once it is closed
        (core.sessions.exercise_counts): a skipped exercise is never said as done."""
        from stretchtui.core.sessions import exercise_counts

        info = self.info
        when = time_label(info.started_at, info.zone)
        if info.day != today:
            when = f"{day_label(info.day, today)} at {when}"
        session = f"[b]{escape(info.routine_name)}[/b], started {when}"
        total = self.routine_size()
        if total is None:
            return f"{session}, {plural(self.steps_saved, 'step')} saved"
        counts = exercise_counts(self.steps)
        others = "".join(
            f", {n} {word}" for n, word in ((counts.skipped, "skipped"), (counts.hurt, "stopped as it hurt")) if n
        )
        return f"{session}, {counts.done} of {plural(total, 'exercise')} done{others}"

    def question_text(self) -> Content:
        today = cast("StretchApp", self.app).current_day()
        return Content.from_markup(f"A session was interrupted: {self.describe(today)}.")


class SummaryScreen(Dialog[None]):
    """The end of a session: time, what was done, pain before and after, the streak."""

    BINDINGS = [Binding("enter,escape,q", "close", "Close", id="summary-close")]

    def __init__(self, info: SessionInfo, wall_seconds: float, streak_line: str, why: str = "") -> None:
        """`why`: a line saying why the session is what it is (a routine reached its end, partial)."""
        super().__init__()
        self.info, self.wall_seconds, self.streak_line, self.why = info, wall_seconds, streak_line, why

    def compose(self) -> ComposeResult:
        info = self.info
        title = {"complete": "Session complete", "partial": "Saved as partial"}.get(info.status.value, "Session ended")
        pain = pain_summary(info)
        lines = [
            f"[b $success]{title}[/]  {escape(info.routine_name)}",
            "",
            f"Time        {format_duration(int(round(self.wall_seconds)))}"
            f" ({format_duration(int(round(info.active_seconds)))} of work)",
            f"Exercises   {info.exercises.describe()}",
            f"Pain        {pain}",
            f"Streak      {escape(self.streak_line)}",
        ]
        with Vertical(classes="dialog", id="summary"):
            yield Static(Content.from_markup("\n".join(lines)))
            if self.why:
                yield Static(self.why, classes="dialog-hint", markup=False)
            yield Static("Enter closes.", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
