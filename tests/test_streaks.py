"""Streaks, grace days, habit strength and the per-day audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtui.core.clock import FrozenClock
from stretchtui.core.days import today as logical_today
from stretchtui.core.streaks import (
    STRENGTH_ALPHA,
    DayActivity,
    DayStatus,
    Goal,
    WeekSummary,
    compute_streaks,
    merge_days,
    week_summary,
)

TODAY = date(2026, 11, 21)  # the conftest clock's logical day


def ago(n: int, today: date = TODAY) -> date:
    return today - timedelta(days=n)


def done(day: date, routines: int = 1) -> DayActivity:
    return DayActivity(day, completed_routines=routines, completed_hold_seconds=300.0 * routines, sessions=routines)


def rest(day: date) -> DayActivity:
    return DayActivity(day, rest_marked=True)


def flare(day: date, pain: int = 7, sessions: int = 0) -> DayActivity:
    return DayActivity(day, sessions=sessions, completed_hold_seconds=60.0 * sessions, max_pain=pain)


def done_run(first: date, last: date) -> list[DayActivity]:
    return [done(first + timedelta(days=i)) for i in range((last - first).days + 1)]


# --- what makes a day done -------------------------------------------------------------------


def test_done_by_routines() -> None:
    s = compute_streaks([DayActivity(TODAY, completed_routines=1, sessions=1)], TODAY)
    assert s.today_done and s.current == 1
    assert s.audit(TODAY).status == DayStatus.DONE
    assert s.audit(TODAY).reason == "Done: 1 routine completed (goal 1)"


def test_done_by_minutes_without_a_completed_routine() -> None:
    enough = DayActivity(TODAY, completed_hold_seconds=300.0, sessions=2)
    assert compute_streaks([enough], TODAY).today_done
    assert compute_streaks([enough], TODAY).audit(TODAY).reason == "Done: 5 minutes of stretching (goal 5)"
    short = DayActivity(TODAY, completed_hold_seconds=299.5, sessions=1)
    assert not compute_streaks([short], TODAY).today_done


def test_goal_of_two_routines_a_day() -> None:
    goal = Goal(routines_per_day=2, minutes_per_day=10)
    one = DayActivity(TODAY, completed_routines=1, completed_hold_seconds=300.0, sessions=1)
    assert not compute_streaks([one], TODAY, goal).today_done
    assert compute_streaks([done(TODAY, routines=2)], TODAY, goal).today_done
    assert compute_streaks([DayActivity(TODAY, completed_hold_seconds=600.0)], TODAY, goal).today_done
    assert Goal.times_per_day(2) == goal
    assert compute_streaks([done(TODAY, 2)], TODAY, goal).audit(TODAY).reason == "Done: 2 routines completed (goal 2)"


def test_changing_the_goal_reclassifies_history() -> None:
    history = [done(ago(2)), done(ago(1), routines=2)]
    assert compute_streaks(history, TODAY).current == 2
    assert compute_streaks(history, TODAY, Goal.times_per_day(2)).current == 1


@pytest.mark.parametrize(("routines", "minutes"), [(0, 5), (1, 0), (1, -1), (1, float("nan"))])
def test_goal_rejects_nonsense(routines: int, minutes: float) -> None:
    with pytest.raises(ValueError):
        Goal(routines, minutes)


def test_day_activity_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        DayActivity(TODAY, sessions=-1)
    with pytest.raises(ValueError):
        DayActivity(TODAY, completed_hold_seconds=float("inf"))
    with pytest.raises(ValueError):
        DayActivity(datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        compute_streaks([], TODAY, grace_per_7_days=-1)


# --- today ----------------------------------------------------------------------------------------


def test_today_pending_keeps_the_streak_through_yesterday() -> None:
    s = compute_streaks(done_run(ago(3), ago(1)), TODAY)
    assert (s.current, s.current_start, s.today_done) == (3, ago(3), False)
    assert s.audit(TODAY).status == DayStatus.PENDING
    assert s.audit(TODAY).reason == "Today: not done yet; your streak counts through yesterday"


def test_today_done_counts() -> None:
    s = compute_streaks(done_run(ago(3), TODAY), TODAY)
    assert (s.current, s.current_start, s.today_done) == (4, ago(3), True)


def test_today_with_a_partial_session_is_still_pending() -> None:
    s = compute_streaks([done(ago(1)), DayActivity(TODAY, completed_hold_seconds=120.0, sessions=1)], TODAY)
    assert s.current == 1
    assert s.audit(TODAY).reason == (
        "Today: not done yet (0 of 1 routine, 2 of 5 minutes so far); your streak counts through yesterday"
    )


def test_today_follows_the_logical_day_of_the_clock(clock: FrozenClock) -> None:
    s = compute_streaks(done_run(ago(2), ago(1)), logical_today(clock))
    assert s.today == TODAY and s.current == 2


# --- breaking and grace -----------------------------------------------------------------------


def test_a_missed_day_breaks_the_streak() -> None:
    history = done_run(ago(10), ago(5)) + done_run(ago(3), ago(1))  # ago(4) has no row at all
    s = compute_streaks(history, TODAY)
    assert (s.current, s.current_start) == (3, ago(3))
    assert (s.longest, s.longest_start, s.longest_end) == (6, ago(10), ago(5))
    assert s.audit(ago(4)).status == DayStatus.MISSED
    assert s.audit(ago(4)).reason == "Missed: no session and no rest day; the streak of 6 days ended here"


def test_a_session_below_the_goal_is_missed() -> None:
    history = [done(ago(2)), DayActivity(ago(1), completed_hold_seconds=90.0, sessions=1, max_pain=4)]
    s = compute_streaks(history, TODAY)
    assert s.current == 0 and s.current_start is None
    assert s.audit(ago(1)).reason == (
        "Missed: 1 session but the goal was not met (0 of 1 routine, 1.5 of 5 minutes); the streak of 1 day ended here"
    )


def test_a_rest_day_keeps_without_extending() -> None:
    s = compute_streaks([done(ago(3)), done(ago(2)), rest(ago(1)), done(TODAY)], TODAY)
    assert (s.current, s.current_start) == (3, ago(3))
    assert s.audit(ago(1)).status == DayStatus.REST
    assert s.audit(ago(1)).streak == 2


def test_a_flare_day_keeps_the_streak() -> None:
    s = compute_streaks([done(ago(2)), flare(ago(1), pain=7)], TODAY)
    assert s.current == 1 and s.audit(ago(1)).status == DayStatus.FLARE
    assert compute_streaks([done(ago(2)), flare(ago(1), pain=6)], TODAY).current == 0


def test_a_flare_day_with_an_unfinished_session_still_counts_as_flare() -> None:
    """Decision: someone who tried on a pain-7 day and stopped is not punished for trying."""
    s = compute_streaks([done(ago(2)), flare(ago(1), pain=8, sessions=1), done(TODAY)], TODAY)
    assert s.current == 2
    assert s.audit(ago(1)).status == DayStatus.FLARE
    assert s.audit(ago(1)).reason == "Kept by a flare day (pain 8) (1 of 1 allowed per 7 days)"


def test_rest_wins_over_flare_when_both_apply() -> None:
    both = DayActivity(ago(1), rest_marked=True, max_pain=9)
    assert compute_streaks([done(ago(2)), both], TODAY).audit(ago(1)).status == DayStatus.REST


def test_a_second_grace_day_within_seven_days_breaks() -> None:
    history = [done(ago(6)), rest(ago(5)), done(ago(4)), rest(ago(3)), done(ago(2)), done(ago(1))]
    s = compute_streaks(history, TODAY)
    assert s.audit(ago(5)).status == DayStatus.REST
    assert s.audit(ago(3)).status == DayStatus.GRACE_EXHAUSTED
    assert s.audit(ago(3)).reason == (
        "Rest day, but the allowance of 1 per 7 days is used up; the streak of 2 days ended here"
    )
    assert (s.current, s.current_start) == (2, ago(2))


def test_grace_days_seven_days_apart_are_both_allowed() -> None:
    history = done_run(ago(20), TODAY)
    history = [d for d in history if d.day not in (ago(14), ago(7))] + [rest(ago(14)), flare(ago(7))]
    s = compute_streaks(history, TODAY)
    assert s.current == 19 and s.current_start == ago(20)


def test_the_grace_cap_is_a_parameter() -> None:
    history = [done(ago(4)), rest(ago(3)), done(ago(2)), rest(ago(1)), done(TODAY)]
    assert compute_streaks(history, TODAY, grace_per_7_days=2).current == 3
    capped = compute_streaks(history, TODAY, grace_per_7_days=1)  # ago(1) is the second rest day
    assert capped.current == 1 and capped.audit(ago(1)).status == DayStatus.GRACE_EXHAUSTED
    strict = compute_streaks(history, TODAY, grace_per_7_days=0)
    assert strict.current == 1 and strict.audit(ago(3)).status == DayStatus.GRACE_EXHAUSTED


def test_grace_used_before_a_break_does_not_count_against_the_new_streak() -> None:
    history = [done(ago(5)), rest(ago(4)), done(ago(3))]  # ago(2) missed
    history += [done(ago(1)), rest(TODAY)]
    s = compute_streaks(history, TODAY)
    assert s.audit(TODAY).status == DayStatus.REST and s.current == 1


def test_a_rest_day_after_a_missed_day_does_not_revive() -> None:
    s = compute_streaks([done(ago(3)), rest(ago(1))], TODAY)  # ago(2) missed
    assert s.current == 0
    assert s.audit(ago(1)).status == DayStatus.MISSED
    assert s.audit(ago(1)).reason == "Rest day, but no streak was running to keep"
    assert s.audit(TODAY).reason == "Today: not done yet; a session today starts a new streak"


def test_rest_marked_today_with_no_grace_left_stays_pending() -> None:
    s = compute_streaks([done(ago(3)), rest(ago(2)), done(ago(1)), rest(TODAY)], TODAY)
    assert s.current == 2
    assert s.audit(TODAY).status == DayStatus.PENDING
    assert "allowance of 1 per 7 days is used up; a session today keeps the streak" in s.audit(TODAY).reason


# --- longest ----------------------------------------------------------------------------------


def test_longest_has_dates_and_ties_go_to_the_most_recent() -> None:
    history = done_run(ago(20), ago(17)) + done_run(ago(10), ago(7)) + done_run(ago(3), ago(2))
    s = compute_streaks(history, TODAY)
    assert (s.longest, s.longest_start, s.longest_end) == (4, ago(10), ago(7))
    assert s.current == 0


def test_longest_end_is_the_last_done_day_not_a_trailing_rest_day() -> None:
    s = compute_streaks(done_run(ago(5), ago(2)) + [rest(ago(1))], TODAY)
    assert (s.current, s.longest, s.longest_start, s.longest_end) == (4, 4, ago(5), ago(2))


def test_the_current_streak_can_be_the_longest() -> None:
    s = compute_streaks(done_run(ago(10), ago(9)) + done_run(ago(5), TODAY), TODAY)
    assert (s.longest, s.longest_start, s.longest_end) == (6, ago(5), TODAY) == (s.current, s.current_start, TODAY)


# --- habit strength ---------------------------------------------------------------------------


def test_strength_is_zero_without_history() -> None:
    s = compute_streaks([], TODAY)
    assert (s.strength, s.current, s.longest, s.longest_start, s.first_day) == (0.0, 0, 0, None, None)
    assert s.audit(TODAY).status == DayStatus.BEFORE_START
    assert s.audits() == {}


def test_a_long_run_approaches_one_and_one_miss_only_dents_it() -> None:
    run = done_run(ago(200), ago(1))
    full = compute_streaks(run, TODAY).strength
    assert 0.99 < full <= 1.0
    dented = compute_streaks([d for d in run if d.day != ago(1)], TODAY).strength
    assert dented == pytest.approx(full - STRENGTH_ALPHA)  # the same day scored 0 instead of 1
    assert 0.93 < dented < 0.96


def test_strength_never_drops_to_zero_after_misses() -> None:
    s = compute_streaks(done_run(ago(60), ago(31)), TODAY)  # then 30 missed days
    assert 0.0 < s.strength < 0.3


def test_strength_is_held_by_grace_days_and_ignores_a_pending_today() -> None:
    through_day_before = compute_streaks(done_run(ago(30), ago(2)), ago(1))  # ago(1) pending: not scored
    kept = compute_streaks(done_run(ago(30), ago(2)) + [rest(ago(1))], TODAY)
    assert kept.strength == through_day_before.strength
    yesterday = compute_streaks(done_run(ago(30), ago(1)), TODAY)
    with_today_pending = compute_streaks(done_run(ago(30), ago(1)) + [DayActivity(TODAY, sessions=1)], TODAY)
    assert with_today_pending.strength == yesterday.strength
    assert compute_streaks(done_run(ago(30), TODAY), TODAY).strength > yesterday.strength


def test_strength_grows_from_zero_on_the_first_day() -> None:
    assert compute_streaks([done(TODAY)], TODAY).strength == pytest.approx(STRENGTH_ALPHA)


# --- robustness ---------------------------------------------------------------------------------


def test_future_days_are_ignored_when_the_clock_moved_back() -> None:
    history = done_run(ago(3), TODAY) + done_run(TODAY + timedelta(days=1), TODAY + timedelta(days=5))
    s = compute_streaks(history, TODAY)
    assert s.current == 4 and s.longest == 4
    with pytest.raises(ValueError):
        s.audit(TODAY + timedelta(days=1))
    only_future = compute_streaks([done(TODAY + timedelta(days=2))], TODAY)
    assert only_future.first_day is None and only_future.strength == 0.0


def test_unsorted_duplicates_and_empty_rows() -> None:
    history = [
        done(ago(1)),
        DayActivity(ago(3)),
        done(ago(2)),
        DayActivity(TODAY, completed_hold_seconds=150.0, sessions=1),
        DayActivity(TODAY, completed_hold_seconds=150.0, sessions=1, max_pain=3),
    ]
    s = compute_streaks(history, TODAY)
    assert (s.current, s.current_start, s.today_done, s.first_day) == (3, ago(2), True, ago(2))
    merged = merge_days(history)
    assert [d.day for d in merged] == [ago(3), ago(2), ago(1), TODAY]
    assert merged[-1] == DayActivity(TODAY, completed_hold_seconds=300.0, sessions=2, max_pain=3)
    assert merge_days([rest(TODAY), flare(TODAY, 9), flare(TODAY, 7)]) == [
        DayActivity(TODAY, rest_marked=True, max_pain=9)
    ]


def test_a_gap_of_years() -> None:
    history = done_run(date(2019, 1, 1), date(2019, 3, 1)) + done_run(ago(2), TODAY)
    s = compute_streaks(history, TODAY)
    assert (s.current, s.longest, s.longest_start) == (3, 60, date(2019, 1, 1))
    assert s.audit(date(2019, 3, 2)).reason.endswith("the streak of 60 days ended here")
    assert s.audit(date(2022, 6, 1)).reason == "Missed: no session and no rest day"
    assert s.audit(date(2018, 12, 31)).status == DayStatus.BEFORE_START
    assert 0.0 < s.strength < 0.2
    assert len(s.audits()) == (TODAY - date(2019, 1, 1)).days + 1


def test_a_streak_across_the_leap_day() -> None:
    today = date(2028, 3, 1)
    s = compute_streaks(done_run(date(2028, 2, 28), today), today)
    assert (s.current, s.current_start) == (3, date(2028, 2, 28))
    assert s.audit(date(2028, 2, 29)).status == DayStatus.DONE


def test_a_streak_across_the_year_end() -> None:
    today = date(2027, 1, 2)
    history = [done(date(2026, 12, 30)), rest(date(2026, 12, 31)), done(date(2027, 1, 1))]
    s = compute_streaks(history, today)
    assert (s.current, s.current_start) == (2, date(2026, 12, 30))
    assert s.audit(today).status == DayStatus.PENDING
    assert compute_streaks(history + [done(today)], today).current == 3


# --- the audit ----------------------------------------------------------------------------------


def test_every_status_has_a_reason() -> None:
    history = (
        [done(ago(9))]
        + done_run(ago(20), ago(12))
        + [rest(ago(11))]  # 9 done, rest, ago(10) missed
        + [done(ago(8)), flare(ago(7), 8), done(ago(6)), rest(ago(5))]
    )
    s = compute_streaks(history, TODAY)
    reasons = {d: (a.status, a.reason) for d, a in s.audits().items()}
    assert reasons[ago(20)] == (DayStatus.DONE, "Done: 1 routine completed (goal 1)")
    assert reasons[ago(11)] == (DayStatus.REST, "Kept by a rest day (1 of 1 allowed per 7 days)")
    assert reasons[ago(10)] == (DayStatus.MISSED, "Missed: no session and no rest day; the streak of 9 days ended here")
    assert reasons[ago(7)] == (DayStatus.FLARE, "Kept by a flare day (pain 8) (1 of 1 allowed per 7 days)")
    assert reasons[ago(5)][0] == DayStatus.GRACE_EXHAUSTED
    assert reasons[ago(5)][1].endswith("the streak of 3 days ended here")
    assert reasons[ago(4)] == (DayStatus.MISSED, "Missed: no session and no rest day")
    assert reasons[TODAY] == (DayStatus.PENDING, "Today: not done yet; a session today starts a new streak")
    assert s.audit(ago(21)).status == DayStatus.BEFORE_START
    assert s.audit(ago(21)).reason == "No history yet: the streak starts with your first session"
    assert set(reasons) == {ago(n) for n in range(21)}


# --- the week -------------------------------------------------------------------------------------


def test_week_summary_for_an_iso_week() -> None:
    monday = date(2026, 11, 16)
    wednesday, thursday = monday + timedelta(days=2), monday + timedelta(days=3)
    history = [
        done(monday),
        done(monday),
        DayActivity(wednesday, completed_hold_seconds=90.0, sessions=1),
        rest(thursday),
        done(monday - timedelta(days=1)),
        done(monday + timedelta(days=7)),
    ]
    assert week_summary(history, monday) == WeekSummary(minutes=11.5, sessions=3, days_done=1)
    assert week_summary(history, monday, Goal.times_per_day(2)).days_done == 1
    assert week_summary(history, monday, today=monday + timedelta(days=1)).sessions == 2
    assert week_summary([], monday) == WeekSummary(0.0, 0, 0)
    with pytest.raises(ValueError):
        week_summary(history, monday + timedelta(days=1))


# --- properties -----------------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> list[DayActivity]:
    """0-120 days before TODAY (and a few after), with any mix of sessions, rest and pain."""
    rows = []
    for offset in draw(st.lists(st.integers(-3, 120), max_size=80)):
        routines = draw(st.integers(0, 3))
        rows.append(
            DayActivity(
                ago(offset),
                completed_routines=routines,
                completed_hold_seconds=draw(st.integers(0, 1200)) / 2,
                sessions=routines + draw(st.integers(0, 2)),
                rest_marked=draw(st.booleans()),
                max_pain=draw(st.none() | st.integers(0, 10)),
            )
        )
    return rows


goals = st.builds(Goal, st.integers(1, 2), st.sampled_from([2, 5, 10]))
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(histories(), goals, st.integers(0, 2))
def test_streak_invariants(history: list[DayActivity], goal: Goal, cap: int) -> None:
    s = compute_streaks(history, TODAY, goal, cap)
    done_days = sum(1 for d in merge_days(history) if d.day <= TODAY and goal.met_by(d))
    assert 0 <= s.current <= s.longest <= done_days
    assert 0.0 <= s.strength <= 1.0
    assert (s.current_start is None) == (s.current == 0)
    assert (s.longest_start is None) == (s.longest == 0) == (s.longest_end is None)
    statuses = [a.status for a in s.audits().values()]
    assert statuses.count(DayStatus.DONE) == done_days
    assert DayStatus.PENDING not in statuses[:-1]


@PROPERTY
@given(histories(), goals, st.integers(0, 2))
def test_a_done_today_never_lowers_the_current_streak(history: list[DayActivity], goal: Goal, cap: int) -> None:
    before = compute_streaks(history, TODAY, goal, cap)
    after = compute_streaks(history + [done(TODAY, goal.routines_per_day)], TODAY, goal, cap)
    assert after.current >= before.current
    assert after.today_done and after.current >= 1


@PROPERTY
@given(histories(), st.randoms(use_true_random=False), st.data())
def test_order_and_split_duplicates_do_not_matter(history: list[DayActivity], rnd, data: st.DataObject) -> None:
    expected = compute_streaks(history, TODAY)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    if shuffled:
        i = data.draw(st.integers(0, len(shuffled) - 1))
        row = shuffled.pop(i)
        r = data.draw(st.integers(0, row.completed_routines))
        s = data.draw(st.integers(0, row.sessions))
        h = data.draw(st.integers(0, int(row.completed_hold_seconds * 2))) / 2
        shuffled.append(DayActivity(row.day, r, h, s, row.rest_marked, row.max_pain))
        shuffled.insert(
            0,
            DayActivity(
                row.day, row.completed_routines - r, row.completed_hold_seconds - h, row.sessions - s, False, None
            ),
        )
    assert compute_streaks(shuffled, TODAY) == expected
