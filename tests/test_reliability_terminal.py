"""Reliability item 14: small and resized terminals, and NO_COLOR.

The session at 40x12 and at 80x24 keeps its countdown, exercise, cue, what comes next and the
progress bar fully in view, and its dialogs show every choice; the rest of the app stays usable at
40x12. Resizing mid-session (Pilot, and a real pty resized with SIGWINCH) changes nothing but the
layout. A real terminal gets no colour escape sequences with NO_COLOR=1, and does without it."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import termios
import time
from pathlib import Path

import pytest
from pilot_helpers import into_session, settle, wait_until
from test_session_pty import Terminal

from stretchtui.ui.screens.checkin import CheckinScreen
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.session_dialogs import EndSessionScreen, SummaryScreen
from stretchtui.ui.widgets.big_clock import BigClock

SMALL, STANDARD = (40, 12), (80, 24)
# What must stay in view while a hold counts down (as texts) and the widgets that show them.
SESSION_WIDGETS = (
    "#session-phase",
    "#session-position",
    "#session-exercise",
    "#session-digits",
    "#session-cue",
    "#session-next-up",
    "#session-bar",
    "#session-left",
)
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?[34]8;")  # a foreground or background colour in an SGR sequence
BOLD = re.compile(rb"\x1b\[(?:[0-9;]*;)?1(?:;[0-9;]*)?m")


def screen_text(app) -> str:
    """The current screen as plain text, as the compositor would paint it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_fully_visible(screen, selector: str) -> None:
    widget = screen.query_one(selector)
    geometry = screen.find_widget(widget)
    footer_top = screen.size.height - 1
    assert geometry.region.height > 0 and geometry.region.width > 0, f"{selector} has no room"
    assert geometry.visible_region == geometry.region, f"{selector} is cut off: {geometry.region}"
    assert geometry.region.bottom <= footer_top, f"{selector} is under the footer"


async def into_a_hold(pilot) -> SessionScreen:
    """The first hold of Seven in Seven, 0:12 to go."""
    screen = await into_session(pilot, 5 + 13.4)
    assert isinstance(screen, SessionScreen)
    return screen


def assert_session_in_view(pilot, countdown: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    for selector in SESSION_WIDGETS:
        assert_fully_visible(screen, selector)
    assert screen.query_one("#session-digits", BigClock).text == countdown
    text = screen_text(pilot.app)
    for piece in ("HOLD", "exercise 1 of 7", "Hamstring Stretch", "LEFT side", "Next: Knee to Chest", "left"):
        assert piece in text, f"{piece!r} is not on the {screen.size} screen:\n{text}"


@pytest.mark.parametrize(
    "size",
    [SMALL, (60, 20), (100, 22), STANDARD, (120, 30), (200, 50)],
    ids=["40x12", "60x20", "100x22", "80x24", "120x30", "200x50"],
)
async def test_the_session_keeps_what_matters_in_view(make_test_app, size: tuple[int, int]) -> None:
    app = make_test_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await into_a_hold(pilot)
        assert_session_in_view(pilot, "0:12")

        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, EndSessionScreen)
        text = screen_text(app)
        for choice in ("Save as partial (s)", "Keep going (k)", "Discard (d)"):
            assert choice in text, f"{choice!r} is not on the {size} screen:\n{text}"
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("2")  # pain after
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Saved as partial" in text and "Enter closes." in text


async def test_resizing_mid_session_changes_only_the_layout(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await into_a_hold(pilot)
        for size in (SMALL, STANDARD, SMALL):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert app.screen is screen and screen.size == size
            assert_session_in_view(pilot, "0:12")

        await pilot.press("q")  # resized while a dialog covers the session
        await settle(pilot)
        await pilot.resize_terminal(*STANDARD)
        await settle(pilot)
        assert "Discard (d)" in screen_text(app)
        await pilot.press("k")  # keep going
        await settle(pilot)
        assert app.screen is screen and not screen.timer.paused
        assert_session_in_view(pilot, "0:12")

        app.clock.advance(5)
        screen.tick_now()
        await settle(pilot)
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert_session_in_view(pilot, "0:07")  # the timer ran on, untouched by the resizes


async def test_the_rest_of_the_app_is_usable_at_40x12(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "Streak" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("5")  # lower back, the focused row
        app.screen.query_one("#note").focus()
        await settle(pilot)

        def note_in_view() -> bool:  # the form scrolls to the focused field after the next refresh
            geometry = app.screen.find_widget(app.screen.query_one("#note"))
            return geometry.visible_region == geometry.region

        await wait_until(pilot, note_in_view, "the note field scrolled into view")
        assert_fully_visible(app.screen, "#note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [c.pains[0].pain for c in store.checkins.checkins()] == [5]
        for key, piece in (("2", "Bent-Knee Fall-Out"), ("3", "Desk Break"), ("4", "This week"), ("5", "Theme")):
            await pilot.press(key)
            await settle(pilot)
            assert piece in screen_text(app), f"{piece!r} is not on screen {key} at 40x12"


# ---------------------------------------------------------------------- a real terminal


class ResizableTerminal(Terminal):
    """The app on a pty that can be resized the way a terminal emulator does it."""

    def resize(self, columns: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process.send_signal(signal.SIGWINCH)  # the child is in its own session: tell it ourselves

    def read_until_shown(self, *pieces: str, since: int, timeout: float = 20) -> None:
        """Read until every piece is on screen (as plain text, escapes left out) in what was drawn
        from offset `since` on."""
        deadline = time.monotonic() + timeout
        while not all(piece in plain(self.output[since:]) for piece in pieces):
            missing = [piece for piece in pieces if piece not in plain(self.output[since:])]
            assert time.monotonic() < deadline, f"{missing} not drawn; got {plain(self.output[since:])[-2000:]!r}"
            assert self.process.poll() is None, f"the app ended before {missing} was drawn"
            self.read_for(0.2)

    def quit(self, keys: str) -> int:
        """Press `keys` and read on (a full pty would block the app) until it exits."""
        self.send(keys)
        deadline = time.monotonic() + 20
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read_for(0.2)
        code = self.process.wait(timeout=5)
        os.close(self.master)
        return code


def launch(db: Path, *args: str, **env: str) -> ResizableTerminal:
    """The app on a 100x30 pty, safety questions answered. No COLUMNS or LINES: they would
    override the pty's own size."""
    from stretchtui.core.clock import SystemClock
    from stretchtui.store import Store

    store = Store.open(db, SystemClock())
    store.safety.save_safety(answers={})
    store.close()
    environ = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "NO_COLOR")}
    return ResizableTerminal("--db", str(db), *args, env={**environ, "TERM": "xterm-256color", **env})


def plain(output: bytes) -> str:
    """Terminal output without its escape sequences (cursor moves, styles, titles)."""
    text = re.sub(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", b"", output)
    text = re.sub(rb"\x1b\[[0-9;?<>=]*[a-zA-Z~]", b"", text)
    return text.decode("utf-8", errors="replace")


def cursor_rows_and_columns(output: bytes) -> tuple[int, int]:
    """The largest row and column the output moved the cursor to."""
    moves = [tuple(map(int, m)) for m in re.findall(rb"\x1b\[(\d+);(\d+)H", output)]
    assert moves, "nothing was drawn"
    return max(row for row, _ in moves), max(column for _, column in moves)


@pytest.mark.slow
def test_a_real_terminal_resized_mid_session(tmp_path: Path) -> None:
    app = launch(tmp_path / "s.db", "start", "seven-in-seven")
    app.read_until("how is your pain")
    app.send("4")
    app.read_until("Hamstring Stretch")
    for columns, rows in (SMALL, STANDARD, SMALL):
        start = len(app.output)
        app.resize(columns, rows)
        app.read_until_shown("Next: Knee to Chest", "Hamstring Stretch", "left", since=start)  # painted again
        assert app.process.poll() is None, "the app died on a resize"
        assert "Hamstring Stretch" in plain(app.output[start:]) and "left" in plain(app.output[start:])
        settled = len(app.output)
        # Real time passes on purpose: the countdown repaints every second, all of it inside the new size.
        app.read_for(1.5)
        row, column = cursor_rows_and_columns(app.output[settled:])
        assert row <= rows and column <= columns, f"drew at {row};{column} on a {columns}x{rows} terminal"
    app.send("q")
    app.read_until("Discard (d)")
    app.send("d")
    app.read_until("discarded")
    assert app.quit("q") == 0


@pytest.mark.slow
@pytest.mark.parametrize("no_color", [True, False], ids=["NO_COLOR=1", "colour"])
def test_no_color_means_no_colour_escapes(tmp_path: Path, no_color: bool) -> None:
    app = launch(tmp_path / "s.db", "start", "seven-in-seven", **({"NO_COLOR": "1"} if no_color else {}))
    app.read_until("how is your pain")
    app.send("4")
    app.read_until("Hamstring Stretch")
    app.send("q")
    app.read_until("Discard (d)")
    app.send("d")
    app.read_until("Streak")  # back on Today
    app.read_until("Habit strength", since=app.sent_at)  # Today drawn with its numbers
    assert app.quit("q") == 0
    colours = COLOUR.findall(app.output)
    assert (colours == []) is no_color, f"{len(colours)} colour sequences, e.g. {colours[:3]}"
    assert BOLD.search(app.output), "no bold text either: the screen lost its emphasis"


async def test_under_no_color_a_ticked_box_differs_from_an_unticked_one(make_test_app, monkeypatch) -> None:
    """With every colour dropped, Textual draws a checkbox's X the same on and off (the colour was
    the only difference): a ticked one is drawn in reverse video."""
    from textual.widgets import Checkbox

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("2")  # the library's Desk filter is a checkbox
        await pilot.pause()
        box = app.screen.query(Checkbox).first()
        box.value = False
        await pilot.pause()
        off = box.get_component_rich_style("toggle--button")
        box.value = True
        await pilot.pause()
        on = box.get_component_rich_style("toggle--button")
        assert app.no_color and bool(on.reverse) != bool(off.reverse)
