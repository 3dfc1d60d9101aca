"""Session persistence: a row at start, every step in its own short transaction, a clean finish.

Written so that a crash, a kill or a dropped SSH connection loses nothing but the step in progress.
"""

from __future__ import annotations

import os
import uuid as uuidlib
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from peewee import JOIN, Database, fn

from stretchtui.core.checkins import Checkin, PainEntry, Region, note_value
from stretchtui.core.days import EventTime
from stretchtui.core.errors import UserError
from stretchtui.core.instants import check_instant
from stretchtui.core.sessions import (
    ExerciseCounts,
    ExerciseUsage,
    SessionInfo,
    SessionStatus,
    StepRecord,
    exercise_counts,
)
from stretchtui.core.streaks import DayActivity, StreakSummary
from stretchtui.store import day_summary
from stretchtui.store import models as m
from stretchtui.store.owner import process_owner, running_elsewhere
from stretchtui.store.rows import as_date, checkin_from_row, step_from_row

if TYPE_CHECKING:
    from stretchtui.core.suggestion_inputs import SuggestionRequest
    from stretchtui.store.store import Store
# core.suggest and core.timer are imported where they are used: `stretchtui status` needs neither,
# and every millisecond of its start-up counts in a shell prompt.


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


SUGGESTION_HISTORY_DAYS = 90  # enough for "pain fell after sessions with X" (3+ sessions)


class SessionQueries:
    """Mixed into Store: everything about sessions and their steps."""

    def _stamp(self: Store, at: datetime | None = None) -> EventTime:
        """When an event happens (now, or `at`): every event the store writes is stamped here, so
        no instant outside the window of core.instants is ever stored (a machine whose clock
        says 1970 or 2300 is refused, in one line, rather than writing history an export cannot
        carry). Its logical day is then inside the window too."""
        check_instant(self.clock.now() if at is None else at, "time")
        if at is None:
            return EventTime.stamp(self.clock, self.day_start_hour())
        return EventTime.at(at, self.clock.zone, self.day_start_hour())

    def start_session(
        self: Store,
        routine_id: str | None,
        routine_name: str,
        planned_seconds: int,
        *,
        pain_before: int | None = None,
        resume_state: dict[str, Any] | None = None,
        safety_confirmed: dict[str, Any] | None = None,
    ) -> SessionInfo:
        """`safety_confirmed`: what the person confirmed to start despite a safety warning (core.safety)."""
        stamp = self._stamp()
        with self.db.atomic():
            row = m.Session.create(
                uuid=str(uuidlib.uuid4()),
                routine=routine_id,
                routine_name=routine_name,
                source="live",
                status=SessionStatus.IN_PROGRESS.value,
                started_at=stamp.at_utc,
                zone=stamp.zone,
                day=stamp.day,
                planned_seconds=planned_seconds,
                pain_before=pain_before,
                resume_state=_owned(resume_state),
                safety_confirmed=safety_confirmed,
            )
        return self.session(row.id)

    def record_backfill(self: Store, routine_id: str | None, at: datetime, minutes: int | None) -> SessionInfo:
        """A session done away from the terminal: complete, with no steps, counted by its minutes.
        Its logical day comes from `at` in the local zone, fixed now."""
        routine = None
        if routine_id is not None:
            routine = self.routine(routine_id)
            if routine is None:
                raise UserError(f"no routine with id {routine_id!r} (list them with: stretchtui routines)")
        planned = routine.duration_seconds(self.exercise_index()) if routine else (minutes or 0) * 60
        seconds = (minutes * 60) if minutes is not None else planned
        stamp = self._stamp(at)
        with self.db.atomic():
            row = m.Session.create(
                uuid=str(uuidlib.uuid4()),
                routine=routine_id,
                routine_name=routine.name if routine else "Stretching",
                source="backfill",
                status=SessionStatus.COMPLETE.value,
                started_at=stamp.at_utc,
                zone=stamp.zone,
                day=stamp.day,
                ended_at=stamp.at_utc,
                planned_seconds=planned,
                active_seconds=seconds,
            )
        return self.session(row.id)

    def record_step(
        self: Store, session_id: int, record: StepRecord, *, active_seconds: float, resume_state: dict[str, Any] | None
    ) -> None:
        """One finished, skipped or hurt step, with where to resume, in one short transaction.
        Recording the same step again (after going back) replaces it: the latest counts."""
        stamp = self._stamp()
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
            at=stamp.at_utc,
            zone=stamp.zone,
            day=stamp.day,
        )
        with self.db.atomic():
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

    def save_resume_state(self: Store, session_id: int, resume_state: dict[str, Any], active_seconds: float) -> None:
        with self.db.atomic():
            (
                m.Session.update(resume_state=_owned(resume_state), active_seconds=round(active_seconds, 3))
                .where(m.Session.id == session_id)
                .execute()
            )

    def set_pain_before(self: Store, session_id: int, pain: int | None) -> None:
        with self.db.atomic():
            m.Session.update(pain_before=pain).where(m.Session.id == session_id).execute()

    def finish_session(
        self: Store,
        session_id: int,
        status: SessionStatus,
        *,
        active_seconds: float | None = None,
        pain_after: int | None = None,
    ) -> SessionInfo:
        values: dict[str, Any] = dict(status=status.value, ended_at=self.clock.now(), resume_state=None)
        if active_seconds is not None:
            values["active_seconds"] = round(active_seconds, 3)
        if pain_after is not None:
            values["pain_after"] = pain_after
        with self.db.atomic():
            m.Session.update(**values).where(m.Session.id == session_id).execute()
        return self.session(session_id)

    def set_pain_after(self: Store, session_id: int, pain: int | None) -> None:
        with self.db.atomic():
            m.Session.update(pain_after=pain).where(m.Session.id == session_id).execute()

    def interrupted_session(self: Store) -> SessionInfo | None:
        """The latest session a crash (in progress) or a hang-up (partial, resumable) left unfinished.
        Chosen and read in one snapshot: another app's steps landing in between cannot change it."""
        with self.db.atomic(lock_type="DEFERRED"):
            ids = self._interrupted_ids()
            return self.session(ids[0]) if ids else None

    def close_interrupted_as_partial(self: Store) -> int:
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

    def _interrupted_ids(self: Store) -> list[int]:
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

    def mark_hangup_partial(self: Store) -> int:
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

    def reopen_session(self: Store, session_id: int) -> None:
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

    def session(self: Store, session_id: int) -> SessionInfo:
        row = m.Session.get_or_none(m.Session.id == session_id)
        if row is None:
            raise UserError(f"no session with id {session_id}")
        counts = _step_counts(self.db, [session_id]).get(session_id, _NO_STEPS)
        return SessionInfo(
            id=row.id,
            uuid=row.uuid,
            routine_id=row.routine_id,
            routine_name=row.routine_name,
            status=SessionStatus(row.status),
            source=row.source,
            started_at=row.started_at,
            zone=row.zone,
            day=row.day,
            ended_at=row.ended_at,
            planned_seconds=row.planned_seconds,
            active_seconds=row.active_seconds,
            pain_before=row.pain_before,
            pain_after=row.pain_after,
            resume_state=_unowned(row.resume_state),
            **counts.fields(),
        )

    def last_session(self: Store) -> SessionInfo | None:
        """The latest session that counts (complete or partial)."""
        row = (
            m.Session.select(m.Session.id)
            .where(m.Session.status.in_((SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)))
            .order_by(m.Session.started_at.desc())
            .first()
        )
        return None if row is None else self.session(row.id)

    def session_steps(self: Store, session_id: int) -> list[StepRecord]:
        query = m.SessionStep.select().where(m.SessionStep.session == session_id).order_by(m.SessionStep.step_index)
        return [step_from_row(r) for r in query]

    def exercise_usage(self: Store, exercise_id: str) -> ExerciseUsage:
        """Sessions (complete or partial) with a finished step of it, and their mean pain change."""
        counted = (SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)
        sessions = (
            m.Session.select(m.Session.id, m.Session.pain_before, m.Session.pain_after)
            .join(m.SessionStep, JOIN.INNER, on=(m.SessionStep.session == m.Session.id))
            .where(
                (m.SessionStep.exercise_id == exercise_id)
                & (m.SessionStep.outcome == "done")
                & m.Session.status.in_(counted)
            )
            .distinct()
        )
        rows = list(sessions)
        changes = [s.pain_after - s.pain_before for s in rows if s.pain_before is not None and s.pain_after is not None]
        return ExerciseUsage(
            times_done=len(rows),
            sessions_with_pain=len(changes),
            average_pain_change=sum(changes) / len(changes) if changes else None,
        )

    def day_activities(self: Store, since: date | None = None) -> list[DayActivity]:
        """Per-day summaries for the streak model (store/day_summary.py: one row per day each)."""
        return day_summary.day_activities(self.db.connection(), since)

    def streak_summary(self: Store, today_: date) -> StreakSummary:
        return day_summary.streak_summary(self.day_activities(), today_, self.settings())


class CheckinQueries:
    """Mixed into Store: check-ins and rest days."""

    def add_checkin(
        self: Store,
        pains: list[PainEntry],
        *,
        sitting_hours: float | None = None,
        note: str = "",
        no_comfortable_position: bool = False,
        at: datetime | None = None,
        source: str = "app",
        session_id: int | None = None,
    ) -> Checkin:
        note = note_value(note)
        stamp = self._stamp(at)
        with self.db.atomic():
            row = m.Checkin.create(
                uuid=str(uuidlib.uuid4()),
                at=stamp.at_utc,
                zone=stamp.zone,
                day=stamp.day,
                source=source,
                sitting_hours=sitting_hours,
                note=note,
                no_comfortable_position=no_comfortable_position,
                session=session_id,
            )
            if pains:
                m.CheckinPain.insert_many(
                    [dict(checkin=row.id, region=p.region.value, side=p.side, pain=p.pain) for p in pains]
                ).execute()
        return self.checkins(ids=[row.id])[0]

    def checkins(self: Store, *, since: date | None = None, ids: list[int] | None = None) -> list[Checkin]:
        query = m.Checkin.select().order_by(m.Checkin.at)
        if since is not None:
            query = query.where(m.Checkin.day >= since)
        if ids is not None:
            query = query.where(m.Checkin.id.in_(ids))
        rows = list(query)
        pains: dict[int, list[PainEntry]] = {}
        for pain in m.CheckinPain.select().where(m.CheckinPain.checkin.in_([r.id for r in rows])):
            pains.setdefault(pain.checkin_id, []).append(PainEntry(Region(pain.region), pain.pain, pain.side))
        return [checkin_from_row(r, tuple(pains.get(r.id, ()))) for r in rows]

    def mark_rest_day(self: Store, day: date, *, force: bool = False) -> bool:
        """Mark `day` as a rest day; False if it already was one (store.corrections.set_day_mark
        has the rules: not a future day, not a day that met the goal, not before the first entry
        unless forced)."""
        from stretchtui.core.entries import MarkKind

        return self.set_day_mark(day, MarkKind.REST, force=force)


class HistoryQueries:
    """Mixed into Store: aggregates for the history screen and the weekly numbers, one query each."""

    def pain_by_day(self: Store, since: date) -> dict[date, int]:
        """The worst pain noted each day (check-ins and sessions' pain before)."""
        result: dict[date, int] = {}
        rows = (
            m.CheckinPain.select(m.Checkin.day, fn.MAX(m.CheckinPain.pain))
            .join(m.Checkin)
            .where(m.Checkin.day >= since)
            .group_by(m.Checkin.day)
            .tuples()
        )
        for day, pain in rows:
            result[as_date(day)] = int(pain)
        session_rows = (
            m.Session.select(m.Session.day, fn.MAX(m.Session.pain_before))
            .where(
                (m.Session.day >= since)
                & m.Session.pain_before.is_null(False)
                & (m.Session.status != SessionStatus.DISCARDED.value)
            )
            .group_by(m.Session.day)
            .tuples()
        )
        for day, pain in session_rows:
            key = as_date(day)
            result[key] = max(result.get(key, 0), int(pain))
        return result

    def sitting_by_day(self: Store, since: date) -> dict[date, float]:
        """The latest sitting hours noted each day."""
        result: dict[date, float] = {}
        rows = (
            m.Checkin.select(m.Checkin.day, m.Checkin.sitting_hours)
            .where((m.Checkin.day >= since) & m.Checkin.sitting_hours.is_null(False))
            .order_by(m.Checkin.at)
            .tuples()
        )
        for day, hours in rows:
            result[as_date(day)] = float(hours)
        return result

    def relief_by_exercise(
        self: Store, min_sessions: int = 3, *, since: date | None = None, until: date | None = None
    ) -> list[tuple[str, float, int]]:
        """(exercise name, mean pain change after minus before, n) where n >= min_sessions; best first.
        `since` and `until` (inclusive) limit it to sessions on those days."""
        counted = (SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)
        per_session = (
            m.SessionStep.select(m.SessionStep.exercise_name, m.SessionStep.session)
            .join(m.Session)
            .where(
                m.Session.status.in_(counted)
                & (m.SessionStep.outcome == "done")
                & m.Session.pain_before.is_null(False)
                & m.Session.pain_after.is_null(False)
            )
            .distinct()
        )
        if since is not None:
            per_session = per_session.where(m.Session.day >= since)
        if until is not None:
            per_session = per_session.where(m.Session.day <= until)
        sub = per_session.alias("pairs")
        query = (
            m.Session.select(
                sub.c.exercise_name, fn.AVG(m.Session.pain_after - m.Session.pain_before), fn.COUNT(m.Session.id)
            )
            .join(sub, on=(sub.c.session_id == m.Session.id))
            .group_by(sub.c.exercise_name)
            .having(fn.COUNT(m.Session.id) >= min_sessions)
        )
        rows = [(name, float(avg), int(n)) for name, avg, n in query.tuples()]
        return sorted(rows, key=lambda row: (row[1], -row[2], row[0]))

    def sessions_list(self: Store, limit: int = 200) -> list[SessionInfo]:
        """Recent sessions that count or were partial, newest first, with step counts in one query."""
        counted = (SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)
        rows = list(
            m.Session.select().where(m.Session.status.in_(counted)).order_by(m.Session.started_at.desc()).limit(limit)
        )
        counts = _step_counts(self.db, [r.id for r in rows])
        return [
            SessionInfo(
                id=r.id,
                uuid=r.uuid,
                routine_id=r.routine_id,
                routine_name=r.routine_name,
                status=SessionStatus(r.status),
                source=r.source,
                started_at=r.started_at,
                zone=r.zone,
                day=as_date(r.day),
                ended_at=r.ended_at,
                planned_seconds=r.planned_seconds,
                active_seconds=r.active_seconds,
                pain_before=r.pain_before,
                pain_after=r.pain_after,
                **counts.get(r.id, _NO_STEPS).fields(),
            )
            for r in rows
        ]


class _StepRow(NamedTuple):
    step_index: int
    exercise_id: str
    set_number: int
    side: str
    outcome: str


class _SessionCounts(NamedTuple):
    """A session's saved steps by outcome, and its exercises (core.sessions.exercise_counts)."""

    steps: dict[str, int]
    exercises: ExerciseCounts

    def fields(self) -> dict[str, Any]:
        return dict(
            steps_done=self.steps.get("done", 0),
            steps_skipped=self.steps.get("skipped", 0),
            steps_hurt=self.steps.get("hurt", 0),
            exercises=self.exercises,
        )


_NO_STEPS = _SessionCounts({}, ExerciseCounts())


def _step_counts(db: Database, session_ids: list[int]) -> dict[int, _SessionCounts]:
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
    ).where(m.SessionStep.session.in_(session_ids))
    for session_id, *step in db.execute(query):
        rows.setdefault(session_id, []).append(_StepRow(*step))
    counts = {}
    for session_id, steps in rows.items():
        by_outcome: dict[str, int] = {}
        for step in steps:
            by_outcome[step.outcome] = by_outcome.get(step.outcome, 0) + 1
        counts[session_id] = _SessionCounts(by_outcome, exercise_counts(steps))
    return counts


class SuggestionInputs:
    """Mixed into Store: gathers what the suggestion engine reads, in a few aggregate queries."""

    def suggestion_request(self: Store, today_: date, minutes: int, place: str) -> SuggestionRequest:
        from stretchtui.core.suggestion_inputs import (
            PainNote,
            SessionNote,
            SittingNote,
            SuggestionRequest,
            is_mobility_only,
        )

        since = today_ - timedelta(days=SUGGESTION_HISTORY_DAYS)
        # (when, day, region, side, pain, no comfortable position): the latest per day and region counts.
        readings: list[tuple[datetime, date, str, str, int, bool]] = []
        sitting_notes: list[SittingNote] = []
        for checkin in self.checkins(since=since):
            for pain in checkin.pains:
                readings.append(
                    (checkin.at, checkin.day, pain.region.value, pain.side, pain.pain, checkin.no_comfortable_position)
                )
            if not checkin.pains and checkin.no_comfortable_position:
                readings.append((checkin.at, checkin.day, "lower-back", "", 0, True))
            if checkin.sitting_hours is not None:
                sitting_notes.append(SittingNote(checkin.day, checkin.sitting_hours))
        exercises = self.exercise_index()
        sessions: list[SessionNote] = []
        counted = (SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)
        rows = list(m.Session.select().where(m.Session.status.in_(counted) & (m.Session.day >= since)))
        steps: dict[int, list[tuple[str, str]]] = {}
        for session_id, exercise_id, outcome in (
            m.SessionStep.select(m.SessionStep.session, m.SessionStep.exercise_id, m.SessionStep.outcome)
            .where(m.SessionStep.session.in_([r.id for r in rows]))
            .tuples()
        ):
            steps.setdefault(session_id, []).append((exercise_id, outcome))
        for row in rows:
            done = frozenset(e for e, outcome in steps.get(row.id, []) if outcome == "done")
            hurt = frozenset(e for e, outcome in steps.get(row.id, []) if outcome == "hurt")
            sessions.append(
                SessionNote(
                    day=as_date(row.day),
                    exercise_ids=done,
                    hurt_exercise_ids=hurt,
                    mobility_only=is_mobility_only(done, exercises) if done else False,
                    pain_before=row.pain_before,
                    pain_after=row.pain_after,
                    complete=row.status == SessionStatus.COMPLETE.value,
                )
            )
            if row.pain_before is not None:  # a session's pain before counts like a check-in at its start
                readings.append((row.started_at, as_date(row.day), "lower-back", "", row.pain_before, False))
            if row.pain_after is not None:  # ...and its pain after like one at its end
                readings.append(
                    (row.ended_at or row.started_at, as_date(row.day), "lower-back", "", row.pain_after, False)
                )
        latest: dict[tuple[date, str, str], tuple[datetime, date, str, str, int, bool]] = {}
        for reading in sorted(readings, key=lambda r: r[0]):
            latest[(reading[1], reading[2], reading[3])] = reading
        # A day marked as a flare (core.entries) counts as a pain of at least FLARE_PAIN that day, so
        # what follows a flare is gentle even when no pain was noted (be gentler when unsure).
        from stretchtui.core.streaks import FLARE_PAIN

        for (day,) in (
            m.DayMark.select(m.DayMark.day).where((m.DayMark.kind == "flare") & (m.DayMark.day >= since)).tuples()
        ):
            key = (as_date(day), "lower-back", "")
            known = latest.get(key)
            if known is None or known[4] < FLARE_PAIN:
                latest[key] = (
                    known[0] if known else datetime.min,
                    key[0],
                    "lower-back",
                    "",
                    FLARE_PAIN,
                    bool(known and known[5]),
                )
        pain_notes = [
            PainNote(day, region, side, pain, no_position)
            for _at, day, region, side, pain, no_position in latest.values()
        ]
        return SuggestionRequest(
            today_,
            minutes,
            place,
            tuple(pain_notes),
            tuple(sitting_notes),
            tuple(sessions),
            self.safety_check(),
            exercises=exercises,
        )
