"""Relief that does not mislead: does pain change more in sessions with a move than without it?

"Pain after minus before, in sessions with X" gives every move of a routine the same number, and
it flatters them all: people start a session when pain is high, and high pain tends to ease on its
own (regression to the mean). So each move is compared with the sessions that left it out, the
difference of the two mean changes is given with a 95% confidence interval (Welch's t), and below
MIN_SESSIONS sessions on either side there is no number at all. Each session's change is first
compared with the sessions that started at the same pain (`adjusted`), since a high start has more
room to fall. An interval that holds 0 is "no
clear difference". The History screen, the weekly report and the suggestion's "what helped" why
line all read these numbers. Pure: no UI, no storage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

MIN_SESSIONS = 5
"""Sessions with pain noted before and after, on each side, before a comparison is shown."""

REGRESSION_NOTE = (
    "Pain tends to ease after a bad spell whatever you do (regression to the mean), and sessions often "
    "start when pain is high, so every session can look like relief. So each move is compared with your "
    "sessions without it, allowing for the pain each started at; an interval that crosses 0 means no clear "
    "difference yet. Moves always done together cannot be told apart. A pattern in your notes, not proof."
)

# Two-sided 95% critical values of Student's t by degrees of freedom (1-30, then 40, 60, 120).
_T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_T_975_LARGE = ((40, 2.021), (60, 2.000), (120, 1.980))
_Z_975 = 1.960


def t_975(df: float) -> float:
    """Student's t at 97.5% for `df` degrees of freedom, rounded down to a tabled df (a wider,
    safer interval)."""
    if df < 1:
        return _T_975[0]
    if df <= len(_T_975):
        return _T_975[int(df) - 1]
    value = _T_975[-1]
    for table_df, critical in _T_975_LARGE:
        if df < table_df:
            return value
        value = critical
    return value if df < 1000 else _Z_975


@dataclass(frozen=True)
class PainChange:
    """One session with pain noted before and after it: the moves done, after minus before, and
    the pain it started at."""

    exercise_ids: frozenset[str]
    change: int
    before: int


def adjusted(changes: Iterable[PainChange]) -> list[tuple[frozenset[str], float]]:
    """Each session's change less the mean change of the sessions that started at the same pain:
    a session started at 8/10 has more room to fall than one at 1/10 (and one at 0 cannot fall
    at all), so a move done on bad days is not credited with the easing bad days bring anyway.
    A session alone at its starting pain has nothing to compare with and is left out."""
    by_start: dict[int, list[PainChange]] = {}
    for change in changes:
        by_start.setdefault(change.before, []).append(change)
    result: list[tuple[frozenset[str], float]] = []
    for group in by_start.values():
        if len(group) < 2:
            continue
        mean = sum(c.change for c in group) / len(group)
        result.extend((c.exercise_ids, c.change - mean) for c in group)
    return result


class Verdict(StrEnum):
    NOT_ENOUGH = "not enough data yet"
    MORE_RELIEF = "more relief with it"
    LESS_RELIEF = "less relief with it"
    NO_DIFFERENCE = "no clear difference"


@dataclass(frozen=True)
class Comparison:
    """One move: pain change in sessions with it against sessions without it.

    difference = mean change with it minus without it, each adjusted for the starting pain
    (negative: pain fell more with it), and (low, high) its 95% interval. None when either side
    has fewer than MIN_SESSIONS sessions."""

    exercise_id: str
    with_n: int
    without_n: int
    difference: float | None
    low: float | None
    high: float | None
    twins: tuple[str, ...] = ()
    """Moves done in exactly the same sessions: the numbers cannot tell them apart."""

    @property
    def verdict(self) -> Verdict:
        if self.difference is None or self.low is None or self.high is None:
            return Verdict.NOT_ENOUGH
        if self.high < 0:
            return Verdict.MORE_RELIEF
        if self.low > 0:
            return Verdict.LESS_RELIEF
        return Verdict.NO_DIFFERENCE

    @property
    def helped(self) -> bool:
        """Pain fell more with it, and the interval leaves out no difference."""
        return self.verdict is Verdict.MORE_RELIEF

    def interval(self) -> str:
        """'-1.2 (-2.0 to -0.4)' or 'not enough data yet'."""
        if self.difference is None or self.low is None or self.high is None:
            return Verdict.NOT_ENOUGH.value
        return f"{_signed(self.difference)} ({_signed(self.low)} to {_signed(self.high)})"

    def signed(self) -> str:
        """The difference alone ('-1.2'), or '' without one."""
        return "" if self.difference is None else _signed(self.difference)

    def range(self) -> str:
        """The interval alone ('-2.0 to -0.4'), or '' without one."""
        return "" if self.low is None or self.high is None else f"{_signed(self.low)} to {_signed(self.high)}"

    def counts(self) -> str:
        return f"{self.with_n} with, {self.without_n} without"


def _signed(value: float) -> str:
    """'+0.4', '-1.2', and '0.0' (not '-0.0' or '+0.0') for what rounds to nothing."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def _mean_var(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
    return mean, var


def compare_one(exercise_id: str, sessions: Iterable[tuple[frozenset[str], float]]) -> Comparison:
    """The comparison for one move over `sessions` (moves, adjusted change: see `adjusted`)."""
    with_it: list[float] = []
    without: list[float] = []
    for moves, change in sessions:
        (with_it if exercise_id in moves else without).append(change)
    n1, n2 = len(with_it), len(without)
    if n1 < MIN_SESSIONS or n2 < MIN_SESSIONS:
        return Comparison(exercise_id, n1, n2, None, None, None)
    m1, v1 = _mean_var(with_it)
    m2, v2 = _mean_var(without)
    difference = m1 - m2
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    if se == 0:
        return Comparison(exercise_id, n1, n2, difference, difference, difference)
    df = (a + b) ** 2 / ((a * a / (n1 - 1)) + (b * b / (n2 - 1)))  # Welch-Satterthwaite
    margin = t_975(df) * se
    return Comparison(exercise_id, n1, n2, difference, difference - margin, difference + margin)


def compare(changes: Iterable[PainChange], exercise_ids: Iterable[str] | None = None) -> dict[str, Comparison]:
    """Every move done in `changes` (or those of `exercise_ids`), each compared with the sessions
    without it, the changes adjusted for the pain each session started at."""
    return _compare(adjusted(changes), exercise_ids)


def _compare(
    sessions: list[tuple[frozenset[str], float]], exercise_ids: Iterable[str] | None = None
) -> dict[str, Comparison]:
    ids = set(exercise_ids) if exercise_ids is not None else {i for moves, _ in sessions for i in moves}
    done_in: dict[str, frozenset[int]] = {
        i: frozenset(n for n, (moves, _) in enumerate(sessions) if i in moves) for i in ids
    }
    result = {}
    for exercise_id in sorted(ids):
        twins = tuple(other for other in sorted(ids) if other != exercise_id and done_in[other] == done_in[exercise_id])
        result[exercise_id] = replace(compare_one(exercise_id, sessions), twins=twins)
    return result


def ranked(comparisons: Mapping[str, Comparison], names: Mapping[str, str] | None = None) -> list[Comparison]:
    """Moves with a number first, most relief first; then the rest by how many sessions they have."""
    names = names or {}

    def key(c: Comparison) -> tuple[int, float, int, str]:
        name = names.get(c.exercise_id, c.exercise_id)
        if c.difference is None:
            return (1, 0.0, -c.with_n, name)
        return (0, c.difference, -c.with_n, name)

    return sorted(comparisons.values(), key=key)


RELIEF_DAYS = 90
"""The window every relief number looks back over: the History screen's, the weekly report's (to
its Sunday) and the suggestion's "what helped" (its 90 days of sessions)."""


@dataclass(frozen=True)
class ReliefTable:
    """Every move done in the window, ranked (see `ranked`), with the names sessions gave them."""

    rows: tuple[Comparison, ...]
    names: Mapping[str, str]
    sessions: int  # sessions compared: pain noted before and after, another session started at the same pain

    def name(self, comparison: Comparison) -> str:
        return self.names.get(comparison.exercise_id, comparison.exercise_id)

    def together(self, comparison: Comparison) -> str:
        """'always with Outer Hip Stretch': the moves it was always done with, or ''."""
        if not comparison.twins:
            return ""
        return "always with " + ", ".join(self.names.get(t, t) for t in comparison.twins)

    def label(self, comparison: Comparison) -> str:
        """The name, and the moves it was always done with ('Prone Press-Up, always with Outer Hip Stretch')."""
        together = self.together(comparison)
        return f"{self.name(comparison)}, {together}" if together else self.name(comparison)

    @property
    def shown(self) -> tuple[Comparison, ...]:
        """The moves with a number."""
        return tuple(c for c in self.rows if c.difference is not None)


def table(changes: Iterable[PainChange], names: Mapping[str, str]) -> ReliefTable:
    sessions = adjusted(changes)
    return ReliefTable(tuple(ranked(_compare(sessions), names)), dict(names), len(sessions))


NO_RELIEF = ReliefTable((), {}, 0)


def interval_bar(comparison: Comparison, width: int = 21, span: float = 3.0) -> str:
    """The interval as a line of `width` cells from -`span` to +`span` points: '│' at 0, '─' over
    the interval and '●' at the difference (clipped to the ends, where '◀'/'▶' say so)."""
    cells = [" "] * width
    if comparison.difference is None or comparison.low is None or comparison.high is None:
        return "".join(cells)

    def at(value: float) -> int:
        return round((max(-span, min(span, value)) + span) / (2 * span) * (width - 1))

    zero = at(0.0)
    for i in range(at(comparison.low), at(comparison.high) + 1):
        cells[i] = "─"
    cells[zero] = "┼" if cells[zero] == "─" else "│"
    cells[at(comparison.difference)] = "●"
    if comparison.low < -span:
        cells[0] = "◀"
    if comparison.high > span:
        cells[-1] = "▶"
    return "".join(cells)
