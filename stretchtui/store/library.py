"""The exercise and routine library: the seeded entries, kept in step with the seed files, and the
user's own, which only the user changes."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase, chunked, fn

from stretchtui.core import model as core
from stretchtui.core.clock import Clock
from stretchtui.core.errors import UserError
from stretchtui.core.lessons import Lesson, load_lessons
from stretchtui.core.library import load_library, own_id, seed_digest
from stretchtui.store import models as m
from stretchtui.store.rows import (
    exercise_from_row,
    exercise_values,
    item_from_row,
    item_rows,
    routine_from_row,
    routine_values,
)
from stretchtui.store.settings import SettingsRepository

SEED_NAMESPACE = uuidlib.UUID("6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10")


def seed_uuid(kind: str, ident: str) -> str:
    """Seeded rows get the same UUID on every machine, so exports and imports match them up."""
    return str(uuidlib.uuid5(SEED_NAMESPACE, f"{kind}:{ident}"))


@dataclass(eq=False)
class LibraryRepository:
    """Exercises, routines and tips."""

    db: SqliteDatabase
    clock: Clock
    settings: SettingsRepository
    seed_dir: Path
    _tips: tuple[core.Tip, ...] | None = field(default=None, init=False)
    _lessons: tuple[Lesson, ...] | None = field(default=None, init=False)

    # ------------------------------------------------------------------ library

    def sync_library(self, seed_dir: Path) -> bool:
        """Load the seed files into the store when they changed since the last sync.

        Seeded rows are upserted; rows the user made, and their favourites, are never touched.
        A seeded entry that left the seed data is retired (hidden), not deleted: history and
        own routines may still point at it. Returns whether anything was synced."""
        digest = seed_digest(seed_dir)
        if self.settings.get("seed_digest") == digest:
            return False
        library = load_library(seed_dir)  # validate everything before writing anything
        now = self.clock.now()
        seeded = {"origin": core.Origin.SEED.value, "retired": False, "updated_at": now}
        exercises = [
            {"id": ex.id, "uuid": seed_uuid("exercise", ex.id), "created_at": now, **exercise_values(ex), **seeded}
            for ex in library.exercises.values()
        ]
        routines = [
            {"id": r.id, "uuid": seed_uuid("routine", r.id), "created_at": now, **routine_values(r), **seeded}
            for r in library.routines.values()
        ]
        with self.db.atomic():
            _upsert(m.Exercise, exercises)
            (
                m.Exercise.update(retired=True, updated_at=now)
                .where((m.Exercise.origin == "seed") & m.Exercise.id.not_in(list(library.exercises)))
                .execute()
            )
            _upsert(m.Routine, routines)
            m.RoutineItem.delete().where(m.RoutineItem.routine.in_(list(library.routines))).execute()
            items = [row for r in library.routines.values() for row in item_rows(r.id, r.items)]
            for batch in chunked(items, SEED_ROWS_AT_ONCE):
                m.RoutineItem.insert_many(batch).execute()
            (
                m.Routine.update(retired=True, updated_at=now)
                .where((m.Routine.origin == "seed") & m.Routine.id.not_in(list(library.routines)))
                .execute()
            )
            self.settings.set("seed_digest", digest)
        return True

    def tips(self) -> tuple[core.Tip, ...]:
        """Tips come straight from the seed files (they are not user data): parsed once per store."""
        if self._tips is None:
            self._tips = load_library(self.seed_dir).tips
        return self._tips

    def lessons(self) -> tuple[Lesson, ...]:
        """Lessons come straight from the seed files, like tips: parsed once per store."""
        if self._lessons is None:
            self._lessons = load_lessons(self.seed_dir)
        return self._lessons

    def exercises(self, *, include_retired: bool = False) -> list[core.Exercise]:
        query = m.Exercise.select().order_by(fn.lower(m.Exercise.name))
        if not include_retired:
            query = query.where(m.Exercise.retired == False)  # noqa: E712 (peewee expression)
        return [exercise_from_row(row) for row in query]

    def exercise(self, exercise_id: str) -> core.Exercise | None:
        row = m.Exercise.get_or_none(m.Exercise.id == exercise_id)
        return None if row is None else exercise_from_row(row)

    def exercise_index(self) -> dict[str, core.Exercise]:
        """Every exercise, retired ones too, by id: what routine durations are computed from."""
        return {ex.id: ex for ex in self.exercises(include_retired=True)}

    def set_favourite(self, exercise_id: str, favourite: bool) -> None:
        with self.db.atomic():
            (
                m.Exercise.update(favourite=favourite, updated_at=self.clock.now())
                .where(m.Exercise.id == exercise_id)
                .execute()
            )

    def save_exercise(self, exercise: core.Exercise) -> core.Exercise:
        """Create or update an own exercise (the id is assigned on create). Seeded ones are read-only."""
        existing = m.Exercise.get_or_none(m.Exercise.id == exercise.id) if exercise.id else None
        if existing is not None and existing.origin != "user":
            raise UserError(f"{exercise.name!r} is part of the built-in library and cannot be edited")
        with self.db.atomic():
            exercise_id = self._write_own(m.Exercise, existing, exercise, exercise_values(exercise))
        saved = self.exercise(exercise_id)
        assert saved is not None
        return saved

    def delete_exercise(self, exercise_id: str) -> None:
        row = self._own_to_delete(m.Exercise, exercise_id, "exercise", "is part of the built-in library")
        users = [
            r.routine.name for r in m.RoutineItem.select().join(m.Routine).where(m.RoutineItem.exercise == exercise_id)
        ]
        if users:
            raise UserError(f"{row.name!r} is used in the routine {users[0]!r}; remove it there first")
        with self.db.atomic():
            m.Exercise.delete().where(m.Exercise.id == exercise_id).execute()

    # ------------------------------------------------------------------ routines

    def routines(self) -> list[core.Routine]:
        rows = list(
            m.Routine.select()
            .where(m.Routine.retired == False)  # noqa: E712
            .order_by(m.Routine.origin, fn.lower(m.Routine.name))
        )
        items = self._items_by_routine([row.id for row in rows])
        return [routine_from_row(row, items.get(row.id, ())) for row in rows]

    def routine(self, routine_id: str) -> core.Routine | None:
        row = m.Routine.get_or_none(m.Routine.id == routine_id)
        if row is None:
            return None
        return routine_from_row(row, self._items_by_routine([routine_id]).get(routine_id, ()))

    def save_routine(self, routine: core.Routine) -> core.Routine:
        """Create or update an own routine with its items. Built-in ones are never changed in place."""
        existing = m.Routine.get_or_none(m.Routine.id == routine.id) if routine.id else None
        if existing is not None and existing.origin != "user":
            raise UserError(f"{routine.name!r} is a built-in routine; duplicate it to make your own version")
        if not routine.items:
            raise UserError("a routine needs at least one exercise")
        known = {row.id for row in m.Exercise.select(m.Exercise.id)}
        missing = [item.exercise_id for item in routine.items if item.exercise_id not in known]
        if missing:
            raise UserError(f"no exercise with id {missing[0]!r}")
        values = dict(routine_values(routine), name=routine.name.strip())
        if not values["name"]:
            raise UserError("a routine needs a name")
        with self.db.atomic():
            routine_id = self._write_own(m.Routine, existing, routine, values)
            self.write_items(routine_id, routine.items)
        saved = self.routine(routine_id)
        assert saved is not None
        return saved

    def duplicate_routine(self, routine_id: str, name: str | None = None) -> core.Routine:
        original = self.routine(routine_id)
        if original is None:
            raise UserError(f"no routine with id {routine_id!r}")
        copy_name = name or self._free_name(f"{original.name} (my copy)")
        copy = core.Routine(
            id="",
            name=copy_name,
            items=original.items,
            description=original.description,
            rest_between_seconds=original.rest_between_seconds,
            sources=original.sources,
            origin=core.Origin.USER,
        )
        return self.save_routine(copy)

    def delete_routine(self, routine_id: str) -> None:
        self._own_to_delete(m.Routine, routine_id, "routine", "is a built-in routine")
        with self.db.atomic():
            m.Routine.delete().where(m.Routine.id == routine_id).execute()

    # ------------------------------------------------------------------ helpers

    def write_items(self, routine_id: str, items: Iterable[core.RoutineItem]) -> None:
        m.RoutineItem.delete().where(m.RoutineItem.routine == routine_id).execute()
        rows = item_rows(routine_id, items)
        if rows:
            m.RoutineItem.insert_many(rows).execute()

    def _items_by_routine(self, routine_ids: list[str]) -> dict[str, tuple[core.RoutineItem, ...]]:
        result: dict[str, list[core.RoutineItem]] = {}
        query = (
            m.RoutineItem.select()
            .where(m.RoutineItem.routine.in_(routine_ids))
            .order_by(m.RoutineItem.routine, m.RoutineItem.position)
        )
        for row in query:
            result.setdefault(row.routine_id, []).append(item_from_row(row.__data__))
        return {key: tuple(value) for key, value in result.items()}

    def _write_own(
        self,
        model: type[m.BaseModel],
        existing: m.BaseModel | None,
        entry: core.Exercise | core.Routine,
        values: dict[str, Any],
    ) -> str:
        """Write an own exercise or routine (`values`: its columns), inside the caller's transaction:
        with no `existing` row, a new one under a free id made from its name, keeping its uuid if it
        has one; else the existing row in place. Returns its id."""
        now = self.clock.now()
        if existing is None:
            new_id = self.free_id(model, own_id(entry.name))
            uuid = entry.uuid or str(uuidlib.uuid4())
            model.insert(id=new_id, uuid=uuid, origin="user", created_at=now, updated_at=now, **values).execute()
            return new_id
        model.update(updated_at=now, **values).where(model.id == entry.id).execute()
        return entry.id

    def _own_to_delete(self, model: type[m.BaseModel], ident: str, noun: str, built_in: str) -> Any:
        """The row of the own exercise or routine about to be deleted; a missing one is refused, and
        a built-in one (`built_in` says why, after its name)."""
        row = model.get_or_none(model.id == ident)
        if row is None:
            raise UserError(f"no {noun} with id {ident!r}")
        if row.origin != "user":
            raise UserError(f"{row.name!r} {built_in} and cannot be deleted")
        return row

    def free_id(self, model: type[m.BaseModel], base: str) -> str:
        candidate, n = base, 2
        while model.get_or_none(model.id == candidate) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _free_name(self, base: str) -> str:
        taken = {row.name for row in m.Routine.select(m.Routine.name)}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base} {n}", n + 1
        return candidate


SEED_ROWS_AT_ONCE = 50
"""Rows a statement writes when seeding (well under SQLite's limit on bound values)."""


def _upsert(model: type[m.BaseModel], rows: list[dict[str, Any]]) -> None:
    """Insert the seeded rows, or update those already there: every column but the id, the uuid
    and when the row was first made. Many rows a statement: seeding a new database was a
    statement a row, most of a first start's time."""
    if not rows:
        return
    keep = [model._meta.fields[name] for name in rows[0] if name not in ("id", "uuid", "created_at")]
    for batch in chunked(rows, SEED_ROWS_AT_ONCE):
        model.insert_many(batch).on_conflict(conflict_target=[model._meta.fields["id"]], preserve=keep).execute()
