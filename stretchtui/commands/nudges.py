"""`stretchtui remind`: the daily reminder. `--at HH:MM [--days mon-fri]` puts it in the system's
scheduler (commands.reminder_scheduler), `--off` takes it out, `--status` shows it; at the set time
the scheduler runs `remind --send`, which reminds you through every channel it finds here
(core.notify) unless today's goal is met or today is a rest or flare day. No daemon of our own."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, opened_store
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from stretchtui.commands.reminder_scheduler import Host
    from stretchtui.core.notify import Channel, Notice, Quiet
    from stretchtui.core.safety import SafetyCheck
    from stretchtui.store import Store

# ---------------------------------------------------------------------- argument types


def _time(text: str) -> tuple[int, int]:
    from stretchtui.core.schedule import ScheduleError, parse_time

    try:
        return parse_time(text)
    except ScheduleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _days(text: str) -> frozenset[int]:
    from stretchtui.core.schedule import ScheduleError, parse_days

    try:
        return parse_days(text)
    except ScheduleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _remind_arguments(parser: Parser) -> None:
    # One mode at a time, checked in cmd_remind: an argparse group would skip Parser's text rule.
    parser.add_argument("--at", type=_time, metavar="HH:MM", help="remind at this time of day (24-hour, local time)")
    parser.add_argument(
        "--days",
        type=_days,
        metavar="DAYS",
        help="with --at: on these days, e.g. mon-fri, sat,sun, mon,wed,fri (default: every day)",
    )
    parser.add_argument("--off", action="store_true", help="remove the reminder")
    parser.add_argument("--status", action="store_true", help="show the reminder (also with no option)")
    parser.add_argument(
        "--send",
        action="store_true",
        help="what the scheduler runs at the set time: remind now unless today's goal is met",
    )


# ---------------------------------------------------------------------- what this machine offers


def host() -> Host:
    """This machine, as the scheduler code sees it (tests put fake programs first on PATH)."""
    import shutil

    from stretchtui.commands.reminder_scheduler import Host, run_process

    return Host(run_process, os.environ, shutil.which)


def reminder_program() -> list[str]:
    """How the scheduler starts this stretchtui: the `stretchtui` script that is running, else
    `python -m stretchtui` when run that way, else the one on PATH; an absolute path either way."""
    import shutil

    launched = sys.argv[0] if sys.argv else ""
    if os.path.basename(launched) == "stretchtui" and os.path.isfile(launched) and os.access(launched, os.X_OK):
        return [os.path.abspath(launched)]
    if not launched.endswith(os.path.join("stretchtui", "__main__.py")):
        found = shutil.which("stretchtui")
        if found is not None:
            return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "stretchtui"]


def default_channels(write_status: Callable[[str], None], environ: Mapping[str, str] | None = None) -> list[Channel]:
    """Every channel, wired to this machine: notify-send, the controlling terminal, tmux, the
    status segment (`write_status`)."""
    import shutil

    from stretchtui.commands.reminder_scheduler import run_process
    from stretchtui.core.notify import DesktopChannel, StatusChannel, TerminalChannel, TmuxChannel

    env = os.environ if environ is None else environ
    return [
        DesktopChannel(run_process, env, shutil.which, _is_socket, os.getuid()),
        TerminalChannel(_open_tty, env),
        TmuxChannel(run_process, shutil.which),
        StatusChannel(write_status),
    ]


def _open_tty():  # -> IO[str]; OSError where there is no controlling terminal (cron, a timer)
    return open("/dev/tty", "w", encoding="utf-8", errors="replace")  # the channel closes it


def _is_socket(path: str) -> bool:
    import stat

    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


# ---------------------------------------------------------------------- the command


def cmd_remind(args: argparse.Namespace) -> int:
    modes = [name for name in ("at", "off", "status", "send") if getattr(args, name) not in (None, False)]
    if len(modes) > 1:
        raise CliError(f"--{modes[0]} and --{modes[1]} do not go together: give one of --at, --off, --status, --send")
    if args.days is not None and modes != ["at"]:
        raise CliError("--days goes with --at HH:MM (e.g. remind --at 10:30 --days mon-fri)")
    mode = modes[0] if modes else "status"
    if mode == "send":
        return _send(args)
    from stretchtui.commands.reminder_scheduler import SchedulerError, remove, status_lines

    machine = host()
    try:
        if mode == "at":
            print(_install(args, machine))
        elif mode == "off":
            print(remove(machine))
        else:
            print("\n".join(status_lines(machine)))
    except (SchedulerError, OSError) as error:
        from stretchtui.core.plain_text import printable

        said = str(error)
        if isinstance(error, OSError) and error.filename is not None:
            said = f"{error.strerror or error}: {error.filename}"
        print(f"stretchtui: {printable(said)}", file=sys.stderr)
        return 1
    return 0


def _install(args: argparse.Namespace, machine: Host) -> str:
    from stretchtui.commands.reminder_scheduler import install
    from stretchtui.core.schedule import EVERY_DAY, Reminder, ScheduleError
    from stretchtui.store.location import resolve_db_path

    hour, minute = args.at
    reminder = Reminder(hour, minute, args.days if args.days is not None else EVERY_DAY)
    try:
        return install(machine, reminder, reminder_program(), str(resolve_db_path(args.db)))
    except ScheduleError as error:  # a path the scheduler cannot be given: nothing was written
        raise CliError(str(error)) from None


def todays_reminder(store: Store) -> Notice | Quiet:
    """What the daily reminder says now, from today's record and the safety answers: what
    `remind --send` sends, and what the status line keeps showing of it as the day's record
    changes (commands.tracking)."""
    from dataclasses import replace

    from stretchtui.core.days import today
    from stretchtui.core.notify import decide
    from stretchtui.core.safety import State
    from stretchtui.core.streaks import DayActivity
    from stretchtui.store.day_summary import day_start_from, goal_from
    from stretchtui.store.session_pains import session_pains

    settings = store.settings.read()
    current = today(store.clock, day_start_from(settings))
    activity = next((a for a in store.history.day_activities(since=current) if a.day == current), None)
    # The day's summary holds check-in pain; pain noted with a session counts too, whatever became
    # of it (store.session_pains: before, after, "this hurts"): 7/10 before one killed mid-way is a flare's.
    pain = max((p.pain for p in session_pains(current) if p.day == current), default=None)
    if pain is not None and (activity is None or (activity.max_pain or 0) < pain):
        activity = replace(activity or DayActivity(current), max_pain=pain)
    check = store.safety.safety_check()
    return decide(
        activity,
        goal_from(settings),
        red_flag=check.red_flag,
        blocked=check.blocked,
        urgent=check.state is State.URGENT,
        offer=lambda: offer_for(store, check)[0],
    )


def offer_for(store: Store, check: SafetyCheck) -> tuple[tuple[str, ...], bool]:
    """(The quick routines a nudge may name for this person, whether today's suggestion gives any
    routine at all): one reading of the day, as `suggest` makes it, for the reminder and a break.
    None is named on a day with no routine, nor in a program (its session is the day's routine);
    on a gentler day, only gentle ones (core.notify.routines_to_offer)."""
    from stretchtui.commands.library import todays_suggestion
    from stretchtui.core.notify import QUICK_ROUTINES, routines_to_offer
    from stretchtui.core.pain_level import Level

    todays = todays_suggestion(store, 5, "desk")  # a program's flare mode is gentler too
    suggestion = todays.suggestion
    if suggestion.blocked:
        return (), False
    if todays.program is not None:  # a program's session, not a quick routine it may not hold with
        return (), True
    routines = {i: r for i in QUICK_ROUTINES if (r := store.library.routine(i)) is not None}
    exercises = store.library.exercise_index()
    return routines_to_offer(check, routines, exercises, gentle_only=suggestion.level != Level.FULL), True


def _send(args: argparse.Namespace) -> int:
    """Decide from today's record, then remind through every channel; always exit 0 once the
    record is read (the scheduler has nobody to show a failure to)."""
    from stretchtui.core.days import next_day_start
    from stretchtui.core.notify import Quiet, delivery_line, fan_out
    from stretchtui.store.day_summary import day_start_from
    from stretchtui.store.pending_nudge import clear_pending, write_pending

    clock = args.clock
    with opened_store(args, reads_only=True, quick_check=False) as store:
        said = todays_reminder(store)
        day_start = day_start_from(store.settings.read())
        db_path = store.path
    if isinstance(said, Quiet):
        try:
            clear_pending(db_path)
        except OSError:
            pass
        print(said.reason)
        return 0
    until = next_day_start(clock.now(), clock.zone, day_start)
    deliveries = fan_out(said, default_channels(lambda text: write_pending(db_path, text, until)))
    print(delivery_line(deliveries))
    return 0


COMMANDS = (
    Command(
        "remind",
        "a daily reminder at a set time, through your system's scheduler",
        "A daily reminder: --at 10:30 [--days mon-fri] puts it in a systemd user timer where one runs, "
        "else in your crontab; --off removes it; --status (or no option) shows it. At the set time it "
        "reminds you (desktop notification, terminal, tmux, status line) unless today's goal is met or "
        "today is a rest or flare day; while a warning sign is open it says to get checked instead.",
        cmd_remind,
        _remind_arguments,
    ),
)
