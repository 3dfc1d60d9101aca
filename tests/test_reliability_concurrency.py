"""Reliability item 3: two app processes and `stretchtui log` writing to one database at once.

Two real apps (headless, on the real clock: tests/reliability_app_writer.py) run sessions and
check-ins through their screens, while two loops start `python -m stretchtui log` processes one
after another, all released together by a start flag. Each app makes at least WRITES writes and
the loops log exactly WRITES times between them: the work is bounded by counts, never by time.
Afterwards every session, step and check-in is in the database exactly once, every process
exited 0, and no process printed anything about a locked database (the app's own error
notifications are collected too). That the writers really wrote at once is checked too, from the
rows' order: every writer's first check-in comes before any writer's last, and so do both apps'
sessions, so a count too small to overlap fails instead of passing without contention. And a
second app opened while another is mid-session leaves that session alone: it is not offered for
resuming, closed, or marked partial on a hang-up."""

from __future__ import annotations

import asyncio
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

from stretchtui.core.clock import SystemClock
from stretchtui.store import Store

pytestmark = pytest.mark.slow

# By each app (about 7 a round: a session's start, steps and finish, then a check-in: 6 rounds),
# and by the `log` processes together. Every writer is still at work while the others write
# (asserted below); 200 took 85 s alone and about 140 s in the full suite for the same property,
# 60 took 28 s of CPU time, 40 about 15.
WRITES = 40
LOG_LOOPS = 2
APPS = ("app-a", "app-b")
APP_WRITER = Path(__file__).with_name("reliability_app_writer.py")


def wait_for(paths: list[Path], processes: list[subprocess.Popen], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not all(p.exists() for p in paths):
        failed = [p.args for p in processes if p.poll() is not None]
        assert not failed, f"a writer stopped before it was ready: {failed}"
        assert time.monotonic() < deadline, f"writers not ready after {seconds} s"
        time.sleep(0.05)  # polling: the loop waits for the files, not for a time


class LogLoop(threading.Thread):
    """`count` `stretchtui log` processes one after another, each with a note nobody else uses."""

    def __init__(self, db: Path, loop: int, count: int) -> None:
        super().__init__(name=f"log-loop-{loop}")
        self.db, self.loop, self.count = db, loop, count
        self.notes: list[str] = []
        self.failures: list[str] = []

    def run(self) -> None:
        for index in range(1, self.count + 1):
            note = f"cli-{self.loop}-{index}"
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "stretchtui",
                    "--db",
                    str(self.db),
                    "log",
                    "--pain",
                    str(index % 8),
                    "--note",
                    note,
                ],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=120,
            )
            if result.returncode != 0 or result.stderr:
                self.failures.append(f"{note}: exit {result.returncode}: {result.stderr.strip()}")
            else:
                self.notes.append(note)


def test_two_apps_and_the_cli_write_at_once_and_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    store = Store.open(db, SystemClock())
    store.safety.save_safety(answers={})  # answered: no first-run dialog in the apps
    store.close()
    flags = tmp_path / "flags"
    flags.mkdir()
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    apps = [
        subprocess.Popen(
            [sys.executable, str(APP_WRITER), str(db), name, str(flags), str(WRITES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in APPS
    ]
    loops = [LogLoop(db, loop, WRITES // LOG_LOOPS) for loop in range(LOG_LOOPS)]
    try:
        wait_for([flags / f"{name}.ready" for name in APPS], apps, 120)
        started = time.monotonic()
        (flags / "go").touch()
        for loop in loops:
            loop.start()
        outputs = [app.communicate(timeout=1800) for app in apps]  # each stops after WRITES writes
        for loop in loops:
            loop.join(timeout=300)
        elapsed = time.monotonic() - started
    finally:
        for app in apps:
            if app.poll() is None:
                app.kill()
    print(f"concurrent writing took {elapsed:.1f} s; {sum(len(loop.notes) for loop in loops)} log processes")

    for name, app, (_out, err) in zip(APPS, apps, outputs, strict=False):
        assert app.returncode == 0, f"{name} exited {app.returncode}: {err[-3000:]}"
        assert "locked" not in err.lower() and "Traceback" not in err, f"{name}: {err[-3000:]}"
    failures = [failure for loop in loops for failure in loop.failures]
    assert not failures, failures[:5]
    assert not any(loop.is_alive() for loop in loops)

    written = {name: json.loads((flags / f"{name}.json").read_text()) for name in APPS}
    for name, report in written.items():
        assert report["errors"] == [] and report["writes"] >= WRITES, (name, report["writes"], report["errors"])

    conn = sqlite3.connect(db)
    try:
        notes_in_order = [note for (note,) in conn.execute("SELECT note FROM checkin ORDER BY id")]
        checkin_notes = Counter(notes_in_order)
        session_order = [uuid for (uuid,) in conn.execute("SELECT uuid FROM session ORDER BY id")]
        sessions = {uuid: (status, sorted(steps)) for uuid, status, steps in _sessions_with_steps(conn)}
        orphans = conn.execute(
            "SELECT count(*) FROM checkin_pain WHERE checkin_id NOT IN (SELECT id FROM checkin)"
        ).fetchone()[0]
        step_rows = conn.execute("SELECT count(*) FROM session_step").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()

    cli_notes = [note for loop in loops for note in loop.notes]
    app_notes = [note for report in written.values() for note in report["checkins"]]
    assert len(cli_notes) == WRITES
    assert checkin_notes == Counter(cli_notes + app_notes), "a check-in was lost or doubled"
    expected_sessions = {
        s["uuid"]: (s["status"], sorted(tuple(step) for step in s["steps"]))
        for report in written.values()
        for s in report["sessions"]
    }
    assert sessions == expected_sessions, "a session or a step was lost or doubled"
    assert step_rows == sum(len(steps) for _status, steps in expected_sessions.values())
    assert all(status == "complete" for status, _steps in sessions.values())
    assert orphans == 0

    # Contention really happened: the writers' rows interleave, each writer at work (its first row
    # written, its last not yet) while every other one was.
    writer_of_note = {note: name for name, report in written.items() for note in report["checkins"]}
    writer_of_note.update({note: "cli" for note in cli_notes})
    assert_all_at_once([writer_of_note[note] for note in notes_in_order], "check-ins")
    writer_of_session = {s["uuid"]: name for name, report in written.items() for s in report["sessions"]}
    assert_all_at_once([writer_of_session[uuid] for uuid in session_order], "sessions")


def assert_all_at_once(writers_in_order: list[str], what: str) -> None:
    """Each writer's rows, in the order they were written, span a stretch where every other
    writer's rows fall too: the latest first row comes before the earliest last row."""
    first = {w: writers_in_order.index(w) for w in set(writers_in_order)}
    last = {w: len(writers_in_order) - 1 - writers_in_order[::-1].index(w) for w in first}
    assert len(first) > 1 and max(first.values()) < min(last.values()), (
        f"the {what} were not written at once: {writers_in_order}"
    )


def _sessions_with_steps(conn: sqlite3.Connection):
    for session_id, uuid, status in conn.execute("SELECT id, uuid, status FROM session").fetchall():
        steps = conn.execute(
            "SELECT step_index, outcome FROM session_step WHERE session_id = ?", (session_id,)
        ).fetchall()
        yield uuid, status, steps


SESSION_IN_ANOTHER_APP = """
import sys, time
from stretchtui.core.clock import SystemClock
from stretchtui.core.sessions import Outcome, Side, StepRecord
from stretchtui.store import Store

store = Store.open(sys.argv[1], SystemClock())
info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
if sys.argv[2] == "step":
    store.sessions.record_step(info.id, StepRecord(1, "sphinx", "Sphinx", 1, Side.BOTH, 0, 0.0, 1, 1, Outcome.DONE),
                      active_seconds=9.0, resume_state={"timer": {}, "routine": {}})
print(info.id, flush=True)
time.sleep(300)  # holds the session open, as a running app would, until the test kills it
"""


@pytest.mark.parametrize("saved", ["step", "nothing yet"])
async def test_a_second_app_leaves_the_first_ones_running_session_alone(
    make_test_app, db_path: Path, saved: str
) -> None:
    """Opening the app while another is mid-session offers no resume (that session is not
    interrupted, it is elsewhere) and closes nothing, even before the other app has saved a step;
    once that process is gone, a session with a step is offered."""
    from pilot_helpers import settle

    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    make_test_app().store.close()  # the database, seeded, safety answered
    other = subprocess.Popen(
        [sys.executable, "-c", SESSION_IN_ANOTHER_APP, str(db_path), saved], stdout=subprocess.PIPE, text=True
    )
    try:
        session_id = int(other.stdout.readline())
        app = make_test_app()
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            assert not isinstance(app.screen, ResumeScreen)
            assert app.store.sessions.close_interrupted_as_partial() == 0
            assert app.store.sessions.mark_hangup_partial() == 0  # a hang-up here leaves that session be
            assert app.store.sessions.session(session_id).status.value == "in_progress"
    finally:
        other.kill()
    try:
        # Killed but not yet collected (a zombie, as right after `kill -9` in a shell whose parent
        # has not reaped it): it still answers a signal, yet runs nothing, so it is gone.
        stat = Path(f"/proc/{other.pid}/stat")
        while stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] not in ("Z", "X"):
            await asyncio.sleep(0.01)  # the kill landing: waited for as a state, not a fixed time
        app = make_test_app()
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            if saved == "step":
                assert isinstance(app.screen, ResumeScreen) and app.screen.info.id == session_id
            else:  # nothing to resume (no plan saved with it): no offer, closed as partial at launch
                assert not isinstance(app.screen, ResumeScreen)
                assert app.store.sessions.interrupted_session() is None
                assert app.store.sessions.session(session_id).status.value == "partial"
    finally:
        other.wait()
