"""The weekly report: one ISO week of adherence, pain, sitting, relief, hurt steps and notes, for
someone (a physiotherapist) who was not there. Pure: built from plain inputs the store gathers.

The report is first laid out as format-neutral sections of plain strings (`report_sections`);
Markdown, HTML and the app's screen each render those and escape every string on the way out,
so text the user typed (notes, own exercise and routine names) is never trusted anywhere.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from stretchtui.core import instants
from stretchtui.core.checkins import REGION_LABELS, Region
from stretchtui.core.days import day_label, span_label, time_label
from stretchtui.core.errors import FieldError
from stretchtui.core.glyphs import UNICODE, Glyphs
from stretchtui.core.history import SHADES, day_marks, heatmap_rows, week_start
from stretchtui.core.instants import week_label
from stretchtui.core.plain_text import printable
from stretchtui.core.streaks import FLARE_PAIN, DayActivity, Goal
from stretchtui.core.vocabulary import plural

# ---------------------------------------------------------------------- weeks


def parse_week(text: str, field: str = "--week") -> date:
    """The Monday of an ISO week written as YYYY-Www (the rule and its window: core.instants)."""
    return instants.parse_week(text, field)


def check_started(monday: date, today: date, field: str = "--week") -> None:
    """A report is for a week that has begun: refuse one after the current week."""
    if monday > week_start(today):
        raise FieldError(field, f"{week_label(monday)} has not started yet (this week is {week_label(today)})")


# ---------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RegionPain:
    """Check-in pain for one area (and side) over the week, and its average the week before."""

    region: Region
    side: str
    average: float
    worst: int
    readings: int
    previous_average: float | None


@dataclass(frozen=True)
class ExerciseRelief:
    """Mean pain change (after minus before) over the week's sessions that included the exercise."""

    name: str
    change: float
    sessions: int


@dataclass(frozen=True)
class HurtStep:
    day: date
    exercise: str
    side: str  # "both", "left" or "right"
    pain: int | None
    routine: str


@dataclass(frozen=True)
class DayNote:
    day: date
    at: datetime  # UTC
    zone: str  # the zone the note was written in
    text: str


@dataclass(frozen=True)
class WeekInputs:
    """What the store gathers for one week (and, for comparison, the week before it)."""

    monday: date
    goal: Goal
    activities: tuple[DayActivity, ...]  # both weeks
    pain: Mapping[date, int]  # worst pain each day (check-ins and sessions' pain before), both weeks
    sitting: Mapping[date, float]  # hours sat each day, both weeks
    regions: tuple[RegionPain, ...] = ()
    relief: tuple[ExerciseRelief, ...] = ()
    hurts: tuple[HurtStep, ...] = ()
    notes: tuple[DayNote, ...] = ()


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportDay:
    day: date
    upcoming: bool  # after the day the report was made
    minutes: float
    sessions: int
    done: bool
    pain: int | None
    sitting: float | None
    rest: bool
    heat: str  # the day's cell of the History heatmap
    flare_marked: bool = False  # marked as a flare day (core.entries.MarkKind.FLARE)

    @property
    def flare(self) -> bool:
        """Marked as a flare day, or a pain of FLARE_PAIN or more noted (core.streaks.is_flare)."""
        return self.flare_marked or (self.pain is not None and self.pain >= FLARE_PAIN)


@dataclass(frozen=True)
class WeekTotals:
    days: int  # days of the week so far
    days_done: int
    minutes: float
    sessions: int
    pain_average: float | None  # of each day's worst pain
    pain_days: int
    sitting_average: float | None
    sitting_days: int


@dataclass(frozen=True)
class WeeklyReport:
    monday: date
    today: date  # the logical day the report was made on
    goal: Goal
    days: tuple[ReportDay, ...]  # Monday to Sunday
    totals: WeekTotals
    previous: WeekTotals
    regions: tuple[RegionPain, ...]
    relief: tuple[ExerciseRelief, ...]
    hurts: tuple[HurtStep, ...]
    notes: tuple[DayNote, ...]

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def in_progress(self) -> bool:
        return self.today < self.sunday

    @property
    def heatmap_row(self) -> str:
        return "".join(day.heat for day in self.days)


def build_report(inputs: WeekInputs, today: date) -> WeeklyReport:
    """The report for the week starting on `inputs.monday`, as seen on the logical day `today`."""
    monday = inputs.monday
    if monday.weekday() != 0:
        raise ValueError(f"a week starts on a Monday; {monday} is not one")
    activities = {a.day: a for a in inputs.activities}
    minutes = {day: a.completed_hold_seconds / 60 for day, a in activities.items()}
    last_seen = min(today, monday + timedelta(days=6))
    heat = "".join(
        row[-1]
        for row in heatmap_rows(minutes, day_marks(inputs.activities), last_seen, 1, inputs.goal.minutes_per_day)
    )
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        activity = activities.get(day, DayActivity(day))
        upcoming = day > today
        days.append(
            ReportDay(
                day=day,
                upcoming=upcoming,
                minutes=minutes.get(day, 0.0),
                sessions=activity.sessions,
                done=inputs.goal.met_by(activity),
                pain=inputs.pain.get(day),
                sitting=inputs.sitting.get(day),
                rest=activity.rest_marked,
                heat=" " if upcoming else heat[offset],
                flare_marked=activity.flare_marked,
            )
        )
    return WeeklyReport(
        monday=monday,
        today=today,
        goal=inputs.goal,
        days=tuple(days),
        totals=_totals(inputs, activities, monday, today),
        previous=_totals(inputs, activities, monday - timedelta(days=7), today),
        regions=inputs.regions,
        relief=tuple(sorted(inputs.relief, key=lambda r: (r.change, -r.sessions, r.name))),
        hurts=inputs.hurts,
        notes=tuple(sorted(inputs.notes, key=lambda n: n.at)),
    )


def _totals(inputs: WeekInputs, activities: Mapping[date, DayActivity], monday: date, today: date) -> WeekTotals:
    days = [monday + timedelta(days=i) for i in range(7) if monday + timedelta(days=i) <= today]
    week = [activities[d] for d in days if d in activities]
    pains = [inputs.pain[d] for d in days if d in inputs.pain]
    sits = [inputs.sitting[d] for d in days if d in inputs.sitting]
    return WeekTotals(
        days=len(days),
        days_done=sum(1 for a in week if inputs.goal.met_by(a)),
        minutes=math.fsum(a.completed_hold_seconds for a in week) / 60,
        sessions=sum(a.sessions for a in week),
        pain_average=sum(pains) / len(pains) if pains else None,
        pain_days=len(pains),
        sitting_average=sum(sits) / len(sits) if sits else None,
        sitting_days=len(sits),
    )


# ---------------------------------------------------------------------- sections (plain text)


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns


@dataclass(frozen=True)
class Section:
    """One part of the report in plain strings; renderers escape every one of them."""

    key: str
    title: str
    intro: str = ""
    bullets: tuple[str, ...] = ()
    heatmap: str = ""  # the History heatmap row for the week, Monday first
    table: Table | None = None
    empty: str = ""  # said instead of the table when it has no rows


def report_title(report: WeeklyReport) -> str:
    return f"Back-care report, week {report.label}"


def report_subtitle(report: WeeklyReport, glyphs: Glyphs = UNICODE) -> str:
    span = span_label(report.monday, report.sunday, report.today).replace(UNICODE.span, glyphs.span)
    if report.in_progress:
        return f"{span}{glyphs.separator}week in progress, {report.totals.days} of 7 days so far"
    return span


def report_sections(report: WeeklyReport, glyphs: Glyphs = UNICODE) -> tuple[Section, ...]:
    """`glyphs`: the symbols to write them with (ASCII for an output that cannot carry Unicode)."""
    sections = (
        _adherence(report, glyphs),
        _pain(report, glyphs),
        _relief(report),
        _hurts(report, glyphs),
        _flare_rest(report),
        _notes(report),
    )
    return tuple(_inert(section) for section in sections)


def _inert(section: Section) -> Section:
    """Control characters shown as escapes (`\\x1b`), in every string of every rendering: text
    stored before the one text rule (core.plain_text) must not reach a terminal as a command."""
    table = section.table
    if table is not None:
        table = replace(table, rows=tuple(tuple(map(printable, row)) for row in table.rows))
    return replace(
        section,
        title=printable(section.title),
        intro=printable(section.intro),
        bullets=tuple(map(printable, section.bullets)),
        empty=printable(section.empty),
        table=table,
    )


def heat_legend(glyphs: Glyphs) -> str:
    return f"darker = more minutes, r rest, f flare, {glyphs.no_activity} none"


def _adherence(report: WeeklyReport, glyphs: Glyphs) -> Section:
    now, before = report.totals, report.previous
    goal = report.goal
    bullets = [] if now.sessions else ["No sessions this week."]
    bullets += [
        f"Days done: {now.days_done} of {now.days}{' so far' if report.in_progress else ''} "
        f"(the week before: {before.days_done} of 7)",
        f"Minutes stretched: {_number(now.minutes, 0)} (the week before: {_number(before.minutes, 0)})",
        f"Sessions: {now.sessions} (the week before: {before.sessions})",
    ]
    rows = []
    for day in report.days:
        if day.upcoming:
            rows.append((day_label(day.day, report.today), "upcoming", "", "", "", "", ""))
            continue
        rows.append(
            (
                day_label(day.day, report.today),
                glyphs.done if day.done else glyphs.missing,
                _number(day.minutes, 1),
                str(day.sessions),
                glyphs.missing if day.pain is None else str(day.pain),
                glyphs.missing if day.sitting is None else f"{day.sitting:g}",
                ", ".join(mark for mark, on in (("rest", day.rest), ("flare", day.flare)) if on),
            )
        )
    table = Table(
        ("Day", "Done", "Min", "Sessions", "Pain", "Sitting h", "Marks"),
        tuple(rows),
        (False, False, True, True, True, True, False),
    )
    minutes = plural(goal.minutes_per_day, "minute", shown=_number(goal.minutes_per_day, 1))
    return Section(
        "adherence",
        "Adherence",
        intro=f"Goal: {plural(goal.routines_per_day, 'routine')} or {minutes} a day. "
        f"Heatmap row as in History: {heat_legend(glyphs)}.",
        bullets=tuple(bullets),
        heatmap=glyphs.heat(report.heatmap_row),
        table=table,
    )


def _pain(report: WeeklyReport, glyphs: Glyphs) -> Section:
    now, before = report.totals, report.previous
    noted = [d for d in report.days if d.pain is not None]
    if now.pain_average is None:
        pain = "Pain: no pain noted this week"
    else:
        highest = max(d.pain for d in noted if d.pain is not None)
        on = ", ".join(f"{d.day:%a}" for d in noted if d.pain == highest)
        pain = (
            f"Pain (worst each day): average {now.pain_average:.1f} over {plural(now.pain_days, 'day')}, "
            f"{_compare(now.pain_average, before.pain_average, 'lower', 'higher')}; highest {highest} on {on}"
        )
    if now.sitting_average is None:
        sitting = "Sitting: no hours noted this week"
    else:
        change = _compare(now.sitting_average, before.sitting_average, "less", "more", " h")
        sitting = (
            f"Sitting: {now.sitting_average:.1f} h a day on average over {plural(now.sitting_days, 'day')}, {change}"
        )
    bullets = [pain, sitting]
    if len(noted) >= 2:
        bullets.append("Pain by day: " + glyphs.separator.join(f"{d.day:%a} {d.pain}" for d in noted))
    rows = tuple(
        (
            REGION_LABELS[r.region] + (f" ({r.side})" if r.side else ""),
            f"{r.average:.1f}",
            str(r.worst),
            str(r.readings),
            glyphs.missing if r.previous_average is None else f"{r.previous_average:.1f}",
        )
        for r in report.regions
    )
    table = Table(
        ("Area (check-ins)", "Average", "Worst", "Notes", "Week before"), rows, (False, True, True, True, True)
    )
    return Section("pain", "Pain and sitting", bullets=tuple(bullets), table=table if rows else None)


def _relief(report: WeeklyReport) -> Section:
    rows = tuple((r.name, f"{r.change:+.1f}", str(r.sessions)) for r in report.relief)
    return Section(
        "relief",
        "Relief per exercise",
        intro="Pain after minus pain before, over this week's sessions that included the exercise "
        "(below zero: pain eased).",
        table=Table(("Exercise", "Change", "Sessions"), rows, (False, True, True)),
        empty="No session this week has pain noted both before and after.",
    )


def _hurts(report: WeeklyReport, glyphs: Glyphs) -> Section:
    rows = tuple(
        (
            day_label(h.day, report.today),
            h.exercise,
            "" if h.side == "both" else h.side,
            glyphs.missing if h.pain is None else str(h.pain),
            h.routine,
        )
        for h in report.hurts
    )
    return Section(
        "hurts",
        "Steps that hurt",
        intro='Steps stopped with "this hurts" during a session, with the pain given then.',
        table=Table(("Day", "Exercise", "Side", "Pain", "Routine"), rows, (False, False, False, True, False)),
        empty="No step hurt this week.",
    )


def _flare_rest(report: WeeklyReport) -> Section:
    seen = [d for d in report.days if not d.upcoming]
    flares = [
        f"{day_label(d.day, report.today)} ("
        + ("marked; " if d.flare_marked else "")
        + (f"pain {d.pain}; " if d.pain is not None else "")
        + (f"stretched {_number(d.minutes, 0)} min)" if d.sessions else "no session)")
        for d in seen
        if d.flare
    ]
    rests = [day_label(d.day, report.today) for d in seen if d.rest]
    return Section(
        "days",
        "Flare days and rest days",
        bullets=(
            f"Flare days (marked, or pain {FLARE_PAIN} or more): " + ("; ".join(flares) if flares else "none"),
            "Rest days: " + (", ".join(rests) if rests else "none"),
        ),
    )


def _notes(report: WeeklyReport) -> Section:
    bullets = tuple(f"{day_label(n.day, report.today)}, {time_label(n.at, n.zone)}: {n.text}" for n in report.notes)
    return Section("notes", "Check-in notes", bullets=bullets, empty="" if bullets else "No check-in notes this week.")


def _compare(now: float, before: float | None, down: str, up: str, unit: str = "") -> str:
    if before is None:
        return "nothing noted the week before"
    diff = round(now, 1) - round(before, 1)
    if abs(diff) < 0.05:
        return f"the same as the week before ({before:.1f}{unit})"
    return f"{abs(diff):.1f}{unit} {down if diff < 0 else up} than the week before ({before:.1f}{unit})"


def _number(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    return text[:-2] if places and text.endswith(".0") else text


FOOTER = (
    "Made with stretchtui from the user's own notes. Not medical advice: pain is self-reported on a "
    "0-10 scale; minutes count finished holds and repetitions."
)


# ---------------------------------------------------------------------- Markdown


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~!&])")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def markdown_text(text: str) -> str:
    """User text made inert in Markdown: one line, markup characters backslash-escaped (so a
    note cannot open a link, an HTML tag or a new table cell)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", CONTROL.sub(" ", text))


def render_markdown(report: WeeklyReport, glyphs: Glyphs = UNICODE) -> str:
    out = [f"# {markdown_text(report_title(report))}", "", markdown_text(report_subtitle(report, glyphs)), ""]
    for section in report_sections(report, glyphs):
        out += [f"## {markdown_text(section.title)}", ""]
        if section.intro:
            out += [markdown_text(section.intro), ""]
        bullets = [f"- {markdown_text(b)}" for b in section.bullets]
        if section.heatmap:
            bullets.append(f"- Heatmap, Monday to Sunday: `{section.heatmap}`")
        if bullets:
            out += bullets + [""]
        if section.table is not None and section.table.rows:
            out += _markdown_table(section.table) + [""]
        elif section.empty:
            out += [markdown_text(section.empty), ""]
    out += ["---", "", markdown_text(FOOTER), ""]
    return "\n".join(out)


def _markdown_table(table: Table) -> list[str]:
    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(markdown_text(c) or " " for c in cells) + " |"

    rule = "|" + "|".join("---:" if numeric else "---" for numeric in table.numeric) + "|"
    return [row(table.headers), rule] + [row(r) for r in table.rows]


# ---------------------------------------------------------------------- HTML


HTML_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2327; background: #fff;
       margin: 0; }
main { max-width: 860px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
h2 { font-size: 1.15em; margin: 28px 0 8px; border-bottom: 1px solid #d5dadd; padding-bottom: 2px; }
.sub, .intro, footer { color: #5b6770; }
ul { padding-left: 1.2em; margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e8ea; text-align: left; vertical-align: top; }
th { background: #f2f4f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.heat { display: flex; gap: 4px; margin: 8px 0; }
.cell { width: 52px; padding: 4px 0; text-align: center; border-radius: 4px; font-size: 0.85em;
        border: 1px solid #cfd6da; }
.cell.l0 { background: #f4f6f7; } .cell.l1 { background: #cdebd5; } .cell.l2 { background: #93d3a6; }
.cell.l3 { background: #4fb06f; color: #fff; } .cell.l4 { background: #237a43; color: #fff; }
.cell.rest { background: #dde6f7; } .cell.flare { background: #f7d9d5; } .cell.upcoming { background: #fff;
        color: #9aa5ab; border-style: dashed; }
footer { margin-top: 32px; font-size: 0.85em; border-top: 1px solid #d5dadd; padding-top: 8px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } table { break-inside: avoid; } }
"""


def render_html(report: WeeklyReport, glyphs: Glyphs = UNICODE) -> str:
    """One self-contained page: inline style, no scripts, nothing fetched (a Content-Security-Policy
    says so to the browser too), every string escaped."""
    esc = html.escape
    title = esc(report_title(report))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{HTML_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
        f'<p class="sub">{esc(report_subtitle(report, glyphs))}</p>',
    ]
    for section in report_sections(report, glyphs):
        out.append(f'<section id="{esc(section.key)}">')
        out.append(f"<h2>{esc(section.title)}</h2>")
        if section.intro:
            out.append(f'<p class="intro">{esc(section.intro)}</p>')
        if section.bullets:
            out.append("<ul>" + "".join(f"<li>{esc(b)}</li>" for b in section.bullets) + "</ul>")
        if section.heatmap:
            out.append(_html_heatmap(report, glyphs))
        if section.table is not None and section.table.rows:
            out.append(_html_table(section.table))
        elif section.empty:
            out.append(f"<p>{esc(section.empty)}</p>")
        out.append("</section>")
    out += [f"<footer>{esc(FOOTER)}</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _html_heatmap(report: WeeklyReport, glyphs: Glyphs) -> str:
    cells = []
    for day in report.days:
        kind = (
            "upcoming"
            if day.upcoming
            else "rest"
            if day.heat == "r"
            else "flare"
            if day.heat == "f"
            else f"l{SHADES.index(day.heat)}"
            if day.heat in SHADES
            else "l0"
        )
        cells.append(
            f'<span class="cell {kind}" title="{day_label(day.day, report.today, long=True)}">{day.day:%a}<br>'
            f"{html.escape(glyphs.heat(day.heat).strip() or glyphs.no_activity)}</span>"
        )
    return '<div class="heat">' + "".join(cells) + "</div>"


NUMERIC_CLASS = ' class="num"'


def _html_table(table: Table) -> str:
    esc = html.escape

    def cells(tag: str, values: tuple[str, ...]) -> str:
        return "".join(
            f"<{tag}{NUMERIC_CLASS if numeric else ''}>{esc(v)}</{tag}>"
            for v, numeric in zip(values, table.numeric, strict=False)
        )

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in table.rows)
    return f"<table><thead><tr>{cells('th', table.headers)}</tr></thead><tbody>{body}</tbody></table>"


RENDERERS = {"md": render_markdown, "html": render_html}
"""The report's file formats by name, as `stretchtui report --format` takes them; each renderer
takes the report and, optionally, the glyphs to write it with (core.glyphs)."""
