"""Thread workers for database work: one decorator, one way a failure reaches the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState, get_current_worker


def store_work(*, group: str, exclusive: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """A database job in a thread worker, off the event loop. If it raises (a full disk, an I/O
    error), the app says so in one line and carries on (StretchApp.report_failure): never a crash."""
    return work(thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def failed(event: Worker.StateChanged) -> BaseException | None:
    """The error of a worker that just failed, else None."""
    return event.worker.error if event.state is WorkerState.ERROR else None


def post_if_current(target: MessagePump, message: Message) -> None:
    """Post a loader's result unless a newer load replaced this one (exclusive workers are only
    marked cancelled; without this check a slow, stale load could land after a fresh one)."""
    if not get_current_worker().is_cancelled:
        target.post_message(message)
