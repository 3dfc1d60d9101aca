"""Programs in the app (issue 18): Today in a program shows where you are and the program's
session, and ⏎ starts it recorded with the prescription in force; o opens the program screen,
where s starts the highlighted program, x stops it and r leaves flare mode; the library shows an
exercise's ladder. Snapshots: Today in a program, the program screen (in one and choosing one),
flare mode, the ladder in the library."""

from __future__ import annotations

import pytest
from pilot_helpers import settle, type_text, wait_until

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.program_state import Choice
from stretchtui.ui.screens.program import ProgramScreen
from stretchtui.ui.screens.today import TodayScreen


async def open_program(pilot) -> ProgramScreen:
    """`o` on Today, once the program's day is on screen."""
    await settle(pilot)
    await pilot.press("o")
    screen = pilot.app.screen
    assert isinstance(screen, ProgramScreen)
    await wait_until(pilot, lambda: screen.view is not None and screen.view.day is not None, "the program")
    return screen


def start(store, program_id: str = "lower-back-starter", pain: int = 2) -> None:
    store.checkins.add_checkin([PainEntry(Region("lower-back"), pain)])
    store.programs.choose(Choice.START, store.programs.catalogue().find(program_id))


def test_today_in_a_program(snap_compare, make_test_app, store) -> None:
    start(store)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


def test_flare_mode_on_today(snap_compare, make_test_app, store) -> None:
    start(store)
    store.checkins.add_checkin([PainEntry(Region("lower-back"), 7)])

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(100, 32), run_before=run_before)


@pytest.mark.parametrize("flare", [False, True], ids=["in-a-program", "flare-mode"])
def test_the_program_screen(snap_compare, make_test_app, store, flare: bool) -> None:
    start(store)
    if flare:
        store.checkins.add_checkin([PainEntry(Region("lower-back"), 7)])

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(100, 32), run_before=run_before)


def test_the_program_screen_choosing_one(snap_compare, make_test_app, store) -> None:
    store.checkins.add_checkin([PainEntry(Region("lower-back"), 2)], sitting_hours=8)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


def test_the_ladder_in_the_library(snap_compare, make_test_app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "single-leg")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(100, 32), run_before=run_before)


async def test_enter_on_today_starts_the_program_session_recorded_with_its_prescription(make_test_app, store) -> None:
    from stretchtui.store import models as m
    from stretchtui.ui.screens.session import SessionScreen

    start(store)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.data is not None and screen.data.program is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, TodayScreen), "the session to open")
        await pilot.press("2")  # pain before
        await wait_until(pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.session_id, "the row")
        routine = app.screen.routine
        assert routine.name == "Lower-back starter: week 1"
        row = m.Session.get_by_id(app.screen.session_id)
        assert (row.program_id, row.program_version) == ("lower-back-starter", 1)


async def test_the_program_screen_starts_stops_and_leaves_flare_mode(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProgramScreen) and screen.view is not None and screen.view.day is None
        second = screen._choices(screen.view)[1][0]
        await pilot.press("down", "s")  # the second in the list
        await wait_until(pilot, lambda: screen.view is not None and screen.view.day is not None, "the start")
        assert screen.view.day.state.program.id == second.id
        assert "start" in str(screen.query_one("#program-text").content)
        app.store.checkins.add_checkin([PainEntry(Region("lower-back"), 7)])
        screen.load()
        await wait_until(pilot, lambda: screen.view.day.state.in_flare, "flare mode")
        await pilot.press("r")  # the 7 is still today's latest pain: flare mode stays, and says why
        await wait_until(pilot, lambda: any("Flare mode stays" in n.message for n in app._notifications), "why")
        assert screen.view.day.state.in_flare
        app.clock.advance(3600)
        app.store.checkins.add_checkin([PainEntry(Region("lower-back"), 3)])  # eased
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.view.day.state.in_flare, "back from flare")
        assert screen.view.day.state.step == -1
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.view.day is None, "the stop")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_in_a_program_the_lessons_of_its_weeks_so_far_come_first(make_test_app, store) -> None:
    from stretchtui.core.lessons import load_lessons
    from stretchtui.ui.screens.lessons import LessonsScreen

    start(store)
    lessons = load_lessons()
    first = [lesson.id for lesson in lessons if lesson.unlock_week <= 1]
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LessonsScreen) and app.screen.lessons, "the lessons")
        screen = app.screen
        assert screen.week == 1 and len(first) < len(lessons)
        assert [lesson.id for lesson in screen.lessons][: len(first)] == first
        prompts = [str(option.prompt) for option in screen.query_one("#lessons-list").options]
        assert all("(program week" not in text for text in prompts[: len(first)])
        assert all("(program week" in text for text in prompts[len(first) :])


async def test_enter_on_the_program_screen_starts_todays_session_too(make_test_app, store) -> None:
    from stretchtui.store import models as m
    from stretchtui.ui.screens.session import SessionScreen

    start(store, "desk-worker")
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ProgramScreen) and app.screen.view is not None, "it")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProgramScreen), "the session to open")
        await pilot.press("2")  # pain before
        await wait_until(pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.session_id, "the row")
        row = m.Session.get_by_id(app.screen.session_id)
        assert (row.program_id, row.program_version) == ("desk-worker", 1)


async def test_enter_as_soon_as_the_day_shows_starts_it(make_test_app, store) -> None:
    """The program list has the focus until a load says a program runs. The list is hidden then,
    but only at the next layout, and ⏎ pressed before it (a loaded machine, a quick hand) went to
    the hidden list and did nothing. Layout is held here (a batch update) to stand in for that."""
    from textual.widgets import OptionList

    from stretchtui.ui.workers import Loaded

    start(store, "desk-worker")
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ProgramScreen) and app.screen.view is not None, "it")
        screen = app.screen
        view = screen.view
        options = screen.query_one(OptionList)
        options.display = True  # as before the first load: the list shown and focused
        options.focus()
        await settle(pilot)
        assert app.focused is options
        with app.batch_update():  # no layout until the block ends
            screen.view = None
            screen.post_message(Loaded(view))
            await wait_until(pilot, lambda: screen.view is not None, "the load handled")
            await pilot.pause()
            assert app.focused is not options, "the hidden list kept the focus"
            await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProgramScreen), "the session to open")


async def test_the_program_screen_reads_the_record_again_when_shown_again(make_test_app, store) -> None:
    """A session ended over the Program screen may have put the program in flare mode (its pain);
    the screen showed the full session still, and ⏎ started it (the third outside pass). It reads
    the record again each time it is shown again, and when the record changes."""
    from stretchtui.ui.screens.dialogs import NoticeScreen

    start(store)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_program(pilot)
        assert not screen.view.day.state.in_flare
        app.store.checkins.add_checkin([PainEntry(Region("lower-back"), 7)])  # as a session's pain would
        app.push_screen(NoticeScreen("over it, as the session was"))
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.view.day.state.in_flare, "flare mode, read again")


def test_the_gate_on_a_gentle_day_names_a_long_session_of_gentle_moves_too() -> None:
    from datetime import UTC, datetime

    from stretchtui.core.library import load_library
    from stretchtui.core.safety import QUESTION_KEYS, Profile, SafetyCheck
    from stretchtui.core.session_gate import GateKind, session_gate

    library = load_library()
    gentle = [i for i, e in library.exercises.items() if e.intensity <= 1][:3]
    why = "Flare day marked today: short, gentle mobility only (up to 5 min)."
    answered = SafetyCheck(Profile(dict.fromkeys(QUESTION_KEYS, False), datetime(2026, 11, 21, tzinfo=UTC)))
    long = session_gate(answered, gentle, library.exercises, mobility_only_today=why, minutes=8)
    short = session_gate(answered, gentle, library.exercises, mobility_only_today=why, minutes=4)
    assert [r.kind for r in long] == [GateKind.FLARE_PAIN] and "takes about 8 minutes" in long[0].text
    assert short == ()


async def test_enter_on_the_program_screen_starts_todays_session_as_the_record_has_it_now(make_test_app, store) -> None:
    """The record changed a moment before ⏎ (a 7 logged in another pane: flare mode), and the
    screen had not read it again yet: ⏎ starts the flare session, not the full one on screen."""
    from stretchtui.ui.screens.session import SessionScreen

    start(store)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_program(pilot)
        on_screen = [i.exercise_id for i in screen.view.day.session.routine.items]
        app.store.checkins.add_checkin([PainEntry(Region("lower-back"), 7)])  # not read by the screen yet
        assert not screen.view.day.state.in_flare
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProgramScreen), "the session to open")
        if not isinstance(app.screen, SessionScreen):  # the pain question
            await pilot.press("enter")
            await settle(pilot)
        session = app.screen
        assert isinstance(session, SessionScreen)
        flare = app.store.programs.today(app.current_day(), 10, "floor")
        assert flare is not None and flare.state.in_flare
        assert [i.exercise_id for i in session.routine.items] != on_screen
