"""Per-day summaries for the streak model, in plain SQL over a plain sqlite3 connection.

One code path serves the store (over its own connection) and the quick look that `stretchtui
status` and `stats` take at the file (`store.glance`): neither peewee nor the store is needed to
read them, and a status line in a shell prompt should not pay for either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from stretchtui.core.clock import Clock
from stretchtui.core.days import today
from stretchtui.core.entries import MarkKind
from stretchtui.core.history import week_start
from stretchtui.core.sessions import COUNTED_STATUSES, Outcome, SessionStatus
from stretchtui.core.streaks import DayActivity, Goal, StreakSummary, WeekSummary, compute_streaks, week_summary

SettingValues = Mapping[str, Any]  # core.settings.Settings: the saved values, else the model's defaults

COUNTED = "(" + ", ".join(f"'{status}'" for status in COUNTED_STATUSES) + ")"  # core.sessions: as SQL
# Each query groups by the logical day; {since} is empty or an extra condition on that day.
SESSIONS_SQL = (
    f"SELECT day, SUM(status = '{SessionStatus.COMPLETE}'), COUNT(id) FROM session"
    f" WHERE status IN {COUNTED}{{since}} GROUP BY day"
)
HOLDS_SQL = (
    "SELECT s.day, SUM(st.actual_hold_seconds) FROM session_step AS st"
    " JOIN session AS s ON st.session_id = s.id"
    f" WHERE s.status IN {COUNTED} AND st.outcome = '{Outcome.DONE}'{{since}} GROUP BY s.day"
)
BACKFILL_SQL = (
    f"SELECT day, SUM(active_seconds) FROM session"
    f" WHERE status IN {COUNTED} AND source = 'backfill'{{since}} GROUP BY day"
)
PAIN_SQL = (
    "SELECT c.day, MAX(p.pain) FROM checkin_pain AS p JOIN checkin AS c ON p.checkin_id = c.id"
    " WHERE 1{since} GROUP BY c.day"
)
MARK_SQL = "SELECT day, kind FROM day_mark WHERE 1{since}"
MARKED = {
    MarkKind.REST.value: "rest_marked",
    MarkKind.FLARE.value: "flare_marked",
}  # day_mark.kind -> DayActivity field


def day_activities(conn: sqlite3.Connection, since: date | None = None) -> list[DayActivity]:
    """Every day with something recorded (from `since` on), oldest first.

    Rows stay as SQLite returns them: days are 'YYYY-MM-DD' text, which sorts as dates, and years
    of history are thousands of rows (converting every value costs more than the queries)."""
    days: dict[str, dict[str, Any]] = {}

    def rows(sql: str, column: str) -> list[tuple[Any, ...]]:
        if since is None:
            return conn.execute(sql.format(since="")).fetchall()
        return conn.execute(sql.format(since=f" AND {column} >= ?"), (since.isoformat(),)).fetchall()

    def slot(day: str) -> dict[str, Any]:
        return days.setdefault(
            day,
            {
                "completed_routines": 0,
                "completed_hold_seconds": 0.0,
                "sessions": 0,
                "rest_marked": False,
                "flare_marked": False,
                "max_pain": None,
            },
        )

    for day, complete, count in rows(SESSIONS_SQL, "day"):
        entry = slot(day)
        entry["completed_routines"] += int(complete or 0)
        entry["sessions"] += int(count)
    for sql, column in ((HOLDS_SQL, "s.day"), (BACKFILL_SQL, "day")):
        for day, seconds in rows(sql, column):
            slot(day)["completed_hold_seconds"] += float(seconds or 0)
    for day, pain in rows(PAIN_SQL, "c.day"):
        slot(day)["max_pain"] = pain
    for day, kind in rows(MARK_SQL, "day"):
        if kind in MARKED:
            slot(day)[MARKED[kind]] = True
    return [DayActivity(day=date.fromisoformat(day), **values) for day, values in sorted(days.items())]


def day_start_from(settings: SettingValues) -> int:
    """The hour the logical day starts at (core.days), from the settings."""
    return int(settings["day_start_hour"])


def goal_from(settings: SettingValues) -> Goal:
    """The daily goal the settings describe: so many completed routines, or so many minutes."""
    return Goal(int(settings["goal_routines"]), int(settings["goal_minutes"]))


def streak_summary(activities: list[DayActivity], today_: date, settings: SettingValues) -> StreakSummary:
    """The streak model over `activities` with the user's goal and grace days."""
    return compute_streaks(activities, today_, goal_from(settings), grace_per_7_days=int(settings["grace_per_week"]))


class StreakNumbers(NamedTuple):
    """What `stretchtui status` and `stats` print."""

    summary: StreakSummary
    week: WeekSummary
    day_start_hour: int


def streak_numbers(activities: list[DayActivity], settings: SettingValues, clock: Clock) -> StreakNumbers:
    """The streak and this week (Monday on) as of the logical day now."""
    day_start = day_start_from(settings)
    current = today(clock, day_start)
    monday = week_start(current)
    return StreakNumbers(
        streak_summary(activities, current, settings),
        week_summary(activities, monday, goal_from(settings), today=current),
        day_start,
    )
