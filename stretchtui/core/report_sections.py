"""The weekly report laid out as format-neutral sections of plain strings (the adherence table,
pain and sitting, relief, hurt steps, flare and rest days, notes), with every control character
made visible. Split from core.report, which builds the report's numbers; the renderers
(core.report_render and the app's report screen) each escape these strings on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from stretchtui.core.checkins import region_label
from stretchtui.core.days import day_label, span_label, time_label
from stretchtui.core.function import SCALE, report_lines
from stretchtui.core.glyphs import UNICODE, Glyphs
from stretchtui.core.history import heat_legend
from stretchtui.core.plain_text import printable
from stretchtui.core.relief import MIN_SESSIONS, REGRESSION_NOTE, RELIEF_DAYS
from stretchtui.core.report import WeeklyReport
from stretchtui.core.streaks import FLARE_PAIN
from stretchtui.core.vocabulary import plural


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
    figures: tuple[tuple[str, str], ...] = ()  # (exercise id, caption): HTML draws each one's figure


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
        _moves(report),
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
        figures=tuple((exercise_id, printable(caption)) for exercise_id, caption in section.figures),
    )


def _adherence(report: WeeklyReport, glyphs: Glyphs) -> Section:
    now, before = report.totals, report.previous
    goal = report.goal
    bullets = [] if now.sessions else ["No sessions this week."]
    bullets += [
        f"Days done: {now.days_done} of {now.days}{' so far' if report.in_progress else ''} "
        f"(the week before: {before.days_done} of 7)",
        f"Minutes stretched: {_number(now.minutes, 0)} (the week before: {_number(before.minutes, 0)})",
        f"Sessions: {now.sessions} (the week before: {before.sessions})",
        *(use.describe() for use in report.prescriptions),
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
    function = report_lines(report.function, report.monday)
    bullets += function
    rows = tuple(
        (
            region_label(r.region, r.side),
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
    intro = f"Function: everyday activities rated 0-10 each week ({SCALE})." if function else ""
    return Section("pain", "Pain and sitting", intro=intro, bullets=tuple(bullets), table=table if rows else None)


def _relief(report: WeeklyReport) -> Section:
    relief = report.relief
    rows = tuple(
        (relief.label(c), c.signed(), c.range(), f"{c.with_n} / {c.without_n}", c.verdict.value)
        for c in relief.rows
        if c.difference is not None
    )
    waiting = [relief.name(c) for c in relief.rows if c.difference is None]
    bullets = [REGRESSION_NOTE] if rows else []
    if waiting and rows:
        more = f" and {len(waiting) - 8} more" if len(waiting) > 8 else ""
        bullets.append(f"Not enough data yet for: {', '.join(waiting[:8])}{more}.")
    return Section(
        "relief",
        "Relief per exercise",
        intro=f"Over the {RELIEF_DAYS} days to this Sunday: the pain change (after minus before) in sessions with "
        "the exercise minus the change in sessions without it, with its 95% interval. Below zero: pain eased more "
        "with it.",
        bullets=tuple(bullets),
        table=Table(
            ("Exercise", "Change", "95% interval", "With / without", "Reading"), rows, (False, True, True, True, False)
        ),
        empty=f"Not enough data yet: a comparison needs {MIN_SESSIONS} sessions with pain noted before and after "
        f"that included the exercise, and {MIN_SESSIONS} that did not, in the {RELIEF_DAYS} days to this Sunday.",
    )


def _moves(report: WeeklyReport) -> Section:
    moves = report.moves
    return Section(
        "moves",
        "Exercises this week",
        bullets=tuple(f"{m.name}: {plural(m.sessions, 'session')}" for m in moves) if moves else (),
        figures=tuple((m.exercise_id, f"{m.name}, {plural(m.sessions, 'session')}") for m in moves),
        empty="" if moves else "No exercise was done this week.",
    )


def _hurts(report: WeeklyReport, glyphs: Glyphs) -> Section:
    rows = tuple(
        (
            day_label(h.day, report.today),
            h.exercise,
            "" if h.side == "both" else h.side,
            glyphs.missing if h.pain is None else str(h.pain),
            f"{h.routine} (session discarded)" if h.discarded else h.routine,
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
