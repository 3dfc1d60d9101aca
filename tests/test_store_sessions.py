"""Session persistence: written at start, each step on its own, resumable, and usage statistics."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from stretchtui.core.errors import UserError
from stretchtui.core.relief import Comparison
from stretchtui.core.sessions import Outcome, SessionStatus, Side, StepRecord
from stretchtui.store import Store


def step(index: int, exercise: str = "cat-cow", outcome: Outcome = Outcome.DONE, **kw) -> StepRecord:
    values = dict(
        step_index=index,
        exercise_id=exercise,
        exercise_name=exercise.title(),
        set_number=1,
        side=Side.BOTH,
        planned_hold_seconds=30,
        actual_hold_seconds=30.0,
        planned_reps=0,
        reps_done=0,
        outcome=outcome,
        hurt_pain=None,
    )
    values.update(kw)
    return StepRecord(**values)


def test_a_session_is_written_at_start_with_its_logical_day(store: Store, clock) -> None:
    clock.advance(-8 * 3600)  # 01:30 in Berlin: still the day before
    info = store.sessions.start_session("desk-break", "Desk Break", 215, pain_before=4)
    assert info.status is SessionStatus.IN_PROGRESS
    assert info.day == date(2026, 11, 20) and info.zone == "Europe/Berlin"
    assert store.sessions.interrupted_session() == info


def test_each_step_is_its_own_transaction_and_the_latest_wins(store: Store) -> None:
    info = store.sessions.start_session("desk-break", "Desk Break", 215)
    store.sessions.record_step(info.id, step(1), active_seconds=30, resume_state={"index": 2})
    store.sessions.record_step(
        info.id, step(3, outcome=Outcome.SKIPPED, actual_hold_seconds=4), active_seconds=34, resume_state={"index": 4}
    )
    store.sessions.record_step(info.id, step(1, actual_hold_seconds=28), active_seconds=62, resume_state={"index": 2})
    steps = store.sessions.session_steps(info.id)
    assert [(s.step_index, s.outcome, s.actual_hold_seconds) for s in steps] == [
        (1, Outcome.DONE, 28.0),
        (3, Outcome.SKIPPED, 4.0),
    ]
    again = store.sessions.session(info.id)
    assert again.resume_state == {"index": 2} and again.active_seconds == 62
    assert (again.steps_done, again.steps_skipped) == (1, 1)


def test_finish_and_close_as_partial(store: Store) -> None:
    done = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    finished = store.sessions.finish_session(done.id, SessionStatus.COMPLETE, active_seconds=70, pain_after=2)
    assert finished.status is SessionStatus.COMPLETE and finished.ended_at is not None
    assert finished.resume_state is None and finished.pain_after == 2
    dropped = store.sessions.start_session("one-minute", "One-Minute Unwind", 76)
    assert store.sessions.close_interrupted_as_partial() == 1
    assert store.sessions.session(dropped.id).status is SessionStatus.PARTIAL
    assert store.sessions.interrupted_session() is None


def test_exercise_usage(store: Store) -> None:
    assert store.sessions.exercise_usage("cat-cow").describe() == "Not done yet: no data yet."
    for before, after in ((6, 4), (5, 4), (5, 5)):
        info = store.sessions.start_session("mobility", "Mobility Set", 400, pain_before=before)
        store.sessions.record_step(info.id, step(1), active_seconds=30, resume_state=None)
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=after)
    ignored = store.sessions.start_session("mobility", "Mobility Set", 400, pain_before=9)
    store.sessions.record_step(ignored.id, step(1), active_seconds=30, resume_state=None)
    store.sessions.finish_session(ignored.id, SessionStatus.DISCARDED, pain_after=0)
    usage = store.sessions.exercise_usage("cat-cow")
    assert usage.times_done == 3 and usage.relief is None
    # Three sessions that all eased pain say nothing yet: there is nothing without it to compare with.
    assert usage.describe().startswith("Done 3 times. Not enough data yet to compare pain")
    relief = next(c for c in store.history.relief().rows if c.exercise_id == "cat-cow")
    said = replace(usage, relief=relief).describe()
    # (the session started at 6/10 has no other at 6 to be compared with: core.relief.adjusted)
    assert "Not enough data yet" in said and "(so far 2 with it and 0 without)" in said
    helped = Comparison("cat-cow", 6, 7, -1.0, -1.8, -0.2)
    assert replace(usage, relief=helped).describe() == (
        "Done 3 times. Last 90 days, pain change with it minus without it: -1.0 (-1.8 to -0.2) "
        "(6 sessions with it, 7 without): more relief with it."
    )


def test_a_rest_day_after_today_is_refused_and_nothing_is_written(store, clock) -> None:
    """Today is the logical day: at 02:00 in New York (day start 04:00) it is still yesterday there,
    so the calendar date is already too late; refused with nothing written, as the importer would
    refuse it in an export."""
    from stretchtui.store import models as m

    clock.instant = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)  # 02:00 in New York
    clock.move_to_zone("America/New_York")
    with pytest.raises(UserError, match="2026-11-21 is in the future"):
        store.corrections.mark_rest_day(date(2026, 11, 21))
    assert m.DayMark.select().count() == 0
    assert store.corrections.mark_rest_day(date(2026, 11, 20)) is True


def test_a_step_saved_again_after_a_hurt_stays_a_hurt_at_its_own_time(store, clock) -> None:
    """Whoever writes the step again (a timer after going back, a resumed one): the hurt, its pain
    and the time it was given stay; only the highest pain counts if it hurt twice."""
    info = store.sessions.start_session(None, "A session", 300, pain_before=2)
    step = StepRecord(0, "cat-cow", "Cat-Cow", 1, Side.BOTH, 30, 5.0, 0, 0, Outcome.HURT, 9)
    store.sessions.record_step(info.id, step, active_seconds=5, resume_state=None)
    given_at = store.db.execute_sql("SELECT at FROM session_step").fetchall()
    for again in (
        StepRecord(0, "cat-cow", "Cat-Cow", 1, Side.BOTH, 30, 30.0, 0, 0, Outcome.SKIPPED),
        StepRecord(0, "cat-cow", "Cat-Cow", 1, Side.BOTH, 30, 30.0, 0, 0, Outcome.DONE),
        StepRecord(0, "cat-cow", "Cat-Cow", 1, Side.BOTH, 30, 3.0, 0, 0, Outcome.HURT, 4),
    ):
        clock.advance(600)
        store.sessions.record_step(info.id, again, active_seconds=40, resume_state=None)
        [saved] = store.sessions.session_steps(info.id)
        assert (saved.outcome, saved.hurt_pain) == (Outcome.HURT, 9)
    assert store.db.execute_sql("SELECT at FROM session_step").fetchall() == given_at  # one row, its time kept
