"""One UUID names one record in the whole store, whatever its kind: undo finds an entry by it,
import and sync match on it. A file (or another machine's change) whose record has the UUID of a
record of another kind here is refused in one line, with nothing written. Taken in, neither
record could be removed by its id ("names more than one entry") and the store's own export would
no longer import ("used twice").

Every kind of record with a UUID is tried against every other, stored, kind, through each way a
record comes in (staged, kept aside, a removal), so a kind added later is covered too."""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import uuid as uuidlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FROZEN_AT, ZONE
from test_exchange import table_dump

from stretchtui.cli import main
from stretchtui.core.breaks import BreakKind
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.entries import EntryKind, MarkKind
from stretchtui.core.exchange.bundle import ImportResult
from stretchtui.core.exchange.reading import ImportFileError
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.program_state import Choice
from stretchtui.core.sessions import SessionStatus, StepRecord
from stretchtui.core.vocabulary import Origin
from stretchtui.store import Store
from stretchtui.store import models as m

# Where each kind's one record sits in an export, and the table it goes to. A kind of record with
# a UUID that is not here fails test_every_kind_with_a_uuid_is_tried.
Getter = Callable[[dict[str, Any]], dict[str, Any]]
KINDS: dict[str, tuple[Getter, type[m.BaseModel]]] = {
    "exercises": (lambda d: d["exercises"][0], m.Exercise),
    "routines": (lambda d: d["routines"][0], m.Routine),
    "sessions": (lambda d: d["sessions"][0], m.Session),
    "steps": (lambda d: d["sessions"][0]["steps"][0], m.SessionStep),
    "checkins": (lambda d: d["checkins"][0], m.Checkin),
    "day_marks": (lambda d: d["day_marks"][0], m.DayMark),
    "function_ratings": (lambda d: d["function_ratings"][0], m.FunctionRating),
    "program_choices": (lambda d: d["program_choices"][0], m.ProgramChoice),
    "break_events": (lambda d: d["break_events"][0], m.BreakEvent),
}
SECTION = {kind: "sessions" if kind == "steps" else kind for kind in KINDS}  # where an error names it
REMOVED_AT = "2026-11-20T10:00:00Z"
REMOVABLE = {"session": "sessions", "checkin": "checkins", "day_mark": "day_marks"}  # a removal's kind -> its records


def test_every_kind_with_a_uuid_is_tried() -> None:
    assert {model for _, model in KINDS.values()} == set(m.UUID_TABLES)


@pytest.fixture(scope="module")
def one_of_each(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A closed store holding one record of every kind with a UUID, and its export."""
    from dataclasses import replace

    path = tmp_path_factory.mktemp("each") / "each.db"
    clock = FrozenClock(FROZEN_AT, ZONE)
    store = Store.open(path, clock)
    seed = store.library.exercise("cat-cow")
    assert seed is not None
    own = store.library.save_exercise(replace(seed, id="", uuid="", name="My cat-cow", origin=Origin.USER))
    routine = store.library.routine("desk-break")
    assert routine is not None
    store.library.save_routine(replace(routine, id="", uuid="", name="My desk break", origin=Origin.USER))
    info = store.sessions.start_session("desk-break", "Desk Break", 60, pain_before=3)
    clock.advance(20)
    store.sessions.record_step(
        info.id,
        StepRecord(0, own.id, own.name, 1, "both", 20, 20.0, 0, 0, "done", None),
        active_seconds=20.0,
        resume_state=None,
    )
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=2)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], sitting_hours=6, session_id=info.id)
    store.corrections.set_day_mark(clock.now().date(), MarkKind.FLARE, force=True)
    store.function.rate("Put on socks", 6)
    store.programs.choose(Choice.START, store.programs.catalogue().find("lower-back-starter"))
    store.activity.record_break(BreakKind.TAKEN)
    # One more of each removable kind, removed: its tombstone keeps the UUID for ever.
    gone_info = store.sessions.start_session("desk-break", "Desk Break", 60, pain_before=2)
    clock.advance(20)
    store.sessions.record_step(
        gone_info.id,
        StepRecord(0, "cat-cow", "Cat-cow", 1, "both", 20, 20.0, 0, 0, "done", None),
        active_seconds=20.0,
        resume_state=None,
    )
    store.sessions.finish_session(gone_info.id, SessionStatus.COMPLETE, pain_after=2)
    gone = store.sessions.session(gone_info.id)
    gone_checkin = store.checkins.add_checkin([PainEntry(Region.NECK, 2)])
    store.corrections.set_day_mark(clock.now().date() - timedelta(days=1), MarkKind.REST, force=True)
    gone_mark = m.DayMark.get(m.DayMark.day == clock.now().date() - timedelta(days=1)).uuid
    for kind, uuid in (
        (EntryKind.SESSION, gone.uuid),
        (EntryKind.CHECKIN, gone_checkin.uuid),
        (EntryKind.DAY_MARK, gone_mark),
    ):
        store.corrections.remove_entry(store.corrections.entry_by_uuid(kind, uuid))
    data = json.loads(json.dumps(to_plain(store.exchange.export_bundle(), exported_at=clock.now(), app_version="t")))
    store.close()
    for kind, (where, _) in KINDS.items():
        assert where(data)["uuid"], kind
    assert sorted(r["kind"] for r in data["removed"]) == sorted(REMOVABLE)
    return path, data


def opened(source: Path, tmp_path: Path) -> Store:
    path = tmp_path / "here.db"
    shutil.copyfile(source, path)
    return Store.open(path, FrozenClock(FROZEN_AT, ZONE))


def imported(source: Path, tmp_path: Path, file: dict[str, Any]) -> ImportResult:
    """`file` imported into a copy of the store at `source`."""
    store = opened(source, tmp_path)
    try:
        return store.exchange.import_data(file)
    finally:
        store.close()


def refusal(source: Path, tmp_path: Path, file: dict[str, Any]) -> str:
    """Why `file` is refused by a copy of the store at `source`, which it leaves as it was."""
    before = table_dump(source)
    with pytest.raises(ImportFileError) as refused:
        imported(source, tmp_path, file)
    assert table_dump(tmp_path / "here.db") == before
    return str(refused.value)


COMING = [*KINDS, *(f"removal of a {entry}" for entry in REMOVABLE)]  # a record of each kind, a removal of each


def kind_of(coming: str) -> str:
    return REMOVABLE[coming.removeprefix("removal of a ")] if coming.startswith("removal of a ") else coming


def given_uuid(file: dict[str, Any], coming: str, uuid: str) -> tuple[str, str]:
    """The file's record of kind `coming` (or a removal of that kind) under `uuid`; returns the
    section and the noun its refusal names it by."""
    if coming.startswith("removal of a "):
        file["removed"] = [{"kind": coming.removeprefix("removal of a "), "uuid": uuid, "removed_at": REMOVED_AT}]
        return "removed", m.record_noun(KINDS[kind_of(coming)][1])
    KINDS[coming][0](file)["uuid"] = uuid
    return SECTION[coming], m.record_noun(KINDS[coming][1])


def test_the_stores_own_export_comes_back_whole_and_adds_nothing(one_of_each, tmp_path: Path) -> None:
    """The check does not fire on a record's own kind: its export imports into itself (nothing
    added) and into a new store (everything added)."""
    source, data = one_of_each
    assert sum(imported(source, tmp_path, copy.deepcopy(data)).added.values()) == 0
    fresh = Store.open(tmp_path / "fresh.db", FrozenClock(FROZEN_AT, ZONE))
    try:
        moved = fresh.exchange.import_data(copy.deepcopy(data))
        for kind in KINDS:
            assert moved.added[kind] == 1, kind
    finally:
        fresh.close()


@pytest.mark.parametrize(
    ("coming", "here"), [(coming, here) for coming in COMING for here in KINDS if kind_of(coming) != here]
)
def test_a_record_or_removal_with_the_uuid_of_another_kind_here_is_refused_whole(
    one_of_each, tmp_path: Path, coming: str, here: str
) -> None:
    source, data = one_of_each
    file = copy.deepcopy(data)
    taken = KINDS[here][0](data)["uuid"]
    KINDS[here][0](file)["uuid"] = str(uuidlib.uuid4())  # the file's own one: not the clash tried
    section, noun = given_uuid(file, coming, taken)
    for checkin in file["checkins"]:
        if checkin["session_uuid"] == taken:
            checkin["session_uuid"] = None
    kind_here = m.record_noun(KINDS[here][1])
    assert refusal(source, tmp_path, file) == f"{section}: {taken} is {kind_here} here, not {noun}"


@pytest.mark.parametrize(("coming", "removed"), [(coming, removed) for coming in COMING for removed in REMOVABLE])
def test_a_record_with_the_uuid_of_an_entry_of_another_kind_removed_here_is_refused_whole(
    one_of_each, tmp_path: Path, coming: str, removed: str
) -> None:
    """A removal keeps its UUID (a tombstone) so that no import brings the entry back: a record of
    another kind under that UUID would come back with the undo, or stop the export importing. One
    of the same kind is the removed entry itself, left out as before."""
    source, data = one_of_each
    tombstone = next(r["uuid"] for r in data["removed"] if r["kind"] == removed)
    file = copy.deepcopy(data)
    file["removed"] = []
    section, noun = given_uuid(file, coming, tombstone)
    for step in file["sessions"][0]["steps"] if coming == "sessions" else ():
        step["uuid"] = str(uuidlib.uuid4())  # steps of that session, not of the one here
    if kind_of(coming) == REMOVABLE[removed]:  # the removed entry itself
        assert sum(imported(source, tmp_path, file).added.values()) == 0
        assert table_dump(tmp_path / "here.db") == table_dump(source)
    else:
        gone = m.record_name(KINDS[REMOVABLE[removed]][1])
        assert refusal(source, tmp_path, file) == f"{section}: {tombstone} is a removed {gone} here, not {noun}"


def removed_step(path: Path) -> tuple[str, str]:
    """(the removed session's UUID, its step's UUID), from the rows its removal keeps for undo."""
    conn = sqlite3.connect(path)
    try:
        (record,) = conn.execute("SELECT record FROM removed WHERE kind = 'session'").fetchone()
    finally:
        conn.close()
    kept = json.loads(record)
    return kept["row"]["uuid"], kept["steps"][0]["uuid"]


@pytest.mark.parametrize("coming", COMING)
def test_a_record_with_the_uuid_of_a_removed_sessions_step_is_refused_whole(
    one_of_each, tmp_path: Path, coming: str
) -> None:
    """A removed session keeps its steps for undo, UUIDs and all: a record taken in under one of
    them would stand beside the step the undo brings back (found by an outside pass: undo then
    failed with a traceback, or left two records with one UUID)."""
    source, data = one_of_each
    _, step = removed_step(source)
    file = copy.deepcopy(data)
    file["removed"] = []
    section, noun = given_uuid(file, coming, step)
    assert refusal(source, tmp_path, file) == f"{section}: {step} is a step of a removed session here, not {noun}"


def test_the_removed_session_itself_with_its_steps_is_left_out_quietly(one_of_each, tmp_path: Path) -> None:
    source, data = one_of_each
    session, step = removed_step(source)
    file = copy.deepcopy(data)
    file["removed"] = []
    file["checkins"] = []
    file["sessions"][0]["uuid"] = session
    file["sessions"][0]["steps"][0]["uuid"] = step
    result = imported(source, tmp_path, file)
    assert result.removed_here["sessions"] == 1 and sum(result.added.values()) == 0
    assert table_dump(tmp_path / "here.db") == table_dump(source)


def test_undo_never_brings_back_a_uuid_taken_since(
    one_of_each, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store where a record came in under a removed session's step UUID before the import
    checked for it: `undo` of that session says so in one line and changes nothing (it was an
    IntegrityError traceback half-way)."""
    source, _ = one_of_each
    path = tmp_path / "here.db"
    shutil.copyfile(source, path)
    _, step = removed_step(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE break_event SET uuid = ?", (step,))
        conn.execute(  # the session is the removal undo brings back: the one removed last
            "UPDATE removed SET removed_at = (SELECT max(removed_at) FROM removed), "
            "id = (SELECT max(id) + 1 FROM removed) WHERE kind = 'session'"
        )
    conn.close()
    before = table_dump(path)
    code = main(["--db", str(path), "undo"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", err
    assert err.splitlines() == [
        f"stretchtui: that session cannot be brought back: its step {step} is a break event here now "
        "(taken in since it was removed)"
    ]
    assert table_dump(path) == before


@pytest.mark.parametrize("kind", ["exercises", "routines"])
def test_an_own_exercise_or_routine_with_a_built_in_ones_uuid_is_refused(
    one_of_each, tmp_path: Path, kind: str
) -> None:
    """Built-in exercises and routines have fixed UUIDs. An own one under such a UUID was taken as
    'already here', and the file's routines naming it then pointed at the built-in one."""
    source, data = one_of_each
    store = opened(source, tmp_path)  # built-ins get their UUIDs as the store seeds them
    try:
        builtin = store.library.exercise("cat-cow") if kind == "exercises" else store.library.routine("desk-break")
    finally:
        store.close()
    assert builtin is not None
    file = copy.deepcopy(data)
    file[kind][0]["uuid"] = builtin.uuid
    noun = kind.removesuffix("s")
    assert refusal(source, tmp_path, file) == (
        f"{kind}: {builtin.uuid} is the built-in {noun} {builtin.id!r} here, not an own {noun}"
    )


def test_a_step_with_the_uuid_of_a_step_of_another_session_here_is_refused(one_of_each, tmp_path: Path) -> None:
    """A new session holding a step of another session here: the step was left out without a word."""
    source, data = one_of_each
    file = copy.deepcopy(data)
    session = file["sessions"][0]
    stored_session, step = session["uuid"], session["steps"][0]["uuid"]
    session["uuid"] = str(uuidlib.uuid4())
    file["checkins"] = []
    assert (
        refusal(source, tmp_path, file) == f"sessions: step {step} is a step of another session here ({stored_session})"
    )


def test_the_cli_refuses_it_in_one_line_and_both_entries_stay_removable(
    one_of_each, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the outside pass did: a check-in given a stored session's UUID. Refused, exit 2; the
    session is still one entry its id names."""
    source, data = one_of_each
    session = data["sessions"][0]["uuid"]
    file = copy.deepcopy(data)
    file["checkins"][0].update(uuid=session, session_uuid=None)
    file["sessions"] = []
    path = tmp_path / "here.db"
    shutil.copyfile(source, path)
    (tmp_path / "crafted.json").write_text(json.dumps(file))
    before = table_dump(path)
    code = main(["--db", str(path), "import", str(tmp_path / "crafted.json")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"stretchtui: import {tmp_path / 'crafted.json'}: checkins: {session} is a session here, not a checkin"
    ]
    assert table_dump(path) == before
    assert main(["--db", str(path), "remove", session[:8], "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Removed the session of ")
