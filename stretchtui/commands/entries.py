"""`stretchtui entries`, `remove` and `undo`: the record, correctable from the command line
(core/entries.py; the app does the same from History)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import timedelta

from stretchtui.commands.common import CliError, ask_yes, day_argument, open_store

DEFAULT_DAYS = 30  # `entries` without --since: the last month


def register(commands: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    entries = commands.add_parser(
        "entries", help="list sessions, check-ins and rest or flare days with their ids",
        description="List what you recorded, newest first, each with a short id that never changes "
                    "(for `stretchtui remove ID`). Without --since: the last 30 days.")
    entries.add_argument("--since", type=day_argument, metavar="YYYY-MM-DD", help="from this day on")
    entries.add_argument("--json", action="store_true", help="JSON, one object per entry, for scripts")

    remove = commands.add_parser(
        "remove", help="remove one session, check-in or rest/flare day (undo brings it back)",
        description="Remove one entry by the id `stretchtui entries` lists (at least 4 characters of it). "
                    "It leaves every streak, chart and report at once; `stretchtui undo` brings it back "
                    "within 30 days, and an import never brings it back.")
    remove.add_argument("id", metavar="ID", help="the entry's id, as `stretchtui entries` lists it")
    remove.add_argument("--yes", action="store_true", help="do not ask (for scripts; asked on a terminal)")

    commands.add_parser("undo", help="bring back the last removed entry",
                        description="Bring back the entry removed last (kept for 30 days), exactly as it was.")
    return {"entries": cmd_entries, "remove": cmd_remove, "undo": cmd_undo}


def cmd_entries(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today

    store = open_store(args, create=False)  # only reads
    try:
        since = args.since or today(store.clock, store.day_start_hour()) - timedelta(days=DEFAULT_DAYS - 1)
        found = store.entries(since=since)
    finally:
        store.close()
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
    store = _open_for_writing(args)
    try:
        entry = store.find_entry(args.id)
        if not args.yes and not ask_yes(f"Remove the {_shown(entry.describe())}? [y/N] "):
            print("Nothing removed.")
            return 1
        store.remove_entry(entry)
    finally:
        store.close()
    print(f"Removed the {_shown(entry.describe())}. `stretchtui undo` brings it back.")
    return 0


def _shown(text: str) -> str:
    """A summary in the symbols standard output can carry (core.glyphs; JSON is left as it is)."""
    from stretchtui.core.glyphs import glyphs_for

    return glyphs_for(sys.stdout.encoding).prose(text)




def cmd_undo(args: argparse.Namespace) -> int:
    from stretchtui.core.entries import KEEP_REMOVED_DAYS
    from stretchtui.store.files import StoreError

    store = _open_for_writing(args)
    try:
        entry = store.undo_removal()
    finally:
        store.close()
    if entry is None:
        raise StoreError(f"nothing to undo: no entry was removed in the last {KEEP_REMOVED_DAYS} days")
    print(f"Brought back the {_shown(entry.describe())}.")
    return 0


def _open_for_writing(args: argparse.Namespace):  # -> Store
    """`remove` and `undo` write, so a read-only database is refused with how to fix it (as `log`
    does), and they only ever correct a record that exists: nothing is created."""
    from stretchtui.commands.common import refuse_missing
    from stretchtui.store import resolve_db_path

    refuse_missing(resolve_db_path(args.db))
    return open_store(args)
