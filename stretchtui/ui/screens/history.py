"""History: this week against the goal, 12 weeks, a 26-week heatmap, pain and sitting trends,
relief per exercise, the session and check-in lists, and the streak with its audit.

The record is correctable from here (issue 16): on the session list `x` removes a session; on the
check-in list `e` edits a check-in and `x` removes one; a day of the heatmap or of the streak audit
opens that day (screens.entry_dialogs.DayScreen) to mark it rest or flare or change what it holds.
Ids are the short ids `stretchtui entries` lists.

The screen loads the record and wires the tabs together; its lists, detail panes and trends are
widgets of their own (ui/widgets/history_tables.py, history_details.py, history_trends.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from stretchtui.core.breaks import BreakCounts
from stretchtui.core.checkins import Checkin
from stretchtui.core.days import day_label, time_label
from stretchtui.core.entries import short_id
from stretchtui.core.function import ActivityTrend
from stretchtui.core.history import day_marks, week_chart, week_start, weeks_chart
from stretchtui.core.plain_text import cut_at_word
from stretchtui.core.relief import RELIEF_DAYS, ReliefTable
from stretchtui.core.sessions import SessionInfo, StepRecord, pain_summary
from stretchtui.core.streaks import StreakSummary
from stretchtui.ui.screens.base import FramedScreen
from stretchtui.ui.syncing import FollowsTheRecord
from stretchtui.ui.widgets.heatmap import Heatmap
from stretchtui.ui.widgets.history_details import CheckinDetail, SessionDetail, StreakPanel
from stretchtui.ui.widgets.history_tables import AuditTable, CheckinTable, SessionTable, keeping_cursor, row_key
from stretchtui.ui.widgets.history_trends import FUNCTION_WEEKS, TREND_DAYS, TrendsPane
from stretchtui.ui.workers import Loaded, post_if_current, store_work

HEATMAP_WEEKS = 26
ROUTINE_WIDTH = 22  # the session list's routine column: longer names are cut at a word, with "…"


class HistoryTab(NamedTuple):
    """A tab of History: its pane's id and title, the key that shows it, and the widget that key
    focuses (None: the focus stays where it is)."""

    id: str
    title: str
    key: str
    focus: str | None = None

    def pane(self) -> TabPane:
        return TabPane(self.title, id=self.id)


TABS = {
    tab.id: tab
    for tab in (
        HistoryTab("week", "Week", "w", "#history-heatmap"),
        HistoryTab("trends", "Trends", "t"),
        HistoryTab("sessions", "Sessions", "l", "#history-session-table"),
        HistoryTab("checkins", "Check-ins", "c", "#history-checkin-table"),
        HistoryTab("streak", "Streak", "k", "#history-audit"),
    )
}


@dataclass(frozen=True)
class HistoryData:
    today: date
    goal_minutes: int
    minutes: dict[date, float]
    marks: dict[date, str]
    pain: dict[date, int]
    sitting: dict[date, float]
    session_days: frozenset[date]
    relief: ReliefTable
    sessions: list[SessionInfo]
    streak: StreakSummary
    steps: dict[int, list[StepRecord]] = field(default_factory=dict)
    checkins: list[Checkin] = field(default_factory=list)  # newest first, over the heatmap's weeks
    function: list[ActivityTrend] = field(default_factory=list)  # weekly function ratings (core.function)
    breaks: BreakCounts | None = None  # over the trends' days (core.breaks)
    measured: dict[date, float] = field(default_factory=dict)  # hours at the terminal (core.activity)


class HistoryScreen(FollowsTheRecord, FramedScreen):
    CSS_PATH = "history.tcss"  # read when first shown (see stretchtui.tcss)
    # From 120 columns the Week and Trends tabs lay their panels out in two columns (history.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        *(Binding(tab.key, f"tab('{tab.id}')", tab.title, id=f"history-{tab.id}") for tab in TABS.values()),
        Binding(
            "r",
            "app.weekly_report",
            "Report",
            id="history-report",
            tooltip="The weekly report: adherence, pain, relief and notes, to hand to a physiotherapist",
        ),
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
    class StepsLoaded(Message):
        session: SessionInfo
        steps: list[StepRecord]

    def __init__(self) -> None:
        super().__init__()
        self.data: HistoryData | None = None

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="history-tabs"):
            with TABS["week"].pane():
                with Container(id="history-week-layout"):
                    with Container(id="history-week-charts"):
                        yield Static("", id="history-week-bars")
                        yield Static("", id="history-weeks")
                    yield Heatmap(HEATMAP_WEEKS, id="history-heatmap")
            with TABS["trends"].pane():
                yield TrendsPane()
            with TABS["sessions"].pane():
                with Horizontal(id="history-sessions-layout"):
                    yield SessionTable(id="history-session-table", cursor_type="row", zebra_stripes=True)
                    yield SessionDetail("", id="history-session-detail")
            with TABS["checkins"].pane():
                with Horizontal():
                    yield CheckinTable(id="history-checkin-table", cursor_type="row", zebra_stripes=True)
                    yield CheckinDetail("", id="history-checkin-detail")
            with TABS["streak"].pane():
                with Horizontal():
                    yield AuditTable(id="history-audit", cursor_type="row")
                    yield StreakPanel("", id="history-streak-panel")

    def on_mount(self) -> None:
        self.query_one("#history-session-table", DataTable).add_columns(
            "ID", "Date", "Routine", "Min", "Status", "Pain"
        )
        self.query_one("#history-checkin-table", DataTable).add_columns("ID", "Date", "Time", "Worst", "Sitting h")
        self.query_one("#history-audit", DataTable).add_columns("Day", "Status")
        self.reload()

    def action_tab(self, tab: str) -> None:
        """Show a tab and focus what acts on it: the heatmap, a list, the audit."""
        self.query_one(TabbedContent).active = tab
        if (target := TABS[tab].focus) is not None:
            self.query_one(target).focus()

    @store_work(exclusive=True, group="history-load")
    def reload(self) -> None:
        store = self.stretch_app.store
        today = self.stretch_app.current_day()
        since = week_start(today) - timedelta(weeks=HEATMAP_WEEKS - 1)
        activities = store.history.day_activities(since=since)
        minutes = {a.day: a.completed_hold_seconds / 60 for a in activities}
        marks = day_marks(activities)
        goal_minutes = int(self.stretch_app.settings["goal_minutes"])
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
            today=week.today,
            goal_minutes=week.goal_minutes,
            minutes=week.minutes,
            marks=week.marks,
            pain=store.history.pain_by_day(trend_since),
            sitting=store.history.sitting_by_day(trend_since),
            session_days=week.session_days,
            relief=store.history.relief(since=week.today - timedelta(days=RELIEF_DAYS - 1)),
            sessions=store.history.sessions_list(),
            streak=store.history.streak_summary(week.today),
            checkins=store.checkins.checkins(since=week_start(week.today) - timedelta(weeks=HEATMAP_WEEKS - 1))[::-1],
            function=store.function.trends(since=week_start(week.today) - timedelta(weeks=FUNCTION_WEEKS - 1)),
            breaks=store.activity.break_counts(trend_since, week.today),
            measured=store.activity.sitting_by_day(trend_since, week.today),
        )
        post_if_current(self, Loaded(data))

    def _show_week(self, today: date, goal: int, minutes: dict[date, float], marks: dict[date, str]) -> None:
        """This week's columns, the last 12 weeks' and the 26-week heatmap (core.history draws them);
        larger charts on a large terminal (from 120x40)."""
        self._week = (today, goal, minutes, marks)
        large = self.size.width >= 120 and self.size.height >= 40
        for selector, title, lines in (
            (
                "#history-week-bars",
                f"[b $accent]This week[/] min a day  [$text-muted]┈ goal {goal} min[/]",
                week_chart(today, goal, minutes, marks, large=large),
            ),
            (
                "#history-weeks",
                f"[b $accent]12 weeks[/] min a week  [$text-muted]┈ {goal * 7} min[/]",
                weeks_chart(today, goal, minutes, large=large),
            ),
        ):
            self.query_one(selector, Static).update(
                Content.assemble(Content.from_markup(title), "\n" + "\n".join(lines))
            )
        self.query_one(Heatmap).show(minutes, marks, today, goal)

    def on_resize(self) -> None:
        """Across 120x40 the week's charts change size: draw them again."""
        week = getattr(self, "_week", None)
        if week is not None:
            self._show_week(*week)

    @on(Loaded)
    def _loaded(self, message: Loaded[HistoryData]) -> None:
        self.data = data = message.value
        today = data.today
        self._show_week(today, data.goal_minutes, data.minutes, data.marks)

        self.query_one(TrendsPane).show(
            today,
            data.pain,
            data.sitting,
            data.session_days,
            data.relief,
            function=data.function,
            breaks=data.breaks,
            measured=data.measured,
        )

        table = self.query_one("#history-session-table", DataTable)
        with keeping_cursor(table):
            for info in data.sessions:
                table.add_row(
                    short_id(info.uuid),
                    day_label(info.day, today, weekday=False),
                    Text(cut_at_word(info.routine_name, ROUTINE_WIDTH)),
                    f"{info.active_seconds / 60:.0f}",
                    info.status.value,
                    pain_summary(info, short=True),
                    key=str(info.id),
                )
        if not data.sessions:
            self.query_one("#history-session-detail", Static).update("No sessions yet.")

        checkin_table = self.query_one("#history-checkin-table", DataTable)
        with keeping_cursor(checkin_table):
            for checkin in data.checkins:
                worst = max((p.pain for p in checkin.pains), default=None)
                checkin_table.add_row(
                    short_id(checkin.uuid),
                    day_label(checkin.day, today, weekday=False),
                    time_label(checkin.at, checkin.zone),
                    "" if worst is None else str(worst),
                    "" if checkin.sitting_hours is None else f"{checkin.sitting_hours:g}",
                    key=checkin.uuid,
                )
        self._show_checkin(self.highlighted_checkin())

        audit_table = self.query_one("#history-audit", DataTable)
        with keeping_cursor(audit_table):
            audits = data.streak.audits()
            for day in sorted(audits, reverse=True)[:60]:
                audit_table.add_row(day_label(day, today), audits[day].status.value, key=day.isoformat())
        self._show_streak(self.highlighted_audit_day())

    def _show_streak(self, day: date | None) -> None:
        if self.data is not None:
            self.query_one("#history-streak-panel", StreakPanel).show(self.data.streak, self.data.today, day)

    @on(DataTable.RowHighlighted, "#history-audit")
    def _audit_day(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self._show_streak(date.fromisoformat(event.row_key.value))

    def highlighted_audit_day(self) -> date | None:
        key = row_key(self.query_one("#history-audit", DataTable))
        return date.fromisoformat(key) if key else None

    def action_open_audit_day(self) -> None:
        day = self.highlighted_audit_day()
        if day is not None:
            self.open_day(day)

    @on(Heatmap.DayChosen)
    def _heatmap_day(self, message: Heatmap.DayChosen) -> None:
        self.open_day(message.day)

    def open_day(self, day: date) -> None:
        """The day's record: its entries, its mark, how the streak saw it (screens.entry_dialogs)."""
        from stretchtui.ui.screens.entry_dialogs import DayScreen

        self.app.push_screen(DayScreen(day))

    # ------------------------------------------------------------------ check-ins

    def highlighted_checkin(self) -> Checkin | None:
        key = row_key(self.query_one("#history-checkin-table", DataTable))
        return next((c for c in self.data.checkins if c.uuid == key), None) if self.data and key else None

    @on(DataTable.RowHighlighted, "#history-checkin-table")
    def _checkin_row(self) -> None:
        self._show_checkin(self.highlighted_checkin())

    def _show_checkin(self, checkin: Checkin | None) -> None:
        data = self.data
        detail = self.query_one("#history-checkin-detail", CheckinDetail)
        detail.show(checkin, data.today if data else None, none_listed=bool(data and not data.checkins))

    def action_edit_checkin(self) -> None:
        checkin = self.highlighted_checkin()
        if checkin is not None:
            self.stretch_app.edit_checkin(checkin)

    def action_remove_checkin(self) -> None:
        checkin = self.highlighted_checkin()
        if checkin is not None:
            self._ask_to_remove(checkin.uuid)

    def action_remove_session(self) -> None:
        key = row_key(self.query_one("#history-session-table", DataTable))
        info = next((s for s in self.data.sessions if str(s.id) == key), None) if self.data and key else None
        if info is not None:
            self._ask_to_remove(info.uuid)

    @store_work(group="history-write")
    def _ask_to_remove(self, uuid: str) -> None:
        """The entry as `stretchtui entries` names it, then the question (StretchApp.ask_to_remove)."""
        from stretchtui.core.errors import UserError

        try:
            entry = self.stretch_app.store.corrections.find_entry(uuid)
        except UserError as gone:  # removed meanwhile, by the CLI or another window
            self.app.call_from_thread(self.notify, str(gone), severity="warning", markup=False)
            self.reload()
            return
        self.app.call_from_thread(self.stretch_app.ask_to_remove, entry)

    @on(DataTable.RowHighlighted, "#history-session-table")
    def _session_row(self, event: DataTable.RowHighlighted) -> None:
        if self.data is None or not event.row_key.value:
            return
        info = next((s for s in self.data.sessions if str(s.id) == event.row_key.value), None)
        if info is not None:
            self.load_steps(info)

    @store_work(exclusive=True, group="history-steps")
    def load_steps(self, info: SessionInfo) -> None:
        self.post_message(self.StepsLoaded(info, self.stretch_app.store.sessions.session_steps(info.id)))

    @on(StepsLoaded)
    def _steps_loaded(self, message: StepsLoaded) -> None:
        today = self.data.today if self.data is not None else None
        self.query_one("#history-session-detail", SessionDetail).show(message.session, message.steps, today)
