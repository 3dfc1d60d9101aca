"""What every stretchtui screen shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import Worker

from stretchtui.core.errors import UserError
from stretchtui.ui.main_screens import main_screen_of
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.widgets.navbar import NavBar
from stretchtui.ui.workers import failed, store_work

if TYPE_CHECKING:
    from textual._path import CSSPathType  # the type Screen.CSS_PATH is declared with
    from textual.content import Content
    from textual.widgets import Button
    from textual.widgets.button import ButtonVariant

    from stretchtui.core.ports import StorePort
    from stretchtui.ui.app import StretchApp


class StretchAppMixin:
    """`self.stretch_app`: the app typed as StretchApp, for its injected store and clock; and the
    one way a screen says that the store refused a write, or that a database job failed."""

    @property
    def stretch_app(self) -> StretchApp:
        return cast("StretchApp", self.app)  # type: ignore[attr-defined]

    @contextmanager
    def refusal_said(self) -> Iterator[None]:
        """Around a store write in a worker thread and what follows it: when the store refuses the
        write (a UserError: a built-in entry, one a routine still uses), the reason is said in one
        line and the rest of the block does not run."""
        try:
            yield
        except UserError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")  # type: ignore[attr-defined]

    def delete_after_asking(
        self, question: str, delete: Callable[[StorePort], object], then: Callable[[], object]
    ) -> None:
        """Deleting one of your own entries: ask `question` (Delete, or Keep it); on Delete,
        `delete(store)` in a store worker, the store's refusal said in one line, else `then()`."""
        from stretchtui.ui.screens.dialogs import ask_then  # (dialogs imports this module)

        ask_then(self.stretch_app, question, lambda: self._delete(delete, then), yes="Delete", no="Keep it")

    @store_work(group="library-write")
    def _delete(self, delete: Callable[[StorePort], object], then: Callable[[], object]) -> None:
        with self.refusal_said():
            delete(self.stretch_app.store)
            then()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A screen's database job failed: say so in one line (see StretchApp.report_failure).
        (A named handler, not @on: Textual collects @on handlers only from Widget classes.)"""
        if (error := failed(event)) is not None:
            self.stretch_app.report_failure(error)


class FramedScreen(StretchAppMixin, Screen):
    """A full screen: the top bar, the screen's own widgets (`compose_body`), the key bar.

    A main screen's title is its title in MAIN_SCREENS. A screen opened over a main screen says in
    the top bar which one it belongs to (`NAV_MODE`, else the mode it was opened on) and what it is
    (`NAV_SUBTITLE`); with `BACK_ID`, Esc goes back to where it was opened from (a binding with that
    id, after the screen's own)."""

    NAV_MODE: ClassVar[str | None] = None
    NAV_SUBTITLE: ClassVar[str] = ""
    BACK_ID: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if (main := main_screen_of(cls)) is not None:
            cls.TITLE = main.title
        if "BACK_ID" in cls.__dict__:  # before Textual's __init_subclass__ reads BINDINGS
            cls.BINDINGS = [*cls.__dict__.get("BINDINGS", []), Binding("escape", "back", "Back", id=cls.BACK_ID)]
        super().__init_subclass__(**kwargs)

    def compose(self) -> ComposeResult:
        yield NavBar(self.NAV_MODE, subtitle=self.NAV_SUBTITLE)
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        return iter(())

    def action_back(self) -> None:
        self.dismiss()


# Classes a screen gets from the terminal's size, for the sheets that tighten a screen on a small
# terminal: -slim under 60 columns, -short under 20 rows. Set only where a sheet uses them.
SLIM_BELOW_60 = [(0, "-slim"), (60, "-roomy")]
SHORT_BELOW_20 = [(0, "-short"), (20, "-tall")]

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A stretchtui dialog: centred over the screen below, styled by dialogs.tcss (which is read
    when the first dialog opens, not before the first frame)."""

    CSS_PATH: ClassVar[CSSPathType | None] = "dialogs.tcss"
    HORIZONTAL_BREAKPOINTS = SLIM_BELOW_60  # buttons stack on a narrow terminal


class Choice(NamedTuple):
    """One choice of a ChoiceDialog, defined once: its id (what choosing it returns), its keys, what
    the key bar and Help call it, and its button (`variant`; `button`, other words for the button
    than the key's; None: the key alone, no button). The button shows the choice's letter key."""

    id: str
    keys: str
    words: str
    variant: ButtonVariant = "default"
    button: str | None = ""

    def binding(self, prefix: str) -> Binding:
        """`choose('<id>')` on its keys, the binding's id `<prefix>-<id>`."""
        return Binding(self.keys, f"choose('{self.id}')", self.words, id=f"{prefix}-{self.id}")

    def make_button(self) -> Button:
        from textual.widgets import Button

        letter = next(key for key in self.keys.split(",") if len(key) == 1)
        return Button(f"{self.button or self.words} ({letter})", id=self.id, variant=self.variant)


class ChoiceDialog(Dialog[ResultType]):
    """The one dialog of a few named choices (yes/no, OK, end a session, the safety gate): a
    button's id, or a key's `choose('id')`, is the choice; `DEFAULT_CHOICE` (the one Esc chooses)
    is what a button without an id stands for; `FOCUSED` is the id of the button focused on opening
    (None: Textual's first). `allowed` can refuse a choice; `result` turns it into what the dialog
    returns (the id itself unless a subclass says otherwise).

    A dialog lists its `CHOICES` once: its BINDINGS (ids `<ID_PREFIX>-<choice>`), its buttons and
    its DEFAULT_CHOICE come from them. Its look is one layout: the question (`question_text`,
    markup unless given as Content), a hint under it when `hint_text` says one, then the row of
    `buttons`; `BOX_ID` names the box for a sheet. A dialog laid out otherwise (the safety gate)
    composes itself and lists its own BINDINGS."""

    DEFAULT_CHOICE = "cancel"
    FOCUSED: str | None = None
    ID_PREFIX = ""
    CHOICES: ClassVar[tuple[Choice, ...]] = ()
    QUESTION = ""
    HINT = ""
    BOX_ID: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "CHOICES" in cls.__dict__:  # before Textual's __init_subclass__ reads BINDINGS
            cls.BINDINGS = [choice.binding(cls.ID_PREFIX) for choice in cls.CHOICES]
            cls.DEFAULT_CHOICE = next(c.id for c in cls.CHOICES if "escape" in c.keys.split(","))
        super().__init_subclass__(**kwargs)

    def __init__(self, question: str | Content | None = None) -> None:
        """`question`: what is asked this time, in place of QUESTION (a str is markup; Content is
        shown as it is, for words that must never be read as markup)."""
        super().__init__()
        self.question: str | Content = self.QUESTION if question is None else question

    def question_text(self) -> str | Content:
        return self.question

    def hint_text(self) -> str:
        return self.HINT

    def buttons(self) -> Iterable[Button]:
        return (choice.make_button() for choice in self.CHOICES if choice.button is not None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.BOX_ID):
            yield Static(self.question_text(), classes="dialog-question")
            if hint := self.hint_text():
                yield Static(hint, classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield from self.buttons()

    def on_mount(self) -> None:
        if self.FOCUSED is not None:
            self.query_one(f"#{self.FOCUSED}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or self.DEFAULT_CHOICE)

    def allowed(self, choice: str) -> bool:
        return True

    def result(self, choice: str) -> ResultType:
        return cast(ResultType, choice)

    def action_choose(self, choice: str) -> None:
        if self.allowed(choice):
            self.dismiss(self.result(choice))
