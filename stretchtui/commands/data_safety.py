"""`stretchtui backup`, `restore` and `doctor`, and the offer to restore when the app finds its
database damaged at launch. The work itself is in `stretchtui.store.maintenance`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:
    backup = commands.add_parser(
        "backup", help="copy the database into a checked backup file",
        description="Copy the database, even while the app runs, into a private file checked with "
                    "SQLite's integrity_check. Default: backups/ beside the database, with the time in the name.")
    backup.add_argument("--output", metavar="FILE", help="write the copy to FILE instead (a new file)")

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the replaced one is kept)",
        description="Replace the database with a backup, after checking it. Refused while stretchtui has the "
                    "database open. The database it replaces is kept in backups/.")
    restore.add_argument("file", metavar="FILE", help="the backup to restore, e.g. one from backups/")

    doctor = commands.add_parser(
        "doctor", help="check the database, its file modes and backups",
        description="Check the database (schema, quick_check, integrity_check, WAL), file and directory modes, "
                    "the file system and the age of the last backup. Reads only; exits 1 on a problem.")
    doctor.add_argument("--fix", action="store_true", help="make files 0600 and stretchtui's directories 0700")
    return {"backup": cmd_backup, "restore": cmd_restore, "doctor": cmd_doctor}


def _db_path(args: argparse.Namespace) -> Path:
    """The database path, made absolute so that every message and command shown is exact."""
    from stretchtui.store import resolve_db_path

    return Path(os.path.abspath(resolve_db_path(args.db)))


def cmd_backup(args: argparse.Namespace) -> int:
    from stretchtui.core.clock import SystemClock
    from stretchtui.store.maintenance import manual_backup

    path = _db_path(args)
    target = manual_backup(path, SystemClock(), Path(args.output) if args.output else None)
    print(f"Backed up {path} to {target} ({target.stat().st_size / 1e6:.1f} MB).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from stretchtui.core.clock import SystemClock
    from stretchtui.store.maintenance import restore

    path = _db_path(args)
    result = restore(path, Path(args.file), SystemClock())
    kept = f"; the database it replaced is kept as {result.kept}" if result.kept else ""
    print(f"Restored {path} from {result.source}{kept}.")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from stretchtui.core.clock import SystemClock
    from stretchtui.store.doctor import PROBLEM, doctor

    checks = doctor(_db_path(args), SystemClock(), fix=args.fix)
    for check in checks:
        remedy = f" -> {check.remedy}" if check.remedy else ""
        print(f"{check.level:<8} {check.subject}: {check.detail}{remedy}")
    return 1 if any(check.level == PROBLEM for check in checks) else 0


def on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def launch_app(args: argparse.Namespace, **options) -> int:
    """The app. On a terminal it draws Today first and opens the database in a thread meanwhile
    (the header is checked and the theme read before the first frame, without opening it); the
    damaged-file offer below then comes after the app ends. `options` go to make_app."""
    from functools import partial

    from stretchtui.commands.common import run_app
    from stretchtui.core.clock import SystemClock
    from stretchtui.store.files import StoreError, inspect_file, peek_setting

    if not on_terminal():
        return run_app(open_app_store(args), **options)
    path, clock = _db_path(args), SystemClock()
    inspect_file(path)  # a directory, or a file that is not SQLite: refused before the screen changes
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
    from stretchtui.core.clock import SystemClock
    from stretchtui.store.maintenance import DatabaseDamaged

    path, clock = _db_path(args), SystemClock()
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
    if not _confirm(f"Restore the backup from {damage.backup_when}? [y/N] "):
        raise StoreError(f"the database was left as it is; to restore later: {restore_command(path, backup)}")
    result = restore(path, backup, clock)
    print(f"Restored {path} from {backup}; the damaged file is kept as {result.kept}.")
    return _open_store(path, clock)


def _confirm(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().casefold() in ("y", "yes")
