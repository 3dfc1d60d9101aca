"""How gentle today's suggestion is: the pain notes set a level, and a rising trend, pain that rose
after the last session, unanswered or out-of-date safety answers and no comfortable position only
ever make it gentler, each with the line that says why (core.suggest reads the level).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from stretchtui.core.persistent_pain import persistent_pain_advice
from stretchtui.core.safety import advice_for, gentle_only_why
from stretchtui.core.suggestion_inputs import PainNote, SessionNote, SuggestionRequest
from stretchtui.core.vocabulary import plural

RECENT_DAYS = 7
"""A latest pain note older than this no longer sets today's level."""
BASELINE_DAYS = 7
TREND_RISE = 2
TREND_RATIO = 1.3  # is_rising compares 10 * pain with 13 * baseline
HISTORY_DAYS = 14
"""Hurts and calm sessions count for this many days, today included."""
SHORT_MINUTES = 5
SESSION_RISE_DAYS = 7
"""A session within this many days after which pain rose steps the suggestion down."""
RISING_ADVICE = (
    "Your pain has risen three days in a row: consider seeing a clinician, such as your doctor or a physiotherapist."
)


class Level(StrEnum):
    FULL = "full"
    GENTLE = "gentle"
    MOBILITY_SHORT = "mobility-short"
    NONE = "none"
    RED_FLAG = "red-flag"
    ASK_AGAIN = "ask-again"


STEP_DOWN = (Level.FULL, Level.GENTLE, Level.MOBILITY_SHORT, Level.NONE)
LEVEL_TEXT = {
    Level.FULL: "a full routine",
    Level.GENTLE: "a gentle routine (shorter holds, fewer reps, no strength moves)",
    Level.MOBILITY_SHORT: f"short, gentle mobility only (up to {SHORT_MINUTES} min)",
    Level.NONE: "no routine today",
    Level.RED_FLAG: "no routine: get checked first",
    Level.ASK_AGAIN: "no routine until you answer the safety questions again",
}


@dataclass(frozen=True)
class PainReading:
    """The pain that sets today's level and the day it was noted."""

    day: date
    pain: int
    regions: tuple[str, ...]  # regions noted with any pain that day, worst first
    flare_mark: bool = False  # the pain is the day's flare mark, not one noted (say so, not "Pain 7/10")


def daily_worst(notes: Iterable[PainNote], today: date) -> dict[date, int]:
    """The worst pain of each day up to today; duplicates and later notes cannot lower it."""
    worst: dict[date, int] = {}
    for note in notes:
        if note.day <= today:
            worst[note.day] = max(worst.get(note.day, 0), note.pain)
    return worst


def current_pain(notes: Iterable[PainNote], today: date) -> PainReading | None:
    """Today's worst region, else the latest day's worst within RECENT_DAYS; None without notes."""
    notes = tuple(notes)
    days = [n.day for n in notes if today - timedelta(days=RECENT_DAYS) <= n.day <= today]
    if not days:
        return None
    day = max(days)
    of_day = [n for n in notes if n.day == day]
    pain = max(n.pain for n in of_day)
    by_region: dict[str, int] = {}
    for note in of_day:
        if not note.flare_mark:  # a mark names no region
            by_region[note.region] = max(by_region.get(note.region, 0), note.pain)
    regions = sorted((r for r, p in by_region.items() if p > 0), key=lambda r: (-by_region[r], r))
    marked = all(n.flare_mark for n in of_day if n.pain == pain)
    return PainReading(day=day, pain=pain, regions=tuple(regions), flare_mark=marked)


def no_comfortable_position_today(notes: Iterable[PainNote], today: date) -> bool:
    return any(n.no_comfortable_position and n.day == today for n in notes)


def _previous(worst: Mapping[date, int], day: date) -> list[int]:
    return [worst[d] for d in (day - timedelta(days=i) for i in range(1, BASELINE_DAYS + 1)) if d in worst]


def baseline(worst: Mapping[date, int], day: date) -> float | None:
    """Mean daily worst over the BASELINE_DAYS before `day`; None when none were noted."""
    values = _previous(worst, day)
    return sum(values) / len(values) if values else None


def is_rising(worst: Mapping[date, int], day: date) -> bool:
    """Pain on `day` is TREND_RISE points or TREND_RATIO times above its own baseline.

    Compared in whole numbers (pain * n against the sum), so 3.9 vs 3 * 1.3 never wobbles.
    """
    values = _previous(worst, day)
    if day not in worst or not values:
        return False
    pain, total, count = worst[day], sum(values), len(values)
    return pain * count >= total + TREND_RISE * count or (total > 0 and 10 * pain * count >= 13 * total)


def level_for_pain(pain: int) -> Level:
    if pain <= 3:
        return Level.FULL
    if pain <= 5:
        return Level.GENTLE
    if pain <= 7:
        return Level.MOBILITY_SHORT
    return Level.NONE


def said_when(day: date, today: date) -> str:
    gap = (today - day).days
    return "today" if gap == 0 else "yesterday" if gap == 1 else f"{plural(gap, 'day')} ago"


def _step_down(level: Level) -> Level:
    return STEP_DOWN[min(STEP_DOWN.index(level) + 1, len(STEP_DOWN) - 1)] if level in STEP_DOWN else level


def _gentler(level: Level, cap: Level) -> Level:
    """The gentler of two levels."""
    return level if STEP_DOWN.index(level) >= STEP_DOWN.index(cap) else cap


def pain_rose(session: SessionNote) -> bool:
    return (
        session.pain_before is not None
        and session.pain_after is not None
        and session.pain_after - session.pain_before >= TREND_RISE
    )


def recent_sessions(request: SuggestionRequest) -> tuple[SessionNote, ...]:
    """The sessions of the last HISTORY_DAYS days, today included."""
    today = request.today
    return tuple(s for s in request.sessions if today - timedelta(days=HISTORY_DAYS) < s.day <= today)


@dataclass(frozen=True)
class LevelStep:
    """How gentle today is, the lines that say why (the first names the level) and the advice."""

    level: Level
    why: tuple[str, ...]
    advice: tuple[str, ...]
    reading: PainReading | None
    head: str = ""  # what the first line says of the pain ("Pain 2/10 today"), before the level

    def capped(self, cap: Level, because: str) -> LevelStep:
        """This step held to `cap` when that is gentler, its first line saying so ("Pain 2/10
        today; in flare mode: short, gentle mobility only"), never naming a level it does not give."""
        if self.level not in STEP_DOWN or STEP_DOWN.index(self.level) >= STEP_DOWN.index(cap):
            return self
        return replace(self, level=cap, why=(f"{self.head}; {because}: {LEVEL_TEXT[cap]}.", *self.why[1:]))


def level_step(request: SuggestionRequest) -> LevelStep:
    """The pain sets the level; a rising trend, pain that rose after the last session, unanswered or
    out-of-date safety answers and no comfortable position only ever make it gentler, each saying why."""
    today, check = request.today, request.safety
    reading = current_pain(request.pain_notes, today)
    worst = daily_worst(request.pain_notes, today)
    changes: list[str] = []
    advice: list[str] = []
    if reading is None:
        level = Level.FULL
        head = "No recent pain notes"
    else:
        level = level_for_pain(reading.pain)
        when = said_when(reading.day, today)
        head = f"Flare day marked {when}" if reading.flare_mark else f"Pain {reading.pain}/10 {when}"
        if reading.pain == 0 and no_comfortable_position_today(request.pain_notes, today):
            head = f"No pain noted {when}"  # a check-in may note only that no position is comfortable
        if is_rising(worst, reading.day) and level is not Level.NONE:
            base = baseline(worst, reading.day)
            level = _step_down(level)
            changes.append(f"That is up from your {BASELINE_DAYS}-day average of {base:.1f}, so one step gentler.")
            if all(is_rising(worst, reading.day - timedelta(days=i)) for i in (1, 2)):
                advice.append(RISING_ADVICE)
    rated = sorted(
        (
            s
            for s in recent_sessions(request)
            if s.pain_before is not None
            and s.pain_after is not None
            and today - s.day < timedelta(days=SESSION_RISE_DAYS)
        ),
        key=lambda s: s.day,
    )
    if rated and pain_rose(rated[-1]) and level is not Level.NONE:
        last = rated[-1]
        level = _step_down(level)
        changes.append(
            f"Your pain went from {last.pain_before} to {last.pain_after} after your session "
            f"{said_when(last.day, today)}, so one step gentler."
        )
    if check.gentle_only and level in (Level.FULL, Level.GENTLE):
        level = _gentler(level, Level.MOBILITY_SHORT)
        changes += gentle_only_why(check)
    if no_comfortable_position_today(request.pain_notes, today):
        level = Level.NONE
        changes.append("No comfortable position today.")
    advice += advice_for(check)
    advice += persistent_pain_advice(worst, today)
    first = _level_line(head, level_for_pain(reading.pain) if reading else Level.FULL, level, changes)
    return LevelStep(level, (first, *changes), tuple(advice), reading, head)


def _level_line(head: str, by_pain: Level, level: Level, changes: list[str]) -> str:
    """The first why line names the level, and says so when the lines below, not the pain, set it
    ("Pain 2/10 today; for the reason below: short, gentle mobility only")."""
    if level is by_pain or not changes:
        return f"{head}: {LEVEL_TEXT[level]}."
    reasons = "the reason below" if len(changes) == 1 else "the reasons below"
    return f"{head}; for {reasons}: {LEVEL_TEXT[level]}."
