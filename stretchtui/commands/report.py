"""`stretchtui report`: one week of back care on a page, to hand to a physiotherapist."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from stretchtui.commands.common import Parser, opened_store, output_file_arguments
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path


def _report_arguments(parser: Parser) -> None:
    parser.add_argument("--week", metavar="YYYY-Www", help="the ISO week, e.g. 2026-W47 (default: this week)")
    # The names of core.report_render.RENDERERS, written out: importing it here would slow every command.
    output_file_arguments(
        parser,
        formats=("md", "html"),
        formats_help="md (Markdown, the default) or html (one self-contained page)",
        output="write to FILE (readable only by you) instead of the terminal; '-' for the terminal",
        force="replace FILE if it exists (never the database or its backups)",
    )


def cmd_report(args: argparse.Namespace) -> int:
    from stretchtui.core.days import today
    from stretchtui.core.history import week_start
    from stretchtui.core.report import build_report, check_started, parse_week
    from stretchtui.core.report_render import RENDERERS
    from stretchtui.store.output_guard import check_output_file, write_output_file

    monday = parse_week(args.week) if args.week is not None else None
    database = resolve_db_path(args.db)
    # Checked before anything is read or written (again just before the write).
    target = None if args.output in (None, "-") else check_output_file(args.output, database, force=args.force)
    clock = args.clock
    if monday is not None and not database.exists():
        check_started(monday, today(clock))  # a week not yet begun: that refusal first
    # Only reads: a mistyped --db creates nothing, and a read-only file is read as it is.
    with opened_store(args, reads_only=True) as store:
        current = today(clock, store.settings.day_start_hour())
        monday = monday or week_start(current)
        check_started(monday, current)
        report = build_report(store.reports.weekly_report_inputs(monday), current)
    if target is None:
        sys.stdout.write(_for_stdout(RENDERERS[args.format], report, args.format))
        return 0
    text = RENDERERS[args.format](report)  # a file is UTF-8 (store.private_files.write_private), so Unicode

    def write(handle: IO[str]) -> None:
        handle.write(text)

    write_output_file(target, database, write, force=args.force)
    print(f"Wrote the report for {report.label} to {target}.")
    return 0


def _for_stdout(render, report, fmt: str) -> str:  # (renderer, WeeklyReport, "md" | "html") -> str
    """The report for standard output, in what its encoding can carry: Markdown with ASCII symbols
    when it cannot carry Unicode, HTML with character references (which a browser reads as the
    characters: nothing is lost)."""
    from stretchtui.core.glyphs import UNICODE, can_encode, glyphs_for

    encoding = getattr(sys.stdout, "encoding", None)
    if fmt != "html":
        return render(report, glyphs_for(encoding))
    text = render(report, UNICODE)
    return text if can_encode(text, encoding) else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


COMMANDS = (
    Command(
        "report",
        "a week's report for a physiotherapist (Markdown or HTML)",
        "One ISO week on a page: days done, minutes and sessions, pain and sitting against the week before, "
        "relief per exercise, steps that hurt, flare and rest days, check-in notes.",
        cmd_report,
        _report_arguments,
    ),
)
