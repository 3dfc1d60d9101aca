"""Measured sitting: from a shell or tmux hook's ticks (an instant each, nothing about the command)
to active spans, a day's sitting estimate and when a break is due.

A tick says "someone was at this terminal then". Ticks closer together than IDLE_GAP_SECONDS belong
to one active span; a gap of IDLE_GAP_SECONDS or more splits them (the person got up, or at least
stopped typing). A day's estimate is the length of its spans: the active time plus the short gaps
inside them. Instants here are POSIX seconds (floats), so `stretchtui status` can use this module
after importing almost nothing: it imports nothing itself.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: `stretchtui tick` imports this
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

IDLE_GAP_SECONDS = 5 * 60
"""A gap between ticks this long or longer ends an active span."""

EARLIEST_TICK = 946_684_800.0
"""2000-01-01 UTC: a tick before it is a write cut short or a clock gone wrong, never a tick."""

MAX_SPAN_SECONDS = 25 * 3600
"""The longest a stored span can be: spans are cut where each logical day starts, and the longest
day is 25 hours (the clocks go back). An import refuses a longer one."""

POSTPONE_SECONDS = 10 * 60
"""How long "later" puts a break off."""

Span = tuple[float, float]
"""(start, end) in POSIX seconds, start <= end: the first and the last tick of a run of activity."""


def spans_from_ticks(ticks: Iterable[float], gap: float = IDLE_GAP_SECONDS) -> list[Span]:
    """The active spans `ticks` make, oldest first. Order and repeats do not matter."""
    return merge_spans(((tick, tick) for tick in ticks), gap)


def merge_spans(spans: Iterable[Span], gap: float = IDLE_GAP_SECONDS) -> list[Span]:
    """`spans` with those that overlap or lie less than `gap` apart joined into one, oldest first:
    how ticks folded later extend a span stored earlier."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def cut_at(spans: Iterable[Span], boundaries: Sequence[float]) -> list[Span]:
    """`spans` cut wherever a boundary (a logical day's start) falls strictly inside one, so each
    piece lies within one day. `boundaries` must be sorted."""
    pieces: list[Span] = []
    for start, end in spans:
        for boundary in boundaries:
            if start < boundary < end:
                pieces.append((start, boundary))
                start = boundary
        pieces.append((start, end))
    return pieces


def active_seconds(spans: Iterable[Span], start: float, end: float) -> float:
    """How much of [start, end) the spans cover (they must not overlap: merge_spans first)."""
    return sum(max(0.0, min(span_end, end) - max(span_start, start)) for span_start, span_end in spans)


def continuous_seconds(spans: Sequence[Span], now: float, since: float | None = None) -> float:
    """How long the activity going on at `now` has lasted without a break, counting from `since`
    (the last break taken or skipped, or the end of the last session) when that is later than the
    span's start. Zero when the last tick is IDLE_GAP_SECONDS or more ago: the break happened."""
    if not spans:
        return 0.0
    start, end = max(spans, key=lambda span: span[1])
    if now - end >= IDLE_GAP_SECONDS or end < start:
        return 0.0
    if since is not None:
        start = max(start, since)
    return max(0.0, min(now, end) - start) if since is None or since < end else 0.0


def break_due_minutes(
    spans: Sequence[Span], now: float, after_minutes: int, since: float | None, postponed_until: float | None
) -> int | None:
    """The whole minutes of continuous activity when a break is due now, else None: breaks are off
    (`after_minutes` 0), the activity is shorter, or a break was put off until later than now."""
    if after_minutes <= 0 or (postponed_until is not None and now < postponed_until):
        return None
    seconds = continuous_seconds(spans, now, since)
    return int(seconds // 60) if seconds >= after_minutes * 60 else None


def parse_ticks(text: str) -> list[float]:
    """The ticks in a tick file's text (one POSIX second count a line); lines that are not one (a
    write cut short by a full disk or a kill) are left out rather than spoiling the rest."""
    ticks: list[float] = []
    for line in text.splitlines():
        try:
            value = float(line)
        except ValueError:
            continue
        if EARLIEST_TICK <= value < 1e11:  # a plausible instant (NaN compares false)
            ticks.append(value)
    return ticks
