"""Drawing primitives for the pose figures: line segments and circles in the 100 x 60 pose box,
turned into braille cells for the terminal or an SVG element for the web.

Kept apart from `poses` (the model, loader and animation) so each stays short; this module knows
nothing of joints, only of segments, circles and the props' fixed geometry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

BOX_WIDTH = 100.0
BOX_HEIGHT = 60.0
HEAD_RADIUS = 4.0

Point = tuple[float, float]
Segment = tuple[Point, Point]
View = tuple[float, float, float, float]  # x0, y0, x1, y1: the part of the box a picture shows
FULL_VIEW: View = (0.0, 0.0, BOX_WIDTH, BOX_HEIGHT)

# Props in box units, drawn where a figure's pose puts its hands, seat or back (the poses are
# authored against these). A flipped figure (the other side) gets them mirrored too.
PROP_SEGMENTS: dict[str, tuple[Segment, ...]] = {
    "floor": (((0.0, 0.0), (100.0, 0.0)),),
    # faces right: back post on the left, seat 15 high (a seated hip joint sits at y = 17)
    "chair": (
        ((29.0, 15.0), (45.0, 15.0)),
        ((29.0, 0.0), (29.0, 15.0)),
        ((29.0, 15.0), (27.5, 33.0)),
        ((44.0, 0.0), (44.0, 15.0)),
    ),
    "wall": (((95.0, 0.0), (95.0, 58.0)),),
    # a waist-high table (or desk, counter) on the right
    "table": (((74.0, 30.0), (100.0, 30.0)), ((77.0, 0.0), (77.0, 30.0)), ((98.0, 0.0), (98.0, 30.0))),
}

# Braille dot bits by (column, row) inside a 2 x 4 cell: dots 1, 2, 3, 7 down the left column,
# 4, 5, 6, 8 down the right one.
_DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
BRAILLE_BLANK = " "  # an empty cell is a space, so copied text has no invisible U+2800 runs


def prop_segments(props: Iterable[str], flipped: bool = False) -> list[Segment]:
    """The segments of the named props, mirrored (x -> 100 - x) for a flipped figure."""
    segments = [segment for name in props for segment in PROP_SEGMENTS.get(name, ())]
    if flipped:
        return [((BOX_WIDTH - a[0], a[1]), (BOX_WIDTH - b[0], b[1])) for a, b in segments]
    return segments


class _DotGrid:
    """A grid of cols*2 x rows*4 dots, with the pose box (or the `view` of it) fitted in, centred
    across and standing on the bottom (dots are about square in a terminal, so one scale serves
    both axes)."""

    def __init__(self, cols: int, rows: int, view: View | None = None) -> None:
        self.width, self.height = cols * 2, rows * 4
        x0, y0, x1, y1 = view or FULL_VIEW
        self.view = (x0, y0, x1, y1)
        self.scale = min(self.width / (x1 - x0), self.height / (y1 - y0))
        self.left = (self.width - (x1 - x0) * self.scale) / 2
        self.top = self.height - (y1 - y0) * self.scale  # on the bottom: the floor is the picture's foot
        self.dots: set[tuple[int, int]] = set()

    def to_dots(self, point: Point) -> tuple[float, float]:
        """A box point as dot coordinates (y down), fractional."""
        x, y = point
        x0, _, _, y1 = self.view
        return self.left + (x - x0) * self.scale, self.top + (y1 - y) * self.scale

    def plot(self, x: int, y: int) -> None:
        # The box's far edges (x = 100, y = 0) land one past the last dot: clamp them in.
        x = min(max(x, 0), self.width - 1)
        y = min(max(y, 0), self.height - 1)
        self.dots.add((x, y))

    def line(self, a: Point, b: Point, thick: bool) -> None:
        """Bresenham between the rounded ends; a thick line repeats one dot across its run."""
        (ax, ay), (bx, by) = self.to_dots(a), self.to_dots(b)
        x0, y0, x1, y1 = math.floor(ax), math.floor(ay), math.floor(bx), math.floor(by)
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x1 >= x0 else -1), (1 if y1 >= y0 else -1)
        err = dx + dy
        steep = -dy > dx
        while True:
            self.plot(x0, y0)
            if thick:
                self.plot(x0 + steep, y0 + (not steep))
            if x0 == x1 and y0 == y1:
                return
            twice = 2 * err
            if twice >= dy:
                err += dy
                x0 += sx
            if twice <= dx:
                err += dx
                y0 += sy

    def circle(self, centre: Point, radius: float) -> None:
        """A ring of dots; too small to be a ring, a solid blob."""
        cx, cy = self.to_dots(centre)
        r = radius * self.scale
        if r < 1.2:
            for x in (math.floor(cx - 0.5), math.floor(cx + 0.5)):
                for y in (math.floor(cy - 0.5), math.floor(cy + 0.5)):
                    self.plot(x, y)
            return
        steps = max(12, math.ceil(2 * math.pi * r * 2))
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            self.plot(math.floor(cx + r * math.cos(angle)), math.floor(cy + r * math.sin(angle)))

    def cells(self, cols: int, rows: int) -> list[str]:
        bits = [[0] * cols for _ in range(rows)]
        for x, y in self.dots:
            bits[y // 4][x // 2] |= _DOT_BITS[x % 2][y % 4]
        return ["".join(chr(0x2800 + b) if b else BRAILLE_BLANK for b in row) for row in bits]


def braille_cells(
    strokes: Sequence[Segment],
    circles: Sequence[tuple[Point, float]],
    cols: int,
    rows: int,
    props: Sequence[Segment] = (),
    view: View | None = None,
) -> list[str]:
    """`rows` strings of `cols` braille characters (blank cells are spaces) drawing the segments
    and circles, the 100 x 60 box scaled to fit. Once the picture is big enough that one-dot lines
    look faint, the figure's lines get a second dot; props stay thin, so the figure stands out."""
    if cols < 1 or rows < 1:
        raise ValueError(f"a braille picture needs at least one cell, got {cols} x {rows}")
    grid = _DotGrid(cols, rows, view)
    thick = grid.scale >= 1.2
    for a, b in props:
        grid.line(a, b, thick=False)
    for a, b in strokes:
        grid.line(a, b, thick)
    for centre, radius in circles:
        grid.circle(centre, radius)
    return grid.cells(cols, rows)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _polyline(points: Sequence[Point], extra: str = "") -> str:
    if len(points) == 2:
        (x1, y1), (x2, y2) = points
        return f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}"{extra}/>'
    joined = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
    return f'<polyline points="{joined}"{extra}/>'


def svg_document(
    near: Sequence[Sequence[Point]],
    far: Sequence[Sequence[Point]],
    head: Point,
    props: Sequence[Segment],
    width: int,
    height: int,
    stroke: str,
    title: str,
    view: View | None = None,
) -> str:
    """A standalone <svg> of the figure: far limbs fainter than near ones, props thin and light.
    Drawn in box units with y flipped, so the numbers match the pose file; `view` shows that part
    of the box, standing on the picture's bottom edge."""
    x0, y0, x1, y1 = view or FULL_VIEW
    box = f"{_number(x0)} {_number(BOX_HEIGHT - y1)} {_number(x1 - x0)} {_number(y1 - y0)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="{box}" preserveAspectRatio="xMidYMax meet" role="img">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append(
        f'<g transform="matrix(1 0 0 -1 0 {_number(BOX_HEIGHT)})" fill="none" stroke={quoteattr(stroke)} '
        'stroke-linecap="round" stroke-linejoin="round">'
    )
    if props:
        parts.append('<g stroke-width="1.2" stroke-opacity="0.4">')
        parts.extend(_polyline(segment) for segment in props)
        parts.append("</g>")
    parts.append('<g stroke-width="2.5">')
    parts.extend(_polyline(points, ' stroke-opacity="0.55"') for points in far)
    parts.extend(_polyline(points) for points in near)
    parts.append(f'<circle cx="{_number(head[0])}" cy="{_number(head[1])}" r="{_number(HEAD_RADIUS)}"/>')
    parts.append("</g></g></svg>")
    return "".join(parts)
