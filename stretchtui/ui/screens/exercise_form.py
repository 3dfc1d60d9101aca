"""Add or edit an own exercise (one from a physiotherapist, say), with the same fields as the
seeded ones, checked as they are typed by the same rules the seed loader uses (screens.form)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from stretchtui.core import validation
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Exercise
from stretchtui.core.vocabulary import Area, Equipment, Kind, Origin, Position, Sides, label
from stretchtui.ui.screens.form import FormDialog, Line, dose_line, errors_by_field, field_block, field_row

LABELS = validation.FIELD_LABELS


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _text(ident: str, value: str, placeholder: str = "") -> Input:
    """A one-line text field of the form."""
    return Input(value, id=ident, compact=True, placeholder=placeholder)


def _choice(ident: str, options: list[tuple[str, Any]], value: Any, prompt: str | None = None) -> Select[Any]:
    """A drop-down of the form: with a `prompt` it may be left unchosen, else one is always chosen."""
    if prompt is None:
        return Select(options, id=ident, compact=True, value=value, allow_blank=False)
    return Select(options, id=ident, compact=True, value=value, prompt=prompt)


class ExerciseForm(FormDialog[Exercise | None]):
    """Dismisses with a validated Exercise (not yet saved), or None when cancelled."""

    CSS_PATH = ["dialogs.tcss", "forms.tcss"]
    ID_PREFIX = "exercise"

    def __init__(self, exercise: Exercise | None = None) -> None:
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        ex = self.exercise
        dose = ex.dose if ex else None
        with Vertical(classes="dialog form wide"):
            yield Static("[b]Edit your exercise[/b]" if ex else "[b]New exercise[/b]", classes="dialog-question")
            with VerticalScroll(id="exercise-fields"):
                yield field_row(LABELS["name"], _text("name", ex.name if ex else "", "e.g. Wall angels"))
                yield field_row(
                    LABELS["aliases"],
                    _text("aliases", ", ".join(ex.aliases) if ex else "", "comma-separated, optional"),
                )
                yield field_row(
                    LABELS["kind"],
                    _choice("kind", [(label(k), k.value) for k in Kind], ex.kind.value if ex else Kind.MOBILITY.value),
                )
                yield field_row(
                    LABELS["position"],
                    _choice(
                        "position",
                        [(label(p), p.value) for p in Position],
                        ex.position.value if ex else Select.NULL,
                        prompt="Choose…",
                    ),
                )
                yield field_row(
                    LABELS["intensity"],
                    _choice(
                        "intensity", [("1 gentle", 1), ("2 moderate", 2), ("3 demanding", 3)], ex.intensity if ex else 1
                    ),
                )
                yield field_row(
                    f"{LABELS['hold_seconds']} (s)",
                    _text(
                        "hold_seconds", str(dose.hold_seconds) if dose else "", "seconds; with reps, each rep's hold"
                    ),
                )
                yield field_row(LABELS["reps"], _text("reps", str(dose.reps) if dose else "", "blank for a hold alone"))
                yield field_row(LABELS["sets"], _text("sets", str(dose.sets) if dose else "1"))
                yield field_row(
                    LABELS["sides"],
                    _choice(
                        "sides",
                        [(label(s).capitalize(), s.value) for s in Sides],
                        dose.sides.value if dose else Sides.BOTH.value,
                    ),
                )
                yield field_row(
                    f"{LABELS['pace_seconds']} (s/rep)", _text("pace_seconds", str(dose.pace_seconds) if dose else "3")
                )
                yield Line(id="dose-summary", classes="form-note")
                yield field_row(
                    "",
                    Checkbox(
                        "Desk-friendly (seated or standing, no floor)",
                        ex.desk_friendly if ex else False,
                        id="desk_friendly",
                        compact=True,
                    ),
                )
                yield field_block(
                    f"{LABELS['areas']} (space toggles)",
                    SelectionList[str](
                        *((label(a), a.value, bool(ex and a in ex.areas)) for a in Area), id="areas", compact=True
                    ),
                )
                yield field_block(
                    LABELS["equipment"],
                    SelectionList[str](
                        *((label(e), e.value, bool(ex and e in ex.equipment)) for e in Equipment),
                        id="equipment",
                        compact=True,
                    ),
                )
                yield field_block(
                    f"{LABELS['steps']} (one per line)",
                    TextArea("\n".join(ex.steps) if ex else "", id="steps", classes="form-text", compact=True),
                )
                yield field_block(LABELS["feel"], _text("feel", ex.feel if ex else ""))
                yield field_block(
                    f"{LABELS['cautions']}: when to stop (one per line)",
                    TextArea("\n".join(ex.cautions) if ex else "", id="cautions", classes="form-text", compact=True),
                )
                yield field_block(
                    f"{LABELS['sources']} (who showed you)",
                    _text("sources", ", ".join(ex.sources) if ex else "", "e.g. my physiotherapist, March 2026"),
                )
                yield field_block(
                    LABELS["easier"],
                    _text("easier", ex.easier if ex else "", "when it is too much today, e.g. seated, half the range"),
                )
            yield from self.footer()

    def on_mount(self) -> None:
        self.form_changed()

    def gather(self) -> dict[str, Any]:
        """The form as the plain data the validator takes (the same shape as a seed entry)."""
        text = lambda ident: self.query_one(f"#{ident}", Input).value  # noqa: E731

        def select(ident: str) -> Any:
            value = self.query_one(f"#{ident}", Select).value
            return None if value is Select.NULL else value

        def number(ident: str, blank: int) -> Any:
            return text(ident).strip() or blank

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
            "easier": text("easier"),
            "dose": {
                "hold_seconds": number("hold_seconds", 0),
                "reps": number("reps", 0),
                "sets": number("sets", 1),
                "sides": select("sides"),
                "pace_seconds": number("pace_seconds", 3),
            },
        }

    def field_errors(self) -> Mapping[str, str]:
        try:
            validation.exercise(self.gather(), origin=Origin.USER, typed=False)
        except FieldError as error:
            return errors_by_field(error)
        return {}

    def form_changed(self) -> None:
        """The dose as the session will run it (with reps and a hold, each rep is held that long)."""
        try:
            dose = validation.dose(self.gather()["dose"])
        except FieldError:
            summary = ""
        else:
            summary = f"Dose: {dose_line(dose)}"
        self.query_one("#dose-summary", Line).say(summary)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if not self.ready_to_save():
            return
        exercise = validation.exercise(self.gather(), origin=Origin.USER, typed=False)
        if self.exercise is not None:
            exercise = replace(
                exercise, id=self.exercise.id, uuid=self.exercise.uuid, favourite=self.exercise.favourite
            )
        else:
            exercise = replace(exercise, id="")
        self.dismiss(exercise)
