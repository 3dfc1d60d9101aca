"""`stretchtui function` (issue 18): rate up to three activities 0-10 a week, list them (text and
--json), rename or drop one; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

from stretchtui import cli
from stretchtui.store import Store


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rate_then_list_in_text_and_json(db_path, clock, capsys) -> None:
    db = ["--db", str(db_path)]
    code, out, err = run(capsys, *db, "function", "--rate", "sit through a meeting=6", "--rate", "put on socks=4")
    assert code == 0 and err == ""
    assert "Rated sit through a meeting: 6/10 this week." in out
    assert "0 = can't do it, 10 = as before" in out
    lines = out.splitlines()
    assert lines[-2].split()[-1] == "6" and lines[-1].split()[-1] == "4"
    assert lines[-3].split()[-2:] == ["16", "Nov"]  # this week: Monday 16 Nov 2026
    code, out, _ = run(capsys, *db, "function", "--rate", "put on socks=5")  # same week: replaced
    code, out, _ = run(capsys, *db, "function", "--json")
    data = json.loads(out)
    assert code == 0 and data["week"] == "2026-11-16" and data["scale"] == "0 = can't do it, 10 = as before"
    assert data["activities"] == [
        {"activity": "sit through a meeting", "current": True, "weeks": [{"week": "2026-11-16", "rating": 6}]},
        {"activity": "put on socks", "current": True, "weeks": [{"week": "2026-11-16", "rating": 5}]},
    ]


def test_a_fourth_activity_is_refused_naming_the_three_and_nothing_is_written(db_path, clock, capsys) -> None:
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "function", "--rate", "a=1", "--rate", "b=2", "--rate", "c=3")[0] == 0
    before = db_path.read_bytes()
    code, out, err = run(capsys, *db, "function", "--rate", "a=9", "--rate", "d=4")
    assert code == 2 and out == ""
    assert err.strip() == (
        'stretchtui: --rate: \'d\' would be a fourth activity; you rate at most 3: "a", "b", "c" '
        "(remove or rename one first)"
    )
    assert db_path.read_bytes() == before
    store = Store.open(db_path, clock)
    try:
        assert [r.rating for r in store.function.ratings()] == [1, 2, 3]  # a=9 was not kept either
    finally:
        store.close()


def test_rename_and_drop_keep_past_ratings_readable(db_path, clock, capsys) -> None:
    db = ["--db", str(db_path)]
    store = Store.open(db_path, clock)
    store.function.rate("socks", 3, at=clock.now() - timedelta(days=7))
    store.close()
    assert run(capsys, *db, "function", "--rate", "socks=5")[0] == 0
    code, out, _ = run(capsys, *db, "function", "--rename", "socks=put on socks")
    assert code == 0 and "Renamed socks to put on socks." in out
    code, out, _ = run(capsys, *db, "function", "--drop", "PUT ON SOCKS", "--json")
    [former] = json.loads(out)["activities"]
    assert former["activity"] == "put on socks" and not former["current"]
    assert [w["rating"] for w in former["weeks"]] == [3, 5]
    code, out, _ = run(capsys, *db, "function")
    assert "put on socks" in out and "(no longer rated)" in out


def test_the_list_without_a_database_creates_nothing(tmp_path, capsys) -> None:
    target = tmp_path / "none" / "x.db"
    code, _, err = run(capsys, "--db", str(target), "function")
    assert code == 1 and "nothing was created" in err and not target.parent.exists()


def test_an_empty_list_says_how_to_start(db_path, store, capsys) -> None:
    store.close()
    code, out, _ = run(capsys, "--db", str(db_path), "function")
    assert code == 0 and 'stretchtui function --rate "NAME=N"' in out


def test_help_states_the_scale(capsys) -> None:
    try:
        cli.main(["function", "--help"])
    except SystemExit:
        pass
    out = " ".join(capsys.readouterr().out.split())
    assert "0 = can't do it, 10 = as before" in out and "--drop NAME" in out


def test_weeks_of_another_year_carry_their_year(db_path, clock, capsys) -> None:
    """Early in January the list reaches back into December: those weeks say which year."""
    from datetime import UTC, datetime

    clock.instant = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)  # Wednesday of the week of Mon 04 Jan 2027
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "function", "--rate", "socks=5")[0] == 0
    code, out, _ = run(capsys, *db, "function", "--weeks", "3")
    header = out.splitlines()[-2]
    assert code == 0 and header.split() == ["21", "Dec", "2026", "28", "Dec", "2026", "04", "Jan"]
    assert out.splitlines()[-1].split()[-1] == "5"
