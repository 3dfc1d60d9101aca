"""A database job that fails inside the app (a full disk, an I/O error) is one line on screen, and
the app carries on: no traceback, no exit."""

from __future__ import annotations

import sqlite3

import pytest
from pilot_helpers import open_library, settle


def disk_full(*_args, **_kwargs):
    raise sqlite3.OperationalError("database or disk is full")


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_failed_save_says_why_in_one_line_and_the_app_carries_on(
    make_test_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        monkeypatch.setattr(app.store.library, "set_favourite", disk_full)
        await pilot.press("f")
        await settle(pilot)
        assert notifications(app)[-1] == "the disk is full: nothing was saved; free some space and try again"
        assert app.is_running and app.return_code is None
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "TodayScreen"


async def test_a_failed_load_is_reported_not_fatal(make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(
            app.store.history,
            "day_activities",
            lambda *a, **k: (_ for _ in ()).throw(sqlite3.DatabaseError("disk I/O error")),
        )
        await pilot.press("4")
        await settle(pilot)
        assert any("disk I/O error" in text for text in notifications(app))
        assert app.is_running and app.return_code is None
