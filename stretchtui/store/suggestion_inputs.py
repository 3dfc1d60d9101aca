"""What the suggestion engine reads from the store (core.suggestion_inputs.SuggestionRequest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from stretchtui.core.sessions import COUNTED_STATUSES, Outcome, SessionStatus
from stretchtui.store import models as m
from stretchtui.store.activity import ActivityRepository
from stretchtui.store.checkins import CheckinRepository
from stretchtui.store.library import LibraryRepository
from stretchtui.store.rows import as_date
from stretchtui.store.safety import SafetyRepository
from stretchtui.store.session_pains import session_pains

if TYPE_CHECKING:
    from stretchtui.core.suggestion_inputs import SuggestionRequest
# core.suggestion_inputs is imported where it is used: `stretchtui status` does not need it.

SUGGESTION_HISTORY_DAYS = 90  # enough for "pain fell after sessions with X" (3+ sessions)


@dataclass(eq=False)
class SuggestionInputRepository:
    """Gathers what the suggestion engine reads, in a few aggregate queries."""

    checkins: CheckinRepository
    library: LibraryRepository
    safety: SafetyRepository
    activity: ActivityRepository

    def suggestion_request(self, today_: date, minutes: int, place: str) -> SuggestionRequest:
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
        for checkin in self.checkins.checkins(since=since):
            for pain in checkin.pains:
                readings.append(
                    (checkin.at, checkin.day, pain.region.value, pain.side, pain.pain, checkin.no_comfortable_position)
                )
            if not checkin.pains and checkin.no_comfortable_position:
                readings.append((checkin.at, checkin.day, "lower-back", "", 0, True))
            if checkin.sitting_hours is not None:
                sitting_notes.append(SittingNote(checkin.day, checkin.sitting_hours))
        for day, hours in self.activity.sitting_by_day(today_ - timedelta(days=1), today_).items():
            sitting_notes.append(SittingNote(day, round(hours, 1), measured=True))
        exercises = self.library.exercise_index()
        sessions: list[SessionNote] = []
        # Pain noted with a kept session counts like a check-in then, whatever became of it (one
        # left open mid-routine too); only a counted session's moves say what was done.
        for noted in session_pains(since):  # before, after, and each "this hurts" (store.session_pains)
            readings.append((noted.at, noted.day, "lower-back", "", noted.pain, False))
        rows = list(m.Session.select().where(m.Session.status.in_(COUNTED_STATUSES) & (m.Session.day >= since)))
        steps: dict[int, list[tuple[str, str]]] = {}
        for session_id, exercise_id, outcome in (
            m.SessionStep.select(m.SessionStep.session, m.SessionStep.exercise_id, m.SessionStep.outcome)
            .where(m.SessionStep.session.in_([r.id for r in rows]))
            .tuples()
        ):
            steps.setdefault(session_id, []).append((exercise_id, outcome))
        for row in rows:
            done = frozenset(e for e, outcome in steps.get(row.id, []) if outcome == Outcome.DONE)
            hurt = frozenset(e for e, outcome in steps.get(row.id, []) if outcome == Outcome.HURT)
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
        # A move that hurt in a session that does not count (discarded, or still open after a kill)
        # is left out for a while all the same, as the session gate's "hurt lately" reads it.
        uncounted_hurts: dict[date, set[str]] = {}
        for day, exercise_id in (
            m.SessionStep.select(m.SessionStep.day, m.SessionStep.exercise_id)
            .join(m.Session)
            .where(
                (m.SessionStep.day >= since)
                & (m.SessionStep.outcome == Outcome.HURT.value)
                & m.Session.status.not_in(COUNTED_STATUSES)
            )
            .tuples()
        ):
            uncounted_hurts.setdefault(as_date(day), set()).add(exercise_id)
        sessions += [
            SessionNote(day=day, hurt_exercise_ids=frozenset(ids), complete=False)
            for day, ids in uncounted_hurts.items()
        ]
        latest: dict[tuple[date, str, str], tuple[datetime, date, str, str, int, bool]] = {}
        for reading in sorted(readings, key=lambda r: r[0]):
            latest[(reading[1], reading[2], reading[3])] = reading
        # A day marked as a flare (core.entries) counts as a pain of at least FLARE_PAIN that day, so
        # what follows a flare is gentle even when no pain was noted (be gentler when unsure).
        from stretchtui.core.streaks import FLARE_PAIN

        flared: set[tuple[date, str, str]] = set()
        for (day,) in (
            m.DayMark.select(m.DayMark.day).where((m.DayMark.kind == "flare") & (m.DayMark.day >= since)).tuples()
        ):
            key = (as_date(day), "lower-back", "")
            known = latest.get(key)
            if known is None or known[4] < FLARE_PAIN:
                flared.add(key)  # said as "Flare day marked", not as a pain never noted
                latest[key] = (
                    known[0] if known else datetime.min,
                    key[0],
                    "lower-back",
                    "",
                    FLARE_PAIN,
                    bool(known and known[5]),
                )
        pain_notes = [
            PainNote(day, region, side, pain, no_position, flare_mark=(day, region, side) in flared)
            for _at, day, region, side, pain, no_position in latest.values()
        ]
        return SuggestionRequest(
            today_,
            minutes,
            place,
            tuple(pain_notes),
            tuple(sitting_notes),
            tuple(sessions),
            self.safety.safety_check(),
            exercises=exercises,
        )
