"""Reading times people type: ISO 8601, local time unless an offset is given.

The rule (the window, the messages) is core.instants'; this module adds what a typed time means:
wall time in the clock's zone, and not later than now.
"""

from __future__ import annotations

import re
from datetime import datetime

from stretchtui.core.clock import Clock
from stretchtui.core.errors import FieldError
from stretchtui.core.instants import not_later
from stretchtui.core.instants import parse_instant as parse_iso


def parse_instant(text: str, clock: Clock, field: str = "time") -> datetime:
    """`2026-11-21T07:30` is local time in the clock's zone; `…+01:00` or `…Z` is that instant.
    Raises FieldError (outside the window, or not a time)."""
    return parse_iso(text, field, zone=clock.zone)


def typed_instant(text: str, clock: Clock, field: str) -> datetime:
    """A time typed by hand for something done: inside the window and not later than now. A date
    alone is refused: read as midnight, it would land on the day before (a day starts at the
    day-start hour), never the day the person meant."""
    instant = parse_instant(text, clock, field)  # a text that is no time at all is refused here, in its words
    if not re.search(r"\d[Tt ]\d", text.strip()):  # 2026-12-04, 20261204, 2026-W49-1: a date alone
        day = instant.astimezone(clock.zone).date()
        raise FieldError(field, f"give the time too, e.g. {day.isoformat()}T09:00 (a date alone would be midnight)")
    return not_later(instant, clock.now(), field, text.strip())
