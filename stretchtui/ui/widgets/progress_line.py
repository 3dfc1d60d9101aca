"""A one-line progress bar with its percentage, drawn only when its value changes."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

PERCENT_CELLS = 5  # " 100%"
FULL, HALF_END = "━", "╸"


class ProgressLine(Widget):
    """`━━━━━━━━╸━━━━━━━━━  42%`. Textual's ProgressBar keeps a timer of its own that estimates
    a time left every second and draws itself again; during a hold that is a second screen
    update every second. This one has no timer: it changes when `fraction` does."""

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        width: 1fr;
    }
    """

    fraction: reactive[float] = reactive(0.0)
    """How much is done, 0 to 1 (clamped)."""

    def validate_fraction(self, fraction: float) -> float:
        return min(1.0, max(0.0, fraction))

    def render(self) -> Content:
        width = max(0, self.size.width - PERCENT_CELLS)
        cells = width * self.fraction
        whole = int(cells)
        half = whole < width and cells - whole >= 0.5
        colour = "$success" if self.fraction >= 1 else "$primary"
        done = FULL * whole + (HALF_END if half else "")
        rest = FULL * (width - whole - (1 if half else 0))
        percent = f"{round(self.fraction * 100)}%".rjust(PERCENT_CELLS)
        return Content.assemble((done, colour), (rest, "$surface"), percent)
