"""Export and import: the whole store as a Bundle, and a Bundle merged into the store by UUID.

The file rules live in core/exchange.py; this module only reads rows into a Bundle and writes a
validated Bundle in one IMMEDIATE transaction (bulk inserts), so an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from stretchtui.store import models as m

if TYPE_CHECKING:
    from stretchtui.core.exchange import Bundle, ImportResult, OwnExercise, OwnRoutine
    from stretchtui.store.store import Store
# core.exchange (the file rules) is imported where it is used: every command imports the store,
# few export or import, and `stretchtui status` must start fast.

BATCH = 500  # rows per INSERT: well under SQLite's limit on bound variables

SESSION_COLUMNS = ("uuid", "routine_name", "source", "status", "started_at", "zone", "day", "ended_at",
                   "planned_seconds", "active_seconds", "pain_before", "pain_after")
STEP_COLUMNS = ("uuid", "step_index", "exercise_id", "exercise_name", "set_number", "side", "planned_hold_seconds",
                "actual_hold_seconds", "planned_reps", "reps_done", "outcome", "hurt_pain", "at", "zone", "day")
CHECKIN_COLUMNS = ("uuid", "at", "zone", "day", "source", "sitting_hours", "no_comfortable_position", "note")
MARK_COLUMNS = ("uuid", "day", "kind", "at", "zone")


class _DryRun(Exception):
    """Raised inside the import transaction to roll it back after counting."""


class ExchangeQueries:
    """Mixed into Store: export and import."""

    # ------------------------------------------------------------------ export

    def export_bundle(self: "Store") -> Bundle:
        """Everything the user made or did, read in one snapshot (a deferred read transaction,
        so writers are not held up)."""
        from stretchtui.core.exchange import EXPORTED_SETTINGS, Bundle, OwnExercise, OwnRoutine
        from stretchtui.store.store import _exercise_from_row, _routine_from_row

        with self.db.atomic(lock_type="DEFERRED"):
            bundle = Bundle()
            bundle.settings = {row.key: row.value for row in m.Setting.select() if row.key in EXPORTED_SETTINGS}
            bundle.favourites = [row.id for row in m.Exercise.select(m.Exercise.id)
                                 .where((m.Exercise.origin == "seed") & (m.Exercise.favourite == True))]  # noqa: E712
            bundle.exercises = [OwnExercise(_exercise_from_row(row), row.created_at, row.updated_at)
                                for row in m.Exercise.select().where(m.Exercise.origin == "user").order_by(m.Exercise.id)]
            own_routines = list(m.Routine.select().where(m.Routine.origin == "user").order_by(m.Routine.id))
            items = self._items_by_routine([row.id for row in own_routines])
            bundle.routines = [OwnRoutine(_routine_from_row(row, items.get(row.id, ())), row.created_at, row.updated_at)
                               for row in own_routines]
            bundle.sessions = list(self._export_sessions())
            bundle.checkins = list(self._export_checkins())
            bundle.day_marks = [{k: row[k] for k in MARK_COLUMNS}
                                for row in m.DayMark.select().order_by(m.DayMark.day, m.DayMark.id).dicts()]
        return bundle

    def _export_sessions(self: "Store") -> Iterator[dict[str, Any]]:
        steps: dict[int, list[dict[str, Any]]] = {}
        for row in m.SessionStep.select().order_by(m.SessionStep.session, m.SessionStep.step_index).dicts():
            steps.setdefault(row["session"], []).append({k: row[k] for k in STEP_COLUMNS})
        for row in m.Session.select().order_by(m.Session.started_at, m.Session.id).dicts():
            record = {k: row[k] for k in SESSION_COLUMNS}
            record["routine_id"] = row["routine"]
            record["steps"] = steps.get(row["id"], [])
            yield record

    def _export_checkins(self: "Store") -> Iterator[dict[str, Any]]:
        pains: dict[int, list[dict[str, Any]]] = {}
        for row in m.CheckinPain.select().order_by(m.CheckinPain.id).dicts():
            pains.setdefault(row["checkin"], []).append({"region": row["region"], "side": row["side"],
                                                         "pain": row["pain"]})
        session_uuids = dict(m.Session.select(m.Session.id, m.Session.uuid).tuples())
        for row in m.Checkin.select().order_by(m.Checkin.at, m.Checkin.id).dicts():
            record = {k: row[k] for k in CHECKIN_COLUMNS}
            record["no_comfortable_position"] = bool(record["no_comfortable_position"])
            record["session_uuid"] = session_uuids.get(row["session"])
            record["pains"] = pains.get(row["id"], [])
            yield record

    # ------------------------------------------------------------------ import

    def parse_import(self: "Store", data: Any) -> Bundle:
        """Validate parsed file data against this store (the exercises a routine may use, the
        sessions a check-in may point at). Raises ImportFileError; writes nothing."""
        from stretchtui.core.exchange import parse_export

        known_exercises = {row[0] for row in m.Exercise.select(m.Exercise.id).tuples()}
        known_sessions = {row[0] for row in m.Session.select(m.Session.uuid).tuples()}
        return parse_export(data, now=self.clock.now(), known_exercise_ids=known_exercises,
                            known_session_uuids=known_sessions)

    def import_data(self: "Store", data: Any, *, dry_run: bool = False) -> ImportResult:
        """Validate everything, then merge it in one transaction; with `dry_run`, count and roll back."""
        return self.import_bundle(self.parse_import(data), dry_run=dry_run)

    def import_bundle(self: "Store", bundle: Bundle, *, dry_run: bool = False) -> ImportResult:
        from stretchtui.core.exchange import ImportResult

        result = ImportResult(dry_run=dry_run)
        try:
            with self.db.atomic():
                exercise_ids = self._import_exercises(bundle.exercises, result)
                self._import_favourites(bundle.favourites, result)
                routine_ids = self._import_routines(bundle.routines, exercise_ids, result)
                session_ids = self._import_sessions(bundle.sessions, routine_ids, exercise_ids, result)
                self._import_checkins(bundle.checkins, session_ids, result)
                self._import_day_marks(bundle.day_marks, result)
                self._import_settings(bundle.settings, result)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return result

    def _existing_uuids(self: "Store", model: type[m.BaseModel], uuids: Iterable[str]) -> set[str]:
        wanted = list(uuids)
        found: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            found.update(row[0] for row in model.select(model.uuid).where(model.uuid.in_(chunk)).tuples())
        return found

    def _import_exercises(self: "Store", exercises: list[OwnExercise], result: ImportResult) -> dict[str, str]:
        """Insert new own exercises; returns file id -> store id for those whose id had to change."""
        from stretchtui.store.store import _exercise_values

        existing = self._existing_uuids(m.Exercise, (own.exercise.uuid for own in exercises))
        renamed: dict[str, str] = {}
        for own in exercises:
            ex = own.exercise
            new_id = self._place_own(m.Exercise, ex.id, ex.uuid in existing, "exercises", result, renamed)
            if new_id is not None:
                m.Exercise.insert(id=new_id, uuid=ex.uuid, origin="user", favourite=ex.favourite,
                                  created_at=own.created_at, updated_at=own.updated_at,
                                  **_exercise_values(ex)).execute()
        return renamed

    def _place_own(self: "Store", model: type[m.BaseModel], record_id: str, already_here: bool, kind: str,
                   result: ImportResult, renamed: dict[str, str]) -> str | None:
        """The id an own exercise or routine gets here (a free one if its id is taken), or None when
        the same record (by uuid) is already here. Counts it either way."""
        if already_here:
            result.already_there[kind] += 1
            return None
        new_id = self._free_id(model, record_id)
        if new_id != record_id:
            renamed[record_id] = new_id
            result.renamed.append((record_id, new_id))
        result.added[kind] += 1
        return new_id

    def _import_favourites(self: "Store", favourites: list[str], result: ImportResult) -> None:
        if favourites:
            result.added["favourites"] += (
                m.Exercise.update(favourite=True)
                .where(m.Exercise.id.in_(favourites) & (m.Exercise.origin == "seed")
                       & (m.Exercise.favourite == False))  # noqa: E712
                .execute())

    def _import_routines(self: "Store", routines: list[OwnRoutine], exercise_ids: dict[str, str],
                         result: ImportResult) -> dict[str, str]:
        existing = self._existing_uuids(m.Routine, (own.routine.uuid for own in routines))
        renamed: dict[str, str] = {}
        for own in routines:
            routine = own.routine
            new_id = self._place_own(m.Routine, routine.id, routine.uuid in existing, "routines", result, renamed)
            if new_id is None:
                continue
            m.Routine.insert(id=new_id, uuid=routine.uuid, origin="user", name=routine.name,
                             description=routine.description, rest_between_seconds=routine.rest_between_seconds,
                             sources=list(routine.sources), created_at=own.created_at,
                             updated_at=own.updated_at).execute()
            items = [replace(item, exercise_id=exercise_ids.get(item.exercise_id, item.exercise_id))
                     for item in routine.items]
            self._write_items(new_id, items)
        return renamed

    def _import_sessions(self: "Store", sessions: list[dict[str, Any]], routine_ids: dict[str, str],
                         exercise_ids: dict[str, str], result: ImportResult) -> dict[str, int]:
        """Insert new sessions and their steps; returns uuid -> row id for every session in the file."""
        existing = dict(self._session_ids(s["uuid"] for s in sessions))
        known_routines = {row[0] for row in m.Routine.select(m.Routine.id).tuples()}
        ids = dict(existing)
        steps: list[dict[str, Any]] = []
        for record in sessions:
            if record["uuid"] in existing:
                result.already_there["sessions"] += 1
                continue
            routine_id = routine_ids.get(record["routine_id"], record["routine_id"])
            values = {k: record[k] for k in SESSION_COLUMNS}
            if values["status"] == "in_progress":  # resumable only where it ran
                values["status"] = "partial"
            row_id = m.Session.insert(routine=routine_id if routine_id in known_routines else None,
                                      **values).execute()
            ids[record["uuid"]] = row_id
            result.added["sessions"] += 1
            for step in record["steps"]:
                steps.append({**{k: step[k] for k in STEP_COLUMNS}, "session": row_id,
                              "exercise_id": exercise_ids.get(step["exercise_id"], step["exercise_id"])})
        existing_steps = self._existing_uuids(m.SessionStep, (s["uuid"] for s in steps))
        if existing_steps:  # a step uuid already used by another session here: keep what is there
            result.already_there["steps"] += len(existing_steps)
            steps = [s for s in steps if s["uuid"] not in existing_steps]
        for start in range(0, len(steps), BATCH):
            m.SessionStep.insert_many(steps[start:start + BATCH]).execute()
        result.added["steps"] += len(steps)
        return ids

    def _session_ids(self: "Store", uuids: Iterable[str]) -> Iterator[tuple[str, int]]:
        wanted = list(uuids)
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            yield from m.Session.select(m.Session.uuid, m.Session.id).where(m.Session.uuid.in_(chunk)).tuples()

    def _import_checkins(self: "Store", checkins: list[dict[str, Any]], session_ids: dict[str, int],
                         result: ImportResult) -> None:
        existing = self._existing_uuids(m.Checkin, (c["uuid"] for c in checkins))
        linked = {c["session_uuid"] for c in checkins if c["session_uuid"] and c["session_uuid"] not in session_ids}
        session_ids = {**session_ids, **dict(self._session_ids(linked))}
        pains: list[dict[str, Any]] = []
        for record in checkins:
            if record["uuid"] in existing:
                result.already_there["checkins"] += 1
                continue
            row_id = m.Checkin.insert(session=session_ids.get(record["session_uuid"]),
                                      **{k: record[k] for k in CHECKIN_COLUMNS}).execute()
            pains += [{**pain, "checkin": row_id} for pain in record["pains"]]
            result.added["checkins"] += 1
        for start in range(0, len(pains), BATCH):
            m.CheckinPain.insert_many(pains[start:start + BATCH]).execute()

    def _import_day_marks(self: "Store", marks: list[dict[str, Any]], result: ImportResult) -> None:
        taken = {(row[0], row[1]) for row in m.DayMark.select(m.DayMark.uuid, m.DayMark.day).tuples()}
        uuids = {u for u, _ in taken}
        days = {d for _, d in taken}
        new = [mark for mark in marks if mark["uuid"] not in uuids and mark["day"] not in days]
        result.already_there["day_marks"] += len(marks) - len(new)
        for start in range(0, len(new), BATCH):
            m.DayMark.insert_many([{k: mark[k] for k in MARK_COLUMNS} for mark in new[start:start + BATCH]]).execute()
        result.added["day_marks"] += len(new)

    def _import_settings(self: "Store", settings: dict[str, Any], result: ImportResult) -> None:
        present = {row[0] for row in m.Setting.select(m.Setting.key).tuples()}
        now = self.clock.now()
        for key, value in settings.items():
            if key in present:
                result.already_there["settings"] += 1
                continue
            m.Setting.insert(key=key, value=value, updated_at=now).execute()
            result.added["settings"] += 1
