"""`stretchtui export` and `stretchtui import`: your data in a file you own (docs/export-format.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from stretchtui.commands.common import CliError, db_path, open_store
from stretchtui.store.output_guard import (
    check_output_file,
    check_output_folder,
    write_output_file,
    write_output_folder,
)

MAX_IMPORT_BYTES = 256 * 1024 * 1024


def register(commands: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    export = commands.add_parser(
        "export", help="write all your data to a JSON file (or CSV tables)",
        description="Write your own exercises and routines, sessions with their steps, check-ins, rest days "
                    "and settings to a file (mode 0600). The format is documented in docs/export-format.md.")
    export.add_argument("--format", choices=["json", "csv"], default="json",
                        help="json (default; can be imported) or csv (one file per table, in a new folder)")
    export.add_argument("--output", metavar="FILE",
                        help="where to write; '-' for standard output (json only); "
                             "default stretchtui-export-DATE.json (or a folder for csv) here")
    export.add_argument("--force", action="store_true",
                        help="replace an existing output file, or a folder an earlier CSV export wrote "
                             "(never the database or anything in its folder's backups/)")

    imp = commands.add_parser(
        "import", help="merge an export file into your data (by UUID; twice adds nothing)",
        description="Check a stretchtui export file completely, then merge it in one transaction. Records "
                    "already here (same UUID) are left as they are.")
    imp.add_argument("file", metavar="FILE", help="a file written by stretchtui export ('-' for standard input)")
    imp.add_argument("--dry-run", action="store_true", help="check the file and say what would be added")
    return {"export": cmd_export, "import": cmd_import}


# ---------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from stretchtui import __version__
    from stretchtui.core.days import today
    from stretchtui.core.exchange import count_listing, to_plain

    database = db_path(args)
    output = _export_target(args, database)
    store = open_store(args, create=False)  # only reads: a mistyped --db creates nothing
    try:
        bundle = store.export_bundle()
        plain = to_plain(bundle, exported_at=store.clock.now(), app_version=__version__)
        day = today(store.clock, store.day_start_hour())
    finally:
        store.close()
    if output is None:
        output = _checked(args, database, f"stretchtui-export-{day.isoformat()}" + (".json" if args.format == "json" else ""))
    if args.format == "csv":
        _write_csv(plain, output, database, args.force)
    elif str(output) == "-":
        _write_json(plain, sys.stdout)
        return 0
    else:
        write_output_file(output, database, lambda handle: _write_json(plain, handle), force=args.force)
    print(f"Exported {count_listing(bundle.counts()) or 'nothing yet'} to {output}.")
    return 0


def _export_target(args: argparse.Namespace, database: Path) -> Path | None:
    """Check --output before anything is read: bad targets fail fast, with nothing written."""
    if args.output is None:
        return None
    if args.output == "-":
        if args.format == "csv":
            raise CliError("--output -: CSV is written as a folder of files; give a folder name")
        return Path("-")
    return _checked(args, database, args.output)


def _checked(args: argparse.Namespace, database: Path, text: str) -> Path:
    """The one output guard (store/output_guard.py): never the database or anything of it, never
    through a symlink, an existing file only with --force, a folder only if it is our own export."""
    if args.format == "csv":
        return check_output_folder(text, database, force=args.force)
    return check_output_file(text, database, force=args.force)


def _write_json(plain: dict, handle) -> None:
    import json

    json.dump(plain, handle, indent=1, ensure_ascii=False)
    handle.write("\n")


def _write_csv(plain: dict, folder: Path, database: Path, force: bool) -> None:
    import csv

    from stretchtui.core.exchange import CSV_TABLES, csv_rows

    def table(name: str, rows: list[dict]) -> Callable:
        def write(handle) -> None:
            writer = csv.DictWriter(handle, fieldnames=CSV_TABLES[name])
            writer.writeheader()
            writer.writerows(rows)
        return write

    files = {f"{name}.csv": table(name, rows) for name, rows in csv_rows(plain).items()}
    write_output_folder(folder, database, files, force=force)


# ---------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    from stretchtui.core.exchange import ImportFileError, loads
    from stretchtui.store import resolve_db_path

    name = "standard input" if args.file == "-" else args.file
    try:
        data = loads(_read_import(args.file))
        if not resolve_db_path(args.db).exists():
            # A bad file, or a dry run, must not leave a new database behind: check against the seed.
            bundle = _check_against_seed(data, args.clock)
            if args.dry_run:
                from collections import Counter

                from stretchtui.core.exchange import describe_counts

                added = Counter({k: n for k, n in bundle.counts().items()})
                for line in describe_counts(added, Counter(), [], dry_run=True):
                    print(line)
                return 0
        store = open_store(args)
        try:
            result = store.import_data(data, dry_run=args.dry_run)
        finally:
            store.close()
    except ImportFileError as error:
        raise CliError(f"import {name}: {error}") from None
    for line in result.describe():
        print(line)
    return 0


def _read_import(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
    path = Path(file).expanduser()
    try:
        if path.is_dir():
            raise CliError(f"import {file}: is a folder; give the .json file stretchtui export wrote")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CliError(f"import {file}: larger than {MAX_IMPORT_BYTES // 2**20} MB; not a stretchtui export")
        return path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"import {file}: no such file") from None
    except OSError as error:
        raise CliError(f"import {file}: cannot read it ({error.strerror})") from None


def _check_against_seed(data: object, clock):  # -> Bundle
    from stretchtui.core.exchange import parse_export
    from stretchtui.core.library import load_library

    return parse_export(data, now=clock.now(), known_exercise_ids=set(load_library().exercises))
