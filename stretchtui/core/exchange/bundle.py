"""What a checked export file holds, and what an import did with it.

The format's name, version and sections, the `Bundle` of validated records, `ImportResult`, and
the counts a summary lists. Kept apart from the checks (rules.py, reading.py) and the writers
(writing.py): the store, the commands and core/export_stream.py use these shapes without either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stretchtui.core import records
from stretchtui.core.activity_records import ActivitySpan, BreakEvent
from stretchtui.core.checkins import Checkin
from stretchtui.core.entries import DayMark, Tombstone
from stretchtui.core.function import FunctionRating
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.program_records import ProgramChoiceRecord, ProgramFileRecord
from stretchtui.core.sessions import SessionRecord
from stretchtui.core.vocabulary import plural

FORMAT_NAME = "stretchtui-export"
FORMAT_VERSION = 4
"""2: the `removed` section (tombstones of removed entries); 3: `function_ratings`; 4:
`program_files`, `program_choices`, `break_events`, `activity_spans`."""

SECTION_RECORDS: dict[str, type] = {
    "exercises": Exercise,
    "routines": Routine,
    "sessions": SessionRecord,
    "checkins": Checkin,
    "day_marks": DayMark,
    "function_ratings": FunctionRating,
    "program_files": ProgramFileRecord,
    "program_choices": ProgramChoiceRecord,
    "break_events": BreakEvent,
    "activity_spans": ActivitySpan,
    "removed": Tombstone,
}
"""The sections of one record per item, in file order, each with the record definition its items
follow: the one list the file's sections, the writers, the CSV tables and the schema come from."""

SECTIONS = ("settings", "favourites", *SECTION_RECORDS)
LIST_SECTIONS = SECTIONS[2:]  # one record per item
OWN_SECTIONS = ("exercises", "routines")  # the person's own library: read by core.validation's rules
FLAT_SECTIONS = tuple(
    kind for kind, cls in SECTION_RECORDS.items() if kind not in OWN_SECTIONS and records.is_flat(cls)
)
"""The sections whose records are one row each (no nested records, no link to another record):
read, staged and written column for column, by the same code."""


@dataclass(frozen=True)
class OwnExercise:
    exercise: Exercise  # with uuid and favourite
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class OwnRoutine:
    routine: Routine  # with uuid
    created_at: datetime
    updated_at: datetime


@dataclass
class Bundle:
    """Everything a file holds, validated. Event records are dicts keyed by column name, with
    datetimes for instants and dates for days; sessions carry `steps`, check-ins `pains` and
    `session_uuid`."""

    settings: dict[str, Any] = field(default_factory=dict)
    favourites: list[str] = field(default_factory=list)  # built-in exercise ids
    exercises: list[OwnExercise] = field(default_factory=list)
    routines: list[OwnRoutine] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    checkins: list[dict[str, Any]] = field(default_factory=list)
    day_marks: list[dict[str, Any]] = field(default_factory=list)
    function_ratings: list[dict[str, Any]] = field(default_factory=list)
    program_files: list[dict[str, Any]] = field(default_factory=list)
    program_choices: list[dict[str, Any]] = field(default_factory=list)
    break_events: list[dict[str, Any]] = field(default_factory=list)
    activity_spans: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)  # {"kind", "uuid", "removed_at"}
    exported_at: datetime | None = None
    app_version: str = ""

    def counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter({key: 0 for key in NOUNS})
        for kind, record in self.records():
            tally(counts, kind, record)
        return dict(counts)

    def records(self) -> Iterator[tuple[str, Any]]:
        """Its records in file order, as `read_export` yields them and the export writers take them."""
        yield "settings", self.settings
        yield "favourites", self.favourites
        for kind in LIST_SECTIONS:
            for record in getattr(self, kind):
                yield kind, record

    @classmethod
    def collect(cls, records: Iterable[tuple[str, Any]]) -> Bundle:
        """All records of a file in one Bundle (small files and tests: the commands stream)."""
        bundle = cls()
        for kind, record in records:
            if kind in LIST_SECTIONS:
                getattr(bundle, kind).append(record)
            else:
                setattr(bundle, kind, record)
        return bundle


def tally(counts: Counter[str], kind: str, record: Any) -> None:
    """Count one record as a summary lists it (a session with its steps, settings one by one)."""
    if kind in ("settings", "favourites"):
        counts[kind] += len(record)
    elif kind in LIST_SECTIONS:
        counts[kind] += 1
        if kind == "sessions":
            counts["steps"] += len(record["steps"])


@dataclass
class ImportResult:
    """What an import added, what was already there, what was removed here (and so left out),
    and ids that had to change."""

    added: Counter[str] = field(default_factory=Counter)
    already_there: Counter[str] = field(default_factory=Counter)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    removed_here: Counter[str] = field(default_factory=Counter)

    def describe(self) -> list[str]:
        lines = describe_counts(self.added, self.already_there, self.renamed, dry_run=self.dry_run)
        if sum(self.removed_here.values()):
            lines.insert(1, f"Removed here earlier, so left out: {count_listing(self.removed_here)}.")
        return lines


NOUNS = {  # counter key -> (one, many), in the order a summary lists them
    "sessions": ("session", "sessions"),
    "steps": ("step", "steps"),
    "checkins": ("check-in", "check-ins"),
    "day_marks": ("rest or flare day", "rest or flare days"),
    "function_ratings": ("function rating", "function ratings"),
    "program_files": ("imported program", "imported programs"),
    "program_choices": ("program choice", "program choices"),
    "break_events": ("break", "breaks"),
    "activity_spans": ("span of measured activity", "spans of measured activity"),
    "removed": ("removal", "removals"),
    "exercises": ("own exercise", "own exercises"),
    "routines": ("own routine", "own routines"),
    "favourites": ("favourite", "favourites"),
    "settings": ("setting", "settings"),
}


def count_listing(counts: Mapping[str, int]) -> str:
    """'3 sessions, 12 steps, 1 check-in': the non-zero counts, in a fixed order."""
    return ", ".join(plural(counts[key], *NOUNS[key]) for key in NOUNS if counts.get(key))


def describe_counts(
    added: Counter[str], already_there: Counter[str], renamed: list[tuple[str, str]], *, dry_run: bool
) -> list[str]:
    listing = count_listing
    lines = [f"{'Would add' if dry_run else 'Added'}: {listing(added) or 'nothing new'}."]
    if sum(already_there.values()):
        lines.append(f"Already here, left as they are: {listing(already_there)}.")
    lines += [
        f"{'Would rename' if dry_run else 'Renamed'} {old} to {new}: that id is taken here." for old, new in renamed
    ]
    return lines
