"""The records sync compares and sends: every record an export holds, by kind and key, as plain
data, with a digest that changes when the record does (docs/sync.md).

A record's key is what names it on every machine: its UUID, a setting's name, a built-in
exercise's id (a favourite), a prescription's id and version, an activity span's start.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator
from typing import Any

from peewee import SqliteDatabase

from stretchtui.store import models as m
from stretchtui.store.exporting import Exporter, LeftOut

EXERCISE_UUIDS = "exercise_uuids"
"""What a routine's record carries in a change beyond what an export holds: the UUIDs of the own
exercises its items use, so a machine that keeps one under another id maps the item to it."""


def record_key(kind: str, plain: dict[str, Any]) -> str:
    if kind == "program_files":
        return f"{plain['program_id']}@{plain['version']}"
    if kind == "activity_spans":
        return str(plain["started_at"])
    return str(plain["uuid"])


def digest(plain: Any) -> str:
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def current_records(
    db: SqliteDatabase,
    sections: Collection[str] | None = None,
    left_out: LeftOut | None = None,
    uuids: Collection[str] | None = None,
) -> Iterator[tuple[tuple[str, str], Any]]:
    """((kind, key), plain record) for every record here now (of `sections`; of the sections with
    a row per UUID, only `uuids`, when given), read in one snapshot."""
    from stretchtui.core.exchange.writing import RECORD_TO_PLAIN

    own_uuids: dict[str, str] | None = None
    for kind, record in Exporter(db).export_records(left_out or LeftOut(), sections, uuids):
        plain = RECORD_TO_PLAIN[kind](record)
        if kind == "settings":
            from stretchtui.core.settings import SYNCED

            for name, value in plain.items():
                if name in SYNCED:  # not the theme and the cues: each machine's own
                    yield ("settings", name), value
        elif kind == "favourites":
            for ident in plain:
                yield ("favourites", ident), True
        else:
            if kind == "routines":
                if own_uuids is None:
                    own_uuids = dict(
                        m.Exercise.select(m.Exercise.id, m.Exercise.uuid).where(m.Exercise.origin == "user").tuples()
                    )
                used = {item["exercise"] for item in plain.get("items", ())}
                plain[EXERCISE_UUIDS] = {ident: own_uuids[ident] for ident in sorted(used) if ident in own_uuids}
            yield (kind, record_key(kind, plain)), plain
