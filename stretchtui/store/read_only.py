"""Opening a database file so that nothing can change it: in its own module, importing only `os`,
because `stretchtui status` (store.status_cache) opens one on every run of a status line."""

from __future__ import annotations

import os
import sqlite3

_URI_ESCAPES = str.maketrans({"%": "%25", "?": "%3f", "#": "%23"})  # what SQLite's file: URIs reserve


def read_only_connection(path: str | os.PathLike[str], *, alone: bool = True) -> sqlite3.Connection:
    """A connection that cannot change the file, and creates no file beside it when it can help it.

    With no -wal file next to it, no connection has the database open (WAL mode keeps that file
    while one does), so it is opened immutable: no locks, no -wal or -shm created. Pass
    `alone=False` when a writer may open it meanwhile; then, and whenever there is a -wal file (whose
    commits count), it is opened read-only the ordinary way, with SQLite's locking."""
    name = os.fspath(path)
    immutable = alone and not os.path.exists(f"{name}-wal")
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"file:{name.translate(_URI_ESCAPES)}?{mode}", uri=True, check_same_thread=False)
