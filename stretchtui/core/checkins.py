"""Check-ins: pain per region, hours sat, a note. One set of rules for the form and `stretchtui log`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from stretchtui.core.errors import FieldError, shown

MAX_NOTE = 500


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
SIDES = ("", "left", "right")


@dataclass(frozen=True)
class PainEntry:
    region: Region
    pain: int
    side: str = ""  # "", "left" or "right"

    def describe(self) -> str:
        side = f" ({self.side})" if self.side else ""
        return f"{REGION_LABELS[self.region]}{side} {self.pain}/10"


@dataclass(frozen=True)
class Checkin:
    id: int
    uuid: str
    at: datetime
    zone: str
    day: date
    pains: tuple[PainEntry, ...]
    sitting_hours: float | None
    note: str
    no_comfortable_position: bool
    source: str


def pain_value(value: object, field: str = "pain") -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise FieldError(field, f"must be a whole number from 0 to 10, not {shown(value)}")
    return value


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
    try:
        hours = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise FieldError(field, f"{shown(value)} is not a number of hours like 7 or 7.5") from None
    if not 0 <= hours <= 24:
        raise FieldError(field, f"must be between 0 and 24 hours, not {hours:g}")
    if hours * 2 != int(hours * 2):
        raise FieldError(field, f"use whole or half hours (7 or 7.5), not {hours:g}")
    return hours


def note_value(value: object, field: str = "note") -> str:
    """A check-in note: optional text under the one text rule (core.validation.text)."""
    from stretchtui.core.validation import text

    return text("" if value is None else str(value), field, required=False, limit=MAX_NOTE)


def latest_by_region(checkins: list[Checkin]) -> dict[tuple[Region, str], PainEntry]:
    """Several check-ins a day are fine: the latest one per region (and side) counts for that day."""
    latest: dict[tuple[Region, str], PainEntry] = {}
    for checkin in sorted(checkins, key=lambda c: c.at):
        for pain in checkin.pains:
            latest[(pain.region, pain.side)] = pain
    return latest
