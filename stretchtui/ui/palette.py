"""The command palette's entries and the actions behind them (mixed into StretchApp): the main
screens, starting a routine, a check-in, the weekly report, the lessons, help, and where a screenshot is saved.
Kept apart from ui/app.py so the app's start-up and store handling read on their own."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand

from stretchtui.ui.app_part import AppPart
from stretchtui.ui.main_screens import MAIN_SCREENS, screen_class
from stretchtui.ui.screens.today import TodayScreen
from stretchtui.ui.workers import store_work

if TYPE_CHECKING:
    from textual.screen import Screen

    from stretchtui.ui.screens.help import HelpScreen  # these two are imported when first shown
    from stretchtui.ui.screens.report import ReportScreen


def _current_directory() -> list[Path]:
    try:
        return [Path.cwd()]
    except OSError:  # it was deleted under us
        return []


def _write_new_private(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """Write `text` to a new file in `folder` (`stem.svg`, else `stem-2.svg`…), mode 0600, never
    over an existing file or through a link."""
    for n in range(1, 100):
        target = folder / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return target.absolute()
    raise FileExistsError(f"{stem}{suffix} and 98 more exist")


class PaletteMixin(AppPart):
    """Mixed into StretchApp: what the command palette (ctrl+p) offers besides Textual's own."""

    @store_work(group="palette")
    def action_pick_routine(self) -> None:
        """Choose a routine and start it."""
        from stretchtui.core.model import format_duration
        from stretchtui.ui.screens.dialogs import PickScreen

        index = self.store.library.exercise_index()
        choices = [
            (r.id, f"{r.name}  ({format_duration(r.duration_seconds(index))})") for r in self.store.library.routines()
        ]
        self.call_from_thread(
            self.push_screen,
            PickScreen("Start which routine?", choices),
            lambda routine_id: routine_id and self.start_routine(routine_id),
        )

    def action_check_in(self) -> None:
        """From anywhere: open Today and its check-in form."""
        self.switch_mode("today")
        screen = self.screen
        if isinstance(screen, TodayScreen):
            screen.action_check_in()

    def action_function_check(self) -> None:
        """From anywhere: open Today and its weekly function check."""
        self.switch_mode("today")
        screen = self.screen
        if isinstance(screen, TodayScreen):
            screen.action_function()

    def action_weekly_report(self) -> None:
        """This week's report (History's `r`, or the command palette)."""
        report_screen = cast("type[ReportScreen]", screen_class("report", "ReportScreen"))
        if not isinstance(self.screen, report_screen):
            self.push_screen(report_screen())

    def action_lessons(self) -> None:
        """The lessons (Today's `l`, or the command palette)."""
        from stretchtui.ui.screens.lessons import LessonScreen, LessonsScreen

        if not isinstance(self.screen, (LessonsScreen, LessonScreen)):
            self.push_screen(LessonsScreen())

    def action_program(self) -> None:
        """Your program, or one to start (Today's `o`, or the command palette)."""
        from stretchtui.ui.screens.program import ProgramScreen

        if not isinstance(self.screen, ProgramScreen):
            self.push_screen(ProgramScreen())

    def action_help(self) -> None:
        help_screen = cast("type[HelpScreen]", screen_class("help", "HelpScreen"))
        if not isinstance(self.screen, help_screen):
            self.push_screen(help_screen(self.screen))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's "Screenshot" (and `action_screenshot`): saved in the current directory, or
        in the data directory when that cannot take it (gone, not writable), never in a Downloads
        folder that may not exist, as a file only you can read (the screen may show your notes);
        the message says where. In a browser (`stretchtui serve`) the browser downloads it."""
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        store = self.opened_store
        folders = [Path(path)] if path else [*_current_directory(), *([store.path.parent] if store else [])]
        folder = next((f for f in folders if f.is_dir() and os.access(f, os.W_OK | os.X_OK)), None)
        if folder is None:
            self.notify(
                "Not saved: neither the current directory nor the data directory can be written.",
                title="Screenshot",
                severity="error",
            )
            return None
        now = self.clock.now().astimezone(self.clock.zone)
        stem = filename.removesuffix(".svg") if filename else f"stretchtui-{now:%Y%m%d-%H%M%S}"
        try:
            saved = _write_new_private(folder, stem, ".svg", self.export_screenshot())
        except OSError as error:
            self.notify(f"Not saved in {folder}: {error.strerror or error}", title="Screenshot", severity="error")
            return None
        self.notify(f"Saved to {saved}", title="Screenshot", markup=False)
        return str(saved)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for main in MAIN_SCREENS:
            yield SystemCommand(main.title, main.about, partial(self.switch_mode, main.mode))
        yield SystemCommand("Start routine…", "Choose a routine to start", self.action_pick_routine)
        yield SystemCommand("Check in", "Note your pain, hours sat and a note", self.action_check_in)
        yield SystemCommand(
            "Function this week",
            "Rate up to three everyday activities 0-10 (0 = can't do it, 10 = as before)",
            self.action_function_check,
        )
        yield SystemCommand(
            "Weekly report",
            "A week for your physiotherapist: adherence, pain, relief, notes",
            self.action_weekly_report,
        )
        yield SystemCommand("Lessons", "Short reads about back pain: a minute or two each", self.action_lessons)
        yield SystemCommand(
            "Program", "Weeks of sessions that move with how you respond: yours, or one to start", self.action_program
        )
        yield SystemCommand("Help: keys of this screen", "List every key of the current screen", self.action_help)
        yield from super().get_system_commands(screen)
