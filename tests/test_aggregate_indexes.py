"""Migration 2's covering indexes: the aggregates over all history read the indexes, not the rows,
and an existing database keeps its history across the upgrade."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from history_data import fill_history_fast

from stretchtui.store import Store, day_summary, migrations


def plan(store: Store, sql: str) -> str:
    return " | ".join(row[-1] for row in store.db.execute_sql(f"EXPLAIN QUERY PLAN {sql}").fetchall())


def test_the_day_summaries_use_the_covering_indexes(store: Store, clock) -> None:
    fill_history_fast(store, clock, days=30)
    for since in ("", " AND s.day >= '2026-11-01'"):  # the store's own day summaries (store/day_summary.py)
        assert "COVERING INDEX session_step_outcome" in plan(store, day_summary.HOLDS_SQL.format(since=since))
    for sql in (day_summary.SESSIONS_SQL, day_summary.BACKFILL_SQL):
        assert "COVERING INDEX session_status_day" in plan(store, sql.format(since=" AND day >= '2026-11-01'"))


def test_upgrading_to_the_indexes_keeps_every_row_and_every_number(tmp_path: Path, clock) -> None:
    path = tmp_path / "old.db"
    store = Store.open(path, clock)
    fill_history_fast(store, clock, days=40)
    before = (
        store.history.day_activities(),
        store.history.relief(),
        store.history.streak_summary(date(2026, 11, 21)).current,
    )
    store.close()
    conn = sqlite3.connect(path)  # back to what the first release left: schema version 1, no indexes
    conn.execute("DROP INDEX session_step_outcome")
    conn.execute("DROP INDEX session_status_day")
    conn.execute("ALTER TABLE exercise DROP COLUMN contraindications")  # and no migration 3 yet
    conn.execute("ALTER TABLE session DROP COLUMN safety_confirmed")
    conn.execute("DROP TABLE removed")  # and no migration 4 either
    conn.execute("ALTER TABLE checkin DROP COLUMN updated_at")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    store = Store.open(path, clock)
    try:
        assert store.schema_version() == migrations.LATEST_VERSION >= 2
        after = (
            store.history.day_activities(),
            store.history.relief(),
            store.history.streak_summary(date(2026, 11, 21)).current,
        )
        assert after == before and before[0]
        names = {row[0] for row in store.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"session_step_outcome", "session_status_day"} <= names
    finally:
        store.close()
