"""The export file format: check a file record by record, and turn records back into plain data.

Pure rules, shared by `stretchtui export`, `stretchtui import` and the demo generator. The format
is documented in docs/export-format.md. `read_export` checks a file as it is read (core.json_stream:
one record in memory at a time) and yields each record once checked; the importer keeps nothing
until the whole file has passed. Every error names the record and the field
(`sessions[3].steps[2].outcome: ...`).
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import IO, Any
from zoneinfo import ZoneInfo

import msgspec.inspect as mi

from stretchtui.core import instants, records, validation
from stretchtui.core.checkins import MAX_PAINS, Checkin, PainEntry
from stretchtui.core.entries import DayMark, Tombstone
from stretchtui.core.errors import FieldError, UserError, shown
from stretchtui.core.json_stream import ArrayItems, JSONStreamError, NotAnObject, entries_of, read_bytes, top_level
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.sessions import MAX_STEPS, LoggedStep, SessionRecord
from stretchtui.core.settings import imported_settings
from stretchtui.core.vocabulary import Origin, plural

FORMAT_NAME = "stretchtui-export"
FORMAT_VERSION = 2  # 2: the `removed` section (tombstones of removed entries)


class ImportFileError(UserError):
    """An import file that cannot be used as a whole: nothing is written."""


# ---------------------------------------------------------------------- the validated bundle


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


# ---------------------------------------------------------------------- field rules


def _uuid(value: Any, where: str) -> str:
    try:
        return str(uuidlib.UUID(value)) if isinstance(value, str) and len(value) <= 40 else _bad_uuid(value, where)
    except ValueError:
        return _bad_uuid(value, where)


def _bad_uuid(value: Any, where: str) -> str:
    raise FieldError(where, f"must be a UUID like '6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10', not {shown(value)}")


def _instant(value: Any, where: str, now: datetime) -> datetime:
    """An instant with an offset, inside the fixed window of core.instants. `now` is deliberately
    not consulted: a time later than this machine's clock was written by a clock that ran ahead,
    and refusing it would make that whole export unimportable."""
    return instants.parse_instant(value, where)


def _optional_instant(value: Any, where: str, now: datetime) -> datetime | None:
    return None if value is None else _instant(value, where, now)


def _day(value: Any, where: str) -> date:
    """A day YYYY-MM-DD inside the window of core.instants."""
    return instants.parse_day(value, where)


def _zone(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64 or value.startswith(("/", ".")) or ".." in value:
        raise FieldError(where, f"must be an IANA time zone like 'Europe/Berlin', not {shown(value)}")
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError...
        raise FieldError(where, f"{shown(value)} is not a known time zone") from None
    return value


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise FieldError(where, f"must be a number, not {shown(value)}")
    if not low <= value <= high:
        raise FieldError(where, f"must be between {low:g} and {high:g}, not {value}")
    return float(value)


def _integer(low: int, high: int) -> Callable[[Any, str], int]:
    def check(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(where, f"must be a whole number, not {shown(value)}")
        return validation.integer(value, where, low, high)

    return check


def _optional(rule: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    return lambda value, where: None if value is None else rule(value, where)


def _one_of(*allowed: str) -> Callable[[Any, str], str]:
    """One of `allowed` (texts, or the members of a StrEnum: `_one_of(*Outcome)`)."""
    allowed = tuple(str(a) for a in allowed)

    def check(value: Any, where: str) -> str:
        if value not in allowed:
            raise FieldError(where, f"{shown(value)} is not one of: {', '.join(repr(a) for a in allowed)}")
        return str(value)

    return check


def _text(limit: int, *, required: bool = True) -> Callable[[Any, str], str]:
    return lambda value, where: validation.text(value, where, required=required, limit=limit)


def _flag(value: Any, where: str) -> bool:
    return validation.boolean(value, where)


Rule = Callable[[Any, str], Any]


def _rule(spec: records.Spec) -> Rule:
    """The import rule of one field, from its type and constraints in the record's definition;
    the messages are the one-line ones of the rules above."""
    kind, check = spec.type, spec.extra.get("check")
    rule: Rule
    if check == "half_hours":
        rule = _half_hours
    elif check == "uuid":
        rule = _uuid
    elif isinstance(kind, mi.DateTimeType):
        rule = instants.parse_instant
    elif isinstance(kind, mi.EnumType):
        rule = _one_of(*kind.cls)
    elif isinstance(kind, mi.BoolType):
        rule = _flag
    elif isinstance(kind, mi.IntType) and kind.ge is not None and kind.le is not None:
        rule = _integer(kind.ge, kind.le)
    elif isinstance(kind, mi.FloatType) and kind.ge is not None and kind.le is not None:
        low, high = kind.ge, kind.le
        rule = lambda value, where: _number(value, where, low, high)  # noqa: E731
    elif isinstance(kind, mi.StrType) and kind.pattern:
        rule = validation.slug
    elif isinstance(kind, mi.StrType) and kind.max_length is not None:
        rule = _text(kind.max_length, required=bool(kind.min_length))
    else:
        raise TypeError(f"no import rule for {spec.name}: {kind}")
    return _optional(rule) if spec.optional else rule


@dataclass(frozen=True)
class Rules:
    """A logged record's import rules, derived from its definition: `fields` are checked one by
    one (`_fields`); `own` names those its reader checks itself, across fields (the uuid, the
    instant, zone and day, nested records); `defaults` fill what an older file leaves out."""

    fields: dict[str, Rule]
    own: set[str]
    defaults: dict[str, Any]


@cache
def _rules(cls: type, *, every_field: bool = False) -> Rules:
    fields: dict[str, Rule] = {}
    own: set[str] = set()
    defaults: dict[str, Any] = {}
    file_defaults: dict[str, Any] = getattr(cls, "FILE_DEFAULTS", {})
    for spec in records.file_specs(cls):
        if not every_field and (spec.extra.get("check") in ("uuid", "when") or records.nested_class(spec)):
            own.add(spec.file_name)
            continue
        fields[spec.file_name] = _rule(spec)
        if spec.name in file_defaults or not spec.required:
            default = file_defaults.get(spec.name, spec.default)
            defaults[spec.file_name] = default.value if isinstance(default, Enum) else default
    return Rules(fields, own, defaults)


def _half_hours(value: Any, where: str) -> float:
    hours = _number(value, where, 0, 24)
    if hours * 2 != int(hours * 2):
        raise FieldError(where, f"must be in half hours (7 or 7.5), not {value}")
    return hours


def _fields(data: Any, where: str, rules: Rules) -> dict[str, Any]:
    """Apply a record's field rules to `data` (its own checks are the caller's)."""
    if not isinstance(data, Mapping):
        raise FieldError(where, f"must be an object, not {type(data).__name__}")
    unknown = sorted(set(data) - set(rules.fields) - rules.own)
    if unknown:
        raise FieldError(f"{where}.{unknown[0]}", "is not a known field")
    result = {}
    for key, rule in rules.fields.items():
        if key not in data and key not in rules.defaults:
            raise FieldError(f"{where}.{key}", "is missing")
        result[key] = rule(data.get(key, rules.defaults.get(key)), f"{where}.{key}")
    return result


def _when(data: Mapping[str, Any], where: str, now: datetime, instant_key: str = "at") -> dict[str, Any]:
    """The instant, zone and logical day of an event, checked against each other: the day is the
    local date, or the one before (a day-start hour of 0-12)."""
    for key in (instant_key, "zone", "day"):
        if key not in data:
            raise FieldError(f"{where}.{key}", "is missing")
    at = _instant(data[instant_key], f"{where}.{instant_key}", now)
    zone = _zone(data["zone"], f"{where}.zone")
    day = _day(data["day"], f"{where}.day")
    local = at.astimezone(ZoneInfo(zone)).date()
    if not local - timedelta(days=1) <= day <= local:
        raise FieldError(f"{where}.day", f"{day} does not fit {data[instant_key]} in {zone}")
    return {instant_key: at, "zone": zone, "day": day}


# ---------------------------------------------------------------------- reading a file


SECTIONS = ("settings", "favourites", "exercises", "routines", "sessions", "checkins", "day_marks", "removed")
LIST_SECTIONS = SECTIONS[2:]  # one record per item
HEAD_BYTES = 4096
NOT_AN_EXPORT = f'not a stretchtui export (no "format": "{FORMAT_NAME}" at the top)'


class UnreadableFile(ImportFileError):
    """The file itself cannot be read as JSON (truncated, binary, too large)."""


def _refuse_by_head(head: bytes) -> None:
    """A database or a binary file is named as such, not as bad JSON."""
    if head.startswith(b"SQLite format 3\x00"):
        raise UnreadableFile("an SQLite database, not an export file (to bring back a backup: stretchtui restore)")
    if b"\x00" in head[:HEAD_BYTES]:
        raise UnreadableFile("a binary file, not a JSON export file")


def loads(text: str | bytes) -> Any:
    """Parse JSON text, with a one-line error for a truncated, binary or malformed file."""
    if isinstance(text, bytes):
        _refuse_by_head(text[:HEAD_BYTES])
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); is the file complete?"
        ) from None
    except (UnicodeDecodeError, RecursionError, ValueError) as error:
        raise UnreadableFile(f"not a JSON text file ({type(error).__name__})") from None


def file_entries(source: IO[bytes], *, limit: int | None = None) -> Iterator[tuple[str, Any]]:
    """The top-level entries of an export file, read from `source` a record at a time (for
    `read_export`). More than `limit` bytes is refused."""
    try:
        head = read_bytes(source, HEAD_BYTES)
    except JSONStreamError as error:
        raise UnreadableFile(str(error)) from None
    _refuse_by_head(head)
    yield from top_level(source, head=head, limit=limit)  # its errors: see read_export


def parse_export(
    data: Any,
    *,
    now: datetime,
    known_exercise_ids: Container[str] = frozenset(),
    known_session_uuids: Container[str] = frozenset(),
) -> Bundle:
    """Validate a parsed export file completely, into one Bundle (see `read_export`)."""
    if not isinstance(data, Mapping):
        raise ImportFileError(NOT_AN_EXPORT)
    return Bundle.collect(
        read_export(
            entries_of(data), now=now, known_exercise_ids=known_exercise_ids, known_session_uuids=known_session_uuids
        )
    )


def read_export(
    entries: Iterable[tuple[str, Any]],
    *,
    now: datetime,
    known_exercise_ids: Container[str] = frozenset(),
    known_session_uuids: Container[str] = frozenset(),
) -> Iterator[tuple[str, Any]]:
    """Check an export file entry by entry (`file_entries`, or `entries_of` a parsed dict) and
    yield each record as soon as it passed: ("settings", dict), ("favourites", list), then
    ("exercises", OwnExercise), ("routines", OwnRoutine), ("sessions", dict with its steps),
    ("checkins", dict with its pains), ("day_marks", dict), and from the header ("app_version",
    str) and ("exported_at", datetime). `known_*` describe the store it goes into: the exercise
    ids a routine may use, the sessions a check-in may point at.

    Only what the checks across records need is kept: the uuids seen, own ids, rest days. Raises
    ImportFileError at the first problem, possibly after many records were yielded: keep nothing
    until the generator has finished."""
    reading = _Reading(now, known_exercise_ids, known_session_uuids)
    entries = iter(entries)
    try:
        for key, value in entries:
            yield from reading.entry(key, value)  # reads the items of a list as it goes
        yield from reading.finish()
    except NotAnObject:
        raise ImportFileError(NOT_AN_EXPORT) from None
    except JSONStreamError as error:  # the text itself: truncated, not JSON, not UTF-8
        raise UnreadableFile(str(error)) from None
    except UnreadableFile:
        raise
    except (FieldError, ImportFileError) as error:
        raise ImportFileError(reading.header_problem(entries) or str(error)) from None


def _check_version(version: Any) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportFileError(f"format_version: must be a whole number from 1, not {shown(version)}")
    if version > FORMAT_VERSION:
        raise ImportFileError(
            f"written by a newer stretchtui (format version {version}; this one reads up to "
            f"{FORMAT_VERSION}): upgrade stretchtui to import it"
        )


def _key_text(key: str) -> str:
    """A top-level key as a message names it: as it is, unless long or odd (then quoted and cut)."""
    return key if key.isprintable() and len(key) <= 40 else shown(key)


def _items(key: str, value: Any) -> ArrayItems:
    if not isinstance(value, ArrayItems):
        raise FieldError(key, f"must be a list, not {type(value).__name__}")
    return value


class _Reading:
    """The state of one file being read: what the checks across records need, nothing more."""

    def __init__(self, now: datetime, known_exercises: Container[str], known_sessions: Container[str]) -> None:
        self.now = now
        self.known_exercises = known_exercises
        self.known_sessions = known_sessions
        self.keys: set[str] = set()
        self.uuids: dict[str, str] = {}  # uuid -> where it was first used
        self.session_uuids: set[str] = set()
        self.own_ids: set[str] = set()
        self.routine_ids: set[str] = set()
        self.waiting_routines: list[tuple[str, Any]] = []  # read before the exercises they may use
        self.session_refs: list[tuple[str, str]] = []  # (session uuid, where): checked at the end
        self.mark_days: dict[date, str] = {}
        self.removed_uuids: dict[str, str] = {}  # uuid -> where it was removed

    def claim(self, value: Any, where: str) -> str:
        ident = _uuid(value, f"{where}.uuid")
        if ident in self.uuids:
            raise FieldError(f"{where}.uuid", f"is used twice in the file (also at {self.uuids[ident]})")
        self.uuids[ident] = where
        return ident

    def session_ref(self, ident: str, where: str) -> None:
        if ident not in self.session_uuids and ident not in self.known_sessions:
            self.session_refs.append((ident, where))  # perhaps a session further down the file

    def entry(self, key: str, value: Any) -> Iterator[tuple[str, Any]]:
        if key in self.keys:
            raise ImportFileError(f"{_key_text(key)}: is given twice")
        self.keys.add(key)
        if key == "format":
            if value != FORMAT_NAME:
                raise ImportFileError(NOT_AN_EXPORT)
        elif key == "format_version":
            _check_version(value)
        elif key == "app_version":
            yield key, validation.text(value, "app_version", required=False, limit=40)
        elif key == "exported_at":
            if value is not None:
                yield key, _instant(value, "exported_at", self.now)
        elif key == "settings":
            if isinstance(value, ArrayItems):
                raise FieldError("settings", "must be an object, not list")
            yield key, imported_settings(value)
        elif key == "favourites":
            yield key, self._favourites(_items(key, value))
        elif key == "exercises":
            yield from self._exercises(_items(key, value))
        elif key == "routines":
            for i, raw in enumerate(_items(key, value)):
                if "exercises" in self.keys:
                    yield key, self._routine(f"routines[{i}]", raw)
                else:
                    self.waiting_routines.append((f"routines[{i}]", raw))
        elif key == "sessions":
            for i, raw in enumerate(_items(key, value)):
                record = _session(raw, f"sessions[{i}]", self.now, self.claim)
                self.session_uuids.add(record["uuid"])
                yield key, record
        elif key == "checkins":
            for i, raw in enumerate(_items(key, value)):
                yield key, _checkin(raw, f"checkins[{i}]", self.now, self.claim, self.session_ref)
        elif key == "day_marks":
            for i, raw in enumerate(_items(key, value)):
                yield key, self._day_mark(f"day_marks[{i}]", raw)
        elif key == "removed":
            for i, raw in enumerate(_items(key, value)):
                record = _removal(raw, f"removed[{i}]", self.now)
                if record["uuid"] in self.removed_uuids:
                    raise FieldError(
                        f"removed[{i}].uuid", f"is removed twice (also at {self.removed_uuids[record['uuid']]})"
                    )
                self.removed_uuids[record["uuid"]] = f"removed[{i}]"
                yield key, record
        else:
            raise ImportFileError(f"{_key_text(key)}: is not a known section")

    def _favourites(self, items: Iterable[Any]) -> list[str]:
        favourites = []
        for i, ident in enumerate(items):
            favourites.append(validation.slug(ident, f"favourites[{i}]"))
        if len(set(favourites)) != len(favourites):
            raise FieldError("favourites", "lists an exercise twice")
        return favourites

    def _exercises(self, items: Iterable[Any]) -> Iterator[tuple[str, Any]]:
        for i, raw in enumerate(items):
            where = f"exercises[{i}]"
            record = _own_exercise(raw, where, self.now, self.claim)
            if record.exercise.id in self.own_ids:
                raise FieldError(f"{where}.id", f"{record.exercise.id!r} is used twice in the file")
            self.own_ids.add(record.exercise.id)
            yield "exercises", record
        yield from self._waiting()

    def _waiting(self) -> Iterator[tuple[str, Any]]:
        waiting, self.waiting_routines = self.waiting_routines, []
        for where, raw in waiting:
            yield "routines", self._routine(where, raw)

    def _routine(self, where: str, raw: Any) -> OwnRoutine:
        record = _own_routine(raw, where, self.now, self.claim, _Either(self.own_ids, self.known_exercises))
        if record.routine.id in self.routine_ids:
            raise FieldError(f"{where}.id", f"{record.routine.id!r} is used twice in the file")
        self.routine_ids.add(record.routine.id)
        return record

    def _day_mark(self, where: str, raw: Any) -> dict[str, Any]:
        mark = _day_mark(raw, where, self.now, self.claim)
        if mark["day"] in self.mark_days:
            raise FieldError(f"{where}.day", f"{mark['day']} is already a rest day at {self.mark_days[mark['day']]}")
        self.mark_days[mark["day"]] = where
        return mark

    def finish(self) -> Iterator[tuple[str, Any]]:
        yield from self._waiting()
        for ident, where in self.removed_uuids.items():
            if ident in self.uuids:
                raise FieldError(f"{where}.uuid", f"is removed, but the file also holds it at {self.uuids[ident]}")
        for ident, where in self.session_refs:
            if ident not in self.session_uuids:
                raise FieldError(where, "names no session in the file or in this store")
        if "format" not in self.keys:
            raise ImportFileError(NOT_AN_EXPORT)
        if "format_version" not in self.keys:
            _check_version(None)

    def header_problem(self, rest: Iterator[tuple[str, Any]]) -> str | None:
        """After a problem in a record: a wrong or missing format or version, wherever it stands
        in the file, is the better message (a newer file's records may well look wrong to us)."""
        try:
            for key, value in rest:
                if key in ("format", "format_version") and key not in self.keys:
                    self.keys.add(key)
                    if key == "format" and value != FORMAT_NAME:
                        return NOT_AN_EXPORT
                    if key == "format_version":
                        _check_version(value)
        except (UnreadableFile, JSONStreamError):
            return None  # the rest cannot be read: the record's problem stands
        except ImportFileError as error:
            return str(error)
        if "format" not in self.keys:
            return NOT_AN_EXPORT
        if "format_version" not in self.keys:
            try:
                _check_version(None)
            except ImportFileError as error:
                return str(error)
        return None


class _Either(Container[str]):
    """In either container: the own exercises of the file, or the ids the store knows."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second


def _stamps(raw: Mapping[str, Any], where: str, now: datetime) -> tuple[datetime, datetime]:
    created = _instant(raw.get("created_at"), f"{where}.created_at", now)
    updated = _instant(raw.get("updated_at"), f"{where}.updated_at", now)
    return created, updated


def _own_exercise(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> OwnExercise:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    ident = claim(raw.get("uuid"), where)
    created, updated = _stamps(raw, where, now)
    favourite = validation.boolean(raw.get("favourite", False), f"{where}.favourite")
    fields = {k: v for k, v in raw.items() if k not in {"uuid", "created_at", "updated_at", "favourite"}}
    try:
        exercise = validation.exercise(fields, origin=Origin.USER)
    except FieldError as error:
        raise FieldError(f"{where}.{error.field}", error.message) from None
    if not exercise.id.startswith(USER_ID_PREFIX):
        raise FieldError(f"{where}.id", f"an own exercise's id starts with {USER_ID_PREFIX!r}, not {exercise.id!r}")
    return OwnExercise(replace(exercise, uuid=ident, favourite=favourite), created, updated)


def _own_routine(
    raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str], exercise_ids: Container[str]
) -> OwnRoutine:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    ident = claim(raw.get("uuid"), where)
    created, updated = _stamps(raw, where, now)
    fields = {k: v for k, v in raw.items() if k not in {"uuid", "created_at", "updated_at"}}
    try:
        routine = validation.routine(fields, exercise_ids, origin=Origin.USER)
    except FieldError as error:
        raise FieldError(f"{where}.{error.field}", error.message) from None
    if not routine.id.startswith(USER_ID_PREFIX):
        raise FieldError(f"{where}.id", f"an own routine's id starts with {USER_ID_PREFIX!r}, not {routine.id!r}")
    return OwnRoutine(replace(routine, uuid=ident), created, updated)


def _session(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    record = _fields(raw, where, _rules(SessionRecord))
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now, "started_at"))
    record["ended_at"] = _optional_instant(raw.get("ended_at"), f"{where}.ended_at", now)
    if record["ended_at"] is not None and record["ended_at"] < record["started_at"]:
        raise FieldError(f"{where}.ended_at", "is before started_at")
    steps_raw = raw.get("steps", [])
    if not isinstance(steps_raw, list) or len(steps_raw) > MAX_STEPS:
        raise FieldError(f"{where}.steps", f"must be a list of at most {MAX_STEPS} steps")
    steps, indexes = [], set()
    for j, step_raw in enumerate(steps_raw):
        step_where = f"{where}.steps[{j}]"
        step = _fields(step_raw, step_where, _rules(LoggedStep))
        step["uuid"] = claim(step_raw.get("uuid"), step_where)
        step.update(_when(step_raw, step_where, now))
        if step["at"] < record["started_at"]:
            raise FieldError(f"{step_where}.at", "is before the session started")
        if step["step_index"] in indexes:
            raise FieldError(f"{step_where}.step_index", f"{step['step_index']} is used twice in this session")
        indexes.add(step["step_index"])
        steps.append(step)
    record["steps"] = steps
    return record


def _checkin(
    raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str], session_ref: Callable[[str, str], None]
) -> dict[str, Any]:
    record = _fields(raw, where, _rules(Checkin))
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now))
    session = raw.get("session_uuid")
    if session is not None:
        session = _uuid(session, f"{where}.session_uuid")
        session_ref(session, f"{where}.session_uuid")
    record["session_uuid"] = session
    pains_raw = raw.get("pains", [])
    if not isinstance(pains_raw, list) or len(pains_raw) > MAX_PAINS:
        raise FieldError(f"{where}.pains", f"must be a list of at most {MAX_PAINS} readings")
    pains, places = [], set()
    for j, pain_raw in enumerate(pains_raw):
        pain = _fields(pain_raw, f"{where}.pains[{j}]", _rules(PainEntry))
        if (pain["region"], pain["side"]) in places:
            raise FieldError(f"{where}.pains[{j}].region", "this region and side appear twice")
        places.add((pain["region"], pain["side"]))
        pains.append(pain)
    if not pains and record["sitting_hours"] is None and not record["note"] and not record["no_comfortable_position"]:
        raise FieldError(where, "an empty check-in: no pain, sitting hours, note or position")
    record["pains"] = pains
    return record


def _removal(raw: Any, where: str, now: datetime) -> dict[str, Any]:
    """A tombstone: an entry removed where the file was written, so an import never brings it back."""
    return _fields(raw, where, _rules(Tombstone, every_field=True))


def _day_mark(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    rules = _rules(DayMark)
    unknown = sorted(set(raw) - set(rules.fields) - rules.own)
    if unknown:
        raise FieldError(f"{where}.{unknown[0]}", "is not a known field")
    for key in ("day", "at", "zone"):
        if key not in raw:
            raise FieldError(f"{where}.{key}", "is missing")
    record = {"uuid": claim(raw.get("uuid"), where), **_fields(raw, where, rules)}
    record["at"] = _instant(raw["at"], f"{where}.at", now)
    record["zone"] = _zone(raw["zone"], f"{where}.zone")
    record["day"] = _day(raw["day"], f"{where}.day")
    if record["day"] > record["at"].astimezone(ZoneInfo(record["zone"])).date():
        raise FieldError(f"{where}.day", f"{record['day']} is after the day it was marked")
    return record


# ---------------------------------------------------------------------- writing a file


def _instant_text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _plain_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_to_plain(cls: type, record: Mapping[str, Any]) -> dict[str, Any]:
    """A logged record (a dict keyed by the fields of `cls`, as the store reads it or an import
    checked it) as files write it: its fields in file order, nested records likewise."""
    plain = {}
    for spec in records.file_specs(cls):
        inner = records.nested_class(spec)
        value = record[spec.name]
        plain[spec.file_name] = _plain_value(value) if inner is None else [event_to_plain(inner, v) for v in value]
    return plain


def header_to_plain(*, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """The keys a file starts with."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "exported_at": _instant_text(exported_at),
    }


def own_exercise_to_plain(own: OwnExercise) -> dict[str, Any]:
    """The record (core.model.Exercise, as core.records writes it) and when it was made and changed."""
    return {
        **records.to_plain(own.exercise, skip={"origin"}),
        "created_at": _instant_text(own.created_at),
        "updated_at": _instant_text(own.updated_at),
    }


def own_routine_to_plain(own: OwnRoutine) -> dict[str, Any]:
    return {
        **records.to_plain(own.routine, skip={"origin"}),
        "created_at": _instant_text(own.created_at),
        "updated_at": _instant_text(own.updated_at),
    }


RECORD_TO_PLAIN: dict[str, Callable[[Any], Any]] = {
    "settings": lambda settings: {key: settings[key] for key in sorted(settings)},
    "favourites": sorted,
    "exercises": own_exercise_to_plain,
    "routines": own_routine_to_plain,
    "sessions": lambda record: event_to_plain(SessionRecord, record),
    "checkins": lambda record: event_to_plain(Checkin, record),
    "day_marks": lambda record: event_to_plain(DayMark, record),
    "removed": lambda record: event_to_plain(Tombstone, record),
}
"""Per section: one record as the file holds it (settings and favourites are one record each)."""


def to_plain(bundle: Bundle, *, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """The file's content as plain JSON data (see docs/export-format.md); core/export_stream.py
    writes the same, record by record."""
    plain: dict[str, Any] = header_to_plain(exported_at=exported_at, app_version=app_version)
    plain.update({kind: [] for kind in SECTIONS})  # the keys in file order
    for kind, record in bundle.records():
        if kind in LIST_SECTIONS:
            plain[kind].append(RECORD_TO_PLAIN[kind](record))
        else:
            plain[kind] = RECORD_TO_PLAIN[kind](record)
    return plain


# One CSV file per table; nested lists become their own tables, joined by uuid.
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "sessions": records.columns(SessionRecord),
    "steps": ("uuid", "session_uuid", *(name for name in records.columns(LoggedStep) if name != "uuid")),
    "checkins": tuple(spec.name for spec in records.file_specs(Checkin) if records.nested_class(spec) is None),
    "checkin_pains": ("checkin_uuid", *records.columns(PainEntry)),
    "day_marks": records.columns(DayMark),
    "removed": records.columns(Tombstone),
    "exercises": (
        "uuid",
        "id",
        "name",
        "kind",
        "position",
        "areas",
        "intensity",
        "hold_seconds",
        "reps",
        "sets",
        "sides",
        "steps",
        "cautions",
        "favourite",
        "created_at",
        "updated_at",
    ),
    "routines": ("uuid", "id", "name", "rest_between_seconds", "items", "created_at", "updated_at"),
    "settings": ("key", "value"),
}


CSV_SOURCES: dict[str, str] = {  # CSV table -> the section its rows come from
    "sessions": "sessions",
    "steps": "sessions",
    "checkins": "checkins",
    "checkin_pains": "checkins",
    "day_marks": "day_marks",
    "removed": "removed",
    "exercises": "exercises",
    "routines": "routines",
    "settings": "settings",
}


def csv_rows(table: str, plain: Any) -> Iterator[dict[str, Any]]:
    """The flat rows of CSV `table` that one plain record (RECORD_TO_PLAIN) gives; lists are
    joined with ' | '."""
    columns = CSV_TABLES[table]
    if table == "settings":
        yield from ({"key": key, "value": json.dumps(value)} for key, value in plain.items())
    elif table == "steps":
        for step in plain["steps"]:
            yield {k: _flat(step.get(k)) for k in columns} | {"session_uuid": plain["uuid"]}
    elif table == "checkin_pains":
        for pain in plain["pains"]:
            yield {"checkin_uuid": plain["uuid"], **pain}
    elif table == "exercises":
        row = {**plain, **plain["dose"]}
        yield {k: _flat(row.get(k)) for k in columns}
    else:
        yield {k: _flat(plain.get(k)) for k in columns}


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return " | ".join(str(v) if not isinstance(v, dict) else v.get("exercise", "") for v in value)
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value
