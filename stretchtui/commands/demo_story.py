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

What each day holds is decided here; the entries it writes are commands/demo_records.py's.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from stretchtui.commands.demo_records import DayPlan, DayWriter
from stretchtui.core.days import DEFAULT_DAY_START_HOUR, logical_day
from stretchtui.core.errors import FieldError
from stretchtui.core.exchange.bundle import Bundle, OwnRoutine
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.instants import FIRST_DAY, check_instant
from stretchtui.core.library import USER_ID_PREFIX
from stretchtui.core.model import Exercise, Routine, RoutineItem
from stretchtui.core.phases import build_phases
from stretchtui.core.safety import QUESTION_KEYS
from stretchtui.core.vocabulary import Origin, plural

MIN_YEARS, MAX_YEARS = 1, 50
DAYS_PER_YEAR = 365

# Which routine fits which moment, by id; routines missing from the store are left out.
MORNING_ROUTINES = {"seven-in-seven": 5, "lower-back-five": 4, "mobility": 3, "my-morning-four": 3, "one-minute": 1}
EVENING_ROUTINES = {"feel-better": 4, "spine-series": 3, "lower-back-five": 2, "mobility": 2, "one-minute": 1}
GENTLE_ROUTINES = {"one-minute": 4, "feel-better": 3, "my-morning-four": 1}  # when pain is high
STRENGTH_ROUTINES = {"strength-stability": 1}  # once pain has settled
DESK_ROUTINES = {"desk-break": 1}
# The demo's true effects: how many points more pain falls, on average, in a session that did the
# move (the rest have none). Relief per exercise (core.relief) should find these and nothing else;
# tests/test_relief.py checks that it does.
TRUE_EFFECTS = {"childs-pose": 1.2, "prone-press-up": 0.8}
OWN_ROUTINE_EXERCISES = ("cat-cow", "childs-pose", "pelvic-tilt", "knee-to-chest")
FAVOURITES = ("cat-cow", "childs-pose", "piriformis-stretch")


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
    story = _Story(random.Random(seed), now, zone, routines, exercises, day_start_hour, TRUE_EFFECTS)
    bundle = story.tell(years * DAYS_PER_YEAR)
    return to_plain(bundle, exported_at=now, app_version=app_version)


# ---------------------------------------------------------------------- the story, day by day


class _Story(DayWriter):
    """The story told day by day: the settings and own routine it starts with, then each day's
    pain, holidays, flare-ups and which entries it gets."""

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
            plan = DayPlan(day, progress, self._pain(progress))
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

    def _live(self, plan: DayPlan) -> None:
        rng, day = self.rng, plan.day
        weekday = day.weekday() < 5
        if plan.away:
            if rng.random() < 0.2:  # stretched in the hotel room, recorded later
                self._backfill(plan, self._pick(MORNING_ROUTINES, plan.day))
            return
        habit = 0.72 + 0.25 * min(1.0, plan.progress * 3)  # the habit firms up in the first third
        if not plan.flare and rng.random() < 0.025 + (0.02 if day.weekday() == 6 else 0):
            self._rest_mark(plan)
        elif not plan.flare and rng.random() < habit:
            self._sessions(plan, weekday)
        if plan.flare or rng.random() < 0.78:
            self._checkin(plan, weekday)

    def _sessions(self, plan: DayPlan, weekday: bool) -> None:
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
            self._backfill(plan, self._pick(MORNING_ROUTINES, plan.day))
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
