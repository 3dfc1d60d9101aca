"""Export and import of the demo history as a user runs them: peak memory of each process, and
how long another writer waits for the write lock while the import runs (issue 15: a large import
held it for seconds, and the app's steps, `log` and `rest` failed as busy after 10 s)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import measures
from bench.table import Result, median_of, spread

TARGETS = {"memory_mb": 150, "lock_wait_ms": 1000}
PEAK_OF_CHILD = (  # measured from a small process: a fork of this one would count its memory as the child's
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(done.stderr[-500:])\n"
)


def _peak_mb(*args: str) -> float:
    """Run `stretchtui ARGS`; its peak resident memory in MB (ru_maxrss is in KiB on Linux)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_OF_CHILD, *measures.stretchtui_command(), *args],
        capture_output=True,
        text=True,
        env=measures._env(),
        cwd=measures._cwd(),
        timeout=900,
    )
    code, kib = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"stretchtui {args[2]} failed: {done.stderr.strip()}")
    return int(kib) / 1024


class LockProbe:
    """Takes and releases the write lock in a loop while it runs; the longest wait is the time
    another writer (the app saving a step) would have waited."""

    def __init__(self, db: Path) -> None:
        self.db, self.waits, self._stop = db, [0.0], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        conn = sqlite3.connect(self.db, timeout=60, isolation_level=None)
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - started)
                conn.execute("COMMIT")
                time.sleep(0.002)
        finally:
            conn.close()

    def __enter__(self) -> LockProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def exchange(db: Path, workdir: Path, runs: int, years: int) -> list[Result]:
    """`stretchtui export` of the demo database, then `stretchtui import` of that file into a new
    one (created first, so the probe can wait on it), `runs` times."""
    from stretchtui.core.clock import SystemClock
    from stretchtui.store import Store

    exporting, importing, waits = [], [], []
    for run in range(runs):
        exported, target = workdir / f"export-{run}.json", workdir / f"import-{run}.db"
        exporting.append(_peak_mb("--db", str(db), "export", "--output", str(exported)))
        Store.open(target, SystemClock()).close()
        with LockProbe(target) as probe:
            importing.append(_peak_mb("--db", str(target), "import", str(exported)))
        waits.append(max(probe.waits) * 1000)
        for path in (exported, target, Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}.lock")):
            path.unlink(missing_ok=True)
    return [
        Result(
            f"peak memory of stretchtui export, {years} years",
            median_of(exporting),
            "MB",
            TARGETS["memory_mb"],
            spread(exporting, "MB"),
            digits=0,
        ),
        Result(
            f"peak memory of stretchtui import, {years} years",
            median_of(importing),
            "MB",
            TARGETS["memory_mb"],
            spread(importing, "MB"),
            digits=0,
        ),
        Result(
            "longest wait for the write lock during that import",
            median_of(waits),
            "ms",
            TARGETS["lock_wait_ms"],
            spread(waits, "ms"),
            digits=0,
        ),
    ]
