"""Applying other machines' changes to this store (docs/sync.md, "Merge rules").

Each change names a record by kind and key and is stamped (core.sync_clock). The newest stamp per
record wins: a change older than what is here does nothing, so applying a change twice, or in any
order, ends the same. A record new here goes in as an import puts it (store/importing.py: the same
checks, the same id mapping); a newer version of one here replaces it in place. A removal (a
tombstone) wins over every older version; a newer version wins over the removal (an undo). A
session's steps are never dropped: a newer version keeps the steps recorded here that it lacks.
A session running here is left alone until it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.sync_log import SYNCED_KINDS, Change
from stretchtui.store import models as m
from stretchtui.store.sync_records import EXERCISE_UUIDS

if TYPE_CHECKING:
    from stretchtui.core.sync_clock import Stamp
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository
    from stretchtui.store.sync_tables import SyncTables

REMOVABLE = {"sessions": "session", "checkins": "checkin", "day_marks": "day_mark"}
"""The kinds a removal (core.entries.EntryKind) can remove, by change kind."""

_BY_UUID: dict[str, type[m.BaseModel]] = {
    "sessions": m.Session,
    "checkins": m.Checkin,
    "day_marks": m.DayMark,
    "function_ratings": m.FunctionRating,
    "program_choices": m.ProgramChoice,
    "break_events": m.BreakEvent,
}


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


@dataclass(frozen=True)
class _Here:
    """A health setting as it stands here while one apply weighs the versions that came."""

    holds: dict[Stamp, Any]  # the versions whose "yes" or condition it holds, each with its value
    base: Stamp | None
    value: Any
    latest: Stamp  # the newest version weighed so far
    seen: set[Stamp]  # every version it has seen (taken, merged, or replaced knowingly)


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
    _kept_steps: dict[str, list[dict[str, Any]]] = field(
        init=False, default_factory=dict
    )  # session uuid -> its rows here
    _links: dict[str, list[str]] = field(init=False, default_factory=dict)  # session uuid -> check-ins pointing at it
    _here: set[tuple[str, str]] = field(init=False, default_factory=set)  # of the winners: those with a row here
    _versions: dict[str, dict[Stamp, Change]] = field(init=False, default_factory=dict)  # setting -> versions come
    health: dict[str, _Here] = field(init=False, default_factory=dict)  # health setting -> as it stands now

    def apply(self, changes: Iterable[Change]) -> Applied:
        from stretchtui.core.sync_merge import CAUTIOUS

        newest: dict[tuple[str, str], Change] = {}
        applied = Applied()
        self._versions = {}  # every version of a cautious setting that came: how each one came about
        for change in changes:
            if change.kind == "settings" and not _setting_fits(change, applied):
                continue
            if not _keyed_by_itself(change, applied):
                continue
            key = (change.kind, change.key)
            if key not in newest or change.stamp > newest[key].stamp:
                newest[key] = change
            if change.kind == "settings" and change.key in CAUTIOUS:
                self._versions.setdefault(change.key, {})[change.stamp] = change
        merged = {("settings", key) for key in self._versions if self._cautiously(key, applied)}
        winners = [
            c
            for key, c in newest.items()
            if key not in merged
            and (key not in self.known or c.stamp > self.known[key] or self._tie_won(c, self.known[key], applied))
        ]
        winners = [c for c in winners if not self._older_than_removal(c, newest)]
        winners = _one_per_day(winners)
        self._here = self._rows_here(winners)
        order = {kind: i for i, kind in enumerate(SYNCED_KINDS)}
        # Undos first (a tombstone gone lets its record back in), removals last (after what they remove).
        winners.sort(key=lambda c: (c.kind != "removed" or not c.gone, c.kind == "removed", order[c.kind], c.stamp))
        batch: dict[str, list[tuple[Change, Any]]] = {}
        for change in winners:
            self._one(change, batch, applied)
        self._import(batch, applied)
        return applied

    def _rows_here(self, changes: list[Change]) -> set[tuple[str, str]]:
        """Which of the records changed have a row here, or a removal here: a few queries for all of
        them (a machine taking in ten years has none yet, and need not ask record by record)."""
        wanted: dict[str, list[str]] = {}
        for change in changes:
            wanted.setdefault(change.kind, []).append(change.key)
        here: set[tuple[str, str]] = set()
        for kind, keys in wanted.items():
            model = _BY_UUID.get(kind)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                if model is not None:
                    query = model.select(model.uuid).where(model.uuid.in_(chunk))
                    here.update((kind, str(value)) for (value,) in query.tuples())
                if kind in REMOVABLE:
                    removed = m.Removed.select(m.Removed.uuid).where(m.Removed.uuid.in_(chunk))
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

    def _cautiously(self, key: str, applied: Applied) -> bool:
        """Every version of a health answer or condition that came, oldest first, not only the
        newest: one taken in with another machine's unseen "none" in the same round must still
        be weighed (a third machine taking both at once would else drop the older "yes")."""
        from stretchtui.core.sync_merge import flags_something

        state = self.state_here(("settings", key))
        row = m.Setting.get_or_none(m.Setting.key == key)
        noted = self.tables.health(key)
        here = None
        if state is not None and row is not None:
            if noted is None:  # from before versions were noted: the version here, and its base
                holds = {state[0]: row.value} if flags_something(key, row.value) else {}
                noted = holds, {state[0], *([state[1]] if state[1] else [])}
            here = _Here(noted[0], state[1], row.value, state[0], noted[1])
        for change in sorted(self._versions[key].values(), key=lambda c: c.stamp):
            if here is None:  # nothing here yet to weigh it against: it goes in as it is
                self._setting(key, change.record)
                applied.take(change)
                here = _Here(_held(key, change), change.after, change.record, change.stamp, self._history(change))
            else:
                here = self._weigh(change, here, applied)
        if here is not None:
            self.health[key] = here
        return True

    def _weigh(self, change: Change, here: _Here, applied: Applied) -> _Here:
        """One version against the one here: one whose every "yes" was seen here is nothing new
        (the same version again, a merge of versions seen); otherwise it is kept together with
        every version here it had not seen, the cautious way (core.sync_merge): a "yes" it saw
        and left out was taken back on purpose, one it never saw stays. Returns the version here
        after it."""
        from stretchtui.core.sync_merge import CAUTIOUS, flags_something

        key = change.key
        history = self._history(change)
        seen = here.seen | history
        if _sources(change) <= here.seen and change.stamp != here.latest:
            return _Here(here.holds, here.base, here.value, here.latest, seen)  # nothing it holds is new
        if change.stamp == here.latest and change.record == here.value:
            return _Here(here.holds, here.base, here.value, here.latest, seen)  # the same version again
        # what the version here holds that it had not seen (a twin with its own stamp, from a
        # copied database, had not seen the other: both are kept)
        unseen = {
            stamp: value
            for stamp, value in here.holds.items()
            if stamp not in history or (stamp == change.stamp and value != change.record)
        }
        if not here.holds and change.stamp < here.latest:
            unseen = {here.latest: here.value}  # an older version, unseen here: kept together with this one
        merged = change.record
        for value in unseen.values():
            merged = CAUTIOUS[key](value, merged)
        if merged != here.value:
            self._setting(key, merged)
        if unseen and merged != change.record and (change.stamp > here.latest or merged != here.value):
            # a merge no machine has yet, or one that machines ranking the other's version first
            # would miss: it goes out, stamped after both (a third machine, a later joiner get it)
            applied.resend.add((change.kind, key))
        applied.take(change)
        newer = change.stamp > here.latest
        holds = {**unseen, **_held(key, change)}
        if not here.holds and not flags_something(key, here.value):
            holds.pop(here.latest, None)  # held nothing: not a version to keep
        return _Here(holds, change.after if newer else here.base, merged, max(here.latest, change.stamp), seen)

    def _history(self, change: Change) -> set[Stamp]:
        """Every version `change` is known to have seen, itself included."""
        return {change.stamp, *change.saw, *self._came_after(change)}

    def _came_after(self, change: Change) -> set[Stamp]:
        """The versions `change` was made on top of, as far as the versions that came show: its
        `after`, that one's `after`, and so on. The version here among them means the other
        machine saw it (and an answer taken back there was taken back on purpose)."""
        seen: set[Stamp] = set()
        versions = self._versions.get(change.key, {})
        step: Change | None = change
        while step is not None and step.after is not None and step.after not in seen:
            seen.add(step.after)
            step = versions.get(step.after)
        return seen

    def _older_than_removal(self, change: Change, newest: Mapping[tuple[str, str], Change]) -> bool:
        """A version of a removed entry from before its removal: the removal wins."""
        if change.kind not in REMOVABLE or change.gone:
            return False
        removal = newest.get(("removed", change.key))
        stamp = removal.stamp if removal is not None and not removal.gone else None
        here = self.known.get(("removed", change.key))
        if here is not None and m.Removed.select().where(m.Removed.uuid == change.key).exists():
            stamp = max(stamp, here) if stamp is not None else here
        return stamp is not None and change.stamp < stamp

    # ------------------------------------------------------------------ one change

    def _one(self, change: Change, batch: dict[str, list[tuple[Change, Any]]], applied: Applied) -> None:
        kind, key, record = change.kind, change.key, change.record
        if kind == "settings":
            self._setting(key, record)
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
        elif kind == "exercises" and self._update_exercise(change, applied):
            pass
        elif kind == "routines" and self._update_routine(change, applied):
            pass
        elif kind == "program_files" and self._program_here(record):
            applied.take(change)
        elif kind == "removed" and m.Removed.select().where(m.Removed.uuid == key).exists():
            applied.take(change, (REMOVABLE_KIND.get(str(record.get("kind")), "removed"), key))
        elif kind == "removed" and not self._removal_stands(change):
            pass
        else:  # in as an import puts it, the version here (if any) taken out first (_place)
            batch.setdefault(kind, []).append((change, record))

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

    def _setting(self, key: str, value: Any) -> None:
        from stretchtui.core.settings import SYNCED
        from stretchtui.store.models import Setting

        if key not in SYNCED:  # this machine's own (the theme, the cues, a player): never taken from another
            return
        if value is None:
            Setting.delete().where(Setting.key == key).execute()
        else:
            Setting.insert(key=key, value=value, updated_at=self.now).on_conflict_replace().execute()

    def _gone(self, change: Change, applied: Applied) -> None:
        kind, key = change.kind, change.key
        if kind == "removed":  # undone elsewhere: its entry comes back with a newer version
            m.Removed.delete().where(m.Removed.uuid == key).execute()
        elif kind in ("sessions", "checkins"):
            pass  # only a removal (a tombstone) takes away what someone did
        elif kind in _BY_UUID:
            _BY_UUID[kind].delete().where(_BY_UUID[kind].uuid == key).execute()
        elif kind == "activity_spans":
            m.ActivitySpan.delete().where(m.ActivitySpan.started_at == key).execute()
        elif kind in ("exercises", "routines"):
            from stretchtui.core.errors import UserError

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
        applied.take(change)

    def _program_here(self, record: Mapping[str, Any]) -> bool:
        return (
            m.ProgramFile.select()
            .where(
                (m.ProgramFile.program_id == record.get("program_id"))
                & (m.ProgramFile.version == record.get("version"))
            )
            .exists()
        )

    def _make_room(self, change: Change, applied: Applied) -> bool:
        """Take out the version here that `change` replaces (and a rest day or rating it displaces);
        False to leave the change out (a session running here)."""
        kind, key = change.kind, change.key
        if (kind, key) not in self._here and kind != "activity_spans":
            return self._displace(change, applied) if kind in ("day_marks", "function_ratings") else True
        if kind == "sessions":
            row = m.Session.get_or_none(m.Session.uuid == key)
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
                m.Removed.delete().where(m.Removed.uuid == key).execute()
        elif kind in _BY_UUID:
            if not self._displace(change, applied):  # first: nothing is taken out for a change left out
                return False
            model = _BY_UUID[kind]
            model.delete().where(model.uuid == key).execute()
            if kind in REMOVABLE:
                m.Removed.delete().where(m.Removed.uuid == key).execute()
        elif kind == "activity_spans":
            m.ActivitySpan.delete().where(m.ActivitySpan.started_at == key).execute()
        return True

    def _displace(self, change: Change, applied: Applied) -> bool:
        """One rest day per day and one rating per activity and week: of two made on two machines,
        the later stamp stays (the other goes, here and, by this machine's next round, everywhere)."""
        record = change.record

        def kind_of(uuid: str) -> Any:
            row = model.get_or_none(model.uuid == uuid)
            return getattr(row, "kind", None)

        model = _BY_UUID[change.kind]
        if change.kind == "day_marks":
            rivals = m.DayMark.select(m.DayMark.uuid).where(m.DayMark.day == record.get("day"))
        elif change.kind == "function_ratings":
            from datetime import date

            from stretchtui.core.function import week_of

            try:
                week = week_of(date.fromisoformat(str(record.get("day"))))
            except ValueError:
                return True  # the import's checks say what is wrong with it
            rivals = m.FunctionRating.select(m.FunctionRating.uuid).where(
                (m.FunctionRating.week == week)
                & (m.FunctionRating.activity.collate("NOCASE") == str(record.get("activity")))
            )
        else:
            return True
        for (uuid,) in rivals.tuples():
            if uuid == change.key:
                continue  # the same mark, changed (rest to flare): the newer version, as for any record
            here = self.state_here((change.kind, uuid))
            rival = self.known.get((change.kind, uuid)) or (here[0] if here else None)
            if rival is not None and _rank(change.kind, kind_of(uuid), rival, str(uuid)) > _rank(
                change.kind, record.get("kind"), change.stamp, change.key
            ):
                return False
            model.delete().where(model.uuid == uuid).execute()
            applied.touch((change.kind, uuid), change.stamp)
        return True

    # ------------------------------------------------------------------ in place

    def _update_exercise(self, change: Change, applied: Applied) -> bool:
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

    def _update_routine(self, change: Change, applied: Applied) -> bool:
        from stretchtui.store.rows import routine_values

        row = m.Routine.get_or_none(m.Routine.uuid == change.key)
        if row is None:
            return False
        own = self._checked("routines", {**_mapped_items(change.record), "id": row.id}, applied, change)
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

    def _import(self, batch: dict[str, list[tuple[Change, Any]]], applied: Applied) -> None:
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
                record = {k: v for k, v in _mapped_items(record).items() if k != EXERCISE_UUIDS}
            elif kind == "checkins" and _names_a_session_gone_here(record, sessions_coming):
                record = {**record, "session_uuid": None}  # as a removal of the session leaves it here
            data.setdefault(kind, []).append(record)
        self.exchange.import_data(data)
        for kind, change, record in entries:
            also = []
            if kind == "removed":  # removed here now: kept with the time it was removed there
                also.append((REMOVABLE_KIND.get(str(record.get("kind")), "removed"), change.key))
                m.Removed.update(removed_at=datetime.fromisoformat(str(record["removed_at"]))).where(
                    m.Removed.uuid == change.key
                ).execute()
            applied.take(change, *also)

    def _put_back_steps_and_links(self) -> None:
        """The steps recorded here that a newer version of their session lacks, and the check-ins
        here that pointed at the session before it was replaced."""
        for uuid, steps in self._kept_steps.items():
            session = m.Session.get_or_none(m.Session.uuid == uuid)
            if session is None:
                continue
            have = {
                u
                for (u,) in m.SessionStep.select(m.SessionStep.uuid).where(m.SessionStep.session == session.id).tuples()
            }
            for step in steps:
                if step["uuid"] not in have:
                    m.SessionStep.insert(
                        {**{k: v for k, v in step.items() if k != "id"}, "session": session.id}
                    ).execute()
        for uuid, checkins in self._links.items():
            session = m.Session.get_or_none(m.Session.uuid == uuid)
            if session is not None and checkins:
                m.Checkin.update(session=session.id).where(
                    m.Checkin.uuid.in_(checkins) & m.Checkin.session.is_null()
                ).execute()


REMOVABLE_KIND = {entry: kind for kind, entry in REMOVABLE.items()}
"""A removal's entry kind (session, checkin, day_mark) -> the kind of change of its record."""


def _held(key: str, change: Change) -> dict[Stamp, Any]:
    """The versions a version holds a "yes" of, each with the value that holds it."""
    from stretchtui.core.sync_merge import flags_something

    if not flags_something(key, change.record):
        return {}
    return dict.fromkeys(_sources(change), change.record)


def _sources(change: Change) -> set[Stamp]:
    """The versions whose "yes" a version holds: a merge names them (`from`), any other is its own."""
    return set(change.sources) if change.sources else {change.stamp}


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


def _setting_fits(change: Change, applied: Applied) -> bool:
    """A setting from another machine is checked as an import checks it (a safety answer of
    "yes" instead of true would read as unanswered here): refused in one line if it does not fit.
    This machine's own settings (the theme, the cues) are passed over without a word."""
    from stretchtui.core.errors import FieldError
    from stretchtui.core.settings import EXPORTED, SYNCED, imported_settings

    if change.key not in EXPORTED:
        applied.refuse(change, "not a setting this version knows")
        return False
    if change.key not in SYNCED:
        return False
    if not change.gone:
        try:
            imported_settings({change.key: change.record})
        except FieldError as error:
            applied.refuse(change, str(error))
            return False
    return True


def _names_a_session_gone_here(record: Mapping[str, Any], coming: set[Any]) -> bool:
    """A check-in pointing at a session removed here (removed on this machine while the other
    edited the check-in): it comes in without the link, as the removal left the check-ins here."""
    session = record.get("session_uuid")
    if not isinstance(session, str) or session in coming:
        return False
    return not m.Session.select().where(m.Session.uuid == session).exists() and (
        m.Removed.select().where(m.Removed.uuid == session).exists()
    )


def _rank(kind: str, mark: Any, stamp: Stamp, key: str) -> tuple[bool, Stamp, str]:
    """Which of two rest days for one day stands (two ratings of one week: the later): a flare day
    over a rest day, whatever the clocks say (gentler, core.sync_merge), then the later stamp, then
    (two copies of one database can give two records one stamp) the UUID, so every machine agrees."""
    from stretchtui.core.sync_merge import gentler_mark

    return (kind == "day_marks" and gentler_mark(mark), stamp, key)


def _one_per_day(changes: list[Change]) -> list[Change]:
    """Of the rest days for one day (the ratings of one activity in one week) that come in together
    from several machines, only the latest: the rest lose to it wherever they arrive (_displace)."""
    from datetime import date

    from stretchtui.core.function import week_of

    def natural(change: Change) -> tuple[str, ...] | None:
        record = change.record
        if change.gone or not isinstance(record, dict):
            return None
        try:
            if change.kind == "day_marks":
                return ("day", str(record.get("day")))
            if change.kind == "function_ratings":
                week = week_of(date.fromisoformat(str(record.get("day"))))
                return ("week", str(record.get("activity")).casefold(), week.isoformat())
        except ValueError:
            return None  # the import's checks say what is wrong with it
        return None

    def rank(change: Change) -> tuple[bool, Stamp, str]:
        return _rank(change.kind, change.record.get("kind"), change.stamp, change.key)

    latest: dict[tuple[str, ...], Change] = {}
    for change in changes:
        if (key := natural(change)) is not None and (key not in latest or rank(change) > rank(latest[key])):
            latest[key] = change
    return [c for c in changes if (key := natural(c)) is None or latest[key] is c]


def _mapped_items(record: Mapping[str, Any]) -> dict[str, Any]:
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
