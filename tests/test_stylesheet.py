"""ParseOnceStylesheet: the same rules as Textual's Stylesheet, parsed once per theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.css import stylesheet as stylesheet_module
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from stretchtui.ui.textual_overrides import ParseOnceStylesheet

SHEETS = [Path("stretchtui/ui/stretchtui.tcss"), *sorted(Path("stretchtui/ui/screens").glob("*.tcss"))]


def variables(theme: str) -> dict[str, str]:
    app = App()
    app.theme = theme
    return app.get_css_variables()


def loaded(sheet: Stylesheet) -> Stylesheet:
    root = Path(__file__).resolve().parent.parent
    for path in SHEETS:
        sheet.read(root / path)
    return sheet


def css_of(sheet: Stylesheet) -> str:
    return "\n".join(rule.css for rule in sheet.rules)


def test_every_sheet_gives_the_rules_textual_gives() -> None:
    dark = variables("textual-dark")
    assert css_of(loaded(ParseOnceStylesheet(variables=dark))) == css_of(loaded(Stylesheet(variables=dark)))


def test_a_refresh_with_nothing_changed_parses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = loaded(ParseOnceStylesheet(variables=variables("textual-dark")))
    sheet.parse()
    parsed: list[str] = []
    real = stylesheet_module.parse

    def counting(scope, css, read_from, *args, **kwargs):
        parsed.append(str(read_from))
        return real(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    sheet.set_variables(variables("textual-dark"))  # what App.refresh_css does on a new screen
    sheet.reparse()
    assert parsed == []
    sheet.add_source("KeyBar { height: 2; }", read_from=("test", "extra"))  # a new widget's DEFAULT_CSS
    sheet.reparse()
    assert parsed == ["('test', 'extra')"]


def test_a_new_theme_parses_everything_again_with_its_colours() -> None:
    sheet = loaded(ParseOnceStylesheet(variables=variables("textual-dark")))
    dark = css_of(sheet)
    light_vars = variables("textual-light")
    sheet.set_variables(light_vars)
    sheet.reparse()
    assert css_of(sheet) != dark
    assert css_of(sheet) == css_of(loaded(Stylesheet(variables=light_vars)))


def test_bad_css_is_refused_and_the_rules_stay() -> None:
    sheet = loaded(ParseOnceStylesheet(variables=variables("textual-dark")))
    before = css_of(sheet)
    sheet.add_source("Static { colour: red; }", read_from=("test", "bad"))
    with pytest.raises(StylesheetParseError):
        sheet.reparse()
    assert css_of(sheet) == before
