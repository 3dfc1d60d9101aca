"""Reading times people type: ISO 8601, local time unless an offset is given."""

from __future__ import annotations

from datetime import datetime, timezone

from stretchtui.core.clock import Clock


def parse_instant(text: str, clock: Clock) -> datetime:
    """`2026-11-21T07:30` is local time in the clock's zone; `…+01:00` or `…Z` is that instant."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time like 2026-11-21T07:30") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.zone)
        # A wall time that does not exist (a DST gap) or happens twice is taken as the first reading.
    return value.astimezone(timezone.utc)
