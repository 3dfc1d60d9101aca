"""The record a person can correct: sessions, check-ins and rest or flare days, each named by a
short id taken from its UUID, so the id never changes and is the same on every machine.

A removal keeps the removed record for `KEEP_REMOVED_DAYS` (undo brings it back) and its UUID for
ever (a tombstone), so importing an older export, or syncing, never brings it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.checkins import PainEntry
from stretchtui.core.errors import UserError, shown
from stretchtui.core.model import _rule, format_sitting  # noqa: F401  (_rule: in the field annotations)
from stretchtui.core.sessions import Day, Instant, Uuid, Zone  # noqa: F401  (in the field annotations)

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

KEEP_REMOVED_DAYS = 30
SHORT_ID_LENGTH = 8  # hex digits: with ten years of entries, a clash is about 1 in 250
MIN_ID_LENGTH = 4  # the shortest prefix `remove` accepts
UNDO_SECONDS = 10  # how long the app offers `u` after a removal


class EntryKind(StrEnum):
    SESSION = "session"
    CHECKIN = "checkin"
    DAY_MARK = "day_mark"


class MarkKind(StrEnum):
    """What a person can put on a day without stretching: it keeps a streak going (core.streaks)."""

    REST = "rest"
    FLARE = "flare"


@dataclass(frozen=True, kw_only=True)
class DayMark:
    """A day marked rest or flare, as files (and the day_mark table) hold it: the one definition
    of its file fields, import rules, staging and CSV columns and schema (core.records)."""

    uuid: Uuid
    day: Day
    kind: MarkKind = MarkKind.REST
    at: Instant  # when it was marked
    zone: Zone


@dataclass(frozen=True, kw_only=True)
class Tombstone:
    """A removed entry as files hold it (the `removed` section): an import never brings it back."""

    kind: EntryKind
    uuid: Uuid
    removed_at: Instant


ENTRY_NOUNS = {EntryKind.SESSION: "session", EntryKind.CHECKIN: "check-in", EntryKind.DAY_MARK: "day mark"}
MARK_NOUNS = {MarkKind.REST: "rest day", MarkKind.FLARE: "flare day"}


class MarkRefused(UserError):
    """A day mark that does not fit the record (store.corrections.set_day_mark); `needs_force`
    when marking it anyway (--force, or "mark anyway" in the app) would allow it."""

    def __init__(self, message: str, *, needs_force: bool = False) -> None:
        super().__init__(message)
        self.needs_force = needs_force


@dataclass(frozen=True)
class Entry:
    """One line of the record: what it is, when, and a few words saying which one."""

    kind: EntryKind
    uuid: str
    day: date
    at: datetime
    summary: str

    @property
    def short_id(self) -> str:
        return short_id(self.uuid)

    @property
    def noun(self) -> str:
        return ENTRY_NOUNS[self.kind]

    def describe(self) -> str:
        """'check-in of Tue 01 Dec 2026: Neck 10/10'."""
        return f"{self.noun} of {self.day:%a %d %b %Y}: {self.summary}"

    def to_plain(self) -> dict[str, str]:
        return {
            "id": self.short_id,
            "kind": self.kind.value,
            "uuid": self.uuid,
            "day": self.day.isoformat(),
            "at": self.at.isoformat(),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Removal:
    """A removed entry, as undo would bring it back."""

    entry: Entry
    removed_at: datetime


def short_id(uuid: str) -> str:
    return uuid.replace("-", "")[:SHORT_ID_LENGTH]


_HEX = re.compile(r"[0-9a-f]+")


def id_prefix(text: str) -> str:
    """The hex digits a person typed to name an entry (a short id, a longer prefix, or a whole
    UUID with or without dashes), lower-cased; a one-line error for anything else."""
    cleaned = text.strip().lower().replace("-", "")
    if not _HEX.fullmatch(cleaned or "-"):
        raise UserError(f"{shown(text)} is not an entry id: give the id `stretchtui entries` lists, like 3f2a9c1b")
    if len(cleaned) < MIN_ID_LENGTH:
        raise UserError(
            f"{shown(text)} is too short to name one entry: give at least {MIN_ID_LENGTH} characters "
            "of the id `stretchtui entries` lists"
        )
    if len(cleaned) > 32:
        raise UserError(f"{shown(text)} is longer than an entry id")
    return cleaned


def uuid_like(prefix: str) -> str:
    """A LIKE pattern matching UUIDs (with their dashes) that start with these hex digits."""
    positions = (8, 12, 16, 20)  # where a UUID's dashes fall among its 32 hex digits
    dashed = "".join(("-" if i in positions else "") + ch for i, ch in enumerate(prefix))
    return dashed + "%"


def checkin_summary(
    pains: list[PainEntry], sitting_hours: float | None, note: str, no_comfortable_position: bool
) -> str:
    """'Neck 10/10, sitting 9 h': a check-in in a few words, for lists and confirmations."""
    parts = [pain.describe() for pain in pains]
    if sitting_hours is not None:
        parts.append(format_sitting(sitting_hours))
    if no_comfortable_position:
        parts.append("no comfortable position")
    if note:
        parts.append(f"“{note[:40]}{'…' if len(note) > 40 else ''}”")
    return ", ".join(parts) or "nothing noted"
