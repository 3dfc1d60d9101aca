"""Red-flag phrases in a free-text pain note: which safety questions to ask again.

A note never diagnoses anything; a match only makes the app ask its safety questions again, so
when unsure this errs towards matching (a false alarm costs one more look at the questions).
The phrases are data, in `seed/red_flags.toml` (its schema is documented at its top). Matching is
tolerant of how people really write: case, curly or missing apostrophes ("cant"), small typos
("numbess", "feaver") and other word orders ("numb legs" / "both my legs are numb"). It ignores
negated mentions ("no fever", "never had cancer") within the same clause.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from stretchtui.core.errors import SeedError, shown

FILE = "red_flags.toml"
KEYS = ("both-legs", "saddle", "bladder-bowel", "sexual", "one-leg-weak", "walking", "cancer", "weight-loss",
        "fever", "immune", "steroids-osteoporosis", "trauma", "night", "chest", "worst")
WITHIN = 6
"""Default window, in tokens, that all the words of an `all`/`seq` phrase must fit in."""
NEGATION_REACH = 3
"""A negator at most this many tokens before a matched word, in the same clause, cancels the match."""
NEGATORS = frozenset("no not never without none nothing neither nor nope isnt wasnt arent werent dont doesnt "
                     "didnt hasnt havent hadnt aint".split())
HEDGES = frozenset("sure know idea certain".split())
"""After a negator these make it a doubt, not a denial ("not sure why both legs are numb"): still ask."""
CLAUSE_WORDS = frozenset("but and though although however except".split())
_SEGMENT_BREAKS = frozenset(".!?;\n,:()&")
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[.!?;\n,:()&]")
_WORD = re.compile(r"[a-z0-9]+\*?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


@dataclass(frozen=True)
class Phrase:
    """One phrase entry: each slot lists alternatives ("x*" matches any word starting with x)."""

    key: str
    text: str  # as written in the TOML, for messages and tests
    slots: tuple[frozenset[str], ...]
    ordered: bool
    within: int
    unless: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the per-word cache below
class Phrases:
    entries: tuple[Phrase, ...]
    false_friends: frozenset[str] = frozenset()
    by_letter: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)  # alternatives by first letter

    def __post_init__(self) -> None:
        by_letter: dict[str, set[str]] = {}
        for alt in {alt for entry in self.entries for slot in entry.slots for alt in slot}:
            by_letter.setdefault(alt[0], set()).add(alt)
        object.__setattr__(self, "by_letter", {letter: tuple(alts) for letter, alts in by_letter.items()})


# --- loading -------------------------------------------------------------------------------------

def parse_phrases(data: Mapping[str, Any], file: str = FILE) -> Phrases:
    """Validate parsed TOML data; raise SeedError naming the file, the flag key and the field."""
    if extra := sorted(set(data) - {"false_friends", "flag"}):
        raise SeedError(file, "", extra[0], "unknown field")
    friends = data.get("false_friends", [])
    if not isinstance(friends, list) or not all(isinstance(w, str) and re.fullmatch(r"[a-z]+", w) for w in friends):
        raise SeedError(file, "", "false_friends", "expected a list of lowercase words")
    flags = data.get("flag")
    if not isinstance(flags, list) or not flags or not all(isinstance(flag, dict) for flag in flags):
        raise SeedError(file, "", "flag", "expected one or more [[flag]] tables")
    entries: list[Phrase] = []
    seen: set[str] = set()
    for index, flag in enumerate(flags):
        key = flag.get("key")
        name = key if isinstance(key, str) and key else f"#{index + 1}"
        if extra := sorted(set(flag) - {"key", "phrases"}):
            raise SeedError(file, name, extra[0], "unknown field")
        if key not in KEYS:
            raise SeedError(file, name, "key", f"{shown(key)} is not one of: {', '.join(KEYS)}")
        if key in seen:
            raise SeedError(file, name, "key", "is used twice")
        seen.add(key)
        items = flag.get("phrases")
        if not isinstance(items, list) or not items:
            raise SeedError(file, name, "phrases", "expected a non-empty list")
        entries += (_phrase(key, item, file, f"phrases[{n}]") for n, item in enumerate(items))
    return Phrases(tuple(entries), frozenset(friends))


def _phrase(key: str, item: object, file: str, field: str) -> Phrase:
    """One entry: a string (words in this order, next to each other) or {all|seq = [...], within, unless}."""
    def bad(message: str) -> SeedError:
        return SeedError(file, key, field, message)

    if isinstance(item, str):
        words, ordered, within, unless = item.split(), True, None, []
    elif isinstance(item, dict):
        kinds = [kind for kind in ("all", "seq") if kind in item]
        if len(kinds) != 1 or (extra := set(item) - {kinds[0], "within", "unless"}):
            raise bad('expected exactly one of "all" or "seq", and optional "within" and "unless"')
        words, ordered = item[kinds[0]], kinds[0] == "seq"
        within, unless = item.get("within", WITHIN), item.get("unless", [])
    else:
        raise bad(f"expected a string or an inline table, not {shown(item)}")
    for part, values in (("words", words), ("unless", unless)):
        if not isinstance(values, list) or not all(isinstance(w, str) and w for w in values) or (part == "words" and not values):
            raise bad(f"{part}: expected a list of words")
        if bad_words := [alt for w in values for alt in w.split("|") if not _WORD.fullmatch(alt)]:
            raise bad(f"{shown(bad_words[0])}: write lowercase letters or digits, no apostrophes, optionally ending in *")
    within = len(words) if within is None else within
    if isinstance(within, bool) or not isinstance(within, int) or not len(words) <= within <= 20:
        raise bad(f"within: expected a whole number from {len(words)} to 20")
    text = item if isinstance(item, str) else ("seq: " if ordered else "all: ") + " ".join(words)
    return Phrase(key, text, tuple(frozenset(w.split("|")) for w in words), ordered, within, frozenset(unless))


def load_phrases(seed_dir: Path | None = None) -> Phrases:
    """The phrases in `seed_dir/red_flags.toml`; the default seed dir's are read once and kept."""
    return _default_phrases() if seed_dir is None else _read(seed_dir)


@cache
def _default_phrases() -> Phrases:
    from stretchtui.core.library import default_seed_dir  # lazily: importing the library is slow

    return _read(default_seed_dir())


def _read(seed_dir: Path) -> Phrases:
    try:
        with (seed_dir / FILE).open("rb") as handle:
            return parse_phrases(tomllib.load(handle))
    except FileNotFoundError:
        raise SeedError(FILE, "", "", f"file is missing from {seed_dir}") from None
    except tomllib.TOMLDecodeError as error:
        raise SeedError(FILE, "", "", f"not valid TOML ({error})") from None


# --- matching ------------------------------------------------------------------------------------

def note_flags(text: str, *, phrases: Phrases | None = None) -> tuple[str, ...]:
    """The safety-question keys a note points to: sorted, unique; () when none."""
    phrases = phrases or load_phrases()
    found: set[str] = set()
    for words, clauses in _segments(text or ""):
        alts = [_alts(phrases, word) for word in words]
        present = frozenset().union(*alts)
        for phrase in phrases.entries:
            if phrase.key in found or not all(slot & present for slot in phrase.slots):
                continue  # cheap rejection: most phrases share no word with a note
            hits = [[i for i, a in enumerate(alts) if a & slot] for slot in phrase.slots]
            if any(_holds(phrase, picked, words, clauses) for picked in _windows(phrase, hits)):
                found.add(phrase.key)
    return tuple(sorted(found))


def note_mentions_red_flag(text: str, *, phrases: Phrases | None = None) -> bool:
    """Whether a note mentions any warning sign, so the safety questions are asked again."""
    return bool(note_flags(text, phrases=phrases))


def _segments(text: str) -> Iterator[tuple[list[str], list[int]]]:
    """Normalised words per segment (split at punctuation), each with its clause number.

    Phrases match inside a segment; negation and `unless` look only inside a clause, which
    also ends at "but", "and" and the like ("no fever but both legs numb").
    """
    text = text.casefold().translate(_APOSTROPHES)
    text = re.sub(r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will", text)  # so "I'll" is not "ill"
    text = re.sub(r"\bcan ?not\b", "cant", text).replace("'", "")
    words: list[str] = []
    clauses: list[int] = []
    clause = 0
    for token in [*_TOKEN.findall(text), "."]:
        if token in _SEGMENT_BREAKS:
            if words:
                yield words, clauses
            words, clauses, clause = [], [], clause + 1
        else:
            clause += token in CLAUSE_WORDS
            words.append(token)
            clauses.append(clause)


def _windows(phrase: Phrase, hits: list[list[int]]) -> Iterator[list[int]]:
    """Token positions, one per slot, fitting in `within` tokens (in slot order for seq/strings)."""
    for start in hits[0] if phrase.ordered else sorted(set().union(*hits)):
        picked: list[int] = []
        floor = start
        for slot_hits in hits:
            i = bisect_left(slot_hits, floor)
            while i < len(slot_hits) and slot_hits[i] in picked:
                i += 1
            if i == len(slot_hits) or slot_hits[i] >= start + phrase.within:
                break
            picked.append(slot_hits[i])
            floor = slot_hits[i] + 1 if phrase.ordered else start
        else:
            yield picked


def _holds(phrase: Phrase, picked: list[int], words: list[str], clauses: list[int]) -> bool:
    """A window counts unless an `unless` word shares a clause with it or a negator reaches it."""
    touched = {clauses[i] for i in picked}
    if any(clauses[j] in touched and _like_exactly(phrase.unless, word) for j, word in enumerate(words)):
        return False
    for q in picked:
        for p in range(max(0, q - NEGATION_REACH), q):
            hedged = p + 1 < len(words) and words[p + 1] in HEDGES
            if p not in picked and clauses[p] == clauses[q] and words[p] in NEGATORS and not hedged:
                return False
    return True


def _like_exactly(alternatives: frozenset[str], word: str) -> bool:
    return any(word == alt or (alt.endswith("*") and word.startswith(alt[:-1])) for alt in alternatives)


@lru_cache(maxsize=8192)
def _alts(phrases: Phrases, word: str) -> frozenset[str]:
    """The phrase alternatives a word stands for. A typo keeps its first letter (so that is where
    the search starts); a false friend ("skipped" for "slipped") only ever stands for itself."""
    friend = word in phrases.false_friends
    return frozenset(alt for alt in phrases.by_letter.get(word[0], ()) if _like(alt, word, friend))


def _like(alt: str, word: str, friend: bool) -> bool:
    """Exact, by prefix for "x*", or within 1 edit (5+ letters) or 2 edits (8+): "feaver" is "fever"."""
    if word == alt:
        return True
    if friend:
        return False
    if alt.endswith("*"):
        return word.startswith(alt[:-1])
    shorter = min(len(alt), len(word))
    limit = 2 if shorter >= 8 else 1 if shorter >= 5 else 0
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
