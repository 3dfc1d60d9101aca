"""Domain types for the exercise library and routines (their vocabularies: core.vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeAlias  # noqa: F401  (Annotated: in the field annotations)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from msgspec import Meta

from stretchtui.core.vocabulary import (  # noqa: F401  (re-exported: the vocabulary of these records)
    Area,
    Condition,
    Equipment,
    Kind,
    Origin,
    Position,
    Sides,
    label,
    noun_for,
    plural,
)

# Timing defaults shared by the duration estimate and (later) the session timer.
DEFAULT_PACE_SECONDS = 3
DEFAULT_SET_REST_SECONDS = 15
SWITCH_SIDE_SECONDS = 5
DEFAULT_REST_BETWEEN_SECONDS = 10

INTENSITY_NAMES = {1: "gentle", 2: "moderate", 3: "demanding"}

# Limits of the records' fields (the form, the seed loader and imports all read them from here).
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_TEXT = 2000
MAX_NAME = 80
MAX_HOLD = 600
MAX_REPS = 100
MAX_SETS = 10
MAX_REST = 600
MAX_LIST = 20
SECONDS = "seconds"


def _field(title: str, **rules: object) -> Meta:
    """(Evaluated with the annotations, when core.records first inspects a record: importing
    this module does not import msgspec, so `stretchtui status` stays quick.) A record field's
    label (what a person calls it) and its rules; `extra` keys read by
    core.records: unit (named in messages), noun (of a list's items), seeded (stricter in the seed
    files: 'required' text, or a list's minimum), file_name (the key in files, when not the name),
    empty (the message for a list of records with too few), sparse (written only when not the
    default: a field added after export format 2, so files without it stay as they were and an
    older stretchtui still reads them)."""
    extra = {key: rules.pop(key) for key in ("unit", "noun", "seeded", "file_name", "empty", "sparse") if key in rules}
    return _rule(title=title, extra=extra, **rules)


def _rule(**rules: Any) -> Meta:
    from msgspec import Meta

    return Meta(**rules)


# Field types used by several records, as strings: evaluated with the annotations (see _field).
Slug: TypeAlias = "Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]"
Name: TypeAlias = 'Annotated[str, _field("Name", min_length=1, max_length=MAX_NAME)]'


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: holds, reps, sets and sides."""

    TABLE_HINT: ClassVar[str] = "must be a table with hold_seconds, reps, sets and sides"

    hold_seconds: Annotated[int, _field("Hold", ge=0, le=MAX_HOLD, unit=SECONDS)] = 0
    reps: Annotated[int, _field("Reps", ge=0, le=MAX_REPS)] = 0
    sets: Annotated[int, _field("Sets", ge=1, le=MAX_SETS)] = 1
    sides: Annotated[Sides, _field("Sides")] = Sides.BOTH
    pace_seconds: Annotated[int, _field("Pace", ge=1, le=60, unit=SECONDS)] = DEFAULT_PACE_SECONDS
    rest_seconds: Annotated[int, _field("Rest between sets", ge=0, le=MAX_REST, unit=SECONDS)] = (
        DEFAULT_SET_REST_SECONDS
    )

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
        """A short human summary, e.g. '2 x 10 reps, each side', 'hold 30 s', or '2 min' for a
        minute or more of one thing (a walk, relaxed breathing), which is not held like a stretch."""
        if self.is_reps:
            reps = plural(self.reps, "rep")
            work = reps + (f", hold {self.hold_seconds} s each" if self.hold_seconds else "")
        elif self.hold_seconds >= 60:
            work = format_duration(self.hold_seconds)
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


Text: TypeAlias = "Annotated[str, _rule(max_length=MAX_TEXT)]"
Reasons: TypeAlias = "tuple[tuple[Condition, Annotated[str, _rule(max_length=300)]], ...]"
"""(condition, reason in plain words); in files a table of condition = reason."""


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One exercise: the one definition its seed entry, form, import, export, `--json`, row and
    schema derive from (core.records). Fields are in the order files write them."""

    LOCAL: ClassVar[frozenset[str]] = frozenset({"uuid", "favourite", "origin"})  # not in a seed entry

    uuid: str = ""
    id: Slug
    name: Name
    aliases: Annotated[tuple[Text, ...], _field("Other names", max_length=MAX_LIST)] = ()
    areas: Annotated[tuple[Area, ...], _field("Areas", min_length=1)]
    kind: Annotated[Kind, _field("Kind")]
    position: Annotated[Position, _field("Position")]
    equipment: Annotated[tuple[Equipment, ...], _field("Equipment")] = ()
    desk_friendly: Annotated[bool, _field("Desk-friendly")] = False
    intensity: Annotated[int, _field("Intensity", ge=1, le=3)]
    dose: Annotated[Dose, _field("Dose")]
    steps: Annotated[tuple[Text, ...], _field("Steps", min_length=1, max_length=MAX_LIST, noun="step")]
    # Seeded entries must say what to feel and when to stop; an own exercise may leave that out.
    feel: Annotated[str, _field("What you should feel", max_length=MAX_TEXT, seeded="required")] = ""
    cautions: Annotated[tuple[Text, ...], _field("Cautions", max_length=MAX_LIST, noun="caution", seeded=1)] = ()
    sources: Annotated[tuple[Text, ...], _field("Source", max_length=MAX_LIST, noun="source", seeded=1)] = ()
    """Article titles (seed files give source ids) or free text (who showed you)."""
    breathing: Annotated[str, _field("Breathing", max_length=MAX_TEXT)] = ""
    note: Annotated[str, _field("Note", max_length=MAX_TEXT)] = ""
    contraindications: Annotated[Reasons, _field("Contraindications")] = ()
    """Never suggested to someone with one of these conditions."""
    easier: Annotated[str, _field("Easier version", max_length=MAX_TEXT, sparse=True)] = ""
    """What to do instead when this is too much today (a bad back day, a tight office)."""
    favourite: bool = False
    origin: Origin = Origin.SEED

    def avoid_reasons(self, conditions: frozenset[Condition] | set[Condition]) -> tuple[tuple[Condition, str], ...]:
        """The contraindications that apply to someone with `conditions` (empty: it suits them)."""
        return tuple((c, reason) for c, reason in self.contraindications if c in conditions)

    def search_text(self) -> str:
        """What incremental search matches against: name, aliases and areas."""
        parts = [self.name, *self.aliases, *(label(a) for a in self.areas), *self.areas]
        return " ".join(parts).casefold()


@dataclass(frozen=True)
class RoutineItem:
    """One exercise in a routine, with optional overrides of its dose."""

    TABLE_HINT: ClassVar[str] = "must be a table with at least 'exercise'"

    exercise_id: Annotated[str, _field("Exercise", file_name="exercise")]
    hold_seconds: Annotated[int, _field("Hold", ge=0, le=MAX_HOLD, unit=SECONDS)] | None = None
    reps: Annotated[int, _field("Reps", ge=0, le=MAX_REPS)] | None = None
    sets: Annotated[int, _field("Sets", ge=1, le=MAX_SETS)] | None = None
    sides: Annotated[Sides, _field("Sides")] | None = None
    rest_after_seconds: Annotated[int, _field("Rest after", ge=0, le=MAX_REST, unit=SECONDS)] | None = None

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
    """A routine: the one definition its seed entry, import, export and schema derive from."""

    LOCAL: ClassVar[frozenset[str]] = frozenset({"uuid", "origin"})
    FILE_ORDER: ClassVar[tuple[str, ...]] = ("uuid", "id", "name", "rest_between_seconds", "items")
    """Written first, in this order (export format 2); other fields follow as declared."""

    id: Slug
    name: Name
    items: Annotated[
        tuple[RoutineItem, ...], _field("Exercises", min_length=1, empty="a routine needs at least one exercise")
    ]
    description: Annotated[str, _field("Description", max_length=MAX_TEXT)] = ""
    rest_between_seconds: Annotated[int, _field("Rest between exercises", ge=0, le=MAX_REST, unit=SECONDS)] = (
        DEFAULT_REST_BETWEEN_SECONDS
    )
    sources: Annotated[tuple[Text, ...], _field("Source", max_length=MAX_LIST, noun="source")] = ()
    """Article titles (seed files give source ids) or free text."""
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

    def duration_seconds(self, exercises: Mapping[str, Exercise]) -> int:
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


def hours_label(hours: float) -> str:
    """'4 h 05 min', '35 min': a measured time, to the minute."""
    whole, minutes = divmod(round(hours * 60), 60)
    return f"{whole} h {minutes:02d} min" if whole else f"{minutes} min"


def sitting_line(logged: float | None, measured: float | None) -> str:
    """A day's sitting as Today shows it: what was noted, and beside it what the activity hook
    measured at the terminal (a lower bound: only time spent typing there)."""
    if not measured:
        return format_sitting(logged).capitalize() if logged is not None else ""
    if logged is None:
        return f"Sitting {hours_label(measured)} (measured)"
    return f"{format_sitting(logged).capitalize()} · measured {hours_label(measured)}"
