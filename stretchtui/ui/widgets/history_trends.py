"""History's Trends tab: pain and hours sat a day as charts with dates and a scale, the days with a session, and the
relief each exercise brought against the sessions without it (core.relief). HistoryScreen loads
the numbers; this pane only shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from stretchtui.core.history import trend_chart

if TYPE_CHECKING:
    from stretchtui.core.breaks import BreakCounts
    from stretchtui.core.function import ActivityTrend
    from stretchtui.core.relief import ReliefTable

TREND_DAYS = 30
FUNCTION_WEEKS = 6  # weeks of function ratings shown beside pain


class TrendsPane(VerticalScroll):
    """The last TREND_DAYS days' trends, oldest first."""

    def compose(self) -> ComposeResult:
        with Container(id="trends-charts"):
            yield Static("", id="trends-pain")
            yield Static("", id="trends-sitting")
        yield Static("", id="history-function")
        yield Static("", id="history-breaks")
        yield Static("", id="history-relief")

    def show(
        self,
        today: date,
        pain: dict[date, int],
        sitting: dict[date, float],
        session_days: frozenset[date],
        relief: ReliefTable,
        *,
        function: Sequence[ActivityTrend] = (),
        breaks: BreakCounts | None = None,
        measured: dict[date, float] | None = None,
    ) -> None:
        self._shown = (today, pain, sitting, session_days, relief, tuple(function), breaks, measured)
        # Side by side (History's -wide layout) the two charts need 133 columns with a column
        # between days; below that the days stand shoulder to shoulder, so no day falls off.
        side_by_side = self.screen.has_class("-wide")
        gap = 0 if side_by_side and self.size.width < 2 * (TREND_DAYS * 2 + 4) + 5 else 1
        days = [today - timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
        noted = [pain[d] for d in days if d in pain]
        pain_title = f"[b $accent]Pain[/] 0-10, worst each day, last {TREND_DAYS} days" + (
            f": {noted[0]} → {noted[-1]}, average {sum(noted) / len(noted):.1f}" if noted else ": no notes yet"
        )
        pain_chart = trend_chart(
            today, {d: float(v) for d, v in pain.items()}, TREND_DAYS, top=10, dots=session_days, gap=gap
        )
        self.query_one("#trends-pain", Static).update(
            Content.assemble(Content.from_markup(pain_title), "\n" + "\n".join(pain_chart))
        )
        self._show_function(today, function)
        sat = [sitting[d] for d in days if d in sitting]
        sitting_title = "[b $accent]Sitting[/] hours a day" + (
            f": average {sum(sat) / len(sat):.1f} h" if sat else ": no notes yet"
        )
        sitting_chart = trend_chart(today, sitting, TREND_DAYS, top=None if max(sat, default=0) > 12 else 12, gap=gap)
        self.query_one("#trends-sitting", Static).update(
            Content.assemble(Content.from_markup(sitting_title), "\n" + "\n".join(sitting_chart))
        )
        self._show_breaks(breaks, measured or {})
        self._show_relief(relief)

    def on_resize(self) -> None:
        """Across 133 columns the charts change their spacing (see `show`): draw them again."""
        shown = getattr(self, "_shown", None)
        if shown is not None:
            today, pain, sitting, session_days, relief, function, breaks, measured = shown
            self.show(today, pain, sitting, session_days, relief, function=function, breaks=breaks, measured=measured)

    def _show_breaks(self, breaks: BreakCounts | None, measured: dict[date, float]) -> None:
        """What the activity hook measured and the breaks it offered (hidden when it never ran)."""
        from stretchtui.core.model import hours_label
        from stretchtui.core.vocabulary import plural

        shown = self.query_one("#history-breaks", Static)
        shown.display = bool(measured) or (breaks is not None and breaks.offered > 0)
        if not shown.display:
            return
        lines = [f"[b $accent]At the terminal[/], last {TREND_DAYS} days (the activity hook)"]
        if measured:
            average = sum(measured.values()) / len(measured)
            lines.append(f"Measured on {plural(len(measured), 'day')}, {hours_label(average)} a day on average")
        lines.append(f"Breaks: {breaks.in_words() if breaks is not None else 'no break nudges yet'}")
        shown.update(Content.from_markup("\n".join(escape(line) if i else line for i, line in enumerate(lines))))

    def _show_relief(self, relief: ReliefTable) -> None:
        """Each move against the sessions without it, with its interval drawn about 0 (core.relief)."""
        from stretchtui.core.relief import MIN_SESSIONS, REGRESSION_NOTE, RELIEF_DAYS, interval_bar

        lines = [
            "",
            f"[b $accent]Relief per exercise[/], last {RELIEF_DAYS} days: pain change with the move minus without it",
            f"[$text-muted]{escape(REGRESSION_NOTE)}[/]",
        ]
        shown = relief.shown
        if shown:
            lines.append(f"{'Exercise':<24} {'-3':<10}0{'+3':>10}  change (95% interval)  with/without")
            for c in shown[:12]:
                lines.append(
                    f"{escape(relief.name(c)[:24]):<24} {interval_bar(c)}  {c.interval():<22}"
                    f"{c.with_n:>5}/{c.without_n:<7}[$text-muted]{c.verdict.value}"
                    + (f" · {escape(relief.together(c))}" if c.twins else "")
                    + "[/]"
                )
        waiting = [relief.name(c) for c in relief.rows if c.difference is None]
        if waiting:
            lines.append(
                f"[$text-muted]Not enough data yet for {len(waiting)} more "
                f"({MIN_SESSIONS} sessions with pain noted before and after, with the move and without it).[/]"
            )
        if not relief.rows:
            lines.append(
                f"[$text-muted]Shown once a move has {MIN_SESSIONS} sessions with pain noted before and after, "
                f"and there are {MIN_SESSIONS} without it.[/]"
            )
        self.query_one("#history-relief", Static).update(Content.from_markup("\n".join(lines)))

    def _show_function(self, today: date, trends: Sequence[ActivityTrend]) -> None:
        """The weekly function ratings, one line per activity, a number per week (hidden if none)."""
        from stretchtui.core.days import day_label
        from stretchtui.core.function import SCALE, week_of

        shown = self.query_one("#history-function", Static)
        trends = [t for t in trends if t.current or t.by_week]
        shown.display = bool(trends)
        if not trends:
            return
        current = week_of(today)
        weeks = [current - timedelta(weeks=FUNCTION_WEEKS - 1 - i) for i in range(FUNCTION_WEEKS)]
        width = min(28, max(len(t.name) for t in trends))
        labels = [day_label(w, today, weekday=False) for w in weeks]  # with the year when not this one's
        column = max(len(label) for label in labels) + 2
        lines = [
            f"[b $accent]Function[/], 0-10 a week ({escape(SCALE)})",
            f"{'':<{width}} " + "".join(label.rjust(column) for label in labels),
        ]
        for trend in trends:
            cells = "".join(str(trend.by_week[w] if w in trend.by_week else "-").rjust(column) for w in weeks)
            name = escape(trend.name[:width].ljust(width))
            lines.append(f"{name} {cells}" + ("" if trend.current else "  [$text-muted](former)[/]"))
        shown.update(Content.from_markup("\n".join(lines)))
