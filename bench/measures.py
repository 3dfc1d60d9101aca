"""Each benchmark figure: how it is measured, and its target.

The app runs as a person runs it: a separate process on a pseudo-terminal of 100x32, found on
screen by the text it draws. Where a figure is a ratio, a bare Textual app (one Static) is started
the same way in the same run, so a slower or faster machine moves both.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.common import copy_database
from bench.table import Result, median_of, spread
from bench.terminal import TerminalProcess

SIZE = (100, 32)
TODAY_FIRST_FRAME = "Start suggestion"  # Today's key bar: on screen from Today's first frame
TODAY_LOADED = "Habit strength"  # drawn once Today's numbers are in (not by the empty first layout)
HISTORY_LOADED = "min a week"  # the 12-week chart's title: the Week tab is drawn
BARE_TEXT = "bench: a bare Textual app"
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    f"        yield Static({BARE_TEXT!r})\n"
    "Bare().run()\n"
)
LONG_HOLD_EXERCISE = "childs-pose"  # a mobility hold: its breathing cue changes every 4 s, the busiest kind
LONG_HOLD_SECONDS = 600

TARGETS = {
    "startup_ratio": 1.25,
    "history_ms": 150,
    "cli_ms": 150,
    "hold_cpu_percent": 1.0,
    "hold_bytes_per_second": 2048,
    "memory_mb": 100,
    "demo_seconds": 30,
}


APP_TREE: Path | None = None
"""Another copy of the source to measure instead of the installed one (`--tree`, for before/after)."""


def stretchtui_command() -> list[str]:
    """The installed console script when there is one (what a shell prompt or tmux runs)."""
    script = Path(sys.executable).with_name("stretchtui")
    if APP_TREE is None and script.exists():
        return [str(script)]
    return [sys.executable, "-m", "stretchtui"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("STRETCHTUI_DB", None)
    env.pop("TEXTUAL_ANIMATIONS", None)
    if APP_TREE is not None:
        env["PYTHONPATH"] = str(APP_TREE)
    return env


def _cwd() -> Path | None:
    """With --tree, run from that tree: `python -m` puts the working directory first on the path."""
    return APP_TREE


def _terminal(argv: list[str]) -> TerminalProcess:
    return TerminalProcess(argv, size=SIZE, env=_env(), cwd=_cwd())


# ---------------------------------------------------------------------- writing the demo data


def demo_write(path: Path, years: int) -> Result:
    """`stretchtui demo --no-launch` as a user runs it: generate, validate and import."""
    started = time.perf_counter()
    subprocess.run(
        [*stretchtui_command(), "demo", "--no-launch", "--years", str(years), "--db", str(path)],
        check=True,
        capture_output=True,
        env=_env(),
        cwd=_cwd(),
        timeout=600,
    )
    seconds = time.perf_counter() - started
    return Result(
        f"write {years} years of demo data (stretchtui demo)",
        seconds,
        "s",
        TARGETS["demo_seconds"],
        "one run",
        digits=1,
    )


def database_size(path: Path, years: int) -> Result:
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    return Result(f"database size, {years} years", size / 1e6, "MB", None, f"{path.name}", digits=1)


def warm_up(db: Path) -> None:
    """One untimed pass over what is measured: bytecode gets compiled, the file gets cached."""
    cli_wall_time(db, 1, 0, "status")
    _time_to_text([sys.executable, "-c", BARE_APP], BARE_TEXT)
    history_open(db, 1, 0)


# ---------------------------------------------------------------------- start-up


def _time_to_text(argv: list[str], needle: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the program) from launch until `needle` is on screen."""
    with _terminal(argv) as term:
        wall = term.wait_for(needle)
        return wall, term.cpu_seconds()


def startup_ratio(db: Path, runs: int, years: int) -> list[Result]:
    """Today's first frame, and Today with its numbers, each against a bare Textual app's first
    frame; the three are started in turn, `runs` times."""
    first, loaded, bare = [], [], []
    for _ in range(runs):
        first.append(_time_to_text([*stretchtui_command(), "--db", str(db)], TODAY_FIRST_FRAME))
        loaded.append(_time_to_text([*stretchtui_command(), "--db", str(db)], TODAY_LOADED))
        bare.append(_time_to_text([sys.executable, "-c", BARE_APP], BARE_TEXT))
    bare_wall, bare_cpu = median_of([w for w, _ in bare]), median_of([c for _, c in bare])
    results = []
    # The target is the issue's, for the first frame. Today's numbers come from the database, which
    # opens in a thread after that frame; their time is shown to follow it, without a target.
    for what, runs_of, target in (
        ("first frame of Today", first, TARGETS["startup_ratio"]),
        ("Today drawn with its numbers", loaded, None),
    ):
        wall, cpu = median_of([w for w, _ in runs_of]), median_of([c for _, c in runs_of])
        results.append(
            Result(
                f"{what}, {years} years: ratio to a bare Textual app",
                wall / bare_wall,
                "x",
                target,
                f"app {wall * 1000:.0f} ms, bare app {bare_wall * 1000:.0f} ms "
                f"(CPU {cpu * 1000:.0f} / {bare_cpu * 1000:.0f} ms)",
                digits=2,
            )
        )
    return results


# ---------------------------------------------------------------------- history


def history_open(db: Path, runs: int, years: int) -> list[Result]:
    """From pressing 4 on Today to History's week drawn on the terminal (the app on a pty)."""
    times, cpu = [], []
    for _ in range(runs):
        with _terminal([*stretchtui_command(), "--db", str(db)]) as term:
            term.wait_for(TODAY_LOADED)
            term.drain(1.0)  # let the start-up work finish
            mark, cpu_before, pressed = len(term.output), term.cpu_seconds(), time.perf_counter()
            term.send("4")
            shown = term.wait_for(HISTORY_LOADED, after=mark)
            times.append((term.started + shown - pressed) * 1000)
            cpu.append((term.cpu_seconds() - cpu_before) * 1000)
    return [
        Result(
            f"open History (4 on Today until its week is drawn), {years} years",
            median_of(times),
            "ms",
            TARGETS["history_ms"],
            f"{spread(times, 'ms')}; CPU {median_of(cpu):.0f} ms",
        )
    ]


# ---------------------------------------------------------------------- command line


def cli_wall_time(db: Path, runs: int, years: int, *args: str) -> list[Result]:
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [*stretchtui_command(), "--db", str(db), *args],
            check=True,
            capture_output=True,
            env=_env(),
            cwd=_cwd(),
            timeout=60,
        )
        times.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return [
        Result(
            f"stretchtui {' '.join(args)}, {years} years (wall time)",
            median_of(times),
            "ms",
            TARGETS["cli_ms"],
            f"{spread(times, 'ms')}; CPU {median_of(cpu):.0f} ms",
        )
    ]


# ---------------------------------------------------------------------- a long hold


MOVING_EXERCISE = "cat-cow"  # a moving figure (core.poses): it is drawn again as the move goes
MOVING_REPS = 80


def add_long_hold(db: Path, moving: bool = False) -> str:
    """An own routine with one ten-minute hold, so a measurement window fits inside one phase (or,
    `moving`, one long reps step of a move whose figure moves)."""
    from stretchtui.core.clock import SystemClock
    from stretchtui.core.model import Origin, Routine, RoutineItem
    from stretchtui.store import Store

    store = Store.open(db, SystemClock())
    try:
        routine = store.library.save_routine(
            Routine(
                id="",
                name="Bench long hold",
                origin=Origin.USER,
                items=(
                    RoutineItem(MOVING_EXERCISE, reps=MOVING_REPS)
                    if moving
                    else RoutineItem(LONG_HOLD_EXERCISE, hold_seconds=LONG_HOLD_SECONDS),
                ),
            )
        )
    finally:
        store.close()
    return routine.id


def hold(db: Path, workdir: Path, runs: int, window: float, moving: bool = False) -> list[Result]:
    """CPU time and terminal output while a hold counts down, over `window` seconds per run (or,
    `moving`, a reps step whose figure moves: the same targets hold)."""
    cpu, rates = [], []
    what = f"a moving figure ({MOVING_EXERCISE} reps)" if moving else "a hold"
    for run in range(runs):
        copy = copy_database(db, workdir / f"hold-{run}.db")
        routine_id = add_long_hold(copy, moving)
        with _terminal([*stretchtui_command(), "--db", str(copy), "start", routine_id]) as term:
            term.wait_for("how is your pain")
            term.send("3")
            term.wait_for("REPS" if moving else "HOLD")
            term.drain(1.5)  # past the phase change
            cpu_before = term.cpu_seconds()
            started = time.perf_counter()
            written = term.drain(window)
            elapsed = time.perf_counter() - started
            cpu.append((term.cpu_seconds() - cpu_before) / elapsed * 100)
            rates.append(written / elapsed)
    return [
        Result(
            f"CPU during {what} ({window:.0f} s windows)",
            median_of(cpu),
            "% of a core",
            TARGETS["hold_cpu_percent"],
            spread(cpu, "%", 2),
            digits=2,
        ),
        Result(
            f"bytes written to the terminal per second of {what}",
            median_of(rates),
            "B/s",
            TARGETS["hold_bytes_per_second"],
            spread(rates, "B/s"),
        ),
    ]


# ---------------------------------------------------------------------- memory


def memory(db: Path, runs: int, years: int) -> list[Result]:
    """Peak resident memory (VmHWM) after Today and History have drawn all their numbers."""
    peaks, resident = [], []
    for _ in range(runs):
        with _terminal([*stretchtui_command(), "--db", str(db)]) as term:
            term.wait_for(TODAY_LOADED)
            term.send("4")
            term.wait_for(HISTORY_LOADED)
            term.drain(0.5)
            values = term.memory_kib()
            peaks.append(values["VmHWM"] * 1024 / 1e6)
            resident.append(values["VmRSS"] * 1024 / 1e6)
    return [
        Result(
            f"peak resident memory, {years} years, Today then History",
            median_of(peaks),
            "MB",
            TARGETS["memory_mb"],
            f"VmHWM; VmRSS after {median_of(resident):.0f} MB",
            digits=1,
        )
    ]
