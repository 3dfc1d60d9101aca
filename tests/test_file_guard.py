"""The database file deleted or replaced while a store has it open (store.file_guard): nothing is
written where nobody can find it, no empty file is made in its place, what the store held is kept
in backups/, and the app says so once (an outside pass found it went on writing to a deleted file)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from pilot_helpers import settle

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.store import Store
from stretchtui.store.file_guard import FileMoved


def kept_backups(db_path: Path) -> list[Path]:
    return sorted((db_path.parent / "backups").glob("*-kept-*"))


def pains_in(path: Path) -> list[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT pain FROM checkin_pain ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("how", ["deleted", "moved", "replaced"])
def test_every_later_call_is_refused_and_what_it_held_is_kept(db_path: Path, clock, tmp_path: Path, how) -> None:
    """`rm`, `mv` (an outside pass was told "deleted" after a `mv`: now "deleted or moved away"), or
    another file put in its place."""
    store = Store.open(db_path, clock)
    try:
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)])
        assert store.file_moved() is None
        if how == "deleted":
            db_path.unlink()
        elif how == "moved":
            os.replace(db_path, tmp_path / "elsewhere.db")
        else:  # another copy put in its place, as a sync tool or `cp` would
            other = tmp_path / "other.db"
            shutil.copy(db_path, other)
            os.replace(other, db_path)
        said = store.file_moved()
        assert said is not None
        assert ("was deleted or moved away" in said) == (how != "replaced") and "nothing more is written" in said
        with pytest.raises(FileMoved) as refused:
            store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 9)])  # this thread's old connection
        assert str(refused.value) == said
        failures: list[BaseException] = []

        def fresh_thread() -> None:  # as a new worker thread: a new connection
            try:
                store.checkins.checkins()
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=fresh_thread)
        thread.start()
        thread.join()
        assert [type(e) for e in failures] == [FileMoved]
    finally:
        store.close()
    [kept] = kept_backups(db_path)
    assert str(kept) in said and kept.stat().st_mode & 0o777 == 0o600
    assert pains_in(kept) == [3]  # what it held, the refused 9 not in it
    if how != "replaced":
        assert not db_path.exists()  # no new, empty file made there
    if how == "replaced":
        assert pains_in(db_path) == [3]  # the file put there is left as it was


async def test_the_app_says_so_once_in_a_notice(make_test_app, db_path: Path) -> None:
    from stretchtui.ui.screens.dialogs import NoticeScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.notice_outside_changes()
        await settle(pilot)
        db_path.unlink()
        app.notice_outside_changes()
        await settle(pilot)
        notice = app.screen
        assert isinstance(notice, NoticeScreen) and "was deleted or moved away while stretchtui was running" in str(
            notice.question
        )
        await pilot.press("enter")
        app.notice_outside_changes()
        await settle(pilot)
        assert not isinstance(app.screen, NoticeScreen)  # said once
    assert len(kept_backups(db_path)) == 1
