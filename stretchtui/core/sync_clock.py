"""The hybrid logical clock that orders changes made on several machines (docs/sync.md).

A stamp is (wall milliseconds, counter, device): later wall time wins, the counter orders changes
within one millisecond and after a clock that stood still or went back, and the device id breaks
the last tie, so every machine puts the same changes in the same order. A change to a record is
always stamped after the version it changed, whatever the wall clock says: an edit made after
seeing a version wins over it.

A stamp from a machine whose clock is far ahead (`MAX_AHEAD`) is applied as it is (every machine
must order it the same), but it does not move this machine's clock: only the records that machine
wrote carry its future time, not every later change made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_AHEAD_MS = 10 * 60 * 1000
"""How far ahead of this machine's clock another machine's stamp may be and still move this clock."""

DEVICE_ID = re.compile(r"[0-9a-f]{16}")
"""A device id: 16 lowercase hex digits, made once by `sync init`."""

_STAMP = re.compile(r"(\d{15})\.(\d{6})\.([0-9a-f]{16})")
MAX_WALL_MS = 253402300799999
"""The last millisecond of the year 9999: a later stamp is refused where it is read, so no edit of a
record can be stamped past what the text form (15 + 6 digits) holds, on any machine."""
MAX_COUNTER = 999_999


@dataclass(frozen=True, order=True)
class Stamp:
    """When a change was made, in an order every machine agrees on. Compares as it sorts as text."""

    wall_ms: int
    counter: int
    device: str

    def text(self) -> str:
        return f"{self.wall_ms:015d}.{self.counter:06d}.{self.device}"

    @classmethod
    def parse(cls, text: object) -> Stamp:
        """The stamp `text` writes; ValueError for anything else."""
        match = _STAMP.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"not a sync stamp: {str(text)[:40]!r}")
        if int(match[1]) > MAX_WALL_MS:
            raise ValueError(f"a stamp after the year 9999: {str(text)[:40]!r}")
        return cls(int(match[1]), int(match[2]), match[3])

    @property
    def instant(self) -> datetime:
        return datetime.fromtimestamp(self.wall_ms / 1000, UTC)


def wall_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass
class HybridClock:
    """This device's clock: `last` is the highest stamp it has given or accepted."""

    device: str
    last: Stamp | None = None
    clamped: Stamp | None = None
    """The stamp this clock stopped following: given when this machine's own clock was far ahead,
    put right since (reported once by the round that notices it)."""

    def tick(self, now: datetime, *, after: Stamp | None = None) -> Stamp:
        """A stamp for a change made here now, later than every stamp seen and than `after` (the
        version being changed). If the last stamp is more than MAX_AHEAD_MS ahead of `now`, this
        machine's clock was ahead and has been put right: that stamp is not followed (`clamped`),
        or every change made here for years would carry the wrong time."""
        physical = wall_ms(now)
        last = self.last
        if last is not None and last.wall_ms > physical + MAX_AHEAD_MS:
            self.clamped, last = last, None
        floor = max((s for s in (last, after) if s is not None), default=None)
        if floor is None or physical > floor.wall_ms:
            stamp = Stamp(physical, 0, self.device)
        elif floor.counter < MAX_COUNTER:
            stamp = Stamp(floor.wall_ms, floor.counter + 1, self.device)
        elif floor.wall_ms < MAX_WALL_MS:  # the counter's text is full: the next millisecond
            stamp = Stamp(floor.wall_ms + 1, 0, self.device)
        else:  # the very last stamp there is (only a hand-made line gets there): one every machine
            stamp = Stamp(MAX_WALL_MS, MAX_COUNTER, self.device)  # reads, so no log is blocked
        if stamp.wall_ms <= physical + MAX_AHEAD_MS:
            self.last = stamp
        # else: after a version from a clock far ahead, only this record's stamp follows it;
        # this clock does not (as `receive` would not move it either)
        return stamp

    def witness(self, stamp: Stamp) -> None:
        """Take in a stamp this device gave before (its own log, read back after a crash or a
        restore): later changes are stamped after it, however far ahead it is."""
        if self.last is None or stamp > self.last:
            self.last = Stamp(stamp.wall_ms, stamp.counter, self.device)

    def receive(self, stamp: Stamp, now: datetime) -> bool:
        """Take in another device's stamp; False (the clock left as it was) when it is more than
        MAX_AHEAD_MS ahead of `now`."""
        if stamp.wall_ms > wall_ms(now) + MAX_AHEAD_MS:
            return False
        self.witness(stamp)
        return True


def ago(then: datetime, now: datetime) -> str:
    """How long ago a round ran, as the sync line says it: "just now", "2 min ago", "3 h ago",
    "5 days ago" (a time ahead of now, from a clock ahead, is "just now")."""
    from stretchtui.core.vocabulary import plural

    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{plural(int(seconds // 86400), 'day')} ago"
