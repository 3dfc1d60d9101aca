"""The main screens, listed once. The app's modes, its number keys, the command palette's entries,
the top bar and the background import of the screens all come from MAIN_SCREENS: a new main
screen is one row here (and its module under stretchtui/ui/screens/).

Screens are named by module and class, not imported: the app opens on the first one, and importing
every other screen (with the widgets each one uses) up front made every start slower."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

SCREENS_PACKAGE = "stretchtui.ui.screens"


def screen_class(module: str, name: str) -> type[Screen]:
    """A screen class from `stretchtui.ui.screens.<module>`, imported when first needed."""
    return getattr(import_module(f"{SCREENS_PACKAGE}.{module}"), name)


@dataclass(frozen=True)
class MainScreen:
    """One main screen: its mode, the key that shows it, its title in the top bar and the
    palette, what the palette says about it, and where its class lives."""

    mode: str
    key: str
    title: str
    about: str
    module: str  # under stretchtui.ui.screens
    class_name: str

    def make(self) -> Screen:
        """A new instance (Textual calls this the first time the mode is shown)."""
        return screen_class(self.module, self.class_name)()

    def shows(self, screen: object) -> bool:
        """True when `screen` is an instance of this main screen's class (without importing it)."""
        return self.is_class(type(screen))

    def is_class(self, kind: type) -> bool:
        """True when `kind` is this main screen's class."""
        return kind.__name__ == self.class_name and kind.__module__ == f"{SCREENS_PACKAGE}.{self.module}"


# The first is where the app opens.
MAIN_SCREENS: tuple[MainScreen, ...] = (
    MainScreen(
        "today", "1", "Today", "Streak, today's progress, check-in and the last session", "today", "TodayScreen"
    ),
    MainScreen("library", "2", "Library", "Browse, search and filter the exercise library", "library", "LibraryScreen"),
    MainScreen(
        "routines",
        "3",
        "Routines",
        "Built-in and your own routines: start, build, duplicate",
        "routines",
        "RoutinesScreen",
    ),
    MainScreen(
        "history",
        "4",
        "History",
        "Weeks, heatmap, pain and sitting trends, sessions and the streak audit",
        "history",
        "HistoryScreen",
    ),
    MainScreen(
        "settings", "5", "Settings", "Theme, day start, daily goal and session cues", "settings", "SettingsScreen"
    ),
)
RETURN_KEY = "0"  # back to a session left running behind a main screen (StretchApp.action_return_to_session)


def mode_of(screen: object) -> str | None:
    """The mode of the main screen `screen` is, or None for any other screen."""
    return next((main.mode for main in MAIN_SCREENS if main.shows(screen)), None)


def main_screen_of(kind: type) -> MainScreen | None:
    """The row of MAIN_SCREENS whose class `kind` is, or None for any other class."""
    return next((main for main in MAIN_SCREENS if main.is_class(kind)), None)
