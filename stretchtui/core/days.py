"""Logical days: the date an event counts for.

A logical day starts at the day-start hour (default 04:00 local), so a stretch at 01:00 still
counts for the evening before. The day is computed once, when the event is written, from the
UTC instant and the zone in force then; changing the setting or travelling never rewrites it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
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
    start = naive.replace(tzinfo=zone).astimezone(timezone.utc)
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
    def stamp(cls, clock: Clock, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> "EventTime":
        return cls.at(clock.now(), clock.zone, day_start_hour)

    @classmethod
    def at(cls, instant: datetime, zone: ZoneInfo, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> "EventTime":
        return cls(
            at_utc=instant.astimezone(timezone.utc),
            zone=zone.key,
            day=logical_day(instant, zone, day_start_hour),
        )
