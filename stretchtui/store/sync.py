"""Sync through a folder another tool keeps the same on several machines (docs/sync.md).

One round: the records changed here since the last round (a digest of each record, against the
one kept in `sync_state`) are stamped and appended to this device's log; then every other
device's log is read from where the last round stopped and applied (store/sync_apply.py), in one
short transaction with the cursors, so a round killed half way is simply run again.

This module is this device (join, leave) and the round: one at a time per database, this device's
own log read back when it is not as this database left it, then sending (store.sync_send) and
taking (store.sync_take), and a few words for the status segment.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.core.errors import UserError
from stretchtui.core.plain_text import escaped
from stretchtui.core.sync_clock import HybridClock, Stamp
from stretchtui.core.sync_log import Change, log_generation
from stretchtui.core.sync_status import NotSyncing, RoundReport, SyncConfig, SyncStatus
from stretchtui.store.sync_folder import SyncFolder
from stretchtui.store.sync_send import Sender, log_intact
from stretchtui.store.sync_tables import SyncTables
from stretchtui.store.sync_take import Taker

if TYPE_CHECKING:
    from stretchtui.store.exchange import ExchangeRepository
    from stretchtui.store.library import LibraryRepository

DEVICE_FILE_EVERY = timedelta(hours=1)
"""How often a quiet round tells the others it ran (device.json's last_round)."""

NOTE_FOR = timedelta(minutes=30)
"""How long the status segment says what the last round brought in."""
NOTE_CHARS = 100

ROUND_WAIT_SECONDS = 60.0
"""How long a round waits for one already running on the same database (another process's)."""

COPIED_DATABASE = (
    "is a copy of this database also used on another machine? If so, there: stretchtui sync leave, "
    "then stretchtui sync init FOLDER."
)
"""The one advice for a database found writing as this device elsewhere."""

REPLAYED_AGAIN = timedelta(days=7)
"""This machine's own log found rewritten twice within this: a copy of the database elsewhere."""


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
        self.sender = Sender(db, clock, self.tables)
        self.taker = Taker(db, clock, self.tables, library, exchange)

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
        from stretchtui.store.flock import flock_within
        from stretchtui.store.lock import lock_path
        from stretchtui.store.private_files import FILE_MODE

        beside = lock_path(self.path)
        fd = os.open(
            beside.with_name(beside.name.removesuffix(".lock") + ".sync-lock"),
            os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC,
            FILE_MODE,
        )
        try:
            if not flock_within(fd, fcntl.LOCK_EX, ROUND_WAIT_SECONDS):
                raise UserError("another sync round of this database is still running; try again later")
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
            self.taker.apply([*replay, *copied], hlc, report, names={}, own=True)
            if replay:
                report.problems.append(self._replayed(meta, now))
            if copies or copied:
                report.problems.append(
                    "a conflict copy of this machine's own log was read back"
                    + (f" and removed ({escaped(copies[0])})" if copies else "")
                    + ": "
                    + COPIED_DATABASE
                )
        self.sender.send(folder, config, meta, hlc, report, fresh=bool(copies or copied))
        folder.remove_own(config.device, copies)  # the new generation holds what they held
        current = log_generation(self.tables.meta().get("log", "")) or 0
        # an older generation a sync tool brought back: the newest holds all it held
        folder.remove_own(
            config.device, [n for n in folder.own_logs(config.device) if (log_generation(n) or 0) < current]
        )
        if self.taker.take(folder, config, hlc, report):
            # A merge made by taking (a "yes" kept over an answer made without seeing it) goes out
            # in this round: a machine that takes this log next is cautious too, even if this one
            # never runs another round (docs/safety.md).
            self.sender.send(folder, config, self.tables.meta(), hlc, report)
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
        if newest is None or log_intact(newest, folder.size(device, newest), meta):
            return []
        return folder.read_all(device, newest).changes
