"""What the benchmark and the screenshots share: a frozen moment, demo databases, settling a Pilot."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

# The moment the screenshots show (the tests' frozen instant): Saturday 21 Nov 2026, 09:30 in Berlin.
FROZEN_AT = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
ZONE = "Europe/Berlin"
REPO = Path(__file__).resolve().parent.parent


def use_bytecode_cache() -> Path:
    """Let this process and its children keep compiled bytecode, in a folder outside the tree.

    An installed stretchtui has its bytecode compiled; a working tree run with
    PYTHONDONTWRITEBYTECODE recompiles every module at every start, which would be measured too."""
    cache = Path(tempfile.gettempdir()) / "stretchtui-bench-pycache"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(cache)
    return cache


def frozen_clock():
    from stretchtui.core.clock import FrozenClock

    return FrozenClock(FROZEN_AT, ZONE)


def make_demo_database(path: Path, *, years: int, seed: int = 1, clock=None) -> list[str]:
    """A closed demo database at `path` (written through the importer); the importer's summary."""
    from stretchtui.commands.demo import write_demo
    from stretchtui.core.clock import SystemClock

    store, summary = write_demo(path, clock or SystemClock(), years=years, seed=seed)
    store.close()
    return summary


def copy_database(source: Path, target: Path) -> Path:
    """A fresh copy of a closed database (no -wal beside it after a clean close)."""
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target


async def settle(pilot) -> None:
    """Wait for thread workers and the messages they post back (three rounds: a worker's message
    can start another worker). The same steps as tests/pilot_helpers.settle."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
