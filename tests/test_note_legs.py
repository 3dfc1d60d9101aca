"""A note's leg counts with the form's: left leg noted at 5 and "right leg too" written is both
legs, which asks the safety questions again (an outside pass found the two never combined)."""

from __future__ import annotations

import pytest

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.note_legs import legs_in_note


@pytest.mark.parametrize(
    ("note", "noted", "sides"),
    [
        ("right leg too", {"left"}, {"right"}),
        ("and now the Right calf as well", {"left"}, {"right"}),
        ("the other leg has started as well", {"left"}, {"right"}),
        ("other leg too", {"right"}, {"left"}),
        ("other leg too", set(), set()),  # which other: nothing to go on
        ("right one as well", {"left"}, {"right"}),
        ("sore L leg, R thigh tingles", set(), {"left", "right"}),
        ("both legs ache", set(), {"left", "right"}),
        ("pain in the legs on both sides", set(), {"left", "right"}),
        ("not sure why my right leg hurts", {"left"}, {"right"}),  # a doubt, not a denial
        ("no idea why the right leg aches", {"left"}, {"right"}),
        ("all fine except the right leg", {"left"}, {"right"}),
        ("no pain in the right leg", {"left"}, set()),
        ("right leg is fine today", {"left"}, set()),
        ("nothing in the left foot now", {"right"}, set()),
        ("stiff back after the drive", set(), set()),
        ("left hip sore, right shoulder tight", set(), set()),  # not legs
        ("turned right at the leg of the table", set(), set()),
        # the second outside pass's misses, with a left leg noted in the form
        *(
            (note, {"left"}, {"right"})
            for note in (
                "right-leg too",
                "right lower leg",
                "rigth leg too",
                "right legg too",
                "R. leg too",
                "rt leg",
                "r. leg",
                "opposite leg",
                "other side too",
                "the right too",
                "right as well",
                "leg on the right",
            )
        ),
        *(
            (note, {"left"}, {"left", "right"})
            for note in (
                "both sides",
                "both sides now",
                "now both",
                "bilateral",
                "my legs ache",
                "sciatica switched sides",  # alternating sciatica: both legs (the third outside pass)
                "it alternates",
            )
        ),
        # a side alone counts only beside a leg in the form
        ("the right too", set(), set()),
        ("my legs ache after the run", set(), set()),
        ("bilateral", set(), set()),
        ("right side of my back is tight", set(), set()),
        ("right side fine", {"left"}, set()),
        # "both legs" denied is no leg pain on both sides (a holdout note read as one)
        ("both legs fine, no numbness", set(), set()),
        ("no pain in both legs", set(), set()),
        ("both legs are ok", {"left"}, set()),
        ("both legs ache, no numbness", set(), {"left", "right"}),
    ],
)
def test_the_legs_a_note_names(note: str, noted: set[str], sides: set[str]) -> None:
    assert legs_in_note(note, noted) == sides


def test_the_other_leg_in_a_note_without_a_leg_in_its_form_reads_the_days_legs() -> None:
    assert legs_in_note("the other leg hurts now", (), {"left"}) == {"right"}
    assert legs_in_note("other leg now", (), set()) == set()


def test_a_left_leg_noted_with_right_leg_too_in_the_note_asks_again(store, clock) -> None:
    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LEG, 5, "left")], note="right leg is fine")
    assert store.safety.safety_check().ask_again == ()
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LEG, 5, "left")], note="right leg too since lunch")
    check = store.safety.safety_check()
    assert [a.reason for a in check.ask_again] == ["both-legs"] and check.blocked


@pytest.mark.parametrize("later", [0, 1], ids=["same-day", "next-day"])
def test_the_other_leg_in_a_later_check_in_asks_again(store, clock, later: int) -> None:
    """Left leg in the morning's form; "the other leg hurts now" in a later check-in that notes
    no leg (hours sat, or the lower back), the same day or the next: both legs."""
    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([PainEntry(Region.LEG, 4, "left")])
    assert store.safety.safety_check().ask_again == ()
    clock.advance(3600 + later * 86400)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note="the other leg hurts now")
    assert [a.reason for a in store.safety.safety_check().ask_again] == ["both-legs"]


def test_log_says_so_at_once(db_path, clock, capsys) -> None:
    """`log --area leg --side left --note "right leg too"`: the CLI's reply asks for the questions."""
    db = ["--db", str(db_path)]
    assert main([*db, "safety", "--answers", "none"]) == 0
    capsys.readouterr()
    clock.advance(60)
    assert main([*db, "log", "--pain", "5", "--area", "leg", "--side", "left", "--note", "right leg too"]) == 0
    out = capsys.readouterr().out
    assert "safety" in out.lower() and "both sides" in out


@pytest.mark.parametrize(
    ("first", "later"),
    [
        (["--pain", "4", "--area", "leg", "--side", "left"], ["--note", "both sides"]),
        (["--pain", "4", "--area", "leg", "--side", "left"], ["--note", "other side too"]),
        (["--pain", "4", "--area", "leg", "--side", "left"], ["--note", "bilateral leg pain"]),
        (["--pain", "4", "--area", "leg", "--side", "right"], ["--note", "the left one too now"]),
        (["--pain", "4", "--area", "leg", "--side", "left"], ["--note", "the other leg now"]),
        (["--sitting", "2"], ["--pain", "4", "--area", "leg", "--note", "both sides"]),  # a leg, no side
    ],
)
def test_a_later_note_that_names_the_other_side_asks_again_and_log_says_the_same_day_line(
    db_path, clock, capsys, first, later
) -> None:
    """The second outside pass: a side alone in a later check-in, after a leg noted that day (or a
    leg with no side in the same one), was not read; and `log` gave only the generic line."""
    from stretchtui.core.safety import URGENT_SIGN_ADVICE

    db = ["--db", str(db_path)]
    assert main([*db, "safety", "--answers", "none"]) == 0
    clock.advance(60)
    assert main([*db, "log", *first]) == 0
    capsys.readouterr()
    clock.advance(3600)
    assert main([*db, "log", *later]) == 0
    out = capsys.readouterr().out
    assert "You noted leg pain on both sides." in out and URGENT_SIGN_ADVICE in out


def test_a_side_alone_about_another_part_of_the_body_is_not_a_leg() -> None:
    assert legs_in_note("right side of my back is tight", {"left"}) == set()
    assert legs_in_note("left shoulder stiff", (), {"right"}) == set()
    assert legs_in_note("the right one too", (), {"left"}) == {"right"}


def test_leg_pain_of_0_on_both_sides_is_no_sign(db_path, clock, capsys) -> None:
    """`log --pain 0 --area leg --side both` said the same-day line with no reason open."""
    db = ["--db", str(db_path)]
    assert main([*db, "safety", "--answers", "none"]) == 0
    capsys.readouterr()
    assert main([*db, "log", "--pain", "0", "--area", "leg", "--side", "both"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # "Noted ..." alone
