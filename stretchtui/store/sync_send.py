"""Sending, in a sync round (docs/sync.md): what changed here since the last round, found by
digest against `sync_state`, stamped by the hybrid logical clock and appended to this device's log
in the folder, or written as a new generation of it (a snapshot of every record known) when the
log has grown large or is not as this database left it.

Apart from store.sync, which runs a round (one at a time, this device's own log read back when it
must be) and store.sync_take, which reads the others' logs: this is the only writer of this
device's log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.sync_clock import HybridClock, Stamp
from stretchtui.core.sync_log import Change, change_line, log_generation, log_name
from stretchtui.store.sync_tables import SyncTables

if TYPE_CHECKING:
    from stretchtui.core.sync_status import RoundReport, SyncConfig
    from stretchtui.store.sync_folder import SyncFolder

COMPACT_BYTES = 8 * 1024 * 1024
"""A log this big starts a new generation, when that would at least halve it."""

JOINED_STAMP_MS = 0
"""The wall time of the records found here when this machine joins a folder: any version another
machine has already sent wins over them, while a record no other machine has is still sent."""


@dataclass(eq=False)
class Sender:
    """Sends what changed here, for one database."""

    db: SqliteDatabase
    clock: Clock
    tables: SyncTables

    def send(
        self,
        folder: SyncFolder,
        config: SyncConfig,
        meta: dict[str, str],
        hlc: HybridClock,
        report: RoundReport,
        *,
        fresh: bool = False,
    ) -> None:
        """Stamp and append what changed here; `fresh`: in a new generation, whatever changed."""
        device = config.device
        logs = folder.own_logs(device)
        newest = logs[-1] if logs else None
        size = folder.size(device, newest) if newest else None
        intact = log_intact(newest, size, meta) and not fresh
        from stretchtui.store.sync_records import digest

        counter = self.tables.counter()
        if intact and meta.get("counter") == str(counter):
            return  # nothing written here since the last round
        state = self.tables.state()
        joined = not state and not logs
        changes: list[Change] = []
        current: dict[tuple[str, str], Any] = {}
        for key, plain in _records(self.db):
            current[key] = plain
            was = state.get(key)
            now_digest = digest(plain)
            if was is None or was[1] != now_digest:
                changes.append(self._stamp(hlc, key, plain, was, joined, state))
        for key, (stamp, old_digest) in state.items():
            if old_digest is not None and key not in current:
                changes.append(self._stamp(hlc, key, None, (stamp, old_digest), joined, state))
        health = self._health_lines(changes, current)
        report.sent += len(changes)
        if hlc.clamped is not None:
            report.problems.append(
                f"changes were stamped up to {hlc.clamped.instant:%Y-%m-%d %H:%M} UTC, more than 10 minutes ahead "
                "of this machine's clock now (its clock ran ahead and has been put right, or it took them from "
                "a machine whose clock was ahead): changes made here are stamped by its clock as it is now"
            )
        if not changes and intact:
            with self.db.atomic():
                self.tables.set_meta(counter=str(counter))
            return
        started = int(meta.get("log_start_size", "0"))
        big = size is not None and size > COMPACT_BYTES and size > 2 * started
        extra: dict[str, str] = {}
        if intact and not big:
            assert newest is not None
            new_size = folder.append(device, newest, (change_line(c) for c in changes))
            log = newest
        else:  # after every generation there ever was here, so the others move on to it
            generation = max(log_generation(newest or "") or 0, log_generation(meta.get("log", "")) or 0) + 1
            log = log_name(generation)
            new_size = folder.start_log(device, generation, self._snapshot(state, changes, current))
            extra["log_start_size"] = str(new_size)
        with self.db.atomic():
            self.tables.record(
                ((c.kind, c.key), c.stamp, None if c.gone else digest(current[(c.kind, c.key)]), c.after)
                for c in changes
            )
            self.tables.set_meta(log=log, log_size=str(new_size), counter=str(counter), **extra, **clock_meta(hlc))
            for key, (holds, seen) in health.items():
                self.tables.set_health(key, holds, seen)

    def _health_lines(
        self, changes: list[Change], current: dict[tuple[str, str], Any]
    ) -> dict[str, tuple[dict[Stamp, Any], set[Stamp]]]:
        """A health setting's change carries the versions this machine had seen (`saw`), and a
        merge made here the versions whose "yes" it holds (`from`): a machine that has seen them
        all takes a merge as nothing new, and a later "no" made after it as an answer taken back
        on purpose. Returns what each such setting holds and has seen once sent."""
        from dataclasses import replace

        from stretchtui.core.sync_log import MAX_SAW
        from stretchtui.core.sync_merge import CAUTIOUS, flags_something
        from stretchtui.store.sync_records import digest

        health: dict[str, tuple[dict[Stamp, Any], set[Stamp]]] = {}
        for index, change in enumerate(changes):
            if change.kind != "settings" or change.key not in CAUTIOUS:
                continue
            holds, seen = self.tables.health(change.key) or ({}, set())
            seen = seen | ({change.after} if change.after else set())
            merged = self.tables.merged_digest(change.key)
            is_merge = merged is not None and not change.gone and merged == digest(current[("settings", change.key)])
            sources = frozenset(holds) if is_merge and holds else frozenset()
            changes[index] = replace(change, saw=frozenset(sorted(seen)[-MAX_SAW:]), sources=sources)
            if not is_merge:  # an answer given here: it holds its own "yes", if any
                holds = {change.stamp: change.record} if flags_something(change.key, change.record) else {}
            health[change.key] = holds, seen | {change.stamp}
        return health

    def _stamp(
        self,
        hlc: HybridClock,
        key: tuple[str, str],
        plain: Any,
        was: tuple[Stamp, str | None] | None,
        joined: bool,
        state: dict[tuple[str, str], tuple[Stamp, str | None]],
    ) -> Change:
        if joined:
            stamp = Stamp(_joined_ms(key, plain, self.clock.now()), 0, hlc.device)
        else:
            floors = [was[0]] if was else []
            if (removes := _removes(key, plain)) is not None and removes in state:
                # a removal is stamped after the version it removes (whatever the clock says, as
                # an edit is): else that version, made by a clock ahead, would outrank it elsewhere
                floors.append(state[removes][0])
            stamp = hlc.tick(self.clock.now(), after=max(floors, default=None))
        return Change(stamp, key[0], key[1], plain, was[0] if was and not joined else None)

    def _snapshot(
        self,
        state: dict[tuple[str, str], tuple[Stamp, str | None]],
        changes: list[Change],
        current: dict[tuple[str, str], Any],
    ) -> Iterator[str]:
        """Every record this machine knows, with its newest stamp: the start of a new generation."""
        changed = {(c.kind, c.key): c for c in changes}
        for key in sorted(set(state) | set(changed)):
            if key in changed:
                yield change_line(changed[key])
            else:
                stamp, old = state[key]
                change = Change(stamp, key[0], key[1], None if old is None else current.get(key))
                noted = self.tables.health(key[1]) if key[0] == "settings" else None
                if noted is not None:  # a health answer keeps what it holds and has seen
                    from dataclasses import replace

                    from stretchtui.core.sync_log import MAX_SAW

                    holds, seen = noted
                    sources = frozenset(holds) if holds and set(holds) != {stamp} else frozenset()
                    change = replace(change, saw=frozenset(sorted(seen)[-MAX_SAW:]), sources=sources)
                yield change_line(change)


def _records(db: SqliteDatabase, kinds: Iterable[str] | None = None) -> Iterator[tuple[tuple[str, str], Any]]:
    from stretchtui.store.sync_records import current_records

    return current_records(db, None if kinds is None else set(kinds))


def _removes(key: tuple[str, str], plain: Any) -> tuple[str, str] | None:
    """The record a removal (a "removed" record, core.entries) takes away: (its kind, its UUID)."""
    from stretchtui.store.sync_kinds import REMOVABLE_KIND

    if key[0] != "removed" or not isinstance(plain, dict):
        return None
    kind = REMOVABLE_KIND.get(str(plain.get("kind")))
    return (kind, key[1]) if kind is not None else None


def _joined_ms(key: tuple[str, str], plain: Any, now: datetime) -> int:
    """The wall time of a record found here on joining: 0 (any version from the folder wins),
    except a removal, stamped when it was made: one made while not syncing (between `leave` and
    `init`) still wins over the older versions the folder has, and loses to a later edit."""
    from stretchtui.core.sync_clock import wall_ms

    if key[0] == "removed" and isinstance(plain, dict):
        try:
            return min(wall_ms(datetime.fromisoformat(str(plain["removed_at"]))), wall_ms(now))
        except (KeyError, ValueError, TypeError, OverflowError):
            pass
    return JOINED_STAMP_MS


def log_intact(newest: str | None, size: int | None, meta: dict[str, str]) -> bool:
    """This device's newest log is as this database last left it (name and size)."""
    return newest is not None and newest == meta.get("log") and str(size) == meta.get("log_size")


def clock_meta(hlc: HybridClock) -> dict[str, str]:
    return {"clock": hlc.last.text()} if hlc.last is not None else {}
