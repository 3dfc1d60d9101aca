"""The daily reminder's schedule (`stretchtui remind`): the time and days a person types, and the
text the system scheduler is given for them, a systemd user timer or one crontab line.

Pure: parsing and text building only. Installing, removing and asking the scheduler are
`commands.reminder_scheduler`'s. The scheduler wakes a short command (`remind --send`) at the set
time, in the machine's local time; stretchtui runs no daemon of its own.

Every line this writes is marked (`MARKER`), so that removing the reminder, or changing its time,
touches that line alone and leaves everything else in a crontab as it was.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stretchtui.core.errors import UserError, shown

SERVICE_NAME = "stretchtui-remind.service"
TIMER_NAME = "stretchtui-remind.timer"
MARKER = "stretchtui-remind"
CRON_MARKER = f"# {MARKER}"
WRITTEN_BY = "# Written by `stretchtui remind`; `stretchtui remind --off` removes it."

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # date.weekday() order
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
_DAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{
        name: i
        for i, names in enumerate(
            (
                ("monday",),
                ("tues", "tuesday"),
                ("wednesday",),
                ("thur", "thurs", "thursday"),
                ("friday",),
                ("saturday",),
                ("sunday",),
            )
        )
        for name in names
    },
}
_SETS = {
    "daily": EVERY_DAY,
    "every day": EVERY_DAY,
    "everyday": EVERY_DAY,
    "all": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
DAYS_HINT = "use day names and ranges such as mon-fri, sat,sun, mon,wed,fri or daily"


class ScheduleError(UserError):
    """A time or days the scheduler cannot be given: one line, nothing changed."""


@dataclass(frozen=True)
class Reminder:
    """When the reminder fires: a time of day (24-hour, local) on some days of the week."""

    hour: int
    minute: int
    days: frozenset[int] = EVERY_DAY  # 0 Monday ... 6 Sunday

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"not a time of day: {self.hour}:{self.minute}")
        if not self.days or not self.days <= EVERY_DAY:
            raise ValueError(f"not a set of weekdays: {sorted(self.days)}")

    @property
    def time_text(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def describe(self) -> str:
        """'daily reminder at 10:30, Mon-Fri' (or '..., every day')."""
        return f"daily reminder at {self.time_text}, {days_text(self.days)}"


# ---------------------------------------------------------------------- what a person types


_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_time(text: str) -> tuple[int, int]:
    """'10:30' or '9:05' (24-hour) -> (hour, minute); ScheduleError with a specific line otherwise."""
    cleaned = text.strip()
    found = _TIME.fullmatch(cleaned)
    if found is None:
        if re.fullmatch(r"\d{1,2}[.h]\d{2}", cleaned):
            hint = f"write it with a colon: {cleaned[:-3]}:{cleaned[-2:]}"
        else:
            hint = "use HH:MM on the 24-hour clock, e.g. 10:30 or 18:00"
        raise ScheduleError(f"{shown(cleaned)} is not a time of day; {hint}")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23:
        raise ScheduleError(f"{shown(cleaned)} is not a time of day; hours run from 00 to 23")
    if minute > 59:
        raise ScheduleError(f"{shown(cleaned)} is not a time of day; minutes run from 00 to 59")
    return hour, minute


def parse_days(text: str) -> frozenset[int]:
    """'mon-fri', 'sat,sun', 'mon,wed,fri', 'daily', 'every day', 'fri-mon' (a range may wrap past
    Sunday), names long or short in any case -> weekday numbers (0 Monday)."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _SETS:
        return _SETS[cleaned]
    days: set[int] = set()
    parts = [part.strip() for part in re.split(r"[,\s]+", cleaned) if part.strip()]
    if not parts:
        raise ScheduleError(f"no day given; {DAYS_HINT}")
    for part in parts:
        if part in _SETS:
            days |= _SETS[part]
            continue
        ends = re.split(r"\.\.|-", part)
        if len(ends) == 1:
            days.add(_day(ends[0]))
        elif len(ends) == 2:
            if not all(ends):  # "mon-": a range with an end missing
                raise ScheduleError(f"{shown(part)} is not a day or a range of days; {DAYS_HINT}")
            first, last = _day(ends[0]), _day(ends[1])
            days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
        else:
            raise ScheduleError(f"{shown(part)} is not a day or a range of days; {DAYS_HINT}")
    return frozenset(days)


def _day(word: str) -> int:
    if word not in _DAY_WORDS:
        raise ScheduleError(f"{shown(word)} is not a day of the week; {DAYS_HINT}")
    return _DAY_WORDS[word]


def _runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted numbers as runs of consecutive ones: [0, 1, 2, 4] -> [(0, 2), (4, 4)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def days_text(days: frozenset[int]) -> str:
    """As people read them: 'every day', 'Mon-Fri', 'Sat, Sun', 'Mon-Wed, Fri'."""
    if days == EVERY_DAY:
        return "every day"
    return ", ".join(
        DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}{'-' if b > a + 1 else ', '}{DAY_NAMES[b]}" for a, b in _runs(days)
    )


# ---------------------------------------------------------------------- systemd


def systemd_days(days: frozenset[int]) -> str:
    """The weekday part of an OnCalendar= value: 'Mon..Fri', 'Mon,Wed,Fri'; '' for every day."""
    if days == EVERY_DAY:
        return ""
    return ",".join(
        DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}{'..' if b > a + 1 else ','}{DAY_NAMES[b]}" for a, b in _runs(days)
    )


def on_calendar(reminder: Reminder) -> str:
    """'Mon..Fri *-*-* 10:30:00' (systemd.time(7)), in the machine's local time."""
    weekdays = systemd_days(reminder.days)
    return f"{weekdays + ' ' if weekdays else ''}*-*-* {reminder.time_text}:00"


_SYSTEMD_PLAIN = re.compile(r"[A-Za-z0-9_@+=:,./-]+")


def systemd_quote(word: str) -> str:
    """One word of an ExecStart= line: as it is when plain, else in double quotes with `\\` and `"`
    escaped; `%` (a specifier) and `$` (a variable) are doubled either way (systemd.service(5))."""
    _refuse_control(word)
    escaped = word.replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(word):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def send_command(program: Sequence[str], db_path: str) -> list[str]:
    """What the scheduler runs: the stretchtui program (a path, or python -m stretchtui), this
    database, and `remind --send`."""
    return [*program, "--db", db_path, "remind", "--send"]


def service_text(program: Sequence[str], db_path: str) -> str:
    command = " ".join(systemd_quote(word) for word in send_command(program, db_path))
    return (
        f"{WRITTEN_BY}\n"
        "[Unit]\n"
        "Description=stretchtui daily stretch reminder\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={command}\n"
    )


def timer_text(reminder: Reminder) -> str:
    return (
        f"{WRITTEN_BY}\n"
        "[Unit]\n"
        f"Description=stretchtui {reminder.describe()}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={on_calendar(reminder)}\n"
        "Persistent=false\n"
        f"Unit={SERVICE_NAME}\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


_ON_CALENDAR = re.compile(
    r"OnCalendar=\s*(?:(?P<days>[A-Za-z.,]+)\s+)?\*-\*-\*\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::00)?\s*"
)


def reminder_from_timer(text: str) -> Reminder | None:
    """The reminder a timer written by `timer_text` holds; None when it holds no such schedule."""
    for line in text.splitlines():
        found = _ON_CALENDAR.fullmatch(line.strip())
        if found is None:
            continue
        try:
            days = EVERY_DAY if found["days"] is None else _systemd_day_set(found["days"])
            return Reminder(int(found["h"]), int(found["m"]), days)
        except (ValueError, ScheduleError):
            return None
    return None


def _systemd_day_set(text: str) -> frozenset[int]:
    return parse_days(text.replace("..", "-"))


# ---------------------------------------------------------------------- crontab


def cron_days(days: frozenset[int]) -> str:
    """The day-of-week field: '*', '1-5', '0,6', '1,3,5' (cron counts from Sunday, 0)."""
    if days == EVERY_DAY:
        return "*"
    numbers = {(day + 1) % 7 for day in days}
    return ",".join(str(a) if a == b else f"{a}{'-' if b > a + 1 else ','}{b}" for a, b in _runs(numbers))


def cron_quote(word: str) -> str:
    """One word for the shell cron hands the line to, with `%` escaped (cron turns a bare `%` into
    a new line)."""
    _refuse_control(word)
    return shlex.quote(word).replace("%", "\\%")


def cron_line(reminder: Reminder, program: Sequence[str], db_path: str) -> str:
    """'30 10 * * 1-5 /path/stretchtui --db /path/db remind --send >/dev/null  # stretchtui-remind'
    (no newline). Standard output goes nowhere (cron would mail it every day); errors still reach
    cron's mail."""
    command = " ".join(cron_quote(word) for word in send_command(program, db_path))
    return f"{reminder.minute} {reminder.hour} * * {cron_days(reminder.days)} {command} >/dev/null  {CRON_MARKER}"


def is_our_cron_line(line: str) -> bool:
    """A crontab entry (not a comment) that ends with our marker."""
    stripped = line.strip()
    return not stripped.startswith("#") and stripped.endswith(CRON_MARKER)


def crontab_with(crontab: str, line: str | None) -> str:
    """`crontab` with our entry replaced by `line` (in place of the first one found, else at the
    end), or removed when `line` is None. Every other line is kept exactly; a last line without a
    newline gets one (cron may ignore it otherwise)."""
    kept: list[str] = []
    placed = False
    for existing in crontab.splitlines(keepends=True):
        if is_our_cron_line(existing):
            if line is not None and not placed:
                kept.append(line + "\n")
                placed = True
            continue
        kept.append(existing if existing.endswith(("\n", "\r")) else existing + "\n")
    if line is not None and not placed:
        kept.append(line + "\n")
    return "".join(kept)


def our_cron_line(crontab: str) -> str | None:
    return next((line.strip() for line in crontab.splitlines() if is_our_cron_line(line)), None)


_CRON_FIELDS = re.compile(r"(?P<m>\d{1,2})\s+(?P<h>\d{1,2})\s+\*\s+\*\s+(?P<dow>[0-7*,-]+)\s.*")


def reminder_from_cron_line(line: str) -> Reminder | None:
    """The reminder a line written by `cron_line` holds; None when its schedule is not one we write."""
    found = _CRON_FIELDS.fullmatch(line.strip())
    if found is None:
        return None
    try:
        return Reminder(int(found["h"]), int(found["m"]), _cron_day_set(found["dow"]))
    except ValueError:
        return None


def _cron_day_set(field: str) -> frozenset[int]:
    if field == "*":
        return EVERY_DAY
    days: set[int] = set()
    for part in field.split(","):
        ends = [int(end) for end in part.split("-")]
        if len(ends) == 1:
            ends.append(ends[0])
        if len(ends) != 2 or not 0 <= ends[0] <= ends[1] <= 7:
            raise ValueError(f"not a day-of-week field: {field!r}")
        days.update((n - 1) % 7 for n in range(ends[0], ends[1] + 1))  # cron 0 and 7: Sunday
    return frozenset(days)


def _refuse_control(word: str) -> None:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in word):
        raise ScheduleError(f"cannot schedule {shown(word, 80)}: it holds a control character")
