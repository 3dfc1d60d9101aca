"""`stretchtui demo`: the app on a made-up history, in a throwaway database.

The history comes from `stretchtui.commands.demo_story` as export-format data and goes in through the
store's importer, the same path `stretchtui import` takes. The user's own database is never used
unless they name it with --db, and even then only a new (or empty) file is accepted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, whole_number
from stretchtui.commands.registry import Command
from stretchtui.core.glyphs import glyphs_for
from stretchtui.core.vocabulary import plural

if TYPE_CHECKING:
    from stretchtui.core.clock import Clock
    from stretchtui.store.store import Store

DEMO_FILE_NAME = "stretchtui-demo.db"


def _demo_arguments(demo: Parser) -> None:
    demo.add_argument("--years", type=_years, default=1, metavar="N", help="years of history, 1-50 (default 1)")
    demo.add_argument(
        "--seed", type=SEED, default=1, metavar="S", help="the same seed gives the same history (default 1)"
    )
    demo.add_argument(
        "--db",
        dest="demo_db",
        metavar="PATH",
        help="write into this new file instead of a temporary one (an existing database is refused)",
    )
    demo.add_argument("--no-launch", action="store_true", help="only write the data; print where and how much")


def _years(text: str) -> int:
    from stretchtui.commands.demo_story import MAX_YEARS, MIN_YEARS  # when used: it is a large module

    return whole_number(MIN_YEARS, MAX_YEARS, "a whole number of years")(text)


SEED = whole_number(None, None, "a whole number")


def cmd_demo(args: argparse.Namespace) -> int:

    return run_demo(args, args.clock)


def run_demo(args: argparse.Namespace, clock) -> int:
    """The command with its clock injected (tests pass a frozen one)."""
    from stretchtui.commands.demo_story import check_span

    check_span(clock.now(), args.years)  # before any file or folder is made
    explicit = args.demo_db or args.db  # `stretchtui demo --db X` or `stretchtui --db X demo`; never $STRETCHTUI_DB
    path = _new_database_path(Path(explicit).expanduser()) if explicit else _temporary_path()
    ellipsis = glyphs_for(sys.stdout.encoding).ellipsis
    print(f"Writing {plural(args.years, 'year')} of demo history into {path}{ellipsis}", flush=True)
    store, lines = write_demo(path, clock, years=args.years, seed=args.seed)
    code = 0
    if args.no_launch:
        store.close()
    else:
        from stretchtui.commands.common import run_app

        code = run_app(store)
    for line in lines:
        print(line)
    print(f"Demo database: {path}\nOpen it again with: stretchtui --db {path}")
    return code


def write_demo(path: Path, clock: Clock, *, years: int, seed: int) -> tuple[Store, list[str]]:
    """Create the database at `path` and import `years` of demo history into it; returns the
    open store and the importer's summary lines. Shared by the command, the screenshots and
    the benchmark."""
    from stretchtui import __version__
    from stretchtui.commands.demo_story import demo_export
    from stretchtui.store import Store

    store = Store.open(path, clock)
    try:
        data = demo_export(
            now=clock.now(),
            zone=clock.zone,
            routines=store.library.routines(),
            exercises={ex.id: ex for ex in store.library.exercises()},
            years=years,
            seed=seed,
            day_start_hour=store.settings.day_start_hour(),
            app_version=__version__,
        )
        result = store.exchange.import_data(data)
    except BaseException:
        store.close()
        raise
    return store, result.describe()


def _new_database_path(path: Path) -> Path:
    """An explicit --db must be a new (or empty) file in an existing folder: the demo never
    mixes made-up history into real data."""
    if not path.parent.is_dir():
        raise CliError(f"--db: the folder {path.parent} does not exist")
    if path.is_dir():
        raise CliError(f"--db: {path} is a folder; give a file name")
    if (path.exists() and path.stat().st_size > 0) or Path(f"{path}-wal").exists():
        raise CliError(
            f"--db: {path} already exists; the demo only writes into a new file "
            "(choose another path, or leave out --db for a temporary one)"
        )
    return path


def _temporary_path() -> Path:
    return Path(tempfile.mkdtemp(prefix="stretchtui-demo-")) / DEMO_FILE_NAME


COMMANDS = (
    Command(
        "demo",
        "try the app on a made-up history (in a throwaway database)",
        "Write a made-up but realistic history (sessions, check-ins, rest days, flare-ups) into a new "
        "database, then open the app on it. Your own data is not touched.",
        cmd_demo,
        _demo_arguments,
    ),
)
