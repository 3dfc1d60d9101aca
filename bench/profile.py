"""`python -m bench --profile WHAT`: where the time goes, as a pyinstrument tree.

startup and history run in this process (headless, the same steps as the benchmark); the
database work they do in thread workers is profiled separately, by running the same store calls
on the main thread (pyinstrument samples one thread). status and stats run as a user runs them.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from bench.common import settle


def profile(what: str, db: Path) -> int:
    if what in ("status", "stats"):
        args = ["status"] if what == "status" else ["stats", "--json"]
        return subprocess.call(
            [sys.executable, "-m", "pyinstrument", "-r", "text", "-m", "stretchtui", "--db", str(db), *args]
        )
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled")
    asyncio.run(_startup(db, profiler) if what == "startup" else _history(db, profiler))
    print(profiler.output_text(unicode=True, color=False, show_all=True, short_mode=False))
    _store_calls(what, db)
    return 0


async def _startup(db: Path, profiler) -> None:
    """From building the app (imports included) to Today's numbers."""
    profiler.start()
    from stretchtui.factory import make_app

    app = make_app(db, cursor_blink=False)
    async with app.run_test(size=(100, 32)):
        while getattr(app.screen, "data", None) is None:
            await asyncio.sleep(0.001)
        profiler.stop()


async def _history(db: Path, profiler) -> None:
    """From pressing 4 to History drawn with its numbers."""
    from stretchtui.factory import make_app
    from stretchtui.ui.screens.history import HistoryScreen

    app = make_app(db, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        profiler.start()
        await pilot.press("4")
        while not (isinstance(app.screen, HistoryScreen) and app.screen.data is not None):
            await asyncio.sleep(0.001)
        await pilot.pause()
        profiler.stop()


def _store_calls(what: str, db: Path) -> None:
    """Each store call the screen's loader makes, timed on the main thread."""
    from datetime import timedelta

    from stretchtui.core.clock import SystemClock
    from stretchtui.core.days import today
    from stretchtui.core.history import week_start
    from stretchtui.store import Store

    store = Store.open(db, SystemClock())
    day = today(store.clock, store.settings.day_start_hour())
    calls = {
        "startup": {
            "suggestion_request": lambda: store.suggestions.suggestion_request(day, 10, "floor"),
            "day_activities(today)": lambda: store.history.day_activities(since=day),
            "checkins(today)": lambda: store.checkins.checkins(since=day),
            "streak_summary": lambda: store.history.streak_summary(day),
            "last_session": store.sessions.last_session,
            "tips": store.library.tips,
        },
        "history": {
            "day_activities(26 weeks)": lambda: store.history.day_activities(
                since=week_start(day) - timedelta(weeks=25)
            ),
            "pain_by_day": lambda: store.history.pain_by_day(day - timedelta(days=29)),
            "sitting_by_day": lambda: store.history.sitting_by_day(day - timedelta(days=29)),
            "relief(90 days)": lambda: store.history.relief(since=day - timedelta(days=89)),
            "sessions_list": store.history.sessions_list,
            "streak_summary": lambda: store.history.streak_summary(day),
        },
    }[what]
    print("Store calls of the screen's loader (thread worker), timed here on the main thread:")
    try:
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            print(f"  {name:26} {(time.perf_counter() - started) * 1000:7.1f} ms")
    finally:
        store.close()
