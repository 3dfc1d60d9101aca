"""Function, not only pain: up to three everyday activities the back makes hard ("sit through a
meeting", "put on socks"), each rated once a week from 0 (can't do it) to 10 (as before), as a
patient-specific functional scale does.

The one definition of a rating (`FunctionRating`: its file fields, import rules, staging columns
and schema, through core.records) and of the rules: at most three activities, a name under the one
text rule, a rating 0-10, and one rating per activity and week (a new one that week replaces it).
The activity list itself is a setting (`function_activities`, core.settings); the ratings keep the
name they were given, so a removed activity's ratings stay readable, and a rename relabels them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta  # noqa: F401  (in the field annotations)
from typing import TYPE_CHECKING, Annotated, Any, ClassVar  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.errors import FieldError, UserError, shown
from stretchtui.core.model import _rule  # noqa: F401  (in the field annotations)
from stretchtui.core.sessions import Day, Instant, Pain, Uuid, Zone, zero_to_ten  # noqa: F401  (but zero_to_ten: in the field annotations)

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

MAX_ACTIVITIES = 3
MAX_ACTIVITY = 60  # characters in an activity's name
SCALE = "0 = can't do it, 10 = as before"
SETTING = "function_activities"


@dataclass(frozen=True, kw_only=True)
class FunctionRating:
    """How one activity went in one week, as files (and the function_rating table) hold it. The
    week is the ISO week (Monday first) of `day`, the logical day it was rated."""

    FILE_ORDER: ClassVar[tuple[str, ...]] = ("uuid", "activity", "rating", "at", "zone", "day")

    uuid: Uuid
    activity: Annotated[str, _rule(min_length=1, max_length=MAX_ACTIVITY, title="Activity")]
    rating: Annotated[int, _rule(ge=0, le=10, title="Rating")]
    at: Instant
    zone: Zone
    day: Day

    @property
    def week(self) -> date:
        return week_of(self.day)


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week: a rating counts for that week."""
    return day - timedelta(days=day.weekday())


def same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def activity_name(value: object, field: str = "activity") -> str:
    """An activity's name: one line under the one text rule, 1-60 characters."""
    from stretchtui.core.validation import text

    name = text(value, field, limit=MAX_ACTIVITY)
    if "=" in name:
        raise FieldError(field, f"{shown(name)} holds '=': an activity's name cannot (NAME=N gives its rating)")
    return name


def rating_value(value: object, field: str = "rating") -> int:
    """A rating: a whole number from 0 (can't do it) to 10 (as before)."""
    return zero_to_ten(value, field, f" ({SCALE})")


def parse_rate(text: str, field: str = "--rate") -> tuple[str, int]:
    """'sit through a meeting=6' -> ('sit through a meeting', 6)."""
    name, equals, number = text.rpartition("=")
    if not equals:
        raise FieldError(field, f"{shown(text)} has no '=': give NAME=N, like \"put on socks=6\"")
    return activity_name(name, field), rating_value(number, field)


def activities_value(value: Any, where: str) -> list[str]:
    """The `function_activities` setting: up to three distinct names."""
    if not isinstance(value, list):
        raise FieldError(where, "must be a list of activity names")
    if len(value) > MAX_ACTIVITIES:
        raise FieldError(where, f"has {len(value)} activities; the limit is {MAX_ACTIVITIES}")
    names = [activity_name(item, f"{where}[{i}]") for i, item in enumerate(value)]
    for i, name in enumerate(names):
        if any(same_name(name, other) for other in names[:i]):
            raise FieldError(f"{where}[{i}]", f"{shown(name)} is listed twice")
    return names


def find(activities: Sequence[str], name: str) -> str | None:
    """The listed activity called `name` (case does not matter), as it is spelled in the list."""
    return next((known for known in activities if same_name(known, name)), None)


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def with_activity(activities: Sequence[str], name: str) -> list[str]:
    """The list with `name` in it (added at the end if new); refused, naming the three, when full."""
    if find(activities, name) is not None:
        return list(activities)
    if len(activities) >= MAX_ACTIVITIES:
        raise UserError(
            f"{shown(name)} would be a fourth activity; you rate at most {MAX_ACTIVITIES}: "
            f"{quoted(activities)} (remove or rename one first)"
        )
    return [*activities, name]


def without_activity(activities: Sequence[str], name: str) -> list[str]:
    known = _known(activities, name)
    return [a for a in activities if a != known]


def renamed(activities: Sequence[str], old: str, new: str) -> tuple[str, list[str]]:
    """(the old name as listed, the list with it renamed in place)."""
    known = _known(activities, old)
    clash = find(activities, new)
    if clash is not None and clash != known:
        raise UserError(f"{shown(new)} is already one of your activities")
    return known, [new if a == known else a for a in activities]


def _known(activities: Sequence[str], name: str) -> str:
    known = find(activities, name)
    if known is None:
        listed = quoted(activities) if activities else "none yet"
        raise UserError(f"{shown(name)} is not one of your activities ({listed})")
    return known


@dataclass(frozen=True)
class ActivityEdit:
    """One row of the function dialog: the activity it showed (`was`, "" for an empty row), the
    name it has now ("" removes it) and the rating given this week (None: not rated now)."""

    was: str
    name: str
    rating: int | None = None


# ---------------------------------------------------------------------- reading them back


@dataclass(frozen=True)
class ActivityTrend:
    """One activity's ratings by week (Monday -> 0-10); `current` when it is still on the list."""

    name: str
    current: bool
    by_week: dict[date, int] = field(default_factory=dict)

    def change(self, week: date) -> int | None:
        """This week's rating less the week before's (None unless both were rated)."""
        now, before = self.by_week.get(week), self.by_week.get(week - timedelta(days=7))
        return None if now is None or before is None else now - before


def trends(activities: Sequence[str], ratings: Iterable[FunctionRating]) -> list[ActivityTrend]:
    """The listed activities in their order (rated or not), then any former activity with ratings
    (removed, or an import's), each with its ratings by week (the latest rating of a week counts)."""
    by_name: dict[str, dict[date, tuple[datetime, int]]] = {}
    spelled: dict[str, str] = {}
    for rating in ratings:
        key = rating.activity.casefold()
        spelled.setdefault(key, rating.activity)
        weeks = by_name.setdefault(key, {})
        held = weeks.get(rating.week)
        if held is None or held[0] <= rating.at:
            weeks[rating.week] = (rating.at, rating.rating)
    result = [
        ActivityTrend(name, True, {w: r for w, (_, r) in sorted(by_name.pop(name.casefold(), {}).items())})
        for name in activities
    ]
    result += [
        ActivityTrend(spelled[key], False, {w: r for w, (_, r) in sorted(weeks.items())})
        for key, weeks in sorted(by_name.items())
    ]
    return result


def report_lines(trends_: Iterable[ActivityTrend], monday: date) -> tuple[str, ...]:
    """The weekly report's lines: this week's rating of each activity and the change from the
    week before (the activities on the list, and any other rated in either week)."""
    before = monday - timedelta(days=7)
    lines = []
    for trend in trends_:
        now, then = trend.by_week.get(monday), trend.by_week.get(before)
        if now is None and then is None and not trend.current:
            continue
        if now is None:
            said = "not rated this week" + ("" if then is None else f" ({then} the week before)")
        elif then is None:
            said = f"{now}/10 (not rated the week before)"
        else:
            said = f"{now}/10 ({change_text(now - then)} from {then} the week before)"
        lines.append(f"Function, {trend.name}: {said}")
    return tuple(lines)


def change_text(change: int | None) -> str:
    """'+2', '-1', '+0', or '' when there is nothing to compare."""
    return "" if change is None else f"{change:+d}"


def to_plain(trend: ActivityTrend) -> dict[str, Any]:
    """An activity as `stretchtui function --json` prints it."""
    return {
        "activity": trend.name,
        "current": trend.current,
        "weeks": [{"week": week.isoformat(), "rating": rating} for week, rating in trend.by_week.items()],
    }
