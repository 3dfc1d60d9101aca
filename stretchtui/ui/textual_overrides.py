"""Every place stretchtui leans on Textual's internals, in one module.

Each piece here was measured or is needed to give the terminal back; each relies on a private
name or an undocumented behaviour of the pinned Textual. tests/test_textual_overrides.py checks
every name listed in TEXTUAL_INTERNALS still has the shape relied on, so a Textual upgrade is
checked in one test and mended here.

- ParseOnceStylesheet: Textual parses every CSS source again whenever a screen is first shown
  (`App.refresh_css`, even with the theme unchanged), and again when that screen's widgets bring
  their DEFAULT_CSS, because a refresh throws the parse cache away. On Today's first frame that was
  three full parses of stretchtui.tcss and Textual's own CSS (about 9 ms each), and two more on
  opening History. This one keeps what it parsed while the variables (the theme) stay the same
  (tests/test_stylesheet.py: the rules come out as Textual's).
- css_variables_once_per_theme: Textual works the theme's CSS variables out again each time a
  screen is first shown (about 1 ms each time).
- write_to_terminal / terminal_modes_before / event_loop: the driver's raw write (a window title,
  a notification, as App.bell does), the termios modes it saved, and the app's loop (to end on a
  signal from a signal handler).
- resume_collector_after_first_frame: the launcher (stretchtui.cli.main) pauses the garbage
  collector before Textual is imported, since the start allocates much and frees little; that
  pause stays there because importing this module first would import Textual with it running.
- stretchtui.ui.widgets.yes_no.TickBox overrides ToggleButton._button (a widget has to); its
  shape is checked with the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import Stylesheet

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from textual.app import App

# (owner, attribute): what this module (and TickBox) reads, writes or overrides that Textual does
# not document. The contract test walks this list.
TEXTUAL_INTERNALS: tuple[tuple[str, str], ...] = (
    ("textual.css.stylesheet.Stylesheet", "_variables"),
    ("textual.css.stylesheet.Stylesheet", "_require_parse"),
    ("textual.css.stylesheet.Stylesheet", "source"),
    ("textual.css.stylesheet.Stylesheet", "parse"),
    ("textual.css.stylesheet.Stylesheet", "reparse"),
    ("textual.css.stylesheet.Stylesheet", "set_variables"),
    ("textual.app.App", "stylesheet"),
    ("textual.app.App", "get_css_variables"),
    ("textual.app.App", "theme_variables"),
    ("textual.app.App", "_driver"),
    ("textual.app.App", "_loop"),
    ("textual.driver.Driver", "write"),
    ("textual.drivers.linux_driver.LinuxDriver", "attrs_before"),
    ("textual.widgets._toggle_button.ToggleButton", "_button"),
)


class ParseOnceStylesheet(Stylesheet):
    """A Stylesheet that skips a reparse when neither the variables nor the sources changed."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parsed_from: tuple[dict[str, str], dict] | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:  # a new theme: everything is parsed again
            super().set_variables(variables)

    def _inputs(self) -> tuple[dict[str, str], dict]:
        return dict(self._variables), dict(self.source)

    def parse(self) -> None:
        super().parse()
        self._parsed_from = self._inputs()

    def reparse(self) -> None:
        """Parse again what changed (a source, or every source after a new theme); nothing when
        the rules already come from exactly these sources and variables. Like Textual's reparse,
        an error leaves the current rules in place (parse replaces them only on success)."""
        if self._parsed_from is not None and not self._require_parse and self._parsed_from == self._inputs():
            return
        self.parse()


def use_parse_once_stylesheet(app: App[Any]) -> None:
    """Give `app` (in its __init__, after App.__init__) a ParseOnceStylesheet."""
    app.stylesheet = ParseOnceStylesheet(variables=app.get_css_variables())


_CSS_VARIABLES: dict[tuple[str, int], dict[str, str]] = {}


def css_variables_once_per_theme(app: App[Any], work_out: Callable[[], dict[str, str]]) -> dict[str, str]:
    """For App.get_css_variables: `work_out()` (Textual's own) once per theme, then a copy of it.
    Sets `app.theme_variables` as Textual's does."""
    theme = app.current_theme
    key = (theme.name, id(theme))
    if key not in _CSS_VARIABLES:
        _CSS_VARIABLES[key] = work_out()
    app.theme_variables = variables = dict(_CSS_VARIABLES[key])
    return variables


def write_to_terminal(app: App[Any], sequence: str) -> None:
    """Write a raw escape sequence the way App.bell does; nothing when headless or not running."""
    if not app.is_headless and app._driver is not None:
        app._driver.write(sequence)


def terminal_modes_before(app: App[Any]) -> list[Any] | None:
    """The termios modes the driver found at start (None: not a Linux terminal, or not running)."""
    return getattr(app._driver, "attrs_before", None)


def event_loop(app: App[Any]) -> AbstractEventLoop | None:
    """The loop the app runs on, None when it is not running."""
    return app._loop


def resume_collector_after_first_frame() -> None:
    """After the first frame: what the start built lives as long as the app, so it is frozen out
    of later collections (which then have less to scan, every few seconds during a hold), and the
    collector the launcher paused runs again. Nothing when it was not paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
