"""The check-in form: pain per region (digits), hours sat, a note. Validated by the same rules
as `stretchtui log`; nothing is written until it is all valid.

Given a check-in it opens with that check-in's values and saving changes it (History's `e`, on
the one under the cursor); without one it adds a new check-in, blank or filled in from today
(Today's `c`: `new_checkin_today`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

from stretchtui.core.checkins import (
    REGION_LABELS,
    Checkin,
    CheckinAnswers,
    PainEntry,
    Region,
    note_value,
    says_the_same,
    sides_of,
    sitting_value,
)
from stretchtui.core.days import time_label
from stretchtui.core.errors import FieldError, UserError
from stretchtui.ui.screens.form import DraftDialog  # Esc asks before discarding; typing never replaces
from stretchtui.ui.widgets.pain_row import PainRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.app import App

    from stretchtui.core.ports import StorePort


@dataclass(frozen=True)
class CheckinDraft:
    """A validated check-in, ready for the store; `uuid` names the check-in it changes (None: a new one)."""

    pains: tuple[PainEntry, ...]
    sitting_hours: float | None
    note: str
    no_comfortable_position: bool
    uuid: str | None = None

    def answers(self) -> CheckinAnswers:
        """What the draft says, as the store takes it (a new check-in's or an edit's)."""
        return CheckinAnswers(
            self.pains,
            sitting_hours=self.sitting_hours,
            note=self.note,
            no_comfortable_position=self.no_comfortable_position,
        )


def save_draft(store: StorePort, draft: CheckinDraft) -> Checkin:
    """Write a draft: change the check-in it came from, or add a new one (in a thread worker)."""
    if draft.uuid is not None:
        return store.corrections.update_checkin(draft.uuid, draft.answers())
    return store.checkins.add_checkin(
        list(draft.pains),
        sitting_hours=draft.sitting_hours,
        note=draft.note,
        no_comfortable_position=draft.no_comfortable_position,
    )


def save_and_say(app: App[Any], store: StorePort, draft: CheckinDraft) -> bool:
    """Write a draft (in a thread worker) and say how it went: saved or changed, or why the store
    refused it (the check-in being changed was removed meanwhile, by the CLI, say). True when written."""
    try:
        save_draft(store, draft)
    except UserError as refused:
        app.call_from_thread(app.notify, str(refused), title="Not saved", severity="warning", markup=False)
        if draft.uuid is not None and (save := getattr(app, "save_checkin_draft", None)) is not None:
            # What was typed is never lost: the form again, to save it as a new check-in (ui.corrections).
            answers = draft.answers()
            heading = f"[b]Not saved[/b]: {escape(str(refused))}. Save what you typed as a new check-in, or Esc."
            app.call_from_thread(app.push_screen, CheckinScreen(answers=answers, heading=heading), save)
        return False
    app.call_from_thread(app.notify, "Check-in changed." if draft.uuid else "Check-in saved.")
    if (sync_soon := getattr(app, "sync_soon", None)) is not None:  # to the other machines (ui.syncing)
        app.call_from_thread(sync_soon)
    return True


def pain_rows(checkin: Checkin | CheckinAnswers | None) -> list[PainRow]:
    """A row per region, with its noted pain; a region noted for both left and right gets a row each."""
    rows = []
    for region in Region:
        noted = [pain for pain in checkin.pains if pain.region is region] if checkin is not None else []
        for index, pain in enumerate(noted or [None]):
            rows.append(
                PainRow(
                    region,
                    pain=pain.pain if pain else None,
                    side=pain.side if pain else "",
                    id=f"pain-{region.value}" + (f"-{index + 1}" if index else ""),
                )
            )
    return rows


class CheckinScreen(DraftDialog[CheckinDraft | None]):
    ID_PREFIX = "checkin"

    def __init__(
        self, checkin: Checkin | None = None, *, heading: str | None = None, answers: CheckinAnswers | None = None
    ) -> None:
        """`checkin`: the one to change, its values filled in; `heading` says which one it is.
        `answers`: a new check-in's values filled in (what was typed for a change the store refused)."""
        super().__init__()
        self.checkin = checkin
        self.answers = answers
        self.heading = heading

    def compose(self) -> ComposeResult:
        checkin: Checkin | CheckinAnswers | None = self.checkin or self.answers
        heading = self.heading or (
            "[b]Check in[/b]: how is your back today?"
            if self.checkin is None
            else f"[b]Today's check-in[/b] of {time_label(self.checkin.at, self.checkin.zone)}: "
            "change what is different."
        )
        with Vertical(classes="dialog", id="checkin"):
            yield Static(heading, classes="dialog-question")
            yield Static(
                "On a region: 0-9 (t = 10) sets the pain, ⌫ clears it, s side (none, left, right, both), Tab next."
                if self.answers is None
                else "On a region: 0-9 (t = 10) sets the pain, 0 if gone, ⌫ leaves it out, s side, Tab next.",
                classes="dialog-hint",
            )
            yield from pain_rows(checkin)
            with Horizontal(classes="checkin-row"):
                yield Label("Hours sat today" if checkin is None else "Hours sat", classes="field-label")
                yield Input(
                    "" if checkin is None or checkin.sitting_hours is None else f"{checkin.sitting_hours:g}",
                    id="sitting",
                    placeholder="e.g. 7.5",
                    compact=True,
                )
            with Horizontal(classes="checkin-row"):
                yield Label("Note", classes="field-label")
                yield Input(
                    "" if checkin is None else checkin.note,
                    id="note",
                    placeholder="optional",
                    compact=True,
                )
            yield Checkbox(
                "No position is comfortable right now",
                checkin is not None and checkin.no_comfortable_position,
                id="no-position",
                compact=True,
            )
            yield from self.footer()

    def on_mount(self) -> None:
        self.query_one(PainRow).focus()

    def draft(self) -> CheckinDraft:
        pains = tuple(
            PainEntry(row.pain_region, row.pain, side)
            for row in self.query(PainRow)
            if row.pain is not None
            for side in sides_of(row.side)
        )
        seen: set[tuple[Region, str]] = set()
        for pain in pains:
            if (pain.region, pain.side) in seen:
                side = f"the {pain.side} side" if pain.side else "no side"
                raise FieldError(
                    "pain",
                    f"{REGION_LABELS[pain.region]} is noted twice with {side}: "
                    "give one of them another side, or clear it",
                )
            seen.add((pain.region, pain.side))
        sitting = sitting_value(self.query_one("#sitting", Input).value, "hours sat")
        note = note_value(self.query_one("#note", Input).value)
        no_position = self.query_one("#no-position", Checkbox).value
        if not pains and sitting is None and not note and not no_position:
            hint = "" if self.checkin is None else " (to take this check-in away, remove it in History)"
            raise FieldError("pain", f"note the pain of at least one region (focus it and press a digit){hint}")
        return CheckinDraft(pains, sitting, note, no_position, None if self.checkin is None else self.checkin.uuid)

    def nothing_to_save(self) -> str | None:
        """An edit that says what the check-in says writes nothing: it said "Check-in changed" (an
        outside pass), also for "7.0" typed over 7 or a space after the note."""
        if self.checkin is None:
            return None
        try:
            draft = self.draft()
        except FieldError:
            return None  # saving says what is wrong
        return (
            "Nothing changed: the check-in stays as it was." if says_the_same(self.checkin, draft.answers()) else None
        )

    def placed(self, error: FieldError) -> tuple[str, Widget]:
        target = {"hours sat": "#sitting", "note": "#note"}.get(error.field)
        return error.field, self.query_one(target) if target else self.query_one(PainRow)


def new_checkin_today(pains: Sequence[PainEntry], sitting_hours: float | None, latest: Checkin | None) -> CheckinScreen:
    """A new check-in, filled in from today as Today's card shows it (each area's latest pain, from
    check-ins and sessions; the latest hours sat; "no position is comfortable" from the latest
    check-in), so only what changed needs typing; blank on a day with nothing yet. Always a new
    check-in at its own time: saving over the morning's 8/10 lost it, and with it the questions it
    asked and a program's flare mode. History's `e` corrects a check-in that was wrong."""
    if latest is None and not pains and sitting_hours is None:
        return CheckinScreen()
    answers = CheckinAnswers(  # not a note: that is its moment's
        tuple(pains),
        sitting_hours=sitting_hours,
        no_comfortable_position=latest is not None and latest.no_comfortable_position,
    )
    when = f" ({time_label(latest.at, latest.zone)})" if latest is not None else ""
    heading = f"[b]Check in now[/b], filled in from today{when}: change what differs."
    return CheckinScreen(answers=answers, heading=heading)
