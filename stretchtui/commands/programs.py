"""`stretchtui program`: multi-week programs (core.programs, core.program_replay).

program [list]          the programs: built-in and imported
program show ID         one program: phases, moves and doses, entry and progress rules
program start ID        start it (or switch to its newest version) from today
program stop            stop following it (your record stays)
program status          where you are, today's session and the program's history
program resume          leave flare mode: back to the program, one step lower
program import FILE     check a prescription file and keep it
program export ID       write a program back out as a prescription file (--output FILE)
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, TYPE_CHECKING, Any

from stretchtui.commands.common import (
    CliError,
    Parser,
    action_word,
    json_flag,
    opened_store,
    output_file_arguments,
    print_json,
)
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path

if TYPE_CHECKING:
    from stretchtui.core.model import Exercise
    from stretchtui.core.program_state import ProgramDay, ProgramState
    from stretchtui.core.programs import Catalogue, Ladder, Program

ACTIONS = ("list", "show", "start", "stop", "status", "resume", "import", "export")
NEEDS = {"show": "ID", "start": "ID", "import": "FILE", "export": "ID"}


def _arguments(parser: Parser) -> None:
    action_word(parser, "action", ACTIONS, f"what to do: {', '.join(ACTIONS)} (default: list)", default="list")
    parser.add_argument("target", nargs="?", metavar="ID|FILE", help="the program's id, or the file to import")
    output_file_arguments(
        parser, output="export: write to FILE instead of the terminal", force="export: replace FILE if it exists"
    )
    json_flag(parser)


def cmd_program(args: argparse.Namespace) -> int:
    action, target = args.action, args.target
    if action in NEEDS and not target:
        raise CliError(f"program {action}: give the {NEEDS[action]} (see: stretchtui program list)")
    if action not in NEEDS and target:
        raise CliError(f"program {action}: takes no {target!r}")
    if (args.output or args.force) and action != "export":
        raise CliError(f"program {action}: --output and --force are for export only")
    return HANDLERS[action](args)


def _say(text: str = "") -> None:
    """A line in what the output can carry: ASCII stand-ins for our own symbols (core.glyphs)."""
    from stretchtui.core.glyphs import glyphs_for

    print(glyphs_for(sys.stdout.encoding).prose(text))


# ---------------------------------------------------------------------------- reading


def _no_database(args: argparse.Namespace) -> bool:
    """No database yet: the built-in programs are read from the seed files, and nothing is created
    until a choice is made (a bad id or file creates nothing)."""
    return not resolve_db_path(args.db).exists()


def seed_catalogue() -> Catalogue:
    from stretchtui.core import program_reading as reading
    from stretchtui.core import programs as p
    from stretchtui.core.library import load_library

    exercises = dict(load_library().exercises)
    ladders = p.load_ladders(exercises)
    return p.Catalogue(exercises, ladders, reading.load_builtin(exercises, ladders), {}, {})


def _catalogue(args: argparse.Namespace) -> Catalogue:
    if _no_database(args):
        return seed_catalogue()
    with opened_store(args, reads_only=True) as store:
        return store.programs.catalogue()


def _list(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today

    if _no_database(args):
        catalogue, state = seed_catalogue(), None
    else:
        with opened_store(args, reads_only=True) as store:
            catalogue = store.programs.catalogue()
            state = store.programs.state(today(store.clock, store.settings.day_start_hour()), catalogue)
    current = state.program.id if state else None
    programs = catalogue.programs()
    if args.json:
        print_json(
            [{**_summary(p), "built_in": p.id in catalogue.builtin, "current": p.id == current} for p in programs]
        )
        return 0
    width = max(len(p.id) for p in programs)
    for program in programs:
        mark = "*" if program.id == current else " "
        own = "" if program.id in catalogue.builtin else f" (yours, v{program.version})"
        _say(f"{mark} {program.id:<{width}}  {program.weeks} wk, {program.sessions_per_week}/wk  {program.name}{own}")
    _say("\nSee one with: stretchtui program show ID; start it with: stretchtui program start ID")
    return 0


def _summary(program: Program) -> dict[str, Any]:
    return {
        "id": program.id,
        "version": program.version,
        "name": program.name,
        "summary": program.summary,
        "weeks": program.weeks,
        "sessions_per_week": program.sessions_per_week,
    }


def describe_item(item: Any, program: Program, ladders: dict[str, Ladder], exercises: dict[str, Exercise]) -> str:
    """'Bridge ladder: Pelvic Tilt → Bridge, 12 reps' (a phase's item at step 0, as written)."""
    from stretchtui.core.program_plan import item_dose, routine_item
    from stretchtui.core.programs import rungs, start_rung

    dose = item_dose(item, 0, program, ladders, exercises)
    exercise = exercises[dose.exercise_id]
    amount = routine_item(dose, exercises).dose_for(exercise).describe()
    if item.ladder is None:
        return f"{exercise.name}: {amount}"
    ids = rungs(item, ladders)[start_rung(item, ladders) :]
    climb = " → ".join(exercises[i].name for i in ids)
    return f"{exercise.name}: {amount} (ladder: {climb})"


def _show(args: argparse.Namespace) -> int:
    import textwrap

    from stretchtui.core import program_reading as reading
    from stretchtui.core.vocabulary import plural

    catalogue = _catalogue(args)
    program = catalogue.find(args.target)
    exercises, ladders = dict(catalogue.exercises), dict(catalogue.ladders)
    if args.json:
        print_json({**reading.to_plain(program)["program"], "weeks": program.weeks})
        return 0
    _say(f"{program.name} (version {program.version}, by {program.written_by})")
    _say(f"{plural(program.weeks, 'week')}, {plural(program.sessions_per_week, 'session')} a week. {program.summary}")
    if program.description:
        _say("\n" + textwrap.fill(" ".join(program.description.split()), 88))
    entry, rules = program.entry, program.progression
    leg = {"any": "", "needed": " with leg symptoms", "not-needed": " without leg symptoms"}[entry.leg_pain.value]
    _say(f"\nFor: pain {entry.max_pain}/10 or less{leg}{' and long sitting' if entry.long_sitting else ''}.")
    _say(
        f"Progress: up {rules.step_percent}% a step after a session that went well (at most once a week), "
        f"to each move's own dose; then {rules.steps_at_top} more to the next rung, which starts at "
        f"{rules.start_percent}%. Down a step after a worse response, at most {-rules.lowest_step} below the start."
    )
    for index, phase in enumerate(program.phase):
        start = program.phase_start_week(index)
        weeks = f"week {start}" if phase.weeks == 1 else f"weeks {start}-{start + phase.weeks - 1}"
        _say(f"\n{weeks}: {phase.name}")
        _say(textwrap.fill(phase.goal, 88, initial_indent="  ", subsequent_indent="  "))
        for item in phase.item:
            _say(f"  - {describe_item(item, program, ladders, exercises)}")
        _say(f"  Moves on after {phase.advance_after_calm} calm sessions once its weeks are done.")
    return 0


def state_to_json(day: ProgramDay | None, exercises: dict[str, Exercise]) -> dict[str, Any] | None:
    """The program position for `--json` (program status, status --json)."""
    from stretchtui.core.suggest import to_json_dict

    if day is None:
        return None
    state = day.state
    return {
        "id": state.program.id,
        "version": state.program.version,
        "name": state.program.name,
        "started": state.started.isoformat(),
        "week": state.week,
        "weeks": state.program.weeks,
        "phase": state.phase_index + 1,
        "phase_name": state.phase.name,
        "step": state.step,
        "sessions_this_week": state.sessions_this_week,
        "sessions_per_week": state.program.sessions_per_week,
        "position": state.position(),
        "flare_mode": state.in_flare,
        "finished": state.finished,
        "waiting": state.waiting or None,
        "session": to_json_dict(day.session, exercises),
        "history": [change.to_plain() for change in state.history],
    }


def _program_day(args: argparse.Namespace) -> tuple[ProgramDay | None, dict[str, Exercise]]:
    from stretchtui.core.days import today

    if _no_database(args):
        return None, {}
    with opened_store(args, reads_only=True) as store:
        minutes = int(store.settings.get("suggest_minutes"))
        place = str(store.settings.get("suggest_place"))
        day = store.programs.today(today(store.clock, store.settings.day_start_hour()), minutes, place)
        return day, dict(store.library.exercise_index())


def program_json(args: argparse.Namespace) -> dict[str, Any] | None:
    """Where the person is in their program, for `status --json` (None: not in one)."""
    day, exercises = _program_day(args)
    return state_to_json(day, exercises)


def _status(args: argparse.Namespace) -> int:

    day, exercises = _program_day(args)
    if args.json:
        print_json(state_to_json(day, exercises))
        return 0
    if day is None:
        _say("Not in a program. See them with: stretchtui program list")
        return 0
    state, session = day.state, day.session
    _say(f"{state.program.name}: {state.position()}")
    _say(f"Phase {state.phase_index + 1} of {len(state.program.phase)}: {state.phase.name}. {state.phase.goal}")
    if state.in_flare:
        _say("Flare mode: when the worst has passed, go back with: stretchtui program resume")
    from stretchtui.commands.library import suggestion_lines

    _say()
    for line in suggestion_lines(session, exercises, "No session today."):
        _say(line)
    if state.in_flare:
        from stretchtui.core.flare import WHEN_TO_CALL

        for line in WHEN_TO_CALL:
            _say(f"get help: {line}")
    from stretchtui.core.lessons import load_lessons, new_in_week

    for lesson in new_in_week(load_lessons(), state.week):
        _say(f"lesson for week {state.week}: {lesson.title} (read it with: stretchtui lessons {lesson.id})")
    _say("\nHistory:")
    for change in state.history[-8:]:
        _say(f"  {change.day.isoformat()}  {change.move.value:<11} {change.why}")
    return 0


# ---------------------------------------------------------------------------- choosing


def _start(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today
    from stretchtui.core.program_state import Choice

    if _no_database(args):
        seed_catalogue().find(args.target)  # a bad id creates nothing
    with opened_store(args) as store:
        catalogue = store.programs.catalogue()
        program = catalogue.find(args.target)
        state = store.programs.state(today(store.clock, store.settings.day_start_hour()), catalogue)
        if state is not None and state.program.id == program.id:
            if state.program.version == program.version:
                raise CliError(f"program start: you are already in {program.name} ({state.position()})")
            store.programs.choose(Choice.SWITCH, program)
            _say(f"Switched to version {program.version} of {program.name}; your place in it is kept.")
            return 0
        store.programs.choose(Choice.START, program)
    left = f" (instead of {state.program.name})" if state else ""
    _say(
        f"Started {program.name}{left}: week 1 of {program.weeks}. See today's session with: stretchtui program status"
    )
    return 0


def _choose_for_current(args: argparse.Namespace, choice: str) -> ProgramState:
    """Record `choice` (core.program_state.Choice) about the program the person is in; refused
    in one line, with nothing written, when they are in none (or, to leave flare mode, not in one)."""
    from stretchtui.core.days import today
    from stretchtui.core.program_state import Choice

    if _no_database(args):
        raise CliError(f"program {args.action}: you are not in a program")
    with opened_store(args) as store:
        state = store.programs.state(today(store.clock, store.settings.day_start_hour()))
        if state is None:
            raise CliError(f"program {args.action}: you are not in a program")
        if Choice(choice) is Choice.LEAVE_FLARE and not state.in_flare:
            raise CliError(f"program {args.action}: {state.program.name} is not in flare mode")
        store.programs.choose(Choice(choice), state.program)
    return state


def _stop(args: argparse.Namespace) -> int:
    state = _choose_for_current(args, "stop")
    _say(f"Stopped {state.program.name}. Your sessions and check-ins stay; Today suggests a routine again.")
    return 0


def _resume(args: argparse.Namespace) -> int:
    state = _choose_for_current(args, "leave-flare")
    _say(f"Back to {state.program.name}, one step lower than before the flare.")
    return 0


# ---------------------------------------------------------------------------- files


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stretchtui.core.program_reading import read_file

    if _no_database(args):
        catalogue = seed_catalogue()  # a bad file creates nothing
        read_file(Path(args.target), catalogue.exercises, catalogue.ladders)
    with opened_store(args) as store:
        program, added = store.programs.import_file(Path(args.target))
    if args.json:
        print_json({**_summary(program), "added": added})
    elif added:
        _say(
            f"Imported {program.name} ({program.id}, version {program.version}). "
            f"Start it with: stretchtui program start {program.id}"
        )
    else:
        _say(f"{program.name} version {program.version} is already imported, unchanged.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from stretchtui.core.program_reading import to_toml
    from stretchtui.store.output_guard import check_output_file, write_output_file

    database = resolve_db_path(args.db)
    target = None if args.output in (None, "-") else check_output_file(args.output, database, force=args.force)
    catalogue = _catalogue(args)
    program = catalogue.find(args.target)
    text = catalogue.texts.get(program.key) or to_toml(program)
    if target is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0

    def write(handle: IO[str]) -> None:
        handle.write(text)

    write_output_file(target, database, write, force=args.force)
    _say(f"Wrote {program.name} (version {program.version}) to {target}.")
    return 0


HANDLERS = {
    "list": _list,
    "show": _show,
    "start": _start,
    "stop": _stop,
    "status": _status,
    "resume": _resume,
    "import": _import,
    "export": _export,
}

COMMANDS = (
    Command(
        "program",
        "multi-week programs: list, show, start, stop, status, import, export",
        "Multi-week programs that progress by how you respond: list them, show one, start or stop it, see where "
        "you are (status), leave flare mode (resume), import a prescription file or export one.",
        cmd_program,
        _arguments,
    ),
)
