"""The routine builder: name it, add exercises, reorder, override doses; the total updates live.
A form like the others (screens.form): values show as typed, and a bad one is named under its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from stretchtui.core import validation
from stretchtui.core.digits import whole_number
from stretchtui.core.errors import FieldError, UserError
from stretchtui.core.model import (
    DEFAULT_REST_BETWEEN_SECONDS,
    MAX_NAME,
    MAX_REST,
    SECONDS,
    Exercise,
    Routine,
    RoutineItem,
    format_duration,
)
from stretchtui.core.vocabulary import Origin, plural
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.screens.dialogs import PickScreen
from stretchtui.ui.screens.form import FieldMessage, Form
from stretchtui.ui.screens.item_editor import ItemEditor
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.workers import store_work

# The list's columns: the exercise and its dose share what the others leave (column_widths).
COLUMNS = ("#", "Exercise", "Dose", "Rest", "Time")
FIELD_IDS = {"name": "routine-name", "rest_between_seconds": "rest-between"}
CELL_PADDING = 2  # DataTable's one cell of padding on each side of a column
SCROLLBAR = 2


def column_widths(width: int, rows: list[tuple[str, ...]], scrollbar: bool) -> tuple[int, ...]:
    """Widths that fit the table into `width` cells: "#", "Rest" and "Time" as wide as their
    longest value; the exercise and the dose share the rest, split where the fewest characters
    are cut (a cut one ends in "…")."""
    natural = [max([len(COLUMNS[i]), *(len(row[i]) for row in rows)]) for i in range(len(COLUMNS))]
    room = width - (SCROLLBAR if scrollbar else 0) - CELL_PADDING * len(COLUMNS) - natural[0] - natural[3] - natural[4]
    if natural[1] + natural[2] <= room:
        return tuple(natural)

    def cut(name_width: int) -> int:
        dose_width = room - name_width
        return sum(max(0, len(row[1]) - name_width) + max(0, len(row[2]) - dose_width) for row in rows)

    name = min(range(min(8, room), max(room - 8, min(8, room)) + 1), key=lambda w: (cut(w), w))
    return natural[0], name, max(1, room - name), natural[3], natural[4]


class RoutineBuilder(Form, StretchAppMixin, Screen[Routine | None]):
    """Edit an own routine (or a new one). Dismisses with the saved routine, or None if left unsaved."""

    CSS_PATH = ["builder.tcss", "forms.tcss"]  # read when first shown (see stretchtui.tcss)

    TITLE = "Routine builder"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="builder-save"),
        Binding("a", "add", "Add exercise", id="builder-add"),
        Binding("enter", "edit_item", "Edit dose", id="builder-edit-item", show=False),
        Binding("x,delete", "remove", "Remove", id="builder-remove", key_display="x"),
        Binding("ctrl+up,K", "move(-1)", "Move up", id="builder-up", key_display="K"),
        Binding("ctrl+down,J", "move(1)", "Move down", id="builder-down", key_display="J"),
        Binding("escape", "cancel", "Back", id="builder-back"),
    ]

    @dataclass
    class ExercisesLoaded(Message):
        exercises: dict[str, Exercise]

    def __init__(self, routine: Routine | None) -> None:
        super().__init__()
        self.original = routine
        self.routine_id = routine.id if routine else ""
        self.items: list[RoutineItem] = list(routine.items) if routine else []
        self.exercises: dict[str, Exercise] = {}

    def compose(self) -> ComposeResult:
        routine = self.original
        labels = validation.FIELD_LABELS
        yield Header()
        with Horizontal(classes="builder-row"):
            yield Label(labels["name"], classes="field-label")
            yield Input(
                routine.name if routine else "", placeholder="e.g. My morning ten", id="routine-name", compact=True
            )
        yield FieldMessage("routine-name")
        with Horizontal(classes="builder-row"):
            yield Label(f"{labels['rest_between_seconds']} (s)", classes="field-label")
            yield Input(
                str(routine.rest_between_seconds if routine else DEFAULT_REST_BETWEEN_SECONDS),
                id="rest-between",
                compact=True,
            )
            yield Label("", id="builder-total")
        yield FieldMessage("rest-between")
        yield Label("", id="builder-error", classes="form-error")
        yield DataTable(id="builder-items", cursor_type="row", zebra_stripes=True)
        yield Static("a add · Enter dose · K/J move · x remove · * dose changed for this routine", id="builder-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load_exercises()

    @store_work(group="builder-load")
    def load_exercises(self) -> None:
        self.post_message(self.ExercisesLoaded(self.stretch_app.store.library.exercise_index()))

    @on(ExercisesLoaded)
    def _exercises_loaded(self, message: ExercisesLoaded) -> None:
        self.exercises = message.exercises
        self.refresh_items()

    def on_resize(self) -> None:
        self.refresh_items()

    # ------------------------------------------------------------------ the working copy

    def form_state(self) -> object:
        return self.field_values(), tuple(self.items)

    def typed_rest(self) -> int | None:
        """The rest between exercises as typed, even out of range (the list shows it as it is,
        and its error line says what is wrong); None when it is not a whole number of seconds."""
        seconds = whole_number(self.query_one("#rest-between", Input).value)
        return None if seconds is None or seconds < 0 else seconds

    def draft(self) -> Routine:
        """The routine as currently edited (a rest that is not a number counts as none)."""
        base = self.original
        return Routine(
            id=self.routine_id,
            name=self.query_one("#routine-name", Input).value.strip(),
            items=tuple(self.items),
            description=base.description if base else "",
            rest_between_seconds=self.typed_rest() or 0,
            sources=base.sources if base else (),
            origin=Origin.USER,
            uuid=base.uuid if base else "",
        )

    def field_errors(self) -> Mapping[str, str]:
        errors: dict[str, str] = {}
        checks = (
            (
                "name",
                lambda: validation.text(self.query_one("#routine-name", Input).value, "name", limit=MAX_NAME),
            ),
            (
                "rest_between_seconds",
                lambda: validation.integer(
                    self.query_one("#rest-between", Input).value,
                    "rest_between_seconds",
                    0,
                    MAX_REST,
                    SECONDS,
                ),
            ),
        )
        for field, check in checks:
            try:
                check()
            except FieldError as error:
                errors[FIELD_IDS[field]] = validation.for_people(error)
        if not self.items:
            errors["items"] = "Add at least one exercise (press a)."
        return errors

    def rows(self) -> list[tuple[str, ...]]:
        """The list's cells: a rest between exercises that is not a number shows as "?"."""
        draft = self.draft()
        rest_unknown = self.typed_rest() is None
        rows: list[tuple[str, ...]] = []
        for index, item in enumerate(self.items):
            exercise = self.exercises.get(item.exercise_id)
            if exercise is None:
                rows.append((str(index + 1), item.exercise_id, "?", "", ""))
                continue
            dose = item.dose_for(exercise)
            custom = "*" if item != RoutineItem(item.exercise_id) else ""  # by the number: never cut off
            rest = draft.rest_after(index)
            if rest_unknown and item.rest_after_seconds is None and index < len(self.items) - 1:
                shown_rest = "?"
            else:
                shown_rest = f"{rest} s" if rest else "–"
            rows.append(
                (
                    f"{index + 1}{custom}",
                    exercise.name,
                    dose.describe(),
                    shown_rest,
                    format_duration(dose.duration_seconds()),
                )
            )
        return rows

    def refresh_items(self, cursor: int | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row if cursor is None else cursor
        rows = self.rows()
        table.clear(columns=True)
        widths = column_widths(
            table.size.width or self.size.width, rows, scrollbar=len(rows) + 1 > (table.size.height or len(rows) + 1)
        )
        for title, width in zip(COLUMNS, widths, strict=False):
            table.add_column(title, width=width)
        for cells in rows:
            table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in cells))
        if self.items:
            table.move_cursor(row=max(0, min(row, len(self.items) - 1)))
        self._update_total()

    def _update_total(self) -> None:
        if self.typed_rest() is None:
            total = "?"
        else:
            total = format_duration(self.draft().duration_seconds(self.exercises) if self.exercises else 0)
        self.query_one("#builder-total", Label).update(
            Content.assemble("Total ", (total, "bold"), f" · {plural(len(self.items), 'exercise')}")
        )

    @on(Input.Changed, "#rest-between")
    def _rest_changed(self) -> None:
        self.refresh_items()

    @on(Input.Submitted)
    def _field_done(self) -> None:
        self.query_one(DataTable).focus()

    # ------------------------------------------------------------------ actions

    def action_add(self) -> None:
        choices = [
            (ex.id, f"{ex.name}  ({ex.dose.describe()})")
            for ex in sorted(self.exercises.values(), key=lambda ex: ex.name.casefold())
        ]

        def picked(exercise_id: str | None) -> None:
            if exercise_id:
                self.add_exercise(exercise_id)

        self.app.push_screen(PickScreen("Add which exercise?", choices), picked)

    def add_exercise(self, exercise_id: str) -> None:
        """Append an exercise with its own dose (used by the picker and by the library's 'add')."""
        self.items.append(RoutineItem(exercise_id))
        self._items_changed(len(self.items) - 1)
        self.query_one(DataTable).focus()

    def _items_changed(self, cursor: int) -> None:
        self.refresh_items(cursor=cursor)
        self.show_field_errors()

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        return table.cursor_row if self.items and 0 <= table.cursor_row < len(self.items) else None

    def action_remove(self) -> None:
        index = self._current()
        if index is not None:
            del self.items[index]
            self._items_changed(index)

    def action_move(self, offset: int) -> None:
        index = self._current()
        if index is None or not 0 <= index + offset < len(self.items):
            return
        self.items[index], self.items[index + offset] = self.items[index + offset], self.items[index]
        self._items_changed(index + offset)

    @on(DataTable.RowSelected, "#builder-items")
    def action_edit_item(self) -> None:
        index = self._current()
        if index is None:
            return
        exercise = self.exercises.get(self.items[index].exercise_id)
        if exercise is None:
            return

        def edited(item: RoutineItem | None) -> None:
            if item is not None and item != self.items[index]:
                self.items[index] = item
                self._items_changed(index)

        self.app.push_screen(ItemEditor(exercise, self.items[index]), edited)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters belong to the text fields while one of them is focused.
        if action in {"add", "remove", "move", "edit_item"} and isinstance(self.focused, Input):
            return False
        return True

    def action_save(self) -> None:
        if self.ready_to_save():
            self.save(self.draft())

    def _show_error(self, message: str) -> None:
        self.query_one("#builder-error", Label).update(Content(f"Cannot save: {message}"))

    @store_work(exclusive=True, group="builder-save")
    def save(self, draft: Routine) -> None:
        try:
            saved = self.stretch_app.store.library.save_routine(draft)
        except UserError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._saved, saved)

    def _saved(self, saved: Routine) -> None:
        self.notify(f"Saved “{saved.name}” ({format_duration(saved.duration_seconds(self.exercises))}).")
        self.dismiss(saved)
