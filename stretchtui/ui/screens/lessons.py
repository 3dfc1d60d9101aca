"""Lessons (issue 18): the list of short reads about back pain, and one lesson on a page that scrolls.

Reached from the command palette ("Lessons") and from Today (l). The lessons are core.lessons'
(seed data, through the store's LibraryPort); which ones are read is the `lessons_read` setting,
changed only by a key press (r), so opening a lesson writes nothing. In a program, the lessons
its week has unlocked come first and the others say the week they belong to; every lesson stays
readable (reading ahead never hurts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from stretchtui.core.lessons import GET_HELP_TITLE, is_item, item_text, read_ids, reading_blocks
from stretchtui.ui.screens.base import FramedScreen, StretchAppMixin
from stretchtui.ui.workers import post_if_current, store_work

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from stretchtui.core.lessons import Lesson

READ_SETTING = "lessons_read"
READ_MARK = "✓"  # a sign, not a colour: it shows under NO_COLOR too


class ReadToggle(StretchAppMixin):
    """What the list and a lesson share: the ids marked read, and `r` to change one."""

    def read(self) -> frozenset[str]:
        return read_ids(self.stretch_app.settings[READ_SETTING])

    def toggle_read(self, lesson_id: str) -> None:
        """Marks `lesson_id` read, or not read any more; saved in a thread (the app's settings)."""
        read = self.read()
        now_read = lesson_id not in read
        ids = sorted(read | {lesson_id} if now_read else read - {lesson_id})
        self.stretch_app.save_setting(
            READ_SETTING, ids or None, "Marked as read." if now_read else "Marked as not read."
        )


class LessonsScreen(ReadToggle, FramedScreen):
    """Every lesson, one option each: a read mark, the title and its one-line summary."""

    CSS_PATH = "lessons.tcss"
    TITLE = NAV_SUBTITLE = "Lessons"
    BACK_ID = "lessons-back"
    BINDINGS = [
        Binding("r", "toggle_read", "Read/unread", id="lessons-toggle-read"),
    ]

    @dataclass
    class Loaded(Message):
        lessons: tuple[Lesson, ...]
        week: int | None = None  # the program week, in a program

    def __init__(self) -> None:
        super().__init__()
        self.lessons: tuple[Lesson, ...] = ()
        self.week: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(
            Content.from_markup(
                "[b]Lessons[/b]  [$text-muted]a minute or two of reading each; ⏎ opens one, r marks it read[/]"
            ),
            id="lessons-heading",
        )
        yield OptionList(id="lessons-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.watch(self.app, "settings", self._settings_changed, init=False)
        self.load()

    @store_work(exclusive=True, group="lessons-load")
    def load(self) -> None:
        store = self.stretch_app.store
        state = store.programs.state(self.stretch_app.current_day())
        post_if_current(self, self.Loaded(store.library.lessons(), state.week if state else None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        week = self.week = message.week
        # In a program: the lessons of its weeks so far first (core.lessons.unlock_week), in order.
        self.lessons = tuple(sorted(message.lessons, key=lambda lesson: week is not None and lesson.unlock_week > week))
        self._show()

    def _settings_changed(self, old: Mapping[str, object], new: Mapping[str, object]) -> None:
        if old[READ_SETTING] != new[READ_SETTING]:
            self._show()

    def _show(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options(self.lessons, self.read(), self.week))
        if self.lessons:
            options.highlighted = min(highlighted or 0, len(self.lessons) - 1)

    @staticmethod
    def _options(lessons: Iterable[Lesson], read: frozenset[str], week: int | None = None) -> list[Option]:
        return [
            Option(
                Content.from_markup(
                    "$mark [b]$title[/b]$when\n  [$text-muted]$summary[/]\n",
                    mark=READ_MARK if lesson.id in read else " ",
                    title=lesson.title,
                    when=f"  (program week {lesson.unlock_week})"
                    if week is not None and lesson.unlock_week > week
                    else "",
                    summary=lesson.summary,
                ),
                id=lesson.id,
            )
            for lesson in lessons
        ]

    def _highlighted(self) -> Lesson | None:
        index = self.query_one(OptionList).highlighted
        return self.lessons[index] if index is not None and index < len(self.lessons) else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        lesson = self._highlighted()
        if lesson is not None:
            self.app.push_screen(LessonScreen(lesson, self.lessons))

    def action_toggle_read(self) -> None:
        lesson = self._highlighted()
        if lesson is not None:
            self.toggle_read(lesson.id)


class LessonScreen(ReadToggle, FramedScreen):
    """One lesson on a page that scrolls: its summary, body, when to get help, and sources.
    n and p read the next and the previous lesson in place."""

    CSS_PATH = "lessons.tcss"
    TITLE = "Lesson"
    NAV_SUBTITLE = "Lessons"
    BACK_ID = "lesson-back"
    BINDINGS = [
        Binding("r", "toggle_read", "Read/unread", id="lesson-toggle-read"),
        Binding("n", "step(1)", "Next", id="lesson-next"),
        Binding("p", "step(-1)", "Previous", id="lesson-previous"),
    ]

    def __init__(self, lesson: Lesson, lessons: tuple[Lesson, ...] = ()) -> None:
        super().__init__()
        self.lesson = lesson
        self.lessons = lessons or (lesson,)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="lesson-heading")
        yield VerticalScroll(id="lesson-body")

    def on_mount(self) -> None:
        self.watch(self.app, "settings", self._settings_changed, init=False)
        self._show()

    def _settings_changed(self, old: Mapping[str, object], new: Mapping[str, object]) -> None:
        if old[READ_SETTING] != new[READ_SETTING]:
            self._show_heading()

    def _show_heading(self) -> None:
        read = f"  [$text-muted]{READ_MARK} read[/]" if self.lesson.id in self.read() else ""
        self.query_one("#lesson-heading", Static).update(
            Content.from_markup(f"[b]$title[/b]{read}\n[$text-muted]$summary[/]", **self._words())
        )

    def _words(self) -> dict[str, str]:
        return {"title": self.lesson.title, "summary": self.lesson.summary}

    def _show(self) -> None:
        self._show_heading()
        body, get_help = reading_blocks(self.lesson)
        page = self.query_one("#lesson-body", VerticalScroll)
        page.remove_children()
        widgets = list(self._blocks(body))
        if get_help:
            widgets.append(Static(Content.from_markup("[b $accent]$text[/]", text=GET_HELP_TITLE), classes="title"))
            widgets += self._blocks(get_help)
        widgets.append(Static(Content.from_markup("[b $accent]Sources[/]"), classes="title"))
        widgets += [self._item(source) for source in self.lesson.sources]
        page.mount_all(widgets)
        page.scroll_home(animate=False)
        page.focus()

    def _blocks(self, blocks: Iterable[str]) -> Iterable[Static | Horizontal]:
        previous_item = False
        for block in blocks:
            if is_item(block):
                yield self._item(item_text(block), first=not previous_item)
                previous_item = True
            else:
                yield Static(Content(block), classes="paragraph")
                previous_item = False

    @staticmethod
    def _item(text: str, *, first: bool = True) -> Horizontal:
        """A list item: the marker, then its words wrapping under themselves (not under the marker)."""
        return Horizontal(
            Static("•", classes="marker"),
            Static(Content(text), classes="text"),
            classes="item first" if first else "item",
        )

    def action_toggle_read(self) -> None:
        self.toggle_read(self.lesson.id)

    def action_step(self, step: int) -> None:
        index = next((i for i, lesson in enumerate(self.lessons) if lesson.id == self.lesson.id), 0)
        self.lesson = self.lessons[(index + step) % len(self.lessons)]
        self._show()
