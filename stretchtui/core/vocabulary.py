"""The vocabularies of the exercise library (areas, kinds, positions, ...) and their names.

Apart from core.model (whose records use them) so that the command line and the first frame can
use them without building every record type.
"""

from __future__ import annotations

from enum import StrEnum


class Area(StrEnum):
    LOWER_BACK = "lower-back"
    MID_UPPER_BACK = "mid-upper-back"
    NECK = "neck"
    SHOULDERS = "shoulders"
    CHEST = "chest"
    CORE = "core"
    GLUTES_HIPS = "glutes-hips"
    HIP_FLEXORS = "hip-flexors"
    HAMSTRINGS = "hamstrings"
    QUADRICEPS = "quadriceps"
    CALVES = "calves"


class Kind(StrEnum):
    MOBILITY = "mobility"
    STRENGTH = "strength"
    NERVE_GLIDE = "nerve-glide"
    MOTOR_CONTROL = "motor-control"  # gentle activation (pelvic tilt): allowed on pain days, like mobility


class Condition(StrEnum):
    """Conditions a person can list in their profile; an exercise names those it does not suit."""

    PREGNANCY = "pregnancy"
    OSTEOPOROSIS = "osteoporosis"
    RECENT_BACK_SURGERY = "recent-back-surgery"
    SPINAL_STENOSIS = "spinal-stenosis"
    HYPERMOBILITY = "hypermobility"
    JOINT_REPLACEMENT = "joint-replacement"


class Position(StrEnum):
    ON_BACK = "on-back"
    ON_FRONT = "on-front"
    ALL_FOURS = "all-fours"
    KNEELING = "kneeling"
    SIDE_LYING = "side-lying"
    SEATED = "seated"
    STANDING = "standing"


class Equipment(StrEnum):
    TOWEL_STRAP = "towel-strap"
    CHAIR = "chair"
    TABLE = "table"
    WALL = "wall"


class Sides(StrEnum):
    BOTH = "both"  # done once, symmetric
    EACH = "each"  # done on the left, then on the right


class Origin(StrEnum):
    SEED = "seed"
    USER = "user"


LABELS: dict[str, str] = {
    "lower-back": "Lower back",
    "mid-upper-back": "Mid/upper back",
    "neck": "Neck",
    "shoulders": "Shoulders",
    "chest": "Chest",
    "core": "Core",
    "glutes-hips": "Glutes/hips",
    "hip-flexors": "Hip flexors",
    "hamstrings": "Hamstrings",
    "quadriceps": "Quadriceps",
    "calves": "Calves",
    "mobility": "Mobility stretch",
    "strength": "Strength/stability",
    "nerve-glide": "Nerve glide",
    "motor-control": "Gentle motor control",
    "pregnancy": "Pregnancy",
    "osteoporosis": "Osteoporosis",
    "recent-back-surgery": "Back surgery in the last 12 weeks",
    "spinal-stenosis": "Spinal stenosis",
    "hypermobility": "Hypermobility",
    "joint-replacement": "Hip or knee replacement",
    "on-back": "On your back",
    "on-front": "On your front",
    "all-fours": "All fours",
    "kneeling": "Kneeling",
    "side-lying": "Side-lying",
    "seated": "Seated",
    "standing": "Standing",
    "towel-strap": "Towel or strap",
    "chair": "Chair",
    "table": "Table or counter",
    "wall": "Wall",
    "both": "both sides together",
    "each": "each side",
}


def label(value: str) -> str:
    """A human name for a vocabulary value."""
    return LABELS.get(str(value), str(value))


def plural(count: float, noun: str, nouns: str | None = None, *, shown: str | None = None) -> str:
    """'1 session', '3 sessions', '1.5 minutes': the one place a count meets its noun. `shown` is
    the number as printed (rounded, say): the noun agrees with what the reader sees, so 0.6
    shown as '1' is '1 minute'. `nouns` for irregular plurals."""
    text = shown if shown is not None else (f"{count:g}" if isinstance(count, float) else str(count))
    return f"{text} {noun_for(count, noun, nouns, shown=text)}"


def noun_for(count: float, noun: str, nouns: str | None = None, *, shown: str | None = None) -> str:
    """The noun alone, as `plural` would write it after `count` (for a number styled apart)."""
    text = shown if shown is not None else (f"{count:g}" if isinstance(count, float) else str(count))
    return noun if text == "1" else nouns or noun + "s"
