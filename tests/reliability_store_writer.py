"""A second process that keeps writing, for tests/test_reliability_history.py: sessions run on the
core session timer and saved step by step exactly as the session screen saves them, and check-ins,
all on a frozen clock, until told to stop.

    python reliability_store_writer.py DB START_ISO FLAGS_DIR

It writes FLAGS_DIR/writer.ready after its first session, stops when FLAGS_DIR/stop appears, and
reports what the store returned in FLAGS_DIR/writer.json."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.phases import build_phases
from stretchtui.core.serialize import routine_to_plain
from stretchtui.core.sessions import SessionStatus
from stretchtui.core.timer import SessionTimer
from stretchtui.core.timer_events import StepRecorded
from stretchtui.store import Store

ZONE = "Europe/Berlin"
SECONDS_PER_PRESS = 1.0


def run_session(store: Store, clock: FrozenClock, routine, exercises) -> dict:
    """One session of `routine`, every work step done, as SessionScreen writes it (no pain asked)."""
    timer = SessionTimer(build_phases(routine, exercises), clock.monotonic)
    info = store.sessions.start_session(routine.id, routine.name, timer.total_planned_seconds)
    steps: list[list] = []

    def save(events) -> None:
        for event in events:
            if isinstance(event, StepRecorded):
                snapshot = {"timer": timer.snapshot(), "routine": routine_to_plain(routine)}
                store.sessions.record_step(
                    info.id, event.record, active_seconds=timer.work_seconds, resume_state=snapshot
                )
                steps.append([event.record.step_index, event.record.outcome.value])

    save(timer.start())
    while not timer.finished:
        clock.advance(SECONDS_PER_PRESS)
        save(timer.tick())  # the screen's ticker runs before a key is read
        if not timer.finished:
            save(timer.done() if timer.phase.is_work else timer.next())
    finished = store.sessions.finish_session(info.id, SessionStatus.COMPLETE, active_seconds=timer.work_seconds)
    return {"uuid": finished.uuid, "day": finished.day.isoformat(), "status": finished.status.value, "steps": steps}


def main(db: Path, start: datetime, flags: Path) -> int:
    clock = FrozenClock(start, ZONE)
    store = Store.open(db, clock)
    routine = store.library.routine("one-minute")
    exercises = store.library.exercise_index()
    sessions: list[dict] = []
    notes: list[str] = []
    try:
        while not (flags / "stop").exists():
            sessions.append(run_session(store, clock, routine, exercises))
            note = f"writer-{len(sessions)}"
            store.checkins.add_checkin(
                [PainEntry(Region.LOWER_BACK, len(sessions) % 8)], note=note
            )  # below 8: no re-ask
            notes.append(note)
            (flags / "writer.ready").touch()
    finally:
        store.close()
    (flags / "writer.json").write_text(json.dumps({"sessions": sessions, "checkins": notes}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), Path(sys.argv[3])))
