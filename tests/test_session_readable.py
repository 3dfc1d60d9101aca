"""The session read from the floor (issue 19): a countdown that grows with the terminal, the phase
as a banner with a symbol, each rep counted down, cues told apart by their bells, an optional
local sound (never over SSH), and big text with WCAG AA contrast in both themes."""

from __future__ import annotations

import stat
import wave
from io import BytesIO

import pytest
from pilot_helpers import into_session, settle, wait_until

from stretchtui.core import bigtext, phase_cues, sound
from stretchtui.core.phases import PhaseKind
from stretchtui.ui import cue_player
from stretchtui.ui.widgets.big_clock import BigClock

# ---------------------------------------------------------------------- large numerals


def test_the_font_draws_every_character_a_countdown_needs() -> None:
    for text in ("0:00", "12:59", "10/12", "7"):
        rows = bigtext.render(text, 1)
        assert len(rows) == 4 and len({len(r) for r in rows}) == 1
        assert (len(rows[0]), len(rows)) == bigtext.size(text, 1)
        assert set("".join(rows)) <= set(" ▀▄█")
    assert bigtext.render("1", 3) != bigtext.render("7", 3)
    with pytest.raises(ValueError):
        bigtext.render("0:4x")


def test_every_glyph_is_five_by_seven_pixels_and_each_digit_its_own() -> None:
    """The font is drawn as a picture (core.bigtext._DRAWN): a glyph cut short or shifted by a
    space would show up as a wrong digit mid-session."""
    font = bigtext._FONT
    assert set(font) == set("0123456789:/ ")
    for ch, rows in font.items():
        assert len(rows) == bigtext.GLYPH_HEIGHT and all(len(r) == bigtext.GLYPH_WIDTH for r in rows), ch
        assert set("".join(rows)) <= {".", "#"}, ch
    digits = [font[d] for d in "0123456789"]
    assert len(set(digits)) == 10
    assert font["1"] == ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.")


@pytest.mark.parametrize("scale", [1, 2, 3, 5])
def test_a_larger_scale_is_the_same_figure_bigger(scale: int) -> None:
    width, height = bigtext.size("0:45", scale)
    rows = bigtext.render("0:45", scale)
    assert (len(rows[0]), len(rows)) == (width, height)

    def ink(drawn: list[str]) -> int:  # half-rows of ink
        return sum(row.count("█") * 2 + row.count("▀") + row.count("▄") for row in drawn)

    assert ink(rows) == ink(bigtext.render("0:45", 1)) * scale * scale


def test_fit_picks_the_largest_scale_that_fits_and_never_more() -> None:
    for columns, rows in ((21, 4), (30, 10), (63, 11), (120, 30), (20, 4), (200, 3)):
        scale = bigtext.fit("0:45", columns, rows)
        if scale:
            width, height = bigtext.size("0:45", scale)
            assert width <= columns and height <= rows
        bigger = bigtext.size("0:45", scale + 1)
        assert bigger[0] > columns or bigger[1] > rows


@pytest.mark.parametrize(
    ("size", "rows_at_least", "share_of_width"),
    [((80, 24), 4, 0.2), ((120, 40), 11, 0.45), ((200, 50), 14, 0.45)],
)
def test_the_countdown_grows_with_the_terminal(make_test_app, size, rows_at_least, share_of_width) -> None:
    """At least 3 rows at 80x24; a good part of the screen from 120x40 up."""
    import asyncio

    async def run() -> None:
        app = make_test_app()
        async with app.run_test(size=size) as pilot:
            screen = await into_session(pilot, 5 + 13.4)  # a hold, 0:12 to go
            clock = screen.query_one("#session-digits", BigClock)
            assert clock.text == "0:12" and clock.scale >= 1
            width, height = bigtext.size(clock.text, clock.scale)
            assert height >= rows_at_least, (size, clock.scale)
            assert width >= share_of_width * size[0], (size, clock.scale)

    asyncio.run(run())


# ---------------------------------------------------------------------- the phase and its cues


def test_each_phase_has_a_symbol_and_the_cues_differ_by_bells() -> None:
    symbols = [cue.symbol for cue in phase_cues.PHASE_CUES.values()]
    assert len(set(symbols)) == len(symbols) == len(PhaseKind)
    bells = {kind: cue.bells for kind, cue in phase_cues.PHASE_CUES.items()}
    assert len({bells[PhaseKind.HOLD], bells[PhaseKind.REST], bells[PhaseKind.SWITCH_SIDE], bells[PhaseKind.DONE]}) == 4
    assert bells[PhaseKind.HOLD] == bells[PhaseKind.REPS] == 1  # "go"
    assert phase_cues.banner(PhaseKind.SWITCH_SIDE) == "⇄ SWITCH SIDES"


def test_the_title_says_the_phase_and_counts_the_last_three_seconds() -> None:
    assert phase_cues.phase_title(PhaseKind.HOLD, 12.0, "Bridge") == "HOLD 0:12 Bridge · stretchtui"
    assert phase_cues.phase_title(PhaseKind.HOLD, 2.4, "Bridge") == "3… HOLD 0:03 Bridge · stretchtui"
    assert phase_cues.phase_title(PhaseKind.REST, 1.0, "Bridge") == "1… REST 0:01 Bridge · stretchtui"
    assert phase_cues.phase_title(PhaseKind.HOLD, 2.0, "Bridge", paused=True).startswith("HOLD paused")


async def test_bells_ring_the_pattern_of_each_phase(make_test_app, clock) -> None:
    """Hold 1, switch sides 3, rest 2 (spaced, so a terminal does not merge them)."""
    app = make_test_app()
    rung: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        app.bell = lambda: rung.append(0)  # type: ignore[method-assign]
        screen = await into_session(pilot)  # Seven in Seven: get ready, then the left side's hold
        heard: dict[str, int] = {}
        for expected in (PhaseKind.HOLD, PhaseKind.SWITCH_SIDE, PhaseKind.HOLD, PhaseKind.REST):
            before = len(rung)
            while screen.timer.phase.kind is not expected or len(rung) == before:
                clock.advance(1)
                screen.tick_now()
                await settle(pilot)
            want = phase_cues.PHASE_CUES[expected].bells
            await wait_until(
                pilot, lambda before=before, want=want: len(rung) - before >= want, f"{want} bells for {expected}"
            )
            heard.setdefault(expected.value, len(rung) - before)
        assert heard == {"hold": 1, "switch_side": 3, "rest": 2}
        assert len(rung) == 1 + 3 + 1 + 2  # and no bell beyond each pattern


async def test_each_rep_counts_down_on_its_own(make_test_app, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        pilot.app.start_routine("one-minute")  # lower trunk rotation: reps, 6 s each
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        clock.advance(5)
        screen.tick_now()
        await settle(pilot)
        assert screen.timer.phase.kind is PhaseKind.REPS
        seen = []
        for _ in range(13):
            seen.append((screen.timer.current_rep, screen.shown_digits))
            clock.advance(1)
            screen.tick_now()
            await settle(pilot)
        assert seen[:7] == [(1, "6"), (1, "5"), (1, "4"), (1, "3"), (1, "2"), (1, "1"), (2, "6")]
        assert seen[12] == (3, "6")


# ---------------------------------------------------------------------- a local sound, only where it is heard


def test_no_sound_over_ssh_even_with_a_player() -> None:
    choice = sound.player_command({"SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}, which=lambda name: f"/usr/bin/{name}")
    assert not choice.available and "SSH" in choice.reason


def test_the_first_player_found_is_used_and_none_is_said() -> None:
    found = {"aplay": "/usr/bin/aplay"}
    choice = sound.player_command({}, which=found.get)
    assert choice.command == ("/usr/bin/aplay", "-q")
    none = sound.player_command({}, which=lambda name: None)
    assert not none.available and "no sound player" in none.reason


def test_the_tones_are_valid_wav_and_differ_by_count() -> None:
    def frames(data: bytes) -> int:
        with wave.open(BytesIO(data)) as read:
            assert (read.getnchannels(), read.getsampwidth(), read.getframerate()) == (1, 2, sound.RATE)
            return read.getnframes()

    one, two, four = frames(sound.beeps(1)), frames(sound.beeps(2)), frames(sound.beeps(4))
    assert 0 < one < two < four and 0 < frames(sound.tick()) < one


def test_the_player_writes_private_files_starts_without_waiting_and_cleans_up(monkeypatch) -> None:
    started: list[list[str]] = []

    class FakePopen:
        def __init__(self, argv, **kwargs) -> None:
            assert kwargs["start_new_session"] and kwargs["stdin"] is cue_player.subprocess.DEVNULL
            started.append(argv)

    monkeypatch.setattr(cue_player.subprocess, "Popen", FakePopen)
    player = cue_player.CuePlayer({})
    player.choice = sound.SoundChoice(("/usr/bin/paplay",), "test")
    player.bells(3)
    player.bells(3)
    player.tick()
    assert [argv[0] for argv in started] == ["/usr/bin/paplay"] * 3
    wav_file = started[0][1]
    from pathlib import Path

    path = Path(wav_file)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert started[0][1] == started[1][1]  # made once
    player.close()
    assert not path.exists() and not path.parent.exists()


def test_without_a_player_nothing_starts(monkeypatch) -> None:
    monkeypatch.setattr(cue_player.subprocess, "Popen", lambda *a, **k: pytest.fail("no player to start"))
    player = cue_player.CuePlayer({"SSH_TTY": "/dev/pts/1"})
    player.bells(2)
    player.tick()
    player.close()


# ---------------------------------------------------------------------- contrast


def _luminance(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(colour) -> str:
    """A Rich colour (what a widget's style draws) as '#RRGGBB'."""
    return "#{:02X}{:02X}{:02X}".format(*colour.get_truecolor())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_big_text_meets_wcag_aa_in_both_themes(make_test_app, theme) -> None:
    """The countdown in each of its colours (running, the last seconds, paused) against what it is
    drawn on: at least 3:1, AA for large text (the numerals are many rows tall). The banner's title
    against each band it is drawn on (a hold, between, done, paused): at least 4.5:1, AA for text of
    any size. Read from the widgets' own styles, as drawn."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.theme = theme
        screen = await into_session(pilot, 5 + 13.4)
        clock = screen.query_one("#session-digits", BigClock)
        banner = screen.query_one("#session-phase")

        def check(what: str) -> None:
            for widget, least in ((clock, 3.0), (banner, 4.5)):
                style = widget.rich_style
                ratio = contrast(_hex(style.color), _hex(style.bgcolor))
                assert ratio >= least, (theme, what, widget.id, round(ratio, 2))

        check("hold")
        clock.add_class("-ending")
        check("last seconds")
        clock.remove_class("-ending")
        for phase_class in ("-between", "-phase-done"):
            screen.add_class(phase_class)
            check(phase_class)
            screen.remove_class(phase_class)
        await pilot.press("space")
        await settle(pilot)
        check("paused")


# ---------------------------------------------------------------------- the figure beside the countdown


@pytest.mark.parametrize("pace", [0.0, 2.0, 4.0, 8.0])
def test_a_moving_figure_changes_at_most_twice_a_second_and_once_around_a_rep(pace: float) -> None:
    from stretchtui.core.poses import keyframe_step, load_poses

    poses = load_poses()
    for pose in poses.values():
        steps = [keyframe_step(pose, t / 10, pace) for t in range(0, 200)]
        changes = sum(1 for a, b in zip(steps, steps[1:], strict=False) if a != b)
        assert changes <= 2 * 20, pose.exercise_id  # 20 s of it
        if not pose.moving:
            assert set(steps) == {0}
        elif pace:
            rep = [keyframe_step(pose, pace * i / 40, pace) for i in range(40)]
            assert rep[0] == 0 and max(rep) == 2 * (len(pose.frames) - 1) - 1  # one back-and-forth
            assert keyframe_step(pose, pace, pace) == 0  # and the next rep starts again


async def test_the_session_shows_the_figure_mirrored_on_the_right(make_test_app, clock) -> None:
    from stretchtui.ui.widgets.pose_figure import PoseFigure

    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await into_session(pilot, 5 + 13.4)  # Seven in Seven: the hamstring stretch, left side
        figure = screen.query_one("#session-figure", PoseFigure)
        assert figure.display and figure.exercise_id == "hamstring-stretch" and not figure.right
        left = str(figure.render())
        clock.advance(12 + 5)  # the switch, and into the right side
        screen.tick_now()
        await settle(pilot)
        assert figure.right and str(figure.render()) != left
        await pilot.press("n", "n", "n")  # on to knee to chest (get ready), and its hold
        await settle(pilot)
        assert figure.exercise_id == screen.timer.phase.exercise_id


async def test_a_moving_figure_goes_back_and_forth_once_a_rep(make_test_app, clock) -> None:
    from stretchtui.ui.widgets.pose_figure import PoseFigure

    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.start_routine("lower-back-five")  # cat-cow first: reps
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        figure = screen.query_one("#session-figure", PoseFigure)
        assert figure.step == 0  # getting ready: standing still
        clock.advance(5)
        screen.tick_now()
        await settle(pilot)
        assert screen.timer.phase.kind is PhaseKind.REPS and figure.pose is not None and figure.pose.moving
        pace = screen.timer.phase.seconds_per_rep
        seen = []
        for _ in range(pace):
            seen.append((figure.step, str(figure.render())))
            clock.advance(1)
            screen.tick_now()
            await settle(pilot)
        assert {step for step, _ in seen} == {0, 1} and len({picture for _, picture in seen}) == 2
        await pilot.press("space")  # paused: back to its starting position
        await settle(pilot)
        assert figure.step == 0


def test_the_end_of_a_session_says_done_only_when_every_step_was() -> None:
    assert phase_cues.phase_title(PhaseKind.DONE, 0, "Seven in Seven") == "DONE Seven in Seven · stretchtui"


async def test_a_session_with_skipped_steps_does_not_say_well_done(make_test_app, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.start_routine("one-minute")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        while not screen.timer.finished:  # skip every step
            await pilot.press("n")
            await settle(pilot)
        assert screen.shown_cue.endswith("the rest were skipped or stopped.") and "Well done" not in screen.shown_cue
        assert screen.shown_exercise[0] == "Session over"
