"""Launching the app (`stretchtui` alone, and `stretchtui start ROUTINE_ID`): the store opened
after the first frame on a terminal, before it elsewhere, and the offer to restore the latest good
backup when the database turns out damaged."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from typing import TYPE_CHECKING

from stretchtui.commands.common import (
    Parser,
    ask_yes,
    on_terminal,
    open_store,
    refuse_unknown_routine_before_creating,
    unknown_routine,
)
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path

if TYPE_CHECKING:
    from stretchtui.store.store import Store


def launch_app(args: argparse.Namespace, **options) -> int:
    """The app. On a terminal it draws Today first and opens the database in a thread meanwhile
    (the header is checked and the theme read before the first frame, without opening it); the
    damaged-file offer below then comes after the app ends. `options` go to make_app."""
    from stretchtui.commands.common import run_app  # looked up when called: tests replace it
    from stretchtui.store.files import StoreError, inspect_file, peek_setting

    if not on_terminal():
        return run_app(open_app_store(args), **options)
    path, clock = resolve_db_path(args.db), args.clock
    # Not a regular file (a device, FIFO, socket, directory), not SQLite, or read-only: refused
    # before the screen changes.
    if (read_only := inspect_file(path, writing=True).read_only) is not None:
        raise read_only.error()
    try:
        return run_app(open_store=partial(open_store, args), clock=clock, theme=peek_setting(path, "theme"), **options)
    except StoreError as error:
        from stretchtui.store.integrity import DatabaseDamaged

        if not isinstance(error, DatabaseDamaged):
            raise
        return run_app(_offer_restore(error, args), **options)


def open_app_store(args: argparse.Namespace) -> Store:
    """Open the store for the app. A damaged database is refused before anything writes to it; on a
    terminal the user is asked whether to restore the latest good backup, and the app starts on it."""
    from stretchtui.store.integrity import DatabaseDamaged

    try:
        return open_store(args)
    except DatabaseDamaged as damage:
        return _offer_restore(damage, args)


def _offer_restore(damage, args: argparse.Namespace):  # (DatabaseDamaged, ...) -> Store
    """On a terminal, with a backup: ask, restore it and open the result; otherwise raise."""
    from stretchtui.store import StoreError
    from stretchtui.store.backup_files import restore_command
    from stretchtui.store.maintenance import restore

    path = resolve_db_path(args.db)
    if damage.backup is None or not on_terminal():
        raise damage  # one line naming the exact restore command (or saying there is no backup)
    backup = damage.backup[1]
    print(f"stretchtui: {damage.problem}.", file=sys.stderr)
    if not ask_yes(f"Restore the backup from {damage.backup_when}? [y/N] "):
        raise StoreError(f"the database was left as it is; to restore later: {restore_command(path, backup)}")
    result = restore(path, backup, args.clock)
    print(f"Restored {path} from {backup}; the damaged file is kept as {result.kept}.")
    return open_store(args)


def _start_arguments(parser: Parser) -> None:
    parser.add_argument("routine", metavar="ROUTINE_ID", help="a routine id, e.g. desk-break")


def cmd_start(args: argparse.Namespace) -> int:
    from stretchtui.commands.common import run_app

    refuse_unknown_routine_before_creating(args, args.routine)
    store = open_app_store(args)  # the app owns it from here and closes it
    if store.library.routine(args.routine) is None:
        store.close()
        raise unknown_routine(args.routine)
    return run_app(store, initial_routine=args.routine)


COMMANDS = (
    Command(
        "start",
        "open the app on a routine",
        "Open the app on a routine (ids: stretchtui routines).",
        cmd_start,
        _start_arguments,
    ),
)
