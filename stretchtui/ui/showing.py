"""Showing and hiding a widget without leaving the keys with a hidden one."""

from __future__ import annotations

from textual.widget import Widget


def show_if(widget: Widget, shown: bool, *, focus_instead: Widget | None = None) -> None:
    """Show or hide `widget`. Textual hides a widget only at the next layout, and until then a
    focused one still takes every key (⏎ pressed as a load hid a list went to the list and did
    nothing), so a focused widget hands the focus on at once: to `focus_instead`, or the next
    widget that can take it."""
    widget.display = shown
    if not shown and widget.has_focus_within:
        if focus_instead is not None:
            focus_instead.focus()
        else:
            widget.screen.focus_next()
