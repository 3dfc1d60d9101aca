"""History's charts (issue 19): columns with a y scale, a goal line at the right height, dates
under them; the heatmap's months and a legend drawn with its own cells; the Week tab at 80x24
without scrolling, and two columns of panels from 120 columns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchtui.core.charts import EIGHTHS, columns, goal_mark, level, mark_height, nice_top
from stretchtui.core.glyphs import ASCII, UNICODE
from stretchtui.core.history import WEEK_ROWS, heat_legend, month_labels, trend_chart, week_chart, weeks_chart

values = st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False)), min_size=1, max_size=40)


@given(values, st.integers(min_value=2, max_value=12), st.floats(min_value=0.5, max_value=300, allow_nan=False))
def test_no_bar_runs_over_the_axis_and_every_line_is_as_wide(shown, rows, goal) -> None:
    chart = columns(shown, [""] * len(shown), rows=rows, goal=goal, goal_label=False)
    plot = chart.lines[:rows]
    assert len({len(line) for line in plot}) == 1  # no bar pokes out to the right or above
    assert all(0 <= h <= rows * 8 for h in chart.heights)
    assert chart.top >= max([v for v in shown if v is not None] + [goal])
    for value, height in zip(shown, chart.heights, strict=True):
        if value is not None:
            assert abs(height - value / chart.top * rows * 8) <= 0.5  # to the nearest eighth of a row
    axis = chart.lines[rows]
    assert axis.lstrip().startswith("0└") and set(axis.split("└")[1]) <= {"─"}


@given(st.floats(min_value=0.1, max_value=1000, allow_nan=False), st.integers(min_value=2, max_value=12))
def test_the_goal_line_is_drawn_within_a_third_of_a_row_of_the_goal(goal, rows) -> None:
    top = nice_top(goal * 1.1)
    row, mark = goal_mark(goal, top, rows)
    assert 0 <= row < rows and mark in ("▔", "┈")
    assert abs(mark_height(row, mark) - goal / top * rows) <= 1 / 3 + 1e-9
    assert mark not in EIGHTHS  # a line, never mistaken for a short bar


def test_a_bar_at_the_goal_reaches_the_goal_line() -> None:
    chart = columns([5.0, 2.0], ["", ""], rows=5, goal=5.0, top=10.0, bar_width=1)
    assert chart.heights[0] == level(5.0, 10.0, 5) == 20  # two and a half rows
    assert mark_height(chart.goal_row or 0, chart.goal_mark) == pytest.approx(2.5)
    goal_line = chart.lines[5 - 1 - (chart.goal_row or 0)]
    assert "┈" in goal_line and goal_line.endswith("goal 5")


def test_the_scale_says_its_numbers_and_the_labels_sit_under_their_columns() -> None:
    chart = columns([3, 7, None, 10], ["a", "bb", "", "d"], rows=4, bar_width=2, gap=1, top=10)
    assert chart.lines[0].startswith("10┤") and chart.lines[2].startswith(" 5┤")  # top and middle
    labels = chart.lines[-1]
    assert labels[chart.axis_width + 0] == "a" and labels[chart.axis_width + 3 : chart.axis_width + 5] == "bb"
    assert labels[chart.axis_width + 9] == "d"
    assert chart.heights[2] == 0  # no data: no column


@pytest.mark.parametrize(("value", "top"), [(0, 1), (0.4, 0.4), (3, 3), (7, 8), (54, 60), (101, 150), (999, 1000)])
def test_nice_top(value: float, top: float) -> None:
    assert nice_top(value) == pytest.approx(top)


def test_the_week_chart_marks_goal_days_rest_and_flare_and_leaves_the_future_blank() -> None:
    today = date(2026, 12, 3)  # a Thursday
    monday = date(2026, 11, 30)
    minutes = {monday: 6.0, monday + timedelta(days=1): 0.0, monday + timedelta(days=2): 2.0}
    marks = {monday + timedelta(days=1): "r", monday + timedelta(days=3): "f"}
    lines = week_chart(today, 5, minutes, marks)
    assert len(lines) == WEEK_ROWS + 3
    assert lines[-2].split() == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert lines[-1].split() == ["✓", "r", "f"]  # Monday met the goal; Tuesday rest; Thursday flare
    weeks = weeks_chart(today, 5, minutes)
    assert " ".join(weeks[-1].split()) == "14 Sep 12 Oct 09 Nov"  # every fourth Monday


def test_a_trend_has_dates_under_every_seventh_day_ending_today_and_a_session_line() -> None:
    today = date(2026, 12, 4)
    pain = {today - timedelta(days=i): float(i % 10) for i in range(0, 30, 2)}
    lines = trend_chart(today, pain, 30, top=10, dots={today, today - timedelta(days=7)})
    assert lines[0].startswith("10┤")
    assert " ".join(lines[-2].split()) == "06 Nov 13 Nov 20 Nov 27 Nov 04 Dec"
    dots = lines[-1].replace("  sessions", "")
    assert dots.rstrip().endswith("•") and dots.count("•") == 2
    assert lines[-1].index("•") > 0 and len(dots.rstrip()) == len(lines[-3].rstrip()) - 1  # under the columns


def test_month_labels_sit_over_the_week_each_month_starts_in() -> None:
    today = date(2026, 12, 4)
    line = month_labels(today, 26)
    first = date(2026, 6, 8)  # the first Monday shown
    for name, start in (("Jul", date(2026, 7, 1)), ("Sep", date(2026, 9, 1)), ("Dec", date(2026, 12, 1))):
        column = (start - first).days // 7
        assert line[column : column + 3] == name, (name, line)


def test_the_heatmap_legend_shows_its_own_cells_in_either_glyph_set() -> None:
    assert heat_legend().startswith("░▒▓█ up to the daily goal") and "darker" not in heat_legend()
    assert ASCII.shades[1:] in heat_legend(ASCII) and UNICODE.no_activity in heat_legend()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_the_week_tab_needs_no_scrolling_and_goes_two_columns_from_120(make_test_app, store, clock, size) -> None:
    from history_data import fill_history_fast
    from pilot_helpers import settle, wait_until

    from stretchtui.ui.screens.history import HistoryScreen

    fill_history_fast(store, clock, days=120)
    app = make_test_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_until(pilot, lambda: screen.data is not None, "History loaded")
        await settle(pilot)
        layout = screen.query_one("#history-week-layout")
        heatmap = screen.query_one("#history-heatmap")
        for widget in (screen.query_one("#history-week-bars"), screen.query_one("#history-weeks"), heatmap):
            region = widget.region
            assert region.height > 0 and layout.region.contains_region(region), (widget.id, region, layout.region)
        assert heatmap.region.bottom <= layout.region.bottom
        wide = size[0] >= 120
        assert screen.has_class("-wide") is wide
        beside = heatmap.region.x > screen.query_one("#history-week-bars").region.right
        assert beside is wide  # the heatmap beside the charts from 120 columns, under them below
