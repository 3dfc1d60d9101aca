"""Determinism for every test: a frozen clock, a private tmp database, no blinking cursor,
and no test ever touching the real user data directory.

Speed: a new database is migrated and seeded once per test process (`seeded_template`); each
test's `store` (and the app `make_test_app` builds) starts from a copy of it instead, which takes
a few milliseconds instead of the 0.15 s a migration and seeding take."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from pilot_helpers import no_frames_for_a_headless_app, shorter_idle_checks
from snapshot_text import pytest_sessionfinish  # noqa: F401 - a hook: failed snapshots printed as text

from bench.common import use_bytecode_cache
from stretchtui.core.clock import FrozenClock
from stretchtui.store import Store

# Bytecode kept outside the tree even under PYTHONDONTWRITEBYTECODE, for this process, the xdist
# workers and every `python -m stretchtui` a test starts (hundreds): none recompiles the package.
use_bytecode_cache()


if os.environ.get("STRETCHTUI_TEST_IDLE") != "textual":
    shorter_idle_checks()
if os.environ.get("STRETCHTUI_TEST_FRAMES") != "all":
    no_frames_for_a_headless_app()

# Fewer cyclic garbage collections in the test processes. A Pilot test allocates hundreds of
# thousands of short-lived objects (widgets, styles, strips), and with the default thresholds
# (700, 10, 10) the collector ran some 7,400 times over 51 such tests, 27% of their CPU time
# (10 of 37 s); at (20000, 10, 10), 143 times and 3 s, for some 50 MB more memory per worker.
# Nothing in a test depends on when a cycle is collected: stores and apps are closed explicitly.
gc.set_threshold(20_000, 10, 10)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject.toml): for the whole suite, half as many workers again as there are
    cores, 3 on 2 cores. Its slow tests spend part of their time not computing (a Pilot waiting
    for the app to go idle, a test waiting for the processes it started, SQLite syncing to disk):
    with one worker a core about a third of the cores' time went unused, and the suite took 308 s
    with 2 workers and 244 s with 3, for the same CPU time. The quick loop (`-m "not slow"`) keeps
    its cores busy as it is and only lost time to a third worker: one worker a core.
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if "not slow" in (config.getoption("markexpr", "") or ""):
        return cores
    return cores + cores // 2


APP_FIXTURES = frozenset({"make_test_app", "snap_compare"})


LONG_FIRST = ("test_reliability_", "test_sync_processes", "test_sigterm", "test_store_files", "test_session_pty")
"""Modules of the longest tests (several seconds each: real processes, a real terminal), run first
with the xdist groups, so that no worker is still on one of them when the others have finished."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives the whole app (a Pilot, a snapshot) is `slow` too: `-m "not slow"` is
    the quick loop over core, store and commands, and CI runs everything. The longest run first
    (LONG_FIRST), in the order they were collected."""
    for item in items:
        if APP_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)

    def long_first(item: pytest.Item) -> bool:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1]
        return not (item.get_closest_marker("xdist_group") or module.startswith(LONG_FIRST))

    items.sort(key=long_first)


FROZEN_AT = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)  # a Saturday, 09:30 in Berlin
ZONE = "Europe/Berlin"
T = TypeVar("T")


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)  # status_cache: under HOME, so under tmp_path
    monkeypatch.delenv("STRETCHTUI_DB", raising=False)
    monkeypatch.setenv("TMUX_TMPDIR", str(home))  # a tmux command a test runs reaches no real server
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TZ", ZONE)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(FROZEN_AT, ZONE)


@pytest.fixture(autouse=True)
def commands_run_on_the_frozen_clock(monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> None:
    """Every command a test runs in-process (`cli.main`) reads this test's frozen clock, so data a
    test stored "today" is still today for the command, whatever date the suite runs on.
    (Subprocess tests run on the real clock; the clock tests move it with libfaketime.)"""
    monkeypatch.setattr("stretchtui.core.clock.default_clock", lambda: clock)


@pytest.fixture
def stable_uuids(monkeypatch: pytest.MonkeyPatch) -> None:
    """uuid4 from a seeded generator: a snapshot that shows ids (History's lists show the first 8
    characters, as `stretchtui entries` does) is the same on every run. Unique within the test."""
    import random
    import uuid

    generator = random.Random(20261121)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=generator.getrandbits(128), version=4))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "stretchtui.db"


def checkpoint(path: Path) -> None:
    """Fold a closed database's -wal file (if one was left) into the file itself, so that copying
    the one file copies everything."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_database(source: Path, target: Path) -> Path:
    """A copy of the closed, checkpointed database `source` at `target`, with the modes the store
    gives a database it creates (folder 0700, file 0600), and the lock file a store leaves beside it."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    lock = Path(f"{source}.lock")
    if lock.exists():
        shutil.copyfile(lock, f"{target}.lock")
        shutil.copymode(lock, f"{target}.lock")
    return target


@contextmanager
def private_home(folder: Path) -> Iterator[None]:
    """HOME and the data folder inside `folder`, for a module- or session-scoped fixture: it runs
    before any test's own environment (`isolated_environment`) is set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        patch.setenv("XDG_DATA_HOME", str(folder / "share"))
        patch.delenv("STRETCHTUI_DB", raising=False)
        patch.delenv("XDG_CACHE_HOME", raising=False)
        patch.setenv("TZ", ZONE)
        yield


def build_template(
    folder: Path, fill: Callable[[Store, FrozenClock], T] | None = None, *, at: datetime = FROZEN_AT
) -> tuple[Path, T | None]:
    """A database in `folder` as `Store.open` first makes it (migrated, library seeded) on the
    frozen clock (at `at`), then `fill(store, clock)`; closed and checkpointed, for module- or
    session-scoped fixtures to build once and tests to copy. Returns the path and what `fill` returned."""
    path = folder / "stretchtui.db"
    with private_home(folder):
        clock = FrozenClock(at, ZONE)
        store = Store.open(path, clock)
        try:
            result = fill(store, clock) if fill is not None else None
        finally:
            store.close()
    checkpoint(path)
    return path, result


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated and seeded database, built once per test process (each pytest-xdist worker
    has its own) and only ever copied."""
    return build_template(tmp_path_factory.mktemp("seeded-template"))[0]


def is_untouched(clock: FrozenClock) -> bool:
    """The clock still reads what the template was seeded on (seeding stamps rows with it)."""
    return clock.instant == FROZEN_AT and clock.zone_name == ZONE


@pytest.fixture
def fresh_database(db_path: Path, clock: FrozenClock, seeded_template: Path):
    """`fresh_database()` puts a copy of the seeded template at `db_path` unless a file is there
    already (or the test moved the clock, which seeding would have stamped), so the store that
    opens it next finds it migrated and seeded, as the first `Store.open` would have left it."""

    def make() -> Path:
        if not db_path.exists() and is_untouched(clock):
            copy_database(seeded_template, db_path)
        return db_path

    return make


@pytest.fixture
def store(fresh_database, clock: FrozenClock) -> Iterator[Store]:
    opened = Store.open(fresh_database(), clock)
    yield opened
    opened.close()


@pytest.fixture
def make_test_app(db_path: Path, clock: FrozenClock, fresh_database):
    """Build the app the way the CLI does, on the tmp database and the frozen clock."""
    from stretchtui.factory import make_app

    def build(*, safety_answered: bool = True, **kwargs):
        if kwargs.get("seed_dir") is None:  # another library is seeded from scratch
            fresh_database()
        app = make_app(db_path, clock=clock, cursor_blink=False, **kwargs)
        if safety_answered and app.store.safety.safety_profile().answered_at is None:
            app.store.safety.save_safety(answers={})  # answered now, all "no": no first-run dialog
        return app

    return build


@pytest.fixture(autouse=True)
def no_app_outlives_its_test() -> Iterator[None]:
    """A test that fails half-way through driving a real app on a pty must not leave that app
    running for the rest of the suite (one left by a failed run spun at 80% of a core): after each
    test, a child of this process that runs stretchtui on a terminal is killed. (Servers shared by
    a module's tests have no terminal and are left to their fixtures.)"""
    yield
    import signal

    for pid in children_of_this_process():
        entry = Path(f"/proc/{pid}")
        try:
            terminal = (entry / "stat").read_text().rsplit(")", 1)[1].split()[4]
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if terminal != "0" and b"stretchtui" in command:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def children_of_this_process() -> list[int]:
    """The process ids of this process's children, from each thread's `children` list (a fraction
    of a millisecond; reading every process in /proc after each test took ~0.1 s), or from a scan
    of /proc where the kernel keeps no such list."""
    me = os.getpid()
    tasks = Path(f"/proc/{me}/task")
    lists = [task / "children" for task in tasks.iterdir()] if tasks.exists() else []
    if lists and lists[0].exists():
        found: list[int] = []
        for children in lists:
            try:
                found += [int(pid) for pid in children.read_text().split()]
            except OSError:
                continue  # the thread ended meanwhile
        return found
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found
