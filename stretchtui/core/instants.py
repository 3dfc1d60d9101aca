"""The one rule for valid days, times and weeks: what the CLI accepts, the store keeps, an export
writes and an import reads back.

The window is fixed and does not depend on the clock, so everything written once can be read
again, whatever the clock says on the day of the import:

- a day (a date, a logical day) lies from 1970-01-01 to 2199-12-31;
- an instant lies from 1970-01-02 00:00 UTC up to (not including) 2199-12-31 00:00 UTC: a day
  narrower at each end, so that the logical day of any valid instant, in any zone (UTC-12 to
  UTC+14) and with any day-start hour (0-12), is a valid day;
- an ISO week is valid when it holds a valid day: 1970-W01 to 2200-W01.

Things typed by hand (`record --at`, `rest --date`...) are also refused when later than now:
they have not happened yet (`not_later`). An import does not apply that guard: a clock that ran
ahead and was corrected must not make its own export unreadable.

Every helper turns ValueError and OverflowError into one FieldError naming the field.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from stretchtui.core.errors import FieldError, shown

FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2199, 12, 31)
FIRST_INSTANT = datetime.combine(FIRST_DAY + timedelta(days=1), time(), UTC)
END_INSTANT = datetime.combine(LAST_DAY, time(), UTC)  # the first instant outside
LAST_INSTANT = END_INSTANT - timedelta(microseconds=1)
FIRST_WEEK = FIRST_DAY - timedelta(days=FIRST_DAY.weekday())  # the Mondays of the first and last week
LAST_WEEK = LAST_DAY - timedelta(days=LAST_DAY.weekday())
MAX_TEXT = 64  # longer is not a date or a time
WEEK_PATTERN = re.compile(r"([0-9]{4})-W([0-9]{2})")


def _minute(instant: datetime) -> str:
    return f"{instant:%Y-%m-%d %H:%M} UTC"


def week_label(day: date) -> str:
    """'2026-W47': the ISO week `day` falls in."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December is always in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


def window_text() -> str:
    """The rule in one line, for messages and help."""
    return f"days {FIRST_DAY} to {LAST_DAY}, times {_minute(FIRST_INSTANT)} to {_minute(LAST_INSTANT)}"


# ---------------------------------------------------------------------- checks of parsed values


def check_instant(value: datetime, field: str, as_given: str | None = None) -> datetime:
    """An aware instant inside the window, returned in UTC. `as_given` is how the person wrote it."""
    said = as_given if as_given is not None else value.isoformat()
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldError(field, f"{shown(said)} has no UTC offset (add 'Z' or '+01:00')")
    # Far from the window, converting to UTC could overflow (year 1 at +01:00): decide by the year.
    if value.year < FIRST_INSTANT.year - 1:
        raise FieldError(field, f"{said} is before {_minute(FIRST_INSTANT)}, the earliest time stretchtui keeps")
    if value.year > END_INSTANT.year + 1:
        raise FieldError(field, f"{said} is after {_minute(LAST_INSTANT)}, the latest time stretchtui keeps")
    instant = value.astimezone(UTC)
    if instant < FIRST_INSTANT:
        raise FieldError(field, f"{said} is before {_minute(FIRST_INSTANT)}, the earliest time stretchtui keeps")
    if instant >= END_INSTANT:
        raise FieldError(field, f"{said} is after {_minute(LAST_INSTANT)}, the latest time stretchtui keeps")
    return instant


def check_day(value: date, field: str) -> date:
    """A day inside the window."""
    if value < FIRST_DAY:
        raise FieldError(field, f"{value} is before {FIRST_DAY}, the earliest day stretchtui keeps")
    if value > LAST_DAY:
        raise FieldError(field, f"{value} is after {LAST_DAY}, the latest day stretchtui keeps")
    return value


def check_week(monday: date, field: str) -> date:
    """The Monday of a week that holds a valid day."""
    if monday < FIRST_WEEK:
        raise FieldError(
            field, f"{week_label(monday)} is before {week_label(FIRST_WEEK)}, the earliest week stretchtui keeps"
        )
    if monday > LAST_WEEK:
        raise FieldError(
            field, f"{week_label(monday)} is after {week_label(LAST_WEEK)}, the latest week stretchtui keeps"
        )
    return monday


# ---------------------------------------------------------------------- reading text


def _text(value: object, field: str, example: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise FieldError(field, f"must be {example}, not {shown(value)}")
    cleaned = value.strip()
    if not cleaned:
        raise FieldError(field, f"is empty; give {example}")
    return cleaned


def parse_instant(value: object, field: str, *, zone: tzinfo | None = None) -> datetime:
    """An ISO 8601 instant, returned in UTC. With an offset (or `Z`) it is that instant; without
    one it is wall time in `zone` (a wall time in a DST gap or fold is taken as the first
    reading), or refused when no zone is given (an export file always carries offsets)."""
    example = "an ISO 8601 time like 2026-11-21T07:30" if zone else "an ISO 8601 instant like '2026-11-21T08:30:00Z'"
    text = _text(value, field, example)
    cleaned = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise FieldError(field, f"{shown(value)} is not {example}") from None
    if parsed.tzinfo is None and zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        return check_instant(parsed, field, text)
    except OverflowError:  # a zone's offset at the very edge of the calendar
        raise FieldError(field, f"{text} is outside the times stretchtui keeps ({window_text()})") from None


def parse_day(value: object, field: str) -> date:
    """A day written YYYY-MM-DD."""
    text = _text(value, field, "a date like 2026-11-21")
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise FieldError(field, f"{shown(value)} is not a date like 2026-11-21")
    return check_day(day, field)


def parse_week(value: object, field: str) -> date:
    """The Monday of an ISO week written YYYY-Www: the form, that the week exists, the window."""
    text = _text(value, field, "an ISO week like 2026-W47")
    match = WEEK_PATTERN.fullmatch(text)
    if match is None:
        raise FieldError(field, f"{shown(value)} is not an ISO week like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    if not FIRST_WEEK.year <= year <= LAST_DAY.year + 1:
        raise FieldError(
            field, f"{text} is outside the weeks stretchtui keeps ({week_label(FIRST_WEEK)} to {week_label(LAST_WEEK)})"
        )
    last = weeks_in_year(year)
    if not 1 <= week <= last:
        raise FieldError(field, f"{year} has {last} ISO weeks, so there is no {year}-W{week:02d}")
    return check_week(date.fromisocalendar(year, week, 1), field)


# ---------------------------------------------------------------------- the entry guard


def not_later(instant: datetime, now: datetime, field: str, as_given: str) -> datetime:
    """A time typed by hand has happened: one later than now is a typo (never applied on import)."""
    if instant > now:
        raise FieldError(field, f"{as_given} is in the future")
    return instant


def day_not_later(day: date, today: date, field: str) -> date:
    """A day typed by hand has begun: one after today is a typo (never applied on import)."""
    if day > today:
        raise FieldError(field, f"{day} is in the future")
    return day
