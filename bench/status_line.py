"""The commands a shell prompt or tmux runs every few seconds, against what no command can beat.

`stretchtui status` and `stats --json` are compared with starting Python and opening SQLite
(`python -c "import sqlite3; sqlite3.connect(':memory:')"`), and `stretchtui tick` with starting
Python (`python -c pass`), all in one round-robin so a slow spell slows each alike. Each command
runs against 1, 10 and 25 years of demo history: the targets are ratios that must hold at every
size (issue 20). "After a change" runs remove the cached answer first (store.status_cache): what the
first status line after a session or a note costs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import make_demo_database
from bench.measures import _cwd, _env, stretchtui_command
from bench.table import Result, median_of, spread
from stretchtui.commands.activity_hook import hook_program
from stretchtui.store.status_cache import cache_path

TARGETS = {"status": 2.5, "stats": 2.5, "status_json": 2.5, "tick": 1.5}
SIZES = (1, 10, 25)


def _timed(argv: list[str], before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=_env(), cwd=_cwd(), timeout=60)
    return (time.perf_counter() - started) * 1000


def status_line(db: Path, workdir: Path, runs: int, years: int) -> list[Result]:
    """Ratios at each size; `db` is the run's demo database of `years` years (reused for that size)."""
    databases = {}
    for size in SIZES:
        if size == years:
            databases[size] = db
        else:
            databases[size] = workdir / f"status-{size}y.db"
            make_demo_database(databases[size], years=size)
    python = [sys.executable, "-c"]
    floors = {"python": python + ["pass"], "sqlite": python + ["import sqlite3; sqlite3.connect(':memory:')"]}
    commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {}
    for size, path in databases.items():
        base = [*stretchtui_command(), "--db", str(path)]
        cached = Path(cache_path(path, _env()))
        commands[f"status {size}"] = (base + ["status"], None)
        commands[f"stats {size}"] = (base + ["stats", "--json"], None)
        commands[f"status {size} cold"] = (base + ["status"], lambda cached=cached: cached.unlink(missing_ok=True))
        subprocess.run(base + ["status"], check=True, capture_output=True, env=_env(), cwd=_cwd())  # migrate, cache
        twin = workdir / f"status-json-{size}y.db"  # its own cached answer: the cold runs above drop theirs
        shutil.copyfile(path, twin)
        json_argv = [*stretchtui_command(), "--db", str(twin), "status", "--json"]
        commands[f"status_json {size}"] = (json_argv, None)
        subprocess.run(json_argv, check=True, capture_output=True, env=_env(), cwd=_cwd())
    commands["tick"] = ([*hook_program(), "--db", str(databases[years]), "tick"], None)  # as the hook runs it
    times: dict[str, list[float]] = {name: [] for name in [*floors, *commands]}
    for _ in range(runs):
        for name, argv in floors.items():
            times[name].append(_timed(argv))
        for name, (argv, before) in commands.items():
            times[name].append(_timed(argv, before))
    Path(f"{databases[years]}.ticks").unlink(missing_ok=True)
    python_ms, sqlite_ms = median_of(times["python"]), median_of(times["sqlite"])
    results = [
        Result(
            "start Python: python -c pass (the floor for tick)", python_ms, "ms", None, spread(times["python"], "ms"), 1
        ),
        Result(
            "start Python and open SQLite (the floor for status and stats)",
            sqlite_ms,
            "ms",
            None,
            spread(times["sqlite"], "ms"),
            1,
        ),
    ]
    for size in SIZES:
        for word, label in (
            ("status", "stretchtui status"),
            ("stats", "stretchtui stats --json"),
            ("status_json", "stretchtui status --json"),
        ):
            ms = median_of(times[f"{word} {size}"])
            results.append(
                Result(
                    f"{label}, {size} year{'s' if size != 1 else ''}: ratio to Python and SQLite",
                    ms / sqlite_ms,
                    "x",
                    TARGETS[word],
                    f"{ms:.1f} ms; {spread(times[f'{word} {size}'], 'ms')}",
                    2,
                )
            )
    for size in SIZES:
        ms = median_of(times[f"status {size} cold"])
        results.append(
            Result(
                f"stretchtui status after a change, {size} year{'s' if size != 1 else ''} (wall time)",
                ms,
                "ms",
                None,
                f"{spread(times[f'status {size} cold'], 'ms')}; the history read in full",
            )
        )
    tick = median_of(times["tick"])
    results.append(
        Result(
            "stretchtui tick: ratio to python -c pass",
            tick / python_ms,
            "x",
            TARGETS["tick"],
            f"{tick:.1f} ms; {spread(times['tick'], 'ms')}",
            2,
        )
    )
    return results
