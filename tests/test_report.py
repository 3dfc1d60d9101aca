"""The weekly report: weeks, the numbers, Markdown and HTML (escaping), the CLI and the screen."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from history_data import fill_history_fast
from markdown_it import MarkdownIt
from pilot_helpers import settle
from report_data import WEEK_LABEL, add_week_details, at
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.days import today
from stretchtui.core.errors import FieldError
from stretchtui.core.history import day_marks, heatmap_rows, week_start
from stretchtui.core.relief import RELIEF_DAYS, PainChange
from stretchtui.core.relief import table as relief_table
from stretchtui.core.report import (
    DayNote,
    HurtStep,
    WeekInputs,
    build_report,
    check_started,
    parse_week,
)
from stretchtui.core.report_render import markdown_text, render_html, render_markdown
from stretchtui.core.sessions import Outcome, SessionStatus, Side, StepRecord
from stretchtui.core.streaks import Goal
from stretchtui.store import Store

MONDAY = date(2026, 11, 16)  # of 2026-W47, the frozen clock's week


class MarkdownFile(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "md"


class HtmlFile(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "html"


def week_report(store: Store, clock, monday: date = MONDAY):
    return build_report(store.reports.weekly_report_inputs(monday), today(clock, store.settings.day_start_hour()))


@pytest.fixture
def system_clock_is_frozen(monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> FrozenClock:
    """The CLI reads the system clock; here it reads the frozen one."""
    monkeypatch.setattr("stretchtui.core.clock.default_clock", lambda: clock)
    return clock


# ---------------------------------------------------------------------- weeks


@pytest.mark.parametrize(
    "text, monday",
    [
        ("2026-W47", date(2026, 11, 16)),
        ("2026-W01", date(2025, 12, 29)),  # ISO week 1 can start in December
        ("2026-W53", date(2026, 12, 28)),  # 2026 starts on a Thursday: 53 weeks
        ("2020-W53", date(2020, 12, 28)),  # a leap year starting on a Wednesday
    ],
)
def test_parse_week(text: str, monday: date) -> None:
    assert parse_week(text) == monday


@pytest.mark.parametrize(
    "text, message",
    [
        ("2025-W53", "2025 has 52 ISO weeks, so there is no 2025-W53"),
        ("2027-W53", "2027 has 52 ISO weeks, so there is no 2027-W53"),
        ("2026-W00", "2026 has 53 ISO weeks, so there is no 2026-W00"),
        ("2026-W54", "2026 has 53 ISO weeks, so there is no 2026-W54"),
        ("2026-47", "'2026-47' is not an ISO week like 2026-W47"),
        ("2026W47", "'2026W47' is not an ISO week like 2026-W47"),
        ("2026-W4", "'2026-W4' is not an ISO week like 2026-W47"),
        ("0000-W01", "0000-W01 is outside the weeks stretchtui keeps (1970-W01 to 2200-W01)"),
        ("1969-W52", "1969-W52 is before 1970-W01, the earliest week stretchtui keeps"),
        ("2200-W02", "2200-W02 is after 2200-W01, the latest week stretchtui keeps"),
    ],
)
def test_parse_week_refuses(text: str, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_week(text)
    assert str(caught.value) == f"--week: {message}"


def test_a_week_must_have_started() -> None:
    check_started(MONDAY, date(2026, 11, 16))
    with pytest.raises(FieldError, match=r"2026-W48 has not started yet \(this week is 2026-W47\)"):
        check_started(date(2026, 11, 23), date(2026, 11, 22))


# ---------------------------------------------------------------------- numbers


def test_report_numbers_agree_with_the_store(store: Store, clock) -> None:
    fill_history_fast(store, clock, days=60)
    add_week_details(store, clock)
    report = week_report(store, clock)
    week_days = {MONDAY.replace(day=MONDAY.day + i) for i in range(7)}
    sessions = [s for s in store.history.sessions_list() if s.day in week_days]
    activities = store.history.day_activities(since=MONDAY)
    assert report.label == WEEK_LABEL and report.in_progress and report.totals.days == 6
    assert report.totals.sessions == len(sessions) == sum(d.sessions for d in report.days)
    assert report.totals.minutes == pytest.approx(sum(a.completed_hold_seconds for a in activities) / 60)
    assert {d.day: d.pain for d in report.days if d.pain is not None} == {
        day: pain for day, pain in store.history.pain_by_day(MONDAY).items()
    }
    history_rows = heatmap_rows(
        {a.day: a.completed_hold_seconds / 60 for a in activities},
        day_marks(activities),
        date(2026, 11, 21),
        26,
        report.goal.minutes_per_day,
    )
    assert report.heatmap_row == "".join(row[-1] for row in history_rows)  # History's column for this week
    assert [d.day for d in report.days if d.flare] == [date(2026, 11, 17)]
    assert [d.day for d in report.days if d.rest] == [date(2026, 11, 19)]
    assert report.hurts == (HurtStep(date(2026, 11, 18), "Sphinx", "left", 5, "Lower Back in Five"),)
    assert [n.text[:10] for n in report.notes] == ["Long drive", "Physio: ke"]
    leg = next(r for r in report.regions if r.region is Region.LEG)
    assert (leg.side, leg.average, leg.worst, leg.readings, leg.previous_average) == ("left", 4.0, 4, 1, None)
    # Relief looks back RELIEF_DAYS to Sunday: the numbers History shows for that day.
    sunday = MONDAY + timedelta(days=6)
    assert report.relief == store.history.relief(since=sunday - timedelta(days=RELIEF_DAYS - 1), until=sunday)
    assert "knee-to-chest" in {c.exercise_id for c in report.relief.rows} and report.relief.shown
    assert report.previous.days == 7 and report.previous.sessions > 0


def test_the_default_week_follows_the_logical_day(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Monday 02:30 in Berlin is still Sunday (the day starts at 04:00): the report is last week's."""
    early = FrozenClock(datetime(2026, 11, 23, 1, 30, tzinfo=UTC), "Europe/Berlin")
    Store.open(db_path, early).close()  # a report only reads: the database must exist
    monkeypatch.setattr("stretchtui.core.clock.default_clock", lambda: early)
    assert main(["--db", str(db_path), "report"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Back-care report, week 2026-W47\n") and "upcoming" not in out


# ---------------------------------------------------------------------- Markdown and HTML


def test_markdown_report(store: Store, clock, snapshot) -> None:
    fill_history_fast(store, clock, days=120)
    add_week_details(store, clock)
    assert render_markdown(week_report(store, clock)) == snapshot(extension_class=MarkdownFile)


def test_html_report(store: Store, clock, snapshot) -> None:
    fill_history_fast(store, clock, days=120)
    add_week_details(store, clock)
    assert render_html(week_report(store, clock)) == snapshot(extension_class=HtmlFile)


HOSTILE = (
    '</li></ul><script>alert("note")</script><img src=x onerror=alert(1)> '
    '<link rel="stylesheet" href="http://evil.example/x.css"> [click](http://evil.example) | a & b'
)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs


def hostile_inputs() -> WeekInputs:
    """A note, an own exercise and a routine name written to break out of HTML or Markdown."""
    return WeekInputs(
        monday=MONDAY,
        goal=Goal(),
        activities=(),
        pain={},
        sitting={},
        relief=relief_table(
            [PainChange(frozenset({"bold"}), change, 5) for change in (-2, -1, -2, -1, -2)]
            + [PainChange(frozenset(), change, 5) for change in (0, 0, 1, 0, 0)],
            {"bold": "<b>Bold</b> | stretch"},
        ),
        hurts=(HurtStep(MONDAY, "[x](http://evil.example)", "left", 6, "`code` | <i>r</i>"),),
        notes=(
            DayNote(
                MONDAY,
                datetime(2026, 11, 16, 7, 0, tzinfo=UTC),
                "Europe/Berlin",
                HOSTILE + "\n# not a heading\n| not | a row |",
            ),
        ),
    )


def test_html_escapes_user_text_and_loads_nothing(store: Store, clock) -> None:
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 4)], note=HOSTILE)
    page = render_html(week_report(store, clock)) + render_html(build_report(hostile_inputs(), date(2026, 11, 21)))
    parser = TagCollector()
    parser.feed(page)
    assert parser.tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "main",
        "h1",
        "h2",
        "p",
        "section",
        "ul",
        "li",
        "div",
        "span",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "footer",
    }
    assert {name for name, _ in parser.attributes} <= {
        "lang",
        "charset",
        "http-equiv",
        "content",
        "name",
        "class",
        "title",
        "id",
    }
    assert "evil.example" not in "".join(value or "" for _, value in parser.attributes)
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; | stretch" in page
    assert "default-src 'none'" in page and "url(" not in page and "@import" not in page


def test_markdown_neutralises_user_text() -> None:
    text = render_markdown(build_report(hostile_inputs(), date(2026, 11, 21)))
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    parser = TagCollector()
    parser.feed(rendered)
    assert parser.tags.isdisjoint({"script", "img", "link", "a", "b", "i"})  # all stayed text
    assert rendered.count("<code>") == 1 and "`code` | &lt;i&gt;r&lt;/i&gt;" in rendered  # only the heatmap's
    assert "<h1>" in rendered and rendered.count("<h1>") == 1  # the note's "# ..." did not become a heading
    assert '<script>alert("note")</script>' not in rendered
    relief_row = next(line for line in text.splitlines() if "Bold" in line)
    assert relief_row == r"| \<b\>Bold\</b\> \| stretch | -1.8 | -2.5 to -1.1 | 5 / 5 | more relief with it |"
    note_line = next(line for line in text.splitlines() if "not a heading" in line)
    assert note_line.startswith("- Mon 16 Nov, 08:00: ") and note_line.endswith(r"\# not a heading \| not \| a row \|")
    assert markdown_text("a\nb\rc\td") == "a b c d"


def test_an_empty_week_still_says_something_useful(store: Store, clock) -> None:
    nothing = render_markdown(week_report(store, clock))
    assert "No sessions this week." in nothing and "Days done: 0 of 6 so far" in nothing
    assert "Pain: no pain noted this week" in nothing and "No check-in notes this week." in nothing
    assert "Not enough data yet: a comparison needs 5 sessions with pain noted before and after" in nothing
    assert "No step hurt this week." in nothing and "Rest days: none" in nothing

    store.checkins.add_checkin([PainEntry(Region.NECK, 5)], sitting_hours=9, note="Stiff after a long call")
    with_a_check_in = render_markdown(week_report(store, clock))
    assert "No sessions this week." in with_a_check_in
    assert (
        "Pain (worst each day): average 5.0 over 1 day, nothing noted the week before; highest 5 on Sat"
        in with_a_check_in
    )
    assert "| Neck | 5.0 | 5 | 1 | – |" in with_a_check_in
    assert "- Sat 21 Nov, 09:30: Stiff after a long call" in with_a_check_in


def test_every_pain_noted_with_a_session_counts_in_the_day_and_each_hurt_is_listed(store: Store, clock) -> None:
    """The day's worst pain reads a session's pain as the suggestion does (before, after, each
    "this hurts"), and a hurt in a session then discarded is still reported: an outside pass found
    a 9/10 "this hurts" missing from the physio's report, the day shown as its 3/10 check-in."""
    saturday = date(2026, 11, 21)
    at(clock, saturday, 8)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)])
    at(clock, saturday, 9)
    kept = store.sessions.start_session("lower-back-five", "Lower Back in Five", 300, pain_before=4)
    store.sessions.finish_session(kept.id, SessionStatus.COMPLETE, pain_after=6)
    assert store.history.pain_by_day(saturday)[saturday] == 6  # the pain after, not only the one before

    at(clock, saturday, 10)
    thrown = store.sessions.start_session("seven-in-seven", "Seven in Seven", 420, pain_before=5)
    hurt = StepRecord(0, "sphinx", "Sphinx", 1, Side.LEFT, 30, 8.0, 0, 0, Outcome.HURT, hurt_pain=9)
    store.sessions.record_step(thrown.id, hurt, active_seconds=8, resume_state=None)
    store.sessions.finish_session(thrown.id, SessionStatus.DISCARDED)
    assert store.history.pain_by_day(saturday)[saturday] == 9  # the hurt stays when the session goes

    report = week_report(store, clock)
    assert next(d.pain for d in report.days if d.day == saturday) == 9
    assert report.hurts == (HurtStep(saturday, "Sphinx", "left", 9, "Seven in Seven", discarded=True),)
    text = render_markdown(report)
    assert "| Sphinx | left | 9 | Seven in Seven (session discarded) |" in text
    assert "highest 9 on Sat" in text


# ---------------------------------------------------------------------- the command


@pytest.mark.parametrize(
    "week, message",
    [
        ("2026-47", "stretchtui: --week: '2026-47' is not an ISO week like 2026-W47"),
        ("2025-W53", "stretchtui: --week: 2025 has 52 ISO weeks, so there is no 2025-W53"),
        ("2026-W48", "stretchtui: --week: 2026-W48 has not started yet (this week is 2026-W47)"),
    ],
)
@pytest.mark.parametrize("database", ["none yet", "existing"])
def test_cli_refuses_a_bad_week(
    db_path: Path, system_clock_is_frozen, capsys: pytest.CaptureFixture[str], week: str, message: str, database: str
) -> None:
    if database == "existing":
        Store.open(db_path, system_clock_is_frozen).close()
    before = sorted(db_path.parent.iterdir()) if db_path.parent.exists() else None
    assert main(["--db", str(db_path), "report", "--week", week]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == message + "\n"
    assert (sorted(db_path.parent.iterdir()) if db_path.parent.exists() else None) == before


def test_cli_writes_a_private_file(
    db_path: Path, tmp_path: Path, system_clock_is_frozen, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(db_path, system_clock_is_frozen)
    fill_history_fast(store, system_clock_is_frozen, days=20)
    store.close()
    target = tmp_path / "out" / "week.html"
    target.parent.mkdir()
    target.write_text("an older report")
    os.chmod(target, 0o644)
    assert (
        main(
            [
                "--db",
                str(db_path),
                "report",
                "--week",
                "2026-W46",
                "--format",
                "html",
                "--output",
                str(target),
                "--force",
            ]
        )
        == 0
    )  # replacing a file needs --force
    assert capsys.readouterr().out == f"Wrote the report for 2026-W46 to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("<!DOCTYPE html>") and "week 2026-W46" in target.read_text()
    assert [p.name for p in target.parent.iterdir()] == ["week.html"]  # no temporary file left behind

    assert main(["--db", str(db_path), "report", "--output", str(tmp_path / "out" / "week.md")]) == 0
    assert stat.S_IMODE((tmp_path / "out" / "week.md").stat().st_mode) == 0o600
    assert (tmp_path / "out" / "week.md").read_text().startswith("# Back-care report, week 2026-W47")


@pytest.mark.parametrize(
    "where, message",
    [
        ("missing/week.md", "the folder {tmp}/missing does not exist"),
        (".", "{tmp} is a folder; give a file name"),
    ],
)
def test_cli_refuses_a_bad_output(
    db_path: Path, tmp_path: Path, system_clock_is_frozen, capsys: pytest.CaptureFixture[str], where: str, message: str
) -> None:
    target = os.path.normpath(tmp_path / where)
    assert main(["--db", str(db_path), "report", "--output", target]) == 2
    assert capsys.readouterr().err == f"stretchtui: --output: {message.format(tmp=tmp_path)}\n"
    assert not db_path.exists()


# ---------------------------------------------------------------------- the screen


async def test_report_screen_weeks_and_plain_text(make_test_app, store, clock) -> None:
    """Opened from the command palette; `p` and `n` step through weeks but never past this one;
    a note with Textual markup in it is shown as typed."""
    from textual.widgets import Static

    from stretchtui.ui.screens.report import ReportScreen

    fill_history_fast(store, clock, days=30)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="[b]bold?[/b] [@click=app.quit]quit[/]")
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        palette = {command.title: command for command in app.get_system_commands(app.screen)}
        palette["Weekly report"].callback()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen) and screen.report is not None
        assert screen.report.monday == week_start(date(2026, 11, 21))
        notes = str(screen.query_one("#report-notes .report-bullets", Static).content)
        assert "[b]bold?[/b] [@click=app.quit]quit[/]" in notes
        await pilot.press("n")  # already the current week: nothing happens
        await settle(pilot)
        assert screen.report.label == "2026-W47"
        await pilot.press("p", "p")
        await settle(pilot)
        assert screen.report.label == "2026-W45"
        await pilot.press("n")
        await settle(pilot)
        assert screen.report.label == "2026-W46"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportScreen)


def test_the_report_screen_places_every_section_once() -> None:
    from stretchtui.core.report_sections import report_sections
    from stretchtui.ui.screens.report import LEFT_SECTIONS, RIGHT_SECTIONS

    keys = [s.key for s in report_sections(build_report(hostile_inputs(), date(2026, 11, 21)))]
    assert sorted(LEFT_SECTIONS + RIGHT_SECTIONS) == sorted(keys)


def test_the_html_report_draws_the_weeks_exercises_as_figures(store: Store, clock) -> None:
    """Each exercise done in the week, with its figure drawn from its pose as inline SVG (no image
    fetched, nothing a Content-Security-Policy of default-src 'none' would block)."""
    import xml.etree.ElementTree as ET

    fill_history_fast(store, clock, days=60)
    report = week_report(store, clock)
    assert report.moves and report.moves[0].sessions >= report.moves[-1].sessions
    page = render_html(report)
    section = page[page.index('<section id="moves">') : page.index("</section>", page.index('<section id="moves">'))]
    figures = section.split("<figure>")[1:]
    assert len(figures) == len(report.moves)
    for figure, move in zip(figures, report.moves, strict=True):
        svg = figure[: figure.index("</svg>") + len("</svg>")]
        tree = ET.fromstring(svg)
        assert tree.tag.endswith("svg") and tree.find("{http://www.w3.org/2000/svg}title").text.startswith(move.name)
        assert "<img" not in figure and "http://" not in figure.replace("http://www.w3.org/2000/svg", "")
