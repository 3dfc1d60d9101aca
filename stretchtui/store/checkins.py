"""Check-ins in the store: a row each, with one row per area that hurt."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime

from peewee import SqliteDatabase

from stretchtui.core.checkins import Checkin, PainEntry, Region, note_value
from stretchtui.store import models as m
from stretchtui.store.rows import checkin_from_row
from stretchtui.store.settings import EventStamp


@dataclass(eq=False)
class CheckinRepository:
    """Check-ins: how it felt, where, and how long the person sat."""

    db: SqliteDatabase
    stamp: EventStamp

    def add_checkin(
        self,
        pains: list[PainEntry],
        *,
        sitting_hours: float | None = None,
        note: str = "",
        no_comfortable_position: bool = False,
        at: datetime | None = None,
        source: str = "app",
        session_id: int | None = None,
    ) -> Checkin:
        note = note_value(note)
        stamp = self.stamp(at)
        with self.db.atomic():
            row = m.Checkin.create(
                uuid=str(uuidlib.uuid4()),
                at=stamp.at_utc,
                zone=stamp.zone,
                day=stamp.day,
                source=source,
                sitting_hours=sitting_hours,
                note=note,
                no_comfortable_position=no_comfortable_position,
                session=session_id,
            )
            if pains:
                m.CheckinPain.insert_many(
                    [dict(checkin=row.id, region=p.region.value, side=p.side, pain=p.pain) for p in pains]
                ).execute()
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
