"""The released migrations keep their CHECK lists as written (a migration is frozen once released);
these say that each still lists exactly the values of the enum it stands for, and that a new
migration writes its lists from the enums (store.migration_steps.one_of)."""

from __future__ import annotations

import pytest

from stretchtui.core.checkins import CheckinSource, PainSide
from stretchtui.core.entries import EntryKind, MarkKind
from stretchtui.core.model import Origin, Sides
from stretchtui.core.sessions import Outcome, SessionSource, SessionStatus, Side
from stretchtui.store.migration_steps import V4_CORRECTIONS, one_of
from stretchtui.store.schema_v1 import V1_SCHEMA


@pytest.mark.parametrize(
    ("sql", "check"),
    [
        (V1_SCHEMA, f"origin IN {one_of(Origin)}"),
        (V1_SCHEMA, f"sides IN {one_of(Sides)}"),
        (V1_SCHEMA, f"status IN {one_of(SessionStatus)}"),
        (V1_SCHEMA, f"side IN {one_of(Side)}"),
        (V1_SCHEMA, f"outcome IN {one_of(Outcome)}"),
        (V1_SCHEMA, f"source IN {one_of(SessionSource)}"),
        (V1_SCHEMA, f"source IN {one_of(CheckinSource)}"),
        (V1_SCHEMA, f"side IN {one_of(PainSide)}"),
        (V4_CORRECTIONS, f"kind IN {one_of(MarkKind)}"),
        (V4_CORRECTIONS, f"kind IN {one_of(EntryKind)}"),
    ],
)
def test_every_released_check_list_is_its_enum(sql: str, check: str) -> None:
    assert check in sql


def test_a_check_list_is_written_from_the_enum() -> None:
    assert one_of(Outcome) == "('done', 'skipped', 'hurt')"
