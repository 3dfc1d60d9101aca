"""What every command shares: the one-line error, the argparse subclass, opening the store."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from stretchtui.core.errors import FieldError, UserError

if TYPE_CHECKING:
    from datetime import date

    from stretchtui.store.store import Store


class CliError(UserError):
    """Bad command-line input: one line on stderr, exit status 2, nothing written."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr with exit status 2, and holds every
    argument it takes (flag values, positionals, paths) to the one text rule (core.plain_text):
    NUL, ESC or bytes that are not UTF-8 are refused before any command runs."""

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        assert action.type not in (int, float), "int() and float() take '1_0', '+5', 'nan': use whole_number"
        if action.nargs != 0:  # it takes values: check each before its own conversion
            assert not isinstance(action.type, str), "a `type` here is a conversion, not a registered name"
            action.type = plain_argument(action.type)
        return action

    def error(self, message: str) -> NoReturn:
        from stretchtui.core.plain_text import printable

        raise CliError(printable(message))  # argparse quotes arguments raw ("unrecognized arguments")


def day_argument(text: str) -> date:
    """argparse `type` for a day typed by hand (YYYY-MM-DD), inside the window of core.instants.
    Whether it may be later than today is the command's to say (it needs the store's day start)."""
    from stretchtui.core.instants import parse_day

    try:
        return parse_day(text, "")
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def whole_number(low: int | None, high: int | None, what: str) -> Callable[[str], int]:
    """argparse `type` for a whole number from `low` to `high` (None: any of up to 40 digits), read
    as every typed number is (core.digits.whole_number: not '1_0', '+5' or 5000 digits, which
    int() takes or chokes on); `what` names it when the text is not one, with the range ("'x' is
    not a port number (1-65535)")."""
    span = "" if low is None or high is None else f" ({low}-{high})"

    def convert(text: str) -> int:
        from stretchtui.core.digits import whole_number as typed_number
        from stretchtui.core.errors import shown

        value = typed_number(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"{shown(text)} is not {what}{span}")
        if low is not None and high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low}-{high}")
        return value

    convert.__name__ = "whole number"  # argparse's "invalid ... value" never shows it: the error above does
    return convert


def action_word(parser: Parser, name: str, choices: tuple[str, ...], help: str, *, default: str | None = None) -> None:
    """The word after a command's name that says what it is to do (`activity install`, `break
    take`, `sync leave`, `program export`): optional, one of `choices`, shown in --help as NAME."""
    parser.add_argument(name, metavar=name.upper(), nargs="?", choices=choices, default=default, help=help)


def output_file_arguments(
    parser: Parser, *, output: str, force: str, formats: tuple[str, ...] = (), formats_help: str = ""
) -> None:
    """The options of a command that writes a file you hand on (export, report, program export;
    the file is checked and written by store.output_guard): `--format` when it has `formats` (the
    first is the default), `--output FILE` and `--force`. Each command says in its own words what
    the formats are, where the file goes and what --force may replace."""
    if formats:
        parser.add_argument("--format", choices=list(formats), default=formats[0], help=formats_help)
    parser.add_argument("--output", metavar="FILE", help=output)
    parser.add_argument("--force", action="store_true", help=force)


def json_flag(parser: Parser) -> None:
    """The `--json` flag of the commands that can print JSON."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def plain_argument(convert: Callable[[str], Any] | None) -> Callable[[str], Any]:
    """`convert` (argparse's `type`, None for plain text) after the text rule."""

    def check(text: str) -> Any:
        from stretchtui.core.plain_text import problem

        if isinstance(text, str) and (message := problem(text)) is not None:
            raise argparse.ArgumentTypeError(message)
        return text if convert is None else convert(text)

    # argparse names the type in "invalid int value: 'x'": keep the name of the conversion.
    check.__name__ = getattr(convert, "__name__", "str")
    return check


def open_store(
    args: argparse.Namespace, *, reads_only: bool = False, must_exist: bool = False, quick_check: bool = True
) -> Store:
    """The one way a command opens its database (store.location.resolve_db_path), on its clock.
    `reads_only` for the commands that only read: a path with no database is refused in one line
    and nothing is created (a mistyped --db must not leave a directory and a database behind), and
    a database the user made read-only is read without writing it (Store.open's `read_only_ok`).
    `must_exist` for a command that writes but only ever corrects what is there (remove, undo).
    The caller owns the store: `opened_store` closes it, the app closes the one it is given."""
    from stretchtui.store import Store, StoreError, resolve_db_path

    path = resolve_db_path(args.db)
    if (reads_only or must_exist) and not os.path.lexists(path):
        raise StoreError(
            f"no database at {path}; nothing was created (check --db, or run stretchtui once to start one)"
        )
    return Store.open(path, args.clock, quick_check=quick_check, read_only_ok=reads_only)


@contextmanager
def opened_store(
    args: argparse.Namespace, *, reads_only: bool = False, must_exist: bool = False, quick_check: bool = True
) -> Iterator[Store]:
    """`open_store`, closed when the block ends, however it ends."""
    store = open_store(args, reads_only=reads_only, must_exist=must_exist, quick_check=quick_check)
    try:
        yield store
    finally:
        store.close()


def unknown_routine(routine_id: str) -> CliError:
    return CliError(f"no routine with id {routine_id!r} (list them with: stretchtui routines)")


def refuse_unknown_routine_before_creating(args: argparse.Namespace, routine_id: str) -> None:
    """With no database yet, only seeded routines exist: check against the seed files, so an
    unknown id is refused without creating a database. (An existing one is checked after opening.)"""
    from stretchtui.core.library import load_library
    from stretchtui.store.location import resolve_db_path

    if not resolve_db_path(args.db).exists() and routine_id not in load_library().routines:
        raise unknown_routine(routine_id)


def print_json(value: object) -> None:
    """Indented JSON on stdout (json is imported here: the app's launch does without it)."""
    print(json_text(value), end="")


def json_text(value: object) -> str:
    """What print_json prints, as text (with its newline)."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def save_on_hangup(app) -> None:  # (StretchApp) -> None; typed loosely to keep the import lazy
    """A dropped SSH connection (SIGHUP) or a polite kill (SIGTERM, SIGINT sent with `kill`): every
    finished step is already saved; mark the session in progress as partial (still resumable).
    After a hang-up, leave at once (the terminal is gone); after a polite kill, `app.end_on_signal`
    ends the app as a quit does, which gives the terminal back (False: not running, so leave at
    once). `app.opened_store` is the store if it is open yet (before that, no session can run)."""
    import signal

    def handler(signum: int, _frame: object) -> None:
        try:
            if (store := app.opened_store) is not None:
                store.sessions.mark_hangup_partial()
        finally:
            if signum == signal.SIGHUP or not app.end_on_signal(signum):
                os._exit(128 + signum)

    for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def run_app(store=None, **options) -> int:
    """Run the app over an open store, or over `open_store` (see make_app), and close the store
    after. Raises the error that kept the store from opening. `options` go to make_app."""
    from stretchtui.factory import make_app
    from stretchtui.ui.terminal import draw_plainly_if_needed

    app = make_app(store=store, **options)
    save_on_hangup(app)
    draw_plainly_if_needed()  # a terminal without Unicode: plain boxes and bars, not escapes
    try:
        app.run()
    finally:
        if (opened := store if store is not None else app.opened_store) is not None:
            opened.close()
    if store is None and app.store_error is not None:
        raise app.store_error
    return app.return_code or 0


def on_terminal() -> bool:
    """A person is there to answer (stdin and stdout both terminals): asked, not assumed."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdin, or a closed one
        return False


def ask_yes(question: str) -> bool:
    """Ask on the terminal; only "y" or "yes" (any case) is a yes, end of input a no."""
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().casefold() in ("y", "yes")
