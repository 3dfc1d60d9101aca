"""Which leg a check-in's note says hurts, beside the leg pains noted in the form.

Leg pain on both sides asks the safety questions again (core.safety.ask_again). A person who
notes their left leg at 5 and writes "right leg too" has noted both: the note's leg counts with the
form's. Only the side is read here; what the note says of numbness or control is core.note_flags.
A leg named in a denial ("right leg is fine", "not the left leg") is left out; a doubt still counts,
as asking again only asks the questions. Pure: no UI, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LEG_WORDS = r"(?:leg|legs|calf|calves|thigh|thighs|shin|shins|foot|feet|hamstring|hamstrings)"
_NAMED = re.compile(rf"\b(left|right|other|l|r)(?:\s+(?:one|side))?\s+(?:{LEG_WORDS})\b|\b(other|l|r|left|right) one\b")
_BOTH = re.compile(rf"\bboth\s+(?:{LEG_WORDS})\b|\b(?:{LEG_WORDS}) on both sides\b")
_DENIED_BEFORE = re.compile(r"\b(?:no(?! idea)|not(?! sure| certain)|nothing in|without)\s+(?:\w+\s+){0,3}$")
_DENIED_AFTER = re.compile(
    r"^\s*(?:is|are|'s|feels?|seems?)?\s*(?:fine|ok|okay|alright|all right|good|better|normal)\b"
)
_SIDES = {"left": "left", "l": "left", "right": "right", "r": "right"}


def legs_in_note(note: str, noted_sides: Iterable[str] = ()) -> frozenset[str]:
    """The leg sides ("left", "right") a note says hurt: the ones it names, "both legs" as both, and
    "the other leg" as the side the form did not note (both, with one noted; unknown alone)."""
    text = note.lower()
    sides: set[str] = set()
    if _BOTH.search(text):
        sides |= {"left", "right"}
    for found in _NAMED.finditer(text):
        word = found.group(1) or found.group(2)
        if word in ("l", "r") and found.group(2):
            continue  # "r one": too short to read as a side
        if _DENIED_BEFORE.search(text[: found.start()]) or _DENIED_AFTER.search(text[found.end() :]):
            continue
        if word == "other":
            known = {s for s in noted_sides if s in ("left", "right")}
            if len(known) == 1:
                sides |= {"left", "right"} - known
            continue
        sides.add(_SIDES[word])
    return frozenset(sides)
