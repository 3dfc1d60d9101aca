"""Noticing that the terminal went away without telling us."""

from __future__ import annotations

import select
from typing import IO

GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_gone(stream: IO[str] | None) -> bool:
    """True when the terminal behind `stream` has hung up (its pty master closed). A process that
    is not the terminal's session leader gets no SIGHUP then, and Textual's input thread would spin
    on a dead input for ever; polling once costs one system call."""
    try:
        fd = stream.fileno() if stream is not None else -1
    except (AttributeError, ValueError, OSError):
        return False
    if fd < 0:
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN)  # hang-up and errors are always reported
    return any(mask & GONE for _fd, mask in poller.poll(0))
