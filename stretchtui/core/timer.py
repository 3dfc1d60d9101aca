"""The guided-session timer: the state machine that walks a plan of phases (core.phases).

All timing is derived from an injected monotonic clock: remaining = planned + adjustment - active
elapsed, where active elapsed is the time since the phase started minus the time spent paused.
Nothing counts ticks, so a slow UI, a suspended laptop or a clock jump cannot make the timer drift;
`tick()` simply catches up with however much time has passed, phase by phase, and every phase
starts at the exact instant the previous one ended. Controls return the events they caused, and
the UI turns those into bells, titles, notifications and database writes.

This module holds the controls and the transitions between phases; what the timer keeps and reads
out, and its snapshot, are core.timer_state's, and the events it returns are core.timer_events'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from stretchtui.core.model import SWITCH_SIDE_SECONDS, Dose, Exercise
from stretchtui.core.phases import DEFAULT_GET_READY_SECONDS, PhaseKind, exercise_phases
from stretchtui.core.sessions import Outcome, Side, StepRecord, keeping_a_hurt
from stretchtui.core.timer_events import (
    Event,
    ExerciseDone,
    LastSeconds,
    PhaseStarted,
    SessionDone,
    StepRecorded,
    SwitchSide,
)
from stretchtui.core.timer_state import TimerState

BACK_RESTARTS_AFTER_SECONDS = 3  # like a music player: past this, "back" restarts the current step
FASTEST_REP_SECONDS = 1.0
"""`d` in a paced reps step credits the reps the time taken allows, at least the pace's count and at
most one a second: all 12 were credited for a `d` at once (an outside pass saw "12/12 reps" done in
no time in the physio's report)."""
LAST_SECONDS = (3, 2, 1)
MIN_PHASE_LEFT = 1.0  # what shortening a phase always leaves of it: "-" shortens a phase, never ends one
_EPSILON = 1e-9  # float slack when deciding that a phase's time is up


class SessionTimer(TimerState):
    """Walks a tuple of phases (ending in DONE) against a monotonic clock (the state and its
    readouts, and the snapshot to resume from, are core.timer_state's).

    Every control first catches up with the clock (as tick() would), then acts at "now".
    """

    # --- controls --------------------------------------------------------------------------------

    def start(self) -> list[Event]:
        if self.started:
            raise RuntimeError("the session timer has already started")
        now = self._now()
        self._started_at = now
        events = self._enter(0, now, stepped=False)
        return events + self._announce(now)

    def tick(self) -> list[Event]:
        """Advance through every phase whose time is up (several if the clock jumped)."""
        if not self.started:
            return []
        now = self._now()
        return self._catch_up(now) + self._announce(now)

    def pause(self) -> list[Event]:
        def act(now: float) -> list[Event]:
            if self._pause_started is None:
                self._pause_started = now
            return []

        return self._control(act)

    def unpause(self) -> list[Event]:
        """Go on after `pause()` (or after `from_snapshot`, which restores a session paused)."""

        def act(now: float) -> list[Event]:
            if self._pause_started is not None:
                self._phase_paused += now - self._pause_started
                self._pause_started = None
            return []

        return self._control(act)

    def toggle_pause(self) -> list[Event]:
        return self.unpause() if self.paused else self.pause()

    def next(self) -> list[Event]:
        """Skip the current step: work is recorded as "skipped" with its seconds so far."""

        def act(now: float) -> list[Event]:
            if self.phase.is_work:
                return self._finish_work(now, Outcome.SKIPPED)
            return self._go(self._index + 1, now)

        return self._control(act)

    def back(self) -> list[Event]:
        """Restart the current work step if it has run more than 3 s, else go to the start of the
        previous work step (from a rest or switch too); with none before, restart the current one."""

        def act(now: float) -> list[Event]:
            if self.phase.is_work and self._active(now) > BACK_RESTARTS_AFTER_SECONDS:
                return self._go(self._index, now)
            previous = (j for j in range(self._index - 1, -1, -1) if self._phases[j].is_work)
            return self._go(next(previous, self._index), now)

        return self._control(act)

    def adjust(self, delta_seconds: float) -> list[Event]:
        """Lengthen or shorten the current phase. Shortening stops at MIN_PHASE_LEFT: it never ends
        the phase, skips into the next or records a step by itself (the phase then ends on its own,
        as every countdown does), and never lengthens one that has less left already. Does not
        re-arm the 3-2-1 already given in this phase."""

        def act(now: float) -> list[Event]:
            self._adjust = self._shortest(self._adjust + delta_seconds, now)
            return []

        return self._control(act)

    def adjust_reps(self, delta: int) -> list[Event]:
        """One rep more or fewer (`delta` of them) in a paced REPS phase: its time grows or shrinks
        by the pace with it. Never below the rep under way, nor to less than MIN_PHASE_LEFT: a
        change that would is not made. Outside a REPS phase, nothing."""

        def act(now: float) -> list[Event]:
            p = self.phase
            if p.kind is not PhaseKind.REPS or p.seconds_per_rep <= 0 or delta == 0:
                return []
            wanted = self._adjust + delta * p.seconds_per_rep
            under_way = int(self._active(now) // p.seconds_per_rep) + 1
            if delta < 0 and (p.reps + self._extra_reps + delta < under_way or self._shortest(wanted, now) != wanted):
                return []
            self._extra_reps += delta
            self._adjust = wanted
            return []

        return self._control(act)

    def restart_step(self) -> list[Event]:
        return self._control(lambda now: self._go(self._index, now))

    def done(self) -> list[Event]:
        """Manual done: on reps, the reps the time taken allows (FASTEST_REP_SECONDS); on a hold,
        "finish now" with the seconds held."""

        def act(now: float) -> list[Event]:
            return self._finish_work(now, Outcome.DONE) if self.phase.is_work else []

        return self._control(act)

    def hurt(self, pain: int) -> list[Event]:
        """Stop an exercise that hurts.

        On a work step: record it as "hurt" with the pain, end the exercise (all its remaining sets
        and sides) and move on to the rest before the next exercise, or the next exercise itself.
        On a switch or rest inside an exercise: re-record the step just done as "hurt" and end the
        exercise the same way. In the rest before the next exercise (the hurt one is already over):
        only re-record. While getting ready (nothing done yet), or resting after a step already
        marked hurt: the exercise ahead is the one that hurts; its first step is recorded as hurt and
        the exercise is skipped.
        """
        if isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= 10:
            raise ValueError(f"pain must be an integer 0-10, not {pain!r}")

        def act(now: float) -> list[Event]:
            last = self._records[-1] if self._records else None
            if self.phase.is_work:
                position = self._index
                record = keeping_a_hurt(self._record(now, Outcome.HURT, pain), self._records)
            elif last is None or last.outcome is Outcome.HURT:
                # Getting ready, or resting after a move already marked hurt: it is the move ahead
                # that hurts (getting into it), so that one is recorded and skipped; never a second
                # pain written over the earlier hurt.
                ahead = next((j for j in range(self._index + 1, len(self._phases)) if self._phases[j].is_work), None)
                if ahead is None:
                    return []
                position, phase = ahead, self._phases[ahead]
                record = StepRecord(
                    self._steps[ahead],
                    phase.exercise_id,
                    phase.exercise_name,
                    phase.set_number,
                    phase.side,
                    0 if phase.kind is PhaseKind.REPS else phase.seconds,
                    0.0,
                    phase.reps if phase.kind is PhaseKind.REPS else 0,
                    0,
                    Outcome.HURT,
                    pain,
                )
            else:
                done_at = self._position(last.step_index)
                if done_at is None or done_at >= self._index:
                    return []
                position, record = done_at, replace(last, outcome=Outcome.HURT, hurt_pain=pain)
            self._records.append(record)
            events: list[Event] = [StepRecorded(record)]
            key = self._phases[position].exercise_key
            self._last_hurt = key
            ahead = position > self._index
            if self.phase.exercise_key != key and not ahead:
                return events
            events.append(ExerciseDone(*key))
            target = next(
                j
                for j in range(max(self._index, position) + 1, len(self._phases))
                if self._phases[j].exercise_key != key or self._phases[j].kind is PhaseKind.DONE
            )
            return events + self._go(target, now)

        return self._control(act)

    def insert_alternative(
        self,
        exercise: Exercise,
        dose: Dose | None = None,
        *,
        get_ready_seconds: int = DEFAULT_GET_READY_SECONDS,
        switch_side_seconds: int = SWITCH_SIDE_SECONDS,
    ) -> list[Event]:
        """After a hurt, do a gentler exercise in the hurt one's place: its phases (led in by a short
        rest naming it) are inserted at the current position and start now; the phase that was
        current follows them, from its start. The inserted phases take the hurt item's
        exercise_index. If the hurt ended the session, this reopens it, and SessionDone comes again
        at the real end."""
        self._require_started()
        now = self._now()
        events = self._catch_up(now)
        position = self._last_hurt[0] if self._last_hurt else self.phase.exercise_index
        dose = dose or exercise.dose
        block = list(exercise_phases(position, exercise, dose, switch_side_seconds=switch_side_seconds))
        if get_ready_seconds > 0:
            block.insert(0, replace(block[0], kind=PhaseKind.REST, seconds=get_ready_seconds))
        self._close(now)
        self._finished_at = None
        at = self._index
        self._apply_insertion(at, tuple(block))
        events += self._enter(at, now, stepped=False)
        return events + self._announce(now)

    # --- internals ---------------------------------------------------------------------------------

    def _shortest(self, wanted: float, now: float) -> float:
        """`wanted` as the phase's adjustment, raised so that MIN_PHASE_LEFT stays (but never above
        the adjustment it has now: a phase with less left is not lengthened by shortening it)."""
        floor = self._active(now) + MIN_PHASE_LEFT - self.phase.seconds
        return max(wanted, min(floor, self._adjust))

    def _control(self, act: Callable[[float], list[Event]]) -> list[Event]:
        self._require_started()
        now = self._now()
        events = self._catch_up(now)
        if not self.finished:
            events += act(now)
        return events + self._announce(now)

    def _catch_up(self, now: float) -> list[Event]:
        """Complete every phase that ended by `now`, each at the instant it ended."""
        events: list[Event] = []
        while self._live() and self._pause_started is None:
            left = self._remaining_raw(now)
            if left > _EPSILON:
                break
            events += self._complete(now + min(left, 0.0))
        return events

    def _announce(self, now: float) -> list[Event]:
        if not self._live() or self.paused or not self.phase.counts_down:
            return []
        left = self._remaining_raw(now)
        for n in LAST_SECONDS:
            if n not in self._announced and n - 1 < left <= n:
                self._announced.add(n)
                return [LastSeconds(n)]
        return []

    def _complete(self, at: float) -> list[Event]:
        if self.phase.is_work:
            return self._finish_work(at, Outcome.DONE)
        return self._go(self._index + 1, at)

    def _record(self, at: float, outcome: Outcome, pain: int | None = None) -> StepRecord:
        p = self.phase
        active = round(self._active(at), 3)
        if p.kind is PhaseKind.REPS:
            planned_hold, planned_reps, target = 0, p.reps, self.target_reps
            paced = int(active // p.seconds_per_rep) if p.seconds_per_rep > 0 else 0
            if outcome is Outcome.DONE and p.seconds_per_rep > 0:  # `d`: the reps that fit the time taken
                reps_done = min(target, max(paced, int(active // FASTEST_REP_SECONDS)))
            elif outcome is Outcome.DONE:  # unpaced: the person's word
                reps_done = target
            else:
                reps_done = min(target, paced)
        else:
            planned_hold, planned_reps, reps_done = p.seconds, 0, 0
        return StepRecord(
            self.step_index,
            p.exercise_id,
            p.exercise_name,
            p.set_number,
            p.side,
            planned_hold,
            active,
            planned_reps,
            reps_done,
            outcome,
            pain,
        )

    def _finish_work(self, at: float, outcome: Outcome) -> list[Event]:
        record = keeping_a_hurt(self._record(at, outcome), self._records)
        self._records.append(record)
        events: list[Event] = [StepRecorded(record)]
        if self._phases[self._index + 1].exercise_key != self.phase.exercise_key:
            events.append(ExerciseDone(self.phase.exercise_index, self.phase.exercise_id))
        return events + self._go(self._index + 1, at)

    def _go(self, target: int, at: float) -> list[Event]:
        stepped = target == self._index + 1
        self._close(at)
        return self._enter(target, at, stepped=stepped)

    def _enter(self, target: int, at: float, *, stepped: bool) -> list[Event]:
        self._index = target
        self._phase_start = at
        self._phase_paused = 0.0
        if self._pause_started is not None:
            self._pause_started = at
        self._adjust = 0.0
        self._extra_reps = 0
        self._announced = set()
        phase = self.phase
        events: list[Event] = [PhaseStarted(phase, target)]
        if stepped and self._is_side_switch(target):
            events.append(SwitchSide(phase))
        if phase.kind is PhaseKind.DONE:
            self._finished_at = at
            self._pause_started = None
            events.append(SessionDone())
        return events

    def _is_side_switch(self, index: int) -> bool:
        phase = self._phases[index]
        if phase.kind is PhaseKind.SWITCH_SIDE:
            return True
        if index == 0 or not phase.is_work or phase.side is not Side.RIGHT:
            return False
        before = self._phases[index - 1]
        return (
            before.is_work
            and before.side is Side.LEFT
            and before.exercise_key == phase.exercise_key
            and before.set_number == phase.set_number
        )
