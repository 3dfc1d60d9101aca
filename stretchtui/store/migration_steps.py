"""The schema's changes since the first release, each frozen once released: the SQL of each step,
the steps that are more than one script, the tables the change counter counts, and the few tools
steps are written with (a script run inside the open transaction, a column added unless there,
triggers that count changes, a CHECK list from an enum).

Apart from store.migrations, which keeps the one ordered list of migrations and what runs them,
so that the order is read in one short place and the long SQL here. Read without peewee by the
commands that only look (store/files.py, store/glance.py): peewee only for type checking.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peewee import SqliteDatabase


def execute_script(db: SqliteDatabase, script: str) -> None:
    # executescript() would COMMIT the open transaction, so run statements one by one.
    without_comments = re.sub(r"--[^\n]*", "", script)
    for statement in without_comments.split(";"):
        if statement.strip():
            db.execute_sql(statement)


# Covering indexes for the aggregates over all history (streaks on Today, History and in
# `stretchtui status`; relief per exercise): with years of steps, reading each step's row just for
# its outcome, seconds and name was most of the cost of those queries.
V2_AGGREGATE_INDEXES = """
CREATE INDEX session_step_outcome ON session_step (session_id, outcome, actual_hold_seconds, exercise_name);
CREATE INDEX session_status_day ON session (status, day, source, active_seconds);
"""

# What a physiotherapist would want on record: which conditions an exercise does not suit (and why),
# and, with a session started despite an open safety answer or a listed condition, what the person
# confirmed (JSON: {"reasons": [...], "at": ...}).
V3_SAFETY = """
ALTER TABLE exercise ADD COLUMN contraindications TEXT NOT NULL DEFAULT '{}';
ALTER TABLE session ADD COLUMN safety_confirmed TEXT;
"""

# A correctable record (core/entries.py): a day is marked rest or flare (one mark per day, changed
# in place); a check-in knows when it was last edited; a removed session, check-in or day mark
# leaves its UUID here for ever (so an import never brings it back) and, for 30 days, its rows as
# JSON (so undo can).
V4_CORRECTIONS = """
CREATE TABLE day_mark_v4 (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('rest', 'flare')),
    at TEXT NOT NULL,
    zone TEXT NOT NULL
);
INSERT INTO day_mark_v4 (id, uuid, day, kind, at, zone)
    SELECT id, uuid, day, kind, at, zone FROM day_mark WHERE id IN (SELECT MIN(id) FROM day_mark GROUP BY day);
DROP TABLE day_mark;
ALTER TABLE day_mark_v4 RENAME TO day_mark;
ALTER TABLE checkin ADD COLUMN updated_at TEXT;
CREATE TABLE removed (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'checkin', 'day_mark')),
    uuid TEXT NOT NULL,
    day TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    removed_at TEXT NOT NULL,
    record TEXT,
    UNIQUE (kind, uuid)
);
CREATE INDEX removed_uuid ON removed (uuid);
"""


# Function, not only pain (core/function.py): a rating 0-10 of an everyday activity, one per
# activity and ISO week (Monday: `week`); a new rating that week replaces it in place.
V6_FUNCTION = """
CREATE TABLE IF NOT EXISTS function_rating (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    activity TEXT NOT NULL COLLATE NOCASE,
    week TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 10),
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL,
    UNIQUE (activity, week)
);
CREATE INDEX IF NOT EXISTS function_rating_week ON function_rating (week);
"""

V7_PROGRAMS = """
CREATE TABLE IF NOT EXISTS program_file (
    id INTEGER PRIMARY KEY,
    program_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    text TEXT NOT NULL,                 -- the prescription as imported: export writes it back out
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    UNIQUE (program_id, version)
);
CREATE TABLE IF NOT EXISTS program_choice (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    choice TEXT NOT NULL CHECK (choice IN ('start', 'stop', 'switch', 'leave-flare')),
    program_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS program_choice_day ON program_choice (day);
"""


def add_programs(db: SqliteDatabase) -> None:
    execute_script(db, V7_PROGRAMS)
    add_column(db, "session", "program_id", "TEXT")
    add_column(db, "session", "program_version", "INTEGER")


# Measured activity (core.activity): the spans a shell or tmux hook's ticks became (the ticks
# themselves are folded away), and the breaks a nudge offered: taken, put off or skipped.
V8_ACTIVITY = """
CREATE TABLE IF NOT EXISTS activity_span (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,           -- UTC instant of the first tick
    ended_at TEXT NOT NULL,             -- UTC instant of the last tick
    zone TEXT NOT NULL,
    day TEXT NOT NULL,                  -- logical day (a span never crosses one: it is cut there)
    UNIQUE (started_at)
);
CREATE INDEX IF NOT EXISTS activity_span_day ON activity_span (day);
CREATE TABLE IF NOT EXISTS break_event (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN {breaks}),
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS break_event_day ON break_event (day);
CREATE TABLE IF NOT EXISTS change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT OR IGNORE INTO change_counter (id, n) VALUES (1, 0);
"""

V8_COUNTED = (
    "session",
    "session_step",
    "checkin",
    "checkin_pain",
    "day_mark",
    "setting",
    "activity_span",
    "break_event",
)
V9_COUNTED = ("program_choice", "program_file", "function_rating", "exercise", "routine", "routine_item", "removed")
"""Where `status --json` reads where you are in your program: the choices, the prescriptions, the
weekly ratings its reviews read, and the library its sessions are made of (and the removals kept
for undo, so every table but the counter itself is counted)."""
COUNTED_TABLES = V8_COUNTED + V9_COUNTED
"""The tables whose every change bumps `change_counter.n` (by trigger, whichever process writes):
what `stretchtui status` and `stats` show comes from these alone, so an unchanged counter means an
unchanged answer (store.status_cache)."""


V10_SYNC = """
CREATE TABLE IF NOT EXISTS sync_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_state (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    stamp TEXT NOT NULL,
    digest TEXT,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_cursor (
    device TEXT NOT NULL,
    file TEXT NOT NULL,
    offset INTEGER NOT NULL CHECK (offset >= 0),
    PRIMARY KEY (device, file)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_device (
    device TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    last_round TEXT,
    changes_in INTEGER NOT NULL DEFAULT 0,
    changes_at TEXT
) WITHOUT ROWID;
"""
"""Sync through a folder (store.sync, docs/sync.md): this device and its folder (meta); the newest
stamp and digest of every record sent or taken, and the stamp of the version it replaced (state);
how far each other device's log was read (cursor); the changes that could not be taken yet, tried
again each round (pending: a routine whose own exercise has not arrived); and what is known of the
other devices."""

V11_SYNC_PENDING = """
CREATE TABLE IF NOT EXISTS sync_pending (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    stamp TEXT NOT NULL,
    line TEXT NOT NULL,
    why TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
"""
"""Released after migration 10 (main had it for a day): the changes that could not be taken yet,
and the stamp of the version each record's version replaced (core.sync_merge)."""


def add_sync_pending(db: SqliteDatabase) -> None:
    execute_script(db, V11_SYNC_PENDING)
    add_column(db, "sync_state", "base", "TEXT")


UNCOUNTED: dict[str, str] = {
    "change_counter": "the counter itself",
    "sync_meta": "sync's own bookkeeping: a round that brings nothing changes no answer of the status line",
    "sync_state": "sync's own bookkeeping (the records a round changes are counted in their own tables)",
    "sync_cursor": "sync's own bookkeeping",
    "sync_pending": "sync's own bookkeeping (a change waiting is not yet part of the record)",
    "sync_device": "sync's own bookkeeping",
}
"""The tables whose changes do not bump the counter, each with why."""


def count_changes(db: SqliteDatabase, tables: tuple[str, ...]) -> None:
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table}"
                " BEGIN UPDATE change_counter SET n = n + 1 WHERE id = 1; END"
            )


def add_activity(db: SqliteDatabase) -> None:
    from stretchtui.core.breaks import BreakKind

    execute_script(db, V8_ACTIVITY.replace("{breaks}", one_of(BreakKind)))
    count_changes(db, V8_COUNTED)


def one_of(enum: type[Enum]) -> str:
    """A CHECK list from an enum (core), for new migrations: `kind IN ('rest', 'flare')`. The
    released migrations keep their literal lists: a migration is frozen once released."""
    return "(" + ", ".join(f"'{member.value}'" for member in enum) + ")"


def add_column(db: SqliteDatabase, table: str, column: str, definition: str) -> None:
    """ALTER TABLE ... ADD COLUMN, unless the column is there already (a file put back by hand to
    an older version number keeps the columns it had)."""
    if column not in {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})").fetchall()}:
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
