"""The safety rules (core.safety, store.safety): one table per rule, each case both ways; docs/safety.md
states them in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.library import load_library
from stretchtui.core.model import Condition
from stretchtui.core.safety import (
    QUESTION_KEYS,
    QUESTIONS,
    Grade,
    NoteEvent,
    Profile,
    SafetyCheck,
    SessionEvent,
    State,
    ask_again,
    state_of,
)
from stretchtui.core.session_gate import GateKind, confirmation_record, session_gate

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
EX = load_library().exercises
NO = {key: False for key in QUESTION_KEYS}


def test_the_questions_follow_nice_ng59_and_cks() -> None:
    keys = [q.key for q in QUESTIONS]
    assert len(keys) == len(set(keys)) == 16
    urgent = {q.key for q in QUESTIONS if q.grade is Grade.URGENT}
    # Cauda equina signs, cord signs, fever with back pain, major trauma, pain too bad to walk: the same day.
    assert urgent == {
        "both-legs",
        "saddle",
        "bladder-bowel",
        "sexual",
        "one-leg-weak",
        "walking",
        "fever",
        "trauma",
        "worst",
    }
    assert {q.key for q in QUESTIONS if q.grade is Grade.SOON} == {
        "cancer",
        "weight-loss",
        "immune",
        "steroids-osteoporosis",
        "night",
        "chest",
        "age",
    }
    assert all(q.text.endswith("?") and len(q.text) < 110 for q in QUESTIONS)
    assert [q.grade for q in QUESTIONS] == sorted((q.grade for q in QUESTIONS), key=lambda g: g is Grade.SOON)


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        pytest.param({}, State.UNANSWERED, id="nothing"),
        pytest.param({"both-legs": False}, State.UNANSWERED, id="some-no"),
        pytest.param(NO, State.CLEAR, id="all-no"),
        *(pytest.param(NO | {q.key: True}, State(q.grade.value), id=f"yes-{q.key}") for q in QUESTIONS),
        pytest.param({"saddle": True}, State.URGENT, id="a-yes-counts-before-the-rest"),
        pytest.param({"night": True, "saddle": True}, State.URGENT, id="urgent-wins"),
        pytest.param({"night": True}, State.SOON, id="soon-unfinished"),
    ],
)
def test_state_of_the_answers(answers, state) -> None:
    assert state_of(answers) is state


def profile(at: datetime | None = NOW - timedelta(days=1), **yes: bool) -> Profile:
    return Profile(NO | yes, at)


def note(
    hours_after: float,
    *,
    pain: int = 2,
    legs: frozenset[str] = frozenset(),
    flags: tuple[str, ...] = (),
    base: datetime = NOW - timedelta(days=1),
) -> NoteEvent:
    at = base + timedelta(hours=hours_after)
    return NoteEvent(at, at.date(), pain, legs, flags)


def session(
    hours_after: float, before: int | None, after: int | None, base: datetime = NOW - timedelta(days=1)
) -> SessionEvent:
    return SessionEvent(base + timedelta(hours=hours_after), before, after)


@pytest.mark.parametrize(
    ("notes", "sessions", "reasons", "blocks"),
    [
        pytest.param((), (), [], False, id="nothing-happened"),
        pytest.param((note(2, flags=("both-legs",)),), (), ["note"], True, id="a-worrying-note"),
        pytest.param((note(-2, flags=("both-legs",)),), (), [], False, id="a-note-before-the-answers"),
        pytest.param((note(2, pain=8),), (), ["pain"], True, id="pain-8"),
        pytest.param((note(2, pain=7),), (), [], False, id="pain-7"),
        pytest.param((note(-2, pain=9),), (), [], False, id="pain-9-before-the-answers"),
        pytest.param((note(2, legs=frozenset({"left", "right"})),), (), ["both-legs"], True, id="legs-both-sides"),
        pytest.param(
            (note(2, legs=frozenset({"left"})), note(3, legs=frozenset({"right"}))),
            (),
            ["both-legs"],
            True,
            id="one-side-then-the-other-the-same-day",
        ),
        pytest.param((note(2, legs=frozenset({"left", ""})),), (), [], False, id="one-side"),
        pytest.param((), (session(1, 2, 4), session(3, 3, 5)), ["rising"], False, id="two-sessions-rising"),
        pytest.param((), (session(1, 2, 4), session(3, 3, 4)), [], False, id="the-last-one-settled"),
        pytest.param((), (session(1, 2, 4),), [], False, id="only-one"),
        pytest.param((), (session(-3, 2, 4), session(3, 3, 5)), [], False, id="one-before-the-answers"),
        pytest.param((), (session(1, 2, 4), session(3, None, 5)), [], False, id="pain-before-not-noted"),
    ],
)
def test_when_the_questions_are_asked_again(notes, sessions, reasons, blocks) -> None:
    found = ask_again(profile(), NOW, notes, sessions)
    assert [a.reason for a in found] == reasons
    assert SafetyCheck(profile(), found).blocked is blocks


@pytest.mark.parametrize(("age_days", "expired"), [(29, False), (30, True), (400, True)])
def test_answers_older_than_30_days_are_asked_again(age_days, expired) -> None:
    found = ask_again(profile(NOW - timedelta(days=age_days)), NOW)
    assert [a.reason for a in found] == (["expired"] if expired else [])
    check = SafetyCheck(profile(NOW - timedelta(days=age_days)), found)
    assert not check.blocked and check.gentle_only is expired


def test_never_answered_is_gentle_only_and_a_worrying_note_still_blocks() -> None:
    check = SafetyCheck(Profile())
    assert check.state is State.UNANSWERED and check.gentle_only and not check.blocked and check.needs_asking
    found = ask_again(Profile(), NOW, (note(2, flags=("fever",)),), (session(1, 2, 5), session(2, 2, 5)))
    assert [a.reason for a in found] == ["note"] and SafetyCheck(Profile(), found).blocked
    old_note = note(2, flags=("fever",), base=NOW - timedelta(days=40))
    assert ask_again(Profile(), NOW, (old_note,)) == ()  # a month and more ago: says nothing about today


def test_leg_pain_on_both_sides_counts_across_one_days_notes() -> None:
    """`stretchtui log` notes one area and side at a time: two notes the same day are both legs,
    and so are two on days in a row (left late at night, right the next morning: an outside pass
    found that pair asked nothing); two days apart are not."""
    base = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    left = note(1, legs=frozenset({"left"}), base=base)
    right = note(3, legs=frozenset({"right"}), base=base)
    next_day = note(30, legs=frozenset({"right"}), base=base)
    day_before = note(-20, legs=frozenset({"right"}), base=base)
    two_days_on = note(54, legs=frozenset({"right"}), base=base)
    for pair in ((left, right), (left, next_day), (day_before, left), (next_day, left)):
        assert [a.reason for a in ask_again(profile(base - timedelta(days=1)), NOW, pair)] == ["both-legs"], pair
    assert ask_again(profile(base), NOW, (left, two_days_on)) == ()


def test_yes_answers_to_the_first_six_questions_still_count(store) -> None:
    """Earlier versions asked six questions; "fall" and "fever-weight" were split or renamed."""
    store.settings.set("safety_answers", {"fall": True, "both-legs": False})
    profile = store.safety.safety_profile()
    assert profile.answers.get("trauma") is True and profile.state is State.URGENT
    store.settings.set("safety_answers", {"fever-weight": True})
    assert store.safety.safety_profile().answers.get("weight-loss") is True


def test_an_unknown_condition_keeps_the_known_ones(store) -> None:
    store.settings.set("conditions", ["pregnancy", "from-a-newer-version"])
    assert store.safety.safety_profile().conditions == {Condition.PREGNANCY}


def test_a_dialog_left_half_done_keeps_only_what_was_answered(store) -> None:
    store.safety.save_safety(answers={"night": True, "cancer": False}, complete=False)
    profile = store.safety.safety_profile()
    assert profile.answers == {"night": True, "cancer": False} and profile.state is State.SOON
    store.safety.save_safety(answers={"cancer": False}, complete=False)
    assert store.safety.safety_profile().state is State.UNANSWERED


# --- the gate in front of every session -------------------------------------------------------------


def clear(*conditions: Condition, **yes: bool) -> SafetyCheck:
    return SafetyCheck(Profile(NO | yes, NOW, frozenset(conditions)))


@pytest.mark.parametrize(
    ("check", "ids", "kinds"),
    [
        pytest.param(clear(), ["cat-cow", "sphinx"], [], id="clear"),
        pytest.param(clear(saddle=True), ["cat-cow"], [GateKind.RED_FLAG], id="urgent"),
        pytest.param(clear(night=True), ["cat-cow"], [GateKind.RED_FLAG], id="soon"),
        pytest.param(
            SafetyCheck(profile(), (ask_again(profile(), NOW, (note(2, flags=("fever",)),)))),
            ["cat-cow"],
            [GateKind.ASK_AGAIN],
            id="a-worrying-note",
        ),
        pytest.param(clear(Condition.PREGNANCY), ["cat-cow", "sphinx"], [GateKind.CONDITION], id="pregnancy-on-front"),
        pytest.param(clear(Condition.PREGNANCY), ["cat-cow"], [], id="pregnancy-but-suitable"),
        pytest.param(
            clear(Condition.PREGNANCY, saddle=True), ["sphinx"], [GateKind.RED_FLAG, GateKind.CONDITION], id="both"
        ),
        pytest.param(SafetyCheck(), ["cat-cow", "bridge"], [GateKind.GENTLE_ONLY], id="unanswered-strength"),
        pytest.param(SafetyCheck(), ["cat-cow"], [], id="unanswered-gentle"),
        pytest.param(
            SafetyCheck(profile(NOW - timedelta(days=40)), ask_again(profile(NOW - timedelta(days=40)), NOW)),
            ["bridge"],
            [GateKind.GENTLE_ONLY],
            id="answers-out-of-date",
        ),
    ],
)
def test_the_session_gate(check, ids, kinds) -> None:
    reasons = session_gate(check, ids, EX)
    assert [r.kind for r in reasons] == kinds
    for reason in reasons:
        assert reason.text
        if reason.kind is GateKind.CONDITION:
            assert set(reason.exercise_ids) <= set(ids)
            assert all(EX[i].avoid_reasons(check.conditions) for i in reason.exercise_ids)
            assert all(EX[i].name in reason.text for i in reason.exercise_ids)


def test_the_confirmation_is_recorded_with_what_was_shown() -> None:
    reasons = session_gate(clear(Condition.PREGNANCY, saddle=True), ["sphinx", "cat-cow"], EX)
    record = confirmation_record(reasons, "checked-start", NOW)
    assert record["choice"] == "checked-start" and record["at"] == NOW.isoformat()
    assert [r["kind"] for r in record["reasons"]] == ["red-flag", "condition"]
    assert record["reasons"][1]["exercises"] == ["sphinx"]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(QUESTION_KEYS), st.booleans()),
    st.frozensets(st.sampled_from(list(Condition))),
    st.lists(st.sampled_from(sorted(EX)), min_size=1, max_size=8),
)
def test_no_session_starts_unseen_with_an_open_flag_or_an_unsuitable_move(answers, conditions, ids) -> None:
    check = SafetyCheck(Profile(answers, NOW, conditions))
    reasons = session_gate(check, ids, EX)
    if check.red_flag:
        assert reasons and reasons[0].kind is GateKind.RED_FLAG
    unsuitable = {i for i in ids if EX[i].avoid_reasons(conditions)}
    assert unsuitable == {i for r in reasons if r.kind is GateKind.CONDITION for i in r.exercise_ids}
    stronger = {i for i in ids if EX[i].intensity > 1 or EX[i].kind.value == "strength"}
    beyond_gentle = check.gentle_only and bool(stronger)
    for reason in reasons:  # a gentle-only reason names the moves beyond gentle: those can be left out
        if reason.kind is GateKind.GENTLE_ONLY:
            assert reason.exercise_ids and set(reason.exercise_ids) == stronger
    assert bool(reasons) is (check.red_flag or bool(unsuitable) or beyond_gentle)


# --- the store: the profile, and what happened since -------------------------------------------------


def test_answers_are_stored_with_their_date_and_unknown_keys_change_nothing(store, clock) -> None:
    assert store.safety.safety_profile() == Profile()
    saved = store.safety.save_safety(answers={"night": True}, conditions=["pregnancy"])
    assert saved.answered_at == clock.now() and saved.answers == NO | {"night": True}
    assert saved.conditions == {Condition.PREGNANCY} and saved.state is State.SOON
    with pytest.raises(ValueError, match="'nope' is not a safety question"):
        store.safety.save_safety(answers={"nope": True})
    with pytest.raises(ValueError, match="'gout' is not a condition"):
        store.safety.save_safety(answers={}, conditions=["gout"])
    assert store.safety.safety_profile() == saved  # nothing written by either refusal
    store.safety.save_safety(conditions=[])
    assert (
        store.safety.safety_profile().conditions == frozenset()
        and store.safety.safety_profile().answers == saved.answers
    )


def test_what_is_noted_after_the_answers_asks_them_again(store, clock) -> None:
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 9)], note="both legs numb")  # before: counts for nothing
    clock.advance(60)
    store.safety.save_safety(answers={})
    assert store.safety.safety_check().ask_again == ()
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LEG, 3, "left"), PainEntry(Region.LEG, 4, "right")])
    assert [a.reason for a in store.safety.safety_check().ask_again] == ["both-legs"]
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="fell off a ladder yesterday")
    check = store.safety.safety_check()
    assert [a.reason for a in check.ask_again] == ["note", "both-legs"] and check.blocked
    clock.advance(60)
    store.safety.save_safety(answers={})  # answered again: a clean slate
    assert store.safety.safety_check().ask_again == () and not store.safety.safety_check().blocked
    clock.advance(31 * 86400)
    assert [a.reason for a in store.safety.safety_check().ask_again] == ["expired"]


@pytest.mark.parametrize(
    ("note", "pain", "reasons"),
    [
        ("sore after the drive, both legs went numb", 3, ["note"]),  # a red flag typed into the note
        ("sore after the drive", 9, ["pain"]),  # the pain changed to 9
        ("sore after the long drive", 3, []),  # a wording fixed: nothing to ask
    ],
)
def test_a_check_in_changed_after_the_answers_counts_as_written_then(store, clock, note, pain, reasons) -> None:
    """History's `e` keeps a check-in's own time: an edit that named both legs numb, or a 9, made
    after the answers brought nothing back (an outside pass). What it says now was written then."""
    from stretchtui.core.checkins import CheckinAnswers

    checkin = store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="sore after the drive")
    clock.advance(3600)
    store.safety.save_safety(answers={})
    assert store.safety.safety_check().ask_again == ()
    clock.advance(3600)
    store.corrections.update_checkin(checkin.uuid, CheckinAnswers([PainEntry(Region.LOWER_BACK, pain)], note=note))
    check = store.safety.safety_check()
    assert [a.reason for a in check.ask_again] == reasons and check.blocked == bool(reasons)
    clock.advance(60)
    store.safety.save_safety(answers={})  # answered after the edit: a clean slate again
    assert store.safety.safety_check().ask_again == ()


def test_two_sessions_whose_pain_rose_ask_again(store, clock) -> None:
    store.safety.save_safety(answers={})
    for before, after in ((2, 4), (3, 6)):
        clock.advance(3600)
        info = store.sessions.start_session(None, "Test", 60, pain_before=before)
        from stretchtui.core.sessions import SessionStatus

        store.sessions.set_pain_after(info.id, after)
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, active_seconds=60)
    check = store.safety.safety_check()
    assert [a.reason for a in check.ask_again] == ["rising"] and check.gentle_only and not check.blocked


def test_a_session_keeps_the_safety_confirmation(store) -> None:
    record = {"at": NOW.isoformat(), "choice": "checked-start", "reasons": [{"kind": "red-flag", "text": "x"}]}
    info = store.sessions.start_session(None, "Test", 60, safety_confirmed=record)
    from stretchtui.store import models as m

    assert m.Session.get_by_id(info.id).safety_confirmed == record


def test_migration_3_adds_the_safety_columns_and_keeps_every_row(tmp_path, clock) -> None:
    """A database from before the safety profile (schema 2) upgrades in place: the library gets its
    contraindications at the next seed sync, every session and check-in stays."""
    import sqlite3

    from stretchtui.store import Store
    from stretchtui.store.migrations import LATEST_VERSION

    path = tmp_path / "v2.db"
    store = Store.open(path, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="stiff")
    info = store.sessions.start_session(None, "Old", 60, pain_before=3)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE exercise DROP COLUMN contraindications")
    conn.execute("ALTER TABLE session DROP COLUMN safety_confirmed")
    conn.execute("DELETE FROM setting WHERE key = 'seed_digest'")
    conn.execute("DROP TABLE removed")  # and no migration 4 yet
    conn.execute("ALTER TABLE checkin DROP COLUMN updated_at")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = Store.open(path, clock)
    try:
        assert store.schema_version() == LATEST_VERSION >= 3
        assert store.sessions.session(info.id).pain_before == 3 and [c.note for c in store.checkins.checkins()] == [
            "stiff"
        ]
        assert store.library.exercise("sphinx").avoid_reasons({Condition.PREGNANCY})
    finally:
        store.close()


def test_every_test_docs_safety_md_names_exists() -> None:
    """docs/safety.md names the test behind each rule: a renamed or deleted test is caught here."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    text = (root / "docs" / "safety.md").read_text()
    named = re.findall(r"`tests/(test_\w+\.py)::(test_\w+)`", text)
    assert len(named) > 30
    missing = [
        f"{file}::{name}"
        for file, name in named
        if not re.search(rf"^(async )?def {name}\(", (root / "tests" / file).read_text(), re.M)
    ]
    assert not missing


def test_a_note_entered_after_the_answers_counts_even_when_dated_earlier(store, clock) -> None:
    """`stretchtui log --at <earlier>` (or an import) after the answers: judged by when it was entered."""
    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="wet myself", at=clock.now() - timedelta(days=1))
    assert [a.reason for a in store.safety.safety_check().ask_again] == ["note"]


def test_pain_rated_in_a_session_counts_like_a_note(store, clock) -> None:
    """Pain 9 after a session (or before one) asks the questions again, like `log --pain 9`."""
    from stretchtui.core.sessions import SessionStatus

    store.safety.save_safety(answers={})
    clock.advance(60)
    info = store.sessions.start_session(None, "Test", 60, pain_before=2)
    store.sessions.set_pain_after(info.id, 9)
    store.sessions.finish_session(info.id, SessionStatus.COMPLETE, active_seconds=60)
    check = store.safety.safety_check()
    assert "pain" in [a.reason for a in check.ask_again] and check.blocked


def test_pain_before_a_session_left_open_asks_again_and_a_discarded_one_does_not(store, clock) -> None:
    """Started anyway at 9/10, then the terminal closed: the session is still in progress, and the
    9 asks the questions again at once (not only once the session is closed). A session the person
    discarded is not their record (History leaves it out too), so its pain does not."""
    from stretchtui.core.sessions import SessionStatus

    store.safety.save_safety(answers={})
    clock.advance(60)
    info = store.sessions.start_session(None, "Test", 60, pain_before=9)
    check = store.safety.safety_check()
    assert "pain" in [a.reason for a in check.ask_again] and check.blocked
    store.sessions.finish_session(info.id, SessionStatus.DISCARDED, active_seconds=0)
    assert "pain" not in [a.reason for a in store.safety.safety_check().ask_again]


def hurt_then_end(store, clock, exercise_id: str, pain: int, status) -> None:
    """Answered, then a session begun at pain 1 whose first move "hurts" at `pain`, ended as `status`."""
    from stretchtui.core.sessions import Outcome, Side, StepRecord

    store.safety.save_safety(answers={})
    clock.advance(60)
    info = store.sessions.start_session(None, "A session", 300, pain_before=1)
    step = StepRecord(0, exercise_id, exercise_id, 1, Side.BOTH, 30, 5.0, 0, 0, Outcome.HURT, pain)
    store.sessions.record_step(info.id, step, active_seconds=5.0, resume_state={"timer": {}, "routine": {}})
    if status is not None:  # None: left open, as a kill leaves it
        store.sessions.finish_session(info.id, status, active_seconds=5)


def test_a_this_hurts_of_8_or_more_asks_again_and_makes_the_day_no_routine(store, clock) -> None:
    """ "This hurts" at 10/10, then ending the session: the pain counts as noted then, for the
    questions and for today's suggestion (an outside pass found `routines: full` after it)."""
    from stretchtui.core.sessions import SessionStatus
    from stretchtui.core.suggest import suggest

    hurt_then_end(store, clock, "cat-cow", 10, SessionStatus.PARTIAL)
    check = store.safety.safety_check()
    assert "pain" in [a.reason for a in check.ask_again] and check.blocked
    request = store.suggestions.suggestion_request(clock.now().date(), 10, "floor")
    assert [n.pain for n in request.pain_notes] == [10]  # the latest today: read as a check-in's
    assert suggest(request).blocked


def test_a_this_hurts_in_a_discarded_session_still_counts(store, clock) -> None:
    """ "This hurts" at 9, carry on anyway, then discard the session: the 9 and the move that hurt
    still count (the fourth outside pass found "Nothing recorded" and a full routine with that
    move in it). Discarding keeps the session out of the record, not the pain reported in it."""
    from stretchtui.core.sessions import SessionStatus
    from stretchtui.core.suggest import suggest

    hurt_then_end(store, clock, "hamstring-stretch", 9, SessionStatus.DISCARDED)
    check = store.safety.safety_check()
    assert "pain" in [a.reason for a in check.ask_again] and check.blocked
    request = store.suggestions.suggestion_request(clock.now().date(), 10, "floor")
    assert suggest(request).blocked
    assert any("hamstring-stretch" in s.hurt_exercise_ids for s in request.sessions)


def test_a_move_that_hurt_in_a_session_left_open_is_left_out_too(store, clock) -> None:
    """Killed straight after "this hurts": the session stays open, not counted, and its hurt move
    was not left out of suggestions (only a discarded session's was, the review found)."""
    hurt_then_end(store, clock, "hamstring-stretch", 5, None)
    request = store.suggestions.suggestion_request(clock.now().date(), 10, "floor")
    assert any("hamstring-stretch" in s.hurt_exercise_ids for s in request.sessions)


def test_no_advice_names_one_country_s_services() -> None:
    """Advice is read anywhere: "emergency services", "your doctor", never 999, NHS 111 or a GP
    (an outside pass found the flare advice giving UK numbers to everyone). Every text the person
    reads: the seed files and every string in the code."""
    import ast
    import re
    from pathlib import Path

    country = re.compile(r"\b(999|911|112|111|NHS|GP|A&E|ER)\b")
    root = Path(__file__).resolve().parent.parent
    found = [
        f"{p.name}: {line.strip()}"
        for p in (root / "seed").rglob("*.toml")
        for line in p.read_text().splitlines()
        if country.search(line)
    ]
    for path in (root / "stretchtui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and country.search(node.value):
                found.append(f"{path.name}: {node.value[:80]}")
    assert found == []
