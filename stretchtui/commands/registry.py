"""The one list of commands: each theme module under `stretchtui.commands` declares its own
`COMMANDS` (name, help, arguments, handler); this module finds them, in theme order.

Theme modules import only light things at the top (heavy pieces inside the handlers), and a
command is looked for theme by theme: `stretchtui status` imports `tracking` alone, and the app
(no command) imports none of them. Only `--help` or a mistake needs every theme.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from typing import NamedTuple

from stretchtui.commands.common import Parser

Handler = Callable[[argparse.Namespace], int]


def no_arguments(parser: Parser) -> None:
    """For a command that takes none."""


class Command(NamedTuple):  # not a dataclass: the app's launch imports this before Textual needs dataclasses
    """One command: `run` gets the parsed arguments (with `clock`) and returns the exit status."""

    name: str
    help: str  # its line in `stretchtui --help`
    description: str  # the head of its own --help
    run: Handler
    arguments: Callable[[Parser], None] = no_arguments  # adds its arguments; called only when needed


THEMES: tuple[str, ...] = (
    "tracking",
    "activity",
    "function",
    "library",
    "launch",
    "exchange",
    "report",
    "entries",
    "safety",
    "lessons",
    "programs",
    "maintenance",
    "sync",
    "nudges",
    "serve",
    "demo",
)
"""Modules under stretchtui.commands holding commands, in the order `stretchtui --help` lists them.
The commands a status line runs often come first: they are found after one import."""


def commands() -> Iterator[Command]:
    """Every command, theme by theme (importing each theme as it is reached)."""
    from importlib import import_module

    for theme in THEMES:
        yield from import_module(f"stretchtui.commands.{theme}").COMMANDS


def find(name: str) -> Command | None:
    """The command called `name`, importing only the themes up to its own; None if there is none."""
    return next((command for command in commands() if command.name == name), None)
