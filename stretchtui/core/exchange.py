"""The export file format: validate a parsed file into a Bundle, and turn a Bundle back into plain data.

Pure rules, shared by `stretchtui export`, `stretchtui import` and the demo generator. The format
is documented in docs/export-format.md. Validation is complete before anything is written: every
error names the record and the field (`sessions[3].steps[2].outcome: ...`).
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from stretchtui.core import validation
from stretchtui.core.checkins import MAX_NOTE, Region
from stretchtui.core.errors import FieldError, UserError, shown
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.model import Exercise, Origin, Routine, plural
from stretchtui.core.serialize import routine_to_plain
from stretchtui.core.settings import BY_KEY as SETTING_SPECS
from stretchtui.core.suggest import MINUTES_CHOICES, PLACES

FORMAT_NAME = "stretchtui-export"
FORMAT_VERSION = 1
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
FUTURE_TOLERANCE = timedelta(minutes=5)  # another machine's clock may run a little ahead
MAX_SECONDS = 24 * 3600
MAX_STEPS = 2000
MAX_NAME = 200  # a session keeps the routine name it had; one-exercise sessions add a suffix


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
    exported_at: datetime | None = None
    app_version: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "exercises": len(self.exercises), "routines": len(self.routines), "sessions": len(self.sessions),
            "steps": sum(len(s["steps"]) for s in self.sessions), "checkins": len(self.checkins),
            "day_marks": len(self.day_marks), "settings": len(self.settings), "favourites": len(self.favourites),
        }


@dataclass
class ImportResult:
    """What an import added, what was already there, and ids that had to change."""

    added: Counter = field(default_factory=Counter)
    already_there: Counter = field(default_factory=Counter)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False

    def describe(self) -> list[str]:
        return describe_counts(self.added, self.already_there, self.renamed, dry_run=self.dry_run)


NOUNS = {  # counter key -> (one, many), in the order a summary lists them
    "sessions": ("session", "sessions"), "steps": ("step", "steps"), "checkins": ("check-in", "check-ins"),
    "day_marks": ("rest day", "rest days"), "exercises": ("own exercise", "own exercises"),
    "routines": ("own routine", "own routines"), "favourites": ("favourite", "favourites"),
    "settings": ("setting", "settings"),
}


def count_listing(counts: Mapping[str, int]) -> str:
    """'3 sessions, 12 steps, 1 check-in': the non-zero counts, in a fixed order."""
    return ", ".join(plural(counts[key], *NOUNS[key]) for key in NOUNS if counts.get(key))


def describe_counts(added: Counter, already_there: Counter, renamed: list[tuple[str, str]], *,
                    dry_run: bool) -> list[str]:
    listing = count_listing
    lines = [f"{'Would add' if dry_run else 'Added'}: {listing(added) or 'nothing new'}."]
    if sum(already_there.values()):
        lines.append(f"Already here, left as they are: {listing(already_there)}.")
    lines += [f"{'Would rename' if dry_run else 'Renamed'} {old} to {new}: that id is taken here."
              for old, new in renamed]
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
    if not isinstance(value, str) or len(value) > 40:
        raise FieldError(where, f"must be an ISO 8601 instant like '2026-11-21T08:30:00Z', not {shown(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(where, f"{shown(value)} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise FieldError(where, f"{shown(value)} has no UTC offset (add 'Z' or '+01:00')")
    parsed = parsed.astimezone(timezone.utc)
    if parsed < EARLIEST:
        raise FieldError(where, f"{value} is before the year 2000")
    if parsed > now + FUTURE_TOLERANCE:
        raise FieldError(where, f"{value} is in the future")
    return parsed


def _optional_instant(value: Any, where: str, now: datetime) -> datetime | None:
    return None if value is None else _instant(value, where, now)


def _day(value: Any, where: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise FieldError(where, f"must be a date like '2026-11-21', not {shown(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(where, f"{shown(value)} is not a date") from None


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
    def check(value: Any, where: str) -> str:
        if value not in allowed:
            raise FieldError(where, f"{shown(value)} is not one of: {', '.join(repr(a) for a in allowed)}")
        return value
    return check


def _text(limit: int, *, required: bool = True) -> Callable[[Any, str], str]:
    return lambda value, where: validation.text(value, where, required=required, limit=limit)


def _flag(value: Any, where: str) -> bool:
    return validation.boolean(value, where)


def _pain(value: Any, where: str) -> int:
    return _integer(0, 10)(value, where)


# Per record kind: column -> rule. Instants (`at`, `*_at`), zones and days are checked separately,
# because they need the clock and each other.
SESSION_RULES: dict[str, Callable[[Any, str], Any]] = {
    "routine_id": _optional(lambda v, w: validation.slug(v, w)),
    "routine_name": _text(MAX_NAME),
    "source": _one_of("live", "backfill"),
    "status": _one_of("in_progress", "complete", "partial", "discarded"),
    "planned_seconds": _integer(0, MAX_SECONDS),
    "active_seconds": lambda v, w: _number(v, w, 0, MAX_SECONDS),
    "pain_before": _optional(_pain),
    "pain_after": _optional(_pain),
}
STEP_RULES: dict[str, Callable[[Any, str], Any]] = {
    "step_index": _integer(0, MAX_STEPS),
    "exercise_id": lambda v, w: validation.slug(v, w),
    "exercise_name": _text(MAX_NAME),
    "set_number": _integer(1, validation.MAX_SETS),
    "side": _one_of("both", "left", "right"),
    "planned_hold_seconds": _integer(0, validation.MAX_HOLD),
    "actual_hold_seconds": lambda v, w: _number(v, w, 0, MAX_SECONDS),
    "planned_reps": _integer(0, validation.MAX_REPS),
    "reps_done": _integer(0, 10 * validation.MAX_REPS),
    "outcome": _one_of("done", "skipped", "hurt"),
    "hurt_pain": _optional(_pain),
}
CHECKIN_RULES: dict[str, Callable[[Any, str], Any]] = {
    "source": _one_of("app", "cli", "session"),
    "sitting_hours": _optional(lambda v, w: _half_hours(v, w)),
    "no_comfortable_position": _flag,
    "note": _text(MAX_NOTE, required=False),
}
PAIN_RULES: dict[str, Callable[[Any, str], Any]] = {
    "region": _one_of(*(r.value for r in Region)),
    "side": _one_of("", "left", "right"),
    "pain": _pain,
}


def _half_hours(value: Any, where: str) -> float:
    hours = _number(value, where, 0, 24)
    if hours * 2 != int(hours * 2):
        raise FieldError(where, f"must be in half hours (7 or 7.5), not {value}")
    return hours


def _fields(data: Any, where: str, rules: Mapping[str, Callable[[Any, str], Any]], extra: set[str],
            defaults: Mapping[str, Any] = {}) -> dict[str, Any]:
    """Apply `rules` to a record; `extra` names the fields the caller checks itself."""
    if not isinstance(data, Mapping):
        raise FieldError(where, f"must be an object, not {type(data).__name__}")
    unknown = sorted(set(data) - set(rules) - extra)
    if unknown:
        raise FieldError(f"{where}.{unknown[0]}", "is not a known field")
    result = {}
    for key, rule in rules.items():
        if key not in data and key not in defaults:
            raise FieldError(f"{where}.{key}", "is missing")
        result[key] = rule(data.get(key, defaults.get(key)), f"{where}.{key}")
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


# ---------------------------------------------------------------------- parsing a file


def loads(text: str | bytes) -> Any:
    """Parse JSON text, with a one-line error for a truncated, binary or malformed file."""
    if isinstance(text, bytes) and text.startswith(b"SQLite format 3\x00"):
        raise ImportFileError("an SQLite database, not an export file (to bring back a backup: stretchtui restore)")
    if isinstance(text, bytes) and b"\x00" in text[:4096]:
        raise ImportFileError("a binary file, not a JSON export file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                              "is the file complete?") from None
    except (UnicodeDecodeError, RecursionError, ValueError) as error:
        raise ImportFileError(f"not a JSON text file ({type(error).__name__})") from None


def parse_export(data: Any, *, now: datetime, known_exercise_ids: set[str] = frozenset(),
                 known_session_uuids: set[str] = frozenset()) -> Bundle:
    """Validate a parsed export file completely. `known_*` describe the store it goes into:
    built-in exercise ids a routine may use, sessions a check-in may point at."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT_NAME:
        raise ImportFileError(f"not a stretchtui export (no \"format\": \"{FORMAT_NAME}\" at the top)")
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportFileError(f"format_version: must be a whole number from 1, not {shown(version)}")
    if version > FORMAT_VERSION:
        raise ImportFileError(f"written by a newer stretchtui (format version {version}; this one reads up to "
                              f"{FORMAT_VERSION}): upgrade stretchtui to import it")
    known_top = {"format", "format_version", "app_version", "exported_at", "settings", "favourites",
                 "exercises", "routines", "sessions", "checkins", "day_marks"}
    unknown = sorted(set(data) - known_top)
    if unknown:
        raise ImportFileError(f"{unknown[0]}: is not a known section")
    try:
        return _parse(data, now, set(known_exercise_ids), set(known_session_uuids))
    except FieldError as error:
        raise ImportFileError(str(error)) from None


def _section(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise FieldError(key, f"must be a list, not {type(value).__name__}")
    return value


def _parse(data: Mapping[str, Any], now: datetime, known_exercises: set[str], known_sessions: set[str]) -> Bundle:
    bundle = Bundle(app_version=validation.text(data.get("app_version", ""), "app_version", required=False, limit=40))
    if data.get("exported_at") is not None:
        bundle.exported_at = _instant(data["exported_at"], "exported_at", now)
    bundle.settings = _settings(data.get("settings", {}))
    seen_uuids: dict[str, str] = {}

    def claim(value: Any, where: str) -> str:
        ident = _uuid(value, f"{where}.uuid")
        if ident in seen_uuids:
            raise FieldError(f"{where}.uuid", f"is used twice in the file (also at {seen_uuids[ident]})")
        seen_uuids[ident] = where
        return ident

    favourites = _section(data, "favourites")
    for i, ident in enumerate(favourites):
        validation.slug(ident, f"favourites[{i}]")
    if len(set(favourites)) != len(favourites):
        raise FieldError("favourites", "lists an exercise twice")
    bundle.favourites = list(favourites)

    own_ids: set[str] = set()
    for i, raw in enumerate(_section(data, "exercises")):
        where = f"exercises[{i}]"
        record = _own_exercise(raw, where, now, claim)
        if record.exercise.id in own_ids:
            raise FieldError(f"{where}.id", f"{record.exercise.id!r} is used twice in the file")
        own_ids.add(record.exercise.id)
        bundle.exercises.append(record)

    routine_ids: set[str] = set()
    for i, raw in enumerate(_section(data, "routines")):
        where = f"routines[{i}]"
        record = _own_routine(raw, where, now, claim, known_exercises | own_ids)
        if record.routine.id in routine_ids:
            raise FieldError(f"{where}.id", f"{record.routine.id!r} is used twice in the file")
        routine_ids.add(record.routine.id)
        bundle.routines.append(record)

    for i, raw in enumerate(_section(data, "sessions")):
        bundle.sessions.append(_session(raw, f"sessions[{i}]", now, claim))
    session_uuids = {s["uuid"] for s in bundle.sessions} | known_sessions
    for i, raw in enumerate(_section(data, "checkins")):
        bundle.checkins.append(_checkin(raw, f"checkins[{i}]", now, claim, session_uuids))
    mark_days: dict[date, str] = {}
    for i, raw in enumerate(_section(data, "day_marks")):
        where = f"day_marks[{i}]"
        mark = _day_mark(raw, where, now, claim)
        if mark["day"] in mark_days:
            raise FieldError(f"{where}.day", f"{mark['day']} is already a rest day at {mark_days[mark['day']]}")
        mark_days[mark["day"]] = where
        bundle.day_marks.append(mark)
    return bundle


def _settings(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise FieldError("settings", f"must be an object, not {type(raw).__name__}")
    result = {}
    for key, value in raw.items():
        where = f"settings.{key}" if isinstance(key, str) and len(key) <= 40 else "settings"
        rule = SETTING_RULES.get(key)
        if rule is None:
            raise FieldError(where, "is not a known setting")
        result[key] = rule(value, where)
    return result


def _spec_rule(key: str) -> Callable[[Any, str], Any]:
    spec = SETTING_SPECS[key]

    def check(value: Any, where: str) -> Any:
        if isinstance(spec.default, bool) != isinstance(value, bool):
            raise FieldError(where, f"{shown(value)} is not one of {', '.join(map(str, spec.choices)) or 'true, false'}")
        try:
            return spec.check(value)
        except FieldError as error:
            raise FieldError(where, error.message) from None
    return check


def _safety_answers(value: Any, where: str) -> dict[str, bool]:
    if not isinstance(value, Mapping) or len(value) > 20:
        raise FieldError(where, "must be an object of question ids and true/false")
    for key, answer in value.items():
        validation.slug(key, f"{where}.{key}" if isinstance(key, str) and len(key) <= 40 else where)
        validation.boolean(answer, f"{where}.{key}")
    return dict(value)


def _answered_at(value: Any, where: str) -> str:
    """When the safety questions were answered: an aware ISO 8601 instant (store.safety)."""
    if not isinstance(value, str) or len(value) > 40:
        raise FieldError(where, "must be an ISO 8601 time with an offset, like 2026-11-21T08:30:00+00:00")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(where, f"{shown(value)} is not an ISO 8601 time") from None
    if instant.tzinfo is None:
        raise FieldError(where, f"{shown(value)} has no offset (add +00:00 or Z)")
    return value


def _conditions(value: Any, where: str) -> list[str]:
    from stretchtui.core.vocabulary import Condition

    if not isinstance(value, list):
        raise FieldError(where, "must be a list of conditions")
    return sorted({validation.choice(item, Condition, f"{where}[{i}]").value for i, item in enumerate(value)})


SETTING_RULES: dict[str, Callable[[Any, str], Any]] = {
    **{key: _spec_rule(key) for key in SETTING_SPECS},
    "suggest_minutes": lambda v, w: _one_of_values(v, w, MINUTES_CHOICES),
    "suggest_place": lambda v, w: _one_of_values(v, w, PLACES),
    "theme": lambda v, w: validation.text(v, w, limit=40),
    "safety_answers": _safety_answers,
    "safety_answered_at": _answered_at,
    "conditions": _conditions,
}
EXPORTED_SETTINGS = frozenset(SETTING_RULES)  # internal keys (the seed digest) stay behind


def _one_of_values(value: Any, where: str, allowed: tuple[Any, ...]) -> Any:
    if isinstance(value, bool) or value not in allowed:
        raise FieldError(where, f"{shown(value)} is not one of {', '.join(map(str, allowed))}")
    return value


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


def _own_routine(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str],
                 exercise_ids: set[str]) -> OwnRoutine:
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
    record = _fields(raw, where, SESSION_RULES, {"uuid", "started_at", "zone", "day", "ended_at", "steps"},
                     defaults={"source": "live", "planned_seconds": 0, "active_seconds": 0,
                               "pain_before": None, "pain_after": None, "routine_id": None})
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
        step = _fields(step_raw, step_where, STEP_RULES, {"uuid", "at", "zone", "day"},
                       defaults={"set_number": 1, "side": "both", "planned_hold_seconds": 0,
                                 "actual_hold_seconds": 0, "planned_reps": 0, "reps_done": 0, "hurt_pain": None})
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


def _checkin(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str],
             session_uuids: set[str]) -> dict[str, Any]:
    record = _fields(raw, where, CHECKIN_RULES, {"uuid", "at", "zone", "day", "pains", "session_uuid"},
                     defaults={"source": "app", "sitting_hours": None, "no_comfortable_position": False, "note": ""})
    record["uuid"] = claim(raw.get("uuid"), where)
    record.update(_when(raw, where, now))
    session = raw.get("session_uuid")
    if session is not None:
        session = _uuid(session, f"{where}.session_uuid")
        if session not in session_uuids:
            raise FieldError(f"{where}.session_uuid", "names no session in the file or in this store")
    record["session_uuid"] = session
    pains_raw = raw.get("pains", [])
    if not isinstance(pains_raw, list) or len(pains_raw) > 20:
        raise FieldError(f"{where}.pains", "must be a list of at most 20 readings")
    pains, places = [], set()
    for j, pain_raw in enumerate(pains_raw):
        pain = _fields(pain_raw, f"{where}.pains[{j}]", PAIN_RULES, set(), defaults={"side": ""})
        if (pain["region"], pain["side"]) in places:
            raise FieldError(f"{where}.pains[{j}].region", "this region and side appear twice")
        places.add((pain["region"], pain["side"]))
        pains.append(pain)
    if not pains and record["sitting_hours"] is None and not record["note"] and not record["no_comfortable_position"]:
        raise FieldError(where, "an empty check-in: no pain, sitting hours, note or position")
    record["pains"] = pains
    return record


def _day_mark(raw: Any, where: str, now: datetime, claim: Callable[[Any, str], str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"must be an object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - {"uuid", "day", "kind", "at", "zone"})
    if unknown:
        raise FieldError(f"{where}.{unknown[0]}", "is not a known field")
    for key in ("day", "at", "zone"):
        if key not in raw:
            raise FieldError(f"{where}.{key}", "is missing")
    record = {"uuid": claim(raw.get("uuid"), where), "kind": _one_of("rest")(raw.get("kind", "rest"), f"{where}.kind")}
    record["at"] = _instant(raw["at"], f"{where}.at", now)
    record["zone"] = _zone(raw["zone"], f"{where}.zone")
    record["day"] = _day(raw["day"], f"{where}.day")
    if record["day"] > record["at"].astimezone(ZoneInfo(record["zone"])).date():
        raise FieldError(f"{where}.day", f"{record['day']} is after the day it was marked")
    if record["day"] < EARLIEST.date():
        raise FieldError(f"{where}.day", f"{record['day']} is before the year 2000")
    return record


# ---------------------------------------------------------------------- writing a file


def _instant_text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat(timespec="microseconds").replace(
        "+00:00", "Z")


def exercise_to_plain(ex: Exercise) -> dict[str, Any]:
    """Every field of an own exercise, in the shape `validation.exercise` reads back."""
    return {
        "id": ex.id, "name": ex.name, "aliases": list(ex.aliases), "areas": [a.value for a in ex.areas],
        "kind": ex.kind.value, "position": ex.position.value, "equipment": [e.value for e in ex.equipment],
        "desk_friendly": ex.desk_friendly, "intensity": ex.intensity,
        "dose": {"hold_seconds": ex.dose.hold_seconds, "reps": ex.dose.reps, "sets": ex.dose.sets,
                 "sides": ex.dose.sides.value, "pace_seconds": ex.dose.pace_seconds,
                 "rest_seconds": ex.dose.rest_seconds},
        "steps": list(ex.steps), "feel": ex.feel, "cautions": list(ex.cautions), "sources": list(ex.sources),
        "breathing": ex.breathing, "note": ex.note,
        "contraindications": {c.value: why for c, why in ex.contraindications},
    }


def _event_to_plain(record: Mapping[str, Any]) -> dict[str, Any]:
    plain = {}
    for key, value in record.items():
        if isinstance(value, datetime):
            plain[key] = _instant_text(value)
        elif isinstance(value, date):
            plain[key] = value.isoformat()
        else:
            plain[key] = value
    return plain


def to_plain(bundle: Bundle, *, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """The file's content as plain JSON data (see docs/export-format.md)."""
    routines = []
    for own in bundle.routines:
        plain = routine_to_plain(own.routine)
        plain.pop("origin")
        routines.append({"uuid": own.routine.uuid, **plain, "description": own.routine.description,
                         "sources": list(own.routine.sources), "created_at": _instant_text(own.created_at),
                         "updated_at": _instant_text(own.updated_at)})
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "exported_at": _instant_text(exported_at),
        "settings": {key: bundle.settings[key] for key in sorted(bundle.settings)},
        "favourites": sorted(bundle.favourites),
        "exercises": [{"uuid": own.exercise.uuid, **exercise_to_plain(own.exercise),
                       "favourite": own.exercise.favourite, "created_at": _instant_text(own.created_at),
                       "updated_at": _instant_text(own.updated_at)} for own in bundle.exercises],
        "routines": routines,
        "sessions": [{**_event_to_plain({k: v for k, v in s.items() if k != "steps"}),
                      "steps": [_event_to_plain(step) for step in s["steps"]]} for s in bundle.sessions],
        "checkins": [{**_event_to_plain({k: v for k, v in c.items() if k != "pains"}),
                      "pains": [dict(p) for p in c["pains"]]} for c in bundle.checkins],
        "day_marks": [_event_to_plain(mark) for mark in bundle.day_marks],
    }


# One CSV file per table; nested lists become their own tables, joined by uuid.
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "sessions": ("uuid", "routine_id", "routine_name", "source", "status", "started_at", "zone", "day", "ended_at",
                 "planned_seconds", "active_seconds", "pain_before", "pain_after"),
    "steps": ("uuid", "session_uuid", "step_index", "exercise_id", "exercise_name", "set_number", "side",
              "planned_hold_seconds", "actual_hold_seconds", "planned_reps", "reps_done", "outcome", "hurt_pain",
              "at", "zone", "day"),
    "checkins": ("uuid", "at", "zone", "day", "source", "sitting_hours", "no_comfortable_position", "note",
                 "session_uuid"),
    "checkin_pains": ("checkin_uuid", "region", "side", "pain"),
    "day_marks": ("uuid", "day", "kind", "at", "zone"),
    "exercises": ("uuid", "id", "name", "kind", "position", "areas", "intensity", "hold_seconds", "reps", "sets",
                  "sides", "steps", "cautions", "favourite", "created_at", "updated_at"),
    "routines": ("uuid", "id", "name", "rest_between_seconds", "items", "created_at", "updated_at"),
    "settings": ("key", "value"),
}


def csv_rows(plain: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The plain export as flat rows per CSV table (lists are joined with ' | ')."""
    def flat(value: Any) -> Any:
        if isinstance(value, list):
            return " | ".join(str(v) if not isinstance(v, dict) else v.get("exercise", "") for v in value)
        if isinstance(value, bool):
            return int(value)
        return "" if value is None else value

    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in CSV_TABLES}
    for session in plain["sessions"]:
        tables["sessions"].append({k: flat(session.get(k)) for k in CSV_TABLES["sessions"]})
        for step in session["steps"]:
            tables["steps"].append({k: flat(step.get(k)) for k in CSV_TABLES["steps"]} | {"session_uuid": session["uuid"]})
    for checkin in plain["checkins"]:
        tables["checkins"].append({k: flat(checkin.get(k)) for k in CSV_TABLES["checkins"]})
        for pain in checkin["pains"]:
            tables["checkin_pains"].append({"checkin_uuid": checkin["uuid"], **pain})
    tables["day_marks"] = [{k: flat(m.get(k)) for k in CSV_TABLES["day_marks"]} for m in plain["day_marks"]]
    for ex in plain["exercises"]:
        row = {**ex, **ex["dose"]}
        tables["exercises"].append({k: flat(row.get(k)) for k in CSV_TABLES["exercises"]})
    tables["routines"] = [{k: flat(r.get(k)) for k in CSV_TABLES["routines"]} for r in plain["routines"]]
    tables["settings"] = [{"key": k, "value": json.dumps(v)} for k, v in plain["settings"].items()]
    return tables
