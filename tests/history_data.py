"""A deterministic, realistic history, for history tests and snapshots: written through the store
(`fill_history`), or for years of it in one bulk transaction with the same rows (`fill_history_fast`)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peewee import chunked, fn

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.days import EventTime
from stretchtui.core.model import Routine
from stretchtui.core.sessions import Outcome, SessionStatus, Side, StepRecord
from stretchtui.store import Store

PLANNED_SECONDS = 400
HOLD_SECONDS = 30


@dataclass(frozen=True)
class PlannedSession:
    routine: Routine
    outcomes: tuple[Outcome, ...]  # one per routine item
    status: SessionStatus
    pain_after: int

    def step(self, index: int) -> StepRecord:
        item, outcome = self.routine.items[index], self.outcomes[index]
        return StepRecord(
            index,
            item.exercise_id,
            item.exercise_id,
            1,
            Side.BOTH,
            HOLD_SECONDS,
            float(HOLD_SECONDS) if outcome is Outcome.DONE else 3.0,
            0,
            0,
            outcome,
        )


@dataclass(frozen=True)
class PlannedDay:
    """One day of the story: a morning check-in at 08:15, then a rest mark, a session, or nothing."""

    day: date
    at: datetime  # 08:15 local, in UTC
    pain: int
    sitting: float
    rest: bool
    session: PlannedSession | None


def plan_history(store: Store, clock, days: int, seed: int) -> Iterator[PlannedDay]:
    """Sessions on most days (a few gaps and partials), check-ins whose pain trends down,
    weekday sitting, a rest day every 17th day; the `days` days before the clock's date."""
    rng = random.Random(seed)
    zone = ZoneInfo(clock.zone_name)
    today = clock.instant.astimezone(zone).date()
    routines = [r for r in store.library.routines() if r.id in ("one-minute", "seven-in-seven", "mobility")]
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        at = datetime.combine(day, time(8, 15), zone).astimezone(ZoneInfo("UTC"))
        pain = max(0, min(10, round(6 - 4 * (days - back) / days + rng.uniform(-1, 1))))
        sitting = rng.choice([7, 8, 8.5, 9, 10]) if day.weekday() < 5 else rng.choice([1, 2, 3])
        if back % 17 == 0 or rng.random() < 0.15:
            yield PlannedDay(day, at, pain, sitting, rest=back % 17 == 0, session=None)
            continue
        routine = routines[back % len(routines)]
        outcomes = tuple(Outcome.SKIPPED if rng.random() < 0.1 else Outcome.DONE for _ in routine.items)
        status = SessionStatus.PARTIAL if rng.random() < 0.1 else SessionStatus.COMPLETE
        pain_after = max(0, pain - rng.choice([0, 1, 1, 2]))
        yield PlannedDay(
            day, at, pain, sitting, rest=False, session=PlannedSession(routine, outcomes, status, pain_after)
        )


def fill_history(store: Store, clock, days: int = 90, seed: int = 7) -> None:
    """Write the planned history through the store's own methods; the clock is put back where it was."""
    original = clock.instant
    for planned in plan_history(store, clock, days, seed):
        clock.instant = planned.at
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, planned.pain)], sitting_hours=planned.sitting)
        if planned.rest:
            store.corrections.mark_rest_day(planned.day, force=True)
        session = planned.session
        if session is None:
            continue
        info = store.sessions.start_session(
            session.routine.id, session.routine.name, PLANNED_SECONDS, pain_before=planned.pain
        )
        for index in range(len(session.routine.items)):
            store.sessions.record_step(
                info.id, session.step(index), active_seconds=HOLD_SECONDS * (index + 1.0), resume_state=None
            )
        store.sessions.finish_session(info.id, session.status, pain_after=session.pain_after)
    clock.instant = original


def fill_history_fast(store: Store, clock, days: int = 3650, seed: int = 7) -> None:
    """The rows `fill_history` writes (uuids aside), inserted in bulk in one transaction: ten years
    take seconds instead of minutes. tests/test_reliability_history.py checks the two agree."""
    from stretchtui.store import models as m

    day_start = store.settings.day_start_hour()
    zone = ZoneInfo(clock.zone_name)
    rows: dict[type, list[dict]] = {m.Checkin: [], m.CheckinPain: [], m.DayMark: [], m.Session: [], m.SessionStep: []}
    checkin_id = m.Checkin.select(fn.MAX(m.Checkin.id)).scalar() or 0
    session_id = m.Session.select(fn.MAX(m.Session.id)).scalar() or 0
    for planned in plan_history(store, clock, days, seed):
        stamp = EventTime.at(planned.at, zone, day_start)
        when = dict(zone=stamp.zone, day=stamp.day)
        checkin_id += 1
        rows[m.Checkin].append(
            dict(
                id=checkin_id,
                uuid=str(uuid.uuid4()),
                at=stamp.at_utc,
                source="app",
                sitting_hours=planned.sitting,
                note="",
                no_comfortable_position=False,
                **when,
            )
        )
        rows[m.CheckinPain].append(dict(checkin=checkin_id, region=Region.LOWER_BACK.value, side="", pain=planned.pain))
        if planned.rest:
            rows[m.DayMark].append(
                dict(uuid=str(uuid.uuid4()), day=planned.day, kind="rest", at=stamp.at_utc, zone=stamp.zone)
            )
        session = planned.session
        if session is None:
            continue
        session_id += 1
        items = len(session.routine.items)
        rows[m.Session].append(
            dict(
                id=session_id,
                uuid=str(uuid.uuid4()),
                routine=session.routine.id,
                routine_name=session.routine.name,
                source="live",
                status=session.status.value,
                started_at=stamp.at_utc,
                ended_at=stamp.at_utc,
                planned_seconds=PLANNED_SECONDS,
                active_seconds=float(HOLD_SECONDS * items),
                pain_before=planned.pain,
                pain_after=session.pain_after,
                resume_state=None,
                **when,
            )
        )
        for index in range(items):
            record = session.step(index)
            rows[m.SessionStep].append(
                dict(
                    uuid=str(uuid.uuid4()),
                    session=session_id,
                    step_index=index,
                    exercise_id=record.exercise_id,
                    exercise_name=record.exercise_name,
                    set_number=record.set_number,
                    side=record.side.value,
                    planned_hold_seconds=record.planned_hold_seconds,
                    actual_hold_seconds=round(record.actual_hold_seconds, 3),
                    planned_reps=record.planned_reps,
                    reps_done=record.reps_done,
                    outcome=record.outcome.value,
                    hurt_pain=None,
                    at=stamp.at_utc,
                    **when,
                )
            )
    with store.db.atomic():
        for model, model_rows in rows.items():
            for batch in chunked(model_rows, 500):
                model.insert_many(batch).execute()
