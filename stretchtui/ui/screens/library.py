"""The exercise library: search as you type, filter, and read how to do each exercise. Exercises
that do not suit a condition in the health profile are marked (`x` hides them).

This module is browsing: the list, the search and filters, the detail. Writing your own exercises
and adding one to a routine is library_edits.LibraryEdits, mixed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from stretchtui.core.model import Exercise
from stretchtui.core.programs import Ladder
from stretchtui.core.search import LibraryFilter
from stretchtui.core.vocabulary import Area, Condition, Equipment, Kind, Origin, Position, label, plural
from stretchtui.ui.screens.base import SLIM_BELOW_60, FramedScreen
from stretchtui.ui.screens.library_edits import LibraryEdits
from stretchtui.ui.widgets.exercise_detail import ExerciseDetail
from stretchtui.ui.workers import ListReloads, PendingHighlight, post_if_current, store_work

AREA_OPTIONS = [(label(a), a) for a in Area]
POSITION_OPTIONS = [(label(p), p) for p in Position]
KIND_OPTIONS = [(label(k), k) for k in Kind]
EQUIPMENT_OPTIONS = [("Needs nothing", "none"), *((label(e), e) for e in Equipment)]
NO_MATCHES = "No matches. Esc clears the search and filters."
FAVOURITES_VIEWS = ("all", "first", "only")
"""What `v` steps through: the usual order, favourites first, favourites only."""


class LibraryScreen(ListReloads, LibraryEdits, FramedScreen):
    """All exercises, narrowed by a search box and filters; the detail of the highlighted one."""

    CSS_PATH = "library.tcss"  # read when first shown (see stretchtui.tcss)
    HORIZONTAL_BREAKPOINTS = SLIM_BELOW_60  # the list above the detail when narrow
    AUTO_FOCUS = "#exercise-list"
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="library-search", key_display="/"),
        Binding("f", "toggle_favourite", "Favourite", id="library-favourite"),
        Binding(
            "v",
            "cycle_favourites",
            "Favourites first/only",
            id="library-favourites-view",
            show=False,
            tooltip="Show favourites first, then only favourites, then all in the usual order",
        ),
        Binding("s", "start_exercise", "Start", id="library-start"),
        Binding("a", "add_to_routine", "Add to routine", id="library-add-to-routine"),
        Binding("n", "new_exercise", "New exercise", id="library-new-exercise"),
        Binding("e", "edit_exercise", "Edit own exercise", id="library-edit-exercise", show=False),
        Binding(
            "delete",
            "delete_exercise",
            "Delete own exercise",
            id="library-delete-exercise",
            key_display="del",
            show=False,
        ),
        Binding("escape", "clear_filters", "Clear", id="library-clear", show=False),
        Binding(
            "d",
            "focus_detail",
            "Read",
            id="library-read",
            show=False,
            tooltip="Move focus to the detail pane to scroll it",
        ),
        Binding(
            "x",
            "toggle_not_for_you",
            "Hide/show not for you",
            id="library-not-for-you",
            show=False,
            tooltip="Hide or show the exercises that do not suit a condition in your health profile",
        ),
    ]

    @dataclass
    class Loaded(Message):
        """Posted from the loader thread with every exercise."""

        exercises: list[Exercise]
        conditions: frozenset[Condition] = frozenset()
        ladders: tuple[Ladder, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.all_exercises: list[Exercise] = []
        self.shown: list[Exercise] = []
        self.filter = LibraryFilter()
        self.conditions: frozenset[Condition] = frozenset()
        """The health profile's conditions: exercises that do not suit one are marked."""
        self.hide_not_for_you = False
        self.hidden = 0
        self._pending = PendingHighlight()  # the exercise to highlight once the load in progress lands

    def compose_body(self) -> ComposeResult:
        with Vertical(id="library-filters"):
            with Horizontal(classes="filter-row"):
                yield Input(placeholder="Search name, other names or area…  (/)", id="search", compact=True)
                yield Label("", id="match-count")
            with Horizontal(classes="filter-row"):
                yield Select(AREA_OPTIONS, prompt="Area", id="filter-area", compact=True)
                yield Select(POSITION_OPTIONS, prompt="Position", id="filter-position", compact=True)
                yield Select(KIND_OPTIONS, prompt="Kind", id="filter-kind", compact=True)
                yield Select(EQUIPMENT_OPTIONS, prompt="Equipment", id="filter-equipment", compact=True)
                yield Checkbox("Desk", id="filter-desk", compact=True)
        with Horizontal(id="library-body"):
            yield OptionList(id="exercise-list")
            yield ExerciseDetail(id="exercise-detail")

    def on_mount(self) -> None:
        self.query_one("#exercise-list", OptionList).loading = True
        self.reload()

    @store_work(exclusive=True, group="library-load")
    def _load(self) -> None:
        store = self.stretch_app.store
        post_if_current(
            self,
            self.Loaded(
                store.library.exercises(),
                store.safety.safety_profile().conditions,
                tuple(store.programs.ladders().values()),
            ),
        )

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        highlight = self._pending.landed()
        unchanged = (message.exercises, message.conditions, highlight) == (self.all_exercises, self.conditions, None)
        self.all_exercises = message.exercises
        self.conditions = message.conditions
        detail = self.query_one(ExerciseDetail)
        detail.names = {e.id: e.name for e in message.exercises}
        detail.ladders = message.ladders
        self.query_one("#exercise-list", OptionList).loading = False
        if not unchanged:
            self.refresh_list(keep=highlight)
        elif (exercise := self.selected_exercise()) is not None:
            self.load_usage(exercise.id)  # a session meanwhile may have done it again

    def not_for_you(self, exercise: Exercise) -> bool:
        """The exercise does not suit a condition in the health profile."""
        return bool(exercise.avoid_reasons(self.conditions))

    def refresh_list(self, keep: str | None = None) -> None:
        """Re-apply the filter, keeping the highlighted exercise where it is still shown."""
        option_list = self.query_one("#exercise-list", OptionList)
        current = keep or self._highlighted_id()
        matching = self.filter.apply(self.all_exercises)
        self.shown = [ex for ex in matching if not self.not_for_you(ex)] if self.hide_not_for_you else matching
        self.hidden = len(matching) - len(self.shown)
        option_list.clear_options()
        option_list.add_options(Option(self._option_text(ex), id=ex.id) for ex in self.shown)
        ids = [ex.id for ex in self.shown]
        if ids:
            option_list.highlighted = ids.index(current) if current in ids else 0
        self._update_count()
        self._show_detail()

    def _option_text(self, ex: Exercise) -> str:
        star = "★ " if ex.favourite else "  "
        own = " [$text-muted](own)[/]" if ex.origin is Origin.USER else ""
        mark = "\n    [$text-warning]⚠ not for you[/]" if self.not_for_you(ex) else ""  # a line of its own
        return f"{star}{escape(ex.name)}{own}{mark}"

    @property
    def favourites_view(self) -> str:
        """'all', 'first' or 'only' (FAVOURITES_VIEWS), as the filter has it."""
        return "only" if self.filter.favourites_only else "first" if self.filter.favourites_first else "all"

    def _update_count(self) -> None:
        total, shown = len(self.all_exercises), len(self.shown)
        if not shown and total:
            text = "no matches"
        else:
            text = f"{shown} of {total}" if self.filter.active or self.hidden else plural(total, "exercise")
        if self.favourites_view != "all":
            text += f" · ★ {self.favourites_view} (v)"
        if self.hidden:
            text += f" · {self.hidden} not for you hidden (x shows)"
        elif self.conditions and (marked := sum(1 for ex in self.shown if self.not_for_you(ex))):
            text += f" · {marked} ⚠ not for you (x hides)"
        self.query_one("#match-count", Label).update(text)

    def _highlighted_id(self) -> str | None:
        option_list = self.query_one("#exercise-list", OptionList)
        if option_list.highlighted is None or option_list.highlighted >= option_list.option_count:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def selected_exercise(self) -> Exercise | None:
        ident = self._highlighted_id()
        return next((ex for ex in self.shown if ex.id == ident), None)

    def _show_detail(self) -> None:
        exercise = self.selected_exercise()
        detail = self.query_one(ExerciseDetail)
        detail.conditions = self.conditions
        detail.placeholder = NO_MATCHES if self.all_exercises and not self.shown else ""
        if exercise is not detail.exercise:
            detail.exercise = exercise
            if exercise is not None:
                detail.usage = "…"
                self.load_usage(exercise.id)

    @store_work(exclusive=True, group="library-usage")
    def load_usage(self, exercise_id: str) -> None:
        from dataclasses import replace
        from datetime import timedelta

        from stretchtui.core.relief import RELIEF_DAYS

        store = self.stretch_app.store
        since = self.stretch_app.current_day() - timedelta(days=RELIEF_DAYS - 1)
        relief = next((c for c in store.history.relief(since=since).rows if c.exercise_id == exercise_id), None)
        usage = replace(store.sessions.exercise_usage(exercise_id), relief=relief).describe()
        self.app.call_from_thread(self._usage_loaded, exercise_id, usage)

    def _usage_loaded(self, exercise_id: str, usage: str) -> None:
        detail = self.query_one(ExerciseDetail)
        if detail.exercise is not None and detail.exercise.id == exercise_id:
            detail.usage = usage

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def _on_highlight(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#exercise-list")
    def _on_select(self) -> None:
        self.action_focus_detail()

    @on(Input.Changed, "#search")
    def _on_search(self, event: Input.Changed) -> None:
        self.filter = replace(self.filter, query=event.value)
        self.refresh_list()

    @on(Input.Submitted, "#search")
    def _on_search_done(self) -> None:
        self.query_one("#exercise-list").focus()

    @on(Select.Changed)
    def _on_filter(self, event: Select.Changed) -> None:
        # Select.Changed carries an untyped value: each select holds the options of its own field.
        value = None if event.value is Select.NULL else event.value
        narrowed: dict[str, Callable[[LibraryFilter], LibraryFilter]] = {
            "filter-area": lambda f: replace(f, area=cast("Area | None", value)),
            "filter-position": lambda f: replace(f, position=cast("Position | None", value)),
            "filter-kind": lambda f: replace(f, kind=cast("Kind | None", value)),
            "filter-equipment": lambda f: replace(f, equipment=cast("Equipment | str | None", value)),
        }
        self.filter = narrowed[event.select.id or ""](self.filter)
        self.refresh_list()

    @on(Checkbox.Changed, "#filter-desk")
    def _on_desk(self, event: Checkbox.Changed) -> None:
        self.filter = replace(self.filter, desk_only=event.value)
        self.refresh_list()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_detail(self) -> None:
        self.query_one(ExerciseDetail).focus()

    def action_toggle_not_for_you(self) -> None:
        """x: hide the exercises that do not suit a listed condition, or show them again."""
        if not self.conditions:
            self.notify("No conditions in your health profile (Settings), so every exercise is shown.")
            return
        self.hide_not_for_you = not self.hide_not_for_you
        self.refresh_list()

    def action_cycle_favourites(self) -> None:
        """v: favourites first, then favourites only, then back to the usual order."""
        view = FAVOURITES_VIEWS[(FAVOURITES_VIEWS.index(self.favourites_view) + 1) % len(FAVOURITES_VIEWS)]
        self.filter = replace(self.filter, favourites_first=view == "first", favourites_only=view == "only")
        self.refresh_list()

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        for select in self.query(Select):
            select.clear()
        self.query_one("#filter-desk", Checkbox).value = False
        self.filter = LibraryFilter()
        self.refresh_list()

    def action_toggle_favourite(self) -> None:
        exercise = self.selected_exercise()
        if exercise is not None:
            self.save_favourite(exercise.id, not exercise.favourite)

    @store_work(group="library-write")
    def save_favourite(self, exercise_id: str, favourite: bool) -> None:
        self.stretch_app.store.library.set_favourite(exercise_id, favourite)
        self.reload(exercise_id)

    def action_start_exercise(self) -> None:
        exercise = self.selected_exercise()
        if exercise is not None:
            self.stretch_app.start_exercise(exercise)
