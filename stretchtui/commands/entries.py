"""`stretchtui entries`, `remove` and `undo`: the record, correctable from the command line
(core/entries.py; the app does the same from History)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from stretchtui.commands.common import CliError, Parser, ask_yes, day_argument, opened_store
from stretchtui.commands.registry import Command

DEFAULT_DAYS = 30  # `entries` without --since: the last month


def _entries_arguments(parser: Parser) -> None:
    parser.add_argument("--since", type=day_argument, metavar="YYYY-MM-DD", help="from this day on")
    parser.add_argument("--json", action="store_true", help="JSON, one object per entry, for scripts")


def _remove_arguments(parser: Parser) -> None:
    parser.add_argument("id", metavar="ID", help="the entry's id, as `stretchtui entries` lists it")
    parser.add_argument("--yes", action="store_true", help="do not ask (for scripts; asked on a terminal)")


def cmd_entries(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today

    with opened_store(args, reads_only=True) as store:
        since = args.since or today(store.clock, store.settings.day_start_hour()) - timedelta(days=DEFAULT_DAYS - 1)
        found = store.corrections.entries(since=since)
    if args.json:
        json.dump([entry.to_plain() for entry in found], sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not found:
        print(f"Nothing recorded since {since:%a %d %b %Y}.")
        return 0
    width = max(len(entry.noun) for entry in found)
    print(f"{'ID':<8}  {'DAY':<15}  {'WHAT':<{width}}  DETAILS")
    for entry in found:
        print(f"{entry.short_id:<8}  {entry.day:%a %d %b %Y}  {entry.noun:<{width}}  {_shown(entry.summary)}")
    if args.since is None:
        print(f"(since {since:%a %d %b %Y}; --since YYYY-MM-DD for earlier)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from stretchtui.core.entries import id_prefix

    id_prefix(args.id)  # a malformed id: one line, before the database is opened
    if not args.yes and not sys.stdin.isatty():
        raise CliError("remove: not on a terminal, so nothing asks first; add --yes to remove it")
    with opened_store(args, must_exist=True) as store:  # it writes, so a read-only file is refused
        entry = store.corrections.find_entry(args.id)
        if not args.yes and not ask_yes(f"Remove the {_shown(entry.describe())}? [y/N] "):
            print("Nothing removed.")
            return 1
        store.corrections.remove_entry(entry)
    print(f"Removed the {_shown(entry.describe())}. `stretchtui undo` brings it back.")
    return 0


def _shown(text: str) -> str:
    """A summary in the symbols standard output can carry (core.glyphs; JSON is left as it is)."""
    from stretchtui.core.glyphs import glyphs_for

    return glyphs_for(sys.stdout.encoding).prose(text)


def cmd_undo(args: argparse.Namespace) -> int:
    from stretchtui.core.entries import KEEP_REMOVED_DAYS
    from stretchtui.store.files import StoreError

    with opened_store(args, must_exist=True) as store:
        entry = store.corrections.undo_removal()
    if entry is None:
        raise StoreError(f"nothing to undo: no entry was removed in the last {KEEP_REMOVED_DAYS} days")
    print(f"Brought back the {_shown(entry.describe())}.")
    return 0


COMMANDS = (
    Command(
        "entries",
        "list sessions, check-ins and rest or flare days with their ids",
        "List what you recorded, newest first, each with a short id that never changes (for `stretchtui "
        "remove ID`). Without --since: the last 30 days.",
        cmd_entries,
        _entries_arguments,
    ),
    Command(
        "remove",
        "remove one session, check-in or rest/flare day (undo brings it back)",
        "Remove one entry by the id `stretchtui entries` lists (at least 4 characters of it). It leaves every "
        "streak, chart and report at once; `stretchtui undo` brings it back within 30 days, and an import "
        "never brings it back.",
        cmd_remove,
        _remove_arguments,
    ),
    Command(
        "undo",
        "bring back the last removed entry",
        "Bring back the entry removed last (kept for 30 days), exactly as it was.",
        cmd_undo,
    ),
)
