"""The routine builder: name it, add exercises, reorder, override doses; the total updates live."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from stretchtui.core import validation
from stretchtui.core.errors import FieldError, UserError
from stretchtui.core.model import (
    DEFAULT_REST_BETWEEN_SECONDS,
    Exercise,
    Origin,
    Routine,
    RoutineItem,
    format_duration,
)
from stretchtui.ui.screens.dialogs import ConfirmScreen, PickScreen
from stretchtui.ui.screens.item_editor import ItemEditor
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.workers import store_work
from stretchtui.ui.widgets.keybar import KeyBar



class RoutineBuilder(StretchAppMixin, Screen[Routine | None]):
    """Edit an own routine (or a new one). Dismisses with the saved routine, or None if left unsaved."""

    CSS_PATH = "builder.tcss"  # read when first shown (see stretchtui.tcss)

    TITLE = "Routine builder"
    AUTO_FOCUS = "#routine-name"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="builder-save", priority=True),
        Binding("a", "add", "Add exercise", id="builder-add"),
        Binding("enter", "edit_item", "Edit dose", id="builder-edit-item", show=False),
        Binding("x,delete", "remove", "Remove", id="builder-remove", key_display="x"),
        Binding("ctrl+up,K", "move(-1)", "Move up", id="builder-up", key_display="K"),
        Binding("ctrl+down,J", "move(1)", "Move down", id="builder-down", key_display="J"),
        Binding("escape", "back", "Back", id="builder-back"),
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
        self.dirty = False


    def compose(self) -> ComposeResult:
        routine = self.original
        yield Header()
        with Horizontal(classes="builder-row"):
            yield Label("Name", classes="field-label")
            yield Input(routine.name if routine else "", placeholder="e.g. My morning ten", id="routine-name",
                        compact=True, max_length=validation.MAX_NAME)
        with Horizontal(classes="builder-row"):
            yield Label("Rest between exercises (s)", classes="field-label")
            yield Input(str(routine.rest_between_seconds if routine else DEFAULT_REST_BETWEEN_SECONDS),
                        id="rest-between", type="integer", compact=True, max_length=3)
            yield Label("", id="builder-total")
        yield Label("", id="builder-error", classes="form-error")
        yield DataTable(id="builder-items", cursor_type="row", zebra_stripes=True)
        yield Static("a add · Enter dose · K/J move · x remove · * dose changed for this routine", id="builder-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Exercise", "Dose", "Rest after", "Time")
        self.load_exercises()

    @store_work(group="builder-load")
    def load_exercises(self) -> None:
        self.post_message(self.ExercisesLoaded(self.stretch_app.store.exercise_index()))

    @on(ExercisesLoaded)
    def _exercises_loaded(self, message: ExercisesLoaded) -> None:
        self.exercises = message.exercises
        self.refresh_items()

    # ------------------------------------------------------------------ the working copy

    def draft(self) -> Routine:
        """The routine as currently edited (rest falls back to the default while the field is blank)."""
        try:
            rest = validation.integer(self.query_one("#rest-between", Input).value or DEFAULT_REST_BETWEEN_SECONDS,
                                      "rest between", 0, validation.MAX_REST)
        except FieldError:
            rest = DEFAULT_REST_BETWEEN_SECONDS
        base = self.original
        return Routine(id=self.routine_id, name=self.query_one("#routine-name", Input).value.strip(),
                       items=tuple(self.items), description=base.description if base else "",
                       rest_between_seconds=rest, sources=base.sources if base else (), origin=Origin.USER,
                       uuid=base.uuid if base else "")

    def refresh_items(self, cursor: int | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row if cursor is None else cursor
        table.clear()
        draft = self.draft()
        for index, item in enumerate(self.items):
            exercise = self.exercises.get(item.exercise_id)
            if exercise is None:
                table.add_row(str(index + 1), item.exercise_id, "?", "", "")
                continue
            dose = item.dose_for(exercise)
            custom = " *" if item != RoutineItem(item.exercise_id) else ""
            rest = draft.rest_after(index)
            table.add_row(str(index + 1), exercise.name, dose.describe() + custom,
                          f"{rest} s" if rest else "–", format_duration(dose.duration_seconds()))
        if self.items:
            table.move_cursor(row=max(0, min(row, len(self.items) - 1)))
        self._update_total()

    def _update_total(self) -> None:
        draft = self.draft()
        total = draft.duration_seconds(self.exercises) if self.exercises else 0
        self.query_one("#builder-total", Label).update(
            f"Total [b]{format_duration(total)}[/b] · {len(self.items)} exercises")

    @on(Input.Changed, "#rest-between")
    def _rest_changed(self) -> None:
        self.dirty = True
        self.refresh_items()

    @on(Input.Changed, "#routine-name")
    def _name_changed(self) -> None:
        self.dirty = True
        self.query_one("#builder-error", Label).update("")

    @on(Input.Submitted)
    def _field_done(self) -> None:
        self.query_one(DataTable).focus()

    # ------------------------------------------------------------------ actions

    def action_add(self) -> None:
        choices = [(ex.id, f"{ex.name}  ({ex.dose.describe()})")
                   for ex in sorted(self.exercises.values(), key=lambda ex: ex.name.casefold())]

        def picked(exercise_id: str | None) -> None:
            if exercise_id:
                self.add_exercise(exercise_id)

        self.app.push_screen(PickScreen("Add which exercise?", choices), picked)

    def add_exercise(self, exercise_id: str) -> None:
        """Append an exercise with its own dose (used by the picker and by the library's 'add')."""
        self.items.append(RoutineItem(exercise_id))
        self.dirty = True
        self.refresh_items(cursor=len(self.items) - 1)
        self.query_one(DataTable).focus()

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        return table.cursor_row if self.items and 0 <= table.cursor_row < len(self.items) else None

    def action_remove(self) -> None:
        index = self._current()
        if index is not None:
            del self.items[index]
            self.dirty = True
            self.refresh_items(cursor=index)

    def action_move(self, offset: int) -> None:
        index = self._current()
        if index is None or not 0 <= index + offset < len(self.items):
            return
        self.items[index], self.items[index + offset] = self.items[index + offset], self.items[index]
        self.dirty = True
        self.refresh_items(cursor=index + offset)

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
                self.dirty = True
                self.refresh_items(cursor=index)

        self.app.push_screen(ItemEditor(exercise, self.items[index]), edited)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters belong to the text fields while one of them is focused.
        if action in {"add", "remove", "move", "edit_item"} and isinstance(self.focused, Input):
            return False
        return True

    def action_save(self) -> None:
        draft = self.draft()
        try:
            validation.text(draft.name, "name", limit=validation.MAX_NAME)
            validation.integer(self.query_one("#rest-between", Input).value, "rest between", 0, validation.MAX_REST)
            if not draft.items:
                raise UserError("add at least one exercise (a)")
        except UserError as error:
            self._show_error(str(error))
            return
        self.save(draft)

    def _show_error(self, message: str) -> None:
        self.query_one("#builder-error", Label).update(Content(f"Cannot save: {message}"))
        if message.startswith("name"):
            self.query_one("#routine-name").focus()
        elif message.startswith("rest"):
            self.query_one("#rest-between").focus()

    @store_work(exclusive=True, group="builder-save")
    def save(self, draft: Routine) -> None:
        try:
            saved = self.stretch_app.store.save_routine(draft)
        except UserError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._saved, saved)

    def _saved(self, saved: Routine) -> None:
        self.dirty = False
        self.notify(f"Saved “{saved.name}” ({format_duration(saved.duration_seconds(self.exercises))}).")
        self.dismiss(saved)

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Leave without saving your changes?", yes="Discard", no="Keep editing"),
                             answered)
