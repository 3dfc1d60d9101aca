"""The daily reminder's message, and the channels that carry it (`stretchtui remind --send`).

What to say is decided from today's record alone (`decide`): nothing once the day's goal is met or
on a rest or flare day; the advice to get checked instead of a reminder while a red flag is open.
Then every channel available here is tried (`fan_out`): a desktop notification (notify-send), the
terminal we run in (OSC 9 and OSC 777), every attached tmux client, and the status segment. A
channel that is missing says so; one that fails never stops the others, and never ends the command
with a traceback.

Each channel gets what it touches from outside (a process runner, the environment, a way to open
the terminal, a writer for the status file), so this module does no I/O of its own and tests give
each one a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import IO, TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from stretchtui.core.cues import notification
from stretchtui.core.entries import MARK_NOUNS, MarkKind
from stretchtui.core.nudge_words import ASK_AGAIN_SHORT, GET_CHECKED_SHORT, GET_HELP_SHORT, REMIND_SHORT
from stretchtui.core.safety import is_gentle
from stretchtui.core.session_gate import session_gate
from stretchtui.core.streaks import FLARE_PAIN, DayActivity, Goal
from stretchtui.core.vocabulary import noun_for, plural

if TYPE_CHECKING:
    from stretchtui.core.model import Exercise, Routine
    from stretchtui.core.safety import SafetyCheck

HEADING = "stretchtui"
NOTIFY_TIMEOUT_SECONDS = 10.0
TMUX_DISPLAY_MS = 15_000  # tmux shows a message for display-time (750 ms by default): too short to notice


class Kind(StrEnum):
    REMIND = "remind"  # the goal is not met yet
    GET_CHECKED = "get-checked"  # a red flag is open: no stretching until checked
    ASK_AGAIN = "ask-again"  # the safety questions must be answered again first
    BREAK = "break"  # a long stretch at the terminal (core.activity): time to get up


@dataclass(frozen=True)
class Notice:
    """What the reminder says: `body` for a notification, `line` for one line of text (tmux, a
    terminal), `short` for the status segment."""

    kind: Kind
    body: str
    short: str

    @property
    def line(self) -> str:
        return f"{HEADING}: {self.body}"


GET_CHECKED = Notice(
    Kind.GET_CHECKED,
    "A warning sign you noted is still open: please get checked by a doctor or physiotherapist before stretching.",
    GET_CHECKED_SHORT,
)
GET_HELP_TODAY = Notice(  # an urgent warning sign (core.safety.State.URGENT): no waiting for a good day
    Kind.GET_CHECKED,
    "A warning sign you noted needs medical help today: contact a doctor or urgent care now.",
    GET_HELP_SHORT,
)
ASK_AGAIN = Notice(
    Kind.ASK_AGAIN,
    "Please answer the safety questions again before your next stretch: run stretchtui safety.",
    ASK_AGAIN_SHORT,
)


QUICK_ROUTINES = {"one-minute": "about a minute", "desk-break": "3-4 minutes"}
"""The built-in routines a nudge may name, with how long each takes, shortest first."""


def routines_to_offer(
    check: SafetyCheck, routines: Mapping[str, Routine], exercises: Mapping[str, Exercise], *, gentle_only: bool
) -> tuple[str, ...]:
    """The QUICK_ROUTINES a nudge may name for this person: those the session gate would start at
    once (core.session_gate: no warning sign, no questions to answer again, nothing beyond gentle
    moves while unanswered, no move one of their conditions rules out), and, on a day today's
    suggestion is gentler than full (`gentle_only`: pain, a rising trend, flare mode), only those
    whose every move is gentle (core.safety.is_gentle). A nudge never leads past either; for
    anyone else it points to the app, whose suggestion is made for the day."""
    offered = []
    for routine_id in QUICK_ROUTINES:
        routine = routines.get(routine_id)
        if routine is None:
            continue
        moves = [i.exercise_id for i in routine.items]
        if gentle_only and not all(m in exercises and is_gentle(exercises[m]) for m in moves):
            continue
        if not session_gate(check, moves, exercises):
            offered.append(routine_id)
    return tuple(offered)


def _named(offer: Sequence[str]) -> str:
    """ "stretchtui start one-minute (about a minute) or desk-break (3-4 minutes)" """
    return "stretchtui start " + " or ".join(f"{i} ({QUICK_ROUTINES[i]})" for i in offer)


def reminder_notice(done_routines: int, goal: Goal, offer: Sequence[str] = ()) -> Notice:
    """'Time for your stretch: 0 of 1 routine today. Run stretchtui, or stretchtui start desk-break.'
    A routine is named only when it is in `offer` (routines_to_offer)."""
    wanted = goal.routines_per_day
    run = "Run stretchtui, or stretchtui start desk-break." if "desk-break" in offer else _sentence(_SUGGESTED)
    return Notice(
        Kind.REMIND,
        f"Time for your stretch: {done_routines} of {wanted} {noun_for(wanted, 'routine')} today. {run}",
        REMIND_SHORT,
    )


_SUGGESTED = "run stretchtui for today's suggestion, made for what you told it."


def break_notice(
    minutes: int | None,
    *,
    routine_ok: bool,
    offer: Sequence[str] = (),
    urgent: bool = False,
    red_flag: bool = False,
) -> Notice:
    """What a break says after `minutes` at the terminal (None: the break was taken). A routine is
    offered only when today's suggestion would give one (`routine_ok`), and by name only when it is
    in `offer` (routines_to_offer); otherwise standing up and moving gently. A warning sign comes
    first, so a line cut short still carries it: an urgent one asks for medical help today, another
    for a check before stretching."""
    spent = f"{plural(minutes, 'minute')} at the terminal: " if minutes is not None else ""
    if urgent:
        return Notice(
            Kind.BREAK,
            f"{GET_HELP_TODAY.body} " + _sentence(f"{spent}stand up and move only as is comfortable."),
            GET_HELP_SHORT,
        )
    if red_flag or not routine_ok:
        first = "A warning sign you noted is open: please get checked before stretching. " if red_flag else ""
        return Notice(
            Kind.BREAK,
            first + _sentence(f"{spent}stand up and move gently for a minute; no routine today."),
            GET_CHECKED_SHORT if red_flag else f"break? {minutes}m at the desk",
        )
    if not offer:
        return Notice(
            Kind.BREAK,
            _sentence(f"{spent}time for a short break: stand up and move gently. ") + _sentence(_SUGGESTED)
            if minutes is not None
            else f"For a routine: {_SUGGESTED}",
            f"break? {minutes}m at the desk",
        )
    return Notice(
        Kind.BREAK,
        _sentence(f"{spent}time for a short break. {_named(offer)}; or stretchtui break later / skip.")
        if minutes is not None
        else f"For a short routine: {_named(offer)}.",
        f"break? {minutes}m at the desk",
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class Quiet(NamedTuple):
    """Why nothing is sent today, as the command prints it."""

    reason: str


GOAL_MET = Quiet("goal met today: no reminder")


def decide(
    today: DayActivity | None,
    goal: Goal,
    *,
    red_flag: bool,
    blocked: bool,
    urgent: bool = False,
    offer: Callable[[], Sequence[str]] = tuple,
) -> Notice | Quiet:
    """What today's reminder says, or why it says nothing. `today` is the day's summary (None: nothing
    recorded yet); `red_flag`, `blocked` as core.safety.SafetyCheck has them, `urgent` when its
    state is URGENT; `offer` gives the routines it may name (routines_to_offer), asked only when it
    reminds (it reads the whole day, as `suggest` does). A rest or flare day is
    one the streak counts as such: marked so, or a day with pain of FLARE_PAIN or more noted."""
    activity = today or DayActivity(day=date.min)  # nothing recorded: an empty day
    if urgent:  # medical help today waits for nothing, a goal met or a rest day
        return GET_HELP_TODAY
    if goal.met_by(activity):
        return GOAL_MET
    if red_flag:  # before a rest or flare day: getting checked does not wait for a good day
        return GET_CHECKED
    if activity.rest_marked:
        return Quiet(f"today is marked a {MARK_NOUNS[MarkKind.REST]}: no reminder")
    if activity.flare_marked:
        return Quiet(f"today is marked a {MARK_NOUNS[MarkKind.FLARE]}: no reminder")
    if activity.max_pain is not None and activity.max_pain >= FLARE_PAIN:
        return Quiet(f"you noted pain of {activity.max_pain}/10 today (a flare day): no reminder")
    if blocked:
        return ASK_AGAIN
    return reminder_notice(activity.completed_routines, goal, offer())


# ---------------------------------------------------------------------- what channels touch


class Completed(NamedTuple):
    """What a process gave back. A program that is missing or did not answer in time is a failure
    (127, 124), as a shell reports them."""

    returncode: int
    stdout: str = ""
    stderr: str = ""


class Runner(Protocol):
    def __call__(
        self, argv: Sequence[str], *, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> Completed: ...


Which = Callable[[str], str | None]
OpenTty = Callable[[], IO[str]]  # the controlling terminal, opened for writing; OSError without one


class Delivery(NamedTuple):
    channel: str
    delivered: bool
    detail: str = ""  # why not, or what (e.g. '2 clients')


class Channel(Protocol):
    name: str

    def send(self, notice: Notice) -> Delivery: ...


class _ProgramChannel:
    """A channel that runs a program (`PROGRAM`): not delivered, and why, when it is not installed."""

    PROGRAM: ClassVar[str]
    name: str
    which: Which

    def send(self, notice: Notice) -> Delivery:
        program = self.which(self.PROGRAM)
        if program is None:
            return Delivery(self.name, False, f"{self.PROGRAM} is not installed")
        return self.send_with(program, notice)

    def send_with(self, program: str, notice: Notice) -> Delivery:
        raise NotImplementedError


@dataclass
class DesktopChannel(_ProgramChannel):
    """notify-send, when it is installed and there is a session to show it in: a D-Bus session bus
    (named in the environment, or the usual socket in the runtime directory: a cron job is not told
    of it), or a display."""

    run: Runner
    environ: Mapping[str, str]
    which: Which
    bus_socket_exists: Callable[[str], bool]
    uid: int
    name: str = "desktop notification"
    PROGRAM = "notify-send"

    def send_with(self, program: str, notice: Notice) -> Delivery:
        env = dict(self.environ)
        if not env.get("DBUS_SESSION_BUS_ADDRESS"):
            runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{self.uid}"
            bus = f"{runtime}/bus"
            if self.bus_socket_exists(bus):
                env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        if not (env.get("DBUS_SESSION_BUS_ADDRESS") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
            return Delivery(self.name, False, "no desktop session")
        done = self.run([program, "--app-name", HEADING, "--", HEADING, clean(notice.body)], env=env)
        return Delivery(self.name, done.returncode == 0, "" if done.returncode == 0 else _first_line(done))


@dataclass
class TerminalChannel:
    """OSC 9 and OSC 777 to the terminal we run in (wrapped for tmux inside tmux). Under cron or a
    systemd timer there is no controlling terminal: opening it fails and the channel is skipped."""

    open_tty: OpenTty
    environ: Mapping[str, str]
    name: str = "terminal"

    def send(self, notice: Notice) -> Delivery:
        try:
            tty = self.open_tty()
        except OSError:
            return Delivery(self.name, False, "no terminal")
        with tty:
            tty.write(notification(HEADING, notice.body, in_tmux=bool(self.environ.get("TMUX"))))
            tty.flush()
        return Delivery(self.name, True)


@dataclass
class TmuxChannel(_ProgramChannel):
    """`tmux display-message` on every attached client of the default tmux server, each cut at a
    word to the client's width (tmux cuts it mid-word at the edge of the status line)."""

    run: Runner
    which: Which
    name: str = "tmux"
    PROGRAM = "tmux"

    def send_with(self, program: str, notice: Notice) -> Delivery:
        listed = self.run([program, "list-clients", "-F", "#{client_name}\t#{client_width}"])
        if listed.returncode != 0:
            return Delivery(self.name, False, "no tmux server")
        clients = [line.split("\t") for line in listed.stdout.splitlines() if line.strip()]
        if not clients:
            return Delivery(self.name, False, "no attached client")
        reached = 0
        for name, *width in clients:
            client = name.strip()
            columns = int(width[0]) if width and width[0].strip().isdigit() else None
            text = tmux_text(notice.line, columns)
            shown = self.run([program, "display-message", "-d", str(TMUX_DISPLAY_MS), "-c", client, text])
            if shown.returncode != 0:  # tmux before 3.2 has no -d: its default display time, then
                shown = self.run([program, "display-message", "-c", client, text])
            reached += shown.returncode == 0
        detail = f"{reached} {noun_for(reached, 'client')}"
        return Delivery(self.name, reached > 0, detail)


@dataclass
class StatusChannel:
    """The status segment (`stretchtui status`): a small file it reads until the day ends."""

    write: Callable[[str], None]
    name: str = "status line"

    def send(self, notice: Notice) -> Delivery:
        self.write(notice.short)
        return Delivery(self.name, True)


def fan_out(notice: Notice, channels: Sequence[Channel]) -> list[Delivery]:
    """Every channel, in order; one that fails (any exception) is a failed delivery, and the rest
    still run."""
    deliveries = []
    for channel in channels:
        try:
            deliveries.append(channel.send(notice))
        except Exception as error:  # one broken channel must not keep the others from the person
            deliveries.append(Delivery(channel.name, False, f"failed: {type(error).__name__}"))
    return deliveries


def delivery_line(deliveries: Sequence[Delivery]) -> str:
    """'reminder sent: desktop notification, tmux (2 clients), status line' (one line)."""
    sent = [d.channel + (f" ({d.detail})" if d.detail else "") for d in deliveries if d.delivered]
    if sent:
        return "reminder sent: " + ", ".join(sent)
    missed = "; ".join(f"{d.channel}: {d.detail}" for d in deliveries if d.detail)
    return "reminder not delivered anywhere" + (f" ({missed})" if missed else "")


# ---------------------------------------------------------------------- text rules


def clean(text: str) -> str:
    """One line without control characters (no ESC, no newline), for any terminal or program."""
    return "".join(" " if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in text)


def tmux_text(text: str, columns: int | None = None) -> str:
    """`text` for display-message, which expands formats: `#` doubled, so nothing in it runs; cut
    at a word to `columns` (a client's width) when given."""
    from stretchtui.core.plain_text import cut_at_word

    shown = clean(text)
    return (cut_at_word(shown, columns) if columns else shown).replace("#", "##")


def _first_line(done: Completed) -> str:
    lines = (done.stderr or done.stdout).strip().splitlines()
    return clean(lines[0])[:80] if lines else f"exit status {done.returncode}"
