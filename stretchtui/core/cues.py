"""Terminal cues that reach someone over SSH or inside tmux: bell, title, desktop notification.

Pure string building; the UI decides when to write them (and whether the user switched them off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stretchtui.core.phases import PhaseKind

BELL = "\a"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f;]")  # control characters (and OSC 777's separator) never pass


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text)[:120]


def title(text: str) -> str:
    """OSC 2: set the window title (tmux shows it as the pane title; `set -g set-titles on` passes it up)."""
    return f"\x1b]2;{_clean(text)}\x07"


def notification(heading: str, body: str, *, in_tmux: bool) -> str:
    """OSC 9 (iTerm2, kitty, WezTerm, Windows Terminal) and OSC 777 (VTE, foot, Ghostty), each wrapped
    for tmux passthrough when inside tmux (needs `set -g allow-passthrough on`)."""
    sequences = [
        f"\x1b]9;{_clean(heading)}: {_clean(body)}\x07",
        f"\x1b]777;notify;{_clean(heading)};{_clean(body)}\x07",
    ]
    if in_tmux:
        sequences = [tmux_passthrough(s) for s in sequences]
    return "".join(sequences)


def tmux_passthrough(sequence: str) -> str:
    """DCS tmux; … ST with inner ESCs doubled: tmux hands the sequence to the outer terminal."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def countdown_title(seconds: float, what: str, paused: bool = False) -> str:
    minutes, secs = divmod(max(0, int(seconds + 0.999)), 60)
    state = "paused · " if paused else ""
    return f"{state}{minutes}:{secs:02d} {what} · stretchtui"


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
    whole = max(0, int(seconds + 0.999))
    ending = f"{whole}… " if 0 < whole <= COUNTDOWN_SECONDS and not paused else ""
    return f"{ending}{PHASE_CUES[kind].title} " + countdown_title(seconds, what, paused)
