"""What the session screen shows (mixed into SessionScreen): its layout, one reactive per shown
value and the watcher that repaints that value's widget only when it changed.

Kept apart from the screen's timer, keys and writes (ui/screens/session.py) because this is the
part that runs every second: `_refresh_display` on a new phase, `_refresh_clock` on each tick."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.reactive import var
from textual.widgets import Label, Static

from stretchtui.core import cues, phase_cues
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.phases import PhaseKind
from stretchtui.core.timer import SessionTimer
from stretchtui.core.vocabulary import Kind, plural
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.screens.session_info import steps_content
from stretchtui.ui.widgets.big_clock import BigClock
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.widgets.navbar import SessionBadge
from stretchtui.ui.widgets.pose_figure import PoseFigure
from stretchtui.ui.widgets.progress_line import ProgressLine

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

    from stretchtui.core.sessions import SessionInfo

    _ScreenBase = Screen[SessionInfo | None]  # to the type checker the mixin is the screen's half
else:
    _ScreenBase = object

PHASE_CLASSES = {kind: f"-phase-{kind.value.replace('_', '-')}" for kind in PhaseKind}
BREATH_SECONDS = 4  # in for four, out for four: a calm pace for slow mobility moves


def clock_text(seconds: float) -> str:
    """Whole seconds, rounded up, so a countdown shows 0:01 until it is really over."""
    minutes, secs = divmod(max(0, math.ceil(seconds - 1e-6)), 60)
    return f"{minutes}:{secs:02d}"


def update_text(widget: Static, before: str | None, text: str) -> None:
    """Show plain text (never markup) that changes every second or so: the screen is laid out again
    only when the text's shape (lines, length) changes, not for every new digit (a layout costs
    more than everything else a tick does)."""
    layout = before is None or (before.count("\n"), len(before)) != (text.count("\n"), len(text))
    widget.update(Content(text), layout=layout)


class SessionDisplay(StretchAppMixin, _ScreenBase):
    """The session screen's view of its timer (SessionScreen sets `timer`, `routine` and `exercises`)."""

    timer: SessionTimer | None
    routine: Routine
    exercises: dict[str, Exercise]

    # What the session shows, one reactive per shown value: `_refresh_display` sets them all from
    # the timer, and a watcher repaints its widget only when its value changed. None until the
    # first refresh, which therefore shows every one.
    shown_phase: var[str | None] = var(None, init=False)
    shown_keys: var[tuple[PhaseKind, bool, bool] | None] = var(None, init=False)  # which keys work
    shown_position: var[str | None] = var(None, init=False)
    shown_exercise: var[tuple[str, str] | None] = var(None, init=False)  # (name, "  ·  LEFT side")
    shown_digits: var[str | None] = var(None, init=False)
    shown_counts: var[str | None] = var(None, init=False)
    shown_cue: var[str | None] = var(None, init=False)
    shown_breath: var[str | None] = var(None, init=False)
    shown_steps: var[tuple[str, tuple[str, ...]] | None] = var(None, init=False)  # (steps, cautions)
    shown_next: var[str | None] = var(None, init=False)
    shown_done_seconds: var[int | None] = var(None, init=False)  # the progress bar, in whole seconds
    shown_left: var[str | None] = var(None, init=False)
    shown_badge: var[SessionBadge | None] = var(None, init=False)
    shown_title: var[str | None] = var(None, init=False)  # the terminal's title (cue_title)
    shown_figure: var[tuple[str, bool] | None] = var(None, init=False)  # (exercise id, right side)
    shown_figure_step: var[int | None] = var(None, init=False)  # where a moving figure is in its move

    def compose(self) -> ComposeResult:
        with Vertical(id="session-main"):
            with Horizontal(id="session-top"):
                yield Label("", id="session-phase")
                yield Label("", id="session-saving")
                yield Label("", id="session-position")
            yield Static("", id="session-exercise")
            with Horizontal(id="session-stage"):
                with Vertical(id="session-clock"):
                    yield BigClock(id="session-digits")
                    yield Static("", id="session-counts")
                yield PoseFigure(id="session-figure")
            yield Static("", id="session-cue")
            yield Static("", id="session-breath")
            yield Static("", id="session-steps")
            yield Static("", id="session-next-up")
            with Horizontal(id="session-progress"):
                yield ProgressLine(id="session-bar")
                yield Label("", id="session-left")
        yield KeyBar()

    def _current_item(self) -> int:
        """The routine item the current phase belongs to (get ready belongs to the first)."""
        timer = self.timer
        if timer is None:
            return 0
        if timer.phase.exercise_index >= 0:
            return timer.phase.exercise_index
        return next((p.exercise_index for p in timer.phases if p.is_work), 0)

    def _next_name(self) -> str:
        timer = self.timer
        if timer is None:
            return ""
        current = self._current_item()
        return next(
            (p.exercise_name for p in timer.phases[timer.index + 1 :] if p.is_work and p.exercise_index > current), ""
        )

    def _refresh_display(self) -> None:
        """Show the timer: its phase (what to do, which keys work) and what counts in it."""
        timer = self.timer
        if timer is None:
            return
        phase = timer.phase
        exercise = self.exercises.get(phase.exercise_id)
        self.shown_keys = (phase.kind, timer.paused, timer.finished)
        self.set_class(timer.paused, "-paused")
        for kind, name in PHASE_CLASSES.items():
            self.set_class(kind is phase.kind, name)
        self.set_class(phase.kind in (PhaseKind.REST, PhaseKind.SWITCH_SIDE, PhaseKind.GET_READY), "-between")
        position = ""
        if phase.kind is not PhaseKind.DONE:
            position = f"exercise {self._current_item() + 1} of {len(self.routine.items)}"
        self.shown_position = position
        name = phase.exercise_name or self._end_words(timer)[0]
        side = "" if phase.side.value == "both" else f"  ·  {phase.side.value.upper()} side"
        self.shown_exercise = (name, side)
        self.shown_cue = self._end_words(timer)[1] if phase.kind is PhaseKind.DONE else self._cue(phase, exercise)
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(exercise.steps, 1)) if exercise else ""
        # Getting into position (get ready, or the rest before it): when to stop comes first.
        getting_ready = phase.kind in (PhaseKind.GET_READY, PhaseKind.REST)
        cautions = exercise.cautions if exercise is not None and getting_ready else ()
        self.shown_steps = (steps, tuple(cautions))
        self.shown_next = self._next_name()
        self.shown_figure = (phase.exercise_id, phase.side.value == "right")
        self._refresh_clock()

    def _refresh_clock(self) -> None:
        """Show what moves within a phase: the countdown or reps, the breath, progress, time left."""
        timer = self.timer
        if timer is None:
            return
        phase = timer.phase
        banner = phase_cues.banner(phase.kind)
        if phase.kind is PhaseKind.REPS:
            banner += f"  ·  rep {timer.current_rep} of {timer.target_reps}"
            if phase.seconds_per_rep > 0:  # each rep counts down on its own
                big = str(math.ceil(timer.rep_remaining - 1e-6)) if timer.rep_remaining > 0 else "0"
                counts = f"rep {timer.current_rep} of {timer.target_reps} · seconds left in this rep\n"
            else:
                big = f"{timer.current_rep}/{timer.target_reps}"
                counts = f"rep {timer.current_rep} of {timer.target_reps}\n"
            counts += "d when done · +/- a rep"
        else:
            big = clock_text(timer.remaining)
            counts = ""
        self.shown_phase = banner + ("  ·  PAUSED" if timer.paused else "")
        if phase.sets > 1:
            counts = (counts + "\n" if counts else "") + f"set {phase.set_number} of {phase.sets}"
        self.shown_digits = big
        self.shown_counts = counts
        self.shown_breath = self._breath(phase, self.exercises.get(phase.exercise_id), timer)
        self.shown_done_seconds = round(timer.progress * max(1, timer.total_planned_seconds))
        # A moving figure moves while the move is done, a back-and-forth a rep; between moves (and
        # paused) it stands in its starting position.
        pace = phase.seconds_per_rep if phase.kind is PhaseKind.REPS else 0
        figure = self.query_one("#session-figure", PoseFigure)
        moving = phase.is_work and not timer.paused
        self.shown_figure_step = figure.step_at(timer.elapsed_in_phase, pace) if moving else 0
        self.shown_left = f"{clock_text(timer.time_left)} left"
        self.shown_badge = self._badge(timer)
        if self.stretch_app.settings["cue_title"]:
            self.shown_title = phase_cues.phase_title(
                phase.kind, timer.remaining, phase.exercise_name or self.routine.name, timer.paused
            )

    # Each watcher shows one value (see the reactives above).

    def watch_shown_phase(self, title: str) -> None:
        self.query_one("#session-phase", Label).update(title)

    def watch_shown_keys(self) -> None:
        self.refresh_bindings()

    def watch_shown_position(self, position: str) -> None:
        self.query_one("#session-position", Label).update(position)

    def watch_shown_exercise(self, exercise: tuple[str, str]) -> None:
        name, side = exercise
        self.query_one("#session-exercise", Static).update(
            Content.from_markup(f"[b]{escape(name)}[/b][$accent]{escape(side)}[/]")
        )

    def watch_shown_digits(self, big: str) -> None:
        self.query_one("#session-digits", BigClock).text = big

    def watch_shown_counts(self, before: str | None, counts: str) -> None:
        widget = self.query_one("#session-counts", Static)
        widget.display = bool(counts)  # a hold has none: its countdown takes the room
        update_text(widget, before, counts)

    def watch_shown_cue(self, cue: str) -> None:
        self.query_one("#session-cue", Static).update(Content(cue))

    def watch_shown_breath(self, before: str | None, breath: str) -> None:
        update_text(self.query_one("#session-breath", Static), before, breath)

    def watch_shown_steps(self, steps: tuple[str, tuple[str, ...]]) -> None:
        self.query_one("#session-steps", Static).update(steps_content(*steps))

    def watch_shown_next(self, next_name: str) -> None:
        self.query_one("#session-next-up", Static).update(
            Content(f"Next: {next_name}" if next_name else "Last exercise")
        )

    def watch_shown_done_seconds(self, done_seconds: int) -> None:
        total = max(1, self.timer.total_planned_seconds) if self.timer is not None else 1
        self.query_one("#session-bar", ProgressLine).fraction = done_seconds / total

    def watch_shown_left(self, before: str | None, left: str) -> None:
        update_text(self.query_one("#session-left", Label), before, left)

    def watch_shown_figure(self, figure: tuple[str, bool]) -> None:
        exercise_id, right = figure
        widget = self.query_one("#session-figure", PoseFigure)
        widget.exercise_id, widget.right = exercise_id, right

    def watch_shown_figure_step(self, step: int) -> None:
        self.query_one("#session-figure", PoseFigure).step = step

    def watch_shown_badge(self, badge: SessionBadge) -> None:
        self.stretch_app.show_session_badge(badge)

    def watch_shown_title(self, title: str) -> None:
        self.stretch_app.write_terminal(cues.title(title))

    def _badge(self, timer: SessionTimer) -> SessionBadge:
        """What the other screens' top bar says of this session while it runs behind them."""
        phase = timer.phase
        if timer.finished:
            what = "done"
        elif phase.kind is PhaseKind.REPS:
            what = f"rep {timer.current_rep} of {timer.target_reps}"
        else:
            what = f"{phase_cues.PHASE_CUES[phase.kind].title.lower()} {clock_text(timer.remaining)}"
        return SessionBadge(self.routine.name, what, timer.paused and not timer.finished)

    @staticmethod
    def _cue(phase, exercise: Exercise | None) -> str:
        if phase.kind is PhaseKind.GET_READY:
            return f"Get into position for {phase.exercise_name}." if phase.exercise_name else "Get ready."
        if phase.kind is PhaseKind.SWITCH_SIDE:
            return f"Switch to your {phase.side.value} side."
        if phase.kind is PhaseKind.REST:
            return f"Rest. Next: {phase.exercise_name}" + (f", set {phase.set_number}" if phase.sets > 1 else "") + "."
        if exercise is None:
            return ""
        return exercise.feel or ""

    @staticmethod
    def _end_words(timer: SessionTimer) -> tuple[str, str]:
        """What the end says: all done only when every step was done, not skipped or stopped."""
        from stretchtui.core.sessions import Outcome

        records = timer.records
        done = sum(1 for r in records if r.outcome is Outcome.DONE)
        if records and done == len(records):
            return "All done", "Well done."
        return "Session over", f"{done} of {plural(len(records), 'step')} done; the rest were skipped or stopped."

    @staticmethod
    def _breath(phase, exercise: Exercise | None, timer: SessionTimer) -> str:
        """A breathing cue for slow mobility moves: in for four, out for four."""
        if not phase.is_work or exercise is None or exercise.kind is not Kind.MOBILITY:
            return ""
        inhale = int(timer.elapsed_in_phase // BREATH_SECONDS) % 2 == 0
        # "in" is padded to the length of "out": the advice after it stays put, and so does the
        # line's shape (no layout every four seconds).
        cue = "Breathe in… " if inhale else "Breathe out…"
        return (cue + f"  {exercise.breathing}") if exercise.breathing else cue
