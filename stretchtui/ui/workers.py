"""Thread workers for database work: one decorator, one way a failure reaches the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


T = TypeVar("T")


@dataclass
class Loaded(Message, Generic[T], bubble=False):
    """What a screen's loader (a store worker) read, posted back to that screen alone."""

    value: T


def post_if_current(target: MessagePump, message: Message) -> None:
    """Post a loader's result unless a newer load replaced this one (exclusive workers are only
    marked cancelled; without this check a slow, stale load could land after a fresh one)."""
    if not get_current_worker().is_cancelled:
        target.post_message(message)


class PendingHighlight:
    """What a list screen highlights once its load in progress lands (Library, Routines). Loads are
    exclusive, so a later one (such as the one on showing the screen again) can replace the one a
    save started: the item to highlight is kept for whichever load lands. `loaded_once`: showing
    the screen again loads afresh only after the first load, which it would otherwise cancel."""

    def __init__(self) -> None:
        self._id: str | None = None
        self.loaded_once = False

    def keep(self, highlight: str | None) -> None:
        """Highlight `highlight` once a load lands (None: nothing new to highlight)."""
        if highlight is not None:
            self._id = highlight

    def landed(self) -> str | None:
        """A load landed: what it should highlight, given once (None: keep the cursor's place)."""
        self.loaded_once = True
        highlight, self._id = self._id, None
        return highlight


class ListReloads:
    """Mixed into a list screen that loads with one exclusive store worker, `_load` (Library,
    Routines), whose handler of the loaded list asks `self._pending.landed()` what to highlight:
    `reload` loads again, and on being shown again the screen reloads (not before its first load,
    which that would cancel)."""

    _pending: PendingHighlight

    def _load(self) -> None:
        raise NotImplementedError

    def reload(self, highlight: str | None = None) -> None:
        """Load the list again, then highlight `highlight` (kept even if a later load, such as the
        one on showing the screen again, replaces this one)."""
        self._pending.keep(highlight)
        self._load()

    def on_screen_resume(self) -> None:
        """Shown again: what was made or changed elsewhere meanwhile (another screen, another
        window) is listed."""
        if self._pending.loaded_once:
            self.reload()
