"""Programs (issue 18): the state machine that moves a program by the person's response (enrol,
progress, hold, regress, flare and back, a gap, a switch of prescription, phases), its properties
under random histories (hypothesis), and the safety of every program session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtui.core.function import FunctionRating
from stretchtui.core.library import load_library
from stretchtui.core.model import Condition
from stretchtui.core.pain_level import Level
from stretchtui.core.program_offer import offer
from stretchtui.core.program_plan import item_dose, session_for, top_step
from stretchtui.core.program_reading import load_builtin
from stretchtui.core.program_replay import replay
from stretchtui.core.program_state import (
    Choice,
    Move,
    ProgramChoice,
    ProgramSessionNote,
    ProgramState,
)
from stretchtui.core.programs import load_ladders
from stretchtui.core.safety import QUESTION_KEYS, Profile, SafetyCheck, is_gentle
from stretchtui.core.suggestion_inputs import PainNote, SuggestionRequest
from stretchtui.core.vocabulary import Kind

EXERCISES = dict(load_library().exercises)
LADDERS = load_ladders(EXERCISES)
PROGRAMS = load_builtin(EXERCISES, LADDERS)
STARTER = PROGRAMS["lower-back-starter"]
VERSIONS = {p.key: p for p in PROGRAMS.values()}
MONDAY = date(2026, 11, 2)
NO = {key: False for key in QUESTION_KEYS}
CLEAR = SafetyCheck(Profile(NO, datetime(2026, 11, 1, tzinfo=UTC)))


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def session(n: int, before: int | None = 2, after: int | None = 2, **kwargs: object) -> ProgramSessionNote:
    return ProgramSessionNote(day(n), STARTER.id, STARTER.version, pain_before=before, pain_after=after, **kwargs)  # type: ignore[arg-type]


def run(
    sessions: list[ProgramSessionNote],
    worst: dict[int, int] | None = None,
    *,
    today: int,
    choices: list[ProgramChoice] | None = None,
    flare_days: tuple[int, ...] = (),
    ratings: tuple[FunctionRating, ...] = (),
    versions: dict | None = None,
) -> ProgramState:
    state = replay(
        versions or VERSIONS,
        LADDERS,
        EXERCISES,
        choices=choices or [ProgramChoice(day(0), Choice.START, STARTER.id, 1)],
        sessions=sessions,
        worst={day(k): v for k, v in (worst or {}).items()},
        flare_days=[day(k) for k in flare_days],
        ratings=ratings,
        today=day(today),
    )
    assert state is not None
    return state


def moves(state: ProgramState) -> list[tuple[int, Move]]:
    return [((c.day - MONDAY).days, c.move) for c in state.history]


# --- enrol, progress, hold, regress ---------------------------------------------------------------


def test_enrolling_starts_at_week_1_step_0_with_the_first_phase_and_says_where_you_are() -> None:
    state = run([], today=0)
    assert (state.phase_index, state.step, state.week, state.in_flare) == (0, 0, 1, False)
    assert state.position() == "week 1 of 6 · session 1 of 3 this week"
    assert moves(state) == [(0, Move.START)]


def test_a_good_session_and_a_settled_next_day_step_up_once() -> None:
    state = run([session(0, 2, 2)], {1: 2}, today=1)
    assert state.step == 1 and moves(state)[-1] == (1, Move.UP)
    assert "one step up" in state.history[-1].why


def test_the_step_waits_for_the_next_days_check_in_and_says_so() -> None:
    state = run([session(0, 2, 2)], today=0)
    assert state.step == 0 and "tomorrow's check-in" in state.waiting


def test_no_check_in_the_day_after_holds() -> None:
    state = run([session(0, 2, 2)], today=3)
    assert state.step == 0 and moves(state)[-1] == (2, Move.HOLD)
    assert "No check-in" in state.history[-1].why


def test_a_borderline_next_day_holds() -> None:
    state = run([session(0, 2, 3)], {1: 3}, today=2)
    assert state.step == 0 and moves(state)[-1] == (1, Move.HOLD)


@pytest.mark.parametrize(
    ("note", "worst", "why"),
    [
        pytest.param(session(3, 2, 4), {}, "Pain went from 2 to 4", id="pain-rose-by-2-in-the-session"),
        pytest.param(session(3, 2, 2, hurt=True), {}, "marked hurt", id="a-step-marked-hurt"),
        pytest.param(session(3, 2, 2), {4: 4}, "day after was 4", id="the-next-day-2-higher"),
    ],
)
def test_a_worse_response_steps_down_with_why(note: ProgramSessionNote, worst: dict[int, int], why: str) -> None:
    state = run([session(0, 2, 2), note], {1: 2, **worst}, today=5)
    assert state.step == 0  # up once on day 1, then down
    assert moves(state)[-1][1] is Move.DOWN and why in state.history[-1].why


def test_at_most_one_step_up_a_week() -> None:
    sessions = [session(k) for k in (0, 2, 4, 6, 8)]
    state = run(sessions, {k: 2 for k in range(10)}, today=10)
    ups = [d for d, move in moves(state) if move is Move.UP]
    assert ups == [1, 9]
    assert any("at most once a week" in c.why for c in state.history)


def test_never_below_the_lowest_step() -> None:
    sessions = [session(k, 2, 5) for k in range(0, 12, 2)]
    state = run(sessions, today=12)
    assert state.step == STARTER.progression.lowest_step
    assert "lowest step" in state.history[-1].why


def test_a_session_not_finished_or_without_pain_noted_holds() -> None:
    state = run([session(0, None, 2), session(2, 2, 2, complete=False)], {1: 1, 3: 1}, today=4)
    assert state.step == 0 and [m for _, m in moves(state)][1:] == [Move.HOLD, Move.HOLD]


# --- phases ---------------------------------------------------------------------------------------


def calm_weeks(days: int, every: int = 2) -> tuple[list[ProgramSessionNote], dict[int, int]]:
    return [session(k) for k in range(0, days, every)], {k: 2 for k in range(days + 1)}


def test_a_phase_moves_on_after_its_weeks_and_enough_calm_sessions_at_its_written_dose() -> None:
    sessions, worst = calm_weeks(15)
    state = run(sessions, worst, today=15)
    assert state.phase_index == 1 and state.week == 3 and state.step <= 1
    assert (14, Move.PHASE) in moves(state)


def test_a_phase_without_enough_calm_sessions_goes_on_another_week_and_says_how_many() -> None:
    state = run([session(0), session(7)], {1: 2, 8: 2}, today=15)
    assert state.phase_index == 0 and state.week == 2  # a held phase stays in its last week
    stay = next(c for c in state.history if c.move is Move.STAY)
    assert "2 of 3 calm sessions" in stay.why


def test_a_function_rating_that_fell_by_2_holds_the_phase() -> None:
    sessions, worst = calm_weeks(15)
    ratings = tuple(
        FunctionRating(
            uuid=f"u{k}",
            activity="Sit through a meeting",
            rating=r,
            at=datetime(2026, 11, 1, tzinfo=UTC),
            zone="UTC",
            day=day(k),
        )
        for k, r in ((3, 7), (10, 4))
    )
    state = run(sessions, worst, today=15, ratings=ratings)
    assert state.phase_index == 0
    assert any("fell from 7 to 4" in c.why for c in state.history)


def test_the_last_phase_finishes_the_program() -> None:
    sessions, worst = calm_weeks(50, 1)
    state = run(sessions, worst, today=50)
    assert state.finished and state.phase_index == len(STARTER.phase) - 1 and state.week == STARTER.weeks


# --- flare ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worst", "flare_days", "why"),
    [
        pytest.param({5: 7}, (), "Pain 7/10", id="pain-7"),
        pytest.param({4: 2, 5: 5}, (), "jumped from 2 to 5", id="a-jump-of-3"),
        pytest.param({}, (5,), "marked a flare", id="a-day-marked-flare"),
    ],
)
def test_a_flare_switches_to_flare_mode_until_the_person_leaves_it_one_step_lower(
    worst: dict[int, int], flare_days: tuple[int, ...], why: str
) -> None:
    base = {1: 2, **worst}
    state = run([session(0)], base, today=6, flare_days=flare_days)
    assert state.in_flare and state.step == 1
    assert why in next(c for c in state.history if c.move is Move.FLARE).why
    still = run([session(0), session(8)], {**base, 9: 1}, today=20, flare_days=flare_days)
    assert still.in_flare and still.step == 1, "never left silently, and no progress in flare mode"
    leave = ProgramChoice(day(10), Choice.LEAVE_FLARE, STARTER.id, 1)
    start = ProgramChoice(day(0), Choice.START, STARTER.id, 1)
    back = run([session(0)], base, today=11, flare_days=flare_days, choices=[start, leave])
    assert not back.in_flare and back.step == 0 and moves(back)[-1] == (10, Move.LEAVE_FLARE)
    # a flare's pain noted after leaving, the same day, goes back into flare mode (the day's check
    # came before the choice; an outside pass found the 9/10 ignored and the next day at "full")
    for after, again in ((9, True), (7, True), (6, False), (None, False)):
        left = ProgramChoice(day(10), Choice.LEAVE_FLARE, STARTER.id, 1, pain_after=after)
        state = run([session(0)], base, today=12, flare_days=flare_days, choices=[start, left])
        assert state.in_flare is again and state.step == 0, after
        if again:
            assert moves(state)[-1] == (10, Move.FLARE)
            assert state.history[-1].why.startswith(f"Pain {after}/10 noted after you left flare mode.")
    marked = ProgramChoice(day(10), Choice.LEAVE_FLARE, STARTER.id, 1, flare_marked_after=True)
    state = run([session(0)], base, today=12, flare_days=flare_days, choices=[start, marked])
    assert state.in_flare and state.history[-1].why.startswith("You marked a flare after you left flare mode.")


# --- a gap, a switch, a stop ------------------------------------------------------------------------


def test_a_gap_of_two_weeks_resumes_one_step_lower_once() -> None:
    good = {1: 2}
    away = run([session(0)], good, today=16)
    assert away.step == 0 and away.history[-1].move is Move.GAP
    back = run([session(0), session(20)], {**good, 21: 2}, today=22)
    gaps = [d for d, move in moves(back) if move is Move.GAP]
    assert gaps == [20] and back.step == 1  # down for the gap, then up after a good session
    short = run([session(0), session(13)], good, today=13)
    assert Move.GAP not in [m for _, m in moves(short)]
    assert away.history[-1].why == "16 days since your last session: one step lower to start again."
    never = run([], {}, today=16)  # started and never done: it says so, not "your last session"
    assert never.history[-1].why == "16 days since you started, with no session yet: one step lower to start again."


def test_a_switch_of_prescription_keeps_the_place_and_follows_the_new_version() -> None:
    v2 = replace(STARTER, version=2, phase=(replace(STARTER.phase[0], weeks=3), *STARTER.phase[1:]))
    versions = {**VERSIONS, v2.key: v2}
    start = ProgramChoice(day(0), Choice.START, STARTER.id, 1)
    switch = ProgramChoice(day(3), Choice.SWITCH, STARTER.id, 2)
    sessions, worst = calm_weeks(16)
    state = run(sessions, worst, today=16, choices=[start, switch], versions=versions)
    assert state.program.version == 2 and state.phase_index == 0  # weeks 1-3 now: still in phase 1
    assert (3, Move.SWITCH) in moves(state)


def test_stopping_leaves_no_program() -> None:
    start = ProgramChoice(day(0), Choice.START, STARTER.id, 1)
    stop = ProgramChoice(day(2), Choice.STOP, STARTER.id, 1)
    assert replay(VERSIONS, LADDERS, EXERCISES, choices=[start, stop], sessions=[], worst={}, today=day(3)) is None
    assert replay(VERSIONS, LADDERS, EXERCISES, choices=[start, stop], sessions=[], worst={}, today=day(1)) is not None


# --- properties -----------------------------------------------------------------------------------

histories = st.lists(
    st.tuples(
        st.integers(0, 59),  # day
        st.integers(0, 6),  # pain before
        st.integers(-2, 4),  # change during the session
        st.integers(-2, 4),  # change by the next day
        st.booleans(),  # hurt
        st.booleans(),  # next-day check-in
    ),
    max_size=30,
)


def _history(raw: list[tuple[int, int, int, int, bool, bool]]) -> tuple[list[ProgramSessionNote], dict[int, int]]:
    sessions, worst = [], {}
    for n, before, during, later, hurt, checked in sorted(raw):
        after = min(10, max(0, before + during))
        sessions.append(session(n, before, after, hurt=hurt and during > 0))
        if checked:
            worst[n + 1] = max(worst.get(n + 1, 0), min(10, max(0, before + later)))
    return sessions, worst


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, st.lists(st.integers(0, 59), max_size=2))
def test_properties_of_any_history(raw: list[tuple[int, int, int, int, bool, bool]], flares: list[int]) -> None:
    sessions, worst = _history(raw)
    start = ProgramChoice(day(0), Choice.START, STARTER.id, 1)
    leaves = [ProgramChoice(day(f + 3), Choice.LEAVE_FLARE, STARTER.id, 1) for f in flares]
    state = run(sessions, worst, today=62, flare_days=tuple(flares), choices=[start, *leaves])
    ups = state.ups()
    # never more than one step up in any 7 days
    assert all((b - a).days >= 7 for a, b in zip(ups, ups[1:], strict=False))
    # never a step up after a worse response: every up follows a session that went well
    for up in ups:
        before_day = [s for s in sessions if s.day == up - timedelta(days=1)]
        next_pain = worst.get((up - MONDAY).days)
        assert next_pain is not None
        assert any(
            not s.hurt
            and s.pain_before is not None
            and s.pain_after is not None
            and s.pain_after <= s.pain_before + 1
            and next_pain <= s.pain_before
            for s in before_day
        ), f"a step up on {up} without a session that went well the day before"
    # a flare always lowers: leaving it puts the step below where the flare found it (or at the lowest)
    step = 0
    at_flare = None
    for change in state.history:
        if change.move is Move.FLARE:
            at_flare = step
        step += {Move.UP: 1, Move.DOWN: -1, Move.GAP: -1, Move.LEAVE_FLARE: -1}.get(change.move, 0)
        if change.move is Move.PHASE:
            step = 0
        if change.move is Move.LEAVE_FLARE and "lowest" not in change.why:
            assert at_flare is not None and step < at_flare + 1
            assert step <= max(STARTER.progression.lowest_step, at_flare - 1)
        step = max(step, STARTER.progression.lowest_step)
    assert STARTER.progression.lowest_step <= state.step


PROFILES = [
    SafetyCheck(Profile(NO, datetime(2026, 11, 1, tzinfo=UTC), frozenset(conditions)))
    for conditions in (
        [],
        [Condition.PREGNANCY],
        [Condition.RECENT_BACK_SURGERY],
        [Condition.JOINT_REPLACEMENT],
        list(Condition),
    )
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(PROGRAMS)),
    st.integers(0, 7),
    st.integers(-3, 8),
    st.sampled_from(range(len(PROFILES))),
    st.one_of(st.none(), st.integers(0, 10)),
    st.booleans(),
)
def test_a_program_session_always_keeps_to_the_safety_rules(
    program_id: str, phase: int, step: int, profile: int, pain: int | None, red_flag: bool
) -> None:
    program = PROGRAMS[program_id]
    phase = phase % len(program.phase)
    check = PROFILES[profile]
    if red_flag:
        check = SafetyCheck(Profile({**NO, "saddle": True}, datetime(2026, 11, 1, tzinfo=UTC), check.conditions))
    notes = () if pain is None else (PainNote(day(10), "lower-back", "", pain),)
    request = SuggestionRequest(day(10), 10, "floor", notes, safety=check, exercises=EXERCISES)
    result = session_for(program, phase, step, request, LADDERS)
    if red_flag or (pain is not None and pain >= 8):
        assert result.blocked and result.routine is None
        return
    for item in result.routine.items if result.routine else ():
        exercise = EXERCISES[item.exercise_id]
        assert all(c not in dict(exercise.contraindications) for c in check.conditions)
        dose = item.dose_for(exercise)
        assert dose.reps <= exercise.dose.reps and dose.hold_seconds <= exercise.dose.hold_seconds
        if result.level == Level.FULL:
            continue
        assert exercise.kind is not Kind.STRENGTH
        if result.level == Level.MOBILITY_SHORT:
            assert is_gentle(exercise)


# --- doses and ladders ----------------------------------------------------------------------------


def test_doses_climb_by_the_step_to_the_own_dose_then_the_next_rung_and_never_above() -> None:
    bridge_item = STARTER.phase[1].item[2]  # the bridge ladder from the pelvic tilt, at 12 reps
    assert [item_dose(bridge_item, s, STARTER, LADDERS, EXERCISES).exercise_id for s in (0, 1)] == [
        "pelvic-tilt",
        "bridge",
    ]
    for program in PROGRAMS.values():
        for phase in program.phase:
            top = top_step(phase.item, program, LADDERS, EXERCISES)
            for item in phase.item:
                for s in range(program.progression.lowest_step, top + 2):
                    dose = item_dose(item, s, program, LADDERS, EXERCISES)
                    own = EXERCISES[dose.exercise_id].dose
                    assert 0 < dose.amount <= (own.reps if dose.by_reps else own.hold_seconds)


def test_a_ladder_falls_back_to_a_lower_rung_that_suits_and_says_why() -> None:
    pregnant = SafetyCheck(Profile(NO, datetime(2026, 11, 1, tzinfo=UTC), frozenset({Condition.PREGNANCY})))
    request = SuggestionRequest(day(10), 10, "floor", safety=pregnant, exercises=EXERCISES)
    result = session_for(STARTER, 1, 1, request, LADDERS)  # the bridge rung: on the back
    ids = [i.exercise_id for i in result.routine.items] if result.routine else []
    assert "bridge" not in ids
    assert any("not advised with your health profile" in line for line in result.why)


def test_today_offers_a_program_that_fits_the_check_ins() -> None:
    programs = list(PROGRAMS.values())
    assert offer(programs, pain=3, leg=True, long_sitting=False).program.id == "leg-symptoms"
    assert offer(programs, pain=2, leg=False, long_sitting=True).program.id == "desk-worker"
    assert offer(programs, pain=3, leg=False, long_sitting=False).program.id == "lower-back-starter"
    assert offer(programs, pain=9, leg=False, long_sitting=False) is None
