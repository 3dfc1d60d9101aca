"""One settings model (core.settings, issue 17): every key the code uses is defined there, its
defaults are not restated anywhere else, and a change made on Settings reaches the screens watching
the app's `settings` without reopening them, set on the event loop once the write has landed."""

from __future__ import annotations

import ast
import importlib
import json
import threading
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from pilot_helpers import settle

from stretchtui.core import settings as model
from stretchtui.core.errors import FieldError
from stretchtui.core.settings import BY_KEY, EXPORTED, ON_SCREEN, imported_settings

PACKAGE = Path(__file__).resolve().parent.parent / "stretchtui"
SETTING_CALLS = {"get_setting", "set_setting", "peek_setting"}
STORE_SETTING_CALLS = {"get", "set"}  # store.settings.get / .set (store/settings.py)
SPEC_TABLES = {"BY_KEY", "SETTING_SPECS"}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _key_of(node: ast.expr, path: Path) -> str | None:
    """A key written as a literal, or as a module-level name holding one (store.safety's ANSWERS)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        value = getattr(importlib.import_module(_module_name(path)), node.id, None)
        return value if isinstance(value, str) else None
    return None


@cache
def keys_used_in_the_code() -> tuple[dict[str, list[str]], list[str]]:
    """Every setting key the package names ({key: [where]}), and the calls that restate a default.
    Read once a test process; a module that never spells "setting" nor BY_KEY names none."""
    used: dict[str, list[str]] = {}
    restated: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        if "setting" not in text.lower() and "BY_KEY" not in text:
            continue
        tree = ast.parse(text, filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
            found: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                owner = node.func.value if isinstance(node.func, ast.Attribute) else None
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in STORE_SETTING_CALLS and owner_name == "settings":
                    name = f"{name}_setting"
                if name in SETTING_CALLS and node.args:
                    found.append(node.args[-1] if name == "peek_setting" else node.args[0])
                    if name == "get_setting" and len(node.args) + len(node.keywords) > 1:
                        restated.append(where)
            elif isinstance(node, ast.Subscript):
                target = node.value
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in SPEC_TABLES or name == "settings":
                    found.append(node.slice)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("SETTINGS") for t in node.targets
            ):
                if isinstance(node.value, ast.Tuple):  # a list of keys, like store.glance's STREAK_SETTINGS
                    found.extend(node.value.elts)
            for expr in found:
                key = _key_of(expr, path)
                if key is not None:
                    used.setdefault(key, []).append(where)
    return used, restated


def test_every_setting_key_the_code_uses_is_in_the_model() -> None:
    used, _ = keys_used_in_the_code()
    assert {"goal_minutes", "suggest_place", "theme", "cue_bell", "safety_answers", "seed_digest"} <= set(used)
    assert {key: where for key, where in used.items() if key not in BY_KEY} == {}


def test_no_call_restates_a_default() -> None:
    _, restated = keys_used_in_the_code()
    assert restated == []


def test_the_store_refuses_a_key_the_model_does_not_define(store) -> None:
    with pytest.raises(KeyError):
        store.settings.get("goal_minutess")
    assert store.settings.get("goal_minutes") == BY_KEY["goal_minutes"].default  # nothing saved yet
    assert {spec.key: store.settings.read()[spec.key] for spec in ON_SCREEN} == {
        spec.key: spec.default for spec in ON_SCREEN
    }


def test_internal_keys_stay_out_of_exports_and_imports() -> None:
    assert "seed_digest" not in EXPORTED and "safety_seen_checkin" not in EXPORTED
    with pytest.raises(FieldError, match=r"^settings.seed_digest: is not a known setting$"):
        imported_settings({"seed_digest": "abc"})
    with pytest.raises(FieldError) as refused:
        imported_settings({"suggest_minutes": True})
    assert str(refused.value) == "settings.suggest_minutes: true is not one of 1, 5, 10, 15, 20"
    assert imported_settings({"suggest_place": "desk", "cue_bell": False}) == {
        "suggest_place": "desk",
        "cue_bell": False,
    }


# ---------------------------------------------------------------------- defaults come from the model


@pytest.fixture
def other_defaults(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The model with other defaults: everything reading a default must follow."""
    changed = {"goal_routines": 2, "goal_minutes": 20, "suggest_minutes": 5, "suggest_place": "desk"}
    for key, default in changed.items():
        monkeypatch.setitem(model.BY_KEY, key, replace(BY_KEY[key], default=default))
    return changed


def test_the_store_and_the_cli_take_the_models_defaults(other_defaults, store, db_path, capsys) -> None:
    from stretchtui.cli import main
    from stretchtui.core.streaks import Goal

    assert store.settings.goal() == Goal(2, 20)
    store.close()
    assert main(["--db", str(db_path), "suggest", "--json"]) == 0
    by_default = json.loads(capsys.readouterr().out)
    assert main(["--db", str(db_path), "suggest", "--json", "--minutes", "5", "--place", "desk"]) == 0
    assert by_default == json.loads(capsys.readouterr().out)
    assert main(["--db", str(db_path), "suggest", "--json", "--minutes", "10", "--place", "floor"]) == 0
    assert by_default != json.loads(capsys.readouterr().out)


async def test_today_and_history_take_the_models_defaults(other_defaults, make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        data = app.screen.data
        assert (data.goal_routines, data.goal_minutes, data.minutes, data.place) == (2, 20, 5, "desk")
        await pilot.press("4")
        await settle(pilot)
        assert app.screen.data.goal_minutes == 20


# ---------------------------------------------------------------------- the app's reactive


async def test_a_change_on_settings_reaches_today_without_reopening_it(make_test_app) -> None:
    app = make_test_app()
    threads: list[threading.Thread] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        today = app.screen
        assert today.data.goal_minutes == 5
        app.watch(app, "settings", lambda: threads.append(threading.current_thread()), init=False)
        await pilot.press("5")
        await settle(pilot)
        settings_screen = app.screen
        settings_screen.query_one("#goal_minutes").value = 15
        await settle(pilot)
        assert app.screen is settings_screen  # Today was not shown again...
        assert today.data.goal_minutes == 15  # ...and follows all the same
        assert app.settings["goal_minutes"] == 15 and app.store.settings.get("goal_minutes") == 15
    assert threads and all(thread is threading.main_thread() for thread in threads)


async def test_a_cue_switched_off_on_settings_is_what_the_app_holds(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.settings["cue_bell"] is True
        app.screen.query_one("#cue_bell").value = False
        await settle(pilot)
        assert app.settings["cue_bell"] is False
