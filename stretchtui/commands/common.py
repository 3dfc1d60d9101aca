"""What every command shares: the one-line error, the argparse subclass, opening the store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from stretchtui.core.errors import UserError


class CliError(UserError):
    """Bad command-line input: one line on stderr, exit status 2, nothing written."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr with exit status 2, and holds every
    argument it takes (flag values, positionals, paths) to the one text rule (core.plain_text):
    NUL, ESC or bytes that are not UTF-8 are refused before any command runs."""

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if action.nargs != 0:  # it takes values: check each before its own conversion
            action.type = plain_argument(action.type)
        return action

    def error(self, message: str) -> NoReturn:
        from stretchtui.core.plain_text import printable

        raise CliError(printable(message))  # argparse quotes arguments raw ("unrecognized arguments")


def day_argument(text: str):  # -> date
    """argparse `type` for a day typed by hand (YYYY-MM-DD), inside the window of core.instants.
    Whether it may be later than today is the command's to say (it needs the store's day start)."""
    from stretchtui.core.instants import parse_day

    try:
        return parse_day(text, "")
    except UserError as error:
        raise argparse.ArgumentTypeError(error.message) from None


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


def db_path(args: argparse.Namespace) -> Path:
    """The database path (--db, $STRETCHTUI_DB or the user data directory), made absolute so that
    every message and command shown is exact."""
    from stretchtui.store.location import resolve_db_path

    return Path(os.path.abspath(resolve_db_path(args.db)))


def open_store(args: argparse.Namespace, *, quick_check: bool = True, create: bool = True):  # -> Store
    """The store at --db / $STRETCHTUI_DB / the user data directory, on the command's clock.
    `create=False` for the commands that only read: a path with no database is refused in one line
    and nothing is created (a mistyped --db must not leave a directory and a database behind), and
    a database the user made read-only is read without writing it (Store.open's `read_only_ok`)."""
    from stretchtui.store import Store, resolve_db_path

    path = resolve_db_path(args.db)
    if not create:
        refuse_missing(path)
    return Store.open(path, args.clock, quick_check=quick_check, read_only_ok=not create)


def refuse_missing(path: Path) -> None:
    """A command that only reads, on a path with no database: one line, exit 1, nothing created."""
    from stretchtui.store.files import StoreError

    if not os.path.lexists(path):
        raise StoreError(f"no database at {os.path.abspath(path)}; nothing was created (check --db, or run "
                         "stretchtui once to start one)")


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
                store.mark_hangup_partial()
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


def ask_yes(question: str) -> bool:
    """Ask on the terminal; only "y" or "yes" (any case) is a yes, end of input a no."""
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().casefold() in ("y", "yes")
