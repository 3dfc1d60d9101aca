"""The session's ordered writer (ui/screens/session_writer.py): one drain loop, in order, retrying
a write the database keeps waiting, and able to finish the queue when its worker never ran."""

from __future__ import annotations

import threading

from stretchtui.ui.screens import session_writer
from stretchtui.ui.screens.session_writer import OrderedWriter


class Busy(Exception):
    """A write that may land later (the database is held)."""


def make_writer(monkeypatch, start_drain=None):
    monkeypatch.setattr(session_writer, "RETRY_DELAYS", (0.0,))
    told: dict[str, list] = {"waiting": [], "failed": []}
    writer = OrderedWriter(
        start_drain or (lambda: None),
        worth_retrying=lambda e: isinstance(e, Busy),
        waiting=told["waiting"].append,
        failed=told["failed"].append,
    )
    return writer, told


def test_writes_land_in_the_order_queued_and_a_held_one_is_retried_until_it_lands(monkeypatch) -> None:
    written: list[int] = []
    tries = {"left": 3}

    def held_then_free() -> None:
        if tries["left"]:
            tries["left"] -= 1
            raise Busy()
        written.append(1)

    writer, told = make_writer(monkeypatch)
    writer.put(lambda: written.append(0))
    writer.put(held_then_free)
    writer.put(lambda: written.append(2))
    writer.drain()
    assert written == [0, 1, 2] and tries["left"] == 0
    assert told == {"waiting": [True, False], "failed": []}


def test_any_other_error_is_reported_once_and_the_next_write_still_lands(monkeypatch) -> None:
    written: list[str] = []
    writer, told = make_writer(monkeypatch)
    bug = ValueError("a bug")

    def broken() -> None:
        raise bug

    writer.put(broken)
    writer.put(lambda: written.append("next"))
    writer.drain()
    assert told == {"waiting": [], "failed": [bug]} and written == ["next"]


def test_one_drain_loop_is_started_while_it_has_work(monkeypatch) -> None:
    started: list[int] = []
    writer, _ = make_writer(monkeypatch, start_drain=lambda: started.append(1))
    writer.put(lambda: None)
    writer.put(lambda: None)
    assert started == [1]  # the second write waits for the loop already asked for
    writer.drain()
    writer.put(lambda: None)
    assert started == [1, 1]  # the loop ended with the queue empty: the next write starts one


def test_two_drains_at_once_never_overlap_or_reorder(monkeypatch) -> None:
    """The screen finishes the queue itself when it closes, while the worker may still drain."""
    written: list[int] = []
    inside = threading.Lock()
    gate = threading.Event()

    def job(n: int):
        def write() -> None:
            assert inside.acquire(blocking=False), "two writes ran at once"
            try:
                gate.wait(5) if n == 0 else None
                written.append(n)
            finally:
                inside.release()

        return write

    writer, _ = make_writer(monkeypatch)
    for n in range(20):
        writer.put(job(n))
    worker = threading.Thread(target=writer.drain)
    worker.start()
    closing = threading.Thread(target=writer.drain)
    closing.start()
    gate.set()
    worker.join(10)
    closing.join(10)
    assert written == list(range(20))
