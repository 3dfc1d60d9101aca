"""The weekly report written out as a file: Markdown and one self-contained HTML page, each
escaping every string of the sections (core.report_sections) so user text stays inert.
Split from core.report: building the report and writing it in a format are separate concerns.
"""

from __future__ import annotations

import html
import re

from stretchtui.core.days import day_label
from stretchtui.core.glyphs import UNICODE, Glyphs
from stretchtui.core.history import SHADES
from stretchtui.core.report import WeeklyReport
from stretchtui.core.report_sections import Table, report_sections, report_subtitle, report_title

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
.moves { display: flex; flex-wrap: wrap; gap: 12px; }
.moves figure { margin: 0; width: 160px; text-align: center; font-size: 0.85em; color: #5b6770; }
.moves svg { display: block; border-bottom: 1px solid #e4e8ea; }
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
        if section.figures:
            out.append(_html_figures(section.figures))
        elif section.bullets:
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


def _html_figures(figures: tuple[tuple[str, str], ...]) -> str:
    """Each exercise's figure drawn from its pose (core.poses) as inline SVG, with its caption; an
    own exercise without a pose gets its caption alone."""
    from stretchtui.core.poses import extent, load_poses, svg

    poses = load_poses()
    out = []
    for exercise_id, caption in figures:
        pose = poses.get(exercise_id)
        picture = (
            svg(pose.frames[0], pose.props, 160, 96, stroke="#1d2327", title=caption, view=extent(pose)) if pose else ""
        )
        out.append(f"<figure>{picture}<figcaption>{html.escape(caption)}</figcaption></figure>")
    return '<div class="moves">' + "".join(out) + "</div>"


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
