"""The README screenshots: every main screen as an SVG, from demo data at a frozen moment.

    .venv/bin/python -m bench.screenshots [--size 100x32] [--output screenshots]

Each screen gets a fresh copy of one demo database and a fresh frozen clock, so a run always
draws the same pictures (until the screens themselves change).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.common import REPO, copy_database, frozen_clock, make_demo_database, settle

DEMO_YEARS = 2
DEMO_SEED = 1
SESSION_ROUTINE = "seven-in-seven"


async def today(pilot) -> None:
    pass  # the home screen, as it opens


async def library(pilot) -> None:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("slash", "c", "a", "t", "enter")


async def routine_builder(pilot) -> None:
    await pilot.press("c")  # duplicate the highlighted built-in routine: an editable copy opens
    await settle(pilot)
    pilot.app.screen.query_one("DataTable").focus()
    await pilot.press("down")


async def _start_session(pilot, seconds: float) -> None:
    """Start the routine, answer the pain question with 2, then let `seconds` pass."""
    pilot.app.start_routine(SESSION_ROUTINE)
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    pilot.app.clock.advance(seconds)
    pilot.app.screen.tick_now()  # the frozen clock moved; wake the session screen as its timer would


async def session_hold(pilot) -> None:
    await _start_session(pilot, 5 + 25 + 5 + 11.6)  # get ready, left side, switch: the right side's hold


async def session_summary(pilot) -> None:
    routine = pilot.app.store.library.routine(SESSION_ROUTINE)
    total = routine.duration_seconds(pilot.app.store.library.exercise_index()) + 5 + 1  # plus get ready
    await _start_session(pilot, total)
    await settle(pilot)
    await pilot.press("1")  # pain after


async def check_in(pilot) -> None:
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("3", "tab", "1", "tab", "2", "s", "tab", "tab", "tab")  # lower back, upper back, neck (left)
    await pilot.press(*"7.5", "tab")
    await pilot.press(*"Long train ride, stiff after")


async def history(pilot) -> None:
    await pilot.press("4")


async def history_trends(pilot) -> None:
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("t")


async def weekly_report(pilot) -> None:
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("r")


# name -> (what to do, app options, caption for the README)
SHOTS: dict[str, tuple[Callable[..., Awaitable[None]], dict, str]] = {
    "today": (today, {}, "Today: streak, check-in, a suggestion with its reasons"),
    "library": (library, {}, "Library: search, filters and an exercise's steps and cautions"),
    "routine-builder": (routine_builder, {"show_routine": "lower-back-five"}, "Routine builder"),
    "session-hold": (session_hold, {}, "A session during a hold"),
    "session-summary": (session_summary, {}, "The session summary"),
    "check-in": (check_in, {}, "Check-in: pain per region, hours sat, a note"),
    "history": (history, {}, "History: this week, 12 weeks and a 26-week heatmap"),
    "history-trends": (history_trends, {}, "History: pain and sitting trends, relief per exercise"),
    "weekly-report": (weekly_report, {}, "The weekly report"),
}


async def take(name: str, template: Path, workdir: Path, output: Path, size: tuple[int, int]) -> Path:
    from stretchtui.factory import make_app

    action, options, _caption = SHOTS[name]
    database = copy_database(template, workdir / f"{name}.db")
    app = make_app(database, clock=frozen_clock(), cursor_blink=False, **options)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await action(pilot)
        await settle(pilot)
        svg = app.export_screenshot()
    target = output / f"{name}.svg"
    target.write_text(svg, encoding="utf-8")
    return target


README_FIGURES = ("cat-cow", "bridge", "childs-pose", "bird-dog", "hip-flexor-stretch", "sit-to-stand")
"""The exercises whose figures the README shows (every exercise's is written)."""


def write_figures(output: Path) -> list[Path]:
    """Every exercise's figure as SVG in `output/figures/`, drawn from its pose (core.poses): the
    first keyframe, cut to the figure, in a grey that reads on a light or a dark page."""
    from stretchtui.core.library import load_library
    from stretchtui.core.poses import extent, load_poses, svg

    names = {e.id: e.name for e in load_library().exercises.values()}
    folder = output / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise_id, pose in sorted(load_poses().items()):
        picture = svg(
            pose.frames[0], pose.props, 240, 144, stroke="#8a96a0", title=names[exercise_id], view=extent(pose)
        )
        target = folder / f"{exercise_id}.svg"
        target.write_text(picture + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x32", help="columns x rows (default 100x32)")
    parser.add_argument("--output", type=Path, default=REPO / "screenshots", help="folder for the SVG files")
    parser.add_argument(
        "names", nargs="*", choices=[[], *SHOTS], metavar="NAME", help=f"only these screens ({', '.join(SHOTS)})"
    )
    args = parser.parse_args(argv)
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    args.output.mkdir(parents=True, exist_ok=True)
    if not args.names:
        print(f"{len(write_figures(args.output))} figures in {args.output / 'figures'}")
    with tempfile.TemporaryDirectory(prefix="stretchtui-shots-") as tmp:
        workdir = Path(tmp)
        template = workdir / "demo.db"
        make_demo_database(template, years=DEMO_YEARS, seed=DEMO_SEED, clock=frozen_clock())
        for name in args.names or SHOTS:
            started = time.perf_counter()
            target = asyncio.run(take(name, template, workdir, args.output, (columns, rows)))
            print(
                f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
                f"  ({time.perf_counter() - started:.1f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
