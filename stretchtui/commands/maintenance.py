"""`stretchtui backup`, `restore` and `doctor`. The work itself is in `stretchtui.store.maintenance`
(and `store.doctor`); the offer to restore a database found damaged at launch is in `launch.py`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from stretchtui.commands.common import Parser
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path


def _backup_arguments(parser: Parser) -> None:
    parser.add_argument("--output", metavar="FILE", help="write the copy to FILE instead (a new file)")


def _restore_arguments(parser: Parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the backup to restore, e.g. one from backups/")


def _doctor_arguments(parser: Parser) -> None:
    parser.add_argument(
        "--fix",
        action="store_true",
        help="make files 0600 and stretchtui's directories 0700 (never through a symbolic link)",
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from stretchtui.store.maintenance import manual_backup
    from stretchtui.store.output_guard import check_output_file

    path = resolve_db_path(args.db)
    output = None
    if args.output is not None:
        # The one output guard: never the database, its -wal/-shm/lock, backups/, a symlink, or a
        # file that exists. The reserve is for the temporary name the copy is written under
        # (`<name>.<pid>.tmp`, plus SQLite's `-journal` beside it).
        output = check_output_file(args.output, path, force=None, reserve=len(f".{os.getpid()}.tmp-journal"))
    target = manual_backup(path, args.clock, output)
    print(f"Backed up {path} to {target} ({target.stat().st_size / 1e6:.1f} MB).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from stretchtui.store.maintenance import restore

    path = resolve_db_path(args.db)
    result = restore(path, Path(args.file), args.clock)
    kept = f"; the database it replaced is kept as {result.kept}" if result.kept else ""
    print(f"Restored {path} from {result.source}{kept}.")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from stretchtui.store.doctor import doctor
    from stretchtui.store.doctor_check import PROBLEM

    checks = doctor(resolve_db_path(args.db), args.clock, fix=args.fix)
    for check in checks:
        remedy = f" -> {check.remedy}" if check.remedy else ""
        print(f"{check.level:<8} {check.subject}: {check.detail}{remedy}")
    return 1 if any(check.level == PROBLEM for check in checks) else 0


COMMANDS = (
    Command(
        "backup",
        "copy the database into a checked backup file",
        "Copy the database, even while the app runs, into a private file checked with SQLite's "
        "integrity_check. Default: backups/ beside the database, with the time in the name.",
        cmd_backup,
        _backup_arguments,
    ),
    Command(
        "restore",
        "replace the database with a backup (the replaced one is kept)",
        "Replace the database with a backup, after checking it. Refused while stretchtui has the database "
        "open. The database it replaces is kept in backups/.",
        cmd_restore,
        _restore_arguments,
    ),
    Command(
        "doctor",
        "check the database, its file modes and backups",
        "Check the database (schema, quick_check, integrity_check, every stored value, WAL), file and "
        "directory modes, the file system and the age of the last backup. Reads only; exits 1 on a problem.",
        cmd_doctor,
        _doctor_arguments,
    ),
)
