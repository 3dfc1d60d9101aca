"""Add or edit an own exercise (one from a physiotherapist, say), with the same fields as the
seeded ones and inline validation by the same rules the seed loader uses."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from stretchtui.core import validation
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Area, Equipment, Exercise, Kind, Origin, Position, Sides, label
from stretchtui.ui.screens.base import Dialog


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class ExerciseForm(Dialog[Exercise | None]):
    """Dismisses with a validated Exercise (not yet saved), or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="exercise-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="exercise-cancel"),
    ]

    def __init__(self, exercise: Exercise | None = None) -> None:
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        ex = self.exercise
        dose = ex.dose if ex else None
        with Vertical(classes="dialog form wide"):
            yield Static("[b]Edit your exercise[/b]" if ex else "[b]New exercise[/b]", classes="dialog-question")
            with VerticalScroll(id="exercise-fields"):
                with Grid(classes="form-grid"):
                    yield Label("Name")
                    yield Input(ex.name if ex else "", id="name", compact=True, max_length=validation.MAX_NAME,
                                placeholder="e.g. Wall angels")
                    yield Label("Other names")
                    yield Input(", ".join(ex.aliases) if ex else "", id="aliases", compact=True,
                                placeholder="comma-separated, optional")
                    yield Label("Kind")
                    yield Select([(label(k), k.value) for k in Kind], id="kind", compact=True,
                                 value=ex.kind.value if ex else Kind.MOBILITY.value, allow_blank=False)
                    yield Label("Position")
                    yield Select([(label(p), p.value) for p in Position], id="position", compact=True,
                                 value=ex.position.value if ex else Select.NULL, prompt="Choose…")
                    yield Label("Intensity")
                    yield Select([("1 gentle", 1), ("2 moderate", 2), ("3 demanding", 3)], id="intensity",
                                 compact=True, value=ex.intensity if ex else 1, allow_blank=False)
                    yield Label("Hold (s)")
                    yield Input(str(dose.hold_seconds) if dose else "", id="hold_seconds", type="integer",
                                compact=True, placeholder="0 for reps only")
                    yield Label("Reps")
                    yield Input(str(dose.reps) if dose else "", id="reps", type="integer", compact=True,
                                placeholder="0 for a hold")
                    yield Label("Sets")
                    yield Input(str(dose.sets) if dose else "1", id="sets", type="integer", compact=True)
                    yield Label("Sides")
                    yield Select([(label(s).capitalize(), s.value) for s in Sides], id="sides", compact=True,
                                 value=dose.sides.value if dose else Sides.BOTH.value, allow_blank=False)
                    yield Label("Pace (s/rep)")
                    yield Input(str(dose.pace_seconds) if dose else "3", id="pace_seconds", type="integer",
                                compact=True)
                    yield Label("")
                    yield Checkbox("Desk-friendly (seated or standing, no floor)", ex.desk_friendly if ex else False,
                                   id="desk_friendly", compact=True)
                yield Label("Areas (space toggles)", classes="form-section")
                yield SelectionList[str](*((label(a), a.value, bool(ex and a in ex.areas)) for a in Area),
                                         id="areas", compact=True)
                yield Label("Equipment", classes="form-section")
                yield SelectionList[str](*((label(e), e.value, bool(ex and e in ex.equipment)) for e in Equipment),
                                         id="equipment", compact=True)
                yield Label("Steps (one per line)", classes="form-section")
                yield TextArea("\n".join(ex.steps) if ex else "", id="steps", classes="form-text", compact=True)
                yield Label("What you should feel", classes="form-section")
                yield Input(ex.feel if ex else "", id="feel", compact=True)
                yield Label("Cautions: when to stop (one per line)", classes="form-section")
                yield TextArea("\n".join(ex.cautions) if ex else "", id="cautions", classes="form-text", compact=True)
                yield Label("Source (who showed you)", classes="form-section")
                yield Input(", ".join(ex.sources) if ex else "", id="sources", compact=True,
                            placeholder="e.g. my physiotherapist, March 2026")
            yield Label("", id="exercise-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def gather(self) -> dict[str, Any]:
        """The form as the plain data the validator takes (the same shape as a seed entry)."""
        text = lambda ident: self.query_one(f"#{ident}", Input).value  # noqa: E731

        def select(ident: str) -> Any:
            value = self.query_one(f"#{ident}", Select).value
            return None if value is Select.NULL else value

        def number(ident: str) -> Any:
            return text(ident).strip() or 0

        return {
            "id": self.exercise.id if self.exercise else "my-new",
            "name": text("name"),
            "aliases": _csv(text("aliases")),
            "areas": list(self.query_one("#areas", SelectionList).selected),
            "kind": select("kind"),
            "position": select("position"),
            "equipment": list(self.query_one("#equipment", SelectionList).selected),
            "desk_friendly": self.query_one("#desk_friendly", Checkbox).value,
            "intensity": select("intensity"),
            "steps": _lines(self.query_one("#steps", TextArea).text),
            "feel": text("feel"),
            "cautions": _lines(self.query_one("#cautions", TextArea).text),
            "sources": _csv(text("sources")),
            "dose": {"hold_seconds": number("hold_seconds"), "reps": number("reps"), "sets": number("sets") or 1,
                     "sides": select("sides"), "pace_seconds": number("pace_seconds") or 3},
        }

    def _field_widget(self, field: str) -> Widget | None:
        ident = field.split(".")[-1].split("[")[0]
        return next(iter(self.query(f"#{ident}")), None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")
        try:
            exercise = validation.exercise(self.gather(), origin=Origin.USER)
        except FieldError as error:
            name = error.field.split(".")[-1].split("[")[0].replace("_", " ")
            self.query_one("#exercise-error", Label).update(Content(f"{name}: {error.message}"))
            widget = self._field_widget(error.field)
            if widget is not None:
                widget.add_class("-invalid-field")
                widget.focus()
                widget.scroll_visible()
            return
        if self.exercise is not None:
            exercise = replace(exercise, id=self.exercise.id, uuid=self.exercise.uuid,
                               favourite=self.exercise.favourite)
        else:
            exercise = replace(exercise, id="")
        self.dismiss(exercise)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
