"""The one factory that builds the app, for the CLI and for tests alike."""

from __future__ import annotations

from pathlib import Path

from stretchtui.core.clock import Clock, SystemClock
from stretchtui.store import Store, resolve_db_path
from stretchtui.ui.app import StretchApp


def make_app(db_path: str | Path | None = None, *, clock: Clock | None = None, store: Store | None = None,
             seed_dir: Path | None = None, cursor_blink: bool = True,
             initial_routine: str | None = None, show_routine: str | None = None) -> StretchApp:
    """Build the app over `store`, or over a store opened now at `db_path` (which the app then owns
    and closes on exit). Nothing is opened before this is called."""
    clock = clock or (store.clock if store is not None else SystemClock())
    owns_store = store is None
    if store is None:
        store = Store.open(resolve_db_path(db_path), clock, seed_dir=seed_dir)
    return StretchApp(store=store, clock=clock, owns_store=owns_store, cursor_blink=cursor_blink,
                      initial_routine=initial_routine, show_routine=show_routine)
