"""Sync through a folder another tool keeps the same on several machines (docs/sync.md).

One round: the records changed here since the last round (a digest of each record, against the
one kept in `sync_state`) are stamped and appended to this device's log; then every other
device's log is read from where the last round stopped and applied (store/sync_apply.py), in one
short transaction with the cursors, so a round killed half way is simply run again.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.errors import UserError
from stretchtui.core.plain_text import escaped
from stretchtui.core.sync_clock import HybridClock, Stamp
from stretchtui.core.sync_log import Change, LogRead, change_line, log_generation, log_name
from stretchtui.core.sync_status import NotSyncing, RoundReport, SyncConfig, SyncStatus
from stretchtui.store.sync_folder import SyncFolder
from stretchtui.store.sync_tables import SyncTables

if TYPE_CHECKING:
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository
    from stretchtui.store.sync_apply import Applied

COMPACT_BYTES = 8 * 1024 * 1024
"""A log this big starts a new generation, when that would at least halve it."""

DEVICE_FILE_EVERY = timedelta(hours=1)
"""How often a quiet round tells the others it ran (device.json's last_round)."""

NOTE_FOR = timedelta(minutes=30)
"""How long the status segment says what the last round brought in."""
NOTE_CHARS = 100

ROUND_WAIT_SECONDS = 60.0
"""How long a round waits for one already running on the same database (another process's)."""

ABSORB_BY_UUID = 500
"""A round that changed up to this many records here reads back just those; more, whole sections."""

COPIED_DATABASE = (
    "is a copy of this database also used on another machine? If so, there: stretchtui sync leave, "
    "then stretchtui sync init FOLDER."
)
"""The one advice for a database found writing as this device elsewhere."""

REPLAYED_AGAIN = timedelta(days=7)
"""This machine's own log found rewritten twice within this: a copy of the database elsewhere."""

JOINED_STAMP_MS = 0
"""The wall time of the records found here when this machine joins a folder: any version another
machine has already sent wins over them, while a record no other machine has is still sent."""


class SyncRepository:
    def __init__(
        self, db: SqliteDatabase, path: Path, clock: Clock, library: LibraryRepository, exchange: ExchangeRepository
    ) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.library = library
        self.exchange = exchange
        self.tables = SyncTables(db)

    def config(self) -> SyncConfig | None:
        return self.tables.config()

    def status(self) -> SyncStatus:
        """What `sync --status` shows (store.sync_overview): read only, nothing synced."""
        from stretchtui.store.sync_overview import read_status

        return read_status(self.tables)

    # ------------------------------------------------------------------ this device

    def join(self, folder: Path, name: str | None = None) -> tuple[SyncConfig, bool]:
        """Make or join the sync folder and name this device in it; (config, whether the folder was
        made). Joining again where this database already syncs is refused; leave first."""
        import secrets

        here = self.tables.config()
        folder = Path(folder).expanduser().absolute()
        if here is not None:
            if here.folder == folder:
                return here, False
            raise UserError(f"this database already syncs through {here.folder}; first: stretchtui sync leave")
        made = SyncFolder(folder).join(self.clock.now())
        config = SyncConfig(secrets.token_hex(8), (name or socket.gethostname() or "this machine")[:60], folder)
        with self.db.atomic():
            self.tables.forget()
            self.tables.set_meta(
                device=config.device, name=config.name, folder=str(folder), joined_at=self.clock.now().isoformat()
            )
        return config, made

    def leave(self) -> SyncConfig:
        """Stop syncing: what this machine holds stays, and so do its files in the folder."""
        config = self.tables.config()
        if config is None:
            raise NotSyncing
        with self.db.atomic():
            self.tables.forget()
        return config

    # ------------------------------------------------------------------ a round

    def run_round(self) -> RoundReport:
        """One round: send what changed here, take what the others sent. One round at a time per
        database, whichever process runs it (the app's timer, `stretchtui sync` from cron). A
        database that does not sync is told so, and nothing is left beside it (no lock, no note)."""
        if self.tables.config() is None:
            raise NotSyncing
        with self._one_round_at_a_time():
            try:
                report = self._round()
            except UserError as error:
                self._note(f"sync failed: {error}"[:NOTE_CHARS], timedelta(days=7))
                raise
        if report.refused:
            self._note("sync: some changes not taken (see: stretchtui sync)", timedelta(days=7))
        elif report.received:
            self._note(report.came(), NOTE_FOR)
        else:
            from stretchtui.store.pending_nudge import SYNC_SUFFIX, clear_pending

            clear_pending(self.path, SYNC_SUFFIX)
        return report

    def _note(self, text: str, lasting: timedelta) -> None:
        """A few words for the status segment (store.pending_nudge); never a reason to fail a round."""
        from stretchtui.store.pending_nudge import SYNC_SUFFIX, write_pending

        try:
            write_pending(
                self.path, " ".join(text.split())[:NOTE_CHARS], self.clock.now() + lasting, suffix=SYNC_SUFFIX
            )
        except (OSError, ValueError):
            pass

    @contextmanager
    def _one_round_at_a_time(self) -> Iterator[None]:
        from stretchtui.store.lock import lock_path
        from stretchtui.store.private_files import FILE_MODE

        beside = lock_path(self.path)
        fd = os.open(
            beside.with_name(beside.name.removesuffix(".lock") + ".sync-lock"),
            os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC,
            FILE_MODE,
        )
        try:
            deadline = time.monotonic() + ROUND_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise UserError(
                            "another sync round of this database is still running; try again later"
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)

    def _round(self) -> RoundReport:
        config = self.tables.config()
        if config is None:
            raise NotSyncing
        folder = SyncFolder(config.folder)
        folder.check()
        now = self.clock.now()
        report = RoundReport(at=now)
        if loose := folder.make_own_private(config.device):
            report.problems.append(
                f"this machine's files in the sync folder could be read by others; made private: {', '.join(loose)}"
            )
        meta = self.tables.meta()
        hlc = HybridClock(config.device, Stamp.parse(meta["clock"]) if "clock" in meta else None)
        replay = self._own_log_to_replay(folder, config.device, meta)
        copies, copied = [], []
        for name in folder.own_copies(config.device):
            read = folder.read_all(config.device, name)
            copied += read.changes
            if read.problem is not None:  # left as it is, said, and read again next round
                report.problems.append(read.problem)
                report.refused = True
            elif read.end == folder.size(config.device, name):
                copies.append(name)  # read to its end: removed once the new generation holds it
            # else its last line is still being copied: it waits
        if replay or copied:
            # Not as this database left it: a crash mid-write, the database put back from a
            # backup, or another database writing as this device (a sync tool's conflict copy).
            # What is there is taken back here (the others may have it, and would never send it
            # again), then a new generation starts, holding it all.
            for change in [*replay, *copied]:
                hlc.witness(change.stamp)
            self._apply([*replay, *copied], hlc, report, names={}, own=True)
            if replay:
                report.problems.append(self._replayed(meta, now))
            if copies or copied:
                report.problems.append(
                    "a conflict copy of this machine's own log was read back"
                    + (f" and removed ({escaped(copies[0])})" if copies else "")
                    + ": "
                    + COPIED_DATABASE
                )
        self._send(folder, config, meta, hlc, report, fresh=bool(copies or copied))
        folder.remove_own(config.device, copies)  # the new generation holds what they held
        current = log_generation(self.tables.meta().get("log", "")) or 0
        # an older generation a sync tool brought back: the newest holds all it held
        folder.remove_own(
            config.device, [n for n in folder.own_logs(config.device) if (log_generation(n) or 0) < current]
        )
        self._take(folder, config, hlc, report)
        written = meta.get("device_file_at")
        if (
            report.sent
            or report.received
            or written is None
            or now - datetime.fromisoformat(written) > DEVICE_FILE_EVERY
        ):
            # "last seen" for the others; not every quiet round, which a sync tool would carry each time
            folder.write_device_file(
                config.device, {"device": config.device, "name": config.name, "last_round": now.isoformat()}
            )
            with self.db.atomic():
                self.tables.set_meta(device_file_at=now.isoformat())
        return report

    # ------------------------------------------------------------------ sending

    def _send(
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
        intact = _intact(newest, size, meta) and not fresh
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
        report.sent = len(changes)
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
            self.tables.set_meta(log=log, log_size=str(new_size), counter=str(counter), **extra, **_clock(hlc))
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

    def _replayed(self, meta: dict[str, str], now: datetime) -> str:
        """What to say when this machine's own log was not as this database left it. Once is a
        backup put back or a crash mid-write; again within a week, most likely a copy of this
        database syncing from another machine under the same name, each rewriting the other's log."""
        before = meta.get("replayed_at")
        with self.db.atomic():
            self.tables.set_meta(replayed_at=now.isoformat())
        line = (
            "this machine's log in the sync folder was not as this database left it (a backup put back? "
            "a crash while writing?): read it back, and started a new one"
        )
        try:
            since = datetime.fromisoformat(before) if before is not None else None
        except ValueError:
            since = None
        again = since is not None and now - since < REPLAYED_AGAIN and not self._restored_since(since)
        if again:
            line = (
                "this machine's log in the sync folder was rewritten from elsewhere again: "
                + COPIED_DATABASE
                + " Or does a copy of the whole folder bring back an older copy of this machine's log?"
            )
        return line

    def _restored_since(self, since: datetime) -> bool:
        """`stretchtui restore` ran since then (it keeps the database it replaced as a pre-restore
        backup): that explains a log not as the database left it, with no copy elsewhere."""
        from stretchtui.core.retention import PRE_RESTORE
        from stretchtui.store.backup_files import list_backups

        try:
            return any(name.kind == PRE_RESTORE and name.made_at >= since for name, _ in list_backups(self.path))
        except UserError:
            return False

    def _own_log_to_replay(self, folder: SyncFolder, device: str, meta: dict[str, str]) -> list[Change]:
        logs = folder.own_logs(device)
        newest = logs[-1] if logs else None
        if newest is None or _intact(newest, folder.size(device, newest), meta):
            return []
        return folder.read_all(device, newest).changes

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

    # ------------------------------------------------------------------ taking

    def _take(self, folder: SyncFolder, config: SyncConfig, hlc: HybridClock, report: RoundReport) -> None:
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
        self._apply(incoming, hlc, report, names, seen, new_cursors, gone_cursors, sources=sources)

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

    def _apply(
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
    ) -> None:
        """Apply `incoming` and move the cursors past it, in one transaction. The change counter is
        noted as seen only if nothing was written here since the changes made here were sent
        (else the next round looks for changes again: a check-in saved meanwhile goes out)."""
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
            self.tables.set_meta(last_round=now.isoformat(), **counted, **_clock(hlc))

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


def _intact(newest: str | None, size: int | None, meta: dict[str, str]) -> bool:
    """This device's newest log is as this database last left it (name and size)."""
    return newest is not None and newest == meta.get("log") and str(size) == meta.get("log_size")


def _clock(hlc: HybridClock) -> dict[str, str]:
    return {"clock": hlc.last.text()} if hlc.last is not None else {}
