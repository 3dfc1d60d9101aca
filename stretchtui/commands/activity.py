"""`stretchtui tick`, `activity` and `break`: measured sitting and break nudges.

`tick` is what a shell prompt or tmux hook runs (commands.quick answers it before anything else is
imported); `activity install` puts that hook in place, `activity off` takes it out, `activity`
alone shows what was measured. `break` answers a break the status line offers: taken, later or
skipped, counted in History; `break --notify` is what a tick starts when notifications are on.
Putting the hook into a start-up file and taking it out is commands.activity_hook's.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, action_word, opened_store
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from stretchtui.core.notify import Notice
    from stretchtui.store.store import Store

# ---------------------------------------------------------------------- tick


def _tick_arguments(parser: Parser) -> None:
    parser.add_argument(
        "--at",
        metavar="SECONDS",
        help="the instant to note, in POSIX seconds (tmux's #{client_activity}); default now",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="also check, at most every 5 minutes and in the background, whether a break is due, "
        "and notify (stretchtui break --notify)",
    )


def cmd_tick(args: argparse.Namespace) -> int:
    """The full command, for what the quick path leaves (the default database's place, a bad
    --at): the same one line appended."""
    from stretchtui.core.errors import shown
    from stretchtui.store.location import resolve_db_path
    from stretchtui.store.ticks import append_tick, tick_at

    now = args.clock.now().timestamp()
    when = tick_at(args.at, now)
    if when is None:
        raise CliError(f"--at: {shown(args.at)} is not an instant in POSIX seconds between 2000 and now")
    db_path = resolve_db_path(args.db)
    try:
        append_tick(db_path, when)
    except FileNotFoundError:  # as every command says of a missing database (exit 1)
        from stretchtui.store.files import StoreError

        start = "stretchtui activity install starts one"
        raise StoreError(f"no database at {db_path}; no tick was noted ({start})") from None
    except OSError as error:
        raise CliError(f"cannot note the tick beside {db_path}: {error.strerror or error}") from None
    if args.notify:
        from stretchtui.commands.quick import check_break_soon

        check_break_soon(str(db_path), now, os.environ)
    return 0


# ---------------------------------------------------------------------- activity


def _activity_arguments(parser: Parser) -> None:
    action_word(
        parser,
        "action",
        ("status", "install", "off"),
        "status (default): what was measured; install: add the hook; off: remove it",
        default="status",
    )
    parser.add_argument("--shell", choices=("bash", "zsh", "fish"), help="install: the shell (default: from $SHELL)")
    parser.add_argument("--tmux", action="store_true", help="install: the tmux hook instead of a shell's")
    parser.add_argument("--print", action="store_true", help="install: print the snippet instead of adding it")
    parser.add_argument(
        "--notify",
        action="store_true",
        help="install: also notify (desktop, tmux, terminal) when a break is due, not only in the status line",
    )


def cmd_activity(args: argparse.Namespace) -> int:
    from stretchtui.commands.activity_hook import install, remove

    if args.action != "install" and (args.shell or args.tmux or args.print or args.notify):
        raise CliError("--shell, --tmux, --print and --notify go with `activity install`")
    if args.shell and args.tmux:
        raise CliError("--shell or --tmux: one hook at a time (run install once for each)")
    if args.action == "install":
        return install(args)
    if args.action == "off":
        return remove()
    return _status(args)


def _status(args: argparse.Namespace) -> int:
    from stretchtui.commands.activity_hook import hook_files
    from stretchtui.core.activity_hooks import has_block
    from stretchtui.core.days import today
    from stretchtui.core.model import hours_label
    from stretchtui.core.vocabulary import plural
    from stretchtui.store.day_summary import day_start_from

    with opened_store(args, must_exist=True) as store:  # folding ticks writes: only where a database is
        store.activity.fold_ticks()
        settings = store.settings.read()
        current = today(args.clock, day_start_from(settings))
        sitting = store.activity.sitting_by_day(current, current).get(current)
        due = store.activity.break_due(args.clock.now().timestamp())
        counts = store.activity.break_counts(current.fromordinal(current.toordinal() - 6), current)
    hooked = []
    for name, where in hook_files().items():
        try:
            if has_block(where.read_text(encoding="utf-8")):
                hooked.append(f"{name} ({where})")
        except (OSError, UnicodeDecodeError):
            continue
    print(f"Activity hook: {', '.join(hooked) if hooked else 'off (stretchtui activity install adds it)'}")
    print(f"Measured at the terminal today: {hours_label(sitting) if sitting else 'nothing yet'}")
    after = int(settings["break_after_minutes"])
    if not after:
        print("Break nudges: off (break_after_minutes is 0)")
    else:
        every = plural(after, "minute")
        print(f"Break nudges: after {every} without a break" + (f"; one is due now ({due.minutes} min)" if due else ""))
    print(f"Breaks in the last 7 days: {counts.in_words()}")
    return 0


# ---------------------------------------------------------------------- break


def _break_arguments(parser: Parser) -> None:
    action_word(
        parser,
        "answer",
        ("take", "later", "skip"),
        "take: you had one (stretched, or got up); later: ask again in 10 minutes; skip: not this time",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="instead: notify now if a break is due (what a tick with --notify starts); once per stretch",
    )


def cmd_break(args: argparse.Namespace) -> int:
    from stretchtui.core.activity import POSTPONE_SECONDS
    from stretchtui.core.breaks import BreakKind

    if args.notify == (args.answer is not None):
        raise CliError("say take, later or skip (or --notify alone)")
    if args.notify:
        return _notify_if_due(args)
    kind = {"take": BreakKind.TAKEN, "later": BreakKind.POSTPONED, "skip": BreakKind.SKIPPED}[args.answer]
    with opened_store(args, must_exist=True) as store:
        due = store.activity.break_due(args.clock.now().timestamp(), even_if_put_off=kind is not BreakKind.POSTPONED)
        if due is None:  # counted only when one was offered: History's shares stay true
            print("No break is due now; nothing noted. Five minutes away from the keyboard starts the count again.")
            return 0
        store.activity.record_break(kind)
        offer = _break_offer(store)
    said = {
        BreakKind.TAKEN: f"Break noted: the count starts again. {offer.body}",
        BreakKind.POSTPONED: f"Asked again in {POSTPONE_SECONDS // 60} minutes.",
        BreakKind.SKIPPED: "Skipped: the count starts again.",
    }
    print(said[kind])
    return 0


def _break_offer(store: Store, minutes: int | None = None) -> Notice:
    """What a break may offer today: a short routine only when today's suggestion would give one,
    and by name only one that suits the person and the day (commands.nudges.offer_for); otherwise
    standing up and moving gently, and getting checked when a warning sign is open."""
    from stretchtui.commands.nudges import offer_for
    from stretchtui.core.notify import break_notice
    from stretchtui.core.safety import State

    check = store.safety.safety_check()
    offer, routine_ok = offer_for(store, check)
    return break_notice(
        minutes, routine_ok=routine_ok, offer=offer, urgent=check.state is State.URGENT, red_flag=check.red_flag
    )


def _notify_if_due(args: argparse.Namespace) -> int:
    """Notify through every channel but the status line (it shows the prompt anyway), once for
    each stretch of activity and again when a "later" runs out; nothing when no break is due. A
    notification that reached no channel is tried again at the next check."""
    from stretchtui.commands.nudges import default_channels
    from stretchtui.core.notify import delivery_line, fan_out
    from stretchtui.store.status_cache import break_notified_path

    with opened_store(args, must_exist=True) as store:
        due = store.activity.break_due(args.clock.now().timestamp())
        notice = None if due is None else _break_offer(store, due.minutes)
        db_path = store.path
    if due is None or notice is None:
        print("no break due")
        return 0
    marker = Path(break_notified_path(db_path, os.environ))
    try:
        if marker.read_text(encoding="ascii") == due.stretch:
            print("a break is due; already notified for this stretch")
            return 0
    except (OSError, UnicodeDecodeError):
        pass
    channels = [channel for channel in default_channels(lambda text: None) if channel.name != "status line"]
    deliveries = fan_out(notice, channels)
    print(delivery_line(deliveries).replace("reminder", "break nudge"))
    if not any(delivery.delivered for delivery in deliveries):
        return 0
    try:
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="ascii") as out:
            out.write(due.stretch)
    except OSError:
        pass  # a second notification for this stretch, at worst
    return 0


COMMANDS = (
    Command(
        "tick",
        "note that the terminal is in use (what the activity hook runs)",
        "Note the time, and nothing else, for measured sitting: what the activity hook runs at each "
        "prompt (stretchtui activity install). Quick: it writes one line to a file beside the database.",
        cmd_tick,
        _tick_arguments,
    ),
    Command(
        "activity",
        "measured sitting: the activity hook, and what it measured",
        "Measured sitting. `activity install [--shell bash|zsh|fish] [--tmux] [--print]` adds a hook "
        "that notes the time at each prompt (nothing about the command); `activity off` removes it; "
        "`activity` shows today's estimate and your breaks. Off until you install it.",
        cmd_activity,
        _activity_arguments,
    ),
    Command(
        "break",
        "answer a break the status line offers: take, later or skip",
        "Answer the break the status line offers after a long stretch at the terminal: take (you had one), "
        "later (ask again in 10 minutes) or skip. History counts them. A session begun while a break is due "
        "counts as taking it.",
        cmd_break,
        _break_arguments,
    ),
)
