"""The weekly report: one ISO week of adherence, pain, sitting, relief, hurt steps and notes, for
someone (a physiotherapist) who was not there. Pure: built from plain inputs the store gathers.

The report is first laid out as format-neutral sections of plain strings (core.report_sections);
Markdown, HTML (core.report_render) and the app's screen each render those and escape every string
on the way out, so text the user typed (notes, own exercise and routine names) is never trusted
anywhere. This module holds the week it is for, the inputs and the report built from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from stretchtui.core import instants
from stretchtui.core.checkins import Region
from stretchtui.core.errors import FieldError
from stretchtui.core.function import ActivityTrend
from stretchtui.core.history import day_marks, heatmap_rows, week_start
from stretchtui.core.instants import week_label
from stretchtui.core.relief import NO_RELIEF, ReliefTable
from stretchtui.core.streaks import FLARE_PAIN, DayActivity, Goal

# ---------------------------------------------------------------------- weeks


def parse_week(text: str, field: str = "--week") -> date:
    """The Monday of an ISO week written as YYYY-Www (the rule and its window: core.instants)."""
    return instants.parse_week(text, field)


def check_started(monday: date, today: date, field: str = "--week") -> None:
    """A report is for a week that has begun: refuse one after the current week."""
    if monday > week_start(today):
        raise FieldError(field, f"{week_label(monday)} has not started yet (this week is {week_label(today)})")


# ---------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RegionPain:
    """Check-in pain for one area (and side) over the week, and its average the week before."""

    region: Region
    side: str
    average: float
    worst: int
    readings: int
    previous_average: float | None


@dataclass(frozen=True)
class HurtStep:
    day: date
    exercise: str
    side: str  # "both", "left" or "right"
    pain: int | None
    routine: str
    discarded: bool = False  # the session was then discarded: the hurt still counts (store.session_pains)


@dataclass(frozen=True)
class DayNote:
    day: date
    at: datetime  # UTC
    zone: str  # the zone the note was written in
    text: str


@dataclass(frozen=True)
class PrescriptionUse:
    """A prescription (core.programs) some of the week's sessions were done in, by id and version."""

    name: str
    program_id: str
    version: int
    sessions: int

    def describe(self) -> str:
        from stretchtui.core.vocabulary import plural

        sessions = plural(self.sessions, "session")
        return f"Program: {self.name} ({self.program_id}, version {self.version}): {sessions}"


@dataclass(frozen=True)
class WeekInputs:
    """What the store gathers for one week (and, for comparison, the week before it)."""

    monday: date
    goal: Goal
    activities: tuple[DayActivity, ...]  # both weeks
    pain: Mapping[date, int]  # worst pain each day (check-ins, and with sessions: store.session_pains), both weeks
    sitting: Mapping[date, float]  # hours sat each day, both weeks
    regions: tuple[RegionPain, ...] = ()
    relief: ReliefTable = NO_RELIEF  # the RELIEF_DAYS to the week's Sunday (core.relief)
    hurts: tuple[HurtStep, ...] = ()
    notes: tuple[DayNote, ...] = ()
    function: tuple[ActivityTrend, ...] = ()  # the function ratings of both weeks (core.function)
    prescriptions: tuple[PrescriptionUse, ...] = ()  # the programs in force in this week's sessions
    moves: tuple[MoveDone, ...] = ()  # what was done this week, most often first


@dataclass(frozen=True)
class MoveDone:
    """An exercise done in the week: the HTML report draws its figure (core.poses)."""

    exercise_id: str
    name: str
    sessions: int


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportDay:
    day: date
    upcoming: bool  # after the day the report was made
    minutes: float
    sessions: int
    done: bool
    pain: int | None
    sitting: float | None
    rest: bool
    heat: str  # the day's cell of the History heatmap
    flare_marked: bool = False  # marked as a flare day (core.entries.MarkKind.FLARE)

    @property
    def flare(self) -> bool:
        """Marked as a flare day, or a pain of FLARE_PAIN or more noted (core.streaks.is_flare)."""
        return self.flare_marked or (self.pain is not None and self.pain >= FLARE_PAIN)


@dataclass(frozen=True)
class WeekTotals:
    days: int  # days of the week so far
    days_done: int
    minutes: float
    sessions: int
    pain_average: float | None  # of each day's worst pain
    pain_days: int
    sitting_average: float | None
    sitting_days: int


@dataclass(frozen=True)
class WeeklyReport:
    monday: date
    today: date  # the logical day the report was made on
    goal: Goal
    days: tuple[ReportDay, ...]  # Monday to Sunday
    totals: WeekTotals
    previous: WeekTotals
    regions: tuple[RegionPain, ...]
    relief: ReliefTable
    hurts: tuple[HurtStep, ...]
    notes: tuple[DayNote, ...]
    function: tuple[ActivityTrend, ...] = ()
    prescriptions: tuple[PrescriptionUse, ...] = ()
    moves: tuple[MoveDone, ...] = ()

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def in_progress(self) -> bool:
        return self.today < self.sunday

    @property
    def heatmap_row(self) -> str:
        return "".join(day.heat for day in self.days)


def build_report(inputs: WeekInputs, today: date) -> WeeklyReport:
    """The report for the week starting on `inputs.monday`, as seen on the logical day `today`."""
    monday = inputs.monday
    if monday.weekday() != 0:
        raise ValueError(f"a week starts on a Monday; {monday} is not one")
    activities = {a.day: a for a in inputs.activities}
    minutes = {day: a.completed_hold_seconds / 60 for day, a in activities.items()}
    last_seen = min(today, monday + timedelta(days=6))
    heat = "".join(
        row[-1]
        for row in heatmap_rows(minutes, day_marks(inputs.activities), last_seen, 1, inputs.goal.minutes_per_day)
    )
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        activity = activities.get(day, DayActivity(day))
        upcoming = day > today
        days.append(
            ReportDay(
                day=day,
                upcoming=upcoming,
                minutes=minutes.get(day, 0.0),
                sessions=activity.sessions,
                done=inputs.goal.met_by(activity),
                pain=inputs.pain.get(day),
                sitting=inputs.sitting.get(day),
                rest=activity.rest_marked,
                heat=" " if upcoming else heat[offset],
                flare_marked=activity.flare_marked,
            )
        )
    return WeeklyReport(
        monday=monday,
        today=today,
        goal=inputs.goal,
        days=tuple(days),
        totals=_totals(inputs, activities, monday, today),
        previous=_totals(inputs, activities, monday - timedelta(days=7), today),
        regions=inputs.regions,
        relief=inputs.relief,
        hurts=inputs.hurts,
        notes=tuple(sorted(inputs.notes, key=lambda n: n.at)),
        function=inputs.function,
        prescriptions=inputs.prescriptions,
        moves=inputs.moves,
    )


def _totals(inputs: WeekInputs, activities: Mapping[date, DayActivity], monday: date, today: date) -> WeekTotals:
    days = [monday + timedelta(days=i) for i in range(7) if monday + timedelta(days=i) <= today]
    week = [activities[d] for d in days if d in activities]
    pains = [inputs.pain[d] for d in days if d in inputs.pain]
    sits = [inputs.sitting[d] for d in days if d in inputs.sitting]
    return WeekTotals(
        days=len(days),
        days_done=sum(1 for a in week if inputs.goal.met_by(a)),
        minutes=math.fsum(a.completed_hold_seconds for a in week) / 60,
        sessions=sum(a.sessions for a in week),
        pain_average=sum(pains) / len(pains) if pains else None,
        pain_days=len(pains),
        sitting_average=sum(sits) / len(sits) if sits else None,
        sitting_days=len(sits),
    )
