"""The measured-activity records an export carries (format 4): the breaks the status line offered
and what became of each (History counts them), and the active spans ticks were folded into (the
measured sitting). Kept apart from core/activity.py, which the status line imports with almost
nothing: no dataclasses, no typing.

Their file fields, import rules, staging and CSV columns and schema come from these definitions
(core.records), as a session's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime  # noqa: F401  (in the field annotations)
from typing import TYPE_CHECKING, Annotated  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.breaks import BreakKind
from stretchtui.core.model import _rule  # noqa: F401  (in the field annotations)
from stretchtui.core.sessions import Day, Instant, Uuid, Zone  # noqa: F401  (in the field annotations)

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401


@dataclass(frozen=True, kw_only=True)
class BreakEvent:
    """What became of a break that was due, as the break_event table keeps it."""

    uuid: Uuid
    kind: BreakKind
    at: Instant
    zone: Zone
    day: Day


@dataclass(frozen=True, kw_only=True)
class ActivitySpan:
    """A run of terminal activity, as the activity_span table keeps it: its first and last tick,
    within one logical day. Its start is its identity (no uuid): ticks folded into it later move
    its end, not its start."""

    started_at: Instant
    ended_at: Annotated[datetime, _rule(extra={"check": "when"})]
    zone: Zone
    day: Day
