"""One app process for tests/test_reliability_concurrency.py: the real app, headless, on the real
clock, doing what a person does: sessions (pain before, each step done, pain after, the summary
closed) and check-ins with a note typed into the form, until told to stop.

    python reliability_app_writer.py DB NAME FLAGS_DIR WRITES

It writes FLAGS_DIR/NAME.ready once the app is up, starts when FLAGS_DIR/go appears, and stops
at the end of the round in which its store writes reach WRITES or FLAGS_DIR/stop appears. What it
wrote, as the store returned it, goes to FLAGS_DIR/NAME.json. Any error the app shows a user (an error notification)
or any crash makes the exit status non-zero."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).parent))

from pilot_helpers import no_frames_for_a_headless_app, settle, shorter_idle_checks, type_text  # noqa: E402

from stretchtui.core.clock import SystemClock  # noqa: E402
from stretchtui.store import Store  # noqa: E402
from stretchtui.ui.app import StretchApp  # noqa: E402
from stretchtui.ui.screens.checkin import CheckinScreen  # noqa: E402
from stretchtui.ui.screens.safety import SafetyScreen  # noqa: E402
from stretchtui.ui.screens.safety_gate import SafetyGateScreen  # noqa: E402
from stretchtui.ui.screens.session import SessionScreen  # noqa: E402
from stretchtui.ui.screens.session_dialogs import PainScreen, SummaryScreen  # noqa: E402
from stretchtui.ui.screens.today import TodayScreen  # noqa: E402

WAIT_SECONDS = 60

if os.environ.get("STRETCHTUI_TEST_IDLE") != "textual":
    shorter_idle_checks()  # as in the test process (conftest.py): each key waits 4 ms steps, not 20 ms
if os.environ.get("STRETCHTUI_TEST_FRAMES") != "all":
    no_frames_for_a_headless_app()  # as in the test process: no frames drawn for no terminal


class RecordingStore(Store):
    """The real store, keeping a note of every write the app made and what the store returned."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes = 0
        self.recorded_sessions: dict[int, dict] = {}  # by row id
        self.checkin_notes: list[str] = []
        self.sessions = RecordingSessions(self, self.sessions)
        self.checkins = RecordingCheckins(self, self.checkins)


class RecordingSessions:
    """The store's sessions, noting each write in the RecordingStore."""

    def __init__(self, store: RecordingStore, sessions) -> None:
        self._store, self._sessions = store, sessions

    def __getattr__(self, name: str):
        return getattr(self._sessions, name)

    def start_session(self, *args, **kwargs):
        info = self._sessions.start_session(*args, **kwargs)
        self._store.recorded_sessions[info.id] = {"uuid": info.uuid, "steps": [], "status": info.status.value}
        self._store.writes += 1
        return info

    def record_step(self, session_id, record, **kwargs):
        self._sessions.record_step(session_id, record, **kwargs)
        self._store.recorded_sessions[session_id]["steps"].append([record.step_index, record.outcome.value])
        self._store.writes += 1

    def finish_session(self, session_id, status, **kwargs):
        info = self._sessions.finish_session(session_id, status, **kwargs)
        self._store.recorded_sessions[session_id]["status"] = info.status.value
        self._store.writes += 1
        return info


class RecordingCheckins:
    """The store's check-ins, noting each one added in the RecordingStore."""

    def __init__(self, store: RecordingStore, checkins) -> None:
        self._store, self._checkins = store, checkins

    def __getattr__(self, name: str):
        return getattr(self._checkins, name)

    def add_checkin(self, *args, **kwargs):
        checkin = self._checkins.add_checkin(*args, **kwargs)
        self._store.checkin_notes.append(checkin.note)
        self._store.writes += 1
        return checkin


async def until(pilot, condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {WAIT_SECONDS} s for {what}; on screen: {pilot.app.screen!r}")
        await settle(pilot)


class WorkingClock(SystemClock):
    """The real clock, whose monotonic time (what a session's timer counts) jumps over a step's
    work: the person did it, without the test waiting for it."""

    def __init__(self) -> None:
        super().__init__()
        self.worked = 0.0

    def monotonic(self) -> float:
        return super().monotonic() + self.worked

    def work(self, seconds: float) -> None:
        self.worked += seconds


def answer_safety_if_asked(app: StretchApp) -> None:
    """The imported years may hold a recent pain of 8 or more entered after the answers, which
    rightly asks the safety questions again (core.safety): the person answers them, no to each."""
    if app.store.safety.safety_check().needs_asking:
        app.store.safety.save_safety(answers={})


async def one_session(pilot, app: StretchApp) -> None:
    answer_safety_if_asked(app)
    app.start_routine("one-minute")
    await until(pilot, lambda: isinstance(app.screen, (PainScreen, SafetyGateScreen)), "the pain question")
    if isinstance(app.screen, SafetyGateScreen):  # the imported years' pain today is 8+: start anyway, noted
        await pilot.click("#checked-start")
        await until(pilot, lambda: isinstance(app.screen, PainScreen), "the pain question after the gate")
    await pilot.press("4")
    await until(pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.timer is not None, "the timer")
    screen = app.screen
    while isinstance(app.screen, SessionScreen) and not screen.timer.finished:
        if screen.timer.phase.is_work:  # the step's work done (a routine counts only with it), then `d`
            cast(WorkingClock, app.clock).work(screen.timer.remaining)
        await pilot.press("d" if screen.timer.phase.is_work else "n")
    await until(pilot, lambda: isinstance(app.screen, PainScreen), "the pain-after question")
    await pilot.press("2")
    await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, (SummaryScreen, SessionScreen)), "the summary to close")


async def one_checkin(pilot, app: StretchApp, note: str) -> None:
    """A new check-in through the form. (Today's `c` opens today's latest check-in to change it,
    tests/test_corrections_ui.py; here every check-in is a new one, so each can be counted.)"""
    before = len(app.store.checkin_notes)
    app.switch_mode("today")
    await until(pilot, lambda: isinstance(app.screen, (TodayScreen, SafetyScreen)), "Today")
    if isinstance(app.screen, SafetyScreen):
        # The imported years hold notes that ask the safety questions again: Today asks them
        # once, as it should; answered "none of these", and on with the check-in.
        await pilot.press("a", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TodayScreen), "Today after the safety questions")
    today = app.screen
    app.push_screen(CheckinScreen(None), today._checked_in)
    await until(pilot, lambda: isinstance(app.screen, CheckinScreen), "the check-in form")
    await pilot.press("3")  # the focused region: lower back
    app.screen.query_one("#note").focus()
    await type_text(pilot, note)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: len(app.store.checkin_notes) > before, "the check-in to be saved")


async def drive(db: Path, name: str, flags: Path, min_writes: int) -> int:
    store = RecordingStore.open(db, WorkingClock())
    app = StretchApp(store=store, clock=store.clock, owns_store=True, cursor_blink=False)
    errors: list[str] = []
    shown = app.notify

    def notify(message, *args, severity="information", **kwargs):
        if severity == "error":
            errors.append(str(message))
        return shown(message, *args, severity=severity, **kwargs)

    app.notify = notify  # every notification a screen shows goes through the app
    async with app.run_test(headless=True, size=(100, 32)) as pilot:
        await settle(pilot)
        (flags / f"{name}.ready").touch()
        while not (flags / "go").exists():
            await asyncio.sleep(0.01)
        count = 0
        while not errors and store.writes < min_writes and not (flags / "stop").exists():
            await one_session(pilot, app)
            count += 1
            await one_checkin(pilot, app, f"{name}-{count}")
        await settle(pilot)
    (flags / f"{name}.json").write_text(
        json.dumps(
            {
                "writes": store.writes,
                "sessions": list(store.recorded_sessions.values()),
                "checkins": store.checkin_notes,
                "errors": errors,
            }
        )
    )
    for error in errors:
        print(f"{name}: the app showed an error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    db_arg, name_arg, flags_arg, min_arg = sys.argv[1:5]
    sys.exit(asyncio.run(drive(Path(db_arg), name_arg, Path(flags_arg), int(min_arg))))
