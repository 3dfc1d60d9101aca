"""Logical days on the DST nights of three zones, across a zone change, and with the clock moved back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stretchtui.core.clock import FrozenClock
from stretchtui.core.days import logical_day, next_day_start
from stretchtui.core.timeparse import parse_instant
from stretchtui.store import Store

# The nights the clocks change in 2026 (spring forward, fall back).
DST_NIGHTS = [
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Europe/Berlin", date(2026, 10, 25)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 10, 4)),
]
NIGHT_TIMES = ["00:30", "01:30", "02:30", "03:30"]


@pytest.mark.parametrize(("zone", "night"), DST_NIGHTS)
@pytest.mark.parametrize("local_time", NIGHT_TIMES)
def test_sessions_before_the_day_start_on_dst_nights_count_for_the_evening_before(
    zone: str, night: date, local_time: str, tmp_path
) -> None:
    clock = FrozenClock(datetime(2026, 12, 1, tzinfo=UTC), zone)
    instant = parse_instant(f"{night.isoformat()}T{local_time}", clock)  # 02:30 may not exist: still night
    assert logical_day(instant, ZoneInfo(zone)) == night - timedelta(days=1)
    store = Store.open(tmp_path / "s.db", clock)
    try:
        info = store.sessions.record_backfill(None, instant, 10)
        assert info.day == night - timedelta(days=1) and info.zone == zone
    finally:
        store.close()


@pytest.mark.parametrize(("zone", "night"), DST_NIGHTS)
def test_the_day_starts_at_four_even_on_dst_nights(zone: str, night: date) -> None:
    tz = ZoneInfo(zone)
    evening = datetime.combine(night - timedelta(days=1), datetime.min.time()).replace(hour=22, tzinfo=tz)
    start = next_day_start(evening, tz)
    assert start.astimezone(tz).hour == 4 and start.astimezone(tz).date() == night
    assert logical_day(start - timedelta(seconds=1), tz) == night - timedelta(days=1)
    assert logical_day(start, tz) == night


def test_next_day_start_inside_a_dst_gap() -> None:
    """With the day starting at 02:00, on a spring-forward night 02:00 does not exist: 03:00 starts it."""
    tz = ZoneInfo("Europe/Berlin")
    start = next_day_start(datetime(2026, 3, 28, 22, 0, tzinfo=tz), tz, day_start_hour=2)
    assert start.astimezone(tz) == datetime(2026, 3, 29, 3, 0, tzinfo=tz)


@pytest.mark.parametrize(
    ("start_zone", "next_zone"), [("Europe/Berlin", "America/New_York"), ("America/New_York", "Europe/Berlin")]
)
def test_travel_never_rewrites_earlier_days(tmp_path, start_zone: str, next_zone: str) -> None:
    clock = FrozenClock(datetime(2026, 11, 20, 21, 0, tzinfo=UTC), start_zone)
    store = Store.open(tmp_path / "s.db", clock)
    try:
        first = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
        first_day = first.day
        clock.move_to_zone(next_zone)  # fly to the other side of the Atlantic
        clock.advance(12 * 3600)
        second = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
        assert store.sessions.session(first.id).day == first_day and store.sessions.session(first.id).zone == start_zone
        assert second.zone == next_zone
        assert second.day == logical_day(clock.now(), ZoneInfo(next_zone))
    finally:
        store.close()


def test_changing_the_day_start_never_rewrites_earlier_days(store: Store, clock) -> None:
    clock.instant = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)  # 02:30 in Berlin
    early = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    assert early.day == date(2026, 11, 20)
    store.settings.set("day_start_hour", 0)
    assert store.sessions.session(early.id).day == date(2026, 11, 20)
    later = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    assert later.day == date(2026, 11, 21)


def test_the_system_clock_moved_back(store: Store, clock) -> None:
    from stretchtui.core.sessions import SessionStatus

    done = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    store.sessions.finish_session(done.id, SessionStatus.COMPLETE)
    clock.advance(-3 * 86400)  # the clock jumps back three days
    summary = store.history.streak_summary(date(2026, 11, 18))
    assert summary.current == 0 and summary.longest == 0  # the "future" session does not count yet
    clock.advance(3 * 86400)
    assert store.history.streak_summary(date(2026, 11, 21)).today_done


def test_goal_changes_apply_to_the_summary(store: Store) -> None:
    from stretchtui.core.sessions import SessionStatus

    info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE)
    assert store.history.streak_summary(date(2026, 11, 21)).today_done
    store.settings.set("goal_routines", 2)  # twice a day, as one article advises
    assert not store.history.streak_summary(date(2026, 11, 21)).today_done
