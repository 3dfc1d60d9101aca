"""Sync's own bookkeeping in the database (migrations 10 to 12): this device and its folder
(`sync_meta`), the newest stamp and digest of every record sent or taken (`sync_state`), how far
each other device's log was read (`sync_cursor`), the changes waiting to be taken
(`sync_pending`), and what is known of the other devices (`sync_device`). Only store.sync and
store.sync_overview use it; none of these tables is exported or counted by the change counter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from stretchtui.core.sync_clock import Stamp
from stretchtui.core.sync_log import Change, change_line
from stretchtui.core.sync_status import SyncConfig

TABLES = ("sync_state", "sync_cursor", "sync_pending", "sync_device", "sync_meta")


class SyncTables:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def forget(self) -> None:
        """Everything sync knew here (joining anew, or leaving); the records themselves stay."""
        for table in TABLES:
            self.db.execute_sql(f"DELETE FROM {table}")

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute_sql("SELECT key, value FROM sync_meta").fetchall())

    def set_meta(self, **values: str) -> None:
        for key, value in values.items():
            self.db.execute_sql(
                "INSERT INTO sync_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def config(self) -> SyncConfig | None:
        meta = self.meta()
        if "device" not in meta or "folder" not in meta:
            return None
        return SyncConfig(meta["device"], meta.get("name", ""), Path(meta["folder"]))

    def state(self) -> dict[tuple[str, str], tuple[Stamp, str | None]]:
        rows = self.db.execute_sql("SELECT kind, key, stamp, digest FROM sync_state").fetchall()
        return {(kind, key): (Stamp.parse(stamp), digest) for kind, key, stamp, digest in rows}

    def state_here(self, key: tuple[str, str]) -> tuple[Stamp, Stamp | None] | None:
        """The stamp here of a record's version, and of the version it replaced."""
        row = self.db.execute_sql("SELECT stamp, base FROM sync_state WHERE kind = ? AND key = ?", key).fetchone()
        return (Stamp.parse(row[0]), Stamp.parse(row[1]) if row[1] else None) if row else None

    def known(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Stamp]:
        """The stamps here of `keys` and of the removals of the same UUIDs."""
        wanted = keys | {("removed", key) for _, key in keys}
        state = self.state() if len(wanted) > 500 else None
        known: dict[tuple[str, str], Stamp] = {}
        for key in wanted:
            if state is not None:
                if key in state:
                    known[key] = state[key][0]
                continue
            if (here := self.state_here(key)) is not None:
                known[key] = here[0]
        return known

    def health(self, key: str) -> tuple[dict[Stamp, Any], set[Stamp]] | None:
        """A health setting's versions (store.sync_settings): those whose "yes" the value here holds,
        and every one it has seen; None before the first is noted."""
        import json

        row = self.db.execute_sql("SELECT value FROM sync_meta WHERE key = ?", (f"health:{key}",)).fetchone()
        if row is None:
            return None
        try:
            noted = json.loads(row[0])
            holds = {Stamp.parse(t): value for t, value in noted["holds"].items()}
            return holds, {Stamp.parse(t) for t in noted["seen"]}
        except (ValueError, KeyError, TypeError):
            return None

    def set_health(self, key: str, holds: dict[Stamp, Any], seen: set[Stamp], merged: str | None = None) -> None:
        """Note them (the newest MAX_SAW seen); `merged`: the digest of a merge made here, to go
        out as one (its `from` the versions it holds), not as a new answer."""
        import json

        from stretchtui.core.sync_log import MAX_SAW

        noted: dict[str, object] = {
            "holds": {stamp.text(): value for stamp, value in sorted(holds.items())},
            "seen": sorted(s.text() for s in seen)[-MAX_SAW:],
        }
        if merged is not None:
            noted["merged"] = merged
        self.set_meta(**{f"health:{key}": json.dumps(noted)})

    def merged_digest(self, key: str) -> str | None:
        import json

        row = self.db.execute_sql("SELECT value FROM sync_meta WHERE key = ?", (f"health:{key}",)).fetchone()
        try:
            value = json.loads(row[0]).get("merged") if row else None
        except ValueError:
            return None
        return value if isinstance(value, str) else None

    def digest_here(self, key: tuple[str, str]) -> str | None:
        """The digest of the version here of a record, as the last round noted it."""
        row = self.db.execute_sql("SELECT digest FROM sync_state WHERE kind = ? AND key = ?", key).fetchone()
        return row[0] if row else None

    def record(self, rows: Iterable[tuple[tuple[str, str], Stamp, str | None, Stamp | None]]) -> None:
        """(key, stamp, digest, base) of records sent or taken: the newest stamp stays."""
        for (kind, key), stamp, digest, base in rows:
            self.db.execute_sql(
                "INSERT INTO sync_state (kind, key, stamp, digest, base) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(kind, key) DO UPDATE SET stamp = max(stamp, excluded.stamp), digest = excluded.digest, "
                "base = CASE WHEN excluded.stamp >= stamp THEN excluded.base ELSE base END",
                (kind, key, stamp.text(), digest, base.text() if base else None),
            )

    def cursors(self) -> dict[tuple[str, str], tuple[int, str | None]]:
        """How far each log was read, and the mark of the line read last (core.sync_log.line_mark)."""
        rows = self.db.execute_sql("SELECT device, file, offset, mark FROM sync_cursor").fetchall()
        return {(device, file): (offset, mark) for device, file, offset, mark in rows}

    def counter(self) -> int:
        row = self.db.execute_sql("SELECT n FROM change_counter WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def pending(self) -> list[Change]:
        """The changes left out before, to try again: a routine whose own exercise had not arrived."""
        from stretchtui.core.sync_log import LogProblem, parse_change

        waiting = []
        for (line,) in self.db.execute_sql("SELECT line FROM sync_pending ORDER BY stamp").fetchall():
            try:
                waiting.append(parse_change(line.encode(), ""))
            except LogProblem:
                continue
        return waiting

    def keep_pending(self, refused: list[tuple[Change, str]]) -> None:
        """What is left out now waits (the newest per record); what went in, or was overtaken by a
        newer version here, waits no more."""
        self.db.execute_sql("DELETE FROM sync_pending")
        for change, why in refused:
            here = self.state_here((change.kind, change.key))
            if here is not None and here[0] >= change.stamp:
                continue
            self.db.execute_sql(
                "INSERT INTO sync_pending (kind, key, stamp, line, why) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(kind, key) DO UPDATE SET stamp = excluded.stamp, line = excluded.line, why = excluded.why "
                "WHERE excluded.stamp > stamp",
                (change.kind, change.key, change.stamp.text(), change_line(change).rstrip("\n"), why),
            )

    def move_cursors(
        self, new: Mapping[tuple[str, str], tuple[int, str | None]], gone: Iterable[tuple[str, str]]
    ) -> None:
        for (dev, file), (offset, mark) in new.items():
            self.db.execute_sql(
                "INSERT INTO sync_cursor (device, file, offset, mark) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(device, file) DO UPDATE SET offset = excluded.offset, mark = excluded.mark",
                (dev, file, offset, mark),
            )
        for dev, file in gone:
            self.db.execute_sql("DELETE FROM sync_cursor WHERE device = ? AND file = ?", (dev, file))

    def note_devices(
        self, names: Mapping[str, str], seen: Mapping[str, str | None], taken: Mapping[str, int], now: datetime
    ) -> None:
        """The other devices' names and last rounds, and for those this round took something
        from, how much and when."""
        for dev, name in names.items():
            self.db.execute_sql(
                "INSERT INTO sync_device (device, name, last_round) VALUES (?, ?, ?) ON CONFLICT(device) "
                "DO UPDATE SET name = excluded.name, last_round = coalesce(excluded.last_round, last_round)",
                (dev, name, seen.get(dev)),
            )
            if taken.get(dev):
                self.db.execute_sql(
                    "UPDATE sync_device SET changes_in = ?, changes_at = ? WHERE device = ?",
                    (taken[dev], now.isoformat(), dev),
                )
