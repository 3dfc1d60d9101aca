"""Per-item overrides in a routine: hold, reps, sets, sides and rest after. Blank = the exercise's own."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from stretchtui.core import validation
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Exercise, RoutineItem, Sides, label
from stretchtui.ui.screens.base import Dialog

NUMBER_FIELDS = (
    ("hold_seconds", "Hold (s)", validation.MAX_HOLD),
    ("reps", "Reps", validation.MAX_REPS),
    ("sets", "Sets", validation.MAX_SETS),
    ("rest_after_seconds", "Rest after (s)", validation.MAX_REST),
)


class ItemEditor(Dialog[RoutineItem | None]):
    """Edit one routine item's dose; validates inline and dismisses with the new item."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="item-apply", priority=True),
        Binding("escape", "cancel", "Cancel", id="item-cancel"),
    ]

    def __init__(self, exercise: Exercise, item: RoutineItem) -> None:
        super().__init__()
        self.exercise = exercise
        self.item = item

    def compose(self) -> ComposeResult:
        dose = self.exercise.dose
        defaults = {"hold_seconds": dose.hold_seconds, "reps": dose.reps, "sets": dose.sets,
                    "rest_after_seconds": "routine's"}
        with Vertical(classes="dialog form"):
            yield Static(f"[b]{self.exercise.name}[/b]: dose in this routine", classes="dialog-question")
            yield Static(f"Leave a field blank to use the exercise's own ({dose.describe()}).", classes="dialog-hint")
            with Grid(classes="form-grid"):
                for field, title, limit in NUMBER_FIELDS:
                    yield Label(title)
                    current = getattr(self.item, field)
                    yield Input("" if current is None else str(current), id=field, type="integer",
                                placeholder=f"{defaults[field]}", compact=True, max_length=len(str(limit)))
                yield Label("Sides")
                yield Select([(f"Exercise's own ({label(dose.sides)})", "default"),
                              *((label(s).capitalize(), s.value) for s in Sides)],
                             value=self.item.sides.value if self.item.sides else "default", allow_blank=False,
                             id="sides", compact=True)
            yield Label("", id="item-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (Ctrl+S)", id="apply", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def build_item(self) -> RoutineItem:
        data: dict[str, object] = {"exercise": self.exercise.id}
        for field, _title, _limit in NUMBER_FIELDS:
            value = self.query_one(f"#{field}", Input).value.strip()
            if value:
                data[field] = value
        sides = self.query_one("#sides", Select).value
        if sides != "default":
            data["sides"] = sides
        item = validation.routine_item(data, "dose", {self.exercise.id})
        dose = item.dose_for(self.exercise)
        if dose.hold_seconds == 0 and dose.reps == 0:
            raise FieldError("dose.hold_seconds", "a dose needs a hold or some reps")
        return item

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        try:
            item = self.build_item()
        except FieldError as error:
            field = error.field.split(".")[-1]
            names = {f: t for f, t, _ in NUMBER_FIELDS}
            self.query_one("#item-error", Label).update(Content(f"{names.get(field, field)}: {error.message}"))
            if field in names:
                self.query_one(f"#{field}", Input).focus()
            return
        self.dismiss(item)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
