"""The main screens are listed once (stretchtui.ui.main_screens): the modes, the number keys, the
palette, the top bar and the background import all come from that table."""

from __future__ import annotations

import subprocess
import sys

from textual.app import SystemCommand

from stretchtui.ui.app import PREFETCHED_SCREENS, StretchApp
from stretchtui.ui.main_screens import MAIN_SCREENS, RETURN_KEY, mode_of, screen_class


def test_every_row_names_a_screen_class_that_knows_its_mode() -> None:
    assert len({main.mode for main in MAIN_SCREENS}) == len({main.key for main in MAIN_SCREENS}) == len(MAIN_SCREENS)
    assert RETURN_KEY not in {main.key for main in MAIN_SCREENS}
    for main in MAIN_SCREENS:
        cls = screen_class(main.module, main.class_name)
        assert mode_of(cls.__new__(cls)) == main.mode
    assert mode_of(object()) is None


def test_modes_keys_and_prefetching_come_from_the_table() -> None:
    assert list(StretchApp.MODES) == [main.mode for main in MAIN_SCREENS]
    assert StretchApp.DEFAULT_MODE == MAIN_SCREENS[0].mode
    keys = {
        binding.id: (binding.key, binding.action, binding.description, binding.tooltip)
        for binding in StretchApp.BINDINGS
    }
    for main in MAIN_SCREENS:
        assert keys[f"go-{main.mode}"] == (main.key, f"switch_mode('{main.mode}')", main.title, main.about)
    assert set(PREFETCHED_SCREENS) == {main.module for main in MAIN_SCREENS[1:]} | {"session"}


async def test_the_palette_and_each_screens_top_bar(make_test_app) -> None:
    from stretchtui.ui.widgets.navbar import NavBar

    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        commands = [c for c in app.get_system_commands(app.screen) if isinstance(c, SystemCommand)]
        assert [(c.title, c.help) for c in commands[: len(MAIN_SCREENS)]] == [(m.title, m.about) for m in MAIN_SCREENS]
        for main in MAIN_SCREENS:
            await pilot.press(main.key)
            await pilot.pause()
            bar = app.screen.query_one(NavBar)
            assert app.current_mode == main.mode and bar.active == main.mode
            assert f" {main.key} {main.title} " in bar.render().plain


def test_importing_the_table_imports_no_screen() -> None:
    code = (
        "import sys, stretchtui.ui.main_screens\n"
        "print(sorted(m for m in sys.modules if m.startswith('stretchtui.ui.screens') or m == 'textual.screen'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
