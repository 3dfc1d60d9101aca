"""Settings: theme, the day-start hour, the daily goal, grace days, session cues and the health
profile; each saved at once when changed, and nothing written by opening the screen. The rows are
the settings model's (core.settings.ON_SCREEN); the values are the app's `settings`."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.theme import Theme
from textual.widgets import Button, Checkbox, Label, Select, Static, Switch
from textual.worker import get_current_worker

from stretchtui.core.safety import STATE_WORDS, SafetyCheck, State
from stretchtui.core.settings import BY_KEY, ON_SCREEN, Settings
from stretchtui.core.vocabulary import Condition, label
from stretchtui.ui.screens.base import FramedScreen
from stretchtui.ui.widgets.yes_no import TickBox
from stretchtui.ui.workers import store_work

CONDITIONS_HELP = (
    "Listed conditions keep unsuitable moves out of suggestions, and you are asked before starting one of them by hand."
)


def _state_words(state: State) -> str:
    return f"a yes: {STATE_WORDS[state]}" if state in (State.SOON, State.URGENT) else STATE_WORDS[state]


def _choice_label(key: str, value: Any) -> str:
    if key == "day_start_hour":
        return f"{value:02d}:00"
    return str(value)


def _condition_id(condition: Condition) -> str:
    return f"condition-{condition.value}"


def answered_line(check: SafetyCheck, zone: tzinfo) -> str:
    """'Answered 21 Nov 2026: clear.', with why they are asked again, if they are."""
    answered_at = check.profile.answered_at
    if answered_at is None:
        return "Safety questions: not answered yet, so only gentle mobility is suggested."
    day = answered_at.astimezone(zone)
    text = f"Answered {day.day} {day:%b %Y}: {_state_words(check.state)}."
    if check.ask_again:
        text += " Please answer again: " + " ".join(reason.text for reason in check.ask_again)
    return text


SYNC_LINE_EVERY_SECONDS = 30.0


class SettingsScreen(FramedScreen):
    CSS_PATH = "settings.tcss"  # read when first shown (see stretchtui.tcss)
    BINDINGS = [
        Binding("exclamation_mark", "safety_questions", "Safety questions", id="settings-safety", key_display="!"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # What the database holds, once read: until then a change event from the controls (a
        # Select posts one as it mounts) must never be taken for the user's.
        self._saved: dict[str, Any] | None = None
        self._conditions: frozenset[Condition] | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="settings-body"):
            with Grid(id="settings-grid"):
                for spec in ON_SCREEN:  # the model's defaults until the saved values are shown (load)
                    yield Label(spec.title, classes="setting-title")
                    if spec.key == "theme":  # the app's themes; the app saves the one chosen
                        yield Select(
                            [(name, name) for name in sorted(self.app.available_themes)],
                            id="theme",
                            allow_blank=False,
                            value=self.app.theme,
                            compact=True,
                        )
                    elif isinstance(spec.default, bool):
                        yield Switch(spec.default, id=spec.key)
                    else:
                        yield Select(
                            [(_choice_label(spec.key, c), c) for c in spec.choices],
                            id=spec.key,
                            allow_blank=False,
                            value=spec.default,
                            compact=True,
                        )
                    yield Static(spec.help, classes="setting-help")
            yield Label("Health profile", id="health-title")
            yield Static(CONDITIONS_HELP, classes="setting-help", id="health-help")
            with Vertical(id="health-conditions"):
                for condition in Condition:
                    yield TickBox(
                        label(condition), id=_condition_id(condition), classes="condition", compact=True, disabled=True
                    )  # enabled once the saved ones are shown
            with Horizontal(id="safety-answers"):
                yield Static("…", id="safety-answered", markup=False)
                yield Button("Answer the safety questions again (!)", id="ask-again", compact=True)
            yield Label("Sync", id="sync-title")
            yield Static("…", id="sync-line", classes="setting-help", markup=False)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.watch(self.app, "settings", self._settings_changed, init=False)
        self.watch(self.app, "sync_state", self._show_sync)
        self.set_interval(SYNC_LINE_EVERY_SECONDS, self._show_sync)  # "synced 2 min ago" moves on
        self.load()

    def _show_sync(self, _state: object = None) -> None:
        state = self.stretch_app.sync_state
        self.query_one("#sync-line", Static).update("…" if state is None else state.line(self.stretch_app.clock.now()))

    def _theme_changed(self, theme: Theme) -> None:
        """Ctrl+T (or the palette) changed the theme: the Select shows it, without saving twice."""
        select = self.query_one("#theme", Select)
        if select.value != theme.name:
            with select.prevent(Select.Changed):
                select.value = theme.name

    @store_work(group="settings-load", exclusive=True)
    def load(self) -> None:
        """The saved settings and the safety check, read afresh (another process may have changed
        them). Exclusive, and a load another replaced shows nothing: the load on showing Settings
        again could read the answers just before new ones were saved and land after the load those
        started, so Settings showed the old answers (a test failed now and then in CI)."""
        store = self.stretch_app.store
        values = store.settings.read()
        check = store.safety.safety_check()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply, values, check)

    def _apply(self, values: Settings, check: SafetyCheck) -> None:
        if values != self.stretch_app.settings:
            self.stretch_app.settings = values  # read, not written: the app catches up with the file
        self._show(values)
        for condition in Condition:
            tick = self.query_one(f"#{_condition_id(condition)}", TickBox)
            with tick.prevent(Checkbox.Changed):
                tick.value = condition in check.conditions
            tick.disabled = False
        self._conditions = check.conditions
        self._show_answers(check)

    # ------------------------------------------------------------------ settings

    def _show(self, values: Settings) -> None:
        """The controls show `values`, without taking them for changes."""
        for spec in ON_SCREEN:
            if spec.key == "theme":
                continue
            widget: Switch | Select[object] = (  # as compose built it
                self.query_one(f"#{spec.key}", Switch)
                if isinstance(spec.default, bool)
                else self.query_one(f"#{spec.key}", Select)
            )
            with widget.prevent(Select.Changed, Switch.Changed):
                widget.value = values[spec.key]
        self._saved = {spec.key: values[spec.key] for spec in ON_SCREEN}

    def _settings_changed(self, values: Settings) -> None:
        """A setting changed elsewhere (or its save landed): shown without reopening the screen."""
        if self._saved is not None:
            self._show(values)

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value != event.select.value:
            return  # a stale event: the Select shows another value by now
        if event.value != self.app.theme:
            self.app.theme = str(event.value)  # the app remembers it

    @on(Select.Changed)
    @on(Switch.Changed)
    def _changed(self, event: Select.Changed | Switch.Changed) -> None:
        control = event.control
        key = control.id or ""
        if key not in BY_KEY or key == "theme" or self._saved is None:
            return  # not a setting, the theme (the app saves it), or the saved values are not shown yet
        if event.value != control.value or event.value == self._saved.get(key):
            return  # stale (posted before the saved value was shown), or nothing new
        spec = BY_KEY[key]
        value = spec.check(event.value)
        self._saved[key] = value
        self.stretch_app.save_setting(key, value, f"{spec.title}: saved.")

    # ------------------------------------------------------------------ health profile

    def chosen_conditions(self) -> frozenset[Condition]:
        return frozenset(c for c in Condition if self.query_one(f"#{_condition_id(c)}", TickBox).value)

    @on(Checkbox.Changed, ".condition")
    def _condition_changed(self) -> None:
        if self._conditions is None:
            return
        chosen = self.chosen_conditions()
        if chosen != self._conditions:
            self._conditions = chosen
            self.save_conditions(sorted(c.value for c in chosen))

    @store_work(group="settings-save")
    def save_conditions(self, conditions: list[str]) -> None:
        self.stretch_app.store.safety.save_safety(conditions=conditions)
        self.app.call_from_thread(self.notify, "Health profile: saved.", timeout=2)

    @on(Button.Pressed, "#ask-again")
    def action_safety_questions(self) -> None:
        self.stretch_app.ask_safety_questions()

    def _show_answers(self, check: SafetyCheck) -> None:
        self.query_one("#safety-answered", Static).update(answered_line(check, self.stretch_app.clock.zone))

    def reload(self) -> None:
        """New safety answers were saved (StretchApp._save_safety): show their date and state."""
        self.load()

    @on(events.ScreenResume)
    def _resumed(self) -> None:
        """Shown again: settings, conditions and answers changed elsewhere meanwhile are shown."""
        if self._saved is not None:
            self.load()
