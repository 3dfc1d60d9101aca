"""Care safety across machines: the health answers two machines changed without seeing each
other's change are merged the cautious way, not decided by whose clock was later (docs/sync.md).

A warning sign answered "yes" on the laptop while the work box answered the questions again as
clear (before the laptop's answer arrived) stays "yes" on both; a condition listed on either stays
listed. A change made after seeing the other's (an answer taken back on purpose) is an ordinary
edit: the later one stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _answers(here: Any, there: Any) -> Any:
    if not isinstance(here, dict) or not isinstance(there, dict):
        return there if isinstance(there, dict) else here
    return {q: bool(here.get(q)) or bool(there.get(q)) for q in sorted(set(here) | set(there))}


def _conditions(here: Any, there: Any) -> Any:
    if not isinstance(here, list) or not isinstance(there, list):
        return there if isinstance(there, list) else here
    return sorted({str(c) for c in here} | {str(c) for c in there})


def _answered_at(here: Any, there: Any) -> Any:
    from datetime import datetime

    try:
        return max(here, there, key=lambda text: datetime.fromisoformat(str(text)))
    except ValueError:
        return there


CAUTIOUS: dict[str, Callable[[Any, Any], Any]] = {
    "safety_answers": _answers,
    "conditions": _conditions,
    "safety_answered_at": _answered_at,
}
"""The settings merged, not replaced, when two machines changed them without seeing each other's
change: each rule keeps whatever either machine flagged."""


def passes_on(key: str, value: Any) -> bool:
    """Whether a machine that takes this version from another passes it on as its own change: a
    "yes" or a condition, so a machine that hears only from this one is as careful (the time of
    answering is not: nothing is lost without it)."""
    return key in ("safety_answers", "conditions") and flags_something(key, value)


def flags_something(key: str, value: Any) -> bool:
    """Whether a version of a cautious setting holds anything a merge keeps: a "yes", a condition.
    One that holds nothing (every answer "no", no condition) need not have been seen by a later
    change for that change to stand: there is nothing in it to lose."""
    if key == "safety_answers":
        return isinstance(value, dict) and any(value.values())
    if key == "conditions":
        return isinstance(value, list) and bool(value)
    return value is not None  # the time of answering: the later of two unseen ones stands


def gentler_mark(mark: object) -> bool:
    """Of two marks made for one day on two machines (neither saw the other's: each made its own),
    a flare day stands over a rest day whatever the clocks say: it makes suggestions gentler."""
    from stretchtui.core.entries import MarkKind

    return mark == MarkKind.FLARE.value
