"""Finding exercises: incremental text search plus filters, as one value object."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stretchtui.core.model import Area, Equipment, Exercise, Kind, Position


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

    def matches(self, exercise: Exercise) -> bool:
        words = self.query.casefold().split()
        if words:
            haystack = exercise.search_text()
            if not all(word in haystack for word in words):
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
        """Matching exercises; with a query, name matches come before alias and area matches."""
        found = [ex for ex in exercises if self.matches(ex)]
        query = self.query.casefold().strip()
        if query:
            found.sort(key=lambda ex: (not ex.name.casefold().startswith(query), query not in ex.name.casefold()))
        return found

    @property
    def active(self) -> bool:
        return self != LibraryFilter()
