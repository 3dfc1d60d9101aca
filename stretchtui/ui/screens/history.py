"""History: this week against the goal, 12 weeks, a 26-week heatmap, pain and sitting trends,
relief per exercise, the session list with steps, and the streak with its audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Sparkline, Static, TabbedContent, TabPane

from stretchtui.core.history import bar, day_marks, heatmap_rows, week_start, weekly_totals
from stretchtui.core.model import format_duration
from stretchtui.core.sessions import SessionInfo
from stretchtui.core.streaks import StreakSummary
from stretchtui.core.timer import StepRecord
from stretchtui.ui.widgets.navbar import NavBar
from stretchtui.ui.workers import post_if_current, store_work
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.widgets.keybar import KeyBar


HEATMAP_WEEKS = 26
TREND_DAYS = 30


@dataclass(frozen=True)
class HistoryData:
    today: date
    goal_minutes: int
    minutes: dict[date, float]
    marks: dict[date, str]
    pain: dict[date, int]
    sitting: dict[date, float]
    session_days: frozenset[date]
    relief: list[tuple[str, float, int]]
    sessions: list[SessionInfo]
    streak: StreakSummary
    steps: dict[int, list[StepRecord]] = field(default_factory=dict)


class HistoryScreen(StretchAppMixin, Screen):
    CSS_PATH = "history.tcss"  # read when first shown (see stretchtui.tcss)
    TITLE = "History"
    BINDINGS = [
        Binding("w", "tab('week')", "Week", id="history-week"),
        Binding("t", "tab('trends')", "Trends", id="history-trends"),
        Binding("l", "tab('sessions')", "Sessions", id="history-sessions"),
        Binding("k", "tab('streak')", "Streak", id="history-streak"),
        Binding("r", "app.weekly_report", "Report", id="history-report",
                tooltip="The weekly report: adherence, pain, relief and notes, to hand to a physiotherapist"),
    ]

    @dataclass
    class WeekLoaded(Message):
        """The Week tab's numbers, sent first: one small query, so what is on screen fills at once
        while the rest (trends, relief, sessions, the streak over all history) is still loading."""

        today: date
        goal_minutes: int
        minutes: dict[date, float]
        marks: dict[date, str]
        session_days: frozenset[date]

    @dataclass
    class Loaded(Message):
        data: HistoryData

    @dataclass
    class StepsLoaded(Message):
        session: SessionInfo
        steps: list[StepRecord]

    def __init__(self) -> None:
        super().__init__()
        self.data: HistoryData | None = None


    def compose(self) -> ComposeResult:
        yield NavBar("history")
        with TabbedContent(id="history-tabs"):
            with TabPane("Week", id="week"):
                with VerticalScroll():
                    yield Static("", id="history-week-bars")
                    yield Static("", id="history-weeks")
                    yield Static("", id="history-heatmap")
            with TabPane("Trends", id="trends"):
                with VerticalScroll():
                    yield Static("", id="history-pain-title")
                    yield Sparkline([], id="history-pain")
                    yield Static("", id="history-sitting-title")
                    yield Sparkline([], id="history-sitting")
                    yield Static("", id="history-session-days")
                    yield Static("", id="history-relief")
            with TabPane("Sessions", id="sessions"):
                with Horizontal():
                    yield DataTable(id="history-session-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="history-session-detail")
            with TabPane("Streak", id="streak"):
                with Horizontal():
                    yield DataTable(id="history-audit", cursor_type="row")
                    yield Static("", id="history-streak-panel")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history-session-table", DataTable).add_columns("Date", "Routine", "Min", "Status", "Pain")
        self.query_one("#history-audit", DataTable).add_columns("Day", "Status")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @store_work(exclusive=True, group="history-load")
    def reload(self) -> None:
        store = self.stretch_app.store
        today = self.stretch_app.current_day()
        since = week_start(today) - timedelta(weeks=HEATMAP_WEEKS - 1)
        activities = store.day_activities(since=since)
        minutes = {a.day: a.completed_hold_seconds / 60 for a in activities}
        marks = day_marks(activities)
        goal_minutes = int(store.get_setting("goal_minutes", 5))
        trend_since = today - timedelta(days=TREND_DAYS - 1)
        session_days = frozenset(a.day for a in activities if a.sessions and a.day >= trend_since)
        post_if_current(self, self.WeekLoaded(today, goal_minutes, minutes, marks, session_days))

    @on(WeekLoaded)
    def _week_loaded(self, message: WeekLoaded) -> None:
        self._show_week(message.today, message.goal_minutes, message.minutes, message.marks)
        # The rest starts once the week is drawn: a second worker running meanwhile would hold
        # the interpreter while the first frame is being drawn.
        self.call_after_refresh(self._load_details, message)

    @store_work(exclusive=True, group="history-details")
    def _load_details(self, week: WeekLoaded) -> None:
        """Trends, relief per exercise, the session list and the streak over all history."""
        store = self.stretch_app.store
        trend_since = week.today - timedelta(days=TREND_DAYS - 1)
        data = HistoryData(
            today=week.today, goal_minutes=week.goal_minutes, minutes=week.minutes, marks=week.marks,
            pain=store.pain_by_day(trend_since), sitting=store.sitting_by_day(trend_since),
            session_days=week.session_days, relief=store.relief_by_exercise(), sessions=store.sessions_list(),
            streak=store.streak_summary(week.today))
        post_if_current(self, self.Loaded(data))

    def _show_week(self, today: date, goal: int, minutes: dict[date, float], marks: dict[date, str]) -> None:
        """This week's bars, the last 12 weeks and the 26-week heatmap."""
        monday = week_start(today)
        week_lines = ["[b $accent]This week[/]  minutes a day against your goal of " f"{goal} min"]
        peak = max([goal * 1.5] + [minutes.get(monday + timedelta(days=i), 0) for i in range(7)])
        for offset in range(7):
            day = monday + timedelta(days=offset)
            value = minutes.get(day, 0.0)
            mark = {"r": " rest", "f": " flare"}.get(marks.get(day, ""), "")
            goal_mark = " ✓" if value >= goal else ""
            future = day > today
            line = f"{day:%a %d}  {bar(0 if future else value, peak, 30)} {'' if future else f'{value:4.1f}'}{goal_mark}{mark}"
            week_lines.append(line)
        self.query_one("#history-week-bars", Static).update(Content.from_markup("\n".join(week_lines)))

        totals = weekly_totals(minutes, today, 12)
        top = max([v for _, v in totals] + [1])
        weeks = ["", "[b $accent]Last 12 weeks[/]  total minutes"]
        weeks += [f"{start:%d %b}  {bar(value, top, 30)} {value:5.0f}" for start, value in totals]
        self.query_one("#history-weeks", Static).update(Content.from_markup("\n".join(weeks)))

        rows = heatmap_rows(minutes, marks, today, HEATMAP_WEEKS, goal)
        heat = ["", "[b $accent]26 weeks[/]  darker = more minutes · r rest · f flare"]
        heat += [f"{name} {escape(row)}" for name, row in zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), rows)]
        self.query_one("#history-heatmap", Static).update(Content.from_markup("\n".join(heat)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = data = message.data
        today = data.today
        self._show_week(today, data.goal_minutes, data.minutes, data.marks)

        days = [today - timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
        pains = [float(data.pain.get(d, 0)) for d in days]
        sits = [float(data.sitting.get(d, 0)) for d in days]
        noted = [data.pain[d] for d in days if d in data.pain]
        self.query_one("#history-pain-title", Static).update(Content.from_markup(
            f"[b $accent]Pain[/], last {TREND_DAYS} days (worst each day)"
            + (f": {noted[0]} → {noted[-1]}, average {sum(noted) / len(noted):.1f}" if noted else ": no notes yet")))
        self.query_one("#history-pain", Sparkline).data = pains
        sat = [data.sitting[d] for d in days if d in data.sitting]
        self.query_one("#history-sitting-title", Static).update(Content.from_markup(
            "[b $accent]Sitting[/], hours a day" + (f": average {sum(sat) / len(sat):.1f} h" if sat else ": no notes yet")))
        self.query_one("#history-sitting", Sparkline).data = sits
        self.query_one("#history-session-days", Static).update(Content(
            "Session days: " + "".join("•" if d in data.session_days else "·" for d in days)))
        relief = ["", "[b $accent]Relief per exercise[/]  pain after minus before, sessions that included it"]
        if data.relief:
            relief += [f"{escape(name):<28} {change:+.1f}  (n={n})" for name, change, n in data.relief[:12]]
        else:
            relief.append("[$text-muted]Shown once an exercise has 3 sessions with pain noted before and after.[/]")
        self.query_one("#history-relief", Static).update(Content.from_markup("\n".join(relief)))

        table = self.query_one("#history-session-table", DataTable)
        table.clear()
        for info in data.sessions:
            pain = (f"{info.pain_before}→{info.pain_after}" if info.pain_before is not None and info.pain_after is not None
                    else "")
            table.add_row(f"{info.day:%d %b %y}", info.routine_name[:22], f"{info.active_seconds / 60:.0f}",
                          info.status.value, pain, key=str(info.id))
        if not data.sessions:
            self.query_one("#history-session-detail", Static).update("No sessions yet.")

        audit_table = self.query_one("#history-audit", DataTable)
        audit_table.clear()
        audits = data.streak.audits()
        for day in sorted(audits, reverse=True)[:60]:
            audit_table.add_row(f"{day:%a %d %b}", audits[day].status.value, key=day.isoformat())
        self._show_streak(None)

    def _show_streak(self, day: date | None) -> None:
        if self.data is None:
            return
        streak = self.data.streak
        lines = [f"[b $accent]Current[/] {streak.current} d", f"[b $accent]Longest[/] {streak.longest} d"]
        if streak.longest_start and streak.longest_end:
            lines.append(f"  {streak.longest_start:%d %b %Y} – {streak.longest_end:%d %b %Y}")
        lines.append(f"[b $accent]Strength[/] {streak.strength:.0%}")
        if day is not None:
            audit = streak.audit(day)
            lines += ["", f"[b]{day:%A %d %B}[/b]", escape(audit.reason)]
        self.query_one("#history-streak-panel", Static).update(Content.from_markup("\n".join(lines)))

    @on(DataTable.RowHighlighted, "#history-audit")
    def _audit_day(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self._show_streak(date.fromisoformat(event.row_key.value))

    @on(DataTable.RowHighlighted, "#history-session-table")
    def _session_row(self, event: DataTable.RowHighlighted) -> None:
        if self.data is None or not event.row_key.value:
            return
        info = next((s for s in self.data.sessions if str(s.id) == event.row_key.value), None)
        if info is not None:
            self.load_steps(info)

    @store_work(exclusive=True, group="history-steps")
    def load_steps(self, info: SessionInfo) -> None:
        self.post_message(self.StepsLoaded(info, self.stretch_app.store.session_steps(info.id)))

    @on(StepsLoaded)
    def _steps_loaded(self, message: StepsLoaded) -> None:
        info = message.session
        lines = [f"[b]{escape(info.routine_name)}[/b]  {info.day:%a %d %b %Y}",
                 f"{format_duration(int(info.active_seconds))} of work · {info.status.value}"
                 + (" · recorded afterwards" if info.source == "backfill" else "")]
        for step in message.steps:
            side = "" if step.side.value == "both" else f" {step.side.value}"
            what = (f"{step.reps_done}/{step.planned_reps} reps" if step.planned_reps
                    else f"{step.actual_hold_seconds:.0f}/{step.planned_hold_seconds} s")
            hurt = f" (pain {step.hurt_pain})" if step.hurt_pain is not None else ""
            lines.append(f" {escape(step.exercise_name)}{side}: {what} · {step.outcome.value}{hurt}")
        self.query_one("#history-session-detail", Static).update(Content.from_markup("\n".join(lines)))
