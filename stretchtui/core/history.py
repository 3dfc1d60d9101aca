"""Shapes for the history charts: weeks, a heatmap grid, shade levels. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from stretchtui.core.glyphs import UNICODE
from stretchtui.core.streaks import FLARE_PAIN, DayActivity

SHADES = UNICODE.shades


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def shade(minutes: float, goal_minutes: float) -> str:
    """0 = nothing; a quarter of the goal per step; the goal or more is full."""
    if minutes <= 0:
        return SHADES[0]
    level = min(4, 1 + int(3 * minutes / max(goal_minutes, 1e-9)))
    return SHADES[level]


def day_marks(activities: Iterable[DayActivity]) -> dict[date, str]:
    """The heatmap's marks: 'r' for a rest day, 'f' for a day marked flare or with a check-in pain of
    FLARE_PAIN or more and no session. Stretching on the day shows as a shade instead."""
    marks = {}
    for activity in activities:
        if activity.rest_marked:
            marks[activity.day] = "r"
        elif activity.flare_marked or (
            activity.max_pain is not None and activity.max_pain >= FLARE_PAIN and activity.sessions == 0
        ):
            marks[activity.day] = "f"
    return marks


def heatmap_rows(
    minutes: Mapping[date, float], marks: Mapping[date, str], today: date, weeks: int, goal_minutes: float
) -> list[str]:
    """Seven strings (Mon..Sun), one character per week, oldest week first. A day marked rest
    or flare shows its mark ('r', 'f') unless stretching happened; days after today are blank."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    rows = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            if day > today:
                cells.append(" ")
            elif minutes.get(day, 0) > 0:
                cells.append(shade(minutes[day], goal_minutes))
            else:
                cells.append(marks.get(day, UNICODE.no_activity))
        rows.append("".join(cells))
    return rows


def weekly_totals(minutes: Mapping[date, float], today: date, weeks: int) -> list[tuple[date, float]]:
    """(Monday, minutes) for the last `weeks` weeks, oldest first."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    totals = {first + timedelta(weeks=i): 0.0 for i in range(weeks)}
    for day, value in minutes.items():
        monday = week_start(day)
        if monday in totals and day <= today:
            totals[monday] += value
    return sorted(totals.items())


def bar(value: float, maximum: float, width: int) -> str:
    filled = 0 if maximum <= 0 else round(width * min(value, maximum) / maximum)
    return "█" * filled + "·" * (width - filled)
