"""Opening any screen writes nothing: with non-default settings saved, visiting every main screen
(and the report and help) leaves the database exactly as it was (issue 15)."""

from __future__ import annotations

import sqlite3

from pilot_helpers import settle


def dump(db_path) -> list[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


async def test_visiting_every_screen_writes_nothing(make_test_app, store, clock, db_path) -> None:
    for key, value in {
        "day_start_hour": 6,
        "goal_routines": 2,
        "goal_minutes": 15,
        "grace_per_week": 2,
        "cue_bell": False,
        "cue_title": False,
        "cue_notify": True,
        "theme": "textual-light",
        "suggest_minutes": 15,
        "suggest_place": "desk",
    }.items():
        store.settings.set(key, value)
    store.safety.save_safety(answers={}, conditions=["pregnancy", "osteoporosis"])
    app = make_test_app()
    clock.advance(3600)  # a rewrite of any setting would change its updated_at
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        before = dump(db_path)
        for key in ("2", "3", "4", "5", "1", "5", "4"):
            await pilot.press(key)
            await settle(pilot)
        app.action_weekly_report()
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert dump(db_path) == before
