"""The one factory that builds the app, for the CLI and for tests alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.core.clock import Clock, SystemClock
from stretchtui.store.location import resolve_db_path
from stretchtui.ui.app import StretchApp

if TYPE_CHECKING:
    from stretchtui.core.ports import StorePort


def make_app(
    db_path: str | Path | None = None,
    *,
    clock: Clock | None = None,
    store: StorePort | None = None,
    open_store: Callable[[], StorePort] | None = None,
    theme: str | None = None,
    seed_dir: Path | None = None,
    cursor_blink: bool = True,
    initial_routine: str | None = None,
    show_routine: str | None = None,
) -> StretchApp:
    """Build the app over `store`; or over `open_store()`, which the app calls in a thread once its
    first frame is drawn (`theme`: the saved theme, read early); or over a store opened now at
    `db_path`. The app closes a store it opened itself. Nothing is opened before this is called."""
    clock = clock or (store.clock if store is not None else SystemClock())
    owns_store = store is None
    if store is None and open_store is None:
        from stretchtui.store import Store

        store = Store.open(resolve_db_path(db_path), clock, seed_dir=seed_dir)
    return StretchApp(
        store=store,
        clock=clock,
        open_store=open_store,
        theme=theme,
        owns_store=owns_store,
        cursor_blink=cursor_blink,
        initial_routine=initial_routine,
        show_routine=show_routine,
    )
