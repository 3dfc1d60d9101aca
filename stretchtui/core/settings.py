"""The settings model: every setting key, once, with its default, its allowed values, its words for
the Settings screen and whether an export carries it.

Everything else derives from `SETTINGS`: the Settings screen (the specs with a title), the store's
reads (`Settings`: the saved value, else the default), the import rules (`imported_settings`) and
the export (`EXPORTED`), Today's minutes and place choices and the `suggest` flags. A plain table of
frozen dataclasses rather than a msgspec Struct: `stretchtui status` reads this module on every run
and must stay quick to import; the checks that need more (text, instants, conditions) import it
when they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from stretchtui.core.days import DEFAULT_DAY_START_HOUR
from stretchtui.core.errors import FieldError, shown, shown_key

Rule = Callable[[Any, str], Any]
"""Checks a free-form value (`where` names it in the error) and returns what is kept."""


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    title: str = ""  # a row of the Settings screen when set
    help: str = ""
    choices: tuple[Any, ...] = ()
    exported: bool = True  # False: kept on this machine only (an import refuses it too)
    synced: bool = True  # False: how this machine looks and sounds; an export carries it, sync never (docs/sync.md)
    rule: Rule | None = None  # for values that are not one of `choices` or on/off

    def in_words(self) -> str:
        """The choices as a help text lists them: '1, 5, 10, 15 or 20'."""
        *rest, last = map(str, self.choices)
        return f"{', '.join(rest)} or {last}" if rest else last

    def check(self, value: Any, where: str | None = None) -> Any:
        """The value if this setting may hold it; else FieldError with one line naming `where`."""
        where = where or self.key
        if self.rule is not None:
            return self.rule(value, where)
        if isinstance(self.default, bool) != isinstance(value, bool) or (
            self.choices and not any(type(value) is type(choice) and value == choice for choice in self.choices)
        ):  # exactly a choice: 5.0 equals 5 but is not a number of minutes one can choose
            raise FieldError(
                where, f"{shown(value)} is not one of {', '.join(map(str, self.choices)) or 'true, false'}"
            )
        return value


def _theme(value: Any, where: str) -> str:
    from stretchtui.core import validation

    return validation.text(value, where, limit=40)


def _safety_answers(value: Any, where: str) -> dict[str, bool]:
    from stretchtui.core import validation

    if not isinstance(value, Mapping) or len(value) > 20:
        raise FieldError(where, "must be an object of question ids and true/false")
    for key, answer in value.items():
        validation.slug(key, f"{where}.{key}" if isinstance(key, str) and len(key) <= 40 else where)
        validation.boolean(answer, f"{where}.{key}")
    return dict(value)


def _answered_at(value: Any, where: str) -> str:
    """When the safety questions were answered: an aware ISO 8601 instant (store.safety)."""
    from stretchtui.core import instants

    instants.parse_instant(value, where)  # the one rule, so store.safety can always read it
    return str(value)  # text: parse_instant refuses anything else


def _conditions(value: Any, where: str) -> list[str]:
    from stretchtui.core import validation
    from stretchtui.core.vocabulary import Condition

    if not isinstance(value, list):
        raise FieldError(where, "must be a list of conditions")
    return sorted({validation.choice(item, Condition, f"{where}[{i}]").value for i, item in enumerate(value)})


def _function_activities(value: Any, where: str) -> list[str]:
    from stretchtui.core.function import activities_value

    return activities_value(value, where)


def _lesson_ids(value: Any, where: str) -> list[str]:
    """The lessons marked read (core.lessons): their ids, each once, sorted. An id no lesson has
    (one since removed from the seed files) is kept: it does no harm and an older file may name it."""
    from stretchtui.core import validation

    if not isinstance(value, (list, tuple)) or len(value) > 100:
        raise FieldError(where, "must be a list of at most 100 lesson ids")
    return sorted({validation.slug(item, f"{where}[{i}]") for i, item in enumerate(value)})


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "theme", "textual-dark", "Theme", "Light and dark themes; Ctrl+T switches quickly.", rule=_theme, synced=False
    ),
    SettingSpec(
        "day_start_hour",
        DEFAULT_DAY_START_HOUR,
        "New day starts at",
        "A stretch before this hour counts for the day before. Earlier days never change.",
        tuple(range(0, 13)),
    ),
    SettingSpec("goal_routines", 1, "Routines a day", "A day is done after this many completed routines…", (1, 2, 3)),
    SettingSpec(
        "goal_minutes",
        5,
        "…or minutes of holds",
        "…or this many minutes of finished holds and reps.",
        (3, 5, 10, 15, 20, 30),
    ),
    SettingSpec(
        "grace_per_week",
        1,
        "Rest/flare days per 7 days",
        "Rest or flare days that keep a streak alive (they never extend it).",
        (0, 1, 2, 3),
    ),
    SettingSpec(
        "cue_bell",
        True,
        "Bell at phase changes",
        "Rings the terminal bell when a hold, side or rest changes.",
        synced=False,
    ),
    SettingSpec(
        "cue_title",
        True,
        "Countdown in the title",
        "Shows the countdown in the terminal (or tmux) title.",
        synced=False,
    ),
    SettingSpec(
        "cue_sound",
        False,
        "Sound on this computer",
        "Beeps through a local player (paplay, aplay, afplay) as well as the bell: 1 go, 2 rest, 3 switch sides, "
        "4 done, and a tick at 3-2-1. Never over SSH.",
        exported=False,  # whether a player is there is this machine's business
    ),
    SettingSpec(
        "cue_notify",
        False,
        "Desktop notifications",
        "Sends OSC 9 / OSC 777 notifications (passed through tmux) at the end of each exercise.",
        synced=False,
    ),
    SettingSpec(
        "break_after_minutes",
        50,
        "Break after minutes at the terminal",
        "With the activity hook on (stretchtui activity install), the status line suggests a break after this "
        "many minutes of typing without one. 0: never.",
        (0, 30, 40, 50, 60, 90),
    ),
    # Today's choices (m and p), and the defaults of `stretchtui suggest`.
    SettingSpec("suggest_minutes", 10, choices=(1, 5, 10, 15, 20)),
    SettingSpec("suggest_place", "floor", choices=("floor", "desk", "standing")),
    # The health profile (store.safety writes the three together).
    SettingSpec("safety_answers", None, rule=_safety_answers),
    SettingSpec("safety_answered_at", None, rule=_answered_at),
    SettingSpec("conditions", None, rule=_conditions),
    # The activities rated each week for function (core.function; `stretchtui function`).
    SettingSpec("function_activities", (), rule=_function_activities),
    SettingSpec("lessons_read", (), rule=_lesson_ids),  # the lessons marked read, by id
    SettingSpec("safety_seen_checkin", None, exported=False),
    SettingSpec("seed_digest", None, exported=False),  # the seed files last loaded
)
BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}
EXPORTED = frozenset(spec.key for spec in SETTINGS if spec.exported)
SYNCED = frozenset(spec.key for spec in SETTINGS if spec.exported and spec.synced)
"""The settings sync carries between machines: not the theme and the cues (each machine's own)."""
ON_SCREEN = tuple(spec for spec in SETTINGS if spec.title)
"""The rows of the Settings screen, in order."""


class Settings(Mapping[str, Any]):
    """Every setting's value in force: the saved one, else the model's default. Immutable (the app
    holds one as a reactive); `changed` gives the next one. An unknown key is a KeyError."""

    __slots__ = ("_saved",)

    def __init__(self, saved: Mapping[str, Any] | None = None) -> None:
        self._saved = {key: value for key, value in (saved or {}).items() if key in BY_KEY and value is not None}

    def __getitem__(self, key: str) -> Any:
        return self._saved[key] if key in self._saved else BY_KEY[key].default

    def __iter__(self) -> Iterator[str]:
        return iter(BY_KEY)

    def __len__(self) -> int:
        return len(BY_KEY)

    def changed(self, key: str, value: Any) -> Settings:
        """These settings with one changed (None: back to its default)."""
        BY_KEY[key]  # noqa: B018 - an unknown key fails here
        return Settings({**self._saved, key: value})

    def __repr__(self) -> str:
        return f"Settings({self._saved!r})"


def imported_settings(raw: Any) -> dict[str, Any]:
    """The `settings` object of an import file, checked key by key (only exported keys)."""
    if not isinstance(raw, Mapping):
        raise FieldError("settings", f"must be an object, not {type(raw).__name__}")
    result = {}
    for key, value in raw.items():
        where = f"settings.{shown_key(key)}"
        if key not in EXPORTED:
            raise FieldError(where, "is not a known setting")
        result[key] = BY_KEY[key].check(value, where)
    return result
