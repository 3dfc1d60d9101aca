"""Red-flag phrases in a free-text pain note: which safety questions to ask again.

A note never diagnoses anything; a match only makes the app ask its safety questions again, so
when unsure this errs towards matching. The phrases are data in `seed/red_flags.toml` (schema at
its top). Matching tolerates how people write: case, curly or missing apostrophes ("cant"), small
typos ("numbess", "feaver") and other word orders ("numb legs", "both my legs are numb"). A
negator shortly before a matched word, in the same clause, cancels it ("no fever", "I no longer have
a fever") unless it speaks of a loss ("no control of my bladder", "no longer able to walk", "no way I
can walk"), and so does someone else as the subject ("my son has a temperature", "a film about a car
crash"). A loss said not to have happened is no match ("bladder control not lost"), and a negator that
dates, compares or owns up to not noticing denies nothing ("never had numbness in my bum before today",
"never felt this weak", "didn't notice both legs were numb"). A body temperature written as a number ("38.5",
"39°C", "101F") reads as the word "pyrexia". A colon or a bracket ends a clause but not a phrase ("bum: numb",
"numbness (groin)"), a checklist item answered no after it is denied ("fever - no", "numb bum? nope"), and
shorthand reads as the word meant ("cnt feel", "nmb bum", "ED").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from stretchtui.core.note_phrases import Phrase, Phrases, load_phrases
from stretchtui.core.note_text import FIRST_PERSON, normalised

NEGATION_REACH = 3  # a negator this many words before a matched word, in its clause, cancels the match
NEGATORS = frozenset(
    "no not never without none nothing neither nor nope deny denies denied isnt wasnt arent werent dont doesnt "
    "didnt hasnt havent hadnt aint".split()
)
HEDGES = frozenset(
    "sure know knew idea certain stop stopped stopping notice noticed realise realised realize realized".split()
)
"""After a negator these make a doubt, a persistence or an unawareness, not a denial: "not sure why both legs are
numb", "legs haven't stopped tingling", "didn't realise I'd wet myself" ("didn't notice any" reads as "no")."""
ONSET = frozenset("before until till til".split())
"""Later in a negator's clause these say when a thing began, not that it never did: "never had numbness in my bum
before today", "no tingling until I stood up"."""
COMPARED = frozenset("this so".split())
"""Later in the clause of "never" these make a comparison: "never felt this weak in both legs"."""
LOSSES = ("control", "strength", "power", "feeling", "sensation", "warning", "reason")
"""Within a negator's reach a word starting so makes it a loss, not a denial: "no control of my bladder",
"no bladder control", "no strength in my leg", "I no longer have control", "without warning both legs went
numb". Not "feeling of" or "sensation of" ("no feeling of numbness" denies the numbness)."""
WHOLE_CLAUSE = frozenset("loss problem problems issue issues trouble".split())
"""Right after a negator these deny the rest of its clause, however long: "no loss of bladder or bowel
control", "no loss of sensation in both legs"."""
LOSE = frozenset("lose loses lost losing".split())
PARTLY = frozenset("all completely totally fully entirely quite altogether".split())
"""A negator right before these (or "been" and these) says a thing was kept: a function ("bladder control
not lost", "haven't lost control of my bladder") is no loss, a symptom ("haven't lost the numbness") stays.
Not when only partly kept: "haven't lost all feeling in my legs"."""
OTHERS = frozenset(
    "son sons daughter daughters dad dads mum mums mom moms mother father parent parents wife husband "
    "partner friend friends kid kids child children baby grandma grandad granddad grandpa granny nan "
    "nana brother brothers sister sisters aunt auntie uncle cousin niece nephew boyfriend girlfriend "
    "colleague boss neighbour neighbor dog cat".split()
)
OTHERS_VERBS = frozenset("has had have having with got gets cant couldnt".split())
"""What makes the rest of a clause someone else's: "my son has a fever", "my mum can't walk far"."""
OTHERS_FALLS = frozenset("fell falls fallen tripped slipped crashed wet wets peed pooed".split())
"""Someone else's fall or accident, unless it comes back to the writer: "my cat fell off the shelf", "the baby
wet the bed", not "my son fell on me"."""
MEDIA = frozenset(
    "film films movie movies show documentary programme program book novel game podcast video news "
    "article story series episode".split()
)
ONLOOKERS = frozenset("to noticed said seen spotted told asked mentioned watched heard felt".split())
"""Someone else as the subject ("my dad had cancer", "a movie about a crash") cancels a match after it in its
clause, unless the note comes back to the writer first ("my wife has noticed I'm limping")."""
CLAUSE_WORDS = frozenset("but and though although however except".split())
_BREAKS = frozenset(".!?;\n&")  # phrases never reach across these; a comma only ends a clause
LABELS = frozenset(":()")
"""These end a clause but not a phrase, as in a list: "bum: numb", "numb: both legs", "numbness (groin)"."""
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[.!?;\n,:()&]")
SHORTHAND = {"cnt": "cant", "cannae": "cant", "nmb": "numb", "nub": "numb", "bilat": "bilateral"}
"""Words written short or in dialect, read as the word meant: "cnt feel my bum", "nmb bum", "cannae pee"."""


def note_flags(text: str, *, phrases: Phrases | None = None) -> tuple[str, ...]:
    """The safety-question keys a note points to: sorted, unique; () when none."""
    phrases = phrases or load_phrases()
    segments = [_segment(phrases, words, clauses) for words, clauses in _segments(text or "")]
    found: set[str] = set()
    for phrase in phrases.entries:
        if phrase.key not in found and _in_note(phrase, segments):
            if not any(_in_note(other, segments) for other in phrase.unless_note):
                found.add(phrase.key)
    return tuple(sorted(found))


def note_mentions_red_flag(text: str, *, phrases: Phrases | None = None) -> bool:
    """Whether a note mentions any warning sign, so the safety questions are asked again."""
    return bool(note_flags(text, phrases=phrases))


class _Segment(NamedTuple):
    words: list[str]
    clauses: list[int]
    alts: list[frozenset[str]]  # the alternatives each word stands for
    present: frozenset[str]  # all of them


def _segment(phrases: Phrases, words: list[str], clauses: list[int]) -> _Segment:
    alts = [_alts(phrases, word) for word in words]
    return _Segment(words, clauses, alts, frozenset().union(*alts))


def _in_note(phrase: Phrase, segments: Sequence[_Segment]) -> bool:
    """Whether the phrase holds in some segment of the note."""
    for words, clauses, alts, present in segments:
        if not all(slot & present for slot in phrase.slots):
            continue  # cheap: most phrases share no word with a note
        hits = [[i for i, a in enumerate(alts) if a & slot] for slot in phrase.slots]
        if any(_holds(phrase, picked, words, clauses) for picked in _windows(phrase, hits)):
            return True
    return False


def _segments(text: str) -> Iterator[tuple[list[str], list[int]]]:
    """Normalised words per segment (split at punctuation), each with its clause number: a clause
    also ends at "but", "and"..., so in "no fever but both legs numb" the "no" stays with "fever"."""
    text = normalised(text)
    words: list[str] = []
    clauses: list[int] = []
    clause = 0
    for token in [*_TOKEN.findall(text), "."]:
        if token == ",":
            clause += 1  # "sudden, severe back pain": a phrase reaches past a comma; a negation does not
        elif token in _BREAKS:
            if words:
                yield words, clauses
            words, clauses, clause = [], [], clause + 1
        elif token in LABELS:
            clause += 1
        else:
            clause += token in CLAUSE_WORDS
            words.append(SHORTHAND.get(token, token))
            clauses.append(clause)


def _windows(phrase: Phrase, hits: list[list[int]]) -> Iterator[list[int]]:
    """Positions, one per slot, all within `within` words (and in slot order unless `all`)."""
    for start in hits[0] if phrase.ordered else sorted(set().union(*hits)):
        picked: list[int] = []
        for slot_hits in hits:
            i = bisect_left(slot_hits, picked[-1] + 1 if phrase.ordered and picked else start)
            while i < len(slot_hits) and slot_hits[i] in picked:
                i += 1
            if i == len(slot_hits) or slot_hits[i] >= start + phrase.within:
                break
            picked.append(slot_hits[i])
        else:
            yield picked


def _holds(phrase: Phrase, picked: list[int], words: list[str], clauses: list[int]) -> bool:
    """A window counts unless a negator reaches it, someone else is the subject before it, or an
    `unless` word that is not itself negated ("not dieting") nor set aside ("away from my desk") shares
    a clause with it."""
    if any(_negated(q, words, clauses, picked) for q in picked) or _someone_else(min(picked), words, clauses):
        return False
    if any(_denies_a_loss(i, words, clauses) for i in picked):  # its own "no": "no loss of sensation in both legs"
        return False
    if _kept(picked, words, clauses):
        return False
    if not phrase.unless:
        return True
    near = {clauses[i] for i in picked}
    return not any(
        clauses[i] in near
        and i not in picked
        and not _negated(i, words, clauses, ())
        and "away" not in words[max(0, i - NEGATION_REACH) : i]  # "numb bum even away from my desk"
        and any(u == w or (u[-1] == "*" and w.startswith(u[:-1])) for u in phrase.unless)
        for i, w in enumerate(words)
    )


def _negated(q: int, words: list[str], clauses: list[int], picked: Sequence[int]) -> bool:
    """A negator up to NEGATION_REACH words before word q, in its clause, not part of the phrase nor
    `_no_denial` nor before a LOSE word the phrase does not hold ("haven't lost the numbness"), and not a loss
    (LOSSES within its reach); or a negator right before "loss", "problems"... anywhere earlier in the
    clause (WHOLE_CLAUSE)."""
    if any(
        words[p] in NEGATORS
        and words[p + 1] in WHOLE_CLAUSE
        and clauses[p] == clauses[q]
        and p not in picked
        and not _no_denial(p, words, clauses)
        for p in range(q - 1)
    ):
        return True
    return any(
        words[p] in NEGATORS
        and p not in picked
        and clauses[p] == clauses[q]
        and not (p + 1 < len(words) and words[p + 1] in LOSE and p + 1 not in picked)
        and not _no_denial(p, words, clauses)
        and not any(
            _a_loss(k, words, clauses[p], clauses) for k in range(p + 1, min(len(words), p + 1 + NEGATION_REACH))
        )
        for p in range(max(0, q - NEGATION_REACH), q)
    )


def _no_denial(p: int, words: list[str], clauses: list[int]) -> bool:
    """Negator p doubts or dates or compares rather than denies: a HEDGE right after it, an ONSET later in
    its clause, or "never" with a COMPARED word later in its clause."""
    rest = {words[i] for i in range(p + 1, len(words)) if clauses[i] == clauses[p]}
    hedged = p + 1 < len(words) and words[p + 1] in HEDGES
    return hedged or bool(rest & ONSET) or words[p] == "never" and bool(rest & COMPARED)


def _denies_a_loss(i: int, words: list[str], clauses: list[int]) -> bool:
    """Word i is a negator that denies a loss rather than saying one: "no loss of...", "no problems
    with...", "no feeling of numbness"; not "no loss of feeling until today"."""
    return (
        words[i] in NEGATORS
        and i + 1 < len(words)
        and (words[i + 1] in WHOLE_CLAUSE or _feeling_of(i + 1, words))
        and not _no_denial(i, words, clauses)
    )


def _kept(picked: list[int], words: list[str], clauses: list[int]) -> bool:
    """The window names a function (a LOSSES word) that a negator and a LOSE word next to it say was not
    lost: "bladder control not lost", "haven't lost control of my bladder", "not losing feeling in my legs"."""
    return any(
        _a_loss(k, words, clauses[k], clauses)
        and any(
            _not_lost(p, words, clauses)
            for p in range(max(0, k - NEGATION_REACH), min(len(words), k + NEGATION_REACH + 1))
            if clauses[p] == clauses[k]
        )
        for k in picked
    )


def _not_lost(p: int, words: list[str], clauses: list[int]) -> bool:
    """Word p is a negator before a LOSE word ("not lost", "hasn't been lost"), and nothing later in its
    clause makes the loss partial ("haven't lost all feeling", "not lost completely"; "at all" is fine)."""
    lose = p + 2 if words[p + 1 : p + 2] == ["been"] else p + 1
    if words[p] not in NEGATORS or lose >= len(words) or words[lose] not in LOSE:
        return False
    rest = range(lose + 1, len(words))
    return not any(clauses[i] == clauses[p] and words[i] in PARTLY and words[i - 1] != "at" for i in rest)


def _a_loss(k: int, words: list[str], clause: int, clauses: list[int]) -> bool:
    """Word k, in `clause`, speaks of a loss (LOSSES, by its start: "controll" too), unless it is
    a feeling of something ("no feeling of numbness" denies the numbness)."""
    return clauses[k] == clause and words[k].startswith(LOSSES) and not _feeling_of(k, words)


def _feeling_of(k: int, words: list[str]) -> bool:
    """ "feeling of ...", "sensation of ...": what follows is the thing felt, not a loss of feeling."""
    return words[k].startswith(("feeling", "sensation")) and words[k + 1 : k + 2] == ["of"]


def _someone_else(q: int, words: list[str], clauses: list[int]) -> bool:
    """ "my dad had ...", "my son has ...", "a friend with ...", "a film about ..." before word q in its clause,
    with no "I"/"me"/"my" between. "had to", "has noticed"... are not the other's condition: "my wife had to
    help me", "my partner has noticed numbness in both legs"."""
    for j in range(q - 1, -1, -1):
        if clauses[j] != clauses[q] or words[j] in FIRST_PERSON:
            return False
        if (
            words[j] in OTHERS
            and words[j + 1] in OTHERS_VERBS
            and not set(words[j + 2 : j + 3]) & ONLOOKERS
            or words[j] in OTHERS
            and words[j + 1] in OTHERS_FALLS
            and not any(clauses[i] == clauses[q] and words[i] in FIRST_PERSON for i in range(j + 2, len(words)))
            or words[j] in MEDIA
            and words[j + 1] == "about"
        ):
            return True
    return False


@lru_cache(maxsize=8192)
def _alts(phrases: Phrases, word: str) -> frozenset[str]:
    """The alternatives a word stands for; a false friend ("skipped", a typo away from "slipped")
    only ever stands for itself."""
    friend = word in phrases.false_friends
    return frozenset(alt for alt in phrases.by_letter.get(word[0], ()) if _like(alt, word, friend))


def _like(alt: str, word: str, friend: bool = False) -> bool:
    """Exact, by prefix for "x*", or a typo: 1 edit when both words have 5+ letters, 2 at 8+
    ("feaver", "temprature"), and at 4 only two neighbours swapped ("lges"). A typo keeps the first letter,
    and the second too for 2 edits: without that, "slipping" would be "stopping" and "impotence" "importance"."""
    if word == alt:
        return True
    if friend or word[0] != alt[0]:
        return False
    if alt[-1] == "*":
        return word.startswith(alt[:-1])
    shorter = min(len(alt), len(word))
    if len(alt) == len(word) == 4 and sorted(alt) == sorted(word):
        return _distance(alt, word, 1) <= 1
    limit = 2 if shorter >= 8 and word[1] == alt[1] else 1 if shorter >= 5 else 0
    return limit > 0 and _distance(alt, word, limit) <= limit


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance where swapping two neighbours counts once ("wieght"); gives up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        before, previous = previous, row
    return previous[-1]
