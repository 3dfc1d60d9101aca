"""The safety rules, decided here once: the red-flag questions and their grades, when they are
asked again, what they mean for today's suggestion, and what "gentle" means while they are
unanswered. The gate in front of every session, which reads them, is core.session_gate's;
conditions and the moves they rule out are core.conditions'. Pure: no UI, no storage.

Sources: the red flags follow NICE NG59 (low back pain and sciatica in over 16s) and the NICE CKS
topic on back pain; "urgent" means care the same day (signs of cauda equina syndrome or of a spinal
cord problem, fever with back pain, a major injury, pain too bad to walk), "soon" means a doctor
within days. Nothing here diagnoses: an answer or a note only changes what the app offers and says.
docs/safety.md states each rule in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from stretchtui.core.days import day_label
from stretchtui.core.vocabulary import Condition, Kind

if TYPE_CHECKING:
    from stretchtui.core.model import Exercise


class Grade(StrEnum):
    URGENT = "urgent"  # care today
    SOON = "soon"  # a doctor within days


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    grade: Grade


QUESTIONS: tuple[Question, ...] = (
    Question("both-legs", "Do both of your legs feel numb, tingly or weak?", Grade.URGENT),
    Question("saddle", "Is there new numbness around your genitals, bottom or inner thighs?", Grade.URGENT),
    Question("bladder-bowel", "Is it newly hard to pass urine, or to hold in urine or stools?", Grade.URGENT),
    Question("sexual", "Have you noticed a new change in sexual function or sensation?", Grade.URGENT),
    Question(
        "one-leg-weak", "Is one leg or foot getting weaker, or does a foot drop or slap as you walk?", Grade.URGENT
    ),
    Question("walking", "Has the way you walk changed: unsteady, clumsy or stumbling?", Grade.URGENT),
    Question("fever", "Do you have a fever, chills or sweats, or feel generally unwell, with this pain?", Grade.URGENT),
    Question("trauma", "Did this pain start after a bad fall, a crash or another hard knock?", Grade.URGENT),
    Question(
        "worst", "Is this the worst pain you have ever had, or can you not walk or stand on your legs?", Grade.URGENT
    ),
    Question("cancer", "Have you ever had cancer?", Grade.SOON),
    Question("weight-loss", "Have you lost weight recently without trying?", Grade.SOON),
    Question("immune", "Is your immune system weakened (medicines, illness), or have you injected drugs?", Grade.SOON),
    Question(
        "steroids-osteoporosis",
        "On long-term steroids or with osteoporosis, did this start after a fall, even a small one?",
        Grade.SOON,
    ),
    Question("night", "Is the pain worse at night and not eased by resting or changing position?", Grade.SOON),
    Question("chest", "Do you have pain in your chest or upper back and feel unwell?", Grade.SOON),
    Question("age", "Did this back pain start for the first time before age 20 or after age 50?", Grade.SOON),
)
"""Any yes to an urgent question means care today; to a soon one, a doctor within days."""
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
BY_KEY = {q.key: q for q in QUESTIONS}

ASK_AGAIN_DAYS = 30
"""Answers older than this are asked again."""
ASK_AGAIN_PAIN = 8
ASK_AGAIN_RISING_SESSIONS = 2
"""This many sessions in a row whose pain after was RISE_AFTER_SESSION or more above pain before."""
RISE_AFTER_SESSION = 2


class State(StrEnum):
    UNANSWERED = "unanswered"
    CLEAR = "clear"
    SOON = "soon"
    URGENT = "urgent"


STATE_WORDS: dict[State, str] = {
    State.CLEAR: "clear",
    State.SOON: "see a doctor soon, within days",
    State.URGENT: "get medical help today",
    State.UNANSWERED: "not every question answered yet",
}
"""What each state means, in the words every place that names it uses (Settings, `stretchtui safety`)."""


def state_of(answers: Mapping[str, bool]) -> State:
    """Urgent or soon as soon as one yes says so; clear only once every question has an answer."""
    if any(answers.get(q.key) for q in QUESTIONS if q.grade is Grade.URGENT):
        return State.URGENT
    if any(answers.get(q.key) for q in QUESTIONS if q.grade is Grade.SOON):
        return State.SOON
    return State.CLEAR if all(key in answers for key in QUESTION_KEYS) else State.UNANSWERED


def check_answer_keys(keys: Iterable[str]) -> tuple[str, ...]:
    """The keys, refusing one that is not a question (ValueError naming it and the known keys)."""
    keys = tuple(keys)
    for key in keys:
        if key not in BY_KEY:
            raise ValueError(f"{key!r} is not a safety question; the keys are: {', '.join(QUESTION_KEYS)}")
    return keys


@dataclass(frozen=True)
class Profile:
    """What the person told the app about their safety: answers (with when) and conditions."""

    answers: Mapping[str, bool] = field(default_factory=dict)
    answered_at: datetime | None = None
    conditions: frozenset[Condition] = frozenset()

    @property
    def state(self) -> State:
        return state_of(self.answers)


# --- what happened since the answers -------------------------------------------------------------


@dataclass(frozen=True)
class NoteEvent:
    """A check-in as the safety rules see it: when, which leg sides hurt, the worst pain, red-flag
    keys its note mentions (core.note_flags)."""

    at: datetime
    day: date
    worst_pain: int = 0
    leg_sides: frozenset[str] = frozenset()  # "left", "right", "" (a leg, side not said)
    note_flags: tuple[str, ...] = ()
    entered_after: bool | None = None
    """Written after the last answers, whatever its own time (a note dated earlier with --at, or
    imported); None: judged by `at`."""


@dataclass(frozen=True)
class SessionEvent:
    at: datetime
    pain_before: int | None
    pain_after: int | None

    @property
    def pain_rose(self) -> bool:
        return (
            self.pain_before is not None
            and self.pain_after is not None
            and self.pain_after - self.pain_before >= RISE_AFTER_SESSION
        )


@dataclass(frozen=True)
class AskAgain:
    """A reason to ask the questions again. `blocks`: no routine until they are answered."""

    reason: str
    text: str
    blocks: bool
    questions: tuple[str, ...] = ()  # the questions (keys) a note or leg pain points to

    @property
    def urgent(self) -> bool:
        """It points to a sign that can need care the same day (an urgent question's)."""
        return any(BY_KEY[key].grade is Grade.URGENT for key in self.questions if key in BY_KEY)


def ask_again(
    profile: Profile, now: datetime, notes: Iterable[NoteEvent] = (), sessions: Iterable[SessionEvent] = ()
) -> tuple[AskAgain, ...]:
    """Why the questions should be asked (again) now: only what was noted after the last answers
    counts, or, never answered, what was noted in the last ASK_AGAIN_DAYS days (a worrying note
    blocks then too; a never-answered profile is gentle only anyway)."""
    since = profile.answered_at or now - timedelta(days=ASK_AGAIN_DAYS)
    reasons: list[AskAgain] = []
    later = sorted(
        (
            n
            for n in notes
            if (n.at > since if n.entered_after is None or profile.answered_at is None else n.entered_after)
        ),
        key=lambda n: n.at,
    )
    flagged = [n for n in later if n.note_flags]
    if flagged:
        names = ", ".join(dict.fromkeys(k for n in flagged for k in n.note_flags))
        written = day_label(flagged[-1].day, now.date())
        reasons.append(
            AskAgain(
                "note",
                f"A note you wrote on {written} mentions something the safety questions ask about ({names}).",
                blocks=True,
                questions=tuple(dict.fromkeys(k for n in flagged for k in n.note_flags)),
            )
        )
    legs_by_day: dict[date, set[str]] = {}
    for n in later:  # one check-in per leg, as `stretchtui log` writes them, counts for the day
        legs_by_day.setdefault(n.day, set()).update(n.leg_sides)
    if any(  # on one day, or two days in a row (left late at night, right the next morning)
        {"left", "right"} <= sides | legs_by_day.get(day - timedelta(days=1), set())
        for day, sides in legs_by_day.items()
    ):
        reasons.append(
            AskAgain("both-legs", "You noted leg pain on both sides.", blocks=True, questions=("both-legs",))
        )
    rated = [p for s in sessions if s.at > since for p in (s.pain_before, s.pain_after) if p is not None]
    if any(n.worst_pain >= ASK_AGAIN_PAIN for n in later) or any(p >= ASK_AGAIN_PAIN for p in rated):
        reasons.append(AskAgain("pain", f"You noted pain of {ASK_AGAIN_PAIN}/10 or more.", blocks=True))
    if profile.answered_at is None:
        return tuple(reasons)
    recent = sorted((s for s in sessions if s.at > since), key=lambda s: s.at)[-ASK_AGAIN_RISING_SESSIONS:]
    if len(recent) == ASK_AGAIN_RISING_SESSIONS and all(s.pain_rose for s in recent):
        reasons.append(
            AskAgain(
                "rising",
                f"Your pain rose by {RISE_AFTER_SESSION} or more after each of your "
                f"last {ASK_AGAIN_RISING_SESSIONS} sessions.",
                blocks=False,
            )
        )
    if now - since >= timedelta(days=ASK_AGAIN_DAYS):
        reasons.append(AskAgain("expired", f"Your answers are more than {ASK_AGAIN_DAYS} days old.", blocks=False))
    return tuple(reasons)


@dataclass(frozen=True)
class SafetyCheck:
    """The profile and the reasons to ask again, as every path into exercise reads them."""

    profile: Profile = Profile()
    ask_again: tuple[AskAgain, ...] = ()

    @property
    def state(self) -> State:
        return self.profile.state

    @property
    def conditions(self) -> frozenset[Condition]:
        return self.profile.conditions

    @property
    def red_flag(self) -> bool:
        """An urgent or soon answer is open: no routine, and a confirmation before any session."""
        return self.state in (State.URGENT, State.SOON)

    @property
    def blocked(self) -> bool:
        """No routine is suggested: an open red flag, or a reason to ask again that must be answered."""
        return self.red_flag or any(a.blocks for a in self.ask_again)

    @property
    def gentle_only(self) -> bool:
        """Never answered, or asked again for a reason that does not block: gentle mobility only."""
        return self.state is State.UNANSWERED or bool(self.ask_again)

    @property
    def blocking_reasons(self) -> tuple[AskAgain, ...]:
        return tuple(a for a in self.ask_again if a.blocks)

    @property
    def needs_asking(self) -> bool:
        return self.state is State.UNANSWERED or bool(self.ask_again)


URGENT_ADVICE = (
    "Please get medical help today: contact your doctor or an urgent care service now, and call "
    "emergency services if this came on suddenly or is getting worse fast.",
    "No stretching until you have been checked.",
)
SOON_ADVICE = (
    "Please see a doctor soon, within the next few days, and tell them what you answered.",
    "No routine until a doctor has had a look.",
)
ASK_AGAIN_ADVICE = (
    "Please answer the safety questions again before the next routine "
    "(c on Today, then the questions; or: stretchtui safety)."
)
UNANSWERED_ADVICE = (
    "You have not answered the safety questions yet, so only gentle mobility is offered. "
    "Answer them on Today or with: stretchtui safety."
)
UNANSWERED_BLOCKED_ADVICE = (
    "You have not answered the safety questions yet, and what you noted asks for them first: no "
    "routine until you have. Answer them on Today or with: stretchtui safety."
)
URGENT_SIGN_ADVICE = (
    "What you noted is among the signs that can need care the same day: if it is new or getting "
    "worse, contact your doctor or an urgent care service today, and answer the safety questions again now."
)
ANSWER_AGAIN_FIRST = (
    "Please answer the safety questions again now (c on Today, then the questions; or: stretchtui "
    "safety): what you noted since your answers may need care sooner than they say."
)


BLOCKED_WHY = "Your answers to the safety questions come first today."
NOTED_WHY = "What you noted asks for the safety questions first today."
UNANSWERED_WHY = "The safety questions are not answered yet: gentle mobility only."
ASK_AGAIN_WHY = "Gentle mobility only until you answer the safety questions again."


def blocked_why(check: SafetyCheck) -> tuple[str, ...]:
    """Why no routine is suggested while `check.blocked`: an open yes, or else what was noted, then
    each reason to ask again that blocks (with a yes open too: a note may need care sooner)."""
    return (BLOCKED_WHY if check.red_flag else NOTED_WHY, *(reason.text for reason in check.blocking_reasons))


def gentle_only_why(check: SafetyCheck) -> tuple[str, ...]:
    """Why the suggestion is held to gentle mobility while `check.gentle_only`."""
    if check.ask_again:
        return (*(reason.text for reason in check.ask_again), ASK_AGAIN_WHY)
    return (UNANSWERED_WHY,)


def high_pain_words(pain: int) -> str:
    """What pain of ASK_AGAIN_PAIN or more means for stretching, wherever it is noted (before a
    session, in `stretchtui log`), for the back or anywhere else."""
    return (
        f"Pain of {pain}/10 is too much to stretch through. Rest in whatever position eases it instead "
        "(for the back, on your back with knees bent, or on your side)."
    )


def newly_asked(before: SafetyCheck, after: SafetyCheck, flags: Iterable[str] = ()) -> tuple[str, ...]:
    """What a new check-in changed in the check, in plain words: each reason to ask again it added
    (a second worrying note too), then the advice the check now gives. With nothing added: a yes
    open gives that advice's first line again; a check-in that itself points to an urgent question
    (`flags`: core.note_flags, or leg pain on both sides) the same-day line again, however often it
    was said; and while reasons are still open, the one line that says what to do about them (a
    second `log --side both` said nothing at all)."""
    known = {(reason.reason, reason.text) for reason in before.ask_again}
    added = tuple(reason.text for reason in after.ask_again if (reason.reason, reason.text) not in known)
    if added:
        return (*added, *advice_for(after))
    if after.red_flag:
        return advice_for(after)[:1]
    urgent = AskAgain("note", "", blocks=True, questions=tuple(flags)).urgent
    said: tuple[str, ...] = (URGENT_SIGN_ADVICE,) if urgent and after.state is not State.URGENT else ()
    if after.ask_again:
        said += tuple(line for line in advice_for(after) if line != URGENT_SIGN_ADVICE)[:1]
    return said


def advice_for(check: SafetyCheck) -> tuple[str, ...]:
    """What to do about the answers and what was noted since, most pressing first."""
    if check.state is State.URGENT:
        return URGENT_ADVICE
    urgent_sign = (URGENT_SIGN_ADVICE,) if any(reason.urgent for reason in check.blocking_reasons) else ()
    if check.state is State.SOON:
        if urgent_sign:  # never "within days" beside a sign that can need care today
            return (*urgent_sign, SOON_ADVICE[1])
        return (ANSWER_AGAIN_FIRST, *SOON_ADVICE) if check.blocking_reasons else SOON_ADVICE
    if check.state is State.UNANSWERED:
        return (*urgent_sign, UNANSWERED_BLOCKED_ADVICE if check.blocked else UNANSWERED_ADVICE)
    if check.ask_again:
        return (*urgent_sign, ASK_AGAIN_ADVICE)
    return ()


# --- what "gentle" means ---------------------------------------------------------------------------

MOBILITY_KINDS = frozenset({Kind.MOBILITY, Kind.MOTOR_CONTROL, Kind.NERVE_GLIDE})
"""Every kind but strength: what the gentle levels of the suggestion may hold, and what `is_gentle`
allows. The nerve glide is in (the suggestion offers it only with leg pain); "this hurts" offers a
narrower set, core.after_hurt.EASING_KINDS."""
GENTLE_INTENSITY = 1


def is_gentle(exercise: Exercise) -> bool:
    """Gentle mobility: intensity 1 and no strength. All a person who has not (recently) answered the
    questions is suggested (core.suggest, short mobility), and what the gate lets start unasked."""
    return exercise.intensity <= GENTLE_INTENSITY and exercise.kind in MOBILITY_KINDS
