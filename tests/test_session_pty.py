"""The real app on a pseudo-terminal, killed mid-session: nothing finished is lost, and the next
launch offers to resume. SIGKILL leaves the session in progress; SIGHUP (a dropped SSH connection)
saves it as partial, still resumable."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import fcntl
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


class Terminal:
    """A child process on a pty of a fixed size, with the screen output collected as text."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen([sys.executable, "-m", "stretchtui", *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = b""

    def read_until(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} did not appear; got {self.output[-2000:]!r}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())
        time.sleep(0.4)

    def kill(self, sig: int) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        os.close(self.master)
        return code


def launch(db: Path, *args: str) -> Terminal:
    """The app on a pty, over a database whose safety questions are answered (all "no"): a routine
    with strength moves otherwise meets the safety gate first (tests/test_safety_gate.py)."""
    if not db.exists():
        answered = subprocess.run([sys.executable, "-m", "stretchtui", "--db", str(db), "safety", "--answers", "none"],
                                  capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
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


@pytest.mark.parametrize(("sig", "expected_status"), [(signal.SIGKILL, "in_progress"), (signal.SIGHUP, "partial")])
def test_killed_mid_session_loses_no_finished_step(tmp_path: Path, sig: int, expected_status: str) -> None:
    db = tmp_path / "s.db"
    app = launch(db, "start", "one-minute")
    app.read_until("how is your pain")
    app.send("5")
    app.read_until("GET READY")
    app.send("n")  # past get ready
    app.send("n")  # skip the first exercise: recorded
    app.send("n")  # past the rest
    app.send("d")  # finish the second: recorded
    time.sleep(1.0)
    code = app.kill(sig)
    assert code != 0
    status, steps, check, resumable = db_state(db)
    assert check == "ok"
    assert status == expected_status and resumable
    assert [s[2] for s in steps] == ["skipped", "done"]

    again = launch(db)
    again.read_until("interrupted")
    again.send("c")  # close it as partial
    time.sleep(1.0)
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
    app.send("5")
    app.read_until("GET READY")
    app.send("n")
    app.send("n")  # the first exercise skipped: recorded
    time.sleep(1.0)
    os.close(app.master)
    code = app.process.wait(timeout=15)
    assert code == 128 + signal.SIGHUP
    status, steps, check, resumable = db_state(db)
    assert (status, check, resumable) == ("partial", "ok", True)
    assert [s[2] for s in steps] == ["skipped"]
