"""The session's countdown in large numerals that grow with the terminal (core.bigtext)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget

from stretchtui.core import bigtext


class BigClock(Widget):
    """`text` ('0:45', '3/12') as large as fits this widget's size: half-block numerals at the
    largest whole scale that fits (core.bigtext.fit), centred; plain text when even the smallest
    does not fit.

    A new second usually changes one digit: only that digit's columns are drawn again (a whole
    redraw of numerals this size would write kilobytes a second to the terminal, over SSH)."""

    DEFAULT_CSS = """
    BigClock {
        width: 1fr;
        height: 1fr;
        min-height: 4;
        color: $text;
        text-style: bold;
    }
    BigClock.-ending {
        color: $text-success;
    }
    """

    text: reactive[str] = reactive("", repaint=False)
    """What to show: digits, ':' and '/' (anything else is shown as plain text)."""

    def _scale_for(self, text: str) -> int:
        if not bigtext.supported(text):
            return 0
        return bigtext.fit(text, self.size.width, self.size.height)

    @property
    def scale(self) -> int:
        """The scale `render` draws at now (0: plain text)."""
        return self._scale_for(self.text)

    def _origin(self, text: str, scale: int) -> tuple[int, int]:
        """The top left of the numerals: centred across, and down the middle."""
        width, height = bigtext.size(text, scale)
        return max(0, (self.size.width - width) // 2), max(0, (self.size.height - height) // 2)

    def watch_text(self, before: str, text: str) -> None:
        scale = self._scale_for(text)
        if not scale or len(before) != len(text) or scale != self._scale_for(before):
            self.refresh()  # a new shape: all of it
            return
        left, top = self._origin(text, scale)
        height = bigtext.size(text, scale)[1]
        for (x, width), old, new in zip(bigtext.spans(text, scale), before, text, strict=True):
            if old != new:
                self.refresh(Region(left + x, top, width, height))

    def render(self) -> Content:
        scale = self.scale
        if scale == 0:
            return Content(self.text)
        left, top = self._origin(self.text, scale)
        rows = [" " * left + row for row in bigtext.render(self.text, scale)]
        return Content("\n" * top + "\n".join(rows))
