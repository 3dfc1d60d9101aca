"""The command line: builds the parser from the command registry (stretchtui.commands.registry),
runs the command, and maps errors to exit codes.

Exit status: 0 ok; 1 the database or seed data cannot be used (message says why); 2 bad input.
Heavy modules (textual, the store) are imported only by the commands that need them.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing costs `stretchtui tick` a third of its time
if TYPE_CHECKING:  # the rest is imported when used: `stretchtui tick` runs before every shell prompt
    from collections.abc import Sequence

    from stretchtui.commands.common import Parser
    from stretchtui.commands.registry import Handler
    from stretchtui.core.clock import Clock


def global_parser() -> Parser:
    """The options that come before any command (alone, they launch the app)."""
    from stretchtui import __version__
    from stretchtui.commands.common import Parser

    parser = Parser(prog="stretchtui", description="A terminal habit tracker for daily back-care stretching.")
    parser.add_argument("--version", action="version", version=f"stretchtui {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $STRETCHTUI_DB, else the user data directory)"
    )
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command `argv` names, None when it names none (only `--db PATH`: the app), or "" when
    something else comes first (--help, --version, a missing --db value: the full parser answers).
    It lets a launch skip building parsers it will not use: every command's, about 10 ms, for the
    app; all but its own, for `status` in a status line."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--db":
            if next(tokens, None) is None:
                return ""
        elif not token.startswith("--db="):
            return "" if token.startswith("-") else token
    return None


def build_parser(word: str | None = None) -> Parser:
    """The parser with every registered command; with `word` naming one, that command alone (what
    argparse reads for it is the same: only the chosen command's parser sees its arguments)."""
    from stretchtui.commands import registry
    from stretchtui.commands.common import Parser

    parser = global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    found = registry.find(word) if word else None
    for command in [found] if found is not None else registry.commands():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.description)
        command.arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def command_parsers(parser: Parser) -> dict[str, Parser]:
    """Each command's own parser in `parser` (from build_parser), by name, in registry order."""
    import argparse

    (subparsers,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(subparsers.choices)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run one command. `clock` is the one clock every command reads (default: the system's)."""
    if argv is None and clock is None:  # a real run, not a test's: the quick path may answer
        import time

        from stretchtui.commands import quick

        try:
            answered = quick.run(sys.argv[1:], time.time(), os.environ)
        except (LookupError, TypeError, ValueError):  # an entry not as written: the full command answers
            answered = None
        except BrokenPipeError:  # `stretchtui stats | head -1`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        if answered is not None:
            return answered
    import argparse
    import gc

    from stretchtui.core.clock import default_clock
    from stretchtui.core.errors import SeedError, UserError
    from stretchtui.store.files import StoreError

    argv = sys.argv[1:] if argv is None else list(argv)
    clock = clock if clock is not None else default_clock()
    _prepare_output()
    try:
        word = command_word(argv)
        if word is None:
            # Until the first frame the collector only slows the start (a tenth of it, measured):
            # the start allocates much and frees little. The app turns it back on after that frame.
            gc.disable()
            from stretchtui.commands.launch import launch_app

            return launch_app(global_parser().parse_args(argv, argparse.Namespace(command=None, clock=clock)))
        args = build_parser(word).parse_args(argv, argparse.Namespace(clock=clock))
        run: Handler = args.run  # the chosen command's (build_parser sets it)
        return run(args)
    except UserError as error:
        return _fail(str(error), UserError.exit_code)
    except (StoreError, SeedError) as error:
        return _fail(str(error), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `stretchtui exercises | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a full disk or an I/O error: one line, not a traceback
        from stretchtui.store.storage_errors import describe_storage_failure

        message = describe_storage_failure(error)
        if message is None:
            raise
        return _fail(message, 1)


def _prepare_output() -> None:
    """Standard output that cannot carry a character (an ASCII or Latin-1 one: PYTHONIOENCODING,
    a locale; or a file name that was not valid UTF-8) writes it as an escape instead of ending the
    command with a UnicodeEncodeError (core.glyphs.escape_unencodable). Our own symbols are ASCII
    there anyway (core.glyphs.glyphs_for); this is the net for text that is not ours."""
    import codecs

    from stretchtui.core.glyphs import ESCAPE_ERRORS, escape_unencodable

    codecs.register_error(ESCAPE_ERRORS, escape_unencodable)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors=ESCAPE_ERRORS)
        except (ValueError, OSError):  # a closed or detached stream: nothing will be written to it
            pass


def _fail(message: str, code: int) -> int:
    from stretchtui.core.plain_text import printable

    print(f"stretchtui: {printable(message)}", file=sys.stderr)  # a path from $STRETCHTUI_DB may hold ESC
    return code
