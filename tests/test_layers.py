"""The import rules between layers: core is pure, store has no UI, ui has no store or peewee."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "stretchtui"
ROOT = PACKAGE.parent


def lint_imports(cwd: Path, *, package_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """import-linter with the contracts in `cwd`'s pyproject.toml, on the package found there."""
    env = dict(os.environ, PYTHONPATH=str(package_dir or cwd))
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c(['--no-cache']))",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_layer_contracts_hold() -> None:
    """core imports no storage or UI, store no UI, ui no peewee or store (pyproject.toml, importlinter)."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_catch_a_violation(tmp_path: Path) -> None:
    """The same contracts, run on a copy where a core module imports textual and the store, fail."""
    shutil.copytree(PACKAGE, tmp_path / "stretchtui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "stretchtui" / "core" / "bad.py").write_text("import textual.app\nimport stretchtui.store.store\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "core is pure Python: no storage, no UI, no terminal libraries BROKEN" in result.stdout
    assert "stretchtui.core.bad -> textual" in result.stdout


def test_importing_the_package_opens_no_database(tmp_path: Path) -> None:
    """Importing every module (not calling anything) creates no database file anywhere."""
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "xdg"))
    code = "import stretchtui.cli, stretchtui.factory, stretchtui.store, stretchtui.ui.app, stretchtui.core.library"
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
