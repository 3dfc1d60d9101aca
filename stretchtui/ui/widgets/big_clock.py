"""The session's countdown in large numerals that grow with the terminal (core.bigtext)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from stretchtui.core import bigtext


class BigClock(Widget):
    """`text` ('0:45', '3/12') as large as fits this widget's size: half-block numerals at the
    largest whole scale that fits (core.bigtext.fit), centred; plain text when even the smallest
    does not fit. Drawn again only when `text` or the size changes."""

    DEFAULT_CSS = """
    BigClock {
        width: 1fr;
        height: 1fr;
        min-height: 4;
        color: $text;
        text-style: bold;
        content-align: center middle;
    }
    BigClock.-ending {
        color: $text-success;
    }
    """

    text: reactive[str] = reactive("")
    """What to show: digits, ':' and '/' (anything else is shown as plain text)."""

    most: reactive[int] = reactive(12)
    """The largest scale to use (a smaller one leaves room for a figure beside it)."""

    @property
    def scale(self) -> int:
        """The scale `render` draws at now (0: plain text)."""
        if not bigtext.supported(self.text):
            return 0
        return bigtext.fit(self.text, self.size.width, self.size.height, most=self.most)

    def render(self) -> Content:
        scale = self.scale
        if scale == 0:
            return Content(self.text)
        return Content("\n".join(bigtext.render(self.text, scale)))
