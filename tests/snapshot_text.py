"""When a snapshot fails, print the screen as text, expected against actual, so a failure on CI
(where the HTML report cannot be opened) still says what changed. Imported by conftest.py."""

from __future__ import annotations

import difflib
import html
import os
import pickle
import re
from pathlib import Path

import pytest

_TEXT = re.compile(r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#[\w-]*line-(\d+)\)"[^>]*>([^<]*)</text>')
CELL_WIDTH = 12.2  # Textual's SVG export: one terminal cell


def screen_lines(svg: str) -> list[str]:
    """The text of each terminal line, each run placed at its column."""
    rows: dict[int, list[str]] = {}
    for x, line, content in _TEXT.findall(svg):
        row = rows.setdefault(int(line), [])
        column = round(float(x) / CELL_WIDTH)
        text = html.unescape(content).replace("\u00a0", " ")
        if len(row) < column:
            row.extend(" " * (column - len(row)))
        row[column : column + len(text)] = list(text)
    return ["".join(rows.get(n, [])).rstrip() for n in range(max(rows, default=-1) + 1)]


def snapshot_text_diffs() -> list[str]:
    folder = os.environ.get("TEXTUAL_SNAPSHOT_TEMPDIR")
    if not folder or not Path(folder).is_dir():
        return []
    out = []
    for path in sorted(Path(folder).iterdir()):
        try:
            passed, expected, actual, _app, _path, _line, name, *_rest = pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - a diagnostic must never fail the run
            continue
        if passed:
            continue
        diff = list(
            difflib.unified_diff(
                screen_lines(str(expected)), screen_lines(str(actual)), "expected", "actual", lineterm="", n=1
            )
        )
        out.append(f"--- snapshot {name}: " + ("the text is the same; colours or styles differ" if not diff else ""))
        out.extend(diff)
    return out


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Before pytest-textual-snapshot removes its folder of results."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    lines = snapshot_text_diffs()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if lines and reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", "failed snapshots as text")
        for line in lines:
            reporter.write_line(line)
