"""Check-ins in the store: a row each, with one row per area that hurt."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from peewee import SqliteDatabase

from stretchtui.core.call_records import takes
from stretchtui.core.checkins import Checkin, NewCheckin, PainEntry, Region, note_value
from stretchtui.store import models as m
from stretchtui.store.rows import checkin_from_row
from stretchtui.store.settings import EventStamp


def add_pains(checkin_id: int, pains: Sequence[PainEntry]) -> None:
    """A check-in's pains, a row each (in the caller's transaction)."""
    if pains:
        m.CheckinPain.insert_many(
            [dict(checkin=checkin_id, region=p.region.value, side=p.side, pain=p.pain) for p in pains]
        ).execute()


@dataclass(eq=False)
class CheckinRepository:
    """Check-ins: how it felt, where, and how long the person sat."""

    db: SqliteDatabase
    stamp: EventStamp

    @takes(NewCheckin)
    def add_checkin(self, new: NewCheckin) -> Checkin:
        """A check-in written now (called with NewCheckin's fields)."""
        note = note_value(new.note)
        stamp = self.stamp(new.at)
        with self.db.atomic():
            row = m.Checkin.create(
                uuid=str(uuidlib.uuid4()),
                **m.stamp_values(stamp),
                source=new.source,
                sitting_hours=new.sitting_hours,
                note=note,
                no_comfortable_position=new.no_comfortable_position,
                session=new.session_id,
            )
            add_pains(row.id, new.pains)
        return self.checkins(ids=[row.id])[0]

    def checkins(self, *, since: date | None = None, ids: list[int] | None = None) -> list[Checkin]:
        query = m.Checkin.select().order_by(m.Checkin.at)
        if since is not None:
            query = query.where(m.Checkin.day >= since)
        if ids is not None:
            query = query.where(m.Checkin.id.in_(ids))
        rows = list(query)
        pains: dict[int, list[PainEntry]] = {}
        for pain in m.CheckinPain.select().where(m.CheckinPain.checkin.in_([r.id for r in rows])):
            pains.setdefault(pain.checkin_id, []).append(PainEntry(Region(pain.region), pain.pain, pain.side))
        return [checkin_from_row(r, tuple(pains.get(r.id, ()))) for r in rows]
