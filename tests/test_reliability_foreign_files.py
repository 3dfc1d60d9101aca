"""Reliability item 6: a file that is not ours, given as --db, is refused and left exactly as it was.

A text file, a JSON file, a stretchtui database from a newer version and another program's SQLite
database, each in a real process, for the app itself and for commands that read (status,
exercises) and write (log): one line on stderr, exit 1, the file byte-identical, and no -wal,
-shm or -journal file left beside it. The store-level refusals are in tests/test_store.py."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from test_cli import run

from stretchtui.store import Store, migrations


def text_file(path: Path) -> str:
    path.write_text("my stretching notes\nmonday: cat-cow\n")
    return "is not a stretchtui database (not an SQLite file); it was left untouched"


def json_file(path: Path) -> str:
    path.write_text(json.dumps({"format": "stretchtui-export", "sessions": []}))
    return "is not a stretchtui database (not an SQLite file); it was left untouched"


def newer_database(path: Path, clock) -> str:
    """A real stretchtui database (WAL mode, seeded) whose schema a later release moved on,
    copied here on its own (as from another machine)."""
    elsewhere = path.parent.parent / "elsewhere" / path.name
    Store.open(elsewhere, clock).close()
    with sqlite3.connect(elsewhere) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    shutil.copyfile(elsewhere, path)
    return (
        f"was written by a newer stretchtui (schema version {migrations.LATEST_VERSION + 1}; this one "
        f"knows up to {migrations.LATEST_VERSION}): upgrade stretchtui to open it. The file was left untouched"
    )


def other_programs_database(path: Path) -> str:
    """Somebody else's SQLite file, in WAL mode as many programs leave theirs."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada', '555-0100')")
    conn.commit()
    conn.close()
    return "is an SQLite database, but not a stretchtui one; it was left untouched"


FILES: dict[str, Callable[..., str]] = {
    "text": lambda path, clock: text_file(path),
    "json": lambda path, clock: json_file(path),
    "newer-version": newer_database,
    "other-program": lambda path, clock: other_programs_database(path),
}
COMMANDS = {
    "app": [],
    "status": ["status"],
    "log": ["log", "--pain", "3", "--note", "should not land"],
    "exercises": ["exercises"],
}


@pytest.mark.slow  # a real process for each case
@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(FILES))
def test_a_foreign_file_is_refused_in_one_line_and_left_untouched(
    tmp_path: Path, clock, kind: str, command: str
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / ("data.json" if kind == "json" else "data.db")
    reason = FILES[kind](path, clock)
    content = path.read_bytes()
    mode = path.stat().st_mode
    neighbours = sorted(p.name for p in folder.iterdir())
    assert neighbours == [path.name], "the test file was left with company before the run"

    result = run("--db", str(path), *COMMANDS[command])

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"stretchtui: {path} {reason}"]
    assert path.read_bytes() == content
    assert path.stat().st_mode == mode
    assert sorted(p.name for p in folder.iterdir()) == neighbours, "files appeared next to the refused one"
