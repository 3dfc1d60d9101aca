"""Finding exercises: incremental text search plus filters, as one value object."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from stretchtui.core.model import Exercise
from stretchtui.core.vocabulary import Area, Equipment, Kind, Position

_NOT_A_WORD = re.compile(r"[^\w]+")

RELATED_WORDS: dict[str, tuple[str, ...]] = {
    # Gym names for moves the library has under a physiotherapy name, where calling one the
    # other's "other name" would not be quite true (a superman lifts the legs as well).
    "superman": ("locust",),
}
"""A query word also matches an exercise that holds one of these words."""


def folded(text: str) -> str:
    """Text as search compares it: case-folded, punctuation as spaces ('Cat-Camel' is 'cat camel')."""
    return " ".join(_NOT_A_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class LibraryFilter:
    """All the ways the library list can be narrowed. Empty fields match everything."""

    query: str = ""
    area: Area | None = None
    position: Position | None = None
    kind: Kind | None = None
    equipment: Equipment | None | str = None  # an Equipment, "none" (needs nothing) or None (any)
    desk_only: bool = False
    favourites_only: bool = False
    favourites_first: bool = False  # an order, not a filter: nothing is left out

    def matches(self, exercise: Exercise) -> bool:
        words = folded(self.query).split()
        if words:
            haystack = folded(exercise.search_text())
            if not all(any(w in haystack for w in (word, *RELATED_WORDS.get(word, ()))) for word in words):
                return False
        if self.area is not None and self.area not in exercise.areas:
            return False
        if self.position is not None and exercise.position is not self.position:
            return False
        if self.kind is not None and exercise.kind is not self.kind:
            return False
        if self.equipment == "none" and exercise.equipment:
            return False
        if isinstance(self.equipment, Equipment) and self.equipment not in exercise.equipment:
            return False
        if self.desk_only and not exercise.desk_friendly:
            return False
        if self.favourites_only and not exercise.favourite:
            return False
        return True

    def apply(self, exercises: Iterable[Exercise]) -> list[Exercise]:
        """Matching exercises; with a query, the best match first (see `rank`); favourites first
        when asked, keeping that order among them."""
        found = [ex for ex in exercises if self.matches(ex)]
        phrase = folded(self.query)
        if phrase:
            found.sort(key=lambda ex: rank(ex, phrase))
        if self.favourites_first:
            found.sort(key=lambda ex: not ex.favourite)
        return found

    @property
    def active(self) -> bool:
        """Something is left out (the favourites-first order leaves nothing out)."""
        return replace(self, favourites_first=False) != LibraryFilter()


def rank(exercise: Exercise, phrase: str) -> int:
    """How well a folded query phrase names the exercise, best 0: the name starts with it, the
    name holds it, another name is it or starts with it, another name holds it, then the rest
    (the words scattered over names and areas)."""
    name = folded(exercise.name)
    aliases = [folded(alias) for alias in exercise.aliases]
    if name.startswith(phrase):
        return 0
    if phrase in name:
        return 1
    if any(alias.startswith(phrase) for alias in aliases):
        return 2
    if any(phrase in alias for alias in aliases):
        return 3
    return 4
