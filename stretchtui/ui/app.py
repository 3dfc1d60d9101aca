"""The Textual app: modes for the main screens, global keys, command palette entries, theme."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from datetime import date

from stretchtui.core.clock import Clock
from stretchtui.core.cues import title as cue_title
from stretchtui.core.days import next_day_start, today
from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.serialize import routine_from_plain
from stretchtui.core.sessions import SessionInfo
from stretchtui.core.settings import SETTINGS
from stretchtui.core.model import format_duration
from stretchtui.core.ports import StorePort
from stretchtui.ui.screens.help import HelpScreen
from stretchtui.ui.screens.history import HistoryScreen
from stretchtui.ui.screens.library import LibraryScreen
from stretchtui.ui.screens.routines import RoutinesScreen
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.session_dialogs import ResumeScreen
from stretchtui.ui.screens.settings import SettingsScreen
from stretchtui.ui.screens.today import TodayScreen
from stretchtui.ui.widgets.navbar import MAIN_SCREENS

DEFAULT_THEME = "textual-dark"

# What the command palette says about each main screen.
ABOUT = {
    "today": "Streak, today's progress, check-in and the last session",
    "library": "Browse, search and filter the exercise library",
    "routines": "Built-in and your own routines: start, build, duplicate",
    "history": "Weeks, heatmap, pain and sitting trends, sessions and the streak audit",
    "settings": "Theme, day start, daily goal and session cues",
}


class StretchApp(App[int]):
    """stretchtui. Holds the injected store and clock; screens reach them through `self.app`."""

    CSS_PATH = "stretchtui.tcss"
    TITLE = "stretchtui"
    MODES = {"today": TodayScreen, "library": LibraryScreen, "routines": RoutinesScreen,
             "history": HistoryScreen, "settings": SettingsScreen}
    DEFAULT_MODE = "today"
    BINDINGS = [
        *(Binding(key, f"switch_mode('{mode}')", title, id=f"go-{mode}", show=False, tooltip=ABOUT[mode])
          for mode, key, title in MAIN_SCREENS),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+t", "toggle_dark", "Light/dark", id="toggle-theme", show=False),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: StorePort, clock: Clock, *, owns_store: bool = False, cursor_blink: bool = True,
                 initial_routine: str | None = None, show_routine: str | None = None) -> None:
        super().__init__()
        self.initial_routine = initial_routine  # start a session on it at launch (stretchtui start)
        self.show_routine = show_routine  # open the routines screen on it
        self.store = store
        self.clock = clock
        self.cursor_blink = cursor_blink
        self._owns_store = owns_store
        self._saved_theme = store.get_setting("theme", DEFAULT_THEME)
        self.day_start_hour = store.day_start_hour()  # kept in memory; Settings updates it
        self.cue_settings = {spec.key: store.get_setting(spec.key, spec.default)
                             for spec in SETTINGS if spec.key.startswith("cue_")}

    def on_mount(self) -> None:
        if self.show_routine:
            self.switch_mode("routines")
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.check_interrupted()
        self._schedule_rollover()

    def _schedule_rollover(self) -> None:
        """Left open across the day start, the app rolls over on its own: the visible screen
        reloads (Today shows a fresh day, History a new column) and the next rollover is set."""
        start = next_day_start(self.clock.now(), self.clock.zone, self.day_start_hour)
        delay = max(1.0, (start - self.clock.now()).total_seconds())
        self._rollover_timer = self.set_timer(min(delay, 3600.0), self._maybe_roll_over)
        self._day_on_screen = self.current_day()

    def _maybe_roll_over(self) -> None:
        """Wakes at least hourly (suspend, clock changes); acts only when the logical day changed."""
        if self.current_day() != self._day_on_screen:
            reload = getattr(self.screen, "reload", None)
            if callable(reload):
                reload()
        self._schedule_rollover()

    def current_day(self) -> date:
        """The logical day now (core.days.today with the user's day-start hour); no database read."""
        return today(self.clock, self.day_start_hour)

    def write_terminal(self, sequence: str) -> None:
        """Write a raw escape sequence (title, notification) the way App.bell does; not when headless."""
        if not self.is_headless and self._driver is not None:
            self._driver.write(sequence)

    # ------------------------------------------------------------------ sessions

    @work(thread=True, group="sessions")
    def check_interrupted(self) -> None:
        """At launch: offer to resume a session a crash or a dropped connection interrupted;
        otherwise go straight to the routine given on the command line."""
        info = self.store.interrupted_session()
        if info is not None and info.resume_state:
            saved = len(self.store.session_steps(info.id))
            self.call_from_thread(self.push_screen, ResumeScreen(info, saved),
                                  lambda choice: self._resume_chosen(info, choice))
        elif self.initial_routine:
            self.call_from_thread(self.start_routine, self.initial_routine)

    def _resume_chosen(self, info: SessionInfo, choice: str | None) -> None:
        if choice == "resume":
            self.resume_session(info)
        elif choice == "close":
            self._close_interrupted()
        elif self.initial_routine:
            self.start_routine(self.initial_routine)

    @work(thread=True, group="sessions")
    def _close_interrupted(self) -> None:
        self.store.close_interrupted_as_partial()
        self.call_from_thread(self.notify, "Closed the interrupted session as partial.")

    @work(thread=True, group="sessions")
    def resume_session(self, info: SessionInfo) -> None:
        """Rebuild the plan exactly as it was (the resume state carries the routine), then resume."""
        state = info.resume_state or {}
        try:
            routine = routine_from_plain(state["routine"])
            screen = SessionScreen(routine, self.store.exercise_index(), resume=info,
                                   stored_routine=info.routine_id is not None)
        except (KeyError, TypeError, ValueError):
            self.store.close_interrupted_as_partial()
            self.call_from_thread(self.notify, "That session could not be resumed; it was saved as partial.",
                                  severity="warning")
            return
        self.call_from_thread(self.push_screen, screen, self._session_closed)

    @work(thread=True, group="sessions")
    def start_routine(self, routine_id: str) -> None:
        routine = self.store.routine(routine_id)
        if routine is None:
            self.call_from_thread(self.notify, f"No routine with id {routine_id!r}.", severity="error")
            return
        self.call_from_thread(self.push_screen, SessionScreen(routine, self.store.exercise_index()),
                              self._session_closed)

    def start_suggested(self, routine: Routine, exercises: dict[str, Exercise]) -> None:
        """Today's suggestion: a routine with no row of its own (history keeps its name)."""
        self.push_screen(SessionScreen(routine, exercises, stored_routine=False), self._session_closed)

    def start_exercise(self, exercise: Exercise) -> None:
        """A one-exercise session from the library."""
        routine = Routine(id="", name=exercise.name, items=(RoutineItem(exercise.id),))
        self.push_screen(SessionScreen(routine, {exercise.id: exercise}, stored_routine=False), self._session_closed)

    def _session_closed(self, info: SessionInfo | None) -> None:
        self.initial_routine = None
        self.write_terminal(cue_title("stretchtui"))

    @on(events.DescendantFocus)
    def _steady_cursor(self, event: events.DescendantFocus) -> None:
        """Tests and screenshots turn blinking off so every frame renders the same."""
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def on_unmount(self) -> None:
        if self._owns_store:
            self.store.close()

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._save_setting("theme", theme.name)

    @work(thread=True, group="settings")
    def _save_setting(self, key: str, value: object) -> None:
        self.store.set_setting(key, value)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    @work(thread=True, group="palette")
    def action_pick_routine(self) -> None:
        """Choose a routine and start it."""
        from stretchtui.ui.screens.dialogs import PickScreen

        index = self.store.exercise_index()
        choices = [(r.id, f"{r.name}  ({format_duration(r.duration_seconds(index))})") for r in self.store.routines()]
        self.call_from_thread(self.push_screen, PickScreen("Start which routine?", choices),
                              lambda routine_id: routine_id and self.start_routine(routine_id))

    def action_check_in(self) -> None:
        """From anywhere: open Today and its check-in form."""
        self.switch_mode("today")
        screen = self.screen
        if isinstance(screen, TodayScreen):
            screen.action_check_in()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, _key, title in MAIN_SCREENS:
            yield SystemCommand(title, ABOUT[mode], partial(self.switch_mode, mode))
        yield SystemCommand("Start routine…", "Choose a routine to start", self.action_pick_routine)
        yield SystemCommand("Check in", "Note your pain, hours sat and a note", self.action_check_in)
        yield SystemCommand("Help: keys of this screen", "List every key of the current screen", self.action_help)
        yield from super().get_system_commands(screen)
