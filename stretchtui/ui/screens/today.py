"""Today, the home screen: streak and today's progress, the quick check-in, the last session, a tip."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from stretchtui.ui.screens.base import FramedScreen
from stretchtui.ui.syncing import FollowsTheRecord
from stretchtui.ui.workers import Loaded, post_if_current, store_work

# The first frame needs none of these: they come with the numbers (in the loading thread) or
# with the first key press, which keeps the first frame quick.
if TYPE_CHECKING:
    from stretchtui.core.checkins import Checkin, PainEntry
    from stretchtui.core.entries import MarkKind
    from stretchtui.core.function import ActivityEdit
    from stretchtui.core.model import Exercise, Tip
    from stretchtui.core.program_offer import Offer
    from stretchtui.core.program_state import ProgramDay
    from stretchtui.core.sessions import SessionInfo
    from stretchtui.core.streaks import StreakSummary
    from stretchtui.core.suggest import Suggestion
    from stretchtui.ui.screens.checkin import CheckinDraft


class TodayData(NamedTuple):
    """What Today shows, read in one go by the loading thread. (A NamedTuple: cheaper to define
    than a dataclass, and this module is on the way to the first frame.)"""

    day: date
    streak: StreakSummary
    goal_routines: int
    goal_minutes: int
    minutes_today: float
    routines_today: int
    pains_today: tuple[str, ...]
    sitting_today: float | None
    measured_today: float | None  # hours at the terminal, from the activity hook (core.activity)
    last_session: SessionInfo | None
    tip: Tip | None
    suggestion: Suggestion
    exercises: dict[str, Exercise]
    minutes: int
    place: str
    safety_answered: bool
    latest_checkin: Checkin | None  # today's latest
    latest_pains: tuple[PainEntry, ...]  # each area's latest today: a new check-in is filled in from them
    mark: MarkKind | None  # today's rest or flare mark
    program: ProgramDay | None = None  # in a program: its position and today's session
    offer: Offer | None = None  # not in one: a program that fits the check-ins


class TodayScreen(FollowsTheRecord, FramedScreen):
    BINDINGS = [
        Binding("enter,g", "go", "Start suggestion", id="today-go", key_display="⏎"),
        Binding("m", "cycle_minutes", "Minutes", id="today-minutes"),
        Binding("p", "cycle_place", "Place", id="today-place"),
        Binding("c", "check_in", "Check in", id="today-checkin"),
        Binding(
            "d",
            "mark_day",
            "Rest/flare…",
            id="today-mark-day",
            tooltip="Mark today a rest or flare day, or take the mark away; what today holds",
        ),
        Binding(
            "f",
            "function",
            "Function…",
            id="today-function",
            tooltip="This week's function check: rate up to three everyday activities 0-10",
            show=False,  # the key bar is full at 80 columns; Help (?) and the palette list it
        ),
        Binding("s", "start_routine", "Start routine…", id="today-start"),
        Binding(
            "o",
            "program",
            "Program",
            id="today-program",
            tooltip="Your program: where you are and why, or one to start",
            show=False,  # as f: Help and the palette list it
        ),
        Binding(
            "l",
            "lessons",
            "Lessons",
            id="today-lessons",
            tooltip="Short reads about back pain",
            show=False,  # as f: at 80 columns the key bar would lose "? Help"; Help and the palette list it
        ),
        Binding("exclamation_mark", "safety", "Safety check", id="today-safety", key_display="!", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: TodayData | None = None
        self._asked_safety = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="today-body"):
            # Each card shows its title until the numbers come (the database may still be opening).
            with Horizontal(id="today-top"):
                yield self._card("today-streak", "Streak")
                yield self._card("today-checkins", "Check-in")
            yield self._card("today-suggestion", "Today's suggestion")
            yield self._card("today-last", "Last session")
            yield self._card("today-tip", "Tip")

    @staticmethod
    def _card(card_id: str, title: str) -> Static:
        return Static(
            Content.from_markup("[b $accent]$title[/]  [$text-muted]…[/]", title=title), id=card_id, classes="card"
        )

    def on_mount(self) -> None:
        self.call_after_refresh(self.reload)  # the layout first; the numbers come from a thread
        self.watch(self.app, "settings", self._settings_changed, init=False)

    def _settings_changed(self, old: Mapping[str, object], new: Mapping[str, object]) -> None:
        """A setting changed (here with m or p, or on Settings): the numbers follow, unless it was
        only the theme or the lessons read."""
        if any(old[key] != new[key] for key in new if key not in ("theme", "lessons_read")):
            self.reload()

    @store_work(exclusive=True, group="today-load")
    def reload(self) -> None:
        from stretchtui.core.checkins import PainEntry, PainSide, Region
        from stretchtui.core.library import tip_of_the_day
        from stretchtui.core.suggest import suggest

        store = self.stretch_app.store
        settings = self.stretch_app.settings  # read as the store opened, then kept by the app
        day = self.stretch_app.current_day()
        minutes = int(settings["suggest_minutes"])
        place = str(settings["suggest_place"])
        request = store.suggestions.suggestion_request(day, minutes, place)
        program = store.programs.today(day, minutes, place, request)
        activity = {a.day: a for a in store.history.day_activities(since=day)}.get(day)
        checkins = store.checkins.checkins(since=day)
        of_today = [c for c in checkins if c.day == day]
        # Each area's latest pain today as the suggestion reads the day: check-ins, and pain noted
        # with a session (before, after, "this hurts"), so the card and a new check-in show it too.
        latest = {
            (Region(n.region), n.side): PainEntry(Region(n.region), n.pain, PainSide(n.side))
            for n in request.pain_notes
            if n.day == day and not n.flare_mark and not (n.pain == 0 and n.no_comfortable_position)
        }
        sitting = next(
            (c.sitting_hours for c in reversed(checkins) if c.day == day and c.sitting_hours is not None), None
        )
        data = TodayData(
            day=day,
            streak=store.history.streak_summary(day),
            goal_routines=int(settings["goal_routines"]),
            goal_minutes=int(settings["goal_minutes"]),
            minutes_today=(activity.completed_hold_seconds / 60) if activity else 0.0,
            routines_today=activity.completed_routines if activity else 0,
            pains_today=tuple(p.describe() for p in latest.values()),
            sitting_today=sitting,
            measured_today=store.activity.sitting_by_day(day, day).get(day),
            last_session=store.sessions.last_session(),
            tip=tip_of_the_day(store.library.tips(), day),
            suggestion=suggest(request),
            exercises=dict(request.exercises),
            minutes=minutes,
            place=place,
            safety_answered=not request.safety.needs_asking,
            latest_checkin=max(of_today, key=lambda c: c.at, default=None),
            latest_pains=tuple(latest.values()),
            mark=store.corrections.day_mark(day),
            program=program,
            offer=None if program else store.programs.offer(day, minutes, place, request),
        )
        post_if_current(self, Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded[TodayData]) -> None:
        from stretchtui.core.days import day_label, span_label
        from stretchtui.core.model import format_duration, sitting_line
        from stretchtui.core.vocabulary import noun_for, plural

        first_load = self.data is None
        self.data = data = message.value
        self._show_suggestion(data)
        if first_load:
            self.stretch_app.prefetch_screens()
        starting = self.stretch_app.initial_routine is not None  # `stretchtui start`: ask on Today later
        if not data.safety_answered and not self._asked_safety and not starting and self.app.screen is self:
            self._asked_safety = True
            self.action_safety()
        streak = data.streak
        if streak.today_done:
            status = "[$success]done today[/]"
        elif data.mark is not None:
            from stretchtui.core.entries import MARK_NOUNS

            status = f"today: a {MARK_NOUNS[data.mark]} [$text-muted](d changes it)[/]"
        else:
            status = (
                f"today: {data.routines_today} of {plural(data.goal_routines, 'routine')} or "
                f"{data.minutes_today:.0f} of {data.goal_minutes} min"
            )
        longest = ""
        if streak.longest and streak.longest_start and streak.longest_end:
            span = span_label(streak.longest_start, streak.longest_end, data.day, weekday=False)
            longest = f"\nLongest {streak.longest} d ({span})"
        self.query_one("#today-streak", Static).update(
            Content.from_markup(
                f"[b $accent]Streak[/]  [b]{streak.current}[/] {noun_for(streak.current, 'day')}\n{status}\n"
                f"Habit strength {streak.strength:.0%}{longest}"
            )
        )
        pains = "\n".join(escape(p) for p in data.pains_today) or (
            "[$text-muted]No pain noted today.[/]"  # a check-in of sitting hours or a note alone
            if data.latest_checkin is not None
            else "[$text-muted]No check-in yet today.[/]"
        )
        sitting = escape(sitting_line(data.sitting_today, data.measured_today))
        sitting = f"\n{sitting}" if sitting else ""
        if data.latest_checkin is not None and data.latest_checkin.no_comfortable_position:
            sitting += "\n[$warning]No comfortable position[/]"  # why there is no routine today
        self.query_one("#today-checkins", Static).update(
            Content.from_markup(f"[b $accent]Check-in[/]  [$text-muted]c[/]\n{pains}{sitting}")
        )
        last = data.last_session
        if last is None:
            text = "[b $accent]Last session[/]\n[$text-muted]None yet. Press s to start a routine.[/]"
        else:
            pain = (
                f" · pain {last.pain_before} → {last.pain_after}"
                if last.pain_before is not None and last.pain_after is not None
                else ""
            )
            text = (
                f"[b $accent]Last session[/]  {escape(last.routine_name)} · {day_label(last.day, data.day)} · "
                f"{format_duration(int(last.active_seconds))} of work · {last.status.value}{pain}"
            )
        self.query_one("#today-last", Static).update(Content.from_markup(text))
        tip = data.tip
        self.query_one("#today-tip", Static).update(
            Content.from_markup(f"[b $accent]Tip[/]  {escape(tip.text)}" if tip else "")
        )

    def _show_suggestion(self, data: TodayData) -> None:
        from stretchtui.core.model import format_duration
        from stretchtui.core.vocabulary import plural

        result = data.program.session if data.program else data.suggestion
        if data.program is not None:
            state = data.program.state
            head = f"[b $accent]{escape(state.program.name)}[/]  {state.position()}  [$text-muted](o for more)[/]"
            if state.in_flare:
                head += "\n[b $warning]Flare mode[/]: ease it and move gently; [$text-muted]o, then r, goes back[/]"
        else:
            head = (
                f"[b $accent]Today's suggestion[/]  [$text-muted]{data.minutes} min · {data.place} (m, p to change)[/]"
            )
        lines = [head]
        if result.routine is not None:
            total = format_duration(result.routine.duration_seconds(data.exercises))
            names = ", ".join(
                escape(data.exercises[i.exercise_id].name)
                for i in result.routine.items
                if i.exercise_id in data.exercises
            )
            lines.append(f"[b]{total}[/b]: {names}   [$text-muted]⏎ start[/]")
        else:
            colour = "$error" if result.blocked else "$warning"
            lines.append(f"[b {colour}]No routine today.[/]")
        lines += [f"[$text-muted]why[/] {escape(line)}" for line in result.why]
        lines += [f"[$warning]![/] {escape(line)}" for line in result.advice]
        if data.program is not None and data.program.state.in_flare:  # the first of When to get help (o: all)
            from stretchtui.core.flare import WHEN_TO_CALL

            lines.append(f"[$error]![/] {escape(WHEN_TO_CALL[0])}")
        if data.offer is not None:
            offer = data.offer
            lines.append(
                f"[$success]Program[/] {escape(offer.program.name)}, {plural(offer.program.weeks, 'week')}, fits your "
                "check-ins: [$text-muted]o to see it[/]"
            )
        self.query_one("#today-suggestion", Static).update(Content.from_markup("\n".join(lines)))

    def action_go(self) -> None:
        data = self.data
        if data is not None and data.program is not None:
            program = data.program.state.program
            if data.program.session.routine is None:
                self.notify("No program session today; see the advice on this screen.", severity="warning")
                return
            self.stretch_app.start_suggested(data.program.session.routine, data.exercises, program.key)
            return
        if data is None or data.suggestion.routine is None:
            self.notify("No routine is suggested today; see the advice on this screen.", severity="warning")
            return
        self.stretch_app.start_suggested(data.suggestion.routine, data.exercises)

    def action_program(self) -> None:
        if self.data is not None:  # the store is open
            self.stretch_app.action_program()

    def action_cycle_minutes(self) -> None:
        self._next_choice("suggest_minutes")

    def action_cycle_place(self) -> None:
        self._next_choice("suggest_place")

    def _next_choice(self, key: str) -> None:
        """Saves the setting's next choice; the suggestion follows once it has landed."""
        from stretchtui.core.settings import BY_KEY

        spec, current = BY_KEY[key], self.stretch_app.settings[key]
        choices = spec.choices
        self.stretch_app.save_setting(
            key, choices[(choices.index(current) + 1) % len(choices)] if current in choices else spec.default
        )

    def action_safety(self) -> None:
        self.stretch_app.ask_safety_questions()

    def action_check_in(self) -> None:
        """A new check-in filled in from today (screens.checkin.new_checkin_today); blank before
        the numbers have come: the form never waits for the database."""
        from stretchtui.ui.screens.checkin import CheckinScreen, new_checkin_today

        data = self.data  # once it is here the store is open, so current_day() does not wait
        if data is None or data.day != self.stretch_app.current_day():
            self.app.push_screen(CheckinScreen(), self._checked_in)
            return
        self.app.push_screen(
            new_checkin_today(data.latest_pains, data.sitting_today, data.latest_checkin), self._checked_in
        )

    def action_function(self) -> None:
        """The weekly function check, filled with the activities and this week's ratings."""
        if self.data is not None:  # the store is open
            self.open_function()

    @store_work(group="today-write")
    def open_function(self) -> None:
        from stretchtui.core.function import week_of
        from stretchtui.ui.screens.function_dialog import FunctionScreen

        store = self.stretch_app.store
        week = week_of(self.stretch_app.current_day())
        activities = store.function.activities()
        ratings = {t.name: t.by_week[week] for t in store.function.trends(since=week) if week in t.by_week}
        self.app.call_from_thread(self.app.push_screen, FunctionScreen(activities, ratings), self._function_given)

    def _function_given(self, edits: list[ActivityEdit] | None) -> None:
        if edits is not None:
            self.save_function(edits)

    @store_work(group="today-write")
    def save_function(self, edits: list[ActivityEdit]) -> None:
        from stretchtui.core.errors import UserError

        try:
            self.stretch_app.store.function.save(edits)
        except UserError as refused:
            self.app.call_from_thread(self.notify, str(refused), title="Not saved", severity="warning", markup=False)
            return
        rated = sum(1 for edit in edits if edit.rating is not None)
        said = f"{rated} rated this week" if rated else "activities saved"
        self.app.call_from_thread(self.notify, f"Function: {said}.", markup=False)

    def action_mark_day(self) -> None:
        """Today's record in a dialog: r rest day, f flare day, n no mark (screens.entry_dialogs)."""
        from stretchtui.ui.screens.entry_dialogs import DayScreen

        if self.data is not None:  # the store is open
            self.app.push_screen(DayScreen(self.stretch_app.current_day()))

    def _checked_in(self, draft: CheckinDraft | None) -> None:
        if draft is not None:
            self.save_checkin(draft)

    @store_work(group="today-write")
    def save_checkin(self, draft: CheckinDraft) -> None:
        from stretchtui.ui.screens.checkin import save_and_say

        if save_and_say(self.app, self.stretch_app.store, draft):
            # A worrying note, pain of 8 or more, leg pain on both sides (core.safety.ask_again): the
            # questions are asked again at once. A note never diagnoses; it only asks again.
            self._asked_safety = False
        self.reload()

    def action_lessons(self) -> None:
        self.stretch_app.action_lessons()

    def action_start_routine(self) -> None:
        self.stretch_app.action_pick_routine()
