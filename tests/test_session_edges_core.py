"""Issue 16, in core and store: `-` never ends a phase, +/- in a reps step change its reps, and a
session's exercises are counted once each, the same way for the summary and History."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_timer import BRIDGE, CAT, KNEE, PIGEON, PROPERTY, FakeClock, plans, run, session

from stretchtui.core.phases import PhaseKind
from stretchtui.core.sessions import (
    ExerciseCounts,
    Outcome,
    SessionInfo,
    SessionStatus,
    Side,
    StepRecord,
    exercise_counts,
    pain_summary,
    status_at_the_end,
)
from stretchtui.core.timer import MIN_PHASE_LEFT, SessionTimer
from stretchtui.core.timer_events import LastSeconds

# --- "-" keeps a moment of the phase ---------------------------------------------------------------


def test_minus_pressed_twice_never_runs_past_the_end_of_a_hold() -> None:
    timer, clock = session(CAT, get_ready=0)
    run(timer, clock, 25)
    events = timer.adjust(-10) + timer.adjust(-10)
    assert timer.remaining == MIN_PHASE_LEFT and timer.phase.kind is PhaseKind.HOLD
    assert events == [LastSeconds(1)] and timer.records == [] and timer.tick() == []
    run(timer, clock, 1)  # then it ends as any countdown does, as done
    assert [r.outcome for r in timer.records] == [Outcome.DONE]


def test_minus_in_get_ready_or_a_rest_stays_in_it_and_never_lengthens() -> None:
    timer, clock = session(KNEE)
    timer.adjust(-10)
    timer.adjust(-10)
    assert (timer.phase.kind, timer.remaining) == (PhaseKind.GET_READY, MIN_PHASE_LEFT)
    clock.advance(0.5)
    timer.adjust(-10)  # half a second left: "-" leaves it so, it does not give the second back
    assert timer.remaining == 0.5 and timer.phase.kind is PhaseKind.GET_READY
    run(timer, clock, 0.5, step=0.5)
    run(timer, clock, 10)  # set 1 done, into the rest before set 2
    assert timer.phase.kind is PhaseKind.REST
    for _ in range(5):
        timer.adjust(-10)
    assert timer.phase.kind is PhaseKind.REST and timer.remaining == MIN_PHASE_LEFT and len(timer.records) == 1


@PROPERTY
@given(plans(), st.floats(0, 40), st.integers(1, 6))
def test_property_minus_never_changes_the_phase_or_records_a_step(plan, seconds, presses) -> None:
    _, _, phases = plan
    clock = FakeClock()
    timer = SessionTimer(phases, clock)
    timer.start()
    clock.advance(seconds)
    timer.tick()
    index, records, remaining = timer.index, len(timer.records), timer.remaining
    for _ in range(presses):
        timer.adjust(-10)
    assert (timer.index, len(timer.records)) == (index, records)
    assert timer.remaining >= min(remaining, MIN_PHASE_LEFT) - 1e-9 and timer.remaining <= remaining
    assert timer.tick() == [] or timer.finished  # nothing ends at the same instant


# --- +/- in a reps step ------------------------------------------------------------------------------


def test_plus_and_minus_in_a_reps_step_add_and_take_a_rep() -> None:
    timer, clock = session(BRIDGE, get_ready=0)  # 10 reps, 3 s each
    assert timer.adjust_reps(1) == [] and timer.target_reps == 11 and timer.remaining == 33
    run(timer, clock, 31)
    assert timer.current_rep == 11  # counts on into the added rep
    timer.done()
    assert (timer.records[0].reps_done, timer.records[0].planned_reps) == (11, 10)


def test_minus_in_a_reps_step_stops_at_the_rep_under_way() -> None:
    timer, clock = session(BRIDGE, get_ready=0)
    clock.advance(7)  # rep 3 of 10
    for _ in range(20):
        timer.adjust_reps(-1)
    assert (timer.current_rep, timer.target_reps, timer.remaining) == (3, 3, 2)
    clock.advance(1.5)  # half a second of rep 3 left: no fewer, and never less than a moment
    timer.adjust_reps(-1)
    assert timer.target_reps == 3 and timer.records == []
    run(timer, clock, 0.5, step=0.5)  # rep 3 ends: the step is done, with the reps asked for
    assert (timer.records[0].outcome, timer.records[0].reps_done) == (Outcome.DONE, 3)


def test_the_reps_asked_for_survive_a_resume_and_reset_for_the_next_step() -> None:
    timer, clock = session(BRIDGE, PIGEON, get_ready=0)
    timer.adjust_reps(2)
    again = SessionTimer.from_snapshot(timer.phases, timer.snapshot(), clock)
    assert again.target_reps == 12 and again.remaining == 36
    again.unpause()
    clock.advance(12)  # time for the 12 reps asked for (`d` credits what the time allows)
    again.done()
    assert again.records[0].reps_done == 12
    assert again.adjust_reps(1) == [] and again.target_reps == 0  # a rest: nothing to add a rep to


# --- one count per exercise --------------------------------------------------------------------------


def step(index: int, exercise: str, set_number: int, side: str, outcome: str) -> StepRecord:
    return StepRecord(index, exercise, exercise.title(), set_number, side, 30, 0.0, 0, 0, outcome)


def test_each_exercise_counts_once_by_its_worst_outcome() -> None:
    steps = [
        step(1, "twist", 1, "left", "done"),
        step(3, "twist", 1, "right", "hurt"),  # hurt beats done
        step(5, "twist", 2, "left", "skipped"),
        step(7, "twist", 2, "right", "skipped"),
        step(9, "cat", 1, "both", "skipped"),
        step(11, "cat", 2, "both", "done"),  # done beats skipped
        step(13, "bridge", 1, "both", "skipped"),
        step(15, "bridge", 2, "both", "skipped"),
        step(17, "bridge", 1, "both", "done"),  # the same move again, right after: a second exercise
        step(40, "child", 1, "both", "done"),  # an alternative taken after the hurt: numbered after the plan
    ]
    counts = exercise_counts(reversed(steps))  # any order: step order is what counts
    assert counts == ExerciseCounts(done=3, skipped=1, hurt=1) and counts.total == 5
    assert counts.describe() == "5 in all: 3 done · 1 skipped · 1 hurt"
    assert exercise_counts([]).describe() == "none reached"


def test_a_step_saved_again_counts_as_its_latest() -> None:
    first = step(1, "cat", 1, "both", "skipped")
    assert exercise_counts([first, step(1, "cat", 1, "both", "done")]) == ExerciseCounts(done=1)
    assert exercise_counts([step(1, "cat", 1, "both", "done"), first]) == ExerciseCounts(skipped=1)


def test_a_timed_session_with_sides_and_sets_adds_up_to_its_exercises() -> None:
    """Pigeon (sides) hurts on its right side, then everything else is skipped: 3 steps of Knee
    (3 sets) and 2 of Pigeon's last set never make more than one exercise each."""
    timer, clock = session(CAT, PIGEON, KNEE, get_ready=0)
    run(timer, clock, 30 + 10 + 20 + 5 + 2)  # Cat done, Pigeon left done, 2 s into the right
    timer.hurt(6)
    while not timer.finished:
        timer.next()
    counts = exercise_counts(timer.records)
    assert counts == ExerciseCounts(done=1, skipped=1, hurt=1) and counts.total == 3


def test_the_store_counts_exercises_for_the_summary_and_the_session_list(store) -> None:
    info = store.sessions.start_session("desk-break", "Desk Break", 100)
    for record in (
        step(1, "twist", 1, "left", "hurt"),
        step(3, "twist", 1, "right", "skipped"),
        step(5, "cat", 1, "both", "skipped"),
        step(7, "cat", 2, "both", "skipped"),
    ):
        store.sessions.record_step(info.id, record, active_seconds=1, resume_state=None)
    from stretchtui.core.sessions import SessionStatus

    store.sessions.finish_session(info.id, SessionStatus.PARTIAL)
    expected = ExerciseCounts(skipped=1, hurt=1)
    assert store.sessions.session(info.id).exercises == expected
    assert [s.exercises for s in store.history.sessions_list()] == [expected]
    assert (store.sessions.session(info.id).steps_hurt, store.sessions.session(info.id).steps_skipped) == (
        1,
        3,
    )  # rows, as saved


@pytest.mark.parametrize(
    ("before", "after", "worst_hurt", "said", "listed"),
    [
        (None, None, None, "not noted", ""),
        (4, None, None, "4 before", "4→–"),
        (4, 2, None, "4 → 2 (-2)", "4→2"),
        (3, 5, None, "3 → 5 (+2)", "3→5"),
        (None, None, 8, "8 when a move hurt", "hurt 8"),
        (5, None, 9, "5 before; 9 when a move hurt", "5→– hurt 9"),
        (4, 6, 9, "4 → 6 (+2); 9 when a move hurt", "4→6 hurt 9"),
    ],
)
def test_a_sessions_pain_is_said_the_same_in_the_summary_and_history(before, after, worst_hurt, said, listed) -> None:
    """Every pain noted with a session, as the summary and History's detail say it and as History's
    list shows it: a 9/10 "this hurts" with the pain after skipped said "Pain not noted"."""
    started = datetime(2026, 11, 21, 8, tzinfo=UTC)
    info = SessionInfo(
        1, "u", None, "A routine", SessionStatus.PARTIAL, "app", started, "UTC", date(2026, 11, 21), started,
        60, 30.0, before, after, worst_hurt=worst_hurt,
    )  # fmt: skip
    assert pain_summary(info) == said
    assert pain_summary(info, short=True) == listed


def test_several_moves_that_hurt_are_said_as_the_worst_of_them() -> None:
    started = datetime(2026, 11, 21, 8, tzinfo=UTC)
    info = SessionInfo(
        1, "u", None, "A routine", SessionStatus.PARTIAL, "app", started, "UTC", date(2026, 11, 21), started,
        60, 30.0, 4, None, exercises=ExerciseCounts(done=1, hurt=2), worst_hurt=6,
    )  # fmt: skip
    assert pain_summary(info) == "4 before; 6 at worst when 2 moves hurt"
    assert pain_summary(info, short=True) == "4→– hurt 6"


def _steps(*outcomes: str) -> list[StepRecord]:
    return [
        StepRecord(i, f"move-{i}", f"Move {i}", 1, Side.BOTH, 30, 30.0, 0, 0, Outcome(o))
        for i, o in enumerate(outcomes)
    ]


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        (("done",), SessionStatus.COMPLETE),
        (("hurt",), SessionStatus.PARTIAL),  # an outside pass got "complete" and a streak
        (("skipped",), SessionStatus.PARTIAL),
        (("hurt", "hurt", "skipped"), SessionStatus.PARTIAL),
        (("done", "hurt"), SessionStatus.COMPLETE),
        (("done", "skipped"), SessionStatus.COMPLETE),
        (("done", "skipped", "hurt"), SessionStatus.PARTIAL),
        (("done", "done", "skipped", "hurt"), SessionStatus.COMPLETE),
        ((), SessionStatus.PARTIAL),
    ],
)
def test_reaching_the_end_is_complete_only_with_half_the_steps_done(outcomes, status) -> None:
    assert status_at_the_end(_steps(*outcomes)) is status


def test_a_step_given_again_counts_as_its_latest() -> None:
    hurt_then_done = [*_steps("hurt"), StepRecord(0, "move-0", "Move 0", 1, Side.BOTH, 30, 30.0, 0, 0, Outcome.DONE)]
    assert status_at_the_end(hurt_then_done) is SessionStatus.COMPLETE


@pytest.mark.parametrize(
    ("planned_hold", "held", "planned_reps", "reps", "status"),
    [
        (30, 30.0, 0, 0, SessionStatus.COMPLETE),
        (30, 15.0, 0, 0, SessionStatus.COMPLETE),  # half a hold is the work
        (30, 2.0, 0, 0, SessionStatus.PARTIAL),  # `d` at once: done in the record, not the work
        (0, 8.0, 10, 5, SessionStatus.COMPLETE),
        (0, 2.0, 10, 2, SessionStatus.PARTIAL),
    ],
)
def test_pressing_done_through_a_routine_does_not_complete_it(planned_hold, held, planned_reps, reps, status) -> None:
    """A second outside pass pressed `d` on every step: "Session complete" with 2 s of work, and a
    streak. A step counts for the routine with at least half its dose done."""
    steps = [
        StepRecord(i, f"move-{i}", f"Move {i}", 1, Side.BOTH, planned_hold, held, planned_reps, reps, Outcome.DONE)
        for i in range(3)
    ]
    assert status_at_the_end(steps) is status
