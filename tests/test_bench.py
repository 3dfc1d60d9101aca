"""The benchmark tools turn measured values into figures (ratios, medians, units) and format them.
The measuring itself is faked here: real figures depend on the machine, and CI must not fail on a
slow one."""

from __future__ import annotations

from pathlib import Path

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
    results = [
        Result("open History", 231.4, "ms", 150, "runs 220-240 ms"),
        Result("CPU during a hold", 0.42, "% of a core", 1.0, digits=2),
        Result("database size", 9.13, "MB", None, "demo.db", digits=1),
    ]
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
    assert set(measures.TARGETS) >= {
        "startup_ratio",
        "history_ms",
        "cli_ms",
        "hold_cpu_percent",
        "hold_bytes_per_second",
        "memory_mb",
    }


def test_screenshot_command_knows_every_main_screen() -> None:
    from bench.screenshots import SHOTS

    assert {
        "today",
        "library",
        "routine-builder",
        "session-hold",
        "session-summary",
        "check-in",
        "history",
        "weekly-report",
    } <= set(SHOTS)


def test_the_startup_figure_is_the_apps_median_over_the_bare_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measured times in (as the pty would give them), the ratios out: median over median."""
    times = {
        measures.TODAY_FIRST_FRAME: iter([(0.31, 0.16), (0.29, 0.14), (0.30, 0.15)]),
        measures.TODAY_LOADED: iter([(0.50, 0.22), (0.45, 0.20), (0.40, 0.18)]),
        measures.BARE_TEXT: iter([(0.22, 0.11), (0.18, 0.09), (0.20, 0.10)]),
    }
    monkeypatch.setattr(measures, "_time_to_text", lambda argv, needle: next(times[needle]))
    first, loaded = measures.startup_ratio(Path("unused.db"), runs=3, years=10)
    assert first.value == pytest.approx(0.30 / 0.20) and first.unit == "x" and first.target == 1.25
    assert first.verdict == "MISS"  # 1.5 x is over the target
    assert first.detail == "app 300 ms, bare app 200 ms (CPU 150 / 100 ms)"
    assert loaded.value == pytest.approx(0.45 / 0.20) and loaded.verdict == ""  # shown, no target
    assert "10 years" in first.name


class FakeTerminal:
    """What bench.measures reads from a program on a pty, given instead of measured."""

    def __init__(self, memory: dict[str, int]) -> None:
        self.memory, self.keys = memory, []

    def __enter__(self) -> FakeTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def wait_for(self, needle: str, *args, **kwargs) -> float:
        return 0.0

    def send(self, keys: str) -> None:
        self.keys.append(keys)

    def drain(self, seconds: float) -> int:
        return 0

    def memory_kib(self) -> dict[str, int]:
        return self.memory


def test_the_memory_figure_is_the_median_peak_in_megabytes(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = iter(
        [{"VmHWM": 90_000, "VmRSS": 70_000}, {"VmHWM": 120_000, "VmRSS": 90_000}, {"VmHWM": 97_000, "VmRSS": 80_000}]
    )
    terminals: list[FakeTerminal] = []

    def terminal(argv: list[str]) -> FakeTerminal:
        terminals.append(FakeTerminal(next(runs)))
        return terminals[-1]

    monkeypatch.setattr(measures, "_terminal", terminal)
    [peak] = measures.memory(Path("unused.db"), runs=3, years=10)
    assert peak.value == pytest.approx(97_000 * 1024 / 1e6)  # KiB to MB, the middle run
    assert peak.unit == "MB" and peak.verdict == "PASS"  # 99.3 MB, at most 100
    assert "VmRSS after 82 MB" in peak.detail  # 80 000 KiB, the median resident size
    assert all(t.keys == ["4"] for t in terminals)  # each run opened History before it was measured
