"""Shapes for the history charts: weeks, a heatmap grid, shade levels. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta

from stretchtui.core.days import day_label, month_label
from stretchtui.core.glyphs import UNICODE, Glyphs
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


def heat_legend(glyphs: Glyphs = UNICODE) -> str:
    """What the heatmap's cells mean, drawn with the cells themselves (so it reads the same on a
    dark or a light theme, where 'darker' would mean opposite things)."""
    sep = glyphs.separator
    return f"{glyphs.shades[1:]} up to the daily goal{sep}r rest{sep}f flare{sep}{glyphs.no_activity} none"


def month_labels(today: date, weeks: int) -> str:
    """A line over the heatmap's columns: each month's short name over the week its first day
    falls in (left out where it would run into the one before)."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    cells = [" "] * (weeks + 8)
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        sunday = monday + timedelta(days=6)
        if sunday.month != monday.month or monday.day == 1:
            name = month_label(sunday if sunday.month != monday.month else monday, today)
            if all(c == " " for c in cells[max(0, week - 1) : week + len(name)]):
                cells[week : week + len(name)] = list(name)
    return "".join(cells).rstrip()


WEEK_ROWS = 5  # the height of the week charts: the Week tab fits 80x24 without scrolling
TREND_ROWS = 4


def week_chart(
    today: date, goal: float, minutes: Mapping[date, float], marks: Mapping[date, str], *, large: bool = False
) -> list[str]:
    """This week's minutes a day as columns, the goal as a line, the weekdays under them and, under
    those, ✓ for a day that met the goal, r and f for rest and flare days. `large`: taller and wider
    columns, for a big terminal."""
    from stretchtui.core.charts import columns

    monday = week_start(today)
    days = [monday + timedelta(days=i) for i in range(7)]
    values = [None if day > today else minutes.get(day, 0.0) for day in days]
    width = 5 if large else 3
    rows = 2 * WEEK_ROWS if large else WEEK_ROWS
    chart = columns(values, [f"{day:%a}" for day in days], rows=rows, bar_width=width, goal=goal, goal_label=False)
    signs = [
        "" if value is None else ("✓" if value >= goal else marks.get(day, ""))
        for day, value in zip(days, values, strict=True)
    ]
    return [*chart.lines, " " * chart.axis_width + "".join(f"{sign:^{width}} " for sign in signs).rstrip()]


def weeks_chart(
    today: date, goal: float, minutes: Mapping[date, float], weeks: int = 12, *, large: bool = False
) -> list[str]:
    """The last `weeks` weeks' total minutes as columns, the week's goal (7 days of the daily one)
    as a line, every fourth Monday's date under them. `large`: taller and wider columns."""
    from stretchtui.core.charts import columns

    totals = weekly_totals(minutes, today, weeks)
    labels = [day_label(monday, today, weekday=False) if i % 4 == 0 else "" for i, (monday, _) in enumerate(totals)]
    rows, width = (2 * WEEK_ROWS, 3) if large else (WEEK_ROWS, 2)
    return list(
        columns([v for _, v in totals], labels, rows=rows, bar_width=width, goal=goal * 7, goal_label=False).lines
    )


def trend_chart(
    today: date,
    by_day: Mapping[date, float],
    days: int,
    *,
    top: float | None = None,
    dots: Collection[date] | None = None,
    gap: int = 1,
) -> list[str]:
    """The last `days` days as thin columns (a day with no note: no column), a y scale, and a date
    under every seventh day, the last one today. `dots`: days marked • on a line under the dates
    (the days with a session), the rest ·, each under its column. `gap`: columns between days (0
    where two charts must fit side by side)."""
    from stretchtui.core.charts import columns

    shown = [today - timedelta(days=days - 1 - i) for i in range(days)]
    labels = [day_label(day, today, weekday=False) if (days - 1 - i) % 7 == 0 else "" for i, day in enumerate(shown)]
    values = [by_day.get(day) for day in shown]
    chart = columns(values, labels, rows=TREND_ROWS, bar_width=1, gap=gap, top=top)
    lines = list(chart.lines)
    if dots is not None:
        marks = (" " * gap).join("•" if day in dots else "·" for day in shown)
        lines.append(" " * chart.axis_width + marks + "  sessions")
    return lines
