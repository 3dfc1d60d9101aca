"""What every form shares (the exercise form, the routine builder, a routine item's dose, the
check-in): the first field has the focus when it opens; a key typed into a text field goes into it
(a field's text is never selected on focus, so a first key never replaces it); Esc leaves at once
when nothing changed and asks first when something did; and an error shows under each bad field,
all at once, each clearing as soon as its field is fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from stretchtui.core import validation
from stretchtui.core.errors import FieldError
from stretchtui.core.model import Dose, format_duration
from stretchtui.core.phases import seconds_per_rep
from stretchtui.ui.screens.base import Dialog, ResultType
from stretchtui.ui.screens.dialogs import ask_then
from stretchtui.ui.widgets.pain_row import PainRow

# The widgets a person fills in, in the order they appear.
FIELDS = "Input, TextArea, Select, SelectionList, Checkbox, PainRow"


def field_value(widget: Widget) -> object:
    """What a field holds, comparable with what it held before."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, SelectionList):
        return tuple(widget.selected)
    if isinstance(widget, PainRow):
        return widget.pain, widget.side
    if isinstance(widget, (Input, Select, Checkbox)):
        return widget.value
    return None


class Line(Static):
    """A line of plain text that a form changes as it is filled in; hidden while it is empty."""

    DEFAULT_CSS = """
    Line {
        height: auto;
        display: none;
        &.-shown { display: block; }
    }
    """

    def __init__(self, *, id: str, classes: str = "") -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.message = ""

    def say(self, message: str | None) -> None:
        if (message or "") != self.message:  # an update lays the form out again: only on a change
            self.message = message or ""
            self.update(self.message)
            self.set_class(bool(message), "-shown")


class FieldMessage(Line):
    """The error line under one field (`<field id>-error`); hidden while the field is fine."""

    DEFAULT_CSS = """
    FieldMessage {
        color: $text-error;
    }
    """

    def __init__(self, field_id: str) -> None:
        super().__init__(id=f"{field_id}-error", classes="field-error")
        self.field_id = field_id


def field_row(title: str, field: Widget) -> Widget:
    """A one-line field: its label on the left, its error line under it."""
    assert field.id, "a form field needs an id"
    return Vertical(
        Horizontal(Label(title, classes="form-label"), field, classes="form-row"),
        FieldMessage(field.id),
        classes="form-field",
    )


def field_block(title: str, field: Widget) -> Widget:
    """A field taller than a line (a list, a text area): its label above it, its error line under it."""
    assert field.id, "a form field needs an id"
    return Vertical(Label(title, classes="form-label"), field, FieldMessage(field.id), classes="form-field form-block")


def form_footer(error_id: str, save: str = "Save", save_id: str = "save") -> Iterator[Widget]:
    """The end of a form in a dialog: the line for the problems of no one field (`.form-error`),
    then its buttons, `save` (Ctrl+S) and Cancel (Esc)."""
    yield Label("", id=error_id, classes="form-error")
    yield Horizontal(
        Button(f"{save} (Ctrl+S)", id=save_id, variant="primary"),
        Button("Cancel (Esc)", id="cancel"),
        classes="dialog-buttons",
    )


def field_id(path: str) -> str:
    """The form field a validation path names: 'dose.hold_seconds' is #hold_seconds, 'steps[2]' #steps."""
    return path.rsplit(".", 1)[-1].split("[")[0]


def errors_by_field(error: FieldError, to_id: Callable[[str], str] = field_id) -> dict[str, str]:
    """Each field's first problem, as a person reads it, by the id `to_id` gives its path."""
    found: dict[str, str] = {}
    for each in getattr(error, "errors", (error,)):
        found.setdefault(to_id(each.field), validation.for_people(each))
    return found


def dose_line(dose: Dose) -> str:
    """A dose as the session timer will run it, and why: with reps and a hold, each rep is held
    that long (the hold paces the reps, the pace is not used)."""
    about = f"{dose.describe()} · about {format_duration(dose.duration_seconds())}"
    if dose.is_reps and dose.hold_seconds:
        return f"{about}. Each rep is held {seconds_per_rep(dose)} s, so the pace is not used."
    if dose.is_reps:
        return f"{about}. One rep every {seconds_per_rep(dose)} s."
    return f"{about}."


if TYPE_CHECKING:  # to the type checker, the Screen (or Dialog) this is mixed into
    from textual.screen import Screen

    _FormBase = Screen[Any]
else:
    _FormBase = object


class Form(_FormBase):
    """Mixed into a form's screen, before its Screen or Dialog class. A form names its fields'
    problems in `field_errors` and calls `ready_to_save` before it saves; Esc and a `#cancel`
    button call `action_cancel`."""

    AUTO_FOCUS: ClassVar[str | None] = ""  # on_mount focuses the first field, once no text gets selected
    DISCARD_QUESTION = "Leave without saving your changes?"

    _fields: dict[str, Widget]  # by id, in order; with their error lines, found once (at every key, a
    _lines: list[FieldMessage]  # query of the whole form took a visible part of a keystroke's time)
    _opened_with: dict[str, object]
    _opened_state: object
    _tried_to_save: bool

    def on_mount(self) -> None:
        self._fields = {widget.id: widget for widget in self.query(FIELDS) if widget.id}
        self._lines = list(self.query(FieldMessage))
        for text_field in self.query(Input):
            text_field.select_on_focus = False  # else the first key typed replaces the whole text
        if self.focused is None:
            first = next((widget for widget in self._fields.values() if widget.focusable), None)
            if first is not None:
                first.focus()
        self._opened_with = self.field_values()
        self._opened_state = self.form_state()
        self._tried_to_save = False

    # ------------------------------------------------------------------ what the form holds

    def field_values(self) -> dict[str, object]:
        fields = self._fields if hasattr(self, "_fields") else {w.id: w for w in self.query(FIELDS) if w.id}
        return {field_id: field_value(widget) for field_id, widget in fields.items()}

    def form_state(self) -> object:
        """Everything a person can change here (a form with more than its fields adds the rest)."""
        return self.field_values()

    @property
    def changed(self) -> bool:
        return self.form_state() != self._opened_state

    # ------------------------------------------------------------------ errors under the fields

    def field_errors(self) -> Mapping[str, str]:
        """The problem of each bad field, by the field's id, as a person reads it."""
        return {}

    def form_changed(self) -> None:
        """A field changed (after its error line was brought up to date)."""

    def show_field_errors(self) -> Mapping[str, str]:
        """Put each error under its field: every field's after a try to save, before that only
        those of fields changed since the form opened (an empty new form is not told off)."""
        errors = self.field_errors()
        now = self.field_values()
        placed = set()
        for line in self._lines:
            field_id = line.field_id
            placed.add(field_id)
            shown = self._tried_to_save or now.get(field_id) != self._opened_with.get(field_id)
            message = errors.get(field_id) if shown else None
            line.say(message)
            if field_id in self._fields:
                self._fields[field_id].set_class(bool(message), "-invalid-field")
        if self._tried_to_save:  # a problem of the whole form, or of no one field: the form's own line
            unplaced = " ".join(message for field_id, message in errors.items() if field_id not in placed)
            for error_line in self.query(".form-error").results(Label):
                if str(error_line.content) != unplaced:
                    error_line.update(Content(unplaced))
                break
        return errors

    def ready_to_save(self) -> bool:
        """Show every field's error and move to the first bad field; True when there is none."""
        self._tried_to_save = True
        errors = self.show_field_errors()
        bad = [widget for field_id, widget in self._fields.items() if field_id in errors]
        if bad:
            bad[0].focus()
            bad[0].scroll_visible()
        return not errors

    def _field_changed(self) -> None:
        if hasattr(self, "_opened_state"):  # not while the fields are first filled in
            self.show_field_errors()
            self.form_changed()

    # What each kind of field posts when it changes. (Named handlers: a mixin's @on handlers are
    # not collected.)
    on_input_changed = on_text_area_changed = on_select_changed = _field_changed
    on_selection_list_selected_changed = on_checkbox_changed = _field_changed

    # ------------------------------------------------------------------ leaving

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        """Leave: at once when nothing changed, else only after "Discard"."""
        if not self.changed:
            self.dismiss(None)
            return
        ask_then(self.app, self.DISCARD_QUESTION, lambda: self.dismiss(None), yes="Discard", no="Keep editing")


class FormDialog(Form, Dialog[ResultType]):
    """A form in a dialog, named by `ID_PREFIX`: Ctrl+S runs its `SAVE` action (the button's word,
    in lower case: `action_save`, `action_apply`), Esc cancels; those two bindings
    (`<ID_PREFIX>-save`, `<ID_PREFIX>-cancel`) and the form's `footer` (the error line
    `#<ID_PREFIX>-error`, the buttons) come from these two names."""

    ID_PREFIX = ""
    SAVE = "Save"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "ID_PREFIX" in cls.__dict__:  # before Textual's __init_subclass__ reads BINDINGS
            action = cls.SAVE.lower()
            cls.BINDINGS = [
                Binding("ctrl+s", action, cls.SAVE, id=f"{cls.ID_PREFIX}-{action}"),
                Binding("escape", "cancel", "Cancel", id=f"{cls.ID_PREFIX}-cancel"),
            ]
        super().__init_subclass__(**kwargs)

    def footer(self) -> Iterator[Widget]:
        return form_footer(f"{self.ID_PREFIX}-error", self.SAVE, self.SAVE.lower())


class DraftDialog(FormDialog[ResultType]):
    """A form dialog whose fields make one draft, checked as a whole (`draft`, raising a
    FieldError): Ctrl+S, Enter in a text field or the Save button dismiss with it, or say its
    problem on the error line and focus the field that `placed` names."""

    def draft(self) -> ResultType:
        raise NotImplementedError

    def placed(self, error: FieldError) -> tuple[str, Widget]:
        """The field's name as the error line says it, and the widget to focus."""
        raise NotImplementedError

    def nothing_to_save(self) -> str | None:
        """What to say when saving now would change nothing (the form then closes as cancelled);
        None when it would: a new record, or an edit with something changed."""
        return None

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if (unchanged := self.nothing_to_save()) is not None:
            self.notify(unchanged)
            self.dismiss(None)
            return
        try:
            draft = self.draft()
        except FieldError as error:
            name, widget = self.placed(error)
            self.query_one(f"#{self.ID_PREFIX}-error", Label).update(Content(f"{name}: {error.message}"))
            widget.focus()
            return
        self.dismiss(draft)
