"""Function ratings in the store: the activity list (a setting) and one row per activity and week."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from peewee import SqliteDatabase

from stretchtui.core import function as fn
from stretchtui.core.errors import UserError
from stretchtui.core.function import ActivityEdit, FunctionRating
from stretchtui.core.records import from_trusted
from stretchtui.store import models as m
from stretchtui.store.rows import as_date
from stretchtui.store.settings import EventStamp, SettingsRepository


@dataclass(eq=False)
class FunctionRepository:
    """Up to three activities, each rated 0-10 once a week (core.function)."""

    db: SqliteDatabase
    stamp: EventStamp
    settings: SettingsRepository

    def activities(self) -> list[str]:
        return list(self.settings.read([fn.SETTING])[fn.SETTING])

    def _save_activities(self, names: Sequence[str]) -> None:
        self.settings.set(fn.SETTING, list(names) or None)

    def rate(self, name: str, rating: int, *, at: datetime | None = None) -> FunctionRating:
        """Rate an activity for the week of `at` (now), adding it to the list if it is new and
        there is room; a rating already given that week is replaced (its uuid kept)."""
        name = fn.activity_name(name)
        rating = fn.rating_value(rating)
        with self.db.atomic():
            activities = self.activities()
            listed = fn.with_activity(activities, name)
            if len(listed) != len(activities):
                self._save_activities(listed)
            return self._rate(fn.find(listed, name) or name, rating, at)

    def _rate(self, name: str, rating: int, at: datetime | None) -> FunctionRating:
        stamp = self.stamp(at)
        week = fn.week_of(stamp.day)
        values = dict(activity=name, rating=rating, week=week, **m.stamp_values(stamp))
        row = m.FunctionRating.get_or_none((m.FunctionRating.activity == name) & (m.FunctionRating.week == week))
        if row is None:
            row = m.FunctionRating.create(uuid=str(uuidlib.uuid4()), **values)
        else:
            m.FunctionRating.update(**values).where(m.FunctionRating.id == row.id).execute()
        return self.ratings(uuid=row.uuid)[0]

    def rename_activity(self, old: str, new: str) -> tuple[str, str]:
        """Rename an activity; its past ratings take the new name. Returns (old, new) as spelled."""
        new = fn.activity_name(new)
        with self.db.atomic():
            known, listed = fn.renamed(self.activities(), old, new)
            weeks = m.FunctionRating.select(m.FunctionRating.week).where(m.FunctionRating.activity == new)
            if known.casefold() != new.casefold() and (
                m.FunctionRating.select()
                .where((m.FunctionRating.activity == known) & m.FunctionRating.week.in_(weeks))
                .exists()
            ):
                raise UserError(f"{new!r} already has ratings in the same weeks as {known!r}: pick another name")
            m.FunctionRating.update(activity=new).where(m.FunctionRating.activity == known).execute()
            self._save_activities(listed)
        return known, new

    def drop_activity(self, name: str) -> str:
        """Take an activity off the list; its past ratings stay (shown as a former activity)."""
        with self.db.atomic():
            activities = self.activities()
            known = fn.find(activities, name)
            self._save_activities(fn.without_activity(activities, name))
        return known or name

    def save(self, edits: Sequence[ActivityEdit], *, at: datetime | None = None) -> list[str]:
        """What the function dialog gives, all or nothing: renames and removals first, then the
        activities added, then this week's ratings. Returns the list it leaves."""
        with self.db.atomic():
            for edit in edits:
                if edit.was and not edit.name.strip():
                    self.drop_activity(edit.was)
                elif edit.was and edit.name.strip() != edit.was:
                    self.rename_activity(edit.was, edit.name)
            for edit in edits:
                if edit.name.strip():
                    name = fn.activity_name(edit.name)
                    activities = self.activities()
                    listed = fn.with_activity(activities, name)
                    if len(listed) != len(activities):
                        self._save_activities(listed)
                    if edit.rating is not None:
                        self._rate(fn.find(listed, name) or name, fn.rating_value(edit.rating), at)
            return self.activities()

    def ratings(self, *, since: date | None = None, uuid: str | None = None) -> list[FunctionRating]:
        """Ratings (since the week holding `since`), oldest first."""
        query = m.FunctionRating.select().order_by(m.FunctionRating.week, m.FunctionRating.id)
        if since is not None:
            query = query.where(m.FunctionRating.week >= fn.week_of(since))
        if uuid is not None:
            query = query.where(m.FunctionRating.uuid == uuid)
        return [rating_from_row(row) for row in query]

    def trends(self, since: date | None = None) -> list[fn.ActivityTrend]:
        """The activities with their ratings by week (core.function.trends)."""
        return fn.trends(self.activities(), self.ratings(since=since))


def rating_from_row(row: m.FunctionRating) -> FunctionRating:
    values = dict(row.__data__)
    values["day"] = as_date(values["day"])
    values.pop("week", None)
    return from_trusted(FunctionRating, values)  # type: ignore[no-any-return]
