"""Prescription files (issue 18): every built-in program and the worked example of
docs/program-format.md round-trip through the format; bad files are each refused in one line that
names the field path and what is wrong, and nothing is read past a size limit."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from stretchtui.core.library import load_library
from stretchtui.core.program_reading import ProgramFileError, load_builtin, parse_text, read_file, to_toml
from stretchtui.core.programs import MAX_FILE_BYTES, load_ladders

EXERCISES = dict(load_library().exercises)
LADDERS = load_ladders(EXERCISES)
DOC = Path(__file__).resolve().parent.parent / "docs" / "program-format.md"
EXAMPLE = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL).group(1)  # type: ignore[union-attr]


def test_every_built_in_program_round_trips_through_the_format() -> None:
    programs = load_builtin(EXERCISES, LADDERS)
    assert set(programs) == {"lower-back-starter", "desk-worker", "leg-symptoms", "mobility-to-strength"}
    for program in programs.values():
        assert parse_text(to_toml(program), EXERCISES, LADDERS) == program


def test_the_worked_example_parses_and_round_trips() -> None:
    program = parse_text(EXAMPLE, EXERCISES, LADDERS)
    assert (program.id, program.weeks, len(program.phase)) == ("knee-friendly-back", 4, 2)
    assert parse_text(to_toml(program), EXERCISES, LADDERS) == program


def changed(old: str, new: str) -> str:
    assert old in EXAMPLE, old
    return EXAMPLE.replace(old, new, 1)


BAD: dict[str, tuple[str, str]] = {
    "not-toml": ("format_version = 1\n[program\n", "is not valid TOML"),
    "no-format-version": (EXAMPLE.replace("format_version = 1\n", ""), "format_version: is missing"),
    "format-version-2": (changed("format_version = 1", "format_version = 2"), "format_version: must be 1, not 2"),
    "format-version-text": (
        changed("format_version = 1", 'format_version = "1"'),
        "format_version: must be 1, not '1'",
    ),
    "no-program": ("format_version = 1\n", "program: is missing: the file needs a [program] table"),
    "unknown-top-key": (EXAMPLE + "\nextra = 1\n", "extra: is not a known field"),
    "unknown-item-key": (
        changed('exercise = "pelvic-tilt"', 'exercise = "pelvic-tilt"\nweight_kg = 5'),
        "program.phase[0].item[1].weight_kg: is not a known field",
    ),
    "bad-id": (changed('id = "knee-friendly-back"', 'id = "Knee Friendly"'), "program.id: must be a lowercase slug"),
    "version-0": (changed("\nversion = 1", "\nversion = 0"), "program.version: must be between 1 and 9999, not 0"),
    "version-float": (changed("\nversion = 1", "\nversion = 1.5"), "program.version: must be a whole number"),
    "missing-name": (changed('name = "Knee-friendly back plan"\n', ""), "program.name: is missing"),
    "eight-sessions": (
        changed("sessions_per_week = 3", "sessions_per_week = 8"),
        "program.sessions_per_week: must be between 1 and 7, not 8",
    ),
    "no-phases": (EXAMPLE.split("[[program.phase]]")[0], "program.phase: is missing"),
    "thirteen-weeks": (changed("weeks = 2", "weeks = 13"), "program.phase[0].weeks: must be between 1 and 12, not 13"),
    "phase-without-items": (
        EXAMPLE.split("[[program.phase.item]]")[0] + "item = []\n",
        "program.phase[0].item: add at least one item",
    ),
    "phase-without-an-item-key": (EXAMPLE.split("[[program.phase.item]]")[0], "program.phase[0].item: is missing"),
    "both-exercise-and-ladder": (
        changed('exercise = "lower-trunk-rotation"', 'exercise = "lower-trunk-rotation"\nladder = "bridge"'),
        "program.phase[0].item[2]: give either exercise or ladder",
    ),
    "neither": (
        changed('exercise = "lower-trunk-rotation"', "sets = 1"),
        "program.phase[0].item[2]: give either exercise or ladder",
    ),
    "unknown-exercise": (
        changed('exercise = "lower-trunk-rotation"', 'exercise = "toe-touch-9000"'),
        "program.phase[0].item[2].exercise: 'toe-touch-9000' is not an exercise in the library",
    ),
    "unknown-ladder": (
        changed('ladder = "bridge"', 'ladder = "plank-ladder"'),
        "program.phase[1].item[1].ladder: 'plank-ladder' is not a ladder (there are: ",
    ),
    "rung-not-in-ladder": (
        changed('rung = "pelvic-tilt"', 'rung = "plank"'),
        "program.phase[1].item[1].rung: 'plank' is not a rung of ladder 'bridge'",
    ),
    "top-below-rung": (
        changed('rung = "pelvic-tilt"\ntop_rung = "bridge"', 'rung = "bridge"\ntop_rung = "pelvic-tilt"'),
        "program.phase[1].item[1].top_rung: 'pelvic-tilt' is below the starting rung 'bridge'",
    ),
    "rung-on-an-exercise": (
        changed('exercise = "lower-trunk-rotation"', 'exercise = "lower-trunk-rotation"\nrung = "bridge"'),
        "program.phase[0].item[2].rung: belongs to a ladder item",
    ),
    "reps-above-own": (
        changed("reps = 8", "reps = 80"),
        "program.phase[0].item[1].reps: must be at most 12 (Pelvic Tilt's own dose), not 80",
    ),
    "hold-on-a-reps-only-move": (
        changed("reps = 8", "reps = 8\nhold_seconds = 30"),
        "program.phase[0].item[1].hold_seconds: Pelvic Tilt has no hold in its own dose",
    ),
    "hold-above-own-walk": (
        changed("hold_seconds = 90", "hold_seconds = 600"),
        "program.phase[0].item[0].hold_seconds: must be at most 120 (Timed Walk's own dose), not 600",
    ),
    "negative-reps": (
        changed("reps = 8", "reps = -3"),
        "program.phase[0].item[1].reps: must be between 1 and 100, not -3",
    ),
    "step-percent-50": (
        changed("step_percent = 10", "step_percent = 50"),
        "program.progression.step_percent: must be between 5 and 25, not 50",
    ),
    "lowest-step-positive": (
        changed("lowest_step = -2", "lowest_step = 2"),
        "program.progression.lowest_step: must be between -5 and -1, not 2",
    ),
    "leg-pain-bad": (
        changed('leg_pain = "any"', 'leg_pain = "sometimes"'),
        "program.entry.leg_pain: 'sometimes' is not one of: any, needed, not-needed",
    ),
    "max-pain-9": (changed("max_pain = 5", "max_pain = 9"), "program.entry.max_pain: must be between 0 and 7, not 9"),
    "long-sitting-text": (
        changed("long_sitting = false", 'long_sitting = "no"'),
        "program.entry.long_sitting: must be true or false, not 'no'",
    ),
    "control-character": (
        changed('name = "Knee-friendly back plan"', 'name = "Knee\\u001b[31m plan"'),
        "program.name: ",
    ),
    "name-too-long": (
        changed('name = "Knee-friendly back plan"', f'name = "{"x" * 81}"'),
        "program.name: is 81 characters long; the limit is 80",
    ),
    "entry-not-a-table": (
        changed('[program.entry]\nmax_pain = 5\nleg_pain = "any"\nlong_sitting = false\n', 'entry = "anyone"\n'),
        "program.entry: must be a table",
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD.values()), ids=list(BAD))
def test_a_bad_file_is_refused_in_one_line_naming_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgramFileError) as refused:
        read_file(path, EXERCISES, LADDERS)
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    assert expected in message, message


def test_files_that_are_not_a_program_file(tmp_path: Path) -> None:
    def refused(path: Path) -> str:
        with pytest.raises(ProgramFileError) as error:
            read_file(path, EXERCISES, LADDERS)
        assert "\n" not in str(error.value)
        return str(error.value)

    assert refused(tmp_path / "missing.toml").endswith("missing.toml: no such file")
    assert refused(tmp_path).endswith(": is a folder, not a program file")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_FILE_BYTES, encoding="utf-8")
    assert "is over 256 KB; a program file is a few KB" in refused(big)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"format_version = 1\n\xff\xfe\x00")
    assert refused(binary).endswith(": is not UTF-8 text")
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert "format_version: is missing" in refused(empty)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.toml"
        os.mkfifo(fifo)
        assert "is not a regular file" in refused(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    assert "is not a regular file" in refused(zero)
