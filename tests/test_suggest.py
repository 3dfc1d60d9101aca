"""Today's suggestion: one table per rule, on the real seeded library, plus properties over histories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtui.core.after_hurt import RESTING_ONLY
from stretchtui.core.library import load_library
from stretchtui.core.model import Condition, Equipment, Kind, Position
from stretchtui.core.pain_level import LEVEL_TEXT, SESSION_RISE_DAYS, Level, current_pain
from stretchtui.core.safety import QUESTION_KEYS, AskAgain, Profile, SafetyCheck
from stretchtui.core.settings import BY_KEY as SETTING_SPECS
from stretchtui.core.suggest import SELF_CARE_ADVICE, SITTING_ADVICE, Suggestion, max_moves, suggest, to_json_dict
from stretchtui.core.suggestion_inputs import (
    REGIONS,
    PainNote,
    SessionNote,
    SittingNote,
    SuggestionRequest,
    is_mobility_only,
)
from stretchtui.core.suggestion_rules import SITTING_AREAS

MINUTES_CHOICES = SETTING_SPECS["suggest_minutes"].choices
PLACES = SETTING_SPECS["suggest_place"].choices

LIBRARY = load_library()
EX = LIBRARY.exercises
TODAY = date(2026, 11, 21)
ANSWERED_AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def answered(
    *yes: str, conditions: frozenset[Condition] = frozenset(), ask_again: tuple[AskAgain, ...] = ()
) -> SafetyCheck:
    """Every safety question answered (the keys in `yes` with a yes), with conditions."""
    return SafetyCheck(Profile({k: k in yes for k in QUESTION_KEYS}, ANSWERED_AT, conditions), ask_again)


NO_FLAGS = answered()
UNANSWERED = SafetyCheck()
NOTE_AGAIN = AskAgain("note", "A note you wrote mentions something.", blocks=True)
OLD_ANSWERS = AskAgain("expired", "Your answers are more than 30 days old.", blocks=False)


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def pain(days_ago: int, value: int, region: str = "lower-back", side: str = "", stuck: bool = False) -> PainNote:
    return PainNote(ago(days_ago), region, side, value, no_comfortable_position=stuck)


def history(*values: int | None) -> tuple[PainNote, ...]:
    """Lower-back pain by day, oldest first, ending today; None leaves a day out."""
    n = len(values) - 1
    return tuple(pain(n - i, v) for i, v in enumerate(values) if v is not None)


def calm(
    days_ago: int, pain_before: int | None = 2, hurt: frozenset[str] = frozenset(), mobility_only: bool = True
) -> SessionNote:
    return SessionNote(ago(days_ago), frozenset({"cat-cow"}), hurt, mobility_only, pain_before, pain_before)


def request(minutes: int = 10, place: str = "floor", **fields) -> SuggestionRequest:
    fields.setdefault("safety", NO_FLAGS)
    return SuggestionRequest(fields.pop("today", TODAY), minutes, place, exercises=EX, **fields)


def moves(suggestion: Suggestion):
    return [EX[item.exercise_id] for item in suggestion.routine.items] if suggestion.routine else []


def seconds(suggestion: Suggestion) -> int:
    return suggestion.routine.duration_seconds(EX) if suggestion.routine else 0


# --- rule 1: red flags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "notes", "level", "advice_words"),
    [
        pytest.param(answered("both-legs"), (), "red-flag", ("today", "emergency"), id="urgent"),
        pytest.param(answered("night"), (), "red-flag", ("doctor soon",), id="soon"),
        pytest.param(answered("saddle", "age"), (), "red-flag", ("today", "emergency"), id="urgent-and-soon"),
        pytest.param(SafetyCheck(Profile({"bladder-bowel": True})), (), "red-flag", ("today",), id="a-yes-unfinished"),
        pytest.param(answered("cancer"), history(0), "red-flag", ("doctor soon",), id="pain-0-does-not-override"),
        pytest.param(
            answered(ask_again=(NOTE_AGAIN,)),
            history(1),
            "ask-again",
            ("answer the safety questions",),
            id="a-worrying-note",
        ),
        pytest.param(answered(), (), "full", (), id="clear"),
        pytest.param(UNANSWERED, (), "mobility-short", ("not answered the safety questions",), id="never-answered"),
        pytest.param(
            answered(ask_again=(OLD_ANSWERS,)),
            (),
            "mobility-short",
            ("answer the safety questions",),
            id="answers-too-old",
        ),
    ],
)
def test_red_flags_block_the_routine(check, notes, level, advice_words) -> None:
    s = suggest(request(safety=check, pain_notes=notes))
    assert s.level == level, s.why
    text = " ".join(s.advice).lower()
    assert all(word in text for word in advice_words), s.advice
    if level in ("red-flag", "ask-again"):
        assert s.blocked and s.routine is None and s.why
        assert not any(word in text for word in ("cauda", "fracture", "infection", "cancer", "tumour", "sciatica"))
        assert to_json_dict(s, EX)["routine"] == []
    else:
        assert not s.blocked and s.routine is not None
    if level == "mobility-short":
        assert all(m.intensity == 1 and m.kind is not Kind.STRENGTH for m in moves(s))


# --- rule 2: pain level -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "level", "why"),
    [
        ((), "full", "No recent pain notes"),
        (history(2), "full", "Pain 2/10 today: a full routine."),
        (history(3), "full", "Pain 3/10 today"),
        (history(4), "gentle", "Pain 4/10 today: a gentle routine"),
        (history(5), "gentle", "Pain 5/10 today"),
        (history(6), "mobility-short", "Pain 6/10 today: short, gentle mobility only"),
        (history(7), "mobility-short", "Pain 7/10 today"),
        (history(8), "none", "Pain 8/10 today: no routine today."),
        (history(10), "none", "Pain 10/10 today"),
        ((pain(0, 2), pain(0, 5, "neck")), "gentle", "Pain 5/10 today"),  # the worst region counts
        ((pain(0, 2), pain(0, 6), pain(0, 1)), "mobility-short", "Pain 6/10 today"),  # duplicates: the max
        ((pain(1, 5, "leg", "left"),), "gentle", "Pain 5/10 yesterday"),  # no note today: the latest day
        ((pain(3, 6), pain(3, 1, "neck")), "mobility-short", "Pain 6/10 3 days ago"),
        ((pain(0, 2), pain(1, 6)), "full", "Pain 2/10 today"),  # today wins over a worse yesterday
        ((pain(0, 1, stuck=True),), "none", "No comfortable position today"),
        ((pain(1, 1, stuck=True),), "full", "Pain 1/10 yesterday"),  # only today's position counts
        ((pain(8, 9),), "full", "No recent pain notes"),  # older than a week says nothing about today
        ((PainNote(TODAY + timedelta(days=1), "neck", "", 9),), "full", "No recent pain notes"),  # future: ignored
    ],
)
def test_pain_sets_the_level(notes, level, why) -> None:
    s = suggest(request(pain_notes=notes))
    assert s.level == level
    assert any(line.startswith(why) for line in s.why), s.why
    assert s.blocked is (level == "none")
    assert (s.routine is None) is (level == "none")
    if level == "none":
        assert set(SELF_CARE_ADVICE) <= set(s.advice)
        assert any("persists beyond a few days" in line for line in s.advice)


@pytest.mark.parametrize("minutes", MINUTES_CHOICES)
@pytest.mark.parametrize("value", range(8))
def test_each_level_keeps_its_limits(value: int, minutes: int) -> None:
    s = suggest(request(minutes, pain_notes=history(value), sessions=(calm(1), calm(2))))
    for move, item in zip(moves(s), s.routine.items, strict=True):
        dose = item.dose_for(move)
        assert item.hold_seconds is not None and item.reps is not None  # explicit overrides
        assert dose.reps <= move.dose.reps and dose.hold_seconds <= move.dose.hold_seconds  # never above its own
        if s.level == "full":
            assert move.intensity <= 3
        else:
            gentle = dose.reps if dose.is_reps else dose.hold_seconds
            own = move.dose.reps if dose.is_reps else move.dose.hold_seconds
            assert gentle < own or own == 1, (move.id, dose, move.dose)  # "shorter holds, fewer reps"
        if s.level == "gentle":
            assert move.intensity <= 2 and move.kind is not Kind.STRENGTH
        elif s.level == "mobility-short":
            assert move.intensity == 1 and move.kind in (Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE)
            assert seconds(s) <= min(minutes, 5) * 60


def test_gentle_holds_start_at_two_thirds() -> None:
    only = {"double-knee-to-chest": EX["double-knee-to-chest"]}  # hold 30 s
    full = suggest(SuggestionRequest(TODAY, 1, "floor", history(0), safety=NO_FLAGS, exercises=only))
    gentle = suggest(SuggestionRequest(TODAY, 1, "floor", history(4), safety=NO_FLAGS, exercises=only))
    assert (full.level, gentle.level) == ("full", "gentle")
    assert full.routine.items[0].hold_seconds == 30  # its own hold: never lengthened past it to fill time
    assert gentle.routine.items[0].hold_seconds == 20  # two thirds of it
    lone = {"cat-cow": EX["cat-cow"]}
    assert suggest(SuggestionRequest(TODAY, 1, "floor", history(4), safety=NO_FLAGS, exercises=lone)).routine.items[
        0
    ].reps == round(EX["cat-cow"].dose.reps * 2 / 3)


# --- rule 3: trend ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "level", "why", "see_clinician"),
    [
        (history(2, 2, 2, 2, 2, 2, 2, 4), "mobility-short", "up from your 7-day average of 2.0", False),
        (history(3, 3, 3, 3, 3, 3, 3, 4), "mobility-short", "average of 3.0", False),  # 4 >= 3 * 1.3
        (history(3, 3, 3, 3, 3, 3, 3, 3), "full", None, False),
        (history(0, 0, 0, 2), "gentle", "average of 0.0", False),  # +2 from nothing
        (history(0, 0, 0, 1), "full", None, False),  # no ratio rule on a zero baseline
        (history(5, 5, 5, 6), "mobility-short", None, False),  # 6 < 5 + 2 and 6 < 6.5
        (history(5, 5, 5, 7), "none", "average of 5.0", False),  # stepping down from mobility-short ends at none
        (history(9, 1, None, None, None, None, None, None, 3), "gentle", "average of 1.0", False),  # 8 days back: out
        (history(None, 2, None, 2, 4), "mobility-short", "average of 2.0", False),  # days without notes are skipped
        (history(1, 1, 1, 1, 1, 1, 1, 3, 3, 3), "gentle", "average of 1.6", True),  # three rising days in a row
        (history(1, 1, 1, 1, 1, 1, 1, 1, 3, 3), "gentle", "average of 1.3", False),  # only two
    ],
)
def test_a_rising_trend_steps_down(notes, level, why, see_clinician) -> None:
    s = suggest(request(pain_notes=notes))
    assert s.level == level, s.why
    if why is None:
        assert not any("up from your" in line for line in s.why)
    else:
        assert any(why in line and "one step gentler" in line for line in s.why), s.why
    assert any("three days in a row" in line for line in s.advice) is see_clinician


def test_the_trend_of_the_latest_day_counts_without_a_note_today() -> None:
    s = suggest(request(pain_notes=history(2, 2, 2, 2, 2, 2, 2, 4, None)))
    assert s.level == "mobility-short"
    assert s.why[0] == "Pain 4/10 yesterday; for the reason below: short, gentle mobility only (up to 5 min)."


# --- rule 4: mobility before strength -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sessions", "notes", "allowed", "why"),
    [
        ((calm(1), calm(3)), (), True, "Strength moves are in: 2 calm"),
        ((calm(0), calm(13)), history(2), True, "Strength moves are in"),
        ((calm(1),), (), False, "so far 1"),
        ((calm(1), calm(2, pain_before=None)), (), False, "so far 1"),
        ((calm(1), calm(2, pain_before=4)), (), False, "so far 1"),
        ((calm(1), calm(2, hurt=frozenset({"cat-cow"}))), (), False, "so far 1"),
        ((calm(1), calm(2, mobility_only=False)), (), False, "so far 1"),
        ((calm(1), calm(14)), (), False, "so far 1"),  # 14 days ago is outside the last 14 days
        ((calm(-1), calm(-2)), (), False, "so far 0"),  # sessions in the future do not count
        ((calm(1), calm(2), calm(3)), history(4), False, "no strength moves"),  # gentle
        ((calm(1), calm(2), calm(3)), history(6), False, "mobility only"),
        # Pain rose from 3 to 6-7 after each of three sessions (none marked hurt): not calm, and a step down.
        (
            tuple(SessionNote(ago(d), frozenset({"cat-cow"}), frozenset(), True, 3, 6 + d % 2) for d in (1, 2, 3)),
            (),
            False,
            "so one step gentler",
        ),
        ((calm(1), SessionNote(ago(2), frozenset({"cat-cow"}), frozenset(), True, 2, None)), (), False, "so far 1"),
    ],
)
def test_strength_only_after_calm_mobility(sessions, notes, allowed, why) -> None:
    s = suggest(request(20, sessions=sessions, pain_notes=notes))
    strength = [m.id for m in moves(s) if m.kind is Kind.STRENGTH]
    assert bool(strength) is allowed
    assert any(why in line for line in s.why), s.why


def test_pain_that_rose_after_a_session_steps_the_next_suggestion_down() -> None:
    rose = SessionNote(ago(1), frozenset({"cat-cow"}), frozenset(), True, 3, 5)
    s = suggest(request(10, sessions=(rose,)))
    assert s.level == "gentle" and s.why[0] == (
        "No recent pain notes; for the reason below: a gentle routine (shorter holds, fewer reps, no strength moves)."
    )
    assert "Your pain went from 3 to 5 after your session yesterday, so one step gentler." in s.why
    older = SessionNote(ago(SESSION_RISE_DAYS), frozenset({"cat-cow"}), frozenset(), True, 3, 5)
    assert suggest(request(10, sessions=(older,))).level == "full"  # more than a week ago
    settled = SessionNote(ago(0), frozenset({"cat-cow"}), frozenset(), True, 3, 3)
    assert suggest(request(10, sessions=(rose, settled))).level == "full"  # the latest one counts


def strength_history(*, did_strength: bool) -> tuple[SessionNote, ...]:
    sessions = (calm(1), calm(2))
    if did_strength:
        sessions += (SessionNote(ago(20), frozenset({"bridge"}), frozenset(), False, 2, 2),)
    return sessions


def test_demanding_moves_never_come_in_a_first_strength_session() -> None:
    for day in range(14):
        first = moves(
            suggest(
                request(
                    20,
                    today=TODAY + timedelta(days=day),
                    sessions=tuple(
                        SessionNote(TODAY + timedelta(days=day - d), frozenset({"cat-cow"}), frozenset(), True, 2, 2)
                        for d in (1, 2)
                    ),
                )
            )
        )
        assert all(m.intensity <= 2 for m in first), [m.id for m in first]
    later = [
        m
        for d in range(14)
        for m in moves(
            suggest(request(20, today=TODAY + timedelta(days=d), sessions=strength_history(did_strength=True)))
        )
    ]
    assert any(m.kind is Kind.STRENGTH for m in later)


@pytest.mark.parametrize(
    ("notes", "glide"),
    [
        ((), False),
        (history(2), False),
        ((pain(0, 3, "neck"),), False),
        ((pain(0, 3, "hips-buttocks"),), False),
        ((pain(0, 3, "leg", "left"),), True),
        ((pain(0, 2), pain(0, 3, "leg")), True),
    ],
)
def test_the_nerve_glide_only_for_leg_symptoms(notes, glide) -> None:
    chosen = {
        m.id
        for d in range(7)
        for m in moves(
            suggest(
                request(
                    10,
                    "desk",
                    today=TODAY + timedelta(days=d),
                    pain_notes=tuple(PainNote(n.day + timedelta(days=d), n.region, n.side, n.pain) for n in notes),
                )
            )
        )
    }
    assert ("seated-sciatic-nerve-glide" in chosen) is glide


def test_cat_cow_is_not_a_neck_move() -> None:
    from stretchtui.core.model import Area

    assert Area.NECK not in EX["cat-cow"].areas


def test_the_floor_gets_no_chair_or_table_moves() -> None:
    furniture = {Equipment.CHAIR, Equipment.TABLE}
    for day in range(14):
        for minutes in MINUTES_CHOICES:
            chosen = moves(
                suggest(
                    request(
                        minutes,
                        "floor",
                        today=TODAY + timedelta(days=day),
                        sessions=strength_history(did_strength=True),
                    )
                )
            )
            assert not any(furniture & set(m.equipment) for m in chosen)


@pytest.mark.parametrize("minutes", MINUTES_CHOICES)
def test_a_sensible_number_of_moves(minutes) -> None:
    for day in range(7):
        s = suggest(request(minutes, today=TODAY + timedelta(days=day), sessions=strength_history(did_strength=True)))
        assert len(s.routine.items) <= max_moves(minutes)
    assert max_moves(10) == 8


@pytest.mark.parametrize("condition", list(Condition))
def test_a_condition_keeps_its_unsuitable_moves_out(condition) -> None:
    check = answered(conditions=frozenset({condition}))
    unsuitable = {e.id for e in EX.values() if e.avoid_reasons({condition})}
    for day in range(7):
        for place in PLACES:
            s = suggest(
                request(
                    20,
                    place,
                    safety=check,
                    today=TODAY + timedelta(days=day),
                    sessions=strength_history(did_strength=True),
                )
            )
            assert not unsuitable & {m.id for m in moves(s)}
            if unsuitable and place == "floor":
                assert any(line.startswith("Left out for your health profile") for line in s.why), s.why


def test_why_lines_never_contradict_the_level() -> None:
    s = suggest(request(pain_notes=(pain(0, 0, stuck=True),)))
    assert s.routine is None and s.why[:2] == (
        "No pain noted today; for the reason below: no routine today.",
        "No comfortable position today.",
    )
    assert "a full routine" not in " ".join(s.why)


@pytest.mark.parametrize(
    ("fields", "first"),
    [
        # the pain alone set the level: said as the pain's
        ({"pain_notes": history(9)}, "Pain 9/10 today: no routine today."),
        ({"pain_notes": (pain(0, 9, stuck=True),)}, "Pain 9/10 today: no routine today."),
        # something else made it gentler: the first line says the lines below did, never that the pain did
        ({"pain_notes": history(2), "safety": UNANSWERED}, "Pain 2/10 today; for the reason below: short"),
        ({"pain_notes": history(2, 2, 2, 2, 5)}, "Pain 5/10 today; for the reason below: short, gentle mobility"),
        (
            {
                "pain_notes": history(2),
                "sessions": (SessionNote(ago(1), frozenset({"cat-cow"}), frozenset(), True, 2, 6),),
            },
            "Pain 2/10 today; for the reason below: a gentle routine",
        ),
        (
            {
                "pain_notes": history(2),
                "sessions": (SessionNote(ago(1), frozenset({"cat-cow"}), frozenset(), True, 2, 6),),
                "safety": UNANSWERED,
            },
            "Pain 2/10 today; for the reasons below: short, gentle mobility",
        ),
        # a flare marked, no pain noted: said as the mark, never as a pain of 7 that was not noted
        ({"pain_notes": (PainNote(ago(0), "lower-back", "", 7, flare_mark=True),)}, "Flare day marked today: short"),
        (
            {"pain_notes": (PainNote(ago(1), "lower-back", "", 7, flare_mark=True), pain(1, 3, "neck"))},
            "Flare day marked yesterday: short",
        ),
        # a noted 7 beside the mark: the noted pain is said
        (
            {"pain_notes": (PainNote(ago(0), "lower-back", "", 7, flare_mark=True), pain(0, 7, "neck"))},
            "Pain 7/10 today: short",
        ),
    ],
)
def test_the_first_why_line_names_what_set_the_level(fields: dict, first: str) -> None:
    s = suggest(request(**fields))
    assert s.why[0].startswith(first), s.why
    assert s.why[0].rstrip(".").endswith(LEVEL_TEXT[Level(s.level)]) or s.blocked


def test_a_flare_mark_names_no_region() -> None:
    """The mark is stored as a lower-back pain of 7 for the level; it says nothing of where it hurts."""
    marked = suggest(request(pain_notes=(PainNote(ago(0), "lower-back", "", 7, flare_mark=True),)))
    assert not any(line.startswith("Moves for your") for line in marked.why)
    reading = current_pain((PainNote(ago(0), "lower-back", "", 7, flare_mark=True), pain(0, 3, "neck")), TODAY)
    assert reading is not None and reading.pain == 7 and reading.flare_mark and reading.regions == ("neck",)


@pytest.mark.parametrize(
    ("notes", "advice"),
    [
        (history(*[7] * 7), "7/10 or more for 7 days"),
        (history(*[8] * 7), "7/10 or more for 7 days"),
        (history(*[7] * 6), None),
        (history(7, 7, 7, None, 7, 7, 7), None),
        (tuple(pain(d, 4) for d in range(0, 35, 3)), "no improvement over the last four weeks"),
        (tuple(pain(d, 2 if d < 10 else 5) for d in range(0, 35, 3)), None),  # better
        (tuple(pain(d, 4) for d in range(0, 21, 3)), None),  # only three weeks of notes
    ],
)
def test_persistent_pain_advises_seeing_a_clinician(notes, advice) -> None:
    s = suggest(request(pain_notes=notes))
    found = [line for line in s.advice if "7/10 or more" in line or "no improvement" in line]
    assert (found[0] if found else None) is None if advice is None else advice in found[0], s.advice


def test_is_mobility_only() -> None:
    assert is_mobility_only({"cat-cow", "seated-sciatic-nerve-glide"}, EX)
    assert not is_mobility_only({"cat-cow", "bridge"}, EX)
    assert not is_mobility_only(set(), EX)
    assert not is_mobility_only({"no-such-move"}, EX)


# --- rule 5: sitting ----------------------------------------------------------------------------


def sits(move) -> bool:
    return bool(SITTING_AREAS & set(move.areas))


@pytest.mark.parametrize(
    ("notes", "favoured", "why"),
    [
        ((SittingNote(TODAY, 9),), True, "You sat 9 hours today: hip flexors, hamstrings and upper back first."),
        ((SittingNote(ago(1), 7.5),), True, "You sat 7.5 hours yesterday"),
        ((SittingNote(TODAY, 6),), True, "You sat 6 hours today"),
        ((SittingNote(TODAY, 5.5),), False, None),
        ((SittingNote(TODAY, 2), SittingNote(ago(1), 10)), False, None),  # today's note wins
        ((SittingNote(TODAY, 2), SittingNote(TODAY, 8)), True, "You sat 8 hours today"),  # duplicates: the most
        ((SittingNote(ago(2), 12),), False, None),
    ],
)
def test_long_sitting_favours_hips_hamstrings_and_upper_back(notes, favoured, why) -> None:
    s = suggest(request(5, sitting_notes=notes))
    assert (SITTING_ADVICE in s.advice) is favoured
    if favoured:
        assert any(line.startswith(why) for line in s.why), s.why
        assert all(sits(m) for m in moves(s))
    else:
        assert not any(line.startswith("You sat") for line in s.why)


def test_sitting_never_raises_intensity() -> None:
    plain = suggest(request(10, pain_notes=history(4)))
    sat = suggest(request(10, pain_notes=history(4), sitting_notes=(SittingNote(TODAY, 12),)))
    assert plain.level == sat.level == "gentle"
    assert max(m.intensity for m in moves(sat)) <= 2
    assert not any(m.kind is Kind.STRENGTH for m in moves(sat))
    blocked = suggest(request(10, pain_notes=history(9), sitting_notes=(SittingNote(TODAY, 12),)))
    assert blocked.routine is None and SITTING_ADVICE in blocked.advice


# --- rule 6: place ------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", MINUTES_CHOICES)
@pytest.mark.parametrize(
    ("place", "allowed", "why"),
    [
        (
            "desk",
            lambda m: m.desk_friendly and m.position in (Position.SEATED, Position.STANDING),
            "Desk: seated and standing moves only.",
        ),
        ("standing", lambda m: m.position is Position.STANDING, "Standing: standing moves only."),
        ("floor", lambda m: True, None),
    ],
)
def test_place_limits_the_moves(place, allowed, why, minutes) -> None:
    s = suggest(request(minutes, place, sessions=(calm(1), calm(2))))
    assert s.routine is not None and all(allowed(m) for m in moves(s))
    assert why is None or why in s.why


def test_the_floor_uses_floor_moves() -> None:
    s = suggest(request(20, "floor"))
    assert {m.position for m in moves(s)} - {Position.SEATED, Position.STANDING}


# --- rule 7: time -------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", MINUTES_CHOICES)
@pytest.mark.parametrize(
    ("notes", "place", "cap", "floor"),
    [
        # At most about 8 moves in 10 minutes, each at no more than its own dose (gentle: two thirds of it),
        # so a routine can run short of the time asked; how far short is pinned here.
        ((), "floor", 20, 0.8),
        (history(4), "floor", 20, 0.45),
        (history(6), "floor", 5, 0.5),
        ((), "desk", 10, 0.9),
        ((), "standing", 10, 0.9),
    ],
)
def test_the_routine_fills_the_minutes(minutes, notes, place, cap, floor) -> None:
    s = suggest(request(minutes, place, pain_notes=notes))
    short = s.level == "mobility-short"
    target = min(minutes, 5 if short else minutes) * 60
    assert s.routine.rest_between_seconds == 5
    assert seconds(s) <= (target if short else target * 1.1)
    if minutes == 1:
        assert 1 <= len(s.routine.items) <= 2
    elif minutes <= cap:  # enough moves exist for this level and place
        assert seconds(s) >= target * floor, (seconds(s), target)
    if seconds(s) < target * 0.9:  # shorter than asked: always said, with the reason
        assert any(line.startswith(("Only ", "Shorter than asked")) for line in s.why), s.why
    for move, item in zip(moves(s), s.routine.items, strict=True):
        dose = item.dose_for(move)
        assert dose.is_reps or min(15, move.dose.hold_seconds) <= dose.hold_seconds <= move.dose.hold_seconds
        assert dose.sets == move.dose.sets  # sets stay as written, so the JSON tells the whole dose


@pytest.mark.parametrize("day", range(14))
@pytest.mark.parametrize("place", ["desk", "standing"])
def test_desk_and_standing_fill_ten_minutes_without_repeating_a_move(place, day) -> None:
    """Low pain, questions answered: each place has enough different moves for 10 minutes, any day."""
    today = TODAY + timedelta(days=day)
    s = suggest(request(10, place, today=today, pain_notes=(PainNote(today, "lower-back", "", 2),)))
    assert s.level == "full" and s.routine is not None
    ids = [item.exercise_id for item in s.routine.items]
    assert len(ids) == len(set(ids)), ids
    assert abs(seconds(s) - 600) <= 60, (seconds(s), ids)
    assert not any(line.startswith(("Only ", "Shorter than asked")) for line in s.why), s.why


@pytest.mark.parametrize("notes", [(), history(4), history(6)], ids=["full", "gentle", "short"])
@pytest.mark.parametrize("minutes", MINUTES_CHOICES)
def test_a_walk_is_never_trimmed_below_a_minute(notes, minutes) -> None:
    """A hold of minutes keeps at least half its length when trimmed to fit: a 15-second walk is no walk."""
    for day in range(7):
        s = suggest(request(minutes, "standing", today=TODAY + timedelta(days=day), pain_notes=notes))
        for move, item in zip(moves(s), s.routine.items if s.routine else (), strict=True):
            if move.dose.hold_seconds > 60 and not move.dose.is_reps:
                assert item.dose_for(move).hold_seconds >= move.dose.hold_seconds // 2, (move.id, item)


# --- rule 8: personal history -------------------------------------------------------------------


def test_a_move_that_hurt_is_left_out_for_14_days() -> None:
    first = moves(suggest(request(5)))[0]
    hurt = SessionNote(ago(13), frozenset({first.id}), frozenset({first.id}), pain_before=2, pain_after=4)
    s = suggest(request(5, sessions=(hurt,)))
    assert first.id not in {m.id for m in moves(s)}
    assert f"Left out after hurting in the last 14 days: {first.name}." in s.why
    old = SessionNote(ago(14), frozenset({first.id}), frozenset({first.id}), pain_before=2, pain_after=4)
    assert moves(suggest(request(5, sessions=(old,)))) == moves(suggest(request(5)))


def relief(days_ago: int, exercise_id: str | None, before: int, after: int | None) -> SessionNote:
    """A session of bird dog, with `exercise_id` too unless None."""
    ids = frozenset({"bird-dog", exercise_id} if exercise_id else {"bird-dog"})
    return SessionNote(ago(days_ago), ids, pain_before=before, pain_after=after)


def with_and_without(with_changes: list[int], without_changes: list[int], start: int = 5) -> tuple[SessionNote, ...]:
    """Sessions with knee to chest changing pain by `with_changes`, and without it by `without_changes`."""
    return tuple(
        relief(1 + 2 * i, "knee-to-chest", start, start + change) for i, change in enumerate(with_changes)
    ) + tuple(relief(2 + 2 * i, None, start, start + change) for i, change in enumerate(without_changes))


@pytest.mark.parametrize(
    ("sessions", "preferred", "why"),
    [
        pytest.param(
            with_and_without([-2, -1, -2, -2, -1, -2], [0, 0, -1, 0, 0, 1]),
            True,
            f"Pain fell 1.7 points more in sessions with {EX['knee-to-chest'].name} than without it "
            "(95% interval 0.9 to 2.4; 6 sessions with it, 6 without).",
            id="more-relief-with-it",
        ),
        pytest.param(
            with_and_without([-2, -2, -2, -2], [0, 0, 0, 0, 0, 0]), False, None, id="four-sessions-not-enough"
        ),
        pytest.param(
            with_and_without([-2, -2, -2, -2, -2, -2], [-2, -2, -2, -2, -2, -1]),
            False,
            None,
            id="every-session-eased-pain-regression-to-the-mean",
        ),
        pytest.param(
            with_and_without([-1, -2, 0, 1, -1, -2], [-1, 0, -2, 0, 1, -1]), False, None, id="intervals-overlap"
        ),
        pytest.param(
            with_and_without([-3, -3, -3, -3, -3], [0, 0, 0, 0, 0])[:5]
            + tuple(relief(100 + i, None, 5, 5) for i in range(5)),
            False,
            None,
            id="sessions-without-it-only-outside-the-window",
        ),
    ],
)
def test_moves_that_helped_are_preferred(sessions, preferred, why) -> None:
    """'What helped' is core.relief's comparison (more relief with the move than without it, the
    interval leaving out 0), not pain falling after a session, which it nearly always does."""
    s = suggest(request(5, sessions=sessions))
    assert ("knee-to-chest" in {m.id for m in moves(s)}) is preferred
    if why:
        assert why in s.why, s.why
    else:
        assert not any("points more in sessions with" in line for line in s.why)


def test_a_helpful_move_that_hurt_lately_is_still_left_out() -> None:
    helped = with_and_without([-2, -1, -2, -2, -1, -2], [0, 0, -1, 0, 0, 1])
    assert "knee-to-chest" in {m.id for m in moves(suggest(request(5, sessions=helped)))}
    sessions = (*helped, SessionNote(ago(2), frozenset({"knee-to-chest"}), frozenset({"knee-to-chest"})))
    assert "knee-to-chest" not in {m.id for m in moves(suggest(request(5, sessions=sessions)))}


# --- rule 9: variety and determinism ------------------------------------------------------------


def test_same_request_same_answer_and_order_does_not_matter() -> None:
    notes = (pain(0, 3), pain(1, 2, "neck"), pain(2, 1), pain(0, 2, "leg", "left"))
    sessions = (calm(1), relief(3, "cat-cow", 4, 2))
    a = suggest(request(10, pain_notes=notes, sessions=sessions))
    b = suggest(request(10, pain_notes=tuple(reversed(notes)), sessions=tuple(reversed(sessions))))
    assert a == b == suggest(request(10, pain_notes=notes, sessions=sessions))
    shuffled = dict(sorted(EX.items(), reverse=True))
    c = suggest(SuggestionRequest(TODAY, 10, "floor", notes, (), sessions, NO_FLAGS, exercises=shuffled))
    assert c == a


def test_moves_rotate_from_day_to_day() -> None:
    week = {tuple(m.id for m in moves(suggest(request(5, today=TODAY + timedelta(days=d))))) for d in range(7)}
    assert len(week) >= 3


def test_the_answer_does_not_depend_on_the_string_hash_seed() -> None:
    code = (
        "import json; from datetime import date; from stretchtui.core.library import load_library; "
        "from stretchtui.core.suggest import *; ex = load_library().exercises; "
        "print(json.dumps(to_json_dict(suggest(SuggestionRequest(date(2026, 11, 21), 10, 'floor', "
        "exercises=ex)), ex)))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    here = to_json_dict(suggest(SuggestionRequest(TODAY, 10, "floor", exercises=EX)), EX)  # unanswered: gentle
    assert json.loads(out) == here


# --- rule 10: why lines, the routine and the JSON -----------------------------------------------


def test_why_lines_explain_the_routine() -> None:
    s = suggest(request(10, "desk", pain_notes=history(2), sitting_notes=(SittingNote(ago(1), 9),)))
    assert s.why[0] == "Pain 2/10 today: a full routine."
    assert "Desk: seated and standing moves only." in s.why
    assert "You sat 9 hours yesterday: hip flexors, hamstrings and upper back first." in s.why
    assert "Moves for your lower back come first." in s.why
    r = s.routine
    assert r.id == f"suggested-{TODAY.isoformat()}" and not r.editable and r.description == s.why[0]
    assert r.sources  # the articles behind the moves


def test_json_shape() -> None:
    s = suggest(request(5, pain_notes=history(1), sessions=(calm(1), calm(2))))
    data = to_json_dict(s, EX)
    assert list(data) == ["routine", "duration_seconds", "why", "advice", "blocked"]
    assert data["duration_seconds"] == seconds(s) and data["blocked"] is False
    assert data["why"] == list(s.why) and data["advice"] == list(s.advice)
    for entry, move in zip(data["routine"], moves(s), strict=True):
        amount = "reps" if move.dose.reps else "hold_seconds"
        assert list(entry) == ["exercise", amount, "sides"]
        assert entry["exercise"] == move.id and entry["sides"] in ("both", "each")
        assert isinstance(entry[amount], int) and entry[amount] > 0
    json.dumps(data)
    blocked = to_json_dict(suggest(request(5, pain_notes=history(9))), EX)
    assert blocked["routine"] == [] and blocked["duration_seconds"] == 0 and blocked["blocked"] is True


@pytest.mark.parametrize(("field", "value"), [("minutes", 7), ("place", "bed")])
def test_bad_requests_are_refused(field, value) -> None:
    with pytest.raises(ValueError):
        request(**{"minutes": 5, "place": "floor", field: value})
    with pytest.raises(ValueError):
        PainNote(TODAY, "neck", "", 11)


def test_no_candidates_gives_no_routine_but_says_why() -> None:
    only_strength = {k: e for k, e in EX.items() if e.kind is Kind.STRENGTH}
    s = suggest(SuggestionRequest(TODAY, 5, "floor", safety=NO_FLAGS, exercises=only_strength))
    assert s.routine is None and not s.blocked and s.why and s.level == "full"


# --- properties ---------------------------------------------------------------------------------

IDS = sorted(EX)


@st.composite
def histories(draw) -> dict:
    """Everything but the library, so a failing example prints short."""
    today = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    day = st.integers(0, 10).map(lambda n: today - timedelta(days=n))
    notes = draw(
        st.lists(
            st.builds(
                PainNote,
                day,
                st.sampled_from(REGIONS),
                st.sampled_from(("", "left", "right")),
                st.integers(0, 10),
                st.sampled_from((False,) * 7 + (True,)),
            ),
            max_size=14,
        )
    )
    sitting = draw(
        st.lists(
            st.builds(
                SittingNote,
                st.integers(0, 3).map(lambda n: today - timedelta(days=n)),
                st.sampled_from((0.0, 2.0, 5.5, 6.0, 9.0, 12.5)),
            ),
            max_size=3,
        )
    )
    pains = st.none() | st.integers(0, 10)
    sessions = draw(
        st.lists(
            st.builds(
                SessionNote,
                st.integers(-1, 20).map(lambda n: today - timedelta(days=n)),
                st.frozensets(st.sampled_from(IDS), max_size=6),
                st.frozensets(st.sampled_from(IDS), max_size=1),
                st.booleans(),
                pains,
                pains,
                st.booleans(),
            ),
            max_size=8,
        )
    )
    check = draw(
        st.sampled_from(
            (
                UNANSWERED,
                NO_FLAGS,
                NO_FLAGS,
                NO_FLAGS,
                answered("saddle"),
                answered("night"),
                answered(ask_again=(NOTE_AGAIN,)),
                answered(ask_again=(OLD_ANSWERS,)),
            )
        )
    )
    conditions = draw(st.frozensets(st.sampled_from(list(Condition)), max_size=2))
    check = SafetyCheck(Profile(check.profile.answers, check.profile.answered_at, conditions), check.ask_again)
    return dict(
        today=today,
        minutes=draw(st.sampled_from(MINUTES_CHOICES)),
        place=draw(st.sampled_from(PLACES)),
        pain_notes=tuple(notes),
        sitting_notes=tuple(sitting),
        sessions=tuple(sessions),
        safety=check,
    )


@settings(max_examples=150, deadline=None)
@given(histories())
def test_suggestion_properties(fields: dict) -> None:
    req = SuggestionRequest(**fields, exercises=EX)
    s = suggest(req)
    assert s == suggest(req) and to_json_dict(s, EX) == to_json_dict(suggest(req), EX)
    reading = current_pain(req.pain_notes, req.today)
    worst = reading.pain if reading else 0
    stuck = any(n.no_comfortable_position and n.day == req.today for n in req.pain_notes)
    check = req.safety
    if check.red_flag:
        assert s.level == "red-flag"  # never a routine with an open urgent or soon answer
    elif any(a.blocks for a in check.ask_again):
        assert s.level == "ask-again"
    elif worst >= 8 or stuck:
        assert s.level == "none"
    assert s.blocked is (s.level in ("red-flag", "ask-again", "none"))
    if s.blocked:
        assert s.routine is None and s.advice and s.why
        assert to_json_dict(s, EX)["routine"] == []
        return
    assert s.why
    if s.routine is None:  # every fitting move hurt lately
        return
    assert s.routine.items
    chosen = moves(s)
    assert not any(m.avoid_reasons(check.conditions) for m in chosen)  # never a contraindicated move
    assert not RESTING_ONLY & {m.id for m in chosen}  # resting positions are for after a hurt
    if check.gentle_only:  # unanswered, or asked again: gentle mobility only
        assert s.level == "mobility-short"
        assert all(m.intensity == 1 and m.kind is not Kind.STRENGTH for m in chosen)
    for m, item in zip(chosen, s.routine.items, strict=True):  # doses within the exercise's own limits
        dose = item.dose_for(m)
        assert dose.reps <= m.dose.reps and dose.hold_seconds <= m.dose.hold_seconds and dose.sets == m.dose.sets
        if s.level != "full" and (m.dose.reps if dose.is_reps else m.dose.hold_seconds) > 1:
            assert (dose.reps < m.dose.reps) if dose.is_reps else (dose.hold_seconds < m.dose.hold_seconds)
    leg = reading is not None and "leg" in reading.regions
    assert leg or not any(m.kind is Kind.NERVE_GLIDE for m in chosen)
    assert len(chosen) <= max_moves(req.minutes)
    if worst >= 6:
        assert not any(m.kind is Kind.STRENGTH for m in chosen)
    if worst >= 4 or s.level != "full":
        assert not any(m.kind is Kind.STRENGTH for m in chosen)
    assert seconds(s) <= req.minutes * 60 * 1.1
    if s.level == "mobility-short":
        assert seconds(s) <= 5 * 60 * 1.1
    recent_hurt = {
        i for x in req.sessions if req.today - timedelta(days=14) < x.day <= req.today for i in x.hurt_exercise_ids
    }
    assert not recent_hurt & {m.id for m in chosen}
    if req.place == "floor":
        assert not any({Equipment.CHAIR, Equipment.TABLE} & set(m.equipment) for m in chosen)
    if req.place == "standing":
        assert all(m.position is Position.STANDING for m in chosen)
    elif req.place == "desk":
        assert all(m.desk_friendly for m in chosen)
    assert len({m.id for m in chosen}) == len(chosen)
