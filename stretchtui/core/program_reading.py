"""Reading and writing a prescription file (docs/program-format.md): `parse` reads the built-in
programs of `seed/programs/` and a physiotherapist's file alike, so the two can never drift, and
`to_toml` writes one back out. Every bad field is one line naming where it is and what is wrong
("phase[2].item[1].reps: must be between 0 and 12 (Bridge's own dose), not 20"). The records
themselves are core.programs'. Pure: no UI, no storage.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stretchtui.core.errors import FieldError, SeedError, UserError, shown
from stretchtui.core.model import Exercise
from stretchtui.core.programs import FORMAT_VERSION, MAX_FILE_BYTES, PROGRAMS_DIR, Item, Ladder, Phase, Program


class ProgramFileError(UserError):
    """A prescription file that cannot be used: one line naming the file, where and what."""


def read_file(path: Path, exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder]) -> Program:
    """A prescription file, checked; ProgramFileError (one line) if it is not a usable one."""
    return parse_file_text(path, read_text(path), exercises, ladders)


def read_text(path: Path) -> str:
    """A prescription file's text, read once and at most MAX_FILE_BYTES of it (the store keeps
    exactly the text that was checked). A UTF-8 byte order mark, as some Windows editors write
    one, is dropped. ProgramFileError for a folder, a pipe, a missing, huge or non-UTF-8 file."""
    import stat

    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):  # a pipe would block, a device never end
            raise ProgramFileError(f"{path}: is not a regular file (a pipe, a device or a socket)")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise ProgramFileError(f"{path}: is a folder, not a program file") from None
    except FileNotFoundError:
        raise ProgramFileError(f"{path}: no such file") from None
    except OSError as error:
        raise ProgramFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ProgramFileError(f"{path}: is over {MAX_FILE_BYTES // 1024} KB; a program file is a few KB")
    try:
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise ProgramFileError(f"{path}: is not UTF-8 text") from None


def parse_file_text(path: Path, text: str, exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder]) -> Program:
    """`parse_text` for the text of file `path`: a bad field is a ProgramFileError naming the file."""
    try:
        return parse_text(text, exercises, ladders)
    except FieldError as error:
        raise ProgramFileError(
            f"{path}: {error.field}: {error.message}" if error.field else f"{path}: {error.message}"
        ) from None


def parse_text(text: str, exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder]) -> Program:
    """A program from TOML text; FieldError names the first bad field (path from the top)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FieldError("", f"is not valid TOML ({error})") from None
    return parse(data, exercises, ladders)


def parse(data: Mapping[str, Any], exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder]) -> Program:
    """A program from parsed TOML: `format_version` and one [program] table."""
    from stretchtui.core import validation as v

    v.unknown(data, {"format_version", "program"})
    version = data.get("format_version")
    if version is None:
        raise FieldError("format_version", f"is missing; write format_version = {FORMAT_VERSION} at the top")
    if isinstance(version, bool) or not isinstance(version, int) or version != FORMAT_VERSION:
        raise FieldError("format_version", f"must be {FORMAT_VERSION}, not {shown(version)}")
    if "program" not in data:
        raise FieldError("program", "is missing: the file needs a [program] table")
    _missing(Program, data["program"], "program")
    phases = data["program"].get("phase") if isinstance(data["program"], Mapping) else None
    for p, phase in enumerate(phases if isinstance(phases, list) else ()):
        _missing(Phase, phase, f"program.phase[{p}]")
    program = v.check_record(Program, data["program"], "program", typed=True)
    for p, phase in enumerate(program.phase):
        for i, item in enumerate(phase.item):
            _check_item(item, f"program.phase[{p}].item[{i}]", exercises, ladders)
    return program


def _missing(cls: type, data: Any, path: str) -> None:
    """A required key left out is named as missing (not as a wrong value)."""
    from stretchtui.core import records

    if isinstance(data, Mapping):
        for spec in records.specs(cls):
            if spec.required and spec.file_name not in data:
                raise FieldError(f"{path}.{spec.file_name}", "is missing")


def _check_item(item: Item, path: str, exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder]) -> None:
    if (item.exercise is None) == (item.ladder is None):
        raise FieldError(path, "give either exercise or ladder (one of them)")
    if item.exercise is not None:
        if item.rung is not None or item.top_rung is not None:
            raise FieldError(
                f"{path}.{'rung' if item.rung else 'top_rung'}", "belongs to a ladder item; this one names an exercise"
            )
        if item.exercise not in exercises:
            raise FieldError(f"{path}.exercise", f"{item.exercise!r} is not an exercise in the library")
        first = exercises[item.exercise]
    else:
        assert item.ladder is not None
        ladder = ladders.get(item.ladder)
        if ladder is None:
            known = ", ".join(sorted(ladders))
            raise FieldError(f"{path}.ladder", f"{item.ladder!r} is not a ladder (there are: {known})")
        for key in ("rung", "top_rung"):
            value = getattr(item, key)
            if value is not None and value not in ladder.exercise_ids:
                raise FieldError(
                    f"{path}.{key}",
                    f"{value!r} is not a rung of ladder {ladder.id!r} ({', '.join(ladder.exercise_ids)})",
                )
        if item.rung and item.top_rung and ladder.index(item.top_rung) < ladder.index(item.rung):
            raise FieldError(f"{path}.top_rung", f"{item.top_rung!r} is below the starting rung {item.rung!r}")
        first_id = item.rung or ladder.exercise_ids[0]
        if first_id not in exercises:
            raise FieldError(f"{path}.rung", f"{first_id!r} is not an exercise in the library")
        first = exercises[first_id]
    own = first.dose
    if item.hold_seconds is not None and own.reps > 0 and own.hold_seconds > 0:
        # the dose moves by reps (core.program_plan); each rep keeps the library's own hold
        raise FieldError(
            f"{path}.hold_seconds",
            f"{first.name} is counted in reps, each held {own.hold_seconds} s; lower the reps instead, leave this out",
        )
    for key, limit, noun in (
        ("hold_seconds", own.hold_seconds, "hold"),
        ("reps", own.reps, "reps"),
        ("sets", own.sets, "sets"),
    ):
        value = getattr(item, key)
        if value is not None and value > limit:
            if limit == 0:
                raise FieldError(f"{path}.{key}", f"{first.name} has no {noun} in its own dose; leave it out")
            raise FieldError(f"{path}.{key}", f"must be at most {limit} ({first.name}'s own dose), not {value}")


def to_plain(program: Program) -> dict[str, Any]:
    from stretchtui.core import records

    return {"format_version": FORMAT_VERSION, "program": records.to_plain(program)}


def to_toml(program: Program) -> str:
    """The program as a prescription file; `parse_text` reads it back to the same program."""
    import tomli_w

    header = (
        f"# stretchtui program {program.id!r}, version {program.version}: the prescription format\n"
        "# (docs/program-format.md). Edit it, raise the version, and run: stretchtui program import FILE\n\n"
    )
    return header + tomli_w.dumps(to_plain(program), multiline_strings=True)


def load_builtin(
    exercises: Mapping[str, Exercise], ladders: Mapping[str, Ladder], seed_dir: Path | None = None
) -> dict[str, Program]:
    """The built-in programs of `seed/programs/`, by id; a broken one is a SeedError."""
    from stretchtui.core.library import default_seed_dir

    folder = (seed_dir or default_seed_dir()) / PROGRAMS_DIR
    programs: dict[str, Program] = {}
    for path in sorted(folder.glob("*.toml")):
        file = f"{PROGRAMS_DIR}/{path.name}"
        try:
            program = parse_text(path.read_text(encoding="utf-8"), exercises, ladders)
        except FieldError as error:
            raise SeedError(file, "", error.field, error.message) from None
        if program.id != path.stem:
            raise SeedError(file, program.id, "program.id", f"must match the file name ({path.stem!r})")
        programs[program.id] = program
    return programs
