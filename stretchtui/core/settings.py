"""User settings: names, defaults and allowed values, shared by the settings screen and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stretchtui.core.days import DEFAULT_DAY_START_HOUR
from stretchtui.core.errors import FieldError, shown


@dataclass(frozen=True)
class SettingSpec:
    key: str
    title: str
    default: Any
    help: str
    choices: tuple[Any, ...] = ()

    def check(self, value: Any) -> Any:
        if self.choices and value not in self.choices:
            raise FieldError(self.key, f"{shown(value)} is not one of {', '.join(map(str, self.choices))}")
        if isinstance(self.default, bool) and not isinstance(value, bool):
            raise FieldError(self.key, "must be on or off")
        return value


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("day_start_hour", "New day starts at", DEFAULT_DAY_START_HOUR,
                "A stretch before this hour counts for the day before. Earlier days never change.",
                tuple(range(0, 13))),
    SettingSpec("goal_routines", "Routines a day", 1, "A day is done after this many completed routines…", (1, 2, 3)),
    SettingSpec("goal_minutes", "…or minutes of holds", 5, "…or this many minutes of finished holds and reps.",
                (3, 5, 10, 15, 20, 30)),
    SettingSpec("grace_per_week", "Rest/flare days per 7 days", 1,
                "Rest or flare days that keep a streak alive (they never extend it).", (0, 1, 2, 3)),
    SettingSpec("cue_bell", "Bell at phase changes", True, "Rings the terminal bell when a hold, side or rest changes."),
    SettingSpec("cue_title", "Countdown in the title", True, "Shows the countdown in the terminal (or tmux) title."),
    SettingSpec("cue_notify", "Desktop notifications", False,
                "Sends OSC 9 / OSC 777 notifications (passed through tmux) at the end of each exercise."),
)
BY_KEY = {spec.key: spec for spec in SETTINGS}
