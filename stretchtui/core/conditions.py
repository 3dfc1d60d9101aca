"""Health conditions and the moves that do not suit them, decided here once.

A person may list conditions (pregnancy, osteoporosis, ...); each exercise names the conditions it
does not suit, with a short reason (`Exercise.contraindications`). Three places act on that, all
through this module: the suggestion never offers such a move and says what it left out
(core.suggest), the gate before a session shows them and asks (core.session_gate), and
"this hurts" never offers one (core.after_hurt). docs/safety.md, section 4, says it in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TYPE_CHECKING

from stretchtui.core.vocabulary import Condition, label

if TYPE_CHECKING:
    from stretchtui.core.model import Exercise


def check_conditions(values: Iterable[str]) -> frozenset[Condition]:
    """The conditions named, refusing an unknown one (ValueError naming it and the known ones)."""
    result = set()
    for value in values:
        try:
            result.add(Condition(value))
        except ValueError:
            raise ValueError(
                f"{value!r} is not a condition; the conditions are: {', '.join(c.value for c in Condition)}"
            ) from None
    return frozenset(result)


def suits(exercise: Exercise, conditions: Set[Condition]) -> bool:
    """True when none of the person's conditions rules the move out."""
    return not exercise.avoid_reasons(frozenset(conditions))  # no copy when it is one already


def not_advised(
    exercises: Iterable[Exercise], conditions: Set[Condition]
) -> dict[Condition, list[tuple[Exercise, str]]]:
    """For each listed condition (in the order Condition declares them), the moves that do not suit
    it, in the order given, with the reason; a condition no move is ruled out by is left out."""
    found: dict[Condition, list[tuple[Exercise, str]]] = {}
    conditions = frozenset(conditions)
    for exercise in exercises:
        for condition, reason in exercise.avoid_reasons(conditions):
            found.setdefault(condition, []).append((exercise, reason))
    return {condition: found[condition] for condition in Condition if condition in found}


def condition_names(conditions: Iterable[Condition]) -> str:
    """'pregnancy, osteoporosis': lower-case labels, as a sentence reads them."""
    return ", ".join(label(c).lower() for c in conditions)
