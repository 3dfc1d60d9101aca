"""Sessions as the rest of the app sees them: what was planned, what happened, how pain changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    PARTIAL = "partial"
    DISCARDED = "discarded"


@dataclass(frozen=True)
class SessionInfo:
    id: int
    uuid: str
    routine_id: str | None
    routine_name: str
    status: SessionStatus
    source: str
    started_at: datetime
    zone: str
    day: date
    ended_at: datetime | None
    planned_seconds: int
    active_seconds: float
    pain_before: int | None
    pain_after: int | None
    resume_state: dict[str, Any] | None = None
    steps_done: int = 0
    steps_skipped: int = 0
    steps_hurt: int = 0


@dataclass(frozen=True)
class ExerciseUsage:
    """How often an exercise was done, and how pain moved across sessions that included it."""

    times_done: int = 0
    sessions_with_pain: int = 0
    average_pain_change: float | None = None  # after minus before; negative means relief

    def describe(self) -> str:
        if self.times_done == 0:
            return "Not done yet: no data yet."
        times = f"Done {self.times_done} time{'s' if self.times_done != 1 else ''}."
        if self.average_pain_change is None:
            return f"{times} No pain before/after notes yet."
        change = self.average_pain_change
        trend = "fell" if change < 0 else "rose" if change > 0 else "did not change"
        amount = f" by {abs(change):.1f}" if change else ""
        return (f"{times} Pain after sessions with it {trend}{amount} on average "
                f"({self.sessions_with_pain} session{'s' if self.sessions_with_pain != 1 else ''}).")
