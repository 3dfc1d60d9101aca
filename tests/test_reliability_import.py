"""Reliability item 12: at least 1,000 generated malformed import files (wrong types, missing fields,
huge strings, unknown versions, duplicate ids, dates outside the window of
core.instants (years 1 to 9999, any offset), random JSON and bytes): no crash, and
never a partial write. Each file is either refused whole with a one-line error naming where, or
(a mutation that happens to stay valid) imported whole."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FROZEN_AT, ZONE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.exchange.reading import ImportFileError, loads
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.model import Area, Dose, Exercise, Kind, Origin, Position, Routine, RoutineItem
from stretchtui.core.sessions import SessionStatus, StepRecord
from stretchtui.store import Store, models

# One pytest-xdist worker runs the whole module, so its module-scoped export and store are built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_reliability_import")]
TABLES = (
    models.Exercise,
    models.Routine,
    models.RoutineItem,
    models.Session,
    models.SessionStep,
    models.Checkin,
    models.CheckinPain,
    models.DayMark,
    models.Setting,
)


def valid_export(tmp: Path) -> dict[str, Any]:
    """A small but complete export: every section and record kind is present."""
    clock = FrozenClock(FROZEN_AT - timedelta(days=3), ZONE)
    store = Store.open(tmp / "source.db", clock)
    own = store.library.save_exercise(
        Exercise(
            id="",
            name="Wall angel",
            areas=(Area.MID_UPPER_BACK,),
            kind=Kind.MOBILITY,
            position=Position.STANDING,
            dose=Dose(reps=8),
            steps=("Back to the wall.",),
            feel="",
            cautions=(),
            intensity=1,
            origin=Origin.USER,
        )
    )
    store.library.save_routine(
        Routine(
            id="",
            name="Desk reset",
            origin=Origin.USER,
            items=(RoutineItem(own.id), RoutineItem("cat-cow", hold_seconds=20)),
        )
    )
    store.library.set_favourite("cat-cow", True)
    for day in range(3):
        info = store.sessions.start_session("my-desk-reset", "Desk reset", 90, pain_before=5 - day)
        for index, outcome in enumerate(("done", "hurt" if day == 1 else "done")):
            clock.advance(30)
            store.sessions.record_step(
                info.id,
                StepRecord(
                    index, own.id, own.name, 1, "both", 0, 24.0, 8, 8, outcome, 4 if outcome == "hurt" else None
                ),
                active_seconds=30.0 * (index + 1),
                resume_state=None,
            )
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=3)
        store.checkins.add_checkin(
            [PainEntry(Region.LOWER_BACK, 5 - day), PainEntry(Region.LEG, 2, "left")],
            sitting_hours=8.5,
            note=f"day {day}",
            session_id=info.id,
        )
        clock.advance(24 * 3600)
    store.corrections.mark_rest_day(clock.now().date())  # today: nothing done yet
    store.settings.set("goal_minutes", 10)
    store.settings.set("suggest_place", "desk")
    data = to_plain(store.exchange.export_bundle(), exported_at=clock.now(), app_version="test")
    store.close()
    return json.loads(json.dumps(data))


def leaf_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += leaf_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += leaf_paths(value, prefix + (index,))
    return paths


def parent_of(doc: Any, path: tuple) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
INSTANT_KEYS = {"at", "started_at", "ended_at", "created_at", "updated_at", "exported_at"}
DAY_KEYS = {"day"}


@st.composite
def malformed(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    doc = copy.deepcopy(base)
    kind = draw(
        st.sampled_from(
            ["wrong-type", "missing", "huge", "version", "duplicate", "odd-date", "random-json", "bytes", "truncated"]
        )
    )
    paths = leaf_paths(doc)
    if kind == "wrong-type":
        path = draw(st.sampled_from(paths))
        parent_of(doc, path)[path[-1]] = draw(json_values)
    elif kind == "missing":
        path = draw(st.sampled_from([p for p in paths if isinstance(p[-1], str)]))
        del parent_of(doc, path)[path[-1]]
    elif kind == "huge":
        path = draw(st.sampled_from(paths))
        parent_of(doc, path)[path[-1]] = draw(st.sampled_from(["x", "é", "💥", "\u202e"])) * draw(
            st.sampled_from([2001, 10**5, 10**6])
        )
    elif kind == "version":
        doc["format_version"] = draw(st.one_of(st.integers(-5, 10**9), st.text(max_size=4), st.none(), st.floats()))
    elif kind == "duplicate":
        section = draw(st.sampled_from(["sessions", "checkins", "day_marks", "exercises", "routines"]))
        record = copy.deepcopy(draw(st.sampled_from(doc[section])))
        if draw(st.booleans()) and "id" in record:  # same id, new uuid
            record["uuid"] = "0c6a0f5e-2b1c-4e8e-9d7a-3c2b1a0f9e8d"
        doc[section].append(record)
    elif kind == "odd-date":  # outside the fixed window of core.instants, up to the calendar's ends
        path = draw(st.sampled_from([p for p in paths if p[-1] in INSTANT_KEYS | DAY_KEYS]))
        moment = draw(
            st.one_of(
                st.datetimes(max_value=datetime(1969, 12, 31, 23, 59)), st.datetimes(min_value=datetime(2200, 1, 1))
            )
        )
        offset = draw(st.sampled_from(["Z", "+14:00", "-12:00", "+01:00"]))
        parent_of(doc, path)[path[-1]] = (
            moment.date().isoformat() if path[-1] in DAY_KEYS else moment.isoformat() + offset
        )
    elif kind == "random-json":
        doc = draw(json_values)
    elif kind == "bytes":
        return draw(st.binary(max_size=300))
    text = json.dumps(doc, allow_nan=True).encode()
    if kind == "truncated" or draw(st.integers(0, 20)) == 0:
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return text


# Every table's rows counted in one statement: peewee's `count()` per table built nine queries
# twice per example, 40% of the test's time.
COUNT_ROWS = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{table._meta.table_name}")' for table in TABLES)


def row_counts() -> dict[str, int]:
    row = models.Exercise._meta.database.execute_sql(COUNT_ROWS).fetchone()
    return dict(zip((table.__name__ for table in TABLES), row, strict=True))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return valid_export(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory):
    store = Store.open(tmp_path_factory.mktemp("target") / "s.db", FrozenClock(FROZEN_AT, ZONE))
    yield store
    store.close()


def test_generated_malformed_files_never_crash_and_never_write_part(base: dict, target: Store) -> None:
    """A thousand mutations of a valid export: each is refused in one line with nothing written,
    or imported whole. Most must be refusals, or the generator is not testing the validator (counted
    here, in this test: no other test's state is read)."""
    outcomes = {"refused": 0, "imported": 0}

    @settings(
        max_examples=1000,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(data=st.data())
    def one_file(data) -> None:
        content = data.draw(malformed(base))
        before = row_counts()
        try:
            result = target.exchange.import_data(loads(content))
        except ImportFileError as error:
            outcomes["refused"] += 1
            message = str(error)
            assert message and "\n" not in message and len(message) < 400
            assert row_counts() == before  # nothing written
            return
        outcomes["imported"] += 1  # still valid after the mutation: then it went in whole
        after = row_counts()
        assert after["Session"] - before["Session"] == result.added["sessions"]
        assert after["SessionStep"] - before["SessionStep"] == result.added["steps"]
        assert after["Checkin"] - before["Checkin"] == result.added["checkins"]

    one_file()
    total = outcomes["refused"] + outcomes["imported"]
    assert total >= 1000
    assert outcomes["refused"] >= 0.8 * total
