"""The one clock the app reads time from.

Wall time (an aware UTC instant plus the user's IANA zone) says *when* something happened;
monotonic time measures *how long*. Both come from one injected object so tests can freeze them.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    """What the rest of the app needs from a clock."""

    @property
    def zone(self) -> ZoneInfo: ...

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; only differences mean anything."""
        ...


def local_zone_name(environ: dict[str, str] | None = None, localtime: Path = Path("/etc/localtime")) -> str:
    """The IANA name of the machine's zone: $TZ, else the /etc/localtime link, else UTC."""
    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").lstrip(":")
    if tz and _is_zone(tz):
        return tz
    try:
        target = os.path.realpath(localtime)
        marker = "zoneinfo/"
        if marker in target:
            name = target.split(marker, 1)[1]
            if _is_zone(name):
                return name
    except OSError:
        pass
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def default_clock() -> Clock:
    """The clock a command runs on when none is injected: the one place the CLI reads real time.
    Tests replace this function (tests/conftest.py), so every command in a test sees the test's
    frozen clock, whatever the date the suite runs on."""
    return SystemClock()


class SystemClock:
    """The real clock."""

    def __init__(self, zone: str | None = None) -> None:
        self._zone = ZoneInfo(zone or local_zone_name())

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


@dataclass
class FrozenClock:
    """A clock that only moves when told to: for tests and deterministic screenshots."""

    instant: datetime
    zone_name: str = "UTC"
    mono: float = 1000.0
    _zone: ZoneInfo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.instant = self.instant.astimezone(UTC)
        self._zone = ZoneInfo(self.zone_name)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def now(self) -> datetime:
        return self.instant

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        """Move wall and monotonic time forward together."""
        self.instant += timedelta(seconds=seconds)
        self.mono += seconds

    def move_to_zone(self, zone_name: str) -> None:
        """Travel: the instant stays, the local zone changes."""
        self.zone_name = zone_name
        self._zone = ZoneInfo(zone_name)
