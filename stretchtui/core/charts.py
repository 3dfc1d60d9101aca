"""Column charts with axes for the History screen: a y axis with a scale, bars in eighth blocks,
a goal line, and labels on the x axis. Pure: lists of strings, no UI.

The scale runs from 0 to a round number at or above the largest value (and above the goal, so
the goal line is always inside the chart): no bar ever runs over the axis, and the goal line is
drawn within a sixth of a row of the goal's height (both checked by tests/test_charts.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EIGHTHS = " ▁▂▃▄▅▆▇█"
GOAL = "┈"


def nice_top(value: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k) at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value - 1e-9:
            return float(step * power)
    return 10.0 * power  # pragma: no cover (10 always fits)


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


@dataclass(frozen=True)
class Chart:
    """A drawn chart: `lines` top to bottom (the plot rows, then the x axis and its labels), and
    where things landed, for tests and for placing a legend."""

    lines: tuple[str, ...]
    top: float  # the value at the top of the scale
    goal_row: int | None  # plot row (0 = bottom) holding the goal line
    goal_mark: str  # the character drawing it there (core.charts.goal_mark)
    heights: tuple[int, ...]  # each bar's height in eighths of a row
    axis_width: int  # columns before the first bar (the y labels and the axis)


def level(value: float, top: float, rows: int) -> int:
    """A value's height in eighths of a row, on a scale of 0..`top` over `rows` rows."""
    return max(0, min(rows * 8, round(value / top * rows * 8)))


def goal_mark(goal: float, top: float, rows: int) -> tuple[int, str]:
    """Where the goal line goes: (plot row, 0 = bottom; the character drawing it). A line is drawn
    at a cell's top edge ('▔') or through its middle ('┈'), neither of which a bar ever uses, so the
    line never looks like a short bar; it lands within a third of a row of the goal's height."""
    height = max(0.0, min(float(rows), goal / top * rows))
    row = math.floor(height)
    within = height - row
    if within >= 2 / 3 or row == rows:
        return min(row, rows - 1), "▔"
    if within >= 1 / 3:
        return row, "┈"
    return (row - 1, "▔") if row > 0 else (0, "┈")


def mark_height(row: int, mark: str) -> float:
    """The height, in rows, a goal mark draws its line at."""
    return row + (1.0 if mark == "▔" else 0.5)


def columns(
    values: Sequence[float | None],
    labels: Sequence[str],
    *,
    rows: int,
    bar_width: int = 2,
    gap: int = 1,
    goal: float | None = None,
    top: float | None = None,
    unit: str = "",
    goal_label: bool = True,
) -> Chart:
    """A column per value (None: no data, drawn as nothing), `labels` under them (a label wider
    than its column runs on into the next ones, so give every few a label and the rest ''), a y
    axis with 0, the top of the scale (and its middle on an even number of rows), and the goal as
    a line labelled with its value."""
    if rows < 2:
        raise ValueError("a chart needs at least 2 rows")
    known = [v for v in values if v is not None]
    top = top or nice_top(max([*known, (goal or 0) * 1.1, 0]))
    heights = tuple(level(v, top, rows) if v is not None else 0 for v in values)
    goal_at, mark = goal_mark(goal, top, rows) if goal else (None, GOAL)
    ticks = {rows - 1: _number(top)}
    if rows % 2 == 0:
        ticks[rows // 2 - 1] = _number(top / 2)
    axis_width = max(len(t) for t in ticks.values()) + 1
    lines = []
    for row in range(rows - 1, -1, -1):
        cells = []
        for height in heights:
            eighths = max(0, min(8, height - row * 8))
            bar = EIGHTHS[eighths] * bar_width
            if eighths == 0 and row == goal_at:
                bar = mark * bar_width
            cells.append(bar + (mark if row == goal_at else " ") * gap)
        label = ticks.get(row, "")
        said = f" goal {_number(goal)}" if goal_label and row == goal_at and goal else ""
        lines.append(f"{label:>{axis_width - 1}}┤" + "".join(cells) + said)
    width = len(values) * (bar_width + gap)
    lines.append(f"{'0':>{axis_width - 1}}└" + "─" * width + (f" {unit}" if unit else ""))
    under = [" "] * (width + 8)
    for i, text in enumerate(labels):
        start = i * (bar_width + gap)
        if text and all(c == " " for c in under[start : start + len(text) + 1]):
            under[start : start + len(text)] = list(text)
    lines.append(" " * axis_width + "".join(under).rstrip())
    return Chart(tuple(lines), top, goal_at, mark, heights, axis_width)
