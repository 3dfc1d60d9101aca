"""Break nudges: what became of each break the status line offered, and the numbers History shows
(the statistics Stretchly's users ask for: how many breaks were taken, put off or skipped)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class BreakKind(StrEnum):
    """What a person did with a break that was due."""

    TAKEN = "taken"  # stretched or got up: the count of continuous activity starts again
    POSTPONED = "postponed"  # "later": asked again after core.activity.POSTPONE_SECONDS
    SKIPPED = "skipped"  # not this time: the count starts again without a break


class BreakCounts(NamedTuple):
    taken: int
    postponed: int
    skipped: int

    @property
    def offered(self) -> int:
        """Breaks that were due and answered (a put-off break is offered again, and counted again)."""
        return self.taken + self.postponed + self.skipped

    def in_words(self) -> str:
        if not self.offered:
            return "no break nudges yet"
        share = f" ({self.taken / (self.taken + self.skipped):.0%} of breaks due)" if self.taken + self.skipped else ""
        return f"{self.taken} taken{share}, {self.postponed} put off, {self.skipped} skipped"


def break_counts(kinds: Iterable[str]) -> BreakCounts:
    counted = Counter(kinds)
    return BreakCounts(*(counted[kind.value] for kind in BreakKind))
