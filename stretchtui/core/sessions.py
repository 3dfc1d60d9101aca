"""Sessions as the rest of the app sees them: what was planned, what happened, how pain changed.

The stored records of a session live here (`StepRecord`, with its `Side` and `Outcome`): the timer
(core.timer) makes them, and the store, import, export and history read them back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, asdict, dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol, TypeAlias  # noqa: F401  (Annotated: in the field annotations)

from stretchtui.core.digits import whole_number
from stretchtui.core.errors import FieldError, shown
from stretchtui.core.model import MAX_HOLD, MAX_REPS, MAX_SETS, SECONDS, SLUG_PATTERN, _field, _rule  # noqa: F401
from stretchtui.core.vocabulary import plural

if TYPE_CHECKING:
    from msgspec import Meta  # noqa: F401

    from stretchtui.core.relief import Comparison

MAX_SECONDS = 24 * 3600
MAX_STEPS = 2000
MAX_SESSION_NAME = 200  # a session keeps the routine name it had; one-exercise sessions add a suffix

# Field types of the logged records (sessions, steps, check-ins, day marks), as strings: evaluated
# with the annotations when core.records first inspects a record (see core.model._field). `check`
# names the import rules core.exchange.rules applies itself, across fields: the uuid (unique in a
# file) and the instant, zone and day of an event (checked against each other).
Uuid: TypeAlias = 'Annotated[str, _rule(extra_json_schema={"format": "uuid"}, extra={"check": "uuid"})]'
Instant: TypeAlias = 'Annotated[datetime, _rule(extra={"check": "when"})]'
Zone: TypeAlias = 'Annotated[str, _rule(max_length=64, extra={"check": "when"})]'
Day: TypeAlias = 'Annotated[date, _rule(extra={"check": "when"})]'
Pain: TypeAlias = "Annotated[int, _rule(ge=0, le=10)]"
MaybePain: TypeAlias = "Annotated[int, _rule(ge=0, le=10)] | None"


def zero_to_ten(value: object, field: str, scale: str = "") -> int:
    """A whole number from 0 to 10 (digits in a string too): a pain, or a function rating; `scale`
    says what its ends mean, in the error."""
    if isinstance(value, str) and (number := whole_number(value)) is not None:
        value = number
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise FieldError(field, f"must be a whole number from 0 to 10{scale}, not {shown(value)}")
    return value


class SessionSource(StrEnum):
    LIVE = "live"  # timed in the app
    BACKFILL = "backfill"  # `stretchtui record`


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    PARTIAL = "partial"
    DISCARDED = "discarded"


# A session's work counts (streaks, History, reports, "what helped") once it is complete or partial.
COUNTED_STATUSES: tuple[str, ...] = (SessionStatus.COMPLETE.value, SessionStatus.PARTIAL.value)
# Every session but a discarded one is kept: listed for correction, and the pain noted with it
# counts (suggestions, safety, programs, History's pain), so one killed or left open
# mid-routine still says how the person's back was.
KEPT_STATUSES: tuple[str, ...] = (*COUNTED_STATUSES, SessionStatus.IN_PROGRESS.value)


class Side(StrEnum):
    BOTH = "both"
    LEFT = "left"
    RIGHT = "right"


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    HURT = "hurt"


@dataclass(frozen=True)
class StepRecord:
    """What happened to one work step of a session: the timer (core.timer) makes one, the UI writes
    it to the database at once, and the store, import, export and history read it back.

    Going back to a step that was already recorded and finishing it again yields a second record
    with the same step_index: the store keeps the latest. A hurt reported during the rest after a
    step also re-records that step, with outcome "hurt".
    """

    # the phase index (see SessionTimer.phase_for_step once alternatives are inserted)
    step_index: Annotated[int, _rule(ge=0, le=MAX_STEPS)]
    exercise_id: Annotated[str, _rule(pattern=SLUG_PATTERN)]
    exercise_name: Annotated[str, _rule(min_length=1, max_length=MAX_SESSION_NAME)]
    set_number: Annotated[int, _rule(ge=1, le=MAX_SETS)]
    side: Side
    planned_hold_seconds: Annotated[int, _rule(ge=0, le=MAX_HOLD)]  # 0 for reps
    # active (unpaused) seconds spent on the step
    actual_hold_seconds: Annotated[float, _rule(ge=0, le=MAX_SECONDS)]
    planned_reps: Annotated[int, _rule(ge=0, le=MAX_REPS)]
    reps_done: Annotated[int, _rule(ge=0, le=10 * MAX_REPS)]
    outcome: Outcome
    hurt_pain: MaybePain = None

    def __post_init__(self) -> None:  # accept plain strings, e.g. from JSON
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "outcome", Outcome(self.outcome))

    def to_dict(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, StrEnum) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepRecord:
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class LoggedStep(StepRecord):
    """A saved step as files (and the session_step table) hold it: the timer's record, with its
    uuid and when it was saved. The one definition of a step's file fields, import rules,
    staging and CSV columns, and schema (core.records)."""

    FILE_ORDER: ClassVar[tuple[str, ...]] = ("uuid",)
    FILE_DEFAULTS: ClassVar[dict[str, Any]] = {  # what a file may leave out (the timer always sets these)
        "set_number": 1,
        "side": Side.BOTH,
        "planned_hold_seconds": 0,
        "actual_hold_seconds": 0,
        "planned_reps": 0,
        "reps_done": 0,
    }

    uuid: Uuid
    at: Instant
    zone: Zone
    day: Day


@dataclass(frozen=True, kw_only=True)
class SessionRecord:
    """A session as files (and the session table) hold it, with its steps: the one definition of
    a session's file fields, import rules, staging and CSV columns, and schema (core.records)."""

    uuid: Uuid
    routine_id: Annotated[str, _rule(pattern=SLUG_PATTERN)] | None = None
    routine_name: Annotated[str, _rule(min_length=1, max_length=MAX_SESSION_NAME)]
    source: SessionSource = SessionSource.LIVE
    status: SessionStatus
    started_at: Instant
    zone: Zone
    day: Day
    ended_at: Annotated[datetime, _rule(extra={"check": "when"})] | None = None
    planned_seconds: Annotated[int, _rule(ge=0, le=MAX_SECONDS)] = 0
    active_seconds: Annotated[float, _rule(ge=0, le=MAX_SECONDS)] = 0
    pain_before: MaybePain = None
    pain_after: MaybePain = None
    # The prescription in force when the session started (issue 18): written only when set.
    program_id: Annotated[str, _rule(pattern=SLUG_PATTERN, max_length=80, extra={"sparse": True})] | None = None
    program_version: Annotated[int, _rule(ge=1, le=9999, extra={"sparse": True})] | None = None
    steps: Annotated[tuple[LoggedStep, ...], _rule(max_length=MAX_STEPS, extra={"check": "nested"})] = ()


@dataclass(frozen=True)
class NewSession:
    """A session to start (store.sessions.start_session): its routine (None: one exercise, or a
    program's day) and the name it is shown by, the seconds planned, the pain before it; what the
    app needs to resume it; `safety_confirmed`, what the person confirmed to start despite a safety
    warning (core.safety); `program`, the prescription (id, version) it belongs to (core.programs)."""

    routine_id: str | None
    routine_name: str
    planned_seconds: int
    _: KW_ONLY
    pain_before: int | None = None
    resume_state: dict[str, Any] | None = None
    safety_confirmed: dict[str, Any] | None = None
    program: tuple[str, int] | None = None


@dataclass(frozen=True)
class SessionEnd:
    """How a session ends (store.sessions.finish_session): its status, and the active seconds and
    the pain after it when known (None: as they stand)."""

    session_id: int
    status: SessionStatus
    _: KW_ONLY
    active_seconds: float | None = None
    pain_after: int | None = None


class StepOutcome(Protocol):
    """What `exercise_counts` reads of a saved step (a StepRecord, or a row of one)."""

    @property
    def step_index(self) -> int: ...
    @property
    def exercise_id(self) -> str: ...
    @property
    def set_number(self) -> int: ...
    @property
    def side(self) -> str: ...
    @property
    def outcome(self) -> str: ...


FIRST_SIDES = (Side.BOTH, Side.LEFT)  # an exercise's first step is its set 1 on one of these sides (core.phases)


@dataclass(frozen=True)
class ExerciseCounts:
    """A session's exercises, each counted once by one outcome: hurt if any of its steps hurt, else
    done if any step was done, else skipped. Steps are per set and side, so counting them would
    count one exercise several times; these always add up to the exercises the session reached."""

    done: int = 0
    skipped: int = 0
    hurt: int = 0

    @property
    def total(self) -> int:
        return self.done + self.skipped + self.hurt

    def describe(self) -> str:
        """'7 in all: 5 done · 1 skipped · 1 hurt' (or 'none reached'), after a label 'Exercises'."""
        if self.total == 0:
            return "none reached"
        return f"{self.total} in all: {self.done} done · {self.skipped} skipped · {self.hurt} hurt"


def exercise_counts(steps: Iterable[StepOutcome]) -> ExerciseCounts:
    """Group saved steps into exercises, in step order, and count each exercise once.

    A new exercise starts where the exercise changes or where a step is an exercise's first (set 1,
    first side): the same move twice in a row in a routine counts twice. Steps of an alternative
    taken after a hurt are numbered after the plan's, so they group on their own. A step given
    more than once (done again after going back) counts as the latest, as the store keeps it."""
    latest = {step.step_index: step for step in steps}
    outcomes: list[set[str]] = []
    previous: str | None = None
    for _index, step in sorted(latest.items()):
        first = step.set_number <= 1 and str(step.side) in FIRST_SIDES
        if step.exercise_id != previous or first or not outcomes:
            outcomes.append(set())
        outcomes[-1].add(str(step.outcome))
        previous = step.exercise_id
    hurt = sum(1 for o in outcomes if Outcome.HURT in o)
    done = sum(1 for o in outcomes if Outcome.HURT not in o and Outcome.DONE in o)
    return ExerciseCounts(done=done, skipped=len(outcomes) - hurt - done, hurt=hurt)


@dataclass(frozen=True)
class SessionInfo:
    id: int
    uuid: str
    routine_id: str | None
    routine_name: str
    status: SessionStatus
    source: str
    started_at: datetime
    zone: str
    day: date
    ended_at: datetime | None
    planned_seconds: int
    active_seconds: float
    pain_before: int | None
    pain_after: int | None
    resume_state: dict[str, Any] | None = None
    # Saved step rows by outcome (a set or a side each): a check that every step landed. What a
    # screen shows is `exercises`.
    steps_done: int = 0
    steps_skipped: int = 0
    steps_hurt: int = 0
    exercises: ExerciseCounts = field(default_factory=ExerciseCounts)
    worst_hurt: int | None = None  # the highest pain given with "this hurts", if any


def keeping_a_hurt(record: StepRecord, earlier: Iterable[StepRecord]) -> StepRecord:
    """`record` for a step given again (after going back), keeping any hurt given for that step
    before: the outcome stays "hurt" and the pain the highest given. A hurt is pain the person
    reported; going back over the move and skipping or finishing it wiped a 9/10 from the record
    (an outside pass), and with it the 14-day leave-out and the questions it asks again."""
    pains = [e.hurt_pain for e in earlier if e.step_index == record.step_index and e.outcome == Outcome.HURT]
    if not pains:
        return record
    given = [p for p in (*pains, record.hurt_pain) if p is not None]
    return replace(record, outcome=Outcome.HURT, hurt_pain=max(given, default=None))


def did_the_work(step: StepRecord) -> bool:
    """A step done with at least half of its dose: half its reps, or half its hold. Pressing `d`
    at once is "done" in the record, with what was done, but not a routine's work."""
    if step.outcome != Outcome.DONE:
        return False
    if step.planned_reps:
        return step.reps_done * 2 >= step.planned_reps
    return step.actual_hold_seconds * 2 >= step.planned_hold_seconds


PARTIAL_AT_THE_END = (
    "Partial: a routine counts as done with at least half of its steps done, each at half its reps "
    "or hold or more. Skipped moves, moves that hurt and a d pressed at once do not count."
)
"""What the summary says when a session reached the end of its routine and is still partial."""


def status_at_the_end(steps: Iterable[StepRecord]) -> SessionStatus:
    """How a session that reached the end of its routine is kept: complete (a routine done, for the
    goal and the streak) only if at least half of its steps did the work (`did_the_work`). Skipping
    through a routine must not keep a streak, nor stopping every move as it hurt (an outside pass
    got "Session complete" and a streak for a one-move routine stopped at 8/10), nor pressing `d`
    through it (a second: "complete" with 2 s of work)."""
    latest = {step.step_index: step for step in steps}
    worked = sum(1 for step in latest.values() if did_the_work(step))
    return SessionStatus.COMPLETE if worked and worked * 2 >= len(latest) else SessionStatus.PARTIAL


def pain_summary(info: SessionInfo, *, short: bool = False) -> str:
    """The pain noted with a session: before and after, and the worst "this hurts" (a hurt of 8 is
    pain noted: it counts in the day's pain everywhere, so it is never "not noted" here). The
    summary and History's detail say "4 → 2 (-2); 9 when a move hurt"; `short`, History's list
    column, "4→2 hurt 9"."""
    before, after, hurt = info.pain_before, info.pain_after, info.worst_hurt
    if short:
        shown = "" if before is None and after is None else f"{_or_dash(before)}→{_or_dash(after)}"
        return f"{shown} hurt {hurt}".strip() if hurt is not None else shown
    parts = []
    if before is not None and after is not None:
        delta = after - before
        parts.append(f"{before} → {after} ({'+' if delta > 0 else ''}{delta})")
    elif before is not None:
        parts.append(f"{before} before")
    elif after is not None:
        parts.append(f"{after} after")
    if hurt is not None:
        moves = info.exercises.hurt
        parts.append(f"{hurt} at worst when {moves} moves hurt" if moves > 1 else f"{hurt} when a move hurt")
    return "; ".join(parts) or "not noted"


def _or_dash(pain: int | None) -> str:
    return "–" if pain is None else str(pain)


@dataclass(frozen=True)
class ExerciseUsage:
    """How often an exercise was done, and its relief against the sessions without it (core.relief,
    over the last RELIEF_DAYS: the numbers History shows)."""

    times_done: int = 0
    relief: Comparison | None = None

    def describe(self) -> str:
        from stretchtui.core.relief import MIN_SESSIONS, RELIEF_DAYS

        if self.times_done == 0:
            return "Not done yet: no data yet."
        times = f"Done {plural(self.times_done, 'time')}."
        c = self.relief
        if c is None or c.difference is None:
            have = f" (so far {c.with_n} with it and {c.without_n} without)" if c is not None else ""
            return (
                f"{times} Not enough data yet to compare pain in sessions with it and without it: that needs "
                f"{MIN_SESSIONS} of each with pain noted before and after, in the last {RELIEF_DAYS} days{have}."
            )
        return (
            f"{times} Last {RELIEF_DAYS} days, pain change with it minus without it: {c.interval()} "
            f"({plural(c.with_n, 'session')} with it, {c.without_n} without): {c.verdict.value}."
        )
