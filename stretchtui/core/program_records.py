"""The program records an export carries (format 4): an imported prescription's text, and the
choices a person made about their program. Their file fields, import rules, staging and CSV
columns and schema come from these definitions (core.records), as a session's do.

A choice may name an imported program, so its text travels with it and is checked on import as
`program import` checks a file (`carried_programs`). Built-in programs are seed files, the same on
every machine: never exported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime  # noqa: F401  (in the field annotations)
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeAlias  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.errors import FieldError
from stretchtui.core.model import MAX_NAME, SLUG_PATTERN, _rule  # noqa: F401  (in the field annotations)
from stretchtui.core.programs import MAX_FILE_BYTES, PROGRAMS_DIR
from stretchtui.core.sessions import Day, Instant, Uuid, Zone  # noqa: F401  (in the field annotations)

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

    from stretchtui.core.model import Exercise
    from stretchtui.core.programs import Program

ProgramId: TypeAlias = "Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]"
Version: TypeAlias = "Annotated[int, _rule(ge=1, le=9999)]"


class Choice(StrEnum):
    """What a person chose about their program: the only events the position depends on besides
    their record (core.program_replay replays them)."""

    START = "start"
    STOP = "stop"
    SWITCH = "switch"  # to another version of the same prescription
    LEAVE_FLARE = "leave-flare"


@dataclass(frozen=True, kw_only=True)
class ProgramFileRecord:
    """An imported prescription as the program_file table keeps it: the text that was checked, so
    `program export` writes back what came in. Its id and version are its identity (no uuid)."""

    program_id: ProgramId
    version: Version
    text: Annotated[str, _rule(max_length=MAX_FILE_BYTES, extra={"check": "program_text"})]
    at: Instant  # when it was imported
    zone: Zone


@dataclass(frozen=True, kw_only=True)
class ProgramChoiceRecord:
    """A start, stop, switch or leave-flare, as the program_choice table keeps it."""

    uuid: Uuid
    choice: Choice
    program_id: ProgramId
    version: Version
    at: Instant
    zone: Zone
    day: Day


def builtin_ids(seed_dir: Path | None = None) -> frozenset[str]:
    """The built-in programs' ids: their files' names (core.programs.load_builtin holds them to it)."""
    from stretchtui.core.library import default_seed_dir

    return frozenset(path.stem for path in ((seed_dir or default_seed_dir()) / PROGRAMS_DIR).glob("*.toml"))


class Carried(NamedTuple):
    """A carried prescription as it goes into the store: its text (own-exercise ids renamed as the
    import renamed those exercises) and the program, or None when it names an exercise this
    library does not have (kept as text, not offered, as the store keeps such a file)."""

    text: str
    program: Program | None


def carried_programs(
    files: Sequence[Mapping[str, Any]],
    exercises: Mapping[str, Exercise],
    seed_dir: Path | None = None,
    exercise_ids: Mapping[str, str] | None = None,
) -> list[Carried]:
    """The prescriptions of a file's `program_files` (in file order), each checked as `program
    import` checks one against this library: it parses, holds the id and version it is filed
    under, and that id is not a built-in's. `exercise_ids`: the file's own exercises' ids to their
    ids here, where the import renamed one, so a program keeps naming the move it was written
    for. A text that names a move missing here is kept unusable rather than refusing the file.
    FieldError naming `program_files[i]`."""
    from stretchtui.core.program_reading import parse_text
    from stretchtui.core.programs import load_ladders

    ladders = load_ladders(exercises, seed_dir)
    builtin = builtin_ids(seed_dir)
    carried = []
    for index, record in enumerate(files):
        where = f"program_files[{index}]"
        text = _renamed(record["text"], exercise_ids or {})
        program: Program | None
        try:
            program = parse_text(text, exercises, ladders)
        except FieldError as error:
            if not (
                error.message.endswith(MISSING_MOVE) and _filed_as(text) == (record["program_id"], record["version"])
            ):
                said = f"{error.field}: {error.message}" if error.field else error.message
                raise FieldError(f"{where}.text", said) from None
            program = None
        key = (record["program_id"], record["version"]) if program is None else program.key
        if key != (record["program_id"], record["version"]):
            assert program is not None
            raise FieldError(
                f"{where}.text",
                f"holds version {program.version} of {program.id!r}, "
                f"not version {record['version']} of {record['program_id']!r}",
            )
        if key[0] in builtin:
            raise FieldError(f"{where}.program_id", f"{key[0]!r} is a built-in program's id here")
        carried.append(Carried(text, program))
    return carried


MISSING_MOVE = "is not an exercise in the library"
"""How core.program_reading says a program names a move this library does not have."""


def _filed_as(text: str) -> tuple[object, object]:
    import tomllib

    try:
        data = tomllib.loads(text).get("program", {})
    except tomllib.TOMLDecodeError:
        return (None, None)
    return (data.get("id"), data.get("version")) if isinstance(data, dict) else (None, None)


def _renamed(text: str, exercise_ids: Mapping[str, str]) -> str:
    """`text` with the moves its items name renamed by `exercise_ids` (unchanged, comments and all,
    when none is)."""
    import tomllib

    renames = {old: new for old, new in exercise_ids.items() if old != new}
    if not renames:
        return text
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return text  # parse_text names what is wrong with it
    changed = False
    program = data.get("program")
    for phase in program.get("phase", []) if isinstance(program, dict) else []:
        for item in phase.get("item", []) if isinstance(phase, dict) else []:
            if isinstance(item, dict) and item.get("exercise") in renames:
                item["exercise"] = renames[item["exercise"]]
                changed = True
    if not changed:
        return text
    import tomli_w

    return "# renamed on import: own exercises whose ids were taken here\n" + tomli_w.dumps(
        data, multiline_strings=True
    )
