"""How to do one exercise: whether it suits you, dose, steps, what to feel, when to stop, sources."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from stretchtui.core.model import INTENSITY_NAMES, Exercise, format_duration
from stretchtui.core.programs import Ladder
from stretchtui.core.vocabulary import Condition, label
from stretchtui.ui.widgets.pose_figure import PoseFigure

CAUTIONS_HEADING = "Stop if it hurts · take care"
"""Above an exercise's cautions, here and in a session."""


def not_advised_lines(ex: Exercise, conditions: frozenset[Condition]) -> list[str]:
    """`⚠ Not advised with pregnancy: <reason>` (markup), one per listed condition it does not suit."""
    return [
        f"[b $text-warning]⚠ Not advised with {escape(label(condition).lower())}:[/] {escape(reason)}"
        for condition, reason in ex.avoid_reasons(conditions)
    ]


def ladder_lines(ex: Exercise, ladder: Ladder, names: dict[str, str]) -> list[str]:
    """The ladder an exercise is a rung of: its rungs (this one bold) and when to climb to it."""
    index = ladder.index(ex.id)
    rungs = " → ".join(
        f"[b]{escape(names.get(i, i))}[/b]" if i == ex.id else escape(names.get(i, i)) for i in ladder.exercise_ids
    )
    return [
        f"[b $accent]Ladder: {escape(ladder.name)}[/]  [$text-muted]rung {index + 1} of {len(ladder.rung)}[/]",
        f" {rungs}",
        f" [i]{'Who starts here' if index == 0 else 'Ready for it when'}:[/i] {escape(ladder.rung[index].enter)}",
    ]


def describe_exercise(
    ex: Exercise,
    usage: str,
    conditions: frozenset[Condition] = frozenset(),
    ladder: Ladder | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """Textual markup for the detail pane (kept separate so it is easy to test and reuse).
    `conditions`: the health profile's; why the exercise does not suit them comes first.
    `ladder`: the progression it is a rung of (core.programs), with the rungs' `names`."""
    e = escape
    star = "[$warning]★[/] " if ex.favourite else ""
    own = "  [$text-muted](own exercise)[/]" if ex.origin.value == "user" else ""
    lines = [f"[b]{star}{e(ex.name)}[/b]{own}"]
    if ex.aliases:
        lines.append(f"[$text-muted]also called {e(', '.join(ex.aliases))}[/]")
    if not_advised := not_advised_lines(ex, conditions):
        lines += not_advised
    dots = "●" * ex.intensity + "○" * (3 - ex.intensity)
    lines.append(
        f"{e(label(ex.kind))} · {e(label(ex.position))} · intensity {dots} {INTENSITY_NAMES[ex.intensity]}"
        + (" · [$success]desk-friendly[/]" if ex.desk_friendly else "")
    )
    lines.append(f"Areas: {e(', '.join(label(a) for a in ex.areas))}")
    needs = ", ".join(label(x) for x in ex.equipment) or "nothing"
    lines.append(f"Needs: {e(needs)}")
    lines.append(f"[b]Dose:[/b] {e(ex.dose.describe())} (about {format_duration(ex.dose.duration_seconds())})")
    if ladder is not None and ex.id in ladder.exercise_ids:
        lines += ["", *ladder_lines(ex, ladder, names or {})]
    lines.append("")
    lines.append("[b $accent]How[/]")
    lines += [f" {i}. {e(step)}" for i, step in enumerate(ex.steps, 1)]
    if ex.breathing:
        lines.append(f" [i]Breathing:[/i] {e(ex.breathing)}")
    lines.append("")
    lines.append("[b $accent]You should feel[/]")
    lines.append(f" {e(ex.feel)}")
    lines.append("")
    lines.append(f"[b $warning]! {CAUTIONS_HEADING}[/]")
    lines += [f" • {e(c)}" for c in ex.cautions]
    if ex.easier:
        lines.append(f" [i]Easier:[/i] {e(ex.easier)}")
    lines.append("")
    lines.append(f"[b $accent]Your history[/]\n {e(usage)}")
    if ex.sources:
        lines.append("")
        lines.append("[$text-muted]Sources: " + e("; ".join(f"“{s}”" for s in ex.sources)) + "[/]")
    if ex.note:
        lines.append(f"[$text-muted]Note: {e(ex.note)}[/]")
    return "\n".join(lines)


class ExerciseDetail(VerticalScroll, can_focus=True):
    """A scrollable card for the selected exercise."""

    DEFAULT_CSS = """
    ExerciseDetail {
        background: $panel;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        &:focus { background-tint: $foreground 5%; }
        #detail-body { width: 1fr; }
        #detail-figure { height: 7; max-width: 72; margin: 1 0 0 0; }
    }
    """

    exercise: reactive[Exercise | None] = reactive(None)
    """The exercise shown, or None for the empty state."""
    usage: reactive[str] = reactive("Not done yet: no data yet.")
    """One line on how often it was done and how pain changed after it."""
    conditions: reactive[frozenset[Condition]] = reactive(frozenset())
    """The health profile's conditions: the reasons the exercise does not suit them are shown."""
    placeholder: reactive[str] = reactive("")
    """Said when no exercise is shown (empty: the usual 'nothing selected')."""
    ladders: reactive[tuple[Ladder, ...]] = reactive(())
    """Every ladder (core.programs): the one the exercise is a rung of is shown with it."""
    names: reactive[dict[str, str]] = reactive(dict)
    """Exercise names by id, for the rungs of a ladder."""

    def compose(self):
        yield PoseFigure(id="detail-figure")
        yield Static(id="detail-body")

    def _render_body(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#detail-body", Static)
        figure = self.query_one("#detail-figure", PoseFigure)
        figure.exercise_id = self.exercise.id if self.exercise is not None else ""
        figure.keyframes = True
        if self.exercise is None:
            body.update(Content(self.placeholder or "Nothing selected. Pick an exercise on the left."))
        else:
            from stretchtui.core.programs import ladder_of

            ladder = ladder_of(self.ladders, self.exercise.id)
            body.update(
                Content.from_markup(describe_exercise(self.exercise, self.usage, self.conditions, ladder, self.names))
            )
        self.scroll_home(animate=False)

    # A change to any of these repaints the body (`names` comes with `ladders`).
    watch_exercise = watch_usage = watch_conditions = watch_placeholder = watch_ladders = _render_body

    def on_mount(self) -> None:
        self._render_body()
