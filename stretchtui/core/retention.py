"""Backup file names and which automatic backups to keep: pure rules, no file system.

Every backup stretchtui writes is named `<stem>-<kind>-<UTC stamp>.db` (for example
`stretchtui-daily-20261121T083000Z.db`), with `-2`, `-3`... before `.db` when a name is taken
within the same second. The name alone says what the file is and when it was made, so sorting,
choosing the latest and pruning never depend on file times, which copies and restores change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TypeVar

DAILY = "daily"  # the automatic backup at the first launch of a day; the only kind that is pruned
MANUAL = "manual"  # `stretchtui backup`
PRE_RESTORE = "pre-restore"  # the database a restore replaced
DAMAGED = "damaged"  # a replaced database that failed its check, kept byte for byte
KEEP_DAILY = 7
KEEP_WEEKLY = 4

_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>daily|manual|pre-restore|damaged|pre-v\d+)"
                   r"-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db$")


@dataclass(frozen=True, order=True)
class BackupName:
    """What a backup's file name says: when (UTC), what kind, and of which database (the stem)."""

    made_at: datetime
    kind: str
    stem: str
    counter: int = 1

    @property
    def file_name(self) -> str:
        suffix = f"-{self.counter}" if self.counter > 1 else ""
        return f"{self.stem}-{self.kind}-{self.made_at.strftime(_STAMP)}{suffix}.db"


def backup_name(stem: str, kind: str, instant: datetime, counter: int = 1) -> BackupName:
    """The name for a backup of the database `<stem>.db` made at `instant` (stored to the second)."""
    if instant.tzinfo is None:
        raise ValueError("backup_name needs an aware datetime")
    made_at = instant.astimezone(timezone.utc).replace(microsecond=0)
    name = BackupName(made_at, kind, stem, counter)
    if parse_backup_name(name.file_name) != name:
        raise ValueError(f"{name.file_name!r} would not read back as a backup name")
    return name


def parse_backup_name(file_name: str) -> BackupName | None:
    """The parts of a backup file name, or None for any other file."""
    match = _NAME.match(file_name)
    if match is None:
        return None
    try:
        made_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
    except ValueError:  # 20261399T...: looks like a stamp, is not a time
        return None
    return BackupName(made_at, match["kind"], match["stem"], int(match["n"] or 1))


Key = TypeVar("Key")


def backups_to_keep(days: Iterable[tuple[Key, date]], *, daily: int = KEEP_DAILY,
                    weekly: int = KEEP_WEEKLY) -> set[Key]:
    """Which automatic backups to keep, given each one's logical day.

    Keeps the newest backup of each of the `daily` most recent days that have one, and the newest
    backup of each of the `weekly` most recent ISO weeks (Monday to Sunday) that have one. The two
    rules overlap (this week's newest counts for both), as in restic's --keep-daily/--keep-weekly:
    with a backup every day that is 7 days plus the three weeks before them. Within one day (a
    change of time zone can make two), the later key wins, so pass keys that sort by time."""
    newest_per_day: dict[date, Key] = {}
    for key, day in sorted(days, key=lambda pair: (pair[1], pair[0])):
        newest_per_day[day] = key  # the last one seen for a day is the newest
    keep: set[Key] = set()
    newest_first = sorted(newest_per_day, reverse=True)
    keep.update(newest_per_day[day] for day in newest_first[:daily])
    weeks_seen: list[tuple[int, int]] = []
    for day in newest_first:
        week = day.isocalendar()[:2]
        if week in weeks_seen:
            continue
        if len(weeks_seen) == weekly:
            break
        weeks_seen.append(week)
        keep.add(newest_per_day[day])
    return keep
