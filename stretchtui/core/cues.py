"""Terminal cues that reach someone over SSH or inside tmux: bell, title, desktop notification.

Pure string building; the UI decides when to write them (and whether the user switched them off).
"""

from __future__ import annotations

import re

from stretchtui.core.plain_text import cut_at_word

BELL = "\a"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f;]")  # control characters (and OSC 777's separator) never pass


LONGEST = 200
"""Characters of one field a cue carries: terminals show a line or two of a notification."""


def _clean(text: str) -> str:
    """Control characters out, and a long text cut at a word with an ellipsis: never mid-word, so a
    cut never turns one word into another ("made" into "mad")."""
    return cut_at_word(_UNSAFE.sub(" ", text), LONGEST)


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
