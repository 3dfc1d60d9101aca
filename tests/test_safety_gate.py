"""Every way into a session passes the safety gate (StretchApp.open_session, core.session_gate):
with an open red flag, a reason to ask again, or a move that does not suit a listed condition, the
person sees why and must choose; the choice is stored with the session."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from textual.widgets import Button

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.model import Condition
from stretchtui.core.safety import QUESTION_KEYS
from stretchtui.core.session_gate import GateKind, GateReason
from stretchtui.store import models as m
from stretchtui.ui.screens.safety import SafetyScreen
from stretchtui.ui.screens.safety_gate import SafetyGateScreen
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.session_dialogs import PainScreen
from stretchtui.ui.sessions import PAIN_ASKED_NOTE


async def desk_break_at(pilot, pain: str) -> None:
    """Start desk-break (3 gentle moves and 1 more) and give `pain` at its pain question."""
    await settle(pilot)
    pilot.app.start_routine("desk-break")
    await settle(pilot)
    await pilot.press(pain)
    await settle(pilot)


def sessions() -> list[m.Session]:
    return list(m.Session.select().order_by(m.Session.id))


async def into_gate(pilot, way: str) -> None:
    """Start a session the way a person would: `way` names the path."""
    app = pilot.app
    await settle(pilot)
    if way == "routine":  # the routines screen, the palette's "Start routine…" and `stretchtui start`
        app.start_routine("desk-break")
    elif way == "picker":
        app.action_pick_routine()
        await settle(pilot)
        await pilot.press("enter")
    elif way == "library":
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("s")
    elif way == "suggested":
        from stretchtui.core.model import Routine, RoutineItem

        app.start_suggested(
            Routine(id="", name="Suggested", items=(RoutineItem("cat-cow"),)), app.store.library.exercise_index()
        )
    await settle(pilot)


WAYS = ["routine", "picker", "library", "suggested"]


async def into_gate_past_the_questions(pilot) -> None:
    """After a note that asks again, Today asks the questions at once: put them off, then start a
    routine; the gate must show."""
    app = pilot.app
    await settle(pilot)
    if isinstance(app.screen, SafetyScreen):
        app.pop_screen()
    app.start_routine("desk-break")
    await settle(pilot)
    assert isinstance(app.screen, SafetyGateScreen)


@pytest.mark.parametrize("way", WAYS)
async def test_a_red_flag_stops_every_way_into_a_session_until_confirmed(make_test_app, store, way) -> None:
    store.safety.save_safety(answers={"bladder-bowel": True})
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await into_gate(pilot, way)
        gate = app.screen
        assert isinstance(gate, SafetyGateScreen), way
        assert "Please get medical help today" in " ".join(r.text for r in gate.reasons)
        await pilot.press("escape")  # cancel: nothing starts, nothing is written
        await settle(pilot)
        assert not isinstance(app.screen, (SessionScreen, PainScreen)) and sessions() == []
        await into_gate(pilot, way)
        await pilot.click("#checked-start")
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
    [row] = sessions()
    assert row.safety_confirmed["choice"] == "checked-start"
    assert [r["kind"] for r in row.safety_confirmed["reasons"]] == ["red-flag"]


async def test_the_command_line_start_meets_the_gate_too(db_path, clock, store) -> None:
    """`stretchtui start desk-break` builds the app with initial_routine: the same gate."""
    from stretchtui.factory import make_app

    store.safety.save_safety(answers={"trauma": True})
    app = make_app(db_path, clock=clock, cursor_blink=False, initial_routine="desk-break")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyGateScreen)


async def test_a_clear_profile_starts_at_once(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.start_routine("desk-break")
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)


async def test_answering_again_from_the_gate_opens_the_questions(make_test_app, store, clock) -> None:
    from stretchtui.core.checkins import PainEntry, Region

    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="can't control my bladder")
    app = make_test_app()  # (one open store per process: the test's writes come first)
    async with app.run_test(size=(100, 32)) as pilot:
        await into_gate_past_the_questions(pilot)
        await pilot.click("#answer-again")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
    assert sessions() == []


async def test_moves_that_do_not_suit_a_condition_can_be_left_out(make_test_app, store) -> None:
    store.safety.save_safety(answers={}, conditions=[Condition.PREGNANCY.value])
    unsuitable = {e.id for e in store.library.exercises() if e.avoid_reasons({Condition.PREGNANCY})}
    routine = next(
        r
        for r in store.library.routines()
        if {i.exercise_id for i in r.items} & unsuitable and {i.exercise_id for i in r.items} - unsuitable
    )
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.start_routine(routine.id)
        await settle(pilot)
        gate = app.screen
        assert isinstance(gate, SafetyGateScreen)
        assert "Not advised with pregnancy" in gate.reasons[0].text
        await pilot.click("#leave-out")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        session = app.screen
        assert isinstance(session, SessionScreen)
        assert not {i.exercise_id for i in session.routine.items} & unsuitable
    [row] = sessions()
    assert row.safety_confirmed is None  # nothing unsuitable was started, so nothing to confirm


def test_gate_snapshot(snap_compare, make_test_app, store) -> None:
    store.safety.save_safety(answers={"fever": True}, conditions=[Condition.PREGNANCY.value])

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.start_routine("one-minute")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(100, 32), run_before=run_before)


@pytest.mark.parametrize(
    ("keys", "starts"),
    [(("n",), False), (("escape",), False), (("y",), False), (("enter",), False), (("tab", "enter"), True)],
)
async def test_pain_of_8_or_more_before_a_session_asks_before_starting(make_test_app, keys, starts) -> None:
    """Starting at 8/10 or more takes a deliberate Tab to "Start anyway" and Enter, as at the
    safety gate (`y` alone did, found by an outside pass), and the start is noted with the
    session as a start past the gate is."""
    from stretchtui.ui.screens.dialogs import HighPainScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await desk_break_at(pilot, "9")
        assert isinstance(app.screen, HighPainScreen) and "too much to stretch through" in app.screen.question
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) is starts
        still_asking = isinstance(app.screen, HighPainScreen)  # `y` is no answer here
        today_card = str(app.query_one("#today-suggestion").render()) if not starts else ""
    assert len(sessions()) == (1 if starts else 0)
    pains = [(c.note, [p.pain for p in c.pains]) for c in m.Checkin.select()]
    # The 9 is noted before the question, so today's suggestion and the safety questions hear it
    # whatever comes next, the app killed while it is open too (a final outside pass lost it).
    assert pains == [(PAIN_ASKED_NOTE, [9])]
    if not starts and not still_asking:  # "Not now"
        assert "No routine today" in today_card and "safety questions again" in today_card
    if starts:
        [row] = sessions()
        assert row.pain_before == 9 and row.safety_confirmed["choice"] == "checked-start"
        # noted as what it was, pain too high today (an outside pass found it filed as "ask-again")
        assert [r["kind"] for r in row.safety_confirmed["reasons"]] == ["pain-today"]


def test_every_kind_of_reason_has_its_title() -> None:
    """A kind of reason without words was a KeyError when the gate opened (gentle-only: the app
    ended with a traceback for a new user starting a routine with stronger moves)."""
    from stretchtui.core.session_gate import GateKind
    from stretchtui.ui.screens.safety_gate import TITLES

    assert set(TITLES) == set(GateKind)


@pytest.mark.parametrize("choice", ["answer-again", "leave-out", "checked-start"])
async def test_unanswered_questions_meet_the_gate_before_stronger_moves(make_test_app, store, choice) -> None:
    """Questions never answered (put off with Esc): a routine with more than gentle moves opens
    the gate, which offers the questions, the routine without those moves, or starting anyway
    (noted with the session), as the outside pass's `stretchtui start desk-break` found it could not.
    Answered, the session goes on through the gate again, as the answers now stand."""
    from stretchtui.core.safety import is_gentle
    from stretchtui.core.session_gate import GateKind
    from stretchtui.ui.screens.safety_gate import TITLES

    exercises = store.library.exercise_index()
    routine = store.library.routine("desk-break")
    assert routine is not None and not all(is_gentle(exercises[i.exercise_id]) for i in routine.items)
    app = make_test_app(safety_answered=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        if isinstance(app.screen, SafetyScreen):  # the first-run questions: later
            await pilot.press("escape")
            await settle(pilot)
        await into_gate(pilot, "routine")
        gate = app.screen
        assert isinstance(gate, SafetyGateScreen)
        assert [r.kind for r in gate.reasons] == [GateKind.GENTLE_ONLY]
        assert TITLES[GateKind.GENTLE_ONLY] in str(gate.query_one(".gate-reason").content)
        assert str(gate.query_one("#checked-start", Button).label) == "Start anyway"
        await pilot.click(f"#{choice}")
        await settle(pilot)
        if choice == "answer-again":  # answered ("none of these"), the session meets the gate again: clear
            assert isinstance(app.screen, SafetyScreen)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, PainScreen)
        await pilot.press("enter")  # pain before
        await settle(pilot)
        session = app.screen
        assert isinstance(session, SessionScreen)
        kept = [exercises[i.exercise_id] for i in session.routine.items]
    [row] = sessions()
    if choice == "leave-out":
        assert kept and all(is_gentle(e) for e in kept) and row.safety_confirmed is None
    elif choice == "answer-again":
        assert len(kept) == len(routine.items) and row.safety_confirmed is None
    else:
        assert [r["kind"] for r in row.safety_confirmed["reasons"]] == ["gentle-only"]


async def test_a_double_tap_from_the_gate_answers_no_question(make_test_app, store) -> None:
    """The gate's key for the questions is no key of the questions: "a" was both, and "a a"
    recorded "no" to all sixteen unread (found by an outside pass)."""
    from stretchtui.ui.screens.safety import SafetyScreen as Questions

    gate_keys = {b.key for b in SafetyGateScreen.BINDINGS if "answer-again" in b.action}
    assert gate_keys and not gate_keys & {b.key for b in Questions.BINDINGS}
    app = make_test_app(safety_answered=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        if isinstance(app.screen, SafetyScreen):
            await pilot.press("escape")
            await settle(pilot)
        await into_gate(pilot, "routine")
        assert isinstance(app.screen, SafetyGateScreen)
        key = gate_keys.pop()
        await pilot.press(key, key)
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
    assert store.safety.safety_profile().answered_at is None and sessions() == []


@pytest.mark.parametrize("way", WAYS)
async def test_pain_too_high_today_meets_the_gate_on_every_way_in(make_test_app, store, clock, way) -> None:
    """Pain of 8/10 noted today, the questions answered again since: no routine is suggested, yet
    `stretchtui start desk-break` went straight into Sit to Stand when the pain prompt was skipped
    with Enter (second outside pass). Every way in now meets the gate first."""
    from stretchtui.core.checkins import PainEntry, Region

    no = {key: False for key in QUESTION_KEYS}
    store.safety.save_safety(answers=no)
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 8)])
    clock.advance(60)
    store.safety.save_safety(answers=no)  # answered again: the questions are clear
    assert not store.safety.safety_check().blocked
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await into_gate(pilot, way)
        gate = app.screen
        assert isinstance(gate, SafetyGateScreen), way
        assert [r.kind.value for r in gate.reasons if r.kind.value == "pain-today"] == ["pain-today"]
        assert "Pain 8/10 today" in " ".join(r.text for r in gate.reasons)
        await pilot.press("escape")
        await settle(pilot)
        assert sessions() == []
        await into_gate(pilot, way)
        await pilot.click("#checked-start")
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("enter")  # the prompt skipped: the gate was the deliberate choice
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
    [row] = sessions()
    assert "pain-today" in [r["kind"] for r in row.safety_confirmed["reasons"]]


def test_pain_today_is_said_beside_whatever_else_stops_the_session() -> None:
    """Pain of 8+ also asks the questions again; the gate showed only that, with "I have been
    checked: start", and the routine ran at 9/10 (third outside pass). The pain is said too."""
    from stretchtui.core.library import load_library
    from stretchtui.core.safety import Profile, SafetyCheck
    from stretchtui.core.session_gate import GateKind, session_gate

    exercises = load_library().exercises
    clear = SafetyCheck(Profile(dict.fromkeys(QUESTION_KEYS, False), None))
    urgent = SafetyCheck(Profile({**dict.fromkeys(QUESTION_KEYS, False), "fever": True}, None))
    why = "Pain 9/10 today: no routine today."
    assert [r.kind for r in session_gate(clear, ["cat-cow"], exercises, no_routine_today=why)] == [GateKind.PAIN_TODAY]
    assert [r.kind for r in session_gate(urgent, ["cat-cow"], exercises, no_routine_today=why)] == [
        GateKind.RED_FLAG,
        GateKind.PAIN_TODAY,
    ]
    assert session_gate(clear, ["cat-cow"], exercises, no_routine_today=None) == ()


async def test_pain_logged_after_the_answers_shows_both_reasons_at_the_gate(make_test_app, store, clock) -> None:
    from stretchtui.core.checkins import PainEntry, Region

    store.safety.save_safety(answers={key: False for key in QUESTION_KEYS})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 9)])  # asks again, and no routine today
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await into_gate_past_the_questions(pilot)
        assert [r.kind.value for r in app.screen.reasons] == ["ask-again", "pain-today"]
        await pilot.click("#checked-start")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    [row] = sessions()
    assert [r["kind"] for r in row.safety_confirmed["reasons"]] == ["ask-again", "pain-today"]


@pytest.mark.parametrize(
    ("keys", "outcome"),
    [
        (("g",), "gentle"),
        (("enter",), "gentle"),
        (("n",), "not now"),
        (("escape",), "not now"),
        (("y",), "asking"),
        (("tab", "tab", "enter"), "planned"),
    ],
)
async def test_pain_of_7_before_stronger_moves_offers_the_gentle_ones(make_test_app, keys, outcome) -> None:
    """7/10 is a flare's pain: today's suggestion is short, gentle mobility only. A routine with
    more (desk-break: 3 gentle moves and 1 more) asks first: its gentle moves only (focused),
    not now (the pain noted as a check-in), or as planned, which takes Tab to it (an outside pass
    found the full routine ran at 7, in a program's flare mode too)."""
    from stretchtui.core.safety import is_gentle
    from stretchtui.ui.screens.dialogs import FlarePainScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await desk_break_at(pilot, "7")
        dialog = app.screen
        assert isinstance(dialog, FlarePainScreen)
        assert (
            "Pain 7/10 is a flare's pain" in dialog.question
            and "a shorter, lighter version of its 3 gentle moves?" in dialog.question
        )
        await pilot.press(*keys)
        await settle(pilot)
        screen = app.screen
        exercises = app.store.library.exercise_index()
        if outcome == "asking":
            assert screen is dialog
        elif outcome in ("gentle", "planned"):
            assert isinstance(screen, SessionScreen)
            moves = [item.exercise_id for item in screen.routine.items]
            assert all(is_gentle(exercises[i]) for i in moves) == (outcome == "gentle")
            if outcome == "gentle":  # short, gentle mobility: lighter doses, within 5 minutes
                assert 1 <= len(moves) <= 3 and screen.routine.duration_seconds(exercises) <= 5 * 60
                planned = app.store.library.routine("desk-break")
                assert screen.routine.duration_seconds(exercises) < planned.duration_seconds(exercises)
            else:
                assert len(moves) == 4
        else:
            assert not isinstance(screen, (SessionScreen, FlarePainScreen))
    rows = sessions()
    checkins = [[p.pain for p in c.pains] for c in m.Checkin.select()]
    if outcome in ("gentle", "planned"):
        [row] = rows
        assert row.pain_before == 7 and checkins == [[7]]  # noted before the question, as always
        assert row.routine_name.endswith("(short, gentle)") == (outcome == "gentle")  # History says which
        confirmed = [r["kind"] for r in (row.safety_confirmed or {}).get("reasons", [])]
        assert confirmed == (["flare-pain"] if outcome == "planned" else [])
    else:
        assert rows == []
        assert checkins == [[7]]  # noted before the question: kept whatever the answer


async def test_pain_of_7_before_a_move_with_nothing_gentle_offers_no_gentle_version(make_test_app) -> None:
    from stretchtui.core.safety import is_gentle
    from stretchtui.ui.screens.dialogs import FlarePainScreen

    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        strong = next(e for e in app.store.library.exercise_index().values() if not is_gentle(e))
        app.start_exercise(strong)
        await settle(pilot)
        if isinstance(app.screen, SafetyGateScreen):  # a condition or the answers may ask first
            pytest.skip("the gate asks first for this move")
        await pilot.press("7")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FlarePainScreen) and "None of its moves is gentle" in dialog.question
        assert not dialog.query("#gentle") and app.focused is dialog.query_one("#no")
        await pilot.press("g")  # no gentle version: nothing happens
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
    assert sessions() == []


@pytest.mark.parametrize("pain", [None, 0, 6, 8])
def test_the_flare_pain_reason_is_for_7_and_more_than_short_gentle_mobility(pain) -> None:
    from dataclasses import replace

    from stretchtui.core.library import load_library
    from stretchtui.core.model import Routine, RoutineItem
    from stretchtui.core.session_gate import flare_pain_reason, gentle_version

    library = load_library()
    desk_break = library.routines["desk-break"]
    assert flare_pain_reason(pain, desk_break, library.exercises) is None  # 8+ stops the session before
    reason = flare_pain_reason(7, desk_break, library.exercises)
    assert reason is not None and len(reason.exercise_ids) == 1
    gentle = gentle_version(desk_break, library.exercises)
    assert flare_pain_reason(7, gentle, library.exercises) is None  # what "gentle" starts asks nothing more
    unknown = Routine(id="", name="x", items=(RoutineItem("not-a-move"),))
    assert flare_pain_reason(7, unknown, library.exercises) is not None  # unknown: not gentle
    # all gentle but long (a program's session at full length): asked too, and shortened
    long = replace(gentle, items=gentle.items * 6)
    assert long.duration_seconds(library.exercises) > 5 * 60
    assert "takes about" in (flare_pain_reason(7, long, library.exercises) or GateReason(GateKind.FLARE_PAIN, "")).text
    assert gentle_version(long, library.exercises).duration_seconds(library.exercises) <= 5 * 60


@pytest.mark.parametrize("size", [(80, 24), (100, 32)], ids=["80x24", "100x32"])
def test_flare_pain_dialog_snapshot(snap_compare, make_test_app, size) -> None:
    async def run_before(pilot) -> None:
        await desk_break_at(pilot, "7")

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("earlier", ["pain 7", "flare day"])
async def test_a_flare_noted_earlier_today_meets_the_gate_before_stronger_moves(make_test_app, store, earlier) -> None:
    """Pain of 7 noted earlier today, or the day marked a flare: today suits short, gentle mobility
    only, so a routine with more meets the gate (leave those moves out, or start anyway) even when
    the pain question is skipped (the second outside pass: `start strength-stability` ran all six
    moves). Leaving them out, a 7 given at the pain question asks nothing more."""
    from stretchtui.core.entries import MarkKind
    from stretchtui.core.safety import is_gentle
    from stretchtui.ui.screens.dialogs import FlarePainScreen

    if earlier == "pain 7":
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 7)])
    else:
        store.corrections.set_day_mark(store.clock.now().date(), MarkKind.FLARE, force=True)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.start_routine("strength-stability")
        await settle(pilot)
        gate = app.screen
        assert isinstance(gate, SafetyGateScreen)
        assert [r.kind.value for r in gate.reasons] == ["flare-pain"]
        assert "short, gentle mobility only" in gate.reasons[0].text and gate.can_leave_out
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PainScreen)
        await pilot.press("7")
        await settle(pilot)
        session = app.screen
        assert isinstance(session, SessionScreen) and not isinstance(session, FlarePainScreen)
        exercises = app.store.library.exercise_index()
        assert all(is_gentle(exercises[i.exercise_id]) for i in session.routine.items)
    [row] = sessions()
    assert row.pain_before == 7 and row.safety_confirmed is None
