"""A made-up but believable history, for trying the app, screenshots and the benchmark.

Pure: given the clock's now, the user's zone, the routines and exercises in a store and a seed, it
returns the same export-format data (docs/export-format.md) every time. It is written into a store
by the importer (commands/demo.py), so demo data takes the one write path a real import takes. It
lives beside the `demo` command rather than in core because the story names the seed library's
routines and exercises by id (seed/*.toml), which core's rules never do.

The story: someone with a sore lower back starts stretching. Pain starts around 6 and settles
around 2, with day-to-day noise and a flare-up every month or two (pain 7 or more, no session that
day). Sessions happen on most days, more reliably as the habit forms, in the morning or the evening;
some stop early, now and then a step hurts. Weekdays mean long hours sitting. There are holidays
with no notes at all, and the occasional rest day.
"""

from __future__ import annotations

import math
import random
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from stretchtui.core.days import DEFAULT_DAY_START_HOUR, logical_day
from stretchtui.core.errors import FieldError
from stretchtui.core.exchange.bundle import Bundle, OwnRoutine
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.instants import FIRST_DAY, check_instant
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.safety import QUESTION_KEYS
from stretchtui.core.timer import Phase, PhaseKind, build_phases
from stretchtui.core.vocabulary import Origin, plural

MIN_YEARS, MAX_YEARS = 1, 50
DAYS_PER_YEAR = 365

# Which routine fits which moment, by id; routines missing from the store are left out.
MORNING_ROUTINES = {"seven-in-seven": 5, "lower-back-five": 4, "mobility": 3, "my-morning-four": 3, "one-minute": 1}
EVENING_ROUTINES = {"feel-better": 4, "spine-series": 3, "lower-back-five": 2, "mobility": 2, "one-minute": 1}
GENTLE_ROUTINES = {"one-minute": 4, "feel-better": 3, "my-morning-four": 1}  # when pain is high
STRENGTH_ROUTINES = {"strength-stability": 1}  # once pain has settled
DESK_ROUTINES = {"desk-break": 1}
OWN_ROUTINE_EXERCISES = ("cat-cow", "childs-pose", "pelvic-tilt", "knee-to-chest")
FAVOURITES = ("cat-cow", "childs-pose", "piriformis-stretch")

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


def check_years(years: object, where: str = "--years") -> int:
    """A whole number of years in range; one specific message otherwise."""
    if isinstance(years, bool) or not isinstance(years, int) or not MIN_YEARS <= years <= MAX_YEARS:
        raise FieldError(where, f"must be a whole number from {MIN_YEARS} to {MAX_YEARS}, not {years!r}")
    return years


def check_span(now: datetime, years: int, where: str = "--years") -> int:
    """`years` of history ending `now` fit the window of core.instants (checked before a database
    is made: an import that refuses the history would leave an empty one behind). Two days of
    margin: the first day's events, in any zone, are still inside."""
    check_instant(now, "the clock")
    first = now.date() - timedelta(days=years * DAYS_PER_YEAR + 2)
    if first < FIRST_DAY:
        most = (now.date() - FIRST_DAY).days // DAYS_PER_YEAR - 1
        raise FieldError(
            where,
            f"{plural(years, 'year')} back from {now.date()} starts before {FIRST_DAY}, "
            f"the earliest day stretchtui keeps; at most {max(most, 0)} here",
        )
    return years


def demo_export(
    *,
    now: datetime,
    zone: ZoneInfo,
    routines: Sequence[Routine],
    exercises: Mapping[str, Exercise],
    years: int = 1,
    seed: int = 1,
    day_start_hour: int = DEFAULT_DAY_START_HOUR,
    app_version: str = "",
) -> dict[str, Any]:
    """`years` of history ending `now`, as export-format data (for `Store.import_data`).
    `routines` and `exercises` are what the target store holds (built-in ones, usually)."""
    check_span(now, check_years(years, "years"), "years")
    story = _Story(random.Random(seed), now, zone, routines, exercises, day_start_hour)
    bundle = story.tell(years * DAYS_PER_YEAR)
    return to_plain(bundle, exported_at=now, app_version=app_version)


# ---------------------------------------------------------------------- the story, day by day


@dataclass
class _Day:
    """What one logical day holds, decided before its events are written."""

    day: date
    progress: float  # 0 at the start of the story, 1 at the end
    pain: int
    away: bool = False
    flare: bool = False


class _Story:
    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        zone: ZoneInfo,
        routines: Sequence[Routine],
        exercises: Mapping[str, Exercise],
        day_start_hour: int,
    ) -> None:
        self.rng = rng
        self.now = now.astimezone(UTC)
        self.zone = zone
        self.day_start_hour = day_start_hour
        self.exercises = dict(exercises)
        self.routines = {r.id: r for r in routines if any(i.exercise_id in exercises for i in r.items)}
        if not self.routines:
            raise ValueError("the demo needs at least one routine whose exercises are in the store")
        self.plans = {rid: build_phases(r, self.exercises) for rid, r in self.routines.items()}
        self.bundle = Bundle()
        self._noise = 0.0
        self._own_from = date.max  # the own routine exists from this day on

    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def local(self, day: date, minutes: float) -> datetime:
        """The UTC instant of a wall time `minutes` after midnight starting `day` (past 24 h: the next date)."""
        naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def stamp(self, instant: datetime) -> dict[str, Any]:
        return {"zone": self.zone.key, "day": logical_day(instant, self.zone, self.day_start_hour)}

    # ------------------------------------------------------------------ the whole span

    def tell(self, days: int) -> Bundle:
        today = logical_day(self.now, self.zone, self.day_start_hour)
        first = today - timedelta(days=days - 1)
        self._settings_and_library(first)
        away_until = first - timedelta(days=1)
        flare_left = 0
        for offset in range(days):
            day = first + timedelta(days=offset)
            progress = offset / max(1, days - 1)
            plan = _Day(day, progress, self._pain(progress))
            days_left = days - offset
            if day > away_until and offset > 14 and days_left > 30 and self.rng.random() < 1 / 150:
                away_until = day + timedelta(days=self.rng.randint(2, 9))  # a holiday: 3-10 days away
            plan.away = day <= away_until
            # Flare-ups come less often as things improve; the last three weeks are calm (the story
            # ends on a good run, which is also what a first look at the app should show).
            flare_chance = 1 / 30 + (1 / 90 - 1 / 30) * progress
            if flare_left == 0 and not plan.away and days_left > 21 and self.rng.random() < flare_chance:
                flare_left = self.rng.choice((1, 1, 2, 3))
            if flare_left:
                flare_left -= 1
                plan.flare = True
                plan.pain = self.rng.choice((7, 7, 8, 8, 9))
            self._live(plan)
        return self.bundle

    def _pain(self, progress: float) -> int:
        """Lower-back pain: from about 6 down towards 2, with noise that lingers for a few days."""
        self._noise = 0.7 * self._noise + self.rng.gauss(0, 0.5)
        level = 2.0 + 4.2 * math.exp(-3.2 * progress) + self._noise
        return max(0, min(6, round(level)))

    def _settings_and_library(self, first: date) -> None:
        # Answered (all "no") on the story's last morning, so the demo opens on Today, not on the questions.
        self.bundle.settings = {
            "safety_answers": {key: False for key in QUESTION_KEYS},
            "safety_answered_at": self.now.isoformat(),
        }
        self.bundle.favourites = [ex for ex in FAVOURITES if ex in self.exercises]
        items = tuple(RoutineItem(ex) for ex in OWN_ROUTINE_EXERCISES if ex in self.exercises)
        if len(items) >= 2:
            created = self.local(first + timedelta(days=20), 21 * 60 + 10)
            own = Routine(
                id=f"{USER_ID_PREFIX}morning-four",
                name="My Morning Four",
                items=items,
                description="The four that help most before work.",
                origin=Origin.USER,
                uuid=self.uuid(),
            )
            if created <= self.now:
                self.bundle.routines.append(OwnRoutine(own, created, created))
                self.routines[own.id] = own
                self.plans[own.id] = build_phases(own, self.exercises)
                self._own_from = logical_day(created, self.zone, self.day_start_hour) + timedelta(days=1)

    # ------------------------------------------------------------------ one day

    def _live(self, plan: _Day) -> None:
        rng, day = self.rng, plan.day
        weekday = day.weekday() < 5
        if plan.away:
            if rng.random() < 0.2:  # stretched in the hotel room, recorded later
                self._backfill(plan)
            return
        habit = 0.72 + 0.25 * min(1.0, plan.progress * 3)  # the habit firms up in the first third
        if not plan.flare and rng.random() < 0.025 + (0.02 if day.weekday() == 6 else 0):
            self._rest_mark(plan)
        elif not plan.flare and rng.random() < habit:
            self._sessions(plan, weekday)
        if plan.flare or rng.random() < 0.78:
            self._checkin(plan, weekday)

    def _sessions(self, plan: _Day, weekday: bool) -> None:
        rng = self.rng
        morning = rng.random() < (0.7 if weekday else 0.5)
        if morning:
            start = rng.uniform(6 * 60 + 40, 8 * 60 + 20) if weekday else rng.uniform(8 * 60 + 30, 10 * 60 + 30)
            choices = MORNING_ROUTINES
        elif rng.random() < 0.06:
            start = rng.uniform(24 * 60 + 5, 24 * 60 + 55)  # after midnight: before the day start, so this day
            choices = GENTLE_ROUTINES
        else:
            start = rng.uniform(18 * 60 + 30, 22 * 60 + 30)
            choices = EVENING_ROUTINES
        if plan.pain >= 5:
            choices = GENTLE_ROUTINES
        elif plan.pain <= 3 and rng.random() < 0.25:
            choices = STRENGTH_ROUTINES
        if rng.random() < 0.03:
            self._backfill(plan)
        elif rng.random() < 0.04:
            self._one_exercise(plan, start)
        else:
            self._session(plan, self._pick(choices, plan.day), start)
        if weekday and rng.random() < 0.15:  # a desk break at lunch
            self._session(plan, self._pick(DESK_ROUTINES, plan.day), rng.uniform(12 * 60 + 15, 14 * 60 + 30))

    def _pick(self, weights: Mapping[str, int], day: date) -> Routine:
        """A routine by weight among those the store has (and, for the own one, that exist by `day`)."""
        available = {rid for rid, r in self.routines.items() if r.origin is not Origin.USER or day >= self._own_from}
        usable = {rid: w for rid, w in weights.items() if rid in available}
        if not usable:
            return self.routines[self.rng.choice(sorted(available))]
        ids = sorted(usable)
        return self.routines[self.rng.choices(ids, weights=[usable[i] for i in ids])[0]]

    # ------------------------------------------------------------------ sessions and their steps

    def _session(self, plan: _Day, routine: Routine, start_minutes: float) -> None:
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

    def _one_exercise(self, plan: _Day, start_minutes: float) -> None:
        """A single exercise started from the library: no routine row, the exercise's name."""
        exercise = self.exercises[self.rng.choice(sorted(self.exercises))]
        self._session(plan, Routine(id="", name=exercise.name, items=(RoutineItem(exercise.id),)), start_minutes)

    def _backfill(self, plan: _Day) -> None:
        """`stretchtui record`: done away from the terminal, counted by its minutes, no steps."""
        routine = self._pick(MORNING_ROUTINES, plan.day)
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

    def _checkin(self, plan: _Day, weekday: bool) -> None:
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

    def _note(self, plan: _Day, sitting: float | None) -> str:
        rng = self.rng
        if plan.flare:
            return rng.choice(NOTES["flare"]) if rng.random() < 0.5 else ""
        if rng.random() > 0.07:
            return ""
        if sitting is not None and sitting >= 9:
            return rng.choice(NOTES["sitting"])
        return rng.choice(NOTES["good"] if plan.pain <= 2 else NOTES["plain"])

    def _rest_mark(self, plan: _Day) -> None:
        at = self.local(plan.day, self.rng.uniform(19 * 60, 22 * 60))
        if at <= self.now:
            self.bundle.day_marks.append(
                {"uuid": self.uuid(), "day": plan.day, "kind": "rest", "at": at, "zone": self.zone.key}
            )
