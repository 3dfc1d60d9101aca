"""Program files (issue 18), checked from the outside: every built-in program and the worked example
of docs/program-format.md go through the format and back unchanged, the reference's ladder list
and number ranges match the code, and each bad file is refused by `read_file` in one line of the
form `PATH: FIELD: MESSAGE` with the exact field path.

The bad files each break one thing in BASE, a small program of its own (not the doc's example),
so the cases keep their field paths when the doc changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from stretchtui.core import records
from stretchtui.core.library import load_library
from stretchtui.core.program_reading import ProgramFileError, load_builtin, parse_text, read_file, read_text, to_toml
from stretchtui.core.programs import MAX_FILE_BYTES, Entry, Item, Phase, Program, Progression, load_ladders

EXERCISES = dict(load_library().exercises)
LADDERS = load_ladders(EXERCISES)
BUILTIN = load_builtin(EXERCISES, LADDERS)
DOC = Path(__file__).resolve().parent.parent / "docs" / "program-format.md"


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def doc_example() -> str:
    """The first ```toml block of the reference: its worked example."""
    found = re.search(r"^```toml\n(.*?)^```", doc_text(), re.DOTALL | re.MULTILINE)
    assert found is not None, f"{DOC} has no ```toml block"
    return found.group(1)


# ---------------------------------------------------------------------------- good files


@pytest.mark.parametrize("program_id", sorted(BUILTIN))
def test_a_built_in_program_round_trips(program_id: str) -> None:
    program = BUILTIN[program_id]
    text = to_toml(program)
    assert parse_text(text, EXERCISES, LADDERS) == program
    assert to_toml(parse_text(text, EXERCISES, LADDERS)) == text  # written out the same way again


def test_there_are_built_in_programs_to_round_trip() -> None:
    assert len(BUILTIN) >= 4, sorted(BUILTIN)


def test_the_worked_example_in_the_reference_parses(tmp_path: Path) -> None:
    example = doc_example()
    program = parse_text(example, EXERCISES, LADDERS)
    assert len(program.phase) == 2
    assert program.id not in BUILTIN  # an own program: `program import` would take it
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    assert read_file(path, EXERCISES, LADDERS) == program
    assert parse_text(to_toml(program), EXERCISES, LADDERS) == program


def test_a_byte_order_mark_is_read_past_and_not_kept(tmp_path: Path) -> None:
    """Some Windows editors start a UTF-8 file with a byte order mark: the file reads as without it."""
    path = raw(b"\xef\xbb\xbf" + BASE.encode("utf-8"))(tmp_path)
    assert read_file(path, EXERCISES, LADDERS) == parse_text(BASE, EXERCISES, LADDERS)
    assert read_text(path) == BASE


def test_the_reference_lists_every_ladder_with_its_rungs_in_order() -> None:
    rows = {}
    for line in doc_text().splitlines():
        ids = re.findall(r"`([a-z0-9-]+)`", line)
        if line.startswith("| `") and ids and ids[0] in LADDERS:
            rows[ids[0]] = tuple(ids[1:])
    assert rows == {ladder.id: ladder.exercise_ids for ladder in LADDERS.values()}


@pytest.mark.parametrize("cls", [Program, Entry, Progression, Phase, Item], ids=lambda c: c.__name__)
def test_the_reference_gives_each_number_its_range_and_default(cls: type) -> None:
    """Every whole-number key has a table row naming its range as the annotations declare it
    (`1-12` or `-5 to -1`) and its default when it has one."""
    lines = doc_text().splitlines()
    for spec in records.specs(cls):
        ge, le = getattr(spec.type, "ge", None), getattr(spec.type, "le", None)
        if ge is None or le is None:
            continue
        row = next((line for line in lines if line.startswith(f"| `{spec.file_name}` |")), None)
        assert row is not None, f"no row for {spec.file_name}"
        assert f"{ge}-{le}" in row or f"{ge} to {le}" in row, row
        if not spec.required and spec.default is not None:
            assert f"default {spec.default}" in row, row


# ---------------------------------------------------------------------------- bad files

BASE = """\
format_version = 1

[program]
id = "test-plan"
version = 1
name = "Test plan"
summary = "A small plan that each bad file below breaks in one place."
written_by = "A. Physio"
sources = ["NICE NG59"]
sessions_per_week = 3

[program.entry]
max_pain = 5
leg_pain = "any"

[program.progression]
step_percent = 10

[[program.phase]]
name = "Start"
weeks = 2
goal = "Move gently."
advance_after_calm = 3

[[program.phase.item]]
exercise = "pelvic-tilt"
reps = 8

[[program.phase.item]]
exercise = "timed-walk"

[[program.phase]]
name = "Climb"
weeks = 2
goal = "From the pelvic tilt to the bridge."

[[program.phase.item]]
ladder = "bridge"
rung = "pelvic-tilt"
top_rung = "bridge"
"""

PHASE_1 = BASE[BASE.index("[[program.phase]]") : BASE.index('[[program.phase]]\nname = "Climb"')]
NO_PHASES = BASE[: BASE.index("[[program.phase]]")]
PHASE_2_ITEM = '[[program.phase.item]]\nladder = "bridge"\nrung = "pelvic-tilt"\ntop_rung = "bridge"\n'

Writer = Callable[[Path], Path]  # makes the thing to read in tmp_path, returns its path


def edit(old: str, new: str) -> str:
    """BASE with `old` (there exactly once) replaced by `new`."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def text(content: str) -> Writer:
    return raw(content.encode("utf-8"))


def raw(content: bytes) -> Writer:
    def write(folder: Path) -> Path:
        path = folder / "plan.toml"
        path.write_bytes(content)
        return path

    return write


def a_folder(folder: Path) -> Path:
    (folder / "plan.toml").mkdir()
    return folder / "plan.toml"


def nothing(folder: Path) -> Path:
    return folder / "plan.toml"


def case(id_: str, writer: Writer, field: str, part: str) -> object:
    """A bad file: `field` is the exact path the message names ("" for the file as a whole) and
    `part` a piece of what it says."""
    return pytest.param(writer, field, part, id=id_)


ITEM_0 = "program.phase[0].item[0]"
LADDER_ITEM = "program.phase[1].item[0]"

BAD = [
    # the file as a whole
    case("not-toml", text("format_version = 1\n[program\n"), "", "is not valid TOML ("),
    case("over-256-kb", text("# " + "x" * MAX_FILE_BYTES + "\n" + BASE), "", "is over 256 KB; a program file is"),
    case("a-folder", a_folder, "", "is a folder, not a program file"),
    case("missing-file", nothing, "", "no such file"),
    case("not-utf-8", raw(BASE.encode("utf-8").replace(b"Test plan", b"Test pl\xe4n")), "", "is not UTF-8 text"),
    # the top level
    case("empty-file", text(""), "format_version", "is missing; write format_version = 1 at the top"),
    case("no-format-version", text(edit("format_version = 1\n", "")), "format_version", "is missing"),
    case(
        "format-version-2", text(edit("format_version = 1", "format_version = 2")), "format_version", "must be 1, not 2"
    ),
    case(
        "format-version-text",
        text(edit("format_version = 1", 'format_version = "1"')),
        "format_version",
        "must be 1, not '1'",
    ),
    case("no-program", text("format_version = 1\n"), "program", "is missing: the file needs a [program] table"),
    case("program-not-a-table", text('format_version = 1\nprogram = "mine"\n'), "program", "must be a [program] table"),
    case(
        "unknown-top-key",
        text(edit("\n[program]\n", '\nauthor = "me"\n\n[program]\n')),
        "author",
        "is not a known field",
    ),
    # [program]
    case(
        "unknown-program-key",
        text(edit("sessions_per_week = 3\n", "sessions_per_week = 3\ncolour = 'red'\n")),
        "program.colour",
        "is not a known field",
    ),
    case(
        "bad-id-slug",
        text(edit('id = "test-plan"', 'id = "Test Plan"')),
        "program.id",
        "must be a lowercase slug like 'cat-cow', not 'Test Plan'",
    ),
    case(
        "version-0",
        text(edit("\nversion = 1\n", "\nversion = 0\n")),
        "program.version",
        "must be between 1 and 9999, not 0",
    ),
    case("missing-name", text(edit('name = "Test plan"\n', "")), "program.name", "is missing"),
    case(
        "sessions-per-week-8",
        text(edit("sessions_per_week = 3", "sessions_per_week = 8")),
        "program.sessions_per_week",
        "must be between 1 and 7, not 8",
    ),
    case(
        "sources-not-a-list",
        text(edit('sources = ["NICE NG59"]', 'sources = "NICE NG59"')),
        "program.sources",
        "must be a list of text, not str",
    ),
    case(
        "control-character",
        text(edit('name = "Test plan"', 'name = "Test\\u001b[31m plan"')),
        "program.name",
        "holds ESC (U+001B) at character 5",
    ),
    case(
        "newline-in-a-goal",
        text(edit('goal = "Move gently."', 'goal = """Move\ngently."""')),
        "program.phase[0].goal",
        "holds newline (U+000A)",
    ),
    # [program.entry] and [program.progression]
    case(
        "max-pain-9",
        text(edit("max_pain = 5", "max_pain = 9")),
        "program.entry.max_pain",
        "must be between 0 and 7, not 9",
    ),
    case(
        "leg-pain-bad-value",
        text(edit('leg_pain = "any"', 'leg_pain = "sometimes"')),
        "program.entry.leg_pain",
        "'sometimes' is not one of: any, needed, not-needed",
    ),
    case(
        "step-percent-50",
        text(edit("step_percent = 10", "step_percent = 50")),
        "program.progression.step_percent",
        "must be between 5 and 25, not 50",
    ),
    # [[program.phase]]
    case("no-phases", text(NO_PHASES), "program.phase", "is missing"),
    case(
        "empty-phase-list",
        text(NO_PHASES.replace("sessions_per_week = 3\n", "sessions_per_week = 3\nphase = []\n")),
        "program.phase",
        "add at least one phase",
    ),
    case(
        "weeks-13",
        text(edit('weeks = 2\ngoal = "Move', 'weeks = 13\ngoal = "Move')),
        "program.phase[0].weeks",
        "must be between 1 and 12, not 13",
    ),
    case(
        "missing-weeks",
        text(edit('weeks = 2\ngoal = "From', 'goal = "From')),
        "program.phase[1].weeks",
        "is missing",
    ),
    case(
        "advance-after-calm-21",
        text(edit("advance_after_calm = 3", "advance_after_calm = 21")),
        "program.phase[0].advance_after_calm",
        "must be between 0 and 20, not 21",
    ),
    case(
        "empty-item-list",
        text(edit(PHASE_2_ITEM, "item = []\n")),
        "program.phase[1].item",
        "add at least one item",
    ),
    # [[program.phase.item]]
    case(
        "unknown-item-key",
        text(edit("reps = 8\n", "reps = 8\nweight_kg = 5\n")),
        f"{ITEM_0}.weight_kg",
        "is not a known field",
    ),
    case(
        "both-exercise-and-ladder",
        text(edit('exercise = "pelvic-tilt"', 'exercise = "pelvic-tilt"\nladder = "bridge"')),
        ITEM_0,
        "give either exercise or ladder (one of them)",
    ),
    case(
        "neither-exercise-nor-ladder",
        text(edit('exercise = "pelvic-tilt"\n', "")),
        ITEM_0,
        "give either exercise or ladder",
    ),
    case(
        "unknown-exercise",
        text(edit('exercise = "pelvic-tilt"', 'exercise = "toe-touch-9000"')),
        f"{ITEM_0}.exercise",
        "'toe-touch-9000' is not an exercise in the library",
    ),
    case(
        "unknown-ladder",
        text(edit('ladder = "bridge"', 'ladder = "plank-ladder"')),
        f"{LADDER_ITEM}.ladder",
        "'plank-ladder' is not a ladder (there are: bridge, four-point, hamstring, hip-flexor, plank)",
    ),
    case(
        "rung-not-in-ladder",
        text(edit('rung = "pelvic-tilt"', 'rung = "plank"')),
        f"{LADDER_ITEM}.rung",
        "'plank' is not a rung of ladder 'bridge' (pelvic-tilt, bridge, single-leg-bridge)",
    ),
    case(
        "top-rung-below-rung",
        text(edit('rung = "pelvic-tilt"\ntop_rung = "bridge"', 'rung = "bridge"\ntop_rung = "pelvic-tilt"')),
        f"{LADDER_ITEM}.top_rung",
        "'pelvic-tilt' is below the starting rung 'bridge'",
    ),
    case(
        "rung-on-an-exercise-item",
        text(edit('exercise = "timed-walk"', 'exercise = "timed-walk"\nrung = "bridge"')),
        "program.phase[0].item[1].rung",
        "belongs to a ladder item; this one names an exercise",
    ),
    case(
        "reps-above-own-dose",
        text(edit("reps = 8", "reps = 20")),
        f"{ITEM_0}.reps",
        "must be at most 12 (Pelvic Tilt's own dose), not 20",
    ),
    case(
        "reps-above-the-starting-rung",
        text(edit('top_rung = "bridge"\n', 'top_rung = "bridge"\nreps = 13\n')),
        f"{LADDER_ITEM}.reps",
        "must be at most 12 (Pelvic Tilt's own dose), not 13",
    ),
    case(
        "hold-on-a-rep-only-move",
        text(edit("reps = 8", "reps = 8\nhold_seconds = 30")),
        f"{ITEM_0}.hold_seconds",
        "Pelvic Tilt has no hold in its own dose; leave it out",
    ),
    case(
        "reps-on-a-hold-only-move",
        text(edit('exercise = "timed-walk"', 'exercise = "timed-walk"\nreps = 5')),
        "program.phase[0].item[1].reps",
        "Timed Walk has no reps in its own dose; leave it out",
    ),
    case("reps-0", text(edit("reps = 8", "reps = 0")), f"{ITEM_0}.reps", "must be between 1 and 100, not 0"),
    # limits of a list of tables, and the types a file must write
    case(
        "eleven-items",
        text(BASE + '\n[[program.phase.item]]\nexercise = "cat-cow"\n' * 10),
        "program.phase[1].item",
        "the limit is 10",
    ),
    case(
        "nine-phases",
        text(BASE + PHASE_1 * 7),
        "program.phase",
        "the limit is 8",
    ),
    case(
        "phases-given-as-text",
        text(NO_PHASES.replace("sessions_per_week = 3\n", 'sessions_per_week = 3\nphase = "warm-up"\n')),
        "program.phase",
        "not str",
    ),
    case(
        "format-version-true",
        text(edit("format_version = 1", "format_version = true")),
        "format_version",
        "not true",
    ),
    case(
        "weeks-in-quotes",
        text(edit('weeks = 2\ngoal = "Move', 'weeks = "2"\ngoal = "Move')),
        "program.phase[0].weeks",
        "must be a whole number",
    ),
    case(
        "hold-on-a-move-counted-in-held-reps",
        text(BASE + '\n[[program.phase.item]]\nexercise = "bridge"\nhold_seconds = 2\n'),
        "program.phase[1].item[1].hold_seconds",
        "Bridge is counted in reps, each held 3 s; lower the reps instead",
    ),
]


@pytest.mark.parametrize(("writer", "field", "part"), BAD)
def test_a_bad_file_is_refused_in_one_line_naming_the_field(
    tmp_path: Path, writer: Writer, field: str, part: str
) -> None:
    path = writer(tmp_path)
    with pytest.raises(ProgramFileError) as refused:
        read_file(path, EXERCISES, LADDERS)
    message = str(refused.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{path}: "), message
    said = message.removeprefix(f"{path}: ")
    if field:
        assert said.startswith(f"{field}: "), f"expected the field {field!r}: {message}"
        said = said.removeprefix(f"{field}: ")
    assert part in said, message


def test_the_bad_files_are_distinct() -> None:
    ids = [param.id for param in BAD]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids))
    assert len([p for p in BAD if not p.marks]) >= 24  # type: ignore[attr-defined]
