"""Correcting the record: list entries, edit a check-in, mark a day rest or flare, remove an entry
and undo the removal (core/entries.py says what they are).

A removal moves the entry's rows into `removed` as JSON, in one short transaction, so every other
query (streaks, charts, suggestions, the report) follows at once without knowing about removals.
Undo puts the same rows back, with the same UUIDs. After KEEP_REMOVED_DAYS only the UUID is kept:
a tombstone that import and sync respect.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import SqliteDatabase

from stretchtui.core.checkins import Checkin, CheckinAnswers, PainEntry
from stretchtui.core.clock import Clock
from stretchtui.core.entries import (  # noqa: F401  (MarkRefused: raised here, imported from here too)
    KEEP_REMOVED_DAYS,
    MARK_NOUNS,
    Entry,
    EntryKind,
    MarkKind,
    MarkRefused,
    Removal,
    checkin_summary,
    id_prefix,
    short_id,
    uuid_like,
)
from stretchtui.core.errors import UserError, shown
from stretchtui.core.model import format_duration
from stretchtui.core.sessions import KEPT_STATUSES, SessionStatus
from stretchtui.store import models as m
from stretchtui.store.checkins import CheckinRepository, add_pains
from stretchtui.store.history import HistoryRepository
from stretchtui.store.owner import running_elsewhere
from stretchtui.store.rows import as_date
from stretchtui.store.settings import EventStamp, SettingsRepository


class UuidTaken(UserError):
    """A removed entry cannot come back: its UUID, or a step's, is another record's now."""


def session_summary(row: m.Session) -> str:
    minutes = format_duration(int(round(row.active_seconds or 0)))
    return f"{row.routine_name} · {row.status.replace('_', ' ')} · {minutes}"


@dataclass(eq=False)
class CorrectionRepository:
    """The record as entries, and the ways to correct it."""

    db: SqliteDatabase
    clock: Clock
    stamp: EventStamp
    settings: SettingsRepository
    history: HistoryRepository
    checkins: CheckinRepository

    # ------------------------------------------------------------------ reading

    def entries(self, *, since: date | None = None) -> list[Entry]:
        """Sessions (not discarded ones), check-ins and day marks, newest first."""
        found: list[Entry] = []
        sessions = m.Session.select().where(m.Session.status.in_(KEPT_STATUSES))
        checkins = m.Checkin.select()
        marks = m.DayMark.select()
        if since is not None:
            sessions = sessions.where(m.Session.day >= since)
            checkins = checkins.where(m.Checkin.day >= since)
            marks = marks.where(m.DayMark.day >= since)
        with self.db.atomic(lock_type="DEFERRED"):
            found += [
                Entry(EntryKind.SESSION, row.uuid, as_date(row.day), row.started_at, session_summary(row))
                for row in sessions
            ]
            checkin_rows = list(checkins)
            pains = self._pains_of([row.id for row in checkin_rows])
            found += [
                Entry(
                    EntryKind.CHECKIN,
                    row.uuid,
                    as_date(row.day),
                    row.at,
                    checkin_summary(
                        pains.get(row.id, []), row.sitting_hours, row.note, bool(row.no_comfortable_position)
                    ),
                )
                for row in checkin_rows
            ]
            found += [
                Entry(EntryKind.DAY_MARK, row.uuid, as_date(row.day), row.at, MARK_NOUNS[MarkKind(row.kind)])
                for row in marks
            ]
        return sorted(found, key=lambda e: (e.day, e.at, e.uuid), reverse=True)

    def _pains_of(self, checkin_ids: list[int]) -> dict[int, list[PainEntry]]:
        from stretchtui.core.checkins import Region

        pains: dict[int, list[PainEntry]] = {}
        for start in range(0, len(checkin_ids), 500):
            for row in m.CheckinPain.select().where(m.CheckinPain.checkin.in_(checkin_ids[start : start + 500])):
                pains.setdefault(row.checkin_id, []).append(PainEntry(Region(row.region), row.pain, row.side))
        return pains

    def find_entry(self, text: str) -> Entry:
        """The one entry whose id starts with `text` (hex digits of its UUID): a one-line error
        when none does, or more than one."""
        prefix = id_prefix(text)
        pattern = uuid_like(prefix)
        matches: list[tuple[EntryKind, str]] = []
        with self.db.atomic(lock_type="DEFERRED"):
            for kind, model in m.ENTRY_MODELS.items():
                query = model.select(model.uuid).where(model.uuid**pattern)
                if kind is EntryKind.SESSION:
                    query = query.where(m.Session.status.in_(KEPT_STATUSES))
                matches += [(kind, uuid) for (uuid,) in query.limit(3).tuples()]
            if not matches:
                gone = m.Removed.select(m.Removed.kind, m.Removed.record).where(m.Removed.uuid**pattern).first()
                if gone is not None and gone.record is not None:
                    raise UserError(
                        f"{text.strip()}: that entry was removed already (`stretchtui undo` brings back "
                        "the last removal)"
                    )
                if gone is not None:
                    raise UserError(
                        f"{text.strip()}: that entry was removed already, elsewhere or more than "
                        f"{KEEP_REMOVED_DAYS} days ago; it cannot be brought back"
                    )
                raise UserError(f"no entry with id {shown(text.strip())}: `stretchtui entries` lists them")
            if len(matches) > 1:
                ids = ", ".join(sorted(short_id(uuid) for _, uuid in matches))
                raise UserError(f"{text.strip()} names more than one entry ({ids}): give more of the id")
            kind, uuid = matches[0]
            return self.entry_by_uuid(kind, uuid)

    def entry_by_uuid(self, kind: EntryKind, uuid: str) -> Entry:
        """The entry of `kind` with that exact UUID (it must be there)."""
        row = m.ENTRY_MODELS[kind].get(m.ENTRY_MODELS[kind].uuid == uuid)
        if kind is EntryKind.SESSION:
            return Entry(kind, uuid, as_date(row.day), row.started_at, session_summary(row))
        if kind is EntryKind.CHECKIN:
            return Entry(
                kind,
                uuid,
                as_date(row.day),
                row.at,
                checkin_summary(
                    self._pains_of([row.id]).get(row.id, []),
                    row.sitting_hours,
                    row.note,
                    bool(row.no_comfortable_position),
                ),
            )
        return Entry(kind, uuid, as_date(row.day), row.at, MARK_NOUNS[MarkKind(row.kind)])

    def removed_uuids(self) -> set[str]:
        """Every UUID ever removed here (tombstones): import leaves these out."""
        return {uuid for (uuid,) in m.Removed.select(m.Removed.uuid).tuples()}

    # ------------------------------------------------------------------ removing and undo

    def remove_entry(self, entry: Entry) -> Removal:
        """Remove one entry in one transaction, keeping its rows for undo. A session another app is
        running right now is refused (that app would go on writing its steps)."""
        now = self.clock.now()
        with self.db.atomic():
            model = m.ENTRY_MODELS[entry.kind]
            row = model.get_or_none(model.uuid == entry.uuid)
            if row is None:
                raise UserError(f"{entry.short_id}: that entry is not here any more")
            if (
                entry.kind is EntryKind.SESSION
                and row.status == SessionStatus.IN_PROGRESS.value
                and running_elsewhere((row.resume_state or {}).get("owner"))
            ):
                raise UserError(
                    f"{entry.short_id}: that session is running in another stretchtui right now; end it there first"
                )
            record = self._record_of(entry.kind, row)
            model.delete().where(model.id == row.id).execute()
            m.Removed.delete().where((m.Removed.kind == entry.kind.value) & (m.Removed.uuid == entry.uuid)).execute()
            m.Removed.create(
                kind=entry.kind.value,
                uuid=entry.uuid,
                day=entry.day,
                summary=entry.summary,
                removed_at=now,
                record=record,
            )
            self._forget_old_removals(now)
        return Removal(entry, now)

    def _record_of(self, kind: EntryKind, row: m.BaseModel) -> dict[str, Any]:
        """The rows undo needs, as the column values SQLite holds (so they go back exactly)."""
        record: dict[str, Any] = {"row": self._raw_rows(m.ENTRY_MODELS[kind], "id = ?", row.id)[0]}
        if kind is EntryKind.SESSION:
            record["steps"] = self._raw_rows(m.SessionStep, "session_id = ?", row.id)
            record["checkins"] = [
                uuid for (uuid,) in m.Checkin.select(m.Checkin.uuid).where(m.Checkin.session == row.id).tuples()
            ]
        elif kind is EntryKind.CHECKIN:
            record["pains"] = self._raw_rows(m.CheckinPain, "checkin_id = ?", row.id)
        return record

    def _raw_rows(self, model: type[m.BaseModel], where: str, *params: Any) -> list[dict[str, Any]]:
        cursor = self.db.execute_sql(f"SELECT * FROM {model._meta.table_name} WHERE {where}", params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values, strict=False)) for values in cursor.fetchall()]

    def _insert_raw(self, model: type[m.BaseModel], values: dict[str, Any]) -> int:
        names = list(values)
        cursor = self.db.execute_sql(
            f"INSERT INTO {model._meta.table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[name] for name in names],
        )
        return cursor.lastrowid

    def _forget_old_removals(self, now: datetime) -> None:
        """Past KEEP_REMOVED_DAYS a removal keeps only its UUID (the tombstone)."""
        cutoff = now - timedelta(days=KEEP_REMOVED_DAYS)
        m.Removed.update(record=None).where((m.Removed.removed_at < cutoff) & m.Removed.record.is_null(False)).execute()

    def last_removal(self) -> Removal | None:
        """The latest removal undo can still bring back."""
        cutoff = self.clock.now() - timedelta(days=KEEP_REMOVED_DAYS)
        row = (
            m.Removed.select()
            .where(m.Removed.record.is_null(False) & (m.Removed.removed_at >= cutoff))
            .order_by(m.Removed.removed_at.desc(), m.Removed.id.desc())
            .first()
        )
        if row is None:
            return None
        at = datetime.fromisoformat(row.record["row"].get("started_at") or row.record["row"]["at"])
        return Removal(Entry(EntryKind(row.kind), row.uuid, as_date(row.day), at, row.summary), row.removed_at)

    def undo_removal(self, uuid: str | None = None) -> Entry | None:
        """Bring back the latest removal (or the one of `uuid`), exactly as it was; None when there
        is nothing to bring back. A day mark whose day has been marked since is refused."""
        cutoff = self.clock.now() - timedelta(days=KEEP_REMOVED_DAYS)
        with self.db.atomic():
            query = m.Removed.select().where(m.Removed.record.is_null(False) & (m.Removed.removed_at >= cutoff))
            if uuid is not None:
                query = query.where(m.Removed.uuid == uuid)
            row = query.order_by(m.Removed.removed_at.desc(), m.Removed.id.desc()).first()
            if row is None:
                return None
            kind = EntryKind(row.kind)
            self._put_back(kind, row.record)
            row.delete_instance()
            return self.entry_by_uuid(kind, row.uuid)

    def _put_back(self, kind: EntryKind, record: dict[str, Any]) -> None:
        model = m.ENTRY_MODELS[kind]
        values = dict(record["row"])
        self._refuse_taken_uuids(kind, [values["uuid"], *(step["uuid"] for step in record.get("steps", ()))])
        if model.get_or_none(model.id == values["id"]) is not None:
            values.pop("id")  # the row id was taken meanwhile; links go by UUID
        if kind is EntryKind.DAY_MARK and m.DayMark.get_or_none(m.DayMark.day == values["day"]) is not None:
            raise UserError(f"{values['day']} has been marked since; remove that mark first")
        if (
            kind is EntryKind.SESSION
            and values.get("routine_id") is not None
            and m.Routine.get_or_none(m.Routine.id == values["routine_id"]) is None
        ):
            values["routine_id"] = None  # the routine was deleted meanwhile; the session keeps its name
        if (
            kind is EntryKind.CHECKIN
            and values.get("session_id") is not None
            and m.Session.get_or_none(m.Session.id == values["session_id"]) is None
        ):
            values["session_id"] = None
        row_id = self._insert_raw(model, values)
        children = {
            EntryKind.SESSION: (m.SessionStep, "steps", "session_id"),
            EntryKind.CHECKIN: (m.CheckinPain, "pains", "checkin_id"),
        }.get(kind)
        if children is not None:
            child_model, key, link = children
            for child in record[key]:
                self._insert_raw(child_model, {**{k: v for k, v in child.items() if k != "id"}, link: row_id})
        if kind is EntryKind.SESSION and record["checkins"]:  # those linked to no other session since
            m.Checkin.update(session=row_id).where(
                m.Checkin.uuid.in_(record["checkins"]) & m.Checkin.session.is_null()
            ).execute()

    def _refuse_taken_uuids(self, kind: EntryKind, uuids: list[str]) -> None:
        """One UUID names one record: a removed entry whose UUID (or one of its steps') a record
        that came in since holds (an import or sync from before that check, a forged file) is not
        brought back beside it, in one line, instead of failing half-way."""
        held = m.held_uuid(uuids)
        if held is not None:
            uuid, model = held
            what = "it" if uuid == uuids[0] else f"its step {uuid}"
            raise UuidTaken(
                f"that {kind.value.replace('_', ' ')} cannot be brought back: {what} is "
                f"{m.record_noun(model)} here now (taken in since it was removed)"
            )

    # ------------------------------------------------------------------ editing

    def update_checkin(self, uuid: str, answers: CheckinAnswers) -> Checkin:
        """Replace what a check-in says (its time and day stay as they were). Answers that say the
        same write nothing (core.checkins.says_the_same): no new `updated_at`, nothing to sync."""
        from dataclasses import replace

        from stretchtui.core.checkins import note_value, says_the_same

        note = note_value(answers.note)
        with self.db.atomic():
            row = m.Checkin.get_or_none(m.Checkin.uuid == uuid)
            if row is None:
                raise UserError(f"{short_id(uuid)}: that check-in is not here any more")
            [before] = self.checkins.checkins(ids=[row.id])
            if says_the_same(before, replace(answers, note=note)):
                return before
            (
                m.Checkin.update(
                    sitting_hours=answers.sitting_hours,
                    note=note,
                    no_comfortable_position=answers.no_comfortable_position,
                    updated_at=self.clock.now(),
                )
                .where(m.Checkin.id == row.id)
                .execute()
            )
            m.CheckinPain.delete().where(m.CheckinPain.checkin == row.id).execute()
            add_pains(row.id, answers.pains)
        return self.checkins.checkins(ids=[row.id])[0]

    def day_mark(self, day: date) -> MarkKind | None:
        row = m.DayMark.get_or_none(m.DayMark.day == day)
        return None if row is None else MarkKind(row.kind)

    def set_day_mark(self, day: date, kind: MarkKind, *, force: bool = False) -> bool:
        """Mark `day` rest or flare, or change its mark; False when it already had that mark.
        Refused (MarkRefused, nothing written): a day after today; a rest day on a day that met the
        goal (it needs none); a day before anything was recorded here, unless `force`."""
        from stretchtui.core.instants import check_day

        check_day(day, "day")
        stamp = self.stamp()
        noun = MARK_NOUNS[kind]
        if day > stamp.day:
            raise MarkRefused(f"{day} is in the future: only today or a day before can be a {noun}")
        with self.db.atomic():
            if kind is MarkKind.REST:
                activity = next(iter(self.history.day_activities(since=day)), None)
                if activity is not None and activity.day == day and self.settings.goal().met_by(activity):
                    raise MarkRefused(f"{day:%a %d %b %Y} already met your goal: it needs no rest day")
            first = self.first_entry_day()
            if not force and (first is None or day < first) and day != stamp.day:
                since = f"your first entry is on {first:%a %d %b %Y}" if first else "nothing is recorded yet"
                raise MarkRefused(f"{day:%a %d %b %Y} is before anything you recorded here ({since})", needs_force=True)
            row = m.DayMark.get_or_none(m.DayMark.day == day)
            if row is not None and row.kind == kind.value:
                return False
            if row is not None:
                (
                    m.DayMark.update(kind=kind.value, at=stamp.at_utc, zone=stamp.zone)
                    .where(m.DayMark.id == row.id)
                    .execute()
                )
            else:
                m.DayMark.create(uuid=str(uuidlib.uuid4()), day=day, kind=kind.value, at=stamp.at_utc, zone=stamp.zone)
        return True

    def mark_rest_day(self, day: date, *, force: bool = False) -> bool:
        """Mark `day` as a rest day; False if it already was one (set_day_mark has the
        rules: not a future day, not a day that met the goal, not before the first entry
        unless forced)."""
        from stretchtui.core.entries import MarkKind

        return self.set_day_mark(day, MarkKind.REST, force=force)

    def mark_entry(self, day: date) -> Entry | None:
        """The day mark of `day` as an entry (to remove it), or None."""
        row = m.DayMark.get_or_none(m.DayMark.day == day)
        return None if row is None else self.entry_by_uuid(EntryKind.DAY_MARK, row.uuid)

    def first_entry_day(self) -> date | None:
        """The first day anything was recorded (a session, a check-in or a day mark)."""
        days = [
            value
            for model in (m.Session, m.Checkin, m.DayMark)
            if (value := model.select(model.day).order_by(model.day).scalar()) is not None
        ]
        return min(as_date(value) for value in days) if days else None
