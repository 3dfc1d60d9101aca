"""What a running guided session keeps and reads out: the live plan with stable step numbers, the
clock bookkeeping (phase start, pauses, adjustments, time booked as work, rest and paused), the
readouts the UI shows, and the snapshot a crashed session resumes from.

Split from core.timer so that its state machine (SessionTimer, built on TimerState) holds only the
controls and the transitions between phases.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Self

from stretchtui.core.phases import Phase, PhaseKind
from stretchtui.core.sessions import StepRecord

SNAPSHOT_VERSION = 1


def _plan_digest(phases: Iterable[Phase]) -> str:
    text = json.dumps([p.to_dict() for p in phases], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class TimerState:
    """The state of a session walking a tuple of phases (ending in DONE) against a monotonic clock.

    Time is split three ways and always adds up to the wall time since start (frozen at the finish):
    active time in work phases, active time in get-ready/switch/rest phases, and paused time.
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
    def rep_remaining(self) -> float:
        """Seconds left in the current rep of a paced REPS phase: each rep counts down on its own
        (0 outside reps, unpaced, or once the last rep's time is up and "done" is awaited)."""
        p = self.phase
        target = self.target_reps
        if p.kind is not PhaseKind.REPS or p.seconds_per_rep <= 0 or target <= 0:
            return 0.0
        elapsed = self.elapsed_in_phase
        if elapsed >= target * p.seconds_per_rep:
            return 0.0
        return p.seconds_per_rep - (elapsed % p.seconds_per_rep)

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
    ) -> Self:
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

    def _remaining_raw(self, now: float) -> float:
        if not self._live():
            return 0.0
        return self.phase.seconds + self._adjust - self._active(now)

    def _position(self, step_index: int) -> int | None:
        try:
            return self._steps.index(step_index)
        except ValueError:
            return None

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

    def _apply_insertion(self, at: int, block: tuple[Phase, ...]) -> None:
        first = len(self._plan) + sum(len(b) for _, b in self._insertions)
        self._phases[at:at] = block
        self._steps[at:at] = range(first, first + len(block))
        self._insertions.append((at, block))
