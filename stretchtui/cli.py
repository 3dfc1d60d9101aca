"""The command line: parses arguments, wires core, store and UI, and maps errors to exit codes.

Exit status: 0 ok; 1 the database or seed data cannot be used (message says why); 2 bad input.
Heavy modules (textual, the store) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from stretchtui import __version__
from stretchtui.core.errors import SeedError, UserError
from stretchtui.commands.common import CliError, Parser, day_argument, run_app
from stretchtui.commands.common import open_store as _open_store

if TYPE_CHECKING:
    from stretchtui.core.clock import Clock

# Modules under stretchtui.commands that add commands (see stretchtui/commands/__init__.py).
COMMAND_MODULES: tuple[str, ...] = ("exchange", "report", "serve", "demo", "data_safety", "safety", "entries")


def _global_parser() -> Parser:
    """The options that come before any command."""
    parser = Parser(prog="stretchtui", description="A terminal habit tracker for daily back-care stretching.")
    parser.add_argument("--version", action="version", version=f"stretchtui {__version__}")
    parser.add_argument("--db", metavar="PATH",
                        help="database file (default: $STRETCHTUI_DB, else the user data directory)")
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command `argv` names, None when it names none (only `--db PATH`: the app), or "" when
    something else comes first (--help, --version, a missing --db value: the full parser answers).
    It lets a launch skip building parsers it will not use: every command's, about 10 ms, for the
    app; the command modules', about 5 ms, for `status` in a status line."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--db":
            if next(tokens, None) is None:
                return ""
        elif not token.startswith("--db="):
            return "" if token.startswith("-") else token
    return None


def build_parser() -> tuple[Parser, argparse._SubParsersAction]:
    from stretchtui.core.vocabulary import Area

    parser = _global_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    exercises = commands.add_parser("exercises", help="list the exercise library",
                                    description="List the exercise library.")
    exercises.add_argument("--area", choices=[a.value for a in Area], metavar="AREA",
                           help="only exercises for this area: " + ", ".join(a.value for a in Area))
    exercises.add_argument("--json", action="store_true", help="print JSON")

    routines = commands.add_parser("routines", help="list built-in and own routines",
                                   description="List built-in and own routines.")
    routines.add_argument("--json", action="store_true", help="print JSON")

    start = commands.add_parser("start", help="open the app on a routine",
                                description="Open the app on a routine (ids: stretchtui routines).")
    start.add_argument("routine", metavar="ROUTINE_ID", help="a routine id, e.g. desk-break")

    record = commands.add_parser("record", help="record a session done away from the terminal",
                                 description="Record a session done away from the terminal (a backfill).")
    record.add_argument("routine", metavar="ROUTINE_ID", nargs="?", help="the routine you did (optional)")
    record.add_argument("--at", metavar="ISO8601",
                        help="when you started: local time without an offset (2026-11-21T07:30), "
                             "or an instant with one; default now")
    record.add_argument("--minutes", type=_minutes, metavar="N",
                        help="how long, 1-240 (default: the routine's duration)")

    log = commands.add_parser("log", help="note pain (and sitting hours) for today",
                              description="Note your pain, and optionally hours sat and a note.")
    log.add_argument("--pain", type=_pain, metavar="N", help="pain from 0 to 10 (or only --sitting or --note)")
    log.add_argument("--area", type=_region, metavar="AREA",
                     help="lower-back (default), mid-upper-back, neck, hips-buttocks or leg")
    log.add_argument("--side", choices=["left", "right"], help="left or right, if one side")
    log.add_argument("--sitting", metavar="H", help="hours sat today, 0-24 in halves (7 or 7.5)")
    log.add_argument("--note", metavar="TEXT", default="", help="a short note")
    log.add_argument("--at", metavar="ISO8601", help="when: local time without an offset; default now")

    suggest = commands.add_parser("suggest", help="today's suggested routine and why",
                                  description="Today's suggested routine, from your recent pain and sitting notes.")
    suggest.add_argument("--minutes", type=int, choices=[1, 5, 10, 15, 20], default=None, metavar="M",
                         help="minutes available: 1, 5, 10, 15 or 20 (default: your last choice, else 10)")
    suggest.add_argument("--place", choices=["floor", "desk", "standing"], default=None,
                         help="where you are: floor, desk or standing (default: your last choice, else floor)")
    suggest.add_argument("--json", action="store_true", help="print JSON")

    stats = commands.add_parser("stats", help="streak and this week's numbers",
                                description="Streak, habit strength and this week's numbers.")
    stats.add_argument("--json", action="store_true", help="print JSON")

    status = commands.add_parser("status", help="one short line for a shell prompt or tmux status bar",
                                 description="One short line for a shell prompt or a tmux status bar.")
    status.add_argument("--ascii", action="store_true", help="ASCII only, for terminals without Unicode")

    rest = commands.add_parser("rest", help="mark a rest or flare day (keeps a streak alive, never extends it)",
                               description="Mark a rest day (or, with --flare, a flare day): it keeps a streak "
                                           "alive without extending it. Not on a day that already met your goal. "
                                           "`stretchtui remove ID` takes a mark away.")
    rest.add_argument("--date", type=day_argument, metavar="YYYY-MM-DD", help="the day (default today)")
    rest.add_argument("--flare", action="store_true",
                      help="mark a flare day instead: pain kept you from stretching (also keeps a streak alive)")
    rest.add_argument("--force", action="store_true",
                      help="mark a day before anything you recorded here (refused without it)")
    return parser, commands


def _load_commands(commands) -> dict[str, Callable[[argparse.Namespace], int]]:
    from importlib import import_module

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name in COMMAND_MODULES:
        handlers.update(import_module(f"stretchtui.commands.{name}").register(commands))
    return handlers


def _pain(text: str) -> int:
    from stretchtui.core.checkins import pain_value

    try:
        return pain_value(text)
    except UserError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _region(text: str):
    from stretchtui.core.checkins import region_value

    try:
        return region_value(text)
    except UserError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes") from None
    if not 1 <= value <= 240:
        raise argparse.ArgumentTypeError(f"{value} is outside 1-240")
    return value


def cmd_app(args: argparse.Namespace) -> int:
    from stretchtui.commands.launch import launch_app

    return launch_app(args)


def _unknown_routine(routine_id: str) -> CliError:
    return CliError(f"no routine with id {routine_id!r} (list them with: stretchtui routines)")


def _check_routine_before_creating(args: argparse.Namespace, routine_id: str) -> None:
    """With no database yet, only seeded routines exist: check against the seed files, so an
    unknown id is refused without creating a database. (An existing one is checked after opening.)"""
    from stretchtui.core.library import load_library
    from stretchtui.store import resolve_db_path

    if not resolve_db_path(args.db).exists() and routine_id not in load_library().routines:
        raise _unknown_routine(routine_id)


def cmd_start(args: argparse.Namespace) -> int:
    from stretchtui.commands.launch import open_app_store

    _check_routine_before_creating(args, args.routine)
    store = open_app_store(args)
    if store.routine(args.routine) is None:
        store.close()
        raise _unknown_routine(args.routine)
    return run_app(store, initial_routine=args.routine)


def cmd_record(args: argparse.Namespace) -> int:
    from stretchtui.core.timeparse import typed_instant
    from stretchtui.store import Store, resolve_db_path

    clock = args.clock
    at = typed_instant(args.at, clock, "--at") if args.at is not None else clock.now()
    if args.routine is None and args.minutes is None:
        raise CliError("say what you did: a ROUTINE_ID, --minutes N, or both")
    if args.routine:
        _check_routine_before_creating(args, args.routine)
    store = Store.open(resolve_db_path(args.db), clock)
    try:
        info = store.record_backfill(args.routine, at, args.minutes)
    finally:
        store.close()
    from stretchtui.core.days import day_label, today

    print(f"Recorded {info.routine_name}: {round(info.active_seconds / 60)} min on {day_label(info.day, today(clock))}.")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from stretchtui.core.checkins import PainEntry, Region, note_value, sitting_value
    from stretchtui.core.timeparse import typed_instant
    from stretchtui.store import Store, resolve_db_path

    clock = args.clock
    sitting = sitting_value(args.sitting, "--sitting")
    note = note_value(args.note, "--note")
    if args.pain is None and (args.side or args.area):
        raise CliError("--area and --side say where the pain is: give --pain N with them")
    if args.pain is None and sitting is None and not note:
        raise CliError("say what to note: --pain N, --sitting H or --note TEXT (or more than one)")
    at = typed_instant(args.at, clock, "--at") if args.at is not None else None
    pains = [] if args.pain is None else [PainEntry(args.area or Region.LOWER_BACK, args.pain, args.side or "")]
    store = Store.open(resolve_db_path(args.db), clock)
    try:
        checkin = store.add_checkin(pains, sitting_hours=sitting, note=note, at=at, source="cli")
    finally:
        store.close()
    from stretchtui.core.days import day_label, today
    from stretchtui.core.entries import checkin_summary

    summary = checkin_summary(list(checkin.pains), checkin.sitting_hours, "", False)
    said = summary if summary != "nothing noted" else "a note"
    print(f"Noted {said} for {day_label(checkin.day, today(clock))}.")
    return 0


def cmd_rest(args: argparse.Namespace) -> int:
    from stretchtui.core.days import day_label, today
    from stretchtui.core.entries import MARK_NOUNS, MarkKind
    from stretchtui.core.instants import day_not_later
    from stretchtui.store import Store, resolve_db_path
    from stretchtui.store.corrections import MarkRefused

    clock = args.clock
    kind = MarkKind.FLARE if args.flare else MarkKind.REST
    path = resolve_db_path(args.db)
    if args.date is not None and not path.exists():
        # Refused before a database is created; a new one has the default day start and no entry.
        current = today(clock)
        if day_not_later(args.date, current, "--date") != current and not args.force:
            raise CliError(f"--date: {args.date:%a %d %b %Y} is before anything you recorded here (nothing is "
                           "recorded yet); add --force to mark it anyway")
    store = Store.open(path, clock)
    try:
        current = today(clock, store.day_start_hour())
        day = day_not_later(args.date or current, current, "--date")
        try:
            added = store.set_day_mark(day, kind, force=args.force)
        except MarkRefused as refused:
            raise CliError(f"--date: {refused}" + ("; add --force to mark it anyway" if refused.needs_force else ""))
    finally:
        store.close()
    print(f"{day_label(day, current)} is {'now' if added else 'already'} a {MARK_NOUNS[kind]}.")
    return 0


def _streak_numbers(args: argparse.Namespace):  # -> store.day_summary.StreakNumbers
    """Read straight from the file when it can be (store.glance: no peewee, nothing written);
    otherwise through the store, which creates, migrates or explains the file first."""
    from stretchtui.store.glance import glance_streak_numbers
    from stretchtui.store.location import resolve_db_path

    clock = args.clock
    numbers = glance_streak_numbers(resolve_db_path(args.db), clock)
    if numbers is not None:
        return numbers
    from stretchtui.store.day_summary import streak_numbers

    store = _open_store(args, quick_check=False, create=False)  # read only, and often (a status line)
    try:
        return streak_numbers(store.day_activities(), store.get_setting, store.clock)
    finally:
        store.close()


def cmd_suggest(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today
    from stretchtui.core.model import format_duration
    from stretchtui.core.suggest import suggest, to_json_dict

    store = _open_store(args, create=False)
    try:
        minutes = args.minutes or int(store.get_setting("suggest_minutes", 10))
        place = args.place or str(store.get_setting("suggest_place", "floor"))
        request = store.suggestion_request(today(store.clock, store.day_start_hour()), minutes, place)
    finally:
        store.close()
    result = suggest(request)
    if args.json:
        print_json(to_json_dict(result, request.exercises))
        return 0
    if result.routine is not None:
        print(f"{result.routine.name} ({format_duration(result.routine.duration_seconds(request.exercises))}):")
        for item in result.routine.items:
            exercise = request.exercises[item.exercise_id]
            print(f"  - {exercise.name}: {item.dose_for(exercise).describe()}")
    else:
        print("No routine today.")
    for line in result.why:
        print(f"why: {line}")
    for line in result.advice:
        print(f"advice: {line}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    summary, week, day_start = _streak_numbers(args)
    data = {
        "current_streak": summary.current,
        "longest_streak": summary.longest,
        "longest_streak_start": summary.longest_start.isoformat() if summary.longest_start else None,
        "longest_streak_end": summary.longest_end.isoformat() if summary.longest_end else None,
        "strength": round(summary.strength, 4),
        "today_done": summary.today_done,
        "week": {"minutes": round(week.minutes, 1), "sessions": week.sessions, "days_done": week.days_done},
        "day_start_hour": day_start,
    }
    if args.json:
        print_json(data)
        return 0
    from stretchtui.core.vocabulary import plural

    print(f"Streak: {plural(summary.current, 'day')} ({'done today' if summary.today_done else 'not yet today'}); "
          f"longest {summary.longest}; habit strength {summary.strength:.0%}")
    print(f"This week: {plural(week.days_done, 'day')} done, {plural(week.sessions, 'session')}, "
          f"{plural(week.minutes, 'minute', shown=f'{week.minutes:.0f}')}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from stretchtui.core.glyphs import ASCII, glyphs_for

    summary, _week, _ = _streak_numbers(args)
    glyphs = ASCII if args.ascii else glyphs_for(sys.stdout.encoding)
    mark = glyphs.done if summary.today_done else glyphs.not_done
    state = "done today" if summary.today_done else "not yet today"
    print(f"{mark} {summary.current}d streak, {state}")
    return 0


def cmd_exercises(args: argparse.Namespace) -> int:
    from stretchtui.core.serialize import exercise_to_dict
    from stretchtui.core.vocabulary import label

    store = _open_store(args, create=False)
    try:
        exercises = [ex for ex in store.exercises() if args.area is None or args.area in ex.areas]
    finally:
        store.close()
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
    from stretchtui.core.model import format_duration, plural
    from stretchtui.core.serialize import routine_to_dict

    store = _open_store(args, create=False)
    try:
        index = store.exercise_index()
        routines = store.routines()
    finally:
        store.close()
    if args.json:
        print_json([routine_to_dict(r, index) for r in routines])
        return 0
    width = max((len(r.id) for r in routines), default=0)
    for routine in routines:
        own = " (own)" if routine.editable else ""
        print(f"{routine.id:<{width}}  {routine.name}{own}  "
              f"[{format_duration(routine.duration_seconds(index))}, {plural(len(routine.items), 'exercise')}]")
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_app,
    "exercises": cmd_exercises,
    "routines": cmd_routines,
    "start": cmd_start,
    "record": cmd_record,
    "log": cmd_log,
    "rest": cmd_rest,
    "stats": cmd_stats,
    "suggest": cmd_suggest,
    "status": cmd_status,
}


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run one command. `clock` is the one clock every command reads (default: the system's)."""
    from stretchtui.core.clock import default_clock
    from stretchtui.store.files import StoreError

    argv = sys.argv[1:] if argv is None else list(argv)
    clock = clock if clock is not None else default_clock()
    _prepare_output()
    try:
        word = command_word(argv)
        if word is None:
            # Until the first frame the collector only slows the start (a tenth of it, measured):
            # the start allocates much and frees little. The app turns it back on after that frame.
            gc.disable()
            return cmd_app(_global_parser().parse_args(argv, argparse.Namespace(command=None, clock=clock)))
        parser, commands = build_parser()
        handlers = dict(COMMANDS)
        if word not in COMMANDS:  # a command module's command, help, or a mistake: the whole list
            handlers.update(_load_commands(commands))
        args = parser.parse_args(argv, argparse.Namespace(clock=clock))
        return handlers[args.command](args)
    except UserError as error:
        return _fail(str(error), UserError.exit_code)
    except (StoreError, SeedError) as error:
        return _fail(str(error), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `stretchtui exercises | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a full disk or an I/O error: one line, not a traceback
        from stretchtui.store.maintenance import describe_storage_failure

        message = describe_storage_failure(error)
        if message is None:
            raise
        return _fail(message, 1)


def _prepare_output() -> None:
    """Standard output that cannot carry a character (an ASCII or Latin-1 one: PYTHONIOENCODING,
    a locale; or a file name that was not valid UTF-8) writes it as an escape instead of ending the
    command with a UnicodeEncodeError (core.glyphs.escape_unencodable). Our own symbols are ASCII
    there anyway (core.glyphs.glyphs_for); this is the net for text that is not ours."""
    import codecs

    from stretchtui.core.glyphs import ESCAPE_ERRORS, escape_unencodable

    codecs.register_error(ESCAPE_ERRORS, escape_unencodable)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors=ESCAPE_ERRORS)
        except (ValueError, OSError):  # a closed or detached stream: nothing will be written to it
            pass


def print_json(value: object) -> None:
    """Indented JSON on stdout (json is imported here: the app's launch does without it)."""
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False))


def _fail(message: str, code: int) -> int:
    from stretchtui.core.plain_text import printable

    print(f"stretchtui: {printable(message)}", file=sys.stderr)  # a path from $STRETCHTUI_DB may hold ESC
    return code
