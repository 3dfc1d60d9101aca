"""What every stretchtui screen shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from stretchtui.ui.app import StretchApp


class StretchAppMixin:
    """`self.stretch_app`: the app typed as StretchApp, for its injected store and clock."""

    @property
    def stretch_app(self) -> "StretchApp":
        return cast("StretchApp", self.app)  # type: ignore[attr-defined]
