"""The red-flag phrase file (`seed/red_flags.toml`, schema at its top): its keys, its words and
the checks that turn it into Phrases for core.note_flags, which matches them in a note. A file
that does not hold gives one SeedError naming the flag and the field."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NamedTuple

from stretchtui.core.errors import SeedError, shown

FILE = "red_flags.toml"
KEYS = (
    "both-legs",
    "saddle",
    "bladder-bowel",
    "sexual",
    "one-leg-weak",
    "walking",
    "cancer",
    "weight-loss",
    "fever",
    "immune",
    "steroids-osteoporosis",
    "trauma",
    "night",
    "chest",
    "worst",
)
WITHIN = 6  # default window, in words, for an `all` or `seq` phrase
_WORD = r"[a-z0-9]+\*?(?:\|[a-z0-9]+\*?)*"  # one word and its alternatives: "numb*|tingly"
_WORDS = re.compile(f"(?:{_WORD}(?: {_WORD})*)?")


class Phrase(NamedTuple):
    key: str
    text: str  # as written in the TOML, for messages and tests
    slots: tuple[frozenset[str], ...]  # each word's alternatives; "x*" is any word starting with x
    ordered: bool
    within: int
    unless: frozenset[str] = frozenset()
    unless_note: tuple[Phrase, ...] = ()  # not a match if one of these holds anywhere in the note


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the per-word cache
class Phrases:
    entries: tuple[Phrase, ...]
    false_friends: frozenset[str] = frozenset()

    @cached_property
    def by_letter(self) -> dict[str, list[str]]:
        """All alternatives by first letter: a typo keeps its first letter, so only these can match."""
        index: dict[str, list[str]] = {}
        every = (phrase for entry in self.entries for phrase in (entry, *entry.unless_note))
        for alt in {alt for phrase in every for slot in phrase.slots for alt in slot}:
            index.setdefault(alt[0], []).append(alt)
        return index


def parse_phrases(data: Mapping[str, Any], file: str = FILE) -> Phrases:
    """Validate parsed TOML data; raise SeedError naming the file, the flag key and the field."""
    if extra := sorted(set(data) - {"false_friends", "flag"}):
        raise SeedError(file, "", extra[0], "unknown field")
    friends = data.get("false_friends", [])
    if not isinstance(friends, list) or not all(isinstance(w, str) and w.isalpha() and w.islower() for w in friends):
        raise SeedError(file, "", "false_friends", "expected a list of lowercase words")
    flags = data.get("flag")
    if not isinstance(flags, list) or not flags or not all(isinstance(flag, dict) for flag in flags):
        raise SeedError(file, "", "flag", "expected one or more [[flag]] tables")
    entries: list[Phrase] = []
    seen: set[object] = set()
    for index, flag in enumerate(flags):
        key = flag.get("key")
        name = key if isinstance(key, str) and key else f"#{index + 1}"
        if extra := sorted(set(flag) - {"key", "phrases"}):
            raise SeedError(file, name, extra[0], "unknown field")
        if key not in KEYS or key in seen:
            raise SeedError(file, name, "key", "is used twice" if key in seen else f"is not one of: {', '.join(KEYS)}")
        seen.add(key)
        items = flag.get("phrases")
        if not isinstance(items, list) or not items:
            raise SeedError(file, name, "phrases", "expected a non-empty list")
        entries += (_phrase(key, item, file, f"phrases[{n}]") for n, item in enumerate(items))
    return Phrases(tuple(entries), frozenset(friends))


def _phrase(key: str, item: object, file: str, where: str, nested: bool = False) -> Phrase:
    """A string (these words, in order, next to each other) or { all|seq = "...", within, unless,
    unless_note }; the entries of an `unless_note` are the same but have no `unless_note` of their own."""

    def bad(message: str) -> SeedError:
        return SeedError(file, key, where, message)

    given_words: object
    given_unless: object
    within: object
    notes: object = []
    fields = {"all", "seq", "within", "unless"} | (set() if nested else {"unless_note"})
    if isinstance(item, str):
        kind, given_words, given_unless, within = "", item, "", None
    elif isinstance(item, dict) and len(item.keys() & {"all", "seq"}) == 1 and item.keys() <= fields:
        kind = "all" if "all" in item else "seq"
        given_words, given_unless = _joined(item[kind]), _joined(item.get("unless", ""))
        within, notes = item.get("within", WITHIN), item.get("unless_note", [])
    else:
        raise bad(f'expected "words" or {{ all|seq = "words", within = N, unless = "words" }}, not {shown(item)}')
    if not isinstance(notes, list):
        raise bad(f"unless_note: expected a list of entries, not {shown(notes)}")

    def checked(part: str, text: object) -> str:
        if not isinstance(text, str) or not (text or part == "unless") or not _WORDS.fullmatch(" ".join(text.split())):
            raise bad(f"{part}: {shown(text)} is not words like a|b|c*: lowercase letters or digits, no apostrophes")
        return text

    words, unless = checked("words", given_words), checked("unless", given_unless)
    slots = tuple(frozenset(word.split("|")) for word in words.split())
    within = len(slots) if within is None else within
    if isinstance(within, bool) or not isinstance(within, int) or not len(slots) <= within <= 20:
        raise bad(f"within: expected a whole number from {len(slots)} to 20")
    others = tuple(_phrase(key, note, file, f"{where}.unless_note[{n}]", nested=True) for n, note in enumerate(notes))
    text = f"{kind}: {words}" if kind else words
    return Phrase(key, text, slots, kind != "all", within, frozenset(unless.split()), others)


def _joined(value: object) -> object:
    """A list of words is the same words in one string: ["both", "legs"] is "both legs"."""
    return " ".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def load_phrases(seed_dir: Path | None = None) -> Phrases:
    """The phrases in `seed_dir/red_flags.toml`; the default seed dir's are read once and kept."""
    if seed_dir is None:
        return _default_phrases()
    try:
        with (seed_dir / FILE).open("rb") as handle:
            return parse_phrases(tomllib.load(handle))
    except FileNotFoundError:
        raise SeedError(FILE, "", "", f"file is missing from {seed_dir}") from None
    except tomllib.TOMLDecodeError as error:
        raise SeedError(FILE, "", "", f"not valid TOML ({error})") from None


@cache
def _default_phrases() -> Phrases:
    from stretchtui.core.library import default_seed_dir  # here: importing the library is slow

    return load_phrases(default_seed_dir())
