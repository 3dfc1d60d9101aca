"""How each phase of a session announces itself: a banner title and symbol, a number of bells, the
terminal title. Kept apart from core.cues (the escape sequences), which the app loads before its
first frame: this one needs the session's phases, which can wait for the first session."""

from __future__ import annotations

from dataclasses import dataclass

from stretchtui.core.cues import countdown_title
from stretchtui.core.phases import PhaseKind


@dataclass(frozen=True)
class PhaseCue:
    """How a phase announces itself: its banner title, a symbol that reads without colour
    (NO_COLOR, a colour-blind eye), and the number of bells when it starts."""

    title: str
    symbol: str
    bells: int


PHASE_CUES: dict[PhaseKind, PhaseCue] = {
    PhaseKind.GET_READY: PhaseCue("GET READY", "◇", 0),  # the session's start: no bell
    PhaseKind.HOLD: PhaseCue("HOLD", "●", 1),
    PhaseKind.REPS: PhaseCue("REPS", "↻", 1),
    PhaseKind.REST: PhaseCue("REST", "○", 2),
    PhaseKind.SWITCH_SIDE: PhaseCue("SWITCH SIDES", "⇄", 3),
    PhaseKind.DONE: PhaseCue("DONE", "✓", 4),
}
"""One bell: go (a hold or reps). Two: rest. Three: switch sides. Four: done. Each distinct by
count, so they tell apart with eyes closed; the title says the same in words."""

BELL_GAP_SECONDS = 0.35
"""Between the bells of one cue: closer, and terminals merge them into one."""

COUNTDOWN_SECONDS = 3
"""The 3-2-1 before a counted phase ends."""


def banner(kind: PhaseKind) -> str:
    """'● HOLD': the symbol first, so it reads without colour."""
    cue = PHASE_CUES[kind]
    return f"{cue.symbol} {cue.title}"


def phase_title(kind: PhaseKind, seconds: float, what: str, paused: bool = False) -> str:
    """The terminal title during a phase: 'HOLD 0:12 Bridge · stretchtui' ('3… HOLD' in the last
    three seconds), so a glance at a tmux status line tells the phase as well as the time."""
    if kind is PhaseKind.DONE:
        return f"DONE {what} · stretchtui"
    whole = max(0, int(seconds + 0.999))
    ending = f"{whole}… " if 0 < whole <= COUNTDOWN_SECONDS and not paused else ""
    return f"{ending}{PHASE_CUES[kind].title} " + countdown_title(seconds, what, paused)
