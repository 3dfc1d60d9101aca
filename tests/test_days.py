from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from stretchtui.core.clock import FrozenClock, local_zone_name
from stretchtui.core.days import EventTime, logical_day, today

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 10, 1, 0), date(2026, 3, 9)),  # 01:00 counts for the evening before
        (datetime(2026, 3, 10, 3, 59), date(2026, 3, 9)),
        (datetime(2026, 3, 10, 4, 0), date(2026, 3, 10)),  # the day starts at 04:00
        (datetime(2026, 3, 10, 23, 59), date(2026, 3, 10)),
        (datetime(2027, 1, 1, 2, 0), date(2026, 12, 31)),  # year end
        (datetime(2028, 3, 1, 3, 0), date(2028, 2, 29)),  # leap day
    ],
)
def test_logical_day_subtracts_the_day_start_hour(local: datetime, expected: date) -> None:
    assert logical_day(local.replace(tzinfo=BERLIN), BERLIN) == expected


def test_day_start_hour_is_a_parameter() -> None:
    instant = datetime(2026, 3, 10, 1, 0, tzinfo=BERLIN)
    assert logical_day(instant, BERLIN, 0) == date(2026, 3, 10)
    with pytest.raises(ValueError):
        logical_day(instant, BERLIN, 24)


def test_logical_day_uses_the_zone_not_utc() -> None:
    instant = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)  # 00:30 on the 22nd in Berlin
    assert logical_day(instant, ZoneInfo("UTC")) == date(2026, 11, 21)
    assert logical_day(instant, BERLIN) == date(2026, 11, 21)
    assert logical_day(instant, ZoneInfo("Asia/Tokyo")) == date(2026, 11, 22)  # 08:30 in Tokyo


def test_today_and_event_time_follow_the_injected_clock() -> None:
    clock = FrozenClock(datetime(2026, 11, 21, 2, 0, tzinfo=UTC), "Europe/Berlin")  # 03:00 local
    assert today(clock) == date(2026, 11, 20)
    clock.advance(3600)  # 04:00 local
    assert today(clock) == date(2026, 11, 21)
    stamp = EventTime.stamp(clock)
    assert stamp == EventTime(datetime(2026, 11, 21, 3, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 21))


def test_frozen_clock_moves_wall_and_monotonic_time_together() -> None:
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))
    before = clock.monotonic()
    clock.advance(12.5)
    assert clock.monotonic() - before == 12.5
    with pytest.raises(ValueError):
        FrozenClock(datetime(2026, 1, 1))


def test_local_zone_name(tmp_path) -> None:
    assert local_zone_name({"TZ": "America/New_York"}) == "America/New_York"
    assert local_zone_name({"TZ": ":Europe/Berlin"}) == "Europe/Berlin"
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Australia/Sydney")
    assert local_zone_name({}, link) == "Australia/Sydney"
    assert local_zone_name({"TZ": "Not/AZone"}, tmp_path / "missing") == "UTC"
