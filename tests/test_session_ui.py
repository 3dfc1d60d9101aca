"""Pilot tests of the session screen: every key, on a frozen clock, with the store checked after."""

from __future__ import annotations

import pytest
from pilot_helpers import settle

from stretchtui.core.after_hurt import OfferKind
from stretchtui.core.model import Kind
from stretchtui.core.phases import PhaseKind
from stretchtui.core.sessions import Outcome, SessionStatus
from stretchtui.store import Store
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.session_dialogs import AlternativeScreen, EndSessionScreen, PainScreen, SummaryScreen


async def start(pilot, routine_id: str, pain: str | None = "5") -> SessionScreen:
    pilot.app.start_routine(routine_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, PainScreen)
    await pilot.press(pain or "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    return screen


async def advance(pilot, clock, seconds: float) -> None:
    clock.advance(seconds)
    pilot.app.screen.tick_now()
    await settle(pilot)


def saved_session(db_path, clock):
    store = Store.open(db_path, clock)
    try:
        info = store.sessions.session(1)
        return info, store.sessions.session_steps(1)
    finally:
        store.close()


async def test_get_ready_then_hold_counts_down_from_the_clock(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        assert screen.timer.phase.kind is PhaseKind.GET_READY
        assert str(screen.query_one("#session-phase").content) == "◇ GET READY"
        await advance(pilot, clock, 5)
        assert screen.timer.phase.kind is PhaseKind.HOLD
        await advance(pilot, clock, 10)
        assert screen.timer.remaining == pytest.approx(15)
        assert screen.shown_digits == "0:15"
        info, _ = saved_session(db_path, clock)
        assert info.status is SessionStatus.IN_PROGRESS and info.pain_before == 5


async def test_a_second_of_a_hold_redraws_the_numbers_without_laying_the_screen_out(
    make_test_app, clock, monkeypatch
) -> None:
    """A layout costs more than the rest of a tick: the time left and the bar change every second
    but keep their shape, so they are only redrawn. The progress line has no timer of its own
    (Textual's ProgressBar redraws itself every second for its time estimate)."""
    from textual.widget import Widget

    from stretchtui.ui.widgets.progress_line import ProgressLine

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 5 + 2)  # into the hold (Hamstring Stretch: 25 s, no breathing cue)
        layouts: list[str] = []
        real_refresh = Widget.refresh

        def refresh(self, *args, **kwargs):
            if kwargs.get("layout"):
                layouts.append(self.id or type(self).__name__)
            return real_refresh(self, *args, **kwargs)

        monkeypatch.setattr(Widget, "refresh", refresh)
        shown = []
        for _ in range(4):
            await advance(pilot, clock, 1)
            shown.append((screen.shown_digits, screen.shown_left, screen.shown_done_seconds))
        assert len(set(shown)) == 4
        assert layouts == []  # the large countdown too: it draws into the room it has
        bar = screen.query_one("#session-bar", ProgressLine)
        assert 0 < bar.fraction < 1 and not bar._timers
        clock.advance(25)  # on to the other side: the time left keeps its shape, the exercise line does not
        screen.tick_now()
        assert "session-exercise" in layouts and "session-left" not in layouts  # now the right side


async def test_the_progress_line() -> None:
    from textual.app import App, ComposeResult

    from stretchtui.ui.widgets.progress_line import ProgressLine

    class Bar(App):
        def compose(self) -> ComposeResult:
            yield ProgressLine()

    async with Bar().run_test(size=(25, 3)) as pilot:
        line = pilot.app.query_one(ProgressLine)
        shown = {}
        for fraction in (-1, 0, 0.5, 0.53, 1, 7):
            line.fraction = fraction
            await pilot.pause()
            content = line.render()
            shown[fraction] = (
                pilot.app.screen._compositor.render_strips()[0].text,
                content.plain,
                [str(span.style) for span in content.spans if span.end > span.start],
            )
        assert shown[-1] == shown[0] == ("━" * 20 + "   0%",) * 2 + (["$surface"],)
        assert shown[0.5][1:] == ("━" * 10 + "━" * 10 + "  50%", ["$primary", "$surface"])
        assert shown[0.53][1:] == ("━" * 10 + "╸" + "━" * 9 + "  53%", ["$primary", "$surface"])
        assert shown[7] == shown[1] == ("━" * 20 + " 100%",) * 2 + (["$success"],)


async def test_space_pauses_and_paused_time_never_counts(make_test_app, clock) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 8)
        before = screen.timer.remaining
        await pilot.press("space")
        assert screen.timer.paused and screen.has_class("-paused")
        await advance(pilot, clock, 60)
        assert screen.timer.remaining == before
        await pilot.press("space")
        assert not screen.timer.paused


async def test_next_back_plus_minus_restart(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 5)  # first hold
        await pilot.press("plus")
        assert screen.timer.remaining == pytest.approx(35)
        await pilot.press("minus", "minus")
        assert screen.timer.remaining == pytest.approx(15)
        await advance(pilot, clock, 5)
        await pilot.press("r")
        assert screen.timer.remaining == pytest.approx(25)
        await pilot.press("n")  # skip: recorded as skipped
        await settle(pilot)
        assert screen.timer.phase.kind is PhaseKind.SWITCH_SIDE
        await pilot.press("right")
        assert screen.timer.phase.kind is PhaseKind.HOLD and screen.timer.phase.side.value == "right"
        await pilot.press("p")  # back to the left side
        assert screen.timer.phase.side.value == "left"
        await pilot.press("left")
        await settle(pilot)
    _, steps = saved_session(db_path, clock)
    assert steps and steps[0].outcome is Outcome.SKIPPED


async def test_done_finishes_a_reps_step(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "one-minute")
        await advance(pilot, clock, 5)
        assert screen.timer.phase.kind is PhaseKind.REPS
        assert "rep 1 of" in screen.shown_counts
        await advance(pilot, clock, 7)  # 6 s a rep: rep 2, with 5 s of it left, counted down on its own
        assert "rep 2 of" in screen.shown_counts and "rep 2 of" in screen.shown_phase
        assert screen.shown_digits == "5"
        await advance(pilot, clock, 1)
        assert screen.shown_digits == "4"
        await pilot.press("d")
        await settle(pilot)
    _, steps = saved_session(db_path, clock)
    assert steps[0].outcome is Outcome.DONE and steps[0].reps_done == steps[0].planned_reps


async def test_this_hurts_records_pain_and_offers_a_gentler_alternative(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "strength-stability")
        await pilot.press("n", "n")  # past get ready and the pelvic tilt (already the gentlest)
        while not screen.timer.phase.is_work:  # the rest before the bridge
            await advance(pilot, clock, 1)
        await advance(pilot, clock, 2)
        assert screen.timer.phase.exercise_id == "bridge"
        hurt_name = screen.timer.phase.exercise_name
        await pilot.press("h")
        assert isinstance(app.screen, PainScreen) and screen.timer.paused
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, AlternativeScreen)
        offer = app.screen.offer
        assert offer.kind is OfferKind.GENTLER and offer.exercise.kind is not Kind.STRENGTH
        assert offer.exercise.intensity <= 2 and set(offer.exercise.areas) & {"glutes-hips", "core", "lower-back"}
        alternative = offer.exercise.name
        await pilot.press("g")
        await settle(pilot)
        assert app.screen is screen and not screen.timer.paused
        upcoming = [p.exercise_name for p in screen.timer.phases[screen.timer.index :] if p.is_work]
        assert upcoming[0] == alternative
    _, steps = saved_session(db_path, clock)
    hurt = [s for s in steps if s.outcome is Outcome.HURT]
    assert [s.outcome for s in steps if s.exercise_id == "pelvic-tilt"] == [Outcome.SKIPPED]
    assert len(hurt) == 1 and hurt[0].hurt_pain == 6 and hurt[0].exercise_name == hurt_name


async def test_q_asks_keep_going_then_save_partial_with_pain_after(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 5 + 25)  # first side done
        await pilot.press("q")
        assert isinstance(app.screen, EndSessionScreen) and screen.timer.paused
        await pilot.press("k")
        assert app.screen is screen and not screen.timer.paused
        await pilot.press("q", "s")
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SessionScreen)
    info, steps = saved_session(db_path, clock)
    assert info.status is SessionStatus.PARTIAL and (info.pain_before, info.pain_after) == (5, 3)
    assert info.resume_state is None and steps[0].outcome is Outcome.DONE


async def test_discard(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot, "one-minute", pain=None)
        await pilot.press("q", "d")
        await settle(pilot)
        assert not isinstance(app.screen, SessionScreen)
    info, _ = saved_session(db_path, clock)
    assert info.status is SessionStatus.DISCARDED


async def test_a_whole_routine_completes_and_the_streak_counts(make_test_app, clock, db_path) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "one-minute", pain="4")
        for _ in range(40):
            if screen.timer.finished:
                break
            await advance(pilot, clock, 10)
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "1 day, done today" in str(app.screen.query_one("Static").content)
    info, steps = saved_session(db_path, clock)
    assert info.status is SessionStatus.COMPLETE and all(s.outcome is Outcome.DONE for s in steps)


async def test_resume_offer_after_an_interrupted_session(make_test_app, clock, db_path) -> None:
    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 5 + 25 + 5 + 25 + 2)  # both sides of the first stretch
        await settle(pilot)
    # the app went away without finishing (as after a crash): in progress, resumable
    again = make_test_app()
    async with again.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("r")
        await settle(pilot)
        resumed = again.screen
        assert isinstance(resumed, SessionScreen) and resumed.timer.paused
        assert resumed.timer.index == screen.timer.index
        await pilot.press("space")
        assert not resumed.timer.paused


async def test_this_hurts_on_a_pain_day_offers_a_relief_position_or_ending(
    make_test_app, clock, db_path, store
) -> None:
    """Every gentle move for the area is already in the session: a relief position comes next, and
    with that too in use or unsuitable, ending for today with advice; never nothing."""
    from stretchtui.core.model import Routine, RoutineItem

    index = store.library.exercise_index()
    gentle = [e.id for e in index.values() if e.intensity == 1 and e.kind.value in ("mobility", "motor-control")]
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        routine = Routine(id="", name="Pain day", items=tuple(RoutineItem(i) for i in gentle))
        app.start_suggested(routine, index)
        await settle(pilot)
        await pilot.press("enter")  # skip the pain question
        await settle(pilot)
        screen = app.screen
        await pilot.press("n")  # past get ready
        await advance(pilot, clock, 1)
        await pilot.press("h")
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, AlternativeScreen)
        assert app.screen.offer.kind is OfferKind.RELIEF
        assert app.screen.offer.exercise.id in (
            "crook-lying-rest",
            "childs-pose",
            "double-knee-to-chest",
            "knee-to-chest",
        )
        await pilot.press("e")  # end for today: saved as partial, with the pain after asked
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)  # asked after a hurt, though none was given before
        await pilot.press("enter")  # skipped
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.timer.finished or not screen.is_attached


async def test_a_session_killed_before_its_first_step_is_offered_from_its_first_exercise(
    make_test_app, clock, db_path
) -> None:
    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot, "seven-in-seven")
        await advance(pilot, clock, 3)  # still getting ready: no step saved
    again = make_test_app()
    async with again.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ResumeScreen) and again.screen.steps_saved == 0
        await pilot.press("r")
        await settle(pilot)
        resumed = again.screen
        assert isinstance(resumed, SessionScreen) and resumed.timer.index == 0
        assert resumed.routine.name == "Seven in Seven"


async def test_an_older_session_with_nothing_to_resume_is_closed_not_left_in_progress(make_test_app, store) -> None:
    """What earlier versions left when killed before a first step: no plan saved with it."""
    info = store.sessions.start_session(None, "Old one", 60)
    store.db.execute_sql("UPDATE session SET resume_state = NULL WHERE id = ?", (info.id,))
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, SessionScreen)
    assert app.store.sessions.session(info.id).status is SessionStatus.PARTIAL
    assert app.store.sessions.interrupted_session() is None


@pytest.mark.parametrize(
    ("keys", "ended"), [(("enter",), True), (("escape",), True), (("s",), True), (("tab", "enter"), False)]
)
async def test_this_hurts_at_8_or_more_ends_the_session_unless_carrying_on_is_chosen(
    make_test_app, clock, db_path, keys, ended
) -> None:
    """A 9 on "this hurts" offered "Try it / Skip it / End", and skipping went on to a strength
    move (the third outside pass). From 8 the session ends for today: End is focused, Esc and `s`
    end too, and carrying on takes Tab to "Carry on anyway", as starting anyway at 8 does."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot, "one-minute")
        screen = app.screen
        await advance(pilot, clock, 1)
        await pilot.press("h", "9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AlternativeScreen) and dialog.offer.stop and dialog.offer.exercise is None
        assert "8/10 or more: the session ends for today" in str(dialog.question_text())
        assert app.focused is dialog.query_one("#end")
        await pilot.press(*keys)
        await settle(pilot)
        if ended:  # partial, with the pain after asked; skipped, the summary still gives the hurt
            assert isinstance(app.screen, PainScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, SummaryScreen)
            assert "Pain        5 before; 9 when a move hurt" in str(app.screen.query_one("Static").content)
        else:
            assert app.screen is screen and not screen.timer.finished


async def test_carrying_on_through_every_move_that_hurt_keeps_no_streak_and_asks_the_pain_after(
    make_test_app, clock, db_path
) -> None:
    """Every move stopped at 8/10 with "Carry on anyway", no pain given before: the end of the
    routine said "Session complete", gave a streak, and asked nothing (an outside pass). Now it is
    partial, and the pain after is asked, since a step hurt."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "one-minute", pain=None)
        await advance(pilot, clock, 1)
        for _ in range(12):
            if screen.timer.finished:
                break
            await pilot.press("h", "8")
            await settle(pilot)
            assert isinstance(app.screen, AlternativeScreen) and app.screen.offer.stop
            await pilot.press("tab", "enter")  # "Carry on anyway"
            await settle(pilot)
        assert screen.timer.finished and isinstance(app.screen, PainScreen)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        summary = str(app.screen.query_one("Static").content)
        assert "Saved as partial" in summary and "6 after; 8 at worst when 4 moves hurt" in summary
        assert "no streak yet" in summary
        said = " ".join(str(hint.content) for hint in app.screen.query(".dialog-hint"))
        assert "a routine counts as done with at least half of its steps done" in said
    info, steps = saved_session(db_path, clock)
    assert info.status is SessionStatus.PARTIAL and info.pain_after == 6
    assert steps and all(s.outcome is Outcome.HURT for s in steps)


@pytest.mark.parametrize("pain", [6, 9])
@pytest.mark.parametrize("then", ["n", "d"])
async def test_going_back_over_a_move_that_hurt_keeps_the_hurt(
    make_test_app, clock, db_path, store, pain, then
) -> None:
    """ "This hurts" at 9, carry on, `p` back to that move, then `n` (or `d`): the step was saved
    again as skipped (or done) and the 9/10 was gone: no questions, a full routine offered, the
    move back in today's suggestion (an outside pass). A hurt given stays one."""
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(pilot, "one-minute", pain=None)
        await advance(pilot, clock, 1)
        hurt_name = screen.timer.phase.exercise_name
        await pilot.press("h", str(pain))
        await settle(pilot)
        assert isinstance(app.screen, AlternativeScreen)
        await pilot.press(*(("tab", "enter") if pain >= 8 else ("s",)))  # carry on
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("p")  # back to the move that hurt
        await settle(pilot)
        assert screen.timer.phase.exercise_name == hurt_name
        await pilot.press(then)
        await settle(pilot)
    _, steps = saved_session(db_path, clock)
    again = [s for s in steps if s.exercise_name == hurt_name]
    assert [(s.outcome, s.hurt_pain) for s in again] == [(Outcome.HURT, pain)]
    assert again[0].exercise_id in store.safety.recently_hurt()  # left out for 14 days
    if pain >= 8:
        check = store.safety.safety_check()
        assert "pain" in [a.reason for a in check.ask_again] and check.blocked
