"""Export and import: a round trip reproduces everything, a second import adds nothing, and a bad
file is refused whole, naming the record and the field, with nothing written."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE, build_template, copy_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.days import today
from stretchtui.core.entries import MarkRefused
from stretchtui.core.exchange.bundle import FORMAT_VERSION
from stretchtui.core.exchange.reading import ImportFileError, parse_export
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.model import Area, Dose, Exercise, Kind, Origin, Position, Routine, RoutineItem
from stretchtui.core.sessions import SessionStatus, StepRecord
from stretchtui.store import Store

SEEDED = ["cat-cow", "childs-pose", "knee-to-chest", "pelvic-tilt", "seated-spinal-twist"]


def plain_export(store: Store) -> dict:
    """The export as the file holds it (through JSON, as a file would be read back)."""
    return json.loads(
        json.dumps(to_plain(store.exchange.export_bundle(), exported_at=store.clock.now(), app_version="t"))
    )


def table_dump(path: Path) -> list[str]:
    """Every row of every table: 'nothing was written' means this did not change."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# ---------------------------------------------------------------------- a generated store

names = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöü ABC-'0123456789", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
notes = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60).map(str.strip)
actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("exercise"),
            names,
            st.integers(0, 60),
            st.integers(0, 12),
            st.sampled_from(list(Area)),
            st.booleans(),
        ),
        st.tuples(st.just("routine"), names, st.lists(st.integers(0, 20), min_size=1, max_size=4)),
        st.tuples(st.just("favourite"), st.integers(0, 20)),
        st.tuples(
            st.just("session"),
            st.integers(0, 20),
            st.integers(0, 6),
            st.sampled_from(["complete", "partial", "discarded", "in_progress"]),
            st.none() | st.integers(0, 10),
            st.none() | st.integers(0, 10),
        ),
        st.tuples(
            st.just("checkin"),
            st.lists(
                st.tuples(st.sampled_from(list(Region)), st.sampled_from(["", "left", "right"]), st.integers(0, 10)),
                max_size=3,
            ),
            st.none() | st.integers(0, 48).map(lambda h: h / 2),
            notes,
            st.booleans(),
        ),
        st.tuples(st.just("rest"), st.integers(0, 20)),
        st.tuples(
            st.just("setting"),
            st.sampled_from(
                [
                    ("goal_routines", 2),
                    ("day_start_hour", 3),
                    ("cue_bell", False),
                    ("suggest_place", "desk"),
                    ("theme", "textual-light"),
                    ("safety_answers", {"numbness": False}),
                ]
            ),
        ),
        st.tuples(st.just("wait"), st.integers(1, 60 * 30), st.sampled_from([ZONE, "America/New_York", "Asia/Tokyo"])),
    ),
    max_size=25,
)


def build(store: Store, clock: FrozenClock, story: list[tuple]) -> None:
    """Play a story through the store's ordinary API, the way the app and the CLI write."""
    exercises = [e.id for e in store.library.exercises()][:30]
    routines = [r.id for r in store.library.routines()]
    for action in story:
        kind, *args = action
        if kind == "exercise":
            name, hold, reps, area, desk = args
            saved = store.library.save_exercise(
                Exercise(
                    id="",
                    name=name,
                    areas=(area,),
                    kind=Kind.MOBILITY,
                    position=Position.SEATED,
                    dose=Dose(hold_seconds=hold, reps=reps if reps or hold else 5),
                    steps=("Sit tall.", "Turn."),
                    feel="",
                    cautions=(),
                    intensity=1,
                    desk_friendly=desk,
                    origin=Origin.USER,
                )
            )
            exercises.append(saved.id)
        elif kind == "routine":
            name, picks = args
            items = tuple(
                RoutineItem(exercise_id=exercises[i % len(exercises)], hold_seconds=20 if i % 3 else None)
                for i in picks
            )
            routines.append(store.library.save_routine(Routine(id="", name=name, items=items, origin=Origin.USER)).id)
        elif kind == "favourite":
            store.library.set_favourite(exercises[args[0] % len(exercises)], True)
        elif kind == "session":
            pick, steps, status, before, after = args
            routine = store.library.routine(routines[pick % len(routines)])
            info = store.sessions.start_session(routine.id, routine.name, 300, pain_before=before)
            for index in range(steps):
                clock.advance(25)
                item = routine.items[index % len(routine.items)]
                store.sessions.record_step(
                    info.id,
                    StepRecord(
                        index,
                        item.exercise_id,
                        "Name",
                        1,
                        "both",
                        20,
                        19.5,
                        0,
                        0,
                        "hurt" if index == 4 else "done",
                        3 if index == 4 else None,
                    ),
                    active_seconds=20.0 * (index + 1),
                    resume_state=None,
                )
            if status != "in_progress":
                store.sessions.finish_session(info.id, SessionStatus(status), pain_after=after)
        elif kind == "checkin":
            pains, sitting, note, stuck = args
            unique = {(region, side): PainEntry(region, pain, side) for region, side, pain in pains}
            if unique or sitting is not None or note or stuck:
                store.checkins.add_checkin(
                    list(unique.values()), sitting_hours=sitting, note=note, no_comfortable_position=stuck
                )
        elif kind == "rest":
            try:  # a day that already met the goal is refused (store.corrections), as the user would be
                store.corrections.mark_rest_day(
                    today(clock, store.settings.day_start_hour()) - timedelta(days=args[0]), force=True
                )
            except MarkRefused:
                pass
        elif kind == "setting":
            store.settings.set(*args[0])
        elif kind == "wait":
            minutes, zone = args
            clock.advance(minutes * 60)
            clock.move_to_zone(zone)


A_MONTH_BEFORE = FROZEN_AT - timedelta(days=30)


@pytest.fixture(scope="module")
def month_before_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database as the first `Store.open` makes it a month before the frozen day: copied."""
    return build_template(tmp_path_factory.mktemp("a-month-before"), at=A_MONTH_BEFORE)[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=actions)
def test_export_then_import_into_an_empty_store_reproduces_everything(
    month_before_template: Path, story: list[tuple]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(A_MONTH_BEFORE, ZONE)
        source = Store.open(copy_database(month_before_template, Path(tmp) / "a" / "s.db"), clock)
        build(source, clock, story)
        exported = plain_export(source)
        source.close()

        target = Store.open(copy_database(month_before_template, Path(tmp) / "b" / "s.db"), clock)
        target.exchange.import_data(copy.deepcopy(exported))
        again = plain_export(target)
        second = target.exchange.import_data(copy.deepcopy(exported))
        assert sum(second.added.values()) == 0
        assert plain_export(target) == again
        target.close()

    for session in exported["sessions"]:  # resumable only where it ran
        if session["status"] == "in_progress":
            session["status"] = "partial"
    assert again == exported


# ---------------------------------------------------------------------- merging


@pytest.fixture
def exported(store: Store, clock: FrozenClock) -> dict:
    own = store.library.save_exercise(
        Exercise(
            id="",
            name="Doorway chest opener",
            areas=(Area.MID_UPPER_BACK,),
            kind=Kind.MOBILITY,
            position=Position.STANDING,
            dose=Dose(hold_seconds=30),
            steps=("Stand in a doorway.",),
            feel="",
            cautions=(),
            intensity=1,
            origin=Origin.USER,
        )
    )
    store.library.save_routine(
        Routine(id="", name="Evening", origin=Origin.USER, items=(RoutineItem(own.id), RoutineItem("cat-cow", reps=8)))
    )
    store.library.set_favourite("cat-cow", True)
    info = store.sessions.start_session("my-evening", "Evening", 120, pain_before=5)
    store.sessions.record_step(
        info.id,
        StepRecord(0, own.id, own.name, 1, "both", 30, 30.0, 0, 0, "done"),
        active_seconds=30,
        resume_state=None,
    )
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=3)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 4)], sitting_hours=8.5, note="long meeting day")
    store.corrections.mark_rest_day(clock.now().date() - timedelta(days=2), force=True)
    store.settings.set("goal_minutes", 10)
    return plain_export(store)


def test_import_merges_with_what_is_there(tmp_path: Path, clock: FrozenClock, exported: dict) -> None:
    other = Store.open(tmp_path / "other" / "s.db", clock)
    mine = other.checkins.add_checkin([PainEntry(Region.NECK, 2)])
    other.corrections.mark_rest_day(
        clock.now().date() - timedelta(days=2), force=True
    )  # the same rest day, marked here too
    other.settings.set("goal_minutes", 20)  # set here: this machine's choice wins
    result = other.exchange.import_data(exported)
    assert result.added["sessions"] == 1 and result.added["steps"] == 1 and result.added["checkins"] == 1
    assert result.added["day_marks"] == 0 and result.already_there["day_marks"] == 1
    assert other.settings.get("goal_minutes") == 20
    assert [c.uuid for c in other.checkins.checkins()][:1] == [mine.uuid] or mine.uuid in {
        c.uuid for c in other.checkins.checkins()
    }
    assert other.library.exercise("cat-cow").favourite
    routine = other.library.routine("my-evening")
    assert [item.exercise_id for item in routine.items] == ["my-doorway-chest-opener", "cat-cow"]
    assert other.sessions.last_session().pain_after == 3


def test_an_own_id_taken_here_gets_a_free_one_and_references_follow(
    tmp_path: Path, clock: FrozenClock, exported: dict
) -> None:
    other = Store.open(tmp_path / "other" / "s.db", clock)
    other.library.save_exercise(
        Exercise(
            id="",
            name="Doorway chest opener",
            areas=(Area.NECK,),
            kind=Kind.MOBILITY,
            position=Position.SEATED,
            dose=Dose(reps=5),
            steps=("Mine.",),
            feel="",
            cautions=(),
            intensity=1,
            origin=Origin.USER,
        )
    )
    result = other.exchange.import_data(exported)
    assert ("my-doorway-chest-opener", "my-doorway-chest-opener-2") in result.renamed
    assert other.library.exercise("my-doorway-chest-opener").areas == (Area.NECK,)  # mine untouched
    assert other.library.routine("my-evening").items[0].exercise_id == "my-doorway-chest-opener-2"
    steps = other.sessions.session_steps(other.sessions.last_session().id)
    assert steps[0].exercise_id == "my-doorway-chest-opener-2"


def test_dry_run_counts_and_writes_nothing(tmp_path: Path, clock: FrozenClock, exported: dict) -> None:
    other = Store.open(tmp_path / "other" / "s.db", clock)
    before = table_dump(other.path)
    result = other.exchange.import_data(exported, dry_run=True)
    assert result.added["sessions"] == 1 and result.added["exercises"] == 1
    assert result.describe()[0].startswith("Would add: 1 session, 1 step, 1 check-in, 1 rest or flare day")
    assert table_dump(other.path) == before


# ---------------------------------------------------------------------- refusals


def mutate(data: dict, path: str, value: object) -> dict:
    """Set `value` at a dotted path like 'sessions.0.steps.0.outcome' ('DEL' removes the key)."""
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    key = int(last) if isinstance(node, list) else last
    if value == "DEL":
        del node[key]
    else:
        node[key] = value
    return data


BAD_RECORDS = [
    ("sessions.0.steps.0.outcome", "maybe", "sessions[0].steps[0].outcome: 'maybe' is not one of"),
    (
        "sessions.0.started_at",
        "2200-01-01T00:00:00Z",
        "sessions[0].started_at: 2200-01-01T00:00:00Z is after 2199-12-30 23:59 UTC, the latest time stretchtui keeps",
    ),
    ("sessions.0.ended_at", "1969-12-31T23:00:00Z", "sessions[0].ended_at: 1969-12-31T23:00:00Z is before 1970-01-02"),
    (
        "sessions.0.started_at",
        "0001-01-01T00:00:00+01:00",
        "sessions[0].started_at: 0001-01-01T00:00:00+01:00 is before",
    ),
    (
        "sessions.0.started_at",
        "9999-12-31T23:59:59-01:00",
        "sessions[0].started_at: 9999-12-31T23:59:59-01:00 is after",
    ),
    ("day_marks.0.day", "0001-01-01", "day_marks[0].day: 0001-01-01 is before 1970-01-01"),
    ("checkins.0.note", "a\x1b[31mred", "checkins[0].note: holds ESC (U+001B) at character 2"),
    ("checkins.0.note", "a\udcffb", "checkins[0].note: is not valid text: a lone surrogate U+DCFF"),
    ("exercises.0.name", "nul\x00", "exercises[0].name: holds NUL (U+0000)"),
    ("sessions.0.started_at", "2026-11-21T08:00:00", "sessions[0].started_at: '2026-11-21T08:00:00' has no UTC offset"),
    ("sessions.0.zone", "Mars/Olympus", "sessions[0].zone: 'Mars/Olympus' is not a known time zone"),
    ("sessions.0.zone", "../../etc/passwd", "sessions[0].zone: must be an IANA time zone"),
    ("sessions.0.day", "2026-11-25", "sessions[0].day: 2026-11-25 does not fit"),
    ("sessions.0.pain_before", 11, "sessions[0].pain_before: must be between 0 and 10, not 11"),
    ("sessions.0.pain_before", "5", "sessions[0].pain_before: must be a whole number, not '5'"),
    ("sessions.0.pain_before", True, "sessions[0].pain_before: must be a whole number, not true"),
    ("sessions.0.pain_before", -1, "sessions[0].pain_before: must be between 0 and 10, not -1"),
    ("sessions.0.pain_before", 5.0, "sessions[0].pain_before: must be a whole number, not 5.0"),
    ("sessions.0.steps.0.uuid", "not-a-uuid", "sessions[0].steps[0].uuid: must be a UUID"),
    ("sessions.0.uuid", "6F1C3A52-8D0E-4F5B-9A77-2B1D7C0E5A1G", "sessions[0].uuid: must be a UUID"),
    ("sessions.0.uuid", "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10 ", "sessions[0].uuid: must be a UUID"),
    ("sessions.0.routine_name", "x" * 5000, "sessions[0].routine_name: is 5000 characters long; the limit is 200"),
    ("sessions.0.status", "DEL", "sessions[0].status: is missing"),
    ("sessions.0.colour", "red", "sessions[0].colour: is not a known field"),
    ("sessions.0.two\nlines", 1, "sessions[0].'two\\nlines': is not a known field"),
    ("sessions.0.steps.0.\n", 1, "sessions[0].steps[0].'\\n': is not a known field"),
    ("day_marks.0.\n", None, "day_marks[0].'\\n': is not a known field"),
    ("exercises.0.tab\there", 1, "exercises[0].'tab\\there': is not a known field"),
    ("sessions.0.steps", {"a": 1}, "sessions[0].steps: must be a list"),
    ("checkins.0.pains.0.region", "knee", "checkins[0].pains[0].region: 'knee' is not one of"),
    ("checkins.0.sitting_hours", 7.25, "checkins[0].sitting_hours: must be in half hours"),
    ("checkins.0.note", "n" * 501, "checkins[0].note: is 501 characters long; the limit is 500"),
    ("checkins.0.session_uuid", "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10", "checkins[0].session_uuid: names no session"),
    ("exercises.0.intensity", 9, "exercises[0].intensity: must be between 1 and 3"),
    # An own exercise's and routine's whole numbers are numbers in a file, as every other record's
    # are: the text a form takes ("5") is not one here (nor digits of another script).
    ("exercises.0.intensity", "2", "exercises[0].intensity: must be a whole number, not '2'"),
    (
        "exercises.0.dose.hold_seconds",
        " 7 ",
        "exercises[0].dose.hold_seconds: must be a whole number of seconds, not ' 7 '",
    ),
    ("exercises.0.dose.reps", "\u0667", "exercises[0].dose.reps: must be a whole number, not '\u0667'"),
    ("exercises.0.dose.sets", 2.0, "exercises[0].dose.sets: must be a whole number, not 2.0"),
    ("routines.0.items.1.hold_seconds", "20", "routines[0].items[1].hold_seconds: must be a whole number of seconds"),
    ("routines.0.rest_between_seconds", "10", "routines[0].rest_between_seconds: must be a whole number of seconds"),
    ("exercises.0.id", "doorway", "exercises[0].id: an own exercise's id starts with 'my-'"),
    ("routines.0.items.1.exercise", "moonwalk", "routines[0].items[1].exercise: 'moonwalk' is not a known exercise"),
    ("settings.goal_minutes", 7, "settings.goal_minutes: 7 is not one of"),
    ("settings.goal_minutes", 5.0, "settings.goal_minutes: 5.0 is not one of 3, 5, 10"),  # equal to 5, not 5
    ("settings.suggest_minutes", True, "settings.suggest_minutes: true is not one of"),
    ("settings.secret", 1, "settings.secret: is not a known setting"),
    ("settings.new\nline", 1, "settings.'new\\nline': is not a known setting"),
    ("day_marks.0.kind", "holiday", "day_marks[0].kind: 'holiday' is not one of"),
    ("format_version", 5, "written by a newer stretchtui (format version 5"),
    ("format_version", "1", "format_version: must be a whole number"),
    ("format", "something-else", "not a stretchtui export"),
    ("extra", [], "extra: is not a known section"),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), BAD_RECORDS, ids=[f"{p}={str(v)[:12]}" for p, v, _ in BAD_RECORDS]
)
def test_a_bad_record_is_named_and_nothing_is_written(
    tmp_path: Path, seeded_template: Path, clock: FrozenClock, exported: dict, path: str, value: object, message: str
) -> None:
    other = Store.open(copy_database(seeded_template, tmp_path / "other" / "s.db"), clock)
    before = table_dump(other.path)
    with pytest.raises(ImportFileError) as caught:
        other.exchange.import_data(mutate(exported, path, value))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert table_dump(other.path) == before


def test_a_uuid_in_another_spelling_is_kept_as_files_write_it(
    tmp_path: Path, seeded_template: Path, clock: FrozenClock, exported: dict
) -> None:
    """Upper case, braces or no hyphens spell the same UUID: it is kept in lower case with hyphens,
    so the file written the usual way adds nothing more, and one UUID in two spellings is one UUID."""
    session = exported["sessions"][0]
    spelled = copy.deepcopy(exported)
    spelled["sessions"][0]["uuid"] = "{" + session["uuid"].upper() + "}"
    spelled["sessions"][0]["steps"][0]["uuid"] = session["steps"][0]["uuid"].replace("-", "")
    spelled["checkins"][0]["uuid"] = exported["checkins"][0]["uuid"].upper()
    other = Store.open(copy_database(seeded_template, tmp_path / "other" / "s.db"), clock)
    try:
        assert other.exchange.import_data(spelled).added["sessions"] == 1
        again = plain_export(other)
        assert again["sessions"][0]["uuid"] == session["uuid"]
        assert again["sessions"][0]["steps"][0]["uuid"] == session["steps"][0]["uuid"]
        assert again["checkins"][0]["uuid"] == exported["checkins"][0]["uuid"]
        assert sum(other.exchange.import_data(exported).added.values()) == 0
    finally:
        other.close()
    spelled["checkins"].append(copy.deepcopy(exported["checkins"][0]))
    with pytest.raises(ImportFileError, match=r"checkins\[1\]\.uuid: is used twice in the file"):
        parse_export(spelled, now=clock.now(), known_exercise_ids=set(SEEDED))


def test_a_uuid_used_twice_in_the_file_is_refused(clock: FrozenClock, exported: dict) -> None:
    data = copy.deepcopy(exported)
    data["checkins"].append(copy.deepcopy(data["checkins"][0]))
    with pytest.raises(
        ImportFileError, match=r"checkins\[1\]\.uuid: is used twice in the file \(also at checkins\[0\]\)"
    ):
        parse_export(data, now=clock.now(), known_exercise_ids=set(SEEDED))


def test_a_late_error_leaves_no_early_rows(tmp_path: Path, clock: FrozenClock, exported: dict) -> None:
    """Validation is complete before writing: a bad last record means not even the first is in."""
    data = copy.deepcopy(exported)
    data["day_marks"][-1]["day"] = "tomorrow"
    other = Store.open(tmp_path / "other" / "s.db", clock)
    with pytest.raises(ImportFileError, match=r"day_marks\[0\]\.day"):
        other.exchange.import_data(data)
    assert other.sessions.last_session() is None and other.checkins.checkins() == []


# ---------------------------------------------------------------------- the commands


@pytest.fixture
def cli_db(db_path: Path, store: Store, exported: dict) -> Path:
    store.close()
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_a_private_file_that_imports_elsewhere(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.json"
    code, out, _ = run(capsys, "--db", str(cli_db), "export", "--output", str(target))
    assert code == 0 and "Exported 1 session, 1 step, 1 check-in" in out
    assert os.stat(target).st_mode & 0o777 == 0o600
    data = json.loads(target.read_text())
    assert data["format"] == "stretchtui-export" and data["format_version"] == FORMAT_VERSION

    elsewhere = tmp_path / "elsewhere" / "s.db"
    code, out, _ = run(capsys, "--db", str(elsewhere), "import", str(target), "--dry-run")
    assert code == 0 and out.startswith("Would add: 1 session, 1 step, 1 check-in")
    assert not elsewhere.exists()  # a dry run leaves no database behind
    code, out, _ = run(capsys, "--db", str(elsewhere), "import", str(target))
    assert code == 0 and out.startswith("Added: 1 session, 1 step, 1 check-in")
    code, out, _ = run(capsys, "--db", str(elsewhere), "import", str(target))
    assert out.startswith("Added: nothing new.") and "Already here" in out


def test_export_to_stdout_and_csv(tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(cli_db), "export", "--output", "-")
    assert code == 0 and json.loads(out)["sessions"][0]["routine_name"] == "Evening"
    folder = tmp_path / "tables"
    code, _, _ = run(capsys, "--db", str(cli_db), "export", "--format", "csv", "--output", str(folder))
    assert code == 0 and os.stat(folder).st_mode & 0o777 == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert "steps.csv" in files and "checkin_pains.csv" in files
    assert all(os.stat(folder / f).st_mode & 0o777 == 0o600 for f in files)
    assert "session_uuid" in (folder / "steps.csv").read_text().splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--output", "/nonexistent/dir/x.json"], "--output: the folder /nonexistent/dir does not exist"),
        (["export", "--format", "csv", "--output", "-"], "CSV is written as a folder"),
        (["export", "--format", "xml"], "invalid choice: 'xml'"),
        (["import", "/nonexistent.json"], "import /nonexistent.json: no such file"),
    ],
)
def test_bad_export_and_import_arguments(
    cli_db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = table_dump(cli_db)
    code, _, err = run(capsys, "--db", str(cli_db), *args)
    assert code == 2 and message in err and err.count("\n") == 1
    assert table_dump(cli_db) == before


def test_existing_output_is_not_replaced_without_force(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "keep.json"
    target.write_text("precious")
    code, _, err = run(capsys, "--db", str(cli_db), "export", "--output", str(target))
    assert code == 2 and "already exists (add --force" in err and target.read_text() == "precious"
    assert run(capsys, "--db", str(cli_db), "export", "--output", str(target), "--force")[0] == 0
    assert json.loads(target.read_text())["format"] == "stretchtui-export"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "stretchtui-export", "format_version": 1, "sessions": [', "not valid JSON (line 1"),  # truncated
        (b"SQLite format 3\x00" + bytes(200), "an SQLite database, not an export file"),  # foreign: a database
        (b'["a", "list"]', "not a stretchtui export"),  # malformed
        (b'{"format": "stretchtui-export", "format_version": 99}', "newer stretchtui (format version 99"),
    ],
)
def test_truncated_foreign_malformed_and_newer_files_are_refused(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = table_dump(cli_db)
    code, out, err = run(capsys, "--db", str(cli_db), "import", str(bad))
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert table_dump(cli_db) == before
    fresh = tmp_path / "fresh" / "s.db"
    assert run(capsys, "--db", str(fresh), "import", str(bad))[0] == 2
    assert not fresh.exists()  # a refused file leaves no new database behind
