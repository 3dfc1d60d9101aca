"""Where a person is in their program: the records the replay reads (the choices made, the
sessions done in a program) and the position it gives (core.program_replay holds the rules that
walk from one to the other). Pure: no UI, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stretchtui.core.days import day_label
from stretchtui.core.program_records import Choice as Choice  # defined with the record an export carries
from stretchtui.core.programs import Phase, Program
from stretchtui.core.suggest import Suggestion
from stretchtui.core.vocabulary import plural


class Move(StrEnum):
    START = "start"
    UP = "up"
    HOLD = "hold"
    DOWN = "down"
    PHASE = "phase"
    STAY = "stay"
    FLARE = "flare"
    LEAVE_FLARE = "leave-flare"
    GAP = "gap"
    SWITCH = "switch"
    FINISH = "finish"


@dataclass(frozen=True)
class ProgramChoice:
    day: date
    choice: Choice
    program_id: str
    version: int
    # For a leave-flare: the worst pain noted later that same day (the store reads it from the
    # check-ins and sessions after the choice's instant); a flare's pain then goes back into flare mode.
    pain_after: int | None = None
    flare_marked_after: bool = False  # for a leave-flare: the day was marked a flare after it


@dataclass(frozen=True)
class ProgramSessionNote:
    """A session done while in a program (the store tags it with the prescription and version)."""

    day: date
    program_id: str
    version: int
    complete: bool = True
    pain_before: int | None = None
    pain_after: int | None = None
    flare_marked_after: bool = False  # for a leave-flare: the day was marked a flare after it
    hurt: bool = False
    did_a_move: bool = True  # a step was done: a session of only skips or an early hurt is not one of the week's


@dataclass(frozen=True)
class Change:
    day: date
    move: Move
    why: str

    def to_plain(self) -> dict[str, str]:
        return {"day": self.day.isoformat(), "move": str(self.move), "why": self.why}


@dataclass(frozen=True)
class ProgramState:
    program: Program
    started: date
    phase_index: int
    step: int
    phase_started: date
    week: int  # the program week of the plan, 1 to program.weeks (a held phase stays in its last)
    sessions_this_week: int
    in_flare: bool
    finished: bool
    waiting: str  # a session's response still waiting for the next day's check-in ('' if none)
    history: tuple[Change, ...]
    calm_in_phase: int
    today: date  # the day the position is for

    @property
    def phase(self) -> Phase:
        return self.program.phase[self.phase_index]

    def position(self) -> str:
        """'week 3 of 6 · session 2 of 3 this week': the session Today offers (or, with the week's
        sessions done, how many were)."""
        done, planned = self.sessions_this_week, self.program.sessions_per_week
        session = done + 1 if done < planned else done
        return f"week {self.week} of {self.program.weeks} · session {session} of {planned} this week"

    def why(self, *, gentler_today: bool = False) -> tuple[str, ...]:
        """The lines that say where the dose stands and what last moved it (Today's why lines);
        `gentler_today`: today's level cut the doses (pain, unanswered questions), said so."""
        phase = self.phase
        if self.in_flare:
            dose = "on hold in flare mode"  # the session below is the flare one, not the phase's doses
        elif self.step == 0:
            dose = "the doses as written"
        else:
            dose = f"{plural(abs(self.step), 'step')} {'above' if self.step > 0 else 'below'} the written doses"
        if gentler_today and not self.in_flare:
            dose += ", made gentler today (below)"
        lines = [f"{phase.name} (phase {self.phase_index + 1} of {len(self.program.phase)}): {dose}."]
        last = next((c for c in reversed(self.history) if c.move not in (Move.START, Move.HOLD)), None)
        if last is not None:
            lines.append(f"Last change, {day_label(last.day, self.today)}: {last.why}")
        if self.waiting:
            lines.append(self.waiting)
        return tuple(lines)

    def ups(self) -> list[date]:
        return [c.day for c in self.history if c.move is Move.UP]


@dataclass(frozen=True)
class ProgramDay:
    """Today in a program: the position, and the session (or flare mode) after today's safety."""

    state: ProgramState
    session: Suggestion
