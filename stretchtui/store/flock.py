"""One bounded wait for an advisory file lock, for the database's lock file, a sync round's and
the tick file's. Only `fcntl` and `time`: the tick file is on the status line's quick path."""

from __future__ import annotations

import fcntl
import time


def flock_within(fd: int, operation: int, seconds: float, *, poll: float = 0.05) -> bool:
    """Take `operation` (fcntl.LOCK_SH or LOCK_EX) on `fd`, trying every `poll` seconds for at
    most `seconds`; False if another holder kept it that long. flock itself would wait forever,
    and a holder may be a stopped process."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
