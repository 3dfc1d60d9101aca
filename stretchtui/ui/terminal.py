"""The terminal around the app: noticing that it went away without telling us, and giving it back
by hand when the app cannot end by itself."""

from __future__ import annotations

import codecs
import os
import select
import sys
import termios
import unicodedata
from typing import IO, Any

from rich.cells import get_character_cell_size

from stretchtui.core.glyphs import ASCII, UNICODE, can_encode

GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_gone(stream: IO[str] | None) -> bool:
    """True when the terminal behind `stream` has hung up (its pty master closed). A process that
    is not the terminal's session leader gets no SIGHUP then, and Textual's input thread would spin
    on a dead input for ever; polling once costs one system call."""
    fd = _fileno(stream)
    if fd < 0:
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN)  # hang-up and errors are always reported
    return any(mask & GONE for _fd, mask in poller.poll(0))


# What Textual's Linux driver turns on at start, turned off again, as its stop_application_mode
# does: the kitty keyboard protocol, mouse tracking (clicks, any motion, the urxvt, SGR and pixel
# encodings), bracketed paste, focus reports and in-band resize; line wrap back on; the main
# screen; the cursor shown.
GIVE_BACK = (
    "\x1b[<u"
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"
    "\x1b[?2004l\x1b[?1004l\x1b[?2048l\x1b[?7h"
    "\x1b[?1049l\x1b[?25h"
)


def give_terminal_back(modes: list[Any] | None, output_fd: int | None = None, input_fd: int | None = None) -> None:
    """Leave the terminal as the app found it: its termios `modes` from before the app (echo, line
    editing) and the sequences above. Only for when Textual cannot do it itself (the app is stuck
    ending); written straight to the file descriptors, past any buffer. Never raises."""
    output_fd = _fileno(sys.__stderr__) if output_fd is None else output_fd  # where Textual draws
    input_fd = _fileno(sys.__stdin__) if input_fd is None else input_fd
    if modes is not None and input_fd >= 0:
        try:
            termios.tcsetattr(input_fd, termios.TCSANOW, modes)
        except (termios.error, OSError):
            pass
    if output_fd >= 0:
        try:
            os.write(output_fd, GIVE_BACK.encode("ascii"))
        except OSError:
            pass


def _fileno(stream: IO[str] | None) -> int:
    try:
        return stream.fileno() if stream is not None else -1
    except (AttributeError, ValueError, OSError):
        return -1


# ---------------------------------------------------------------------- a terminal without Unicode

ONE_CELL_ERRORS = "stretchtui-one-cell"  # the codec error handler below, by name
DRAWING_SAMPLE = "─│╭✓…"  # what every screen draws: if the terminal cannot take these, it takes none
# One cell each, as the layout needs (core.glyphs.PLAIN_PUNCTUATION is for lines of text: "…" is "...").
STAND_INS = str.maketrans(
    {
        "·": ".",
        "…": ".",
        "–": "-",
        "—": "-",
        "→": ">",
        "←": "<",
        "▶": ">",
        "◀": "<",
        "✓": "*",
        "●": "*",
        "•": "*",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "\u00a0": " ",
        **dict(zip(UNICODE.shades, ASCII.shades, strict=False)),
    }
)  # the heatmap as the CLI writes it


def draw_plainly_if_needed(stream: IO[str] | None = None) -> bool:
    """On a terminal whose encoding cannot carry Unicode (PYTHONIOENCODING=ascii, a Latin-1
    locale), draw each character it cannot take as plain stand-ins as many cells wide (boxes as
    +, - and |, bars as #), not as a six-character escape that would wreck every line of the
    layout. `stream`: where Textual draws (stderr). True when it changed anything."""
    stream = sys.__stderr__ if stream is None else stream
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or can_encode(DRAWING_SAMPLE, getattr(stream, "encoding", None)):
        return False
    codecs.register_error(ONE_CELL_ERRORS, stand_in_for_unencodable)
    try:
        reconfigure(errors=ONE_CELL_ERRORS)
    except (ValueError, OSError):
        return False
    return True


def stand_in_for_unencodable(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: plain ASCII the same number of cells wide for each character."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(stand_in, error.object[error.start : error.end])), error.end


def stand_in(char: str) -> str:
    width = get_character_cell_size(char)
    plain = char.translate(STAND_INS)
    if plain != char:
        return plain * width
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        across = any(word in name for word in ("HORIZONTAL", "LEFT", "RIGHT"))
        down = any(word in name for word in ("VERTICAL", "UP", "DOWN"))
        plain = "+" if across == down else "-" if across else "|"
    elif 0x2580 <= ord(char) <= 0x259F:  # block elements: bars, shades, sparklines
        plain = "#"
    else:
        letters = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()  # é: e
        return letters if len(letters) == width else "?" * width
    return plain * width
