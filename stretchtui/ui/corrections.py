"""Correcting the record from anywhere in the app (issue 16): remove an entry after asking, offer
`u` for UNDO_SECONDS to bring it back, and reload what is on screen after any change. The rules
(what a removal keeps, what undo refuses) live in store.corrections; this is the app's half."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.markup import escape

from stretchtui.core.errors import UserError
from stretchtui.ui.app_part import AppPart
from stretchtui.ui.workers import store_work

if TYPE_CHECKING:  # core.entries loads with the first removal: the first frame needs none of it
    from textual.timer import Timer

    from stretchtui.core.checkins import Checkin
    from stretchtui.core.entries import Entry, Removal
    from stretchtui.ui.screens.checkin import CheckinDraft


UNDO_BINDING = Binding("u", "undo", "Undo", id="undo", tooltip="Bring back what was just removed")


@dataclass(frozen=True)
class UndoOffer:
    """The removal `u` brings back, until `until` on the clock's monotonic time."""

    entry: Entry
    until: float


class CorrectionsMixin(AppPart):
    """Mixed into StretchApp. `u` is an app key, active only while an undo is offered; a modal
    dialog that removes things binds `u` to `app.undo` itself (a dialog hides the app's keys)."""

    _undo_offer: UndoOffer | None = None
    _undo_timer: Timer | None = None

    def ask_to_remove(self, entry: Entry) -> None:
        """Ask first (a removal leaves every number at once), then remove and offer undo."""
        from stretchtui.core.entries import KEEP_REMOVED_DAYS, UNDO_SECONDS
        from stretchtui.ui.screens.dialogs import ask_then

        question = (
            f"Remove the {escape(entry.describe())}?\n\nIt leaves your streak, charts and reports at "
            f"once. u brings it back for {UNDO_SECONDS} s; `stretchtui undo` for {KEEP_REMOVED_DAYS} days."
        )
        ask_then(self, question, lambda: self.remove_entry(entry), yes="Remove", no="Keep it")

    @store_work(group="corrections")
    def remove_entry(self, entry: Entry) -> None:
        """Remove without asking (a day's mark, which one key puts back) and offer undo."""
        if entry.kind.value == "session" and self._runs_here(entry):
            self.call_from_thread(
                self.notify,
                "That session is still running: finish it, or end it with q, before removing it.",
                title="Not removed",
                severity="warning",
            )
            return
        try:
            removal = self.store.corrections.remove_entry(entry)
        except UserError as refused:
            self.call_from_thread(self.notify, str(refused), title="Not removed", severity="warning", markup=False)
            self.call_from_thread(self.record_changed)
            return
        self.call_from_thread(self._removed, removal)

    def _runs_here(self, entry: Entry) -> bool:
        """Whether `entry` is the session this app is running (left running behind another
        screen): the store only refuses one that another process runs."""
        running = getattr(self, "_session", None)
        session_id = getattr(running[1], "session_id", None) if running else None
        return session_id is not None and self.store.sessions.session(session_id).uuid == entry.uuid

    def _removed(self, removal: Removal) -> None:
        from stretchtui.core.entries import UNDO_SECONDS

        self._undo_offer = UndoOffer(removal.entry, self.clock.monotonic() + UNDO_SECONDS)
        if self._undo_timer is not None:
            self._undo_timer.stop()
        self._undo_timer = self.set_timer(UNDO_SECONDS, self._undo_expired)
        self.notify(
            f"Removed the {removal.entry.describe()}. u to undo.", title="Removed", timeout=UNDO_SECONDS, markup=False
        )
        self.record_changed()

    def undo_offered(self) -> bool:
        offer = self._undo_offer
        return offer is not None and self.clock.monotonic() < offer.until

    def _undo_expired(self) -> None:
        """The timer only redraws the key bar; the app's clock decides (a frozen clock in tests
        keeps the offer open until the test moves it on)."""
        offer = self._undo_offer
        if offer is not None and (left := offer.until - self.clock.monotonic()) > 0:
            self._undo_timer = self.set_timer(left, self._undo_expired)
            return
        self._undo_offer = None
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.undo_offered()  # False: hidden from the key bar and does nothing
        return super().check_action(action, parameters)

    def action_undo(self) -> None:
        offer = self._undo_offer
        if offer is None or not self.undo_offered():
            return
        self._undo_offer = None
        self.screen.refresh_bindings()
        self._bring_back(offer.entry)

    @store_work(group="corrections")
    def _bring_back(self, entry: Entry) -> None:
        try:
            back = self.store.corrections.undo_removal(entry.uuid)
        except UserError as refused:
            self.call_from_thread(self.notify, str(refused), title="Not undone", severity="warning", markup=False)
            return
        if back is None:
            self.call_from_thread(
                self.notify, f"The {entry.noun} is no longer kept.", title="Not undone", severity="warning"
            )
        else:
            self.call_from_thread(self.notify, f"Brought back the {back.describe()}.", title="Undone", markup=False)
        self.call_from_thread(self.record_changed)

    def edit_checkin(self, checkin: Checkin) -> None:
        """The check-in form with this check-in's values; saving changes it (History, a day)."""
        from stretchtui.core.days import day_label, time_label
        from stretchtui.core.entries import short_id
        from stretchtui.ui.screens.checkin import CheckinScreen

        when = f"{day_label(checkin.day, self.current_day())}, {time_label(checkin.at, checkin.zone)}"
        heading = f"[b]Edit the check-in[/b] of {when} ({short_id(checkin.uuid)})"
        self.push_screen(CheckinScreen(checkin, heading=heading), self.save_checkin_draft)

    def save_checkin_draft(self, draft: CheckinDraft | None) -> None:
        """Save what a check-in form gave (a change, or a new check-in; None: nothing)."""
        if draft is not None:
            self._save_checkin_edit(draft)

    @store_work(group="corrections")
    def _save_checkin_edit(self, draft: CheckinDraft) -> None:
        from stretchtui.ui.screens.checkin import save_and_say

        save_and_say(self, self.store, draft)
        self.call_from_thread(self.record_changed)

    def record_changed(self) -> None:
        """Every screen of the current stack that shows the record reads it again (the main
        screens of other modes do so when they are shown again)."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()
