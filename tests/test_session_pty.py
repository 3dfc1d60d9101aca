"""The real app on a pseudo-terminal, killed mid-session: nothing finished is lost, and the next
launch offers to resume. SIGKILL leaves the session in progress; SIGHUP (a dropped SSH connection)
saves it as partial, still resumable."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


class Terminal:
    """A child process on a pty of a fixed size, with the screen output collected as text."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stretchtui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""
        self.sent_at = 0  # len(output) when the last keys were sent

    def read_for(self, seconds: float) -> None:
        """Read what comes within `seconds` (a pty left unread fills up and blocks the app)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not self._read(min(left, 0.2)) and self.process.poll() is not None:
                return

    def read_until(self, needle: str, timeout: float = 20, *, since: int = 0) -> None:
        """Read until `needle` is in what the app drew from offset `since` on."""
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.output[since:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} did not appear; got {self.output[-2000:]!r}")
            if not self._read(0.2) and self.process.poll() is not None:
                raise AssertionError(f"the app ended before {needle!r} appeared; got {self.output[-2000:]!r}")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def send(self, keys: str) -> None:
        self.sent_at = len(self.output)
        os.write(self.master, keys.encode())

    def press(self, keys: str, then: str) -> None:
        """Send `keys` and wait until `then` is drawn after them."""
        self.send(keys)
        self.read_until(then, since=self.sent_at)

    def kill(self, sig: int) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        os.close(self.master)
        return code


def launch(db: Path, *args: str) -> Terminal:
    """The app on a pty, over a database whose safety questions are answered (all "no"): a routine
    with strength moves otherwise meets the safety gate first (tests/test_safety_gate.py)."""
    if not db.exists():
        answered = subprocess.run(
            [sys.executable, "-m", "stretchtui", "--db", str(db), "safety", "--answers", "none"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert answered.returncode == 0, answered.stderr
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    return Terminal("--db", str(db), *args, env=env)


def db_state(db: Path) -> tuple[str, list[tuple], str, bool]:
    conn = sqlite3.connect(db)
    try:
        status, resume = conn.execute("SELECT status, resume_state FROM session").fetchone()
        steps = conn.execute("SELECT step_index, exercise_id, outcome FROM session_step ORDER BY step_index").fetchall()
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        return status, steps, check, resume is not None
    finally:
        conn.close()


def wait_for_database(
    db: Path, condition: Callable[[sqlite3.Connection], bool], what: str, app: Terminal, timeout: float = 20
) -> None:
    """Poll the database (as another process reads it, beside the app's open connection) until
    `condition` holds, reading the app's output meanwhile so that it never blocks on a full pty."""
    deadline = time.monotonic() + timeout
    while True:
        conn = sqlite3.connect(db)
        try:
            if condition(conn):
                return
        finally:
            conn.close()
        assert time.monotonic() < deadline, f"the database never showed {what}"
        app.read_for(0.05)


def outcomes_are(*outcomes: str) -> Callable[[sqlite3.Connection], bool]:
    return lambda conn: (
        [row[0] for row in conn.execute("SELECT outcome FROM session_step ORDER BY step_index")] == list(outcomes)
    )


def closed_as_partial(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT status, resume_state IS NULL FROM session").fetchone() == ("partial", 1)


def walk_to_the_second_exercise(app: Terminal, db: Path) -> None:
    """Pain 5, past get ready, skip the first exercise (recorded), past the rest: each key waits
    until the screen shows it took, since the real clock moves the phases on by itself (5 s)."""
    app.press("5", then="GET READY")
    app.press("n", then="REPS")  # past get ready: the first exercise
    app.press("n", then="REST")  # skip it
    wait_for_database(db, outcomes_are("skipped"), "the skipped step", app)
    app.press("n", then="REPS")  # past the rest: the second exercise (Sphinx)


@pytest.mark.parametrize(("sig", "expected_status"), [(signal.SIGKILL, "in_progress"), (signal.SIGHUP, "partial")])
def test_killed_mid_session_loses_no_finished_step(tmp_path: Path, sig: int, expected_status: str) -> None:
    db = tmp_path / "s.db"
    app = launch(db, "start", "one-minute")
    app.read_until("how is your pain")
    walk_to_the_second_exercise(app, db)
    app.send("d")  # finish the second: recorded
    wait_for_database(db, outcomes_are("skipped", "done"), "the second step", app)
    code = app.kill(sig)
    assert code != 0
    status, steps, check, resumable = db_state(db)
    assert check == "ok"
    assert status == expected_status and resumable
    assert [s[2] for s in steps] == ["skipped", "done"]

    again = launch(db)
    again.read_until("interrupted")
    again.send("c")  # close it as partial
    wait_for_database(db, closed_as_partial, "the session closed as partial", again)
    again.kill(signal.SIGTERM)
    status, steps_after, check, resumable = db_state(db)
    assert status == "partial" and not resumable and steps_after == steps and check == "ok"


def test_a_terminal_that_vanishes_without_sighup_is_a_hang_up(tmp_path: Path) -> None:
    """The pty closes but no SIGHUP comes (the app is not its terminal's session leader): the app
    notices within seconds, saves the session as partial and exits, instead of spinning on a dead
    input for ever."""
    db = tmp_path / "s.db"
    app = launch(db, "start", "one-minute")
    app.read_until("how is your pain")
    app.press("5", then="GET READY")
    app.press("n", then="REPS")  # past get ready
    app.send("n")  # the first exercise skipped: recorded
    wait_for_database(db, outcomes_are("skipped"), "the skipped step", app)
    os.close(app.master)
    code = app.process.wait(timeout=15)
    assert code == 128 + signal.SIGHUP
    status, steps, check, resumable = db_state(db)
    assert (status, check, resumable) == ("partial", "ok", True)
    assert [s[2] for s in steps] == ["skipped"]
