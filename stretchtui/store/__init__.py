"""Persistence: peewee models over one SQLite file, migrations, and queries returning core types.

Imports no textual. Nothing opens a database at import time: call `Store.open(path, clock)`.
`Store` is imported on first use, so that `stretchtui.store.files` and `.location` (what the app
needs before its first frame) come without peewee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stretchtui.store.files import StoreError
from stretchtui.store.location import default_data_dir, resolve_db_path

if TYPE_CHECKING:
    from stretchtui.store.store import Store

__all__ = ["Store", "StoreError", "default_data_dir", "resolve_db_path"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from stretchtui.store.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
