"""The active session: a guided timer you can follow lying down, that never loses progress.

Every finished, skipped or hurt step is written at once (one writer worker draining a queue, in
order: session_writer), with where to resume. The display is recomputed from the timer (which
derives time from the monotonic clock) into reactives, whose watchers repaint a widget only when its
value changes: at most once a second while a hold counts.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable
from typing import Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Label, Static

from stretchtui.core import cues
from stretchtui.core.after_hurt import offer_after_hurt
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.phases import PhaseKind, build_phases
from stretchtui.core.serialize import routine_to_plain
from stretchtui.core.sessions import SessionInfo, SessionStatus
from stretchtui.core.timer import SessionTimer
from stretchtui.core.timer_events import (
    Event,
    ExerciseDone,
    LastSeconds,
    PhaseStarted,
    SessionDone,
    StepRecorded,
    SwitchSide,
)
from stretchtui.core.vocabulary import Condition, Kind, plural
from stretchtui.ui.screens.base import SHORT_BELOW_20, SLIM_BELOW_60, StretchAppMixin
from stretchtui.ui.screens.session_dialogs import AlternativeScreen, EndSessionScreen, PainScreen, SummaryScreen
from stretchtui.ui.screens.session_info import ExerciseInfoScreen, steps_content
from stretchtui.ui.screens.session_writer import OrderedWriter
from stretchtui.ui.widgets.keybar import KeyBar
from stretchtui.ui.widgets.navbar import SessionBadge
from stretchtui.ui.widgets.progress_line import ProgressLine
from stretchtui.ui.workers import store_work

PHASE_TITLES = {
    PhaseKind.GET_READY: "GET READY",
    PhaseKind.HOLD: "HOLD",
    PhaseKind.REPS: "REPS",
    PhaseKind.SWITCH_SIDE: "SWITCH SIDE",
    PhaseKind.REST: "REST",
    PhaseKind.DONE: "DONE",
}
DIALOG_GROUP = "session-dialogs"  # the workers that wait for an answer in a dialog, not for the database
BREATH_SECONDS = 4  # in for four, out for four: a calm pace for slow mobility moves
# The actions that act on a running timer (check_action turns them off before it starts and once it ends).
TIMER_ACTIONS = frozenset({"pause", "resume", "next", "back", "adjust", "reps", "done", "restart", "hurts", "info"})


def streak_line(current: int, today_done: bool) -> str:
    """'3 days, done today' / 'no streak yet: today is not done'."""
    if current == 0:
        return "done today: a new streak starts" if today_done else "no streak yet: today's goal is not met"
    days = plural(current, "day")
    return f"{days}, done today" if today_done else f"{days}, not done today yet"


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


class SessionScreen(StretchAppMixin, Screen[SessionInfo | None], inherit_bindings=False):
    """Runs `routine`; dismisses with the saved session (or None if discarded).

    Only its own keys (no focus or copy keys: nothing here takes focus), each shown only while it
    does something (check_action): the key bar and `?` list exactly the keys that work now."""

    CSS_PATH = "session.tcss"  # read when first shown (see stretchtui.tcss)
    HORIZONTAL_BREAKPOINTS = SLIM_BELOW_60
    VERTICAL_BREAKPOINTS = SHORT_BELOW_20  # the countdown, cue and progress stay in view

    TITLE = "Session"
    BINDINGS = [
        Binding("space", "pause", "Pause", id="session-pause"),
        Binding("space", "resume", "Resume", id="session-resume"),
        Binding("n,right", "next", "Next", id="session-next", key_display="n/→"),
        Binding("p,left", "back", "Back", id="session-back", key_display="p/←"),
        # +/- change a countdown by ten seconds; a reps step by one rep (its count is what shows).
        Binding("plus,equals_sign", "adjust(10)", "±10 s", id="session-plus", key_display="+/-"),
        Binding("minus,underscore", "adjust(-10)", "±10 s", id="session-minus", key_display="+/-", show=False),
        Binding("plus,equals_sign", "reps(1)", "±1 rep", id="session-rep-plus", key_display="+/-"),
        Binding("minus,underscore", "reps(-1)", "±1 rep", id="session-rep-minus", key_display="+/-", show=False),
        Binding("d,enter", "done", "Done", id="session-done"),
        Binding("r", "restart", "Restart step", id="session-restart", show=False),
        Binding("h", "hurts", "This hurts", id="session-hurts"),
        Binding(
            "i",
            "info",
            "Cautions and steps",
            id="session-info",
            show=False,
            tooltip="The exercise's cautions and steps; the timer keeps running",
        ),
        Binding("q,escape", "end", "End", id="session-end"),
    ]

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

    def __init__(
        self,
        routine: Routine,
        exercises: dict[str, Exercise],
        *,
        resume: SessionInfo | None = None,
        ask_pain: bool = True,
        stored_routine: bool = True,
        safety_confirmed: dict[str, Any] | None = None,
        conditions: frozenset[Condition] = frozenset(),
        hurt_recently: frozenset[str] = frozenset(),
    ) -> None:
        """`safety_confirmed`: what the person confirmed at the safety gate (StretchApp.open_session),
        stored with the session. `conditions` and `hurt_recently` keep "this hurts" from offering a
        move that does not suit the person or hurt lately (core.after_hurt)."""
        super().__init__()
        self.routine = routine
        self.safety_confirmed = safety_confirmed
        self.conditions = conditions
        self.hurt_recently = hurt_recently
        self.stored_routine = stored_routine and bool(routine.id)  # False: a suggestion or one exercise
        self.exercises = exercises
        self.resume_info = resume
        self.ask_pain = ask_pain and resume is None
        self.phases = build_phases(routine, exercises)
        self.timer: SessionTimer | None = None
        self.session_id: int | None = resume.id if resume else None
        self.pain_before: int | None = resume.pain_before if resume else None
        self._ticker: Timer | None = None
        self._writer = OrderedWriter(
            self._drain_writes,
            worth_retrying=lambda error: self.stretch_app.store.worth_retrying(error),
            waiting=lambda waiting: self._from_thread(self._show_saving, waiting),
            failed=lambda error: self._from_thread(self.stretch_app.report_failure, error),
        )
        self._finishing = False
        self._hold_finish = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="session-main"):
            with Horizontal(id="session-top"):
                yield Label("", id="session-phase")
                yield Label("", id="session-saving")
                yield Label("", id="session-position")
            yield Static("", id="session-exercise")
            with Horizontal(id="session-clock"):
                yield Digits("", id="session-digits")
                yield Static("", id="session-counts")
            yield Static("", id="session-cue")
            yield Static("", id="session-breath")
            yield Static("", id="session-steps")
            yield Static("", id="session-next-up")
            with Horizontal(id="session-progress"):
                yield ProgressLine(id="session-bar")
                yield Label("", id="session-left")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.resume_info is not None:
            self._resume(self.resume_info)
        elif self.ask_pain:
            self.app.push_screen(PainScreen("Before you start: how is your pain right now?"), self._pain_before)
        else:
            self._begin(None)

    def _pain_before(self, pain: int | None) -> None:
        """Pain of 8 or more right now (core.safety.ASK_AGAIN_PAIN): stretching is not advised; the
        session starts only on an explicit "start anyway" (Esc and Enter keep it from starting)."""
        from stretchtui.core.safety import ASK_AGAIN_PAIN
        from stretchtui.ui.screens.dialogs import ConfirmScreen

        if pain is None or pain < ASK_AGAIN_PAIN:
            self._begin(pain)
            return

        def chosen(start: bool | None) -> None:
            if start:
                self._begin(pain)
            else:
                self.dismiss(None)  # nothing was written
                self.app.notify(
                    "Not started. Rest in whatever position eases it, keep gently moving as you "
                    "can, and seek advice if the pain does not settle.",
                    title=f"Pain {pain}/10",
                    severity="warning",
                    timeout=12,
                )

        self.app.push_screen(
            ConfirmScreen(
                f"Pain of {pain}/10 is too much to stretch through. Rest in a position that eases it instead: "
                "on your back with knees bent, or on your side. Start anyway?",
                yes="Start anyway",
                no="Not now",
            ),
            chosen,
        )

    # ------------------------------------------------------------------ starting

    def _begin(self, pain_before: int | None) -> None:
        self.pain_before = pain_before
        self.timer = SessionTimer(self.phases, self.stretch_app.clock.monotonic)
        store = self.stretch_app.store
        routine_id = self.routine.id if self.stored_routine else None
        planned = self.timer.total_planned_seconds

        events = self.timer.start()
        # Resumable from its first exercise, even if the app is killed before a step is saved.
        snapshot = {"timer": self.timer.snapshot(), "routine": routine_to_plain(self.routine)}

        def create() -> None:
            info = store.sessions.start_session(
                routine_id,
                self.routine.name,
                planned,
                pain_before=pain_before,
                resume_state=snapshot,
                safety_confirmed=self.safety_confirmed,
            )
            self.session_id = info.id

        self._write(create)
        self._handle(events)
        self._refresh_display()

    def _resume(self, info: SessionInfo) -> None:
        state = info.resume_state or {}
        self.timer = SessionTimer.from_snapshot(self.phases, state.get("timer", {}), self.stretch_app.clock.monotonic)
        self._write(lambda: self.stretch_app.store.sessions.reopen_session(info.id))
        self.notify("Resumed where you stopped. Press space to continue.")
        self._refresh_display()

    # ------------------------------------------------------------------ time

    def _schedule(self) -> None:
        """Wake exactly when the shown second changes (or a rep or breath turns), never more often."""
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        timer = self.timer
        if timer is None or timer.finished or timer.paused:
            return
        remaining = timer.remaining
        delay = remaining - math.floor(remaining - 1e-6) if remaining > 0 else 0.05
        self._ticker = self.set_timer(max(0.05, min(delay, 1.0)), self.tick_now)

    def tick_now(self) -> None:
        """Bring the session up to the clock now, as the ticker does each second (public so a
        frozen clock moved by hand, in tests and screenshots, is seen at once)."""
        if self.timer is not None:
            events = self.timer.tick()
            self._handle(events)
            # Without an event the phase is the same: only what counts (time, reps, breath) moves.
            self._refresh_display() if events else self._refresh_clock()

    # ------------------------------------------------------------------ events -> cues and writes

    def _handle(self, events: list[Event]) -> None:
        settings = self.stretch_app.settings
        for event in events:
            if isinstance(event, StepRecorded):
                self._save_step(event)
            elif isinstance(event, PhaseStarted):
                self.query_one("#session-digits").remove_class("-ending")
                if settings["cue_bell"] and event.index > 0:
                    self.app.bell()
            elif isinstance(event, LastSeconds):
                self.query_one("#session-digits").add_class("-ending")
            elif isinstance(event, SwitchSide):
                self._notify_desktop("Switch sides", f"{event.phase.exercise_name}: {event.phase.side.value} side")
            elif isinstance(event, ExerciseDone):
                self._notify_desktop("Exercise done", self._next_name() or "Last one done")
            elif isinstance(event, SessionDone):
                if not self._hold_finish:
                    self._finish_complete()
        self._schedule()

    def _save_step(self, event: StepRecorded) -> None:
        timer = self.timer
        assert timer is not None
        snapshot = {"timer": timer.snapshot(), "routine": routine_to_plain(self.routine)}
        active = timer.work_seconds
        record = event.record
        self._write(
            lambda: self.stretch_app.store.sessions.record_step(
                cast(int, self.session_id), record, active_seconds=active, resume_state=snapshot
            )
        )

    def _notify_desktop(self, heading: str, body: str) -> None:
        if self.stretch_app.settings["cue_notify"]:
            self.stretch_app.write_terminal(cues.notification(heading, body, in_tmux=bool(os.environ.get("TMUX"))))

    # ------------------------------------------------------------------ writes, in order, off the event loop

    def _write(self, job: Callable[[], None]) -> None:
        """Queue a store write behind every one queued before it (session_writer.OrderedWriter)."""
        self._writer.put(job)

    @store_work(group="session-writer")
    def _drain_writes(self) -> None:
        """The writer's drain loop, in a thread worker that ends once the queue is empty."""
        self._writer.drain()

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Show something from the writer's thread. Best effort: the app may have ended, or be
        closing this screen (the write itself is done, or logged by report_failure)."""
        try:
            self.app.call_from_thread(callback, *args)
        except Exception:  # noqa: BLE001 - nothing left to show it on
            pass

    def _show_saving(self, waiting: bool) -> None:
        """ "saving…" beside the phase while a write waits for the database (the label is gone
        when the screen is closing)."""
        for label in self.query("#session-saving").results(Label):
            label.update("saving…" if waiting else "")
            label.display = waiting

    def _after_writes(self, then: Callable[[], None]) -> None:
        """Run `then` on the event loop once everything queued so far is written."""
        self._write(lambda: self.app.call_from_thread(then))

    # ------------------------------------------------------------------ display

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
        self.shown_phase = PHASE_TITLES[phase.kind] + ("  ·  PAUSED" if timer.paused else "")
        self.shown_keys = (phase.kind, timer.paused, timer.finished)
        self.set_class(timer.paused, "-paused")
        self.set_class(phase.kind in (PhaseKind.REST, PhaseKind.SWITCH_SIDE, PhaseKind.GET_READY), "-between")
        position = ""
        if phase.kind is not PhaseKind.DONE:
            position = f"exercise {self._current_item() + 1} of {len(self.routine.items)}"
        self.shown_position = position
        name = phase.exercise_name or "All done"
        side = "" if phase.side.value == "both" else f"  ·  {phase.side.value.upper()} side"
        self.shown_exercise = (name, side)
        self.shown_cue = self._cue(phase, exercise)
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(exercise.steps, 1)) if exercise else ""
        # Getting into position (get ready, or the rest before it): when to stop comes first.
        getting_ready = phase.kind in (PhaseKind.GET_READY, PhaseKind.REST)
        cautions = exercise.cautions if exercise is not None and getting_ready else ()
        self.shown_steps = (steps, tuple(cautions))
        self.shown_next = self._next_name()
        self._refresh_clock()

    def _refresh_clock(self) -> None:
        """Show what moves within a phase: the countdown or reps, the breath, progress, time left."""
        timer = self.timer
        if timer is None:
            return
        phase = timer.phase
        if phase.kind is PhaseKind.REPS:
            big = str(timer.current_rep)
            counts = (
                f"rep {timer.current_rep} of {timer.target_reps}\n"
                f"{phase.seconds_per_rep} s each · d when done · +/- a rep"
            )
        else:
            big = clock_text(timer.remaining)
            counts = ""
        if phase.sets > 1:
            counts = (counts + "\n" if counts else "") + f"set {phase.set_number} of {phase.sets}"
        self.shown_digits = big
        self.shown_counts = counts
        self.shown_breath = self._breath(phase, self.exercises.get(phase.exercise_id), timer)
        self.shown_done_seconds = round(timer.progress * max(1, timer.total_planned_seconds))
        self.shown_left = f"{clock_text(timer.time_left)} left"
        self.shown_badge = self._badge(timer)
        if self.stretch_app.settings["cue_title"]:
            self.shown_title = cues.countdown_title(timer.remaining, phase.exercise_name or "stretchtui", timer.paused)

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
        self.query_one("#session-digits", Digits).update(big)

    def watch_shown_counts(self, before: str | None, counts: str) -> None:
        update_text(self.query_one("#session-counts", Static), before, counts)

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
            what = f"{PHASE_TITLES[phase.kind].lower()} {clock_text(timer.remaining)}"
        return SessionBadge(self.routine.name, what, timer.paused and not timer.finished)

    @staticmethod
    def _cue(phase, exercise: Exercise | None) -> str:
        if phase.kind is PhaseKind.GET_READY:
            return f"Get into position for {phase.exercise_name}." if phase.exercise_name else "Get ready."
        if phase.kind is PhaseKind.SWITCH_SIDE:
            return f"Switch to your {phase.side.value} side."
        if phase.kind is PhaseKind.REST:
            return f"Rest. Next: {phase.exercise_name}" + (f", set {phase.set_number}" if phase.sets > 1 else "") + "."
        if phase.kind is PhaseKind.DONE:
            return "Well done."
        if exercise is None:
            return ""
        return exercise.feel or ""

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

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key is on (in the key bar and in `?`) only while it does something: the controls while
        the session runs, space as Pause or Resume, +/- as seconds or (in a reps step) reps, 'Done'
        while a hold or reps step counts."""
        timer = self.timer
        if action not in TIMER_ACTIONS:  # End, always
            return True
        if timer is None or timer.finished:
            return False
        phase = timer.phase
        return {
            "pause": not timer.paused,
            "resume": timer.paused,
            "adjust": phase.kind is not PhaseKind.REPS,
            "reps": phase.kind is PhaseKind.REPS,
            "done": phase.is_work,
            "info": phase.exercise_id in self.exercises,
        }.get(action, True)

    def _control(self, action: Callable[[], list[Event]]) -> None:
        if self.timer is None or self.timer.finished:
            return
        self._handle(action())
        self._refresh_display()

    def _control_timer(self, action: Callable[[SessionTimer], list[Event]]) -> None:
        """A key's action on the running timer (nothing before it has started)."""
        timer = self.timer
        if timer is not None:
            self._control(lambda: action(timer))

    def action_pause(self) -> None:
        self._control_timer(lambda timer: timer.pause())

    def action_resume(self) -> None:
        self._control_timer(lambda timer: timer.unpause())

    def action_next(self) -> None:
        self._control_timer(lambda timer: timer.next())

    def action_back(self) -> None:
        self._control_timer(lambda timer: timer.back())

    def action_adjust(self, seconds: int) -> None:
        self._control_timer(lambda timer: timer.adjust(seconds))

    def action_reps(self, delta: int) -> None:
        self._control_timer(lambda timer: timer.adjust_reps(delta))

    def action_done(self) -> None:
        self._control_timer(lambda timer: timer.done())

    def action_restart(self) -> None:
        self._control_timer(lambda timer: timer.restart_step())

    def action_info(self) -> None:
        """i: the exercise's cautions and steps, over the session; the timer keeps running."""
        timer = self.timer
        exercise = self.exercises.get(timer.phase.exercise_id) if timer is not None else None
        if exercise is not None:
            self.app.push_screen(ExerciseInfoScreen(exercise))

    def action_hurts(self) -> None:
        timer = self.timer
        if timer is None or timer.finished:
            return
        was_paused = timer.paused
        if not was_paused:
            self._control(timer.pause)
        self._ask_what_hurts(timer, was_paused)

    @work(exclusive=True, group=DIALOG_GROUP)
    async def _ask_what_hurts(self, timer: SessionTimer, was_paused: bool) -> None:
        """ "This hurts": how much (Esc: it is fine, carry on), then, after noting it, a gentler
        move, a position that eases it, or ending for today (core.after_hurt)."""
        phase = timer.phase
        pain = await self.app.push_screen_wait(
            PainScreen(f"How much does {phase.exercise_name} hurt?", "0-9, or t for 10. Esc: it's fine, carry on.")
        )
        if pain is None:
            if not was_paused:
                self._control(timer.unpause)
            return
        self._hold_finish = True
        self._handle(timer.hurt(pain))
        hurt_exercise = self.exercises.get(phase.exercise_id)
        offer = None
        if hurt_exercise is not None:
            used = {p.exercise_id for p in timer.phases}
            hurt_here = {r.exercise_id for r in timer.records if r.outcome.value == "hurt"}
            offer = offer_after_hurt(
                hurt_exercise,
                self.exercises.values(),
                exclude=used,
                pain=pain,
                conditions=self.conditions,
                hurt_recently=self.hurt_recently | hurt_here,
            )
        choice: str | None = None
        if offer is not None:
            choice = await self.app.push_screen_wait(AlternativeScreen(phase.exercise_name, offer))
        else:
            self.notify(f"Stopped {phase.exercise_name} and noted it. Moving on.", severity="warning")
        self._hold_finish = False
        if choice == "end":
            self._finish(SessionStatus.PARTIAL, ask_pain=True)
            return
        if choice == "take" and offer is not None and offer.exercise is not None:
            self._handle(timer.insert_alternative(offer.exercise))
        if timer.finished:
            self._finish_complete()
        elif timer.paused:
            self._control(timer.unpause)
        self._refresh_display()

    def action_end(self) -> None:
        timer = self.timer
        if timer is None:
            self.dismiss(None)
            return
        was_paused = timer.paused
        if not was_paused and not timer.finished:
            self._control(timer.pause)
        self._ask_how_to_end(timer, was_paused)

    @work(exclusive=True, group=DIALOG_GROUP)
    async def _ask_how_to_end(self, timer: SessionTimer, was_paused: bool) -> None:
        """`q`: save as partial, discard, or keep going (as it was: paused or not)."""
        choice = await self.app.push_screen_wait(EndSessionScreen())
        if choice == "partial":
            self._finish(SessionStatus.PARTIAL, ask_pain=True)
        elif choice == "discard":
            self._finish(SessionStatus.DISCARDED, ask_pain=False)
        elif not was_paused:
            self._control(timer.unpause)

    # ------------------------------------------------------------------ finishing

    def _finish_complete(self) -> None:
        """Reaching the end is complete only if at most half the steps were skipped: skipping through
        a routine must not keep a streak."""
        timer = self.timer
        assert timer is not None
        latest = {r.step_index: r for r in timer.records}
        skipped = sum(1 for r in latest.values() if r.outcome.value == "skipped")
        status = SessionStatus.COMPLETE if latest and skipped * 2 <= len(latest) else SessionStatus.PARTIAL
        self._finish(status, ask_pain=True)

    def _finish(self, status: SessionStatus, *, ask_pain: bool) -> None:
        if self._finishing:
            return
        self._finishing = True
        if self._ticker is not None:
            self._ticker.stop()
        timer = self.timer
        assert timer is not None
        wall, active = timer.wall_seconds, timer.work_seconds

        def save(pain_after: int | None) -> None:
            result: dict[str, SessionInfo] = {}

            def finish() -> None:
                result["info"] = self.stretch_app.store.sessions.finish_session(
                    cast(int, self.session_id), status, active_seconds=active, pain_after=pain_after
                )
                summary = self.stretch_app.store.history.streak_summary(self.stretch_app.current_day())
                result["streak"] = summary  # type: ignore[assignment]

            self._write(finish)
            self._after_writes(lambda: self._show_summary(result, wall))

        if ask_pain and self.pain_before is not None:
            self.stretch_app.bring_forward(
                self, lambda: self.app.push_screen(PainScreen("And your pain now, after the session?"), save)
            )
        else:
            save(None)

    def _show_summary(self, result: dict[str, Any], wall: float) -> None:
        """The summary, over this screen, wherever the person went meanwhile (1-5)."""
        self.stretch_app.bring_forward(self, lambda: self._summary(result, wall))

    def _summary(self, result: dict[str, Any], wall: float) -> None:
        info: SessionInfo | None = result.get("info")
        if info is None:
            self.dismiss(None)
            return
        self.stretch_app.write_terminal(cues.title("stretchtui"))
        if info.status is SessionStatus.DISCARDED:
            self.notify("Session discarded.")
            self.dismiss(info)
            return
        streak = result.get("streak")
        line = "—"
        if streak is not None:
            line = streak_line(streak.current, streak.today_done)
        self.app.push_screen(SummaryScreen(info, wall, line), lambda _: self.dismiss(info))

    async def on_unmount(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        self.stretch_app.show_session_badge(None)
        # Closing (the summary read, or the app quitting) with a write still queued or waiting for
        # the database: finish it here, before the app closes the store.
        await asyncio.to_thread(self._writer.drain)
