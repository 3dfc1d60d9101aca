"""Files, modes and where a store is created (issue 15).

- A --db that names a device (/dev/null, /dev/zero), a FIFO, a socket or a directory, or a symlink
  to one, is refused in one line before anything opens, chmods or creates a file at or beside it.
- A database file (or folder) the user made read-only is refused in one line that says how to make
  it writable, by the app and every command that writes; its mode is never changed back. The
  commands that only read read it as it is (immutable: nothing written, nothing created).
- Every folder stretchtui creates is 0700 whatever the umask (the data folder and its missing
  parents, backups/, a CSV export, restore's folder); existing folders are left as they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stretchtui.cli import main
from stretchtui.store import Store
from stretchtui.store.private_files import DIR_MODE, FILE_MODE


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(directory: Path) -> dict[str, tuple[int, int]]:
    """Every entry under `directory` (symlinks not followed) with its mode and size: two equal
    listings mean nothing was created, removed or chmodded there."""
    return {
        str(path.relative_to(directory)): (os.lstat(path).st_mode, os.lstat(path).st_size)
        for path in sorted(directory.rglob("*"))
    }


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(autouse=True)
def collector_stays_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` with no command (the app) turns the garbage collector off until the first frame; in
    this process there is none, so it is kept on."""
    import gc

    monkeypatch.setattr(gc, "disable", lambda: None)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process, with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "stretchtui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture
def sample(tmp_path: Path, clock) -> tuple[Path, Path]:
    """A stretchtui database to restore from and an export of it to import, kept apart."""
    from stretchtui.core.checkins import PainEntry, Region

    source = tmp_path / "elsewhere" / "source.db"
    store = Store.open(source, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 4)], note="from elsewhere")
    store.close()
    exported = tmp_path / "elsewhere" / "export.json"
    assert main(["--db", str(source), "export", "--output", str(exported)]) == 0
    return source, exported


# ---------------------------------------------------------------------- not a regular file


SIBLINGS = ("-wal", "-shm", "-journal", ".lock")


def _device(name: str) -> Callable[[Path], Path]:
    return lambda tmp: Path("/dev") / name


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo", 0o644)
    return tmp / "fifo"


def _socket(tmp: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp / "sock"))
    _socket.keep = server  # type: ignore[attr-defined]  (bound while the test runs)
    return tmp / "sock"


def _directory(tmp: Path) -> Path:
    (tmp / "folder").mkdir(mode=0o755)
    return tmp / "folder"


def _symlink_to(make: Callable[[Path], Path]) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        target = make(tmp)
        (tmp / "link.db").symlink_to(target)
        return tmp / "link.db"

    return build


NOT_FILES = {
    "dev-null": (_device("null"), "a device"),
    "dev-zero": (_device("zero"), "a device"),
    "fifo": (_fifo, "a FIFO (a named pipe)"),
    "socket": (_socket, "a socket"),
    "directory": (_directory, "a directory"),
    "symlink-to-dev-null": (_symlink_to(_device("null")), "a device"),
    "symlink-to-fifo": (_symlink_to(_fifo), "a FIFO (a named pipe)"),
    "symlink-to-socket": (_symlink_to(_socket), "a socket"),
}


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Should the code under test ever regress, put back what it did to a real device: its mode,
    and the files made beside it (in /dev). The test fails all the same."""
    seen: list[tuple[Path, int]] = []

    def guard(path: Path) -> None:
        real = Path(os.path.realpath(path))
        seen.append((real, os.stat(real).st_mode))

    yield guard
    for real, st_mode in seen:
        if os.stat(real).st_mode != st_mode:
            os.chmod(real, stat.S_IMODE(st_mode))
        for suffix in SIBLINGS:
            sibling = Path(f"{real}{suffix}")
            if real.parent == Path("/dev") and sibling.is_file():
                sibling.unlink()


@pytest.mark.slow  # the app in a real process, and on a terminal
@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_a_db_that_is_not_a_regular_file_is_refused_before_anything_is_touched(
    kind: str,
    tmp_path: Path,
    sample: tuple[Path, Path],
    guarded,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every command that opens the database, and the app (in a real process, and on a terminal
    before the screen changes): one line, exit 1 (demo's own check says 2 for a folder), the
    path's mode and the target's mode as they were, no -wal, -shm, -journal, .lock or backups/
    beside it, nothing new in the folder."""
    make, called = NOT_FILES[kind]
    place = tmp_path / "place"
    place.mkdir()
    path = make(place)
    guarded(path)
    real = Path(os.path.realpath(path))
    before = (os.lstat(path).st_mode, os.stat(real).st_mode, listing(place), (real.parent / "backups").exists())
    source, exported = sample
    commands = [
        ["log", "--pain", "2"],
        ["record", "--minutes", "5"],
        ["rest"],
        ["safety", "--answers", "none"],
        ["start", "desk-break"],
        ["status"],
        ["stats"],
        ["suggest"],
        ["exercises"],
        ["routines"],
        ["export", "--output", str(tmp_path / "out.json")],
        ["report"],
        ["backup"],
        ["backup", "--output", str(tmp_path / "copy.db")],
        ["restore", str(source)],
        ["import", str(exported)],
        ["demo", "--no-launch"],
        [],
    ]
    for command in commands:
        code = main(["--db", str(path), *command])
        line = one_line(capsys)
        assert code in ((1, 2) if command[:1] == ["demo"] else (1,)), (command, line)
        if command[:1] != ["demo"] or kind != "directory":
            assert f"is {called}, not a database file; give a file path with --db" in line, (command, line)

    from stretchtui.commands import launch

    monkeypatch.setattr(launch, "on_terminal", lambda: True)
    monkeypatch.setattr("stretchtui.commands.common.run_app", lambda *a, **k: pytest.fail("the app started"))
    assert main(["--db", str(path)]) == 1 and f"is {called}, not a database file" in one_line(capsys)

    app = run("--db", str(path))
    assert app.returncode == 1 and app.stderr.count("\n") == 1 and f"is {called}, not" in app.stderr

    assert (os.lstat(path).st_mode, os.stat(real).st_mode, listing(place), (real.parent / "backups").exists()) == before
    for suffix in SIBLINGS:
        assert not os.path.lexists(f"{real}{suffix}") and not os.path.lexists(f"{path}{suffix}")
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "copy.db").exists()


# ---------------------------------------------------------------------- read-only


@pytest.fixture
def read_only_db(tmp_path: Path, clock) -> Iterator[Path]:
    """A database with one check-in, made read-only by its user (0400), in a folder of its own."""
    from stretchtui.core.checkins import PainEntry, Region

    db = tmp_path / "data" / "s.db"
    store = Store.open(db, clock)
    store.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="kept as it is")
    store.close()
    os.chmod(db, 0o400)
    yield db
    os.chmod(db, FILE_MODE)


WRITING = [
    [],
    ["start", "desk-break"],
    ["log", "--pain", "2"],
    ["record", "--minutes", "5"],
    ["rest"],
    ["safety", "--answers", "none"],
    ["import", "EXPORT"],
    ["restore", "SOURCE"],
]


def test_a_read_only_database_is_refused_by_every_writer_and_stays_read_only(
    read_only_db: Path, sample: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app (in a real process, and on a terminal before the screen changes) and every command
    that writes: one line naming the file as read-only and the chmod that fixes it, exit 1; the
    file stays 0400 and byte-identical, nothing is created beside it. (Before the fix the store
    chmodded it back to 0600 and wrote to it.)"""
    db, folder = read_only_db, read_only_db.parent
    before = (digest(db), listing(folder))
    source, exported = sample
    for command in WRITING:
        command = [{"EXPORT": str(exported), "SOURCE": str(source)}.get(word, word) for word in command]
        assert main(["--db", str(db), *command]) == 1, command
        line = one_line(capsys)
        assert "s.db is read-only (mode 0400)" in line and f"chmod u+w {db}" in line, (command, line)
        assert "nothing was changed" in line

    from stretchtui.commands import launch

    monkeypatch.setattr(launch, "on_terminal", lambda: True)
    monkeypatch.setattr("stretchtui.commands.common.run_app", lambda *a, **k: pytest.fail("the app started"))
    assert main(["--db", str(db)]) == 1 and "is read-only (mode 0400)" in one_line(capsys)
    app = run("--db", str(db))
    assert app.returncode == 1 and app.stderr.count("\n") == 1 and "read-only (mode 0400)" in app.stderr

    assert mode(db) == 0o400
    assert (digest(db), listing(folder)) == before


@pytest.mark.parametrize("lock_file", ["kept", "removed"])
def test_the_commands_that_only_read_read_a_read_only_database_as_it_is(
    read_only_db: Path, tmp_path: Path, lock_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """status, stats, suggest, exercises, routines, export (JSON and CSV), report and backup --output
    answer from a 0400 file as they did before it was made read-only; it is read immutable, so the
    file and its folder are unchanged: no -wal, -shm or lock file made (with the lock file gone, none
    comes back)."""
    db = read_only_db
    os.chmod(db, FILE_MODE)
    assert main(["--db", str(db), "stats", "--json"]) == 0
    stats_before = json.loads(capsys.readouterr().out)
    os.chmod(db, 0o400)
    if lock_file == "removed":
        Path(f"{db}.lock").unlink()
    before = (digest(db), listing(db.parent))
    out = tmp_path / "out"
    out.mkdir()
    for command in (
        ["status"],
        ["suggest"],
        ["exercises"],
        ["routines"],
        ["report", "--output", str(out / "r.md")],
        ["export", "--format", "csv", "--output", str(out / "csv")],
        ["backup", "--output", str(out / "copy.db")],
    ):
        assert main(["--db", str(db), *command]) == 0, (command, capsys.readouterr().err)
    assert capsys.readouterr().err == ""
    assert main(["--db", str(db), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == stats_before
    assert main(["--db", str(db), "export", "--output", str(out / "all.json")]) == 0
    assert [c["note"] for c in json.loads((out / "all.json").read_text())["checkins"]] == ["kept as it is"]
    with sqlite3.connect(out / "copy.db") as copy:
        assert copy.execute("SELECT note FROM checkin").fetchall() == [("kept as it is",)]
    copy.close()
    assert capsys.readouterr().err == ""
    assert mode(db) == 0o400 and (digest(db), listing(db.parent)) == before


def test_a_read_only_database_is_not_read_when_that_could_mislead_or_would_write(
    read_only_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused in one line even for reading, nothing changed: a -wal file beside it (changes an
    immutable read would miss), and a file this version would first have to upgrade."""
    db = read_only_db
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    before = (digest(db), listing(db.parent))
    assert main(["--db", str(db), "export", "--output", str(tmp_path / "x.json")]) == 1
    assert "s.db-wal beside it holds changes a read-only look could miss" in one_line(capsys)
    assert (digest(db), listing(db.parent)) == before and not (tmp_path / "x.json").exists()
    wal.unlink()

    os.chmod(db, FILE_MODE)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    os.chmod(db, 0o400)
    before = (digest(db), listing(db.parent))
    assert main(["--db", str(db), "exercises"]) == 1
    assert "must first upgrade s.db (schema version 2 to" in one_line(capsys)
    assert mode(db) == 0o400 and (digest(db), listing(db.parent)) == before


def test_a_read_only_folder_is_refused_by_writers_and_read_by_readers(
    tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder made read-only (0500): writers refuse in one line naming the folder and its chmod
    (a new database there too), readers still read; the folder keeps its mode and its content."""
    folder = tmp_path / "shelf"
    db = folder / "s.db"
    Store.open(db, clock).close()
    os.chmod(folder, 0o500)
    try:
        before = listing(folder)
        assert main(["--db", str(db), "log", "--pain", "2"]) == 1
        line = one_line(capsys)
        assert f"the folder {folder} is read-only (mode 0500)" in line and f"chmod u+w {folder}" in line
        assert main(["--db", str(folder / "new.db"), "log", "--pain", "2"]) == 1
        assert one_line(capsys).startswith(
            f"stretchtui: cannot create the database at {folder / 'new.db'}: "
            f"the folder {folder} is read-only (mode 0500)"
        )
        assert main(["--db", str(folder / "sub" / "new.db"), "log", "--pain", "2"]) == 1
        assert f"the folder {folder} is read-only" in one_line(capsys)
        assert main(["--db", str(db), "stats"]) == 0 and "Streak: 0 days" in capsys.readouterr().out
        assert mode(folder) == 0o500 and listing(folder) == before
    finally:
        os.chmod(folder, DIR_MODE)


def test_an_existing_file_or_folder_is_only_ever_tightened(tmp_path: Path, clock) -> None:
    """Opening takes bits for others away from the database (and from stretchtui's own data
    folder), and never adds one; a folder the user chose keeps its mode."""
    from stretchtui.store.location import default_data_dir

    db = tmp_path / "mine" / "s.db"
    Store.open(db, clock).close()
    os.chmod(db, 0o644)
    os.chmod(db.parent, 0o755)
    Store.open(db, clock).close()
    assert mode(db) == 0o600 and mode(db.parent) == 0o755

    own = default_data_dir() / "stretchtui.db"
    Store.open(own, clock).close()
    os.chmod(own.parent, 0o755)
    Store.open(own, clock).close()
    assert mode(own.parent) == 0o700


# ---------------------------------------------------------------------- folders made under any umask


def umasked(umask: int, *args: str) -> list[str]:
    """The real entry point, started by a shell that set `umask` first."""
    return ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", sys.executable, "-m", "stretchtui", *args]


def run_umasked(umask: int, env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        umasked(umask, *args), env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60
    )
    assert result.returncode == 0, (args, result.stderr)


def app_until_daily_backup(umask: int, env: dict[str, str], backups: Path) -> None:
    """The real app on a pty, until its first daily backup is in place, then ended with SIGTERM."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        umasked(umask),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        env={**env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"},
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 60
        while not list(backups.glob("stretchtui-daily-*.db")):
            assert process.poll() is None and time.monotonic() < deadline, "no daily backup appeared"
            try:
                os.read(master, 65536)  # keep the pty drained
            except OSError:
                pass
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
            os.close(master)


def new_dirs(root: Path, before: set[Path]) -> dict[str, int]:
    return {
        str(path.relative_to(root)): mode(path)
        for path in sorted(root.rglob("*"))
        if path.is_dir() and not path.is_symlink() and path not in before
    }


@pytest.mark.slow
@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask-000", "umask-022"])
@pytest.mark.parametrize("layout", ["home", "xdg"])
def test_every_directory_stretchtui_creates_is_private_whatever_the_umask(
    tmp_path: Path, umask: int, layout: str
) -> None:
    """In real processes started under the umask, with a fresh HOME (or XDG_DATA_HOME naming a path
    that does not exist yet): `log` makes the data folder and its missing parents (`~/.local/share`),
    `backup` makes backups/, `export --format csv` its folder, `restore` a new database's folders,
    and the app (on a pty) all of them at its first launch, with its daily backup. Every one is 0700,
    every file 0600; `~/.local`, made before by the user, keeps its mode. (Before the fix
    `~/.local` and `~/.local/share` came out 0777 under umask 000.)"""
    env = {key: value for key, value in os.environ.items() if key not in ("XDG_DATA_HOME", "STRETCHTUI_DB")}

    def fresh(name: str) -> tuple[dict[str, str], Path]:
        home = tmp_path / name
        home.mkdir(mode=0o755)
        os.chmod(home, 0o755)
        if layout == "xdg":
            return {
                **env,
                "HOME": str(home),
                "XDG_DATA_HOME": str(home / "xdg" / "data"),
            }, home / "xdg" / "data" / "stretchtui"
        (home / ".local").mkdir()
        os.chmod(home / ".local", 0o751)  # the user's own: left as it is
        return {**env, "HOME": str(home)}, home / ".local" / "share" / "stretchtui"

    cli_env, data = fresh("cli-home")
    app_env, app_data = fresh("app-home")
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    before = {tmp_path, *tmp_path.rglob("*")}

    run_umasked(umask, cli_env, "log", "--pain", "3")
    run_umasked(umask, cli_env, "backup")
    run_umasked(umask, cli_env, "export", "--format", "csv", "--output", str(out / "tables"))
    backup = next((data / "backups").glob("stretchtui-manual-*.db"))
    run_umasked(umask, cli_env, "--db", str(out / "a" / "b" / "restored.db"), "restore", str(backup))
    app_until_daily_backup(umask, app_env, app_data / "backups")

    made = new_dirs(tmp_path, before)
    expected = {
        "cli-home/.local/share",
        "cli-home/.local/share/stretchtui",
        "cli-home/.local/share/stretchtui/backups",
        "app-home/.local/share",
        "app-home/.local/share/stretchtui",
        "app-home/.local/share/stretchtui/backups",
        "out/tables",
        "out/a",
        "out/a/b",
    }
    if layout == "xdg":
        expected = {name.replace(".local/share", "xdg/data") for name in expected} | {"cli-home/xdg", "app-home/xdg"}
    assert made == {name: DIR_MODE for name in expected}
    if layout == "home":
        assert mode(tmp_path / "cli-home" / ".local") == 0o751 and mode(tmp_path / "app-home" / ".local") == 0o751
    assert mode(out) == 0o755 and mode(tmp_path / "cli-home") == 0o755
    files = [path for path in tmp_path.rglob("*") if path.is_file() and not path.is_symlink()]
    assert len(files) >= 15
    assert {str(path.relative_to(tmp_path)): mode(path) for path in files} == {
        str(path.relative_to(tmp_path)): FILE_MODE for path in files
    }
