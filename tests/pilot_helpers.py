"""Shared Pilot steps: wait for thread workers, open a screen, start a session, type text."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.worker import WorkerCancelled


def shorter_idle_checks() -> None:
    """Pilot waits for the app to go idle after every key and pause by sleeping in steps of 20 ms
    until a step passes with next to no CPU used (textual._wait). Steps of 4 ms, with the same
    ratio of idle CPU to the step, tell the same thing five times sooner; what a test waits for
    beyond idleness (workers, text on screen) it waits for explicitly (see below). Set in every
    test process (conftest.py) and in the app processes a test drives (reliability_app_writer.py),
    unless STRETCHTUI_TEST_IDLE=textual asks for Textual's own steps."""
    from textual import _wait

    _wait.SLEEP_GRANULARITY = 0.004
    _wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20
    _wait.wait_for_idle.__defaults__ = (_wait.SLEEP_GRANULARITY, 1)


async def settle(pilot) -> None:
    """Wait for thread workers (database reads and writes) and the messages they post back;
    three rounds, because a worker's message can start another worker. A load that a newer one
    replaced (an exclusive worker, cancelled) is not a failure. A session's dialog worker waits
    for the person's answer, not for the database: it is not waited for."""
    from stretchtui.ui.screens.session_chains import DIALOG_GROUP

    for _ in range(3):
        busy = [w for w in pilot.app.workers if w.group != DIALOG_GROUP]
        try:
            if busy:
                await pilot.app.workers.wait_for_complete(busy)
        except WorkerCancelled:
            if busy := [w for w in busy if not w.is_cancelled]:
                await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


async def wait_until(
    pilot, found: Callable[[], object], what: str = "the state asked for", limit: float = 20.0
) -> None:
    """Poll until `found()` holds, letting the app run between looks: for state that no worker
    reports (a table laid out on idle, a file a worker writes). Fails after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not found():
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {limit} s: {what}")
        await pilot.pause(0.01)


async def open_library(pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def into_session(pilot, seconds: float = 0.0, *keys: str):
    """Start Seven in Seven (pain 4), let `seconds` pass on the frozen clock, then press `keys`;
    returns the screen on top. 5 + 13.4 s is the first hold with 0:12 to go."""
    pilot.app.start_routine("seven-in-seven")
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    pilot.app.clock.advance(seconds)
    pilot.app.screen.tick_now()
    await settle(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)
    return pilot.app.screen


def no_frames_for_a_headless_app() -> None:
    """A headless app (every Pilot test) works out each frame it would draw (Screen's compositor
    refresh: every widget's changed lines rendered into strips) and then throws it away, as no
    terminal is there to take it: a quarter of a Pilot test's CPU time. Here a headless app skips
    that; what a test reads is the widgets' state, which layout and the widgets' own code keep, and
    snapshots and screenshots render their frame themselves. So that every test still draws what
    it ends on (a widget whose rendering fails still fails its test), the screen on top is
    rendered whole as the Pilot leaves (`run_test`). STRETCHTUI_TEST_FRAMES=all draws every frame."""
    from contextlib import asynccontextmanager

    from textual.app import App
    from textual.screen import Screen

    drawn = Screen._compositor_refresh

    def _compositor_refresh(self: Screen) -> None:
        app = self.app
        if not (app.is_headless and not app.is_inline and self is app.screen):
            drawn(self)
            return
        self._compositor._dirty_regions.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)

    run_test = App.run_test

    @asynccontextmanager
    async def run_test_drawing_the_last_frame(self: App, *args, **kwargs):
        async with run_test(self, *args, **kwargs) as pilot:
            yield pilot
            if self.is_running and self.is_headless:
                self.screen._compositor.render_update(full=True, screen_stack=self._background_screens)

    Screen._compositor_refresh = _compositor_refresh  # type: ignore[method-assign]
    App.run_test = run_test_drawing_the_last_frame  # type: ignore[method-assign]
