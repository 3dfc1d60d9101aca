"""A damaged value inside a record (a time that does not parse, text that is not UTF-8) does not
stop `export`: the rest is exported, each bad record is named on stderr, and the exit status is 1.
`doctor` finds such values. `doctor --fix` never follows a symlinked backups/ folder.

Issue 15: one bad timestamp ended `stretchtui export` with a traceback and no file at all; and
`doctor --fix` made whatever a symlinked backups/ pointed at, and the files in it, 0700/0600.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE, checkpoint, copy_database, private_home

from stretchtui.cli import main
from stretchtui.core.clock import FrozenClock
from stretchtui.core.model import Area, Dose, Exercise, Kind, Origin, Position, Routine, RoutineItem
from stretchtui.store import Store

# One pytest-xdist worker runs the whole module, so its module-scoped set-up is built once.
pytestmark = pytest.mark.xdist_group("test_damaged_values")

NOT_UTF8 = "CAST(x'ff41fe' AS TEXT)"


@pytest.fixture(scope="module")
def year_of_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A year of history with an own exercise in an own routine, written once for the module;
    the database and the two uuids."""
    from stretchtui.commands.demo import write_demo

    folder = tmp_path_factory.mktemp("year-of-history")
    db = folder / "stretchtui.db"
    with private_home(folder):
        store, _ = write_demo(db, FrozenClock(FROZEN_AT, ZONE), years=1, seed=2)
        own = store.library.save_exercise(
            Exercise(
                id="",
                name="Wall slide",
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
        wall = store.library.save_routine(Routine(id="", name="Wall", items=(RoutineItem(own.id),), origin=Origin.USER))
        store.close()
    checkpoint(db)
    return db, own.uuid, wall.uuid


@pytest.fixture
def damaged(tmp_path: Path, year_of_history: tuple[Path, str, str]) -> tuple[Path, dict[str, str]]:
    """A copy of the year of history, then five values damaged in place, as a bad disk or another
    program might; returns the database and the damaged uuids."""
    template, own_uuid, wall_uuid = year_of_history
    db = copy_database(template, tmp_path / "data" / "stretchtui.db")
    conn = sqlite3.connect(db)
    uuid = {
        table: conn.execute(f"SELECT uuid FROM {table} ORDER BY id LIMIT 1 OFFSET 3").fetchone()[0]
        for table in ("session", "session_step", "checkin", "day_mark")
    }
    uuid["exercise"], uuid["routine"] = own_uuid, wall_uuid
    conn.execute("UPDATE session SET started_at = 'yesterday-ish' WHERE uuid = ?", (uuid["session"],))
    conn.execute(f"UPDATE session_step SET exercise_name = {NOT_UTF8} WHERE uuid = ?", (uuid["session_step"],))
    conn.execute("UPDATE checkin SET day = '2026-02-31' WHERE uuid = ?", (uuid["checkin"],))
    conn.execute("UPDATE day_mark SET at = '2026-13-01T00:00:00+00:00' WHERE uuid = ?", (uuid["day_mark"],))
    conn.execute("UPDATE exercise SET areas = '[\"mid-upper-back\"' WHERE uuid = ?", (uuid["exercise"],))
    conn.commit()
    conn.close()
    return db, uuid


def test_export_leaves_out_and_names_what_does_not_read(
    damaged, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, uuid = damaged
    conn = sqlite3.connect(db)
    sessions, checkins, marks = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("session", "checkin", "day_mark")
    )
    conn.close()
    target = tmp_path / "out.json"
    code = main(["--db", str(db), "export", "--output", str(target)])
    out, err = capsys.readouterr()
    assert code == 1
    lines = err.splitlines()
    for table, field in (
        ("session", "started_at"),
        ("session_step", "exercise_name"),
        ("checkin", "day"),
        ("day_mark", "at"),
        ("exercise", "areas"),
    ):
        (named,) = [line for line in lines if line.startswith(f"export: {table} {uuid[table]}: {field}: ")]
    assert (
        f"export: routine {uuid['routine']}: item: uses the exercise my-wall-slide, which could not be "
        "read: left out" in lines
    )  # a routine on a left-out exercise would make the file unimportable
    assert lines[-1].startswith("export: 6 records with values that cannot be read (named above)")
    assert out.startswith("Exported ")
    data = json.loads(target.read_text())
    assert len(data["sessions"]) == sessions - 1 and len(data["checkins"]) == checkins - 1
    assert len(data["day_marks"]) == marks - 1 and data["exercises"] == []
    assert uuid["routine"] not in {r["uuid"] for r in data["routines"]}
    assert uuid["session_step"] not in {step["uuid"] for s in data["sessions"] for step in s["steps"]}
    assert main(["--db", str(tmp_path / "elsewhere" / "s.db"), "import", str(target)]) == 0  # what it wrote reads

    tables = tmp_path / "tables"
    assert main(["--db", str(db), "export", "--format", "csv", "--output", str(tables)]) == 1
    err = capsys.readouterr().err
    assert err.count(f"session {uuid['session']}: started_at") == 1  # named once, though read for two tables
    assert (tables / "steps.csv").read_text().count("\n") > 100


def test_doctor_names_every_value_that_does_not_read(damaged, capsys: pytest.CaptureFixture[str]) -> None:
    db, uuid = damaged
    code = main(["--db", str(db), "doctor"])
    lines = [line for line in capsys.readouterr().out.splitlines() if " values: " in line]
    assert code == 1
    assert [line.split(":")[0].split()[-1] for line in lines] == ["values"] * 5
    for table, field in (
        ("session", "started_at"),
        ("session_step", "exercise_name"),
        ("checkin", "day"),
        ("day_mark", "at"),
        ("exercise", "areas"),
    ):
        assert any(f"values: {table} {uuid[table]}: {field}: " in line for line in lines), (table, lines)
    assert "stretchtui export leaves these records out" in lines[-1]


def test_doctor_passes_values_that_read(db_path: Path, store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.close()
    main(["--db", str(db_path), "doctor"])
    assert "ok       values: every time, day and text reads" in capsys.readouterr().out.splitlines()


def test_doctor_fix_never_follows_a_symlinked_backups_folder(
    tmp_path: Path, db_path: Path, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    store.backup_daily()
    store.close()
    real_backups = db_path.parent / "backups"
    outside = tmp_path / "shared"  # somebody else's folder, out of the data directory
    real_backups.rename(outside)
    os.chmod(outside, 0o755)
    for path in outside.iterdir():
        os.chmod(path, 0o644)
    (outside / "notes.txt").write_text("not stretchtui's")
    os.chmod(outside / "notes.txt", 0o644)
    real_backups.symlink_to(outside)
    os.chmod(db_path, 0o644)  # something --fix should fix
    before = {path.name: stat.S_IMODE(path.stat().st_mode) for path in [outside, *outside.iterdir()]}

    code = main(["--db", str(db_path), "doctor", "--fix"])
    lines = capsys.readouterr().out.splitlines()
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in [outside, *outside.iterdir()]} == before
    (warned,) = [line for line in lines if "backup directory:" in line]
    assert warned.startswith("warn") and "symbolic link" in warned and "not followed" in warned
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert code == 0 and real_backups.is_symlink()


def test_a_link_swapped_in_is_not_followed(tmp_path: Path) -> None:
    from stretchtui.store.doctor_privacy import chmod_not_following

    target = tmp_path / "target"
    target.write_text("x")
    os.chmod(target, 0o644)
    link = tmp_path / "backups"
    link.mkdir()
    (link / "copy.db").symlink_to(target)
    assert chmod_not_following(link / "copy.db", 0o600, folder_too=True) is False
    assert chmod_not_following(tmp_path / "gone", 0o600) is False
    swapped = tmp_path / "swapped"
    swapped.symlink_to(link)
    assert chmod_not_following(swapped, 0o700, directory=True) is False
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
