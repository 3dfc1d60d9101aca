"""Settings: theme, the day-start hour, the daily goal, grace days and session cues; saved at once."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Select, Static, Switch

from stretchtui.core.settings import BY_KEY, SETTINGS
from stretchtui.ui.widgets.navbar import NavBar
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.workers import store_work
from stretchtui.ui.widgets.keybar import KeyBar



def _choice_label(key: str, value: Any) -> str:
    if key == "day_start_hour":
        return f"{value:02d}:00"
    return str(value)


class SettingsScreen(StretchAppMixin, Screen):
    CSS_PATH = "settings.tcss"  # read when first shown (see stretchtui.tcss)
    TITLE = "Settings"


    def compose(self) -> ComposeResult:
        yield NavBar("settings")
        with VerticalScroll(id="settings-body"):
            with Grid(id="settings-grid"):
                yield Label("Theme", classes="setting-title")
                yield Select([(name, name) for name in sorted(self.app.available_themes)], id="theme",
                             allow_blank=False, value=self.app.theme, compact=True)
                yield Static("Light and dark themes; Ctrl+T switches quickly.", classes="setting-help")
                for spec in SETTINGS:
                    yield Label(spec.title, classes="setting-title")
                    if isinstance(spec.default, bool):
                        yield Switch(spec.default, id=spec.key)
                    else:
                        yield Select([(_choice_label(spec.key, c), c) for c in spec.choices], id=spec.key,
                                     allow_blank=False, value=spec.default, compact=True)
                    yield Static(spec.help, classes="setting-help")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @store_work(group="settings-load")
    def load(self) -> None:
        store = self.stretch_app.store
        values = {spec.key: store.get_setting(spec.key, spec.default) for spec in SETTINGS}
        self.app.call_from_thread(self._apply, values)

    def _apply(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            widget = self.query_one(f"#{key}")
            with widget.prevent(Select.Changed, Switch.Changed):
                widget.value = value

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        if event.value != self.app.theme and event.value is not Select.NULL:
            self.app.theme = str(event.value)  # the app remembers it

    @on(Select.Changed)
    @on(Switch.Changed)
    def _changed(self, event: Select.Changed | Switch.Changed) -> None:
        control = event.control
        if control.id in BY_KEY:
            self.save(control.id, BY_KEY[control.id].check(event.value))

    @store_work(group="settings-save")
    def save(self, key: str, value: Any) -> None:
        self.stretch_app.store.set_setting(key, value)
        if key in self.stretch_app.cue_settings:
            self.stretch_app.cue_settings[key] = value
        elif key == "day_start_hour":
            self.stretch_app.day_start_hour = int(value)
        self.app.call_from_thread(self.notify, f"{BY_KEY[key].title}: saved.", timeout=2)
