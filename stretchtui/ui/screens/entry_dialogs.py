"""One day of the record in a dialog (Today's `d`, a History day): how the streak saw it, what
was recorded on it, and its rest or flare mark; edit, remove and mark from there (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import DataTable, Label, Static

from stretchtui.core.checkins import Checkin
from stretchtui.core.days import day_label, time_label
from stretchtui.core.entries import MARK_NOUNS, Entry, EntryKind, MarkKind, MarkRefused
from stretchtui.core.streaks import DayAudit
from stretchtui.ui.screens.base import Dialog, StretchAppMixin
from stretchtui.ui.showing import show_if
from stretchtui.ui.widgets.history_tables import row_key
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.workers import Loaded, post_if_current, store_work

DETAILS_WIDTH = 44


@dataclass(frozen=True)
class DayRecord:
    """What the dialog shows of one day, read in one go."""

    day: date
    today: date
    audit: DayAudit
    mark: MarkKind | None
    entries: tuple[Entry, ...]  # in the order they happened
    checkins: dict[str, Checkin] = field(default_factory=dict)  # by UUID, to edit one

    @property
    def mark_entry(self) -> Entry | None:
        return next((e for e in self.entries if e.kind is EntryKind.DAY_MARK), None)


class DayScreen(StretchAppMixin, Dialog[None]):
    """r / f mark the day rest or flare (or change its mark), n takes the mark away (undo brings
    it back); on an entry, e edits a check-in and x removes it after asking."""

    BINDINGS = [
        Binding("r", "mark('rest')", "Rest", id="day-rest", tooltip="Mark this day a rest day"),
        Binding("f", "mark('flare')", "Flare", id="day-flare", tooltip="Mark this day a flare day"),
        Binding("n", "unmark", "No mark", id="day-unmark", tooltip="Take the rest or flare mark away"),
        Binding("e", "edit", "Edit", id="day-edit", tooltip="Edit the check-in under the cursor"),
        Binding("x,delete", "remove", "Remove…", id="day-remove", tooltip="Remove the entry under the cursor"),
        Binding("u", "app.undo", "Undo", id="day-undo"),  # a dialog hides the app's keys
        Binding("escape", "close", "Close", id="day-close"),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.record: DayRecord | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="day"):
            yield Static("", id="day-title", classes="dialog-question")
            yield Static("…", id="day-status")
            yield DataTable(id="day-entries", cursor_type="row", zebra_stripes=True)
            yield Label("", id="day-message")
            yield KeyBar(show_palette=False)

    def on_mount(self) -> None:
        self.query_one("#day-title", Static).update(
            Content.from_markup("[b]$day[/b]", day=day_label(self.day, self.stretch_app.current_day(), long=True))
        )
        self.query_one(DataTable).add_columns("ID", "Time", "What", "Details")
        self.reload()

    @store_work(exclusive=True, group="day-load")
    def reload(self) -> None:
        store = self.stretch_app.store
        today = self.stretch_app.current_day()
        day = self.day
        entries = sorted(
            (e for e in store.corrections.entries(since=day) if e.day == day), key=lambda e: (e.at, e.uuid)
        )
        checkins = {c.uuid: c for c in store.checkins.checkins(since=day) if c.day == day}
        record = DayRecord(
            day,
            today,
            store.history.streak_summary(today).audit(day),
            store.corrections.day_mark(day),
            tuple(entries),
            checkins,
        )
        post_if_current(self, Loaded(record))

    @on(Loaded)
    def _loaded(self, message: Loaded[DayRecord]) -> None:
        self.record = record = message.value
        mark = f"Marked as a {MARK_NOUNS[record.mark]}." if record.mark else "No rest or flare mark."
        self.query_one("#day-status", Static).update(Content(f"{record.audit.reason}\n{mark}"))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        zone = str(self.stretch_app.clock.zone)
        for entry in record.entries:
            checkin = record.checkins.get(entry.uuid)
            details = entry.summary if len(entry.summary) <= DETAILS_WIDTH else entry.summary[: DETAILS_WIDTH - 1] + "…"
            table.add_row(
                entry.short_id,
                time_label(entry.at, checkin.zone if checkin else zone),
                entry.noun,
                Text(details),
                key=entry.uuid,
            )  # Text: a note is never read as markup
        show_if(table, bool(record.entries))
        if not record.entries:
            self._say("Nothing recorded on this day.")
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
            table.focus()
        self.refresh_bindings()

    def highlighted(self) -> Entry | None:
        record, table = self.record, self.query_one(DataTable)
        if record is None or not table.display:
            return None
        key = row_key(table)
        return next((e for e in record.entries if e.uuid == key), None) if key else None

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that do not fit show dimmed: e off a check-in, x with nothing listed, n with no mark."""
        if action == "edit":
            entry = self.highlighted()
            return True if entry is not None and entry.kind is EntryKind.CHECKIN else None
        if action == "remove":
            return True if self.highlighted() is not None else None
        if action == "unmark":
            return True if self.record is not None and self.record.mark is not None else None
        if action == "mark" and self.record is not None and parameters:
            return None if self.record.mark == MarkKind(str(parameters[0])) else True
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#day-message", Label)
        message.set_class(error, "-error")
        message.update(Content(text))

    def action_mark(self, kind: str) -> None:
        self._say("")
        self._mark(MarkKind(kind))

    @store_work(group="day-write")
    def _mark(self, kind: MarkKind, force: bool = False) -> None:
        try:
            added = self.stretch_app.store.corrections.set_day_mark(self.day, kind, force=force)
        except MarkRefused as refused:
            self.app.call_from_thread(self._refused, kind, refused)
            return
        label = day_label(self.day, self.stretch_app.current_day())
        self.app.call_from_thread(self._say, f"{label} is {'now' if added else 'already'} a {MARK_NOUNS[kind]}.")
        if added:
            self.app.call_from_thread(self.stretch_app.record_changed)

    def _refused(self, kind: MarkKind, refused: MarkRefused) -> None:
        """One line saying why; a day before the first entry can be marked anyway, if asked for."""
        self._say(str(refused), error=True)
        if refused.needs_force:
            from stretchtui.ui.screens.dialogs import ask_then

            question = f"{escape(str(refused))}.\n\nMark it as a {MARK_NOUNS[kind]} anyway?"
            ask_then(self.app, question, lambda: self._mark(kind, force=True), yes="Mark anyway", no="Cancel")

    def action_unmark(self) -> None:
        entry = self.record.mark_entry if self.record is not None else None
        if entry is not None:
            self._say("")
            self.stretch_app.remove_entry(entry)  # one key puts a mark back: no question, undo offered

    def action_edit(self) -> None:
        entry = self.highlighted()
        checkin = self.record.checkins.get(entry.uuid) if entry is not None and self.record is not None else None
        if checkin is not None:
            self.stretch_app.edit_checkin(checkin)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        entry = self.highlighted()
        if entry is not None and entry.kind is EntryKind.CHECKIN:
            self.action_edit()

    def action_remove(self) -> None:
        entry = self.highlighted()
        if entry is not None:
            self._say("")
            self.stretch_app.ask_to_remove(entry)

    def action_close(self) -> None:
        self.dismiss(None)
