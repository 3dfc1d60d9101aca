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


def test_the_ui_only_calls_what_the_store_port_declares(store) -> None:
    """The UI reaches the store through core.ports.StorePort: one small Protocol per part of the
    store it uses (`store.library`, `store.sessions`, ...). Every call the UI makes is declared on
    the Protocol of its part (or on StorePort, for what is store-wide), and the real Store's parts
    implement every declared method."""
    import re

    from stretchtui.core import ports

    def declared(protocol: type) -> set[str]:
        return {name for name in vars(protocol) if not name.startswith("_")}

    parts = {
        name: getattr(ports, member.fget.__annotations__["return"])
        for name, member in vars(ports.StorePort).items()
        if isinstance(member, property)
    }
    assert len(parts) >= 8 and all(len(declared(protocol)) <= 15 for protocol in parts.values())
    store_wide = declared(ports.StorePort) - set(parts) - {"clock", "path"}

    called: set[tuple[str, str]] = set()
    for path in (PACKAGE / "ui").rglob("*.py"):
        text = path.read_text()
        called |= set(re.findall(r"\bstore\.([a-z_]+)\.([a-z_]+)\(", text))
        called |= {("", name) for name in re.findall(r"\bstore\.([a-z_]+)\(", text)}
    assert len(called) > 40  # the pattern still finds the UI's calls
    undeclared = {
        (part, name)
        for part, name in called
        if (name not in store_wide if part == "" else part not in parts or name not in declared(parts[part]))
    }
    assert undeclared == set(), "declare these in core/ports.py"

    missing = {(part, name) for part, protocol in parts.items() for name in declared(protocol)}
    missing = {(part, name) for part, name in missing if not callable(getattr(getattr(store, part), name, None))}
    missing |= {("", name) for name in store_wide if not callable(getattr(store, name, None))}
    assert missing == set(), "the store does not implement these"
