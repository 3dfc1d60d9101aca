"""History's lists: the sessions, the check-ins and the streak audit, each a DataTable with the keys
that act on its highlighted row (the actions are HistoryScreen's), and the helpers to read the
key of the cursor's row (the day dialog's list uses it too) and to refill a table in place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.binding import Binding
from textual.widgets import DataTable


class SessionTable(DataTable):
    """The session list: the row under the cursor is the one `x` removes."""

    BINDINGS = [
        Binding(
            "x,delete",
            "screen.remove_session",
            "Remove…",
            id="history-session-remove",
            tooltip="Remove this session (asked first; u brings it back)",
        )
    ]


class CheckinTable(DataTable):
    """The check-in list: `e` or Enter edits the row under the cursor, `x` removes it."""

    BINDINGS = [
        Binding("e,enter", "screen.edit_checkin", "Edit", id="history-checkin-edit", key_display="e"),
        Binding(
            "x,delete",
            "screen.remove_checkin",
            "Remove…",
            id="history-checkin-remove",
            tooltip="Remove this check-in (asked first; u brings it back)",
        ),
    ]


class AuditTable(DataTable):
    """The streak audit, a day a row: Enter opens the day under the cursor."""

    BINDINGS = [
        Binding(
            "enter",
            "screen.open_audit_day",
            "Open day",
            id="history-audit-open",
            key_display="⏎",
            tooltip="The day's sessions and check-ins, and its rest or flare mark",
        )
    ]


def row_key(table: DataTable) -> str | None:
    """The key of the row under the table's cursor, if it has rows."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


@contextmanager
def keeping_cursor(table: DataTable) -> Iterator[None]:
    """Refill a table and keep its cursor on the entry it was on: a reload after an edit, or after
    another process added an entry above it, must not move the person to another entry. Where that
    entry is gone (removed), the cursor keeps its place, clamped to the new rows."""
    row, key = table.cursor_row, row_key(table)
    table.clear()
    yield
    if table.row_count:
        if key is not None and key in table.rows:
            row = table.get_row_index(key)
        table.move_cursor(row=min(row, table.row_count - 1), animate=False)
