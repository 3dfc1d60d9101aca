"""`stretchtui record`, `log`, `rest`, `stats` and `status`: noting what you did and how it went,
and the streak at a glance. `status` runs in shell prompts and tmux status lines, often: it reads
the file directly when it can (store.glance) and imports neither peewee nor textual."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from stretchtui.commands.common import (
    CliError,
    Parser,
    day_argument,
    json_flag,
    json_text,
    opened_store,
    refuse_unknown_routine_before_creating,
    whole_number,
)
from stretchtui.commands.registry import Command
from stretchtui.core.errors import FieldError
from stretchtui.store.location import resolve_db_path

if TYPE_CHECKING:
    from pathlib import Path

    from stretchtui.core.checkins import Region
    from stretchtui.core.glyphs import Glyphs
    from stretchtui.store.glance import StatusFacts

# ---------------------------------------------------------------------- argument types


def _pain(text: str) -> int:
    from stretchtui.core.checkins import pain_value

    try:
        return pain_value(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _region(text: str) -> Region:
    from stretchtui.core.checkins import region_value

    try:
        return region_value(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


# ---------------------------------------------------------------------- record


def _record_arguments(parser: Parser) -> None:
    parser.add_argument("routine", metavar="ROUTINE_ID", nargs="?", help="the routine you did (optional)")
    parser.add_argument(
        "--at",
        metavar="ISO8601",
        help="when you started: local time without an offset (2026-11-21T07:30), or an instant with one; default now",
    )
    parser.add_argument(
        "--minutes",
        type=whole_number(1, 240, "a whole number of minutes"),
        metavar="N",
        help="how long, 1-240 (default: the routine's duration)",
    )


def cmd_record(args: argparse.Namespace) -> int:
    from stretchtui.core.timeparse import typed_instant

    clock = args.clock
    at = typed_instant(args.at, clock, "--at") if args.at is not None else clock.now()
    if args.routine is None and args.minutes is None:
        raise CliError("say what you did: a ROUTINE_ID, --minutes N, or both")
    if args.routine:
        refuse_unknown_routine_before_creating(args, args.routine)
    with opened_store(args) as store:
        info = store.sessions.record_backfill(args.routine, at, args.minutes)
    from stretchtui.core.days import day_label, today

    minutes = round(info.active_seconds / 60)
    print(f"Recorded {info.routine_name}: {minutes} min on {day_label(info.day, today(clock))}.")
    return 0


# ---------------------------------------------------------------------- log


def _log_arguments(parser: Parser) -> None:
    from stretchtui.core.checkins import CHOSEN_SIDES

    parser.add_argument("--pain", type=_pain, metavar="N", help="pain from 0 to 10 (or only --sitting or --note)")
    parser.add_argument(
        "--area", type=_region, metavar="AREA", help="lower-back (default), mid-upper-back, neck, hips-buttocks or leg"
    )
    parser.add_argument(
        "--side",
        choices=[side for side in CHOSEN_SIDES if side],
        help="left or right, if one side; both: the same pain on each side (noted as left and right)",
    )
    parser.add_argument("--sitting", metavar="H", help="hours sat today, 0-24 in halves (7 or 7.5)")
    parser.add_argument("--note", metavar="TEXT", default="", help="a short note")
    parser.add_argument("--at", metavar="ISO8601", help="when: local time without an offset; default now")


def cmd_log(args: argparse.Namespace) -> int:
    from stretchtui.core.checkins import PainEntry, Region, note_value, sides_of, sitting_value
    from stretchtui.core.timeparse import typed_instant

    clock = args.clock
    sitting = sitting_value(args.sitting, "--sitting")
    note = note_value(args.note, "--note")
    if args.pain is None and (args.side or args.area):
        raise CliError("--area and --side say where the pain is: give --pain N with them")
    if args.pain is None and sitting is None and not note:
        raise CliError("say what to note: --pain N, --sitting H or --note TEXT (or more than one)")
    at = typed_instant(args.at, clock, "--at") if args.at is not None else None
    sides = sides_of(args.side or "")
    pains = [] if args.pain is None else [PainEntry(args.area or Region.LOWER_BACK, args.pain, side) for side in sides]
    with opened_store(args) as store:
        before = store.safety.safety_check()
        checkin = store.checkins.add_checkin(pains, sitting_hours=sitting, note=note, at=at, source="cli")
        after = store.safety.safety_check()
        legs = store.safety.legs_noted(checkin)  # the form's and the note's, as the check above reads them
    from stretchtui.core.days import day_label, today
    from stretchtui.core.entries import checkin_summary
    from stretchtui.core.note_flags import note_flags
    from stretchtui.core.safety import ASK_AGAIN_PAIN, high_pain_words, newly_asked

    summary = checkin_summary(list(checkin.pains), checkin.sitting_hours, "", False)
    said = summary if summary != "nothing noted" else "your note"
    print(f"Noted {said} for {day_label(checkin.day, today(clock))}.")
    if args.pain is not None and args.pain >= ASK_AGAIN_PAIN and args.at is None:  # as the app says before a session
        print(high_pain_words(args.pain))
    flags = (*note_flags(note), *(["both-legs"] if {"left", "right"} <= legs else []))
    for line in newly_asked(before, after, flags):  # what the app shows on Today at once
        print(line)
    return 0


# ---------------------------------------------------------------------- rest


def _rest_arguments(parser: Parser) -> None:
    parser.add_argument("--date", type=day_argument, metavar="YYYY-MM-DD", help="the day (default today)")
    parser.add_argument(
        "--flare",
        action="store_true",
        help="mark a flare day instead: pain kept you from stretching (also keeps a streak alive)",
    )
    parser.add_argument(
        "--force", action="store_true", help="mark a day before anything you recorded here (refused without it)"
    )


def cmd_rest(args: argparse.Namespace) -> int:
    from stretchtui.core.days import day_label, today
    from stretchtui.core.entries import MARK_NOUNS, MarkKind
    from stretchtui.core.instants import day_not_later
    from stretchtui.store.corrections import MarkRefused

    clock = args.clock
    kind = MarkKind.FLARE if args.flare else MarkKind.REST
    if args.date is not None and not resolve_db_path(args.db).exists():
        # Refused before a database is created; a new one has the default day start and no entry.
        current = today(clock)
        if day_not_later(args.date, current, "--date") != current and not args.force:
            raise CliError(
                f"--date: {args.date:%a %d %b %Y} is before anything you recorded here (nothing is "
                "recorded yet); add --force to mark it anyway"
            )
    with opened_store(args) as store:
        current = today(clock, store.settings.day_start_hour())
        day = day_not_later(args.date or current, current, "--date")
        try:
            added = store.corrections.set_day_mark(day, kind, force=args.force)
        except MarkRefused as refused:
            raise CliError(
                f"--date: {refused}" + ("; add --force to mark it anyway" if refused.needs_force else "")
            ) from None
    print(f"{day_label(day, current)} is {'now' if added else 'already'} a {MARK_NOUNS[kind]}.")
    return 0


# ---------------------------------------------------------------------- stats and status


def _status_facts(args: argparse.Namespace) -> StatusFacts:
    """Read straight from the file when it can be (store.glance: no peewee, nothing written);
    otherwise through the store, which creates, migrates or explains the file first."""
    from stretchtui.store.glance import StatusFacts, glance_status_facts

    facts = glance_status_facts(resolve_db_path(args.db), args.clock)
    if facts is not None:
        return facts
    from stretchtui.store.day_summary import streak_numbers

    with opened_store(args, reads_only=True, quick_check=False) as store:  # read only, and often (a status line)
        settings = store.settings.read()
        numbers = streak_numbers(store.history.day_activities(), settings, store.clock)
        return StatusFacts(numbers, store.activity.break_facts(), settings)


def status_entry(args: argparse.Namespace, *, with_program: bool = False) -> dict[str, Any]:
    """What `status` and `stats` show, worked out in full and kept for the quick path
    (commands.quick, store.status_cache) while the database and the logical day stay the same.
    `with_program` adds what `status --json` prints, where you are in your program: that costs
    more than the rest together, so it is worked out only when asked for, and kept from then on
    (until the next write)."""
    import os
    from dataclasses import astuple

    from stretchtui.commands import quick
    from stretchtui.core.days import next_day_start
    from stretchtui.core.glyphs import ASCII, UNICODE
    from stretchtui.store import status_cache

    db_path = resolve_db_path(args.db)
    key = status_cache.fingerprint(db_path)  # before reading: a write meanwhile makes the entry stale, not wrong
    facts = _status_facts(args)
    summary, week, day_start = facts.numbers
    stats = {
        "current_streak": summary.current,
        "longest_streak": summary.longest,
        "longest_streak_start": summary.longest_start.isoformat() if summary.longest_start else None,
        "longest_streak_end": summary.longest_end.isoformat() if summary.longest_end else None,
        "strength": round(summary.strength, 4),
        "today_done": summary.today_done,
        "week": {"minutes": round(week.minutes, 1), "sessions": week.sessions, "days_done": week.days_done},
        "day_start_hour": day_start,
    }
    from stretchtui.core.vocabulary import plural

    stats_text = (
        f"Streak: {plural(summary.current, 'day')} ({'done today' if summary.today_done else 'not yet today'}); "
        f"longest {summary.longest}; habit strength {summary.strength:.0%}\n"
        f"This week: {plural(week.days_done, 'day')} done, {plural(week.sessions, 'session')}, "
        f"{plural(week.minutes, 'minute', shown=f'{week.minutes:.0f}')}\n"
    )
    state = "done today" if summary.today_done else "not yet today"

    def line(glyphs: Glyphs) -> dict[str, str]:
        mark = glyphs.done if summary.today_done else glyphs.not_done
        return {"line": f"{mark} {summary.current}d streak, {state}", "separator": glyphs.separator}

    now = args.clock.now()
    entry: dict[str, Any] = {
        "key": None if key is None else [*key, quick.zone_source(os.environ)],
        "day_from": now.timestamp(),
        "day_until": next_day_start(now, args.clock.zone, day_start).timestamp(),
        "stats_json": stats,
        "stats_json_text": json_text(stats),
        "stats_text": stats_text,
        "status": {"unicode": {**line(UNICODE), "needs": "".join(astuple(UNICODE))}, "ascii": line(ASCII)},
        "breaks": {"after": int(facts.settings["break_after_minutes"]), **facts.breaks._asdict()},
    }
    entry["remind_instead"] = _remind_instead(args, db_path, now.timestamp())
    if with_program:
        from stretchtui.commands.programs import program_json

        status_json = {"current_streak": summary.current, "today_done": summary.today_done}
        entry["status_json_text"] = json_text({**status_json, "program": program_json(args)})
    if key is not None:
        status_cache.save(db_path, entry)
        if not args.db and not os.environ.get("STRETCHTUI_DB"):
            quick.remember_default_path(str(db_path), os.environ)
    return entry


def _remind_instead(args: argparse.Namespace, db_path: Path, now: float) -> str | None:
    """What the status line shows in place of the daily reminder's words while they are pending:
    what the reminder would say now (commands.nudges.todays_reminder), "" for nothing (the goal
    met, a rest or flare day marked or brought back since); None when none is pending. So a red
    flag noted after "time to stretch" went says to get checked, and one cleared since stops
    saying so. The entry is worked out again after every write, so this is never older than the
    day's record or the safety answers."""
    from stretchtui.commands.nudges import todays_reminder
    from stretchtui.core.notify import Quiet
    from stretchtui.store.pending_nudge import read_pending_short

    if read_pending_short(db_path, now) is None:
        return None
    with opened_store(args, reads_only=True, quick_check=False) as store:
        said = todays_reminder(store)
    return "" if isinstance(said, Quiet) else said.short


def cmd_stats(args: argparse.Namespace) -> int:
    entry = status_entry(args)
    print(entry["stats_json_text" if args.json else "stats_text"], end="")
    return 0


def _status_arguments(parser: Parser) -> None:
    parser.add_argument("--ascii", action="store_true", help="ASCII only, for terminals without Unicode")
    parser.add_argument("--json", action="store_true", help="print JSON: the streak, and where you are in your program")


def cmd_status(args: argparse.Namespace) -> int:
    from stretchtui.commands.quick import status_line
    from stretchtui.core.glyphs import UNICODE, glyphs_for

    entry = status_entry(args, with_program=args.json)
    if args.json:
        print(entry["status_json_text"], end="")
        return 0
    ascii_only = args.ascii or glyphs_for(sys.stdout.encoding) != UNICODE
    now = args.clock.now().timestamp()
    print(status_line(entry, now, ascii_only=ascii_only, db_path=str(resolve_db_path(args.db))))
    return 0


COMMANDS = (
    Command(
        "record",
        "record a session done away from the terminal",
        "Record a session done away from the terminal (a backfill).",
        cmd_record,
        _record_arguments,
    ),
    Command(
        "log",
        "note pain (and sitting hours) for today",
        "Note your pain, and optionally hours sat and a note.",
        cmd_log,
        _log_arguments,
    ),
    Command(
        "rest",
        "mark a rest or flare day (keeps a streak alive, never extends it)",
        "Mark a rest day (or, with --flare, a flare day): it keeps a streak alive without extending it. "
        "Not on a day that already met your goal. `stretchtui remove ID` takes a mark away.",
        cmd_rest,
        _rest_arguments,
    ),
    Command(
        "stats",
        "streak and this week's numbers",
        "Streak, habit strength and this week's numbers.",
        cmd_stats,
        json_flag,
    ),
    Command(
        "status",
        "one short line for a shell prompt or tmux status bar",
        "One short line for a shell prompt or a tmux status bar.",
        cmd_status,
        _status_arguments,
    ),
)
