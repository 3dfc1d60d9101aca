"""'This hurts' always offers a way on: a gentler move for the area, else a relief position, else
ending with advice (core.after_hurt; docs/safety.md, rule 6)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtui.core.after_hurt import (
    RELIEF_POSITIONS,
    Leaving,
    OfferKind,
    gentler_alternative,
    offer_after_hurt,
    spreading_limb,
)
from stretchtui.core.library import load_library
from stretchtui.core.model import Area, Condition, Dose, Exercise, Kind, Position


def ex(
    id: str,
    *,
    areas: tuple[Area, ...] = (Area.LOWER_BACK,),
    kind: Kind = Kind.MOBILITY,
    position: Position = Position.ON_BACK,
    intensity: int = 1,
    avoid: tuple[tuple[Condition, str], ...] = (),
) -> Exercise:
    return Exercise(
        id=id,
        name=id.replace("-", " ").title(),
        areas=areas,
        kind=kind,
        position=position,
        dose=Dose(hold_seconds=30),
        steps=("Do it.",),
        feel="",
        cautions=(),
        intensity=intensity,
        contraindications=avoid,
    )


HURT = ex("hurt", intensity=2, areas=(Area.LOWER_BACK, Area.GLUTES_HIPS))


@pytest.mark.parametrize(
    ("library", "exclude", "expected"),
    [
        pytest.param([ex("a", intensity=2), ex("b", intensity=1)], set(), "b", id="lower-intensity-first"),
        pytest.param([ex("a", intensity=2)], set(), "a", id="the-same-intensity-is-allowed"),
        pytest.param([ex("a", intensity=3)], set(), None, id="never-more-intense"),
        pytest.param(
            [ex("a"), ex("b", areas=(Area.LOWER_BACK, Area.GLUTES_HIPS))], set(), "b", id="more-shared-areas-first"
        ),
        pytest.param(
            [ex("a", position=Position.STANDING), ex("b", position=Position.ON_BACK)],
            set(),
            "b",
            id="then-same-position",
        ),
        pytest.param([ex("a", position=Position.STANDING)], set(), "a", id="any-position"),
        pytest.param([ex("a", kind=Kind.STRENGTH)], set(), None, id="never-strength"),
        pytest.param([ex("a", kind=Kind.MOTOR_CONTROL)], set(), "a", id="gentle-motor-control"),
        pytest.param([ex("a", kind=Kind.NERVE_GLIDE)], set(), None, id="no-nerve-glide"),
        pytest.param([ex("a", areas=(Area.NECK,))], set(), None, id="must-share-an-area"),
        pytest.param([ex("hurt")], set(), None, id="never-itself"),
        pytest.param([ex("a"), ex("b")], {"a"}, "b", id="not-already-in-the-session"),
        pytest.param([], set(), None, id="empty"),
    ],
)
def test_gentler_alternative(library: list[Exercise], exclude: set[str], expected: str | None) -> None:
    found = gentler_alternative(HURT, library, Leaving(exclude=exclude))
    assert (found.id if found else None) == expected


def test_not_a_move_that_hurt_recently_nor_one_that_does_not_suit_a_condition() -> None:
    library = [ex("a"), ex("b", avoid=((Condition.PREGNANCY, "no"),)), ex("c", intensity=2)]
    assert gentler_alternative(HURT, library, Leaving(hurt_recently={"a"})).id == "b"
    assert gentler_alternative(HURT, library, Leaving(hurt_recently={"a"}, conditions={Condition.PREGNANCY})).id == "c"


def test_when_every_gentle_move_is_used_a_relief_position_is_offered() -> None:
    """The pain-day case: every intensity-1 move is already in the session."""
    relief = ex("childs-pose", areas=(Area.MID_UPPER_BACK,), position=Position.KNEELING)
    offer = offer_after_hurt(HURT, [ex("a"), relief], Leaving(exclude={"a", "childs-pose"}))
    assert offer.kind is OfferKind.RELIEF and offer.exercise.id == "childs-pose"


def test_a_relief_position_must_suit_the_person() -> None:
    relief = ex("childs-pose", avoid=((Condition.JOINT_REPLACEMENT, "deep knee bend"),))
    offer = offer_after_hurt(HURT, [relief], Leaving(exclude={"childs-pose"}, conditions={Condition.JOINT_REPLACEMENT}))
    assert offer.kind is OfferKind.END and "Stop here" in offer.advice


def test_the_seed_library_always_offers_a_way_on_from_any_move() -> None:
    """From every move in the library, even with everything else in the session, the offer is a
    move or a relief position (the seed has relief positions), never nothing."""
    library = load_library().exercises
    assert any(r in library for r in RELIEF_POSITIONS)
    for hurt in library.values():
        offer = offer_after_hurt(hurt, library.values(), Leaving(exclude=set(library)))
        assert offer.kind in (OfferKind.GENTLER, OfferKind.RELIEF, OfferKind.END)
        if hurt.position not in (Position.SEATED, Position.STANDING):  # at a desk, ending may be the way on
            assert offer.kind is not OfferKind.END, hurt.id


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Kind)), st.integers(1, 3), st.sets(st.sampled_from(list(Area)), min_size=1, max_size=3)
        ),
        max_size=12,
    ),
    st.sets(st.sampled_from(list(Condition)), max_size=3),
)
def test_an_offer_is_never_harder_than_the_move_that_hurt(specs, conditions) -> None:
    library = [
        ex(
            f"e{i}",
            kind=kind,
            intensity=intensity,
            areas=tuple(sorted(areas)),
            avoid=((Condition.PREGNANCY, "no"),) if i % 3 == 0 else (),
        )
        for i, (kind, intensity, areas) in enumerate(specs)
    ]
    offer = offer_after_hurt(HURT, library, Leaving(conditions=conditions))
    if offer.kind is OfferKind.GENTLER:
        chosen = offer.exercise
        assert chosen.intensity <= HURT.intensity and chosen.kind is not Kind.STRENGTH
        assert not chosen.avoid_reasons(conditions) and set(chosen.areas) & set(HURT.areas)
    if offer.kind is OfferKind.RELIEF:
        assert not offer.exercise.avoid_reasons(conditions)


def test_a_move_that_hurt_a_lot_gets_no_other_move_only_rest_or_ending() -> None:
    relief = ex("childs-pose", position=Position.KNEELING)
    library = [ex("a"), relief]
    assert offer_after_hurt(HURT, library, pain=6).kind is OfferKind.GENTLER
    offer = offer_after_hurt(HURT, library, pain=7)
    assert offer.kind is OfferKind.RELIEF and offer.exercise.id == "childs-pose"
    assert offer_after_hurt(HURT, [ex("a")], pain=9).kind is OfferKind.END


def test_at_a_desk_nothing_on_the_floor() -> None:
    seated = ex("hurt-seated", intensity=2, position=Position.SEATED)
    library = [
        ex("floor-move"),
        ex("childs-pose", position=Position.KNEELING),
        ex("chair-move", position=Position.SEATED),
    ]
    assert offer_after_hurt(seated, library).exercise.id == "chair-move"
    offer = offer_after_hurt(seated, library[:2])
    assert offer.kind is OfferKind.END  # no floor move and no floor resting position from a chair


@pytest.mark.parametrize(
    ("exercise_id", "limb"),
    [("upper-trapezius-stretch", "an arm"), ("chin-tuck", "an arm"), ("cat-cow", None), ("knee-to-chest", "a leg")],
)
@pytest.mark.parametrize("pain", [7, 9])
def test_the_advice_after_a_hurt_names_the_limb_that_move_would_send_pain_down(exercise_id, limb, pain) -> None:
    """ "Spreads down a leg" after a neck stretch (an outside pass): the ending's advice names an arm
    for an upper-body move, a leg for a low-back or leg one, both for one that works both."""
    hurt = load_library().exercises[exercise_id]
    offer = offer_after_hurt(hurt, [hurt], pain=pain)  # nothing else to offer: the ending
    assert offer.kind is OfferKind.END
    expected = limb or spreading_limb(hurt)
    assert f"spreads down {expected}" in offer.advice and "{limb}" not in offer.advice
    other = "a leg" if expected == "an arm" else "an arm" if expected == "a leg" else None
    if other is not None:
        assert f"down {other}" not in offer.advice
