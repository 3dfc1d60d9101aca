"""The program screen (issue 18): where you are in your program and why, or which program to start.

In a program: its position, phase and goal, the moves of today's session, flare mode's advice when
it is on, and the program's history with a why line for every change. Not in one: every program,
the one that fits the recent check-ins first, with its weeks and phases. Reached from Today (o)
and the palette. Choices (start, stop, leave flare mode) are written in a thread; the screen then
reads again, so what it shows is always the replayed record (core.program_replay).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from stretchtui.ui.screens.base import FramedScreen
from stretchtui.ui.showing import show_if
from stretchtui.ui.syncing import FollowsTheRecord
from stretchtui.ui.workers import Loaded, post_if_current, store_work

if TYPE_CHECKING:
    from stretchtui.core.lessons import Lesson
    from stretchtui.core.model import Exercise
    from stretchtui.core.program_offer import Offer
    from stretchtui.core.program_state import ProgramDay
    from stretchtui.core.programs import Catalogue, Program

HISTORY_SHOWN = 12


@dataclass(frozen=True)
class ProgramView:
    catalogue: Catalogue
    day: ProgramDay | None
    offer: Offer | None
    lessons: tuple[Lesson, ...] = ()


def program_lines(program: Program, catalogue: Catalogue) -> list[str]:
    """A program's weeks, phases and moves at their written doses, as markup lines."""
    from stretchtui.core.program_plan import item_dose, routine_item
    from stretchtui.core.vocabulary import plural

    exercises = dict(catalogue.exercises)
    lines = [
        f"[b]{escape(program.name)}[/b]  [$text-muted]{plural(program.weeks, 'week')} · "
        f"{plural(program.sessions_per_week, 'session')} a week · by {escape(program.written_by)}[/]",
        escape(program.summary),
    ]
    for index, phase in enumerate(program.phase):
        start = program.phase_start_week(index)
        weeks = f"Week {start}" if phase.weeks == 1 else f"Weeks {start}-{start + phase.weeks - 1}"
        lines += ["", f"[b]{weeks}: {escape(phase.name)}[/b]", f"[$text-muted]{escape(phase.goal)}[/]"]
        for item in phase.item:
            dose = item_dose(item, 0, program, catalogue.ladders, exercises)
            exercise = exercises[dose.exercise_id]
            amount = routine_item(dose, exercises).dose_for(exercise).describe()
            ladder = f"  [$text-muted]({escape(catalogue.ladders[item.ladder].name)} ladder)[/]" if item.ladder else ""
            lines.append(f"  • {escape(exercise.name)}: {amount}{ladder}")
    return lines


class ProgramScreen(FollowsTheRecord, FramedScreen):
    """Your program, or the programs to choose from. Read again whenever it is shown again and
    when the record changes (a session just ended may have put the program in flare mode: an
    outside pass started the full session from a stale screen)."""

    CSS_PATH = "program.tcss"
    TITLE = NAV_SUBTITLE = "Program"
    BACK_ID = "program-back"
    BINDINGS = [
        Binding("enter,g", "go", "Start today's session", id="program-go", key_display="⏎"),
        Binding("s", "start", "Start this program", id="program-start"),
        Binding("r", "resume", "Back from flare", id="program-resume"),
        Binding("x", "stop", "Stop program", id="program-stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: ProgramView | None = None

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="program-list")
        with VerticalScroll(id="program-body"):
            yield Static(Content.from_markup("[b $accent]Program[/]  [$text-muted]…[/]"), id="program-text")

    def reload(self) -> None:
        """What FollowsTheRecord and StretchApp.record_changed call."""
        self.load()

    @store_work(exclusive=True, group="program-load")
    def load(self) -> None:
        store = self.stretch_app.store
        settings = self.stretch_app.settings
        day = self.stretch_app.current_day()
        minutes, place = int(settings["suggest_minutes"]), str(settings["suggest_place"])
        today = store.programs.today(day, minutes, place)
        view = ProgramView(
            store.programs.catalogue(),
            today,
            None if today else store.programs.offer(day, minutes, place),
            store.library.lessons(),
        )
        post_if_current(self, Loaded(view))

    @on(Loaded)
    def _loaded(self, message: Loaded[ProgramView]) -> None:
        self.view = view = message.value
        options = self.query_one(OptionList)
        show_if(options, view.day is None, focus_instead=self.query_one("#program-body"))
        if view.day is None:
            programs = self._choices(view)
            highlighted = options.highlighted
            options.clear_options()
            options.add_options(
                Option(
                    Content.from_markup(
                        "[b]$name[/b]  [$text-muted]$weeks weeks$fits[/]", name=p.name, weeks=p.weeks, fits=fits
                    ),
                    id=p.id,
                )
                for p, fits in programs
            )
            options.highlighted = min(highlighted or 0, len(programs) - 1)
            options.focus()
            self._show_program()
        else:
            self._show_day(view.day, dict(view.catalogue.exercises), view.lessons)
        self.refresh_bindings()

    @staticmethod
    def _choices(view: ProgramView) -> list[tuple[Program, str]]:
        programs = view.catalogue.programs()
        offered = view.offer.program.id if view.offer else None
        ordered = sorted(programs, key=lambda p: p.id != offered)
        return [(p, " · fits your check-ins" if p.id == offered else "") for p in ordered]

    def _highlighted(self) -> Program | None:
        if self.view is None or self.view.day is not None:
            return None
        index = self.query_one(OptionList).highlighted
        choices = self._choices(self.view)
        return choices[index][0] if index is not None and index < len(choices) else None

    @on(OptionList.OptionHighlighted)
    def _show_program(self) -> None:
        program, view = self._highlighted(), self.view
        if program is None or view is None:
            return
        lines = program_lines(program, view.catalogue)
        if view.offer and view.offer.program.id == program.id:
            lines.insert(2, f"[$success]{escape(view.offer.why)}[/]")
        lines += ["", "[$text-muted]s starts it from today. Your sessions and check-ins move it on.[/]"]
        self.query_one("#program-text", Static).update(Content.from_markup("\n".join(lines)))

    def _show_day(self, day: ProgramDay, exercises: dict[str, Exercise], lessons: tuple[Lesson, ...]) -> None:
        from stretchtui.core.days import day_label
        from stretchtui.core.flare import EXPECT, WHEN_TO_CALL
        from stretchtui.core.lessons import new_in_week, unlocked
        from stretchtui.core.model import format_duration

        state, session = day.state, day.session
        phase = state.phase
        lines = [
            f"[b $accent]{escape(state.program.name)}[/]  {state.position()}",
            f"Phase {state.phase_index + 1} of {len(state.program.phase)}: [b]{escape(phase.name)}[/b]. "
            f"[$text-muted]{escape(phase.goal)}[/]",
        ]
        if state.in_flare:
            lines += ["", "[b $warning]Flare mode[/]  [$text-muted]r goes back to the program, one step lower[/]"]
            lines += [f"  {escape(line)}" for line in EXPECT]
            lines += ["", "[b]When to get help[/b]"] + [f"  {escape(line)}" for line in WHEN_TO_CALL]
        lines.append("")
        if session.routine is not None:
            total = format_duration(session.routine.duration_seconds(exercises))
            lines.append(f"[b]Today, {total}[/b]  [$text-muted](⏎ starts it)[/]")
            for item in session.routine.items:
                exercise = exercises[item.exercise_id]
                lines.append(f"  • {escape(exercise.name)}: {item.dose_for(exercise).describe()}")
        else:
            lines.append("[b $warning]No session today.[/]")
        lines += [f"[$text-muted]why[/] {escape(line)}" for line in session.why]
        lines += [f"[$warning]![/] {escape(line)}" for line in session.advice]
        new = new_in_week(lessons, state.week)
        if lessons:
            read = ", ".join(f"“{escape(lesson.title)}”" for lesson in new)
            lines += [
                "",
                f"[b]Lessons[/b]  {len(unlocked(lessons, state.week))} of {len(lessons)} for week {state.week}"
                + (f"; new this week: {read}" if new else "")
                + "  [$text-muted](l on Today reads them)[/]",
            ]
        lines += ["", "[b]What changed, and why[/b]"]
        for change in state.history[-HISTORY_SHOWN:][::-1]:
            when = day_label(change.day, state.today)
            lines.append(f"  {when}  [b]{change.move.value}[/b]  {escape(change.why)}")
        self.query_one("#program-text", Static).update(Content.from_markup("\n".join(lines)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.view
        in_program = view is not None and view.day is not None
        if action == "start":
            return view is not None and not in_program
        if action == "go":
            return in_program and view is not None and view.day is not None and view.day.session.routine is not None
        if action == "stop":
            return in_program
        if action == "resume":
            return in_program and view is not None and view.day is not None and view.day.state.in_flare
        return True

    def action_go(self) -> None:
        """Today's program session, recorded with the prescription in force (as ⏎ on Today)."""
        if self.view is not None and self.view.day is not None:
            self._go()

    @store_work(exclusive=True, group="program-go")
    def _go(self) -> None:
        """Read today's session afresh and start that, not the one on screen: the record may have
        changed a moment ago (a pain of 7 logged in another pane puts the program in flare mode;
        the fourth outside pass started the full session in that second)."""
        settings = self.stretch_app.settings
        store = self.stretch_app.store
        day = store.programs.today(
            self.stretch_app.current_day(), int(settings["suggest_minutes"]), str(settings["suggest_place"])
        )
        self.app.call_from_thread(self.load)  # and show what it starts
        if day is None or day.session.routine is None:
            self.app.call_from_thread(self.notify, "No program session today (see why on the Program screen).")
            return
        exercises = dict(store.programs.catalogue().exercises)
        self.app.call_from_thread(
            self.stretch_app.start_suggested, day.session.routine, exercises, day.state.program.key
        )

    def action_start(self) -> None:
        program = self._highlighted()
        if program is not None:
            self._choose("start", program)

    def action_stop(self) -> None:
        if self.view is not None and self.view.day is not None:
            self._choose("stop", self.view.day.state.program)

    def action_resume(self) -> None:
        if self.view is not None and self.view.day is not None and self.view.day.state.in_flare:
            self._choose("leave-flare", self.view.day.state.program)

    @store_work(group="program-write")
    def _choose(self, choice: str, program: Program) -> None:
        from stretchtui.core.errors import UserError
        from stretchtui.core.program_state import Choice

        try:
            self.stretch_app.store.programs.choose(Choice(choice), program)
        except UserError as refused:  # flare mode stays today (core.flare.flare_stays_because)
            self.app.call_from_thread(self.notify, str(refused), severity="warning", timeout=10, markup=False)
            return
        said = {
            "start": f"Started {program.name}.",
            "stop": f"Stopped {program.name}; your record stays.",
            "leave-flare": f"Back to {program.name}, one step lower.",
        }[choice]
        self.app.call_from_thread(self.notify, said, markup=False)
        self.app.call_from_thread(self.load)
