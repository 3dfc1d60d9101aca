"""The top bar: app name and the main screens with their keys; click or press the key to go.
While a session runs behind the main screens, the bar says so and how to get back to it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from stretchtui.ui.main_screens import MAIN_SCREENS, RETURN_KEY, mode_of


@dataclass(frozen=True)
class SessionBadge:
    """A running session, as the top bar names it: 'Seven in Seven', 'hold 0:12', paused or not."""

    name: str
    what: str
    paused: bool = False

    def variants(self) -> tuple[str, ...]:
        """Its texts, longest first: the bar uses the longest that fits."""
        paused = " · paused" if self.paused else ""
        return (
            f" ● Session: {self.name} · {self.what}{paused} · {RETURN_KEY} returns to it ",
            f" ● Session {self.what}{paused} · {RETURN_KEY} returns ",
            f" ● {'paused' if self.paused else self.what} · {RETURN_KEY} back ",
            f" ● {RETURN_KEY} back ",
        )


class NavBar(Static):
    """One line: ` stretchtui  2 Library  3 Routines …`, the current screen highlighted; while a
    session runs behind it, ` ● Session hold 0:12 · 0 returns` in place of the app's name."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, mode: str | None = None, *, subtitle: str = "") -> None:
        """`mode`: only for a screen that belongs to a main screen without being one (the weekly
        report is History's); a main screen's own bar finds its mode in MAIN_SCREENS."""
        super().__init__()
        self.subtitle = subtitle
        self._belongs_to = mode

    @property
    def active(self) -> str:
        """The mode highlighted: the one given, else the main screen this bar sits on, else the
        mode whose stack the screen is on."""
        return self._belongs_to or mode_of(self.screen) or self.app.current_mode

    def on_mount(self) -> None:
        self._stale = False
        self.watch(self.app, "session_badge", self._badge_changed, init=False)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _badge_changed(self, _badge: SessionBadge | None) -> None:
        """Repaint only on the screen in front: a repaint behind it (Today, under the session
        started from it, counts as "current" to Textual) redraws the whole terminal, every second
        of a hold."""
        if self.app.screen is self.screen:
            self.refresh()
        else:
            self._stale = True

    def _screen_changed(self, screen: object) -> None:
        if self._stale and screen is self.screen:
            self._stale = False
            self.refresh()

    def render(self) -> Content:
        parts, active = [], self.active
        for main in MAIN_SCREENS:
            if main.mode == active:
                parts.append(f"[reverse b] {main.key} {main.title} [/]")
            else:
                parts.append(f"[@click=app.switch_mode('{main.mode}')] [$text-muted]{main.key}[/] {main.title} [/]")
        screens = Content.from_markup("".join(parts))
        badge: SessionBadge | None = getattr(self.app, "session_badge", None)
        if badge is not None:
            room = self.size.width - screens.cell_length - 1
            text = next((v for v in badge.variants() if len(v) <= room), badge.variants()[-1])
            head = Content.from_markup(
                "[b $text-warning on $warning 15%][@click=app.return_to_session]$label[/][/] ", label=text
            )
        else:
            head = Content.from_markup(" [b $accent]stretchtui[/] ")
        line = head + screens
        if self.subtitle:
            line += Content.from_markup("  [$text-muted]$subtitle[/]", subtitle=self.subtitle)
        return line
