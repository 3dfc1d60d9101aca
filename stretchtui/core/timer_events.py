"""What the session timer tells the UI: controls and `tick()` return these in the order they
happened, and the UI turns them into bells, titles, notifications and database writes.

Split from core.timer so the timer's output reads in one place, apart from how it is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from stretchtui.core.phases import Phase
from stretchtui.core.sessions import StepRecord


@dataclass(frozen=True)
class Event:
    """Something the UI reacts to; controls and tick() return them in the order they happened."""


@dataclass(frozen=True)
class PhaseStarted(Event):
    phase: Phase
    index: int


@dataclass(frozen=True)
class LastSeconds(Event):
    """3, 2, 1 before a countdown phase ends: at most once each per phase visit, never for seconds
    a clock jump skipped, never while paused."""

    seconds_left: int


@dataclass(frozen=True)
class SwitchSide(Event):
    """The switch-side phase started (or, with no switch gap, the right side directly followed
    the left); `phase` describes the side to switch to."""

    phase: Phase


@dataclass(frozen=True)
class StepRecorded(Event):
    record: StepRecord


@dataclass(frozen=True)
class ExerciseDone(Event):
    """An exercise is over: its last set/side was finished or skipped, or it was ended by a hurt."""

    exercise_index: int
    exercise_id: str


@dataclass(frozen=True)
class SessionDone(Event):
    pass
