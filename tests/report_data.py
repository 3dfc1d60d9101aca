"""On top of `fill_history`: the things a weekly report has to show that the generated history
lacks (check-in notes, a step that hurt, a flare day, a rest day), all in the frozen clock's week."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.sessions import Outcome, SessionStatus, Side, StepRecord
from stretchtui.store import Store

WEEK_LABEL = "2026-W47"  # Mon 16 - Sun 22 Nov 2026; the frozen clock is on Saturday 21


def at(clock, day: date, hour: int, minute: int = 0) -> None:
    clock.instant = datetime.combine(day, time(hour, minute), ZoneInfo(clock.zone_name)).astimezone(ZoneInfo("UTC"))


def add_week_details(store: Store, clock) -> None:
    """Tue 17: a flare (pain 7) with a note; Wed 18: a session whose Sphinx step hurt (left side,
    pain 5); Thu 19: a rest day and a note with characters that mean something in Markdown."""
    original = clock.instant
    at(clock, date(2026, 11, 17), 19, 5)
    store.checkins.add_checkin(
        [PainEntry(Region.LOWER_BACK, 7), PainEntry(Region.LEG, 4, "left")],
        sitting_hours=10,
        note="Long drive to Hamburg; a twinge down the left leg by evening",
    )
    at(clock, date(2026, 11, 18), 18, 30)
    info = store.sessions.start_session("lower-back-five", "Lower Back in Five", 300, pain_before=4)
    store.sessions.record_step(
        info.id,
        StepRecord(0, "knee-to-chest", "Knee-to-Chest", 1, Side.LEFT, 30, 30.0, 0, 0, Outcome.DONE),
        active_seconds=30,
        resume_state=None,
    )
    store.sessions.record_step(
        info.id,
        StepRecord(1, "sphinx", "Sphinx", 1, Side.LEFT, 30, 8.0, 0, 0, Outcome.HURT, hurt_pain=5),
        active_seconds=38,
        resume_state=None,
    )
    store.sessions.finish_session(info.id, SessionStatus.PARTIAL, pain_after=3)
    at(clock, date(2026, 11, 19), 21, 40)
    # Marked as rest although the history has a session that day: written as an older version
    # (or an import) could, since the app now refuses a rest day on a day that met the goal.
    from stretchtui.store import models as m

    m.DayMark.create(
        uuid="5d3c9a10-2f4e-4b7a-9c1d-8e6f0a2b4c19",
        day=date(2026, 11, 19),
        kind="rest",
        at=clock.now(),
        zone=clock.zone_name,
    )
    store.checkins.add_checkin(
        [PainEntry(Region.LOWER_BACK, 3)], note="Physio: keep press-ups gentle | stop at 5/10 *before* it builds"
    )
    clock.instant = original
