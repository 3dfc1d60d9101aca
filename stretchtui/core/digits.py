"""Reading the digits a person types: a whole number, or a number with one point. Its own module,
with nothing to import, because `stretchtui tick` runs at every shell prompt and reads its --at
with it (core.plain_text, the rule for text, needs `re`: a few milliseconds a prompt)."""

from __future__ import annotations

MAX_DIGITS = 40  # longer than any number stretchtui keeps; Python's int() refuses text past 4300


def whole_number(text: str) -> int | None:
    """The whole number a person typed ('12', ' 12 ', '-3', or digits of another script that
    Python reads as digits), or None when it is not one. Never an exception: `str.isdigit` also
    holds for '²' and '①', which int() refuses with a ValueError, and so does a number of more
    than 4300 digits. The one reading of typed digits (forms, flags, stored marks)."""
    digits = text.strip()
    body = digits.removeprefix("-")
    significant = body.lstrip("0") or "0"  # '007' is 7; int() counts leading zeros towards its limit
    if not body.isdecimal() or len(significant) > MAX_DIGITS:
        return None
    return -int(significant) if digits.startswith("-") else int(significant)


def decimal(text: str) -> float | None:
    """A number a person (or tmux) typed with digits and at most one point ('7', '7.5', '.5',
    '1795249800.25'), or None: not what float() alone takes ('1_0', '+5', '1e1', 'nan', 'inf'), nor
    more than MAX_DIGITS digits (float() reads those as inf, and a message would quote them all)."""
    whole, point, fraction = text.strip().partition(".")
    parts = [part for part in (whole, fraction) if part]
    if not parts or not all(part.isdecimal() for part in parts) or len(whole + fraction) > MAX_DIGITS:
        return None
    return float(f"{whole or 0}.{fraction or 0}")
