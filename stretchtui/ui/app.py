"""The Textual app: modes for the main screens, global keys, start-up (the store opened after the
first frame), the day's rollover and backup, theme and settings, and leaving on a signal.

Its other concerns are mixed in, each from its own module: a session's way in and the one that
runs (ui/sessions.py), the command palette (ui/palette.py) and corrections with undo
(ui/corrections.py)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.theme import Theme
from textual.worker import Worker

from stretchtui.core.days import next_day_start, today
from stretchtui.core.settings import Settings
from stretchtui.ui.corrections import UNDO_BINDING, CorrectionsMixin
from stretchtui.ui.main_screens import MAIN_SCREENS, RETURN_KEY
from stretchtui.ui.opening import OpenOnFirstUse
from stretchtui.ui.palette import PaletteMixin
from stretchtui.ui.sessions import SessionsMixin
from stretchtui.ui.syncing import SyncMixin, SyncState
from stretchtui.ui.terminal import give_terminal_back, terminal_gone
from stretchtui.ui.textual_overrides import (
    css_variables_once_per_theme,
    event_loop,
    resume_collector_after_first_frame,
    terminal_modes_before,
    use_parse_once_stylesheet,
    write_to_terminal,
)
from stretchtui.ui.workers import failed, store_work

if TYPE_CHECKING:
    from textual.screen import Screen

    from stretchtui.core.clock import Clock
    from stretchtui.core.ports import StorePort


TERMINAL_CHECK_SECONDS = 2.0
# After SIGTERM or SIGINT, how long the app may take to end as a quit does before the terminal is
# given back by hand and the process ends (a normal end takes a fraction of a second).
LEAVE_SECONDS = 3.0
GIVE_BACK_SECONDS = 1.0
# Imported in the background once the first screen shows its numbers, so that the first switch to
# another main screen, or the first session, does not wait for its modules (History's took 20-40 ms
# with its widgets).
PREFETCHED_SCREENS = (*(main.module for main in MAIN_SCREENS[1:]), "session")


class StretchApp(CorrectionsMixin, SessionsMixin, SyncMixin, PaletteMixin, App[int]):
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

    settings: var[Settings] = var(Settings())
    """Every setting in force (core.settings), read as the store opens. Changed only on the event
    loop, once the write has landed (`save_setting`): screens watch it or read it, never a default."""

    sync_state: var[SyncState | None] = var(None)
    """The last sync round here (ui.syncing); None before the first, or when the database does not sync."""

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
        self.start_syncing()

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
        (a full disk, a damaged file) is shown as a warning and logged; the app carries on. First the
        activity hook's ticks are folded into spans (store.activity), so the tick file stays small
        for those who never answer a break (what is not folded is still read, just slower)."""
        try:
            self.store.activity.fold_ticks()
        except Exception as error:  # the ticks wait for the next fold
            self.log.error(f"folding the activity ticks failed: {error!r}")
        try:
            self.store.backup_daily()
        except Exception as error:  # nothing about a backup may stop the app
            self.log.error(f"daily backup failed: {error!r}")
            self.call_from_thread(
                self.notify, f"Today's backup failed: {error}", title="Backup", severity="warning", timeout=10
            )

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
        from stretchtui.ui.screens.dialogs import ask_then

        ask_then(
            self,
            "A session is still running behind this screen. Quit anyway? It is kept, "
            "and offered to resume at the next start.",
            self.exit,
            yes="Quit",
            no="Keep going",
        )

    @work(thread=True, group="prefetch", exclusive=True, exit_on_error=False)
    def prefetch_screens(self) -> None:
        """While the user reads Today: import the other screens and the widgets they use."""
        for module in PREFETCHED_SCREENS:
            try:
                import_module(f"stretchtui.ui.screens.{module}")
            except Exception as error:  # the screen will say so when it is opened
                self.log.error(f"prefetching {module} failed: {error!r}")

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
