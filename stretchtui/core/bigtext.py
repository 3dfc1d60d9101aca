"""Large numerals for the session timer, readable from the floor two metres away.

A 5x7 pixel font (digits, ':', '/', ' ') drawn with half-block characters, two pixel rows per
text row, at any whole scale: `fit` picks the largest scale that fits a region, so the countdown
grows with the terminal (3 rows at 80x24, most of the screen at 200x50). Pure: no UI.
"""

from __future__ import annotations

from collections.abc import Mapping

GLYPH_WIDTH = 5
GLYPH_HEIGHT = 7
GAP = 1  # blank pixel columns between glyphs

_CHARACTERS = "0123456789:/ "
_DRAWN = """
.###. ..#.. .###. ####. ...#. ##### ..##. ##### .###. .###. ..... ....# .....
#...# .##.. #...# ....# ..##. #.... .#... ....# #...# #...# ..#.. ....# .....
#..## ..#.. ....# ....# .#.#. ####. #.... ...#. #...# #...# ..#.. ...#. .....
#.#.# ..#.. ...#. .###. #..#. ....# ####. ..#.. .###. .#### ..... ..#.. .....
##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....# ..#.. .#... .....
#...# ..#.. .#... ....# ...#. #...# #...# .#... #...# ...#. ..#.. #.... .....
.###. .###. ##### ####. ...#. .###. .###. .#... .###. .##.. ..... #.... .....
"""
"""The font as it looks: the glyphs of _CHARACTERS side by side, '#' a pixel drawn."""
_FONT: Mapping[str, tuple[str, ...]] = {
    ch: tuple(row.split()[index] for row in _DRAWN.strip().splitlines()) for index, ch in enumerate(_CHARACTERS)
}
_NARROW = {":": 3, " ": 3}  # glyphs drawn in fewer columns (their middle ones)

_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def supported(text: str) -> bool:
    return all(ch in _FONT for ch in text)


def _columns(ch: str) -> tuple[int, int]:
    """The pixel columns of `ch` that are drawn: (first, count)."""
    count = _NARROW.get(ch, GLYPH_WIDTH)
    return (GLYPH_WIDTH - count) // 2, count


def pixel_width(text: str) -> int:
    return sum(_columns(ch)[1] for ch in text) + GAP * max(0, len(text) - 1)


def spans(text: str, scale: int) -> list[tuple[int, int]]:
    """Where each character of `text` is drawn at `scale`: (first column, columns), so a change of
    one character can be redrawn alone."""
    found, x = [], 0
    for ch in text:
        width = _columns(ch)[1] * scale
        found.append((x, width))
        x += width + GAP * scale
    return found


def size(text: str, scale: int) -> tuple[int, int]:
    """(columns, rows) of `text` drawn at `scale`."""
    return pixel_width(text) * scale, (GLYPH_HEIGHT * scale + 1) // 2


def render(text: str, scale: int = 1) -> list[str]:
    """`text` as rows of half blocks, each pixel `scale` cells wide and `scale` half-rows tall.
    ValueError for a character the font lacks."""
    if not supported(text):
        raise ValueError(f"no large glyph for {text!r}")
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    pixels: list[list[bool]] = []
    for row in range(GLYPH_HEIGHT):
        line: list[bool] = []
        for i, ch in enumerate(text):
            if i:
                line.extend([False] * GAP)
            first, count = _columns(ch)
            line.extend(cell == "#" for cell in _FONT[ch][row][first : first + count])
        wide = [pixel for pixel in line for _ in range(scale)]
        pixels.extend([wide] * scale)
    if len(pixels) % 2:
        pixels.append([False] * len(pixels[0]))
    return [
        "".join(_HALF[(top, bottom)] for top, bottom in zip(pixels[r], pixels[r + 1], strict=True))
        for r in range(0, len(pixels), 2)
    ]


def fit(text: str, columns: int, rows: int, *, most: int = 12) -> int:
    """The largest scale (at most `most`) at which `text` fits `columns` x `rows`; 0 if even scale
    1 does not (the caller shows plain text instead)."""
    best = 0
    for scale in range(1, most + 1):
        width, height = size(text, scale)
        if width > columns or height > rows:
            break
        best = scale
    return best
