"""SQLite's locks are POSIX record locks: the process loses all of them when it closes any
descriptor of the database file. A second store opened and closed in a process whose first store
is still open must leave the first one's locks in place, or another process can delete the -wal
file under it (found by the app-corrections work: a report run while a test's store was open)."""

from __future__ import annotations

import subprocess
import sys

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.store import Store


def test_a_second_store_in_the_same_process_keeps_the_first_ones_wal(db_path, clock) -> None:
    first = Store.open(db_path, clock)
    try:
        first.checkins.add_checkin([PainEntry(Region.NECK, 3)])
        Store.open(db_path, clock).close()  # reads the header, tightens the mode, closes
        done = subprocess.run(
            [sys.executable, "-m", "stretchtui", "--db", str(db_path), "stats"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert db_path.with_name(db_path.name + "-wal").exists(), "another process deleted the open store's WAL"
        # (through the first store's own connection: peewee's models are bound to the last store opened)
        with first.db.atomic():
            first.db.execute_sql("INSERT INTO setting (key, value, updated_at) VALUES ('probe', '1', '2026-11-21')")
        seen = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                    "print(c.execute(\"select count(*) from setting where key = 'probe'\").fetchone()[0])"
                ),
                str(db_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert seen.stdout.strip() == "1", "the first store's later write did not reach other processes"
    finally:
        first.close()
