"""Lessons: short reads about back pain (issue 18), from `seed/lessons.toml`.

The record is defined once here, its fields with msgspec limits and labels as core.model's are, and
checked by core.validation.check_record at load: a broken entry is a SeedError naming the lesson and
the field in one line. Which lessons a program week offers is `unlocked`. The advice on when to get
help that a lesson can carry (`get_help`) is not written in the seed file: it is core.safety's own
wording and thresholds (`get_help_blocks`), so the two can never disagree. Pure: no UI, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.errors import FieldError, SeedError
from stretchtui.core.model import MAX_LIST, MAX_NAME, MAX_TEXT, SLUG_PATTERN, _field, _rule  # noqa: F401

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

FILE = "lessons.toml"
PROGRAM_WEEKS = 6
"""The weeks of the program (built later): a lesson is offered from its `unlock_week`, 1 to this."""
MIN_WORDS, MAX_WORDS = 150, 400
"""A lesson's body is one or two minutes of reading."""
MAX_SUMMARY = 100
ITEM = "- "
"""A body block that starts with this is an item of a list."""
GET_HELP_TITLE = "When to get help"

_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """One lesson. `body`: its paragraphs and list items (an item starts with ITEM), in order."""

    id: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=MAX_NAME)]
    title: Annotated[str, _field("Title", min_length=1, max_length=MAX_NAME)]
    summary: Annotated[str, _field("Summary", min_length=1, max_length=MAX_SUMMARY)]
    unlock_week: Annotated[int, _field("Unlock week", ge=1, le=PROGRAM_WEEKS)]
    sources: Annotated[
        tuple[Annotated[str, _rule(max_length=MAX_TEXT)], ...],
        _field("Source", min_length=1, max_length=MAX_LIST, noun="source"),
    ]
    """Guideline titles (the seed file gives source ids)."""
    get_help: Annotated[bool, _field("When to get help")] = False
    body: Annotated[
        tuple[Annotated[str, _rule(max_length=MAX_TEXT)], ...],
        _field("Body", min_length=2, max_length=3 * MAX_LIST, noun="paragraph"),
    ]

    @property
    def words(self) -> int:
        return word_count(self.body)


def word_count(blocks: Iterable[str]) -> int:
    return sum(len(_WORD.findall(block)) for block in blocks)


def body_blocks(text: Any) -> list[str]:
    """A body as the seed file writes it (paragraphs split by a blank line; a paragraph whose lines
    all start with ITEM is a list, an item a line; other lines are joined) as its blocks."""
    if not isinstance(text, str):
        raise FieldError("body", f"must be text, not {type(text).__name__}")
    blocks: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if lines and lines[0].startswith(ITEM):  # a list: an item, then its continuation lines
            for line in lines:
                if line.startswith(ITEM):
                    blocks.append(line)
                else:
                    blocks[-1] += " " + line
        elif lines:
            blocks.append(" ".join(lines))
    return blocks


def is_item(block: str) -> bool:
    return block.startswith(ITEM)


def item_text(block: str) -> str:
    """A block's words without the list marker."""
    return block.removeprefix(ITEM)


def load_lessons(seed_dir: Path | None = None) -> tuple[Lesson, ...]:
    """The lessons of `seed_dir/lessons.toml` in file order; SeedError names a bad one and its field."""
    from stretchtui.core import validation as v
    from stretchtui.core.library import _entries, _entry_name, _read, default_seed_dir, load_sources

    seed_dir = seed_dir or default_seed_dir()
    titles = {sid: source.title for sid, source in load_sources(seed_dir).items()}

    def sources(value: Any, path: str) -> tuple[str, ...]:
        ids = v.text_list(value, path, min_items=1, noun="source")
        for sid in ids:
            if sid not in titles:
                raise FieldError(path, f"{sid!r} is not a source id in sources.toml")
        return tuple(titles[sid] for sid in ids)

    lessons: dict[str, Lesson] = {}
    for i, entry in enumerate(_entries(_read(seed_dir, FILE), FILE, "lesson")):
        name = _entry_name(entry, i)
        try:
            data = {**entry, "body": body_blocks(entry.get("body"))} if "body" in entry else entry
            lesson = v.check_record(Lesson, data, seed=True, hooks={"sources": sources})
            words = lesson.words
            if not MIN_WORDS <= words <= MAX_WORDS:
                raise FieldError("body", f"has {words} words; a lesson has {MIN_WORDS} to {MAX_WORDS}")
        except FieldError as error:
            raise SeedError(FILE, name, error.field, error.message) from None
        if lesson.id in lessons:
            raise SeedError(FILE, name, "id", "is used twice")
        lessons[lesson.id] = lesson
    return tuple(lessons.values())


def unlocked(lessons: Iterable[Lesson], week: int) -> tuple[Lesson, ...]:
    """The lessons a person in program week `week` (1 is the first) can read: each from its
    `unlock_week` on; none before the program starts (week 0 or less), all after its last week."""
    return tuple(lesson for lesson in lessons if lesson.unlock_week <= week)


def new_in_week(lessons: Iterable[Lesson], week: int) -> tuple[Lesson, ...]:
    """The lessons program week `week` adds to those of the weeks before."""
    return tuple(lesson for lesson in lessons if lesson.unlock_week == week)


def find(lessons: Iterable[Lesson], lesson_id: str) -> Lesson | None:
    return next((lesson for lesson in lessons if lesson.id == lesson_id), None)


def get_help_blocks() -> tuple[str, ...]:
    """When to get help, in core.safety's words and with its thresholds: the questions whose yes
    means care today, the advice for a yes, and when lasting pain is worth a review."""
    from stretchtui.core.persistent_pain import NO_IMPROVEMENT_DAYS, PERSISTENT_DAYS, PERSISTENT_PAIN
    from stretchtui.core.safety import (
        QUESTIONS,
        URGENT_ADVICE,
        Grade,
    )

    return (
        "If the answer to any of these questions is yes:",
        *(ITEM + question.text for question in QUESTIONS if question.grade is Grade.URGENT),
        URGENT_ADVICE[0],
        f"If your pain has been {PERSISTENT_PAIN}/10 or more for {PERSISTENT_DAYS} days, or shows no "
        f"improvement over {NO_IMPROVEMENT_DAYS // 7} weeks, see a clinician, such as your doctor or a "
        "physiotherapist.",
        "The safety questions ask these and a few more: press ! on Today, or run: stretchtui safety.",
    )


def reading_blocks(lesson: Lesson) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a reader shows: the body, then (with `get_help`) the blocks under GET_HELP_TITLE."""
    return lesson.body, get_help_blocks() if lesson.get_help else ()


def read_ids(value: Any) -> frozenset[str]:
    """The ids of the lessons marked read, from the `lessons_read` setting (None: none yet)."""
    return frozenset(value or ())
