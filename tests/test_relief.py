"""Relief that does not mislead (core.relief): each move against the sessions without it, adjusted
for the starting pain, with a 95% interval; checked against data whose true effects are known."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchtui.core.relief import (
    MIN_SESSIONS,
    Comparison,
    PainChange,
    Verdict,
    adjusted,
    compare,
    interval_bar,
    ranked,
    t_975,
    table,
)

EFFECTS = {"strong": -1.5, "mild": -0.8, "null-a": 0.0, "null-b": 0.0, "worse": 0.8}


def known_effects(sessions: int, seed: int = 7) -> list[PainChange]:
    """Sessions doing each move at random (half the time), pain falling by a noisy 1 point, more
    when started high (regression to the mean), plus each move's true effect."""
    rng = random.Random(seed)
    changes = []
    for _ in range(sessions):
        moves = frozenset(m for m in EFFECTS if rng.random() < 0.5)
        before = rng.randint(2, 8)
        change = -1.0 - 0.4 * (before - 5) + sum(EFFECTS[m] for m in moves) + rng.gauss(0, 1.0)
        changes.append(PainChange(moves, round(change), before))
    return changes


def test_the_method_ranks_known_effects_in_order_and_calls_the_nulls_no_difference() -> None:
    result = compare(known_effects(400))
    order = [c.exercise_id for c in ranked(result)]
    assert order[:2] == ["strong", "mild"] and order[-1] == "worse"
    assert set(order[2:4]) == {"null-a", "null-b"}
    assert result["strong"].verdict is Verdict.MORE_RELIEF and result["mild"].verdict is Verdict.MORE_RELIEF
    assert result["worse"].verdict is Verdict.LESS_RELIEF
    for null in ("null-a", "null-b"):
        assert result[null].verdict is Verdict.NO_DIFFERENCE  # its interval holds 0
    for effect_id, effect in EFFECTS.items():  # each interval holds the true effect
        c = result[effect_id]
        assert c.low is not None and c.high is not None and c.low <= effect <= c.high, (effect_id, c)


def test_the_intervals_hold_the_true_effect_about_95_times_in_100() -> None:
    """Coverage over many made-up histories: a 95% interval should miss about 5% of the time."""
    misses = trials = 0
    for seed in range(60):
        result = compare(known_effects(120, seed))
        for effect_id, effect in EFFECTS.items():
            c = result[effect_id]
            assert c.low is not None and c.high is not None
            trials += 1
            misses += not c.low <= effect <= c.high
    assert misses / trials < 0.10, (misses, trials)


def test_overlapping_intervals_are_no_difference() -> None:
    """Two moves whose sessions eased pain the same amount, noisily: no difference, either way."""
    with_it = [PainChange(frozenset({"a"}), change, 5) for change in (-1, -2, 0, 1, -1, -2)]
    without = [PainChange(frozenset({"b"}), change, 5) for change in (-1, 0, -2, 0, 1, -1)]
    result = compare(with_it + without)
    for move in ("a", "b"):
        c = result[move]
        assert c.low is not None and c.high is not None and c.low < 0 < c.high
        assert c.verdict is Verdict.NO_DIFFERENCE and not c.helped


def test_when_every_session_eases_pain_no_move_is_credited() -> None:
    """The misleading old number: every session fell 2 points, so every move 'brought relief'.
    Against the sessions without it, none did."""
    changes = [PainChange(frozenset({"a"} if i % 2 else {"b"}), -2, 6) for i in range(12)]
    for c in compare(changes).values():
        assert c.difference == 0 and c.verdict is Verdict.NO_DIFFERENCE


def test_a_move_done_on_bad_days_is_not_credited_with_the_easing_bad_days_bring() -> None:
    """Pain falls more from a higher start. A move done only on 8/10 days, with no effect of its
    own, looks like relief without the adjustment and not with it."""
    rng = random.Random(3)
    changes = []
    for _ in range(200):
        bad_day = rng.random() < 0.4
        before = 8 if bad_day else rng.randint(2, 4)
        change = round(-0.5 * (before - 3) + rng.gauss(0, 0.8))
        changes.append(PainChange(frozenset({"bad-day-move"} if bad_day else {"other"}), change, before))
    unadjusted = compare([PainChange(c.exercise_ids, c.change, 5) for c in changes])["bad-day-move"]
    assert unadjusted.verdict is Verdict.MORE_RELIEF
    fair = compare(changes)["bad-day-move"]
    assert fair.verdict is Verdict.NO_DIFFERENCE, fair
    residuals = [r for _, r in adjusted(changes)]
    assert abs(sum(residuals)) < 1e-6  # what the starting pain predicts is taken out, on average nothing


def test_below_the_threshold_there_is_no_number() -> None:
    changes = [PainChange(frozenset({"a"}), -3, 6) for _ in range(MIN_SESSIONS - 1)]
    changes += [PainChange(frozenset(), 0, 6) for _ in range(10)]
    c = compare(changes)["a"]
    assert c.verdict is Verdict.NOT_ENOUGH and c.difference is None and c.interval() == "not enough data yet"
    assert (c.with_n, c.without_n) == (MIN_SESSIONS - 1, 10)
    more = changes + [PainChange(frozenset({"a"}), -3, 6)]
    assert compare(more)["a"].verdict is Verdict.MORE_RELIEF


def test_moves_always_done_together_are_named_as_twins() -> None:
    changes = [PainChange(frozenset({"a", "b"}), -2, 5) for _ in range(6)]
    changes += [PainChange(frozenset({"c"}), 0, 5) for _ in range(6)]
    result = compare(changes)
    assert result["a"].twins == ("b",) and result["b"].twins == ("a",) and result["c"].twins == ()
    relief = table(changes, {"a": "Cat-Cow", "b": "Child's Pose", "c": "Bridge"})
    assert relief.label(result["a"]) == "Cat-Cow, always with Child's Pose"


def test_ranked_puts_numbers_first_most_relief_first() -> None:
    result = {
        "x": Comparison("x", 9, 9, -0.2, -0.5, 0.1),
        "y": Comparison("y", 9, 9, -1.0, -1.5, -0.5),
        "z": Comparison("z", 2, 9, None, None, None),
    }
    assert [c.exercise_id for c in ranked(result)] == ["y", "x", "z"]


@given(st.floats(min_value=0.5, max_value=5000))
def test_t_critical_values_fall_towards_the_normal(df: float) -> None:
    assert 1.96 <= t_975(df) <= 12.706
    assert t_975(df) >= t_975(df + 1)


@pytest.mark.parametrize(
    ("low", "difference", "high", "bar"),
    [
        (-1.5, -1.0, -0.5, "     ──●─ │          "),  # wholly below 0
        (-0.5, 0.2, 0.9, "        ──┼●──       "),  # holds 0
        (-4.0, -3.5, -3.1, "◀         │          "),  # beyond the scale: clipped, marked
    ],
)
def test_interval_bar(low: float, difference: float, high: float, bar: str) -> None:
    drawn = interval_bar(Comparison("m", 9, 9, difference, low, high))
    assert len(drawn) == 21 and drawn == bar


def test_the_demo_finds_its_own_true_effects(tmp_path) -> None:
    """The demo gives a few moves a true effect (commands.demo_story.TRUE_EFFECTS). Moves share
    sessions (routines), so each move's expected difference is what those effects give the
    sessions with it against the sessions without it. Over the demo's year the method ranks the
    moves as those expectations do, finds the clear ones, and calls the ones near 0 no difference."""
    from stretchtui.commands.demo_story import TRUE_EFFECTS, demo_export
    from stretchtui.core.clock import FrozenClock
    from stretchtui.store import Store
    from stretchtui.store import models as m

    now = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
    store = Store.open(tmp_path / "demo.db", FrozenClock(now))
    try:
        routines, exercises = store.library.routines(), store.library.exercise_index()
        data = demo_export(now=now, zone=ZoneInfo("Europe/London"), routines=routines, exercises=exercises)
        store.exchange.import_data(data)
        relief = store.history.relief()
        moves: dict[int, set[str]] = {}
        for session_id, exercise_id in (
            m.SessionStep.select(m.SessionStep.session, m.SessionStep.exercise_id)
            .join(m.Session)
            .where(
                m.Session.pain_before.is_null(False)
                & m.Session.pain_after.is_null(False)
                & m.Session.status.in_(("complete", "partial"))
                & m.SessionStep.outcome.in_(("done", "hurt"))
            )
            .tuples()
        ):
            moves.setdefault(session_id, set()).add(exercise_id)
    finally:
        store.close()
    effect = {s: -sum(TRUE_EFFECTS.get(e, 0.0) for e in done) for s, done in moves.items()}

    def expected(exercise_id: str) -> float:
        with_it = [effect[s] for s, done in moves.items() if exercise_id in done]
        without = [effect[s] for s, done in moves.items() if exercise_id not in done]
        return sum(with_it) / len(with_it) - sum(without) / len(without)

    shown = {c.exercise_id: c for c in relief.shown}
    assert len(shown) >= 20
    want = {i: expected(i) for i in shown}
    for exercise_id, value in want.items():
        if value <= -0.8:
            assert shown[exercise_id].verdict is Verdict.MORE_RELIEF, (exercise_id, value, shown[exercise_id])
    # Moves whose sessions the effects barely touch: no difference, bar the odd one a 95% interval
    # is expected to miss (one in twenty).
    near_nothing = [i for i, value in want.items() if abs(value) < 0.2]
    called = [i for i in near_nothing if shown[i].verdict is not Verdict.NO_DIFFERENCE]
    assert len(near_nothing) >= 3 and len(called) <= max(1, len(near_nothing) // 10), called
    for a in shown:
        for b in shown:
            if want[a] + 0.6 <= want[b]:
                assert shown[a].difference < shown[b].difference, (a, want[a], shown[a], b, want[b], shown[b])
    assert _spearman([want[i] for i in shown], [shown[i].difference for i in shown]) > 0.8
    for exercise_id in TRUE_EFFECTS:  # the moves with an effect of their own
        assert exercise_id in shown and shown[exercise_id].difference < 0, exercise_id


def _spearman(xs: list[float], ys: list[float | None]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        result = [0.0] * len(values)
        for rank, i in enumerate(order):
            result[i] = rank
        return result

    rx, ry = ranks(xs), ranks([y or 0.0 for y in ys])
    n = len(xs)
    return 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry, strict=True)) / (n * (n * n - 1))
