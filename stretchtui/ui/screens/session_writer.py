"""A session's store writes, in the order they were made, off the event loop.

One drain loop at a time takes the writes from a FIFO queue and runs each until it lands: while a
write fails only for now (another process holds the database, the disk is full) it is tried
again, and later writes wait behind it. The loop runs in one thread worker that lives while there
is something to write (so "all workers done" still means "everything written"); `drain` can also
be called directly, to finish what is queued before the screen or the app goes away.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

Job = Callable[[], None]

RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0)  # seconds between tries of a write the database kept waiting


class OrderedWriter:
    """Queue store writes (`put`); `start_drain` is called when no drain loop runs, and must run
    `drain` in a thread (SessionScreen runs it in a thread worker).

    `worth_retrying(error)` says whether a failed write may land later; `waiting(True/False)` is
    told when a write starts and stops waiting ("saving…"); `failed(error)` gets any other error
    (the session carries on, and says what was not saved)."""

    def __init__(
        self,
        start_drain: Callable[[], object],
        *,
        worth_retrying: Callable[[BaseException], bool],
        waiting: Callable[[bool], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._state = threading.Lock()  # guards `_draining` against a put racing the loop's end
        self._turn = threading.Lock()  # held while one write runs: two drain loops never overlap
        self._draining = False
        self._start_drain = start_drain
        self._worth_retrying, self._waiting, self._failed = worth_retrying, waiting, failed

    def put(self, job: Job) -> None:
        """Queue a write behind every write queued before it."""
        with self._state:
            self._jobs.put(job)
            if self._draining:
                return
            self._draining = True
        self._start_drain()

    def drain(self) -> None:
        """Write everything queued, in order, then return (the loop ends when the queue is empty)."""
        while True:
            with self._turn:
                with self._state:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        self._draining = False
                        return
                self._write_until_saved(job)

    def _write_until_saved(self, job: Job) -> None:
        """Run one write; while it fails only for now, say "saving…" and try again, so a finished
        step is never lost."""
        attempt = 0
        while True:
            try:
                job()
                break
            except Exception as error:
                if not self._worth_retrying(error):
                    self._failed(error)
                    break
                if attempt == 0:
                    self._waiting(True)
                time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
                attempt += 1
        if attempt:
            self._waiting(False)
