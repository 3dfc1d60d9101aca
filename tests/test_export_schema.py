"""The records are defined once (core.model): the export format's schema is generated from them,
and what the export writes for an own exercise or routine is exactly what that schema allows."""

from __future__ import annotations

import json
from pathlib import Path

from stretchtui.core import records
from stretchtui.core.exchange.bundle import OwnExercise, OwnRoutine
from stretchtui.core.exchange.writing import own_exercise_to_plain, own_routine_to_plain
from stretchtui.core.library import load_library
from stretchtui.core.model import Exercise, Origin, RoutineItem
from stretchtui.store.rows import exercise_from_row, exercise_values

DOC = Path(__file__).resolve().parents[1] / "docs" / "export-format.md"


def test_the_documented_schema_is_the_one_the_records_give() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(records.SCHEMA_START), text.index(records.SCHEMA_END) + len(records.SCHEMA_END)
    assert text[start:end] == records.schema_section(), "run: python -m stretchtui.core.records"


def test_an_own_exercise_and_routine_write_every_schema_key_and_no_other(clock) -> None:
    library = load_library()
    exercise = library.exercises["cat-cow"]
    mine = Exercise(
        **{
            **{spec.name: getattr(exercise, spec.name) for spec in records.specs(Exercise)},
            "id": "my-cat",
            "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10",
            "origin": Origin.USER,
            "easier": "Smaller range, on your forearms.",
        }
    )
    routine = next(iter(library.routines.values()))
    plain_exercise = own_exercise_to_plain(OwnExercise(mine, clock.now(), clock.now()))
    plain_routine = own_routine_to_plain(OwnRoutine(routine, clock.now(), clock.now()))
    schema = records.file_schema()["$defs"]
    assert set(plain_exercise) == set(schema["Exercise"]["properties"])
    assert set(plain_routine) == set(schema["Routine"]["properties"])
    assert set(plain_routine["items"][0]) <= set(schema["RoutineItem"]["properties"])
    assert plain_exercise["easier"] == "Smaller range, on your forearms."


def test_a_field_goes_through_the_store_row_unchanged() -> None:
    exercise = load_library().exercises["cat-cow"]
    row = {**exercise_values(exercise), "id": exercise.id, "uuid": "u", "origin": "seed", "favourite": True}
    assert exercise_from_row(row) == Exercise(**{**exercise.__dict__, "uuid": "u", "favourite": True})
    assert records.to_plain(RoutineItem("cat-cow", reps=3)) == {"exercise": "cat-cow", "reps": 3}


def test_the_export_keeps_the_format_2_key_order() -> None:
    """Byte-for-byte: own exercises and routines are written with the keys in the order format 2 had."""
    exercise = load_library().exercises["cat-cow"]
    keys = list(records.to_plain(exercise, skip={"origin"}))
    assert keys == [
        "uuid",
        "id",
        "name",
        "aliases",
        "areas",
        "kind",
        "position",
        "equipment",
        "desk_friendly",
        "intensity",
        "dose",
        "steps",
        "feel",
        "cautions",
        "sources",
        "breathing",
        "note",
        "contraindications",
        "favourite",
    ]  # `easier` only when given: format 2 files stay as they were
    assert list(records.to_plain(exercise.dose)) == [
        "hold_seconds",
        "reps",
        "sets",
        "sides",
        "pace_seconds",
        "rest_seconds",
    ]
    routine = next(iter(load_library().routines.values()))
    assert list(records.to_plain(routine, skip={"origin"})) == [
        "uuid",
        "id",
        "name",
        "rest_between_seconds",
        "items",
        "description",
        "sources",
    ]
    assert json.dumps(records.to_plain(routine.items[0]))  # plain data


def test_the_easier_version_goes_from_the_form_rules_to_the_store_and_through_a_file(store, tmp_path, clock) -> None:
    """The field added to show a field is one definition: the rules, the row, export and import
    all carry it without being told about it; a file written before it imports as before."""
    from stretchtui.core import validation
    from stretchtui.store.store import Store

    entry = {
        "id": "my-new",
        "name": "Chair twist",
        "areas": ["mid-upper-back"],
        "kind": "mobility",
        "position": "seated",
        "intensity": 1,
        "steps": ["Turn."],
        "dose": {"hold_seconds": 20},
        "easier": "Turn only halfway.",
    }
    saved = store.library.save_exercise(
        Exercise(**{**validation.exercise(entry, origin=Origin.USER).__dict__, "id": ""})
    )
    assert store.library.exercise(saved.id).easier == "Turn only halfway."
    bundle = store.exchange.export_bundle()
    other = Store.open(tmp_path / "other.db", clock)
    try:
        from stretchtui.core.exchange.writing import to_plain

        plain = to_plain(bundle, exported_at=clock.now(), app_version="test")
        assert plain["exercises"][0]["easier"] == "Turn only halfway."
        other.exchange.import_data(plain)
        assert other.library.exercise(saved.id).easier == "Turn only halfway."
        without = {
            **plain,
            "exercises": [
                {k: v for k, v in plain["exercises"][0].items() if k != "easier"}
                | {"uuid": "0f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a11", "id": "my-older"}
            ],
            "routines": [],
        }
        other.exchange.import_data(without)
        assert other.library.exercise("my-older").easier == ""
    finally:
        other.close()
    too_long = {**entry, "easier": "x" * 2001}
    try:
        validation.exercise(too_long, origin=Origin.USER)
    except validation.FieldError as error:
        assert str(error) == "easier: is 2001 characters long; the limit is 2000"
    else:
        raise AssertionError("an easier version over the limit was accepted")
