"""The import rules between layers: core is pure, store has no UI, ui has no store or peewee."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stretchtui"

FORBIDDEN = {
    "core": {"textual", "peewee", "rich", "platformdirs", "stretchtui.store", "stretchtui.ui",
             "stretchtui.cli", "stretchtui.factory"},
    "store": {"textual", "rich", "stretchtui.ui", "stretchtui.cli", "stretchtui.factory"},
    "ui": {"peewee", "sqlite3", "stretchtui.store", "stretchtui.cli", "stretchtui.factory"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports so the layer rules can be checked")
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    assert violations(layer) == []


def test_rule_catches_a_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself works: a core module importing textual is reported."""
    fake = tmp_path / "stretchtui"
    (fake / "core").mkdir(parents=True)
    (fake / "core" / "bad.py").write_text("from textual.app import App\nimport peewee\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert len(violations("core")) == 2


def test_importing_the_package_opens_no_database(tmp_path: Path) -> None:
    """Importing every module (not calling anything) creates no database file anywhere."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "xdg"))
    code = ("import stretchtui.cli, stretchtui.factory, stretchtui.store, stretchtui.ui.app, "
            "stretchtui.core.library")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert not list(tmp_path.rglob("*.db"))


def test_the_ui_only_calls_what_the_store_port_declares() -> None:
    """The UI reaches the store through core.ports.StorePort: every call the UI makes is declared
    there, and the real Store implements every declared method."""
    import re

    from stretchtui.core.ports import StorePort
    from stretchtui.store import Store

    called = set()
    for path in (PACKAGE / "ui").rglob("*.py"):
        called |= set(re.findall(r"\bstore\.([a-z_]+)\(", path.read_text()))
    declared = {name for name in vars(StorePort) if not name.startswith("_")} - {"clock"}
    assert called - declared == set(), "add these to StorePort"
    assert {name for name in declared if not hasattr(Store, name)} == set()
