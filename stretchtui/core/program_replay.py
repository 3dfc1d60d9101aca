"""Where a person is in their program, replayed day by day from what they did (issue 18).

Nothing about the position is stored: it follows from the choices made (start, stop, switch to a
new version of the prescription, leave flare mode), the sessions done in the program, the daily
worst pain of the check-ins, the days marked flare and the weekly function ratings. So a
corrected record (core.entries) corrects the program too, and the same history always gives the
same position. The rules, each with a why line in the program's history:

* Dose by response, decided the day after a session (the next day's check-in): **up** one step
  when the session was finished, pain during and after stayed within 1 point of before, nothing
  was marked hurt and the next day was no higher than before, at most once in 7 days and not past
  the top of the phase; **down** one step (not below the program's lowest) at once when pain rose
  2 or more or a step was marked hurt, or the next day when pain was 2 or more above before;
  **hold** otherwise (a borderline response, or no check-in the day after).
* A phase is reviewed when its weeks have passed and every week after: it moves on (at step 0,
  the next phase's written doses) after `advance_after_calm` calm sessions in it, unless the
  person is in a flare or an everyday activity's function rating fell by 2 or more.
* A flare (worst pain 7 or more, a jump of 3 or more from the last noted day within a week, or a
  day marked flare) switches to flare mode: no progress until the person chooses to leave it,
  and the program resumes one step lower. A gap of 14 days or more without a program session
  also resumes one step lower. Pure: no UI, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from stretchtui.core.days import day_label
from stretchtui.core.function import FunctionRating
from stretchtui.core.model import Exercise
from stretchtui.core.program_plan import top_step
from stretchtui.core.program_records import Choice
from stretchtui.core.program_state import Change, Move, ProgramChoice, ProgramSessionNote, ProgramState
from stretchtui.core.programs import Ladder, Program
from stretchtui.core.streaks import FLARE_PAIN  # one definition of a flare's pain, the streaks' and the program's
from stretchtui.core.vocabulary import plural

FLARE_JUMP = 3
FLARE_JUMP_DAYS = 7
RISE = 2  # a rise of this much (during, after or the next day) steps down
UP_EVERY_DAYS = 7
GAP_DAYS = 14
FUNCTION_DROP = 2
DECIDE_BY_DAYS = 2  # without a check-in the day after, a session's response is a hold after this


@dataclass
class _Walk:
    program: Program
    started: date
    lowest: int
    top: int
    phase_index: int = 0
    step: int = 0
    phase_started: date = date.min
    review_on: date = date.max
    in_flare: bool = False
    finished: bool = False
    last_up: date | None = None
    last_activity: date = date.min
    calm_in_phase: int = 0
    history: list[Change] = field(default_factory=list)
    pending: list[ProgramSessionNote] = field(default_factory=list)

    def note(self, day: date, move: Move, why: str) -> None:
        self.history.append(Change(day, move, why))


def replay(
    programs: Mapping[tuple[str, int], Program],
    ladders: Mapping[str, Ladder],
    exercises: Mapping[str, Exercise],
    *,
    choices: Iterable[ProgramChoice],
    sessions: Iterable[ProgramSessionNote],
    worst: Mapping[date, int],
    flare_days: Iterable[date] = (),
    ratings: Iterable[FunctionRating] = (),
    today: date,
) -> ProgramState | None:
    """The position on `today`, or None when no program is started (or it was stopped)."""
    choices = sorted((c for c in choices if c.day <= today), key=lambda c: c.day)
    start = None
    for index, choice in enumerate(choices):
        if choice.choice is Choice.START:
            start = index
        elif choice.choice is Choice.STOP:
            start = None
    if start is None or (choices[start].program_id, choices[start].version) not in programs:
        return None
    first = choices[start]
    later = choices[start + 1 :]
    program = programs[(first.program_id, first.version)]
    by_day: dict[date, list[ProgramSessionNote]] = {}
    for s in sessions:
        if first.day <= s.day <= today and s.program_id == first.program_id:
            by_day.setdefault(s.day, []).append(s)
    flares = frozenset(flare_days)
    ratings = sorted(ratings, key=lambda r: r.day)

    def top_of(program: Program, phase: int) -> int:
        return top_step(program.phase[phase].item, program, ladders, exercises)

    walk = _Walk(program, first.day, program.progression.lowest_step, top_of(program, 0))
    walk.phase_started, walk.last_activity = first.day, first.day
    walk.review_on = first.day + timedelta(weeks=program.phase[0].weeks)
    walk.note(first.day, Move.START, f"Started {program.name} (version {program.version}): {program.phase[0].name}.")
    day = first.day
    while day <= today:
        _flare_check(walk, day, worst, flares)  # first: leaving flare mode that day is the last word
        for choice in (c for c in later if c.day == day):
            _choose(walk, choice, programs, top_of)
        _review(walk, day, ratings, top_of)
        _decide_pending(walk, day, worst)
        todays = by_day.get(day, [])
        if todays and (day - walk.last_activity).days >= GAP_DAYS:
            _down(
                walk,
                day,
                Move.GAP,
                f"Back after {plural((day - walk.last_activity).days, 'day')} away: one step lower to start.",
            )
        for session in todays:
            walk.last_activity = day
            if not walk.in_flare:
                _respond_now(walk, session)
        day += timedelta(days=1)
    waiting = ""
    if (today - walk.last_activity).days >= GAP_DAYS:  # an open gap: shown now, applied once at the next session
        preview = replace(walk, history=list(walk.history))
        _down(
            preview,
            today,
            Move.GAP,
            f"{plural((today - walk.last_activity).days, 'day')} since "
            f"{'your last session' if by_day else 'you started, with no session yet'}: one step lower to start again.",
        )
        walk = preview
    elif walk.pending:
        waiting = "How the last session went is decided by tomorrow's check-in."
    week_start = first.day + timedelta(weeks=(today - first.day).days // 7)
    phase = walk.program.phase[walk.phase_index]
    in_phase = min((today - walk.phase_started).days // 7, phase.weeks - 1)
    return ProgramState(
        program=walk.program,
        started=first.day,
        phase_index=walk.phase_index,
        step=walk.step,
        phase_started=walk.phase_started,
        week=walk.program.phase_start_week(walk.phase_index) + in_phase,
        sessions_this_week=sum(
            1 for d, v in by_day.items() if week_start <= d <= today for s in v if s.did_a_move
        ),  # (the fourth outside pass counted sessions of skips only up to "session 3 of 3")
        in_flare=walk.in_flare,
        finished=walk.finished,
        waiting=waiting,
        history=tuple(walk.history),
        calm_in_phase=walk.calm_in_phase,
        today=today,
    )


def _choose(walk: _Walk, choice: ProgramChoice, programs: Mapping[tuple[str, int], Program], top_of: Any) -> None:
    if choice.choice is Choice.LEAVE_FLARE and walk.in_flare:
        walk.in_flare = False
        walk.last_activity = choice.day
        _down(
            walk,
            choice.day,
            Move.LEAVE_FLARE,
            "You chose to leave flare mode: the program goes on one step lower than before.",
        )
        # The day's flare check came before its choices: a flare noted after leaving goes back into it.
        after = ""
        if choice.pain_after is not None and choice.pain_after >= FLARE_PAIN:
            after = f"Pain {choice.pain_after}/10 noted after you left flare mode."
        elif choice.flare_marked_after:
            after = "You marked a flare after you left flare mode."
        if after:
            walk.in_flare = True
            walk.pending.clear()
            walk.note(
                choice.day,
                Move.FLARE,
                f"{after} Flare mode: relief positions and a few gentle moves until you choose to go on.",
            )
    elif choice.choice is Choice.SWITCH and (choice.program_id, choice.version) in programs:
        new = programs[(choice.program_id, choice.version)]
        if new.id != walk.program.id:
            return
        walk.program = new
        walk.phase_index = min(walk.phase_index, len(new.phase) - 1)
        walk.top = top_of(new, walk.phase_index)
        walk.step = max(new.progression.lowest_step, min(walk.step, walk.top))
        walk.lowest = new.progression.lowest_step
        written_end = walk.phase_started + timedelta(weeks=new.phase[walk.phase_index].weeks)
        walk.review_on = max(written_end, choice.day + timedelta(days=1))  # the new version's weeks
        walk.note(
            choice.day, Move.SWITCH, f"Switched to version {new.version} of the prescription; your place in it is kept."
        )


def _review(walk: _Walk, day: date, ratings: list[FunctionRating], top_of: Any) -> None:
    if day != walk.review_on or walk.finished:
        return
    phase = walk.program.phase[walk.phase_index]
    walk.review_on = day + timedelta(weeks=1)
    if walk.in_flare:
        walk.note(day, Move.STAY, f"Still in {phase.name}: flare mode comes first.")
        return
    if walk.calm_in_phase < phase.advance_after_calm:
        walk.note(
            day,
            Move.STAY,
            f"{phase.name} goes on another week: {walk.calm_in_phase} of {phase.advance_after_calm} calm "
            "sessions so far (pain within 1 point of before, nothing hurt).",
        )
        return
    dropped = _function_drop(ratings, day)
    if dropped:
        walk.note(day, Move.STAY, f"{phase.name} goes on another week: {dropped}")
        return
    if walk.phase_index + 1 == len(walk.program.phase):
        walk.finished = True
        walk.note(
            day, Move.FINISH, f"Finished {walk.program.name}: keep the last phase going, or pick another program."
        )
        return
    walk.phase_index += 1
    top_of_phase = top_of(walk.program, walk.phase_index)
    walk.step, walk.calm_in_phase, walk.phase_started = 0, 0, day
    walk.top = top_of_phase
    walk.pending.clear()  # the last phase's sessions do not move the new phase's dose
    nxt = walk.program.phase[walk.phase_index]
    walk.review_on = day + timedelta(weeks=nxt.weeks)
    walk.note(day, Move.PHASE, f"On to {nxt.name}: {nxt.goal}")


def _function_drop(ratings: list[FunctionRating], day: date) -> str:
    """A function rating that fell by FUNCTION_DROP or more in the last two weeks, said plainly."""
    by_activity: dict[str, list[FunctionRating]] = {}
    for rating in ratings:
        if rating.day <= day:
            by_activity.setdefault(rating.activity.casefold(), []).append(rating)
    for found in by_activity.values():
        if (
            len(found) >= 2
            and (day - found[-1].day).days <= 14
            and found[-1].rating <= found[-2].rating - FUNCTION_DROP
        ):
            return f"your rating for '{found[-1].activity}' fell from {found[-2].rating} to {found[-1].rating}."
    return ""


def _flare_check(walk: _Walk, day: date, worst: Mapping[date, int], flares: frozenset[date]) -> None:
    if walk.in_flare:
        return
    pain = worst.get(day)
    before = [d for d in worst if day - timedelta(days=FLARE_JUMP_DAYS) <= d < day]
    jump = pain is not None and before and pain - worst[max(before)] >= FLARE_JUMP
    why = ""
    if day in flares:
        why = "You marked a flare."
    elif pain is not None and pain >= FLARE_PAIN:
        why = f"Pain {pain}/10."
    elif jump:
        why = f"Pain jumped from {worst[max(before)]} to {pain}."
    if why:
        walk.in_flare = True
        walk.pending.clear()
        walk.note(
            day, Move.FLARE, f"{why} Flare mode: relief positions and a few gentle moves until you choose to go on."
        )


def _down(walk: _Walk, day: date, move: Move, why: str) -> None:
    if walk.step > walk.lowest:
        walk.step -= 1
        walk.note(day, move, why)
    else:
        walk.note(
            day, move if move is not Move.DOWN else Move.HOLD, why.split(":")[0] + ": already at the lowest step."
        )


def _respond_now(walk: _Walk, session: ProgramSessionNote) -> None:
    """What a session shows at once: a hurt or a rise steps down now; else its calm counts and the
    step waits for tomorrow's check-in."""
    before, after = session.pain_before, session.pain_after
    if session.hurt:
        _down(walk, session.day, Move.DOWN, "A step was marked hurt: one step down.")
    elif before is not None and after is not None and after - before >= RISE:
        _down(walk, session.day, Move.DOWN, f"Pain went from {before} to {after} in the session: one step down.")
    elif before is None or after is None:
        walk.note(session.day, Move.HOLD, "Pain before or after was not noted: the dose stays.")
    elif not session.complete:
        walk.note(session.day, Move.HOLD, "The session was not finished: the dose stays.")
    else:
        walk.calm_in_phase += 1
        walk.pending.append(session)


def _decide_pending(walk: _Walk, day: date, worst: Mapping[date, int]) -> None:
    """Sessions waiting for the next day's check-in: decided on it, or held without one."""
    for session in list(walk.pending):
        assert session.pain_before is not None
        before, nxt = session.pain_before, worst.get(session.day + timedelta(days=1))
        if day == session.day + timedelta(days=1) and nxt is not None:
            walk.pending.remove(session)
            if nxt >= before + RISE:
                _down(walk, day, Move.DOWN, f"Pain the day after was {nxt}, up from {before} before: one step down.")
            elif nxt > before:
                walk.note(day, Move.HOLD, f"Pain the day after was {nxt}, a little above {before}: the dose stays.")
            elif walk.last_up is not None and (day - walk.last_up).days < UP_EVERY_DAYS:
                walk.note(
                    day,
                    Move.HOLD,
                    f"Went well, but the dose went up on {day_label(walk.last_up, day)}: at most once a week.",
                )
            elif walk.step >= walk.top:
                walk.note(
                    day, Move.HOLD, "Went well, and this phase is at its top dose: it stays until the next phase."
                )
            else:
                walk.step += 1
                walk.last_up = day
                walk.note(
                    day,
                    Move.UP,
                    f"Went well (pain {before} before, {session.pain_after} after, {nxt} the next day): one step up.",
                )
        elif (day - session.day).days >= DECIDE_BY_DAYS:
            walk.pending.remove(session)
            walk.note(day, Move.HOLD, "No check-in the day after the session: the dose stays.")
