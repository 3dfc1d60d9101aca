"""The schema, as an ordered list of migrations since the first release.

A migration is frozen once released: later changes add a new migration, never edit an old one.
`PRAGMA user_version` holds the number of the last one applied. All pending migrations run in one
IMMEDIATE transaction (SQLite DDL is transactional, and so is user_version), after a backup copy of
an existing file: a crash mid-migration leaves the old version and data as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # read without peewee by the commands that only look (store/files.py, store/glance.py)
    from peewee import SqliteDatabase

V1_SCHEMA = """
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,                -- JSON
    updated_at TEXT NOT NULL
);

CREATE TABLE exercise (
    id TEXT PRIMARY KEY,                -- slug, own exercises start with 'my-'
    uuid TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL CHECK (origin IN ('seed', 'user')),
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    areas TEXT NOT NULL,
    kind TEXT NOT NULL,
    position TEXT NOT NULL,
    equipment TEXT NOT NULL DEFAULT '[]',
    desk_friendly INTEGER NOT NULL DEFAULT 0,
    intensity INTEGER NOT NULL CHECK (intensity BETWEEN 1 AND 3),
    hold_seconds INTEGER NOT NULL DEFAULT 0,
    reps INTEGER NOT NULL DEFAULT 0,
    sets INTEGER NOT NULL DEFAULT 1,
    sides TEXT NOT NULL DEFAULT 'both' CHECK (sides IN ('both', 'each')),
    pace_seconds INTEGER NOT NULL DEFAULT 3,
    rest_seconds INTEGER NOT NULL DEFAULT 15,
    steps TEXT NOT NULL,
    feel TEXT NOT NULL DEFAULT '',
    cautions TEXT NOT NULL DEFAULT '[]',
    sources TEXT NOT NULL DEFAULT '[]',
    breathing TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    favourite INTEGER NOT NULL DEFAULT 0,
    retired INTEGER NOT NULL DEFAULT 0, -- a seeded exercise no longer in the seed data
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE routine (
    id TEXT PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL CHECK (origin IN ('seed', 'user')),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rest_between_seconds INTEGER NOT NULL DEFAULT 10,
    sources TEXT NOT NULL DEFAULT '[]',
    retired INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE routine_item (
    id INTEGER PRIMARY KEY,
    routine_id TEXT NOT NULL REFERENCES routine (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    exercise_id TEXT NOT NULL REFERENCES exercise (id) ON DELETE RESTRICT,
    hold_seconds INTEGER,
    reps INTEGER,
    sets INTEGER,
    sides TEXT CHECK (sides IN ('both', 'each')),
    rest_after_seconds INTEGER,
    UNIQUE (routine_id, position)
);

CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    routine_id TEXT REFERENCES routine (id) ON DELETE SET NULL,
    routine_name TEXT NOT NULL,         -- as it was then: history survives renames and deletes
    source TEXT NOT NULL DEFAULT 'live' CHECK (source IN ('live', 'backfill')),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'partial', 'discarded')),
    started_at TEXT NOT NULL,           -- UTC instant
    zone TEXT NOT NULL,                 -- IANA zone in force at the start
    day TEXT NOT NULL,                  -- logical day, fixed at write time
    ended_at TEXT,
    planned_seconds INTEGER NOT NULL DEFAULT 0,
    active_seconds REAL NOT NULL DEFAULT 0,
    pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
    pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
    resume_state TEXT                   -- JSON: where an interrupted session stopped
);
CREATE INDEX session_day ON session (day);
CREATE INDEX session_status ON session (status);

CREATE TABLE session_step (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    step_index INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,          -- no foreign key: history outlives a deleted exercise
    exercise_name TEXT NOT NULL,
    set_number INTEGER NOT NULL DEFAULT 1,
    side TEXT NOT NULL DEFAULT 'both' CHECK (side IN ('both', 'left', 'right')),
    planned_hold_seconds INTEGER NOT NULL DEFAULT 0,
    actual_hold_seconds REAL NOT NULL DEFAULT 0,
    planned_reps INTEGER NOT NULL DEFAULT 0,
    reps_done INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped', 'hurt')),
    hurt_pain INTEGER CHECK (hurt_pain BETWEEN 0 AND 10),
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL,
    UNIQUE (session_id, step_index)
);
CREATE INDEX session_step_exercise ON session_step (exercise_id);

CREATE TABLE checkin (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'cli', 'session')),
    sitting_hours REAL CHECK (sitting_hours BETWEEN 0 AND 24),
    no_comfortable_position INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    session_id INTEGER REFERENCES session (id) ON DELETE SET NULL
);
CREATE INDEX checkin_day ON checkin (day);

CREATE TABLE checkin_pain (
    id INTEGER PRIMARY KEY,
    checkin_id INTEGER NOT NULL REFERENCES checkin (id) ON DELETE CASCADE,
    region TEXT NOT NULL,
    side TEXT NOT NULL DEFAULT '' CHECK (side IN ('', 'left', 'right')),
    pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
    UNIQUE (checkin_id, region, side)
);

CREATE TABLE day_mark (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rest')),
    at TEXT NOT NULL,
    zone TEXT NOT NULL,
    UNIQUE (day, kind)
);
"""


def _execute_script(db: SqliteDatabase, script: str) -> None:
    # executescript() would COMMIT the open transaction, so run statements one by one.
    without_comments = re.sub(r"--[^\n]*", "", script)
    for statement in without_comments.split(";"):
        if statement.strip():
            db.execute_sql(statement)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[SqliteDatabase], None]


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


def _v7(db: SqliteDatabase) -> None:
    _execute_script(db, V7_PROGRAMS)
    _add_column(db, "session", "program_id", "TEXT")
    _add_column(db, "session", "program_version", "INTEGER")


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


def _v11(db: SqliteDatabase) -> None:
    _execute_script(db, V11_SYNC_PENDING)
    _add_column(db, "sync_state", "base", "TEXT")


UNCOUNTED: dict[str, str] = {
    "change_counter": "the counter itself",
    "sync_meta": "sync's own bookkeeping: a round that brings nothing changes no answer of the status line",
    "sync_state": "sync's own bookkeeping (the records a round changes are counted in their own tables)",
    "sync_cursor": "sync's own bookkeeping",
    "sync_pending": "sync's own bookkeeping (a change waiting is not yet part of the record)",
    "sync_device": "sync's own bookkeeping",
}
"""The tables whose changes do not bump the counter, each with why."""


def _count_changes(db: SqliteDatabase, tables: tuple[str, ...]) -> None:
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table}"
                " BEGIN UPDATE change_counter SET n = n + 1 WHERE id = 1; END"
            )


def _v8(db: SqliteDatabase) -> None:
    from stretchtui.core.breaks import BreakKind

    _execute_script(db, V8_ACTIVITY.replace("{breaks}", one_of(BreakKind)))
    _count_changes(db, V8_COUNTED)


def one_of(enum: type[Enum]) -> str:
    """A CHECK list from an enum (core), for new migrations: `kind IN ('rest', 'flare')`. The
    released migrations above keep their literal lists: a migration is frozen once released."""
    return "(" + ", ".join(f"'{member.value}'" for member in enum) + ")"


def _add_column(db: SqliteDatabase, table: str, column: str, definition: str) -> None:
    """ALTER TABLE ... ADD COLUMN, unless the column is there already (a file put back by hand to
    an older version number keeps the columns it had)."""
    if column not in {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})").fetchall()}:
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema: library, routines, sessions and steps, check-ins, day marks, settings",
        lambda db: _execute_script(db, V1_SCHEMA),
    ),
    Migration(
        2,
        "covering indexes for the aggregates over all history (streaks, relief per exercise)",
        lambda db: _execute_script(db, V2_AGGREGATE_INDEXES),
    ),
    Migration(
        3,
        "exercise contraindications (condition -> reason); sessions record a safety confirmation",
        lambda db: _execute_script(db, V3_SAFETY),
    ),
    Migration(
        4,
        "a correctable record: rest and flare days, check-in edits, removals kept for undo and as tombstones",
        lambda db: _execute_script(db, V4_CORRECTIONS),
    ),
    # An own exercise can say what to do instead when it is too much today (core.model.Exercise.easier).
    Migration(
        5, "an exercise's easier version", lambda db: _add_column(db, "exercise", "easier", "TEXT NOT NULL DEFAULT ''")
    ),
    Migration(
        6, "weekly function ratings of up to three everyday activities", lambda db: _execute_script(db, V6_FUNCTION)
    ),
    Migration(7, "programs: imported prescriptions, the choices made, the program of each session", _v7),
    Migration(8, "measured activity spans, break nudges taken or not, a change counter for the status line", _v8),
    Migration(
        9,
        "the change counter also counts programs, ratings and the library (status --json)",
        lambda db: _count_changes(db, V9_COUNTED),
    ),
    Migration(
        10,
        "sync through a folder: this device, the records sent and taken, the logs read",
        lambda db: _execute_script(db, V10_SYNC),
    ),
    Migration(11, "sync: changes waiting to be taken, and the version each change replaced", _v11),
    Migration(
        12,
        "sync: each cursor names the line it stopped after, so another version of a log is noticed",
        lambda db: _add_column(db, "sync_cursor", "mark", "TEXT"),
    ),
)
LATEST_VERSION = MIGRATIONS[-1].version


def pending(current: int) -> list[Migration]:
    return [m for m in MIGRATIONS if m.version > current]
