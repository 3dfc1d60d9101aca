"""Applying other machines' changes to this store (docs/sync.md, "Merge rules").

Each change names a record by kind and key and is stamped (core.sync_clock). The newest stamp per
record wins: a change older than what is here does nothing, so applying a change twice, or in any
order, ends the same. A record new here goes in as an import puts it (store/importing.py: the same
checks, the same id mapping); a newer version of one here replaces it in place. A removal (a
tombstone) wins over every older version; a newer version wins over the removal (an undo). A
session's steps are never dropped: a newer version keeps the steps recorded here that it lacks.
A session running here is left alone until it ends.

This module decides which version wins and applies what is only a row's change (a removal, a
favourite, a setting); the rest is in its own modules: store.sync_settings (settings that fit, and
health answers merged the cautious way), store.sync_rivals (one rest day per day, one rating per
activity and week), store.sync_import (a winner that comes whole, written as an import writes it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.sync_log import SYNCED_KINDS, Change
from stretchtui.store import models as m
from stretchtui.store.sync_import import RecordWriter
from stretchtui.store.sync_kinds import BY_UUID, REMOVABLE, REMOVABLE_KIND, tombstone
from stretchtui.store.sync_rivals import one_per_day
from stretchtui.store.sync_settings import HealthMerge, setting_fits, write_setting

if TYPE_CHECKING:
    from stretchtui.core.sync_clock import Stamp
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository
    from stretchtui.store.sync_tables import SyncTables


@dataclass
class Applied:
    """What one apply did: the changes taken (by kind), the keys whose record changed here (their
    digests are read again), and one line for each change that could not be taken."""

    taken: list[Change] = field(default_factory=list)
    stamps: dict[tuple[str, str], Stamp] = field(default_factory=dict)  # every record touched: its stamp now
    bases: dict[tuple[str, str], Stamp | None] = field(default_factory=dict)  # the version each replaced
    resend: set[tuple[str, str]] = field(default_factory=set)  # merged here: to go out as a change made here
    problems: list[str] = field(default_factory=list)  # what the round should say (not per change)
    refused: list[tuple[Change, str]] = field(default_factory=list)  # left out, and why: tried again later

    def refuse(self, change: Change, why: str) -> None:
        self.refused.append((change, f"{change.kind} {change.key}: {why}; left out for now"))

    def take(self, change: Change, *also: tuple[str, str]) -> None:
        self.taken.append(change)
        self.bases[(change.kind, change.key)] = change.after
        for key in ((change.kind, change.key), *also):
            self.touch(key, change.stamp)

    def touch(self, key: tuple[str, str], stamp: Stamp) -> None:
        if key not in self.stamps or stamp > self.stamps[key]:
            self.stamps[key] = stamp


@dataclass(eq=False)
class ChangeApplier:
    """One apply, inside the caller's transaction."""

    db: SqliteDatabase
    library: LibraryRepository
    exchange: ExchangeRepository
    known: Mapping[tuple[str, str], Stamp]  # the newest stamp here of each record changed
    now: datetime
    state_here: Callable[[tuple[str, str]], tuple[Stamp, Stamp | None] | None]  # any record's (stamp, base)
    digest_here: Callable[[tuple[str, str]], str | None]  # the digest of the version here, as last noted
    tables: SyncTables  # for the health settings' versions (holds, seen)
    health_merge: HealthMerge = field(init=False)  # the health settings that came: merged, not replaced
    writer: RecordWriter = field(init=False)  # the winners that come whole: in as an import puts them

    def __post_init__(self) -> None:
        self.health_merge = HealthMerge(self.now, self.state_here, self.tables)
        self.writer = RecordWriter(self.db, self.library, self.exchange, self.now, self.known, self.state_here)

    @property
    def health(self) -> dict[str, Any]:
        """Each health setting that came, as it stands after the apply (holds, seen, value)."""
        return self.health_merge.health

    def apply(self, changes: Iterable[Change]) -> Applied:
        newest: dict[tuple[str, str], Change] = {}
        applied = Applied()
        for change in changes:
            if change.kind == "settings" and not setting_fits(change, applied):
                continue
            if not _keyed_by_itself(change, applied):
                continue
            key = (change.kind, change.key)
            if key not in newest or change.stamp > newest[key].stamp:
                newest[key] = change
            self.health_merge.note(change)  # every version of a health setting: how each came about
        merged = self.health_merge.merge(applied)
        winners = [
            c
            for key, c in newest.items()
            if key not in merged
            and (key not in self.known or c.stamp > self.known[key] or self._tie_won(c, self.known[key], applied))
        ]
        winners = [c for c in winners if not self._older_than_removal(c, newest) and not _older_than_version(c, newest)]
        winners = one_per_day(winners)
        self.writer.here = self._rows_here(winners)
        order = {kind: i for i, kind in enumerate(SYNCED_KINDS)}
        # Undos first (a tombstone gone lets its record back in), removals last (after what they remove).
        winners.sort(key=lambda c: (c.kind != "removed" or not c.gone, c.kind == "removed", order[c.kind], c.stamp))
        batch: dict[str, list[tuple[Change, Any]]] = {}
        for change in winners:
            self._one(change, batch, applied)
        self.writer.put(batch, applied)
        return applied

    def _rows_here(self, changes: list[Change]) -> set[tuple[str, str]]:
        """Which of the records changed have a row here, or a removal here: a few queries for all of
        them (a machine taking in ten years has none yet, and need not ask record by record)."""
        wanted: dict[str, list[str]] = {}
        for change in changes:
            wanted.setdefault(change.kind, []).append(change.key)
        here: set[tuple[str, str]] = set()
        for kind, keys in wanted.items():
            model = BY_UUID.get(kind)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                if model is not None:
                    query = model.select(model.uuid).where(model.uuid.in_(chunk))
                    here.update((kind, str(value)) for (value,) in query.tuples())
                if kind in REMOVABLE:  # a tombstone of this kind (one of another is no version of it)
                    removed = m.Removed.select(m.Removed.uuid).where(
                        m.Removed.uuid.in_(chunk) & (m.Removed.kind == REMOVABLE[kind])
                    )
                    here.update((kind, str(value)) for (value,) in removed.tuples())
        return here

    def _tie_won(self, change: Change, here: Stamp, applied: Applied) -> bool:
        """The same stamp as the version here with other content: two copies of one database (or
        a changed log) gave one stamp to two versions. Every machine keeps the same one, the one
        whose digest sorts later, and the round says so."""
        from stretchtui.store.sync_records import digest

        if change.stamp != here:
            return False
        mine = self.digest_here((change.kind, change.key))
        theirs = None if change.gone else digest(change.record)
        if mine is None or mine == theirs:  # the same version again (or no version here to weigh)
            return False
        applied.problems.append(
            f"{change.kind} {change.key}: two versions with one stamp (a copy of a database syncing "
            "elsewhere? a log changed by hand?); every machine keeps the same one"
        )
        return (theirs or "") > mine

    def _older_than_removal(self, change: Change, newest: Mapping[tuple[str, str], Change]) -> bool:
        """A version of a removed entry from before its removal: the removal wins."""
        if change.kind not in REMOVABLE or change.gone:
            return False
        removal = newest.get(("removed", change.key))
        stamp = removal.stamp if removal is not None and not removal.gone else None
        here = self.known.get(("removed", change.key))
        if here is not None and m.Removed.select().where(tombstone(change.key, REMOVABLE[change.kind])).exists():
            stamp = max(stamp, here) if stamp is not None else here
        return stamp is not None and change.stamp < stamp

    # ------------------------------------------------------------------ one change

    def _one(self, change: Change, batch: dict[str, list[tuple[Change, Any]]], applied: Applied) -> None:
        kind, key, record = change.kind, change.key, change.record
        if kind == "settings":
            write_setting(key, self.now, record)
            applied.take(change)
        elif kind == "favourites":
            m.Exercise.update(favourite=not change.gone).where(
                (m.Exercise.id == key) & (m.Exercise.origin == "seed")
            ).execute()
            applied.take(change)
        elif change.gone:
            self._gone(change, applied)
        elif not isinstance(record, dict):
            applied.refuse(change, "not a record")
        elif kind == "exercises" and self.writer.update_exercise(change, applied):
            pass
        elif kind == "routines" and self.writer.update_routine(change, applied):
            pass
        elif kind == "program_files" and self._program_here(record):
            applied.take(change)
        elif kind == "removed" and m.Removed.select().where(tombstone(key, str(record.get("kind")))).exists():
            self._removed_here_too(change, applied)
        elif kind == "removed" and not self._removal_stands(change):
            pass
        else:  # in as an import puts it, the version here (if any) taken out first (RecordWriter)
            batch.setdefault(kind, []).append((change, record))

    def _removed_here_too(self, change: Change, applied: Applied) -> None:
        """The same entry removed here as well: the newer removal's time is kept, so that every
        machine keeps the same one (and the same days to undo it)."""
        from stretchtui.core.errors import FieldError
        from stretchtui.core.instants import parse_instant

        entry = str(change.record.get("kind"))
        try:
            removed_at = parse_instant(change.record.get("removed_at"), "removed_at")
        except FieldError as error:  # the import would have refused it: so is this
            applied.refuse(change, str(error))
            return
        m.Removed.update(removed_at=removed_at).where(tombstone(change.key, entry)).execute()
        applied.take(change, (REMOVABLE_KIND.get(entry, "removed"), change.key))

    def _removal_stands(self, change: Change) -> bool:
        """A removal takes away the version here only if that version is older than the removal
        (one made after it, an edit elsewhere, stays: the newer wins), and never a session that
        runs here: it is left alone until it ends (then its newer version goes out)."""
        entry = REMOVABLE_KIND.get(str(change.record.get("kind")))
        if entry is None:
            return True  # the import's checks say what is wrong with it
        here = self.state_here((entry, change.key))
        if here is not None and here[0] > change.stamp:
            return False
        if entry == "sessions":
            row = m.Session.get_or_none(m.Session.uuid == change.key)
            return row is None or row.status != "in_progress"
        return True

    def _gone(self, change: Change, applied: Applied) -> None:
        from stretchtui.core.errors import UserError
        from stretchtui.store.corrections import UuidTaken

        kind, key = change.kind, change.key
        also: list[tuple[str, str]] = []
        if kind == "removed":  # undone elsewhere: the entry comes back (with a newer version, if one comes)
            try:
                back = self.exchange.undo_removal(key)  # as it was here, from the rows kept for undo
            except UuidTaken as error:  # its UUID (a step's) is another record's now: kept removed
                applied.refuse(change, str(error))
                return
            except UserError:  # a day marked since: the tombstone goes, the mark here stays
                back = None
            if back is None:  # or no rows kept (older than 30 days, or removed elsewhere first)
                m.Removed.delete().where(m.Removed.uuid == key).execute()
            else:
                also.append((REMOVABLE_KIND[back.kind.value], key))
        elif kind in ("sessions", "checkins"):
            pass  # only a removal (a tombstone) takes away what someone did
        elif kind in BY_UUID:
            BY_UUID[kind].delete().where(BY_UUID[kind].uuid == key).execute()
        elif kind == "activity_spans":
            m.ActivitySpan.delete().where(m.ActivitySpan.started_at == key).execute()
        elif kind in ("exercises", "routines"):
            model = m.Exercise if kind == "exercises" else m.Routine
            row = model.get_or_none((model.uuid == key) & (model.origin == "user"))
            if row is not None:
                try:
                    if kind == "exercises":
                        self.library.delete_exercise(row.id)
                    else:
                        self.library.delete_routine(row.id)
                except UserError as error:  # still used here: kept, retired
                    model.update(retired=True).where(model.uuid == key).execute()
                    applied.problems.append(f"{kind} {row.id}: deleted elsewhere, kept here retired ({error})")
        applied.take(change, *also)

    def _program_here(self, record: Mapping[str, Any]) -> bool:
        return (
            m.ProgramFile.select()
            .where(
                (m.ProgramFile.program_id == record.get("program_id"))
                & (m.ProgramFile.version == record.get("version"))
            )
            .exists()
        )


def _older_than_version(change: Change, newest: Mapping[tuple[str, str], Change]) -> bool:
    """A removal from before a newer version of its entry in the same round (an edit made
    elsewhere without seeing the removal): the newer version stands, as it did where it was made.
    Applied last, the removal took away a version newer than itself on a third machine."""
    if change.kind != "removed" or change.gone or not isinstance(change.record, dict):
        return False
    entry = REMOVABLE_KIND.get(str(change.record.get("kind")))
    version = newest.get((entry, change.key)) if entry is not None else None
    return version is not None and not version.gone and version.stamp > change.stamp


def _keyed_by_itself(change: Change, applied: Applied) -> bool:
    """A record's change names it by the record's own key (its UUID, ...): one that names another
    would be filed here under one key and stored under another."""
    from stretchtui.store.sync_records import record_key

    if change.gone or change.kind in ("settings", "favourites"):
        return True
    try:
        fits = isinstance(change.record, dict) and record_key(change.kind, change.record) == change.key
    except (KeyError, TypeError):
        fits = False
    if not fits:
        applied.refuse(change, "its key is not the record's own")
    return fits
