"""The guided-session timer: a plan of phases and a state machine that walks it.

All timing is derived from an injected monotonic clock: remaining = planned + adjustment - active
elapsed, where active elapsed is the time since the phase started minus the time spent paused.
Nothing counts ticks, so a slow UI, a suspended laptop or a clock jump cannot make the timer drift;
`tick()` simply catches up with however much time has passed, phase by phase, and every phase
starts at the exact instant the previous one ended. Controls return the events they caused, and
the UI turns those into bells, titles, notifications and database writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from stretchtui.core.model import DEFAULT_PACE_SECONDS, SWITCH_SIDE_SECONDS, Dose, Exercise, Routine
from stretchtui.core.sessions import Outcome, Side, StepRecord
from stretchtui.core.vocabulary import Sides

DEFAULT_GET_READY_SECONDS = 5
BACK_RESTARTS_AFTER_SECONDS = 3  # like a music player: past this, "back" restarts the current step
LAST_SECONDS = (3, 2, 1)
MIN_PHASE_LEFT = 1.0  # what shortening a phase always leaves of it: "-" shortens a phase, never ends one
SNAPSHOT_VERSION = 1
_EPSILON = 1e-9  # float slack when deciding that a phase's time is up


class PhaseKind(StrEnum):
    GET_READY = "get_ready"
    HOLD = "hold"
    REPS = "reps"
    SWITCH_SIDE = "switch_side"
    REST = "rest"
    DONE = "done"


WORK_KINDS = frozenset({PhaseKind.HOLD, PhaseKind.REPS})
# Phases that count down to a bell; REPS is paced but ends with a "done", so it gets no 3-2-1.
COUNTDOWN_KINDS = frozenset({PhaseKind.GET_READY, PhaseKind.HOLD, PhaseKind.SWITCH_SIDE, PhaseKind.REST})


@dataclass(frozen=True)
class Phase:
    """One step of a session.

    Work phases (hold, reps) describe themselves. The phases between them (get ready, switch side,
    rest) describe the work that comes *next*, so the UI can say "next: Cat-cow, set 2, right side";
    get-ready alone has exercise_index -1, as it belongs to no routine item.
    """

    kind: PhaseKind
    seconds: int  # planned length; for reps, reps * seconds_per_rep
    exercise_index: int = -1  # index into routine.items
    exercise_id: str = ""
    exercise_name: str = ""
    set_number: int = 0
    sets: int = 0
    side: Side = Side.BOTH
    reps: int = 0  # target, 0 for holds
    seconds_per_rep: int = 0

    def __post_init__(self) -> None:  # accept plain strings, e.g. from JSON
        object.__setattr__(self, "kind", PhaseKind(self.kind))
        object.__setattr__(self, "side", Side(self.side))

    @property
    def is_work(self) -> bool:
        return self.kind in WORK_KINDS

    @property
    def counts_down(self) -> bool:
        return self.kind in COUNTDOWN_KINDS

    @property
    def exercise_key(self) -> tuple[int, str]:
        """Which exercise occurrence this phase belongs to (an inserted alternative shares the index
        of the item it replaces, so the id tells them apart)."""
        return (self.exercise_index, self.exercise_id)

    def to_dict(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, StrEnum) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Phase:
        return cls(**data)


DONE_PHASE = Phase(PhaseKind.DONE, 0)


@dataclass(frozen=True)
class Event:
    """Something the UI reacts to; controls and tick() return them in the order they happened."""


@dataclass(frozen=True)
class PhaseStarted(Event):
    phase: Phase
    index: int


@dataclass(frozen=True)
class LastSeconds(Event):
    """3, 2, 1 before a countdown phase ends: at most once each per phase visit, never for seconds
    a clock jump skipped, never while paused."""

    seconds_left: int


@dataclass(frozen=True)
class SwitchSide(Event):
    """The switch-side phase started (or, with no switch gap, the right side directly followed
    the left); `phase` describes the side to switch to."""

    phase: Phase


@dataclass(frozen=True)
class StepRecorded(Event):
    record: StepRecord


@dataclass(frozen=True)
class ExerciseDone(Event):
    """An exercise is over: its last set/side was finished or skipped, or it was ended by a hurt."""

    exercise_index: int
    exercise_id: str


@dataclass(frozen=True)
class SessionDone(Event):
    pass


# --- the plan ---------------------------------------------------------------------------------


def seconds_per_rep(dose: Dose) -> int:
    """Reps are paced by their hold if they have one, else by the pace (the default if unset)."""
    if dose.hold_seconds > 0:
        return dose.hold_seconds
    return dose.pace_seconds if dose.pace_seconds > 0 else DEFAULT_PACE_SECONDS


def exercise_phases(
    exercise_index: int,
    exercise: Exercise,
    dose: Dose,
    *,
    switch_side_seconds: int = SWITCH_SIDE_SECONDS,
) -> tuple[Phase, ...]:
    """Every set and side of one exercise, with switch gaps between sides and rests between sets.

    Zero-length gaps are left out; a dose with fewer than one set still gets one.
    """
    sides = (Side.LEFT, Side.RIGHT) if dose.sides is Sides.EACH else (Side.BOTH,)
    sets = max(1, dose.sets)
    if dose.is_reps:
        pace = seconds_per_rep(dose)
        kind, seconds, reps = PhaseKind.REPS, dose.reps * pace, dose.reps
    else:
        kind, seconds, reps, pace = PhaseKind.HOLD, max(0, dose.hold_seconds), 0, 0
    phases: list[Phase] = []
    for set_number in range(1, sets + 1):
        for position, side in enumerate(sides):
            work = Phase(kind, seconds, exercise_index, exercise.id, exercise.name, set_number, sets, side, reps, pace)
            if position > 0 and switch_side_seconds > 0:
                phases.append(replace(work, kind=PhaseKind.SWITCH_SIDE, seconds=switch_side_seconds))
            elif position == 0 and set_number > 1 and dose.rest_seconds > 0:
                phases.append(replace(work, kind=PhaseKind.REST, seconds=dose.rest_seconds))
            phases.append(work)
    return tuple(phases)


def build_phases(
    routine: Routine,
    exercises: Mapping[str, Exercise],
    *,
    get_ready_seconds: int = DEFAULT_GET_READY_SECONDS,
    switch_side_seconds: int = SWITCH_SIDE_SECONDS,
) -> tuple[Phase, ...]:
    """The whole session: get ready, each item's sets and sides, rests between items, then DONE.

    Items naming an unknown exercise are skipped (and so is the rest after the last known one).
    """
    known = [
        (index, exercises[item.exercise_id], item.dose_for(exercises[item.exercise_id]))
        for index, item in enumerate(routine.items)
        if item.exercise_id in exercises
    ]
    phases: list[Phase] = []
    previous_index: int | None = None
    for index, exercise, dose in known:
        block = exercise_phases(index, exercise, dose, switch_side_seconds=switch_side_seconds)
        if previous_index is None:
            if get_ready_seconds > 0:
                phases.append(replace(block[0], kind=PhaseKind.GET_READY, seconds=get_ready_seconds, exercise_index=-1))
        elif (rest := routine.rest_after(previous_index)) > 0:
            phases.append(replace(block[0], kind=PhaseKind.REST, seconds=rest))
        phases.extend(block)
        previous_index = index
    phases.append(DONE_PHASE)
    return tuple(phases)


def _plan_digest(phases: Iterable[Phase]) -> str:
    text = json.dumps([p.to_dict() for p in phases], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- the state machine --------------------------------------------------------------------------


class SessionTimer:
    """Walks a tuple of phases (ending in DONE) against a monotonic clock.

    Time is split three ways and always adds up to the wall time since start (frozen at the finish):
    active time in work phases, active time in get-ready/switch/rest phases, and paused time.
    Every control first catches up with the clock (as tick() would), then acts at "now".
    """

    def __init__(self, phases: Iterable[Phase], monotonic: Callable[[], float]) -> None:
        plan = tuple(phases)
        if not plan or plan[-1].kind is not PhaseKind.DONE or any(p.kind is PhaseKind.DONE for p in plan[:-1]):
            raise ValueError("a session's phases must end with exactly one DONE phase")
        self._plan = plan
        self._phases: list[Phase] = list(plan)
        # Stable step numbers: the plan's phase indexes; inserted phases are numbered after its end,
        # so a record's step_index never changes meaning when an alternative is inserted.
        self._steps: list[int] = list(range(len(plan)))
        self._insertions: list[tuple[int, tuple[Phase, ...]]] = []
        self._monotonic = monotonic
        self._index = 0
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self._phase_start = 0.0
        self._phase_paused = 0.0  # closed pauses within the current phase
        self._pause_started: float | None = None
        self._adjust = 0.0
        self._extra_reps = 0  # reps added (or taken) in the current reps phase
        self._announced: set[int] = set()
        self._work = 0.0  # totals of phases already left
        self._rest = 0.0
        self._paused_total = 0.0
        self._records: list[StepRecord] = []
        self._last_hurt: tuple[int, str] | None = None

    # --- state ---------------------------------------------------------------------------------

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The live plan, including any inserted alternatives."""
        return tuple(self._phases)

    @property
    def phase(self) -> Phase:
        return self._phases[self._index]

    @property
    def index(self) -> int:
        return self._index

    @property
    def step_index(self) -> int:
        """The current phase's stable step number (what a record of it would carry)."""
        return self._steps[self._index]

    def phase_for_step(self, step_index: int) -> Phase:
        return self._phases[self._steps.index(step_index)]

    @property
    def started(self) -> bool:
        return self._started_at is not None

    @property
    def paused(self) -> bool:
        return self._pause_started is not None

    @property
    def finished(self) -> bool:
        return self._finished_at is not None

    @property
    def records(self) -> list[StepRecord]:
        return list(self._records)

    @property
    def elapsed_in_phase(self) -> float:
        return self._active(self._now()) if self.started else 0.0

    @property
    def remaining(self) -> float:
        if not self.started:
            return float(self.phase.seconds)
        return max(0.0, self._remaining_raw(self._now()))

    @property
    def target_reps(self) -> int:
        """The reps a REPS phase now asks for: the planned ones, plus or minus `adjust_reps`; 0 outside reps."""
        p = self.phase
        return p.reps + self._extra_reps if p.kind is PhaseKind.REPS else 0

    @property
    def current_rep(self) -> int:
        """1-based rep of a REPS phase, derived from elapsed time at the pace; 0 outside reps."""
        p = self.phase
        target = self.target_reps
        if p.kind is not PhaseKind.REPS or target <= 0:
            return 0
        if p.seconds_per_rep <= 0:
            return 1
        return min(target, int(self.elapsed_in_phase // p.seconds_per_rep) + 1)

    @property
    def total_planned_seconds(self) -> int:
        return sum(p.seconds for p in self._phases)

    @property
    def time_left(self) -> float:
        """Remaining of this phase plus the planned length of every later one."""
        if self.finished:
            return 0.0
        return self.remaining + sum(p.seconds for p in self._phases[self._index + 1 :])

    @property
    def progress(self) -> float:
        """0..1 by planned time done (adjustments stretch a phase but never its share)."""
        if self.finished:
            return 1.0
        total = self.total_planned_seconds
        if total <= 0:
            return 0.0
        p = self.phase
        in_phase = min(p.seconds, max(0.0, p.seconds - self.remaining))
        done = sum(q.seconds for q in self._phases[: self._index]) + in_phase
        return min(1.0, max(0.0, done / total))

    @property
    def work_seconds(self) -> float:
        if self._live():
            return self._work + (self._active(self._now()) if self.phase.is_work else 0.0)
        return self._work

    @property
    def rest_seconds(self) -> float:
        if self._live():
            return self._rest + (0.0 if self.phase.is_work else self._active(self._now()))
        return self._rest

    @property
    def paused_seconds(self) -> float:
        if self._live():
            now = self._now()
            return self._paused_total + (now - self._phase_start - self._active(now))
        return self._paused_total

    @property
    def wall_seconds(self) -> float:
        """Time since start (until the finish): always work + rest + paused seconds."""
        if self._started_at is None:
            return 0.0
        end = self._finished_at if self._finished_at is not None else self._now()
        return end - self._started_at

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
        """Manual done for reps (all target reps count), or "finish now" on a hold."""

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
                record = self._record(now, Outcome.HURT, pain)
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

    # --- crash recovery ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able picture of the session, to write after every event and resume from after a crash."""
        self._require_started()
        now = self._now()
        live = self._live()
        active = self._active(now) if live else 0.0
        phase_paused = (now - self._phase_start - active) if live else 0.0
        return {
            "version": SNAPSHOT_VERSION,
            "plan": _plan_digest(self._plan),
            "insertions": [{"at": at, "phases": [p.to_dict() for p in block]} for at, block in self._insertions],
            "index": self._index,
            "elapsed": active,
            "adjust": self._adjust,
            "extra_reps": self._extra_reps,
            "announced": sorted(self._announced),
            "work_seconds": self._work,
            "rest_seconds": self._rest,
            "paused_seconds": self._paused_total + phase_paused,
            "records": [r.to_dict() for r in self._records],
            "last_hurt": list(self._last_hurt) if self._last_hurt else None,
        }

    @classmethod
    def from_snapshot(
        cls, phases: Iterable[Phase], snapshot: Mapping[str, Any], monotonic: Callable[[], float]
    ) -> SessionTimer:
        """Continue a session at the snapshot's phase and elapsed time, paused (the user presses
        space to go on), with its records restored. `phases` must be the plan the session was
        started with (rebuilt from the routine); a different plan raises ValueError."""
        timer = cls(phases, monotonic)
        if snapshot.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"unknown snapshot version {snapshot.get('version')!r}")
        if snapshot.get("plan") != _plan_digest(timer._plan):
            raise ValueError("the snapshot was taken for a different plan")
        for insertion in snapshot.get("insertions", ()):
            timer._apply_insertion(int(insertion["at"]), tuple(Phase.from_dict(d) for d in insertion["phases"]))
        index = int(snapshot["index"])
        if not 0 <= index < len(timer._phases):
            raise ValueError(f"snapshot phase index {index} is out of range")
        now = timer._now()
        elapsed = float(snapshot["elapsed"])
        timer._index = index
        timer._work = float(snapshot["work_seconds"])
        timer._rest = float(snapshot["rest_seconds"])
        timer._paused_total = float(snapshot["paused_seconds"])
        timer._started_at = now - (timer._work + timer._rest + timer._paused_total + elapsed)
        timer._phase_start = now - elapsed
        timer._adjust = float(snapshot.get("adjust", 0.0))
        timer._extra_reps = int(snapshot.get("extra_reps", 0))
        timer._announced = {int(n) for n in snapshot.get("announced", ())}
        timer._records = [StepRecord.from_dict(d) for d in snapshot.get("records", ())]
        last_hurt = snapshot.get("last_hurt")
        timer._last_hurt = (int(last_hurt[0]), str(last_hurt[1])) if last_hurt else None
        if timer.phase.kind is PhaseKind.DONE:
            timer._finished_at = now
        else:
            timer._pause_started = now
        return timer

    # --- internals ---------------------------------------------------------------------------------

    def _now(self) -> float:
        return float(self._monotonic())

    def _require_started(self) -> None:
        if not self.started:
            raise RuntimeError("start() the session timer first")

    def _live(self) -> bool:
        """Started and not finished: the current phase is accumulating time."""
        return self._started_at is not None and self._finished_at is None

    def _active(self, now: float) -> float:
        """Unpaused seconds in the current phase."""
        if not self._live():
            return 0.0
        open_pause = now - self._pause_started if self._pause_started is not None else 0.0
        return now - self._phase_start - self._phase_paused - open_pause

    def _shortest(self, wanted: float, now: float) -> float:
        """`wanted` as the phase's adjustment, raised so that MIN_PHASE_LEFT stays (but never above
        the adjustment it has now: a phase with less left is not lengthened by shortening it)."""
        floor = self._active(now) + MIN_PHASE_LEFT - self.phase.seconds
        return max(wanted, min(floor, self._adjust))

    def _remaining_raw(self, now: float) -> float:
        if not self._live():
            return 0.0
        return self.phase.seconds + self._adjust - self._active(now)

    def _position(self, step_index: int) -> int | None:
        try:
            return self._steps.index(step_index)
        except ValueError:
            return None

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
            if outcome is Outcome.DONE:
                reps_done = target
            else:
                reps_done = min(target, int(active // p.seconds_per_rep)) if p.seconds_per_rep > 0 else 0
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
        record = self._record(at, outcome)
        self._records.append(record)
        events: list[Event] = [StepRecorded(record)]
        if self._phases[self._index + 1].exercise_key != self.phase.exercise_key:
            events.append(ExerciseDone(self.phase.exercise_index, self.phase.exercise_id))
        return events + self._go(self._index + 1, at)

    def _close(self, at: float) -> None:
        """Book the current phase's time (active as work or rest, the rest as paused) up to `at`."""
        if not self._live():
            if self.finished:  # reopened by an insertion: the time since the finish was rest
                self._rest += at - self._phase_start
            return
        active = self._active(at)
        if self.phase.is_work:
            self._work += active
        else:
            self._rest += active
        self._paused_total += at - self._phase_start - active

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

    def _apply_insertion(self, at: int, block: tuple[Phase, ...]) -> None:
        first = len(self._plan) + sum(len(b) for _, b in self._insertions)
        self._phases[at:at] = block
        self._steps[at:at] = range(first, first + len(block))
        self._insertions.append((at, block))
