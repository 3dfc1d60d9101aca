"""The released migrations keep their CHECK lists as written (a migration is frozen once released);
these say that each still lists exactly the values of the enum it stands for, and that a new
migration writes its lists from the enums (store.migrations.one_of)."""

from __future__ import annotations

import pytest

from stretchtui.core.checkins import CheckinSource, PainSide
from stretchtui.core.entries import EntryKind, MarkKind
from stretchtui.core.model import Origin, Sides
from stretchtui.core.sessions import Outcome, SessionSource, SessionStatus, Side
from stretchtui.store import migrations


@pytest.mark.parametrize(
    ("sql", "check"),
    [
        (migrations.V1_SCHEMA, f"origin IN {migrations.one_of(Origin)}"),
        (migrations.V1_SCHEMA, f"sides IN {migrations.one_of(Sides)}"),
        (migrations.V1_SCHEMA, f"status IN {migrations.one_of(SessionStatus)}"),
        (migrations.V1_SCHEMA, f"side IN {migrations.one_of(Side)}"),
        (migrations.V1_SCHEMA, f"outcome IN {migrations.one_of(Outcome)}"),
        (migrations.V1_SCHEMA, f"source IN {migrations.one_of(SessionSource)}"),
        (migrations.V1_SCHEMA, f"source IN {migrations.one_of(CheckinSource)}"),
        (migrations.V1_SCHEMA, f"side IN {migrations.one_of(PainSide)}"),
        (migrations.V4_CORRECTIONS, f"kind IN {migrations.one_of(MarkKind)}"),
        (migrations.V4_CORRECTIONS, f"kind IN {migrations.one_of(EntryKind)}"),
    ],
)
def test_every_released_check_list_is_its_enum(sql: str, check: str) -> None:
    assert check in sql


def test_a_check_list_is_written_from_the_enum() -> None:
    assert migrations.one_of(Outcome) == "('done', 'skipped', 'hurt')"
