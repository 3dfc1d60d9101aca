"""The exercise figures: seed/poses.toml covers the library, keeps the body's proportions, animates
smoothly, and draws as braille cells and as SVG."""

from __future__ import annotations

import math
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from stretchtui.core.errors import SeedError
from stretchtui.core.library import default_seed_dir, load_library
from stretchtui.core.pose_draw import BRAILLE_BLANK
from stretchtui.core.poses import (
    BONE_LENGTHS,
    JOINTS,
    Frame,
    Pose,
    bone_length,
    braille,
    frame_at,
    load_poses,
    mirrored,
    svg,
)

SVG = "{http://www.w3.org/2000/svg}"
MOVING = {
    "cat-cow",
    "lower-trunk-rotation",
    "bridge",
    "single-leg-bridge",
    "prone-press-up",
    "seated-sciatic-nerve-glide",
    "pelvic-tilt",
    "partial-crunch",
    "dead-bug",
    "bird-dog",
    "clamshell",
    "sit-to-stand",
    "hip-hinge",
    "neck-rotation",
    "chin-tuck",
    "shoulder-blade-squeeze",
    "wall-angel",
    "four-point-arm-reach",
    "four-point-leg-reach",
    "locust-lift",
    "timed-walk",
}


@pytest.fixture(scope="module")
def poses() -> dict[str, Pose]:
    return load_poses()


def moved(a: Frame, b: Frame) -> float:
    """How far the joint that moved most went between two frames."""
    return max(math.hypot(bx - ax, by - ay) for (ax, ay), (bx, by) in zip(a.points, b.points, strict=True))


def test_every_library_exercise_has_a_pose_and_every_pose_an_exercise(poses: dict[str, Pose]) -> None:
    assert set(poses) == set(load_library().exercises)


def test_every_joint_is_there_and_inside_the_box(poses: dict[str, Pose]) -> None:
    for pose in poses.values():
        assert pose.view in ("side", "front") and 1 <= len(pose.frames) <= 4 and pose.seconds_per_frame >= 0.5
        for frame in pose.frames:
            assert tuple(frame) == JOINTS
            for x, y in frame.values():
                assert 0 <= x <= 100 and 0 <= y <= 60, pose.exercise_id


def test_every_keyframe_keeps_the_bone_lengths(poses: dict[str, Pose]) -> None:
    for pose in poses.values():
        first = pose.frames[0]
        for frame in pose.frames:
            for bone, model in BONE_LENGTHS.items():
                length = bone_length(frame, bone)
                assert abs(length - model) <= 0.25 * model, (pose.exercise_id, bone)
                assert abs(length - bone_length(first, bone)) <= 0.15 * bone_length(first, bone), (
                    pose.exercise_id,
                    bone,
                )


def test_repeated_movements_have_keyframes_that_differ(poses: dict[str, Pose]) -> None:
    for exercise in MOVING:
        pose = poses[exercise]
        assert pose.moving and len(pose.frames) >= 2, exercise
        for a, b in zip(pose.frames, pose.frames[1:], strict=False):
            assert moved(a, b) > 1.0, exercise


def test_frame_at_plays_keyframes_forward_then_back(poses: dict[str, Pose]) -> None:
    pose = poses["sit-to-stand"]  # three keyframes
    step = pose.seconds_per_frame
    first, middle, last = pose.frames
    assert frame_at(pose, 0) == first
    assert moved(frame_at(pose, step), middle) < 1e-9
    assert moved(frame_at(pose, 2 * step), last) < 1e-9
    assert moved(frame_at(pose, 3 * step), middle) < 1e-9  # and back
    assert moved(frame_at(pose, 4 * step), first) < 1e-9
    assert moved(frame_at(pose, 0.5 * step), frame_at(pose, 3.5 * step)) < 1e-9
    halfway = frame_at(pose, 0.5 * step)
    assert halfway["hip"][0] == pytest.approx((first["hip"][0] + middle["hip"][0]) / 2)


def test_frame_at_is_continuous(poses: dict[str, Pose]) -> None:
    for exercise in ("bridge", "cat-cow", "dead-bug", "timed-walk"):
        pose = poses[exercise]
        cycle = 2 * (len(pose.frames) - 1) * pose.seconds_per_frame
        tick = cycle / 400
        previous = frame_at(pose, 0)
        for i in range(1, 801):
            now = frame_at(pose, i * tick)
            assert moved(previous, now) < 1.0, (exercise, i)
            previous = now


def test_a_held_stretch_stands_still(poses: dict[str, Pose]) -> None:
    pose = poses["childs-pose"]
    assert not pose.moving
    assert frame_at(pose, 0) == frame_at(pose, 123.4) == pose.frames[0]


def test_mirrored_turns_the_figure_round_and_back(poses: dict[str, Pose]) -> None:
    frame = poses["calf-stretch"].frames[0]
    other = mirrored(frame)
    assert other != frame and other.flipped
    assert other["head"] == pytest.approx((100 - frame["head"][0], frame["head"][1]))
    assert mirrored(other) == frame


@pytest.mark.parametrize(("cols", "rows"), [(30, 10), (1, 1), (7, 3), (80, 24), (12, 20)])
def test_braille_fills_exactly_the_cells_asked_for(poses: dict[str, Pose], cols: int, rows: int) -> None:
    lines = braille(poses["bridge"].frames[1], ("floor",), cols, rows)
    assert len(lines) == rows and all(len(line) == cols for line in lines)
    text = "".join(lines)
    assert all(c == BRAILLE_BLANK or 0x2801 <= ord(c) <= 0x28FF for c in text)
    assert text.strip()


def test_braille_draws_the_pose_and_its_props(poses: dict[str, Pose]) -> None:
    lying = braille(poses["bridge"].frames[0], (), 30, 10)
    standing = braille(poses["hip-hinge"].frames[0], (), 30, 10)
    assert lying != standing
    assert not "".join(lying[:6]).strip()  # a lying figure keeps to the bottom rows
    assert "".join(standing[:3]).strip()  # a standing one reaches the top
    with_floor = braille(poses["bridge"].frames[0], ("floor",), 30, 10)
    assert with_floor[-1].count(BRAILLE_BLANK) == 0 and lying[-1].count(BRAILLE_BLANK) > 0
    seated = poses["chin-tuck"].frames[0]
    assert braille(mirrored(seated), ("chair",), 30, 10) != braille(seated, ("chair",), 30, 10)


def test_svg_is_a_standalone_drawing_with_an_escaped_title(poses: dict[str, Pose]) -> None:
    text = svg(poses["bridge"].frames[1], ("floor",), title='Bridge <&> "hips"', stroke='"red"')
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg" and root.get("viewBox") == "0 0 100 60"
    assert root.get("width") == "200" and root.get("height") == "120"
    assert root.findtext(SVG + "title") == 'Bridge <&> "hips"'
    assert "&lt;&amp;&gt;" in text
    assert len(root.findall(f".//{SVG}circle")) == 1
    assert len(root.findall(f".//{SVG}line")) + len(root.findall(f".//{SVG}polyline")) >= 6
    assert ET.fromstring(svg(poses["plank"].frames[0], ())).find(SVG + "title") is None


def _dump(data: dict[str, Any]) -> str:
    """poses.toml written back (tomllib only reads): [[pose]] tables with [[pose.frame]] joints."""
    lines = []
    for entry in data["pose"]:
        lines.append("[[pose]]")
        for key, value in entry.items():
            if key != "frame":
                lines.append(f"{key} = {value!r}".replace("'", '"'))
        for frame in entry["frame"]:
            lines.append("[[pose.frame]]")
            lines.extend(f"{joint} = {list(point)!r}".replace("'", '"') for joint, point in frame.items())
    return "\n".join(lines) + "\n"


def _broken(tmp_path: Path, exercise: str, frame: int, change: dict[str, Any]) -> SeedError:
    seed = tmp_path / "seed"
    shutil.copytree(default_seed_dir(), seed)
    data = tomllib.loads((seed / "poses.toml").read_text(encoding="utf-8"))
    entry = next(e for e in data["pose"] if e["exercise"] == exercise)
    for joint, point in change.items():
        if point is None:
            del entry["frame"][frame][joint]
        else:
            entry["frame"][frame][joint] = point
    (seed / "poses.toml").write_text(_dump(data), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_poses(seed)
    return caught.value


def test_the_real_file_survives_a_round_trip(tmp_path: Path) -> None:
    shutil.copytree(default_seed_dir(), tmp_path / "seed")
    data = tomllib.loads((tmp_path / "seed" / "poses.toml").read_text(encoding="utf-8"))
    (tmp_path / "seed" / "poses.toml").write_text(_dump(data), encoding="utf-8")
    assert load_poses(tmp_path / "seed") == load_poses()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"toe2": None}, "frame[2].toe2", "missing"),
        ({"tail": [1.0, 1.0]}, "frame[2].tail", "unknown joint"),
        ({"hip": [50.0, 75.0]}, "frame[2].hip", "outside the box"),
        ({"hip": [50.0, "up"]}, "frame[2].hip", "expected [x, y]"),
    ],
)
def test_a_broken_joint_is_named(tmp_path: Path, change: dict[str, Any], field: str, words: str) -> None:
    error = _broken(tmp_path, "bridge", 1, change)
    assert (error.file, error.entry, error.field) == ("poses.toml", "bridge", field)
    assert words in error.message


def test_a_stretched_bone_is_named(tmp_path: Path, poses: dict[str, Pose]) -> None:
    ankle = poses["bridge"].frames[1]["ankle"]
    error = _broken(tmp_path, "bridge", 1, {"toe": [ankle[0] + 5.0, ankle[1]]})  # model 3.5: 43% long
    assert (error.entry, error.field) == ("bridge", "frame[2].ankle-toe")
    assert "the model says 3.5" in error.message


def test_a_bone_that_changes_between_keyframes_is_named(tmp_path: Path, poses: dict[str, Pose]) -> None:
    ankle = poses["bridge"].frames[1]["ankle"]
    error = _broken(tmp_path, "bridge", 1, {"toe": [ankle[0] + 4.2, ankle[1]]})  # 20% long: inside the model's 25%
    assert (error.entry, error.field) == ("bridge", "frame[2].ankle-toe")
    assert "in frame[1]" in error.message
