"""Every command works when standard output cannot carry Unicode (`PYTHONIOENCODING=ascii`,
`LANG=C`, a Latin-1 terminal): our own symbols fall back to ASCII ones (core.glyphs), text that is
not ours (a note, an exercise name) is written as `\\uXXXX` escapes, JSON stays valid JSON, and files
written with --output are UTF-8 whatever the locale. Before the fix `status` and `report` ended with
a UnicodeEncodeError traceback.

The commands are read from the parser (command modules included), so a command added without a
case below makes `test_every_command_has_encoding_cases` fail."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_data import add_week_details
from test_reliability_bad_arguments import APP, command_names
from test_sigterm import PtyApp

from stretchtui import cli
from stretchtui.core.clock import SystemClock
from stretchtui.core.days import today
from stretchtui.core.entries import EntryKind
from stretchtui.core.glyphs import ASCII, ESCAPE_ERRORS, UNICODE, Glyphs, can_encode, escape_unencodable, glyphs_for
from stretchtui.core.model import Dose, Exercise, Routine, RoutineItem
from stretchtui.core.report import build_report
from stretchtui.core.report_render import render_html, render_markdown
from stretchtui.core.vocabulary import Area, Kind, Origin, Position
from stretchtui.store import Store

# One pytest-xdist worker runs the whole module, so its module-scoped set-up is built once.
pytestmark = pytest.mark.xdist_group("test_output_encoding")

NOTE = "Rücken → besser… 😀 39°C"  # non-ASCII, astral, and nothing Markdown escapes
EXERCISE = "Türrahmen-Dehnung"
ROUTINE = "Büro-Pause"
USER_TEXT = (NOTE, EXERCISE, ROUTINE)

ASCII_ENV = {"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
UTF8_ENV = {"PYTHONIOENCODING": "utf-8"}
# Other outputs without Unicode: a C locale without Python's UTF-8 mode, and a Latin-1 terminal
# (which has "·" and "°" but not "✓" or "…").
OTHER_ENVS = {"c-locale": {"PYTHONUTF8": "0", "LANG": "C", "LC_ALL": "C"}, "latin-1": {"PYTHONIOENCODING": "latin-1"}}

# Per command: argument lists after `--db PATH` (`{tmp}` is a fresh folder, `{export}` an export
# file, `{backup}` a backup of the database, `{entry}` the id of the check-in with the note).
CASES: dict[str, list[list[str]]] = {
    "exercises": [[], ["--json"]],
    "routines": [[], ["--json"]],
    "record": [["desk-break", "--minutes", "5"]],
    "log": [["--pain", "4", "--sitting", "6", "--note", NOTE]],
    "suggest": [[], ["--json"]],
    "stats": [[], ["--json"]],
    "status": [[], ["--ascii"]],
    "tick": [[], ["--at", "1795249800"]],
    "activity": [[], ["install", "--print", "--shell", "fish"]],
    "break": [["later"], ["take"]],
    "remind": [["--status"]],
    "rest": [[]],
    "function": [["--rate", f"{EXERCISE}=6"], [], ["--json"]],
    "safety": [[], ["--json"], ["--answers", "none"]],
    "lessons": [[], ["--json"], ["flare-ups-settle"], ["sleep-and-stress", "--json"]],
    "program": [
        [],
        ["--json"],
        ["show", "lower-back-starter"],
        ["start", "desk-worker"],
        ["status"],
        ["status", "--json"],
        ["export", "leg-symptoms"],
    ],
    "export": [["--output", "-"], ["--output", "{tmp}/out.json"], ["--format", "csv", "--output", "{tmp}/csv"], []],
    "import": [["{export}", "--dry-run"], ["{export}"]],
    "report": [[], ["--format", "html"], ["--output", "{tmp}/r.md"], ["--format", "html", "--output", "{tmp}/r.html"]],
    "entries": [[], ["--json"]],
    "remove": [["{entry}", "--yes"]],
    "undo": [[]],
    "demo": [["--db", "{tmp}/demo.db", "--no-launch", "--years", "1"]],
    "backup": [[], ["--output", "{tmp}/copy.db"]],
    "restore": [["{backup}"]],
    "doctor": [[], ["--fix"]],
    "sync": [["init", "{tmp}/sync-folder", "--name", NOTE[:20]], ["--status"], ["--status", "--json"], []],
}
# What a case needs done first (in UTF-8): something to undo.
BEFORE = {"undo": ["remove", "{entry}", "--yes"], "sync": ["sync", "init", "{tmp}/sync-folder"]}
# Run on a pty (they need a terminal, or run until stopped): the app, `start` and `serve`.
INTERACTIVE = (APP, "start", "serve")
# On the other outputs: the commands that print our symbols or the user's text.
OTHER_CASES = [
    ("status", []),
    ("report", []),
    ("report", ["--format", "html"]),
    ("entries", []),
    ("export", ["--output", "-"]),
    ("exercises", []),
]


def test_every_command_has_encoding_cases() -> None:
    names = set(command_names())
    missing = sorted(names - set(CASES) - set(INTERACTIVE))
    assert not missing, f"give these commands cases in CASES (or INTERACTIVE): {missing}"
    assert not set(CASES) - names, "CASES names commands the parser no longer has"


# ---------------------------------------------------------------------- the glyph sets


def test_the_glyph_choice_follows_the_encoding() -> None:
    assert glyphs_for("utf-8") is UNICODE and glyphs_for("UTF-16") is UNICODE
    for encoding in ("ascii", "latin-1", "cp1252", "iso8859-15", None, "", "no-such-codec"):
        assert glyphs_for(encoding) is ASCII, encoding  # all or nothing: cp1252 has "…" but not "✓"


def test_the_ascii_set_is_ascii_and_matches_the_unicode_set() -> None:
    from dataclasses import astuple, fields

    assert all(value.isascii() for value in astuple(ASCII))
    assert not any(value.isascii() for value in (UNICODE.done, UNICODE.missing, UNICODE.ellipsis))
    for glyphs in (UNICODE, ASCII):
        assert len(glyphs.shades) == len(UNICODE.shades) and len(glyphs.no_activity) == 1
        assert glyphs.no_activity not in glyphs.shades and len(set(glyphs.shades)) == len(glyphs.shades)
    assert [f.name for f in fields(Glyphs)] == list(vars(ASCII))
    assert ASCII.heat(UNICODE.shades + UNICODE.no_activity + "rf ") == ASCII.shades + ASCII.no_activity + "rf "
    assert UNICODE.heat("·░█r") == "·░█r"


def test_escapes_are_the_ones_json_writes() -> None:
    import codecs

    codecs.register_error(ESCAPE_ERRORS, escape_unencodable)
    for text in (NOTE, EXERCISE, "a\u2028b", "\U0001f9d8\u200d\u2640\ufe0f"):
        assert text.encode("ascii", ESCAPE_ERRORS).decode("ascii") == json.dumps(text)[1:-1]
        assert json.loads(f'"{text.encode("ascii", ESCAPE_ERRORS).decode()}"') == text
    assert "Rücken 😀".encode("latin-1", ESCAPE_ERRORS) == "Rücken \\ud83d\\ude00".encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        b"\xff".decode("ascii", ESCAPE_ERRORS)  # only for writing


def test_can_encode() -> None:
    assert can_encode("plain", "ascii") and not can_encode("ü", "ascii") and can_encode("ü", "latin-1")
    assert not can_encode("x", None) and not can_encode("x", "no-such-codec")


def test_the_report_in_ascii_has_only_ascii_and_the_unicode_one_is_unchanged(store: Store, clock) -> None:
    from stretchtui.core.days import today
    from stretchtui.core.history import week_start

    add_week_details(store, clock)
    current = today(clock, store.settings.day_start_hour())
    report = build_report(store.reports.weekly_report_inputs(week_start(current)), current)
    for render in (render_markdown, render_html):
        assert render(report, ASCII).isascii()
        assert render(report, UNICODE) == render(report)
    markdown = render_markdown(report, ASCII)
    assert "Mon 16 Nov to Sun 22 Nov 2026; week in progress" in markdown
    assert "| Tue 17 Nov | - | 0 | 0 | 7 | 10 | flare |" in markdown and "Pain by day: Tue 7; Wed 5; Thu 3" in markdown
    assert "Heatmap, Monday to Sunday: `.f:r.. `" in markdown


def ascii_stdout(monkeypatch: pytest.MonkeyPatch, encoding: str = "ascii") -> io.BytesIO:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding, errors="strict"))
    return raw


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_status_uses_the_set_its_output_can_carry(
    tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    db = tmp_path / "s.db"
    assert cli.main(["--db", str(db), "record", "desk-break"]) == 0
    raw = ascii_stdout(monkeypatch, encoding)
    assert cli.main(["--db", str(db), "status"]) == 0
    sys.stdout.flush()
    line = raw.getvalue().decode(encoding).splitlines()[-1]
    assert line == f"{glyphs_for(encoding).done} 1d streak, done today"


def test_user_text_on_an_ascii_stdout_is_escaped_not_a_crash(
    tmp_path: Path, clock, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process too: `cli.main` installs the net on whatever stdout it is given."""
    own = store.library.save_exercise(
        Exercise(
            id="",
            name=EXERCISE,
            areas=(Area.NECK,),
            kind=Kind.MOBILITY,
            position=Position.STANDING,
            dose=Dose(hold_seconds=20),
            steps=("Stand.",),
            feel="",
            cautions=(),
            intensity=1,
            origin=Origin.USER,
        )
    )
    db = store.path
    raw = ascii_stdout(monkeypatch)
    assert cli.main(["--db", str(db), "exercises", "--area", "neck"]) == 0
    sys.stdout.flush()
    text = raw.getvalue().decode("ascii")
    assert re.search(rf"^{own.id} +T\\u00fcrrahmen-Dehnung  \[", text, re.MULTILINE)
    raw = ascii_stdout(monkeypatch)
    assert cli.main(["--db", str(db), "exercises", "--json"]) == 0
    sys.stdout.flush()
    assert EXERCISE in {exercise["name"] for exercise in json.loads(raw.getvalue().decode("ascii"))}


def test_the_app_draws_plainly_on_a_terminal_without_unicode() -> None:
    """What Textual writes, on a stream that cannot carry it: plain characters as many cells wide
    as the ones they stand for, so every line keeps its layout; a UTF-8 stream is left alone."""
    from stretchtui.ui.terminal import draw_plainly_if_needed

    for encoding, expected in (("ascii", "+--+|+-+# :+*#...e????*> x"), ("latin-1", "+--+|+-+# :+*#.·.é????*> x")):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding=encoding)
        assert draw_plainly_if_needed(stream)
        stream.write("╭──╮│╰─╯▁ ░▒▓█…·.é😀漢✓→ x")
        stream.flush()
        assert raw.getvalue().decode(encoding) == expected
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert not draw_plainly_if_needed(utf8) and utf8.errors == "strict"


# ---------------------------------------------------------------------- every command, for real


@pytest.fixture(scope="module")
def data_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of made-up history, plus a note, an own exercise and an own routine in non-ASCII text."""
    folder = tmp_path_factory.mktemp("encoding-data")
    db = folder / "s.db"
    done = run([*db_args(db), "demo", "--db", str(db), "--no-launch", "--years", "1"], UTF8_ENV, folder)
    assert done.returncode == 0, done.stderr
    done = run([*db_args(db), "log", "--pain", "3", "--note", NOTE], UTF8_ENV, folder)
    assert done.returncode == 0, done.stderr
    store = Store.open(db, SystemClock())
    try:
        own = store.library.save_exercise(
            Exercise(
                id="",
                name=EXERCISE,
                areas=(Area.NECK,),
                kind=Kind.MOBILITY,
                position=Position.STANDING,
                dose=Dose(hold_seconds=20),
                steps=("Stand.",),
                feel="",
                cautions=(),
                intensity=1,
                origin=Origin.USER,
            )
        )
        store.library.save_routine(Routine(id="", name=ROUTINE, origin=Origin.USER, items=(RoutineItem(own.id),)))
        # The demo's story may or may not have stretched today, depending on the date the suite runs;
        # `rest` (no date) marks today, which is refused once today met the goal. So today is left
        # open on every date: its sessions are taken out (`undo` still undoes the later removal).
        current = today(store.clock, store.settings.day_start_hour())
        for entry in store.corrections.entries(since=current):
            if entry.kind is EntryKind.SESSION:
                store.corrections.remove_entry(entry)
        assert not any(e.kind is EntryKind.SESSION for e in store.corrections.entries(since=current))
    finally:
        store.close()
    for argv in (
        ["export", "--output", str(folder / "export.json")],
        ["backup", "--output", str(folder / "backup.db")],
    ):
        done = run([*db_args(db), *argv], UTF8_ENV, folder)
        assert done.returncode == 0, done.stderr
    entries = json.loads(run([*db_args(db), "entries", "--json"], UTF8_ENV, folder).stdout)
    (folder / "entry").write_text(next(entry["id"] for entry in entries if NOTE[:20] in entry["summary"]))
    return db


def db_args(db: Path) -> list[str]:
    return ["--db", str(db)]


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    full_env.update(HOME=str(cwd), XDG_DATA_HOME=str(cwd / "xdg"), **env)
    return subprocess.run(
        [sys.executable, "-m", "stretchtui", *argv],
        capture_output=True,
        env=full_env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def workspace(tmp_path: Path, data_db: Path) -> Iterator[dict[str, str]]:
    """A copy of the data; an export and a backup of it (made in UTF-8), and the note's entry id."""
    db = tmp_path / "data" / "s.db"
    db.parent.mkdir(mode=0o700)
    for source in data_db.parent.glob(data_db.name + "*"):
        if source.is_file() and not source.name.endswith(".lock"):
            shutil.copy(source, db.parent / source.name.replace(data_db.name, db.name))
    (tmp_path / "out").mkdir()
    yield {
        "db": str(db),
        "tmp": str(tmp_path / "out"),
        "export": str(data_db.parent / "export.json"),
        "backup": str(data_db.parent / "backup.db"),
        "entry": (data_db.parent / "entry").read_text(),
    }


def run_case(workspace: dict[str, str], command: str, args: list[str], env: dict[str, str]):
    if command in BEFORE:
        done = run(
            [*db_args(workspace["db"]), *(part.format(**workspace) for part in BEFORE[command])],
            UTF8_ENV,
            Path(workspace["tmp"]),
        )
        assert done.returncode == 0, done.stderr
    argv = [part.format(**workspace) for part in args]
    return run([*db_args(workspace["db"]), command, *argv], env, Path(workspace["tmp"]))


def case_id(env: str, command: str, args: list[str]) -> str:
    return f"{env}:{command}:{' '.join(args)[:30] or '(none)'}"


ESCAPE = re.compile(r"\\u([0-9a-f]{4})(?:\\u(d[c-f][0-9a-f]{2}))?")
USER_CHARACTERS = set("".join(USER_TEXT))


def check_output(done: subprocess.CompletedProcess[bytes], encoding: str, *, is_json: bool = False) -> str:
    """No traceback, the usual exit status, stdout in `encoding`, our own symbols in the ASCII set,
    and escapes only for characters of the user's own text (JSON: valid, its escapes are its own)."""
    stderr = done.stderr.decode(errors="replace")
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr, stderr
    assert done.returncode == 0, stderr
    stdout = done.stdout.decode(encoding)  # raises if it is not
    if is_json:
        json.loads(stdout)
        return stdout
    for found in ESCAPE.finditer(stdout):
        char = json.loads(f'"{found.group()}"')
        assert char in USER_CHARACTERS, f"{found.group()} ({char!r}) escaped, and the user did not type it"
    assert "\\x" not in stdout
    assert not set("✓·–…░▒▓█“”") & set(stdout), "a Unicode symbol where the ASCII one belongs"
    return stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "args"),
    [
        pytest.param(command, args, id=case_id("ascii", command, args))
        for command, cases in CASES.items()
        for args in cases
    ],
)
def test_every_command_on_an_ascii_stdout(workspace: dict[str, str], command: str, args: list[str]) -> None:
    is_json = "--json" in args or (command == "export" and args == ["--output", "-"])
    stdout = check_output(run_case(workspace, command, args, ASCII_ENV), "ascii", is_json=is_json)
    if command == "export" and args == ["--output", "-"]:
        assert NOTE in {checkin["note"] for checkin in json.loads(stdout)["checkins"]}  # nothing lost
    if command == "report" and "html" in args and "--output" not in args:
        assert "&#8211;" in stdout  # a character reference: a browser shows the en dash
    out = Path(workspace["tmp"])
    for written in ("out.json", "r.md", "r.html"):
        if (path := out / written).exists():  # files are UTF-8, whatever the locale, with Unicode symbols
            assert NOTE in path.read_text(encoding="utf-8")
            assert path.suffix == ".json" or UNICODE.span in path.read_text(encoding="utf-8")
    if (folder := out / "csv").exists():
        assert any(NOTE in path.read_text(encoding="utf-8") for path in folder.glob("*.csv"))


@pytest.mark.slow
@pytest.mark.parametrize("env", list(OTHER_ENVS))
@pytest.mark.parametrize(
    ("command", "args"), [pytest.param(command, args, id=case_id("", command, args)) for command, args in OTHER_CASES]
)
def test_symbols_and_user_text_on_other_outputs(
    workspace: dict[str, str], command: str, args: list[str], env: str
) -> None:
    check_output(
        run_case(workspace, command, args, OTHER_ENVS[env]),
        OTHER_ENVS[env].get("PYTHONIOENCODING", "ascii"),
        is_json=command == "export",
    )


HELP_EVERY_COMMAND = """
import sys
from stretchtui import cli
for name in sys.argv[1:]:
    print("=== " + name, flush=True)
    try:
        cli.main([name, "--help"] if name != "-" else ["--help"])
    except SystemExit as done:
        assert done.code == 0, (name, done.code)
"""


@pytest.mark.slow
def test_help_of_every_command_is_ascii(tmp_path: Path) -> None:
    """--help of every command, and of stretchtui, on an ASCII stdout: whole, and in ASCII words
    (one process runs them all, through cli.main as the command line does)."""
    names = ["-", *sorted(set(command_names()) - {APP})]
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    done = subprocess.run(
        [sys.executable, "-c", HELP_EVERY_COMMAND, *names],
        capture_output=True,
        cwd=tmp_path,
        env={**full_env, **ASCII_ENV},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    stdout = check_output(done, "ascii")
    helps = dict(re.findall(r"^=== (\S+)\n(.*?)(?=^=== |\Z)", stdout, re.MULTILINE | re.DOTALL))
    assert sorted(helps) == sorted(names)
    for name, text in helps.items():
        assert text.startswith("usage: stretchtui"), name
        assert "\\u" not in text, f"{name} --help has a character an ASCII terminal cannot show"


@pytest.mark.slow
def test_the_app_and_start_on_an_ascii_terminal(workspace: dict[str, str]) -> None:
    """The app draws in plain characters, each as wide as the one it stands for (boxes of + - |,
    bars of #), not in six-character escapes that would wreck the layout, and quits; `start` opens
    its session and ends on SIGTERM. No traceback."""
    app = PtyApp(Path(workspace["db"]), env=ASCII_ENV)
    try:
        app.read_until("Today")
        app.send("4", after="min a week")  # History: the charts and the heatmap
        app.send("q")
        assert app.process.wait(timeout=20) == 0
        while app.read(0.3):
            pass
    finally:
        app.close()
    screen = re.sub(r"\x1b\[[0-9;]*m", "", app.output.decode("ascii"))  # raises if not ASCII; no colours
    assert "\\u" not in screen and "Traceback" not in screen
    assert "+------" in screen and "|" in screen and "#####" in screen
    session = PtyApp(Path(workspace["tmp"]) / "fresh.db", "start", "one-minute", env=ASCII_ENV)
    try:
        session.read_until("how is your pain")
        code, _after, _took = session.kill(signal.SIGTERM)
    finally:
        session.close()
    assert code == 128 + signal.SIGTERM
    assert session.output.isascii() and b"\\u" not in session.output and b"Traceback" not in session.output


@pytest.mark.slow
def test_serve_on_an_ascii_stdout(workspace: dict[str, str]) -> None:
    """`serve` prints its address and runs until stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "stretchtui", *db_args(workspace["db"]), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**full_env, **ASCII_ENV},
        stdin=subprocess.DEVNULL,
    )
    try:
        line = server.stdout.readline().decode("ascii")
        assert f"http://127.0.0.1:{port}/?token=" in line
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=20)
    assert b"Traceback" not in err and b"UnicodeEncodeError" not in err
