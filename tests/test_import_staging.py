"""An import holds the write lock only for its final merge, and maps every reference by UUID.

Issue 15: a large import held the write lock for seconds, so the app's session steps, `log` and
`rest` failed with "busy" after 10 s (a finished step was lost that way). Now the file is checked
and staged in TEMP tables, which lock nothing, and merged in one short transaction. And an own
exercise or routine already here under another id is what the file's references point at: a
routine used to point silently at the wrong exercise, or crash with a FOREIGN KEY traceback.
"""

from __future__ import annotations

import copy
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FROZEN_AT

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.model import Area, Dose, Exercise, Kind, Origin, Position, Routine, RoutineItem
from stretchtui.core.sessions import SessionStatus, StepRecord
from stretchtui.store import Store, staging


def plain_export(store: Store) -> dict:
    return json.loads(
        json.dumps(to_plain(store.exchange.export_bundle(), exported_at=store.clock.now(), app_version="t"))
    )


def own(name: str, area: Area = Area.LOWER_BACK) -> Exercise:
    return Exercise(
        id="",
        name=name,
        areas=(area,),
        kind=Kind.MOBILITY,
        position=Position.SEATED,
        dose=Dose(hold_seconds=20),
        steps=("Sit tall.",),
        feel="",
        cautions=(),
        intensity=1,
        origin=Origin.USER,
    )


def routine(name: str, *exercise_ids: str) -> Routine:
    return Routine(id="", name=name, items=tuple(RoutineItem(e) for e in exercise_ids), origin=Origin.USER)


def do_session(store: Store, clock: FrozenClock, routine_id: str, exercise_id: str) -> str:
    info = store.sessions.start_session(routine_id, "A session", 60)
    clock.advance(25)
    store.sessions.record_step(
        info.id,
        StepRecord(0, exercise_id, "Step", 1, "both", 20, 20.0, 0, 0, "done"),
        active_seconds=20.0,
        resume_state=None,
    )
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE)
    clock.advance(60)
    return info.uuid


def rows(store: Store | Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(store.path if isinstance(store, Store) else store)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def items_of(db: Path, routine_uuid: str) -> list[str]:
    return [
        e
        for (e,) in rows(
            db,
            "SELECT i.exercise_id FROM routine_item i JOIN routine r ON r.id = i.routine_id "
            "WHERE r.uuid = ? ORDER BY i.position",
            routine_uuid,
        )
    ]


def step_exercises(db: Path, session_uuid: str) -> list[str]:
    return [
        e
        for (e,) in rows(
            db,
            "SELECT st.exercise_id FROM session_step st JOIN session s ON s.id = "
            "st.session_id WHERE s.uuid = ? ORDER BY st.step_index",
            session_uuid,
        )
    ]


def exercise_uuid(db: Path, exercise_id: str) -> str | None:
    found = rows(db, "SELECT uuid FROM exercise WHERE id = ?", exercise_id)
    return found[0][0] if found else None


@contextmanager
def opened(path: Path, clock: FrozenClock) -> Iterator[Store]:
    """One store at a time: the models are bound to the store opened last."""
    store = Store.open(path, clock)
    try:
        yield store
    finally:
        store.close()


@dataclass
class Machines:
    a: Path
    b: Path
    bridge: Exercise  # A's own exercise, here at B as my-bridge-2
    mine: Exercise  # B's own my-bridge
    evening: Routine  # A's routine using it
    session: str  # a session of A's with a step on it
    later: dict  # A's export after all that


@pytest.fixture
def machines(tmp_path: Path, clock: FrozenClock) -> Machines:
    """Machine A makes an own exercise "Bridge"; machine B has its own "Bridge" too, so A's first
    export brings A's in as my-bridge-2. Later A builds a routine on it and uses it."""
    a, b = tmp_path / "a" / "s.db", tmp_path / "b" / "s.db"
    with opened(a, clock) as store:
        bridge = store.library.save_exercise(own("Bridge"))
        first = plain_export(store)
    with opened(b, clock) as store:
        mine = store.library.save_exercise(own("Bridge", Area.NECK))
        assert store.exchange.import_data(first).renamed == [("my-bridge", "my-bridge-2")]
    with opened(a, clock) as store:
        evening = store.library.save_routine(routine("Evening", "my-bridge", "cat-cow"))
        session = do_session(store, clock, evening.id, "my-bridge")
        later = plain_export(store)
    return Machines(a, b, bridge, mine, evening, session, later)


# ---------------------------------------------------------------------- the one id mapping, by UUID


def test_a_routine_points_at_the_exercise_already_here_not_at_one_with_the_same_id(
    clock: FrozenClock, machines: Machines
) -> None:
    """The issue's first shape: the routine used to point, silently, at B's own my-bridge."""
    with opened(machines.b, clock) as store:
        result = store.exchange.import_data(machines.later)
    assert result.added["routines"] == 1 and result.already_there["exercises"] == 1 and result.renamed == []
    assert items_of(machines.b, machines.evening.uuid) == ["my-bridge-2", "cat-cow"]
    assert exercise_uuid(machines.b, "my-bridge-2") == machines.bridge.uuid
    assert exercise_uuid(machines.b, "my-bridge") == machines.mine.uuid
    assert step_exercises(machines.b, machines.session) == ["my-bridge-2"]


def test_an_exercise_here_under_another_id_whose_old_id_is_free_does_not_crash(
    clock: FrozenClock, machines: Machines
) -> None:
    """The issue's second shape: with B's own my-bridge deleted, the routine's item named an
    exercise that is not here: a FOREIGN KEY traceback. It is mapped to my-bridge-2."""
    with opened(machines.b, clock) as store:
        store.library.delete_exercise("my-bridge")
        result = store.exchange.import_data(machines.later)
    assert result.added["routines"] == 1
    assert items_of(machines.b, machines.evening.uuid) == ["my-bridge-2", "cat-cow"]
    assert step_exercises(machines.b, machines.session) == ["my-bridge-2"]
    assert exercise_uuid(machines.b, "my-bridge") is None  # not brought back under its old id


def test_a_routine_already_here_under_another_id_is_what_sessions_link_to(
    clock: FrozenClock, machines: Machines
) -> None:
    with opened(machines.b, clock) as store:
        store.library.save_routine(routine("Evening", "cat-cow"))  # B's own "Evening" takes my-evening
        store.exchange.import_data(machines.later)  # so A's comes in as my-evening-2
    assert rows(machines.b, "SELECT id FROM routine WHERE uuid = ?", machines.evening.uuid) == [("my-evening-2",)]
    with opened(machines.a, clock) as store:
        later = do_session(store, clock, machines.evening.id, "cat-cow")
        data = plain_export(store)
    with opened(machines.b, clock) as store:
        result = store.exchange.import_data(data)
    assert result.added["sessions"] == 1 and result.renamed == []
    assert rows(machines.b, "SELECT routine_id FROM session WHERE uuid = ?", later) == [("my-evening-2",)]


def test_renamed_and_mapped_in_one_file_each_reference_follows_its_own_record(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """B holds the file's my-b under the id my-a; the file's own my-a is new here. my-a must be
    renamed (my-a-2) and my-b mapped to my-a, and no reference may follow both steps."""
    a, b = tmp_path / "a" / "s.db", tmp_path / "b" / "s.db"
    with opened(a, clock) as store:
        ex_a = store.library.save_exercise(own("A"))
        ex_b = store.library.save_exercise(own("B"))
        loop = store.library.save_routine(routine("Loop", "my-a", "my-b"))
        session = do_session(store, clock, loop.id, "my-b")
        data = plain_export(store)
    seeded = copy.deepcopy(data)
    seeded.update(
        exercises=[dict(next(e for e in data["exercises"] if e["uuid"] == ex_b.uuid), id="my-a")],
        routines=[],
        sessions=[],
        checkins=[],
        day_marks=[],
    )
    with opened(b, clock) as store:
        store.exchange.import_data(seeded)
        assert exercise_uuid(b, "my-a") == ex_b.uuid
        dry = store.exchange.import_data(copy.deepcopy(data), dry_run=True)
        result = store.exchange.import_data(data)
    assert result.renamed == [("my-a", "my-a-2")] and dry.renamed == result.renamed
    assert (dry.added, dry.already_there) == (result.added, result.already_there)
    assert exercise_uuid(b, "my-a-2") == ex_a.uuid and exercise_uuid(b, "my-a") == ex_b.uuid
    assert items_of(b, loop.uuid) == ["my-a-2", "my-a"]
    assert step_exercises(b, session) == ["my-a"]


def test_a_dry_run_counts_exactly_what_the_import_adds(clock: FrozenClock, machines: Machines) -> None:
    with opened(machines.a, clock) as store:
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 4)], note="from A")
        data = plain_export(store)
    with opened(machines.b, clock) as store:
        store.checkins.add_checkin([PainEntry(Region.NECK, 2)])
        dry = store.exchange.import_data(copy.deepcopy(data), dry_run=True)
        result = store.exchange.import_data(data)
    assert dry.describe()[0].replace("Would add", "Added") == result.describe()[0]
    assert (dry.added, dry.already_there, dry.renamed) == (result.added, result.already_there, result.renamed)


def test_an_entry_removed_here_is_not_brought_back(tmp_path: Path, clock: FrozenClock) -> None:
    with opened(tmp_path / "a" / "s.db", clock) as store:
        session = do_session(store, clock, "one-minute", "cat-cow")
        data = plain_export(store)
    b = tmp_path / "b" / "s.db"
    with opened(b, clock) as store:
        store.exchange.import_data(copy.deepcopy(data))
        store.corrections.remove_entry(store.corrections.find_entry(session[:8]))
        result = store.exchange.import_data(data)
    assert result.added["sessions"] == 0 and result.removed_here["sessions"] == 1
    assert "Removed here earlier, so left out: 1 session." in result.describe()
    assert rows(b, "SELECT count(*) FROM session WHERE uuid = ?", session) == [(0,)]


# ---------------------------------------------------------------------- the lock


def demo_data(clock: FrozenClock, store: Store, years: int = 1) -> dict:
    from stretchtui.commands.demo_story import demo_export

    return demo_export(
        now=clock.now(),
        zone=clock.zone,
        routines=store.library.routines(),
        exercises={ex.id: ex for ex in store.library.exercises()},
        years=years,
        seed=3,
    )


def test_other_writers_are_not_held_up_while_a_file_is_read(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the file is checked and staged, another connection takes the write lock at once
    (busy timeout 0), after every batch; a real `stretchtui log` meanwhile is saved. The import
    takes the write lock once, for the merge."""
    store = Store.open(tmp_path / "s.db", clock)
    data = demo_data(clock, store)
    statements: list[str] = []
    store.db.connection().set_trace_callback(statements.append)
    written: list[int] = []
    flush = staging.Staging.flush

    def flush_then_write_elsewhere(self: staging.Staging) -> None:
        flush(self)
        if self.db.connection().in_transaction:
            return  # the merge itself
        other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO setting (key, value, updated_at) VALUES (?, '1', ?)",
                (f"test-writer-{len(written)}", FROZEN_AT.isoformat()),
            )
            other.execute("COMMIT")
        finally:
            other.close()
        if not written:
            env = dict(os.environ, STRETCHTUI_DB=str(store.path))
            logged = subprocess.run(
                [sys.executable, "-m", "stretchtui", "log", "--pain", "3", "--note", "written during an import"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert logged.returncode == 0, logged.stderr
        written.append(1)

    monkeypatch.setattr(staging, "BATCH_ROWS", 300)
    monkeypatch.setattr(staging.Staging, "flush", flush_then_write_elsewhere)
    result = store.exchange.import_data(data)
    assert len(written) >= 5
    begins = [i for i, s in enumerate(statements) if s.strip().upper().startswith("BEGIN IMMEDIATE")]
    assert len(begins) == 1
    merge = statements[
        begins[0] : next(
            i for i, s in enumerate(statements) if i > begins[0] and s.strip().upper() in ("COMMIT", "ROLLBACK")
        )
    ]
    # The merge is a few INSERT ... SELECT statements, however long the file: not one per record.
    # (The change counter's trigger runs once a row, traced again under the statement that fired it.)
    merge = [s for i, s in enumerate(merge) if i == 0 or s != merge[i - 1]]
    assert len(data["sessions"]) > 300 and len(merge) < 40, merge
    assert result.added["sessions"] == len(data["sessions"])
    assert rows(store, "SELECT count(*) FROM setting WHERE key LIKE 'test-writer-%'") == [(len(written),)]
    assert rows(store, "SELECT count(*) FROM checkin WHERE note = 'written during an import'") == [(1,)]
    store.close()


def test_a_file_refused_late_leaves_nothing_and_no_staging(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtui.core.exchange.reading import ImportFileError

    store = Store.open(tmp_path / "s.db", clock)
    data = demo_data(clock, store)
    data["day_marks"][-1]["kind"] = "holiday"  # the last record of the file
    monkeypatch.setattr(staging, "BATCH_ROWS", 300)
    with pytest.raises(ImportFileError, match=rf"day_marks\[{len(data['day_marks']) - 1}\]\.kind"):
        store.exchange.import_data(data)
    assert rows(store, "SELECT count(*) FROM session") == [(0,)]
    temp = store.db.execute_sql("SELECT name FROM sqlite_temp_master WHERE type = 'table'").fetchall()
    assert temp == []
    store.close()


# ---------------------------------------------------------------------- standard input


def test_standard_input_into_a_new_database(
    tmp_path: Path, clock: FrozenClock, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read twice (checked against the library first, so a bad file leaves no database): kept in
    an unnamed temporary file meanwhile. A dry run counts what the import then adds."""
    source = Store.open(tmp_path / "a.db", clock)
    text = json.dumps(demo_data(clock, source)).encode()
    source.close()
    target = tmp_path / "new" / "s.db"

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
        code = main(["--db", str(target), "import", "-", *args])
        return code, capsys.readouterr().out

    code, dry = run("--dry-run")
    assert code == 0 and dry.startswith("Would add: ") and not target.exists()
    code, done = run()
    assert code == 0 and done.splitlines()[0] == dry.splitlines()[0].replace("Would add", "Added")


def test_a_flare_day_goes_out_and_comes_back(tmp_path: Path, clock: FrozenClock) -> None:
    """The store keeps rest and flare days; an export that held a flare day used to be refused by
    its own import (only 'rest' was known)."""
    from stretchtui.core.entries import MarkKind

    with opened(tmp_path / "a" / "s.db", clock) as store:
        do_session(store, clock, "one-minute", "cat-cow")
        store.corrections.set_day_mark(clock.now().date(), MarkKind.FLARE, force=True)
        data = plain_export(store)
    assert [mark["kind"] for mark in data["day_marks"]] == ["flare"]
    b = tmp_path / "b" / "s.db"
    with opened(b, clock) as store:
        assert store.exchange.import_data(data).added["day_marks"] == 1
    assert rows(b, "SELECT kind FROM day_mark") == [("flare",)]
