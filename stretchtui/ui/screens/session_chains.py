"""The questions a session asks on its way (mixed into SessionScreen): the pain before it starts,
"this hurts" and the gentler move it may lead to, how to end on `q`, the pain afterwards and the
summary. Each chain waits for one dialog after another in a worker (DIALOG_GROUP), so it is kept
apart from the screen's timer and keys (ui/screens/session.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual import work

from stretchtui.core import cues
from stretchtui.core.after_hurt import Leaving, offer_after_hurt
from stretchtui.core.model import Exercise, Routine
from stretchtui.core.phases import Phase
from stretchtui.core.sessions import PARTIAL_AT_THE_END, Outcome, SessionInfo, SessionStatus, status_at_the_end
from stretchtui.core.timer import SessionTimer
from stretchtui.core.timer_events import Event
from stretchtui.core.vocabulary import Condition, plural
from stretchtui.ui.screens.base import StretchAppMixin
from stretchtui.ui.screens.session_dialogs import AlternativeScreen, EndSessionScreen, PainScreen, SummaryScreen

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

    from stretchtui.core.session_gate import GateReason

    _ScreenBase = Screen[SessionInfo | None]  # to the type checker the mixin is the screen's half
else:
    _ScreenBase = object

DIALOG_GROUP = "session-dialogs"  # the workers that wait for an answer in a dialog, not for the database


def streak_line(current: int, today_done: bool) -> str:
    """'3 days, done today' / 'no streak yet: today is not done'."""
    if current == 0:
        return "done today: a new streak starts" if today_done else "no streak yet: today's goal is not met"
    days = plural(current, "day")
    return f"{days}, done today" if today_done else f"{days}, not done today yet"


class SessionDialogChains(StretchAppMixin, _ScreenBase):
    """The dialogs of a session, one after another; the timer and the writes are SessionScreen's."""

    # What the mixin uses of SessionScreen (and its SessionDisplay), which define them.
    timer: SessionTimer | None
    routine: Routine
    phases: tuple[Phase, ...]
    stored_routine: bool
    exercises: dict[str, Exercise]
    conditions: frozenset[Condition]
    hurt_recently: frozenset[str]
    session_id: int | None
    pain_before: int | None
    safety_confirmed: dict[str, Any] | None
    _ticker: Timer | None
    _finishing: bool
    _hold_finish: bool
    _summary_why: str = ""  # a line for the summary: why a session that reached the end is partial
    if TYPE_CHECKING:

        def _begin(self, pain_before: int | None) -> None: ...

        def _handle(self, events: list[Event]) -> None: ...

        def _control(self, action: Callable[[], list[Event]]) -> None: ...

        def _write(self, job: Callable[[], None]) -> None: ...

        def _after_writes(self, then: Callable[[], None]) -> None: ...

        def _refresh_display(self) -> None: ...

    def _pain_before(self, pain: int | None) -> None:
        """Pain of 8 or more right now (core.safety.ASK_AGAIN_PAIN): stretching is not advised; the
        session starts only on an explicit "start anyway" (Esc and Enter keep it from starting).
        Pain of 7 (a flare's) before moves beyond gentle ones (core.session_gate.flare_pain_reason):
        its gentle moves only, not now, or as planned on an explicit choice. Not started, the pain
        is noted as a check-in before either question (ui.sessions.note_pain_asked)."""
        from stretchtui.core.safety import ASK_AGAIN_PAIN, high_pain_words
        from stretchtui.core.session_gate import GateKind, GateReason, flare_pain_reason, gentle_version
        from stretchtui.ui.screens.dialogs import FlarePainScreen, HighPainScreen

        if pain is not None and pain >= ASK_AGAIN_PAIN:
            question = f"{high_pain_words(pain)} Start anyway?"

            def chosen_high(start: bool | None) -> None:
                if start:  # noted with the session, as a start past the safety gate is
                    self._confirmed(GateReason(GateKind.PAIN_TODAY, question))
                    self._begin(pain)
                else:
                    self._not_started(pain)

            self.stretch_app.note_pain_asked(pain)
            self.app.push_screen(HighPainScreen(question), chosen_high)
            return
        reason = flare_pain_reason(pain, self.routine, self.exercises)
        confirmed = {r.get("kind") for r in (self.safety_confirmed or {}).get("reasons", [])}
        if pain is None or reason is None or GateKind.FLARE_PAIN.value in confirmed:  # (chosen at the gate)
            self._begin(pain)
            return
        gentle = gentle_version(self.routine, self.exercises)

        def chosen(choice: str | None) -> None:
            if choice == "gentle":  # short, gentle mobility: its gentle moves, lighter, within 5 minutes
                from stretchtui.core.phases import build_phases

                self.routine = gentle
                self.stored_routine = False  # no longer the stored routine as written
                self.phases = build_phases(self.routine, self.exercises)
                self._begin(pain)
            elif choice == "planned":
                self._confirmed(reason)
                self._begin(pain)
            else:
                self._not_started(pain)

        self.stretch_app.note_pain_asked(pain)
        self.app.push_screen(FlarePainScreen(reason.text, gentle=bool(gentle.items)), chosen)

    def _confirmed(self, reason: GateReason) -> None:
        """A start past a reason the session itself asked about, noted with it (beside the gate's)."""
        from stretchtui.core.session_gate import confirmation_record

        record = confirmation_record([reason], "checked-start", self.stretch_app.clock.now())
        earlier = (self.safety_confirmed or {}).get("reasons", [])  # shown at the gate, if it was
        self.safety_confirmed = {**record, "reasons": [*earlier, *cast(list[Any], record["reasons"])]}

    def _not_started(self, pain: int) -> None:
        self.dismiss(None)  # no session; the pain was noted as a check-in before the question
        self.app.notify(
            "Not started. Rest in whatever position eases it, keep gently moving as you "
            "can, and seek advice if the pain does not settle. Noted as today's check-in "
            "(History can change it).",
            title=f"Pain {pain}/10",
            severity="warning",
            timeout=12,
        )

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
            hurt_here = {r.exercise_id for r in timer.records if r.outcome is Outcome.HURT}
            leaving = Leaving(exclude=used, conditions=self.conditions, hurt_recently=self.hurt_recently | hurt_here)
            offer = offer_after_hurt(hurt_exercise, self.exercises.values(), leaving, pain=pain)
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
        """Reaching the end (core.sessions.status_at_the_end): complete only if at least half the
        steps were done."""
        timer = self.timer
        assert timer is not None
        status = status_at_the_end(timer.records)
        if status is SessionStatus.PARTIAL:  # "4 done" beside "Saved as partial" needs its reason
            self._summary_why = PARTIAL_AT_THE_END
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

        hurt = any(r.outcome is Outcome.HURT for r in timer.records)
        if ask_pain and (self.pain_before is not None or hurt):  # after a hurt, always: how is it now?
            self.stretch_app.bring_forward(
                self, lambda: self.app.push_screen(PainScreen("And your pain now, after the session?"), save)
            )
        else:
            save(None)

    def _show_summary(self, result: dict[str, Any], wall: float) -> None:
        """The summary, over this screen, wherever the person went meanwhile (1-5); the session
        goes to the other machines (ui.syncing)."""
        self.stretch_app.bring_forward(self, lambda: self._summary(result, wall))
        self.stretch_app.sync_soon()

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
        self.app.push_screen(SummaryScreen(info, wall, line, self._summary_why), lambda _: self.dismiss(info))
