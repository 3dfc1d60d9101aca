"""What today's suggestion is asked with: pain notes, hours sat, past sessions, the safety check,
the minutes and the place. Checked on the way in, so the rules can trust them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from stretchtui.core.model import Exercise
from stretchtui.core.safety import MOBILITY_KINDS, SafetyCheck
from stretchtui.core.settings import BY_KEY as SETTING_SPECS

REGIONS = ("lower-back", "mid-upper-back", "neck", "hips-buttocks", "leg")


def _check_day(day: object) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"day must be a date, not {day!r}")


def _check_pain(value: int | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10):
        raise ValueError(f"{name} must be a whole number from 0 to 10, not {value!r}")


@dataclass(frozen=True)
class PainNote:
    """One region's pain on one day (0-10); a region may be noted several times a day."""

    day: date
    region: str
    side: str
    pain: int
    no_comfortable_position: bool = False
    flare_mark: bool = False  # not noted: the day was marked a flare, counted as a pain of FLARE_PAIN

    def __post_init__(self) -> None:
        _check_day(self.day)
        _check_pain(self.pain, "pain")


@dataclass(frozen=True)
class SittingNote:
    """Hours sat on one day: noted by the person, or `measured` by the activity hook (core.activity;
    a day with a noted value uses that)."""

    day: date
    hours: float
    measured: bool = False

    def __post_init__(self) -> None:
        _check_day(self.day)
        if not math.isfinite(self.hours) or not 0 <= self.hours <= 24:
            raise ValueError(f"hours must be between 0 and 24, not {self.hours!r}")


@dataclass(frozen=True)
class SessionNote:
    """What one past session tells the suggestion.

    mobility_only: every move was mobility or a nerve glide (see `is_mobility_only`).
    hurt_exercise_ids: moves with at least one step recorded as Outcome.HURT.
    pain_before / pain_after: the check-ins around the session, None when skipped.
    """

    day: date
    exercise_ids: frozenset[str] = frozenset()
    hurt_exercise_ids: frozenset[str] = frozenset()
    mobility_only: bool = False
    pain_before: int | None = None
    pain_after: int | None = None
    complete: bool = True

    def __post_init__(self) -> None:
        _check_day(self.day)
        _check_pain(self.pain_before, "pain_before")
        _check_pain(self.pain_after, "pain_after")
        object.__setattr__(self, "exercise_ids", frozenset(self.exercise_ids))
        object.__setattr__(self, "hurt_exercise_ids", frozenset(self.hurt_exercise_ids))

    @property
    def included(self) -> frozenset[str]:
        """Every move in the session, including the ones that hurt."""
        return self.exercise_ids | self.hurt_exercise_ids


def is_mobility_only(exercise_ids: Iterable[str], exercises: Mapping[str, Exercise]) -> bool:
    """True when a session had moves and none of them was a strength move (or unknown)."""
    kinds = [exercises[i].kind if i in exercises else None for i in exercise_ids]
    return bool(kinds) and all(kind in MOBILITY_KINDS for kind in kinds)


@dataclass(frozen=True)
class SuggestionRequest:
    """Everything the suggestion depends on; `today` is passed in so the answer is reproducible."""

    today: date
    minutes: int
    place: str
    pain_notes: tuple[PainNote, ...] = ()
    sitting_notes: tuple[SittingNote, ...] = ()
    sessions: tuple[SessionNote, ...] = ()
    safety: SafetyCheck = SafetyCheck()
    exercises: Mapping[str, Exercise] = field(kw_only=True)

    def __post_init__(self) -> None:
        _check_day(self.today)
        for name, key in (("minutes", "suggest_minutes"), ("place", "suggest_place")):
            choices, value = SETTING_SPECS[key].choices, getattr(self, name)
            if value not in choices:
                raise ValueError(f"{name} must be one of {choices}, not {value!r}")
        for name in ("pain_notes", "sitting_notes", "sessions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
