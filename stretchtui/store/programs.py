"""Programs in the store (issue 18): imported prescriptions, the choices a person made, and what
the replay of core.program_replay reads from their record.

Built-in programs are seed files, read fresh (core.programs.load_builtin); an imported one is kept
as the text it was imported from, so `program export` writes back what came in. The position in a
program is never stored: `state` replays it from the record each time.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase, fn

from stretchtui.core.errors import UserError
from stretchtui.core.sessions import COUNTED_STATUSES, Outcome, SessionStatus
from stretchtui.store import models as m
from stretchtui.store.checkins import CheckinRepository
from stretchtui.store.function import FunctionRepository
from stretchtui.store.library import LibraryRepository
from stretchtui.store.rows import as_date
from stretchtui.store.session_pains import TimedPain, session_pains
from stretchtui.store.settings import EventStamp
from stretchtui.store.suggestion_inputs import SuggestionInputRepository

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stretchtui.core.program_offer import Offer
    from stretchtui.core.program_state import Choice, ProgramChoice, ProgramDay, ProgramSessionNote, ProgramState
    from stretchtui.core.programs import Catalogue, Ladder, Program
    from stretchtui.core.suggestion_inputs import SuggestionRequest


@dataclass(eq=False)
class ProgramRepository:
    db: SqliteDatabase
    stamp: EventStamp
    library: LibraryRepository
    checkins: CheckinRepository
    function: FunctionRepository
    suggestions: SuggestionInputRepository
    seed_dir: Path
    _cached: tuple[object, Catalogue] | None = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------------ prescriptions

    def ladders(self) -> dict[str, Ladder]:
        from stretchtui.core.programs import load_ladders

        return load_ladders(self.library.exercise_index(), self.seed_dir)

    def catalogue(self) -> Catalogue:
        """Built-ins and imports, parsed once while the library and the imports stay as they are
        (Today reads it on every load)."""
        from stretchtui.core import program_reading as reading
        from stretchtui.core import programs as p

        exercises = self.library.exercise_index()
        key = (
            tuple(sorted((e.id, e.dose, e.kind, e.intensity) for e in exercises.values())),
            m.ProgramFile.select(fn.COUNT(m.ProgramFile.id), fn.MAX(m.ProgramFile.id)).tuples().get(),
        )
        cached = self._cached
        if cached is not None and cached[0] == key:
            return cached[1]
        ladders = p.load_ladders(exercises, self.seed_dir)
        builtin = reading.load_builtin(exercises, ladders, self.seed_dir)
        imported: dict[tuple[str, int], Program] = {}
        texts: dict[tuple[str, int], str] = {}
        for row in m.ProgramFile.select().order_by(m.ProgramFile.program_id, m.ProgramFile.version):
            try:
                program = reading.parse_text(row.text, exercises, ladders)
            except UserError:  # an own exercise it names was deleted since: kept, not offered
                continue
            imported[program.key] = program
            texts[program.key] = row.text
        catalogue = p.Catalogue(exercises, ladders, builtin, imported, texts)
        self._cached = (key, catalogue)
        return catalogue

    def import_file(self, path: Path) -> tuple[Program, bool]:
        """Check and keep a prescription file; (program, False) when that version is already here,
        unchanged. UserError (one line) for a bad file, a built-in's id, or a changed file under a
        version already imported."""
        from stretchtui.core import program_reading as reading

        catalogue = self.catalogue()
        text = reading.read_text(path)  # read once: what is kept is what was checked
        program = reading.parse_file_text(path, text, catalogue.exercises, catalogue.ladders)
        if program.id in catalogue.builtin:
            raise UserError(f"{path}: program.id: {program.id!r} is a built-in program's id; give yours its own")
        known = catalogue.imported.get(program.key)
        if known is not None:
            if known == program:
                return program, False
            raise UserError(
                f"{path}: program.version: version {program.version} of {program.id!r} is already imported "
                "with other contents; raise the version"
            )
        stamp = self.stamp()
        with self.db.atomic("IMMEDIATE"):
            m.ProgramFile.create(
                program_id=program.id, version=program.version, text=text, at=stamp.at_utc, zone=stamp.zone
            )
        return program, True

    # ------------------------------------------------------------------ choices

    def choose(self, choice: Choice, program: Program) -> None:
        """Record a choice. Leaving flare mode is refused (a UserError, saying why) while today's
        latest pain is a flare's or today is marked a flare (core.flare.flare_stays_because)."""
        from stretchtui.core.flare import flare_stays_because
        from stretchtui.core.program_state import Choice

        stamp = self.stamp()
        if choice is Choice.LEAVE_FLARE:  # today's pain read as the suggestion reads it: each area's latest
            from stretchtui.core.checkins import REGION_LABELS, Region

            request = self.suggestions.suggestion_request(stamp.day, 5, "floor")  # minutes, place: unused here
            noted = [n for n in request.pain_notes if n.day == stamp.day and not n.flare_mark]
            worst = max(noted, key=lambda n: n.pain, default=None)
            area = ""
            if worst is not None:  # "lower back", "leg (left)": what to note again
                area = REGION_LABELS[Region(worst.region)].split(" (")[0].lower()
                area += f" ({worst.side})" if worst.side else ""
            marked = stamp.day in self._flare_days(stamp.day)
            if (why := flare_stays_because(worst.pain if worst else None, marked, area)) is not None:
                raise UserError(why)
        with self.db.atomic("IMMEDIATE"):
            m.ProgramChoice.create(
                uuid=str(uuidlib.uuid4()),
                choice=str(choice),
                program_id=program.id,
                version=program.version,
                **m.stamp_values(stamp),
            )

    def choices(self, pains: Sequence[TimedPain] | None = None) -> list[ProgramChoice]:
        """Every start, stop, switch and leave-flare, in order; a leave-flare carries the worst
        pain noted after it that day (from `pains`, read here when not given)."""
        from stretchtui.core.program_state import Choice, ProgramChoice

        rows = list(m.ProgramChoice.select().order_by(m.ProgramChoice.at, m.ProgramChoice.id))
        if pains is None and rows:
            pains = self._timed_pains(min(as_date(row.day) for row in rows))

        leaving = [row for row in rows if row.choice == Choice.LEAVE_FLARE.value]
        marks = (
            list(m.DayMark.select(m.DayMark.day, m.DayMark.at).where(m.DayMark.kind == "flare").tuples())
            if leaving
            else []
        )

        def pain_after(row: Any) -> int | None:
            day = as_date(row.day)
            return max((p.pain for p in pains or () if p.day == day and p.at > row.at), default=None)

        def marked_after(row: Any) -> bool:
            return any(as_date(day) == as_date(row.day) and at > row.at for day, at in marks)

        return [
            ProgramChoice(as_date(row.day), Choice(row.choice), row.program_id, row.version)
            if row not in leaving
            else ProgramChoice(
                as_date(row.day), Choice(row.choice), row.program_id, row.version, pain_after(row), marked_after(row)
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ what the replay reads

    def _sessions(self, since: date) -> list[ProgramSessionNote]:
        from stretchtui.core.program_state import ProgramSessionNote

        rows = list(
            m.Session.select().where(
                m.Session.status.in_(COUNTED_STATUSES) & (m.Session.day >= since) & m.Session.program_id.is_null(False)
            )
        )
        outcomes: dict[int, set[str]] = {}
        for sid, outcome in (
            m.SessionStep.select(m.SessionStep.session, m.SessionStep.outcome)
            .where(m.SessionStep.session.in_([r.id for r in rows]))
            .tuples()
        ):
            outcomes.setdefault(sid, set()).add(outcome)
        return [
            ProgramSessionNote(
                day=as_date(row.day),
                program_id=row.program_id,
                version=row.program_version or 1,
                complete=row.status == SessionStatus.COMPLETE.value,
                pain_before=row.pain_before,
                pain_after=row.pain_after,
                hurt=Outcome.HURT in outcomes.get(row.id, set()),
                did_a_move=row.status == SessionStatus.COMPLETE.value or Outcome.DONE in outcomes.get(row.id, set()),
            )
            for row in sorted(rows, key=lambda r: (r.started_at, r.id))
        ]

    def _timed_pains(self, since: date) -> list[TimedPain]:
        """Each pain noted since `since` with its instant: a check-in's worst region, and every pain
        noted with a session (store.session_pains). The replay's daily worst comes from these,
        and a leave-flare's later pain (choices)."""
        pains = [
            TimedPain(checkin.at, checkin.day, max(p.pain for p in checkin.pains))
            for checkin in self.checkins.checkins(since=since)
            if checkin.pains
        ]
        return pains + session_pains(since)

    def _flare_days(self, since: date) -> list[date]:
        return [
            as_date(day)
            for (day,) in m.DayMark.select(m.DayMark.day)
            .where((m.DayMark.kind == "flare") & (m.DayMark.day >= since))
            .tuples()
        ]

    def state(self, today: date, catalogue: Catalogue | None = None) -> ProgramState | None:
        """Where the person is in their program today (None: not in one)."""
        from stretchtui.core.program_replay import replay

        first = m.ProgramChoice.select(fn.MIN(m.ProgramChoice.day)).scalar()
        if first is None:
            return None
        since = as_date(first) - timedelta(days=7)
        pains = self._timed_pains(since)
        choices = self.choices(pains)
        worst: dict[date, int] = {}
        for pain in pains:
            worst[pain.day] = max(worst.get(pain.day, 0), pain.pain)
        catalogue = catalogue or self.catalogue()
        return replay(
            catalogue.versions,
            catalogue.ladders,
            catalogue.exercises,
            choices=choices,
            sessions=self._sessions(since),
            worst=worst,
            flare_days=self._flare_days(since),
            ratings=self.function.ratings(),
            today=today,
        )

    def today(
        self, today: date, minutes: int, place: str, request: SuggestionRequest | None = None
    ) -> ProgramDay | None:
        """Today's program session (or flare mode), with its position; None outside a program.
        `request`: today's suggestion request, when the caller has it already."""
        from stretchtui.core.flare import flare_session
        from stretchtui.core.pain_level import Level
        from stretchtui.core.program_plan import session_for
        from stretchtui.core.program_state import ProgramDay

        catalogue = self.catalogue()
        state = self.state(today, catalogue)
        if state is None:
            return None
        request = request or self.suggestions.suggestion_request(today, minutes, place)
        title = f"{state.program.name}: week {state.week}"
        if state.in_flare:
            session = flare_session(request, catalogue.exercises)
        else:
            session = session_for(state.program, state.phase_index, state.step, request, catalogue.ladders, title=title)
        if not session.blocked:
            gentler = session.level != Level.FULL.value
            session = replace(session, why=(*state.why(gentler_today=gentler), *session.why))
        return ProgramDay(state, session)

    def offer(self, today: date, minutes: int, place: str, request: SuggestionRequest | None = None) -> Offer | None:
        """A program that fits the recent check-ins, for someone not in one (None: none fits, or
        the safety answers or today's pain say not now)."""
        from stretchtui.core.program_offer import offer_for

        request = request or self.suggestions.suggestion_request(today, minutes, place)
        return offer_for(request, self.catalogue().programs())
