"""`stretchtui lessons [ID]`: the short lessons about back pain (core.lessons), listed or one printed.

Lessons are seed data, not yours: this reads `seed/lessons.toml` and never opens the database, so
it creates nothing and works before the app has ever run. Which lessons you marked read is the
app's (a setting); the list here is the same for everyone.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, json_flag, print_json
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from stretchtui.core.lessons import Lesson

MAX_WIDTH = 88
"""Lines are wrapped to the terminal, and never wider than this: long lines are hard to read."""
MIN_WIDTH = 30


def _lessons_arguments(parser: Parser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help="print this lesson (list them without an ID)")
    json_flag(parser)


def _width() -> int:
    import shutil

    return max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns - 1))


def _wrapped(blocks: tuple[str, ...], width: int) -> list[str]:
    """Paragraphs with a blank line between them; list items one under the other, hanging."""
    import textwrap

    from stretchtui.core.lessons import is_item, item_text

    lines: list[str] = []
    previous_item = False
    for block in blocks:
        item = is_item(block)
        if lines and not (item and previous_item):
            lines.append("")
        if item:
            lines += textwrap.wrap(item_text(block), width, initial_indent="  - ", subsequent_indent="    ")
        else:
            lines += textwrap.wrap(block, width)
        previous_item = item
    return lines


def render_lesson(lesson: Lesson, width: int) -> str:
    """A lesson as the command prints it: title, summary, body, when to get help, sources."""
    import textwrap

    from stretchtui.core.lessons import GET_HELP_TITLE, reading_blocks

    body, get_help = reading_blocks(lesson)
    lines = [lesson.title, "=" * min(len(lesson.title), width), *textwrap.wrap(lesson.summary, width), ""]
    lines += _wrapped(body, width)
    if get_help:
        lines += ["", GET_HELP_TITLE, "-" * len(GET_HELP_TITLE), *_wrapped(get_help, width)]
    lines += ["", "Sources:"]
    for source in lesson.sources:
        lines += textwrap.wrap(source, width, initial_indent="  - ", subsequent_indent="    ")
    return "\n".join(lines)


def cmd_lessons(args: argparse.Namespace) -> int:
    from stretchtui.core import records
    from stretchtui.core.lessons import find, get_help_blocks, load_lessons

    lessons = load_lessons()
    if args.id is not None:
        lesson = find(lessons, args.id)
        if lesson is None:
            raise CliError(f"no lesson with id {args.id!r} (list them with: stretchtui lessons)")
        if args.json:
            help_blocks = list(get_help_blocks()) if lesson.get_help else []
            print_json({**records.to_plain(lesson), "words": lesson.words, "when_to_get_help": help_blocks})
        else:
            print(render_lesson(lesson, _width()))
        return 0
    if args.json:
        print_json([{**records.to_plain(lesson), "words": lesson.words} for lesson in lessons])
        return 0
    width = max(len(lesson.id) for lesson in lessons)
    for lesson in lessons:
        print(f"{lesson.id:<{width}}  {lesson.title}")
    print("\nRead one with: stretchtui lessons ID")
    return 0


COMMANDS = (
    Command(
        "lessons",
        "short lessons about back pain",
        "Short lessons about back pain: list them, or print one (stretchtui lessons ID).",
        cmd_lessons,
        _lessons_arguments,
    ),
)
