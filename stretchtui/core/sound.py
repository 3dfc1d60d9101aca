"""An optional local sound for the session's cues, for when the terminal bell is silent.

Only when it is switched on (the `cue_sound` setting), a player is installed, and the session is
not over SSH: a sound played on a remote box is heard by nobody at the keyboard, so over SSH the
terminal bell (which travels with the terminal) is the cue. The tones are made here as small WAV
files (no audio files shipped, no library): a short beep per bell of the phase's cue, and a tick
for each of the last three seconds. Pure, except `player_command`'s lookup of installed programs.
"""

from __future__ import annotations

import io
import math
import shutil
import struct
import wave
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

RATE = 16_000
PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("paplay", ()),  # PulseAudio and PipeWire
    ("pw-play", ()),
    ("aplay", ("-q",)),  # ALSA
    ("afplay", ()),  # macOS
)
SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


@dataclass(frozen=True)
class SoundChoice:
    """Whether cues play a sound here, and why not when they do not (shown in Settings)."""

    command: tuple[str, ...] | None
    reason: str

    @property
    def available(self) -> bool:
        return self.command is not None


def player_command(environ: Mapping[str, str], which: Callable[[str], str | None] = shutil.which) -> SoundChoice:
    """The command that plays a WAV file here (its path is appended), or why there is none."""
    if any(environ.get(name) for name in SSH_VARIABLES):
        return SoundChoice(None, "over SSH the sound would play on the remote machine; the bell is used")
    for name, arguments in PLAYERS:
        path = which(name)
        if path:
            return SoundChoice((path, *arguments), f"plays with {name}")
    return SoundChoice(None, "no sound player found (paplay, pw-play, aplay or afplay)")


def tone(frequency: float, seconds: float, *, volume: float = 0.4) -> list[int]:
    """A sine tone as 16-bit samples, faded in and out over 10 ms so it does not click."""
    count = int(RATE * seconds)
    fade = max(1, int(RATE * 0.01))
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(int(32767 * volume * envelope * math.sin(2 * math.pi * frequency * i / RATE)))
    return samples


def wav(samples: Sequence[int]) -> bytes:
    """Mono 16-bit WAV bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


def beeps(count: int, frequency: float = 880.0) -> bytes:
    """`count` short beeps with a gap between: the sound of a cue of that many bells."""
    samples: list[int] = []
    for i in range(count):
        if i:
            samples.extend([0] * int(RATE * 0.15))
        samples.extend(tone(frequency, 0.18))
    return wav(samples)


def tick() -> bytes:
    """A short, lower tick for each of the last three seconds."""
    return wav(tone(520.0, 0.06, volume=0.3))
