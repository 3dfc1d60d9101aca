"""The fast start: Today is drawn before the database opens, and nothing is lost by that.

On a terminal the CLI checks the file's header and reads the theme, draws Today, and opens the
store in a thread after the first frame (`make_app(open_store=...)`). These tests hold the opening
back to show the first frame without it, then check what follows: the numbers, a failure that
ends the app with its one-line error, and the imports the first frame does without.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pilot_helpers import settle

from stretchtui.cli import command_word, main
from stretchtui.commands.common import CliError
from stretchtui.core.clock import FrozenClock
from stretchtui.factory import make_app
from stretchtui.store import Store, StoreError
from stretchtui.store.files import peek_setting
from stretchtui.ui.opening import OpenOnFirstUse
from stretchtui.ui.widgets.keybar import KeyBar


def prepared(db_path: Path, clock: FrozenClock, **settings: object) -> None:
    """A database with the safety questions answered (no first-run dialog) and `settings`."""
    store = Store.open(db_path, clock)
    try:
        store.safety.save_safety(answers={})
        for key, value in settings.items():
            store.settings.set(key, value)
    finally:
        store.close()


class HeldOpen:
    """An `open_store` that waits until the test lets it open."""

    def __init__(self, db_path: Path, clock: FrozenClock) -> None:
        self.db_path, self.clock = db_path, clock
        self.release = threading.Event()
        self.calls = 0

    def __call__(self) -> Store:
        self.calls += 1
        assert self.release.wait(15), "the test never let the store open"
        return Store.open(self.db_path, self.clock)


def card(app, card_id: str) -> str:
    return str(app.screen.query_one(card_id).content)


# ---------------------------------------------------------------------- the app


async def test_today_is_drawn_before_the_store_opens_and_filled_in_after(db_path: Path, clock: FrozenClock) -> None:
    prepared(db_path, clock)
    opener = HeldOpen(db_path, clock)
    app = make_app(open_store=opener, clock=clock, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.opened_store is None
        # The first frame: every card with its title, the keys of Today in the bar.
        assert card(app, "#today-streak") == "Streak  …"
        assert card(app, "#today-suggestion") == "Today's suggestion  …"
        bar = app.screen.query_one(KeyBar)
        assert [description for _, _, description, _ in bar.keys()][:2] == ["Start suggestion", "Minutes"]
        opener.release.set()
        await settle(pilot)
        assert app.opened_store is not None and opener.calls == 1
        assert card(app, "#today-streak").startswith("Streak  0 days")
        assert "No check-in yet today." in card(app, "#today-checkins")
    assert app.store_error is None
    assert app.opened_store.db.is_closed()  # the app opened it, so the app closed it


async def test_keys_pressed_while_the_store_opens_wait_for_it(db_path: Path, clock: FrozenClock) -> None:
    """A check-in typed before the database is open is saved once it is, not lost."""
    prepared(db_path, clock)
    opener = HeldOpen(db_path, clock)
    app = make_app(open_store=opener, clock=clock, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("5")  # lower back 5/10, the form's first row
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.opened_store is None
        opener.release.set()
        await settle(pilot)
        assert "Lower back 5/10" in card(app, "#today-checkins")
    check = Store.open(db_path, clock)
    try:
        assert [c.pains[0].pain for c in check.checkins.checkins()] == [5]
    finally:
        check.close()


async def test_a_store_that_cannot_open_ends_the_app_with_its_error(db_path: Path, clock: FrozenClock) -> None:
    def refuse() -> Store:
        raise StoreError(f"{db_path} is not a stretchtui database (not an SQLite file); it was left untouched")

    app = make_app(open_store=refuse, clock=clock, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert isinstance(app.store_error, StoreError) and app.opened_store is None


def test_run_app_raises_the_opening_error_for_the_command_line(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_app hands the error back, and main prints it as its one line (exit status 1)."""
    from stretchtui.commands import common
    from stretchtui.ui.app import StretchApp

    async def headless(self, *args, **kwargs):
        async with self.run_test(size=(80, 24)) as pilot:
            await settle(pilot)

    monkeypatch.setattr(StretchApp, "run", lambda self: __import__("asyncio").run(headless(self)))
    monkeypatch.setattr(common, "save_on_hangup", lambda opened: None)  # no signal handlers in pytest

    def refuse() -> Store:
        raise StoreError("the database is locked")

    with pytest.raises(StoreError, match="the database is locked"):
        common.run_app(open_store=refuse, clock=clock, cursor_blink=False)


async def test_the_saved_theme_is_in_the_first_frame(db_path: Path, clock: FrozenClock) -> None:
    prepared(db_path, clock, theme="textual-light")
    assert peek_setting(db_path, "theme") == "textual-light"
    opener = HeldOpen(db_path, clock)
    app = make_app(open_store=opener, clock=clock, cursor_blink=False, theme=peek_setting(db_path, "theme"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.opened_store is None and app.theme == "textual-light"
        opener.release.set()
        await settle(pilot)
        assert app.theme == "textual-light"


async def test_without_an_early_theme_the_saved_one_comes_with_the_store(db_path: Path, clock: FrozenClock) -> None:
    prepared(db_path, clock, theme="textual-light")
    app = make_app(open_store=lambda: Store.open(db_path, clock), clock=clock, cursor_blink=False, theme=None)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"


def test_peeking_a_setting_changes_nothing_and_never_fails(tmp_path: Path, db_path: Path, clock: FrozenClock) -> None:
    assert peek_setting(tmp_path / "missing.db", "theme") is None
    assert not (tmp_path / "missing.db").exists()
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    assert peek_setting(text, "theme") is None
    prepared(db_path, clock)
    before = sorted(p.name for p in db_path.parent.iterdir())
    assert peek_setting(db_path, "theme") is None  # never set
    assert sorted(p.name for p in db_path.parent.iterdir()) == before


# ---------------------------------------------------------------------- opening once


def test_open_on_first_use_opens_once_for_every_thread() -> None:
    started = threading.Event()
    calls: list[int] = []

    def slow_open() -> object:
        calls.append(1)
        started.wait(5)
        return object()

    holder: OpenOnFirstUse[object] = OpenOnFirstUse(slow_open)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(holder.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1 and len(results) == 8 and len({id(r) for r in results}) == 1
    assert holder.value is results[0] and holder.error is None


def test_open_on_first_use_gives_every_caller_the_same_error() -> None:
    calls: list[int] = []

    def broken() -> object:
        calls.append(1)
        raise StoreError("damaged")

    holder: OpenOnFirstUse[object] = OpenOnFirstUse(broken)
    for _ in range(3):
        with pytest.raises(StoreError, match="damaged"):
            holder.get()
    assert len(calls) == 1 and holder.value is None and isinstance(holder.error, StoreError)


# ---------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        ([], None),
        (["--db", "x.db"], None),
        (["--db=x.db"], None),
        (["--db", "status"], None),
        (["--db"], ""),
        (["status"], "status"),
        (["--db", "x.db", "status", "--ascii"], "status"),
        (["export", "-o", "x"], "export"),
        (["--help"], ""),
        (["--version"], ""),
        (["-h"], ""),
        (["--db", "x.db", "--bogus"], ""),
        (["bogus"], "bogus"),
    ],
)
def test_the_command_word_decides_which_parsers_are_built(argv: list[str], word: str | None) -> None:
    assert command_word(argv) == word


@pytest.mark.parametrize("argv", [["status", "--bogus"], ["bogus"], ["--db", "x.db", "stats", "--json", "x"]])
def test_errors_are_the_same_whichever_parsers_are_built(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from stretchtui.cli import build_parser

    parser = build_parser()
    with pytest.raises(CliError) as full:
        parser.parse_args(argv)
    assert main(argv) == 2
    assert capsys.readouterr().err == f"stretchtui: {full.value}\n"


def test_a_missing_db_value_is_still_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db"]) == 2
    err = capsys.readouterr().err
    assert err == "stretchtui: argument --db: expected one argument\n"


def test_the_first_frame_imports_neither_peewee_nor_the_engines() -> None:
    """What the CLI imports up to the first frame of Today: no peewee, no suggestion engine, no
    streak rules (they load in the thread that opens the store, after the first frame)."""
    code = (
        "import sys\n"
        "import stretchtui.cli, stretchtui.factory, stretchtui.commands.launch, stretchtui.store.files\n"
        "from stretchtui.ui.screens.today import TodayScreen\n"
        "heavy = ['peewee', 'stretchtui.store.store', 'stretchtui.core.suggest', 'stretchtui.core.streaks',\n"
        "         'stretchtui.core.model', 'stretchtui.ui.screens.history']\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_bare_launch_pauses_the_collector_until_the_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from stretchtui import cli
    from stretchtui.commands import launch, tracking

    seen: list[bool] = []
    monkeypatch.setattr(launch, "launch_app", lambda args: seen.append(gc.isenabled()) or 0)
    try:
        assert cli.main(["--db", "x.db"]) == 0
        assert seen == [False]
    finally:
        gc.enable()
    monkeypatch.setattr(
        tracking,
        "COMMANDS",
        [
            command._replace(run=lambda args: seen.append(gc.isenabled()) or 0) if command.name == "status" else command
            for command in tracking.COMMANDS
        ],
    )
    assert cli.main(["--db", "x.db", "status"]) == 0
    assert seen == [False, True]  # other commands keep it


async def test_the_app_resumes_the_collector_after_its_first_frame(db_path: Path, clock: FrozenClock) -> None:
    import gc

    prepared(db_path, clock)
    gc.disable()
    try:
        app = make_app(open_store=lambda: Store.open(db_path, clock), clock=clock, cursor_blink=False)
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_once_today_has_its_numbers_the_other_screens_are_imported_in_the_background(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from stretchtui.ui import app as app_module

    asked: list[str] = []
    monkeypatch.setattr(app_module, "import_module", lambda name: asked.append(name) or importlib.import_module(name))
    prepared(db_path, clock)
    app = make_app(open_store=lambda: Store.open(db_path, clock), clock=clock, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert card(app, "#today-streak").startswith("Streak  0 days")
        prefetched = [name.rsplit(".", 1)[1] for name in asked if name.startswith("stretchtui.ui.screens.")]
        assert sorted(prefetched) == sorted(app_module.PREFETCHED_SCREENS)
