"""Changing the library from its screen (mixed into LibraryScreen): a new exercise of your own,
editing or deleting one (never a built-in one, nor one a routine still uses), and adding the
highlighted exercise to a routine. Browsing, searching and filtering stay in
ui/screens/library.py; the rules for what may be saved live in the store."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.vocabulary import Origin, plural
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.screens.dialogs import NoticeScreen, PickScreen
from stretchtui.ui.screens.exercise_form import ExerciseForm
from stretchtui.ui.workers import store_work

if TYPE_CHECKING:
    from textual.screen import Screen

    _ScreenBase = Screen  # to the type checker the mixin is the screen's half; at run time a plain class
else:
    _ScreenBase = object


class LibraryEdits(StretchAppMixin, _ScreenBase):
    """The library's writes of your own exercises and routines; the list reloads after each one."""

    if TYPE_CHECKING:  # what the mixin uses of LibraryScreen, which defines them

        def selected_exercise(self) -> Exercise | None: ...

        def reload(self, highlight: str | None = None) -> None: ...

    def _reload_after(self, highlight: str | None = None) -> None:
        """After a write: load the fresh list (through the one exclusive loader)."""
        self.reload(highlight)

    def action_new_exercise(self) -> None:
        self.app.push_screen(ExerciseForm(), self._form_closed)

    def _own_exercise(self, refusal: str) -> Exercise | None:
        """The highlighted exercise if it is your own; for a built-in one, `refusal` is said instead."""
        exercise = self.selected_exercise()
        if exercise is not None and exercise.origin is not Origin.USER:
            self.notify(refusal, severity="warning")
            return None
        return exercise

    def action_edit_exercise(self) -> None:
        exercise = self._own_exercise("Built-in exercises are read-only. Press n to add your own.")
        if exercise is not None:
            self.app.push_screen(ExerciseForm(exercise), self._form_closed)

    def _form_closed(self, exercise: Exercise | None) -> None:
        if exercise is not None:
            self.save_exercise(exercise)

    @store_work(group="library-write")
    def save_exercise(self, exercise: Exercise) -> None:
        with self.refusal_said():
            saved = self.stretch_app.store.library.save_exercise(exercise)
            self.app.call_from_thread(self.notify, f"Saved “{saved.name}”.")
            self._reload_after(saved.id)

    def action_delete_exercise(self) -> None:
        exercise = self._own_exercise("Built-in exercises cannot be deleted.")
        if exercise is not None:
            self.ask_to_delete(exercise)

    @store_work(group="library-load")
    def ask_to_delete(self, exercise: Exercise) -> None:
        """Say which routines use the exercise before anything else (it cannot go while they do);
        only an exercise no routine uses gets the question."""
        using = [
            r.name
            for r in self.stretch_app.store.library.routines()
            if any(i.exercise_id == exercise.id for i in r.items)
        ]
        if using:
            quoted = [f"“{name}”" for name in using]
            names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            which = ("your routine", "that routine") if len(using) == 1 else ("your routines", "those routines")
            notice = NoticeScreen(
                f"“{exercise.name}” is used in {which[0]} {names}. Take it out of {which[1]} "
                "first (Routines, e to edit), then delete it."
            )
            self.app.call_from_thread(self.app.push_screen, notice)
            return
        self.app.call_from_thread(
            self.delete_after_asking,
            f"Delete your exercise “{exercise.name}”? No routine uses it.",
            lambda store: store.library.delete_exercise(exercise.id),
            self._reload_after,
        )

    def action_add_to_routine(self) -> None:
        exercise = self.selected_exercise()
        if exercise is not None:
            self.pick_routine_for(exercise)

    @store_work(group="library-load")
    def pick_routine_for(self, exercise: Exercise) -> None:
        own = [r for r in self.stretch_app.store.library.routines() if r.editable]
        choices = [("", "+ A new routine"), *((r.id, f"{r.name}  ({plural(len(r.items), 'exercise')})") for r in own)]

        def picked(routine_id: str | None) -> None:
            if routine_id is not None:
                self.add_to_routine(exercise, routine_id)

        self.app.call_from_thread(
            self.app.push_screen, PickScreen(f"Add “{exercise.name}” to which routine?", choices), picked
        )

    @store_work(group="library-write")
    def add_to_routine(self, exercise: Exercise, routine_id: str) -> None:

        store = self.stretch_app.store
        with self.refusal_said():
            if routine_id:
                routine = store.library.routine(routine_id)
                assert routine is not None
                saved = store.library.save_routine(replace(routine, items=(*routine.items, RoutineItem(exercise.id))))
            else:
                saved = store.library.save_routine(
                    Routine(
                        id="", name=f"My {exercise.name} routine", items=(RoutineItem(exercise.id),), origin=Origin.USER
                    )
                )
            self.app.call_from_thread(
                self.notify, f"Added “{exercise.name}” to “{saved.name}” ({plural(len(saved.items), 'exercise')})."
            )
