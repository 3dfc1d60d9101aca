"""The active session: a guided timer you can follow lying down, that never loses progress.

Every finished, skipped or hurt step is written at once (one writer worker draining a queue, in
order: session_writer), with where to resume. The display is recomputed from the timer (which
derives time from the monotonic clock) into reactives, whose watchers repaint a widget only when its
value changes: at most once a second while a hold counts.

This module is the screen itself: the timer, its keys, and the writes. What it shows is
session_display.SessionDisplay; the dialogs it asks along the way are session_chains.SessionDialogChains.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable
from typing import Any, cast

from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label

from stretchtui.core import cues, phase_cues, timer_events
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.phases import PhaseKind, build_phases
from stretchtui.core.serialize import routine_to_plain
from stretchtui.core.sessions import SessionInfo
from stretchtui.core.timer import SessionTimer
from stretchtui.core.timer_events import Event
from stretchtui.core.vocabulary import Condition
from stretchtui.ui.cue_player import CuePlayer
from stretchtui.ui.screens.base import SLIM_BELOW_60
from stretchtui.ui.screens.session_chains import SessionDialogChains
from stretchtui.ui.screens.session_dialogs import PainScreen
from stretchtui.ui.screens.session_display import SessionDisplay
from stretchtui.ui.screens.session_info import ExerciseInfoScreen
from stretchtui.ui.screens.session_writer import OrderedWriter
from stretchtui.ui.workers import store_work

# The actions that act on a running timer (check_action turns them off before it starts and once it ends).
TIMER_ACTIONS = frozenset({"pause", "resume", "next", "back", "adjust", "reps", "done", "restart", "hurts", "info"})


class SessionScreen(SessionDisplay, SessionDialogChains, Screen[SessionInfo | None], inherit_bindings=False):
    """Runs `routine`; dismisses with the saved session (or None if discarded).

    Only its own keys (no focus or copy keys: nothing here takes focus), each shown only while it
    does something (check_action): the key bar and `?` list exactly the keys that work now."""

    CSS_PATH = "session.tcss"  # read when first shown (see stretchtui.tcss)
    HORIZONTAL_BREAKPOINTS = [*SLIM_BELOW_60, (160, "-wide")]  # -wide: a larger figure (session.tcss)
    # Below 24 rows the session drops its spacing, the banner's height and the figure (session.tcss),
    # so the countdown, cue, next exercise and progress stay in view: its banner and countdown need
    # more rows than the other screens' contents.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]

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
        program: tuple[str, int] | None = None,
    ) -> None:
        """`program`: the prescription (id, version) in force, stored with the session.
        `safety_confirmed`: what the person confirmed at the safety gate (StretchApp.open_session),
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
        self.program = program
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
        self._sound: CuePlayer | None = None  # made when a cue first wants a sound (cue_sound)

    def on_mount(self) -> None:
        if self.resume_info is not None:
            self._resume(self.resume_info)
        elif self.ask_pain:
            self.app.push_screen(PainScreen("Before you start: how is your pain right now?"), self._pain_before)
        else:
            self._begin(None)

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
                program=self.program,
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
            if isinstance(event, timer_events.StepRecorded):
                self._save_step(event)
            elif isinstance(event, timer_events.PhaseStarted):
                self.query_one("#session-digits").remove_class("-ending")
                if event.index > 0:
                    self._ring(phase_cues.PHASE_CUES[event.phase.kind].bells)
            elif isinstance(event, timer_events.LastSeconds):
                self.query_one("#session-digits").add_class("-ending")
                if settings["cue_sound"]:
                    self._player().tick()
            elif isinstance(event, timer_events.SwitchSide):
                self._notify_desktop("Switch sides", f"{event.phase.exercise_name}: {event.phase.side.value} side")
            elif isinstance(event, timer_events.ExerciseDone):
                self._notify_desktop("Exercise done", self._next_name() or "Last one done")
            elif isinstance(event, timer_events.SessionDone):
                if not self._hold_finish:
                    self._finish_complete()
        self._schedule()

    def _ring(self, bells: int) -> None:
        """A phase's cue: its number of bells (core.phase_cues.PHASE_CUES), spaced so the terminal
        does not merge them, and the same as beeps when a local sound is on."""
        settings = self.stretch_app.settings
        if settings["cue_bell"] and bells > 0:
            self.app.bell()
            for i in range(1, bells):
                self.set_timer(i * phase_cues.BELL_GAP_SECONDS, self.app.bell)
        if settings["cue_sound"]:
            self._player().bells(bells)

    def _player(self) -> CuePlayer:
        if self._sound is None:
            self._sound = CuePlayer()
        return self._sound

    def _save_step(self, event: timer_events.StepRecorded) -> None:
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

    async def on_unmount(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        if self._sound is not None:
            self._sound.close()
        self.stretch_app.show_session_badge(None)
        # Closing (the summary read, or the app quitting) with a write still queued or waiting for
        # the database: finish it here, before the app closes the store.
        await asyncio.to_thread(self._writer.drain)
