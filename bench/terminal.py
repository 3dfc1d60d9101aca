"""A program on a pseudo-terminal of a fixed size, as a person would run it: what it draws is
read as it comes (and counted), keys are typed into it, its CPU time and memory come from /proc."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

# Escape sequences: CSI (colours, cursor moves), OSC (title, notifications), and two-byte ones.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
CTRL_Q = "\x11"  # Textual's quit key, for stretchtui and a bare Textual app alike
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def plain(data: bytes) -> str:
    """What a screen shows, roughly: the bytes without escape sequences."""
    return ESCAPES.sub(b"", data).decode("utf-8", "replace")


class TerminalProcess:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        size: tuple[int, int] = (100, 32),
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        columns, rows = size
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = dict(
            os.environ if env is None else env, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows)
        )
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()

    @property
    def pid(self) -> int:
        return self.process.pid

    def pump(self, timeout: float) -> int:
        """Read what the program wrote within `timeout` seconds; the number of bytes."""
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the program closed the terminal
            return 0
        self.output += chunk
        return len(chunk)

    def wait_for(self, needle: str, timeout: float = 60.0, *, after: int = 0) -> float:
        """Seconds from launch until `needle` is on screen (raises if it never shows); with
        `after`, only output past that many bytes counts (what was drawn after a key press)."""
        deadline = time.perf_counter() + timeout
        searched = after
        while True:
            window = plain(bytes(self.output[max(after, searched - 4096) :]))
            if needle in window:
                return time.perf_counter() - self.started
            searched = len(self.output)
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None:
                raise RuntimeError(
                    f"{needle!r} did not appear; the screen ended with {plain(bytes(self.output[-600:]))!r}"
                )
            self.pump(min(left, 0.05))

    def drain(self, seconds: float) -> int:
        """Keep reading for `seconds` (as a terminal would); the bytes written meanwhile."""
        deadline = time.perf_counter() + seconds
        total = 0
        while (left := deadline - time.perf_counter()) > 0:
            total += self.pump(min(left, 0.2))
        return total

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process (all its threads) so far."""
        with open(f"/proc/{self.pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)

    def memory_kib(self) -> dict[str, int]:
        """VmRSS (resident now) and VmHWM (the peak), in KiB."""
        values = {}
        with open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
        return values

    def close(self) -> None:
        """Quit politely (Ctrl+Q), then by signal if the program does not go."""
        try:
            if self.process.poll() is None:
                self.send(CTRL_Q)
                deadline = time.perf_counter() + 5
                while self.process.poll() is None and time.perf_counter() < deadline:
                    self.pump(0.1)
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        finally:
            os.close(self.master)

    def __enter__(self) -> TerminalProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
