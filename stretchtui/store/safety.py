"""The safety profile in the store: answers with when they were given, conditions, and what happened
since (notes, pain, sessions) that asks the questions again. The rules live in core.safety.

Three settings hold it, always written together in one transaction: `safety_answers` (question key
-> yes/no, the shape earlier versions exported), `safety_answered_at` (a UTC instant, ISO 8601) and
`conditions` (a list of condition ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import SqliteDatabase, fn

from stretchtui.core.checkins import Checkin, Region
from stretchtui.core.clock import Clock
from stretchtui.core.conditions import check_conditions
from stretchtui.core.safety import (
    ASK_AGAIN_DAYS,
    NoteEvent,
    Profile,
    SafetyCheck,
    SessionEvent,
    ask_again,
    check_answer_keys,
)
from stretchtui.core.sessions import KEPT_STATUSES, Outcome
from stretchtui.core.vocabulary import Condition
from stretchtui.store import models as m
from stretchtui.store.checkins import CheckinRepository
from stretchtui.store.settings import SettingsRepository

ANSWERS, ANSWERED_AT, CONDITIONS = "safety_answers", "safety_answered_at", "conditions"
SEEN_CHECKIN = "safety_seen_checkin"
"""The newest check-in row when the questions were last answered: a note entered later counts as
new even when dated earlier (`log --at`, an import). Kept on this machine only (not exported)."""
LEGACY_KEYS = {"fall": ("trauma",), "fever-weight": ("fever", "weight-loss")}
"""Questions of the first six that were split or renamed: a yes given to them still counts."""


def profile_from_settings(get_setting: Callable[[str], Any]) -> Profile:  # key -> value (core.settings)
    """The profile from the three settings; anything unreadable counts as not answered."""
    raw = get_setting(ANSWERS)
    answers = {k: v for k, v in raw.items() if isinstance(v, bool)} if isinstance(raw, dict) else {}
    for old, new_keys in LEGACY_KEYS.items():
        if answers.pop(old, False):
            answers.update({key: True for key in new_keys})
    at = get_setting(ANSWERED_AT)
    try:
        answered_at = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        answered_at = None
    if answered_at is not None and answered_at.tzinfo is None:
        answered_at = None
    raw_conditions = get_setting(CONDITIONS)
    conditions = frozenset(c for c in Condition if isinstance(raw_conditions, list) and c.value in raw_conditions)
    return Profile(answers=answers, answered_at=answered_at, conditions=conditions)


@dataclass(eq=False)
class SafetyRepository:
    """Read and write the safety profile, and what asks its questions again."""

    db: SqliteDatabase
    clock: Clock
    settings: SettingsRepository
    checkins: CheckinRepository

    def safety_profile(self) -> Profile:
        return profile_from_settings(self.settings.get)

    def save_safety(
        self,
        *,
        answers: Mapping[str, bool] | None = None,
        conditions: Iterable[str] | None = None,
        complete: bool = True,
    ) -> Profile:
        """Answers, conditions, or both, in one transaction. `complete`: a question left out is "no"
        (the command line's --answers); otherwise only the answers given are kept, and the profile
        stays unanswered until every question is (a dialog left half done, with a yes in it).
        Answers are stamped with the clock's now. Unknown keys raise ValueError with nothing written."""
        from stretchtui.core.safety import QUESTION_KEYS

        if answers is not None:
            check_answer_keys(answers)
            answers = {key: bool(answers.get(key, False)) for key in QUESTION_KEYS if complete or key in answers}
        chosen = check_conditions(conditions) if conditions is not None else None
        now = self.clock.now()
        with self.db.atomic():
            if answers is not None:
                seen = m.Checkin.select(fn.MAX(m.Checkin.id)).scalar() or 0
                for key, value in ((ANSWERS, answers), (ANSWERED_AT, now.isoformat()), (SEEN_CHECKIN, seen)):
                    m.Setting.insert(key=key, value=value, updated_at=now).on_conflict_replace().execute()
            if chosen is not None:
                value = sorted(c.value for c in chosen)
                m.Setting.insert(key=CONDITIONS, value=value, updated_at=now).on_conflict_replace().execute()
        return self.safety_profile()

    def safety_check(self) -> SafetyCheck:
        """The profile with the reasons to ask again: only what was noted after the last answers."""
        from stretchtui.core.note_flags import note_flags
        from stretchtui.store.session_pains import hurt_pains

        profile = self.safety_profile()
        now = self.clock.now()
        window = now - timedelta(days=ASK_AGAIN_DAYS + 1)
        since = max(profile.answered_at, window) if profile.answered_at is not None else window
        notes = []
        seen = self.settings.get(SEEN_CHECKIN)
        checkins = self.checkins.checkins(since=min(since, window).date() - timedelta(days=1))  # backdated too
        form_legs = _form_legs(checkins)
        edited = self._edited_after(profile.answered_at)
        for checkin in checkins:
            entered_after = checkin.id > seen if isinstance(seen, int) and profile.answered_at is not None else None
            if checkin.id in edited:  # what it says now was written after the answers (History's `e`)
                entered_after = True
            if entered_after is None and profile.answered_at is not None and checkin.at <= profile.answered_at:
                continue
            flags = note_flags(checkin.note) if checkin.note else ()
            notes.append(
                NoteEvent(
                    at=checkin.at,
                    day=checkin.day,
                    worst_pain=max((p.pain for p in checkin.pains), default=0),
                    leg_sides=self.legs_noted(checkin, form_legs, flags),
                    note_flags=flags,
                    entered_after=entered_after,
                )
            )
        answered = profile.answered_at
        for hurt in hurt_pains(min(since, window).date()):  # "this hurts" in a session: pain noted then
            if answered is None or hurt.at > answered:
                notes.append(NoteEvent(at=hurt.at, day=hurt.day, worst_pain=hurt.pain, leg_sides=frozenset()))
        if profile.answered_at is None:
            return SafetyCheck(profile, ask_again(profile, now, notes))
        rows = m.Session.select(m.Session.started_at, m.Session.pain_before, m.Session.pain_after).where(
            m.Session.status.in_(KEPT_STATUSES)
            & (m.Session.source == "live")
            & (m.Session.started_at > profile.answered_at)
        )
        sessions = [SessionEvent(at=r.started_at, pain_before=r.pain_before, pain_after=r.pain_after) for r in rows]
        return SafetyCheck(profile, ask_again(profile, now, notes, sessions))

    def _edited_after(self, answered_at: datetime | None) -> frozenset[int]:
        """Check-ins changed after the answers: an edit that adds "both legs numb", or a 9, to a
        morning's check-in is read as written then (an outside pass: an edit kept the check-in's
        own time, so the questions never came back)."""
        if answered_at is None:
            return frozenset()
        rows = m.Checkin.select(m.Checkin.id).where(
            m.Checkin.updated_at.is_null(False) & (m.Checkin.updated_at > answered_at)
        )
        return frozenset(checkin_id for (checkin_id,) in rows.tuples())

    def legs_noted(
        self,
        checkin: Checkin,
        form_legs: Mapping[date, set[str]] | None = None,
        flags: tuple[str, ...] | None = None,
    ) -> frozenset[str]:
        """The leg sides a check-in noted: its form's (pain above 0), with those its note names
        (core.note_legs: "right leg too", "the other leg", "both sides"), read against the legs
        noted that day and the day before (`form_legs`, read here when not given). A note the
        matcher already flags for both legs (`flags`, its note_flags, worked out here when not
        given) is its own reason, not a second one."""
        from stretchtui.core.note_flags import note_flags
        from stretchtui.core.note_legs import legs_in_note

        legs = frozenset(p.side for p in checkin.pains if p.region is Region.LEG and p.pain > 0)
        if flags is None:
            flags = note_flags(checkin.note) if checkin.note else ()
        if not checkin.note or "both-legs" in flags:
            return legs
        if form_legs is None:
            form_legs = _form_legs(self.checkins.checkins(since=checkin.day - timedelta(days=1)))
        context = form_legs.get(checkin.day, set()) | form_legs.get(checkin.day - timedelta(days=1), set())
        no_side = any(p.region is Region.LEG and p.pain > 0 and not p.side for p in checkin.pains)
        return legs | legs_in_note(checkin.note, legs, context, leg_noted=no_side)

    def recently_hurt(self, days: int = 14) -> frozenset[str]:
        """Exercises with a step marked hurt in the last `days` days (today included)."""
        from stretchtui.core.days import today

        since = today(self.clock, self.settings.day_start_hour()) - timedelta(days=days - 1)
        rows = (
            m.SessionStep.select(m.SessionStep.exercise_id)
            .where((m.SessionStep.outcome == Outcome.HURT.value) & (m.SessionStep.day >= since))
            .distinct()
            .tuples()
        )
        return frozenset(exercise_id for (exercise_id,) in rows)


def conditions_text(conditions: Iterable[Condition]) -> str:
    from stretchtui.core.vocabulary import label

    return ", ".join(label(c).lower() for c in conditions) or "none"


def _form_legs(checkins: Iterable[Checkin]) -> dict[date, set[str]]:
    """The leg sides each day's check-in forms noted (pain above 0): what "the other leg" in a
    later note is read against."""
    found: dict[date, set[str]] = {}
    for checkin in checkins:
        found.setdefault(checkin.day, set()).update(
            p.side for p in checkin.pains if p.region is Region.LEG and p.pain > 0 and p.side
        )
    return found
