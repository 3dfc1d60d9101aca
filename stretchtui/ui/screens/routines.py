"""Routines: the built-in ones and your own; start, create, duplicate, edit, delete."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from stretchtui.core.model import Exercise, Routine, format_duration
from stretchtui.core.vocabulary import Origin, plural
from stretchtui.ui.screens.base import SLIM_BELOW_60, FramedScreen
from stretchtui.ui.screens.builder import RoutineBuilder
from stretchtui.ui.screens.dialogs import ask_then
from stretchtui.ui.widgets.routine_detail import RoutineDetail
from stretchtui.ui.workers import ListReloads, PendingHighlight, post_if_current, store_work


class RoutinesScreen(ListReloads, FramedScreen):
    CSS_PATH = "routines.tcss"  # read when first shown (see stretchtui.tcss)
    HORIZONTAL_BREAKPOINTS = SLIM_BELOW_60  # the list above the detail when narrow
    AUTO_FOCUS = "#routine-list"
    BINDINGS = [
        Binding("s", "start", "Start", id="routines-start"),
        Binding("n", "new", "New", id="routines-new"),
        Binding("c", "duplicate", "Duplicate", id="routines-duplicate"),
        Binding("e", "edit", "Edit", id="routines-edit"),
        Binding("delete,x", "delete", "Delete", id="routines-delete", key_display="del"),
    ]

    @dataclass
    class Loaded(Message):
        routines: list[Routine]
        exercises: dict[str, Exercise]

    def __init__(self) -> None:
        super().__init__()
        self.routines: list[Routine] = []
        self.exercises: dict[str, Exercise] = {}
        self._pending = PendingHighlight()  # the routine to highlight once the load in progress lands

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="routines-body"):
            yield OptionList(id="routine-list")
            yield RoutineDetail(id="routine-detail")

    def on_mount(self) -> None:
        self.reload(highlight=self.stretch_app.show_routine)

    @store_work(exclusive=True, group="routines-load")
    def _load(self) -> None:
        store = self.stretch_app.store
        post_if_current(self, self.Loaded(store.library.routines(), store.library.exercise_index()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        highlight = self._pending.landed()
        if (message.routines, message.exercises, highlight) == (self.routines, self.exercises, None):
            return  # nothing changed: the list stays as it is, scrolled where it was
        self.routines, self.exercises = message.routines, message.exercises
        option_list = self.query_one("#routine-list", OptionList)
        keep = highlight or (self.selected.id if self.selected else None)
        option_list.clear_options()
        previous_origin = None
        for routine in self.routines:
            if routine.origin != previous_origin:
                heading = "Your routines" if routine.origin is Origin.USER else "Built-in"
                option_list.add_option(Option(f"[b $text-muted]{heading}[/]", disabled=True))
                previous_origin = routine.origin
            minutes = format_duration(routine.duration_seconds(self.exercises))
            option_list.add_option(
                Option(
                    f"{routine.name}\n  [$text-muted]{minutes} · {plural(len(routine.items), 'exercise')}[/]",
                    id=routine.id,
                )
            )
        ids = [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]
        if keep is not None and keep in ids:
            option_list.highlighted = ids.index(keep)
        elif self.routines:
            option_list.highlighted = 1
        self._show()

    @property
    def selected(self) -> Routine | None:
        option_list = self.query_one("#routine-list", OptionList)
        if option_list.highlighted is None or option_list.highlighted >= option_list.option_count:
            return None
        ident = option_list.get_option_at_index(option_list.highlighted).id
        return next((r for r in self.routines if r.id == ident), None)

    @on(OptionList.OptionHighlighted, "#routine-list")
    def _show(self) -> None:
        self.query_one(RoutineDetail).show(self.selected, self.exercises)

    @on(OptionList.OptionSelected, "#routine-list")
    def action_start(self) -> None:
        if self.selected is not None:
            self.stretch_app.start_routine(self.selected.id)

    def action_new(self) -> None:
        self._open_builder(None)

    def action_edit(self) -> None:
        routine = self.selected
        if routine is None:
            return
        if routine.editable:
            self._open_builder(routine)
            return
        ask_then(
            self.app,
            f"“{routine.name}” is built in and stays as it is. Make your own copy to edit?",
            lambda: self.duplicate_and_edit(routine.id),
            yes="Make a copy",
            no="Cancel",
        )

    def action_duplicate(self) -> None:
        if self.selected is not None:
            self.duplicate_and_edit(self.selected.id)

    @store_work(group="routines-write")
    def duplicate_and_edit(self, routine_id: str) -> None:
        with self.refusal_said():
            copy = self.stretch_app.store.library.duplicate_routine(routine_id)
            self.reload(highlight=copy.id)
            self.app.call_from_thread(self._open_builder, copy)

    def _open_builder(self, routine: Routine | None) -> None:
        def closed(saved: Routine | None) -> None:
            self.reload(highlight=saved.id if saved else None)

        self.app.push_screen(RoutineBuilder(routine), closed)

    def action_delete(self) -> None:
        routine = self.selected
        if routine is None:
            return
        if not routine.editable:
            self.notify("Built-in routines cannot be deleted.", severity="warning")
            return
        self.delete_after_asking(
            f"Delete your routine “{routine.name}”? Past sessions stay in your history.",
            lambda store: store.library.delete_routine(routine.id),
            self.reload,
        )
