"""Sync between two real processes on two "machines" (docs/sync.md), through `rsync -a`.

Each machine is a database and its own copy of the sync folder; a background loop keeps the two
copies in step as two machines over SSH would: each side's own device folder copied to the other
side, both ways, never --delete. While the loop runs, both machines record sessions, check-ins and
a rest day through the CLI and run `stretchtui sync` rounds, all at the same time (a writer and a
round loop per machine). Afterwards, copies and rounds until the rounds are quiet; then both
machines export the same record, and everything either machine made is there exactly once.

Then, through the CLI as well: a log copied half way (cut inside a line, inside a character)
waits and is taken whole on the next round, nothing lost or doubled; a file that is not ours or
a log of a newer format is refused in exactly one line while the rest syncs, and `sync --status`
names it too; and a database put back with `stretchtui restore` starts a new generation of its log
that the other machine goes on taking.

rsync missing: skipped on a developer machine, a failure under CI (as the clock tests do with
faketime)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

RSYNC = shutil.which("rsync")


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(RSYNC is None and not _under_ci(), reason="rsync is not installed (apt-get install rsync)"),
]

CHECKINS = 4  # per machine
SESSIONS = 3  # per machine
ROUND_LINE = re.compile(r"sent (\d+|no) changes?; (?:took (.+)|nothing new came in)")
QUIET = "sent 0 changes; nothing new came in"
HEADER_FIELDS = ("exported_at", "app_version")


@pytest.fixture(autouse=True)
def rsync_there() -> None:
    if RSYNC is None:  # only reached under CI (skipped otherwise)
        pytest.fail("rsync is not installed; CI must run the two-process sync tests (apt-get install rsync)")


# ---------------------------------------------------------------------- a machine: the CLI on one database


@dataclass
class Ran:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def ok(self) -> Ran:
        assert self.code == 0 and self.err == "", f"{' '.join(self.argv)}: exit {self.code}: {self.err}"
        return self


@dataclass
class Machine:
    name: str
    db: Path
    folder: Path
    env: dict[str, str]
    device: str = ""
    failures: list[str] = field(default_factory=list)
    rounds: int = 0
    rounds_that_took: int = 0  # rounds that took something from the other machine

    def run(self, *args: str) -> Ran:
        argv = (sys.executable, "-m", "stretchtui", "--db", str(self.db), *args)
        done = subprocess.run(argv, capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL, timeout=120)
        return Ran(argv[3:], done.returncode, done.stdout, done.stderr)

    def checked(self, *args: str) -> Ran:
        """Run, and note (for the main thread to assert) any exit but 0 or any word on stderr."""
        ran = self.run(*args)
        if ran.code != 0 or ran.err:
            self.failures.append(f"{self.name}: {' '.join(args)}: exit {ran.code}: {ran.err.strip()}")
        return ran

    def round(self) -> Ran:
        ran = self.checked("sync")
        self.rounds += 1
        if " took " in ran.out:
            self.rounds_that_took += 1
        if ran.code == 0 and not ROUND_LINE.fullmatch(ran.out.strip()):
            self.failures.append(f"{self.name}: sync said {ran.out!r}")
        return ran

    def join(self) -> None:
        self.run("sync", "init", str(self.folder), "--name", self.name).ok()
        # A new folder holds one device folder, named by this machine's id (docs/sync.md), as
        # `sync --status --json` says too (test_sync.py); read here without one more process.
        (device,) = [entry.name for entry in self.folder.iterdir() if entry.is_dir()]
        self.device = device

    def status(self) -> dict:
        return json.loads(self.run("sync", "--status", "--json").ok().out)

    def export(self, target: Path) -> dict:
        self.run("export", "--output", str(target)).ok()
        plain = json.loads(target.read_text(encoding="utf-8"))
        return comparable(plain)


def comparable(plain: dict) -> dict:
    """An export without what differs between two machines holding the same record: when and by
    which version it was written, and this machine's own settings (which never travel)."""
    from stretchtui.core.settings import EXPORTED

    plain = {k: v for k, v in plain.items() if k not in HEADER_FIELDS}
    plain["settings"] = {k: v for k, v in plain.get("settings", {}).items() if k in EXPORTED}
    return plain


def environment(root: Path) -> dict[str, str]:
    """Everything a process reads from its environment, inside the test's folder."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "STRETCHTUI_")) and k not in ("TMUX", "SSH_AUTH_SOCK")
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(home / "run"),
        TMUX_TMPDIR=str(home),
        TZ="Europe/Berlin",
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    return env


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Machine, Machine]:
    env = environment(tmp_path)
    alpha = Machine("alpha", tmp_path / "alpha.db", tmp_path / "alpha-sync", env)
    beta = Machine("beta", tmp_path / "beta.db", tmp_path / "beta-sync", env)
    alpha.join()
    beta.join()
    return alpha, beta


# ---------------------------------------------------------------------- the transport: rsync, both ways


def rsync_own_folder(source: Machine, target: Machine) -> str | None:
    """Copy `source`'s own device folder into `target`'s copy of the sync folder (never --delete);
    why it failed, or None."""
    mine = source.folder / source.device
    if not mine.is_dir():
        return None
    done = subprocess.run(
        [RSYNC or "rsync", "-a", f"{mine}/", f"{target.folder / source.device}/"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    # 24: a file vanished while being copied (a temporary file renamed into place): the next pass copies it
    if done.returncode not in (0, 24):
        return f"rsync {source.name} -> {target.name}: exit {done.returncode}: {done.stderr.strip()}"
    return None


def rsync_both_ways(a: Machine, b: Machine) -> list[str]:
    return [why for why in (rsync_own_folder(a, b), rsync_own_folder(b, a)) if why]


class RsyncLoop(threading.Thread):
    """Copies both ways, pass after pass, until stopped."""

    def __init__(self, a: Machine, b: Machine) -> None:
        super().__init__(name="rsync-loop", daemon=True)
        self.a, self.b = a, b
        self.stopping = threading.Event()
        self.passes = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            self.failures += rsync_both_ways(self.a, self.b)
            self.passes += 1
            self.stopping.wait(0.02)  # pacing only: two CPUs are shared with four streams of processes

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        assert not self.is_alive(), "the rsync loop did not stop"


# ---------------------------------------------------------------------- what each machine does


def sessions_minutes(machine: str) -> list[int]:
    """The length of each session a machine records: which machine and which session, from the export."""
    first = {"alpha": 2, "beta": 12}[machine]
    return list(range(first, first + SESSIONS))


def notes(machine: str) -> list[str]:
    return [f"{machine} check-in {index} · Rücken" for index in range(CHECKINS)]


class Writer(threading.Thread):
    """One person at one machine: check-ins, sessions and a rest day, each followed by a round
    (which overlaps the round loop's, on the same database)."""

    def __init__(self, machine: Machine, rest_day: date) -> None:
        super().__init__(name=f"writer-{machine.name}", daemon=True)
        self.machine, self.rest_day = machine, rest_day

    def run(self) -> None:
        m = self.machine
        minutes = sessions_minutes(m.name)
        for index, note in enumerate(notes(m.name)):
            m.checked("log", "--pain", str(index + 2), "--sitting", "6", "--note", note)
            if index < len(minutes):
                m.checked("record", "one-minute", "--minutes", str(minutes[index]))
            if index == 1:  # both machines mark the same day: one mark per day survives
                m.checked(
                    "rest", "--date", self.rest_day.isoformat(), "--force", *(["--flare"] if m.name == "beta" else [])
                )
            m.round()


class RoundLoop(threading.Thread):
    """`stretchtui sync` round after round on one machine, until its writer is done."""

    def __init__(self, machine: Machine, writer: Writer) -> None:
        super().__init__(name=f"rounds-{machine.name}", daemon=True)
        self.machine, self.writer = machine, writer

    def run(self) -> None:
        while self.writer.is_alive():
            self.machine.round()
            self.writer.join(0.2)  # pacing only: rounds keep overlapping the writer's, a few fewer processes


def took(count: int, source: str, sent: int = 0) -> str:
    """What a round that took `count` changes from `source` says."""
    return f"sent {sent} change{'' if sent == 1 else 's'}; took {count} change{'' if count == 1 else 's'} from {source}"


def settle(a: Machine, b: Machine, passes: int = 8) -> int:
    """Copy both ways and run a round on each, until a pass in which neither sends nor takes
    anything; the number of passes it took."""
    for done in range(1, passes + 1):
        assert not rsync_both_ways(a, b)
        said = [a.run("sync").ok().out.strip(), b.run("sync").ok().out.strip()]
        if said == [QUIET, QUIET]:
            return done
    raise AssertionError(f"the two machines did not settle in {passes} passes: {said}")


# ---------------------------------------------------------------------- two machines at once


def test_two_machines_kept_in_step_by_rsync_end_with_one_record(pair: tuple[Machine, Machine], tmp_path: Path) -> None:
    alpha, beta = pair
    rest_day = date.today() - timedelta(days=10)
    loop = RsyncLoop(alpha, beta)
    writers = [Writer(alpha, rest_day), Writer(beta, rest_day)]
    rounds = [RoundLoop(m, w) for m, w in zip(pair, writers, strict=True)]
    loop.start()
    try:
        for thread in (*writers, *rounds):
            thread.start()
        for thread in (*writers, *rounds):
            thread.join(timeout=120)
            assert not thread.is_alive(), f"{thread.name} still running after 120 s"
    finally:
        loop.stop()
    assert loop.passes > 0 and not loop.failures, loop.failures
    assert not alpha.failures and not beta.failures, alpha.failures + beta.failures
    assert alpha.rounds > CHECKINS and beta.rounds > CHECKINS  # the round loops ran alongside the writers
    assert alpha.rounds_that_took and beta.rounds_that_took  # and changes came through while both wrote

    settle(alpha, beta)

    exports = [alpha.export(tmp_path / "alpha.json"), beta.export(tmp_path / "beta.json")]
    assert exports[0] == exports[1]
    record = exports[0]
    assert Counter(c["note"] for c in record["checkins"]) == Counter(notes("alpha") + notes("beta"))
    assert sorted(round(s["active_seconds"] / 60) for s in record["sessions"]) == sorted(
        sessions_minutes("alpha") + sessions_minutes("beta")
    )
    assert len({s["uuid"] for s in record["sessions"]}) == len(record["sessions"])
    assert [(d["day"], d["kind"]) for d in record["day_marks"]] in (
        [(rest_day.isoformat(), "rest")],
        [(rest_day.isoformat(), "flare")],
    ), record["day_marks"]
    assert record["removed"] == []

    for here, there in ((alpha, beta), (beta, alpha)):
        status = here.status()
        assert status["unsent"] == 0 and status["problems"] == [], status
        assert [(d["id"], d["name"], d["unread"]) for d in status["devices"]] == [(there.device, there.name, 0)]


# ---------------------------------------------------------------------- a file copied half way


def test_a_log_cut_mid_line_by_a_slow_copy_waits_and_then_comes_whole(
    pair: tuple[Machine, Machine], tmp_path: Path
) -> None:
    alpha, beta = pair
    for index, note in enumerate(notes("alpha")):
        alpha.run("log", "--pain", str(index), "--note", note).ok()
    alpha.run("record", "one-minute", "--minutes", "7").ok()
    alpha.run("sync").ok()

    source = alpha.folder / alpha.device
    log = next(source.glob("log-*.jsonl"))
    data = log.read_bytes()
    lines = data.splitlines(keepends=True)
    assert len(lines) == 1 + CHECKINS + 1  # the header, then one change each
    cut_line = next(i for i in range(2, len(lines)) if "ü".encode() in lines[i])  # a change after another
    start = sum(map(len, lines[:cut_line]))
    middle = start + lines[cut_line].index("ü".encode()) + 1  # inside that line, inside the "ü"
    target = beta.folder / alpha.device
    target.mkdir(mode=0o700)
    shutil.copy2(source / "device.json", target / "device.json")
    (target / log.name).write_bytes(data[:middle])

    first = beta.run("sync").ok()
    assert first.out.strip() == took(cut_line - 1, "alpha")
    (target / log.name).write_bytes(data)  # the copy completes
    second = beta.run("sync").ok()
    assert second.out.strip() == took(len(lines) - cut_line, "alpha")
    assert rsync_own_folder(alpha, beta) is None  # the same file once more, as the loop would
    assert beta.run("sync").ok().out.strip() == QUIET

    settle(alpha, beta)
    record = beta.export(tmp_path / "beta.json")
    assert record == alpha.export(tmp_path / "alpha.json")
    assert Counter(c["note"] for c in record["checkins"]) == Counter(notes("alpha"))
    assert [round(s["active_seconds"] / 60) for s in record["sessions"]] == [7]


# ---------------------------------------------------------------------- what is not ours, what is newer

OTHER_DEVICE = "0123456789abcdef"


def foreign_file(beta: Machine, alpha: Machine) -> str:
    (beta.folder / "shopping list.txt").write_text("eggs\n")
    return "shopping list.txt: not a stretchtui sync file; left alone"


def foreign_file_in_a_device_folder(beta: Machine, alpha: Machine) -> str:
    (beta.folder / alpha.device).mkdir(mode=0o700, exist_ok=True)
    (beta.folder / alpha.device / "notes.md").write_text("# mine\n")
    return f"{alpha.device}/notes.md: not a stretchtui sync file; left alone"


def newer_format_log(beta: Machine, alpha: Machine) -> str:
    other = beta.folder / OTHER_DEVICE
    other.mkdir(mode=0o700)
    header = {"format": "stretchtui-sync", "format_version": 2, "device": OTHER_DEVICE, "log": 1}
    change = {"at": f"{'9' * 15}.000000.{OTHER_DEVICE}", "kind": "checkins", "key": "x", "shape": "new"}
    (other / "log-000001.jsonl").write_text(json.dumps(header) + "\n" + json.dumps(change) + "\n")
    return (
        f"{OTHER_DEVICE}/log-000001.jsonl at byte 0: written by a newer stretchtui (sync format 2; this one "
        "reads up to 1): upgrade stretchtui here to take its changes"
    )


def newer_format_device_file(beta: Machine, alpha: Machine) -> str:
    other = beta.folder / OTHER_DEVICE
    other.mkdir(mode=0o700)
    (other / "device.json").write_text(
        json.dumps({"format": "stretchtui-sync", "format_version": 3, "device": OTHER_DEVICE, "name": "future"})
    )
    (other / "log-000001.jsonl").write_text(
        json.dumps({"format": "stretchtui-sync", "format_version": 1, "device": OTHER_DEVICE, "log": 1}) + "\n"
    )
    return (
        f"{OTHER_DEVICE}: written by a newer stretchtui (sync format 3; this one reads up to 1): "
        "upgrade stretchtui here to take its changes"
    )


@pytest.mark.parametrize(
    ("odd", "code"),
    [
        (foreign_file, 0),
        (foreign_file_in_a_device_folder, 0),
        (newer_format_log, 1),
        (newer_format_device_file, 1),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_a_file_not_ours_or_newer_is_refused_in_one_line_and_the_rest_syncs(
    pair: tuple[Machine, Machine], tmp_path: Path, odd, code: int
) -> None:
    alpha, beta = pair
    alpha.run("log", "--pain", "3", "--note", "from alpha").ok()
    alpha.run("record", "one-minute", "--minutes", "5").ok()
    alpha.run("sync").ok()
    why = odd(beta, alpha)
    assert rsync_own_folder(alpha, beta) is None
    beta.run("log", "--pain", "6", "--note", "from beta").ok()

    for again in (False, True):  # refused again, in the same one line, while nothing is doubled
        ran = beta.run("sync")
        assert ran.code == code, ran
        assert ran.err.splitlines() == [f"stretchtui: {why}"], ran.err
        assert ran.out.strip() == (QUIET if again else took(2, "alpha", sent=1))

    assert rsync_own_folder(beta, alpha) is None
    assert alpha.run("sync").ok().out.strip() == took(1, "beta")
    record = beta.export(tmp_path / "beta.json")
    assert record == alpha.export(tmp_path / "alpha.json")
    assert sorted(c["note"] for c in record["checkins"]) == ["from alpha", "from beta"]
    assert [round(s["active_seconds"] / 60) for s in record["sessions"]] == [5]


@pytest.mark.parametrize("odd", [foreign_file, newer_format_log, newer_format_device_file], ids=lambda f: f.__name__)
def test_sync_status_names_what_a_round_refuses(pair: tuple[Machine, Machine], odd) -> None:
    """`sync --status` says what a round would say is wrong, without running one."""
    alpha, beta = pair
    why = odd(beta, alpha)
    assert beta.status()["problems"] == [why]


# ---------------------------------------------------------------------- a database put back from a backup


def test_after_a_restore_the_new_generation_of_the_log_is_still_taken(
    pair: tuple[Machine, Machine], tmp_path: Path
) -> None:
    """`stretchtui restore` puts back a database that does not know its own last changes: its next
    round reads its log back and starts a new generation (a snapshot of every record it knows,
    the other machine's too). The other machine must go on taking that log."""
    alpha, beta = pair
    beta.run("log", "--pain", "5", "--note", "from beta").ok()
    beta.run("sync").ok()
    assert not rsync_both_ways(alpha, beta)
    assert alpha.run("sync").ok().out.strip() == took(1, "beta")
    backup = tmp_path / "alpha-backup.db"
    alpha.run("backup", "--output", str(backup)).ok()
    alpha.run("log", "--pain", "2", "--note", "after the backup").ok()
    alpha.run("sync").ok()
    assert not rsync_both_ways(alpha, beta)
    assert beta.run("sync").ok().out.strip() == took(1, "alpha")

    alpha.run("restore", str(backup)).ok()
    restored = alpha.run("sync")
    assert restored.code == 0 and "took back 1 change from this machine's own log" in restored.out
    assert restored.err.count("\n") == 1 and "not as this database left it" in restored.err  # said, once
    assert sorted(p.name for p in (alpha.folder / alpha.device).glob("log-*")) == ["log-000002.jsonl"]
    assert not rsync_both_ways(alpha, beta)
    beta.run("sync").ok()
    alpha.run("log", "--pain", "7", "--note", "later on alpha").ok()
    alpha.run("sync").ok()
    assert not rsync_both_ways(alpha, beta)
    assert beta.run("sync").ok().out.strip() == took(1, "alpha")

    settle(alpha, beta)
    record = beta.export(tmp_path / "beta.json")
    assert record == alpha.export(tmp_path / "alpha.json")
    assert sorted(c["note"] for c in record["checkins"]) == ["after the backup", "from beta", "later on alpha"]


def _in_memory(path: str) -> bool:
    from stretchtui.store.mounts import filesystem_type

    try:
        return filesystem_type(Path(path), Path("/proc/mounts").read_text()) == "tmpfs"
    except OSError:
        return False


@pytest.mark.skipif(not _in_memory("/dev/shm"), reason="no tmpfs at /dev/shm here")
def test_a_sync_folder_kept_in_memory_is_said_at_init(tmp_path: Path) -> None:
    import uuid

    folder = Path("/dev/shm") / f"stretchtui-test-{uuid.uuid4().hex}"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "stretchtui", "--db", str(tmp_path / "a.db"), "sync", "init", str(folder)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert done.returncode == 0 and "gone when this machine restarts" in done.stdout, done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)
