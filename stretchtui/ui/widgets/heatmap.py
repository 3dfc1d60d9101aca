"""History's heatmap: a week per column, Monday to Sunday down, and a day cursor that opens the
day under it (arrows move it a day or a week, Enter or a double click opens it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from stretchtui.core.days import day_label
from stretchtui.core.history import heat_legend, heatmap_rows, month_labels, week_start
from stretchtui.core.vocabulary import plural

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIRST_ROW = 2  # the title and the months come first
FIRST_COLUMN = len("Mon ")
MARK_WORDS = {"r": "rest day", "f": "flare day"}


class Heatmap(Widget, can_focus=True):
    """The last `weeks` weeks, a column a week under its month, fuller cells for more minutes (the
    legend shows the cells themselves), 'r' and 'f' for rest and flare days."""

    DEFAULT_CSS = """
    Heatmap {
        height: auto;
        width: 1fr;
    }
    """
    BINDINGS = [
        Binding("left", "move(-7)", "A week before", id="heatmap-week-before", show=False),
        Binding("right", "move(7)", "A week after", id="heatmap-week-after", show=False),
        Binding("up", "move(-1)", "The day before", id="heatmap-day-before", show=False),
        Binding("down", "move(1)", "The day after", id="heatmap-day-after", show=False),
        Binding("end", "to_today", "Today", id="heatmap-today", show=False),
        Binding(
            "enter",
            "open_day",
            "Open day",
            id="heatmap-open",
            key_display="⏎",
            tooltip="The day's sessions and check-ins, and its rest or flare mark",
        ),
    ]

    @dataclass
    class DayChosen(Message):
        """Enter or a double click on a day: open it."""

        day: date

    cursor: reactive[date | None] = reactive(None)
    """The day under the cursor (today until moved); None before the numbers come."""

    def __init__(self, weeks: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.weeks = weeks
        self.today: date | None = None
        self.minutes: dict[date, float] = {}
        self.marks: dict[date, str] = {}
        self.goal = 5.0

    def first_day(self, today: date) -> date:
        """The first day drawn when the map ends at `today`."""
        return week_start(today) - timedelta(weeks=self.weeks - 1)

    def show(self, minutes: dict[date, float], marks: dict[date, str], today: date, goal: float) -> None:
        """New numbers; the cursor stays on its day (a new day: it follows today)."""
        moved_on = self.today is not None and today != self.today
        self.minutes, self.marks, self.goal, self.today = minutes, marks, goal, today
        first = self.first_day(today)
        if self.cursor is None or moved_on or not (first <= self.cursor <= today):
            self.cursor = today
        self.refresh(layout=True)
        self.refresh_bindings()

    def render(self) -> Content:
        lines = [Content.assemble((plural(self.weeks, "week"), "bold $accent"), "  ", (heat_legend(), "$text-muted"))]
        today = self.today
        if today is None:
            return Content("\n").join(lines)
        lines.append(Content(" " * FIRST_COLUMN + month_labels(today, self.weeks)))
        rows = heatmap_rows(self.minutes, self.marks, today, self.weeks, self.goal)
        cursor_row = cursor_column = -1
        if self.cursor is not None:
            cursor_row = self.cursor.weekday()
            cursor_column = (week_start(self.cursor) - self.first_day(today)).days // 7
        look = "reverse" if self.has_focus else "underline"
        for weekday, (name, row) in enumerate(zip(WEEKDAYS, rows, strict=False)):
            if weekday == cursor_row:
                cells = Content.assemble(row[:cursor_column], (row[cursor_column], look), row[cursor_column + 1 :])
            else:
                cells = Content(row)
            lines.append(Content.assemble(f"{name} ", cells))
        lines.append(self._cursor_line())
        return Content("\n").join(lines)

    def _cursor_line(self) -> Content:
        day = self.cursor
        if day is None or self.today is None:
            return Content("")
        minutes = self.minutes.get(day, 0.0)
        what = [f"{minutes:.0f} min" if minutes else "no stretching"]
        if day in self.marks and not minutes:
            what.append(MARK_WORDS[self.marks[day]])
        return Content.from_markup(
            "[b]$day[/b] · $what  [$text-muted]⏎ opens the day[/]", day=day_label(day, self.today), what=", ".join(what)
        )

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, days: int) -> None:
        today = self.today
        if self.cursor is None or today is None:
            return
        target = self.cursor + timedelta(days=days)
        if self.first_day(today) <= target <= today:
            self.cursor = target

    def action_to_today(self) -> None:
        if self.today is not None:
            self.cursor = self.today

    def watch_cursor(self) -> None:
        self.refresh()

    def action_open_day(self) -> None:
        if self.cursor is not None:
            self.post_message(self.DayChosen(self.cursor))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_day":
            return self.cursor is not None
        return True

    def day_at(self, x: int, y: int) -> date | None:
        """The day drawn at (x, y) of this widget, if any."""
        today = self.today
        row, column = y - FIRST_ROW, x - FIRST_COLUMN
        if today is None or not (0 <= row < 7 and 0 <= column < self.weeks):
            return None
        day = self.first_day(today) + timedelta(weeks=column, days=row)
        return day if day <= today else None

    def on_click(self, event: events.Click) -> None:
        day = self.day_at(event.x, event.y)
        if day is None:
            return
        self.focus()
        self.cursor = day
        if event.chain >= 2:
            self.post_message(self.DayChosen(day))
