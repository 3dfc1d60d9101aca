"""`stretchtui exercises`, `routines` and `suggest`: the library, and what it suggests today.
They only read: a mistyped --db creates nothing, and a read-only database is read as it is."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NamedTuple

from stretchtui.commands.common import Parser, json_flag, opened_store, print_json, whole_number
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stretchtui.core.model import Exercise
    from stretchtui.core.program_state import ProgramDay
    from stretchtui.core.suggest import Suggestion
    from stretchtui.core.suggestion_inputs import SuggestionRequest
    from stretchtui.store import Store


def _exercises_arguments(parser: Parser) -> None:

    from stretchtui.core.vocabulary import Area

    parser.add_argument(
        "--area",
        choices=[a.value for a in Area],
        metavar="AREA",
        help="only exercises for this area: " + ", ".join(a.value for a in Area),
    )
    json_flag(parser)


def cmd_exercises(args: argparse.Namespace) -> int:
    from stretchtui.core.serialize import exercise_to_dict
    from stretchtui.core.vocabulary import label

    with opened_store(args, reads_only=True) as store:
        exercises = [ex for ex in store.library.exercises() if args.area is None or args.area in ex.areas]
    if args.json:
        print_json([exercise_to_dict(ex) for ex in exercises])
        return 0
    if not exercises:
        print("No exercises match.")
    width = max((len(ex.id) for ex in exercises), default=0)
    for ex in exercises:
        areas = ", ".join(label(a) for a in ex.areas)
        print(f"{ex.id:<{width}}  {ex.name}  [{label(ex.kind)}; {areas}; {ex.dose.describe()}]")
    return 0


def cmd_routines(args: argparse.Namespace) -> int:
    from stretchtui.core.model import format_duration
    from stretchtui.core.serialize import routine_to_dict
    from stretchtui.core.vocabulary import plural

    with opened_store(args, reads_only=True) as store:
        index = store.library.exercise_index()
        routines = store.library.routines()
    if args.json:
        print_json([routine_to_dict(r, index) for r in routines])
        return 0
    width = max((len(r.id) for r in routines), default=0)
    for routine in routines:
        own = " (own)" if routine.editable else ""
        print(
            f"{routine.id:<{width}}  {routine.name}{own}  "
            f"[{format_duration(routine.duration_seconds(index))}, {plural(len(routine.items), 'exercise')}]"
        )
    return 0


def _suggest_arguments(parser: Parser) -> None:
    from stretchtui.core.settings import BY_KEY

    minutes, place = BY_KEY["suggest_minutes"], BY_KEY["suggest_place"]
    parser.add_argument(
        "--minutes",
        type=whole_number(min(minutes.choices), max(minutes.choices), "a number of minutes"),
        choices=minutes.choices,
        default=None,
        metavar="M",
        help=f"minutes available: {minutes.in_words()} (default: your last choice, else {minutes.default})",
    )
    parser.add_argument(
        "--place",
        choices=place.choices,
        default=None,
        help=f"where you are: {place.in_words()} (default: your last choice, else {place.default})",
    )
    json_flag(parser)


class TodaysRoutine(NamedTuple):
    """Today's routine outside the app, as Today offers it (see todays_suggestion)."""

    suggestion: Suggestion
    request: SuggestionRequest
    program: ProgramDay | None  # the running program's day, when there is one


def todays_suggestion(store: Store, minutes: int | None = None, place: str | None = None) -> TodaysRoutine:
    """Today's routine as Today offers it, with the request it was made from: a running program's
    session (its flare mode too), else the suggestion for the minutes and place last chosen unless
    given. `suggest`, `safety` and the nudges read this one, so none offers more than Today does."""
    from stretchtui.core.days import today
    from stretchtui.core.suggest import suggest

    minutes = minutes or int(store.settings.get("suggest_minutes"))
    place = place or str(store.settings.get("suggest_place"))
    day = today(store.clock, store.settings.day_start_hour())
    request = store.suggestions.suggestion_request(day, minutes, place)
    program = store.programs.today(day, minutes, place, request)
    return TodaysRoutine(program.session if program else suggest(request), request, program)


def cmd_suggest(args: argparse.Namespace) -> int:
    from stretchtui.core.flare import WHEN_TO_CALL
    from stretchtui.core.suggest import to_json_dict

    with opened_store(args, reads_only=True) as store:
        result, request, program = todays_suggestion(store, args.minutes, args.place)
    in_flare = program is not None and program.state.in_flare
    get_help = list(WHEN_TO_CALL) if in_flare else []
    if args.json:
        about = None
        if program is not None:
            about = {"id": program.state.program.id, "name": program.state.program.name, "flare_mode": in_flare}
        print_json({**to_json_dict(result, request.exercises), "program": about, "get_help": get_help})
        return 0
    if program is not None:
        mode = ", in flare mode" if in_flare else ""
        print(f"Your program, {program.state.program.name}{mode}: today's session (stretchtui program status).")
        if args.minutes or args.place:
            print("  (--minutes and --place choose a suggestion outside a program; a program sets its own session.)")
    for line in suggestion_lines(result, request.exercises, "No routine today."):
        print(line)
    for line in get_help:
        print(f"get help: {line}")
    return 0


def suggestion_lines(result: Suggestion, exercises: Mapping[str, Exercise], none: str) -> list[str]:
    """A suggestion (or a program's session) as `suggest` and `program status` print it: the
    routine with each move's dose (or `none`), then its why and advice lines."""
    from stretchtui.core.model import format_duration

    lines = []
    if result.routine is not None:
        lines.append(f"{result.routine.name} ({format_duration(result.routine.duration_seconds(exercises))}):")
        for item in result.routine.items:
            exercise = exercises[item.exercise_id]
            lines.append(f"  - {exercise.name}: {item.dose_for(exercise).describe()}")
    else:
        lines.append(none)
    lines += [f"why: {line}" for line in result.why]
    lines += [f"advice: {line}" for line in result.advice]
    return lines


COMMANDS = (
    Command(
        "exercises", "list the exercise library", "List the exercise library.", cmd_exercises, _exercises_arguments
    ),
    Command("routines", "list built-in and own routines", "List built-in and own routines.", cmd_routines, json_flag),
    Command(
        "suggest",
        "today's suggested routine and why",
        "Today's suggested routine, from your recent pain and sitting notes"
        " (in a program: its session, as Today offers it).",
        cmd_suggest,
        _suggest_arguments,
    ),
)
