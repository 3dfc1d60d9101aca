"""The CLI contract: commands, JSON shapes, exit codes, and nothing written on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stretchtui import __version__
from stretchtui.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process, with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "stretchtui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_exercises_json(db_path: Path, store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "exercises", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) >= 30
    for entry in data:
        assert {"id", "name", "areas", "kind", "steps", "dose", "sources"} <= set(entry)
    assert "cat-cow" in {e["id"] for e in data}


def test_exercises_filtered_by_area(db_path: Path, store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "exercises", "--area", "neck", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data and all("neck" in e["areas"] for e in data)


def test_routines_json(db_path: Path, store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "routines", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in data}
    assert {"one-minute", "seven-in-seven", "desk-break"} <= set(by_id)
    for routine in data:
        assert {"id", "name", "areas", "items", "duration_seconds"} <= set(routine)
        assert routine["duration_seconds"] > 0 and routine["items"]
        assert all("exercise" in item for item in routine["items"])


def test_routines_json_includes_own_routines(db_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    from stretchtui.store import Store

    store = Store.open(db_path, clock)
    mine = store.library.duplicate_routine("desk-break", "My desk")
    store.close()
    assert main(["--db", str(db_path), "routines", "--json"]) == 0
    data = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert data[mine.id]["name"] == "My desk" and data[mine.id]["origin"] == "user"


def test_text_listings(db_path: Path, store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "exercises"]) == 0
    assert "Cat-Cow" in capsys.readouterr().out
    assert main(["--db", str(db_path), "routines"]) == 0
    assert "Seven in Seven" in capsys.readouterr().out


def test_db_from_environment(tmp_path: Path) -> None:
    target = tmp_path / "env" / "s.db"
    result = run("log", "--pain", "2", env={"STRETCHTUI_DB": str(target)})
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert run("routines", env={"STRETCHTUI_DB": str(target)}).returncode == 0


READ_ONLY = [
    ["status"],
    ["stats"],
    ["stats", "--json"],
    ["suggest"],
    ["exercises"],
    ["routines", "--json"],
    ["export", "--output", "-"],
    ["report"],
    ["report", "--format", "html"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_creates_nothing(tmp_path: Path, capsys, args) -> None:
    """A mistyped --db: one line, exit 1, no directory and no database left behind."""
    target = tmp_path / "no" / "such" / "dir" / "x.db"
    assert main(["--db", str(target), *args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"stretchtui: no database at {target}; nothing was created")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["exercises", "--area", "elbow"],
        ["exercises", "--bogus"],
        ["routines", "extra"],
        ["--db"],
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "never" / "s.db"
    full = ["--db", str(db), *args] if args != ["--db"] else args
    result = run(*full, env={"STRETCHTUI_DB": str(db)})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stretchtui: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not db.parent.exists()


def test_version_and_help_on_every_command() -> None:
    assert run("--version").stdout.strip() == f"stretchtui {__version__}"
    for command in ([], ["exercises"], ["routines"]):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: stretchtui" in result.stdout


def test_listing_does_not_import_textual(db_path: Path) -> None:
    code = (
        "import sys; from stretchtui.cli import main; main(['--db', sys.argv[1], 'routines']); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, capture_output=True)


def test_start_with_an_unknown_routine_is_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.db"
    result = run("--db", str(db), "start", "no-such-routine")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "stretchtui: no routine with id 'no-such-routine' (list them with: stretchtui routines)"
    )
    assert not db.parent.exists()


def test_start_with_an_unknown_routine_on_an_existing_database(db_path: Path, clock) -> None:
    from stretchtui.store import Store

    Store.open(db_path, clock).close()
    result = run("--db", str(db_path), "start", "nope")
    assert result.returncode == 2 and "no routine with id 'nope'" in result.stderr


def test_an_unusable_location_is_one_line(tmp_path: Path) -> None:
    """A path through a file, and a directory that cannot be created: one line each, exit 1."""
    readonly = tmp_path / "ro"
    readonly.mkdir(mode=0o500)
    import os

    if os.geteuid() != 0:  # root ignores directory modes
        result = run("--db", str(readonly / "sub" / "s.db"), "log", "--pain", "2")
        assert result.returncode == 1 and result.stderr.startswith("stretchtui: cannot create the database at ")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--db", str(blocker / "sub" / "s.db"), "log", "--pain", "2")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stretchtui: cannot ") and "Not a directory" in lines[0]


def test_record_a_backfilled_session(db_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    from stretchtui.store import Store

    assert main(["--db", str(db_path), "record", "desk-break", "--at", "2026-11-20T07:30"]) == 0
    assert "Recorded Desk Break: 4 min on Fri 20 Nov." in capsys.readouterr().out
    assert main(["--db", str(db_path), "record", "--minutes", "12", "--at", "2026-11-20T02:30:00+01:00"]) == 0
    store = Store.open(db_path, clock)
    try:
        first, second = store.sessions.session(1), store.sessions.session(2)
        assert first.source == "backfill" and first.status.value == "complete"
        assert str(first.day) == "2026-11-20" and first.active_seconds == first.planned_seconds
        assert second.routine_name == "Stretching" and second.active_seconds == 720
        assert str(second.day) == "2026-11-19"  # 02:30 is before the 04:00 day start
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "desk-break", "--at", "2099-01-01T00:00"], "--at: 2099-01-01T00:00 is in the future"),
        (["record", "--minutes", "0"], "argument --minutes: 0 is outside 1-240"),
        (["record", "--minutes", "241"], "argument --minutes: 241 is outside 1-240"),
        (["record", "--minutes", "ten"], "argument --minutes: 'ten' is not a whole number of minutes"),
        (["record", "nope", "--minutes", "5"], "no routine with id 'nope'"),
        (["record"], "say what you did"),
        (["record", "--at", "last tuesday", "--minutes", "5"], "--at: 'last tuesday' is not an ISO 8601 time"),
        # A date alone was midnight, so the day before (days start at 04:00): an outside pass.
        (["record", "--at", "2026-11-20", "--minutes", "5"], "--at: give the time too, e.g. 2026-11-20T09:00"),
        (["log", "--pain", "3", "--at", " 2026-11-20 "], "--at: give the time too, e.g. 2026-11-20T09:00"),
        (["log", "--pain", "3", "--at", "20261120"], "--at: give the time too, e.g. 2026-11-20T09:00"),
        (["log", "--pain", "3", "--at", "2026-W47-5"], "--at: give the time too, e.g. 2026-11-20T09:00"),
    ],
)
def test_record_bad_input_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "new" / "s.db"
    result = run("--db", str(db), *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.parent.exists()
