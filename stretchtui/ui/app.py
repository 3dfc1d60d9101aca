"""The Textual app: modes for the main screens, global keys, command palette entries, theme."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from stretchtui.core.clock import Clock
from stretchtui.core.model import format_duration
from stretchtui.core.ports import StorePort
from stretchtui.ui.screens.help import HelpScreen
from stretchtui.ui.screens.library import LibraryScreen
from stretchtui.ui.screens.routines import RoutinesScreen
from stretchtui.ui.screens.settings import SettingsScreen
from stretchtui.ui.widgets.navbar import MAIN_SCREENS

DEFAULT_THEME = "textual-dark"

# What the command palette says about each main screen.
ABOUT = {
    "library": "Browse, search and filter the exercise library",
    "routines": "Built-in and your own routines: start, build, duplicate",
    "settings": "Theme, day start, daily goal and session cues",
}


class StretchApp(App[int]):
    """stretchtui. Holds the injected store and clock; screens reach them through `self.app`."""

    CSS_PATH = "stretchtui.tcss"
    TITLE = "stretchtui"
    MODES = {"library": LibraryScreen, "routines": RoutinesScreen, "settings": SettingsScreen}
    DEFAULT_MODE = "library"
    BINDINGS = [
        *(Binding(key, f"switch_mode('{mode}')", title, id=f"go-{mode}", show=False, tooltip=ABOUT[mode])
          for mode, key, title in MAIN_SCREENS),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+t", "toggle_dark", "Light/dark", id="toggle-theme", show=False),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: StorePort, clock: Clock, *, owns_store: bool = False, cursor_blink: bool = True,
                 initial_routine: str | None = None) -> None:
        super().__init__()
        self.initial_routine = initial_routine
        self.store = store
        self.clock = clock
        self.cursor_blink = cursor_blink
        self._owns_store = owns_store
        self._saved_theme = store.get_setting("theme", DEFAULT_THEME)

    def on_mount(self) -> None:
        if self.initial_routine:
            self.switch_mode("routines")
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

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
        """Choose a routine and open it (the session timer starts it once that screen exists)."""
        from stretchtui.ui.screens.dialogs import PickScreen

        index = self.store.exercise_index()
        choices = [(r.id, f"{r.name}  ({format_duration(r.duration_seconds(index))})") for r in self.store.routines()]
        self.call_from_thread(self.push_screen, PickScreen("Start which routine?", choices), self.open_routine)

    def open_routine(self, routine_id: str | None) -> None:
        if routine_id:
            self.initial_routine = routine_id
            self.switch_mode("routines")
            screen = self.screen
            if isinstance(screen, RoutinesScreen):
                screen.reload(highlight=routine_id)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, _key, title in MAIN_SCREENS:
            yield SystemCommand(title, ABOUT[mode], partial(self.switch_mode, mode))
        yield SystemCommand("Start routine…", "Choose a routine to start", self.action_pick_routine)
        yield SystemCommand("Help: keys of this screen", "List every key of the current screen", self.action_help)
        yield from super().get_system_commands(screen)
