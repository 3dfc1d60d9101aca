"""A removal and an edit made elsewhere without seeing it (docs/sync.md: the newer wins): every
machine ends with the newer, including a third machine that gets both in one round; and the same
entry removed on two machines is kept with one removal time everywhere (found by an outside pass
of honest use: three machines, the command line only)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from stretchtui.core.entries import EntryKind, MarkKind


@pytest.fixture
def three(tmp_path: Path, seeded_template: Path):
    from test_sync import Machine

    made = [Machine(name, tmp_path, seeded_template, 0.0) for name in "abc"]
    for machine in made:
        machine.use().sync.join(machine.folder, machine.name)
        machine.round()
    yield made
    for machine in made:
        machine.use().close()


def send(source: Any, *targets: Any) -> None:
    from test_sync import deliver

    source.round()
    for target in targets:
        deliver(source, target, "whole", random.Random(0))


def marks(machine: Any) -> list[tuple[str, str]]:
    return sorted((d["day"], d["kind"]) for d in machine.export()["day_marks"])


@pytest.mark.parametrize("entry", ["day mark", "check-in"])
def test_an_edit_made_after_a_removal_elsewhere_stands_on_a_third_machine_too(three, entry: str) -> None:
    a, b, c = three
    day = a.use().checkins.stamp().day - timedelta(days=1)
    if entry == "day mark":
        a.use().corrections.set_day_mark(day, MarkKind.REST, force=True)
    else:
        a.checkin(3, "as first noted")
    send(a, b, c)
    b.round()
    c.round()
    removed = next(e for e in a.use().corrections.entries() if e.kind is not EntryKind.SESSION)
    a.use().corrections.remove_entry(removed)
    send(a, b, c)  # b and c hold a's removal in their folders, not yet read
    b.clock.advance(60)  # a minute later, b changes the entry without having seen the removal
    if entry == "day mark":
        b.use().corrections.set_day_mark(day, MarkKind.FLARE, force=True)
    else:
        from stretchtui.core.checkins import CheckinAnswers, PainEntry, Region

        b.use().corrections.update_checkin(
            removed.uuid, CheckinAnswers([PainEntry(Region.NECK, 5, "")], sitting_hours=2, note="edited on b")
        )
    send(b, c)
    c.round()  # a's removal and b's newer version in one round
    b.round()  # b reads a's removal: its own version is newer
    send(b, a)
    a.round()
    if entry == "day mark":
        assert marks(a) == marks(b) == marks(c) == [(day.isoformat(), "flare")]
    else:
        notes = [[x.note for x in m.use().checkins.checkins()] for m in (a, b, c)]
        assert notes == [["edited on b"]] * 3
    # the removal b's version undid on a is not left waiting to be sent: nothing is, anywhere
    assert [m.use().sync.status().unsent for m in (a, b, c)] == [0, 0, 0]


def test_one_entry_removed_on_two_machines_keeps_one_removal_time(three) -> None:
    a, b, _ = three
    a.checkin(2, "removed twice")
    send(a, b)
    b.round()
    uuid = next(e for e in a.use().corrections.entries() if e.kind is EntryKind.CHECKIN).uuid
    a.use().corrections.remove_entry(a.use().corrections.find_entry(uuid))
    b.clock.advance(30)
    b.use().corrections.remove_entry(b.use().corrections.find_entry(uuid))
    send(a, b)
    send(b, a)
    a.round()
    b.round()
    times = [[r["removed_at"] for r in m.export()["removed"]] for m in (a, b)]
    assert times[0] == times[1] and len(times[0]) == 1


def test_every_kind_of_entry_is_removable_the_same_way_everywhere() -> None:
    """Which kinds a removal takes away was written three times (sync's list, corrections' tables,
    the import's table -> kind map); it is store.models.ENTRY_MODELS now, and each use derives
    from it: every entry kind has its table, sync names each by its change kind and back."""
    from stretchtui.core.exchange.bundle import SECTION_RECORDS
    from stretchtui.store.models import ENTRY_MODELS
    from stretchtui.store.sync_kinds import BY_UUID, REMOVABLE, REMOVABLE_KIND

    assert set(ENTRY_MODELS) == set(EntryKind)
    assert sorted(REMOVABLE.values()) == sorted(kind.value for kind in EntryKind)
    for change_kind, entry in REMOVABLE.items():
        assert BY_UUID[change_kind] is ENTRY_MODELS[EntryKind(entry)]
        assert REMOVABLE_KIND[entry] == change_kind and change_kind in SECTION_RECORDS
