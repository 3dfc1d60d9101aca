"""Merging an export file into the store, all or nothing.

`import_entries` checks a file as it is read (core.exchange.reading.read_export), puts each record
into a staging area that takes no lock on the database (store/staging.py), and only then moves it
all in, in one short IMMEDIATE transaction: all or nothing, and other writers (the app's session
steps, `log`, `rest`) wait a fraction of a second, not the whole import. Every reference in the
file goes through one id mapping, built by UUID (`_place_own`). Apart from the export
(store/exporting.py), which only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.store import models as m
from stretchtui.store.corrections import CorrectionRepository
from stretchtui.store.exporting import CHUNK
from stretchtui.store.library import LibraryRepository

if TYPE_CHECKING:
    from stretchtui.core.exchange.bundle import ImportResult, OwnExercise, OwnRoutine
    from stretchtui.store.staging import Staging
# core.exchange (the file rules) is imported where it is used (see store/exchange.py).


class _DryRun(Exception):
    """Raised inside the import transaction to roll it back after counting."""


class _StoredSessions:
    """The sessions of the store, as a container a file's check-ins are checked against."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and m.Session.select().where(m.Session.uuid == item).exists()


@dataclass(eq=False)
class Importer:
    """One import into one store."""

    db: SqliteDatabase
    clock: Clock
    library: LibraryRepository
    corrections: CorrectionRepository

    def import_entries(self, entries: Iterable[tuple[str, Any]], *, dry_run: bool = False) -> ImportResult:
        """Check a file's entries (core.exchange.reading.file_entries or entries_of) record by record
        into the staging area, then merge it all in one short transaction; with `dry_run`, count
        what would be added and roll back. Raises ImportFileError, having written nothing."""
        from stretchtui.core.entries import EntryKind
        from stretchtui.core.exchange.bundle import ImportResult
        from stretchtui.core.exchange.reading import KnownPrograms, read_export
        from stretchtui.core.program_records import builtin_ids
        from stretchtui.store.staging import STAGED, Staging

        known_exercises = {row[0] for row in m.Exercise.select(m.Exercise.id).tuples()}
        imported = set(m.ProgramFile.select(m.ProgramFile.program_id, m.ProgramFile.version).tuples())
        known_programs = KnownPrograms(builtin_ids(self.library.seed_dir), imported)
        staging = Staging(self.db).open()
        try:
            kept: dict[str, Any] = {
                "settings": {},
                "favourites": [],
                "exercises": [],
                "routines": [],
                "program_files": [],
                "removed": [],
            }
            for kind, record in read_export(
                entries,
                now=self.clock.now(),
                known_exercise_ids=known_exercises,
                known_session_uuids=_StoredSessions(),
                known_programs=known_programs,
            ):
                if kind == "sessions":
                    if record["status"] == "in_progress":  # resumable only where it ran
                        record = {**record, "status": "partial"}
                    staging.add_session(record)
                elif kind == "checkins":
                    staging.add_checkin(record)
                elif kind in STAGED:
                    staging.add_record(kind, record)
                elif kind in ("exercises", "routines", "program_files", "removed"):
                    # a few: own ones made by hand, a prescription per version, a removal each
                    kept[kind].append(record)
                elif kind in kept:
                    kept[kind] = record
            staging.add_claims("exercises", m.Exercise, [own.exercise.uuid for own in kept["exercises"]])
            staging.add_claims("routines", m.Routine, [own.routine.uuid for own in kept["routines"]])
            for removal in kept["removed"]:
                staging.add_claims("removed", m.ENTRY_MODELS[EntryKind(removal["kind"])], [removal["uuid"]])
            staging.flush()
            result = ImportResult(dry_run=dry_run)
            try:
                with self.db.atomic():  # IMMEDIATE: the only time the database is locked
                    self._merge(staging, kept, result)
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            return result
        finally:
            staging.close()

    def _merge(self, staging: Staging, kept: Mapping[str, Any], result: ImportResult) -> None:
        from stretchtui.core.exchange.reading import ImportFileError

        foreign = staging.foreign_uuid({model._meta.table_name: kind.value for kind, model in m.ENTRY_MODELS.items()})
        if foreign is not None:
            raise ImportFileError(foreign)
        exercise_ids = self._import_exercises(kept["exercises"], result)
        staging.add_id_map("exercise", exercise_ids)
        self._import_favourites(kept["favourites"], result)
        routine_ids = self._import_routines(kept["routines"], exercise_ids, result)
        staging.add_id_map("routine", routine_ids)
        sessions, steps, steps_here, removed = staging.merge_sessions()
        _count(result, "sessions", sessions, staging.count("stage_session"), removed)
        result.added["steps"] += steps
        result.already_there["steps"] += steps_here
        checkins, removed = staging.merge_checkins()
        _count(result, "checkins", checkins, staging.count("stage_checkin"), removed)
        marks, removed = staging.merge_day_marks()
        _count(result, "day_marks", marks, staging.count("stage_day_mark"), removed)
        ratings = staging.merge_function_ratings()
        _count(result, "function_ratings", ratings, staging.count("stage_function_rating"), 0)
        self._import_program_files(kept["program_files"], exercise_ids, result)  # before the choices naming them
        choices = staging.merge_by_uuid("program_choices")
        _count(result, "program_choices", choices, staging.count("stage_program_choice"), 0)
        breaks = staging.merge_by_uuid("break_events")
        _count(result, "break_events", breaks, staging.count("stage_break_event"), 0)
        spans = staging.merge_activity_spans()
        _count(result, "activity_spans", spans, staging.count("stage_activity_span"), 0)
        self._import_removals(kept["removed"], result)
        self._import_settings(kept["settings"], result)

    def _import_removals(self, removals: list[dict[str, Any]], result: ImportResult) -> None:
        """The file's tombstones: an entry removed where the file was written is removed here too
        (kept for undo like any removal), and its UUID is kept so no later import brings it back."""
        from stretchtui.core.entries import EntryKind
        from stretchtui.core.errors import UserError

        known = self.corrections.removed_uuids()
        for record in removals:
            kind, uuid = EntryKind(record["kind"]), record["uuid"]
            if uuid in known:
                result.already_there["removed"] += 1
                continue
            model = m.ENTRY_MODELS[kind]
            if model.select().where(model.uuid == uuid).exists():
                try:
                    self.corrections.remove_entry(self.corrections.entry_by_uuid(kind, uuid))
                except UserError:  # a session running here right now: left alone
                    continue
            else:
                m.Removed.create(
                    kind=kind.value,
                    uuid=uuid,
                    day=record["removed_at"].date(),
                    summary="",
                    removed_at=record["removed_at"],
                    record=None,
                )
            result.added["removed"] += 1

    def _import_program_files(
        self, files: list[dict[str, Any]], exercise_ids: dict[str, str], result: ImportResult
    ) -> None:
        """The file's imported prescriptions, checked against this library with the file's own
        exercises in it, and naming them by their ids here (core.program_records.carried_programs;
        one naming a move this library lacks is kept as text, not offered, as the store keeps
        such a file). A version here already is left as it is when it is the same program; with
        other contents it is refused, as `program import` refuses it: the choices that name it
        would follow another prescription here."""
        from stretchtui.core.errors import FieldError
        from stretchtui.core.exchange.reading import ImportFileError
        from stretchtui.core.program_reading import parse_text
        from stretchtui.core.program_records import carried_programs
        from stretchtui.core.programs import load_ladders

        if not files:
            return
        exercises = self.library.exercise_index()
        try:
            carried = carried_programs(files, exercises, self.library.seed_dir, exercise_ids)
        except FieldError as error:
            raise ImportFileError(str(error)) from None
        here = {(row.program_id, row.version): row.text for row in m.ProgramFile.select()}
        ladders = load_ladders(exercises, self.library.seed_dir)
        for index, (record, (text, program)) in enumerate(zip(files, carried, strict=True)):
            key = (record["program_id"], record["version"])
            known = here.get(key)
            if known is None:
                m.ProgramFile.create(text=text, **{k: record[k] for k in ("program_id", "version", "at", "zone")})
                result.added["program_files"] += 1
                continue
            if known != text:
                try:
                    same = program is not None and parse_text(known, exercises, ladders) == program
                except FieldError:  # the one here names an exercise deleted since
                    same = False
                if not same:
                    raise ImportFileError(
                        f"program_files[{index}]: version {key[1]} of {key[0]!r} is here with other "
                        "contents; raise the version in one of them (stretchtui program export, then import)"
                    )
            result.already_there["program_files"] += 1

    def _import_exercises(self, exercises: list[OwnExercise], result: ImportResult) -> dict[str, str]:
        """Insert the new own exercises; returns file id -> store id for every own exercise of the file."""
        from stretchtui.store.rows import exercise_values

        def insert(index: int, new_id: str) -> None:
            own = exercises[index]
            m.Exercise.insert(
                id=new_id,
                uuid=own.exercise.uuid,
                origin="user",
                favourite=own.exercise.favourite,
                created_at=own.created_at,
                updated_at=own.updated_at,
                **exercise_values(own.exercise),
            ).execute()

        return self._place_own(
            m.Exercise, [(own.exercise.id, own.exercise.uuid) for own in exercises], insert, "exercises", result
        )

    def _import_routines(
        self, routines: list[OwnRoutine], exercise_ids: Mapping[str, str], result: ImportResult
    ) -> dict[str, str]:
        """Insert the new own routines, their items' exercises mapped; returns file id -> store id."""
        from stretchtui.store.rows import routine_values

        def insert(index: int, new_id: str) -> None:
            own = routines[index]
            routine = own.routine
            m.Routine.insert(
                id=new_id,
                uuid=routine.uuid,
                origin="user",
                created_at=own.created_at,
                updated_at=own.updated_at,
                **routine_values(routine),
            ).execute()
            self.library.write_items(
                new_id,
                [
                    replace(item, exercise_id=exercise_ids.get(item.exercise_id, item.exercise_id))
                    for item in routine.items
                ],
            )

        return self._place_own(
            m.Routine, [(own.routine.id, own.routine.uuid) for own in routines], insert, "routines", result
        )

    def _place_own(
        self,
        model: type[m.BaseModel],
        records: list[tuple[str, str]],
        insert: Callable[[int, str], None],
        kind: str,
        result: ImportResult,
    ) -> dict[str, str]:
        """The one mapping of a file's own exercise (or routine) ids to this store's, by UUID: one
        already here maps to the id it has here, whatever that is; a new one is inserted under its
        own id if that is free, or else under a free one (`my-bridge-2`). Returns file id -> store
        id for every record (every reference in the file goes through it), counts, notes renames."""
        from stretchtui.core.exchange.reading import ImportFileError
        from stretchtui.core.vocabulary import Origin

        here: dict[str, tuple[str, str]] = {}
        uuids = [uuid for _, uuid in records]
        for start in range(0, len(uuids), CHUNK):
            chunk = uuids[start : start + CHUNK]
            query = model.select(model.uuid, model.id, model.origin).where(model.uuid.in_(chunk))
            here.update((uuid, (ident, origin)) for uuid, ident, origin in query.tuples())
        ids: dict[str, str] = {}
        for index, (file_id, uuid) in enumerate(records):
            if uuid in here:
                ident, origin = here[uuid]
                if origin != Origin.USER:  # a built-in one's UUID: taking it would point the file's references at it
                    noun = m.record_name(model)
                    raise ImportFileError(f"{kind}: {uuid} is the built-in {noun} {ident!r} here, not an own {noun}")
                ids[file_id] = ident
                result.already_there[kind] += 1
                continue
            ids[file_id] = new_id = self.library.free_id(model, file_id)  # sees the ones inserted just before
            insert(index, new_id)
            if new_id != file_id:
                result.renamed.append((file_id, new_id))
            result.added[kind] += 1
        return ids

    def _import_favourites(self, favourites: list[str], result: ImportResult) -> None:
        if favourites:
            result.added["favourites"] += (
                m.Exercise.update(favourite=True)
                .where(m.Exercise.id.in_(favourites) & (m.Exercise.origin == "seed") & (m.Exercise.favourite == False))  # noqa: E712
                .execute()
            )

    def _import_settings(self, settings: dict[str, Any], result: ImportResult) -> None:
        present = {row[0] for row in m.Setting.select(m.Setting.key).tuples()}
        now = self.clock.now()
        for key, value in settings.items():
            if key in present:
                result.already_there["settings"] += 1
                continue
            m.Setting.insert(key=key, value=value, updated_at=now).execute()
            result.added["settings"] += 1


def _count(result: ImportResult, kind: str, added: int, staged: int, removed: int) -> None:
    result.added[kind] += added
    result.already_there[kind] += staged - added - removed
    result.removed_here[kind] += removed
