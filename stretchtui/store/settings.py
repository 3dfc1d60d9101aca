"""Settings in the store: one row per saved key, the settings model (core.settings) for the rest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.days import EventTime
from stretchtui.core.instants import check_instant
from stretchtui.core.settings import BY_KEY as SETTING_SPECS
from stretchtui.core.settings import Settings
from stretchtui.core.streaks import Goal
from stretchtui.store import models as m
from stretchtui.store.day_summary import day_start_from, goal_from

MODEL_DEFAULT: Any = object()
"""get's default: the one the settings model gives."""


@dataclass(eq=False)
class SettingsRepository:
    """Read and write settings; every other repository reads the day start and the goal here."""

    db: SqliteDatabase
    clock: Clock

    def get(self, key: str, default: Any = MODEL_DEFAULT) -> Any:
        """The saved value, else the model's default (core.settings); a `default` given here only
        tells "not saved" apart. A key the model does not define is a KeyError."""
        spec = SETTING_SPECS[key]
        row = m.Setting.get_or_none(m.Setting.key == key)
        if row is None:
            return spec.default if default is MODEL_DEFAULT else default
        return row.value

    def read(self, keys: Iterable[str] = ()) -> Settings:
        """The settings in force, read in one query: those saved among `keys` (all when none
        are named), the model's defaults for the rest."""
        wanted = [SETTING_SPECS[key].key for key in keys] or list(SETTING_SPECS)
        return Settings(
            dict(m.Setting.select(m.Setting.key, m.Setting.value).where(m.Setting.key.in_(wanted)).tuples())
        )

    def set(self, key: str, value: Any) -> None:
        """Store a JSON value; None removes the setting (so its default applies again). Keys are
        the model's (core.settings; tests/test_settings_model.py checks every one the code writes);
        a scratch key is still written (the storage tests probe the file with one)."""
        with self.db.atomic():
            if value is None:
                m.Setting.delete().where(m.Setting.key == key).execute()
            else:
                m.Setting.insert(key=key, value=value, updated_at=self.clock.now()).on_conflict_replace().execute()

    def day_start_hour(self) -> int:
        return day_start_from(self.read(["day_start_hour"]))

    def goal(self) -> Goal:
        """The daily goal from Settings: so many completed routines, or so many minutes."""
        return goal_from(self.read())


@dataclass(eq=False)
class EventStamp:
    """When an event happens (now, or `at`): every event the store writes is stamped here, so no
    instant outside the window of core.instants is ever stored (a machine whose clock says 1970 or
    2300 is refused, in one line, rather than writing history an export cannot carry). Its logical
    day is then inside the window too."""

    clock: Clock
    settings: SettingsRepository

    def __call__(self, at: datetime | None = None) -> EventTime:
        check_instant(self.clock.now() if at is None else at, "time")
        if at is None:
            return EventTime.stamp(self.clock, self.settings.day_start_hour())
        return EventTime.at(at, self.clock.zone, self.settings.day_start_hour())
