"""Launching the app: the store opened after the first frame on a terminal, before it elsewhere,
and the offer to restore the latest good backup when the database turns out damaged."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stretchtui.commands.common import ask_yes, db_path


def on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def launch_app(args: argparse.Namespace, **options) -> int:
    """The app. On a terminal it draws Today first and opens the database in a thread meanwhile
    (the header is checked and the theme read before the first frame, without opening it); the
    damaged-file offer below then comes after the app ends. `options` go to make_app."""
    from functools import partial

    from stretchtui.commands.common import run_app
    from stretchtui.store.files import StoreError, inspect_file, peek_setting

    if not on_terminal():
        return run_app(open_app_store(args), **options)
    path, clock = db_path(args), args.clock
    # Not a regular file (a device, FIFO, socket, directory), not SQLite, or read-only: refused
    # before the screen changes.
    if (read_only := inspect_file(path, writing=True).read_only) is not None:
        raise read_only.error()
    try:
        return run_app(open_store=partial(_open_store, path, clock), clock=clock, theme=peek_setting(path, "theme"),
                       **options)
    except StoreError as error:
        from stretchtui.store.maintenance import DatabaseDamaged

        if not isinstance(error, DatabaseDamaged):
            raise
        return run_app(_offer_restore(error, path, clock), **options)


def _open_store(path: Path, clock):  # -> Store
    from stretchtui.store import Store

    return Store.open(path, clock)


def open_app_store(args: argparse.Namespace):  # -> Store; typed loosely to keep the import lazy
    """Open the store for the app. A damaged database is refused before anything writes to it; on a
    terminal the user is asked whether to restore the latest good backup, and the app starts on it."""
    from stretchtui.store.maintenance import DatabaseDamaged

    path, clock = db_path(args), args.clock
    try:
        return _open_store(path, clock)
    except DatabaseDamaged as damage:
        return _offer_restore(damage, path, clock)


def _offer_restore(damage, path: Path, clock):  # (DatabaseDamaged, ...) -> Store
    """On a terminal, with a backup: ask, restore it and open the result; otherwise raise."""
    from stretchtui.store import StoreError
    from stretchtui.store.maintenance import restore, restore_command

    if damage.backup is None or not on_terminal():
        raise damage  # one line naming the exact restore command (or saying there is no backup)
    backup = damage.backup[1]
    print(f"stretchtui: {damage.problem}.", file=sys.stderr)
    if not ask_yes(f"Restore the backup from {damage.backup_when}? [y/N] "):
        raise StoreError(f"the database was left as it is; to restore later: {restore_command(path, backup)}")
    result = restore(path, backup, clock)
    print(f"Restored {path} from {backup}; the damaged file is kept as {result.kept}.")
    return _open_store(path, clock)
