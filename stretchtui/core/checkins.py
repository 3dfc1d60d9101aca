"""Check-ins: pain per region, hours sat, a note. One set of rules for the form and `stretchtui log`."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime  # noqa: F401  (in the field annotations)
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, ClassVar  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core import digits
from stretchtui.core.errors import FieldError, shown
from stretchtui.core.model import _rule  # noqa: F401  (in the field annotations)
from stretchtui.core.sessions import Day, Instant, Pain, Uuid, Zone, zero_to_ten  # noqa: F401  (but zero_to_ten: in the field annotations)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from msgspec import Meta  # noqa: F401

MAX_NOTE = 500


class CheckinSource(StrEnum):
    APP = "app"
    CLI = "cli"  # `stretchtui log`
    SESSION = "session"  # the "pain before" of a session


class PainSide(StrEnum):
    """Which side a pain is on: none said (""), left or right."""

    NONE = ""
    LEFT = "left"
    RIGHT = "right"


class Region(StrEnum):
    LOWER_BACK = "lower-back"
    MID_UPPER_BACK = "mid-upper-back"
    NECK = "neck"
    HIPS_BUTTOCKS = "hips-buttocks"
    LEG = "leg"


REGION_LABELS = {
    Region.LOWER_BACK: "Lower back",
    Region.MID_UPPER_BACK: "Mid/upper back",
    Region.NECK: "Neck",
    Region.HIPS_BUTTOCKS: "Hips/buttocks",
    Region.LEG: "Leg (sciatica-like)",
}
SIDES = tuple(side.value for side in PainSide)
BOTH = "both"
"""A side one can choose when noting a pain (`log --side both`, the check-in form) but that is not
stored: the same pain noted on each side, so leg pain in both legs counts as such (core.safety)."""
CHOSEN_SIDES = (*SIDES, BOTH)


def sides_of(chosen: str) -> tuple[PainSide, ...]:
    """The stored sides of a chosen one: "both" is left and right."""
    return (PainSide.LEFT, PainSide.RIGHT) if chosen == BOTH else (PainSide(chosen),)


def region_label(region: Region, side: str = "") -> str:
    """'Lower back', 'Lower back (left)'; a label with its own brackets takes the side inside
    them: 'Leg (sciatica-like, left)', not '(sciatica-like) (left)'. Everywhere a pain is named."""
    label = REGION_LABELS[region]
    if not side:
        return label
    return f"{label[:-1]}, {side})" if label.endswith(")") else f"{label} ({side})"


MAX_PAINS = 20


@dataclass(frozen=True)
class PainEntry:
    """One pain reading of a check-in (files write it as {region, side, pain})."""

    FILE_ORDER: ClassVar[tuple[str, ...]] = ("region", "side", "pain")

    region: Region
    pain: Pain
    side: PainSide = PainSide.NONE

    def __post_init__(self) -> None:  # accept plain strings ("left"), as the form and `log` give them
        object.__setattr__(self, "side", PainSide(self.side))

    def describe(self) -> str:
        return f"{region_label(self.region, self.side)} {self.pain}/10"


@dataclass(frozen=True, kw_only=True)
class Checkin:
    """A check-in: the one definition of its file fields, import rules, staging and CSV columns
    and schema (core.records). `id` is the store's row id (not in files); `session_uuid` is in
    files only (the session whose "pain before" it was)."""

    LOCAL: ClassVar[frozenset[str]] = frozenset({"id"})
    FILE_ORDER: ClassVar[tuple[str, ...]] = (
        "uuid",
        "at",
        "zone",
        "day",
        "source",
        "sitting_hours",
        "no_comfortable_position",
        "note",
        "session_uuid",
        "pains",
    )

    id: int = 0
    uuid: Uuid
    at: Instant
    zone: Zone
    day: Day
    pains: Annotated[tuple[PainEntry, ...], _rule(max_length=MAX_PAINS, extra={"check": "nested"})] = ()
    sitting_hours: Annotated[float, _rule(ge=0, le=24, extra={"check": "half_hours"})] | None = None
    note: Annotated[str, _rule(max_length=MAX_NOTE)] = ""
    no_comfortable_position: bool = False
    source: CheckinSource = CheckinSource.APP
    session_uuid: Annotated[str, _rule(extra={"check": "uuid", "link": "session"})] | None = None


@dataclass(frozen=True)
class CheckinAnswers:
    """What a person says in a check-in, from the form or `stretchtui log`: for a new check-in, or
    in place of what an old one said (store.corrections.update_checkin)."""

    pains: Sequence[PainEntry]
    _: KW_ONLY
    sitting_hours: float | None = None
    note: str = ""
    no_comfortable_position: bool = False


@dataclass(frozen=True, kw_only=True)
class NewCheckin(CheckinAnswers):
    """A check-in to add (store.checkins.add_checkin): its answers, when (None: now), where it came
    from (a CheckinSource) and the session whose "pain before" it is."""

    at: datetime | None = None
    source: str = "app"
    session_id: int | None = None


def pain_value(value: object, field: str = "pain") -> int:
    return zero_to_ten(value, field)


def region_value(value: object, field: str = "area") -> Region:
    try:
        return Region(str(value))
    except ValueError:
        raise FieldError(field, f"{shown(value)} is not one of: {', '.join(r.value for r in Region)}") from None


def side_value(value: object, field: str = "side") -> str:
    if value in (None, "", "both"):
        return ""
    if value not in ("left", "right"):
        raise FieldError(field, f"{shown(value)} is not left or right")
    return str(value)


def sitting_value(value: object, field: str = "sitting") -> float | None:
    """Hours sat today: 0-24 in halves (7, 7.5); blank means not noted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    hours = digits.decimal(str(value).replace(",", "."))  # a comma too, as many people write it
    if hours is None:
        raise FieldError(field, f"{shown(value)} is not a number of hours like 7 or 7.5")
    if not 0 <= hours <= 24:
        raise FieldError(field, f"must be between 0 and 24 hours, not {hours:g}")
    if hours * 2 != int(hours * 2):
        raise FieldError(field, f"use whole or half hours (7 or 7.5), not {hours:g}")
    return hours


def note_value(value: object, field: str = "note") -> str:
    """A check-in note: optional text under the one text rule (core.validation.text)."""
    from stretchtui.core.validation import text

    return text("" if value is None else str(value), field, required=False, limit=MAX_NOTE)


def says_the_same(checkin: Checkin, answers: CheckinAnswers) -> bool:
    """Whether `answers` (validated: the note stripped, hours as numbers) say what `checkin` says: the
    same pains in any order, hours, note and "no comfortable position". An edit that says the same
    is no change ("7.0" for 7, a trailing space), and nothing is written for it."""

    def pains(entries: Iterable[PainEntry]) -> list[tuple[str, str, int]]:
        return sorted((p.region.value, p.side, p.pain) for p in entries)

    return (
        pains(checkin.pains) == pains(answers.pains)
        and checkin.sitting_hours == answers.sitting_hours
        and checkin.note == answers.note
        and checkin.no_comfortable_position == answers.no_comfortable_position
    )


def latest_by_region(checkins: list[Checkin]) -> dict[tuple[Region, str], PainEntry]:
    """Several check-ins a day are fine: the latest one per region (and side) counts for that day."""
    latest: dict[tuple[Region, str], PainEntry] = {}
    for checkin in sorted(checkins, key=lambda c: c.at):
        for pain in checkin.pains:
            latest[(pain.region, pain.side)] = pain
    return latest
