"""Issue 15: a large import never keeps anyone else from writing. While two ten-year files are
imported one after the other, a real app (headless, tests/reliability_app_writer.py) keeps doing
sessions and check-ins through its screens and `stretchtui log` runs in a loop. Afterwards no
step, session or check-in is lost or doubled, no user saw an error, every import added its whole
file, and the longest time the imports kept other writers out (probed every 20 ms) is short."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from test_reliability_concurrency import APP_WRITER, LogLoop, _sessions_with_steps, wait_for

from stretchtui.core.clock import SystemClock
from stretchtui.store import Store

# One pytest-xdist worker runs the whole module, so its module-scoped history is written once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_reliability_import_concurrency")]

YEARS = 10
SEEDS = (3, 4)  # two different histories: each import adds a whole file
LONGEST_HOLD_SECONDS = 2.0  # an import used to hold the write lock for the whole merge
BUSY_TIMEOUT_SECONDS = 10.0  # what other writers wait before failing (store/files.py)


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stretchtui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def ten_year_files(tmp_path_factory) -> list[Path]:
    """Two ten-year histories as export files: what `stretchtui demo --years 10` imports, written
    straight to JSON (a quarter of the time of a demo database and its export, for the same file
    format; that export writes what import reads is tested in test_exchange.py)."""
    from conftest import private_home

    from stretchtui.commands.demo_story import demo_export

    folder = tmp_path_factory.mktemp("ten-years")
    clock = SystemClock()
    with private_home(folder):
        library = Store.open(folder / "library.db", clock)
        try:
            routines = library.library.routines()
            exercises = {exercise.id: exercise for exercise in library.library.exercises()}
        finally:
            library.close()
    files = []
    for seed in SEEDS:
        data = demo_export(
            now=clock.now(), zone=clock.zone, routines=routines, exercises=exercises, years=YEARS, seed=seed
        )
        out = folder / f"history-{seed}.json"
        out.write_text(json.dumps(data), encoding="utf-8")
        files.append(out)
    return files


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def wait_for_count(db: Path, sql: str, at_least: int, what: str, app: subprocess.Popen, timeout: float = 120) -> None:
    """Poll until `sql` counts `at_least` rows (the app is still running meanwhile)."""
    deadline = time.monotonic() + timeout
    while count(db, sql) < at_least:
        assert app.poll() is None, f"the app stopped before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout:.0f} s"
        time.sleep(0.05)  # polling for the rows, not waiting out a time


class LockProbe(threading.Thread):
    """Tries to take the write lock every 20 ms without waiting; the longest run of refusals is
    how long another writer would have waited."""

    def __init__(self, db: Path) -> None:
        super().__init__(name="lock-probe", daemon=True)
        self.db = db
        self.stop = threading.Event()
        self.longest = 0.0

    def run(self) -> None:
        conn = sqlite3.connect(str(self.db), timeout=0, isolation_level=None)
        refused_since: float | None = None
        try:
            while not self.stop.is_set():
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("ROLLBACK")
                    refused_since = None
                except sqlite3.OperationalError:
                    now = time.monotonic()
                    refused_since = refused_since or now
                    self.longest = max(self.longest, now - refused_since)
                time.sleep(0.02)
        finally:
            conn.close()


def test_a_ten_year_import_loses_no_step_and_keeps_no_one_waiting(tmp_path: Path, ten_year_files) -> None:
    db = tmp_path / "shared.db"
    store = Store.open(db, SystemClock())
    store.safety.save_safety(answers={})
    store.close()
    flags = tmp_path / "flags"
    flags.mkdir()
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    app = subprocess.Popen(
        [sys.executable, str(APP_WRITER), str(db), "app", str(flags), "100000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    log_loop = LogLoop(db, 0, 20)
    probe = LockProbe(db)
    imports: list[subprocess.CompletedProcess] = []
    try:
        wait_for([flags / "app.ready"], [app], 120)
        (flags / "go").touch()
        log_loop.start()
        probe.start()
        wait_for_count(
            db,
            "SELECT count(*) FROM session WHERE status = 'in_progress'",
            1,
            "the app mid-session when the first import starts",
            app,
        )
        for file in ten_year_files:
            imports.append(cli("--db", str(db), "import", str(file)))
        finished = count(db, "SELECT count(*) FROM session WHERE status = 'complete'")
        wait_for_count(
            db,
            "SELECT count(*) FROM session WHERE status = 'complete'",
            finished + 1,
            "one more session from the app after the imports",
            app,
        )
        (flags / "stop").touch()
        out, err = app.communicate(timeout=600)
        log_loop.join(timeout=300)
    finally:
        probe.stop.set()
        if app.poll() is None:
            app.kill()
    probe.join(timeout=10)
    print(f"longest wait for the write lock: {probe.longest:.2f} s")

    for result in imports:
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert result.stdout.startswith("Added:"), result.stdout
    assert app.returncode == 0, err[-3000:]
    assert "locked" not in err.lower() and "Traceback" not in err, err[-3000:]
    assert log_loop.failures == [], log_loop.failures[:5]
    report = json.loads((flags / "app.json").read_text())
    assert report["errors"] == [], report["errors"]
    assert len(report["sessions"]) >= 2

    conn = sqlite3.connect(db)
    try:
        sessions = {uuid: (status, sorted(steps)) for uuid, status, steps in _sessions_with_steps(conn)}
        notes = Counter(note for (note,) in conn.execute("SELECT note FROM checkin WHERE note != ''"))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    for written in report["sessions"]:
        status, steps = sessions[written["uuid"]]
        assert steps == sorted(tuple(step) for step in written["steps"]), "a step was lost or doubled"
        assert status == written["status"]
    for note in report["checkins"] + log_loop.notes:
        assert notes[note] == 1, f"check-in {note!r} lost or doubled"
    assert probe.longest < LONGEST_HOLD_SECONDS < BUSY_TIMEOUT_SECONDS
