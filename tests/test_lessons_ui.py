"""Lessons in the app (issue 18): opened from the command palette and from Today, read on a page
that scrolls, marked read with r (and only then: opening one writes nothing), Esc back; snapshots
of the list and of one lesson at 80x24, and the lesson under NO_COLOR."""

from __future__ import annotations

import pytest
from pilot_helpers import settle, type_text

from stretchtui.core.lessons import load_lessons
from stretchtui.ui.screens.lessons import LessonScreen, LessonsScreen
from stretchtui.ui.screens.today import TodayScreen

LESSONS = load_lessons()
FLARE = next(lesson for lesson in LESSONS if lesson.get_help)


def page_text(screen: LessonScreen) -> str:
    from textual.widgets import Static

    return "\n".join(str(static.content) for static in screen.query("#lesson-body Static").results(Static))


async def test_from_the_palette_a_lesson_opens_scrolls_and_esc_goes_back(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Lessons")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LessonsScreen)
        assert [option.id for option in app.screen.query_one("#lessons-list").options] == [
            lesson.id for lesson in LESSONS
        ]
        for _ in range(LESSONS.index(FLARE)):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.lesson == FLARE
        text = page_text(screen)
        assert FLARE.body[0] in text and "When to get help" in text
        assert "Is it newly hard to pass urine, or to hold in urine or stools?" in text  # core.safety's words
        page = screen.query_one("#lesson-body")
        assert page.max_scroll_y > 0 and page.scroll_y == 0  # longer than 80x24: it scrolls
        await pilot.press("end")
        await settle(pilot)
        assert page.scroll_y == page.max_scroll_y
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_from_today_l_opens_the_list_and_r_marks_a_lesson_read(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson == LESSONS[0]
        assert store.settings.get("lessons_read") == ()  # reading marks nothing by itself
        await pilot.press("r")
        await settle(pilot)
        assert store.settings.get("lessons_read") == [LESSONS[0].id]
        assert app.settings["lessons_read"] == [LESSONS[0].id]
        await pilot.press("n")  # the next lesson, in place
        await settle(pilot)
        assert app.screen.lesson == LESSONS[1]
        await pilot.press("escape")
        await settle(pilot)
        listed = app.screen.query_one("#lessons-list")
        assert str(listed.get_option_at_index(0).prompt).startswith("✓ ")
        assert str(listed.get_option_at_index(1).prompt).startswith("  ")
        await pilot.press("r")  # on the list too: the first is read, so it is not any more
        await settle(pilot)
        assert store.settings.get("lessons_read") == ()
        assert str(listed.get_option_at_index(0).prompt).startswith("  ")


async def test_opening_every_lesson_writes_nothing(make_test_app, db_path) -> None:
    from test_screens_write_nothing import dump

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = dump(db_path)
        app.action_lessons()
        await settle(pilot)
        await pilot.press("enter")
        for _ in LESSONS:
            await pilot.press("n")
            await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert dump(db_path) == before


def test_the_list_at_80x24(snap_compare, make_test_app, store) -> None:
    store.settings.set("lessons_read", [LESSONS[0].id])

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("colour", ["colour", "no-color"])
def test_a_lesson_at_80x24(snap_compare, make_test_app, monkeypatch, colour) -> None:
    if colour == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        for _ in range(LESSONS.index(FLARE)):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)
