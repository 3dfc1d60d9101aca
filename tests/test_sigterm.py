"""A polite kill (SIGTERM, or SIGINT sent with `kill`) of the real app on a pseudo-terminal ends it
as a quit does: the running session is saved as partial (as on a hang-up), and the terminal is left
as it was found: the alternate screen left, mouse tracking off, the cursor shown, echo and line
editing back on. Before the fix the app saved the session and called `os._exit`, leaving the shell
on a blank alternate screen with no echo, and every mouse move typing escape codes into it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from test_session_pty import db_state

from stretchtui.ui.app import GIVE_BACK_SECONDS, LEAVE_SECONDS
from stretchtui.ui.terminal import GIVE_BACK, give_terminal_back

# DEC private modes the app changes, and the state a shell expects them in afterwards: h = set, l = reset.
EXPECTED_MODES = {
    "1049": "l",  # alternate screen
    "1000": "l",
    "1003": "l",
    "1006": "l",
    "1015": "l",  # mouse: clicks, any motion, SGR and urxvt encodings
    "1004": "l",  # focus in/out reports
    "2004": "l",  # bracketed paste
    "25": "h",  # cursor shown
    "7": "h",  # line wrap
}
MODE = re.compile(rb"\x1b\[\?(\d+)([hl])")


class PtyApp:
    """The real app on a pty whose slave side the test keeps open, so its termios modes can be read
    after the app has gone and everything the app wrote can still be read."""

    def __init__(self, db: Path, *args: str, env: dict[str, str] | None = None) -> None:
        if not db.exists():  # safety questions answered (all "no"), as test_session_pty.launch does
            answered = subprocess.run(
                [sys.executable, "-m", "stretchtui", "--db", str(db), "safety", "--answers", "none"],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=60,
            )
            assert answered.returncode == 0, answered.stderr
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30", **(env or {}))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stretchtui", "--db", str(db), *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        self.output = b""

    def read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False when nothing came."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        self.output += os.read(self.master, 65536)
        return True

    def read_until(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.output:
            assert time.monotonic() < deadline, f"{needle!r} did not appear; got {self.output[-2000:]!r}"
            self.read(0.2)

    def send(self, keys: str, after: str | None = None) -> None:
        mark = len(self.output)
        os.write(self.master, keys.encode())
        if after is not None:
            deadline = time.monotonic() + 20
            while after.encode() not in self.output[mark:]:
                assert time.monotonic() < deadline, f"{after!r} did not appear after {keys!r}"
                self.read(0.2)

    def kill(self, sig: int) -> tuple[int, bytes, float]:
        """Send `sig`, wait for the process to end, and return its exit status, every byte it
        wrote after the signal, and the seconds it took to end."""
        self.read(0.1)
        mark = len(self.output)
        began = time.monotonic()
        self.process.send_signal(sig)
        deadline = time.monotonic() + 20
        while self.process.poll() is None:
            assert time.monotonic() < deadline, "the app did not end after the signal"
            self.read(0.1)
        took = time.monotonic() - began
        while self.read(0.3):  # the rest of what it wrote (our slave keeps the pty open)
            pass
        return self.process.returncode, self.output[mark:], took

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


def final_modes(output: bytes) -> dict[str, str]:
    """Each DEC private mode's last setting in `output`."""
    return {number.decode(): state.decode() for number, state in MODE.findall(output)}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "s.db"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_polite_kill_mid_session_saves_it_and_gives_the_terminal_back(db: Path, sig: int) -> None:
    app = PtyApp(db, "start", "one-minute")
    try:
        app.read_until("how is your pain")
        app.send("5", after="GET READY")
        app.send("n")  # past get ready
        app.send("n", after="Rest")  # skip the first exercise: recorded
        started = final_modes(app.output)
        assert started["1049"] == "h" and started["1000"] == "h" and started["25"] == "l"  # the app really set them
        assert not termios.tcgetattr(app.slave)[3] & termios.ECHO  # the app's raw mode: no echo
        code, after, _took = app.kill(sig)
        final = final_modes(app.output)
        terminal_modes = termios.tcgetattr(app.slave)
    finally:
        app.close()
    assert code == 128 + sig
    assert GIVE_BACK.encode() not in after  # Textual gave it back, as on a quit: not the fallback, by hand
    assert b"Traceback" not in after
    assert {mode: final.get(mode) for mode in EXPECTED_MODES} == EXPECTED_MODES
    assert all(
        sequence in after for sequence in (b"\x1b[?1049l", b"\x1b[?1000l", b"\x1b[?1003l", b"\x1b[?1006l", b"\x1b[?25h")
    )
    assert terminal_modes == app.modes_before  # echo, line editing, signals, CR/NL translation as before
    assert terminal_modes[3] & termios.ECHO and terminal_modes[3] & termios.ICANON
    status, steps, check, resumable = db_state(db)
    assert (status, check, resumable) == ("partial", "ok", True)  # kept, as on a hang-up
    assert [step[2] for step in steps] == ["skipped"]


@pytest.mark.slow
def test_a_polite_kill_on_a_main_screen_gives_the_terminal_back(db: Path) -> None:
    """No session running: the app just ends, and the terminal is as it was."""
    app = PtyApp(db)
    try:
        app.read_until("Today")
        code, _after, _took = app.kill(signal.SIGTERM)
        final = final_modes(app.output)
        terminal_modes = termios.tcgetattr(app.slave)
    finally:
        app.close()
    assert code == 128 + signal.SIGTERM
    assert {mode: final.get(mode) for mode in EXPECTED_MODES} == EXPECTED_MODES
    assert terminal_modes == app.modes_before


@pytest.mark.slow
def test_a_terminal_that_takes_no_output_still_lets_the_app_end(db: Path) -> None:
    """Output stopped (a frozen terminal, a stalled connection: here `tcflow(TCOOFF)`), so the
    app's own exit blocks on its next write: the app still ends within LEAVE_SECONDS and a second,
    with the session saved and the terminal's modes given back by hand."""
    app = PtyApp(db, "start", "one-minute")
    try:
        app.read_until("how is your pain")
        app.send("5", after="GET READY")
        app.send("n")
        app.send("n", after="Rest")  # the first exercise skipped: recorded
        app.read(0.1)
        termios.tcflow(app.slave, termios.TCOOFF)
        began = time.monotonic()
        app.process.send_signal(signal.SIGTERM)
        code = app.process.wait(timeout=LEAVE_SECONDS + GIVE_BACK_SECONDS + 10)
        took = time.monotonic() - began
        terminal_modes = termios.tcgetattr(app.slave)
        termios.tcflow(app.slave, termios.TCOON)
    finally:
        app.close()
    assert code == 128 + signal.SIGTERM
    assert LEAVE_SECONDS <= took < LEAVE_SECONDS + GIVE_BACK_SECONDS + 2
    assert terminal_modes == app.modes_before
    status, steps, check, resumable = db_state(db)
    assert (status, check, resumable) == ("partial", "ok", True)
    assert [step[2] for step in steps] == ["skipped"]


def test_giving_the_terminal_back_by_hand_restores_its_modes_and_modes_sequences() -> None:
    """The fallback alone: the termios modes from before, and every DEC mode as a shell expects."""
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        raw = termios.tcgetattr(slave)
        raw[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG)
        termios.tcsetattr(slave, termios.TCSANOW, raw)
        give_terminal_back(before, output_fd=slave, input_fd=slave)
        assert termios.tcgetattr(slave) == before
        written = os.read(master, 4096)
    finally:
        os.close(master)
        os.close(slave)
    assert written == GIVE_BACK.encode()
    assert {mode: final_modes(written).get(mode) for mode in EXPECTED_MODES} == EXPECTED_MODES
    give_terminal_back(before, output_fd=-1, input_fd=-1)  # nothing to write to: never raises
