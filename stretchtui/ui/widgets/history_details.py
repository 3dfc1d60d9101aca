"""History's detail panes, beside its lists: a session with its steps, a check-in in full, and the
streak with the audit of one day. Each is a Static that is told what to show; HistoryScreen loads
the record and says which row is highlighted. Their look is in history.tcss (by id)."""

from __future__ import annotations

from datetime import date

from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from stretchtui.core.checkins import Checkin, region_label
from stretchtui.core.days import day_label, span_label, time_label
from stretchtui.core.entries import short_id
from stretchtui.core.model import format_duration, format_sitting
from stretchtui.core.sessions import SessionInfo, StepRecord, pain_summary
from stretchtui.core.streaks import StreakSummary
from stretchtui.core.vocabulary import plural


class SessionDetail(Static):
    """The highlighted session: its routine, work time and status, and every step it recorded."""

    def show(self, info: SessionInfo, steps: list[StepRecord], today: date | None) -> None:
        """`today` is None until History has its numbers (the session's own day is used then)."""
        today = today if today is not None else info.day
        lines = [
            f"[b]{escape(info.routine_name)}[/b]  {day_label(info.day, today)}",
            f"{format_duration(int(info.active_seconds))} of work · {info.status.value}"
            + (" · recorded afterwards" if info.source == "backfill" else ""),
        ]
        lines.append(f"Pain {pain_summary(info)}")  # as the session's summary says it (core.sessions)
        if info.exercises.total:  # the same counts as the session's summary (core.sessions)
            lines.append(f"Exercises {escape(info.exercises.describe())}")
        for step in steps:
            side = "" if step.side.value == "both" else f" {step.side.value}"
            what = (
                f"{step.reps_done}/{plural(step.planned_reps, 'rep')}"
                if step.planned_reps
                else f"{step.actual_hold_seconds:.0f}/{step.planned_hold_seconds} s"
            )
            hurt = f" (pain {step.hurt_pain})" if step.hurt_pain is not None else ""
            lines.append(f" {escape(step.exercise_name)}{side}: {what} · {step.outcome.value}{hurt}")
        self.update(Content.from_markup("\n".join(lines)))


class CheckinDetail(Static):
    """The highlighted check-in: each pain, hours sat, the note, where it came from."""

    def show(self, checkin: Checkin | None, today: date | None, *, none_listed: bool) -> None:
        """`none_listed`: the list is loaded and empty (said so, rather than left blank); `today` is
        None until History has its numbers (the check-in's own day is used then)."""
        if checkin is None:
            self.update(Content("No check-ins in the last 26 weeks." if none_listed else ""))
            return
        today = today if today is not None else checkin.day
        lines = [
            f"[b]{day_label(checkin.day, today)}, {time_label(checkin.at, checkin.zone)}[/b]  "
            f"[$text-muted]{short_id(checkin.uuid)}[/]"
        ]
        lines += [f"{escape(region_label(p.region, p.side))}: {p.pain}/10" for p in checkin.pains] or [
            "[$text-muted]No pain noted.[/]"
        ]
        if checkin.sitting_hours is not None:
            lines.append(format_sitting(checkin.sitting_hours).capitalize())
        if checkin.no_comfortable_position:
            lines.append("No position was comfortable")
        if checkin.note:
            lines.append(f"“{escape(checkin.note)}”")
        if checkin.source != "app":
            lines.append(f"[$text-muted]From {escape(checkin.source)}[/]")
        lines += ["", "[$text-muted]e edit · x remove[/]"]
        self.update(Content.from_markup("\n".join(lines)))


class StreakPanel(Static):
    """The streak (current, longest, strength) and, below it, how the streak saw the audit's day."""

    def show(self, streak: StreakSummary, today: date, day: date | None) -> None:
        lines = [f"[b $accent]Current[/] {streak.current} d", f"[b $accent]Longest[/] {streak.longest} d"]
        if streak.longest_start and streak.longest_end:
            lines.append(f"  {span_label(streak.longest_start, streak.longest_end, today, weekday=False)}")
        lines.append(f"[b $accent]Strength[/] {streak.strength:.0%}")
        if day is not None:
            audit = streak.audit(day)
            lines += ["", f"[b]{day_label(day, today, long=True)}[/b]", escape(audit.reason)]
        self.update(Content.from_markup("\n".join(lines)))
