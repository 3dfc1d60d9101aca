"""A session step is never lost while another process holds the database (a long import, a
backup): the session screen shows "saving…" and keeps trying until the write lands (issue 15)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from pilot_helpers import into_session

from stretchtui.core.phases import PhaseKind
from stretchtui.store import Store
from stretchtui.ui.screens.session import SessionScreen

pytestmark = pytest.mark.usefixtures("short_busy_timeout")


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """The store gives up on a lock after 0.2 s instead of 10 s, so a test can outlast it."""
    import stretchtui.store.db as db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.2)


async def wait_for(pilot, condition, what: str, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await pilot.pause(0.05)


def saving_shown(screen: SessionScreen) -> bool:
    label = screen.query_one("#session-saving")
    return bool(label.display) and str(label.content) == "saving…"


def held_write_lock(db_path) -> sqlite3.Connection:
    """Another process's long write transaction, as an import's would be."""
    other = sqlite3.connect(str(db_path), isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    return other


def steps_saved(db_path, clock) -> int:
    store = Store.open(db_path, clock)
    try:
        return len(store.sessions.session_steps(1))
    finally:
        store.close()


async def test_a_step_finished_while_the_database_is_held_is_saved_once_it_is_free(
    make_test_app, clock, db_path
) -> None:
    failures: list[str] = []
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.report_failure = lambda error: failures.append(repr(error))  # type: ignore[method-assign]
        screen = await into_session(pilot, 5 + 1)
        assert isinstance(screen, SessionScreen) and screen.timer.phase.kind is PhaseKind.HOLD
        assert not saving_shown(screen)
        other = held_write_lock(db_path)
        try:
            clock.advance(60)  # the first hold ends: its step is written while the lock is held
            screen.tick_now()
            await wait_for(pilot, lambda: saving_shown(screen), '"saving…"')
            for _ in range(3):  # real time passes on purpose: several retries (0.1 s, 0.25 s, ...) fail
                await pilot.pause(0.3)  # meanwhile; the step waits, nothing is reported
            assert saving_shown(screen) and failures == []
        finally:
            other.rollback()
            other.close()
        await wait_for(pilot, lambda: not screen.query_one("#session-saving").display, '"saving…" to go')
        assert failures == []
        await pilot.app.workers.wait_for_complete()
    assert steps_saved(db_path, clock) >= 1


async def test_later_steps_wait_behind_the_held_one_and_keep_their_order(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 1)
        other = held_write_lock(db_path)
        try:
            for _ in range(4):  # four holds end while the database is held
                clock.advance(40)
                screen.tick_now()
                await pilot.pause()
            await wait_for(pilot, lambda: saving_shown(screen), '"saving…"')
        finally:
            other.rollback()
            other.close()
        await wait_for(pilot, lambda: not screen.query_one("#session-saving").display, '"saving…" to go')
        await pilot.app.workers.wait_for_complete()
    store = Store.open(db_path, clock)
    try:
        steps = store.sessions.session_steps(1)
    finally:
        store.close()
    assert len(steps) >= 2
    assert [s.step_index for s in steps] == sorted(s.step_index for s in steps)
    assert len({s.step_index for s in steps}) == len(steps)


def test_only_waiting_errors_are_retried() -> None:
    """Busy and full-disk errors are retried; anything else is reported at once."""
    import errno

    import peewee

    from stretchtui.store.storage_errors import worth_retrying

    def wrapped(message: str) -> Exception:
        try:
            try:
                raise sqlite3.OperationalError(message)
            except sqlite3.OperationalError as inner:
                raise peewee.OperationalError(message) from inner
        except peewee.OperationalError as outer:
            return outer

    assert worth_retrying(wrapped("database is locked"))
    assert worth_retrying(wrapped("database or disk is full"))
    assert worth_retrying(OSError(errno.ENOSPC, "No space left on device"))
    assert not worth_retrying(wrapped("no such table: session"))
    assert not worth_retrying(ValueError("a bug"))
    assert not worth_retrying(peewee.IntegrityError("UNIQUE constraint failed: session_step.uuid"))


async def test_quitting_while_a_step_waits_for_the_database_still_saves_it(make_test_app, clock, db_path) -> None:
    """The app ends while the finished step's write is still being retried: closing the session
    screen finishes the queue before the app closes the store (no waiting for workers here)."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await into_session(pilot, 5 + 1)
        other = held_write_lock(db_path)
        try:
            clock.advance(60)  # the first hold ends: its step waits for the database
            screen.tick_now()
            await wait_for(pilot, lambda: saving_shown(screen), '"saving…"')
        finally:
            other.rollback()
            other.close()
        assert saving_shown(screen)  # still queued as the app ends
        app.exit()
    assert steps_saved(db_path, clock) >= 1
