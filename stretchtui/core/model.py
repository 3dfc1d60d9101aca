"""Domain types for the exercise library and routines (their vocabularies: core.vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from stretchtui.core.vocabulary import (  # noqa: F401  (re-exported: the vocabulary of these records)
    Area, Condition, Equipment, Kind, Origin, Position, Sides, label, noun_for, plural)

# Timing defaults shared by the duration estimate and (later) the session timer.
DEFAULT_PACE_SECONDS = 3
DEFAULT_SET_REST_SECONDS = 15
SWITCH_SIDE_SECONDS = 5
DEFAULT_REST_BETWEEN_SECONDS = 10

INTENSITY_NAMES = {1: "gentle", 2: "moderate", 3: "demanding"}


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: holds, reps, sets and sides."""

    hold_seconds: int = 0
    reps: int = 0
    sets: int = 1
    sides: Sides = Sides.BOTH
    pace_seconds: int = DEFAULT_PACE_SECONDS
    rest_seconds: int = DEFAULT_SET_REST_SECONDS

    @property
    def is_reps(self) -> bool:
        return self.reps > 0

    @property
    def side_count(self) -> int:
        return 2 if self.sides is Sides.EACH else 1

    def work_seconds_per_side(self) -> int:
        """Working time of one set on one side."""
        if self.is_reps:
            return self.reps * (self.hold_seconds or self.pace_seconds)
        return self.hold_seconds

    def duration_seconds(self) -> int:
        """Estimated time for all sets and sides, with side switches and rests between sets."""
        per_set = self.side_count * self.work_seconds_per_side()
        if self.side_count == 2:
            per_set += SWITCH_SIDE_SECONDS
        return self.sets * per_set + (self.sets - 1) * self.rest_seconds

    def describe(self) -> str:
        """A short human summary, e.g. '2 x 10 reps, each side' or 'hold 30 s'."""
        if self.is_reps:
            reps = plural(self.reps, "rep")
            work = reps + (f", hold {self.hold_seconds} s each" if self.hold_seconds else "")
        else:
            work = f"hold {self.hold_seconds} s"
        sets = f"{self.sets} x " if self.sets > 1 else ""
        sides = ", each side" if self.sides is Sides.EACH else ""
        return f"{sets}{work}{sides}"


@dataclass(frozen=True)
class Source:
    """An article a fact came from, named by its title."""

    id: str
    title: str


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    areas: tuple[Area, ...]
    kind: Kind
    position: Position
    dose: Dose
    steps: tuple[str, ...]
    feel: str
    cautions: tuple[str, ...]
    intensity: int
    aliases: tuple[str, ...] = ()
    equipment: tuple[Equipment, ...] = ()
    desk_friendly: bool = False
    sources: tuple[str, ...] = ()  # article titles
    breathing: str = ""
    note: str = ""
    origin: Origin = Origin.SEED
    favourite: bool = False
    uuid: str = ""
    contraindications: tuple[tuple[Condition, str], ...] = ()
    """(condition, reason in plain words): never suggested to someone with that condition."""

    def avoid_reasons(self, conditions: "frozenset[Condition] | set[Condition]") -> tuple[tuple[Condition, str], ...]:
        """The contraindications that apply to someone with `conditions` (empty: it suits them)."""
        return tuple((c, reason) for c, reason in self.contraindications if c in conditions)

    def search_text(self) -> str:
        """What incremental search matches against: name, aliases and areas."""
        parts = [self.name, *self.aliases, *(label(a) for a in self.areas), *self.areas]
        return " ".join(parts).casefold()


@dataclass(frozen=True)
class RoutineItem:
    """One exercise in a routine, with optional overrides of its dose."""

    exercise_id: str
    hold_seconds: int | None = None
    reps: int | None = None
    sets: int | None = None
    sides: Sides | None = None
    rest_after_seconds: int | None = None

    def dose_for(self, exercise: Exercise) -> Dose:
        """The exercise's dose with this item's overrides applied."""
        base = exercise.dose
        return replace(
            base,
            hold_seconds=base.hold_seconds if self.hold_seconds is None else self.hold_seconds,
            reps=base.reps if self.reps is None else self.reps,
            sets=base.sets if self.sets is None else self.sets,
            sides=base.sides if self.sides is None else self.sides,
        )


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    items: tuple[RoutineItem, ...]
    description: str = ""
    rest_between_seconds: int = DEFAULT_REST_BETWEEN_SECONDS
    sources: tuple[str, ...] = ()  # article titles
    origin: Origin = Origin.SEED
    uuid: str = ""

    @property
    def editable(self) -> bool:
        """Built-in routines are never changed in place; they are duplicated instead."""
        return self.origin is Origin.USER

    def rest_after(self, index: int) -> int:
        """Rest after item `index`; none after the last one."""
        if index >= len(self.items) - 1:
            return 0
        override = self.items[index].rest_after_seconds
        return self.rest_between_seconds if override is None else override

    def duration_seconds(self, exercises: dict[str, Exercise]) -> int:
        """Estimated total time: every item's dose plus the rests between items."""
        total = 0
        for index, item in enumerate(self.items):
            exercise = exercises.get(item.exercise_id)
            if exercise is not None:
                total += item.dose_for(exercise).duration_seconds()
            total += self.rest_after(index)
        return total

    def areas(self, exercises: dict[str, Exercise]) -> tuple[Area, ...]:
        """Areas covered, in the order they first appear."""
        seen: dict[Area, None] = {}
        for item in self.items:
            exercise = exercises.get(item.exercise_id)
            for area in exercise.areas if exercise else ():
                seen.setdefault(area, None)
        return tuple(seen)


@dataclass(frozen=True)
class Tip:
    id: str
    topic: str
    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Library:
    """The seeded content: sources, exercises, routines and tips."""

    sources: dict[str, Source] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    routines: dict[str, Routine] = field(default_factory=dict)
    tips: tuple[Tip, ...] = ()


def format_duration(seconds: int) -> str:
    """'45 s', '7 min', '7 min 30 s'."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def format_sitting(hours: float) -> str:
    """'sitting 9 h': hours sat, in words that cannot be read as a day ('Sat 9 h' was Saturday)."""
    return f"sitting {hours:g} h"
