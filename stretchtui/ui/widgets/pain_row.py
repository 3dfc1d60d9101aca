"""One region's pain in the check-in form: digits set it, backspace clears it, Tab moves on."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from stretchtui.core.checkins import CHOSEN_SIDES, REGION_LABELS, Region

SIDE_NAMES = {side: side or "none" for side in CHOSEN_SIDES}  # "none": no side, or the middle


class PainRow(Widget, can_focus=True):
    """`Lower back   ■■■■■■□□□□  6   side: none left right both`: 0-9 (t = 10) set the pain, s
    cycles the side, backspace clears the region back to "not noted". "both" is saved as the same
    pain on the left and on the right (core.checkins.sides_of)."""

    DEFAULT_CSS = """
    PainRow {
        height: 1;
        width: 1fr;
        padding: 0 1;
        &:focus { background: $boost; text-style: bold; }
    }
    """
    BINDINGS = [
        *(Binding(str(n), f"set_pain({n})", str(n), show=False, id=f"pain-row-{n}") for n in range(10)),
        Binding("t", "set_pain(10)", "10", show=False, id="pain-row-10"),
        Binding("s", "cycle_side", "Side", id="pain-row-side"),
        Binding("backspace,delete", "set_pain(None)", "Not noted", id="pain-row-clear"),
    ]

    pain: reactive[int | None] = reactive(None)
    """0-10, or None when this region is not noted."""
    side: reactive[str] = reactive("")
    """'' (none: no side, or the middle), 'left', 'right' or 'both'."""

    def __init__(self, region: Region, *, pain: int | None = None, side: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.pain_region = region
        self.set_reactive(PainRow.pain, pain)
        self.set_reactive(PainRow.side, side)

    def render(self) -> Content:
        label = f"{REGION_LABELS[self.pain_region]:<20}"
        if self.pain is None:
            return Content.from_markup(f"{label} [$text-muted]{'·' * 10}  –  not noted[/]")
        colour = "$success" if self.pain <= 3 else "$warning" if self.pain <= 6 else "$error"
        bar = "■" * self.pain + "□" * (10 - self.pain)
        sides = " ".join(
            f"[b $accent underline]{SIDE_NAMES[side]}[/]"
            if side == self.side
            else f"[$text-muted]{SIDE_NAMES[side]}[/]"
            for side in CHOSEN_SIDES
        )
        return Content.from_markup(f"{label} [{colour}]{bar}[/] {self.pain:>2}  [$text-muted]side:[/] {sides}")

    def action_set_pain(self, value: int | None) -> None:
        self.pain = value
        if value is None:
            self.side = ""

    def action_cycle_side(self) -> None:
        self.side = CHOSEN_SIDES[(CHOSEN_SIDES.index(self.side) + 1) % len(CHOSEN_SIDES)]
