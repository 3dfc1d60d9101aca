"""Persistence: peewee models over one SQLite file, migrations, and queries returning core types.

Imports no textual. Nothing opens a database at import time: call `Store.open(path, clock)`.
Nothing is imported with the package itself: `stretchtui tick` (before every shell prompt) needs
one small module of it, `.files` and `.location` (the app before its first frame) come without
peewee, and `Store` with it, each on first use.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs `stretchtui tick` a third of its time
if TYPE_CHECKING:
    from stretchtui.store.files import StoreError
    from stretchtui.store.location import default_data_dir, resolve_db_path
    from stretchtui.store.store import Store

__all__ = ["Store", "StoreError", "default_data_dir", "resolve_db_path"]

_HOMES = {
    "Store": "stretchtui.store.store",
    "StoreError": "stretchtui.store.files",
    "default_data_dir": "stretchtui.store.location",
    "resolve_db_path": "stretchtui.store.location",
}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
