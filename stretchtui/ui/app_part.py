"""StretchApp as its mixins (ui/palette.py, sessions.py, syncing.py, corrections.py) see it,
declared once: to the type checker each mixin is this half of the app; at run time a plain class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from textual.app import App
    from textual.screen import Screen

    from stretchtui.core.clock import Clock
    from stretchtui.core.ports import StorePort
    from stretchtui.core.settings import Settings

    class AppPart(App[int]):
        """What the mixins use of StretchApp (and of each other), which define it."""

        clock: Clock
        settings: Settings
        initial_routine: str | None
        _session: tuple[str, Screen] | None  # (mode, screen) of the running session

        @property
        def store(self) -> StorePort: ...

        @property
        def opened_store(self) -> StorePort | None: ...

        def current_day(self) -> date: ...

        def write_terminal(self, sequence: str) -> None: ...

        def start_routine(self, routine_id: str) -> object: ...  # its worker (ui.sessions)

        def record_changed(self) -> None: ...  # (ui.corrections)

        def sync_soon(self) -> None: ...  # (ui.syncing)

else:
    AppPart = object
