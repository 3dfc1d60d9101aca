"""A deterministic, realistic history written through the store, for history tests and snapshots."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.sessions import SessionStatus
from stretchtui.core.timer import Outcome, Side, StepRecord
from stretchtui.store import Store


def fill_history(store: Store, clock, days: int = 90, seed: int = 7) -> None:
    """Sessions on most days (a few gaps and partials), check-ins whose pain trends down,
    weekday sitting, a rest day; the clock is put back where it was."""
    rng = random.Random(seed)
    original = clock.instant
    zone = ZoneInfo(clock.zone_name)
    today = original.astimezone(zone).date()
    routines = [r for r in store.routines() if r.id in ("one-minute", "seven-in-seven", "mobility")]
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        clock.instant = datetime.combine(day, time(8, 15), zone).astimezone(ZoneInfo("UTC"))
        pain = max(0, min(10, round(6 - 4 * (days - back) / days + rng.uniform(-1, 1))))
        sitting = rng.choice([7, 8, 8.5, 9, 10]) if day.weekday() < 5 else rng.choice([1, 2, 3])
        store.add_checkin([PainEntry(Region.LOWER_BACK, pain)], sitting_hours=sitting)
        if back % 17 == 0:
            store.mark_rest_day(day)
            continue
        if rng.random() < 0.15:
            continue
        routine = routines[back % len(routines)]
        info = store.start_session(routine.id, routine.name, 400, pain_before=pain)
        for index, item in enumerate(routine.items):
            outcome = Outcome.SKIPPED if rng.random() < 0.1 else Outcome.DONE
            store.record_step(info.id, StepRecord(index, item.exercise_id, item.exercise_id, 1, Side.BOTH, 30,
                                                  30.0 if outcome is Outcome.DONE else 3.0, 0, 0, outcome),
                              active_seconds=30.0 * (index + 1), resume_state=None)
        status = SessionStatus.PARTIAL if rng.random() < 0.1 else SessionStatus.COMPLETE
        store.finish_session(info.id, status, pain_after=max(0, pain - rng.choice([0, 1, 1, 2])))
    clock.instant = original
