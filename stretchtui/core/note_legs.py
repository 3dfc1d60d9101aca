"""Which leg a check-in's note says hurts, beside the leg pains noted in the form.

Leg pain on both sides asks the safety questions again (core.safety.ask_again). A person who
notes their left leg at 5 and writes "right leg too" has noted both: the note's leg counts with the
form's. Only the side is read here; what the note says of numbness or control is core.note_flags.

Read with a leg word ("right calf", "R. leg", "rigth lower leg", "both legs", "the other leg"); and,
when the form of the same check-in noted a leg, by its side alone ("the right too", "leg on the
right", "other side too", "both sides", "bilateral", "my legs"). "The other leg" is the side the
form did not note, or, in a note without a leg in its form, the side noted that day or the day
before (`context`). A leg named in a denial ("right leg is fine", "no pain in the right leg") is
left out; a doubt still counts ("not sure why my right leg hurts"), as asking again only asks the
questions. Pure: no UI, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LEG = r"(?:legs?|legg|lges?|calf|calves|thighs?|shins?|foot|feet|hamstrings?)"
RIGHT = r"(?:right|rigth|rihgt|rite|rt|r)"
LEFT = r"(?:left|lfet|lft|lt|l)"
SIDE = rf"(?P<side>{RIGHT}|{LEFT}|other|opposite)"
_GAP = r"\.?(?:[\s-]+(?:lower|upper|hand|one|side|sided))?[\s-]+"
_NAMED = re.compile(rf"\b{SIDE}{_GAP}{LEG}\b|\b{LEG} on the (?P<after>{RIGHT}|{LEFT}|other side)\b")
_BOTH = re.compile(rf"\bboth[\s-]+{LEG}|\b{LEG} on both sides\b|\b(?:left|l) and (?:right|r)[\s-]+{LEG}")
# With a leg in the form, or noted that day or the day before: the side alone says which, unless
# another part of the body follows it ("right side of my back", "left shoulder").
_SIDE_ALONE = re.compile(
    r"\b(?P<side>right|left|other side|opposite side|other one|opposite one)\b"
    r"|\b(?P<both>both sides|both|bilateral|bilaterally|legs|(?:switched|swapped|changed|switches|swaps) sides"
    r"|alternat\w*)\b"
)
_OTHER_PART = re.compile(
    r"^(?:\s+(?:side|hand|of|my|the|upper|lower|one))*\s+"
    r"(?:back|neck|shoulders?|arms?|hands?|wrists?|elbows?|head|chest|ribs?|hips?|eyes?|ears?|jaw)\b"
)
_DENIED_BEFORE = re.compile(r"\b(?:no(?! idea)|not(?! sure| certain)|nothing in|without)\s+(?:\w+\s+){0,3}$")
_DENIED_AFTER = re.compile(
    r"^\s*(?:(?:side|sides|one|leg|legs|foot|feet)\s+)?(?:is|are|'s|feels?|seems?|still)?\s*"
    r"(?:fine|ok|okay|alright|all right|good|better|normal)\b"
)
BOTH = frozenset({"left", "right"})


def _side(word: str, known: set[str]) -> set[str]:
    word = word.lower().rstrip(".")
    if re.fullmatch(RIGHT, word):
        return {"right"}
    if re.fullmatch(LEFT, word):
        return {"left"}
    if word.startswith(("other", "opposite")):
        return set(BOTH - known) if len(known) == 1 else set()
    return set()


def _denied(text: str, start: int, end: int) -> bool:
    return bool(_DENIED_BEFORE.search(text[:start]) or _DENIED_AFTER.search(text[end:]))


def legs_in_note(
    note: str, noted_sides: Iterable[str] = (), context: Iterable[str] = (), *, leg_noted: bool = False
) -> frozenset[str]:
    """The leg sides ("left", "right") a note says hurt. `noted_sides`: the leg sides this
    check-in's form noted; `context`: the leg sides noted that day or the day before, for "the
    other leg" in a note whose form noted none; `leg_noted`: the form noted a leg with no side.
    Any of these lets a side alone count ("both sides", "the left one too")."""
    text = note.lower()
    noted = {s for s in noted_sides if s in BOTH}
    known = noted or {s for s in context if s in BOTH}
    sides: set[str] = set()
    if any(not _denied(text, found.start(), found.end()) for found in _BOTH.finditer(text)):
        sides |= BOTH  # not "both legs fine" (a holdout note read it as leg pain on both sides)
    named: list[range] = []
    for found in _NAMED.finditer(text):
        named.append(range(found.start(), found.end()))
        if not _denied(text, found.start(), found.end()):
            sides |= _side(found.group("side") or found.group("after"), known)
    if known or leg_noted:
        for found in _SIDE_ALONE.finditer(text):
            if any(found.start() in span for span in named) or _denied(text, found.start(), found.end()):
                continue  # read with its leg word above, or denied
            if _OTHER_PART.match(text[found.end() :]):
                continue  # "right side of my back": not a leg
            sides |= BOTH if found.group("both") else _side(found.group("side"), known)
    return frozenset(sides)
