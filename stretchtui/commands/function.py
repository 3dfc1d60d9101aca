"""`stretchtui function`: up to three everyday activities the back makes hard, rated 0-10 once a
week (0 = can't do it, 10 = as before), and how they went over the last weeks."""

from __future__ import annotations

import argparse
from datetime import timedelta

from stretchtui.commands.common import CliError, Parser, opened_store, print_json, whole_number
from stretchtui.commands.registry import Command
from stretchtui.core.errors import FieldError, UserError
from stretchtui.store.location import resolve_db_path

WEEKS_SHOWN = 6


def _rate(text: str) -> tuple[str, int]:
    from stretchtui.core.function import parse_rate

    try:
        return parse_rate(text, "")
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _name(text: str) -> str:
    from stretchtui.core.function import activity_name

    try:
        return activity_name(text, "")
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _rename(text: str) -> tuple[str, str]:
    old, equals, new = text.partition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"{text!r} has no '=': give OLD=NEW")
    return _name(old), _name(new)


def _arguments(parser: Parser) -> None:
    parser.add_argument(
        "--rate",
        type=_rate,
        action="append",
        default=[],
        metavar='"NAME=N"',
        help="rate an activity for this week, 0-10 (0 = can't do it, 10 = as before); a new activity is "
        "added if you have fewer than three; a second rating this week replaces the first",
    )
    parser.add_argument("--drop", type=_name, metavar="NAME", help="stop rating an activity (its ratings are kept)")
    parser.add_argument(
        "--rename", type=_rename, metavar='"OLD=NEW"', help="rename an activity (its past ratings take the new name)"
    )
    parser.add_argument(
        "--weeks",
        type=whole_number(1, 52, "a number of weeks"),
        default=WEEKS_SHOWN,
        metavar="N",
        help="weeks shown, 1-52 (default 6)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def cmd_function(args: argparse.Namespace) -> int:
    from stretchtui.core import function as fn
    from stretchtui.core.days import day_label, today

    names = [name.casefold() for name, _ in args.rate]
    if len(set(names)) != len(names):
        raise CliError("--rate: an activity is rated twice in one go")
    changes = bool(args.rate or args.drop or args.rename)
    if (args.drop or args.rename) and not resolve_db_path(args.db).exists():  # refused before one is created
        option, name = ("--rename", args.rename[0]) if args.rename else ("--drop", args.drop)
        raise CliError(f"{option}: {name!r} is not one of your activities (none yet)")
    with opened_store(args, reads_only=not changes) as store:
        try:
            with store.db.atomic():  # all or nothing
                if args.rename:
                    store.function.rename_activity(*args.rename)
                if args.drop:
                    store.function.drop_activity(args.drop)
                for name, rating in args.rate:
                    store.function.rate(name, rating)
        except FieldError as error:
            raise CliError(error.message) from None
        except UserError as error:
            option = "--rate" if args.rate else "--rename" if args.rename else "--drop"
            raise CliError(f"{option}: {error}") from None
        this_day = today(store.clock, store.settings.day_start_hour())
        current = fn.week_of(this_day)
        weeks = [current - timedelta(days=7 * i) for i in reversed(range(args.weeks))]
        trends = [t for t in store.function.trends(since=weeks[0]) if t.current or t.by_week]
    if args.json:
        print_json(
            {
                "scale": fn.SCALE,
                "week": current.isoformat(),
                "activities": [fn.to_plain(t) for t in trends],
            }
        )
        return 0
    for name, rating in args.rate:
        print(f"Rated {name}: {rating}/10 this week.")
    if args.rename:
        print(f"Renamed {args.rename[0]} to {args.rename[1]}.")
    if args.drop:
        print(f"No longer rating {args.drop} (its ratings are kept).")
    if not trends:
        print(
            "No activities yet. Name up to three your back makes hard: "
            f'stretchtui function --rate "NAME=N" ({fn.SCALE}).'
        )
        return 0
    print(f"Function, 0-10 ({fn.SCALE}), week by week (Monday):")
    width = max(len(t.name) for t in trends)
    labels = [day_label(w, this_day, weekday=False) for w in weeks]  # with the year when not this one's
    column = max(len(label) for label in labels)
    print(f"  {'':{width}}  " + "  ".join(f"{label:>{column}}" for label in labels))
    for trend in trends:
        cells = "  ".join(f"{trend.by_week[w] if w in trend.by_week else '-':>{column}}" for w in weeks)
        former = "" if trend.current else "  (no longer rated)"
        print(f"  {trend.name:{width}}  {cells}{former}")
    return 0


COMMANDS = (
    Command(
        "function",
        "rate up to three everyday activities 0-10 once a week, and see how they go",
        "Function, not only pain: name up to three everyday activities your back makes hard "
        '("sit through a meeting", "put on socks") and rate each once a week from 0 to 10 '
        "(0 = can't do it, 10 = as before). Without options: the activities and their ratings over "
        "the last weeks.",
        cmd_function,
        _arguments,
    ),
)
