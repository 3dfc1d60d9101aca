"""Taking, in a sync round (docs/sync.md): every other device's log read from where the last
round stopped (each generation from its own cursor), its changes applied (store.sync_apply) and
the cursors moved past them in one short transaction, and what changed here noted so the next
round does not send it back.

Apart from store.sync, which runs a round, and store.sync_send, which writes this device's own
log: this only reads the folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.plain_text import escaped
from stretchtui.core.sync_clock import HybridClock
from stretchtui.core.sync_log import Change, LogRead
from stretchtui.store.sync_send import clock_meta
from stretchtui.store.sync_tables import SyncTables

if TYPE_CHECKING:
    from stretchtui.core.sync_status import RoundReport, SyncConfig
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository
    from stretchtui.store.sync_apply import Applied
    from stretchtui.store.sync_folder import SyncFolder

ABSORB_BY_UUID = 500
"""A round that changed up to this many records here reads back just those; more, whole sections."""


@dataclass(eq=False)
class Taker:
    """Takes in what the other devices sent, for one database."""

    db: SqliteDatabase
    clock: Clock
    tables: SyncTables
    library: LibraryRepository
    exchange: ExchangeRepository

    def take(self, folder: SyncFolder, config: SyncConfig, hlc: HybridClock, report: RoundReport) -> bool:
        """Take every other device's new changes; True if that made a merge here to send (a "yes"
        kept over an answer made without seeing it)."""
        scan = folder.scan()
        report.problems.extend(scan.foreign)
        cursors = self.tables.cursors()
        incoming: list[Change] = []
        new_cursors: dict[tuple[str, str], tuple[int, str | None]] = {}
        gone_cursors: list[tuple[str, str]] = []
        names: dict[str, str] = {}
        seen: dict[str, str | None] = {}
        sources: dict[int, str] = {}  # each change: the device whose log it was read from
        for device in scan.devices.values():
            if device.device == config.device:
                continue  # its conflict copies were read back before sending (_round)
            names[device.device] = device.name or device.device[:8]
            seen[device.device] = device.last_round
            report.problems.extend(device.notes)
            if device.problem:
                report.problems.append(device.problem)
                report.refused = True
                continue
            mine = {file: cursor for (dev, file), cursor in cursors.items() if dev == device.device}
            # Every generation there is read, each from its own cursor: normally one, but an old
            # one a sync tool has not deleted yet (or a stray newer file) must not hide the log
            # that goes on growing; a change taken twice does nothing.
            present = [*device.logs, *device.copies]
            reading = [(file, mine.get(file, (0, None))) for file in present]
            gone_cursors += [(device.device, file) for file in mine if file not in present]
            for file, (start, mark) in reading:
                read = self._read_on(folder, device.device, file, start, mark)
                incoming += read.changes
                sources.update((id(change), device.device) for change in read.changes)
                if read.problem:
                    report.problems.append(read.problem)
                    report.refused = True
                if read.reread:
                    report.problems.append(
                        f"{names[device.device]}: {escaped(file)} is not the version read before (being copied "
                        "again, or another copy of it arrived); read again from the top"
                    )
                if (read.end, read.mark) != (start, mark):
                    new_cursors[(device.device, file)] = (read.end, read.mark)
        now = self.clock.now()
        # A stamp far ahead with a counter of 0 is that machine's clock; one with a counter is an
        # edit stamped after a version from a clock ahead (any machine's), and says nothing of its own.
        ahead = {
            c.stamp.device
            for c in incoming
            if c.stamp.device != config.device and not hlc.receive(c.stamp, now) and c.stamp.counter == 0
        }
        for dev in sorted(ahead):
            report.problems.append(
                f"{names.get(dev, dev)}'s clock is more than 10 minutes ahead of this one: its changes are "
                "taken, but do not move this machine's clock (set its time right)"
            )
        return self.apply(incoming, hlc, report, names, seen, new_cursors, gone_cursors, sources=sources)

    @staticmethod
    def _read_on(folder: SyncFolder, device: str, file: str, start: int, mark: str | None) -> LogRead:
        """One log from its cursor to its end, a window at a time (a first read of a log longer
        than one window takes it all in this round, not a window a round)."""
        read = folder.read(device, file, start, mark)
        while not read.problem and read.end < (folder.size(device, file) or 0):
            more = folder.read(device, file, read.end, read.mark)
            read.problem = more.problem
            if more.end <= read.end or more.reread:
                break  # a line still being copied waits; a file changed meanwhile, next round
            read.changes += more.changes
            read.end, read.mark, read.problem = more.end, more.mark, more.problem
        return read

    def apply(
        self,
        incoming: list[Change],
        hlc: HybridClock,
        report: RoundReport,
        names: dict[str, str],
        seen: dict[str, str | None] | None = None,
        new_cursors: dict[tuple[str, str], tuple[int, str | None]] | None = None,
        gone_cursors: list[tuple[str, str]] | None = None,
        *,
        own: bool = False,
        sources: dict[int, str] | None = None,
    ) -> bool:
        """Apply `incoming` and move the cursors past it, in one transaction. The change counter is
        noted as seen only if nothing was written here since the changes made here were sent
        (else the next round looks for changes again: a check-in saved meanwhile goes out).
        True if a merge made here waits to be sent."""
        from stretchtui.store.sync_apply import ChangeApplier

        now = self.clock.now()
        with self.db.atomic():
            untouched = self.tables.meta().get("counter") == str(self.tables.counter())
            waiting = self.tables.pending()
            known = self.tables.known({(c.kind, c.key) for c in [*incoming, *waiting]})
            applier = ChangeApplier(
                self.db,
                self.library,
                self.exchange,
                known,
                now,
                self.tables.state_here,
                self.tables.digest_here,
                self.tables,
            )
            applied = applier.apply([*waiting, *incoming])
            report.problems.extend(applied.problems)
            again = {id(change) for change in waiting}
            for change, why in applied.refused:
                if id(change) not in again:  # said once; tried again each round, quietly, until it goes in
                    report.problems.append(why)
                    report.refused = True
            self.tables.keep_pending(applied.refused)
            # counted for the device whose log brought it (a snapshot carries others' stamps too)
            by_device = Counter((sources or {}).get(id(c), c.stamp.device) for c in applied.taken)
            if own:
                report.recovered += len(applied.taken)
            else:
                for dev, count in by_device.items():
                    report.received[names.get(dev, dev[:8])] += count
            self._absorb(applied)
            self._note_health(applier.health, applied.resend)
            self.tables.move_cursors(new_cursors or {}, gone_cursors or ())
            self.tables.note_devices(names, seen or {}, by_device, now)
            if applied.resend:  # a merge to send, even one that changed nothing here (so no write
                counted = {"counter": ""}  # moved the counter): the next round looks for changes
            else:
                counted = {"counter": str(self.tables.counter())} if untouched else {}
            self.tables.set_meta(last_round=now.isoformat(), **counted, **clock_meta(hlc))
        return bool(applied.resend)

    def _note_health(self, health: dict[str, Any], resend: set[tuple[str, str]]) -> None:
        """The versions each health setting now holds and has seen (store.sync_settings); a merge
        made here is marked, to go out as a merge (`from` the versions it holds)."""
        from stretchtui.store.sync_records import digest

        for key, here in health.items():
            merged = digest(here.value) if ("settings", key) in resend else None
            self.tables.set_health(key, here.holds, here.seen, merged)

    def _absorb(self, applied: Applied) -> None:
        """The records a round changed here: their stamps, and their digests as they are here now
        (so the next round does not send them back as changes made here), except a merge made
        here (core.sync_merge), which the next round sends as a change of this machine's."""
        stamps = applied.stamps
        if not stamps:
            return
        from stretchtui.store.sync_records import current_records, digest

        kinds = {kind for kind, _ in stamps}
        uuids = {key for _, key in stamps} if len(stamps) <= ABSORB_BY_UUID else None  # else whole sections
        now = {key: digest(plain) for key, plain in current_records(self.db, kinds, uuids=uuids) if key in stamps}
        self.tables.record(
            (key, stamp, None if key in applied.resend else now.get(key), applied.bases.get(key))
            for key, stamp in stamps.items()
        )
