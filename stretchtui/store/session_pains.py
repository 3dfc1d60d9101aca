"""Every pain noted with a session, read one way for everyone who weighs the day's pain.

A session carries pain three ways: the pain before it (at its start), the pain after it (at its
end) and each "this hurts" (the step's pain, when it was saved). Each counts as a pain noted then,
whatever became of the session but a discard (core.sessions.KEPT_STATUSES); a "this hurts" counts
even then. The suggestion's reading of the day (store.suggestion_inputs), a program's flare check
(store.programs), the safety questions (store.safety) and the daily reminder (commands.nudges) all
read them here: an outside pass found a 10/10 "this hurts" ignored by all four, and the pain after
a session by the reminder.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from stretchtui.core.sessions import KEPT_STATUSES
from stretchtui.store import models as m
from stretchtui.store.rows import as_date


class TimedPain(NamedTuple):
    """A pain noted, with when (its instant and logical day)."""

    at: datetime
    day: date
    pain: int


def hurt_pains(since: date) -> list[TimedPain]:
    """Each "this hurts" on days from `since`, at the moment its step was saved: in any session,
    a discarded one too. Discarding keeps a session out of the record, not a pain the person
    reported mid-move (an outside pass wiped a 9/10 out that way)."""
    rows = (
        m.SessionStep.select(m.SessionStep.at, m.SessionStep.day, m.SessionStep.hurt_pain)
        .where((m.SessionStep.day >= since) & m.SessionStep.hurt_pain.is_null(False))
        .tuples()
    )
    return [TimedPain(at, as_date(day), int(pain)) for at, day, pain in rows]


def session_pains(since: date) -> list[TimedPain]:
    """Every pain noted with a kept session on days from `since`: before it (at its start), after it
    (at its end) and each "this hurts"."""
    pains: list[TimedPain] = []
    for day, started, ended, before, after in (
        m.Session.select(
            m.Session.day, m.Session.started_at, m.Session.ended_at, m.Session.pain_before, m.Session.pain_after
        )
        .where((m.Session.day >= since) & m.Session.status.in_(KEPT_STATUSES))
        .tuples()
    ):
        pains += [
            TimedPain(at, as_date(day), int(pain))
            for at, pain in ((started, before), (ended or started, after))
            if pain is not None
        ]
    return pains + hurt_pains(since)
