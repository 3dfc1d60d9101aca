"""Settings from other machines (docs/sync.md, "Merge rules"): which fit here, and how a health
answer or condition is merged rather than replaced.

Apart from store.sync_apply because a health setting is the one kind of record where the newest
version does not simply win: every version of it that came is weighed, oldest first, against what
the version here holds and has seen, the cautious way (core.sync_merge): a "yes" the other machine
never saw stays, one it saw and took back goes. Every other setting is the newest version's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stretchtui.core.sync_log import Change
from stretchtui.store import models as m

if TYPE_CHECKING:
    from stretchtui.core.sync_clock import Stamp
    from stretchtui.store.sync_apply import Applied
    from stretchtui.store.sync_tables import SyncTables


def setting_fits(change: Change, applied: Applied) -> bool:
    """A setting from another machine is checked as an import checks it (a safety answer of
    "yes" instead of true would read as unanswered here): refused in one line if it does not fit.
    This machine's own settings (the theme, the cues) are passed over without a word."""
    from stretchtui.core.errors import FieldError
    from stretchtui.core.settings import EXPORTED, SYNCED, imported_settings

    if change.key not in EXPORTED:
        applied.refuse(change, "not a setting this version knows")
        return False
    if change.key not in SYNCED:
        return False
    if not change.gone:
        try:
            imported_settings({change.key: change.record})
        except FieldError as error:
            applied.refuse(change, str(error))
            return False
    return True


def write_setting(key: str, now: datetime, value: Any) -> None:
    """A synced setting's value here (None: back to its default); this machine's own are never
    taken from another."""
    from stretchtui.core.settings import SYNCED

    if key not in SYNCED:  # this machine's own (the theme, the cues, a player): never taken from another
        return
    if value is None:
        m.Setting.delete().where(m.Setting.key == key).execute()
    else:
        m.Setting.insert(key=key, value=value, updated_at=now).on_conflict_replace().execute()


@dataclass(frozen=True)
class _Here:
    """A health setting as it stands here while one apply weighs the versions that came."""

    holds: dict[Stamp, Any]  # the versions whose "yes" or condition it holds, each with its value
    base: Stamp | None
    value: Any
    latest: Stamp  # the newest version weighed so far
    seen: set[Stamp]  # every version it has seen (taken, merged, or replaced knowingly)


@dataclass(eq=False)
class HealthMerge:
    """The health settings of one apply: every version of each that came (`note`), then weighed
    against the one here (`merge`); `health` is where each stands after, for sync_tables to keep."""

    now: datetime
    state_here: Callable[[tuple[str, str]], tuple[Stamp, Stamp | None] | None]  # any record's (stamp, base)
    tables: SyncTables  # the versions each holds and has seen, as the last apply left them
    versions: dict[str, dict[Stamp, Change]] = field(init=False, default_factory=dict)  # setting -> versions come
    health: dict[str, _Here] = field(init=False, default_factory=dict)  # health setting -> as it stands now

    def note(self, change: Change) -> None:
        """A setting's change that came, kept with every other version of it if it is a health one."""
        from stretchtui.core.sync_merge import CAUTIOUS

        if change.kind == "settings" and change.key in CAUTIOUS:
            self.versions.setdefault(change.key, {})[change.stamp] = change

    def merge(self, applied: Applied) -> set[tuple[str, str]]:
        """Weigh every health setting that came; the keys it took care of (the newest-wins rule
        leaves them alone)."""
        for key in self.versions:
            self._cautiously(key, applied)
        return {("settings", key) for key in self.versions}

    def _cautiously(self, key: str, applied: Applied) -> None:
        """Every version of a health answer or condition that came, oldest first, not only the
        newest: one taken in with another machine's unseen "none" in the same round must still
        be weighed (a third machine taking both at once would else drop the older "yes")."""
        from stretchtui.core.sync_merge import flags_something, passes_on

        state = self.state_here(("settings", key))
        row = m.Setting.get_or_none(m.Setting.key == key)
        noted = self.tables.health(key)
        here = None
        if state is not None and row is not None:
            if noted is None:  # from before versions were noted: the version here, and its base
                holds = {state[0]: row.value} if flags_something(key, row.value) else {}
                noted = holds, {state[0], *([state[1]] if state[1] else [])}
            here = _Here(noted[0], state[1], row.value, state[0], noted[1])
        for change in sorted(self.versions[key].values(), key=lambda c: c.stamp):
            if here is None:  # nothing here yet to weigh it against: it goes in as it is
                write_setting(key, self.now, change.record)
                applied.take(change)
                if passes_on(key, change.record):
                    applied.resend.add((change.kind, key))  # passed on: see _weigh
                here = _Here(_held(key, change), change.after, change.record, change.stamp, self._history(change))
            else:
                here = self._weigh(change, here, applied)
        if here is not None:
            self.health[key] = here

    def _weigh(self, change: Change, here: _Here, applied: Applied) -> _Here:
        """One version against the one here: one whose every "yes" was seen here is nothing new
        (the same version again, a merge of versions seen); otherwise it is kept together with
        every version here it had not seen, the cautious way (core.sync_merge): a "yes" it saw
        and left out was taken back on purpose, one it never saw stays. Returns the version here
        after it."""
        from stretchtui.core.sync_merge import CAUTIOUS, flags_something, passes_on

        key = change.key
        history = self._history(change)
        seen = here.seen | history
        if _sources(change) <= here.seen and change.stamp != here.latest:
            return _Here(here.holds, here.base, here.value, here.latest, seen)  # nothing it holds is new
        if change.stamp == here.latest and change.record == here.value:
            return _Here(here.holds, here.base, here.value, here.latest, seen)  # the same version again
        # what the version here holds that it had not seen (a twin with its own stamp, from a
        # copied database, had not seen the other: both are kept)
        unseen = {
            stamp: value
            for stamp, value in here.holds.items()
            if stamp not in history or (stamp == change.stamp and value != change.record)
        }
        if not here.holds and change.stamp < here.latest:
            unseen = {here.latest: here.value}  # an older version, unseen here: kept together with this one
        merged = change.record
        for value in unseen.values():
            merged = CAUTIOUS[key](value, merged)
        if merged != here.value:
            write_setting(key, self.now, merged)
        if unseen and merged != change.record and (change.stamp > here.latest or merged != here.value):
            # a merge no machine has yet, or one that machines ranking the other's version first
            # would miss: it goes out, stamped after both (a third machine, a later joiner get it)
            applied.resend.add((change.kind, key))
        elif merged != here.value and passes_on(key, merged):
            # a "yes" or a condition that came from elsewhere: passed on as this machine's own, so
            # a machine that hears only from this one gets it too (a sync tool may carry each
            # machine's own files only). Once: a machine that has seen it takes it as nothing new.
            applied.resend.add((change.kind, key))
        applied.take(change)
        newer = change.stamp > here.latest
        holds = {**unseen, **_held(key, change)}
        if not here.holds and not flags_something(key, here.value):
            holds.pop(here.latest, None)  # held nothing: not a version to keep
        return _Here(holds, change.after if newer else here.base, merged, max(here.latest, change.stamp), seen)

    def _history(self, change: Change) -> set[Stamp]:
        """Every version `change` is known to have seen, itself included."""
        return {change.stamp, *change.saw, *self._came_after(change)}

    def _came_after(self, change: Change) -> set[Stamp]:
        """The versions `change` was made on top of, as far as the versions that came show: its
        `after`, that one's `after`, and so on. The version here among them means the other
        machine saw it (and an answer taken back there was taken back on purpose)."""
        seen: set[Stamp] = set()
        versions = self.versions.get(change.key, {})
        step: Change | None = change
        while step is not None and step.after is not None and step.after not in seen:
            seen.add(step.after)
            step = versions.get(step.after)
        return seen


def _held(key: str, change: Change) -> dict[Stamp, Any]:
    """The versions a version holds a "yes" of, each with the value that holds it."""
    from stretchtui.core.sync_merge import flags_something

    if not flags_something(key, change.record):
        return {}
    return dict.fromkeys(_sources(change), change.record)


def _sources(change: Change) -> set[Stamp]:
    """The versions whose "yes" a version holds: a merge names them (`from`), any other is its own."""
    return set(change.sources) if change.sources else {change.stamp}
