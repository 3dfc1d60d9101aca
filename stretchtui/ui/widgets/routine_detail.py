"""A routine at a glance: duration, areas, and each exercise with its dose."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from stretchtui.core.model import Exercise, Routine, format_duration
from stretchtui.core.vocabulary import label, plural


def describe_routine(routine: Routine, exercises: dict[str, Exercise]) -> str:
    e = escape
    kind = "your routine" if routine.editable else "built-in"
    lines = [
        f"[b]{e(routine.name)}[/b]  [$text-muted]{kind}[/]",
        f"[b]{format_duration(routine.duration_seconds(exercises))}[/b] · {plural(len(routine.items), 'exercise')}"
        f" · rest {routine.rest_between_seconds} s between",
        "Areas: " + e(", ".join(label(a) for a in routine.areas(exercises)) or "none"),
    ]
    if routine.description:
        lines += ["", e(routine.description)]
    lines += ["", "[b $accent]Exercises[/]"]
    for index, item in enumerate(routine.items):
        exercise = exercises.get(item.exercise_id)
        if exercise is None:
            lines.append(f" {index + 1}. [$error]missing exercise {e(item.exercise_id)}[/]")
            continue
        dose = item.dose_for(exercise)
        rest = routine.rest_after(index)
        rest_text = f" [$text-muted]then rest {rest} s[/]" if rest else ""
        lines.append(f" {index + 1}. {e(exercise.name)}: {e(dose.describe())}{rest_text}")
    if routine.sources:
        lines += ["", "[$text-muted]Sources: " + e("; ".join(f"“{s}”" for s in routine.sources)) + "[/]"]
    return "\n".join(lines)


class RoutineDetail(VerticalScroll):
    """Scrollable summary of the highlighted routine."""

    DEFAULT_CSS = """
    RoutineDetail {
        background: $panel;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        #routine-body { width: 1fr; }
    }
    """

    routine: reactive[Routine | None] = reactive(None)
    """The routine shown, or None for the empty state."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exercises: dict[str, Exercise] = {}

    def compose(self):
        yield Static(id="routine-body")

    def show(self, routine: Routine | None, exercises: dict[str, Exercise]) -> None:
        self.exercises = exercises
        self.routine = routine
        self.mutate_reactive(RoutineDetail.routine)

    def watch_routine(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#routine-body", Static)
        if self.routine is None:
            body.update("No routine selected.")
        else:
            body.update(Content.from_markup(describe_routine(self.routine, self.exercises)))
