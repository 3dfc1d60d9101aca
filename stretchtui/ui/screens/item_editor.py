"""Per-item overrides in a routine: hold, reps, sets, sides and rest after. Blank = the exercise's own.
Checked as they are typed (screens.form), by the same rules as a routine file."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Select, Static

from stretchtui.core import validation
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Exercise, RoutineItem
from stretchtui.core.vocabulary import Sides, label
from stretchtui.ui.screens.form import FormDialog, Line, dose_line, errors_by_field, field_row

LABELS = validation.FIELD_LABELS
NUMBER_FIELDS = (("hold_seconds", " (s)"), ("reps", ""), ("sets", ""), ("rest_after_seconds", " (s)"))


class ItemEditor(FormDialog[RoutineItem | None]):
    """Edit one routine item's dose; dismisses with the new item."""

    CSS_PATH = ["dialogs.tcss", "forms.tcss"]
    ID_PREFIX = "item"
    SAVE = "Apply"

    def __init__(self, exercise: Exercise, item: RoutineItem) -> None:
        super().__init__()
        self.exercise = exercise
        self.item = item

    def compose(self) -> ComposeResult:
        dose = self.exercise.dose
        defaults = {
            "hold_seconds": dose.hold_seconds,
            "reps": dose.reps,
            "sets": dose.sets,
            "rest_after_seconds": "routine's",
        }
        with Vertical(classes="dialog form"):
            yield Static(
                Content.from_markup("[b]$name[/b]: dose in this routine", name=self.exercise.name),
                classes="dialog-question",
            )
            yield Static(f"Leave a field blank to use the exercise's own ({dose.describe()}).", classes="dialog-hint")
            for field, unit in NUMBER_FIELDS:
                current = getattr(self.item, field)
                yield field_row(
                    LABELS[field] + unit,
                    Input(
                        "" if current is None else str(current),
                        id=field,
                        placeholder=f"{defaults[field]}",
                        compact=True,
                    ),
                )
            yield field_row(
                LABELS["sides"],
                Select(
                    [
                        (f"Exercise's own ({label(dose.sides)})", "default"),
                        *((label(s).capitalize(), s.value) for s in Sides),
                    ],
                    value=self.item.sides.value if self.item.sides else "default",
                    allow_blank=False,
                    id="sides",
                    compact=True,
                ),
            )
            yield Line(id="dose-summary", classes="form-note")
            yield from self.footer()

    def on_mount(self) -> None:
        self.form_changed()

    def build_item(self) -> RoutineItem:
        """The item as typed; FieldErrors names every bad field (a dose with neither hold nor reps too)."""
        data: dict[str, object] = {"exercise": self.exercise.id}
        for field, _unit in NUMBER_FIELDS:
            value = self.query_one(f"#{field}", Input).value.strip()
            if value:
                data[field] = value
        sides = self.query_one("#sides", Select).value
        if sides != "default":
            data["sides"] = sides
        item = validation.routine_item(data, "dose", {self.exercise.id})
        validation.dose_has_work(item.dose_for(self.exercise))
        return item

    def field_errors(self) -> Mapping[str, str]:
        try:
            self.build_item()
        except FieldError as error:
            return errors_by_field(error)
        return {}

    def form_changed(self) -> None:
        try:
            summary = f"Dose: {dose_line(self.build_item().dose_for(self.exercise))}"
        except FieldError:
            summary = ""
        self.query_one("#dose-summary", Line).say(summary)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.ready_to_save():
            self.dismiss(self.build_item())
