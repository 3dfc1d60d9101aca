"""Which process is running a session, and whether it still is.

A session left in progress is only "interrupted" when the process running it has gone: a second
app opened while the first is mid-session must not offer to resume or close the first one's
session. The store notes the owner in the session's resume state with every step it saves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROC = Path("/proc")


def process_owner(pid: int | None = None) -> dict[str, Any]:
    """This process (or `pid`): host, process id and, where /proc tells it, a start marker that a
    later process reusing the id will not have."""
    pid = os.getpid() if pid is None else pid
    return {"host": _host(), "pid": pid, "started": _start_marker(pid)}


def running_elsewhere(owner: object) -> bool:
    """Whether `owner` (as `process_owner` wrote it) is another process, still running on this
    machine. Anything else (no owner noted, another machine, a process that ended, this process
    itself) means nobody else is carrying the session on."""
    if not isinstance(owner, dict) or owner.get("host") != _host():
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, run by somebody else: the start marker decides
    except OSError:
        return False
    if _ended(pid):
        return False
    started = owner.get("started")
    return started is None or started == _start_marker(pid)


def _host() -> str:
    try:
        return os.uname().nodename
    except AttributeError:  # Windows
        import socket

        return socket.gethostname()


def _ended(pid: int) -> bool:
    """Killed, but not yet collected by its parent (a zombie): it answers a signal, yet runs nothing.
    A relaunch straight after `kill -9` saw the session as still running elsewhere."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False  # no /proc here: the signal's answer stands
    fields = stat.rsplit(")", 1)[-1].split()
    return bool(fields) and fields[0] in ("Z", "X")


def _start_marker(pid: int) -> str | None:
    """'<boot id>:<start time in clock ticks>' on Linux; None where /proc does not say."""
    try:
        boot = (PROC / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # after the command name, which may hold spaces
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None
