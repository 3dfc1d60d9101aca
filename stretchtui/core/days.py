"""Logical days: the date an event counts for.

A logical day starts at the day-start hour (default 04:00 local), so a stretch at 01:00 still
counts for the evening before. The day is computed once, when the event is written, from the
UTC instant and the zone in force then; changing the setting or travelling never rewrites it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from stretchtui.core.clock import Clock

DEFAULT_DAY_START_HOUR = 4


def logical_day(instant: datetime, zone: ZoneInfo, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> date:
    """The local date of `instant` in `zone`, after subtracting the day-start hour."""
    if instant.tzinfo is None:
        raise ValueError("logical_day needs an aware datetime")
    if not 0 <= day_start_hour <= 23:
        raise ValueError(f"day-start hour must be 0-23, not {day_start_hour}")
    local = instant.astimezone(zone)
    return (local.replace(tzinfo=None) - timedelta(hours=day_start_hour)).date()


def next_day_start(instant: datetime, zone: ZoneInfo, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> datetime:
    """The UTC instant the next logical day begins (for an app left open overnight). On a night
    when the clocks jump over the day-start hour, it is the first instant after the jump."""
    current = logical_day(instant, zone, day_start_hour)
    naive = datetime.combine(current + timedelta(days=1), datetime.min.time()) + timedelta(hours=day_start_hour)
    start = naive.replace(tzinfo=zone).astimezone(UTC)
    # A wall time inside a DST gap maps to an instant whose logical day may still be `current`;
    # step forward minute by minute (at most an hour or two) until the day has really changed.
    while logical_day(start, zone, day_start_hour) == current:
        start += timedelta(minutes=1)
    return start


def today(clock: Clock, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> date:
    """The logical day now. The only place in the code that answers 'what day is it'."""
    return logical_day(clock.now(), clock.zone, day_start_hour)


@dataclass(frozen=True)
class EventTime:
    """When an event happened, fixed at write time: UTC instant, IANA zone, logical day."""

    at_utc: datetime
    zone: str
    day: date

    @classmethod
    def stamp(cls, clock: Clock, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> EventTime:
        return cls.at(clock.now(), clock.zone, day_start_hour)

    @classmethod
    def at(cls, instant: datetime, zone: ZoneInfo, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> EventTime:
        return cls(
            at_utc=instant.astimezone(UTC),
            zone=zone.key,
            day=logical_day(instant, zone, day_start_hour),
        )


# ---------------------------------------------------------------------- dates as people read them


def day_label(day: date, today: date, *, weekday: bool = True, long: bool = False) -> str:
    """The one way a date is written for people: 'Sat 21 Nov' ('Saturday 21 November' when
    `long`), with the year when it is not this year's ('Mon 29 Dec 2025'), so a date from another
    year never passes for this one."""
    text = f"{day:%A %d %B}" if long else f"{day:%a %d %b}"
    if not weekday:
        text = text.split(" ", 1)[1]
    return text if day.year == today.year else f"{text} {day.year}"


def month_label(day: date, today: date) -> str:
    """A month over a chart's columns: 'Sep', or "Dec '25" when it is not this year's."""
    return f"{day:%b}" if day.year == today.year else f"{day:%b} '{day:%y}"


def span_label(first: date, last: date, today: date, *, weekday: bool = True) -> str:
    """'Mon 16 Nov – Sun 22 Nov 2026': a span ends with its year; its start carries its own year
    when that differs from the end's or from this year's ('Mon 29 Dec 2025 – Sun 04 Jan 2026')."""
    start = day_label(first, today if first.year == last.year else last, weekday=weekday)
    return f"{start} – {day_label(last, last, weekday=weekday)} {last.year}"


def time_label(instant: datetime, zone: str) -> str:
    """'07:40': the wall-clock time of `instant` in the zone it was written in (UTC, said so,
    when that zone is unknown here)."""
    from zoneinfo import ZoneInfoNotFoundError

    try:
        return f"{instant.astimezone(ZoneInfo(zone)):%H:%M}"
    except (ZoneInfoNotFoundError, ValueError):
        return f"{instant.astimezone(UTC):%H:%M} UTC"
