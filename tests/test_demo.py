"""The demo history: deterministic, valid export data, and the story it is meant to tell;
and `stretchtui demo`, which writes it through the importer into a new database only."""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from statistics import mean
from zoneinfo import ZoneInfo

import pytest

from stretchtui.cli import main
from stretchtui.commands.demo_story import demo_export
from stretchtui.core.days import logical_day
from stretchtui.core.errors import FieldError
from stretchtui.core.exchange.reading import parse_export
from stretchtui.core.library import load_library
from stretchtui.core.phases import PhaseKind, build_phases

# One pytest-xdist worker runs the whole module, so its module-scoped set-up is built once.
pytestmark = pytest.mark.xdist_group("test_demo")

LIBRARY = load_library()


def generate(clock, *, years: int = 2, seed: int = 3) -> dict:
    return demo_export(
        now=clock.now(),
        zone=clock.zone,
        routines=list(LIBRARY.routines.values()),
        exercises=LIBRARY.exercises,
        years=years,
        seed=seed,
    )


@pytest.fixture(scope="module")
def story() -> dict:
    """Two years ending at the tests' frozen instant, parsed the way an import reads them."""
    from conftest import FROZEN_AT, ZONE

    from stretchtui.core.clock import FrozenClock

    clock = FrozenClock(FROZEN_AT, ZONE)
    data = generate(clock)
    bundle = parse_export(data, now=clock.now(), known_exercise_ids=set(LIBRARY.exercises))
    return {"data": data, "bundle": bundle, "clock": clock}


def pains_by_day(bundle) -> dict[date, int]:
    worst: dict[date, int] = {}
    for checkin in bundle.checkins:
        for pain in checkin["pains"]:
            worst[checkin["day"]] = max(worst.get(checkin["day"], 0), pain["pain"])
    return worst


def counted_session_days(bundle) -> set[date]:
    return {s["day"] for s in bundle.sessions if s["status"] != "discarded"}


def test_same_seed_same_history_other_seed_another(clock) -> None:
    first, again, other = generate(clock, seed=5), generate(clock, seed=5), generate(clock, seed=6)
    assert first == again
    assert first["sessions"] != other["sessions"]


@pytest.mark.slow  # another process, with its own string hash seed
def test_the_same_seed_gives_the_same_history_in_another_process(tmp_path: Path) -> None:
    """Not only within one run: the history must not depend on anything that changes between
    processes (hash(None) in Python 3.11, a set's order under another PYTHONHASHSEED)."""
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import hashlib, json, sys\n"
        "from datetime import UTC, datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from stretchtui.commands.demo_story import demo_export\n"
        "from stretchtui.core.library import load_library\n"
        "lib = load_library()\n"
        "data = demo_export(now=datetime(2026, 11, 21, 18, tzinfo=UTC), zone=ZoneInfo('Europe/London'),\n"
        "    routines=list(lib.routines.values()), exercises=dict(lib.exercises))\n"
        "sessions = [(s['day'], s['pain_before'], s['pain_after'], s['routine_id']) for s in data['sessions']]\n"
        "print(hashlib.sha256(json.dumps(sessions, default=str).encode()).hexdigest())\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout.strip()
        for seed in ("1", "2", "random")
    }
    assert len(runs) == 1 and len(next(iter(runs))) == len(hashlib.sha256().hexdigest()), runs


def test_it_is_a_valid_export_that_ends_now(story) -> None:
    bundle, clock = story["bundle"], story["clock"]
    counts = bundle.counts()
    assert counts["sessions"] > 600 and counts["steps"] > 4000 and counts["checkins"] > 450
    assert counts["routines"] == 1 and counts["favourites"] >= 1
    assert bundle.settings["safety_answers"] and not any(bundle.settings["safety_answers"].values())
    instants = [s["started_at"] for s in bundle.sessions] + [c["at"] for c in bundle.checkins]
    assert max(instants) <= clock.now()
    assert min(instants) >= clock.now() - timedelta(days=2 * 365 + 1)


def test_years_outside_1_to_50_are_refused(clock) -> None:
    for years in (0, 51, -1, True):
        with pytest.raises(FieldError, match="from 1 to 50"):
            generate(clock, years=years)


def test_days_are_logical_days_and_times_are_plausible(story) -> None:
    zone = ZoneInfo(story["clock"].zone_name)
    for session in story["bundle"].sessions:
        assert session["day"] == logical_day(session["started_at"], zone)
        hour = session["started_at"].astimezone(zone).hour
        assert hour in {0} | set(range(6, 11)) | set(range(12, 15)) | set(range(17, 23)), session
    for checkin in story["bundle"].checkins:
        assert checkin["day"] == logical_day(checkin["at"], zone)
    late = [s for s in story["bundle"].sessions if s["started_at"].astimezone(zone).hour == 0]
    assert late and all(s["day"] < s["started_at"].astimezone(zone).date() for s in late)


def test_steps_are_what_the_timer_would_record(story) -> None:
    routines = {**LIBRARY.routines, **{own.routine.id: own.routine for own in story["bundle"].routines}}
    checked = 0
    for session in story["bundle"].sessions:
        if session["source"] == "backfill":
            assert session["steps"] == [] and session["active_seconds"] > 0
            continue
        if session["routine_id"] is None:
            continue  # a single exercise from the library
        phases = build_phases(routines[session["routine_id"]], LIBRARY.exercises)
        assert session["planned_seconds"] == sum(p.seconds for p in phases)
        previous = session["started_at"]
        for step in session["steps"]:
            phase = phases[step["step_index"]]
            assert phase.kind in (PhaseKind.HOLD, PhaseKind.REPS)
            assert (step["exercise_id"], step["set_number"], step["side"]) == (
                phase.exercise_id,
                phase.set_number,
                phase.side.value,
            )
            if phase.kind is PhaseKind.HOLD:
                assert step["planned_hold_seconds"] == phase.seconds and step["planned_reps"] == 0
                if step["outcome"] == "done":
                    assert step["actual_hold_seconds"] == phase.seconds
            else:
                assert step["planned_reps"] == phase.reps and step["reps_done"] <= phase.reps
            assert (step["hurt_pain"] is not None) == (step["outcome"] == "hurt")
            assert previous < step["at"] <= session["ended_at"]
            previous = step["at"]
        assert session["active_seconds"] == pytest.approx(sum(s["actual_hold_seconds"] for s in session["steps"]))
        checked += 1
    assert checked > 500


def test_the_story_has_gaps_partials_and_hurt_steps(story) -> None:
    bundle = story["bundle"]
    busy = {s["day"] for s in bundle.sessions} | {c["day"] for c in bundle.checkins}
    first, last = min(busy), max(busy)
    quiet = [first + timedelta(days=i) for i in range((last - first).days) if first + timedelta(days=i) not in busy]
    runs, run = [], 0
    for i in range((last - first).days + 1):
        run = run + 1 if first + timedelta(days=i) not in busy else 0
        runs.append(run)
    assert quiet and max(runs) >= 3, "a holiday: several days with nothing at all"
    statuses = [s["status"] for s in bundle.sessions]
    assert 0.03 < statuses.count("partial") / len(statuses) < 0.2
    outcomes = [step["outcome"] for s in bundle.sessions for step in s["steps"]]
    assert outcomes.count("hurt") >= 5 and outcomes.count("skipped") >= 20
    assert outcomes.count("done") > 0.9 * len(outcomes)
    assert any(s["source"] == "backfill" for s in bundle.sessions)
    session_days = counted_session_days(bundle)
    assert len(session_days) > 0.75 * (last - first).days, "sessions on most days"


def test_pain_trends_down_with_flares_on_days_without_a_session(story) -> None:
    bundle = story["bundle"]
    worst = pains_by_day(bundle)
    days = sorted(worst)
    assert mean(worst[d] for d in days[:90]) > mean(worst[d] for d in days[-90:]) + 1.5
    flares = [d for d in days if worst[d] >= 7]
    assert len(flares) >= 6
    assert not set(flares) & counted_session_days(bundle)
    assert all(worst[d] < 7 for d in days[-21:]), "the story ends on a calm run"


def test_sitting_hours_are_a_weekday_thing(story) -> None:
    hours: dict[bool, list[float]] = defaultdict(list)
    for checkin in story["bundle"].checkins:
        if checkin["sitting_hours"] is not None:
            hours[checkin["day"].weekday() < 5].append(checkin["sitting_hours"])
    assert mean(hours[True]) >= 7 and mean(hours[False]) <= 3
    assert len(hours[True]) > 2 * len(hours[False])


def test_rest_days_and_notes(story) -> None:
    bundle = story["bundle"]
    rest = {mark["day"] for mark in bundle.day_marks}
    assert len(rest) >= 5
    assert not rest & counted_session_days(bundle)
    notes = [c["note"] for c in bundle.checkins if c["note"]]
    assert 0.02 * len(bundle.checkins) < len(notes) < 0.3 * len(bundle.checkins)


# ---------------------------------------------------------------------- the command


def demo_args(**overrides) -> argparse.Namespace:
    values = dict(years=1, seed=1, demo_db=None, db=None, no_launch=True) | overrides
    return argparse.Namespace(**values)


def test_no_launch_writes_a_new_database_and_says_where(tmp_path: Path, capsys) -> None:
    target = tmp_path / "demo.db"
    assert main(["demo", "--no-launch", "--years", "1", "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert str(target) in out and "sessions" in out and "check-ins" in out
    from stretchtui.core.clock import SystemClock
    from stretchtui.store import Store

    store = Store.open(target, SystemClock())
    try:
        assert len(store.history.sessions_list(limit=1000)) > 250
        assert store.settings.get("safety_answers") is not None
    finally:
        store.close()


def test_without_db_it_uses_a_temporary_file_never_the_users(tmp_path: Path, monkeypatch, capsys) -> None:
    import tempfile

    real = tmp_path / "real.db"
    monkeypatch.setenv("STRETCHTUI_DB", str(real))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert main(["demo", "--no-launch"]) == 0
    written = list((tmp_path / "tmp").rglob("*.db"))
    assert len(written) == 1 and str(written[0]) in capsys.readouterr().out
    assert not real.exists()


def test_the_same_seed_and_clock_give_the_same_database(tmp_path: Path, clock) -> None:
    from stretchtui.commands.demo import run_demo
    from stretchtui.store import Store

    exports = []
    for name in ("a.db", "b.db"):
        assert run_demo(demo_args(demo_db=str(tmp_path / name), seed=9), clock) == 0
        store = Store.open(tmp_path / name, clock)
        exports.append(store.exchange.export_bundle())
        store.close()
    assert exports[0].sessions == exports[1].sessions and exports[0].checkins == exports[1].checkins


@pytest.mark.parametrize("years", ["0", "51", "two", "1.5"])
def test_bad_years_is_one_line_and_nothing_written(tmp_path: Path, capsys, years: str) -> None:
    target = tmp_path / "demo.db"
    assert main(["demo", "--no-launch", "--years", years, "--db", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--years" in err and "1-50" in err
    assert not target.exists()


def test_an_existing_database_is_refused_and_left_alone(tmp_path: Path, store, db_path: Path, capsys) -> None:
    store.corrections.mark_rest_day(date(2026, 11, 20), force=True)
    store.close()
    before = db_path.read_bytes()
    assert main(["--db", str(db_path), "demo", "--no-launch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err
    assert db_path.read_bytes() == before


def test_without_no_launch_it_opens_the_app_on_the_demo(tmp_path: Path, clock, monkeypatch) -> None:
    import stretchtui.cli
    import stretchtui.factory
    from stretchtui.commands.demo import run_demo

    opened = {}

    class FakeApp:
        return_code = None

        def run(self) -> None:
            opened["sessions"] = len(opened["store"].history.sessions_list(limit=5))

    def fake_make_app(*, store):
        opened["store"] = store
        return FakeApp()

    monkeypatch.setattr(stretchtui.factory, "make_app", fake_make_app)
    monkeypatch.setattr("stretchtui.commands.common.save_on_hangup", lambda store: None)  # no signal handlers in pytest
    assert run_demo(demo_args(demo_db=str(tmp_path / "d.db"), no_launch=False), clock) == 0
    assert opened["sessions"] == 5 and opened["store"].path == tmp_path / "d.db"
