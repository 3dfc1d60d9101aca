"""The suggestion is its rules: every why line about the choice comes from an entry of RULES, a new
rule is one function and one entry there, and the gentle-only rule is the gate's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from stretchtui.core import suggestion_rules
from stretchtui.core.library import load_library
from stretchtui.core.model import Condition, Exercise
from stretchtui.core.pain_level import level_step
from stretchtui.core.safety import QUESTION_KEYS, Profile, SafetyCheck, is_gentle
from stretchtui.core.session_gate import GateKind, session_gate
from stretchtui.core.suggest import suggest
from stretchtui.core.suggestion_inputs import PainNote, SessionNote, SittingNote, SuggestionRequest
from stretchtui.core.suggestion_rules import RULES, Filter, Score, Today, sift, today_for

EX = load_library().exercises
TODAY = date(2026, 11, 21)
ANSWERED = Profile(
    {k: False for k in QUESTION_KEYS}, datetime(2026, 11, 20, 9, tzinfo=UTC), frozenset({Condition.PREGNANCY})
)
FIT_LINES = ("Shorter than asked", "Only ", "Nothing in the library")


def busy_request(place: str = "floor") -> SuggestionRequest:
    """Pain in the lower back and a leg, a long day sitting, a condition, a move that hurt, and calm
    sessions: a request most rules have something to say about."""
    hurt = "calf-stretch"  # standing, desk-friendly and fine in pregnancy: every place mentions it
    calm = tuple(
        SessionNote(TODAY - timedelta(days=d), frozenset({"cat-cow"}), frozenset(), True, 2, 1) for d in (2, 4, 6)
    )
    return SuggestionRequest(
        TODAY,
        15,
        place,
        pain_notes=(PainNote(TODAY, "lower-back", "", 2), PainNote(TODAY, "leg", "left", 2)),
        sitting_notes=(SittingNote(TODAY - timedelta(days=1), 9.0),),
        sessions=(*calm, SessionNote(TODAY - timedelta(days=1), frozenset(), frozenset({hurt}), True, 2, 2)),
        safety=SafetyCheck(ANSWERED),
        exercises=EX,
    )


def silenced(rule: Filter | Score) -> Filter | Score:
    return replace(rule, why=lambda *args: ())


@pytest.mark.parametrize("place", ["floor", "desk", "standing"])
def test_every_why_line_about_the_choice_comes_from_a_rule(place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    request = busy_request(place)
    full = suggest(request)
    step = level_step(request)
    assert full.why[: len(step.why)] == step.why  # the level step speaks first
    from_rules = [line for line in full.why[len(step.why) :] if not line.startswith(FIT_LINES)]
    assert len(from_rules) >= 4, full.why  # most rules have a say in this request

    monkeypatch.setattr("stretchtui.core.suggest.RULES", tuple(silenced(rule) for rule in RULES))
    quiet = suggest(request)
    assert quiet.routine == full.routine and quiet.advice == full.advice  # a why line never changes the choice
    assert [line for line in quiet.why if line not in step.why and not line.startswith(FIT_LINES)] == []

    for index in range(len(RULES)):  # each rule alone gives back its own lines, in RULES order
        alone = tuple(silenced(r) if i != index else r for i, r in enumerate(RULES))
        monkeypatch.setattr("stretchtui.core.suggest.RULES", alone)
        own = [line for line in suggest(request).why if line not in step.why and not line.startswith(FIT_LINES)]
        assert own == [line for line in from_rules if line in own]
        from_rules = [line for line in from_rules if line not in own]
    assert from_rules == []  # and together they are every line


def test_a_new_rule_is_one_function_and_one_list_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    request = busy_request()
    before = suggest(request)
    assert before.routine is not None
    first = before.routine.items[0].exercise_id

    def not_the_first(exercise: Exercise, today: Today) -> bool:
        return exercise.id != first

    def why(today: Today, seen: list[Exercise], left_out: list[Exercise]) -> list[str]:
        return [f"Left out to try a rule: {', '.join(e.name for e in left_out)}."]

    monkeypatch.setattr("stretchtui.core.suggest.RULES", (*RULES, Filter(not_the_first, why)))
    after = suggest(request)
    assert after.routine is not None and first not in {item.exercise_id for item in after.routine.items}
    assert f"Left out to try a rule: {EX[first].name}." in after.why

    request = replace(request, minutes=5)  # room for fewer moves than there are candidates
    short = suggest(request).routine
    assert short is not None
    candidates = sift(today_for(request, level_step(request)), [r for r in RULES if isinstance(r, Filter)]).candidates
    favourite = min((e for e in candidates if e.id not in {i.exercise_id for i in short.items}), key=lambda e: e.id)
    lift = Score(
        100,
        lambda exercise, today: exercise.id == favourite.id,
        lambda today, chosen: [f"{e.name} first, to try a rule." for e in chosen],
    )
    monkeypatch.setattr("stretchtui.core.suggest.RULES", (*RULES, lift))
    lifted = suggest(request)
    assert lifted.routine is not None and favourite.id in {item.exercise_id for item in lifted.routine.items}
    assert f"{favourite.name} first, to try a rule." in lifted.why


def test_unanswered_questions_suggest_only_what_the_gate_lets_start() -> None:
    """One definition of "gentle": what the suggestion offers a never-answered profile never meets
    the gate's gentle-only warning, and every move the gate calls gentle can be suggested then."""
    offered: set[str] = set()
    for days in range(14):
        for place in ("floor", "desk", "standing"):
            request = SuggestionRequest(TODAY + timedelta(days=days), 20, place, safety=SafetyCheck(), exercises=EX)
            routine = suggest(request).routine
            assert routine is not None
            ids = [item.exercise_id for item in routine.items]
            assert not [r for r in session_gate(SafetyCheck(), ids, EX) if r.kind is GateKind.GENTLE_ONLY]
            assert all(is_gentle(EX[i]) for i in ids)
            offered.update(ids)
    today = Today(
        busy_request(), suggestion_rules.Level.MOBILITY_SHORT, None, frozenset(), 0, False, {}, None, frozenset()
    )
    assert {e.id for e in EX.values() if suggestion_rules._fits_intensity(e, today)} == {
        e.id for e in EX.values() if is_gentle(e)
    }
    assert offered <= {e.id for e in EX.values() if is_gentle(e)}
