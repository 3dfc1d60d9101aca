"""Persistence: peewee models over one SQLite file, migrations, and queries returning core types.

Imports no textual. Nothing opens a database at import time: call `Store.open(path, clock)`.
"""

from stretchtui.store.db import StoreError
from stretchtui.store.location import default_data_dir, resolve_db_path
from stretchtui.store.store import Store

__all__ = ["Store", "StoreError", "default_data_dir", "resolve_db_path"]
