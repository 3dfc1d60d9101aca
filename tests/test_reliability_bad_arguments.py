"""Reliability item 13: every command, given bad arguments, says so in one line on stderr, exits 2
and writes nothing: no database file appears, and an existing one keeps every byte.

The commands are read from the parser itself (command modules included), so a command added
without a bad-argument case below makes `test_every_command_has_bad_argument_cases` fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_database

from stretchtui import cli

APP = "(app)"  # no subcommand: the app itself

# Per command: (arguments after `--db PATH`, a piece of the one error line). Each names a specific
# fault: an unknown flag, a value of the wrong type, a value out of range, a missing argument.
BAD_ARGUMENTS: dict[str, list[tuple[list[str], str]]] = {
    APP: [
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--version=2"], "argument --version: ignored explicit argument '2'"),
    ],
    "exercises": [
        (["--area", "elbow"], "argument --area: invalid choice: 'elbow'"),
        (["--json", "yes"], "unrecognized arguments: yes"),
    ],
    "routines": [
        (["extra"], "unrecognized arguments: extra"),
        (["--json=1"], "argument --json: ignored explicit argument '1'"),
    ],
    "start": [
        ([], "the following arguments are required: ROUTINE_ID"),
        (["no-such-routine"], "no routine with id 'no-such-routine'"),
        (["desk-break", "--minutes", "5"], "unrecognized arguments: --minutes 5"),
    ],
    "record": [
        (["--minutes", "0"], "argument --minutes: 0 is outside 1-240"),
        (["--minutes", "ten"], "argument --minutes: 'ten' is not a whole number of minutes"),
        (["desk-break", "--at", "2099-01-01T00:00"], "--at: 2099-01-01T00:00 is in the future"),
        (["desk-break", "--at", "2999-01-01T00:00"], "--at: 2999-01-01T00:00 is after 2199-12-30 23:59 UTC"),
        (["--at", "tuesday", "--minutes", "5"], "--at: 'tuesday' is not an ISO 8601 time"),
    ],
    "log": [
        ([], "say what to note: --pain N, --sitting H or --note TEXT"),
        (["--area", "neck"], "--area and --side say where the pain is: give --pain N with them"),
        (["--pain", "11"], "argument --pain: must be a whole number from 0 to 10, not 11"),
        (["--pain", "bad"], "argument --pain: must be a whole number from 0 to 10, not 'bad'"),
        (["--pain", "3", "--area", "elbow"], "argument --area: 'elbow' is not one of"),
        (["--pain", "3", "--side", "up"], "argument --side: invalid choice: 'up'"),
        (["--pain", "3", "--sitting", "25"], "--sitting:"),
        (["--pain", "3", "--note", "x" * 501], "--note:"),
        (["--pain", "3", "--at", "2099-01-01T00:00"], "--at: 2099-01-01T00:00 is in the future"),
        (["--pain", "3", "--at", "1969-07-20T20:17"], "--at: 1969-07-20T20:17 is before 1970-01-02 00:00 UTC"),
    ],
    "function": [
        (["--rate", "put on socks"], "argument --rate: 'put on socks' has no '='"),
        (["--rate", "put on socks=11"], "argument --rate: must be a whole number from 0 to 10"),
        (["--rate", "put on socks=x"], "argument --rate: must be a whole number from 0 to 10"),
        (["--rate", "=5"], "argument --rate: must not be empty"),
        (["--rate", "x" * 61 + "=5"], "argument --rate: is 61 characters long; the limit is 60"),
        (["--rate", "socks\x1b[2J=5"], "argument --rate: holds ESC"),
        (["--rate", "socks=5", "--rate", "Socks=6"], "--rate: an activity is rated twice in one go"),
        (["--drop", "socks"], "--drop: 'socks' is not one of your activities"),
        (["--rename", "socks"], "argument --rename: 'socks' has no '='"),
        (["--weeks", "0"], "argument --weeks: 0 is outside 1-52"),
        (["--weeks", "many"], "argument --weeks: 'many' is not a number of weeks"),
    ],
    "suggest": [
        (["--minutes", "7"], "argument --minutes: invalid choice: 7"),
        (["--minutes", "five"], "argument --minutes: 'five' is not a number of minutes"),
        (["--place", "moon"], "argument --place: invalid choice: 'moon'"),
    ],
    "tick": [
        (["--at", "soon"], "--at: 'soon' is not an instant in POSIX seconds between 2000 and now"),
        (["--at", "1e20"], "--at: '1e20' is not an instant in POSIX seconds between 2000 and now"),
        (["--at"], "argument --at: expected one argument"),
    ],
    "activity": [
        (["sideways"], "argument ACTION: invalid choice: 'sideways'"),
        (["--print"], "--shell, --tmux, --print and --notify go with `activity install`"),
        (["install", "--shell", "csh"], "argument --shell: invalid choice: 'csh'"),
    ],
    "break": [
        ([], "say take, later or skip (or --notify alone)"),
        (["soon"], "argument ANSWER: invalid choice: 'soon'"),
    ],
    "remind": [
        (["--at", "25:00"], "argument --at: '25:00' is not a time of day; hours run from 00 to 23"),
        (["--at", "10:30", "--days", "someday"], "argument --days: 'someday' is not a day of the week"),
        (["--off", "--send"], "--off and --send do not go together"),
    ],
    "stats": [
        (["--week"], "unrecognized arguments: --week"),
        (["--json", "now"], "unrecognized arguments: now"),
    ],
    "safety": [
        (["--answers", "nope"], "--answers: 'nope' is not a safety question"),
        (["--conditions", "flu"], "--conditions: 'flu' is not a condition"),
        (["--answers", "none,fever"], "--answers: give none"),
    ],
    "lessons": [
        (["no-such-lesson"], "no lesson with id 'no-such-lesson'"),
        (["a", "b"], "unrecognized arguments: b"),
        (["--json=1"], "argument --json: ignored explicit argument '1'"),
    ],
    "program": [
        (["frobnicate"], "argument ACTION: invalid choice: 'frobnicate'"),
        (["show"], "program show: give the ID"),
        (["list", "extra"], "program list: takes no 'extra'"),
        (["start", "no-such-program"], "no program 'no-such-program'"),
        (["show", "no-such-program"], "no program 'no-such-program'"),
        (["stop"], "program stop: you are not in a program"),
        (["resume"], "program resume: you are not in a program"),
        (["import", "/no/such/plan.toml"], "/no/such/plan.toml: no such file"),
        (["status", "--output", "x.toml"], "--output and --force are for export only"),
        (
            ["export", "lower-back-starter", "--output", "/no/such/folder/p.toml"],
            "the folder /no/such/folder does not exist",
        ),
    ],
    "status": [
        (["--ascii=yes"], "argument --ascii: ignored explicit argument 'yes'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
    "rest": [
        (["--date", "2026-13-01"], "argument --date: '2026-13-01' is not a date like 2026-11-21"),
        (["--date", "2099-01-01"], "--date: 2099-01-01 is in the future"),
        (["--date", "2999-01-01"], "argument --date: 2999-01-01 is after 2199-12-31"),
        (["--days", "2"], "unrecognized arguments: --days 2"),
        (["--date", "2000-01-01"], "--date: Sat 01 Jan 2000 is before anything you recorded here"),
        (["--flare=1"], "argument --flare: ignored explicit argument '1'"),
    ],
    "export": [
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--output", "/no/such/folder/out.json"], "--output: the folder /no/such/folder does not exist"),
    ],
    "import": [
        ([], "the following arguments are required: FILE"),
        (["a.json", "--merge"], "unrecognized arguments: --merge"),
        (["/no/such/export.json"], "import /no/such/export.json: no such file"),
    ],
    "report": [
        (["--week", "2026-13"], "--week: '2026-13' is not an ISO week like 2026-W47"),
        (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    ],
    "serve": [
        (["--port", "70000"], "argument --port: 70000 is outside 1-65535"),
        (["--port", "http"], "argument --port: 'http' is not a port number"),
        (["--host"], "argument --host: expected one argument"),
    ],
    "demo": [
        (["--years", "0"], "argument --years: 0 is outside 1-50"),
        (["--years", "51"], "argument --years: 51 is outside 1-50"),
        (["--years", "x"], "argument --years: 'x' is not a whole number of years"),
        (["--seed", "x"], "argument --seed: 'x' is not a whole number"),
    ],
    "backup": [
        (["extra"], "unrecognized arguments: extra"),
        (["--output"], "argument --output: expected one argument"),
    ],
    "restore": [
        ([], "the following arguments are required: FILE"),
        (["/no/such/backup.db"], "/no/such/backup.db does not exist"),
    ],
    "doctor": [
        (["--fix=1"], "argument --fix: ignored explicit argument '1'"),
        (["--repair"], "unrecognized arguments: --repair"),
    ],
    "entries": [
        (["--since", "2026-13-01"], "argument --since: '2026-13-01' is not a date like 2026-11-21"),
        (["--since", "0001-01-01"], "argument --since: 0001-01-01 is before 1970-01-01"),
        (["--json=1"], "argument --json: ignored explicit argument '1'"),
    ],
    "remove": [
        ([], "the following arguments are required: ID"),
        (["xyz!", "--yes"], "'xyz!' is not an entry id"),
        (["3f2", "--yes"], "'3f2' is too short to name one entry"),
        (["3f2a9c1b"], "not on a terminal, so nothing asks first; add --yes"),
    ],
    "undo": [
        (["extra"], "unrecognized arguments: extra"),
        (["--all"], "unrecognized arguments: --all"),
    ],
    "sync": [
        (["init"], "sync init: which folder? e.g. stretchtui sync init ~/Sync/stretchtui"),
        (["init", "F", "--status"], "--status and --json do not go with `sync init`"),
        (["init", "F", "--name", ""], "--name: 1 to 60 printable characters"),
        (["init", "F", "--name", "a\tb"], "argument --name: holds tab (U+0009) at character 2"),
        (["init", "F", "--name", "x" * 61], "--name: 1 to 60 printable characters"),
        (["join", "F"], "argument ACTION: invalid choice: 'join' (choose from 'init', 'leave')"),
        (["leave", "F"], "a folder goes with `sync init`, not `sync leave`"),
        (["--json"], "--json goes with `sync --status`"),
        (["--name", "x"], "--name goes with `sync init`"),
        (["leave", "--status"], "--status does not go with `sync leave`"),
    ],
}


def command_names() -> list[str]:
    """Every command the parser knows, command modules included, plus the app itself."""
    return [APP, *cli.command_parsers(cli.build_parser())]


def command_argv(command: str, db: Path, args: list[str]) -> list[str]:
    return ["--db", str(db), *([] if command == APP else [command]), *args]


CASES = [
    pytest.param(command, args, expected, id=f"{command}:{' '.join(args)[:40] or '(none)'}")
    for command, cases in BAD_ARGUMENTS.items()
    for args, expected in cases
]


def test_every_command_has_bad_argument_cases() -> None:
    names = command_names()
    missing = [name for name in names if not BAD_ARGUMENTS.get(name)]
    assert not missing, f"give these commands bad-argument cases in BAD_ARGUMENTS: {missing}"
    stale = sorted(set(BAD_ARGUMENTS) - set(names))
    assert not stale, f"BAD_ARGUMENTS has cases for commands the parser no longer has: {stale}"


class Database:
    """The database path, either absent (its folder too) or an existing database, and a way to
    check nothing was written to it."""

    def __init__(self, root: Path, existing: bool, seeded_template: Path) -> None:
        self.path = root / "data" / "s.db"
        self.existing = existing
        if existing:  # as a first Store.open leaves it: migrated, seeded, closed
            copy_database(seeded_template, self.path)
            self.files = sorted(p.name for p in self.path.parent.iterdir())
            self.content = self.path.read_bytes()

    def assert_untouched(self) -> None:
        if not self.existing:
            assert not self.path.parent.exists(), "a database folder was created for bad input"
            return
        assert self.path.read_bytes() == self.content, "the database changed on bad input"
        assert sorted(p.name for p in self.path.parent.iterdir()) == self.files


def assert_refused(code: int, captured: pytest.CaptureFixture[str], *expected: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr naming the fault (any of `expected`)."""
    out, err = captured.readouterr()
    lines = err.splitlines()
    assert code == 2, f"exit status {code}, stderr {err!r}"
    assert out == ""
    assert len(lines) == 1 and lines[0].startswith("stretchtui: "), err
    assert any(piece in lines[0] for piece in expected), f"none of {expected!r} in {lines[0]!r}"


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
@pytest.mark.parametrize(("command", "args", "expected"), CASES)
def test_bad_arguments_are_one_line_exit_2_and_write_nothing(
    tmp_path: Path,
    seeded_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    existing: bool,
    command: str,
    args: list[str],
    expected: str,
) -> None:
    database = Database(tmp_path, existing, seeded_template)
    monkeypatch.setenv("STRETCHTUI_DB", str(database.path))
    monkeypatch.chdir(tmp_path)  # a command that wrote a file "here" would write it where we look
    before = sorted(p.name for p in tmp_path.iterdir())
    code = cli.main(command_argv(command, database.path, args))
    assert_refused(code, capsys, expected)
    database.assert_untouched()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
@pytest.mark.parametrize("command", command_names())
def test_an_unknown_option_is_refused_by_every_command(
    tmp_path: Path,
    seeded_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    existing: bool,
    command: str,
) -> None:
    database = Database(tmp_path, existing, seeded_template)
    monkeypatch.setenv("STRETCHTUI_DB", str(database.path))
    code = cli.main(command_argv(command, database.path, ["--no-such-option"]))
    # A command with a required argument names that first; either way it is refused.
    assert_refused(code, capsys, "unrecognized arguments: --no-such-option", "the following arguments are required: ")
    database.assert_untouched()


def test_a_missing_db_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env" / "s.db"
    monkeypatch.setenv("STRETCHTUI_DB", str(target))
    assert_refused(cli.main(["--db"]), capsys, "argument --db: expected one argument")
    assert not target.parent.exists()
