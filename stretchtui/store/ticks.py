"""The tick file beside the database: where `stretchtui tick` (run by a shell prompt or tmux hook)
notes that the terminal is in use, one POSIX second count a line and nothing else.

A tick must cost next to nothing (it runs before every prompt), so it appends one line to this file
and opens no database. The store folds the file into active spans now and then (store.activity):
it renames the file first, so a tick written meanwhile starts a new file and is never lost, and a
fold cut short leaves the renamed file for the next fold. Plain `os` (and `fcntl`, `time` for the
lock) only: importing more would cost the tick more than writing it.
"""

from __future__ import annotations

import fcntl
import os
import stat

from stretchtui.core.activity import EARLIEST_TICK
from stretchtui.core.digits import decimal
from stretchtui.store.flock import flock_within

SUFFIX = ".ticks"
FOLDING = ".folding"
TAIL_BYTES = 65536  # ticks enough for the break prompt: some 50 hours at one each RESOLUTION


def ticks_path(db_path: str | os.PathLike[str]) -> str:
    return f"{os.fspath(db_path)}{SUFFIX}"


def append_tick(db_path: str | os.PathLike[str], now: float) -> None:
    """Note one tick at `now`, in the file beside the database (created 0600 when missing).
    FileNotFoundError where there is no database: a mistyped path leaves nothing behind, neither
    a tick file nor a folder (`activity install` starts the database the hook ticks for)."""
    if not stat.S_ISREG(os.stat(db_path).st_mode):
        raise OSError(f"{os.fspath(db_path)} is not a database file")  # a folder, a FIFO, a device
    path = ticks_path(db_path)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOFOLLOW  # no waiting on a FIFO
    fd = os.open(path, flags, 0o600)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{path} is not a regular file")
        _lock_briefly(fd)  # two prompts at once: each would read no recent tick and both write one
        status = os.fstat(fd)  # the size the lock holder left
        line = b"%d\n" % int(now)
        last = _last_line(fd, status.st_size)
        torn = last and not last.endswith(b"\n")  # a writer killed mid-line: start a new one
        since = int(now) - _seconds(last)
        if torn or not -CLOCK_SET_BACK < since < RESOLUTION:  # two tmux clients alternate older and newer
            os.write(fd, b"\n" + line if torn else line)  # one write of a few bytes: appends never interleave
    finally:
        os.close(fd)


def _lock_briefly(fd: int) -> None:
    """Hold the tick file's lock (released when `fd` closes), waiting at most LOCK_WAIT: another
    tick holds it for a read and a write. A holder stuck longer (a stopped process) must not stall
    every prompt, so after that the tick goes on without it (at worst one line too many)."""
    try:
        flock_within(fd, fcntl.LOCK_EX, LOCK_WAIT, poll=0.001)
    except OSError:
        pass  # a file system without locks: as before


LOCK_WAIT = 0.05
RESOLUTION = 30
"""Seconds after a noted tick in which the next is not noted, nor an earlier one (tmux passes each
client's own last key press, so two clients alternate an older and a newer time): a span ends at
most this early, and the file grows by at most 120 lines an hour however often prompts or tmux
redraws tick (the status line reads its last TAIL_BYTES)."""
CLOCK_SET_BACK = 24 * 3600
"""A tick this much earlier than the last is noted: the clock was set back, not a second client."""


def _seconds(line: bytes) -> int:
    try:
        return int(line)
    except ValueError:
        return -(10**12)  # nothing (or no number) before: any tick is noted


def _last_line(fd: int, size: int) -> bytes:
    """The file's last line with its newline (b"" when empty): what a repeated tick would add."""
    tail = os.pread(fd, 32, max(0, size - 32))
    return tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1 :]


FUTURE_SLACK = 120  # seconds: tmux's clock and ours may differ a little


def tick_at(value: str | None, now: float) -> float | None:
    """The instant a tick's `--at` gives (POSIX seconds; `now` without one), or None when it is not
    one: not a number, before 2000, or later than now."""
    if value is None:
        return now
    when = decimal(value)
    return when if when is not None and EARLIEST_TICK <= when <= now + FUTURE_SLACK else None


def recent_ticks_text(db_path: str | os.PathLike[str]) -> str:
    """The end of the tick file (not yet folded), or "" when there is none or it cannot be read."""
    try:
        fd = os.open(ticks_path(db_path), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return ""
            size = info.st_size
            if size > TAIL_BYTES:
                handle.seek(size - TAIL_BYTES)
                handle.readline()  # the first line may be cut
            return handle.read().decode("ascii", "replace")
    except OSError:
        return ""


def take_for_folding(db_path: str | os.PathLike[str], pid: int, now_ns: int) -> list[str]:
    """Move the tick file aside for folding and return it with any left by a fold that did not
    finish (the caller reads them, stores the spans, then removes them with `done_folding`)."""
    path = ticks_path(db_path)
    if _is_file(path):  # a folder or a pipe someone put there is left alone: nothing of ours
        try:
            os.replace(path, f"{path}{FOLDING}-{now_ns}-{pid}")
        except FileNotFoundError:
            pass
    return pending_files(db_path)[1:]


def _is_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def pending_files(db_path: str | os.PathLike[str]) -> list[str]:
    """The tick file and any left mid-fold: every tick not folded yet, for a read that writes nothing."""
    path = ticks_path(db_path)
    folder = os.path.dirname(path) or "."
    prefix = os.path.basename(path) + FOLDING
    try:
        names = sorted(name for name in os.listdir(folder) if name.startswith(prefix))
    except OSError:
        names = []
    return [path, *(found for name in names if _is_file(found := os.path.join(folder, name)))]


def pending_state(db_path: str | os.PathLike[str]) -> tuple[tuple[str, int], ...]:
    """The pending files with their inodes: it changes whenever a fold starts or ends (the tick
    file moved aside, a new one begun, a folded one removed), never when a tick is appended."""
    state = []
    for name in pending_files(db_path):
        try:
            state.append((name, os.lstat(name).st_ino))
        except OSError:
            state.append((name, 0))
    return tuple(state)


def read_ticks_text(path: str) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return ""
            return handle.read().decode("ascii", "replace")
    except OSError:
        return ""


def done_folding(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
