"""Sync in the app (ui.syncing): a round at start brings in what another machine did, shown at
once; a check-in saved goes out without being asked; Settings says when and what came in, and
says plainly when the folder is not there. A database that does not sync says how to start."""

from __future__ import annotations

import json
from pathlib import Path

from pilot_helpers import settle, wait_until

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.store import Store
from stretchtui.ui.screens.checkin import CheckinScreen

SIZE = (110, 40)


def laptop_left_a_check_in(folder: Path, tmp_path: Path, clock: FrozenClock, seeded_template: Path) -> None:
    from conftest import copy_database

    copy_database(seeded_template, tmp_path / "laptop.db")
    laptop = Store.open(tmp_path / "laptop.db", clock)
    try:
        laptop.sync.join(folder, "laptop")
        laptop.sync.run_round()
        laptop.checkins.add_checkin([PainEntry(Region.NECK, 3)], note="stiff from the train")
        laptop.sync.run_round()
    finally:
        laptop.close()


def sync_line(app) -> str:
    return str(app.screen.query_one("#sync-line").render())


async def test_the_app_takes_in_at_start_and_sends_a_check_in_when_saved(
    make_test_app, db_path: Path, tmp_path: Path, clock: FrozenClock, seeded_template: Path
) -> None:
    folder = tmp_path / "Sync"
    laptop_left_a_check_in(folder, tmp_path, clock, seeded_template)
    app = make_test_app()
    app.store.sync.join(folder, "desk")  # as `stretchtui sync init` would have, before this start
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.sync_state is not None, "the first round")
        await settle(pilot)
        assert "Neck 3/10" in str(app.screen.query_one("#today-checkins").render())  # the laptop's
        await pilot.press("5")
        await settle(pilot)
        assert sync_line(app).startswith(f"Through {folder}: synced just now · ")
        assert "from laptop" in sync_line(app)

        await pilot.press("1")
        await settle(pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CheckinScreen)
        app.screen.query_one("#note").value = "after lunch"
        await pilot.press("ctrl+s")
        await settle(pilot)

        def sent() -> bool:
            logs = list((folder / app.store.sync.config().device).glob("log-*.jsonl"))
            return any("after lunch" in line for log in logs for line in log.read_text().splitlines())

        await wait_until(pilot, sent, "the check-in in this machine's log")


async def test_a_folder_gone_is_said_in_settings_and_not_syncing_says_how_to_start(
    make_test_app, tmp_path: Path
) -> None:
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await wait_until(pilot, lambda: app.sync_state is not None, "the first look")
        assert "Not syncing" in sync_line(app) and "stretchtui sync init FOLDER" in sync_line(app)

    folder = tmp_path / "usb-stick"
    app = make_test_app()
    app.store.sync.join(folder, "desk")
    folder.rename(tmp_path / "elsewhere")  # unmounted
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await wait_until(pilot, lambda: app.sync_state is not None, "the first round")
        await settle(pilot)
        assert "is not there (not mounted? moved?)" in sync_line(app)
    note = (db_path_of(app).parent / f"{db_path_of(app).name}.sync-note").read_text()
    assert "sync failed" in note  # the status segment says so too


def db_path_of(app) -> Path:
    return Path(app.store.path)


def test_the_status_segment_says_what_came_in(
    tmp_path: Path, clock: FrozenClock, seeded_template: Path, db_path, fresh_database
) -> None:
    from stretchtui.commands.quick import status_line

    folder = tmp_path / "Sync"
    laptop_left_a_check_in(folder, tmp_path, clock, seeded_template)
    store = Store.open(fresh_database(), clock)
    try:
        store.sync.join(folder, "desk")
        report = store.sync.run_round()
    finally:
        store.close()
    assert report.came().endswith("from laptop")
    entry = {
        "status": {"unicode": {"line": "✓ 1d streak", "separator": " · "}},
        "breaks": {"after": 0},
        "remind_instead": None,
    }
    line = status_line(entry, clock.now().timestamp(), ascii_only=False, db_path=str(db_path))
    assert line == f"✓ 1d streak · {report.came()}"
    later = clock.now().timestamp() + 31 * 60
    assert status_line(entry, later, ascii_only=False, db_path=str(db_path)) == "✓ 1d streak"
    assert json.loads(json.dumps(report.lines()))  # plain text lines
