"""The contract with Textual's internals (stretchtui.ui.textual_overrides): every private name the
app relies on still exists with the shape it expects, and no other module reaches for one. After a
Textual upgrade this is the test that fails, and textual_overrides is the module to mend."""

from __future__ import annotations

import inspect
import re
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import pytest
from textual.app import App
from textual.content import Content
from textual.css.stylesheet import Stylesheet
from textual.driver import Driver
from textual.widgets._toggle_button import ToggleButton

from stretchtui.ui import textual_overrides
from stretchtui.ui.textual_overrides import (
    TEXTUAL_INTERNALS,
    ParseOnceStylesheet,
    css_variables_once_per_theme,
    event_loop,
    terminal_modes_before,
    use_parse_once_stylesheet,
    write_to_terminal,
)
from stretchtui.ui.widgets.yes_no import TickBox

ROOT = Path(__file__).resolve().parent.parent


def owner(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)


def sets_in_init(cls: type, attribute: str) -> bool:
    """True when `cls.__init__` assigns `self.<attribute>` (an instance attribute)."""
    return re.search(rf"self\.{attribute}\b\s*(:[^=]+)?=", inspect.getsource(cls.__init__)) is not None


def test_the_pinned_textual_is_the_one_installed() -> None:
    pin = re.search(r'"textual==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert version("textual") == pin


@pytest.mark.parametrize(("where", "attribute"), TEXTUAL_INTERNALS, ids=[f"{w}.{a}" for w, a in TEXTUAL_INTERNALS])
def test_every_internal_relied_on_still_exists(where: str, attribute: str) -> None:
    cls = owner(where)
    assert hasattr(cls, attribute) or sets_in_init(cls, attribute), f"{where} has no {attribute} any more"


def test_the_stylesheet_internals_have_the_shape_parse_once_expects() -> None:
    sheet = Stylesheet(variables={"a": "1"})
    assert sheet._variables == {"a": "1"}  # the variables it was given, compared by set_variables
    assert sheet._require_parse is False  # set True when a source changes (read, add_source)
    assert isinstance(sheet.source, dict)
    sheet.add_source("Screen { color: red; }", read_from=("x", ""))
    assert sheet._require_parse is True and len(sheet.source) == 1
    for name, parameters in (("parse", ["self"]), ("reparse", ["self"]), ("set_variables", ["self", "variables"])):
        assert list(inspect.signature(getattr(Stylesheet, name)).parameters) == parameters, name


def test_a_parse_once_stylesheet_is_still_a_stylesheet_the_app_takes() -> None:
    app = App()
    use_parse_once_stylesheet(app)
    assert isinstance(app.stylesheet, ParseOnceStylesheet) and isinstance(app.stylesheet, Stylesheet)
    assert app.stylesheet._variables == app.get_css_variables()


def test_the_css_variables_are_worked_out_once_per_theme_and_set_as_textual_sets_them() -> None:
    app = App()
    calls: list[str] = []

    def work_out() -> dict[str, str]:
        calls.append(app.current_theme.name)
        return App.get_css_variables(app)

    textual_overrides._CSS_VARIABLES.clear()
    first = css_variables_once_per_theme(app, work_out)
    second = css_variables_once_per_theme(app, work_out)
    assert first == second == App.get_css_variables(app) and calls == ["textual-dark"]
    assert app.theme_variables == first  # Textual's own get_css_variables sets this too
    first["primary"] = "changed"  # a copy each time: a caller cannot spoil the cache
    assert css_variables_once_per_theme(app, work_out)["primary"] != "changed"
    textual_overrides._CSS_VARIABLES.clear()


def test_the_driver_and_loop_internals() -> None:
    app = App()
    assert app._driver is None and app._loop is None  # not running
    assert event_loop(app) is None and terminal_modes_before(app) is None
    write_to_terminal(app, "\x1b]0;x\x07")  # not running: nothing, and no error
    assert list(inspect.signature(Driver.write).parameters) == ["self", "data"]
    assert sets_in_init(owner("textual.drivers.linux_driver.LinuxDriver"), "attrs_before")


async def test_a_running_app_has_its_loop_and_a_driver_that_writes() -> None:
    app = App()
    async with app.run_test():
        assert event_loop(app) is not None and app._driver is not None
        assert callable(app._driver.write)
        write_to_terminal(app, "\x1b]0;x\x07")  # headless: nothing written


def test_tick_box_overrides_the_toggle_buttons_face() -> None:
    assert isinstance(inspect.getattr_static(ToggleButton, "_button"), property)
    assert isinstance(inspect.getattr_static(TickBox, "_button"), property)
    assert "self._button" in inspect.getsource(ToggleButton.render)  # what draws the face
    assert "toggle--button" in ToggleButton.COMPONENT_CLASSES  # the style TickBox draws it in
    assert inspect.signature(ToggleButton._button.fget).return_annotation in (Content, "Content")


# Reaching into Textual (or pausing the collector) anywhere else: the one exception is the
# launcher's gc.disable(), which must run before Textual is imported (see textual_overrides).
PRIVATE_REACH = re.compile(r"\._(driver|loop|screen_stacks|require_parse)\b|\(Stylesheet\)|gc\.(?!disable\(\))[a-z]+\(")
ALLOWED = {"stretchtui/ui/textual_overrides.py", "stretchtui/ui/widgets/yes_no.py"}


def test_no_other_module_reaches_into_textual() -> None:
    found = []
    for path in sorted((ROOT / "stretchtui").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if PRIVATE_REACH.search(code):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []
