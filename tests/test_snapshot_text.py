"""The failed-snapshot printer reads Textual's SVG back into the lines a user saw."""

from pathlib import Path

from snapshot_text import screen_lines

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


def test_a_stored_snapshot_reads_back_as_its_screen() -> None:
    lines = screen_lines((SNAPSHOTS / "test_weekly_report[this-week-120x40].svg").read_text())
    assert len(lines) == 40
    assert "1 Today" in lines[0] and "2 Library" in lines[0]
    assert any("2026-W47" in line for line in lines)
    assert all(len(line) <= 120 for line in lines)
