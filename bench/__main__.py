"""The benchmark: `python -m bench` from the repository root, with the project's venv.

    .venv/bin/python -m bench [--runs 5] [--quick] [--years 10] [--only NAME ...]
    .venv/bin/python -m bench --profile {startup,history,status,stats}

Writes a demo history into a temporary database, measures every figure `--runs` times and prints
the medians in a table, each against its target (PASS or MISS). Not a test: a slow machine misses
targets without anything failing. `--profile` prints where the time goes (pyinstrument).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import exchange, measures, status_line
from bench import sync as sync_rounds
from bench.common import use_bytecode_cache
from bench.table import Result, format_table, missed

MEASURES = ("startup", "history", "status", "stats", "statusline", "hold", "memory", "exchange", "sync")


def machine() -> str:
    """CPU model, cores, Python, OS, Textual and SQLite versions, and the date."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
    except OSError:
        pass
    from importlib.metadata import version

    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}; {platform.platform()}; "
        f"Textual {version('textual')}; SQLite {sqlite3.sqlite_version}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[1]:.1f} (5 min)"
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 5; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="shorter hold windows (10 s) and 3 runs, for development")
    parser.add_argument("--years", type=int, default=10, help="years of demo history (default 10)")
    parser.add_argument("--hold-seconds", type=float, default=None, help="CPU/output window per run (default 60)")
    parser.add_argument(
        "--only", nargs="+", choices=MEASURES, metavar="NAME", help=f"only these figures: {', '.join(MEASURES)}"
    )
    parser.add_argument(
        "--profile",
        choices=("startup", "history", "status", "stats"),
        help="print a pyinstrument profile of one thing instead of the table",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        metavar="DIR",
        help="measure the stretchtui package in DIR (a copy of the source, e.g. before a change) "
        "instead of the installed one; not with hold",
    )
    args = parser.parse_args(argv)
    if args.tree is not None and (args.profile or "hold" in (args.only or MEASURES)):
        parser.error("--tree measures start-up, History, the commands and memory: add --only without hold")
    args.runs = args.runs or (3 if args.quick else 5)
    args.hold_seconds = args.hold_seconds or (10.0 if args.quick else 60.0)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    use_bytecode_cache()
    measures.APP_TREE = args.tree.resolve() if args.tree else None
    with tempfile.TemporaryDirectory(prefix="stretchtui-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "demo.db"
        step(f"writing {args.years} years of demo data")
        results = [measures.demo_write(db, args.years), measures.database_size(db, args.years)]
        step("warming up (bytecode, the file cache)")
        try:
            measures.warm_up(db)
        except Exception as error:  # the measurements will say what is wrong
            step(f"warm-up failed: {' '.join(str(error).split())[:200]}")
        if args.profile:
            from bench.profile import profile

            return profile(args.profile, db)
        wanted = args.only or MEASURES
        plan = [
            (
                "startup",
                "start-up, against a bare Textual app",
                lambda: measures.startup_ratio(db, args.runs * 3, args.years),
            ),
            ("history", "opening History", lambda: measures.history_open(db, args.runs, args.years)),
            ("status", "stretchtui status", lambda: measures.cli_wall_time(db, args.runs * 2, args.years, "status")),
            (
                "stats",
                "stretchtui stats --json",
                lambda: measures.cli_wall_time(db, args.runs * 2, args.years, "stats", "--json"),
            ),
            (
                "statusline",
                "status, stats and tick at 1, 10 and 25 years, against their floors",
                lambda: status_line.status_line(db, workdir, args.runs * 3, args.years),
            ),
            (
                "hold",
                f"a hold, {args.runs} x {args.hold_seconds:.0f} s",
                lambda: (
                    measures.hold(db, workdir, args.runs, args.hold_seconds)
                    + measures.hold(db, workdir, args.runs, args.hold_seconds, moving=True)
                ),
            ),
            ("memory", "memory", lambda: measures.memory(db, args.runs, args.years)),
            ("exchange", "export and import", lambda: exchange.exchange(db, workdir, args.runs, args.years)),
            (
                "sync",
                "sync rounds on three devices",
                lambda: sync_rounds.sync(db, workdir, args.runs, args.years),
            ),
        ]
        for name, what, measure in plan:
            if name in wanted:
                step(what)
                try:
                    results += measure()
                except Exception as error:  # one broken measurement must not lose the others
                    message = " ".join(f"{type(error).__name__}: {error}".split())
                    results.append(Result(what, float("nan"), "", error=message[:160]))
    print(
        f"\nstretchtui benchmark: median of {args.runs} runs ({args.runs * 2} for the command line, "
        f"{args.runs * 3} for start-up: a ratio of two medians of a short time, the noisiest figure)"
        + (f"; the source in {args.tree}" if args.tree else "")
    )
    print(machine())
    print()
    print(format_table(results))
    misses = missed(results)
    print(
        f"\n{len(misses)} target{'s' if len(misses) != 1 else ''} missed"
        + (": " + ", ".join(r.name for r in misses) if misses else ".")
    )
    return 0


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}…", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
