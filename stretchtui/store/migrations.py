"""The schema, as the one ordered list of migrations since the first release, and which are pending.

A migration is frozen once released: later changes add a new migration, never edit an old one.
`PRAGMA user_version` holds the number of the last one applied. All pending migrations run in one
IMMEDIATE transaction (SQLite DDL is transactional, and so is user_version), after a backup copy of
an existing file: a crash mid-migration leaves the old version and data as they were.

The steps themselves (their SQL, the tables the change counter counts) are in store.migration_steps,
the first release's schema in store.schema_v1: this module is the order, read in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stretchtui.store.migration_steps import (
    V2_AGGREGATE_INDEXES,
    V3_SAFETY,
    V4_CORRECTIONS,
    V6_FUNCTION,
    V9_COUNTED,
    V10_SYNC,
    add_activity,
    add_column,
    add_programs,
    add_sync_pending,
    count_changes,
    execute_script,
)
from stretchtui.store.schema_v1 import V1_SCHEMA

if TYPE_CHECKING:  # read without peewee by the commands that only look (store/files.py, store/glance.py)
    from peewee import SqliteDatabase


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[SqliteDatabase], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema: library, routines, sessions and steps, check-ins, day marks, settings",
        lambda db: execute_script(db, V1_SCHEMA),
    ),
    Migration(
        2,
        "covering indexes for the aggregates over all history (streaks, relief per exercise)",
        lambda db: execute_script(db, V2_AGGREGATE_INDEXES),
    ),
    Migration(
        3,
        "exercise contraindications (condition -> reason); sessions record a safety confirmation",
        lambda db: execute_script(db, V3_SAFETY),
    ),
    Migration(
        4,
        "a correctable record: rest and flare days, check-in edits, removals kept for undo and as tombstones",
        lambda db: execute_script(db, V4_CORRECTIONS),
    ),
    # An own exercise can say what to do instead when it is too much today (core.model.Exercise.easier).
    Migration(
        5, "an exercise's easier version", lambda db: add_column(db, "exercise", "easier", "TEXT NOT NULL DEFAULT ''")
    ),
    Migration(
        6, "weekly function ratings of up to three everyday activities", lambda db: execute_script(db, V6_FUNCTION)
    ),
    Migration(7, "programs: imported prescriptions, the choices made, the program of each session", add_programs),
    Migration(
        8, "measured activity spans, break nudges taken or not, a change counter for the status line", add_activity
    ),
    Migration(
        9,
        "the change counter also counts programs, ratings and the library (status --json)",
        lambda db: count_changes(db, V9_COUNTED),
    ),
    Migration(
        10,
        "sync through a folder: this device, the records sent and taken, the logs read",
        lambda db: execute_script(db, V10_SYNC),
    ),
    Migration(11, "sync: changes waiting to be taken, and the version each change replaced", add_sync_pending),
    Migration(
        12,
        "sync: each cursor names the line it stopped after, so another version of a log is noticed",
        lambda db: add_column(db, "sync_cursor", "mark", "TEXT"),
    ),
)
LATEST_VERSION = MIGRATIONS[-1].version


def pending(current: int) -> list[Migration]:
    return [m for m in MIGRATIONS if m.version > current]
