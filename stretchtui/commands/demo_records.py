"""The entries one day of the demo story writes, each as the app would have recorded it: a timed
session with its steps (or a single exercise, or one recorded afterwards), a check-in with its
pains, sitting hours and note, a rest day. Split from commands/demo_story.py, which decides what
each day holds; this turns those decisions into export-format rows.
"""

from __future__ import annotations

import hashlib
import random
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from stretchtui.core.days import logical_day
from stretchtui.core.exchange.bundle import Bundle
from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.phases import Phase, PhaseKind, build_phases

NOTES = {
    "flare": (
        "Bent down for the laundry basket and it caught me.",
        "Long drive yesterday; stiff all morning.",
        "Woke up locked up. Heat pad and short walks.",
        "Carried the shopping up four floors. Regret.",
    ),
    "sitting": (
        "Deadline week, barely left the chair.",
        "Two long video calls back to back.",
        "Forgot to stand up all afternoon.",
    ),
    "good": (
        "Walked to work, felt loose all day.",
        "Best morning in weeks.",
        "Hardly noticed my back today.",
        "Swam 20 lengths, no twinges.",
    ),
    "plain": (
        "Bit stiff after the train.",
        "New chair cushion helps.",
        "Slept badly, back is grumpy.",
        "Standing desk for an hour after lunch.",
    ),
}


@dataclass
class DayPlan:
    """What one logical day holds, decided before its events are written."""

    day: date
    progress: float  # 0 at the start of the story, 1 at the end
    pain: int
    away: bool = False
    flare: bool = False


class DayWriter:
    """The story's state (its random numbers, the store's routines and exercises, the bundle being
    filled) and the writers of one day's entries; _Story (commands/demo_story.py) builds on it."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        zone: ZoneInfo,
        routines: Sequence[Routine],
        exercises: Mapping[str, Exercise],
        day_start_hour: int,
        effects: Mapping[str, float] | None = None,
    ) -> None:
        self.rng = rng
        self.effects = dict(effects or {})
        # the effects draw from their own numbers, so the rest of the story is the same with or without them
        # (seeded from the story's own state through SHA-256: `hash` of that state differs between runs)
        self.effect_rng = random.Random(hashlib.sha256(repr(rng.getstate()[1]).encode()).digest())
        self.now = now.astimezone(UTC)
        self.zone = zone
        self.day_start_hour = day_start_hour
        self.exercises = dict(exercises)
        self.routines = {r.id: r for r in routines if any(i.exercise_id in exercises for i in r.items)}
        if not self.routines:
            raise ValueError("the demo needs at least one routine whose exercises are in the store")
        self.plans = {rid: build_phases(r, self.exercises) for rid, r in self.routines.items()}
        self.bundle = Bundle()
        self._noise = 0.0  # the pain's lingering noise (_Story._pain)
        self._own_from = date.max  # the own routine exists from this day on

    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def local(self, day: date, minutes: float) -> datetime:
        """The UTC instant of a wall time `minutes` after midnight starting `day` (past 24 h: the next date)."""
        naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def stamp(self, instant: datetime) -> dict[str, Any]:
        return {"zone": self.zone.key, "day": logical_day(instant, self.zone, self.day_start_hour)}

    # ------------------------------------------------------------------ sessions and their steps

    def _session(self, plan: DayPlan, routine: Routine, start_minutes: float) -> None:
        """A timed session of `routine` (one with no id: a single exercise from the library)."""
        rng = self.rng
        started = self.local(plan.day, start_minutes)
        phases = self.plans.get(routine.id) or build_phases(routine, self.exercises)
        pain_before = None
        if rng.random() > 0.08:  # the question before a session can be skipped
            pain_before = max(0, min(max(plan.pain, 6), plan.pain + rng.choice((-1, 0, 0, 0, 1))))
        stop_after = None
        work = [i for i, p in enumerate(phases) if p.kind in (PhaseKind.HOLD, PhaseKind.REPS)]
        if rng.random() < 0.07:  # the phone rang, or the bus is due: stopped early
            stop_after = rng.randint(1, max(1, len(work) - 1))
        hurt_at = rng.choice(work) if rng.random() < 0.035 else None
        elapsed, active, steps = 0.0, 0.0, []
        for index, phase in enumerate(phases):
            if phase.kind is PhaseKind.DONE:
                break
            if phase.kind not in (PhaseKind.HOLD, PhaseKind.REPS):
                elapsed += phase.seconds + (rng.uniform(5, 40) if rng.random() < 0.03 else 0)  # a pause
                continue
            step = self._step(index, phase, hurt=index == hurt_at, pain=plan.pain)
            elapsed += step["actual_hold_seconds"] + rng.uniform(0.05, 0.6)
            active += step["actual_hold_seconds"]
            step["at"] = started + timedelta(seconds=elapsed)
            step.update(self.stamp(step["at"]))
            steps.append(step)
            if len(steps) == stop_after or (step["outcome"] == "hurt" and rng.random() < 0.5):
                break
        ended = started + timedelta(seconds=elapsed + rng.uniform(1, 4))
        if ended > self.now:
            return  # still to come today
        skipped = sum(1 for s in steps if s["outcome"] == "skipped")
        finished = len(steps) == len(work)
        status = "complete" if finished and skipped * 2 <= len(steps) else "partial"
        if not finished and rng.random() < 0.12:
            status = "discarded"
        pain_after = None
        if pain_before is not None and status != "discarded" and rng.random() < 0.95:
            relief = rng.choice((0, 1, 1, 1, 2, 2)) if status == "complete" else rng.choice((-1, 0, 1))
            relief += self._effect({s["exercise_id"] for s in steps if s["outcome"] == "done"})
            pain_after = max(0, min(10, pain_before - relief))
        self.bundle.sessions.append(
            {
                "uuid": self.uuid(),
                "routine_id": routine.id or None,
                "routine_name": routine.name,
                "source": "live",
                "status": status,
                "started_at": started,
                **self.stamp(started),
                "ended_at": ended,
                "planned_seconds": sum(p.seconds for p in phases),
                "active_seconds": round(active, 3),
                "pain_before": pain_before,
                "pain_after": pain_after,
                "steps": steps,
            }
        )

    def _effect(self, done: set[str]) -> int:
        """The extra points of relief the moves done bring: each effect's whole points, and its
        fraction as a chance of one more."""
        effect = sum(self.effects.get(exercise_id, 0.0) for exercise_id in done)
        whole = int(effect)
        return whole + (1 if self.effect_rng.random() < effect - whole else 0)

    def _step(self, index: int, phase: Phase, *, hurt: bool, pain: int) -> dict[str, Any]:
        """One step row as the timer records it: a hold that ran out took exactly its seconds;
        reps end when "done" is pressed; a skip or a hurt stops the clock early."""
        rng = self.rng
        outcome = "hurt" if hurt else ("skipped" if rng.random() < 0.04 else "done")
        reps = phase.kind is PhaseKind.REPS
        if outcome == "done":
            actual = phase.seconds * rng.uniform(0.8, 1.25) if reps else float(phase.seconds)
        else:
            actual = rng.uniform(0.5, max(1.0, phase.seconds * 0.6))
        reps_done = 0
        if reps:
            pace = phase.seconds_per_rep
            reps_done = phase.reps if outcome == "done" else min(phase.reps, int(actual // pace) if pace else 0)
        return {
            "uuid": self.uuid(),
            "step_index": index,
            "exercise_id": phase.exercise_id,
            "exercise_name": phase.exercise_name,
            "set_number": phase.set_number,
            "side": phase.side.value,
            "planned_hold_seconds": 0 if reps else phase.seconds,
            "actual_hold_seconds": round(actual, 3),
            "planned_reps": phase.reps if reps else 0,
            "reps_done": reps_done,
            "outcome": outcome,
            "hurt_pain": min(10, max(pain + 2, rng.randint(4, 7))) if outcome == "hurt" else None,
        }

    def _one_exercise(self, plan: DayPlan, start_minutes: float) -> None:
        """A single exercise started from the library: no routine row, the exercise's name."""
        exercise = self.exercises[self.rng.choice(sorted(self.exercises))]
        self._session(plan, Routine(id="", name=exercise.name, items=(RoutineItem(exercise.id),)), start_minutes)

    def _backfill(self, plan: DayPlan, routine: Routine) -> None:
        """`stretchtui record`: done away from the terminal, counted by its minutes, no steps."""
        at = self.local(plan.day, self.rng.uniform(17 * 60, 21 * 60))
        if at > self.now:
            return
        minutes = self.rng.choice((5, 8, 10, 10, 15))
        self.bundle.sessions.append(
            {
                "uuid": self.uuid(),
                "routine_id": routine.id,
                "routine_name": routine.name,
                "source": "backfill",
                "status": "complete",
                "started_at": at,
                **self.stamp(at),
                "ended_at": at,
                "planned_seconds": sum(p.seconds for p in self.plans[routine.id]),
                "active_seconds": float(minutes * 60),
                "pain_before": None,
                "pain_after": None,
                "steps": [],
            }
        )

    # ------------------------------------------------------------------ check-ins and rest days

    def _checkin(self, plan: DayPlan, weekday: bool) -> None:
        rng = self.rng
        at = self.local(
            plan.day, rng.uniform(7 * 60, 9 * 60) if rng.random() < 0.55 else rng.uniform(20 * 60, 22 * 60 + 45)
        )
        if at > self.now:
            return
        pains = [{"region": "lower-back", "side": "", "pain": plan.pain}]
        if rng.random() < 0.2:
            pains.append({"region": "neck", "side": "", "pain": rng.randint(1, 4)})
        if rng.random() < 0.1 or (plan.flare and rng.random() < 0.5):
            pains.append(
                {
                    "region": "hips-buttocks",
                    "side": rng.choice(("left", "right")),
                    "pain": max(1, plan.pain - rng.randint(0, 2)),
                }
            )
        if plan.flare and rng.random() < 0.3:
            pains.append({"region": "leg", "side": "left", "pain": rng.randint(3, 6)})
        sitting = None
        if weekday and rng.random() < 0.85:
            sitting = rng.choice((6.5, 7, 7.5, 8, 8, 8.5, 9, 9.5, 10))
        elif not weekday and rng.random() < 0.4:
            sitting = rng.choice((0.5, 1, 1.5, 2, 3))
        note = self._note(plan, sitting)
        if not plan.flare and rng.random() < 0.04:
            pains = []  # only hours and maybe a note: pain not noted that day
            sitting = sitting if sitting is not None or note else 1.0
        self.bundle.checkins.append(
            {
                "uuid": self.uuid(),
                "at": at,
                **self.stamp(at),
                "source": "cli" if rng.random() < 0.2 else "app",
                "sitting_hours": sitting,
                "no_comfortable_position": plan.flare and rng.random() < 0.4,
                "note": note,
                "session_uuid": None,
                "pains": pains,
            }
        )

    def _note(self, plan: DayPlan, sitting: float | None) -> str:
        rng = self.rng
        if plan.flare:
            return rng.choice(NOTES["flare"]) if rng.random() < 0.5 else ""
        if rng.random() > 0.07:
            return ""
        if sitting is not None and sitting >= 9:
            return rng.choice(NOTES["sitting"])
        return rng.choice(NOTES["good"] if plan.pain <= 2 else NOTES["plain"])

    def _rest_mark(self, plan: DayPlan) -> None:
        at = self.local(plan.day, self.rng.uniform(19 * 60, 22 * 60))
        if at <= self.now:
            self.bundle.day_marks.append(
                {"uuid": self.uuid(), "day": plan.day, "kind": "rest", "at": at, "zone": self.zone.key}
            )
