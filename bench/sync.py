"""What a sync round costs with years of history on three devices (docs/sync.md, issue 21).

Every round is `stretchtui sync` as cron, a shell or the app's timer runs it: a process of its own,
timed from launch to exit. Each device keeps its own copy of the sync folder; between rounds the
bench copies a device's own folder into the others' copies (what Syncthing or rsync would do),
untimed. The targets are ratios to commands measured alongside, in the same round-robin, so a slow
spell slows both sides alike:

- a device joining with the whole history (`sync init`, whose first round sends every record)
  against `stretchtui export` of the same database: both read every record and write it out;
- a second device taking all of it in (one `sync` on an empty database) against `stretchtui
  import` of that export into an empty database: both check and insert every record;
- a quiet round (nothing changed anywhere: the change counter has not moved, no log has grown)
  against `stretchtui log` (a check-in from the command line), the cheapest command that opens
  the store for writing; a quiet round on an empty history is shown beside it;
- a round that takes one new check-in made on a third device, against a quiet round.

Without a target: the third device's round that sends that check-in (a round after any change
here reads every record to find what changed), and `sync --status`.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import copy_database
from bench.measures import _cwd, _env, stretchtui_command
from bench.table import Result, median_of, spread

TARGETS = {"join": 1.5, "take_all": 2.0, "quiet": 1.5, "take_one": 1.5}


class Ran:
    def __init__(self, wall_ms: float, cpu_ms: float, out: str) -> None:
        self.wall_ms, self.cpu_ms, self.out = wall_ms, cpu_ms, out


def _run(*args: str) -> Ran:
    """`stretchtui ARGS`, timed (wall and the process's CPU); fails loudly on any exit but 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*stretchtui_command(), *args], capture_output=True, text=True, env=_env(), cwd=_cwd(), timeout=900
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"stretchtui {' '.join(args[2:4])}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return Ran(wall, cpu, done.stdout.strip())


def _expect(ran: Ran, pattern: str, what: str) -> Ran:
    """The round did what is being measured (a round that took nothing measures nothing)."""
    import re

    if not re.fullmatch(pattern, ran.out.splitlines()[-1] if ran.out else ""):
        raise RuntimeError(f"{what}: the round said {ran.out[-200:]!r}, expected /{pattern}/")
    return ran


class Device:
    """One machine: its database and its own copy of the sync folder."""

    def __init__(self, workdir: Path, name: str, source: Path | None = None) -> None:
        self.name = name
        self.db = workdir / f"sync-{name}.db"
        self.folder = workdir / f"sync-{name}-folder"
        self.id = ""
        if source is not None:
            copy_database(source, self.db)

    def init(self) -> Ran:
        ran = _run("--db", str(self.db), "sync", "init", str(self.folder), "--name", self.name)
        status = json.loads(_run("--db", str(self.db), "sync", "--status", "--json").out)
        self.id = status["device"]["id"]
        return ran

    def round(self) -> Ran:
        return _run("--db", str(self.db), "sync")

    def deliver_to(self, *others: Device) -> None:
        """This device's own folder copied into the others' copies of the sync folder, as a sync
        tool would (whole files, nothing deleted)."""
        for other in others:
            shutil.copytree(self.folder / self.id, other.folder / self.id, dirs_exist_ok=True)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        for path in (self.db, *(Path(f"{self.db}{s}") for s in ("-wal", "-shm", ".lock", ".sync-lock"))):
            path.unlink(missing_ok=True)


def _ms(values: list[float]) -> str:
    return f"{median_of(values):,.0f} ms"


def sync(db: Path, workdir: Path, runs: int, years: int) -> list[Result]:
    """Every figure `runs` times (the quiet round twice as often), interleaved with what it is
    compared with; `db` is the run's demo database of `years` years (only ever copied)."""
    from stretchtui.core.clock import SystemClock
    from stretchtui.store import Store

    exported = workdir / "sync-export.json"
    times: dict[str, list[float]] = {
        name: []
        for name in (
            "join",
            "export",
            "take_all",
            "import",
            "quiet",
            "log",
            "quiet_empty",
            "send_one",
            "take_one",
            "status",
        )
    }
    cpu: dict[str, list[float]] = {name: [] for name in times}

    def note(name: str, ran: Ran) -> Ran:
        times[name].append(ran.wall_ms)
        cpu[name].append(ran.cpu_ms)
        return ran

    changes = log_mb = 0.0
    a = b = None
    for run in range(runs):
        # (a) a device joins with the whole history; (b) an empty one takes it all in
        if a is not None and b is not None:
            a.remove()
            b.remove()
        a, b = Device(workdir, "a", source=db), Device(workdir, "b")
        ran = _expect(note("join", a.init()), r"sent \d+ changes; nothing new came in", "joining")
        changes = float(ran.out.splitlines()[-1].split()[1])
        log_mb = sum(p.stat().st_size for p in (a.folder / a.id).glob("log-*")) / 1e6
        note("export", _run("--db", str(db), "export", "--output", str(exported), "--force"))
        b.init()
        a.deliver_to(b)
        _expect(note("take_all", b.round()), r"sent 0 changes; took \d+ changes from a", "taking it all in")
        target = workdir / f"sync-import-{run}.db"
        Store.open(target, SystemClock()).close()  # made first, as the empty device's database was
        note("import", _run("--db", str(target), "import", str(exported)))
        for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}.lock")):
            path.unlink(missing_ok=True)
    assert a is not None and b is not None

    # three devices, everything everywhere
    c = Device(workdir, "c")
    c.init()
    a.deliver_to(c)
    _expect(c.round(), r"sent 0 changes; took \d+ changes from a", "the third device taking it all in")
    for device in (a, b, c):
        device.round()
        device.deliver_to(*(d for d in (a, b, c) if d is not device))
    for device in (a, b, c):
        _expect(device.round(), r"sent 0 changes; nothing new came in", "settling")
    twin = Device(workdir, "twin", source=b.db)  # where `log` writes, so b's rounds stay quiet
    empty = Device(workdir, "empty")
    empty.init()

    for run in range(runs * 2):
        # (c) a quiet round, against a check-in from the command line
        _expect(note("quiet", b.round()), r"sent 0 changes; nothing new came in", "a quiet round")
        note("log", _run("--db", str(twin.db), "log", "--pain", "3", "--note", f"bench {run}"))
        note("quiet_empty", _expect(empty.round(), r"sent 0 changes; nothing new came in", "a quiet round"))
        if run % 2:
            continue
        # (d) one new check-in on c: c's round sends it, b's round takes it
        _run("--db", str(c.db), "log", "--pain", "4", "--note", f"from c, {run}")
        _expect(note("send_one", c.round()), r"sent 1 change; nothing new came in", "sending one change")
        c.deliver_to(b)
        _expect(note("take_one", b.round()), r"sent 0 changes; took 1 change from c", "taking one change")
        note("status", _run("--db", str(b.db), "sync", "--status"))

    def ratio(name: str, against: str) -> float:
        return median_of(times[name]) / median_of(times[against])

    def both(name: str) -> str:
        return f"{_ms(times[name])} (CPU {median_of(cpu[name]):,.0f} ms)"

    sized = f"{years} year{'s' if years != 1 else ''}"
    return [
        Result(
            f"sync: a device joins with {sized} (sync init; sends every record): ratio to stretchtui export",
            ratio("join", "export"),
            "x",
            TARGETS["join"],
            f"join {both('join')}, export {both('export')}; {changes:,.0f} changes, log {log_mb:.1f} MB",
            2,
        ),
        Result(
            f"sync: a second device takes in {sized} (one round): ratio to stretchtui import of the export",
            ratio("take_all", "import"),
            "x",
            TARGETS["take_all"],
            f"round {both('take_all')}, import {both('import')}",
            2,
        ),
        Result(
            f"sync: a quiet round, {sized}, three devices: ratio to stretchtui log",
            ratio("quiet", "log"),
            "x",
            TARGETS["quiet"],
            f"round {both('quiet')}, log {both('log')}; empty history {_ms(times['quiet_empty'])}; "
            + spread(times["quiet"], "ms"),
            2,
        ),
        Result(
            f"sync: a round taking one check-in from another device, {sized}: ratio to a quiet round",
            ratio("take_one", "quiet"),
            "x",
            TARGETS["take_one"],
            f"round {both('take_one')}; {spread(times['take_one'], 'ms')}",
            2,
        ),
        Result(
            f"sync: the round sending that check-in, {sized} (wall time)",
            median_of(times["send_one"]),
            "ms",
            None,
            f"CPU {median_of(cpu['send_one']):,.0f} ms; {ratio('send_one', 'export'):.2f} x an export; "
            "every record read to find the one changed",
        ),
        Result(
            f"stretchtui sync --status, {sized} (wall time)",
            median_of(times["status"]),
            "ms",
            None,
            f"CPU {median_of(cpu['status']):,.0f} ms; {spread(times['status'], 'ms')}",
        ),
    ]
