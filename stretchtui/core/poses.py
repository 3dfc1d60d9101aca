"""Stick-figure poses for the seeded exercises: joint positions per keyframe, read from
`seed/poses.toml`, played back as a loop and drawn as braille cells or SVG (via `pose_draw`).

The pose box is x 0..100, y 0..60 with y up and the floor at y = 0. A "side" view sees the body's
side (a profile; for a figure lying on its side, from above), a "front" view its front (for a
figure on its back, from above, head on the left). Unsuffixed limbs are the ones nearest the viewer,
or the working side in a front view; "2" limbs are the others.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stretchtui.core.errors import SeedError
from stretchtui.core.library import default_seed_dir
from stretchtui.core.pose_draw import (
    BOX_HEIGHT,
    BOX_WIDTH,
    HEAD_RADIUS,
    PROP_SEGMENTS,
    Point,
    View,
    braille_cells,
    prop_segments,
    svg_document,
)

POSES_FILE = "poses.toml"
_TRUNK = ("head", "neck", "hip")
_LIMB_JOINTS = ("elbow", "hand", "knee", "ankle", "toe")


def _other_limb(joint: str) -> str:
    """The same joint on the other arm or leg ("2"); the trunk's joints are shared."""
    return joint if joint in _TRUNK else f"{joint}2"


JOINTS = (*_TRUNK, *_LIMB_JOINTS, *map(_other_limb, _LIMB_JOINTS))
# Model lengths: the proportions 8, 28, 13, 12, 20, 19, 5 scaled by 0.7, so a standing figure
# (head centre 55, top of the head 59) fits the 60-high box. The other arm and leg are as long.
_LIMB_LENGTHS: dict[tuple[str, str], float] = {
    ("neck", "elbow"): 9.1,
    ("elbow", "hand"): 8.4,
    ("hip", "knee"): 14.0,
    ("knee", "ankle"): 13.3,
    ("ankle", "toe"): 3.5,
}
BONE_LENGTHS: dict[tuple[str, str], float] = {
    ("neck", "head"): 5.6,
    ("neck", "hip"): 19.6,
    **_LIMB_LENGTHS,
    **{(_other_limb(a), _other_limb(b)): length for (a, b), length in _LIMB_LENGTHS.items()},
}
BONES = tuple(BONE_LENGTHS)
MODEL_TOLERANCE = 0.25  # a bone may be foreshortened or stretched this much against the model
FRAME_TOLERANCE = 0.15  # and this much against the same bone in the first keyframe
VIEWS = ("side", "front")
PROPS = tuple(PROP_SEGMENTS)
MAX_FRAMES = 4
MIN_SECONDS_PER_FRAME = 0.5
_FAR_CHAINS = (("neck", "elbow2", "hand2"), ("hip", "knee2", "ankle2", "toe2"))
_NEAR_CHAINS = (("neck", "hip"), ("neck", "elbow", "hand"), ("hip", "knee", "ankle", "toe"))


@dataclass(frozen=True)
class Frame(Mapping[str, Point]):
    """One keyframe: a point per joint (in JOINTS order). `flipped` marks a mirrored figure, so its
    props are mirrored with it."""

    points: tuple[Point, ...]
    flipped: bool = False

    @classmethod
    def of(cls, joints: Mapping[str, Point], flipped: bool = False) -> Frame:
        return cls(tuple((float(joints[j][0]), float(joints[j][1])) for j in JOINTS), flipped)

    def __getitem__(self, joint: str) -> Point:
        return self.points[JOINTS.index(joint)]

    def __iter__(self) -> Iterator[str]:
        return iter(JOINTS)

    def __len__(self) -> int:
        return len(JOINTS)


@dataclass(frozen=True)
class Pose:
    """An exercise's figure: one keyframe for a held stretch, 2-4 for a movement."""

    exercise_id: str
    view: str
    props: tuple[str, ...]
    frames: tuple[Frame, ...]
    seconds_per_frame: float = 1.0

    @property
    def moving(self) -> bool:
        return len(self.frames) > 1


def bone_length(frame: Mapping[str, Point], bone: tuple[str, str]) -> float:
    (ax, ay), (bx, by) = frame[bone[0]], frame[bone[1]]
    return math.hypot(bx - ax, by - ay)


def _fail(entry: str, field: str, message: str) -> SeedError:
    return SeedError(POSES_FILE, entry, field, message)


def _point(value: object, entry: str, field: str) -> Point:
    numbers = isinstance(value, list) and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
    if not isinstance(value, list) or not numbers or len(value) != 2:
        raise _fail(entry, field, f"expected [x, y], got {value!r}")
    x, y = float(value[0]), float(value[1])
    if not (0 <= x <= BOX_WIDTH and 0 <= y <= BOX_HEIGHT):
        raise _fail(entry, field, f"({x:g}, {y:g}) is outside the box x 0..100, y 0..60")
    return x, y


def _frame(table: object, entry: str, number: int, first: Frame | None) -> Frame:
    where = f"frame[{number}]"
    if not isinstance(table, dict):
        raise _fail(entry, where, "expected a [[pose.frame]] table of joints")
    for name in table:
        if name not in JOINTS:
            raise _fail(entry, f"{where}.{name}", f"unknown joint; the joints are {', '.join(JOINTS)}")
    missing = [j for j in JOINTS if j not in table]
    if missing:
        raise _fail(entry, f"{where}.{missing[0]}", "joint is missing")
    frame = Frame.of({j: _point(table[j], entry, f"{where}.{j}") for j in JOINTS})
    for bone, model in BONE_LENGTHS.items():
        length = bone_length(frame, bone)
        field = f"{where}.{bone[0]}-{bone[1]}"
        if abs(length - model) > MODEL_TOLERANCE * model:
            raise _fail(entry, field, f"bone is {length:.1f} long, the model says {model:g} (within 25%)")
        before = bone_length(first, bone) if first else length
        if abs(length - before) > FRAME_TOLERANCE * before:
            raise _fail(entry, field, f"bone is {length:.1f} long but {before:.1f} in frame[1] (within 15%)")
    return frame


def _pose(entry: dict[str, Any], index: int) -> Pose:
    name = entry.get("exercise")
    if not isinstance(name, str) or not name:
        raise _fail(f"#{index + 1}", "exercise", "expected the id of an exercise")
    unknown = set(entry) - {"exercise", "view", "props", "seconds_per_frame", "frame"}
    if unknown:
        raise _fail(name, sorted(unknown)[0], "unknown field")
    view = entry.get("view", "side")
    if view not in VIEWS:
        raise _fail(name, "view", f"expected one of {', '.join(VIEWS)}, got {view!r}")
    props = entry.get("props", [])
    if not isinstance(props, list) or any(p not in PROPS for p in props) or len(set(props)) != len(props):
        raise _fail(name, "props", f"expected distinct names from {', '.join(PROPS)}, got {props!r}")
    seconds = entry.get("seconds_per_frame", 1.0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < MIN_SECONDS_PER_FRAME:
        raise _fail(name, "seconds_per_frame", f"expected a number of at least 0.5, got {seconds!r}")
    tables = entry.get("frame")
    if not isinstance(tables, list) or not 1 <= len(tables) <= MAX_FRAMES:
        raise _fail(name, "frame", f"expected 1 to {MAX_FRAMES} [[pose.frame]] tables")
    frames: list[Frame] = []
    for number, table in enumerate(tables, start=1):
        frames.append(_frame(table, name, number, frames[0] if frames else None))
    return Pose(name, view, tuple(props), tuple(frames), float(seconds))


def load_poses(seed_dir: Path | None = None) -> dict[str, Pose]:
    """Every exercise's pose from `seed_dir/poses.toml`, by exercise id; a SeedError names the
    exercise and the field (a joint, or a bone as `frame[2].hip-knee`) of the first problem."""
    path = (seed_dir or default_seed_dir()) / POSES_FILE
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise _fail("", "", f"file is missing from {path.parent}") from None
    except tomllib.TOMLDecodeError as error:
        raise _fail("", "", f"not valid TOML ({error})") from None
    entries = data.get("pose")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _fail("", "pose", "expected one or more [[pose]] tables")
    poses: dict[str, Pose] = {}
    for index, entry in enumerate(entries):
        pose = _pose(entry, index)
        if pose.exercise_id in poses:
            raise _fail(pose.exercise_id, "exercise", "a second pose for the same exercise")
        poses[pose.exercise_id] = pose
    return poses


def _mix(a: Frame, b: Frame, share: float) -> Frame:
    if share <= 0:
        return a
    if share >= 1:
        return Frame(b.points, a.flipped)
    points = tuple(
        (ax + (bx - ax) * share, ay + (by - ay) * share) for (ax, ay), (bx, by) in zip(a.points, b.points, strict=True)
    )
    return Frame(points, a.flipped)


def frame_at(pose: Pose, t_seconds: float) -> Frame:
    """The figure `t_seconds` into the loop: keyframe to keyframe in `seconds_per_frame` each,
    forward then back (ping-pong), so a movement returns to its start without a jump."""
    steps = len(pose.frames) - 1
    if steps == 0:
        return pose.frames[0]
    position = (t_seconds / pose.seconds_per_frame) % (2 * steps)
    if position > steps:
        position = 2 * steps - position
    index = min(int(position), steps - 1)
    return _mix(pose.frames[index], pose.frames[index + 1], position - index)


HOLD_FRAME_SECONDS = 2.0
"""Outside paced reps, a moving figure shows each keyframe this long."""


def keyframe_step(pose: Pose, elapsed: float, seconds_per_rep: float = 0.0) -> int:
    """Which step of its back-and-forth a moving figure shows `elapsed` seconds into a move: one
    whole back-and-forth per rep at the rep's pace, else a keyframe every HOLD_FRAME_SECONDS. Whole
    steps only, so the picture changes a few times a rep (at most twice a second), not every frame."""
    if not pose.moving:
        return 0
    cycle = 2 * (len(pose.frames) - 1)
    if seconds_per_rep > 0:
        return int((elapsed % seconds_per_rep) / seconds_per_rep * cycle) % cycle
    return int(elapsed // HOLD_FRAME_SECONDS) % cycle


def mirrored(frame: Frame) -> Frame:
    """The figure for the other side of a two-sided exercise: x -> 100 - x, props flipped too."""
    return Frame(tuple((BOX_WIDTH - x, y) for x, y in frame.points), not frame.flipped)


def _chains(frame: Frame, chains: Iterable[tuple[str, ...]]) -> list[list[Point]]:
    return [[frame[joint] for joint in chain] for chain in chains]


def _neck_to_head(frame: Frame) -> list[Point]:
    """The neck line stops at the head's circle (it would otherwise cross the face)."""
    (nx, ny), (hx, hy) = frame["neck"], frame["head"]
    share = max(0.0, 1 - HEAD_RADIUS / max(math.hypot(hx - nx, hy - ny), 1e-9))
    return [(nx, ny), (nx + (hx - nx) * share, ny + (hy - ny) * share)]


def braille(frame: Frame, props: Iterable[str], cols: int, rows: int, view: View | None = None) -> list[str]:
    """The figure as exactly `rows` strings of `cols` characters: braille dots, spaces where blank.
    `view` (see `extent`) shows only that part of the box, larger."""
    strokes = [
        (points[i], points[i + 1])
        for points in _chains(frame, _NEAR_CHAINS + _FAR_CHAINS) + [_neck_to_head(frame)]
        for i in range(len(points) - 1)
    ]
    return braille_cells(strokes, [(frame["head"], HEAD_RADIUS)], cols, rows, prop_segments(props, frame.flipped), view)


def extent(pose: Pose, flipped: bool = False, margin: float = HEAD_RADIUS + 2) -> View:
    """The part of the box that every frame of `pose` (mirrored when `flipped`) and its props other
    than the floor fall in, with `margin` around, and always down to the floor: a figure lying down
    fills its picture instead of a strip along the bottom of it."""
    frames = [mirrored(f) if flipped else f for f in pose.frames]
    xs = [x for frame in frames for x, _ in frame.points]
    ys = [y for frame in frames for _, y in frame.points]
    for a, b in prop_segments([p for p in pose.props if p != "floor"], flipped):
        xs += [a[0], b[0]]
        ys += [a[1], b[1]]
    return (
        max(0.0, min(xs) - margin),
        0.0,
        min(BOX_WIDTH, max(xs) + margin),
        min(BOX_HEIGHT, max(ys) + margin),
    )


def svg(
    frame: Frame,
    props: Iterable[str],
    width: int = 200,
    height: int = 120,
    stroke: str = "currentColor",
    title: str = "",
    view: View | None = None,
) -> str:
    """The figure as a standalone <svg> element (viewBox 0 0 100 60, or `view` of it, y flipped
    up), `title` as its <title> for screen readers; text is escaped."""
    near = _chains(frame, _NEAR_CHAINS) + [_neck_to_head(frame)]
    far = _chains(frame, _FAR_CHAINS)
    segments = prop_segments(props, frame.flipped)
    return svg_document(near, far, frame["head"], segments, width, height, stroke, title, view)
