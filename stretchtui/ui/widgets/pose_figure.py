"""An exercise's figure, drawn from its pose model (core.poses) in braille cells."""

from __future__ import annotations

import threading

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from stretchtui.core import poses

_loaded: dict[str, poses.Pose] | None = None
_loading = threading.Lock()


def all_poses() -> dict[str, poses.Pose]:
    """Every seeded exercise's pose, read once (an own exercise has none). Reading and checking
    the file takes about a tenth of a second: call it from a thread, not the event loop."""
    global _loaded
    with _loading:
        if _loaded is None:
            _loaded = poses.load_poses()
    return _loaded


def loaded_poses() -> dict[str, poses.Pose]:
    """The poses if they have been read, else none yet (the widgets read them in a thread)."""
    return _loaded or {}


class PoseFigure(Widget):
    """The figure of `exercise_id` at `step` of its movement, mirrored for the `right` side.

    A held stretch is one frame and never redraws; a moving one shows the keyframe its step says
    (the session sets it from its clock and the rep's pace: core.poses.keyframe_step). The picture is cut to
    the part of the box the figure uses (core.poses.extent), so a figure lying down is as wide as
    the room allows. Nothing is shown for an exercise without a pose."""

    DEFAULT_CSS = """
    PoseFigure {
        width: 1fr;
        height: 1fr;
        color: $text-primary;
        content-align: center bottom;
    }
    PoseFigure.-none {
        display: none;
    }
    """

    exercise_id: reactive[str] = reactive("")
    step: reactive[int] = reactive(0, repaint=False)
    """Where in its back-and-forth a moving figure is (core.poses.keyframe_step); a held pose has
    one frame and is not drawn again."""
    right: reactive[bool] = reactive(False)
    """Mirror the figure: the right side of a two-sided move."""
    keyframes: reactive[bool] = reactive(False)
    """Show a moving pose's keyframes side by side (a still picture of the movement, for the
    library) instead of the one frame `seconds` gives."""

    @property
    def pose(self) -> poses.Pose | None:
        """The exercise's pose, once the poses are read (class -none hides the widget until then,
        and for an own exercise, which has none)."""
        return loaded_poses().get(self.exercise_id)

    def on_mount(self) -> None:
        if _loaded is None:
            self.run_worker(self._read_poses, thread=True, group="poses")
        self._show_or_hide()

    def _read_poses(self) -> None:
        all_poses()
        self.app.call_from_thread(self._show_or_hide)

    def watch_exercise_id(self) -> None:
        self._show_or_hide()

    def _show_or_hide(self) -> None:
        self.set_class(self.pose is None, "-none")
        self.refresh()

    def step_at(self, elapsed: float, seconds_per_rep: float = 0.0) -> int:
        """The step of a moving figure `elapsed` seconds into a move (core.poses.keyframe_step)."""
        pose = self.pose
        return poses.keyframe_step(pose, elapsed, seconds_per_rep) if pose is not None else 0

    def watch_step(self, before: int, now: int) -> None:
        """A held pose looks the same at any step: only a moving one is drawn again."""
        pose = self.pose
        if pose is None or not pose.moving:
            return
        self.refresh()

    def render(self) -> Content:
        pose = self.pose
        width, height = self.size.width, self.size.height
        if pose is None or width < 4 or height < 2:
            return Content("")
        view = poses.extent(pose, flipped=self.right)
        frames = (
            list(pose.frames)
            if self.keyframes and pose.moving
            else [poses.frame_at(pose, self.step * pose.seconds_per_frame)]
        )
        if self.right:
            frames = [poses.mirrored(f) for f in frames]
        gap = " → "
        each = (width - len(gap) * (len(frames) - 1)) // len(frames)
        if each < 4:
            frames, each = frames[:1], width
        # As many rows as the figure's shape needs at this width (dots are about square), no more.
        wanted = max(2, round(each * 2 * (view[3] - view[1]) / (view[2] - view[0]) / 4) + 1)
        rows = min(height, wanted)
        pictures = [poses.braille(frame, pose.props, each, rows, view) for frame in frames]
        lines = [
            (gap if row == rows // 2 else " " * len(gap)).join(picture[row] for picture in pictures)
            for row in range(rows)
        ]
        return Content("\n".join(lines))
