"""The benchmark tools load and format their results (the measurements themselves are not tests:
they depend on the machine, and CI must not fail on a slow one)."""

from __future__ import annotations

import pytest

from bench import measures
from bench.__main__ import MEASURES, machine, parse
from bench.table import Result, format_table, median_of, missed, spread
from bench.terminal import plain


def test_a_figure_passes_at_or_under_its_target_and_plain_figures_have_no_verdict() -> None:
    assert Result("a", 150, "ms", 150).verdict == "PASS"
    assert Result("a", 151, "ms", 150).verdict == "MISS"
    assert Result("size", 9.1, "MB").verdict == ""


def test_the_table_lines_up_and_says_pass_or_miss() -> None:
    results = [Result("open History", 231.4, "ms", 150, "runs 220-240 ms"),
               Result("CPU during a hold", 0.42, "% of a core", 1.0, digits=2),
               Result("database size", 9.13, "MB", None, "demo.db", digits=1)]
    table = format_table(results).splitlines()
    assert len(table) == 2 + len(results)
    assert len({len(line) for line in table}) == 1, "every line as wide as the others"
    assert "| 231 ms " in table[2] and "<= 150 ms" in table[2] and "MISS" in table[2]
    assert "0.42 % of a core" in table[3] and "PASS" in table[3]
    assert "9.1 MB" in table[4] and "—" in table[4]
    assert [r.name for r in missed(results)] == ["open History"]


def test_a_failed_measurement_is_an_error_row_not_a_figure() -> None:
    failed = Result("a hold", float("nan"), "", error="RuntimeError: 'HOLD' did not appear")
    assert failed.verdict == "ERROR" and missed([failed]) == [failed]
    row = format_table([failed]).splitlines()[2]
    assert "ERROR" in row and "did not appear" in row and "nan" not in row


def test_medians_and_spreads() -> None:
    assert median_of([3.0, 1.0, 2.0]) == 2.0
    assert median_of([1.0, 2.0, 3.0, 10.0]) == 2.5
    assert spread([410.2, 455.9], "ms") == "runs 410-456 ms"
    with pytest.raises(ValueError):
        median_of([])


def test_screen_text_without_escape_sequences() -> None:
    drawn = b"\x1b[38;2;1;2;3mHabit\x1b[0m strength \x1b]2;0:25 Cat-Cow\x07\x1b[?25l90%"
    assert plain(drawn) == "Habit strength 90%"


def test_options_quick_mode_and_the_machine_line() -> None:
    quick = parse(["--quick"])
    assert (quick.runs, quick.hold_seconds, quick.years) == (3, 10.0, 10)
    full = parse(["--runs", "7", "--only", "status", "memory"])
    assert (full.runs, full.hold_seconds, full.only) == (7, 60.0, ["status", "memory"])
    assert set(MEASURES) >= {"startup", "history", "status", "stats", "hold", "memory"}
    assert "Python" in machine() and "cores" in machine()
    assert set(measures.TARGETS) >= {"startup_ratio", "history_ms", "cli_ms", "hold_cpu_percent",
                                      "hold_bytes_per_second", "memory_mb"}


def test_screenshot_command_knows_every_main_screen() -> None:
    from bench.screenshots import SHOTS

    assert {"today", "library", "routine-builder", "session-hold", "session-summary", "check-in", "history",
            "weekly-report"} <= set(SHOTS)
