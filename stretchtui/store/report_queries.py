"""What the weekly report reads: one week and the week before it, in a few aggregate queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from peewee import fn

from stretchtui.core.checkins import Region
from stretchtui.core.sessions import COUNTED_STATUSES, Outcome, SessionStatus
from stretchtui.store import models as m
from stretchtui.store.function import FunctionRepository
from stretchtui.store.history import HistoryRepository
from stretchtui.store.rows import as_date
from stretchtui.store.settings import SettingsRepository

if TYPE_CHECKING:
    from stretchtui.core.report import DayNote, HurtStep, MoveDone, PrescriptionUse, RegionPain, WeekInputs
# core.report is imported where it is used: every command imports the store, few build a report.


@dataclass(eq=False)
class ReportRepository:
    """The inputs of `core.report.build_report`."""

    settings: SettingsRepository
    history: HistoryRepository
    function: FunctionRepository
    program_names: Callable[[], dict[str, str]] = dict
    """Program names by id (the store's programs), for the prescriptions in force."""

    def _prescriptions(self, monday: date, sunday: date) -> tuple[PrescriptionUse, ...]:
        """The prescriptions (id and version) the week's sessions were done in: each session records
        the one in force when it started."""
        from stretchtui.core.report import PrescriptionUse

        rows = (
            m.Session.select(m.Session.program_id, m.Session.program_version, fn.COUNT(m.Session.id))
            .where(
                m.Session.program_id.is_null(False)
                & m.Session.status.in_(COUNTED_STATUSES)
                & (m.Session.day >= monday)
                & (m.Session.day <= sunday)
            )
            .group_by(m.Session.program_id, m.Session.program_version)
            .order_by(m.Session.program_id, m.Session.program_version)
            .tuples()
        )
        found = list(rows)
        names = self.program_names() if found else {}
        return tuple(PrescriptionUse(names.get(pid, pid), pid, version or 1, n) for pid, version, n in found)

    def weekly_report_inputs(self, monday: date) -> WeekInputs:
        """Days, pain, sitting and areas for the week starting `monday` and the one before it; hurt
        steps and notes for the week itself; relief over the RELIEF_DAYS to its Sunday."""
        from stretchtui.core.relief import RELIEF_DAYS
        from stretchtui.core.report import WeekInputs

        if monday.weekday() != 0:
            raise ValueError(f"a week starts on a Monday; {monday} is not one")
        sunday = monday + timedelta(days=6)
        since = monday - timedelta(days=7)

        def in_weeks(day: date) -> bool:
            return since <= day <= sunday

        goal = self.settings.goal()
        activities = tuple(a for a in self.history.day_activities(since=since) if a.day <= sunday)
        pain = {day: value for day, value in self.history.pain_by_day(since).items() if in_weeks(day)}
        sitting = {day: value for day, value in self.history.sitting_by_day(since).items() if in_weeks(day)}
        relief = self.history.relief(since=sunday - timedelta(days=RELIEF_DAYS - 1), until=sunday)
        return WeekInputs(
            monday=monday,
            goal=goal,
            activities=activities,
            pain=pain,
            sitting=sitting,
            regions=self._region_pain(monday, sunday),
            relief=relief,
            hurts=self._hurt_steps(monday, sunday),
            moves=self._moves(monday, sunday),
            notes=self._notes(monday, sunday),
            prescriptions=self._prescriptions(monday, sunday),
            function=tuple(
                replace(trend, by_week={week: r for week, r in trend.by_week.items() if week <= monday})
                for trend in self.function.trends(since)
            ),
        )

    def _region_pain(self, monday: date, sunday: date) -> tuple[RegionPain, ...]:
        from stretchtui.core.report import RegionPain

        def per_area(first: date, last: date) -> dict[tuple[str, str], tuple[float, int, int]]:
            rows = (
                m.CheckinPain.select(
                    m.CheckinPain.region,
                    m.CheckinPain.side,
                    fn.AVG(m.CheckinPain.pain),
                    fn.MAX(m.CheckinPain.pain),
                    fn.COUNT(m.CheckinPain.id),
                )
                .join(m.Checkin)
                .where((m.Checkin.day >= first) & (m.Checkin.day <= last))
                .group_by(m.CheckinPain.region, m.CheckinPain.side)
                .tuples()
            )
            return {(region, side or ""): (float(avg), int(worst), int(n)) for region, side, avg, worst, n in rows}

        now = per_area(monday, sunday)
        before = per_area(monday - timedelta(days=7), monday - timedelta(days=1))
        order = list(Region)
        areas = []
        for (region, side), (average, worst, n) in now.items():
            try:
                known = Region(region)
            except ValueError:
                continue  # an area this version does not know (a newer export): left out, not guessed
            previous = before.get((region, side))
            areas.append(RegionPain(known, side, average, worst, n, previous[0] if previous else None))
        return tuple(sorted(areas, key=lambda a: (order.index(a.region), a.side)))

    def _moves(self, monday: date, sunday: date) -> tuple[MoveDone, ...]:
        """The exercises done in the week's sessions that counted, most sessions first."""
        from stretchtui.core.report import MoveDone

        sessions = fn.COUNT(m.SessionStep.session.distinct())
        rows = (
            m.SessionStep.select(m.SessionStep.exercise_id, fn.MAX(m.SessionStep.exercise_name), sessions)
            .join(m.Session)
            .where(
                (m.SessionStep.outcome == Outcome.DONE.value)
                & (m.Session.day >= monday)
                & (m.Session.day <= sunday)
                & m.Session.status.in_(COUNTED_STATUSES)
            )
            .group_by(m.SessionStep.exercise_id)
            .tuples()
        )
        found = [MoveDone(exercise_id, name, count) for exercise_id, name, count in rows]
        return tuple(sorted(found, key=lambda move: (-move.sessions, move.name)))

    def _hurt_steps(self, monday: date, sunday: date) -> tuple[HurtStep, ...]:
        """Each "this hurts" of the week, a discarded session's too, as every other reader of a
        session's pain counts it (store.session_pains)."""
        from stretchtui.core.report import HurtStep

        discarded = SessionStatus.DISCARDED.value
        rows = (
            m.SessionStep.select(
                m.SessionStep.day,
                m.SessionStep.exercise_name,
                m.SessionStep.side,
                m.SessionStep.hurt_pain,
                m.Session.routine_name,
                m.Session.status,
            )
            .join(m.Session)
            .where(
                (m.SessionStep.outcome == Outcome.HURT.value)
                & (m.SessionStep.day >= monday)
                & (m.SessionStep.day <= sunday)
            )
            .order_by(m.SessionStep.at)
            .tuples()
        )
        return tuple(
            HurtStep(as_date(day), name, side, pain, routine, status == discarded)
            for day, name, side, pain, routine, status in rows
        )

    def _notes(self, monday: date, sunday: date) -> tuple[DayNote, ...]:
        from stretchtui.core.report import DayNote

        rows = (
            m.Checkin.select(m.Checkin.day, m.Checkin.at, m.Checkin.zone, m.Checkin.note)
            .where((m.Checkin.day >= monday) & (m.Checkin.day <= sunday) & (m.Checkin.note != ""))
            .order_by(m.Checkin.at)
        )
        return tuple(DayNote(as_date(row.day), row.at, row.zone, row.note) for row in rows)
