"""Results and their table: each figure with its target and PASS or MISS."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True)
class Result:
    """One measured figure. With a target, the figure passes when it is at most the target."""

    name: str
    value: float
    unit: str
    target: float | None = None
    detail: str = ""
    digits: int = 0
    error: str = ""  # the measurement itself failed: no figure

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.target is None:
            return ""
        return "PASS" if self.value <= self.target else "MISS"

    def shown(self, value: float) -> str:
        if self.error and value is self.value:
            return "—"
        return f"{value:,.{self.digits}f} {self.unit}".strip()


def median_of(values: list[float]) -> float:
    if not values:
        raise ValueError("no runs to take the median of")
    return float(median(values))


def spread(values: list[float], unit: str = "", digits: int = 0) -> str:
    """'runs 410-455 ms' style detail."""
    return f"runs {min(values):,.{digits}f}-{max(values):,.{digits}f}{(' ' + unit) if unit else ''}"


HEADERS = ("measure", "result", "target", "", "detail")


def format_table(results: list[Result]) -> str:
    """A plain-text table (also valid Markdown, for docs/performance.md)."""
    rows = [
        (
            r.name,
            r.shown(r.value),
            f"<= {r.shown(r.target)}" if r.target is not None else "—",
            r.verdict or "—",
            r.error or r.detail,
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]

    def line(cells) -> str:
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=False)) + " |"

    divider = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(HEADERS), divider, *(line(row) for row in rows)])


def missed(results: list[Result]) -> list[Result]:
    return [r for r in results if r.verdict in ("MISS", "ERROR")]
