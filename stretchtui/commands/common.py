"""What every command shares: the one-line error, the argparse subclass, opening the store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from stretchtui.core.errors import UserError


class CliError(UserError):
    """Bad command-line input: one line on stderr, exit status 2, nothing written."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr with exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def db_path(args: argparse.Namespace) -> Path:
    """The database path (--db, $STRETCHTUI_DB or the user data directory), made absolute so that
    every message and command shown is exact."""
    from stretchtui.store.location import resolve_db_path

    return Path(os.path.abspath(resolve_db_path(args.db)))


def open_store(args: argparse.Namespace, *, quick_check: bool = True, create: bool = True):  # -> Store
    """The store at --db / $STRETCHTUI_DB / the user data directory, on the command's clock.
    `create=False` for the commands that only read: a path with no database is refused in one line
    and nothing is created (a mistyped --db must not leave a directory and a database behind)."""
    from stretchtui.store import Store, resolve_db_path

    path = resolve_db_path(args.db)
    if not create:
        refuse_missing(path)
    return Store.open(path, args.clock, quick_check=quick_check)


def refuse_missing(path: Path) -> None:
    """A command that only reads, on a path with no database: one line, exit 1, nothing created."""
    from stretchtui.store.files import StoreError

    if not os.path.lexists(path):
        raise StoreError(f"no database at {os.path.abspath(path)}; nothing was created (check --db, or run "
                         "stretchtui once to start one)")


def save_on_hangup(opened_store: Callable[[], Any]) -> None:
    """A dropped SSH connection (SIGHUP) or a polite kill (SIGTERM): every finished step is already
    saved; mark the session in progress as partial (still resumable) and leave at once.
    `opened_store()` is the store if it is open yet (before that, no session can be running)."""
    import signal

    def handler(signum: int, _frame: object) -> None:
        try:
            if (store := opened_store()) is not None:
                store.mark_hangup_partial()
        finally:
            os._exit(128 + signum)

    signal.signal(signal.SIGHUP, handler)
    signal.signal(signal.SIGTERM, handler)


def run_app(store=None, **options) -> int:
    """Run the app over an open store, or over `open_store` (see make_app), and close the store
    after. Raises the error that kept the store from opening. `options` go to make_app."""
    from stretchtui.factory import make_app

    app = make_app(store=store, **options)
    save_on_hangup(lambda: app.opened_store)
    try:
        app.run()
    finally:
        if (opened := store if store is not None else app.opened_store) is not None:
            opened.close()
    if store is None and app.store_error is not None:
        raise app.store_error
    return app.return_code or 0
