"""Streaks, grace days and habit strength, computed from per-day summaries.

Every event already carries its logical day (see `stretchtui.core.days`), so this module never
re-derives days from instants: it takes one `DayActivity` per day, walks them in date order once,
and explains every day's verdict in a `DayAudit` so the UI can say *why* a streak ended.

Rules, decided here once:

* A day is DONE when it has `goal.routines_per_day` completed routines OR
  `goal.minutes_per_day` minutes of finished work (either path counts; the minutes are a daily
  total). "Twice a day" is `Goal.times_per_day(2)`: 2 routines, or 2 * 5 = 10 minutes.
* A day that is not done but was marked as rest is a REST day; one that is not done with a
  check-in pain of `FLARE_PAIN` (7) or more is a FLARE day, even if a session was started and
  stopped (the person tried; punishing the attempt harder than staying in bed would be perverse).
  A day that is both counts as rest (the explicit choice wins).
* Rest and flare days are grace days: they keep a running streak alive without adding to it, at
  most `grace_per_7_days` of them in any 7 consecutive days ending on that day, counting only
  grace days used inside the current streak. One beyond the cap is "grace-exhausted" and breaks
  the streak. Grace never starts or revives a streak: with no streak running, a rest day keeps
  nothing and is audited as "missed".
* Today is still open: if it is not done (or kept by grace) it is "pending", never missed, and the
  streak counts through yesterday.
* Days after `today` (the system clock moved back) are ignored, duplicate rows for one day are
  merged, input order does not matter, and empty rows are the same as no row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from stretchtui.core.vocabulary import plural

FLARE_PAIN = 7
"""Check-in pain at or above this makes an unfinished day a flare day (0-10 scale)."""

GRACE_WINDOW_DAYS = 7

STRENGTH_HALF_LIFE_DAYS = 13
"""Habit strength forgets half of its past in 13 days, as Loop Habit Tracker does for a daily habit."""

STRENGTH_ALPHA = 1 - 0.5 ** (1 / STRENGTH_HALF_LIFE_DAYS)
"""Weight of one day in the strength score, about 0.052: one miss takes 100% to about 94.8%."""


@dataclass(frozen=True)
class DayActivity:
    """What happened on one logical day, summarised by the store: the streak model's only input."""

    day: date
    completed_routines: int = 0
    completed_hold_seconds: float = 0.0  # finished work in completed and partial sessions
    sessions: int = 0  # any session, partial ones included
    rest_marked: bool = False
    max_pain: int | None = None  # the highest check-in pain that day
    flare_marked: bool = False  # the person marked the day as a flare (core.entries.MarkKind)

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise ValueError(f"day must be a date, not {self.day!r}")
        if self.completed_routines < 0 or self.sessions < 0:
            raise ValueError(f"{self.day}: counts must not be negative")
        if not math.isfinite(self.completed_hold_seconds) or self.completed_hold_seconds < 0:
            raise ValueError(f"{self.day}: hold seconds must be a finite, non-negative number")

    @property
    def is_empty(self) -> bool:
        """Nothing recorded: the same as having no row for the day at all."""
        return (
            not self.completed_routines
            and not self.completed_hold_seconds
            and not self.sessions
            and not self.rest_marked
            and not self.flare_marked
            and self.max_pain is None
        )


def merge_days(days: Iterable[DayActivity]) -> list[DayActivity]:
    """One row per day, sorted by day. Hold seconds are summed with fsum so order never matters."""
    rows = list(days)
    if all(earlier.day < later.day for earlier, later in zip(rows, rows[1:], strict=False)):
        return rows  # already one row per day, in order (what the store gives): nothing to merge
    groups: dict[date, list[DayActivity]] = {}
    for activity in rows:
        groups.setdefault(activity.day, []).append(activity)
    merged = []
    for day in sorted(groups):
        rows = groups[day]
        pains = [r.max_pain for r in rows if r.max_pain is not None]
        merged.append(
            DayActivity(
                day=day,
                completed_routines=sum(r.completed_routines for r in rows),
                completed_hold_seconds=math.fsum(r.completed_hold_seconds for r in rows),
                sessions=sum(r.sessions for r in rows),
                rest_marked=any(r.rest_marked for r in rows),
                max_pain=max(pains) if pains else None,
                flare_marked=any(r.flare_marked for r in rows),
            )
        )
    return merged


@dataclass(frozen=True)
class Goal:
    """What makes a day done: enough completed routines OR enough minutes, whichever comes first.

    The minutes path lets a short or interrupted session still count when the work was done.
    """

    routines_per_day: int = 1
    minutes_per_day: float = 5

    def __post_init__(self) -> None:
        if self.routines_per_day < 1:
            raise ValueError(f"routines per day must be at least 1, not {self.routines_per_day}")
        if not math.isfinite(self.minutes_per_day) or self.minutes_per_day <= 0:
            raise ValueError(f"minutes per day must be positive, not {self.minutes_per_day}")

    @classmethod
    def times_per_day(cls, times: int, minutes_each: float = 5) -> Goal:
        """For "twice a day" and the like: `times` routines, or `times * minutes_each` minutes."""
        return cls(routines_per_day=times, minutes_per_day=times * minutes_each)

    def met_by(self, activity: DayActivity) -> bool:
        return (
            activity.completed_routines >= self.routines_per_day
            or activity.completed_hold_seconds >= self.minutes_per_day * 60
        )


class DayStatus(StrEnum):
    DONE = "done"
    REST = "rest"  # kept the streak by a rest day
    FLARE = "flare"  # kept the streak by a flare day
    MISSED = "missed"  # not done and not kept: ends any running streak
    GRACE_EXHAUSTED = "grace-exhausted"  # a rest or flare day beyond the cap: ends the streak
    PENDING = "pending"  # today, not done yet
    BEFORE_START = "before-start"  # before the first recorded day


@dataclass(frozen=True)
class DayAudit:
    """The verdict on one day and a one-line reason the UI can show as is."""

    day: date
    status: DayStatus
    reason: str
    streak: int = 0  # done days in the running streak after this day; 0 once it is broken


@dataclass(frozen=True)
class StreakSummary:
    """The streak numbers for the home screen, plus an audit of every day since the first one."""

    current: int
    current_start: date | None
    longest: int
    longest_start: date | None
    longest_end: date | None  # the last done day of the longest streak
    today: date
    today_done: bool
    strength: float  # 0..1
    first_day: date | None  # the first recorded day on or before today
    _audits: Mapping[date, DayAudit] = field(default_factory=lambda: MappingProxyType({}), repr=False, hash=False)

    def audit(self, day: date) -> DayAudit:
        """Why `day` counted, kept, broke or is pending. Days after today are an error."""
        if day > self.today:
            raise ValueError(f"{day} is after today ({self.today}); it has no verdict yet")
        if self.first_day is None or day < self.first_day:
            return DayAudit(day, DayStatus.BEFORE_START, "No history yet: the streak starts with your first session")
        # Days not in the table are empty days after a break: missed, with nothing left to end.
        return self._audits.get(day) or DayAudit(day, DayStatus.MISSED, "Missed: no session and no rest day")

    def audits(self) -> dict[date, DayAudit]:
        """The audit of every day from the first recorded day through today."""
        if self.first_day is None:
            return {}
        count = (self.today - self.first_day).days + 1
        return {d: self.audit(d) for d in (self.first_day + timedelta(days=i) for i in range(count))}


def compute_streaks(
    days: Iterable[DayActivity], today: date, goal: Goal = Goal(), grace_per_7_days: int = 1
) -> StreakSummary:
    """Current and longest streak, habit strength and per-day audits, as of the logical day `today`."""
    if grace_per_7_days < 0:
        raise ValueError(f"grace days per 7 days must not be negative, not {grace_per_7_days}")
    history = [d for d in merge_days(days) if d.day <= today and not d.is_empty]
    if not history:
        return StreakSummary(0, None, 0, None, None, today, False, 0.0, None)
    walk = _Walk(today, goal, grace_per_7_days)
    for activity in history:
        walk.visit(activity)
    if history[-1].day < today:
        walk.visit(DayActivity(today))
    return walk.summary(history[0].day, today_done=goal.met_by(history[-1]) and history[-1].day == today)


class _Walk:
    """One pass over the days in order; mutable state kept out of the public types."""

    def __init__(self, today: date, goal: Goal, grace_cap: int) -> None:
        self.today, self.goal, self.grace_cap = today, goal, grace_cap
        self.run = 0
        self.run_start: date | None = None
        self.grace_used: list[date] = []
        self.longest = 0
        self.longest_start: date | None = None
        self.longest_end: date | None = None
        self.score = 0.0
        self.previous: date | None = None
        self.audits: dict[date, DayAudit] = {}

    def visit(self, activity: DayActivity) -> None:
        day = activity.day
        if self.previous is not None:
            gap = (day - self.previous).days - 1
            if gap > 0:
                # Empty days are all misses; only the first can end a streak, so only it is stored.
                first = self.previous + timedelta(days=1)
                self._record(first, DayStatus.MISSED, "Missed: no session and no rest day" + self._ended())
                self._break()
                self.score *= (1 - STRENGTH_ALPHA) ** gap
        self.previous = day
        if self.goal.met_by(activity):
            self._done(activity)
            return
        grace = _grace_status(activity)
        is_today = day == self.today
        if grace is not None and self.run:
            window_start = day - timedelta(days=GRACE_WINDOW_DAYS - 1)
            used = sum(1 for g in self.grace_used if g >= window_start)
            if used < self.grace_cap:
                self.grace_used.append(day)
                self._record(
                    day, grace, f"{_grace_kept(activity, grace)} ({used + 1} of {self.grace_cap} allowed per 7 days)"
                )
                return  # grace holds the strength score where it is
            over = f"{_grace_noun(activity, grace)}, but the allowance of {self.grace_cap} per 7 days is used up"
            if is_today:
                self._record(
                    day, DayStatus.PENDING, f"Today: {over[0].lower()}{over[1:]}; a session today keeps the streak"
                )
                return
            self._record(day, DayStatus.GRACE_EXHAUSTED, over + self._ended())
            self._break()
            self._strength(0.0)
            return
        if is_today:
            progress = f" ({_progress(activity, self.goal)} so far)" if activity.sessions else ""
            then = "your streak counts through yesterday" if self.run else "a session today starts a new streak"
            self._record(day, DayStatus.PENDING, f"Today: not done yet{progress}; {then}")
            return
        if grace is not None:
            reason = f"{_grace_noun(activity, grace)}, but no streak was running to keep"
        elif activity.sessions:
            reason = (
                f"Missed: {plural(activity.sessions, 'session')} but the goal was not met "
                f"({_progress(activity, self.goal)})"
            )
        else:
            reason = "Missed: no session and no rest day"
        self._record(day, DayStatus.MISSED, reason + self._ended())
        self._break()
        self._strength(0.0)

    def _done(self, activity: DayActivity) -> None:
        if not self.run:
            self.run_start = activity.day
            self.grace_used = []
        self.run += 1
        if self.run >= self.longest:  # >=: on a tie the most recent streak wins
            self.longest, self.longest_start, self.longest_end = self.run, self.run_start, activity.day
        self._strength(1.0)
        if activity.completed_routines >= self.goal.routines_per_day:
            reason = (
                f"Done: {plural(activity.completed_routines, 'routine')} completed (goal {self.goal.routines_per_day})"
            )
        else:
            done = activity.completed_hold_seconds / 60
            reason = (
                f"Done: {plural(done, 'minute', shown=_minutes(done))} of stretching "
                f"(goal {_minutes(self.goal.minutes_per_day)})"
            )
        self._record(activity.day, DayStatus.DONE, reason)

    def _ended(self) -> str:
        return f"; the streak of {plural(self.run, 'day')} ended here" if self.run else ""

    def _break(self) -> None:
        self.run, self.run_start, self.grace_used = 0, None, []

    def _strength(self, value: float) -> None:
        self.score = self.score * (1 - STRENGTH_ALPHA) + STRENGTH_ALPHA * value

    def _record(self, day: date, status: DayStatus, reason: str) -> None:
        self.audits[day] = DayAudit(day, status, reason, self.run)

    def summary(self, first_day: date, today_done: bool) -> StreakSummary:
        return StreakSummary(
            current=self.run,
            current_start=self.run_start if self.run else None,
            longest=self.longest,
            longest_start=self.longest_start,
            longest_end=self.longest_end,
            today=self.today,
            today_done=today_done,
            strength=min(1.0, max(0.0, self.score)),
            first_day=first_day,
            _audits=MappingProxyType(self.audits),
        )


def is_flare(activity: DayActivity) -> bool:
    """Marked as a flare day, or a check-in pain of FLARE_PAIN or more."""
    return activity.flare_marked or (activity.max_pain is not None and activity.max_pain >= FLARE_PAIN)


def _flare_words(activity: DayActivity) -> str:
    return (
        "flare day"
        if activity.max_pain is None or activity.max_pain < FLARE_PAIN
        else f"flare day (pain {activity.max_pain})"
    )


def _grace_status(activity: DayActivity) -> DayStatus | None:
    if activity.rest_marked:
        return DayStatus.REST
    if is_flare(activity):
        return DayStatus.FLARE
    return None


def _grace_kept(activity: DayActivity, status: DayStatus) -> str:
    return "Kept by a rest day" if status is DayStatus.REST else f"Kept by a {_flare_words(activity)}"


def _grace_noun(activity: DayActivity, status: DayStatus) -> str:
    return "Rest day" if status is DayStatus.REST else _flare_words(activity).capitalize()


def _progress(activity: DayActivity, goal: Goal) -> str:
    minutes = plural(goal.minutes_per_day, "minute", shown=_minutes(goal.minutes_per_day))
    return (
        f"{activity.completed_routines} of {plural(goal.routines_per_day, 'routine')}, "
        f"{_minutes(activity.completed_hold_seconds / 60)} of {minutes}"
    )


def _minutes(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class WeekSummary:
    """Totals for one Monday-start ISO week, for the weekly view."""

    minutes: float
    sessions: int
    days_done: int


def week_summary(
    days: Iterable[DayActivity], week_start: date, goal: Goal = Goal(), *, today: date | None = None
) -> WeekSummary:
    """Minutes, sessions and done days in the week starting on Monday `week_start`.

    Pass `today` to ignore rows dated after it, as `compute_streaks` does.
    """
    if isinstance(week_start, datetime) or week_start.weekday() != 0:
        raise ValueError(f"a week starts on a Monday; {week_start} is not one")
    week = merge_days(d for d in days if 0 <= (d.day - week_start).days < 7 and (today is None or d.day <= today))
    return WeekSummary(
        minutes=math.fsum(d.completed_hold_seconds for d in week) / 60,
        sessions=sum(d.sessions for d in week),
        days_done=sum(1 for d in week if goal.met_by(d)),
    )
