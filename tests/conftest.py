"""Determinism for every test: a frozen clock, a private tmp database, no blinking cursor,
and no test ever touching the real user data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from snapshot_text import pytest_sessionfinish  # noqa: F401 - a hook: failed snapshots printed as text
from stretchtui.core.clock import FrozenClock
from stretchtui.store import Store

FROZEN_AT = datetime(2026, 11, 21, 8, 30, tzinfo=timezone.utc)  # a Saturday, 09:30 in Berlin
ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("STRETCHTUI_DB", raising=False)
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
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "stretchtui.db"


@pytest.fixture
def store(db_path: Path, clock: FrozenClock) -> Iterator[Store]:
    opened = Store.open(db_path, clock)
    yield opened
    opened.close()


@pytest.fixture
def make_test_app(db_path: Path, clock: FrozenClock):
    """Build the app the way the CLI does, on the tmp database and the frozen clock."""
    from stretchtui.factory import make_app

    def build(*, safety_answered: bool = True, **kwargs):
        app = make_app(db_path, clock=clock, cursor_blink=False, **kwargs)
        if safety_answered and app.store.safety_profile().answered_at is None:
            app.store.save_safety(answers={})  # answered now, all "no": no first-run dialog
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

    me = str(os.getpid())
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            parent, terminal = fields[1], fields[4]
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if parent == me and terminal != "0" and b"stretchtui" in command:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass
