"""Plays the session's cue sounds through a local player (core.sound), never waiting for it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from stretchtui.core import sound


class CuePlayer:
    """Writes each cue's WAV once into a private temporary folder and starts the player on it in
    the background (a new session, no terminal), so a slow or missing sound never holds the timer."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.choice = sound.player_command(os.environ if environ is None else environ)
        self._folder: Path | None = None
        self._files: dict[str, Path] = {}

    def _file(self, name: str, data: bytes) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="stretchtui-cues-"))  # 0700
        path = self._files.get(name)
        if path is None:
            path = self._folder / f"{name}.wav"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            self._files[name] = path
        return path

    def _play(self, path: Path) -> None:
        if self.choice.command is None:
            return
        try:
            subprocess.Popen(
                [*self.choice.command, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            self.choice = sound.SoundChoice(None, "the sound player could not be started")

    def bells(self, count: int) -> None:
        if count > 0 and self.choice.available:
            self._play(self._file(f"bells-{count}", sound.beeps(count)))

    def tick(self) -> None:
        if self.choice.available:
            self._play(self._file("tick", sound.tick()))

    def close(self) -> None:
        """Remove the cue files (the players have read them by now, or are reading an open file)."""
        for path in self._files.values():
            path.unlink(missing_ok=True)
        if self._folder is not None:
            try:
                self._folder.rmdir()
            except OSError:
                pass
        self._files.clear()
        self._folder = None
