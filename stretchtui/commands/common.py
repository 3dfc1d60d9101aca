"""What every command shares: the one-line error, the argparse subclass, opening the store."""

from __future__ import annotations

import argparse
from typing import NoReturn

from stretchtui.core.errors import UserError


class CliError(UserError):
    """Bad command-line input: one line on stderr, exit status 2, nothing written."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr with exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def open_store(args: argparse.Namespace):  # -> Store; typed loosely to keep the import lazy
    """The store at --db / $STRETCHTUI_DB / the user data directory, on the system clock."""
    from stretchtui.core.clock import SystemClock
    from stretchtui.store import Store, resolve_db_path

    return Store.open(resolve_db_path(args.db), SystemClock())
