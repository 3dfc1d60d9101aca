"""Measured activity in the store: the tick file folded into active spans (one logical day each),
a day's sitting estimate, and the breaks the status line offered (core.activity, core.breaks)."""

from __future__ import annotations

import os
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from peewee import DatabaseError, SqliteDatabase

from stretchtui.core import activity
from stretchtui.core.breaks import BreakCounts, BreakKind, break_counts
from stretchtui.core.clock import Clock
from stretchtui.core.days import logical_day, next_day_start
from stretchtui.store import models as m
from stretchtui.store import ticks
from stretchtui.store.break_queries import BreakFacts, break_facts, seconds
from stretchtui.store.settings import EventStamp, SettingsRepository


class BreakDue(NamedTuple):
    minutes: int  # of continuous activity
    stretch: str  # names this stretch of activity, and any "later" it had: one notification each


@dataclass(eq=False)
class ActivityRepository:
    db: SqliteDatabase
    path: Path
    clock: Clock
    stamp: EventStamp
    settings: SettingsRepository

    # ------------------------------------------------------------------ spans

    def fold_ticks(self) -> int:
        """Turn the ticks noted since the last fold into active spans (merged with the stored
        spans they continue, cut at the start of each logical day). Returns how many ticks."""
        try:
            taken = ticks.take_for_folding(self.path, os.getpid(), time.time_ns())
        except OSError:  # a folder the person made read-only: the ticks stay, read where needed
            return 0
        if not taken:
            return 0
        noted = [tick for name in taken for tick in activity.parse_ticks(ticks.read_ticks_text(name))]
        if noted:
            try:
                with self.db.atomic():
                    self._store_spans(activity.spans_from_ticks(noted))
            except DatabaseError:  # read-only, or busy past the timeout: the files wait for the next fold
                return 0
        ticks.done_folding(taken)
        return len(noted)

    def _store_spans(self, new: list[activity.Span]) -> None:
        gap = activity.IDLE_GAP_SECONDS
        first, last = new[0][0] - gap, new[-1][1] + gap
        near = list(
            m.ActivitySpan.select().where(
                (m.ActivitySpan.ended_at >= _instant(first)) & (m.ActivitySpan.started_at <= _instant(last))
            )
        )
        merged = activity.merge_spans([*new, *((row.started_at.timestamp(), row.ended_at.timestamp()) for row in near)])
        if near:
            m.ActivitySpan.delete().where(m.ActivitySpan.id.in_([row.id for row in near])).execute()
        zone, start_hour = self.clock.zone, self.settings.day_start_hour()
        for start, end in self._cut_by_day(merged):
            begun = _instant(start)
            m.ActivitySpan.insert(
                started_at=begun, ended_at=_instant(end), zone=zone.key, day=logical_day(begun, zone, start_hour)
            ).on_conflict_replace().execute()

    def spans(self, first_day: date, last_day: date) -> list[activity.Span]:
        """The stored spans of those logical days, oldest first (fold_ticks first for the latest)."""
        rows = (
            m.ActivitySpan.select(m.ActivitySpan.started_at, m.ActivitySpan.ended_at)
            .where(m.ActivitySpan.day.between(first_day, last_day))
            .order_by(m.ActivitySpan.started_at)
            .tuples()
        )
        return [(seconds(start), seconds(end)) for start, end in rows]

    def sitting_by_day(self, first_day: date, last_day: date) -> dict[date, float]:
        """The measured sitting estimate, in hours, of each day in range with any activity: the
        stored spans and the ticks not folded yet (read, not folded: this writes nothing)."""
        stored, pending = self._stored_and_pending(first_day, last_day)
        hours: dict[date, float] = {}
        zone, start_hour = self.clock.zone, self.settings.day_start_hour()
        for start, end in self._cut_by_day(activity.merge_spans([*stored, *pending])):
            day = logical_day(_instant(start), zone, start_hour)
            if first_day <= day <= last_day:
                hours[day] = hours.get(day, 0.0) + (end - start) / 3600
        return hours

    def _stored_and_pending(self, first_day: date, last_day: date) -> tuple[list[activity.Span], list[activity.Span]]:
        """The stored spans of those days and their neighbours (a span's day is that of the zone it
        was noted in, another machine's for an imported one), and the ticks not folded yet: read
        files first, then the store, again if a fold (another process's) moved ticks meanwhile.
        A fold moves the tick file aside, stores its spans, then removes it; read the other way,
        a fold between the two reads left its ticks in neither (an app's Today showed no sitting)."""
        for _ in range(5):
            seen = ticks.pending_state(self.path)
            texts = [ticks.read_ticks_text(name) for name, _ in seen]
            stored = self.spans(first_day - timedelta(days=1), last_day + timedelta(days=1))
            if ticks.pending_state(self.path) == seen:
                break
        pending = activity.spans_from_ticks(tick for text in texts for tick in activity.parse_ticks(text))
        return stored, pending

    def _cut_by_day(self, spans: list[activity.Span]) -> list[activity.Span]:
        """`spans` (merged, oldest first) cut where each logical day starts."""
        if not spans:
            return []
        zone, start_hour = self.clock.zone, self.settings.day_start_hour()
        boundaries: list[float] = []
        edge = next_day_start(_instant(spans[0][0]), zone, start_hour)
        while edge.timestamp() < spans[-1][1]:
            boundaries.append(edge.timestamp())
            edge = next_day_start(edge, zone, start_hour)
        return activity.cut_at(spans, boundaries)

    # ------------------------------------------------------------------ breaks

    def record_break(self, kind: BreakKind, at: datetime | None = None) -> None:
        stamp = self.stamp(at)
        m.BreakEvent.create(uuid=str(uuidlib.uuid4()), kind=kind.value, **m.stamp_values(stamp))

    def break_facts(self) -> BreakFacts:
        """Where the count of continuous activity starts, any "later" in force, the latest span."""
        return break_facts(self.db.execute_sql)

    def break_due(self, at: float, *, even_if_put_off: bool = False) -> BreakDue | None:
        """The break due at `at` (POSIX seconds), from every span of the day before it and what
        happened before it (breaks, sessions), after folding the ticks; None when none is due.
        The one answer for `break`, `break --notify`, `activity` and a session begun.
        `even_if_put_off`: one put off with "later" still counts (`break take`: you got up anyway)."""
        after = int(self.settings.read(["break_after_minutes"])["break_after_minutes"])
        if not after:
            return None
        self.fold_ticks()
        facts = break_facts(self.db.execute_sql, _instant(at).isoformat(timespec="microseconds"))
        spans = self.spans_between(at - 24 * 3600, at)
        put_off = None if even_if_put_off else facts.postponed_until
        minutes = activity.break_due_minutes(spans, at, after, facts.since, put_off)
        if minutes is None:
            return None
        return BreakDue(minutes, f"{spans[-1][0]:.0f}:{facts.postponed_until or 0:.0f}")

    def count_session_as_break(self, started_at: datetime) -> bool:
        """A session begun while a break was due is that break, taken: noted so (History counts it).
        True when it was. Its end starts the count again either way (break_queries.SESSION_END_SQL)."""
        if self.break_due(started_at.timestamp()) is None:
            return False
        self.record_break(BreakKind.TAKEN, at=started_at)
        return True

    def spans_between(self, start: float, end: float) -> list[activity.Span]:
        """The stored spans that touch [start, end], oldest first."""
        rows = (
            m.ActivitySpan.select(m.ActivitySpan.started_at, m.ActivitySpan.ended_at)
            .where((m.ActivitySpan.ended_at >= _instant(start)) & (m.ActivitySpan.started_at <= _instant(end)))
            .order_by(m.ActivitySpan.started_at)
            .tuples()
        )
        return activity.merge_spans((seconds(a), seconds(b)) for a, b in rows)

    def break_counts(self, first_day: date, last_day: date) -> BreakCounts:
        kinds = m.BreakEvent.select(m.BreakEvent.kind).where(m.BreakEvent.day.between(first_day, last_day)).tuples()
        return break_counts(kind for (kind,) in kinds)


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
