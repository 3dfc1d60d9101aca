"""What the history screen, the streaks and the weekly report read: one aggregate query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from peewee import SqliteDatabase, fn

from stretchtui.core.sessions import COUNTED_STATUSES, Outcome, SessionInfo
from stretchtui.core.streaks import DayActivity, StreakSummary
from stretchtui.store import day_summary
from stretchtui.store import models as m
from stretchtui.store.rows import as_date, session_info_from_row
from stretchtui.store.sessions import NO_STEPS, step_counts
from stretchtui.store.settings import SettingsRepository

if TYPE_CHECKING:
    from stretchtui.core.relief import ReliefTable


@dataclass(eq=False)
class HistoryRepository:
    """Aggregates for the history screen, the streaks and the weekly numbers, one query each."""

    db: SqliteDatabase
    settings: SettingsRepository

    def pain_by_day(self, since: date) -> dict[date, int]:
        """The worst pain noted each day: in check-ins and with sessions, read as everyone else
        reads a session's pain (store.session_pains: before, after and each "this hurts"). An
        outside pass found a day with a 9/10 "this hurts" charted and reported as its 3/10 check-in."""
        from stretchtui.store.session_pains import session_pains

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
        for noted in session_pains(since):
            result[noted.day] = max(result.get(noted.day, 0), noted.pain)
        return result

    def sitting_by_day(self, since: date) -> dict[date, float]:
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

    def relief(self, *, since: date | None = None, until: date | None = None) -> ReliefTable:
        """Each move's pain change in sessions with it against sessions without it (core.relief),
        over sessions that counted, with pain noted before and after, on days `since`..`until`.
        A session's moves are the ones done or marked hurt (as the suggestion counts them)."""
        from stretchtui.core.relief import PainChange, table

        where = (
            m.Session.status.in_(COUNTED_STATUSES)
            & m.Session.pain_before.is_null(False)
            & m.Session.pain_after.is_null(False)
        )
        if since is not None:
            where &= m.Session.day >= since
        if until is not None:
            where &= m.Session.day <= until
        sessions = m.Session.select(m.Session.id, m.Session.pain_before, m.Session.pain_after).where(where)
        pains = {session_id: (int(before), int(after)) for session_id, before, after in sessions.tuples()}
        moves: dict[int, set[str]] = {session_id: set() for session_id in pains}
        names: dict[str, str] = {}
        steps = (
            m.SessionStep.select(m.SessionStep.session, m.SessionStep.exercise_id, m.SessionStep.exercise_name)
            .join(m.Session)
            .where(where & m.SessionStep.outcome.in_((Outcome.DONE.value, Outcome.HURT.value)))
            .tuples()
        )
        for session_id, exercise_id, name in steps:
            moves[session_id].add(exercise_id)
            names[exercise_id] = name
        return table(
            (PainChange(frozenset(moves[i]), after - before, before) for i, (before, after) in pains.items()), names
        )

    def sessions_list(self, limit: int = 200) -> list[SessionInfo]:
        """Recent sessions that count or were partial, newest first, with step counts in one query."""
        rows = list(
            m.Session.select()
            .where(m.Session.status.in_(COUNTED_STATUSES))
            .order_by(m.Session.started_at.desc())
            .limit(limit)
        )
        counts = step_counts(self.db, [r.id for r in rows])
        return [session_info_from_row(r, counts.get(r.id, NO_STEPS).fields()) for r in rows]

    def day_activities(self, since: date | None = None) -> list[DayActivity]:
        """Per-day summaries for the streak model (store/day_summary.py: one row per day each)."""
        return day_summary.day_activities(self.db.connection(), since)

    def streak_summary(self, today_: date) -> StreakSummary:
        return day_summary.streak_summary(self.day_activities(), today_, self.settings.read())
