"""Writes seed/poses.toml: every exercise's stick figure, computed from angles so bone lengths are exact.

    .venv/bin/python tools/pose_authoring.py            # write seed/poses.toml and check it loads
    .venv/bin/python tools/pose_authoring.py --show ID  # print each keyframe of ID as braille

Angles are in degrees, 0 = +x (right), 90 = up. `tilt` is how far a bone points out of the picture
(towards or away from the viewer): its drawn length is length * cos(tilt). Lying figures have the
head on the left; standing, seated, kneeling and all-fours figures face right.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stretchtui.core.errors import SeedError  # noqa: E402
from stretchtui.core.poses import BONE_LENGTHS, JOINTS, Frame, braille, load_poses  # noqa: E402

HEAD = BONE_LENGTHS[("neck", "head")]
TRUNK = BONE_LENGTHS[("neck", "hip")]
UPPER = BONE_LENGTHS[("neck", "elbow")]
FORE = BONE_LENGTHS[("elbow", "hand")]
THIGH = BONE_LENGTHS[("hip", "knee")]
SHIN = BONE_LENGTHS[("knee", "ankle")]
FOOT = BONE_LENGTHS[("ankle", "toe")]
ARM = UPPER + FORE

P = tuple[float, float]


def at(p: P, length: float, deg: float, tilt: float = 0.0) -> P:
    r = length * math.cos(math.radians(tilt))
    return (p[0] + r * math.cos(math.radians(deg)), p[1] + r * math.sin(math.radians(deg)))


def lerp(a: P, b: P, share: float) -> P:
    return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)


def dist(a: P, b: P) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def angle(a: P, b: P) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def ik(a: P, la: float, b: P, lb: float, bend: int) -> P:
    """The middle joint of a two-bone chain from a to b; bend +1 puts it left of a->b, -1 right."""
    d = dist(a, b)
    if d > la + lb + 1e-6 or d < abs(la - lb) - 1e-6:
        raise ValueError(f"cannot reach {b} from {a} with {la:.1f} + {lb:.1f} (distance {d:.1f})")
    ux, uy = (b[0] - a[0]) / d, (b[1] - a[1]) / d
    x = (la * la - lb * lb + d * d) / (2 * d)
    h = math.sqrt(max(la * la - x * x, 0.0))
    return (a[0] + x * ux - bend * h * uy, a[1] + x * uy + bend * h * ux)


class Fig(dict[str, P]):
    """A figure being built: joint -> point."""

    def clone(self) -> Fig:
        return Fig(self)

    def arm(self, s: str, upper: float, fore: float, tilt_u: float = 0, tilt_f: float = 0) -> Fig:
        self["elbow" + s] = at(self["neck"], UPPER, upper, tilt_u)
        self["hand" + s] = at(self["elbow" + s], FORE, fore, tilt_f)
        return self

    def arms(self, upper: float, fore: float) -> Fig:
        return self.arm("", upper, fore).arm("2", upper, fore)

    def reach(self, s: str, target: P, bend: int, tilt: float = 0, stretch: float = 1.0) -> Fig:
        """Hand on target (or as near as a nearly straight arm gets). `stretch` lengthens the arm a
        little for a hand that must hold a knee or an ankle: the model's arm (from the neck, with no
        shoulder) is short of a real one."""
        neck = self["neck"]
        upper = UPPER * stretch * math.cos(math.radians(tilt))
        fore = FORE * stretch
        d = dist(neck, target)
        hand = target if d <= (upper + fore) * 0.995 else lerp(neck, target, (upper + fore) * 0.995 / d)
        self["hand" + s] = hand
        self["elbow" + s] = ik(neck, upper, hand, fore, bend)
        return self

    def leg(self, s: str, thigh: float, shin: float, toe: float, tilts: tuple[float, float, float] = (0, 0, 0)) -> Fig:
        self["knee" + s] = at(self["hip"], THIGH, thigh, tilts[0])
        self["ankle" + s] = at(self["knee" + s], SHIN, shin, tilts[1])
        self["toe" + s] = at(self["ankle" + s], FOOT, toe, tilts[2])
        return self

    def legs(self, thigh: float, shin: float, toe: float) -> Fig:
        return self.leg("", thigh, shin, toe).leg("2", thigh, shin, toe)

    def plant(self, s: str, ankle: P, bend: int, toe: float, tilts: tuple[float, float, float] = (0, 0, 0)) -> Fig:
        """Ankle on a given point, knee solved."""
        cos = [math.cos(math.radians(t)) for t in tilts]
        self["ankle" + s] = ankle
        self["knee" + s] = ik(self["hip"], THIGH * cos[0], ankle, SHIN * cos[1], bend)
        self["toe" + s] = at(ankle, FOOT, toe, tilts[2])
        return self

    def plants(self, ankle: P, bend: int, toe: float) -> Fig:
        return self.plant("", ankle, bend, toe).plant("2", ankle, bend, toe)

    def shifted(self, dx: float, dy: float) -> Fig:
        return Fig({j: (x + dx, y + dy) for j, (x, y) in self.items()})


def trunk(hip: P, deg: float, head: float, tilt: float = 0) -> Fig:
    f = Fig(hip=hip)
    f["neck"] = at(hip, TRUNK, deg, tilt)
    f["head"] = at(f["neck"], HEAD, head)
    return f


def from_neck(neck: P, deg_to_hip: float, head: float) -> Fig:
    f = Fig(neck=neck)
    f["hip"] = at(neck, TRUNK, deg_to_hip)
    f["head"] = at(neck, HEAD, head)
    return f


def rolled_knee(hip: P, ankle: P, roll: float) -> P:
    """Seen from above: the knee of a bent leg (hip and ankle on the floor) rolled `roll` degrees
    to the left of hip->ankle (negative: right). 0 is knee straight up, fully foreshortened."""
    d = dist(hip, ankle)
    x = (THIGH**2 - SHIN**2 + d * d) / (2 * d)
    h = math.sqrt(THIGH**2 - x * x)
    ux, uy = (ankle[0] - hip[0]) / d, (ankle[1] - hip[1]) / d
    side = h * math.sin(math.radians(roll))
    return (hip[0] + x * ux - side * uy, hip[1] + x * uy + side * ux)


# ------------------------------------------------------------------------ shared starting shapes

SUPINE_HIP = (52.0, 5.0)


def supine(hip: P = SUPINE_HIP, deg: float = 180, head: float = 174) -> Fig:
    """On the back, side view, knees bent and feet flat, arms by the sides."""
    f = trunk(hip, deg, head)
    f.arms(deg - 183, deg - 182)
    return f.plants((hip[0] + 17.5, 2.5), 1, -12)


def prone(hip: P = (52.0, 4.5), head: float = 186) -> Fig:
    """On the front, side view, legs long, tops of the feet down, arms by the sides."""
    f = trunk(hip, 180, head)
    f.arms(-3, -2)
    return f.legs(-2, 1, -8)


KNEE_4 = (50.5, 2.5)
HAND_4 = (70.0, 1.0)


def all_fours(hip_lift: float = 0.0, head: float = -12) -> Fig:
    """Hands under shoulders, knees under hips, back flat; facing right."""
    neck = (HAND_4[0], HAND_4[1] + ARM)
    hip = at(KNEE_4, THIGH, 90 - hip_lift * 4)
    f = Fig(hip=hip, neck=neck)
    f["hip"] = hip
    f["head"] = at(neck, HEAD, head)
    f.reach("", HAND_4, -1).reach("2", HAND_4, -1)
    for s in ("", "2"):
        f["knee" + s] = KNEE_4
        f["ankle" + s] = at(KNEE_4, SHIN, 181)
        f["toe" + s] = at(f["ankle" + s], FOOT, 186)
    return f


SEAT_HIP = (36.0, 17.0)


def seated(hip: P = SEAT_HIP, deg: float = 90, head: float = 86, ankle: P = (49.5, 2.5)) -> Fig:
    """On the chair, feet flat, hands resting on the thighs; facing right."""
    f = trunk(hip, deg, head)
    f.plants(ankle, 1, -14)
    return f.reach("", lerp(hip, f["knee"], 0.55), -1).reach("2", lerp(hip, f["knee"], 0.55), -1)


def standing(ankle: P = (50.0, 2.5), head: float = 88, soft: float = 0.4) -> Fig:
    """Standing tall, knees soft, arms hanging; facing right."""
    hip = (ankle[0], ankle[1] + THIGH + SHIN - soft)
    f = trunk(hip, 90, head)
    f.plants(ankle, 1, -10)
    return f.arms(-88, -80)


# ------------------------------------------------------------------------ the poses

POSES: list[tuple[str, str, list[str], float, str, list[Fig]]] = []


def pose(
    exercise: str,
    frames: list[Fig],
    comment: str,
    view: str = "side",
    props: tuple[str, ...] = ("floor",),
    spf: float = 0,
) -> None:
    POSES.append((exercise, view, list(props), spf, comment, frames))


def top_view(hip: P = (55.0, 30.0), head: float = 180) -> Fig:
    """On the back seen from above, head on the left, arms wide in a T."""
    f = trunk(hip, 180, head)
    return f.arm("", -90, -90).arm("2", 90, 90)


def knees_rolled(roll: float, head: float) -> Fig:
    f = top_view(head=head)
    hip = f["hip"]
    for s, side in (("", -1.5), ("2", 1.5)):
        ankle = (hip[0] + 17.2, hip[1] + side)
        f["ankle" + s] = ankle
        f["knee" + s] = rolled_knee(hip, ankle, roll)
        f["toe" + s] = at(ankle, FOOT, 0)
    # the knees are pressed together: the upper one sits a little further over
    k = "knee2" if roll > 0 else "knee"
    f[k] = at(f[k], 1.0, 90 if roll > 0 else -90)
    return f


def on_back() -> None:
    pose(
        "lower-trunk-rotation",
        [knees_rolled(50, 200), knees_rolled(-50, 160)],
        "Seen from above, arms wide: both knees sway to one side, then to the other, head turned away.",
        view="front",
        props=(),
        spf=3.0,
    )
    pose(
        "lying-spinal-twist",
        [knees_rolled(78, 205)],
        "Seen from above, arms in a T: both knees lowered to one side, head turned the other way.",
        view="front",
        props=(),
    )
    f = top_view(head=196)
    f.leg("2", 0, 0, 40)  # the other leg long, its foot falling open
    f["knee"] = at(f["hip"], THIGH, 95, 14)
    f["ankle"] = at(f["knee"], SHIN, -42, 12)
    f["toe"] = at(f["ankle"], FOOT, 0)
    f.arm("", -96, -96).reach("2", at(f["knee"], 1.5, 0), -1, stretch=1.2)
    pose(
        "cross-leg-spinal-twist",
        [f],
        "Seen from above: the bent knee carried across the body, the opposite hand reaching for it, the other arm out.",
        view="front",
        props=(),
    )
    frames = []
    for roll in (-30, -50):
        f = top_view(head=196)
        f.leg("2", 0, 0, 40)
        ankle = (f["hip"][0] + 19.0, 28.5)
        f["ankle"], f["knee"], f["toe"] = ankle, rolled_knee(f["hip"], ankle, roll), at(ankle, FOOT, 0)
        frames.append(f)
    pose(
        "bent-knee-fall-out",
        frames,
        "Seen from above, one leg long: the bent knee drifts out to the side and back.",
        view="front",
        props=(),
        spf=2.0,
    )
    up, down = supine((52.0, 6.4), 181.5), supine((52.0, 4.0), 178.5)
    pose("pelvic-tilt", [up, down], "Knees bent: the tailbone rolls up (back flat), then down (small arch).", spf=2.5)

    lying = supine()
    lift = lying.clone()
    neck, ankle = lying["neck"], lying["ankle"]
    knee = ik(ankle, SHIN, neck, TRUNK + THIGH, -1)
    hip = lerp(neck, knee, TRUNK / (TRUNK + THIGH))
    lift.update(hip=hip, knee=knee, knee2=knee)
    pose(
        "bridge", [lying, lift], "Lying with knees bent, then hips lifted into a line from knees to shoulders.", spf=1.5
    )

    lying = supine()
    thigh_deg = angle(lying["hip"], lying["knee2"])
    lying.leg("", thigh_deg, thigh_deg, thigh_deg + 70)
    lift = lying.clone()
    knee = ik(lying["ankle2"], SHIN, neck, TRUNK + THIGH, -1)
    hip = lerp(neck, knee, TRUNK / (TRUNK + THIGH))
    lift.update(hip=hip, knee2=knee)
    line = angle(neck, knee)
    lift.leg("", line, line, line + 70)
    pose(
        "single-leg-bridge",
        [lying, lift],
        "One leg straight in line with the other thigh; the hips lift, that leg staying in line with the body.",
        spf=1.5,
    )

    frames = []
    for deg in (180, 160):
        f = supine(deg=deg, head=deg - 8)
        f.arms(deg - 145, deg - 10)  # arms crossed on the chest
        frames.append(f)
    pose(
        "partial-crunch", frames, "Knees bent, arms crossed: head and shoulders curl just clear of the floor.", spf=2.0
    )

    frames = []
    for near_in in (True, False):
        f = trunk(SUPINE_HIP, 164, 150)
        f.reach("", at(f["head"], 2.0, 180), 1).reach("2", at(f["head"], 2.0, 180), 1)
        bent, long = ("", "2") if near_in else ("2", "")
        f.leg(bent, 115, 25, 40).leg(long, 24, 20, 60)
        frames.append(f)
    pose(
        "bicycle-crunch",
        frames,
        "Fingertips behind the head, feet up: one knee comes in as the other leg reaches long.",
        spf=2.0,
    )

    f = supine()
    f.leg("", 92, 82, 172)
    target = at(lerp(f["hip"], f["knee"], 0.7), 1.0, 180)
    f.reach("", target, 1).reach("2", target, 1)
    pose("hamstring-stretch", [f], "One foot down; the other leg raised toward the ceiling, hands behind the thigh.")

    def hug(f: Fig, legs: tuple[str, ...]) -> Fig:
        for s in legs:
            f.leg(s, 128, -12, 60)
        target = at(f["knee" + legs[0]], 2.0, -60)
        return f.reach("", target, 1).reach("2", target, 1)

    pose(
        "knee-to-chest",
        [hug(supine(), ("",))],
        "One foot down; the other knee drawn toward the chest, hands behind the thigh.",
    )
    pose("double-knee-to-chest", [hug(supine(), ("", "2"))], "Both knees hugged in toward the chest.")

    f = supine()
    ankle = at(lerp(f["hip"], f["knee2"], 0.95), 1.4, 90)
    f.plant("", ankle, -1, 95, (30, 30, 0))
    pose(
        "piriformis-stretch",
        [f],
        "One foot down; the other ankle crossed over that thigh, its knee turned out toward us.",
    )

    f = supine()
    f.leg("", 118, -35, 20)
    f.reach("2", at(f["knee"], 1.5, 90), 1)
    pose(
        "outer-hip-stretch",
        [f],
        "One foot down; the other knee guided across toward the opposite shoulder by one hand.",
    )

    start = trunk(SUPINE_HIP, 180, 174).arms(90, 90).legs(90, 0, 45)
    reach_a = start.clone().arm("", 176, 178).leg("2", 14, -8, 60)
    reach_b = start.clone().arm("2", 176, 178).leg("", 14, -8, 60)
    pose(
        "dead-bug",
        [reach_a, start, reach_b],
        "Arms up, knees over hips: one arm lowers overhead as the opposite leg reaches long, then the other pair.",
        spf=2.5,
    )

    f = supine()
    f.reach("", at(lerp(f["hip"], f["neck"], 0.25), 2.5, 90), -1).reach(
        "2", at(lerp(f["hip"], f["neck"], 0.4), 3.0, 90), -1
    )
    pose("crook-lying-rest", [f], "Lying on the back, knees bent and feet flat, hands resting on the belly.")


def side_lying() -> None:
    # Seen from above: head on the left, the back of the body toward the top of the picture.
    f = trunk((55.0, 24.0), 176, 180)
    f.arm("2", 178, 182)  # the lower arm under the head
    f.leg("2", -16, 4, -20)  # the lower knee bent a little
    f.leg("", -12, 148, 150)  # the top heel drawn toward the buttock
    f.reach("", f["ankle"], 1, stretch=1.2)
    pose(
        "side-lying-quad-stretch",
        [f],
        "Lying on one side, seen from above: the top heel drawn toward the buttock by the top hand.",
        props=(),
    )

    frames = []
    for open_ in (False, True):
        f = trunk((52.0, 32.0), 180, 165 if open_ else 184)
        f.legs(-90, 0, -10).arm("2", -90, -90)
        f.arm("", 92, 96) if open_ else f.arm("", -88, -88)
        frames.append(f)
    pose(
        "open-book",
        frames,
        "Lying on one side, seen from above, knees bent forward: the top arm sweeps from in front to behind, "
        "the eyes following.",
        props=(),
        spf=3.0,
    )

    frames = []
    for lift in (0, 45):
        f = trunk((50.0, 8.0), 177, 172)
        f.arm("2", 188, 70)  # the lower arm under the head
        f.reach("", at(lerp(f["neck"], f["hip"], 0.86), 2.5, 90), 1)  # the top hand on the hip
        f.leg("2", 0, 0, 0, (35, 37, 40))  # thighs come forward toward us, shins back under the body
        forward = THIGH * math.sin(math.radians(35))
        f["knee"] = (
            f["hip"][0] + THIGH * math.cos(math.radians(35)),
            f["hip"][1] + forward * math.sin(math.radians(lift)),
        )
        f["ankle"], f["toe"] = f["ankle2"], f["toe2"]  # feet stay together
        frames.append(f)
    pose(
        "clamshell",
        frames,
        "Lying on one side, seen from the front, hips and knees bent toward us: the top knee lifts and lowers, "
        "feet together.",
        view="front",
        spf=2.0,
    )

    f = Fig(neck=(30.0, 10.6))
    f["elbow"], f["hand"] = (30.0, 1.5), at((30.0, 1.5), FORE, 180, 38)
    ankle = (30.0 + math.sqrt((TRUNK + THIGH + SHIN) ** 2 - 8.1**2), 2.5)
    f["hip"] = lerp(f["neck"], ankle, TRUNK / (TRUNK + THIGH + SHIN))
    f["knee"] = lerp(f["neck"], ankle, (TRUNK + THIGH) / (TRUNK + THIGH + SHIN))
    f["ankle"], f["toe"] = ankle, at(ankle, FOOT, 0, 38)
    f["knee2"], f["ankle2"], f["toe2"] = f["knee"], ankle, f["toe"]
    f["head"] = at(f["neck"], HEAD, angle(f["hip"], f["neck"]))
    f.reach("2", at(lerp(f["neck"], f["hip"], 0.86), 2.0, 90), 1)
    pose(
        "side-plank",
        [f],
        "On one forearm, seen from the front: the body lifted in one straight line from head to feet, "
        "top hand on the hip.",
        view="front",
    )


def on_front() -> None:
    hip = (52.0, 4.5)
    elbow = (33.4, 1.5)
    neck = (elbow[0], elbow[1] + UPPER)
    f = prone(hip)
    f["neck"] = at(hip, TRUNK, angle(hip, neck))
    f["head"] = at(f["neck"], HEAD, 176)
    f["elbow"] = f["elbow2"] = (f["neck"][0], elbow[1])
    f["hand"] = f["hand2"] = at(f["elbow"], FORE, 180)
    pose("sphinx", [f], "Lying on the front, propped on the forearms with elbows under the shoulders, hips heavy.")

    down = prone()
    up = trunk(hip, 167, 172).arms(2, 3)
    up.update({k: v for k, v in down.items() if k in ("knee", "ankle", "toe", "knee2", "ankle2", "toe2")})
    pose(
        "locust-lift",
        [down, up],
        "Lying on the front, arms by the sides: head, chest and arms lift, hands reaching back.",
        spf=1.5,
    )

    down = prone()
    hand = (down["neck"][0] + 2.5, 1.0)
    down.reach("", hand, 1).reach("2", hand, 1)
    neck = ik(hip, TRUNK, hand, ARM * 0.96, -1)
    up = down.clone()
    up.update(neck=neck, head=at(neck, HEAD, 168))
    up.reach("", hand, 1).reach("2", hand, 1)
    pose(
        "prone-press-up",
        [down, up],
        "Lying on the front, palms under the shoulders: the arms straighten to raise the chest, hips staying down.",
        spf=2.5,
    )

    f = prone()
    neck = at(hip, TRUNK, 160)
    f.update(neck=neck, head=at(neck, HEAD, 166))
    hand = (neck[0] + 4.0, 1.0)
    f.reach("", hand, 1).reach("2", hand, 1)
    pose("cobra", [f], "Lying on the front, hands beside the chest: head and chest lifted, elbows bent and tucked in.")

    neck = (28.0, 10.6)
    knee = (neck[0] + math.sqrt((TRUNK + THIGH) ** 2 - 8.1**2), 2.5)
    f = Fig(neck=neck, hip=lerp(neck, knee, TRUNK / (TRUNK + THIGH)), head=at(neck, HEAD, 190))
    f["elbow"] = f["elbow2"] = (neck[0], 1.5)
    f["hand"] = f["hand2"] = at(f["elbow"], FORE, 180)
    for s in ("", "2"):
        f["knee" + s] = knee
        f["ankle" + s] = at(knee, SHIN, 38)
        f["toe" + s] = at(f["ankle" + s], FOOT, 20)
    pose("knee-plank", [f], "On the forearms and knees, feet lifted: one straight line from head to knees.")

    neck = (25.0, 10.6)
    ankle = (neck[0] + math.sqrt((TRUNK + THIGH + SHIN) ** 2 - 7.1**2), 3.5)
    f = Fig(neck=neck, head=at(neck, HEAD, 190))
    f["hip"] = lerp(neck, ankle, TRUNK / (TRUNK + THIGH + SHIN))
    f["elbow"] = f["elbow2"] = (neck[0], 1.5)
    f["hand"] = f["hand2"] = at(f["elbow"], FORE, 180)
    for s in ("", "2"):
        f["knee" + s] = lerp(neck, ankle, (TRUNK + THIGH) / (TRUNK + THIGH + SHIN))
        f["ankle" + s] = ankle
        f["toe" + s] = at(ankle, FOOT, 250)
    pose("plank", [f], "On the forearms and toes: one straight line from head to heels.")


def on_all_fours() -> None:
    cat = all_fours(-0.6, -62)
    cow = all_fours(0.8, 38)
    pose(
        "cat-cow",
        [cat, cow],
        "On hands and knees: chin tucked and tailbone under (cat), then head and tailbone lifted (cow). "
        "One straight line cannot show the curve of the back.",
        spf=4.0,
    )

    tuck = all_fours(-0.5, -60)
    tuck.leg("", -52, 172, 180)
    reach = all_fours()
    reach.leg("", 180, 180, 250)
    pose(
        "knee-to-nose-leg-reach",
        [tuck, reach],
        "On hands and knees: one knee drawn in toward the forehead, then that leg reached straight back at hip height.",
        spf=2.0,
    )

    base = all_fours()
    pose(
        "four-point-arm-reach",
        [base.clone().arm("", 2, 2), base, base.clone().arm("2", 2, 2)],
        "On hands and knees, back flat: one arm reaches forward to shoulder height, then the other.",
        spf=2.5,
    )

    slide = base.clone()
    ankle = (slide["hip"][0] - math.sqrt((THIGH + SHIN - 0.2) ** 2 - (slide["hip"][1] - 3.6) ** 2), 3.6)
    slide.plant("", ankle, -1, 262)
    lift = base.clone().leg("", 180, 180, 250)
    pose(
        "four-point-leg-reach",
        [base, slide, lift],
        "On hands and knees: one foot slides back until the leg is straight, toes down, then lifts to hip height.",
        spf=1.5,
    )

    pose(
        "bird-dog",
        [base.clone().arm("", 2, 2).leg("2", 180, 180, 250), base, base.clone().arm("2", 2, 2).leg("", 180, 180, 250)],
        "On hands and knees: one arm reaches forward as the opposite leg reaches back, then the other pair.",
        spf=2.5,
    )


def kneeling() -> None:
    knee = (58.0, 2.5)
    hip = at(knee, THIGH, 150)
    f = trunk(hip, -10, -30)
    for s in ("", "2"):
        f["knee" + s] = knee
        f["ankle" + s] = at(knee, SHIN, 182)
        f["toe" + s] = at(f["ankle" + s], FOOT, 186)
    f.arms(-14, -2)
    pose("childs-pose", [f], "Kneeling, hips back on the heels, chest over the thighs, arms long and forehead down.")

    knee = (38.0, 2.5)
    hip = at(knee, THIGH, 78)
    f = trunk(hip, 90, 86)
    f["knee"], f["ankle"] = knee, at(knee, SHIN, 180)
    f["toe"] = at(f["ankle"], FOOT, 184)
    f.plant("2", (hip[0] + 16.0, 2.5), 1, -10)
    target = lerp(hip, f["knee2"], 0.3)
    f.reach("", target, -1).reach("2", target, -1)
    pose(
        "hip-flexor-stretch",
        [f],
        "Half-kneeling on the back knee, front foot well forward, trunk upright, hands on the front thigh.",
    )


def on_chair() -> None:
    props = ("floor", "chair")
    f = seated()
    f.reach("", (SEAT_HIP[0] + 1.0, 15.0), -1)
    f.reach("2", at(f["head"], 3.0, 95), 1)
    pose(
        "upper-trapezius-stretch",
        [f],
        "Sitting tall, one hand down by the seat, the other resting on the head (the sideways tilt "
        "is across the picture, so it does not show).",
        props=props,
    )

    frames = []
    for look_down in (True, False):
        f = seated(head=55 if look_down else 112)
        f.leg("", -6, -12, -45 if look_down else 75)
        frames.append(f)
    pose(
        "seated-sciatic-nerve-glide",
        frames,
        "Sitting, one knee straight: toes pointed with the head bowed, then toes pulled back with the head tipped up.",
        props=props,
        spf=2.0,
    )

    feet = (47.5, 2.5)

    def crossed(f: Fig) -> Fig:
        deg = angle(f["hip"], f["neck"])
        return f.arms(deg - 120, deg + 62)

    sit = crossed(seated((37.5, 17.0), ankle=feet))
    lean = crossed(seated((37.5, 17.0), 48, 40, ankle=feet))
    stand = crossed(trunk((48.8, feet[1] + THIGH + SHIN - 0.3), 88, 88))
    stand.plants(feet, 1, -14)
    pose(
        "sit-to-stand",
        [sit, lean, stand],
        "Sitting near the front of the chair, arms crossed: lean forward from the hips, then stand tall "
        "(and back down).",
        props=props,
        spf=1.0,
    )

    pose(
        "chin-tuck",
        [seated(head=72), seated(head=101)],
        "Sitting tall: the head glides straight back into a double chin, then forward again.",
        props=props,
        spf=2.5,
    )
    pose(
        "neck-rotation",
        [seated(head=84), seated(head=97)],
        "Sitting tall: the head turns toward one shoulder and back (from the side, only a small shift shows).",
        props=props,
        spf=3.0,
    )
    pose(
        "shoulder-blade-squeeze",
        [seated().arms(-94, -84), seated().arms(-112, -70)],
        "Sitting tall, arms by the sides: the shoulder blades squeeze back, drawing the elbows back.",
        props=props,
        spf=2.5,
    )

    f = seated(deg=80, head=70)
    ankle = at(lerp(f["hip"], f["knee2"], 0.85), 1.5, 90)
    f.plant("", ankle, 1, 100, (38, 38, 0))
    f.reach("", lerp(f["knee"], f["ankle"], 0.5), -1).reach("2", lerp(f["knee"], f["ankle"], 0.5), -1)
    pose(
        "seated-figure-four",
        [f],
        "Sitting tall: one ankle crossed over the other thigh, that knee turned out toward us, hands on the shin.",
        props=props,
    )

    f = seated(head=80)
    f.arms(-30, 152)
    pose(
        "seated-twist",
        [f],
        "Sitting tall, arms crossed over the chest, turned toward one side (the turn itself does not "
        "show from the side).",
        props=props,
    )

    f = seated((35.0, 17.0), 101, 94)
    f.reach("", at(lerp(f["hip"], f["neck"], 0.78), 2.0, 10), -1)
    f.reach("2", at(lerp(f["hip"], f["neck"], 0.3), 2.5, 10), -1)
    pose(
        "relaxed-breathing",
        [f],
        "Sitting back in the chair, one hand on the upper chest, the other on the stomach.",
        props=props,
    )


def upright() -> None:
    f = Fig(hip=(40.0, 28.5))
    f["neck"] = at(f["hip"], TRUNK, -4)
    f["head"] = at(f["neck"], HEAD, -8)
    f.reach("", (74.5, 30.6), 1).reach("2", (74.5, 30.6), 1)
    f.plants((41.0, 2.5), 1, -10)
    pose(
        "total-back-stretch",
        [f],
        "Holding the edge of a waist-high table, hips hinged back, chest sinking, head between the arms.",
        props=("floor", "table"),
    )

    back = (58.0, 2.5)
    hip = at(back, THIGH + SHIN - 0.1, 62)
    f = trunk(hip, 62, 66)
    f.plant("", back, 1, -4)
    f.plant("2", (hip[0] + 9.0, 2.5), 1, -10)
    f.reach("", (94.4, 39.0), -1).reach("2", (94.4, 39.0), -1)
    pose(
        "calf-stretch",
        [f],
        "Hands on the wall, one leg a stride back with the knee straight and heel down, body leaning in.",
        props=("floor", "wall"),
    )

    frames = []
    for lean in (False, True):
        f = standing(soft=1.0 if lean else 0.4)
        if lean:
            f["hip"] = (f["hip"][0] + 2.4, f["hip"][1])
            f.plants(f["ankle"], 1, -10)
        deg = 103 if lean else 90
        f["neck"] = at(f["hip"], TRUNK, deg)
        f["head"] = at(f["neck"], HEAD, deg + 6)
        target = at(f["hip"], 3.0, deg + 70)
        f.reach("", target, -1).reach("2", target, -1)
        frames.append(f)
    pose(
        "standing-back-extension",
        frames,
        "Standing, palms on the back of the hips: the upper body leans back a little as the hips ease forward.",
        spf=3.5,
    )

    frames = []
    for up in (False, True):
        hip = (50.0, 28.4)
        f = trunk(hip, 90, 90)
        f.plant("", (45.5, 2.5), -1, 200).plant("2", (54.5, 2.5), 1, -20)
        if up:
            f.arm("", 150, 118).arm("2", 30, 62)
        else:
            f.arm("", 180, 90).arm("2", 0, 90)
        frames.append(f)
    pose(
        "wall-angel",
        frames,
        "Seen from the front, back to the wall: arms in a goalpost, then slid up the wall and back down.",
        view="front",
        spf=3.5,
    )

    tall = standing()
    thigh_point = at(lerp(tall["hip"], tall["knee"], 0.3), 1.5, 0)
    tall.reach("", thigh_point, -1).reach("2", thigh_point, -1)
    hinge = Fig(hip=(42.0, 28.0))
    hinge["neck"] = at(hinge["hip"], TRUNK, 42)
    hinge["head"] = at(hinge["neck"], HEAD, 40)
    hinge.plants(tall["ankle"], 1, -10)
    knee_point = at(hinge["knee"], 2.0, 60)
    hinge.reach("", knee_point, -1).reach("2", knee_point, -1)
    pose(
        "hip-hinge",
        [tall, hinge],
        "Standing, hands on the thighs: hips push back and the chest tips forward with a long back, "
        "hands sliding to the knees.",
        spf=3.5,
    )

    chair_top = (27.8, 32.5)
    f = Fig(hip=(33.0, 25.8))
    f["neck"] = at(f["hip"], TRUNK, 48)
    f["head"] = at(f["neck"], HEAD, 42)
    f.plant("", (f["hip"][0] + 13.5, 2.9), 1, 45)
    f.plant("2", (f["hip"][0] - 5.0, 2.5), 1, -10)
    f.reach("2", chair_top, -1)
    f.reach("", lerp(f["hip"], f["knee2"], 0.5), -1)
    pose(
        "standing-hamstring-stretch",
        [f],
        "One hand on a chair back, front heel down and toes up: hips hinge back with a long back, back knee soft.",
        props=("floor", "chair"),
    )

    hip = (37.0, 25.0)
    f = trunk(hip, 91, 88)
    f.plant("", (hip[0] - 15.0, 4.2), 1, -55)
    f.plant("2", (hip[0] + 9.5, 2.5), 1, -10)
    f.reach("2", chair_top, -1)
    f.arm("", -85, -70)
    pose(
        "standing-hip-flexor-stretch",
        [f],
        "One hand on a chair back: the working leg a long stride back, heel up, trunk upright, "
        "front knee a little bent.",
        props=("floor", "chair"),
    )

    frames = []
    for near_forward in (True, False):
        hip = (50.0, 27.6)
        f = trunk(hip, 88, 86)
        front, back = ("", "2") if near_forward else ("2", "")
        f.plant(front, (hip[0] + 9.0, 3.2), 1, 25)
        f.plant(back, (hip[0] - 9.0, 4.0), 1, -50)
        f.arm(back, -68, -40).arm(front, -110, -105)
        frames.append(f)
    pose(
        "timed-walk",
        frames,
        "Walking at an easy pace: legs stride and arms swing in turn.",
        spf=0.6,
    )


def toml_text(order: list[str]) -> str:
    lines = [
        "# stretchtui exercise figures: one stick-figure pose per exercise, drawn in the terminal (braille)",
        "# and on the web (SVG) by stretchtui.core.poses.",
        "#",
        "# Written by tools/pose_authoring.py, which computes the joints from angles so bone lengths stay",
        "# exact; edit that script and re-run it rather than these numbers.",
        "#",
        "# The box is x 0..100, y 0..60, y up, the floor at y = 0. view: side = a profile (lying on one side:",
        "# seen from above), front = facing us (on the back: seen from above, head on the left).",
        "# Unsuffixed limbs are nearest the viewer (or the working side); '2' limbs are the others.",
        "# One frame = a held position; 2-4 frames play forward and back, seconds_per_frame each.",
        "# A two-sided exercise (sides = each) shows one side; poses.mirrored draws the other.",
        "# Model bone lengths: head 5.6, trunk 19.6, upper arm 9.1, forearm 8.4, thigh 14, shin 13.3,",
        "# foot 3.5 (a drawn bone may be foreshortened, up to 25%, when it points out of the picture).",
        "",
    ]
    by_id = {p[0]: p for p in POSES}
    for exercise in order:
        _, view, props, spf, comment, frames = by_id[exercise]
        lines.append(f"# {exercise}: {comment}")
        lines.append("[[pose]]")
        lines.append(f'exercise = "{exercise}"')
        lines.append(f'view = "{view}"')
        lines.append("props = [" + ", ".join(f'"{p}"' for p in props) + "]")
        if spf:
            lines.append(f"seconds_per_frame = {spf}")
        for f in frames:
            lines.append("")
            lines.append("[[pose.frame]]")
            for joint in JOINTS:
                x, y = f[joint]
                lines.append(f"{joint} = [{round(x, 1)}, {round(y, 1)}]")
        lines.append("")
    return "\n".join(lines)


def build() -> None:
    on_back()
    side_lying()
    on_front()
    on_all_fours()
    kneeling()
    on_chair()
    upright()


def main(argv: list[str]) -> None:
    import tomllib

    build()
    exercises = tomllib.loads((REPO / "seed" / "exercises.toml").read_text())["exercise"]
    order = [e["id"] for e in exercises]
    authored = [p[0] for p in POSES]
    missing = [e for e in order if e not in authored]
    extra = [e for e in authored if e not in order]
    if missing or extra or len(set(authored)) != len(authored):
        raise SystemExit(f"missing {missing}, not exercises {extra}")
    if argv and argv[0] == "--show":
        by_id = {p[0]: p for p in POSES}
        cols, rows = (int(argv[2]), int(argv[3])) if len(argv) > 3 else (30, 10)
        for exercise in argv[1].split(","):
            _, view, props, _, comment, frames = by_id[exercise]
            print(f"{exercise} ({view}): {comment}")
            for i, f in enumerate(frames):
                print(f"  frame {i}")
                for line in braille(Frame.of(f), props, cols, rows):
                    print("  |" + line + "|")
        return
    import tempfile

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for exercise in order:  # each pose alone, so every problem shows at once
            (Path(tmp) / "poses.toml").write_text(toml_text([exercise]), encoding="utf-8")
            try:
                load_poses(Path(tmp))
            except SeedError as error:
                problems.append(str(error))
    if problems:
        raise SystemExit("\n".join(problems))
    path = REPO / "seed" / "poses.toml"
    path.write_text(toml_text(order), encoding="utf-8")
    load_poses(REPO / "seed")
    print(f"wrote {path.relative_to(REPO)}: {len(order)} poses")


if __name__ == "__main__":
    main(sys.argv[1:])
