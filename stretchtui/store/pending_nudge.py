"""The pending nudge: a few words the daily reminder (`stretchtui remind --send`) leaves for the
status segment (`stretchtui status`) to show until the logical day ends.

One small file beside the database, `<db>.nudge` (0600, replaced whole: a reader never sees half
of it), of two lines: the instant it ends (UNIX seconds) and the text. Reading it is what a status
line can afford every few seconds: one open and one small read, and no import beyond `os` (not
peewee, not even datetime or json). Anything wrong with the file (missing, expired, too big, not
two lines, not printable text) reads as no nudge.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: importing typing costs a status line more than this file's read
if TYPE_CHECKING:
    from datetime import datetime

SUFFIX = ".nudge"
SYNC_SUFFIX = ".sync-note"
"""The same kind of file, left by a sync round (store.sync) for the status segment: what came in
(for half an hour), or that the round failed (until one works)."""
MAX_BYTES = 512
MAX_TEXT = 120

PathLike = str | os.PathLike[str]


def nudge_path(db_path: PathLike, suffix: str = SUFFIX) -> str:
    return f"{os.fspath(db_path)}{suffix}"


def write_pending(db_path: PathLike, text: str, until: datetime, *, suffix: str = SUFFIX) -> None:
    """Leave `text` for the status segment until the instant `until` (aware). ValueError for text
    that is not one short printable line, or a naive `until`."""
    from pathlib import Path

    from stretchtui.store.private_files import write_private

    if until.tzinfo is None:
        raise ValueError("until must be an aware datetime")
    if not _fits(text):
        raise ValueError(f"not a short printable line: {text!r}")
    content = f"{until.timestamp()!r}\n{text}\n"
    write_private(Path(nudge_path(db_path, suffix)), lambda handle: handle.write(content))


def read_pending(db_path: PathLike, now: datetime) -> str | None:
    """The nudge's text while `now` (aware) is before its end; None when there is none."""
    return read_pending_short(db_path, now.timestamp())


def read_pending_short(db_path: PathLike, now: float, suffix: str = SUFFIX) -> str | None:
    """`read_pending` with `now` in UNIX seconds, for the status line's quick path."""
    try:
        fd = os.open(nudge_path(db_path, suffix), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        raw = os.read(fd, MAX_BYTES + 1)
    except OSError:  # a folder, a pipe with no writer
        return None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        return None
    try:
        until_text, text, *rest = raw.decode("utf-8").split("\n")
        until = float(until_text)
    except ValueError:  # not UTF-8, not two lines, not a number
        return None
    if rest != [""] or not until > now or not _fits(text):  # `not >`: a NaN end has passed too
        return None
    return text


def clear_pending(db_path: PathLike, suffix: str = SUFFIX) -> None:
    """No nudge any more (none there is fine)."""
    try:
        os.unlink(nudge_path(db_path, suffix))
    except FileNotFoundError:
        pass


def _fits(text: str) -> bool:
    """One short line of printable text (no control character, no line break)."""
    return 0 < len(text) <= MAX_TEXT and text.isprintable()
