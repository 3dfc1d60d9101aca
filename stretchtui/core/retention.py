"""Backup file names and which automatic backups to keep: pure rules, no file system.

Every backup stretchtui writes is named `<stem>-<kind>-<UTC stamp><suffix>`, where `<stem>` and
`<suffix>` are those of the database's file name: `stretchtui-daily-20261121T083000Z.db` is a backup
of `stretchtui.db`, `x-daily-20261121T083000Z.sqlite` one of `x.sqlite`, and a database named `x`
(no suffix) has `x-daily-20261121T083000Z`. `-2`, `-3`... go before the suffix when a name is taken
within the same second. The name alone says what the file is, of which database (its `owner`, the
database's full file name: `x.db` and `x.sqlite` in one folder never share a backup) and when it
was made, so sorting, choosing the latest and pruning never depend on file times, which copies and
restores change. The one exception is a name whose time is later than now, written while the
clock ran ahead: such a backup is "suspect" (`is_suspect`, and see `backups_to_keep`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

DAILY = "daily"  # the automatic backup at the first launch of a day; the only kind that is pruned
MANUAL = "manual"  # `stretchtui backup`
PRE_RESTORE = "pre-restore"  # the database a restore replaced
DAMAGED = "damaged"  # a replaced database that failed its check, kept byte for byte
KEPT = "kept"  # what the app held when its database file was deleted or replaced while it ran
KEEP_DAILY = 7
KEEP_WEEKLY = 4

_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<kind>daily|manual|pre-restore|damaged|kept|pre-v\d+)"
    r"-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?(?P<suffix>\.[^./]+)?$"
)
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's files beside a backup are not backups


@dataclass(frozen=True, order=True)
class BackupName:
    """What a backup's file name says: when (UTC), what kind, and of which database (`owner`: the
    stem and the suffix of the database's file name)."""

    made_at: datetime
    kind: str
    stem: str
    counter: int = 1
    suffix: str = ".db"

    @property
    def owner(self) -> str:
        """The file name of the database this is a backup of."""
        return self.stem + self.suffix

    @property
    def file_name(self) -> str:
        number = f"-{self.counter}" if self.counter > 1 else ""
        return f"{self.stem}-{self.kind}-{self.made_at.strftime(_STAMP)}{number}{self.suffix}"


def owner_parts(db_file_name: str) -> tuple[str, str]:
    """(stem, suffix) of a database's file name, as pathlib splits it: `x.sqlite` is (`x`, `.sqlite`)."""
    dot = db_file_name.rfind(".")
    if 0 < dot < len(db_file_name) - 1:
        return db_file_name[:dot], db_file_name[dot:]
    return db_file_name, ""


def backup_name(stem: str, kind: str, instant: datetime, counter: int = 1, suffix: str = ".db") -> BackupName:
    """The name for a backup of the database `<stem><suffix>` made at `instant` (stored to the second)."""
    if instant.tzinfo is None:
        raise ValueError("backup_name needs an aware datetime")
    made_at = instant.astimezone(UTC).replace(microsecond=0)
    name = BackupName(made_at, kind, stem, counter, suffix)
    if parse_backup_name(name.file_name) != name:
        raise ValueError(f"{name.file_name!r} would not read back as a backup name")
    return name


def parse_backup_name(file_name: str) -> BackupName | None:
    """The parts of a backup file name, or None for any other file."""
    match = _NAME.match(file_name)
    if match is None or file_name.endswith(_SIDE_FILES):
        return None
    try:
        made_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
    except ValueError:  # 20261399T...: looks like a stamp, is not a time
        return None
    return BackupName(made_at, match["kind"], match["stem"], int(match["n"] or 1), match["suffix"] or "")


def is_suspect(name: BackupName, now: datetime) -> bool:
    """Made "after now": written while the clock ran ahead. Its time cannot be trusted, so it is
    never called the latest backup, and it is pruned by count (see `backups_to_keep`)."""
    return name.made_at > now.astimezone(UTC)


Key = TypeVar("Key", bound="SupportsRichComparison")  # sorted: the later key wins within a day


def backups_to_keep(
    days: Iterable[tuple[Key, date]], *, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY, today: date | None = None
) -> set[Key]:
    """Which automatic backups to keep, given each one's logical day.

    Keeps the newest backup of each of the `daily` most recent days that have one, and the newest
    backup of each of the `weekly` most recent ISO weeks (Monday to Sunday) that have one. The two
    rules overlap (this week's newest counts for both), as in restic's --keep-daily/--keep-weekly:
    with a backup every day that is 7 days plus the three weeks before them. Within one day (a
    change of time zone can make two), the later key wins, so pass keys that sort by time.

    With `today`, a backup on a later day was made while the clock ran ahead (suspect): it takes
    no daily or weekly place of its own, so it can never push out real backups or stay forever;
    the daily places that the real backups leave free keep the newest suspect ones (by key), and
    once there are `daily` days of real backups they are all pruned."""
    days = list(days)
    suspect = sorted((key for key, day in days if today is not None and day > today), reverse=True)
    newest_per_day: dict[date, Key] = {}
    for key, day in sorted(
        ((k, d) for k, d in days if today is None or d <= today), key=lambda pair: (pair[1], pair[0])
    ):
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
    keep.update(suspect[: max(0, daily - len(newest_per_day))])
    return keep
