"""Issue 16, words and library: plurals, own ids, sitting hours, dates with their year, the resume
dialog, side-neutral steps, the theme select, settings help, search by other names, an empty
result, favourites first or alone, and deleting an exercise a routine uses."""

from __future__ import annotations

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pilot_helpers import open_library, settle, type_text
from textual.widgets import Input, Select, Static

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.days import day_label, span_label
from stretchtui.core.library import load_library, own_id
from stretchtui.core.model import Area, Dose, Exercise, Kind, Origin, Position, Routine, RoutineItem, Sides, plural
from stretchtui.core.phases import build_phases
from stretchtui.core.report import build_report, parse_week
from stretchtui.core.report_render import render_markdown
from stretchtui.core.report_sections import report_subtitle
from stretchtui.core.search import LibraryFilter
from stretchtui.core.serialize import routine_to_plain
from stretchtui.core.timer import SessionTimer
from stretchtui.store import Store
from stretchtui.ui.screens.dialogs import ConfirmScreen, NoticeScreen
from stretchtui.ui.screens.library import NO_MATCHES, LibraryScreen

PACKAGE = Path(__file__).resolve().parent.parent / "stretchtui"
ONE_IN_THE_PLURAL = re.compile(
    r"(?<![\d.])1 (days|exercises|minutes|sessions|routines|reps|steps|times|hours|years|files|backups|items)\b"
)


# ---------------------------------------------------------------------- plurals


def test_plural_agrees_with_the_number_as_shown() -> None:
    assert [plural(1, "day"), plural(0, "day"), plural(2, "day")] == ["1 day", "0 days", "2 days"]
    assert plural(1.0, "minute") == "1 minute" and plural(1.5, "minute") == "1.5 minutes"
    assert plural(0.6, "minute", shown="1") == "1 minute"  # the noun follows the rounded number
    assert plural(3, "entry", "entries") == "3 entries"


NOUNS = (
    r"(days|exercises|minutes|sessions|routines|reps|steps|times|hours|years|files|backups|items|weeks|"
    r"questions|check-ins|notes|entries|values|seconds|months|sets)"
)


def _constant(node: ast.expr) -> bool:
    """An expression of UPPER_CASE constants only (a fixed count above one, like HISTORY_DAYS)."""
    names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id != "len"]
    return (
        bool(names)
        and all(name.isupper() for name in names)
        and not any(isinstance(n, ast.Attribute) for n in ast.walk(node))
    )


def test_no_count_meets_its_noun_outside_plural() -> None:
    """Every f-string that writes a number then a plural noun ('{n} days'), or pluralises by hand
    ('day{"s" if ...}'), is a place "1 days" can appear: all of them go through core's plural."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            parts = node.values
            for value, text in zip(parts, parts[1:], strict=False):
                if (
                    isinstance(value, ast.FormattedValue)
                    and isinstance(text, ast.Constant)
                    and isinstance(text.value, str)
                    and re.match(rf" {NOUNS}\b", text.value)
                    and not _constant(value.value)
                ):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {{{ast.unparse(value.value)}}}")
            for value in parts:
                if isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.IfExp):
                    branches = (value.value.body, value.value.orelse)
                    if any(isinstance(b, ast.Constant) and b.value in ("s", "es") for b in branches):
                        found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} by hand")
    assert found == []


async def test_one_of_everything_is_said_in_the_singular(make_test_app, store, clock, db_path, capsys) -> None:
    """One session of one minute, one routine of one exercise, one day of streak: Today, the
    routines list and detail, the CLI's stats and routines, and the report say it in the singular."""
    store.settings.set("goal_minutes", 1)
    store.library.save_routine(Routine(id="", name="Single", items=(RoutineItem("cat-cow"),), origin=Origin.USER))
    store.sessions.record_backfill(None, clock.now() - timedelta(minutes=5), 1)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], sitting_hours=1)

    assert main(["--db", str(db_path), "stats"]) == 0
    assert main(["--db", str(db_path), "routines"]) == 0
    cli = capsys.readouterr().out
    assert "Streak: 1 day (done today)" in cli and "1 day done, 1 session, 1 minute" in cli
    assert "1 exercise]" in cli

    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = [str(w.render()) for w in app.screen.query(Static)]
        await pilot.press("3")
        await settle(pilot)
        routines = app.screen
        routines.query_one("OptionList").highlighted = next(
            i
            for i in range(routines.query_one("OptionList").option_count)
            if routines.query_one("OptionList").get_option_at_index(i).id == "my-single"
        )
        await settle(pilot)
        shown += [str(w.render()) for w in app.screen.query(Static)]
        shown += [str(o.prompt) for o in routines.query_one("OptionList")._options]
    text = "\n".join(
        shown
        + [
            cli,
            render_markdown(
                build_report(store.reports.weekly_report_inputs(parse_week("2026-W47")), date(2026, 11, 21))
            ),
        ]
    )
    assert "1 day" in text and "1 exercise" in text
    assert ONE_IN_THE_PLURAL.findall(text) == []


# ---------------------------------------------------------------------- own ids


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("My stretch", "my-stretch"),
        ("my-stretch", "my-stretch"),
        ("MY  Morning Four", "my-morning-four"),
        ("Cat-cow plus", "my-cat-cow-plus"),
        ("Myriad", "my-myriad"),
        ("My", "my-untitled"),
        ("  ", "my-untitled"),
    ],
)
def test_own_ids_carry_the_prefix_once(name: str, expected: str) -> None:
    assert own_id(name) == expected


def test_an_own_routine_or_exercise_named_my_gets_one_prefix(store) -> None:
    routine = store.library.save_routine(
        Routine(id="", name="My stretch", items=(RoutineItem("cat-cow"),), origin=Origin.USER)
    )
    again = store.library.save_routine(
        Routine(id="", name="My stretch", items=(RoutineItem("cat-cow"),), origin=Origin.USER)
    )
    exercise = store.library.save_exercise(_own_exercise("My stretch"))
    assert (routine.id, again.id, exercise.id) == ("my-stretch", "my-stretch-2", "my-stretch")


def _own_exercise(name: str) -> Exercise:
    return Exercise(
        id="",
        name=name,
        areas=(Area.MID_UPPER_BACK,),
        kind=Kind.MOBILITY,
        position=Position.STANDING,
        dose=Dose(hold_seconds=30),
        steps=("Stand tall.",),
        feel="",
        cautions=(),
        intensity=1,
        origin=Origin.USER,
    )


# ---------------------------------------------------------------------- sitting hours


async def test_sitting_hours_never_read_as_saturday(make_test_app, store, clock, db_path, capsys) -> None:
    """'Sat 9 h' on a Saturday read as the day: Today, the CLI and the report say 'sitting'."""
    assert main(["--db", str(db_path), "log", "--pain", "3", "--sitting", "9"]) == 0
    assert capsys.readouterr().out == "Noted Lower back 3/10, sitting 9 h for Sat 21 Nov.\n"
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        card = str(app.screen.query_one("#today-checkins", Static).render())
    assert "Sitting 9 h" in card and "Sat 9" not in card
    report = render_markdown(
        build_report(store.reports.weekly_report_inputs(parse_week("2026-W47")), date(2026, 11, 21))
    )
    assert "| Sitting h |" in report and "Sat h" not in report


def test_no_hours_are_written_as_sat() -> None:
    """Every place that writes hours sat uses core's format_sitting: no 'Sat {hours}' or a
    'Sat h' column is left to be read as a Saturday ('you sat 9 hours', the verb, is fine)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for text, value in zip(node.values, node.values[1:], strict=False):
                    if (
                        isinstance(text, ast.Constant)
                        and isinstance(text.value, str)
                        and re.search(r"(?<![Yy]ou )\b[Ss]at $", text.value)
                        and isinstance(value, ast.FormattedValue)
                    ):
                        found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.search(r"\b[Ss]at h\b", node.value)
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert found == []


# ---------------------------------------------------------------------- dates


def test_a_date_outside_this_year_carries_its_year() -> None:
    today = date(2026, 11, 21)
    assert day_label(date(2026, 11, 20), today) == "Fri 20 Nov"
    assert day_label(date(2025, 11, 20), today) == "Thu 20 Nov 2025"
    assert day_label(date(2027, 1, 1), today, weekday=False) == "01 Jan 2027"
    assert day_label(date(2025, 12, 29), today, long=True) == "Monday 29 December 2025"
    assert span_label(date(2026, 11, 16), date(2026, 11, 22), today) == "Mon 16 Nov – Sun 22 Nov 2026"
    assert span_label(date(2025, 12, 29), date(2026, 1, 4), today) == "Mon 29 Dec 2025 – Sun 04 Jan 2026"
    assert span_label(date(2025, 11, 17), date(2025, 11, 23), today) == "Mon 17 Nov 2025 – Sun 23 Nov 2025"


def test_no_month_is_written_without_the_one_date_helper() -> None:
    """A format with a month name and no year ('%d %b') would pass a date from another year for
    this year's: outside core/days.py, a month is written only together with its year."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "days.py":
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for spec in re.findall(r"%[^\"'}]*", line):
                if re.search(r"%[bB]", spec) and "%Y" not in spec:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{lineno} {spec}")
    assert found == []


async def test_across_a_year_boundary_dates_carry_their_year(make_test_app, store, clock, db_path, capsys) -> None:
    """On Sat 2 Jan 2027: the last session (Thu 31 Dec 2026) on Today, the report of the week
    that began in 2026, and the CLI's rest day, each with its year; this year's dates without."""
    clock.advance(timedelta(days=38).total_seconds())  # Tue 29 Dec 2026, 09:30 in Berlin
    store.sessions.record_backfill("one-minute", clock.now(), None)
    clock.advance(timedelta(days=2).total_seconds())  # Thu 31 Dec 2026
    store.sessions.record_backfill("one-minute", clock.now(), None)
    clock.advance(timedelta(days=2).total_seconds())  # Sat 2 Jan 2027
    today = date(2027, 1, 2)

    report = build_report(store.reports.weekly_report_inputs(parse_week("2026-W53")), today)
    assert report_subtitle(report).startswith("Mon 28 Dec 2026 – Sun 03 Jan 2027")
    markdown = render_markdown(report)
    assert "| Thu 31 Dec 2026 |" in markdown and "| Fri 01 Jan |" in markdown

    assert main(["--db", str(db_path), "rest", "--date", "2026-12-30"]) == 0
    assert main(["--db", str(db_path), "rest"]) == 0
    assert capsys.readouterr().out == ("Wed 30 Dec 2026 is now a rest day.\nSat 02 Jan is now a rest day.\n")

    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        last = str(app.screen.query_one("#today-last", Static).render())
        await pilot.press("4")
        await settle(pilot)
        sessions = app.screen.query_one("#history-session-table")
        first_row = [str(cell) for cell in sessions.get_row_at(0)]
    assert "Thu 31 Dec 2026" in last
    assert "31 Dec 2026" in first_row  # the newest session, in the sessions table


# ---------------------------------------------------------------------- the resume dialog


def interrupt_after(store: Store, clock, routine_id: str, outcomes: str) -> None:
    """A session as a crash leaves it: started now, one exercise gone through per letter of
    `outcomes` (d done, s skipped, each step written as the app writes it), stopped in the next."""
    from stretchtui.core.timer_events import StepRecorded

    routine = store.library.routine(routine_id)
    timer = SessionTimer(build_phases(routine, store.library.exercise_index()), clock.monotonic)
    timer.start()
    info = store.sessions.start_session(
        routine.id,
        routine.name,
        timer.total_planned_seconds,
        pain_before=4,
        resume_state={"timer": timer.snapshot(), "routine": routine_to_plain(routine)},
    )
    for exercise, outcome in enumerate(outcomes):
        while timer.phase.exercise_index <= exercise:  # the get-ready before the first is -1
            events = (timer.done if outcome == "d" else timer.next)() if timer.phase.is_work else timer.next()
            for event in events:
                if isinstance(event, StepRecorded):
                    state = {"timer": timer.snapshot(), "routine": routine_to_plain(routine)}
                    store.sessions.record_step(info.id, event.record, active_seconds=0, resume_state=state)


async def test_the_resume_dialog_names_the_session_its_start_and_how_far_it_got(make_test_app, store, clock) -> None:
    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    clock.advance(-50 * 60)  # started 08:40 Berlin
    interrupt_after(store, clock, "seven-in-seven", "ddd")
    clock.advance(50 * 60)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen)
        text = str(app.screen.query_one(".dialog-question", Static).render())
    assert text == "A session was interrupted: Seven in Seven, started 08:40, 3 of 7 exercises done."


@pytest.mark.parametrize(
    ("outcomes", "said"), [("dsd", "2 of 7 exercises done, 1 skipped"), ("ss", "0 of 7 exercises done, 2 skipped")]
)
async def test_the_resume_dialog_never_counts_a_skipped_exercise_as_done(
    make_test_app, store, clock, outcomes: str, said: str
) -> None:
    """As History will count the session once closed (an outside pass found skipped ones said as done)."""
    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    interrupt_after(store, clock, "seven-in-seven", outcomes)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen)
        text = str(app.screen.query_one(".dialog-question", Static).render())
    assert text.endswith(f", {said}.")


async def test_a_resume_from_an_earlier_day_names_the_day(make_test_app, store, clock) -> None:
    from stretchtui.ui.screens.session_dialogs import ResumeScreen

    interrupt_after(store, clock, "one-minute", "")
    clock.advance(24 * 3600)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen)
        text = str(app.screen.query_one(".dialog-question", Static).render())
    total = len(store.library.routine("one-minute").items)
    assert text == (
        f"A session was interrupted: One-Minute Unwind, started Sat 21 Nov at 09:30, 0 of {total} exercises done."
    )


# ---------------------------------------------------------------------- sided steps


def test_steps_of_one_sided_exercises_name_no_side() -> None:
    """A session shows LEFT, then RIGHT, for an exercise done on each side: steps that say
    'right knee' contradict it half of the time. They speak of the working side instead."""
    sided = [ex for ex in load_library().exercises.values() if ex.dose.sides is Sides.EACH]
    assert len(sided) >= 6
    named = {
        ex.id: step
        for ex in sided
        for step in (*ex.steps, ex.feel, ex.breathing)
        if re.search(r"\b(left|right)\b(?! (length|angle|amount|way))", step, re.IGNORECASE)
    }
    assert named == {}


# ---------------------------------------------------------------------- settings


async def test_the_theme_select_follows_ctrl_t_and_the_other_way_round(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        select = app.screen.query_one("#theme", Select)
        assert select.value == app.theme
        before = app.theme
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme != before and select.value == app.theme
        select.value = before
        await settle(pilot)
        assert app.theme == before
        await pilot.press("ctrl+t")  # and again, after a change made in the Select
        await settle(pilot)
        assert select.value == app.theme != before
    assert store.settings.get("theme", None) == app.theme


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_no_settings_help_text_is_cut_off(make_test_app, size) -> None:
    """Each help text wraps onto as many lines as it needs: its box is as tall as its text."""
    app = make_test_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        helps = list(app.screen.query(".setting-help").results(Static))
        assert len(helps) >= 8
        for help_text in helps:
            width = help_text.content_region.width
            needed = help_text.get_content_height(help_text.content_size, app.size, width)
            assert width > 10 and help_text.content_region.height >= needed, help_text.render()
            assert help_text.region.right <= size[0]


# ---------------------------------------------------------------------- library


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("knee hug", "knee-to-chest"),
        ("knee rolls", "lower-trunk-rotation"),
        ("knee drops", "lower-trunk-rotation"),
        ("cat camel", "cat-cow"),
        ("superman", "locust-lift"),
        ("press-up", "prone-press-up"),
        ("press up", "prone-press-up"),
        ("McKenzie", "prone-press-up"),
        ("sciatica", "seated-sciatic-nerve-glide"),
    ],
)
def test_search_finds_common_other_names_first(query: str, first: str) -> None:
    found = LibraryFilter(query=query).apply(load_library().exercises.values())
    assert found and found[0].id == first


async def test_an_empty_result_says_no_matches(make_test_app) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash")
        await type_text(pilot, "zzz")
        assert screen.shown == []
        assert str(screen.query_one("#match-count").content) == "no matches"
        assert str(screen.query_one("#detail-body", Static).render()) == NO_MATCHES
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert screen.shown and "Nothing selected" not in str(screen.query_one("#detail-body", Static).render())


async def test_favourites_first_then_alone(make_test_app, store) -> None:
    store.library.set_favourite("calf-stretch", True)
    store.library.set_favourite("sphinx", True)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        everything = [ex.id for ex in screen.shown]
        await pilot.press("v")
        assert [ex.id for ex in screen.shown][:2] == ["sphinx", "calf-stretch"]  # library order among them
        assert sorted(ex.id for ex in screen.shown) == sorted(everything)
        assert str(screen.query_one("#match-count").content).endswith("★ first (v)")
        await pilot.press("v")
        assert [ex.id for ex in screen.shown] == ["sphinx", "calf-stretch"]
        assert str(screen.query_one("#match-count").content) == "2 of 50 · ★ only (v)"
        await pilot.press("v")
        assert [ex.id for ex in screen.shown] == everything


async def test_deleting_an_exercise_a_routine_uses_names_the_routines_first(make_test_app, store) -> None:
    used = store.library.save_exercise(_own_exercise("Doorway opener"))
    spare = store.library.save_exercise(_own_exercise("Wall slide"))
    for name in ("Evening", "Desk quickie"):
        store.library.save_routine(
            Routine(id="", name=name, items=(RoutineItem(used.id), RoutineItem("cat-cow")), origin=Origin.USER)
        )
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_library(pilot)
        screen = app.screen
        screen.query_one("#search", Input).value = "doorway"
        await pilot.pause()
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert app.screen.question.plain == (
            "“Doorway opener” is used in your routines “Desk quickie” and “Evening”. Take "
            "it out of those routines first (Routines, e to edit), then delete it."
        )
        await pilot.press("enter")
        await settle(pilot)
        assert store.library.exercise(used.id) is not None
        screen.query_one("#search", Input).value = "wall slide"
        await pilot.pause()
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    assert store.library.exercise(spare.id) is None
