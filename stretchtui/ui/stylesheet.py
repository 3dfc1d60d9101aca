"""Textual's stylesheet without the repeated parsing: a measured start-up cost.

Textual parses every CSS source again whenever a screen is shown for the first time
(`App.refresh_css`, even with the theme unchanged), and then once more when that screen's widgets
bring their DEFAULT_CSS, because a refresh throws the parse cache away. On the first frame of
Today that was three full parses of stretchtui.tcss and Textual's own CSS (about 9 ms each), and
two more on opening History. This stylesheet keeps what it parsed while the CSS variables (the
theme) stay the same, so each source is parsed once per theme. (Textual is pinned, and
tests/test_stylesheet.py checks that the rules come out the same as Textual's.)
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


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
