"""Which table holds each kind of synced record keyed by its UUID, and which kinds a removal (a
tombstone, core.entries) can take away: read by every part of applying a change (store.sync_apply,
store.sync_import, store.sync_rivals) and by a round (store.sync), so kept apart from all of them.
"""

from __future__ import annotations

from typing import Any

from stretchtui.store import models as m


def tombstone(uuid: str, entry: str) -> Any:
    """Which row of `removed` is the removal here of the entry of kind `entry` (session, checkin,
    day_mark) with that UUID: a WHERE clause. Always by kind too: a tombstone of another kind under
    the UUID is no version of this entry (a forged or damaged record; the import refuses it,
    store.staging.foreign_uuid)."""
    return (m.Removed.uuid == uuid) & (m.Removed.kind == entry)


BY_UUID: dict[str, type[m.BaseModel]] = {
    "sessions": m.Session,
    "checkins": m.Checkin,
    "day_marks": m.DayMark,
    "function_ratings": m.FunctionRating,
    "program_choices": m.ProgramChoice,
    "break_events": m.BreakEvent,
}
"""The table of each kind whose records are keyed by their UUID."""

REMOVABLE: dict[str, str] = {
    kind: entry.value for entry, model in m.ENTRY_MODELS.items() for kind, table in BY_UUID.items() if table is model
}
"""The kinds a removal (core.entries.EntryKind) can remove, by change kind: the entries of
store.models.ENTRY_MODELS, found by their table."""

REMOVABLE_KIND = {entry: kind for kind, entry in REMOVABLE.items()}
"""A removal's entry kind (session, checkin, day_mark) -> the kind of change of its record."""
