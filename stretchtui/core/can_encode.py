"""One test, in a module of its own because `stretchtui status` needs it before anything else."""

from __future__ import annotations


def can_encode(text: str, encoding: str | None) -> bool:
    """Whether `encoding` (None: unknown, so no) can carry every character of `text`."""
    if not encoding:
        return False
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
