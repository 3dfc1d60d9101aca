"""One rest or flare day per day, one rating per activity and week, when several machines made one
(docs/sync.md, "Merge rules").

Apart from store.sync_apply because these records are keyed twice: by their UUID, as every synced
record, and by what they are about (the day; the activity and week). Two machines can each make
one for the same day, and the newest-by-UUID rule would keep both: here one stands everywhere (a
flare day over a rest day, then the later stamp, then the UUID) and the others go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from stretchtui.core.sync_log import Change
from stretchtui.store import models as m
from stretchtui.store.sync_kinds import BY_UUID

if TYPE_CHECKING:
    from stretchtui.core.sync_clock import Stamp
    from stretchtui.store.sync_apply import Applied


def rank(kind: str, mark: Any, stamp: Stamp, key: str) -> tuple[bool, Stamp, str]:
    """Which of two rest days for one day stands (two ratings of one week: the later): a flare day
    over a rest day, whatever the clocks say (gentler, core.sync_merge), then the later stamp, then
    (two copies of one database can give two records one stamp) the UUID, so every machine agrees."""
    from stretchtui.core.sync_merge import gentler_mark

    return (kind == "day_marks" and gentler_mark(mark), stamp, key)


def one_per_day(changes: list[Change]) -> list[Change]:
    """Of the rest days for one day (the ratings of one activity in one week) that come in together
    from several machines, only the latest: the rest lose to it wherever they arrive (displace)."""
    from datetime import date

    from stretchtui.core.function import week_of

    def natural(change: Change) -> tuple[str, ...] | None:
        record = change.record
        if change.gone or not isinstance(record, dict):
            return None
        try:
            if change.kind == "day_marks":
                return ("day", str(record.get("day")))
            if change.kind == "function_ratings":
                week = week_of(date.fromisoformat(str(record.get("day"))))
                return ("week", str(record.get("activity")).casefold(), week.isoformat())
        except ValueError:
            return None  # the import's checks say what is wrong with it
        return None

    def standing(change: Change) -> tuple[bool, Stamp, str]:
        return rank(change.kind, change.record.get("kind"), change.stamp, change.key)

    latest: dict[tuple[str, ...], Change] = {}
    for change in changes:
        if (key := natural(change)) is not None and (key not in latest or standing(change) > standing(latest[key])):
            latest[key] = change
    return [c for c in changes if (key := natural(c)) is None or latest[key] is c]


def displace(
    change: Change,
    applied: Applied,
    known: Mapping[tuple[str, str], Stamp],
    state_here: Callable[[tuple[str, str]], tuple[Stamp, Stamp | None] | None],
) -> bool:
    """One rest day per day and one rating per activity and week: of two made on two machines,
    the later stamp stays (the other goes, here and, by this machine's next round, everywhere)."""
    record = change.record

    def kind_of(uuid: str) -> Any:
        row = model.get_or_none(model.uuid == uuid)
        return getattr(row, "kind", None)

    model = BY_UUID[change.kind]
    if change.kind == "day_marks":
        rivals = m.DayMark.select(m.DayMark.uuid).where(m.DayMark.day == record.get("day"))
    elif change.kind == "function_ratings":
        from datetime import date

        from stretchtui.core.function import week_of

        try:
            week = week_of(date.fromisoformat(str(record.get("day"))))
        except ValueError:
            return True  # the import's checks say what is wrong with it
        rivals = m.FunctionRating.select(m.FunctionRating.uuid).where(
            (m.FunctionRating.week == week)
            & (m.FunctionRating.activity.collate("NOCASE") == str(record.get("activity")))
        )
    else:
        return True
    for (uuid,) in rivals.tuples():
        if uuid == change.key:
            continue  # the same mark, changed (rest to flare): the newer version, as for any record
        here = state_here((change.kind, uuid))
        rival = known.get((change.kind, uuid)) or (here[0] if here else None)
        if rival is not None and rank(change.kind, kind_of(uuid), rival, str(uuid)) > rank(
            change.kind, record.get("kind"), change.stamp, change.key
        ):
            return False
        model.delete().where(model.uuid == uuid).execute()
        applied.touch((change.kind, uuid), change.stamp)
    return True
