"""The command registry (stretchtui.commands.registry) and the one way a command opens its store."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stretchtui import cli
from stretchtui.commands import registry
from stretchtui.commands.common import CliError, opened_store
from stretchtui.store.location import resolve_db_path

COMMANDS_DIR = Path(registry.__file__).parent


def test_every_command_is_registered_exactly_once() -> None:
    names = [command.name for command in registry.commands()]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)
    assert list(cli.command_parsers(cli.build_parser())) == names
    for command in registry.commands():
        assert registry.find(command.name) is command
    assert registry.find("no-such-command") is None


def test_every_module_that_declares_commands_is_a_theme() -> None:
    """A module with COMMANDS that THEMES leaves out would hold commands nobody can run."""
    declaring = sorted(path.stem for path in COMMANDS_DIR.glob("*.py") if "\nCOMMANDS = (" in path.read_text())
    assert declaring == sorted(registry.THEMES)
    for theme in registry.THEMES:
        module = __import__(f"stretchtui.commands.{theme}", fromlist=["COMMANDS"])
        assert module.COMMANDS, f"{theme} declares no command"


@pytest.mark.parametrize("name", [command.name for command in registry.commands()])
def test_every_commands_help_works(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([name, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: stretchtui {name}") and registry.find(name).description[:30] in " ".join(out.split())


def test_one_command_builds_only_its_own_parser() -> None:
    assert list(cli.command_parsers(cli.build_parser("status"))) == ["status"]
    assert len(cli.command_parsers(cli.build_parser("no-such-command"))) == len(list(registry.commands()))


def test_status_imports_only_its_own_theme(tmp_path: Path) -> None:
    """`stretchtui status` (a status line, every few seconds) finds its command in the first theme
    and imports no other command module."""
    code = (
        "import sys; from stretchtui.cli import main; main(['--db', sys.argv[1], 'status']); "
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('stretchtui.commands.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "none.db")], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "['common', 'quick', 'registry', 'tracking']", done.stderr


def test_the_command_line_itself_imports_no_store_and_no_command() -> None:
    """What `import stretchtui.cli` costs every launch: the app's too, before its collector pause."""
    code = (
        "import sys, stretchtui.cli; print(sorted(m for m in sys.modules if m.startswith("
        "('stretchtui.store', 'stretchtui.commands.') ) and m != 'stretchtui.commands.common'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


# ---------------------------------------------------------------------- the store, opened once


def test_opened_store_closes_the_store_when_the_block_fails(tmp_path: Path, clock) -> None:
    args = argparse.Namespace(db=str(tmp_path / "s.db"), clock=clock)
    with pytest.raises(CliError, match="refused inside"):
        with opened_store(args) as store:
            raise CliError("refused inside")
    assert store.db.is_closed()
    with opened_store(args, reads_only=True) as again:  # the lock was let go: it opens again
        assert again.path == tmp_path / "s.db"
    assert again.db.is_closed()


def test_opened_store_reading_creates_nothing(tmp_path: Path, clock) -> None:
    from stretchtui.store import StoreError

    args = argparse.Namespace(db=str(tmp_path / "no" / "s.db"), clock=clock)
    for how in ({"reads_only": True}, {"must_exist": True}):
        with pytest.raises(StoreError, match="no database at .*; nothing was created"):
            with opened_store(args, **how):
                pytest.fail("opened")
    assert list(tmp_path.iterdir()) == []


def test_the_database_path_is_always_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_db_path("s.db", {}) == tmp_path / "s.db"
    assert resolve_db_path(None, {"STRETCHTUI_DB": "env/s.db"}) == tmp_path / "env" / "s.db"
    assert resolve_db_path("~/s.db", {}) == Path(os.path.expanduser("~/s.db"))
