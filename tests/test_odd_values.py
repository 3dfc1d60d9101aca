"""Issue 15: one rule for valid dates and times (core.instants) and one for text (core.plain_text),
at entry, in the store, on export and on import; odd values get one line and create nothing.

The arguments are read from the parser itself: every argument that takes a value gets the bad-text
cases, and every argument that takes a date, a time or a week must be listed in DATE_ARGUMENTS, so
a new one without cases fails `test_every_date_argument_has_cases`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FROZEN_AT, ZONE
from hypothesis import given, settings
from hypothesis import strategies as st
from test_reliability_bad_arguments import APP

from stretchtui import cli
from stretchtui.core import digits, instants, plain_text
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.days import logical_day
from stretchtui.core.errors import FieldError
from stretchtui.core.exchange.reading import ImportFileError, parse_export
from stretchtui.core.report_render import render_html, render_markdown
from stretchtui.core.report_sections import report_sections
from stretchtui.core.sessions import SessionStatus
from stretchtui.store import Store

# ---------------------------------------------------------------------- the arguments, from the parser


def value_arguments() -> list[tuple[str, str, object]]:
    """(command, how the argument is written, the argparse action) for every argument that takes
    a value: options by their first long name, positionals by their metavar."""
    parser = cli.build_parser()
    found = [
        (APP, action.option_strings[-1], action)
        for action in parser._actions
        if action.nargs != 0 and action.option_strings
    ]
    for name, sub in cli.command_parsers(parser).items():
        for action in sub._actions:
            if action.nargs == 0:
                continue
            found.append((name, action.option_strings[-1] if action.option_strings else action.metavar, action))
    return found


# Every argument that takes a date, a time or a week, by (command, argument): its kind.
DATE_ARGUMENTS: dict[tuple[str, str], str] = {
    ("record", "--at"): "instant",
    ("log", "--at"): "instant",
    ("rest", "--date"): "day",
    ("report", "--week"): "week",
    ("entries", "--since"): "day",
}
NOT_DATES = {
    ("export", "--output"),  # its help names the default file, stretchtui-export-DATE.json
    ("function", "--rate"),  # "NAME=N", a rating for this week
    ("function", "--weeks"),  # how many weeks to list
}
# What else a command needs to reach the date check (the text check comes first, always).
COMPANIONS = {"record": ["--minutes", "5"], "log": ["--pain", "3"]}
# A positional that comes after another: what goes before it.
LEADING = {("program", "ID|FILE"): ["show"], ("sync", "FOLDER"): ["init"]}
HUGE = "2026-" + "9" * 5000
ODD_VALUES = {
    "instant": [
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "0001-01-01T00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "1970-01-01T12:00",
        "2200-01-01T00:00Z",
        "",
        "   ",
        HUGE,
    ],
    "day": ["0001-01-01", "9999-12-31", "1969-12-31", "2200-01-01", "0000-01-01", "", HUGE],
    "week": ["0001-W01", "9999-W53", "9999-W52", "1969-W52", "0000-W01", "", HUGE],
}
BAD_TEXT = {"NUL": "a\x00b", "ESC": "a\x1b[31mred", "surrogate": "a\udcffb", "C1 CSI": "a\x9b2J", "newline": "a\nb"}


class Database:
    """The database path, either absent (its folder too) or a copy of one made once per module;
    `assert_untouched` checks that nothing appeared, or that every byte and file is as it was."""

    def __init__(self, root: Path, template: Path, existing: bool) -> None:
        self.path = root / "data" / "s.db"
        self.existing = existing
        if existing:
            shutil.copytree(template.parent, self.path.parent)
            self.files = {p.name: p.read_bytes() for p in self.path.parent.iterdir() if p.is_file()}

    def assert_untouched(self) -> None:
        if not self.existing:
            assert not self.path.parent.exists(), "a database folder was created for bad input"
            return
        now = {p.name: p.read_bytes() for p in self.path.parent.iterdir() if p.is_file()}
        assert now == self.files, "the database folder changed on bad input"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "data" / "s.db"
    Store.open(path, FrozenClock(FROZEN_AT, ZONE)).close()
    return path


def looks_like_a_date(action) -> bool:
    words = f"{action.metavar or ''} {action.help or ''}".lower()
    return any(word in words for word in ("iso8601", "yyyy", "date", "week", "when", "since", "until"))


def test_every_date_argument_has_cases() -> None:
    arguments = {(command, name): action for command, name, action in value_arguments()}
    unlisted = sorted(
        key
        for key, action in arguments.items()
        if looks_like_a_date(action) and key not in DATE_ARGUMENTS and key not in NOT_DATES
    )
    assert not unlisted, f"add these date, time or week arguments to DATE_ARGUMENTS: {unlisted}"
    stale = sorted(set(DATE_ARGUMENTS) - set(arguments))
    assert not stale, f"DATE_ARGUMENTS names arguments the parser no longer has: {stale}"


def argv_for(command: str, name: str, value: str, db: Path) -> list[str]:
    if command == APP:
        return [name, value] if name != "--db" else ["--db", value, "status"]
    flag = [name, value] if name.startswith("-") else [*LEADING.get((command, name), []), value]
    return ["--db", str(db), command, *flag, *COMPANIONS.get(command, [])]


def assert_one_line_refusal(code: int, capsys: pytest.CaptureFixture[str], *pieces: str) -> str:
    out, err = capsys.readouterr()
    assert code == 2, f"exit status {code}, stderr {err!r}"
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("stretchtui: "), err
    assert "Traceback" not in err
    assert plain_text.problem(lines[0]) is None, "the message itself holds a control character"
    assert all(piece in lines[0] for piece in pieces), (pieces, lines[0])
    return lines[0]


DATE_CASES = [
    pytest.param(command, name, value, id=f"{command}{name}={value[:24]!r}")
    for (command, name), kind in DATE_ARGUMENTS.items()
    for value in ODD_VALUES[kind]
]


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
@pytest.mark.parametrize(("command", "name", "value"), DATE_CASES)
def test_odd_dates_are_one_line_exit_2_and_create_nothing(
    tmp_path: Path,
    template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    existing: bool,
    command: str,
    name: str,
    value: str,
) -> None:
    database = Database(tmp_path, template, existing)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = cli.main(argv_for(command, name, value, database.path))
    line = assert_one_line_refusal(code, capsys, name)
    assert len(line) < 200
    database.assert_untouched()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


TEXT_CASES = [
    pytest.param(command, name, label, id=f"{command}:{name}:{label}")
    for command, name, _action in value_arguments()
    for label in BAD_TEXT
]


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
@pytest.mark.parametrize(("command", "name", "label"), TEXT_CASES)
def test_every_argument_refuses_control_characters_and_surrogates(
    tmp_path: Path,
    template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    existing: bool,
    command: str,
    name: str,
    label: str,
) -> None:
    database = Database(tmp_path, template, existing)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = cli.main(argv_for(command, name, BAD_TEXT[label], database.path))
    assert_one_line_refusal(code, capsys, f"argument {name}: ", "U+")
    database.assert_untouched()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# Every argument that takes a whole number, by (command, argument): found by its conversion, so a
# new one made with commands.common.whole_number is in without a line here (`type=int` cannot be
# used: the parser refuses it). --pain and --years read through the same rule.
NUMBER_TYPES = {"whole number", "_pain", "_years"}
NUMBER_ARGUMENTS = sorted(
    (command, name) for command, name, action in value_arguments() if action.type.__name__ in NUMBER_TYPES
)
NOT_NUMBERS = {"underscore": "1_0", "plus": "+5", "superscript": "²", "circled": "①", "5000 digits": "1" * 5000}


def test_the_number_arguments_are_found() -> None:
    assert {("log", "--pain"), ("record", "--minutes"), ("serve", "--port"), ("demo", "--seed")} <= set(
        NUMBER_ARGUMENTS
    )
    assert len(NUMBER_ARGUMENTS) >= 7


@pytest.mark.parametrize(("command", "name"), NUMBER_ARGUMENTS, ids=[f"{c}{n}" for c, n in NUMBER_ARGUMENTS])
def test_every_number_argument_reads_digits_one_way(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str], command: str, name: str
) -> None:
    """int() takes '1_0' and '+5', and raises past 4300 digits; `str.isdigit` takes '²'. Every
    number argument refuses them alike, in one short line that quotes the value cut short, and
    writes nothing. Digits of other scripts (what a form takes too) are numbers everywhere."""
    database = Database(tmp_path, template, True)
    for label, value in NOT_NUMBERS.items():
        code = cli.main(argv_for(command, name, value, database.path))
        line = assert_one_line_refusal(code, capsys, f"argument {name}: ")
        assert len(line) < 160, (label, line)
    database.assert_untouched()
    action = next(a for a in cli.command_parsers(cli.build_parser())[command]._actions if name in a.option_strings)
    for value in (" 5 ", "\u0665"):  # 5, and 5 in Arabic-Indic digits
        assert action.type(value) == 5


@pytest.mark.parametrize(
    "argv",
    [
        [b"log", b"--pain", b"3", b"--note", b"caf\xff"],
        [b"record", b"desk\xff-break"],
        [b"export", b"--output", b"out\xff.json"],
        [b"report", b"--week", b"2026-W\xff7"],
    ],
    ids=["log --note", "record ROUTINE_ID", "export --output", "report --week"],
)
def test_argv_bytes_that_are_not_utf8_are_refused_in_one_line(tmp_path: Path, argv: list[bytes]) -> None:
    """The real entry point: bytes that are not UTF-8 reach Python as lone surrogates."""
    db = tmp_path / "data" / "s.db"
    result = subprocess.run(
        [sys.executable, "-m", "stretchtui", "--db", str(db), *argv],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=tmp_path,
    )
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert len(err.splitlines()) == 1 and "lone surrogate U+DCFF" in err, err
    assert result.stdout == b""
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_argument_with_esc_is_quoted_not_sent_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--db", str(tmp_path / "s.db"), "stats", "\x1b]0;owned\x07"])
    line = assert_one_line_refusal(code, capsys, "unrecognized arguments")
    assert "\x1b" not in line and "\\x1b]0;owned\\x07" in line


# ---------------------------------------------------------------------- the rules themselves

OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))
ZONES = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/Los_Angeles",
        "Pacific/Kiritimati",
        "Etc/GMT+12",
        "Pacific/Pago_Pago",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "America/St_Johns",
    ]
)


@settings(max_examples=500, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), offset=OFFSETS)
def test_the_instant_rule_holds_everywhere_on_the_calendar(moment: datetime, offset: timezone) -> None:
    """Any aware time, years 1 to 9999, any offset: inside the window it comes back in UTC,
    outside it is a FieldError; never OverflowError or ValueError. The text reads the same."""
    value = moment.replace(tzinfo=offset)
    inside = instants.FIRST_INSTANT <= value < instants.END_INSTANT
    for check in (lambda: instants.check_instant(value, "at"), lambda: instants.parse_instant(value.isoformat(), "at")):
        if inside:
            assert check() == value and check().tzinfo == UTC
        else:
            with pytest.raises(FieldError):
                check()


@settings(max_examples=500, deadline=None)
@given(
    moment=st.datetimes(
        min_value=instants.FIRST_INSTANT.replace(tzinfo=None), max_value=instants.LAST_INSTANT.replace(tzinfo=None)
    ),
    zone=ZONES,
    day_start=st.integers(0, 12),
)
def test_every_valid_instant_counts_for_a_valid_day(moment: datetime, zone: str, day_start: int) -> None:
    """Why the instant window is a day narrower: an event's logical day is always a valid day."""
    day = logical_day(moment.replace(tzinfo=UTC), ZoneInfo(zone), day_start)
    assert instants.check_day(day, "day") == day


@settings(max_examples=300, deadline=None)
@given(year=st.integers(0, 9999), week=st.integers(0, 99))
def test_the_week_rule(year: int, week: int) -> None:
    text = f"{year:04d}-W{week:02d}"
    try:
        monday = instants.parse_week(text, "--week")
    except FieldError as error:
        assert "--week: " in str(error) and "\n" not in str(error)
        return
    assert instants.FIRST_WEEK <= monday <= instants.LAST_WEEK and monday.weekday() == 0
    assert instants.week_label(monday) == text


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.characters(exclude_categories=()), max_size=30))
def test_the_text_rule_and_printable(text: str) -> None:
    """The rule is exactly: no Cc, Cs, Zl or Zp character. `printable` always yields text the rule
    accepts, and leaves accepted text alone."""
    forbidden = any(unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} for ch in text)
    assert (plain_text.problem(text) is not None) == forbidden
    assert plain_text.problem(plain_text.printable(text)) is None
    if not forbidden:
        assert plain_text.printable(text) == text


@settings(max_examples=500, deadline=None)
@given(
    text=st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=12),
        st.text(st.sampled_from("0123456789²³¹①٣٠߀ -_+.e"), max_size=12),
        st.integers(-(10**45), 10**45).map(str),
    )
)
def test_typed_digits_are_a_number_or_none_never_an_exception(text: str) -> None:
    """core.digits.whole_number, the one reading of typed digits: a number exactly when the
    text is an optional minus and 1-40 decimal digits (of any script int() reads), around spaces."""
    number = digits.whole_number(text)
    body = text.strip().removeprefix("-")
    readable = body.isdecimal() and len(body.lstrip("0") or "0") <= digits.MAX_DIGITS
    assert (number is not None) == readable
    if number is not None:
        assert number == int(text.strip())  # str.strip takes '\x1f' as a space, int() alone does not


def test_every_reader_of_typed_digits_says_what_is_wrong_in_one_line() -> None:
    """'²' and '①' pass `str.isdigit` and then fail int() with a ValueError: each reader of typed
    digits (forms, pains and ratings, a sync cursor's mark, a field's label) refuses them instead."""
    from stretchtui.core import validation
    from stretchtui.core.checkins import pain_value
    from stretchtui.core.function import rating_value
    from stretchtui.core.sync_log import mark_length

    for typed in ("²", "①", "1²", "1" * 5000):
        with pytest.raises(FieldError, match="^reps: must be a whole number, not "):
            validation.integer(typed, "reps", 0, 100)
        with pytest.raises(FieldError, match="^pain: must be a whole number from 0 to 10, not "):
            pain_value(typed)
        with pytest.raises(FieldError, match="^rating: must be a whole number from 0 to 10 "):
            rating_value(typed)
        assert mark_length(f"{typed}:0123456789abcdef") is None
        assert validation.field_label(f"steps[{typed}]") == "Steps"
    assert validation.integer(" ٣٠ ", "reps", 0, 100) == 30  # a form typed with Arabic-Indic digits
    assert digits.whole_number("0" * 5000 + "5") == 5  # leading zeros are no digits of the number
    assert pain_value("7") == 7 and mark_length("12:0123456789abcdef") == 12
    assert mark_length("٣:0123456789abcdef") is None  # written by stretchtui: ASCII only
    for written_otherwise in ("-3", " 12", "+4", "1_0"):  # a mark has a length as line_mark writes it
        assert mark_length(f"{written_otherwise}:0123456789abcdef") is None
    assert validation.field_label("steps[1]") == "Steps, line 2"


def test_hours_sat_are_digits_with_one_point_not_what_float_takes() -> None:
    """float() reads '1_0', 'nan', '1e1' and '+5': hours sat (a form's field and `log --sitting`)
    are digits with at most one point or comma, as a person types them."""
    from stretchtui.core.checkins import sitting_value

    for typed in ("1_0", "nan", "inf", "1e1", "+5", "-1", "7.5.5", ".", "0x5", "²"):
        with pytest.raises(FieldError, match="is not a number of hours like 7 or 7.5$"):
            sitting_value(typed, "sitting")
    for typed, hours in (("7", 7.0), (" 7,5 ", 7.5), (".5", 0.5), ("7.", 7.0), ("\u0667.\u0665", 7.5)):
        assert sitting_value(typed, "sitting") == hours
    with pytest.raises(FieldError, match=r"^sitting: '9{36}\.\.\. is not a number of hours like 7 or 7.5$"):
        sitting_value("9" * 5000, "sitting")  # not 'inf', and not all of it quoted back


@pytest.mark.parametrize("at", ["1_795_249_800", "+1795249800", "1795249800e0", "0x6b00a348", "nan", "1" * 5000])
def test_a_tick_time_is_digits_with_one_point(tmp_path: Path, capsys: pytest.CaptureFixture[str], at: str) -> None:
    """`tick --at` (what tmux passes) read with float() took '1_795_249_800', '+...' and 'e0', and
    quoted 5000 digits back whole; it is read as hours sat are (core.digits.decimal)."""
    from stretchtui.store.ticks import tick_at

    assert tick_at(at, FROZEN_AT.timestamp()) is None
    db = tmp_path / "data" / "s.db"
    line = assert_one_line_refusal(cli.main(["--db", str(db), "tick", "--at", at]), capsys, "--at: ")
    assert len(line) < 160 and not db.parent.exists()
    assert tick_at(" 1795249800.5 ", FROZEN_AT.timestamp()) == 1795249800.5


def test_the_boundaries_exactly() -> None:
    assert instants.check_instant(instants.FIRST_INSTANT, "at") == instants.FIRST_INSTANT
    assert instants.check_instant(instants.LAST_INSTANT, "at") == instants.LAST_INSTANT
    for outside in (instants.FIRST_INSTANT - timedelta(microseconds=1), instants.END_INSTANT):
        with pytest.raises(FieldError):
            instants.check_instant(outside, "at")
    assert instants.parse_day("1970-01-01", "d") == date(1970, 1, 1)
    assert instants.parse_day("2199-12-31", "d") == date(2199, 12, 31)
    assert instants.parse_week("1970-W01", "w") == date(1969, 12, 29)
    assert instants.parse_week("2200-W01", "w") == date(2199, 12, 30)


# ---------------------------------------------------------------------- round trips: every export imports


def export_and_import(tmp_path: Path, clock, capsys: pytest.CaptureFixture[str], source: Path) -> dict:
    """`stretchtui export` from `source`, then `stretchtui import` into a new database; the file."""
    out = tmp_path / "export.json"
    assert cli.main(["--db", str(source), "export", "--output", str(out)], clock=clock) == 0
    target = tmp_path / "other" / "s.db"
    code = cli.main(["--db", str(target), "import", str(out)], clock=clock)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(out.read_text())


def test_a_session_recorded_in_1970_exports_and_imports_again(
    tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "data" / "s.db"
    assert cli.main(["--db", str(source), "record", "--at", "1970-01-02T07:30", "--minutes", "10"]) == 0
    assert cli.main(["--db", str(source), "log", "--pain", "4", "--at", "1970-01-02T08:00"]) == 0
    data = export_and_import(tmp_path, clock, capsys, source)
    assert data["sessions"][0]["started_at"] == "1970-01-02T06:30:00.000000Z"
    assert data["sessions"][0]["day"] == "1970-01-02" and data["checkins"][0]["day"] == "1970-01-02"
    other = Store.open(tmp_path / "other" / "s.db", clock)
    try:
        assert [s.day for s in other.history.sessions_list()] == [date(1970, 1, 2)]
    finally:
        other.close()


def test_what_a_clock_a_year_ahead_stored_exports_and_imports_after_it_is_corrected(
    tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    ahead = FrozenClock(FROZEN_AT + timedelta(days=365), ZONE)
    source = tmp_path / "data" / "s.db"
    store = Store.open(source, ahead)
    try:
        info = store.sessions.start_session("desk-break", "Desk break", 300)
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, active_seconds=300)
        store.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="written while the clock ran ahead")
    finally:
        store.close()
    data = export_and_import(tmp_path, clock, capsys, source)  # the clock is right again
    assert data["sessions"][0]["day"] == str((FROZEN_AT + timedelta(days=365)).date())
    assert len(data["checkins"]) == 1


@pytest.mark.slow  # 26 years of demo history made and parsed: some 5 s
def test_a_demo_of_more_than_25_years_near_the_first_day_is_accepted_by_import() -> None:
    """26 years ending in January 1996: the history starts in January 1970, at the window's edge."""
    from stretchtui.commands.demo_story import demo_export
    from stretchtui.core.library import load_library

    library = load_library()
    now = datetime(1996, 1, 20, 8, 0, tzinfo=UTC)
    data = demo_export(
        now=now,
        zone=ZoneInfo("Pacific/Kiritimati"),
        routines=list(library.routines.values()),
        exercises=library.exercises,
        years=26,
        seed=2,
    )
    bundle = parse_export(data, now=now, known_exercise_ids=set(library.exercises))
    first = min(s["started_at"] for s in bundle.sessions)
    assert first.year == 1970 and first >= instants.FIRST_INSTANT
    assert len(bundle.sessions) > 25 * 300


def test_a_demo_that_would_start_before_1970_is_refused_before_anything_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo.db"
    code = cli.main(
        ["demo", "--no-launch", "--years", "40", "--db", str(target)],
        clock=FrozenClock(datetime(2000, 6, 1, tzinfo=UTC), ZONE),
    )
    assert_one_line_refusal(
        code, capsys, "--years: 40 years back from 2000-06-01 starts before 1970-01-01", "at most 29 here"
    )
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- import, store and output


def test_an_import_with_odd_text_or_dates_is_one_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {"format": "stretchtui-export", "format_version": 1}
    files = {
        "note.json": (
            {
                **base,
                "checkins": [
                    {
                        "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10",
                        "at": "2026-11-20T08:00:00Z",
                        "zone": "UTC",
                        "day": "2026-11-20",
                        "note": "\u001b]0;owned\u0007",
                    }
                ],
            },
            "checkins[0].note: holds ESC",
        ),
        "surrogate.json": (
            '{"format": "stretchtui-export", "format_version": 1, "app_version": "\\udcff"}',
            "app_version: is not valid text",
        ),
        "year1.json": ({**base, "exported_at": "0001-01-01T00:00:00+01:00"}, "exported_at: 0001-01-01T00:00:00+01:00"),
        "year9999.json": (
            {
                **base,
                "day_marks": [
                    {
                        "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10",
                        "day": "9999-12-31",
                        "at": "9999-12-31T23:59:59Z",
                        "zone": "UTC",
                    }
                ],
            },
            "day_marks[0].at: 9999-12-31T23:59:59Z is after",
        ),
    }
    for name, (content, message) in files.items():
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        db = tmp_path / "data" / "s.db"
        assert_one_line_refusal(cli.main(["--db", str(db), "import", str(path)]), capsys, message)
        assert not db.parent.exists()


def test_the_store_never_holds_a_value_outside_the_rules(tmp_path: Path, store: Store) -> None:
    with pytest.raises(FieldError, match="note: holds ESC"):
        store.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="\x1b[2J")
    with pytest.raises(FieldError, match="is before 1970-01-02 00:00 UTC"):
        store.sessions.record_backfill(None, datetime(1, 1, 1, tzinfo=UTC), 5)
    with pytest.raises(FieldError, match="is before 1970-01-01"):
        store.corrections.mark_rest_day(date(1, 1, 1))
    assert store.checkins.checkins() == [] and store.history.sessions_list() == []
    late = Store.open(tmp_path / "late" / "s.db", FrozenClock(datetime(2300, 1, 1, tzinfo=UTC), ZONE))
    try:
        with pytest.raises(FieldError, match="is after 2199-12-30 23:59 UTC"):
            late.sessions.start_session("desk-break", "Desk break", 300)
        assert late.history.sessions_list() == []
    finally:
        late.close()


def test_text_stored_before_the_rule_never_reaches_a_report_raw(
    store: Store, db_path: Path, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A note with ESC and CSI (written by an older version) is shown as visible escapes in the
    Markdown and HTML reports and on the app's report screen (which renders report_sections)."""
    import sqlite3

    store.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="placeholder")
    store.close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE checkin SET note = ?", ("red\x1b[31m alert\x9b2J\x07",))
    for form in ("md", "html"):
        assert cli.main(["--db", str(db_path), "report", "--format", form]) == 0
        out = capsys.readouterr().out
        assert "x1b" in out and "x9b2J" in out  # visible, as escapes
        assert plain_text.problem(out.replace("\n", "")) is None
    reopened = Store.open(db_path, clock)
    try:
        from stretchtui.core.days import today
        from stretchtui.core.history import week_start
        from stretchtui.core.report import build_report

        current = today(clock)
        report = build_report(reopened.reports.weekly_report_inputs(week_start(current)), current)
    finally:
        reopened.close()
    shown = [b for section in report_sections(report) for b in section.bullets]
    assert any("\\x1b[31m" in b for b in shown) and not any("\x1b" in b for b in shown)
    assert "\x1b" not in render_markdown(report) and "\x1b" not in render_html(report)


def test_forms_use_the_same_text_rule() -> None:
    """The check-in note, the exercise form and the routine builder go through core.validation."""
    from stretchtui.core import validation
    from stretchtui.core.checkins import note_value

    with pytest.raises(FieldError, match="note: holds ESC"):
        note_value("\x1b[2J")
    with pytest.raises(FieldError, match="name: is not valid text"):
        validation.text("Cat\udcffCow", "name")
    assert note_value("  Stiff after the train  ") == "Stiff after the train"
    with pytest.raises(ImportFileError):
        parse_export({"format": "stretchtui-export", "format_version": 1, "app_version": "\x00"}, now=FROZEN_AT)


async def test_the_report_screen_stops_at_the_first_week_stretchtui_keeps(make_test_app) -> None:
    """`p` (previous week) is dimmed and does nothing on 1970-W01: no week before the window, and
    no OverflowError however often it is pressed."""
    from pilot_helpers import settle

    from stretchtui.ui.screens.report import ReportScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(ReportScreen(instants.FIRST_WEEK + timedelta(weeks=1)))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen) and screen.report.label == "1970-W02"
        await pilot.press("p", "p", "p")
        await settle(pilot)
        assert screen.report.label == "1970-W01"
        assert screen.check_action("week", (-1,)) is None and screen.check_action("week", (1,)) is True
