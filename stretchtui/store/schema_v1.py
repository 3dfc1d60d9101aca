"""The schema of the first release: migration 1, as it was released (store.migrations).

Apart from the later steps (store.migration_steps) because it is the whole schema at once, every
table of the first release, and frozen like every released migration: the later ones change it
only by adding to it.
"""

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
