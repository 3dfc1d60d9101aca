"""The sections format 4 added (program files and choices, breaks, measured activity): a move to
a new machine (export, then import) keeps the program's position, the break counts and the
measured sitting; a second import adds nothing; older files import as before; a bad value is one
line, exit 2, nothing written; and no table is left out of the export without saying why."""

from __future__ import annotations

import copy
import csv
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import FROZEN_AT, ZONE
from test_exchange import mutate, table_dump

from stretchtui.cli import main
from stretchtui.core.breaks import BreakKind
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.entries import EntryKind
from stretchtui.core.exchange.bundle import FORMAT_VERSION, LIST_SECTIONS, SECTIONS, Bundle
from stretchtui.core.exchange.reading import ImportFileError
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.library import load_library
from stretchtui.core.model import Area
from stretchtui.core.program_reading import load_builtin, to_toml
from stretchtui.core.program_state import Choice
from stretchtui.core.programs import load_ladders
from stretchtui.core.sessions import SessionStatus
from stretchtui.store import Store
from stretchtui.store import models as m
from stretchtui.store.exporting import NOT_EXPORTED
from stretchtui.store.ticks import append_tick

NEW = ("program_files", "program_choices", "break_events", "activity_spans")
START = FROZEN_AT - timedelta(days=16)
HOUR = 3600.0


def own_plan(version: int = 2, program_id: str = "my-back-plan", name: str = "My back plan") -> str:
    """A prescription of one's own: a built-in one under another id, with a comment an export keeps."""
    exercises = dict(load_library().exercises)
    builtin = load_builtin(exercises, load_ladders(exercises))["lower-back-starter"]
    return "# adapted with my physio\n" + to_toml(replace(builtin, id=program_id, version=version, name=name))


def live_two_weeks(store: Store, clock: FrozenClock, folder: Path) -> None:
    """Sixteen days of an own program: sessions in it every other day, a check-in each morning, a
    break answered each day, terminal activity each afternoon; this morning's ticks are not folded
    yet. Ends on FROZEN_AT, the commands' clock."""
    clock.instant = START
    path = folder / "plan.toml"
    path.write_text(own_plan(), encoding="utf-8")
    program, _ = store.programs.import_file(path)
    store.programs.choose(Choice.START, program)
    for day in range(16):
        morning = START + timedelta(days=day)
        clock.instant = morning
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3 if day % 5 else 4)])
        if day % 2 == 0:
            info = store.sessions.start_session(None, program.name, 600, pain_before=3, program=program.key)
            clock.advance(600)
            store.sessions.finish_session(info.id, SessionStatus.COMPLETE, active_seconds=560, pain_after=2)
        afternoon = (morning + timedelta(hours=5)).timestamp()
        for minute in range(0, 50 + day, 2):
            append_tick(store.path, afternoon + minute * 60)
        store.activity.fold_ticks()
        clock.instant = morning + timedelta(hours=6)
        store.activity.record_break(list(BreakKind)[day % 3])
    for minute in range(40, 4, -1):
        append_tick(store.path, FROZEN_AT.timestamp() - minute * 60)
    clock.instant = FROZEN_AT


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def what_a_person_sees(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Where they are in their program, the breaks and the measured sitting, as the commands and
    History show them."""
    code, status, _ = cli(capsys, "--db", str(path), "program", "status", "--json")
    assert code == 0
    code, activity, _ = cli(capsys, "--db", str(path), "activity")
    assert code == 0
    store = Store.open(path, FrozenClock(FROZEN_AT, ZONE))
    try:
        counts = store.activity.break_counts(START.date(), FROZEN_AT.date())
        sitting = store.activity.sitting_by_day(START.date() - timedelta(days=1), FROZEN_AT.date())
    finally:
        store.close()
    return {"program": json.loads(status), "activity": activity, "breaks": counts, "sitting": sitting}


@pytest.fixture
def lived(store: Store, clock: FrozenClock, db_path: Path, tmp_path: Path) -> Path:
    live_two_weeks(store, clock, tmp_path)
    store.close()
    return db_path


# ---------------------------------------------------------------------- a move to a new machine


def test_a_move_to_a_new_machine_keeps_the_program_breaks_and_sitting(
    lived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "move.json"
    code, out, _ = cli(capsys, "--db", str(lived), "export", "--output", str(file))  # the last ticks: folded first
    assert code == 0 and "1 imported program, 1 program choice, 16 breaks, 17 spans of measured activity" in out
    before = what_a_person_sees(lived, capsys)
    assert before["program"]["id"] == "my-back-plan" and len(before["program"]["history"]) > 1
    assert before["breaks"] == (6, 5, 5) and len(before["sitting"]) == 17
    assert "35 min" in before["activity"]  # measured today, not folded before the export
    data = json.loads(file.read_text())
    assert data["format_version"] == FORMAT_VERSION == 4
    assert data["program_files"][0]["text"] == own_plan()  # as it came in, comment and all

    moved = tmp_path / "new-machine" / "stretchtui.db"
    code, out, _ = cli(capsys, "--db", str(moved), "import", str(file))
    assert code == 0 and "1 imported program, 1 program choice, 16 breaks, 17 spans of measured activity" in out
    assert what_a_person_sees(moved, capsys) == before

    code, out, _ = cli(capsys, "--db", str(moved), "import", str(file))
    assert code == 0 and out.startswith("Added: nothing new.")
    assert "1 imported program, 1 program choice, 16 breaks, 17 spans of measured activity" in out
    assert what_a_person_sees(moved, capsys) == before
    again = tmp_path / "again.json"
    assert cli(capsys, "--db", str(moved), "export", "--output", str(again))[0] == 0
    assert {key: json.loads(again.read_text())[key] for key in NEW} == {key: data[key] for key in NEW}


def test_the_csv_tables_hold_the_new_sections(lived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV is for reading (import reads JSON): one table per section, the program's text whole."""
    folder = tmp_path / "tables"
    assert cli(capsys, "--db", str(lived), "export", "--format", "csv", "--output", str(folder))[0] == 0
    rows = {}
    for section in NEW:
        with (folder / f"{section}.csv").open(newline="", encoding="utf-8") as handle:
            rows[section] = list(csv.DictReader(handle))
    assert [len(rows[section]) for section in NEW] == [1, 1, 16, 17]
    assert rows["program_files"][0]["text"] == own_plan()
    assert list(rows["activity_spans"][0]) == ["started_at", "ended_at", "zone", "day"]
    assert {row["kind"] for row in rows["break_events"]} == {"taken", "postponed", "skipped"}


def test_an_older_file_imports_as_before(lived: Path, tmp_path: Path, clock: FrozenClock) -> None:
    """A format-3 file has none of the new sections: it imports what it holds, nothing more."""
    source = Store.open(lived, clock)
    plain = json.loads(json.dumps(to_plain(source.exchange.export_bundle(), exported_at=FROZEN_AT, app_version="t")))
    source.close()
    old = {key: value for key, value in plain.items() if key not in NEW} | {"format_version": 3}
    target = Store.open(tmp_path / "old" / "s.db", clock)
    try:
        result = target.exchange.import_data(old)
        assert result.added["sessions"] == 8 and result.added["checkins"] == 16
        assert sum(result.added[key] for key in NEW) == 0
        assert target.programs.choices() == [] and target.activity.spans(START.date(), FROZEN_AT.date()) == []
        assert sum(target.exchange.import_data(old).added.values()) == 0
    finally:
        target.close()


# ---------------------------------------------------------------------- merging measured activity


def span(start: datetime, minutes: float, zone: str = ZONE) -> dict[str, Any]:
    """An activity span as files hold it (its day: the local date where it was noted)."""
    return {
        "started_at": start.isoformat().replace("+00:00", "Z"),
        "ended_at": (start + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
        "zone": zone,
        "day": start.astimezone(ZoneInfo(zone)).date().isoformat(),
    }


def spans_file(*spans: dict[str, Any]) -> dict[str, Any]:
    return {"format": "stretchtui-export", "format_version": 4, "activity_spans": list(spans)}


def tick_for(store: Store, start: datetime, minutes: int) -> None:
    for minute in range(minutes + 1):
        append_tick(store.path, start.timestamp() + minute * 60)
    store.activity.fold_ticks()


def test_two_machines_spans_of_one_sitting_count_once(store: Store) -> None:
    """At the laptop 09:00-10:00 here, at the desktop 09:30-10:30 there: one sitting, 09:00-10:30,
    for the day's sitting and for the break due (the rows stay two; every reader joins them)."""
    nine = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    tick_for(store, nine, 60)
    result = store.exchange.import_data(spans_file(span(nine + timedelta(minutes=30), 60)))
    assert result.added["activity_spans"] == 1
    day = date(2026, 11, 21)
    assert len(store.activity.spans(day, day)) == 2
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(1.5)}
    last = store.activity.break_facts().last_span
    assert last == (nine.timestamp(), nine.timestamp() + 1.5 * HOUR)


def test_a_span_known_here_ends_at_the_later_end(store: Store) -> None:
    """Its start names a span: the same one read again after more ticks were folded into it."""
    nine = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    tick_for(store, nine, 30)
    day = date(2026, 11, 21)
    longer = store.exchange.import_data(spans_file(span(nine, 45)))
    assert longer.added["activity_spans"] == 1  # lengthened: new measured time came in
    assert store.activity.spans(day, day) == [(nine.timestamp(), nine.timestamp() + 45 * 60)]
    shorter = store.exchange.import_data(spans_file(span(nine, 10)))
    assert shorter.added["activity_spans"] == 0 and shorter.already_there["activity_spans"] == 1
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.75)}


def test_a_span_from_another_zone_counts_on_its_day_here(store: Store) -> None:
    """Noted in Tokyo on the 21st, it is the evening of the 20th in Berlin: counted there."""
    evening = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # 21:00 in Berlin, 05:00 on the 21st in Tokyo
    store.exchange.import_data(spans_file(span(evening, 30, "Asia/Tokyo")))
    day = date(2026, 11, 20)
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.5)}


# ---------------------------------------------------------------------- refusals


U = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a{:02d}".format


def good_file() -> dict[str, Any]:
    when = {"zone": ZONE}
    return {
        "format": "stretchtui-export",
        "format_version": 4,
        "program_files": [
            {"program_id": "my-back-plan", "version": 2, "text": own_plan(), "at": "2026-11-01T08:00:00Z", **when}
        ],
        "program_choices": [
            {
                "uuid": U(1),
                "choice": "start",
                "program_id": "my-back-plan",
                "version": 2,
                "at": "2026-11-01T08:01:00Z",
                "day": "2026-11-01",
                **when,
            }
        ],
        "break_events": [{"uuid": U(2), "kind": "taken", "at": "2026-11-20T10:00:00Z", "day": "2026-11-20", **when}],
        "activity_spans": [span(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), 40)],
    }


def test_the_good_file_imports(store: Store) -> None:
    result = store.exchange.import_data(good_file())
    assert [result.added[key] for key in NEW] == [1, 1, 1, 1]
    state = store.programs.state(FROZEN_AT.date())
    assert state is not None and state.program.key == ("my-back-plan", 2)


BAD = [
    ("program_choices.0.uuid", "nope", "program_choices[0].uuid: must be a UUID"),
    (
        "program_choices.0.choice",
        "pause",
        "program_choices[0].choice: 'pause' is not one of: 'start', 'stop', 'switch', 'leave-flare'",
    ),
    (
        "program_choices.0.version",
        3,
        "program_choices[0].version: version 3 of 'my-back-plan' is not built in, not imported here, "
        "and not in the file's program_files",
    ),
    ("program_choices.0.program_id", "My Plan", "program_choices[0].program_id: must be a lowercase slug"),
    ("program_choices.0.day", "2026-11-03", "program_choices[0].day: 2026-11-03 does not fit"),
    ("program_choices.0.at", "2026-11-01T08:01:00", "program_choices[0].at: '2026-11-01T08:01:00' has no UTC offset"),
    (
        "break_events.0.kind",
        "later",
        "break_events[0].kind: 'later' is not one of: 'taken', 'postponed', 'skipped'",
    ),
    ("break_events.0.uuid", 42, "break_events[0].uuid: must be a UUID"),
    ("break_events.0.at", "yesterday", "break_events[0].at: 'yesterday' is not an ISO 8601 instant"),
    ("break_events.0.zone", "Mars/Olympus", "break_events[0].zone: 'Mars/Olympus' is not a known time zone"),
    ("break_events.0.day", "2026-11-22", "break_events[0].day: 2026-11-22 does not fit"),
    ("activity_spans.0.ended_at", "2026-11-20T08:59:00Z", "activity_spans[0].ended_at: is before started_at"),
    (
        "activity_spans.0.ended_at",
        "2026-11-21T10:00:01Z",
        "activity_spans[0].ended_at: is more than 25 hours after started_at",
    ),
    ("activity_spans.0.ended_at", "DEL", "activity_spans[0].ended_at: is missing"),
    (
        "activity_spans.0.started_at",
        "2026-11-20 09:00",
        "activity_spans[0].started_at: '2026-11-20 09:00' has no UTC offset",
    ),
    ("activity_spans.0.started_at", "1969-07-20T20:17:00Z", "activity_spans[0].started_at: 1969-07-20T20:17:00Z is"),
    ("activity_spans.0.day", "2026-11-22", "activity_spans[0].day: 2026-11-22 does not fit"),
    ("activity_spans.0.uuid", U(3), "activity_spans[0].uuid: is not a known field"),
    ("program_files.0.version", 0, "program_files[0].version: must be between 1 and 9999"),
    ("program_files.0.zone", "DEL", "program_files[0].zone: is missing"),
    ("program_files.0.text", "", "program_files[0].text: must be a program file's text"),
    ("program_files.0.text", "id = [", "program_files[0].text: is not valid TOML"),
    ("program_files.0.text", "a\udcffb", "program_files[0].text: is not valid text: a lone surrogate U+DCFF"),
    (
        "program_files.0.text",
        own_plan(version=3),
        "program_files[0].text: holds version 3 of 'my-back-plan', not version 2 of 'my-back-plan'",
    ),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[f"{p}={str(v)[:12]}" for p, v, _ in BAD])
def test_a_bad_value_is_one_line_exit_2_and_nothing_written(
    db_path: Path,
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    value: object,
    message: str,
) -> None:
    store.close()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mutate(good_file(), path, value)), encoding="utf-8")
    before = table_dump(db_path)
    code, out, err = cli(capsys, "--db", str(db_path), "import", str(bad))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"import {bad}: {message}" in err
    assert table_dump(db_path) == before
    fresh = tmp_path / "fresh" / "s.db"
    assert cli(capsys, "--db", str(fresh), "import", str(bad))[0] == 2
    assert not fresh.exists()  # checked before a database is made: none is left behind


def refusal(store: Store, data: dict[str, Any]) -> str:
    before = table_dump(store.path)
    with pytest.raises(ImportFileError) as caught:
        store.exchange.import_data(data)
    assert table_dump(store.path) == before
    return str(caught.value)


def test_what_is_twice_in_a_file_is_refused(store: Store) -> None:
    data = good_file()
    for key in ("program_files", "activity_spans"):
        data[key].append(copy.deepcopy(data[key][0]))
    assert refusal(store, data) == (
        "program_files[1].version: version 2 of 'my-back-plan' is in the file twice (also at program_files[0])"
    )
    del data["program_files"][1]
    assert refusal(store, data) == (
        "activity_spans[1].started_at: is used twice in the file (also at activity_spans[0])"
    )
    del data["activity_spans"][1]
    data["break_events"][0]["uuid"] = U(1)
    assert refusal(store, data) == "break_events[0].uuid: is used twice in the file (also at program_choices[0])"


def test_a_program_file_under_a_built_in_id_or_another_version_here_is_refused(store: Store, tmp_path: Path) -> None:
    data = good_file()
    data["program_files"][0] |= {"program_id": "lower-back-starter", "text": own_plan(2, "lower-back-starter")}
    data["program_choices"][0]["program_id"] = "lower-back-starter"
    assert refusal(store, data) == "program_files[0].program_id: 'lower-back-starter' is a built-in program's id here"

    mine = tmp_path / "mine.toml"
    mine.write_text(own_plan(name="Another plan"), encoding="utf-8")
    store.programs.import_file(mine)
    assert refusal(store, good_file()).startswith(
        "program_files[0]: version 2 of 'my-back-plan' is here with other contents; raise the version"
    )
    mine.write_text("# the same program, other comments\n" + own_plan(), encoding="utf-8")
    other = Store.open(tmp_path / "other.db", store.clock)
    try:
        other.programs.import_file(mine)
        result = other.exchange.import_data(good_file())  # the same program: already here
        assert result.already_there["program_files"] == 1 and result.added["program_choices"] == 1
    finally:
        other.close()


def test_a_choice_of_any_built_in_version_is_taken(store: Store) -> None:
    """Built-ins are the seed files of whichever stretchtui wrote the file: a version this one does
    not have is kept, and the program is then not followed (never a failure later)."""
    data = good_file()
    del data["program_files"]
    data["program_choices"][0] |= {"program_id": "lower-back-starter", "version": 7}
    assert store.exchange.import_data(data).added["program_choices"] == 1
    assert store.programs.state(FROZEN_AT.date()) is None


# ---------------------------------------------------------------------- no table forgotten


def watching(conn: sqlite3.Connection, actions: set[int], seen: set[str]) -> None:
    """Note each table `conn` prepares one of `actions` on (SQLite asks the authorizer as it prepares)."""

    def note(action: int, table: str | None, *_: object) -> int:
        if action in actions and table:
            seen.add(table)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(note)


def test_every_table_is_exported_and_imported_or_left_out_on_purpose(
    store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    """The next table added is not silently lost in a move: the export reads every table but those
    NOT_EXPORTED names (each with its reason), and an import of that export writes each of them."""
    from test_exchange import build

    live_two_weeks(store, clock, tmp_path)
    build(store, clock, [("exercise", "Wall angel", 20, 0, Area.NECK, True), ("routine", "Mine", [0, 1]), ("rest", 1)])
    build(store, clock, [("favourite", 3), ("setting", ("goal_minutes", 5)), ("checkin", [], 7.5, "note", False)])
    store.function.rate("socks", 6)
    store.corrections.remove_entry(
        store.corrections.entry_by_uuid(EntryKind.CHECKIN, store.checkins.checkins()[0].uuid)
    )
    store.activity.fold_ticks()

    read: set[str] = set()
    watching(store.db.connection(), {sqlite3.SQLITE_READ}, read)
    bundle = store.exchange.export_bundle()
    store.db.connection().set_authorizer(None)
    tables = {model._meta.table_name for model in m.ALL_MODELS} | {
        name
        for (name,) in store.db.connection().execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    left_out = dict(NOT_EXPORTED)
    assert tables - read == set(left_out) and all(left_out.values())
    assert [kind for kind in LIST_SECTIONS if not getattr(bundle, kind)] == []  # each one tried below

    written: set[str] = set()
    target = Store.open(tmp_path / "target" / "s.db", clock)
    try:
        watching(target.db.connection(), {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE}, written)
        target.exchange.import_data(json.loads(json.dumps(to_plain(bundle, exported_at=FROZEN_AT, app_version="t"))))
        target.db.connection().set_authorizer(None)
    finally:
        target.close()
    assert (read & tables) - written == set()


def test_the_sections_are_the_bundles_fields() -> None:
    assert [key for key in Bundle.__dataclass_fields__ if key in SECTIONS] == list(SECTIONS)


def _own_move(store: Store, position: str) -> str:
    from stretchtui.core.model import Dose, Exercise, Kind, Position
    from stretchtui.core.vocabulary import Origin

    own = Exercise(
        id="",
        name="Doorway chest opener",
        areas=(Area.NECK,),
        kind=Kind.MOBILITY,
        position=Position(position),
        dose=Dose(hold_seconds=30),
        steps=("Stand in a doorway.",),
        feel="",
        cautions=(),
        intensity=1,
        origin=Origin.USER,
    )
    return store.library.save_exercise(own).id


def _plan_naming(store: Store, move: str, tmp_path: Path) -> dict[str, Any]:
    """A program of one's own naming an own move, started, and the export of it all."""
    exercises = dict(load_library().exercises)
    builtin = load_builtin(exercises, load_ladders(exercises))["lower-back-starter"]
    text = to_toml(replace(builtin, id="my-plan", version=1, name="My plan")).replace('"cat-cow"', f'"{move}"')
    assert move in text
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    program, _ = store.programs.import_file(tmp_path / "plan.toml")
    store.programs.choose(Choice.START, program)
    return json.loads(json.dumps(to_plain(store.exchange.export_bundle(), exported_at=FROZEN_AT, app_version="t")))


def _moves_of(store: Store) -> set[str]:
    state = store.programs.state(FROZEN_AT.date())
    assert state is not None
    return {item.exercise for phase in state.program.phase for item in phase.item if item.exercise}


def test_a_program_keeps_naming_its_own_move_when_the_import_renames_it(
    store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    """Here a different own move has the id already: the import gives the file's move another id,
    and the program follows it, instead of prescribing the other move."""
    move = _own_move(store, "standing")
    data = _plan_naming(store, move, tmp_path)
    other = Store.open(tmp_path / "other.db", clock)
    try:
        assert _own_move(other, "seated") == move  # the same id, another move
        result = other.exchange.import_data(data)
        assert result.renamed == [(move, f"{move}-2")]
        assert f"{move}-2" in _moves_of(other) and move not in _moves_of(other)
        assert other.library.exercise(f"{move}-2").position == "standing"
    finally:
        other.close()


def test_a_program_naming_a_move_missing_here_is_kept_not_refused(
    store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    """A program whose own move was deleted after it was imported stays in the store (not offered);
    its export moves to a new machine whole, the program kept as text there too."""
    move = _own_move(store, "standing")
    data = _plan_naming(store, move, tmp_path)
    data["exercises"] = []  # the move deleted since: the file has the program, not the move
    data["program_choices"] = []
    fresh = Store.open(tmp_path / "fresh.db", clock)
    try:
        result = fresh.exchange.import_data(data)
        assert result.added["program_files"] == 1
        assert fresh.programs.catalogue().imported == {}  # kept, not offered
    finally:
        fresh.close()
    with sqlite3.connect(tmp_path / "fresh.db") as conn:
        assert conn.execute("SELECT program_id, version FROM program_file").fetchall() == [("my-plan", 1)]
