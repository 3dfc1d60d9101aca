"""Other machines' records that come whole (docs/sync.md, "Merge rules"): new here, or a newer
version replacing the one here, in as an import puts them (store/importing.py: the same checks,
the same id mapping); an own exercise or routine changed in place, checked the same way.

Apart from store.sync_apply, which decides which version wins, because this is how a winner is
written: the version here taken out first (a session's steps recorded here and the check-ins
pointing at it kept, to be put back), all in one import, or one at a time when that is refused, so
that one change this version cannot take does not hold up the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.sync_log import SYNCED_KINDS, Change
from stretchtui.store import models as m
from stretchtui.store.sync_kinds import BY_UUID, REMOVABLE, REMOVABLE_KIND, tombstone
from stretchtui.store.sync_records import EXERCISE_UUIDS
from stretchtui.store.sync_rivals import displace

if TYPE_CHECKING:
    from stretchtui.core.sync_clock import Stamp
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository
    from stretchtui.store.sync_apply import Applied


@dataclass(eq=False)
class RecordWriter:
    """The winners of one apply that come whole, written inside the caller's transaction."""

    db: SqliteDatabase
    library: LibraryRepository
    exchange: ExchangeRepository
    now: datetime
    known: Mapping[tuple[str, str], Stamp]  # the newest stamp here of each record changed
    state_here: Callable[[tuple[str, str]], tuple[Stamp, Stamp | None] | None]  # any record's (stamp, base)
    here: set[tuple[str, str]] = field(default_factory=set)  # of the winners: those with a row here
    _kept_steps: dict[str, list[dict[str, Any]]] = field(
        init=False, default_factory=dict
    )  # session uuid -> its rows here
    _links: dict[str, list[str]] = field(init=False, default_factory=dict)  # session uuid -> check-ins pointing at it

    def update_exercise(self, change: Change, applied: Applied) -> bool:
        from stretchtui.store.rows import exercise_values

        row = m.Exercise.get_or_none(m.Exercise.uuid == change.key)
        if row is None:
            return False
        own = self._checked("exercises", {**change.record, "id": row.id}, applied, change)
        if own is not None:
            m.Exercise.update(
                favourite=own.exercise.favourite,
                updated_at=own.updated_at,
                **exercise_values(own.exercise),
            ).where(m.Exercise.uuid == change.key).execute()
            applied.take(change)
        return True

    def update_routine(self, change: Change, applied: Applied) -> bool:
        from stretchtui.store.rows import routine_values

        row = m.Routine.get_or_none(m.Routine.uuid == change.key)
        if row is None:
            return False
        own = self._checked("routines", {**mapped_items(change.record), "id": row.id}, applied, change)
        if own is not None:
            m.Routine.update(updated_at=own.updated_at, **routine_values(own.routine)).where(
                m.Routine.uuid == change.key
            ).execute()
            self.library.write_items(row.id, own.routine.items)
            applied.take(change)
        return True

    def _checked(self, kind: str, record: dict[str, Any], applied: Applied, change: Change) -> Any:
        """`record` checked as an import checks it; None (and a problem noted) if it fails."""
        from stretchtui.core.exchange.bundle import FORMAT_NAME, FORMAT_VERSION
        from stretchtui.core.exchange.reading import ImportFileError, parse_export

        record = {k: v for k, v in record.items() if k != EXERCISE_UUIDS}
        known = {ident for (ident,) in m.Exercise.select(m.Exercise.id).tuples()}
        try:
            bundle = parse_export(
                {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, kind: [record]},
                now=self.now,
                known_exercise_ids=known,
            )
        except ImportFileError as error:
            applied.refuse(change, str(error))
            return None
        return getattr(bundle, kind)[0]

    # ------------------------------------------------------------------ new here: as an import

    def put(self, batch: dict[str, list[tuple[Change, Any]]], applied: Applied) -> None:
        """The records new here (or taken out to be replaced), in one import; if that is refused,
        one at a time, so one change this version cannot take does not hold up the rest."""

        if not batch:
            return
        entries = [(kind, change, record) for kind in SYNCED_KINDS for change, record in batch.get(kind, ())]
        if not self._attempt(entries, applied):
            for entry in entries:
                self._attempt([entry], applied, say=True)

    def _attempt(self, entries: list[tuple[str, Change, Any]], applied: Applied, *, say: bool = False) -> bool:
        """Take out the versions here that `entries` replace and import them, in one savepoint:
        refused, it is all rolled back (the versions here stay as they were) and False."""
        from stretchtui.core.exchange.reading import ImportFileError

        stamps, taken, refused = dict(applied.stamps), len(applied.taken), len(applied.refused)
        self._kept_steps, self._links = {}, {}
        try:
            with self.db.atomic():
                placed = [entry for entry in entries if self._make_room(entry[1], applied)]
                self._import_some(placed, applied)
                self._put_back_steps_and_links()
        except ImportFileError as error:
            applied.stamps, applied.taken[taken:], applied.refused[refused:] = stamps, [], []
            if say:
                applied.refuse(entries[0][1], str(error))
            return False
        return True

    def _import_some(self, entries: list[tuple[str, Change, Any]], applied: Applied) -> None:
        from stretchtui.core.exchange.bundle import FORMAT_NAME, FORMAT_VERSION

        if not entries:
            return
        data: dict[str, Any] = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION}
        sessions_coming = {record.get("uuid") for kind, _, record in entries if kind == "sessions"}
        for kind, _, record in entries:
            if kind == "routines":
                record = {k: v for k, v in mapped_items(record).items() if k != EXERCISE_UUIDS}
            elif kind == "checkins" and names_a_session_gone_here(record, sessions_coming):
                record = {**record, "session_uuid": None}  # as a removal of the session leaves it here
            data.setdefault(kind, []).append(record)
        self.exchange.import_data(data)
        for kind, change, record in entries:
            also = []
            if kind == "removed":  # removed here now: kept with the time it was removed there
                also.append((REMOVABLE_KIND.get(str(record.get("kind")), "removed"), change.key))
                m.Removed.update(removed_at=datetime.fromisoformat(str(record["removed_at"]))).where(
                    tombstone(change.key, str(record.get("kind")))
                ).execute()
            applied.take(change, *also)

    def _put_back_steps_and_links(self) -> None:
        """The steps recorded here that a newer version of their session lacks, and the check-ins
        here that pointed at the session before it was replaced. A step that cannot go back (the
        version holds another step at its place, or the change brought another record under its
        UUID) refuses the change (ImportFileError): the version here stays as it was."""
        from stretchtui.core.exchange.reading import ImportFileError

        for uuid, steps in self._kept_steps.items():
            session = m.Session.get_or_none(m.Session.uuid == uuid)
            if session is None:
                continue
            have = dict(
                m.SessionStep.select(m.SessionStep.uuid, m.SessionStep.step_index)
                .where(m.SessionStep.session == session.id)
                .tuples()
            )
            places = {index: step_uuid for step_uuid, index in have.items()}
            for step in steps:
                if step["uuid"] in have:
                    continue
                if step["step_index"] in places:
                    raise ImportFileError(
                        f"sessions: {uuid}: step {step['step_index']} here is {step['uuid']}, "
                        f"not {places[step['step_index']]}"
                    )
                held = m.held_uuid([step["uuid"]])
                if held is not None:
                    raise ImportFileError(
                        f"sessions: {uuid}: its step {step['uuid']} here is {m.record_noun(held[1])} in the change"
                    )
                values = {k: v for k, v in step.items() if k not in ("id", "session", "session_id")}
                m.SessionStep.insert({**values, "session": session.id}).execute()
        for uuid, checkins in self._links.items():
            session = m.Session.get_or_none(m.Session.uuid == uuid)
            if session is not None and checkins:
                m.Checkin.update(session=session.id).where(
                    m.Checkin.uuid.in_(checkins) & m.Checkin.session.is_null()
                ).execute()

    def _make_room(self, change: Change, applied: Applied) -> bool:
        """Take out the version here that `change` replaces (and a rest day or rating it displaces);
        False to leave the change out (a session running here)."""
        kind, key = change.kind, change.key
        if (kind, key) not in self.here and kind != "activity_spans":
            return (
                displace(change, applied, self.known, self.state_here)
                if kind in ("day_marks", "function_ratings")
                else True
            )
        if kind == "sessions":
            row = m.Session.get_or_none(m.Session.uuid == key)
            gone = m.Removed.select(m.Removed.record).where(tombstone(key, REMOVABLE[kind])).first()
            if row is None and gone is not None and gone.record:  # removed here: its steps, kept for undo
                self._kept_steps[key] = list(gone.record.get("steps", ()))
            if row is not None:
                if row.status == "in_progress":
                    return False
                self._kept_steps[key] = [
                    s for s in m.SessionStep.select().where(m.SessionStep.session == row.id).dicts()
                ]
                self._links[key] = [
                    c for (c,) in m.Checkin.select(m.Checkin.uuid).where(m.Checkin.session == row.id).tuples()
                ]
                row.delete_instance()
            if ("removed", key) in self.known:  # a newer version than its removal: an undo elsewhere
                _drop_removal(change, applied)
        elif kind in BY_UUID:
            if not displace(
                change, applied, self.known, self.state_here
            ):  # first: nothing is taken out for a change left out
                return False
            model = BY_UUID[kind]
            model.delete().where(model.uuid == key).execute()
            if kind in REMOVABLE:
                _drop_removal(change, applied)
        elif kind == "activity_spans":
            m.ActivitySpan.delete().where(m.ActivitySpan.started_at == key).execute()
        return True

    def _displace(self, change: Change, applied: Applied) -> bool:
        return displace(change, applied, self.known, self.state_here)


def _drop_removal(change: Change, applied: Applied) -> None:
    """The removal here of the entry a newer version brings back: gone, and noted as gone at that
    version's stamp, so it is not left to send as a change made here (every machine drops it by
    the same rule when the version reaches it)."""
    if m.Removed.delete().where(tombstone(change.key, REMOVABLE[change.kind])).execute():
        applied.touch(("removed", change.key), change.stamp)


def names_a_session_gone_here(record: Mapping[str, Any], coming: set[Any]) -> bool:
    """A check-in pointing at a session removed here (removed on this machine while the other
    edited the check-in): it comes in without the link, as the removal left the check-ins here."""
    session = record.get("session_uuid")
    if not isinstance(session, str) or session in coming:
        return False
    return not m.Session.select().where(m.Session.uuid == session).exists() and (
        m.Removed.select().where(tombstone(session, REMOVABLE["sessions"])).exists()
    )


def mapped_items(record: Mapping[str, Any]) -> dict[str, Any]:
    """A routine's record with its items naming own exercises by their ids here (by UUID)."""
    uuids = record.get(EXERCISE_UUIDS)
    if not isinstance(uuids, dict) or not isinstance(record.get("items"), list):
        return dict(record)
    here = dict(
        m.Exercise.select(m.Exercise.uuid, m.Exercise.id)
        .where(m.Exercise.uuid.in_([u for u in uuids.values() if isinstance(u, str)]))
        .tuples()
    )
    items = []
    for item in record["items"]:
        if isinstance(item, dict):
            ident = item.get("exercise", item.get("exercise_id"))
            local = here.get(uuids.get(ident)) if isinstance(ident, str) else None
            if local is not None:
                item = {**item, ("exercise" if "exercise" in item else "exercise_id"): local}
        items.append(item)
    return {**record, "items": items}
