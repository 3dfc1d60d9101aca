"""The quick check-in: pain per region (digits), hours sat, a note. Validated by the same rules
as `stretchtui log`; nothing is written until it is all valid."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, Static

from stretchtui.core.checkins import PainEntry, Region, note_value, sitting_value
from stretchtui.core.errors import FieldError
from stretchtui.ui.widgets.pain_row import PainRow
from stretchtui.ui.screens.base import Dialog


@dataclass(frozen=True)
class CheckinDraft:
    """A validated check-in, ready for the store."""

    pains: tuple[PainEntry, ...]
    sitting_hours: float | None
    note: str
    no_comfortable_position: bool


class CheckinScreen(Dialog[CheckinDraft | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="checkin-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="checkin-cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="checkin"):
            yield Static("[b]Check in[/b]: how is your back today?", classes="dialog-question")
            yield Static("On a region: 0-9 (t = 10) sets the pain, s left/right, Tab next.", classes="dialog-hint")
            for region in Region:
                yield PainRow(region, id=f"pain-{region.value}")
            with Horizontal(classes="checkin-row"):
                yield Label("Hours sat today", classes="field-label")
                yield Input(id="sitting", placeholder="e.g. 7.5", compact=True, max_length=4)
            with Horizontal(classes="checkin-row"):
                yield Label("Note", classes="field-label")
                yield Input(id="note", placeholder="optional", compact=True, max_length=500)
            yield Checkbox("No position is comfortable right now", id="no-position", compact=True)
            yield Label("", id="checkin-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(PainRow).focus()

    def draft(self) -> CheckinDraft:
        pains = tuple(PainEntry(row.pain_region, row.pain, row.side) for row in self.query(PainRow) if row.pain is not None)
        sitting = sitting_value(self.query_one("#sitting", Input).value, "hours sat")
        note = note_value(self.query_one("#note", Input).value)
        no_position = self.query_one("#no-position", Checkbox).value
        if not pains and sitting is None and not note and not no_position:
            raise FieldError("pain", "note the pain of at least one region (focus it and press a digit)")
        return CheckinDraft(pains, sitting, note, no_position)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            draft = self.draft()
        except FieldError as error:
            self.query_one("#checkin-error", Label).update(Content(f"{error.field}: {error.message}"))
            target = {"hours sat": "#sitting", "note": "#note"}.get(error.field)
            (self.query_one(target) if target else self.query_one(PainRow)).focus()
            return
        self.dismiss(draft)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
