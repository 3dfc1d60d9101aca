"""Today, the home screen: streak and today's progress, the quick check-in, the last session, a tip."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from stretchtui.core.checkins import latest_by_region
from stretchtui.core.model import Tip, format_duration
from stretchtui.core.sessions import SessionInfo
from stretchtui.core.streaks import StreakSummary
from stretchtui.ui.screens.checkin import CheckinDraft, CheckinScreen
from stretchtui.ui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from stretchtui.ui.app import StretchApp


@dataclass(frozen=True)
class TodayData:
    day: date
    streak: StreakSummary
    goal_routines: int
    goal_minutes: int
    minutes_today: float
    routines_today: int
    pains_today: tuple[str, ...]
    sitting_today: float | None
    last_session: SessionInfo | None
    tip: Tip | None


def tip_of_the_day(tips: tuple[Tip, ...], day: date) -> Tip | None:
    """A different tip each day, the same one all day."""
    if not tips:
        return None
    index = int(hashlib.sha256(day.isoformat().encode()).hexdigest(), 16) % len(tips)
    return tips[index]


class TodayScreen(Screen):
    TITLE = "Today"
    BINDINGS = [
        Binding("c", "check_in", "Check in", id="today-checkin"),
        Binding("s", "start_routine", "Start routine…", id="today-start"),
    ]

    @dataclass
    class Loaded(Message):
        data: TodayData

    @property
    def stretch_app(self) -> "StretchApp":
        return cast("StretchApp", self.app)

    def compose(self) -> ComposeResult:
        yield NavBar("today")
        with VerticalScroll(id="today-body"):
            with Horizontal(id="today-top"):
                yield Static("", id="today-streak", classes="card")
                yield Static("", id="today-checkins", classes="card")
            yield Static("", id="today-last", classes="card")
            yield Static("", id="today-tip", classes="card")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="today-load")
    def reload(self) -> None:
        store = self.stretch_app.store
        day = self.stretch_app.current_day()
        activity = {a.day: a for a in store.day_activities(since=day)}.get(day)
        checkins = store.checkins(since=day)
        latest = latest_by_region([c for c in checkins if c.day == day])
        sitting = next((c.sitting_hours for c in reversed(checkins) if c.day == day and c.sitting_hours is not None),
                       None)
        data = TodayData(
            day=day, streak=store.streak_summary(day),
            goal_routines=int(store.get_setting("goal_routines", 1)),
            goal_minutes=int(store.get_setting("goal_minutes", 5)),
            minutes_today=(activity.completed_hold_seconds / 60) if activity else 0.0,
            routines_today=activity.completed_routines if activity else 0,
            pains_today=tuple(p.describe() for p in latest.values()), sitting_today=sitting,
            last_session=store.last_session(), tip=tip_of_the_day(store.tips(), day))
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        data = message.data
        streak = data.streak
        if streak.today_done:
            status = "[$success]done today[/]"
        else:
            status = (f"today: {data.routines_today} of {data.goal_routines} routine"
                      f"{'s' if data.goal_routines != 1 else ''} or {data.minutes_today:.0f} of "
                      f"{data.goal_minutes} min")
        longest = ""
        if streak.longest and streak.longest_start and streak.longest_end:
            longest = f"\nLongest {streak.longest} d ({streak.longest_start:%d %b} – {streak.longest_end:%d %b %Y})"
        self.query_one("#today-streak", Static).update(Content.from_markup(
            f"[b $accent]Streak[/]  [b]{streak.current}[/] day{'s' if streak.current != 1 else ''}\n{status}\n"
            f"Habit strength {streak.strength:.0%}{longest}"))
        pains = "\n".join(escape(p) for p in data.pains_today) or "[$text-muted]No check-in yet today.[/]"
        sitting = f"\nSat {data.sitting_today:g} h" if data.sitting_today is not None else ""
        self.query_one("#today-checkins", Static).update(Content.from_markup(
            f"[b $accent]Check-in[/]  [$text-muted]c[/]\n{pains}{sitting}"))
        last = data.last_session
        if last is None:
            text = "[b $accent]Last session[/]\n[$text-muted]None yet. Press s to start a routine.[/]"
        else:
            pain = (f" · pain {last.pain_before} → {last.pain_after}"
                    if last.pain_before is not None and last.pain_after is not None else "")
            text = (f"[b $accent]Last session[/]  {escape(last.routine_name)} · {last.day:%a %d %b} · "
                    f"{format_duration(int(last.active_seconds))} of work · {last.status.value}{pain}")
        self.query_one("#today-last", Static).update(Content.from_markup(text))
        tip = data.tip
        self.query_one("#today-tip", Static).update(Content.from_markup(
            f"[b $accent]Tip[/]  {escape(tip.text)}" if tip else ""))

    def action_check_in(self) -> None:
        self.app.push_screen(CheckinScreen(), self._checked_in)

    def _checked_in(self, draft: CheckinDraft | None) -> None:
        if draft is not None:
            self.save_checkin(draft)

    @work(thread=True, group="today-write")
    def save_checkin(self, draft: CheckinDraft) -> None:
        self.stretch_app.store.add_checkin(list(draft.pains), sitting_hours=draft.sitting_hours, note=draft.note,
                                           no_comfortable_position=draft.no_comfortable_position)
        self.app.call_from_thread(self.notify, "Check-in saved.")
        self.reload()

    def action_start_routine(self) -> None:
        self.stretch_app.action_pick_routine()
