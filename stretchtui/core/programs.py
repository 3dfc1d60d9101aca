"""Programs and ladders (issue 18): the one definition of a prescription and how it is read.

A program is a few phases of weeks, each with a fixed set of moves and doses, and rules for how
the dose moves with the person's response (core.program_plan, core.program_replay). A ladder is
a few library moves, easiest first, that a program item can climb a rung at a time.

Built-in programs are `seed/programs/*.toml`, written in exactly the format a physiotherapist's
prescription file uses (docs/program-format.md); core.program_reading reads and writes both. Pure:
no UI, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.errors import FieldError, SeedError, UserError, shown
from stretchtui.core.model import (  # noqa: F401  (in the field annotations)
    MAX_HOLD,
    MAX_LIST,
    MAX_NAME,
    MAX_REPS,
    MAX_SETS,
    MAX_TEXT,
    SECONDS,
    SLUG_PATTERN,
    Exercise,
    _field,
    _rule,
)

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

FORMAT_VERSION = 1
LADDERS_FILE = "ladders.toml"
PROGRAMS_DIR = "programs"
MAX_PHASES = 8
MAX_ITEMS = 10
MAX_RUNGS = 6
MAX_WEEKS = 12
MAX_FILE_BYTES = 256 * 1024
"""A prescription is a few kilobytes; a bigger file is not one (and is not read into memory)."""


class LegPain(StrEnum):
    """Who a program is for, by leg symptoms in the recent check-ins."""

    ANY = "any"
    NEEDED = "needed"
    NOT_NEEDED = "not-needed"


@dataclass(frozen=True, kw_only=True)
class Rung:
    exercise: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]
    enter: Annotated[str, _field("When to climb", min_length=1, max_length=MAX_TEXT)]


@dataclass(frozen=True, kw_only=True)
class Ladder:
    """Library moves, easiest first; each rung says in plain words when a person is ready for it."""

    TABLE_HINT: ClassVar[str] = "must be a [[ladder]] table"

    id: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]
    name: Annotated[str, _field("Name", min_length=1, max_length=MAX_NAME)]
    summary: Annotated[str, _field("Summary", min_length=1, max_length=MAX_TEXT)]
    rung: Annotated[tuple[Rung, ...], _field("Rungs", min_length=2, max_length=MAX_RUNGS, noun="rung")]

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(r.exercise for r in self.rung)

    def index(self, exercise_id: str) -> int:
        return self.exercise_ids.index(exercise_id)


@dataclass(frozen=True, kw_only=True)
class Item:
    """One move of a phase: an exercise, or a ladder from `rung` (default its first) up to
    `top_rung` (default its last). The dose fields lower the exercise's own dose (for a ladder,
    the starting rung's); never raise it."""

    TABLE_HINT: ClassVar[str] = "must be a table with 'exercise' or 'ladder'"
    FILE_ORDER: ClassVar[tuple[str, ...]] = ("exercise", "ladder", "rung", "top_rung")

    exercise: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)] | None = None
    ladder: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)] | None = None
    rung: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)] | None = None
    top_rung: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)] | None = None
    hold_seconds: Annotated[int, _field("Hold", ge=1, le=MAX_HOLD, unit=SECONDS)] | None = None
    reps: Annotated[int, _field("Reps", ge=1, le=MAX_REPS)] | None = None
    sets: Annotated[int, _field("Sets", ge=1, le=MAX_SETS)] | None = None


@dataclass(frozen=True, kw_only=True)
class Phase:
    name: Annotated[str, _field("Name", min_length=1, max_length=MAX_NAME)]
    weeks: Annotated[int, _field("Weeks", ge=1, le=MAX_WEEKS)]
    goal: Annotated[str, _field("Goal", min_length=1, max_length=MAX_TEXT)]
    advance_after_calm: Annotated[int, _field("Calm sessions to move on", ge=0, le=20)] = 2
    item: Annotated[tuple[Item, ...], _field("Items", min_length=1, max_length=MAX_ITEMS, noun="item")]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """Who the program is for: Today offers it only when the recent check-ins fit."""

    max_pain: Annotated[int, _field("Highest pain to start", ge=0, le=7)] = 6
    leg_pain: Annotated[LegPain, _field("Leg pain")] = LegPain.ANY
    long_sitting: Annotated[bool, _field("For long sitting")] = False


@dataclass(frozen=True, kw_only=True)
class Progression:
    """How the dose moves: `start_percent` of the full dose at step 0, `step_percent` more per step
    up (to the full dose), `steps_at_top` steps at the full dose before the next rung, and no
    lower than `lowest_step`."""

    step_percent: Annotated[int, _field("Step", ge=5, le=25)] = 10
    start_percent: Annotated[int, _field("Starting dose", ge=30, le=100)] = 70
    steps_at_top: Annotated[int, _field("Steps at the top", ge=1, le=4)] = 1
    lowest_step: Annotated[int, _field("Lowest step", ge=-5, le=-1)] = -3


@dataclass(frozen=True, kw_only=True)
class Program:
    """A prescription: the one record the built-in files, imports, exports and the store share."""

    TABLE_HINT: ClassVar[str] = "must be a [program] table"

    id: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]
    version: Annotated[int, _field("Version", ge=1, le=9999)]
    name: Annotated[str, _field("Name", min_length=1, max_length=MAX_NAME)]
    summary: Annotated[str, _field("Summary", min_length=1, max_length=200)]
    description: Annotated[str, _field("Description", max_length=MAX_TEXT)] = ""
    written_by: Annotated[str, _field("Written by", min_length=1, max_length=MAX_NAME)]
    sources: Annotated[
        tuple[Annotated[str, _rule(max_length=MAX_TEXT)], ...], _field("Sources", max_length=MAX_LIST, noun="source")
    ] = ()
    sessions_per_week: Annotated[int, _field("Sessions a week", ge=1, le=7)]
    entry: Annotated[Entry, _field("Entry")] = Entry()
    progression: Annotated[Progression, _field("Progression")] = Progression()
    phase: Annotated[tuple[Phase, ...], _field("Phases", min_length=1, max_length=MAX_PHASES, noun="phase")]

    @property
    def weeks(self) -> int:
        return sum(p.weeks for p in self.phase)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def phase_start_week(self, index: int) -> int:
        """The program week (1 is the first) phase `index` starts in, as written."""
        return 1 + sum(p.weeks for p in self.phase[:index])

    def exercise_ids(self, ladders: Mapping[str, Ladder]) -> frozenset[str]:
        """Every move the program can reach, each ladder's rungs from its lowest."""
        ids: set[str] = set()
        for phase in self.phase:
            for item in phase.item:
                ids.update(rungs(item, ladders) if item.ladder else (item.exercise or "",))
        return frozenset(ids)


def rungs(item: Item, ladders: Mapping[str, Ladder]) -> tuple[str, ...]:
    """The exercise ids an item can be, lowest first: one exercise, or its ladder's rungs up to
    `top_rung` (the rungs below `rung` are where it falls back to on a gentler day)."""
    if item.ladder is None:
        return (item.exercise,) if item.exercise else ()
    ladder = ladders[item.ladder]
    top = ladder.index(item.top_rung) if item.top_rung else len(ladder.rung) - 1
    return ladder.exercise_ids[: top + 1]


def start_rung(item: Item, ladders: Mapping[str, Ladder]) -> int:
    if item.ladder is None:
        return 0
    return ladders[item.ladder].index(item.rung) if item.rung else 0


@dataclass(frozen=True)
class Catalogue:
    """Every program a person can follow: the built-ins (latest only) and every imported version."""

    exercises: Mapping[str, Exercise]
    ladders: Mapping[str, Ladder]
    builtin: Mapping[str, Program]
    imported: Mapping[tuple[str, int], Program]
    texts: Mapping[tuple[str, int], str]

    @cached_property
    def versions(self) -> dict[tuple[str, int], Program]:
        return {**{p.key: p for p in self.builtin.values()}, **self.imported}

    def latest(self, program_id: str) -> Program | None:
        found = [p for (pid, _), p in self.versions.items() if pid == program_id]
        return max(found, key=lambda p: p.version, default=None)

    def programs(self) -> list[Program]:
        """The latest version of each, built-ins first, then own ones by name."""
        ids = dict.fromkeys([*self.builtin, *sorted({pid for pid, _ in self.imported})])
        return [p for p in (self.latest(pid) for pid in ids) if p is not None]

    def find(self, program_id: str) -> Program:
        program = self.latest(program_id)
        if program is None:
            known = ", ".join(p.id for p in self.programs())
            raise UserError(f"no program {program_id!r} (there are: {known}; see: stretchtui program list)")
        return program


# ---------------------------------------------------------------------------- ladders


def load_ladders(exercises: Mapping[str, Exercise], seed_dir: Path | None = None) -> dict[str, Ladder]:
    """The ladders of `seed/ladders.toml`; each rung a known exercise, each exercise in one ladder."""
    from stretchtui.core import validation as v
    from stretchtui.core.library import _entries, _entry_name, _read, default_seed_dir

    seed_dir = seed_dir or default_seed_dir()
    ladders: dict[str, Ladder] = {}
    placed: dict[str, str] = {}
    for i, entry in enumerate(_entries(_read(seed_dir, LADDERS_FILE), LADDERS_FILE, "ladder")):
        name = _entry_name(entry, i)
        try:
            ladder = v.check_record(Ladder, entry, seed=True, typed=True, hooks={"rung.exercise": _known(exercises)})
            for j, rung in enumerate(ladder.rung):
                if rung.exercise in placed:
                    raise FieldError(
                        f"rung[{j}].exercise", f"{rung.exercise!r} is already in ladder {placed[rung.exercise]!r}"
                    )
                placed[rung.exercise] = ladder.id
        except FieldError as error:
            raise SeedError(LADDERS_FILE, name, error.field, error.message) from None
        if ladder.id in ladders:
            raise SeedError(LADDERS_FILE, name, "id", "is used twice")
        ladders[ladder.id] = ladder
    return ladders


def ladder_of(ladders: Iterable[Ladder], exercise_id: str) -> Ladder | None:
    """The ladder an exercise is a rung of (the library shows it), if any."""
    return next((ladder for ladder in ladders if exercise_id in ladder.exercise_ids), None)


def _known(exercises: Mapping[str, Exercise]) -> Any:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in exercises:
            raise FieldError(path, f"{shown(value)} is not an exercise in the library")
        return value

    return check
