"""The Textual app: modes for the main screens, global keys, command palette entries, theme."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker

from stretchtui.core.cues import title as cue_title
from stretchtui.core.days import day_label, next_day_start, today
from stretchtui.core.settings import Settings
from stretchtui.ui.corrections import UNDO_BINDING, CorrectionsMixin
from stretchtui.ui.main_screens import MAIN_SCREENS, RETURN_KEY, screen_class
from stretchtui.ui.opening import OpenOnFirstUse
from stretchtui.ui.screens.today import TodayScreen
from stretchtui.ui.terminal import give_terminal_back, terminal_gone
from stretchtui.ui.textual_overrides import (
    css_variables_once_per_theme,
    event_loop,
    resume_collector_after_first_frame,
    terminal_modes_before,
    use_parse_once_stylesheet,
    write_to_terminal,
)
from stretchtui.ui.widgets.navbar import SessionBadge
from stretchtui.ui.workers import failed, store_work

if TYPE_CHECKING:
    from stretchtui.core.clock import Clock
    from stretchtui.core.model import Exercise, Routine
    from stretchtui.core.ports import StorePort
    from stretchtui.core.session_gate import GateReason
    from stretchtui.core.sessions import SessionInfo
    from stretchtui.core.vocabulary import Condition
    from stretchtui.ui.screens.help import HelpScreen  # these four are imported when first shown
    from stretchtui.ui.screens.report import ReportScreen
    from stretchtui.ui.screens.session import SessionScreen
    from stretchtui.ui.screens.session_dialogs import ResumeScreen


def _current_directory() -> list[Path]:
    try:
        return [Path.cwd()]
    except OSError:  # it was deleted under us
        return []


def _write_new_private(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """Write `text` to a new file in `folder` (`stem.svg`, else `stem-2.svg`…), mode 0600, never
    over an existing file or through a link."""
    for n in range(1, 100):
        target = folder / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return target.absolute()
    raise FileExistsError(f"{stem}{suffix} and 98 more exist")


TERMINAL_CHECK_SECONDS = 2.0
# After SIGTERM or SIGINT, how long the app may take to end as a quit does before the terminal is
# given back by hand and the process ends (a normal end takes a fraction of a second).
LEAVE_SECONDS = 3.0
GIVE_BACK_SECONDS = 1.0
# Imported in the background once the first screen shows its numbers, so that the first switch to
# another main screen, or the first session, does not wait for its modules (History's took 20-40 ms
# with its widgets).
PREFETCHED_SCREENS = (*(main.module for main in MAIN_SCREENS[1:]), "session")


@dataclass(frozen=True)
class _Gate:
    """A session on its way in, held while the safety gate's dialog is open (StretchApp.open_session)."""

    routine: Routine
    exercises: dict[str, Exercise]
    stored_routine: bool
    resume: SessionInfo | None
    conditions: frozenset[Condition]
    hurt_recently: frozenset[str]
    reasons: tuple[GateReason, ...]


class StretchApp(CorrectionsMixin, App[int]):
    """stretchtui. Holds the injected store and clock; screens reach them through `self.app`."""

    CSS_PATH = "stretchtui.tcss"
    TITLE = "stretchtui"
    MODES = {main.mode: main.make for main in MAIN_SCREENS}  # each screen imported when first shown
    DEFAULT_MODE = MAIN_SCREENS[0].mode
    # Size classes (-slim, -short) only on the screens whose sheets use them (screens.base): each
    # class change restyles every widget of a screen, as it is first laid out too.
    BINDINGS = [
        *(
            Binding(
                main.key,
                f"switch_mode('{main.mode}')",
                main.title,
                id=f"go-{main.mode}",
                show=False,
                tooltip=main.about,
            )
            for main in MAIN_SCREENS
        ),
        Binding(
            RETURN_KEY,
            "return_to_session",
            "Back to the session",
            id="return-to-session",
            show=False,
            tooltip="Back to the session that runs while you look at other screens",
        ),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+t", "toggle_dark", "Light/dark", id="toggle-theme", show=False),
        Binding("q", "quit", "Quit", id="quit"),
        UNDO_BINDING,  # only while an undo is offered (ui.corrections)
    ]

    session_badge: var[SessionBadge | None] = var(None)
    """The running session, for the top bar of the screens in front of it (None: no session). A
    `var`: a change repaints only the top bars that watch it, never the whole screen."""

    settings: var[Settings] = var(Settings())
    """Every setting in force (core.settings), read as the store opens. Changed only on the event
    loop, once the write has landed (`save_setting`): screens watch it or read it, never a default."""

    @dataclass
    class StoreOpened(Message):
        """The store is open (posted from the thread that opened it)."""

    @dataclass
    class StoreFailed(Message):
        """The store could not be opened: the app ends and the command line says why."""

        error: BaseException

    def __init__(
        self,
        store: StorePort | None = None,
        clock: Clock | None = None,
        *,
        open_store: Callable[[], StorePort] | None = None,
        theme: str | None = None,
        owns_store: bool = False,
        cursor_blink: bool = True,
        initial_routine: str | None = None,
        show_routine: str | None = None,
    ) -> None:
        """Over an open `store`, or over `open_store()`, called in a thread after the first frame
        (`theme` is then the saved theme, read early so the first frame is drawn in it)."""
        # NO_COLOR (no-color.org): Textual alone would only turn the theme grey; with native ANSI
        # colours it drops every colour and keeps bold, reverse and underline.
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        use_parse_once_stylesheet(self)
        if (store is None) == (open_store is None) or clock is None:
            raise TypeError("StretchApp needs a clock and either a store or open_store")
        self.initial_routine = initial_routine  # start a session on it at launch (stretchtui start)
        self.show_routine = show_routine  # open the routines screen on it
        self.clock = clock
        self.cursor_blink = cursor_blink
        self._owns_store = owns_store or open_store is not None
        if store is not None:
            self._store = OpenOnFirstUse.ready(self._with_settings(store))
        elif open_store is not None:  # one of the two, as checked above
            opener = open_store
            self._store = OpenOnFirstUse(lambda: self._with_settings(opener()))
        self._saved_theme = theme if store is None else self.settings["theme"]
        self._session: tuple[str, Screen] | None = None  # (mode, screen) of the running session

    def get_css_variables(self) -> dict[str, str]:
        """Textual's CSS variables, worked out once per theme (textual_overrides)."""
        return css_variables_once_per_theme(self, super().get_css_variables)

    def _with_settings(self, store: StorePort) -> StorePort:
        """Read the settings as the store opens (in the opening thread), before anyone is handed
        the store: nothing has shown a setting yet, so no watcher is told (set_reactive)."""
        self.set_reactive(StretchApp.settings, store.settings.read())
        return store

    @property
    def day_start_hour(self) -> int:
        return int(self.settings["day_start_hour"])

    @property
    def store(self) -> StorePort:
        """The open store. Until it has opened, a caller (a thread worker, normally) waits for it."""
        return self._store.get()

    @property
    def opened_store(self) -> StorePort | None:
        """The store if it is open, else None; never waits."""
        return self._store.value

    @property
    def store_error(self) -> BaseException | None:
        """Why the store could not be opened, if it could not."""
        return self._store.error

    def on_mount(self) -> None:
        if self.show_routine:
            self.switch_mode("routines")
        self._apply_theme(self._saved_theme)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if not self.is_headless:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._check_terminal)
        # The database opens once the first frame is out: a thread running at the same time shares
        # the interpreter lock with the drawing and slows the first frame down.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        resume_collector_after_first_frame()  # the launcher paused it for the start (stretchtui.cli)
        self._open_store()

    def _apply_theme(self, name: str | None) -> None:
        if name in self.available_themes and name != self.theme:
            self.theme = name

    @work(thread=True, group="open-store", exit_on_error=False)
    def _open_store(self) -> None:
        try:
            self.store  # noqa: B018 - the property opens the store (in this thread)
        except Exception as error:
            self.post_message(self.StoreFailed(error))
        else:
            self.post_message(self.StoreOpened())

    @on(StoreOpened)
    def _store_opened(self) -> None:
        if self._saved_theme is None:  # the early read could not tell, and nobody changed it since
            self._saved_theme = self.settings["theme"]
            self._apply_theme(self._saved_theme)
        self._schedule_rollover()
        self.check_interrupted()
        self.backup_daily()

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        self.log.error(f"opening the store failed: {message.error!r}")
        self.exit(return_code=1)

    def _check_terminal(self) -> None:
        """The terminal vanished without a SIGHUP: act as if it had sent one (the CLI's handler
        saves a running session as partial, still resumable, and exits)."""
        if terminal_gone(sys.__stdin__):
            os.kill(os.getpid(), signal.SIGHUP)

    def end_on_signal(self, signum: int) -> bool:
        """SIGTERM, or SIGINT sent with `kill` (the CLI's handler has saved a running session as
        partial already): end as a quit does, so that Textual leaves the alternate screen, turns
        mouse tracking off, shows the cursor and restores the terminal's modes. Called from a signal
        handler, so the exit is handed to the event loop. False when the app is not running (there
        is no terminal to give back). Should the app not have ended within LEAVE_SECONDS, the
        terminal is given back by hand and the process ends."""
        loop = event_loop(self)
        if loop is None:
            return False
        code = 128 + signum
        loop.call_soon_threadsafe(partial(self.exit, return_code=code))
        watchdog = threading.Timer(LEAVE_SECONDS, self._leave_now, (code,))
        watchdog.daemon = True
        watchdog.start()
        return True

    def _leave_now(self, code: int) -> None:
        """The app did not end in time: give the terminal back by hand unless it has ended, then
        end the process. The giving back gets a second at most: a terminal that takes no output (a
        frozen terminal, a stalled connection) would block the write, and the process must end anyway."""
        if event_loop(self) is not None:  # still running: Textual has not restored the terminal
            helper = threading.Thread(target=give_terminal_back, args=(terminal_modes_before(self),), daemon=True)
            helper.start()
            helper.join(GIVE_BACK_SECONDS)
        os._exit(code)

    def _schedule_rollover(self) -> None:
        """Left open across the day start, the app rolls over on its own: the visible screen
        reloads (Today shows a fresh day, History a new column) and the next rollover is set."""
        start = next_day_start(self.clock.now(), self.clock.zone, self.day_start_hour)
        delay = max(1.0, (start - self.clock.now()).total_seconds())
        self._rollover_timer = self.set_timer(min(delay, 3600.0), self.roll_over_if_new_day)
        self._day_on_screen = self.current_day()

    def roll_over_if_new_day(self) -> None:
        """Wakes at least hourly (suspend, clock changes); acts only when the logical day changed.
        Public so a frozen clock moved by hand (tests) can be checked at once."""
        if self.current_day() != self._day_on_screen:
            reload = getattr(self.screen, "reload", None)
            if callable(reload):
                reload()
            self.backup_daily()
        self._schedule_rollover()

    def current_day(self) -> date:
        """The logical day now (core.days.today with the user's day-start hour); no database read
        once the store is open (the hour comes with it)."""
        if self.opened_store is None:
            self.store  # noqa: B018  (opens it, or waits for it)
        return today(self.clock, self.day_start_hour)

    def report_failure(self, error: BaseException) -> None:
        """A database job failed (a full disk, an I/O error): one line, logged; the app carries on
        and nothing half-written was kept (every write is one transaction)."""
        self.log.error(f"worker failed: {error!r}")
        if self.store_error is not None:
            return  # the store never opened: the app is ending, and the command line says why
        self.notify(self.store.describe_failure(error), title="Not done", severity="error", timeout=12)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if (error := failed(event)) is not None:
            self.report_failure(error)

    def write_terminal(self, sequence: str) -> None:
        """Write a raw escape sequence (title, notification) the way App.bell does; not when headless."""
        write_to_terminal(self, sequence)

    @work(thread=True, group="backup", exclusive=True, exit_on_error=False)
    def backup_daily(self) -> None:
        """The day's automatic backup, in a thread so the first frame never waits for it. A failure
        (a full disk, a damaged file) is shown as a warning and logged; the app carries on."""
        try:
            self.store.backup_daily()
        except Exception as error:  # nothing about a backup may stop the app
            self.log.error(f"daily backup failed: {error!r}")
            self.call_from_thread(
                self.notify, f"Today's backup failed: {error}", title="Backup", severity="warning", timeout=10
            )

    # ------------------------------------------------------------------ sessions

    @store_work(group="sessions")
    def check_interrupted(self) -> None:
        """At launch: offer to resume a session a crash or a dropped connection interrupted;
        otherwise go straight to the routine given on the command line."""
        info = self.store.sessions.interrupted_session()
        if info is not None and not info.resume_state:
            # Left by an older version before its first step: nothing to resume, so closed like any
            # interrupted session rather than left "in progress" for ever.
            self.store.sessions.close_interrupted_as_partial()
            when = day_label(info.day, self.current_day())
            self.call_from_thread(
                self.notify, f"Closed {info.routine_name} from {when}, interrupted before its first step, as partial."
            )
            info = self.store.sessions.interrupted_session()
        if info is not None and info.resume_state:
            saved = len(self.store.sessions.session_steps(info.id))
            resume_screen = cast("type[ResumeScreen]", screen_class("session_dialogs", "ResumeScreen"))
            self.call_from_thread(
                self.push_screen,
                resume_screen(info, saved, self.store.library.exercise_index()),
                lambda choice: self._resume_chosen(info, choice),
            )
        elif self.initial_routine:
            self.call_from_thread(self.start_routine, self.initial_routine)

    def _resume_chosen(self, info: SessionInfo, choice: str | None) -> None:
        if choice == "resume":
            self.resume_session(info)
        elif choice == "close":
            self._close_interrupted()
        elif self.initial_routine:
            self.start_routine(self.initial_routine)

    @store_work(group="sessions")
    def _close_interrupted(self) -> None:
        self.store.sessions.close_interrupted_as_partial()
        self.call_from_thread(self.notify, "Closed the interrupted session as partial.")

    @store_work(group="sessions")
    def resume_session(self, info: SessionInfo) -> None:
        """Rebuild the plan exactly as it was (the resume state carries the routine), then resume."""
        from stretchtui.core.serialize import routine_from_plain

        state = info.resume_state or {}
        try:
            routine = routine_from_plain(state["routine"])
        except (KeyError, TypeError, ValueError):
            self.store.sessions.close_interrupted_as_partial()
            self.call_from_thread(
                self.notify, "That session could not be resumed; it was saved as partial.", severity="warning"
            )
            return
        self.call_from_thread(
            self.open_session,
            routine,
            self.store.library.exercise_index(),
            resume=info,
            stored_routine=info.routine_id is not None,
        )

    @store_work(group="sessions")
    def start_routine(self, routine_id: str) -> None:
        routine = self.store.library.routine(routine_id)
        if routine is None:
            self.call_from_thread(self.notify, f"No routine with id {routine_id!r}.", severity="error")
            return
        self.call_from_thread(self.open_session, routine, self.store.library.exercise_index())

    def start_suggested(self, routine: Routine, exercises: dict[str, Exercise]) -> None:
        """Today's suggestion: a routine with no row of its own (history keeps its name)."""
        self.open_session(routine, exercises, stored_routine=False)

    def start_exercise(self, exercise: Exercise) -> None:
        """A one-exercise session from the library."""
        from stretchtui.core.model import Routine, RoutineItem

        routine = Routine(id="", name=exercise.name, items=(RoutineItem(exercise.id),))
        self.open_session(routine, {exercise.id: exercise}, stored_routine=False)

    @store_work(group="session-gate")
    def open_session(
        self,
        routine: Routine,
        exercises: dict[str, Exercise],
        *,
        stored_routine: bool = True,
        resume: SessionInfo | None = None,
    ) -> None:
        """The one way into a session (Today, the picker, Library, Routines, the palette, `stretchtui
        start`, a resume): first the safety gate (core.session_gate). With an open red flag, a
        reason to ask the questions again, or moves that do not suit a listed condition, the person
        sees why and must choose explicitly; the choice is stored with the session."""
        from stretchtui.core.session_gate import session_gate

        if self._session is not None:  # one session at a time: back to the one that runs
            self.call_from_thread(self._one_session_at_a_time)
            return
        store = self.store
        check, hurt_recently = store.safety.safety_check(), store.safety.recently_hurt()
        exercises = {
            **store.library.exercise_index(),
            **exercises,
        }  # the whole library: "this hurts" may offer any move
        gate = _Gate(
            routine,
            exercises,
            stored_routine,
            resume,
            check.conditions,
            hurt_recently,
            session_gate(check, [item.exercise_id for item in routine.items], exercises),
        )
        if gate.reasons:
            from stretchtui.ui.screens.safety_gate import SafetyGateScreen

            screen = SafetyGateScreen(routine, exercises, gate.reasons, allow_leave_out=resume is None)
            self.call_from_thread(self.push_screen, screen, partial(self._gate_chosen, gate))
        else:
            self.call_from_thread(self._push_session, gate, None)

    def _gate_chosen(self, gate: _Gate, choice: object) -> None:
        from dataclasses import replace

        from stretchtui.core.session_gate import confirmation_record
        from stretchtui.ui.screens.safety_gate import GateChoice

        if choice is None or choice is GateChoice.CANCEL:
            return
        if choice is GateChoice.ANSWER_AGAIN:
            self.ask_safety_questions()
            return
        reasons = gate.reasons
        if choice is GateChoice.LEAVE_OUT:
            left_out = {i for r in reasons for i in r.exercise_ids}
            routine = gate.routine
            gate = replace(
                gate,
                routine=replace(routine, items=tuple(i for i in routine.items if i.exercise_id not in left_out)),
                stored_routine=False,
            )  # no longer the stored routine as written
            reasons = tuple(r for r in reasons if not r.exercise_ids)
        confirmed = confirmation_record(reasons, str(choice), self.clock.now()) if reasons else None
        self._push_session(gate, confirmed)

    def _push_session(self, gate: _Gate, confirmed: dict[str, object] | None) -> None:
        if self._session is not None:
            self._one_session_at_a_time()
            return
        session_screen = cast("type[SessionScreen]", screen_class("session", "SessionScreen"))
        screen = session_screen(
            gate.routine,
            gate.exercises,
            stored_routine=gate.stored_routine,
            resume=gate.resume,
            safety_confirmed=confirmed,
            conditions=gate.conditions,
            hurt_recently=gate.hurt_recently,
        )
        self._session = (self.current_mode, screen)
        self.push_screen(screen, self._session_closed)

    def _one_session_at_a_time(self) -> None:
        self.action_return_to_session()
        self.notify(
            "This session is still running: finish it, or end it with q, before starting another.", severity="warning"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`0` works (and `?` lists it) only while a session runs behind the screen in front."""
        if action == "return_to_session":
            return self._session is not None and self._session[0] != self.current_mode
        return super().check_action(action, parameters)

    async def action_quit(self) -> None:
        """`q` on a main screen while a session runs behind it asks first: quitting leaves that
        session to be resumed at the next start, which is easy to miss with it out of sight.
        In a form (its dropdown or checkbox focused: text fields take `q` as text) it leaves the
        form the way Esc does, asking first when something was changed."""
        from stretchtui.ui.screens.form import Form

        if isinstance(self.screen, Form):
            self.screen.action_cancel()
            return
        if self._session is None or self._session[0] == self.current_mode:
            await super().action_quit()
            return
        from stretchtui.ui.screens.dialogs import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "A session is still running behind this screen. Quit anyway? It is kept, "
                "and offered to resume at the next start.",
                yes="Quit",
                no="Keep going",
            ),
            answered,
        )

    def action_return_to_session(self) -> None:
        """Back to the running session, left with 1-5 (the top bar of every main screen says so)."""
        if self._session is not None:
            self.switch_mode(self._session[0])

    def bring_forward(self, screen: Screen, then: Callable[[], object]) -> None:
        """Show `screen` (the running session) in front, with nothing over it, then run `then`: a
        session that ends while the person looks at another screen, or at `?`, asks its last
        question and shows its summary in front, and closes itself rather than what is on top."""
        self.action_return_to_session()
        if screen in self.screen_stack and self.screen is not screen:
            screen.pop_until_active()  # pops in a moment; `then` runs after
            self.call_later(then)
        else:
            then()

    def show_session_badge(self, badge: SessionBadge | None) -> None:
        """The running session's state for the top bar (SessionScreen calls this as it changes)."""
        if (badge is None) != (self.session_badge is None):
            self.call_later(self.refresh_bindings)  # `0` comes or goes
        self.session_badge = badge

    @store_work(group="safety")
    def ask_safety_questions(self) -> None:
        """The safety questions, from anywhere; saved answers reload the screen underneath. A "yes"
        given before is kept ticked; every other question is asked afresh."""
        from stretchtui.ui.screens.safety import SafetyScreen

        previous = {key: True for key, yes in self.store.safety.safety_profile().answers.items() if yes}
        self.call_from_thread(self.push_screen, SafetyScreen(previous), self._safety_answered)

    def _safety_answered(self, answers: dict[str, bool] | None) -> None:
        if answers is not None:
            self._save_safety(answers)

    @store_work(group="settings")
    def _save_safety(self, answers: dict[str, bool]) -> None:
        self.store.safety.save_safety(answers=answers, complete=False)  # the dialog's answers, as given
        reload = getattr(self.screen, "reload", None)
        if callable(reload):
            self.call_from_thread(reload)

    @work(thread=True, group="prefetch", exclusive=True, exit_on_error=False)
    def prefetch_screens(self) -> None:
        """While the user reads Today: import the other screens and the widgets they use."""
        for module in PREFETCHED_SCREENS:
            try:
                import_module(f"stretchtui.ui.screens.{module}")
            except Exception as error:  # the screen will say so when it is opened
                self.log.error(f"prefetching {module} failed: {error!r}")

    def _session_closed(self, info: SessionInfo | None) -> None:
        self._session = None
        self.session_badge = None
        self.initial_routine = None
        self.write_terminal(cue_title("stretchtui"))

    @on(events.DescendantFocus)
    def _steady_cursor(self, event: events.DescendantFocus) -> None:
        """Tests and screenshots turn blinking off so every frame renders the same."""
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def on_unmount(self) -> None:
        if self._owns_store and (store := self.opened_store) is not None:
            store.close()

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self.save_setting("theme", theme.name)

    @store_work(group="settings")
    def save_setting(self, key: str, value: object, saved_note: str = "") -> None:
        """Write one setting in a thread; once it has landed, `settings` changes on the event loop
        (and `saved_note` is shown), so the screens watching it follow."""
        self.store.settings.set(key, value)
        self.call_from_thread(self._setting_saved, key, value, saved_note)

    def _setting_saved(self, key: str, value: object, saved_note: str) -> None:
        self.settings = self.settings.changed(key, value)
        if saved_note:
            self.notify(saved_note, timeout=2)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    @store_work(group="palette")
    def action_pick_routine(self) -> None:
        """Choose a routine and start it."""
        from stretchtui.core.model import format_duration
        from stretchtui.ui.screens.dialogs import PickScreen

        index = self.store.library.exercise_index()
        choices = [
            (r.id, f"{r.name}  ({format_duration(r.duration_seconds(index))})") for r in self.store.library.routines()
        ]
        self.call_from_thread(
            self.push_screen,
            PickScreen("Start which routine?", choices),
            lambda routine_id: routine_id and self.start_routine(routine_id),
        )

    def action_check_in(self) -> None:
        """From anywhere: open Today and its check-in form."""
        self.switch_mode("today")
        screen = self.screen
        if isinstance(screen, TodayScreen):
            screen.action_check_in()

    def action_weekly_report(self) -> None:
        """This week's report (History's `r`, or the command palette)."""
        report_screen = cast("type[ReportScreen]", screen_class("report", "ReportScreen"))
        if not isinstance(self.screen, report_screen):
            self.push_screen(report_screen())

    def action_help(self) -> None:
        help_screen = cast("type[HelpScreen]", screen_class("help", "HelpScreen"))
        if not isinstance(self.screen, help_screen):
            self.push_screen(help_screen(self.screen))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's "Screenshot" (and `action_screenshot`): saved in the current directory, or
        in the data directory when that cannot take it (gone, not writable), never in a Downloads
        folder that may not exist, as a file only you can read (the screen may show your notes);
        the message says where. In a browser (`stretchtui serve`) the browser downloads it."""
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        store = self.opened_store
        folders = [Path(path)] if path else [*_current_directory(), *([store.path.parent] if store else [])]
        folder = next((f for f in folders if f.is_dir() and os.access(f, os.W_OK | os.X_OK)), None)
        if folder is None:
            self.notify(
                "Not saved: neither the current directory nor the data directory can be written.",
                title="Screenshot",
                severity="error",
            )
            return None
        now = self.clock.now().astimezone(self.clock.zone)
        stem = filename.removesuffix(".svg") if filename else f"stretchtui-{now:%Y%m%d-%H%M%S}"
        try:
            saved = _write_new_private(folder, stem, ".svg", self.export_screenshot())
        except OSError as error:
            self.notify(f"Not saved in {folder}: {error.strerror or error}", title="Screenshot", severity="error")
            return None
        self.notify(f"Saved to {saved}", title="Screenshot", markup=False)
        return str(saved)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for main in MAIN_SCREENS:
            yield SystemCommand(main.title, main.about, partial(self.switch_mode, main.mode))
        yield SystemCommand("Start routine…", "Choose a routine to start", self.action_pick_routine)
        yield SystemCommand("Check in", "Note your pain, hours sat and a note", self.action_check_in)
        yield SystemCommand(
            "Weekly report",
            "A week for your physiotherapist: adherence, pain, relief, notes",
            self.action_weekly_report,
        )
        yield SystemCommand("Help: keys of this screen", "List every key of the current screen", self.action_help)
        yield from super().get_system_commands(screen)
