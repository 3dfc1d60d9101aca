"""Session persistence: a row at start, every step in its own short transaction, a clean finish.

Written so that a crash, a kill or a dropped SSH connection loses nothing but the step in progress.
"""

from __future__ import annotations

import os
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from peewee import JOIN, Database, SqliteDatabase

from stretchtui.core.call_records import takes
from stretchtui.core.clock import Clock
from stretchtui.core.days import EventTime
from stretchtui.core.errors import UserError
from stretchtui.core.sessions import (
    COUNTED_STATUSES,
    ExerciseCounts,
    ExerciseUsage,
    NewSession,
    Outcome,
    SessionEnd,
    SessionInfo,
    SessionStatus,
    StepRecord,
    exercise_counts,
    keeping_a_hurt,
)
from stretchtui.store import models as m
from stretchtui.store.library import LibraryRepository
from stretchtui.store.owner import process_owner, running_elsewhere
from stretchtui.store.rows import session_info_from_row, step_from_row
from stretchtui.store.settings import EventStamp

_process_owner = lru_cache(maxsize=4)(process_owner)  # by process id: the same all its life


def _owned(resume_state: dict[str, Any] | None) -> dict[str, Any]:
    """A resume state with this process noted as its owner (see store/owner.py). Noted from the
    session's start, before there is anything to resume: a second app must not take a session
    another app has just started for an interrupted one."""
    return {**(resume_state or {}), "owner": _process_owner(os.getpid())}


def _unowned(resume_state: dict[str, Any] | None) -> dict[str, Any] | None:
    """The resume state as it was saved (None when nothing was): the owner is the store's own note."""
    if not isinstance(resume_state, dict):
        return resume_state
    return {key: value for key, value in resume_state.items() if key != "owner"} or None


@dataclass(eq=False)
class SessionRepository:
    """Everything about sessions and their steps."""

    db: SqliteDatabase
    clock: Clock
    stamp: EventStamp
    library: LibraryRepository
    on_finished: Callable[[SessionInfo], object] | None = None  # the store counts a break taken (store.activity)

    @takes(NewSession)
    def start_session(self, new: NewSession) -> SessionInfo:
        """A session begun now, in progress (called with NewSession's fields)."""
        return self._new_session(
            self.stamp(),
            routine=new.routine_id,
            routine_name=new.routine_name,
            source="live",
            status=SessionStatus.IN_PROGRESS.value,
            planned_seconds=new.planned_seconds,
            pain_before=new.pain_before,
            resume_state=_owned(new.resume_state),
            safety_confirmed=new.safety_confirmed,
            program_id=new.program[0] if new.program else None,
            program_version=new.program[1] if new.program else None,
        )

    def record_backfill(self, routine_id: str | None, at: datetime, minutes: int | None) -> SessionInfo:
        """A session done away from the terminal: complete, with no steps, counted by its minutes.
        Its logical day comes from `at` in the local zone, fixed now."""
        routine = None
        if routine_id is not None:
            routine = self.library.routine(routine_id)
            if routine is None:
                raise UserError(f"no routine with id {routine_id!r} (list them with: stretchtui routines)")
        planned = routine.duration_seconds(self.library.exercise_index()) if routine else (minutes or 0) * 60
        seconds = (minutes * 60) if minutes is not None else planned
        stamp = self.stamp(at)
        return self._new_session(
            stamp,
            routine=routine_id,
            routine_name=routine.name if routine else "Stretching",
            source="backfill",
            status=SessionStatus.COMPLETE.value,
            ended_at=stamp.at_utc,
            planned_seconds=planned,
            active_seconds=seconds,
        )

    def _new_session(self, stamp: EventTime, **values: Any) -> SessionInfo:
        """A session row under a new UUID, started at `stamp` (its instant, zone and day)."""
        with self.db.atomic():
            row = m.Session.create(uuid=str(uuidlib.uuid4()), **m.stamp_values(stamp, "started_at"), **values)
        return self.session(row.id)

    def record_step(
        self, session_id: int, record: StepRecord, *, active_seconds: float, resume_state: dict[str, Any] | None
    ) -> None:
        """One finished, skipped or hurt step, with where to resume, in one short transaction.
        Recording the same step again (after going back) replaces it: the latest counts, but a
        hurt stays one (core.sessions.keeping_a_hurt), at the time it was given."""
        stamp = self.stamp()
        values = dict(
            exercise_id=record.exercise_id,
            exercise_name=record.exercise_name,
            set_number=record.set_number,
            side=record.side.value,
            planned_hold_seconds=record.planned_hold_seconds,
            actual_hold_seconds=round(record.actual_hold_seconds, 3),
            planned_reps=record.planned_reps,
            reps_done=record.reps_done,
            outcome=record.outcome.value,
            hurt_pain=record.hurt_pain,
            **m.stamp_values(stamp),
        )
        with self.db.atomic():
            hurt = m.SessionStep.get_or_none(
                (m.SessionStep.session == session_id)
                & (m.SessionStep.step_index == record.step_index)
                & (m.SessionStep.outcome == Outcome.HURT.value)
            )
            if hurt is not None:  # whoever writes it (a resumed timer too): still a hurt, at its own time
                kept = keeping_a_hurt(record, [replace(record, outcome=Outcome.HURT, hurt_pain=hurt.hurt_pain)])
                values.update(outcome=kept.outcome.value, hurt_pain=kept.hurt_pain)
                for stamp_field in m.stamp_values(stamp):
                    values.pop(stamp_field)
                m.SessionStep.update(**values).where(m.SessionStep.id == hurt.id).execute()
            else:
                (
                    m.SessionStep.insert(
                        uuid=str(uuidlib.uuid4()), session=session_id, step_index=record.step_index, **values
                    )
                    .on_conflict(conflict_target=[m.SessionStep.session, m.SessionStep.step_index], update=values)
                    .execute()
                )
            (
                m.Session.update(active_seconds=round(active_seconds, 3), resume_state=_owned(resume_state))
                .where(m.Session.id == session_id)
                .execute()
            )

    def save_resume_state(self, session_id: int, resume_state: dict[str, Any], active_seconds: float) -> None:
        with self.db.atomic():
            (
                m.Session.update(resume_state=_owned(resume_state), active_seconds=round(active_seconds, 3))
                .where(m.Session.id == session_id)
                .execute()
            )

    def set_pain_before(self, session_id: int, pain: int | None) -> None:
        with self.db.atomic():
            m.Session.update(pain_before=pain).where(m.Session.id == session_id).execute()

    @takes(SessionEnd)
    def finish_session(self, end: SessionEnd) -> SessionInfo:
        """A session ended (called with SessionEnd's fields)."""
        values: dict[str, Any] = dict(status=end.status.value, ended_at=self.clock.now(), resume_state=None)
        if end.active_seconds is not None:
            values["active_seconds"] = round(end.active_seconds, 3)
        if end.pain_after is not None:
            values["pain_after"] = end.pain_after
        with self.db.atomic():
            m.Session.update(**values).where(m.Session.id == end.session_id).execute()
        info = self.session(end.session_id)
        if self.on_finished is not None and end.status in (SessionStatus.COMPLETE, SessionStatus.PARTIAL):
            self.on_finished(info)
        return info

    def set_pain_after(self, session_id: int, pain: int | None) -> None:
        with self.db.atomic():
            m.Session.update(pain_after=pain).where(m.Session.id == session_id).execute()

    def interrupted_session(self) -> SessionInfo | None:
        """The latest session a crash (in progress) or a hang-up (partial, resumable) left unfinished.
        Chosen and read in one snapshot: another app's steps landing in between cannot change it."""
        with self.db.atomic(lock_type="DEFERRED"):
            ids = self._interrupted_ids()
            return self.session(ids[0]) if ids else None

    def close_interrupted_as_partial(self) -> int:
        """The user chose to close interrupted sessions: partial, and no longer offered for resuming."""
        with self.db.atomic():
            ids = self._interrupted_ids()
            if not ids:
                return 0
            return (
                m.Session.update(status=SessionStatus.PARTIAL.value, ended_at=self.clock.now(), resume_state=None)
                .where(m.Session.id.in_(ids))
                .execute()
            )

    def _interrupted_ids(self) -> list[int]:
        """Resumable sessions, newest first, except those another running app is in the middle of."""
        rows = (
            m.Session.select(m.Session.id, m.Session.status, m.Session.resume_state)
            .where(self._resumable())
            .order_by(m.Session.started_at.desc())
        )
        return [
            row.id
            for row in rows
            if not running_elsewhere((row.resume_state or {}).get("owner"))
            and (row.status == SessionStatus.IN_PROGRESS.value or _unowned(row.resume_state))
        ]

    def mark_hangup_partial(self) -> int:
        """The terminal went away (SIGHUP): save this process's in-progress sessions as partial,
        still resumable (another app's sessions carry on)."""
        own = _process_owner(os.getpid())
        with self.db.atomic():
            rows = m.Session.select(m.Session.id, m.Session.resume_state).where(
                m.Session.status == SessionStatus.IN_PROGRESS.value
            )
            ids = [row.id for row in rows if (row.resume_state or {}).get("owner") in (None, own)]
            if not ids:
                return 0
            return (
                m.Session.update(status=SessionStatus.PARTIAL.value, ended_at=self.clock.now())
                .where(m.Session.id.in_(ids))
                .execute()
            )

    def reopen_session(self, session_id: int) -> None:
        """Resuming: the session is in progress again."""
        with self.db.atomic():
            row = m.Session.get_or_none(m.Session.id == session_id)
            state = _owned(_unowned(row.resume_state)) if row is not None else None
            (
                m.Session.update(status=SessionStatus.IN_PROGRESS.value, ended_at=None, resume_state=state)
                .where(m.Session.id == session_id)
                .execute()
            )

    @staticmethod
    def _resumable() -> Any:
        return (m.Session.status == SessionStatus.IN_PROGRESS.value) | (
            (m.Session.status == SessionStatus.PARTIAL.value) & m.Session.resume_state.is_null(False)
        )

    def session(self, session_id: int) -> SessionInfo:
        row = m.Session.get_or_none(m.Session.id == session_id)
        if row is None:
            raise UserError(f"no session with id {session_id}")
        counts = step_counts(self.db, [session_id]).get(session_id, NO_STEPS)
        return session_info_from_row(row, counts.fields(), _unowned(row.resume_state))

    def last_session(self) -> SessionInfo | None:
        """The latest session that counts (complete or partial)."""
        row = (
            m.Session.select(m.Session.id)
            .where(m.Session.status.in_(COUNTED_STATUSES))
            .order_by(m.Session.started_at.desc())
            .first()
        )
        return None if row is None else self.session(row.id)

    def session_steps(self, session_id: int) -> list[StepRecord]:
        query = m.SessionStep.select().where(m.SessionStep.session == session_id).order_by(m.SessionStep.step_index)
        return [step_from_row(r) for r in query]

    def exercise_usage(self, exercise_id: str) -> ExerciseUsage:
        """Sessions (complete or partial) with a finished step of it (the relief comparison is the
        history's: store.history.relief, set by the caller with the day it counts back from)."""
        sessions = (
            m.Session.select(m.Session.id, m.Session.pain_before, m.Session.pain_after)
            .join(m.SessionStep, JOIN.INNER, on=(m.SessionStep.session == m.Session.id))
            .where(
                (m.SessionStep.exercise_id == exercise_id)
                & (m.SessionStep.outcome == Outcome.DONE.value)
                & m.Session.status.in_(COUNTED_STATUSES)
            )
            .distinct()
        )
        return ExerciseUsage(times_done=sessions.count())


class _StepRow(NamedTuple):
    step_index: int
    exercise_id: str
    set_number: int
    side: str
    outcome: str
    hurt_pain: int | None


class _SessionCounts(NamedTuple):
    """A session's saved steps by outcome, and its exercises (core.sessions.exercise_counts)."""

    steps: dict[str, int]
    exercises: ExerciseCounts
    worst_hurt: int | None = None

    def fields(self) -> dict[str, Any]:
        return dict(
            steps_done=self.steps.get(Outcome.DONE, 0),
            steps_skipped=self.steps.get(Outcome.SKIPPED, 0),
            steps_hurt=self.steps.get(Outcome.HURT, 0),
            exercises=self.exercises,
            worst_hurt=self.worst_hurt,
        )


NO_STEPS = _SessionCounts({}, ExerciseCounts())


def step_counts(db: Database, session_ids: list[int]) -> dict[int, _SessionCounts]:
    """The counts of each session, from one query over their steps (plain columns, read as SQLite
    gives them: peewee's per-value conversion took three times as long as the query, for History's
    200 sessions)."""
    rows: dict[int, list[_StepRow]] = {}
    query = m.SessionStep.select(
        m.SessionStep.session,
        m.SessionStep.step_index,
        m.SessionStep.exercise_id,
        m.SessionStep.set_number,
        m.SessionStep.side,
        m.SessionStep.outcome,
        m.SessionStep.hurt_pain,
    ).where(m.SessionStep.session.in_(session_ids))
    for session_id, *step in db.execute(query):
        rows.setdefault(session_id, []).append(_StepRow(*step))
    counts = {}
    for session_id, steps in rows.items():
        by_outcome: dict[str, int] = {}
        for step in steps:
            by_outcome[step.outcome] = by_outcome.get(step.outcome, 0) + 1
        hurts = [step.hurt_pain for step in steps if step.hurt_pain is not None]
        counts[session_id] = _SessionCounts(by_outcome, exercise_counts(steps), max(hurts, default=None))
    return counts
