"""The streak numbers read straight from the database file, for `stretchtui status` and `stats`.

A status line in a shell prompt or tmux runs these every few seconds. Opening the store means
importing peewee and the whole store, checking the schema and the library: more than the reading
itself. When the file is a stretchtui database at the current schema version, this reads it
read-only with plain sqlite3 and the store's own queries (`store.day_summary`), changing and
creating nothing. Whenever it cannot be sure of the answer it returns None and the command opens
the store as before: a file that is missing, empty, foreign, older or newer, a restore under way,
any SQLite error, or the file changing while it was read.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import NamedTuple

from stretchtui.core.clock import Clock
from stretchtui.core.settings import Settings
from stretchtui.store.break_queries import BreakFacts, break_facts
from stretchtui.store.day_summary import StreakNumbers, day_activities, streak_numbers
from stretchtui.store.files import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    StoreError,
    connection_identity,
    inspect_file,
    read_only_connection,
    write_state,
)
from stretchtui.store.lock import DatabaseLock

STATUS_SETTINGS = ("day_start_hour", "goal_routines", "goal_minutes", "grace_per_week", "break_after_minutes")


class StatusFacts(NamedTuple):
    """Everything `stretchtui status` and `stats` show, as read from the database."""

    numbers: StreakNumbers
    breaks: BreakFacts
    settings: Settings


def glance_status_facts(path: Path, clock: Clock) -> StatusFacts | None:
    """The numbers, or None when only the store can tell them (see the module's docstring)."""
    try:
        info = inspect_file(path)
    except StoreError:
        return None  # the store says what is wrong, in its words
    if not info.exists or info.empty or info.application_id != APPLICATION_ID or info.user_version != SCHEMA_VERSION:
        return None
    with DatabaseLock(path) as lock:
        if not lock.try_shared(create=False):
            return None  # a restore is replacing the file, or no store ever opened it
        before = write_state(path)
        try:
            conn = read_only_connection(path)
            try:
                if connection_identity(conn)[:2] != (SCHEMA_VERSION, APPLICATION_ID):
                    return None  # the header was stale: the -wal file holds a newer one
                activities = day_activities(conn)
                breaks = break_facts(conn.execute)
                saved = dict(
                    conn.execute(
                        f"SELECT key, value FROM setting WHERE key IN ({', '.join('?' * len(STATUS_SETTINGS))})",
                        STATUS_SETTINGS,
                    ).fetchall()
                )
            finally:
                conn.close()
            settings = Settings({key: json.loads(value) for key, value in saved.items()})
        except (sqlite3.Error, ValueError, TypeError):
            return None
        if write_state(path) != before:
            return None  # written meanwhile (a read without locks may have seen half of it)
    return StatusFacts(streak_numbers(activities, settings, clock), breaks, settings)
