"""`stretchtui export` and `stretchtui import`: your data in a file you own (docs/export-format.md)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from stretchtui.commands.common import CliError, Parser, opened_store, output_file_arguments
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path

MAX_IMPORT_BYTES = 256 * 1024 * 1024


def _export_arguments(parser: Parser) -> None:
    output_file_arguments(
        parser,
        formats=("json", "csv"),
        formats_help="json (default; can be imported) or csv (one file per table, in a new folder)",
        output="where to write; '-' for standard output (json only); "
        "default stretchtui-export-DATE.json (or a folder for csv) here",
        force="replace an existing output file, or a folder an earlier CSV export wrote "
        "(never the database or anything in its folder's backups/)",
    )


def _import_arguments(parser: Parser) -> None:
    parser.add_argument("file", metavar="FILE", help="a file written by stretchtui export ('-' for standard input)")
    parser.add_argument("--dry-run", action="store_true", help="check the file and say what would be added")


# ---------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    """Write the export as it is read (core/export_stream.py): memory stays flat however long the
    history. Records with a value that cannot be read are left out and named, one line each on
    standard error; the rest is written and the exit status is 1."""
    from stretchtui.core.days import today
    from stretchtui.core.exchange.bundle import count_listing
    from stretchtui.store.exporting import LeftOut
    from stretchtui.store.output_guard import write_output_file

    database = resolve_db_path(args.db)
    output = _export_target(args, database)
    left_out = LeftOut()
    counts: Counter = Counter()
    with opened_store(args, reads_only=True) as store:  # a mistyped --db creates nothing
        if not store.db.execute_sql("PRAGMA query_only").fetchone()[0]:  # a read-only file is read as it is
            store.activity.fold_ticks()  # the ticks noted since the last fold are measured sitting too
        if output is None:
            day = today(store.clock, store.settings.day_start_hour())
            output = _checked(
                args, database, f"stretchtui-export-{day.isoformat()}" + (".json" if args.format == "json" else "")
            )
        if args.format == "csv":
            counts = _write_csv(store, output, database, args.force, left_out)
        elif str(output) == "-":
            counts = _write_json(store, sys.stdout, left_out)
        else:
            write_output_file(
                output, database, lambda handle: counts.update(_write_json(store, handle, left_out)), force=args.force
            )
    for line in left_out:
        print(f"export: {line}", file=sys.stderr)
    if str(output) != "-":
        print(f"Exported {count_listing(counts) or 'nothing yet'} to {output}.")
    if left_out:
        from stretchtui.core.vocabulary import plural

        print(
            f"export: {plural(len(left_out), 'record')} with values that cannot be read (named above); "
            "everything else is in the export. `stretchtui doctor` lists the damaged values.",
            file=sys.stderr,
        )
        return 1
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
    from stretchtui.store.output_guard import check_output_file, check_output_folder

    if args.format == "csv":
        return check_output_folder(text, database, force=args.force)
    return check_output_file(text, database, force=args.force)


def _write_json(store, handle: IO[str], left_out) -> Counter:
    from stretchtui import __version__
    from stretchtui.core.export_stream import write_json

    return write_json(
        store.exchange.export_records(left_out), handle, exported_at=store.clock.now(), app_version=__version__
    )


def _write_csv(store, folder: Path, database: Path, force: bool, left_out) -> Counter:
    """One file per table, each written from its section's records; all of them read in one
    snapshot, so the tables agree with each other."""
    from stretchtui.core.exchange.writing import CSV_SOURCES
    from stretchtui.core.export_stream import write_csv_table
    from stretchtui.store.output_guard import write_output_folder

    counts: Counter = Counter()
    counted: set[str] = set()

    def table(name: str) -> Callable[[IO[str]], None]:
        section = CSV_SOURCES[name]

        def write(handle: IO[str]) -> None:
            read = write_csv_table(name, store.exchange.export_records(left_out, sections=(section,)), handle)
            if section not in counted:
                counted.add(section)
                counts.update(read)

        return write

    with store.db.atomic(lock_type="DEFERRED"):  # one snapshot for every table
        write_output_folder(folder, database, {f"{name}.csv": table(name) for name in CSV_SOURCES}, force=force)
    return counts


# ---------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    """Check the file as it is read and merge it (Store.import_entries). Into a new database, the
    file is first checked against the built-in library alone, so a bad file (or a dry run) leaves
    no database behind; standard input is then kept in an unnamed temporary file to be read twice."""
    from stretchtui.core.exchange.reading import ImportFileError, file_entries

    name = "standard input" if args.file == "-" else args.file
    try:
        with _import_source(args.file) as source:
            if not resolve_db_path(args.db).exists():
                if args.file == "-" and not args.dry_run:
                    source = _spooled(source)
                counts = _check_against_library(file_entries(source, limit=MAX_IMPORT_BYTES), args.clock)
                if args.dry_run:
                    from stretchtui.core.exchange.bundle import describe_counts

                    for line in describe_counts(counts, Counter(), [], dry_run=True):
                        print(line)
                    return 0
                source.seek(0)
            with opened_store(args) as store:
                result = store.exchange.import_entries(
                    file_entries(source, limit=MAX_IMPORT_BYTES), dry_run=args.dry_run
                )
    except ImportFileError as error:
        raise CliError(f"import {name}: {error}") from None
    for line in result.describe():
        print(line)
    return 0


@contextmanager
def _import_source(file: str) -> Iterator[IO[bytes]]:
    if file == "-":
        yield sys.stdin.buffer
        return
    path = Path(file).expanduser()
    try:
        if path.is_dir():
            raise CliError(f"import {file}: is a folder; give the .json file stretchtui export wrote")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CliError(f"import {file}: larger than {MAX_IMPORT_BYTES // 2**20} MB; not a stretchtui export")
        handle = path.open("rb")
    except FileNotFoundError:
        raise CliError(f"import {file}: no such file") from None
    except OSError as error:
        raise CliError(f"import {file}: cannot read it ({error.strerror})") from None
    with handle:
        yield handle


def _spooled(source: IO[bytes]) -> IO[bytes]:
    """A copy of a stream in a temporary file with no name (gone when closed, or killed), at
    most MAX_IMPORT_BYTES long."""
    import tempfile

    from stretchtui.core.json_stream import JSONStreamError, read_bytes

    copy = tempfile.TemporaryFile()
    copied = 0
    try:
        while chunk := read_bytes(source, 1 << 16):
            copied += len(chunk)
            if copied > MAX_IMPORT_BYTES:
                raise CliError(f"import -: larger than {MAX_IMPORT_BYTES // 2**20} MB; not a stretchtui export")
            copy.write(chunk)
    except JSONStreamError as error:
        copy.close()
        raise CliError(f"import -: {error}") from None
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


def _check_against_library(entries, clock) -> Counter:
    """The file checked as if it went into a new store (the built-in library and programs, no
    sessions yet), its prescriptions too: what it would add."""
    from stretchtui.core.errors import FieldError
    from stretchtui.core.exchange.bundle import tally
    from stretchtui.core.exchange.reading import ImportFileError, KnownPrograms, read_export
    from stretchtui.core.library import load_library
    from stretchtui.core.program_records import builtin_ids, carried_programs

    counts: Counter = Counter()
    exercises = dict(load_library().exercises)
    programs = []
    for kind, record in read_export(
        entries,
        now=clock.now(),
        known_exercise_ids=set(exercises),
        known_programs=KnownPrograms(builtin_ids()),
    ):
        tally(counts, kind, record)
        if kind == "exercises":
            exercises[record.exercise.id] = record.exercise
        elif kind == "program_files":
            programs.append(record)
    try:
        carried_programs(programs, exercises)
    except FieldError as error:
        raise ImportFileError(str(error)) from None
    return counts


COMMANDS = (
    Command(
        "export",
        "write all your data to a JSON file (or CSV tables)",
        "Write your own exercises and routines, sessions with their steps, check-ins, rest days, function "
        "ratings, your programs and the choices you made in them, breaks, measured activity and settings "
        "to a file (mode 0600). The format is documented in docs/export-format.md.",
        cmd_export,
        _export_arguments,
    ),
    Command(
        "import",
        "merge an export file into your data (by UUID; twice adds nothing)",
        "Check a stretchtui export file completely, then merge it in one transaction. Records already here "
        "(same UUID) are left as they are.",
        cmd_import,
        _import_arguments,
    ),
)
