"""Reading an export file: `read_export` checks a file as it is read (core.json_stream: one record
in memory at a time) and yields each record once checked; the importer keeps nothing until the
whole file has passed. Every error names the record and the field (`sessions[3].steps[2].outcome: ...`).

Here: the file as a whole (its head, its header keys, its sections) and `_Reading`, the little
that the checks across records keep; one record's checks are in rules.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import IO, Any

from stretchtui.core import validation
from stretchtui.core.errors import FieldError, UserError, shown, shown_key
from stretchtui.core.exchange.bundle import FORMAT_NAME, FORMAT_VERSION, Bundle, OwnRoutine
from stretchtui.core.exchange.field_rules import _instant, _uuid
from stretchtui.core.exchange.rules import (
    _activity_span,
    _break_event,
    _checkin,
    _day_mark,
    _function_rating,
    _own_exercise,
    _own_routine,
    _program_choice,
    _program_file,
    _removal,
    _session,
)
from stretchtui.core.json_stream import (
    ArrayItems,
    JSONStreamError,
    NotAnObject,
    entries_of,
    json_integer,
    read_bytes,
    top_level,
)
from stretchtui.core.settings import imported_settings


class ImportFileError(UserError):
    """An import file that cannot be used as a whole: nothing is written."""


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
        return json.loads(text, parse_int=json_integer)
    except JSONStreamError as error:
        raise UnreadableFile(str(error)) from None
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
    known_programs: Container[tuple[str, int]] = frozenset(),
) -> Bundle:
    """Validate a parsed export file completely, into one Bundle (see `read_export`)."""
    if not isinstance(data, Mapping):
        raise ImportFileError(NOT_AN_EXPORT)
    return Bundle.collect(
        read_export(
            entries_of(data),
            now=now,
            known_exercise_ids=known_exercise_ids,
            known_session_uuids=known_session_uuids,
            known_programs=known_programs,
        )
    )


def read_export(
    entries: Iterable[tuple[str, Any]],
    *,
    now: datetime,
    known_exercise_ids: Container[str] = frozenset(),
    known_session_uuids: Container[str] = frozenset(),
    known_programs: Container[tuple[str, int]] = frozenset(),
) -> Iterator[tuple[str, Any]]:
    """Check an export file entry by entry (`file_entries`, or `entries_of` a parsed dict) and
    yield each record as soon as it passed: ("settings", dict), ("favourites", list), then
    ("exercises", OwnExercise), ("routines", OwnRoutine), ("sessions", dict with its steps),
    ("checkins", dict with its pains), and a dict for each record of the other sections
    (core.exchange.bundle.FLAT_SECTIONS), and from the header ("app_version", str) and
    ("exported_at", datetime). `known_*` describe the store it goes into: the exercise ids a
    routine may use, the sessions a check-in may point at, the program versions a choice may name
    besides the file's own (`KnownPrograms`).

    Only what the checks across records need is kept: the uuids seen, own ids, rest days. Raises
    ImportFileError at the first problem, possibly after many records were yielded: keep nothing
    until the generator has finished."""
    reading = _Reading(now, known_exercise_ids, known_session_uuids, known_programs)
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


def _items(key: str, value: Any) -> ArrayItems:
    if not isinstance(value, ArrayItems):
        raise FieldError(key, f"must be a list, not {type(value).__name__}")
    return value


class _Reading:
    """The state of one file being read: what the checks across records need, nothing more."""

    def __init__(
        self,
        now: datetime,
        known_exercises: Container[str],
        known_sessions: Container[str],
        known_programs: Container[tuple[str, int]],
    ) -> None:
        self.now = now
        self.known_exercises = known_exercises
        self.known_sessions = known_sessions
        self.known_programs = known_programs
        self.keys: set[str] = set()
        self.uuids: dict[str, str] = {}  # uuid -> where it was first used
        self.session_uuids: set[str] = set()
        self.own_ids: set[str] = set()
        self.routine_ids: set[str] = set()
        self.waiting_routines: list[tuple[str, Any]] = []  # read before the exercises they may use
        self.session_refs: list[tuple[str, str]] = []  # (session uuid, where): checked at the end
        self.mark_days: dict[date, str] = {}
        self.rated_weeks: dict[tuple[str, date], str] = {}  # (activity, week) -> where
        self.removed_uuids: dict[str, str] = {}  # uuid -> where it was removed
        self.program_files: dict[tuple[str, int], str] = {}  # (id, version) -> where
        self.program_refs: list[tuple[tuple[str, int], str]] = []  # ((id, version), where): checked at the end
        self.span_starts: dict[datetime, str] = {}  # started_at -> where
        self.readers: dict[str, Callable[[str, Any], Any]] = {  # list section -> one record's check
            "sessions": self._session,
            "checkins": lambda where, raw: _checkin(raw, where, self.now, self.claim, self.session_ref),
            "day_marks": self._day_mark,
            "function_ratings": self._function_rating,
            "program_files": self._program_file,
            "program_choices": self._program_choice,
            "break_events": lambda where, raw: _break_event(raw, where, self.now, self.claim),
            "activity_spans": self._activity_span,
            "removed": self._removal,
        }

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
            raise ImportFileError(f"{shown_key(key)}: is given twice")
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
        elif key in self.readers:
            read = self.readers[key]
            for i, raw in enumerate(_items(key, value)):
                yield key, read(f"{key}[{i}]", raw)
        else:
            raise ImportFileError(f"{shown_key(key)}: is not a known section")

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

    def _session(self, where: str, raw: Any) -> dict[str, Any]:
        record = _session(raw, where, self.now, self.claim)
        self.session_uuids.add(record["uuid"])
        return record

    def _removal(self, where: str, raw: Any) -> dict[str, Any]:
        record = _removal(raw, where, self.now)
        if record["uuid"] in self.removed_uuids:
            raise FieldError(f"{where}.uuid", f"is removed twice (also at {self.removed_uuids[record['uuid']]})")
        self.removed_uuids[record["uuid"]] = where
        return record

    def _program_file(self, where: str, raw: Any) -> dict[str, Any]:
        record = _program_file(raw, where, self.now)
        key = (record["program_id"], record["version"])
        if key in self.program_files:
            raise FieldError(
                f"{where}.version",
                f"version {key[1]} of {key[0]!r} is in the file twice (also at {self.program_files[key]})",
            )
        self.program_files[key] = where
        return record

    def _program_choice(self, where: str, raw: Any) -> dict[str, Any]:
        record = _program_choice(raw, where, self.now, self.claim)
        key = (record["program_id"], record["version"])
        if key not in self.known_programs:
            self.program_refs.append((key, where))  # perhaps a program file further down the file
        return record

    def _activity_span(self, where: str, raw: Any) -> dict[str, Any]:
        record = _activity_span(raw, where, self.now)
        start = record["started_at"]
        if start in self.span_starts:
            raise FieldError(f"{where}.started_at", f"is used twice in the file (also at {self.span_starts[start]})")
        self.span_starts[start] = where
        return record

    def _day_mark(self, where: str, raw: Any) -> dict[str, Any]:
        mark = _day_mark(raw, where, self.now, self.claim)
        if mark["day"] in self.mark_days:
            raise FieldError(f"{where}.day", f"{mark['day']} is already a rest day at {self.mark_days[mark['day']]}")
        self.mark_days[mark["day"]] = where
        return mark

    def _function_rating(self, where: str, raw: Any) -> dict[str, Any]:
        from stretchtui.core.function import week_of

        rating = _function_rating(raw, where, self.now, self.claim)
        key = (rating["activity"].casefold(), week_of(rating["day"]))
        if key in self.rated_weeks:
            raise FieldError(
                f"{where}.day", f"{rating['activity']!r} is rated twice in one week (also at {self.rated_weeks[key]})"
            )
        self.rated_weeks[key] = where
        return rating

    def finish(self) -> Iterator[tuple[str, Any]]:
        yield from self._waiting()
        for ident, where in self.removed_uuids.items():
            if ident in self.uuids:
                raise FieldError(f"{where}.uuid", f"is removed, but the file also holds it at {self.uuids[ident]}")
        for ident, where in self.session_refs:
            if ident not in self.session_uuids:
                raise FieldError(where, "names no session in the file or in this store")
        for (program, version), where in self.program_refs:
            if (program, version) not in self.program_files:
                raise FieldError(
                    f"{where}.version",
                    f"version {version} of {program!r} is not built in, not imported here, "
                    "and not in the file's program_files",
                )
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


class KnownPrograms(Container[tuple[str, int]]):
    """The program versions a choice may name besides those in the file: any version of a
    built-in one (a file from an older or newer stretchtui names the version it had; the seed
    files are the same everywhere), and each imported one here by id and version."""

    def __init__(self, builtin: Container[str], imported: Container[tuple[str, int]] = frozenset()) -> None:
        self.builtin, self.imported = builtin, imported

    def __contains__(self, item: object) -> bool:
        return isinstance(item, tuple) and (item[0] in self.builtin or item in self.imported)


class _Either(Container[str]):
    """In either container: the own exercises of the file, or the ids the store knows."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second
