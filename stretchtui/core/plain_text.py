"""The one rule for text a person gives (notes, names, command-line arguments, imported text).

Text is one line of Unicode: no control characters (C0 including tab and newline, DEL, C1), no
line or paragraph separators, and no lone surrogates (bytes that were not UTF-8, as Python hands
them over from argv or a JSON `\\udcff` escape; they cannot even be written to the database).
Control characters are refused because a note is shown on a terminal and in reports: ESC or CSI
there would be a command to the terminal, not text.

This module is tiny on purpose: the command-line parser checks every argument with it, and
`stretchtui status` must start fast. `core.validation.text` applies it to every form and import.
"""

from __future__ import annotations

import re

from stretchtui.core.errors import FieldError

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
NAMES = {
    "\x00": "NUL",
    "\t": "tab",
    "\n": "newline",
    "\r": "carriage return",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x9b": "CSI",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


def problem(value: str) -> str | None:
    """What is wrong with `value` under the rule, in words; None when it is fine."""
    found = FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    where = f"at character {found.start() + 1}"
    if "\ud800" <= char <= "\udfff":
        return f"is not valid text: a lone surrogate U+{ord(char):04X} {where} (bytes that are not UTF-8?)"
    name = NAMES.get(char, "a control character")
    return f"holds {name} (U+{ord(char):04X}) {where}; text here is one line without control characters"


def check(value: str, field: str) -> str:
    """`value` if it follows the rule, else a FieldError naming `field`."""
    message = problem(value)
    if message is not None:
        raise FieldError(field, message)
    return value


def printable(value: str) -> str:
    """`value` made safe to show, for text from before the rule or from outside: a line break or
    tab becomes a space, every other character the rule forbids a visible escape (`\\x1b`)."""
    return FORBIDDEN.sub(_shown, value)


def escaped(value: str) -> str:
    """`value` with every character `str.isprintable` refuses shown as a visible escape: for
    names from outside the person's own typing (a sync folder's device names and file names),
    where bidi controls (U+202E) and other format characters could make one name look like
    another. The same rule `sync init --name` holds names to."""
    return "".join(char if char.isprintable() else _escape(char) for char in value)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _shown(found: re.Match[str]) -> str:
    char = found.group()
    if char.isspace():  # tab, newline, carriage return, form feed, U+0085, U+2028, U+2029...
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cut_at_word(text: str, longest: int) -> str:
    """`text` in at most `longest` characters: cut at a word with an ellipsis, never mid-word, so a
    cut never turns one word into another ("made" into "mad"); a single word longer than that is cut."""
    if len(text) <= longest:
        return text
    if longest < 2:
        return "…"[:longest]
    cut = text[: longest - 1]
    if " " in cut and not text[longest - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"
