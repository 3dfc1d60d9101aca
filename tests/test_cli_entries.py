"""`stretchtui entries`, `remove` and `undo` (issue 16): list with stable ids, remove one (asked on
a terminal, --yes in scripts), bring it back; a bad id is one line, exit 2, nothing changed."""

from __future__ import annotations

import io
import json

from stretchtui import cli
from stretchtui.core.checkins import PainEntry, Region


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_entries_lists_each_kind_newest_first_with_its_id(store, clock, db_path, capsys):
    old = store.checkins.add_checkin([PainEntry(Region.NECK, 10)], sitting_hours=9)
    clock.advance(3600)
    store.sessions.record_backfill("seven-in-seven", clock.now(), 10)
    store.close()
    code, out, err = run(capsys, "--db", str(db_path), "entries")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "DAY", "WHAT", "DETAILS"]
    assert "session" in lines[1] and "Seven in Seven" in lines[1]
    assert lines[2].startswith(old.uuid[:8]) and "Neck 10/10, sitting 9 h" in lines[2]
    assert lines[-1].startswith("(since ")

    code, out, _ = run(capsys, "--db", str(db_path), "entries", "--json")
    listed = json.loads(out)
    assert [e["kind"] for e in listed] == ["session", "checkin"]
    assert listed[1] == {
        "id": old.uuid[:8],
        "kind": "checkin",
        "uuid": old.uuid,
        "day": old.day.isoformat(),
        "at": old.at.isoformat(),
        "summary": "Neck 10/10, sitting 9 h",
    }


def test_entries_since_reaches_further_back(store, clock, db_path, capsys):
    store.checkins.add_checkin([PainEntry(Region.NECK, 2)], at=clock.now().replace(year=clock.now().year - 1))
    store.close()
    _, out, _ = run(capsys, "--db", str(db_path), "entries")
    assert out.startswith("Nothing recorded since")
    _, out, _ = run(capsys, "--db", str(db_path), "entries", "--since", "1990-01-01", "--json")
    assert len(json.loads(out)) == 1


def test_remove_then_undo(store, clock, db_path, capsys):
    wrong = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    store.close()
    code, out, err = run(capsys, "--db", str(db_path), "remove", wrong.uuid[:6], "--yes")
    assert code == 0 and err == "" and out.startswith("Removed the check-in of ")
    _, out, _ = run(capsys, "--db", str(db_path), "entries", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--db", str(db_path), "undo")
    assert code == 0 and out.startswith("Brought back the check-in of ") and "Neck 10/10" in out
    _, out, _ = run(capsys, "--db", str(db_path), "entries", "--json")
    assert [e["uuid"] for e in json.loads(out)] == [wrong.uuid]
    code, _, err = run(capsys, "--db", str(db_path), "undo")
    assert code == 1 and err.startswith("stretchtui: nothing to undo") and err.count("\n") == 1


def test_remove_asks_on_a_terminal(store, clock, db_path, capsys, monkeypatch):
    checkin = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, out, _ = run(capsys, "--db", str(db_path), "remove", checkin.uuid[:8])
    assert code == 1 and "Remove the check-in of" in out and "Nothing removed." in out
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, out, _ = run(capsys, "--db", str(db_path), "remove", checkin.uuid[:8])
    assert code == 0 and "Removed the check-in" in out


def test_an_id_that_names_nothing_is_one_line_exit_2_and_changes_nothing(store, clock, db_path, capsys):
    store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    store.close()
    before = db_path.read_bytes()
    for bad in ("deadbeef", "0000", "zzzz"):
        code, out, err = run(capsys, "--db", str(db_path), "remove", bad, "--yes")
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("stretchtui: ")
    assert db_path.read_bytes() == before


def test_sitting_hours_are_logged_alone(db_path, clock, capsys):
    code, out, err = run(capsys, "--db", str(db_path), "log", "--sitting", "9")
    assert code == 0 and err == "" and out.startswith("Noted sitting 9 h for ")
    clock.advance(60)
    code, out, _ = run(capsys, "--db", str(db_path), "log", "--note", "long meeting")
    assert code == 0 and out.startswith("Noted your note for ")
    _, out, _ = run(capsys, "--db", str(db_path), "entries", "--json")
    assert [e["summary"] for e in json.loads(out)] == ["“long meeting”", "sitting 9 h"]


def test_rest_and_flare_days_from_the_cli(store, clock, db_path, capsys):
    from datetime import timedelta

    store.sessions.record_backfill("seven-in-seven", clock.now() - timedelta(days=5), 10)
    store.sessions.record_backfill("seven-in-seven", clock.now(), 10)
    store.close()
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    code, out, _ = run(capsys, "--db", str(db_path), "rest", "--date", yesterday)
    assert code == 0 and "is now a rest day" in out
    code, out, _ = run(capsys, "--db", str(db_path), "rest", "--date", yesterday, "--flare")
    assert code == 0 and "is now a flare day" in out
    code, _, err = run(capsys, "--db", str(db_path), "rest")  # today met the goal
    assert code == 2 and "already met your goal: it needs no rest day" in err
    long_ago = (clock.now() - timedelta(days=40)).date().isoformat()
    code, _, err = run(capsys, "--db", str(db_path), "rest", "--date", long_ago)
    assert code == 2 and "before anything you recorded here" in err and "--force" in err
    code, out, _ = run(capsys, "--db", str(db_path), "rest", "--date", long_ago, "--force")
    assert code == 0 and "now a rest day" in out


def test_remove_and_undo_on_a_read_only_database_say_how_to_fix_it(store, clock, db_path, capsys):
    import os

    checkin = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    store.close()
    os.chmod(db_path, 0o400)
    try:
        for args in (["remove", checkin.uuid[:8], "--yes"], ["undo"]):
            code, out, err = run(capsys, "--db", str(db_path), *args)
            assert code == 1 and out == "" and "read-only" in err and "chmod u+w" in err, err
        assert oct(db_path.stat().st_mode & 0o777) == "0o400"
    finally:
        os.chmod(db_path, 0o600)


def test_a_removal_that_came_in_a_file_cannot_be_undone_and_says_so(tmp_path, store, clock, capsys):
    import json as jsonlib

    from stretchtui.core.exchange.writing import to_plain
    from stretchtui.store import Store

    checkin = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    store.corrections.remove_entry(store.corrections.find_entry(checkin.uuid))
    data = jsonlib.loads(
        jsonlib.dumps(to_plain(store.exchange.export_bundle(), exported_at=clock.now(), app_version="t"))
    )
    other_path = tmp_path / "other.db"
    other = Store.open(other_path, clock)
    other.exchange.import_data(data)
    other.close()
    code, _, err = run(capsys, "--db", str(other_path), "remove", checkin.uuid[:8], "--yes")
    assert code == 2 and "cannot be brought back" in err and "undo" not in err


def test_a_removal_of_the_wrong_kind_is_refused_whole(store, clock):
    import json as jsonlib

    import pytest

    from stretchtui.core.exchange.reading import ImportFileError
    from stretchtui.core.exchange.writing import to_plain

    checkin = store.checkins.add_checkin([PainEntry(Region.NECK, 10)])
    data = jsonlib.loads(
        jsonlib.dumps(to_plain(store.exchange.export_bundle(), exported_at=clock.now(), app_version="t"))
    )
    data["checkins"] = []
    data["removed"] = [{"kind": "session", "uuid": checkin.uuid, "removed_at": "2026-11-20T10:00:00Z"}]
    with pytest.raises(ImportFileError, match="^removed: .* is a checkin here, not a session$"):
        store.exchange.import_data(data)
    assert store.corrections.removed_uuids() == set() and [c.uuid for c in store.checkins.checkins()] == [checkin.uuid]


def test_a_marked_flare_day_is_in_the_weekly_report(store, clock, db_path, capsys):
    from datetime import timedelta

    store.checkins.add_checkin([PainEntry(Region.NECK, 2)], at=clock.now() - timedelta(days=3))
    store.close()
    day = (clock.now() - timedelta(days=1)).date()
    assert run(capsys, "--db", str(db_path), "rest", "--date", day.isoformat(), "--flare")[0] == 0
    code, out, _ = run(capsys, "--db", str(db_path), "report", "--output", "-")
    from stretchtui.core.days import day_label

    assert code == 0
    assert f"Flare days (marked, or pain 7 or more): {day_label(day, clock.now().date())} (marked; no session)" in out
