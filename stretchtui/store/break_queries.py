"""What the break prompt needs from the database, in plain SQL over any DB-API `execute` (a
sqlite3 connection's, or peewee's `execute_sql`): the status line reads it without the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from stretchtui.core.activity import IDLE_GAP_SECONDS, MAX_SPAN_SECONDS, POSTPONE_SECONDS, Span
from stretchtui.core.breaks import BreakKind
from stretchtui.core.sessions import SessionStatus

Execute = Callable[..., Any]  # (sql, params) -> a cursor

# Each reads what happened before ? (an instant as stored: ISO 8601 text in UTC; ALL is after all).
RESET_SQL = (
    f"SELECT MAX(at) FROM break_event WHERE kind IN ('{BreakKind.TAKEN.value}', '{BreakKind.SKIPPED.value}') AND at < ?"
)
SESSION_END_SQL = (
    "SELECT MAX(ended_at) FROM session"
    f" WHERE status IN ('{SessionStatus.COMPLETE}', '{SessionStatus.PARTIAL}') AND ended_at < ?"
)
POSTPONED_SQL = f"SELECT MAX(at) FROM break_event WHERE kind = '{BreakKind.POSTPONED.value}' AND at < ?"
LAST_SPAN_SQL = "SELECT started_at, ended_at FROM activity_span WHERE started_at < ? ORDER BY ended_at DESC LIMIT 1"
# The earliest start of a span that began before ? (not long before: a span is at most a day long,
# so the first bound keeps this an index range) and ended less than the idle gap before it (after
# the second): core.activity.merge_spans would join the two.
JOINED_START_SQL = "SELECT MIN(started_at) FROM activity_span WHERE started_at < ? AND started_at >= ? AND ended_at > ?"
ALL = "9"


class BreakFacts(NamedTuple):
    """In POSIX seconds: the count of continuous activity starts at `since` (the last break taken
    or skipped, or the end of the last session); a break put off is not offered again before
    `postponed_until`; `last_span` is the latest stored span (joined with the spans it overlaps or
    nearly touches), which ticks not yet folded continue."""

    since: float | None
    postponed_until: float | None
    last_span: Span | None


def break_facts(execute: Execute, before: str = ALL) -> BreakFacts:
    """As they stand now, or as they stood at `before` (a stored instant's text)."""

    def latest(sql: str) -> float | None:
        value = execute(sql, (before,)).fetchone()[0]
        return None if value is None else seconds(value)

    since = max((value for value in (latest(RESET_SQL), latest(SESSION_END_SQL)) if value is not None), default=None)
    postponed = latest(POSTPONED_SQL)
    until = None
    if postponed is not None and (since is None or since < postponed):  # a break taken later ends a "later"
        until = postponed + POSTPONE_SECONDS
    row = execute(LAST_SPAN_SQL, (before,)).fetchone()
    return BreakFacts(since, until, None if row is None else (seconds(_joined_start(execute, row[0])), seconds(row[1])))


def _joined_start(execute: Execute, start: str) -> str:
    """Where the latest span starts once joined with those it overlaps or nearly touches, as
    core.activity.merge_spans joins them: two machines' spans of one sitting (an import) are one
    stretch of activity, as are the pieces of a span cut at the start of a day."""
    while True:
        at = seconds(start)
        bounds = (start, _stored(at - MAX_SPAN_SECONDS - IDLE_GAP_SECONDS), _stored(at - IDLE_GAP_SECONDS))
        (earlier,) = execute(JOINED_START_SQL, bounds).fetchone()
        if earlier is None:
            return start
        start = earlier


def _stored(at: float) -> str:
    """POSIX seconds as an instant is stored (store.models.UTCField), to compare with stored ones."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="microseconds")


def seconds(stored: str | datetime) -> float:
    """A stored instant (ISO 8601 text in UTC, store.models.UTCField) as POSIX seconds."""
    return (datetime.fromisoformat(stored) if isinstance(stored, str) else stored).timestamp()
