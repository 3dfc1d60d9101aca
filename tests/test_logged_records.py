"""Sessions, steps, check-ins (with their pains), day marks and tombstones are each defined once
(core.sessions, core.checkins, core.entries): the import's rules, the export's keys and their
order, the staging and CSV columns and the schema in docs/export-format.md all come from that
definition."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stretchtui.core import records
from stretchtui.core.checkins import Checkin, PainEntry
from stretchtui.core.entries import DayMark, Tombstone
from stretchtui.core.exchange.reading import ImportFileError, parse_export
from stretchtui.core.exchange.writing import CSV_TABLES, to_plain
from stretchtui.core.sessions import LoggedStep, SessionRecord
from stretchtui.store import staging

SESSION = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10"
STEP = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a11"
CHECKIN = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a12"
MARK = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a13"
GONE = "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a14"


def a_file() -> dict[str, Any]:
    """A small export with one record of each logged kind, every field given, in file order."""
    when = {"zone": "Europe/Berlin", "day": "2026-11-20"}
    return {
        "format": "stretchtui-export",
        "format_version": 2,
        "app_version": "test",
        "exported_at": "2026-11-21T08:00:00.000000Z",
        "settings": {},
        "favourites": [],
        "exercises": [],
        "routines": [],
        "sessions": [
            {
                "uuid": SESSION,
                "routine_id": None,
                "routine_name": "Desk reset",
                "source": "backfill",
                "status": "complete",
                "started_at": "2026-11-20T08:00:00.000000Z",
                **when,
                "ended_at": "2026-11-20T08:10:00.000000Z",
                "planned_seconds": 600,
                "active_seconds": 540.5,
                "pain_before": 4,
                "pain_after": None,
                "program_id": "lower-back-starter",  # the prescription in force (issue 18)
                "program_version": 1,
                "steps": [
                    {
                        "uuid": STEP,
                        "step_index": 0,
                        "exercise_id": "cat-cow",
                        "exercise_name": "Cat-cow",
                        "set_number": 1,
                        "side": "left",
                        "planned_hold_seconds": 0,
                        "actual_hold_seconds": 31.5,
                        "planned_reps": 10,
                        "reps_done": 10,
                        "outcome": "hurt",
                        "hurt_pain": 6,
                        "at": "2026-11-20T08:01:00.000000Z",
                        **when,
                    }
                ],
            }
        ],
        "checkins": [
            {
                "uuid": CHECKIN,
                "at": "2026-11-20T07:59:00.000000Z",
                **when,
                "source": "session",
                "sitting_hours": 7.5,
                "no_comfortable_position": True,
                "note": "stiff",
                "session_uuid": SESSION,
                "pains": [{"region": "leg", "side": "right", "pain": 3}],
            }
        ],
        "day_marks": [
            {"uuid": MARK, "day": "2026-11-19", "kind": "flare", "at": "2026-11-20T09:00:00.000000Z", "zone": "UTC"}
        ],
        "removed": [{"kind": "checkin", "uuid": GONE, "removed_at": "2026-11-20T10:00:00.000000Z"}],
    }


def test_a_file_goes_through_the_import_checks_and_back_unchanged(clock) -> None:
    """Key for key and in the same order: what the export writes is what the definitions say."""
    written = to_plain(parse_export(a_file(), now=clock.now()), exported_at=clock.now(), app_version="test")
    given = a_file()
    for section in ("sessions", "checkins", "day_marks", "removed"):
        assert written[section] == given[section]
        assert [list(record) for record in written[section]] == [list(record) for record in given[section]]
    assert list(written["sessions"][0]["steps"][0]) == list(given["sessions"][0]["steps"][0])
    assert list(written["checkins"][0]["pains"][0]) == ["region", "side", "pain"]


@pytest.mark.parametrize(
    ("section", "cls"),
    [
        ("sessions", SessionRecord),
        ("checkins", Checkin),
        ("day_marks", DayMark),
        ("removed", Tombstone),
    ],
)
def test_each_record_writes_its_schema_keys_in_the_schema_order(clock, section: str, cls: type) -> None:
    written = to_plain(parse_export(a_file(), now=clock.now()), exported_at=clock.now(), app_version="test")
    schema = records.file_schema()
    assert list(written[section][0]) == list(schema["$defs"][cls.__name__]["properties"])
    assert schema["properties"][section]["items"] == {"$ref": f"#/$defs/{cls.__name__}"}
    assert list(written["sessions"][0]["steps"][0]) == list(schema["$defs"]["LoggedStep"]["properties"])
    assert list(written["checkins"][0]["pains"][0]) == list(schema["$defs"]["PainEntry"]["properties"])
    assert list(schema["properties"]) == list(written)  # the whole file: every section, in file order


def test_what_an_older_file_leaves_out_takes_the_definitions_default(clock) -> None:
    data = a_file()
    step = data["sessions"][0]["steps"][0]
    for key in ("set_number", "side", "planned_hold_seconds", "actual_hold_seconds", "reps_done", "hurt_pain"):
        del step[key]
    for key in ("source", "sitting_hours", "note"):
        del data["checkins"][0][key]
    del data["checkins"][0]["pains"][0]["side"]
    del data["day_marks"][0]["kind"]
    bundle = parse_export(data, now=clock.now())
    assert {k: bundle.sessions[0]["steps"][0][k] for k in ("set_number", "side", "reps_done", "hurt_pain")} == {
        "set_number": 1,
        "side": "both",
        "reps_done": 0,
        "hurt_pain": None,
    }
    checkin = bundle.checkins[0]
    assert (checkin["source"], checkin["sitting_hours"], checkin["note"]) == ("app", None, "")
    assert checkin["pains"][0]["side"] == "" and bundle.day_marks[0]["kind"] == "rest"
    assert type(checkin["source"]) is str  # a default is stored as its plain value


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["sessions"][0].update(source="app"),
            "sessions[0].source: 'app' is not one of: 'live', 'backfill'",
        ),
        (
            lambda d: d["checkins"][0].update(source="live"),
            "checkins[0].source: 'live' is not one of: 'app', 'cli', 'session'",
        ),
        (
            lambda d: d["checkins"][0]["pains"][0].update(side="both"),
            "checkins[0].pains[0].side: 'both' is not one of: '', 'left', 'right'",
        ),
        (
            lambda d: d["checkins"][0].update(sitting_hours=7.25),
            "checkins[0].sitting_hours: must be in half hours (7 or 7.5), not 7.25",
        ),
        (
            lambda d: d["sessions"][0]["steps"][0].update(reps_done=1001),
            "sessions[0].steps[0].reps_done: must be between 0 and 1000, not 1001",
        ),
        (lambda d: d["day_marks"][0].update(kind="sick"), "day_marks[0].kind: 'sick' is not one of: 'rest', 'flare'"),
        (lambda d: d["removed"][0].update(when="now"), "removed[0].when: is not a known field"),
    ],
)
def test_the_rules_from_the_definitions_keep_the_one_line_messages(clock, change, message: str) -> None:
    data = copy.deepcopy(a_file())
    change(data)
    with pytest.raises(ImportFileError) as error:
        parse_export(data, now=clock.now())
    assert str(error.value) == message


def test_the_staging_and_csv_columns_are_the_records_fields() -> None:
    """The store's staging tables and the CSV tables name the fields of the definitions."""
    assert staging.SESSION_COLUMNS == CSV_TABLES["sessions"] == records.columns(SessionRecord)
    assert staging.STEP_COLUMNS == tuple(spec.name for spec in records.file_specs(LoggedStep))
    assert CSV_TABLES["steps"] == ("uuid", "session_uuid", *staging.STEP_COLUMNS[1:])
    assert CSV_TABLES["checkins"] == (*staging.CHECKIN_COLUMNS, "session_uuid")
    assert CSV_TABLES["checkin_pains"] == ("checkin_uuid", *staging.PAIN_COLUMNS)
    assert staging.PAIN_COLUMNS == tuple(spec.name for spec in records.file_specs(PainEntry))
    assert staging.MARK_COLUMNS == CSV_TABLES["day_marks"] == records.columns(DayMark)
    assert CSV_TABLES["removed"] == records.columns(Tombstone)
