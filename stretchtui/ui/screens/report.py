"""The weekly report in the app: the same sections `stretchtui report` writes, a week at a time."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import DataTable, Static

from stretchtui.core.history import week_start
from stretchtui.core.instants import FIRST_WEEK
from stretchtui.core.report import WeeklyReport, build_report
from stretchtui.core.report_sections import Section, report_sections, report_subtitle, report_title
from stretchtui.ui.screens.base import FramedScreen
from stretchtui.ui.workers import Loaded, post_if_current, store_work

# Which sections sit in which column when the screen is wide enough for two.
LEFT_SECTIONS = ("adherence", "pain", "hurts")
RIGHT_SECTIONS = ("relief", "moves", "days", "notes")


class ReportSectionView(Vertical):
    """One section: title, intro, bullets, the heatmap row, a table or a line saying it is empty."""

    def __init__(self, key: str) -> None:
        super().__init__(id=f"report-{key}", classes="report-section")

    def compose(self) -> ComposeResult:
        yield Static("", classes="report-title")
        yield Static("", classes="report-intro")
        yield Static("", classes="report-bullets")
        yield Static("", classes="report-heat")
        table: DataTable = DataTable(classes="report-table", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the page scrolls as one; the tables only show
        yield table
        yield Static("", classes="report-empty")

    def show(self, section: Section, report: WeeklyReport) -> None:
        """Every string is shown as plain text (user notes and names are never markup)."""
        self.query_one(".report-title", Static).update(Content.from_markup(f"[b $accent]{escape(section.title)}[/]"))
        self._text(".report-intro", section.intro)
        self._text(".report-bullets", "\n".join(f"• {bullet}" for bullet in section.bullets))
        heat = self.query_one(".report-heat", Static)
        heat.display = bool(section.heatmap)
        if section.heatmap:
            cells = "  ".join(f"[$text-muted]{day.day:%a}[/] [b $success]{escape(day.heat)}[/]" for day in report.days)
            heat.update(Content.from_markup(cells))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        rows = section.table.rows if section.table is not None else ()
        table.display = bool(rows)
        if section.table is not None and rows:
            table.add_columns(*section.table.headers)
            for row in rows:
                table.add_row(*(Text(cell) for cell in row))  # Text, not str: never read as markup
        self._text(".report-empty", "" if rows else section.empty)

    def _text(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        widget.display = bool(text)
        widget.update(Content(text))


class ReportScreen(FramedScreen):
    CSS_PATH = "report.tcss"  # read when first shown (see stretchtui.tcss)
    TITLE = "Weekly report"
    NAV_MODE = "history"
    BACK_ID = "report-back"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("p", "week(-1)", "Previous week", id="report-previous"),
        Binding("n", "week(1)", "Next week", id="report-next"),
    ]

    def __init__(self, monday: date | None = None) -> None:
        super().__init__()
        self.monday = monday  # None: the current week, worked out when loading
        self.report: WeeklyReport | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading the week…", id="report-heading")
        with VerticalScroll(id="report-body"):
            with Horizontal(id="report-columns"):
                with Vertical(id="report-left", classes="report-column"):
                    for key in LEFT_SECTIONS:
                        yield ReportSectionView(key)
                with Vertical(id="report-right", classes="report-column"):
                    for key in RIGHT_SECTIONS:
                        yield ReportSectionView(key)
            yield Static("", id="report-hint")

    def on_mount(self) -> None:
        self.reload()

    @store_work(exclusive=True, group="report-load")
    def reload(self) -> None:
        today = self.stretch_app.current_day()
        monday = self.monday or week_start(today)
        report = build_report(self.stretch_app.store.reports.weekly_report_inputs(monday), today)
        post_if_current(self, Loaded(report))

    @on(Loaded)
    def _loaded(self, message: Loaded[WeeklyReport]) -> None:
        self.report = report = message.value
        self.monday = report.monday
        self.query_one("#report-heading", Static).update(
            Content.from_markup(
                f"[b]{escape(report_title(report))}[/b]\n[$text-muted]{escape(report_subtitle(report))}[/]"
            )
        )
        for section in report_sections(report):
            self.query_one(f"#report-{section.key}", ReportSectionView).show(section, report)
        self.query_one("#report-hint", Static).update(
            Content(
                f"For a file to hand over: stretchtui report --week {report.label} --format html --output "
                f"week-{report.label}.html"
            )
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'Next week' is dimmed on the current week: a week that has not started has no report.
        'Previous week' is dimmed on the first week stretchtui keeps (core.instants)."""
        if action == "week" and parameters and parameters[0] == 1:
            return None if self._is_current_week() else True
        if action == "week" and parameters and parameters[0] == -1:
            return None if self._is_first_week() else True
        return True

    def _is_first_week(self) -> bool:
        return (self.monday or week_start(self.stretch_app.current_day())) <= FIRST_WEEK

    def _is_current_week(self) -> bool:
        today = self.stretch_app.current_day()
        return (self.monday or week_start(today)) >= week_start(today)

    def action_week(self, step: int) -> None:
        if (step > 0 and self._is_current_week()) or (step < 0 and self._is_first_week()):
            return
        self.monday = (self.monday or week_start(self.stretch_app.current_day())) + timedelta(weeks=step)
        self.reload()
