"""The symbols the command line prints, once: a Unicode set, and a plain ASCII set for an output that
cannot carry Unicode (`PYTHONIOENCODING=ascii`, a Latin-1 terminal, a C locale without UTF-8 mode).

The set is chosen per output stream, from its encoding (`glyphs_for`). Text that is not ours (an
exercise name, a note) may hold any character; what the stream cannot encode is written as a
`\\uXXXX` escape (`escape_unencodable`, installed on stdout by the CLI) rather than ending the
command with a UnicodeEncodeError. That is JSON's own escape, so JSON output stays valid JSON.
Files are always written as UTF-8, whatever the locale, with the Unicode set.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from stretchtui.core.can_encode import can_encode as can_encode  # where the rest reaches it


@dataclass(frozen=True)
class Glyphs:
    done: str  # today done (status), a day done (report)
    not_done: str  # today not done yet (status)
    missing: str  # a table cell with no value
    span: str  # between the first and the last day of a week
    separator: str  # between items on one line
    ellipsis: str  # something still going on
    shades: str  # heatmap levels, none to the daily goal, one character each
    no_activity: str  # a heatmap day with nothing done, one character

    def heat(self, cells: str) -> str:
        """Heatmap cells written with UNICODE's shades, in this set's."""
        return cells.translate(_heat_table(self))

    def prose(self, text: str) -> str:
        """A line put together elsewhere with Unicode punctuation (an entry's summary), in this set:
        UNICODE's separator becomes this one, and typographic characters plain stand-ins. Only for
        showing; other characters are left to the output's escapes, and data (JSON) is never changed."""
        if self == UNICODE:
            return text
        return text.replace(UNICODE.separator, self.separator).translate(PLAIN_PUNCTUATION)


UNICODE = Glyphs(
    done="✓", not_done="·", missing="–", span=" – ", separator=" · ", ellipsis="…", shades=" ░▒▓█", no_activity="·"
)
ASCII = Glyphs(
    done="ok", not_done="--", missing="-", span=" to ", separator="; ", ellipsis="...", shades=" :+*#", no_activity="."
)

# Typographic characters and their plain stand-ins, for Glyphs.prose.
PLAIN_PUNCTUATION = str.maketrans(
    {
        "·": "-",
        "–": "-",
        "—": "-",
        "…": "...",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "→": "->",
        "←": "<-",
        "✓": "ok",
        "•": "*",
        "\u00a0": " ",
    }
)


def glyphs_for(encoding: str | None) -> Glyphs:
    """UNICODE if `encoding` can carry every one of its symbols, else ASCII (all or nothing: a
    Latin-1 terminal has "·" but not "✓", and a mix would read oddly)."""
    return UNICODE if can_encode("".join(astuple(UNICODE)), encoding) else ASCII


def escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: each character the encoding cannot carry becomes `\\uXXXX` (two, a
    surrogate pair, above U+FFFF), as JSON writes it; registered as ESCAPE_ERRORS."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


ESCAPE_ERRORS = "stretchtui-escape"  # the name escape_unencodable is registered under (codecs.register_error)

_HEAT_TABLES: dict[Glyphs, dict[int, int]] = {}


def _heat_table(glyphs: Glyphs) -> dict[int, int]:
    if glyphs not in _HEAT_TABLES:
        _HEAT_TABLES[glyphs] = str.maketrans(UNICODE.shades + UNICODE.no_activity, glyphs.shades + glyphs.no_activity)
    return _HEAT_TABLES[glyphs]
