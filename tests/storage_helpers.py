"""Shared steps for the backup, restore, doctor and storage reliability tests."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read_only(path: Path) -> sqlite3.Connection:
    """Look inside a database file without changing it: immutable (no -wal or -shm created) unless
    a -wal file holds commits that count."""
    options = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{quote(str(path))}?{options}", uri=True)


def flip_page_type(path: Path, table: str = "checkin") -> int:
    """Damage the file the way one bad byte does: invert the page-type byte of `table`'s root
    b-tree page (0x0d, a table leaf, becomes 0xf2, which no page type has). Returns the offset.

    quick_check cannot find a flip inside a stored value (SQLite keeps no page checksums); it finds
    one in the structure, which is what this is."""
    conn = read_only(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    offset = (root - 1) * page_size
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ 0xFF]))
    return offset


def tree(directory: Path) -> dict[str, str]:
    """Every file under `directory` by relative path, with a digest of its bytes and its mode:
    two equal trees mean nothing was created, removed, changed or chmodded."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            found[str(path.relative_to(directory))] = f"{digest} {mode(path):04o}"
    return found


def rows(path: Path, sql: str) -> list[tuple]:
    conn = read_only(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def user_rows(path: Path) -> dict[str, list[tuple]]:
    """What the user wrote (settings aside, which the app itself updates), for before/after checks."""
    return {
        table: rows(path, f"SELECT * FROM {table} ORDER BY id")
        for table in ("checkin", "checkin_pain", "session", "session_step", "day_mark")
    }
