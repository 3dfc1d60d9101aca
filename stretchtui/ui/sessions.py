"""Every way into a session, and the one session that runs (mixed into StretchApp).

Today, the routine picker, Library, Routines, the palette, `stretchtui start` and a resume all start
a session through `open_session`, which asks the safety gate first (core.session_gate) and
lets one session run at a time; a session left running behind a main screen is shown in the top
bar (`session_badge`) and brought back with `0`. The app's start-up, store and theme stay in
ui/app.py; this is the app's half of a session (the session itself is ui/screens/session.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.reactive import var

from stretchtui.core.cues import title as cue_title
from stretchtui.core.days import day_label
from stretchtui.ui.app_part import AppPart
from stretchtui.ui.main_screens import screen_class
from stretchtui.ui.widgets.navbar import SessionBadge
from stretchtui.ui.workers import store_work

if TYPE_CHECKING:
    from textual.screen import Screen

    from stretchtui.core.model import Exercise, Routine
    from stretchtui.core.session_gate import GateReason
    from stretchtui.core.sessions import SessionInfo
    from stretchtui.core.vocabulary import Condition
    from stretchtui.ui.screens.session import SessionScreen  # imported when the first session starts
    from stretchtui.ui.screens.session_dialogs import ResumeScreen


PAIN_ASKED_NOTE = "Noted at the start of a session, before choosing whether to go on with it."


@dataclass(frozen=True)
class _Gate:
    """A session on its way in, held while the safety gate's dialog is open (StretchApp.open_session)."""

    routine: Routine
    exercises: dict[str, Exercise]
    stored_routine: bool
    resume: SessionInfo | None
    conditions: frozenset[Condition]
    hurt_recently: frozenset[str]
    reasons: tuple[GateReason, ...]
    program: tuple[str, int] | None = None


class SessionsMixin(AppPart):
    """Mixed into StretchApp: starting, resuming and returning to a session, one at a time."""

    session_badge: var[SessionBadge | None] = var(None)
    """The running session, for the top bar of the screens in front of it (None: no session). A
    `var`: a change repaints only the top bars that watch it, never the whole screen."""

    @store_work(group="sessions")
    def check_interrupted(self) -> None:
        """At launch: offer to resume a session a crash or a dropped connection interrupted;
        otherwise go straight to the routine given on the command line."""
        info = self.store.sessions.interrupted_session()
        if info is not None and not info.resume_state:
            # Left by an older version before its first step: nothing to resume, so closed like any
            # interrupted session rather than left "in progress" for ever.
            self.store.sessions.close_interrupted_as_partial()
            when = day_label(info.day, self.current_day())
            self.call_from_thread(
                self.notify, f"Closed {info.routine_name} from {when}, interrupted before its first step, as partial."
            )
            info = self.store.sessions.interrupted_session()
        if info is not None and info.resume_state:
            saved = self.store.sessions.session_steps(info.id)
            resume_screen = cast("type[ResumeScreen]", screen_class("session_dialogs", "ResumeScreen"))
            self.call_from_thread(
                self.push_screen,
                resume_screen(info, saved),
                lambda choice: self._resume_chosen(info, choice),
            )
        elif self.initial_routine:
            self.call_from_thread(self.start_routine, self.initial_routine)

    def _resume_chosen(self, info: SessionInfo, choice: str | None) -> None:
        if choice == "resume":
            self.resume_session(info)
        elif choice == "close":
            self._close_interrupted()
        elif self.initial_routine:
            self.start_routine(self.initial_routine)

    @store_work(group="sessions")
    def note_pain_asked(self, pain: int) -> None:
        """Pain of 7/10 or more at a session's start, about to be asked whether to go on: noted as
        a check-in at once (in the lower back, as a session's pain is), before any answer, so
        today's suggestion, the safety questions and a program hear it whatever comes next: "Not
        now", a start, or the app killed or the terminal closed while the question is open (a
        final outside pass lost it that way). History can change it."""
        from stretchtui.core.checkins import PainEntry, Region

        self.store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, pain)], note=PAIN_ASKED_NOTE)
        self.call_from_thread(self.record_changed)
        self.call_from_thread(self.sync_soon)

    @store_work(group="sessions")
    def _close_interrupted(self) -> None:
        self.store.sessions.close_interrupted_as_partial()
        self.call_from_thread(self.notify, "Closed the interrupted session as partial.")

    @store_work(group="sessions")
    def resume_session(self, info: SessionInfo) -> None:
        """Rebuild the plan exactly as it was (the resume state carries the routine), then resume."""
        from stretchtui.core.serialize import routine_from_plain

        state = info.resume_state or {}
        try:
            routine = routine_from_plain(state["routine"])
        except (KeyError, TypeError, ValueError):
            self.store.sessions.close_interrupted_as_partial()
            self.call_from_thread(
                self.notify, "That session could not be resumed; it was saved as partial.", severity="warning"
            )
            return
        self.call_from_thread(
            self.open_session,
            routine,
            self.store.library.exercise_index(),
            resume=info,
            stored_routine=info.routine_id is not None,
        )

    @store_work(group="sessions")
    def start_routine(self, routine_id: str) -> None:
        routine = self.store.library.routine(routine_id)
        if routine is None:
            self.call_from_thread(self.notify, f"No routine with id {routine_id!r}.", severity="error")
            return
        self.call_from_thread(self.open_session, routine, self.store.library.exercise_index())

    def start_suggested(
        self, routine: Routine, exercises: dict[str, Exercise], program: tuple[str, int] | None = None
    ) -> None:
        """Today's suggestion or program session: a routine with no row of its own (history keeps
        its name); a program's session records the prescription and version in force."""
        self.open_session(routine, exercises, stored_routine=False, program=program)

    def start_exercise(self, exercise: Exercise) -> None:
        """A one-exercise session from the library."""
        from stretchtui.core.model import Routine, RoutineItem

        routine = Routine(id="", name=exercise.name, items=(RoutineItem(exercise.id),))
        self.open_session(routine, {exercise.id: exercise}, stored_routine=False)

    @store_work(group="session-gate")
    def open_session(
        self,
        routine: Routine,
        exercises: dict[str, Exercise],
        *,
        stored_routine: bool = True,
        resume: SessionInfo | None = None,
        program: tuple[str, int] | None = None,
    ) -> None:
        """The one way into a session (Today, the picker, Library, Routines, the palette, `stretchtui
        start`, a resume): first the safety gate (core.session_gate). With an open red flag, a
        reason to ask the questions again, or moves that do not suit a listed condition, the person
        sees why and must choose explicitly; the choice is stored with the session."""
        from stretchtui.core.pain_level import Level, level_step
        from stretchtui.core.session_gate import session_gate

        if self._session is not None:  # one session at a time: back to the one that runs
            self.call_from_thread(self._one_session_at_a_time)
            return
        store = self.store
        request = store.suggestions.suggestion_request(self.current_day(), 10, "floor")  # minutes, place: unused
        check, hurt_recently = request.safety, store.safety.recently_hurt()
        today_step = level_step(request)
        no_routine_today = today_step.why[0] if today_step.level is Level.NONE else None  # pain 8+ today...
        mobility_only = today_step.why[0] if today_step.level is Level.MOBILITY_SHORT else None  # ...7, a flare
        exercises = {**request.exercises, **exercises}  # the whole library: "this hurts" may offer any move
        gate = _Gate(
            routine,
            exercises,
            stored_routine,
            resume,
            check.conditions,
            hurt_recently,
            session_gate(
                check,
                [item.exercise_id for item in routine.items],
                exercises,
                no_routine_today=no_routine_today,
                mobility_only_today=mobility_only,
                minutes=routine.duration_seconds(exercises) / 60 if mobility_only else 0,
            ),
            program,
        )
        if gate.reasons:
            from stretchtui.ui.screens.safety_gate import SafetyGateScreen

            screen = SafetyGateScreen(routine, exercises, gate.reasons, allow_leave_out=resume is None)
            self.call_from_thread(self.push_screen, screen, partial(self._gate_chosen, gate))
        else:
            self.call_from_thread(self._push_session, gate, None)

    def _gate_chosen(self, gate: _Gate, choice: object) -> None:
        from dataclasses import replace

        from stretchtui.core.session_gate import confirmation_record
        from stretchtui.ui.screens.safety_gate import GateChoice

        if choice is None or choice is GateChoice.CANCEL:
            return
        if choice is GateChoice.ANSWER_AGAIN:  # then the same way in again: through the gate, as answered now
            way_in = {"stored_routine": gate.stored_routine, "resume": gate.resume, "program": gate.program}
            self.ask_safety_questions(then=partial(self.open_session, gate.routine, gate.exercises, **way_in))
            return
        reasons = gate.reasons
        if choice is GateChoice.LEAVE_OUT:
            from stretchtui.core.session_gate import GateKind, gentle_version

            left_out = {i for r in reasons for i in r.exercise_ids}
            routine = gate.routine
            routine = replace(routine, items=tuple(i for i in routine.items if i.exercise_id not in left_out))
            if any(r.kind is GateKind.FLARE_PAIN for r in reasons):  # today suits short, gentle mobility
                routine = gentle_version(routine, gate.exercises)
            gate = replace(gate, routine=routine, stored_routine=False)  # no longer the stored routine as written
            reasons = tuple(r for r in reasons if not r.exercise_ids)
        confirmed = confirmation_record(reasons, str(choice), self.clock.now()) if reasons else None
        self._push_session(gate, confirmed)

    def _push_session(self, gate: _Gate, confirmed: dict[str, object] | None) -> None:
        if self._session is not None:
            self._one_session_at_a_time()
            return
        session_screen = cast("type[SessionScreen]", screen_class("session", "SessionScreen"))
        screen = session_screen(
            gate.routine,
            gate.exercises,
            stored_routine=gate.stored_routine,
            resume=gate.resume,
            safety_confirmed=confirmed,
            conditions=gate.conditions,
            hurt_recently=gate.hurt_recently,
            program=gate.program,
        )
        self._session = (self.current_mode, screen)
        self.push_screen(screen, self._session_closed)

    def _one_session_at_a_time(self) -> None:
        self.action_return_to_session()
        self.notify(
            "This session is still running: finish it, or end it with q, before starting another.", severity="warning"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`0` works (and `?` lists it) only while a session runs behind the screen in front."""
        if action == "return_to_session":
            return self._session is not None and self._session[0] != self.current_mode
        return super().check_action(action, parameters)

    def action_return_to_session(self) -> None:
        """Back to the running session, left with 1-5 (the top bar of every main screen says so)."""
        if self._session is not None:
            self.switch_mode(self._session[0])

    def bring_forward(self, screen: Screen, then: Callable[[], object]) -> None:
        """Show `screen` (the running session) in front, with nothing over it, then run `then`: a
        session that ends while the person looks at another screen, or at `?`, asks its last
        question and shows its summary in front, and closes itself rather than what is on top."""
        self.action_return_to_session()
        if screen in self.screen_stack and self.screen is not screen:
            screen.pop_until_active()  # pops in a moment; `then` runs after
            self.call_later(then)
        else:
            then()

    def show_session_badge(self, badge: SessionBadge | None) -> None:
        """The running session's state for the top bar (SessionScreen calls this as it changes)."""
        if (badge is None) != (self.session_badge is None):
            self.call_later(self.refresh_bindings)  # `0` comes or goes
        self.session_badge = badge

    @store_work(group="safety")
    def ask_safety_questions(self, then: Callable[[], object] | None = None) -> None:
        """The safety questions, from anywhere; saved answers reload the screen underneath, then
        `then` runs (the session the gate stopped: it meets the gate again, as answered now). A
        "yes" given before is kept ticked; every other question is asked afresh."""
        from stretchtui.ui.screens.safety import SafetyScreen

        previous = {key: True for key, yes in self.store.safety.safety_profile().answers.items() if yes}
        self.call_from_thread(self.push_screen, SafetyScreen(previous), partial(self._safety_answered, then))

    def _safety_answered(self, then: Callable[[], object] | None, answers: dict[str, bool] | None) -> None:
        if answers is not None:
            self._save_safety(answers, then)

    @store_work(group="settings")
    def _save_safety(self, answers: dict[str, bool], then: Callable[[], object] | None = None) -> None:
        self.store.safety.save_safety(answers=answers, complete=False)  # the dialog's answers, as given
        # Every screen of the stack that shows the record reads it again: the dialog may still be on
        # top while this runs, and the screen under it may have read the old answers as it resumed.
        self.call_from_thread(self.record_changed)
        if then is not None:
            self.call_from_thread(then)

    def _session_closed(self, info: SessionInfo | None) -> None:
        self._session = None
        self.session_badge = None
        self.initial_routine = None
        self.write_terminal(cue_title("stretchtui"))
