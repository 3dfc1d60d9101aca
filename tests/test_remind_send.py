"""`stretchtui remind --send` (what the scheduler runs at the set time): what it says given today's
record, the channels it fans out to (each with fakes: the process runner, the environment, the
terminal), and the pending nudge it leaves for the status segment (store.pending_nudge)."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from stretchtui import cli
from stretchtui.commands import nudges
from stretchtui.core.checkins import PainEntry, PainSide, Region
from stretchtui.core.entries import MarkKind
from stretchtui.core.notify import (
    ASK_AGAIN,
    GET_CHECKED,
    GET_HELP_TODAY,
    GOAL_MET,
    Completed,
    Delivery,
    DesktopChannel,
    Kind,
    Notice,
    Quiet,
    StatusChannel,
    TerminalChannel,
    TmuxChannel,
    decide,
    delivery_line,
    fan_out,
    reminder_notice,
)
from stretchtui.core.streaks import DayActivity, Goal
from stretchtui.store.pending_nudge import clear_pending, nudge_path, read_pending, read_pending_short, write_pending

TODAY = date(2026, 11, 21)
OFFER = ("one-minute", "desk-break")
END_OF_DAY = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 04:00 in Berlin, the default day start

# ---------------------------------------------------------------------- what to say


def test_the_decision_table() -> None:
    goal = Goal(1, 5)
    nothing = None
    assert decide(nothing, goal, red_flag=False, blocked=False) == reminder_notice(0, goal)
    assert decide(nothing, goal, red_flag=False, blocked=False, offer=lambda: OFFER) == reminder_notice(0, goal, OFFER)
    # An urgent warning sign says so on any day: a goal met or a rest day does not make it wait.
    for day in (nothing, DayActivity(TODAY, rest_marked=True), DayActivity(TODAY, completed_routines=1)):
        assert decide(day, goal, red_flag=True, blocked=False, urgent=True, offer=lambda: OFFER) == GET_HELP_TODAY
    assert decide(DayActivity(TODAY, completed_routines=1), goal, red_flag=True, blocked=True) == GOAL_MET
    assert decide(DayActivity(TODAY, completed_hold_seconds=300), goal, red_flag=False, blocked=False) == GOAL_MET
    assert decide(DayActivity(TODAY, rest_marked=True), goal, red_flag=False, blocked=False) == Quiet(
        "today is marked a rest day: no reminder"
    )
    # An open red flag is said on a rest or flare day too: getting checked does not wait for a good day.
    for day in (
        DayActivity(TODAY, rest_marked=True),
        DayActivity(TODAY, flare_marked=True),
        DayActivity(TODAY, max_pain=9),
    ):
        assert decide(day, goal, red_flag=True, blocked=False) == GET_CHECKED
    assert decide(DayActivity(TODAY, flare_marked=True), goal, red_flag=False, blocked=False) == Quiet(
        "today is marked a flare day: no reminder"
    )
    assert decide(DayActivity(TODAY, max_pain=7), goal, red_flag=False, blocked=False) == Quiet(
        "you noted pain of 7/10 today (a flare day): no reminder"
    )
    assert decide(DayActivity(TODAY, max_pain=6), goal, red_flag=True, blocked=True) == GET_CHECKED
    assert decide(nothing, goal, red_flag=False, blocked=True) == ASK_AGAIN
    partial = DayActivity(TODAY, completed_routines=1, sessions=2)
    assert decide(partial, Goal(2, 10), red_flag=False, blocked=False) == reminder_notice(1, Goal(2, 10))


def test_the_words() -> None:
    assert reminder_notice(0, Goal(1, 5), OFFER).body == (
        "Time for your stretch: 0 of 1 routine today. Run stretchtui, or stretchtui start desk-break."
    )
    assert reminder_notice(0, Goal(1, 5)).body == (  # no routine named: the app's suggestion instead
        "Time for your stretch: 0 of 1 routine today. Run stretchtui for today's suggestion, made for what you told it."
    )
    assert reminder_notice(1, Goal(2, 10)).body.startswith("Time for your stretch: 1 of 2 routines today.")
    assert GET_CHECKED.line == (
        "stretchtui: A warning sign you noted is still open: please get checked by a doctor or "
        "physiotherapist before stretching."
    )
    for notice in (reminder_notice(0, Goal(3, 15)), reminder_notice(0, Goal(3, 15), OFFER), GET_CHECKED, ASK_AGAIN):
        assert len(notice.body) <= 120  # what a terminal notification carries (core.cues)
        assert notice.body.isprintable() and notice.short.isprintable()


# ---------------------------------------------------------------------- the channels, with fakes


class FakeRunner:
    """Answers by the program's first argument after its name; logs every call."""

    def __init__(self, answers: Mapping[str, Completed] | None = None) -> None:
        self.answers = dict(answers or {})
        self.calls: list[tuple[list[str], dict[str, str] | None]] = []

    def __call__(
        self, argv: Sequence[str], *, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> Completed:
        self.calls.append((list(argv), None if env is None else dict(env)))
        return self.answers.get(argv[1], Completed(0))


def on_path(*names: str):
    return lambda name: f"/usr/bin/{name}" if name in names else None


NOTICE = reminder_notice(0, Goal(1, 5), ("desk-break",))


def test_desktop_notification_needs_the_program_and_a_session() -> None:
    run = FakeRunner()
    assert DesktopChannel(run, {"DISPLAY": ":0"}, on_path(), lambda _: False, 1000).send(NOTICE) == Delivery(
        "desktop notification", False, "notify-send is not installed"
    )
    assert DesktopChannel(run, {}, on_path("notify-send"), lambda _: False, 1000).send(NOTICE) == Delivery(
        "desktop notification", False, "no desktop session"
    )
    assert run.calls == []
    # Under cron: no bus address in the environment, but the session's bus socket is where it always is.
    seen: list[str] = []
    channel = DesktopChannel(run, {"HOME": "/h"}, on_path("notify-send"), lambda p: seen.append(p) or True, 1000)
    assert channel.send(NOTICE) == Delivery("desktop notification", True)
    assert seen == ["/run/user/1000/bus"]
    argv, env = run.calls[0]
    assert argv == ["/usr/bin/notify-send", "--app-name", "stretchtui", "--", "stretchtui", NOTICE.body]
    assert env == {"HOME": "/h", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}


def test_a_failing_notify_send_is_a_failed_delivery() -> None:
    run = FakeRunner({"--app-name": Completed(1, "", "GDBus.Error: no notification daemon\nmore")})
    channel = DesktopChannel(run, {"WAYLAND_DISPLAY": "wayland-0"}, on_path("notify-send"), lambda _: False, 1)
    assert channel.send(NOTICE) == Delivery("desktop notification", False, "GDBus.Error: no notification daemon")


class FakeTty(io.StringIO):
    def close(self) -> None:
        self.closed_text = self.getvalue()
        super().close()


def test_terminal_notification_only_with_a_controlling_terminal() -> None:
    def no_tty() -> io.StringIO:
        raise OSError(6, "No such device or address")

    assert TerminalChannel(no_tty, {}).send(NOTICE) == Delivery("terminal", False, "no terminal")
    tty = FakeTty()
    assert TerminalChannel(lambda: tty, {}).send(NOTICE) == Delivery("terminal", True)
    assert tty.closed_text == (f"\x1b]9;stretchtui: {NOTICE.body}\x07\x1b]777;notify;stretchtui;{NOTICE.body}\x07")
    in_tmux = FakeTty()
    TerminalChannel(lambda: in_tmux, {"TMUX": "/tmp/tmux-1/default,1,0"}).send(NOTICE)
    assert in_tmux.closed_text.startswith("\x1bPtmux;\x1b\x1b]9;stretchtui: ")


def test_tmux_shows_the_line_on_every_attached_client() -> None:
    assert TmuxChannel(FakeRunner(), on_path()).send(NOTICE) == Delivery("tmux", False, "tmux is not installed")
    no_server = FakeRunner({"list-clients": Completed(1, "", "no server running on /tmp/tmux-1/default")})
    assert TmuxChannel(no_server, on_path("tmux")).send(NOTICE) == Delivery("tmux", False, "no tmux server")
    run = FakeRunner({"list-clients": Completed(0, "/dev/pts/1\n/dev/pts/4\n")})
    hashed = Notice(Kind.REMIND, "#(rm -rf ~) #{client_name}", "x")
    assert TmuxChannel(run, on_path("tmux")).send(hashed) == Delivery("tmux", True, "2 clients")
    shown = [argv for argv, _ in run.calls[1:]]
    assert shown == [
        ["/usr/bin/tmux", "display-message", "-d", "15000", "-c", client, "stretchtui: ##(rm -rf ~) ##{client_name}"]
        for client in ("/dev/pts/1", "/dev/pts/4")
    ]
    assert run.calls[0][0] == ["/usr/bin/tmux", "list-clients", "-F", "#{client_name}\t#{client_width}"]


def test_tmux_cuts_the_line_at_a_word_to_each_clients_width() -> None:
    """tmux cut a long line at the client's edge, mid-word ("…in the mid" for "middle"): each
    client gets it cut at a word, with an ellipsis, and a wide one the whole line."""
    line = "Please answer the safety questions again before your next stretch: run stretchtui safety."
    run = FakeRunner({"list-clients": Completed(0, "/dev/pts/1\t40\n/dev/pts/4\t200\n/dev/pts/5\t\n")})
    assert TmuxChannel(run, on_path("tmux")).send(Notice(Kind.REMIND, line, "x")).delivered
    narrow, wide, unknown = (argv[-1] for argv, _ in run.calls[1:])
    assert narrow == "stretchtui: Please answer the safety…" and len(narrow) <= 40
    assert wide == unknown == f"stretchtui: {line}"


def test_an_old_tmux_without_a_display_time_still_shows_it() -> None:
    run = FakeRunner({"list-clients": Completed(0, "/dev/pts/1\n")})
    answers = iter([Completed(1, "", "unknown flag -d"), Completed(0)])
    old = TmuxChannel(lambda argv, **_: run(argv) if argv[1] == "list-clients" else next(answers), on_path("tmux"))
    assert old.send(NOTICE) == Delivery("tmux", True, "1 client")


class Recording:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Notice] = []

    def send(self, notice: Notice) -> Delivery:
        self.sent.append(notice)
        return Delivery(self.name, True)


class Broken:
    name = "broken"

    def send(self, notice: Notice) -> Delivery:
        raise RuntimeError("boom")


def test_one_failing_channel_never_stops_the_others() -> None:
    first, last = Recording("first"), Recording("last")
    deliveries = fan_out(NOTICE, [first, Broken(), last])
    assert deliveries == [
        Delivery("first", True),
        Delivery("broken", False, "failed: RuntimeError"),
        Delivery("last", True),
    ]
    assert first.sent == last.sent == [NOTICE]
    assert delivery_line(deliveries) == "reminder sent: first, last"
    assert delivery_line([Delivery("tmux", True, "2 clients")]) == "reminder sent: tmux (2 clients)"
    assert delivery_line([Delivery("a", False, "no terminal"), Delivery("b", False)]) == (
        "reminder not delivered anywhere (a: no terminal)"
    )


# ---------------------------------------------------------------------- the pending nudge


def test_pending_nudge_lasts_until_the_end_of_the_day(tmp_path: Path) -> None:
    db = tmp_path / "stretchtui.db"
    now = END_OF_DAY - timedelta(hours=18)
    assert read_pending(db, now) is None
    write_pending(db, "time to stretch", END_OF_DAY)
    assert stat.S_IMODE(os.stat(nudge_path(db)).st_mode) == 0o600
    assert read_pending(db, now) == "time to stretch"
    assert read_pending_short(str(db), END_OF_DAY.timestamp() - 1) == "time to stretch"
    assert read_pending(db, END_OF_DAY) is None
    clear_pending(db)
    clear_pending(db)  # twice: fine
    assert read_pending(db, now) is None
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind
    with pytest.raises(ValueError):
        write_pending(db, "two\nlines", END_OF_DAY)
    with pytest.raises(ValueError):
        write_pending(db, "x", END_OF_DAY.replace(tzinfo=None))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"1e300\n",
        b"nan\ntext\n",
        b"1e300\n\x1b]2;owned\x07\n",
        b"1e300\nfine\nextra\n",
        b"1e300\n\xff\n",
        b"1e300\n" + b"x" * 600 + b"\n",
    ],
)
def test_a_pending_nudge_file_that_is_not_right_reads_as_none(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "stretchtui.db"
    Path(nudge_path(db)).write_bytes(content)
    assert read_pending(db, END_OF_DAY) is None


def test_a_pending_nudge_is_never_read_through_a_link_or_from_a_folder(tmp_path: Path) -> None:
    db = tmp_path / "stretchtui.db"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("1e300\nhello\n")
    os.symlink(elsewhere, nudge_path(db))
    assert read_pending(db, END_OF_DAY) is None
    os.unlink(nudge_path(db))
    os.mkdir(nudge_path(db))
    assert read_pending(db, END_OF_DAY) is None


# ---------------------------------------------------------------------- the command, on a database


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch) -> list[Recording]:
    """Fake desktop, terminal and tmux channels (one of them broken), and the real status channel."""
    recorded = [Recording("desktop notification"), Recording("tmux")]

    def make(write_status, environ=None):
        return [recorded[0], Broken(), recorded[1], StatusChannel(write_status)]

    monkeypatch.setattr(nudges, "default_channels", make)
    return recorded


def send(capsys, db_path: Path) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db_path), "remind", "--send"])
    out, err = capsys.readouterr()
    return code, out, err


def sent(channels: list[Recording]) -> list[Notice]:
    assert channels[0].sent == channels[1].sent
    return channels[0].sent


def test_goal_not_met_reminds_everywhere(store, db_path, clock, capsys, channels) -> None:
    store.safety.save_safety(answers={})  # every answer no
    store.close()
    code, out, err = send(capsys, db_path)
    assert (code, err) == (0, "")
    assert out == "reminder sent: desktop notification, tmux, status line\n"
    assert sent(channels) == [reminder_notice(0, Goal(1, 5), OFFER)]
    assert read_pending(db_path, clock.now()) == "time to stretch"
    assert read_pending(db_path, END_OF_DAY) is None  # gone when the logical day ends


def test_goal_met_sends_nothing_and_clears_the_nudge(store, db_path, clock, capsys, channels) -> None:
    write_pending(db_path, "time to stretch", END_OF_DAY)
    store.sessions.record_backfill("desk-break", clock.now(), 10)
    store.close()
    assert send(capsys, db_path) == (0, "goal met today: no reminder\n", "")
    assert sent(channels) == []
    assert read_pending(db_path, clock.now()) is None


def test_a_rest_day_sends_nothing(store, db_path, capsys, channels) -> None:
    store.corrections.set_day_mark(TODAY, MarkKind.REST, force=True)
    store.close()
    assert send(capsys, db_path) == (0, "today is marked a rest day: no reminder\n", "")
    assert sent(channels) == []


def test_a_flare_day_sends_nothing(store, db_path, capsys, channels) -> None:
    store.corrections.set_day_mark(TODAY, MarkKind.FLARE, force=True)
    store.close()
    assert send(capsys, db_path)[1] == "today is marked a flare day: no reminder\n"
    assert sent(channels) == []


@pytest.mark.parametrize("ended", ["left open", "partial", "discarded"])
def test_pain_of_7_before_a_session_sends_nothing_whatever_became_of_it(
    store, db_path, clock, capsys, channels, ended: str
) -> None:
    """7/10 given before a session is a flare's pain, as in a check-in: no reminder that day,
    whether the session was killed mid-way (left open) or saved as partial with a lower pain after
    (an outside pass found "time to stretch" sent); a discarded session is not the record."""
    from stretchtui.core.sessions import SessionStatus

    store.safety.save_safety(answers={})
    clock.advance(60)
    info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76, pain_before=7)
    if ended != "left open":
        status = SessionStatus.PARTIAL if ended == "partial" else SessionStatus.DISCARDED
        store.sessions.finish_session(info.id, status, active_seconds=10, pain_after=6 if ended == "partial" else None)
    store.close()
    code, out, _ = send(capsys, db_path)
    if ended == "discarded":
        assert out.startswith("reminder sent") and sent(channels)
    else:
        assert (code, out) == (0, "you noted pain of 7/10 today (a flare day): no reminder\n")
        assert sent(channels) == []


@pytest.mark.parametrize("noted", ["pain after 7", "pain after 9", "this hurts 10"])
def test_pain_noted_after_or_during_a_session_sends_nothing(store, db_path, clock, capsys, channels, noted) -> None:
    """Pain of 7/10 or more after a session, or a "this hurts" of 10 in one, is a flare's pain that
    day as a check-in's is: no reminder (an outside pass found "time to stretch" sent, and with a 9
    after, "answer the questions first")."""
    from stretchtui.core.sessions import Outcome, SessionStatus, Side, StepRecord

    store.safety.save_safety(answers={})
    clock.advance(60)
    info = store.sessions.start_session("one-minute", "One-Minute Unwind", 76, pain_before=2)
    if noted == "this hurts 10":
        step = StepRecord(0, "cat-cow", "Cat-Cow", 1, Side.BOTH, 30, 5.0, 0, 0, Outcome.HURT, 10)
        store.sessions.record_step(info.id, step, active_seconds=5.0, resume_state={"timer": {}, "routine": {}})
        store.sessions.finish_session(info.id, SessionStatus.PARTIAL, active_seconds=5)
    else:
        after = int(noted.split()[-1])
        store.sessions.finish_session(info.id, SessionStatus.PARTIAL, active_seconds=10, pain_after=after)
    store.close()
    code, out, _ = send(capsys, db_path)
    assert code == 0 and out.endswith("(a flare day): no reminder\n"), out
    assert sent(channels) == []


def test_an_open_red_flag_says_get_checked_instead(store, db_path, clock, capsys, channels) -> None:
    store.safety.save_safety(answers={"cancer": True})
    store.close()
    code, out, _ = send(capsys, db_path)
    assert code == 0 and out.startswith("reminder sent: ")
    assert sent(channels) == [GET_CHECKED]
    assert "stretch:" not in GET_CHECKED.body and "diagnos" not in GET_CHECKED.body
    assert read_pending(db_path, clock.now()) == "please get checked"


def test_questions_to_answer_again_come_before_a_stretch(store, db_path, capsys, channels) -> None:
    store.safety.save_safety(answers={})
    legs = [PainEntry(Region.LEG, 3, PainSide.LEFT), PainEntry(Region.LEG, 3, PainSide.RIGHT)]
    store.checkins.add_checkin(legs)  # leg pain on both sides asks the questions again
    store.close()
    send(capsys, db_path)
    assert sent(channels) == [ASK_AGAIN]


def test_without_a_database_nothing_is_created(tmp_path: Path, capsys, channels) -> None:
    db = tmp_path / "none" / "stretchtui.db"
    code, out, err = send(capsys, db)
    assert code == 1 and out == "" and err.startswith("stretchtui: no database at ") and err.count("\n") == 1
    assert not db.parent.exists()
    assert sent(channels) == []


def test_the_real_channels_with_fake_programs(store, db_path, clock, capsys, tmp_path, monkeypatch) -> None:
    """default_channels wired to fake notify-send and tmux on PATH, under cron: no terminal."""
    store.safety.save_safety(answers={})
    store.close()
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for name, body in (("notify-send", ""), ("tmux", '[ "$1" = list-clients ] && echo /dev/pts/7')):
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{body}\nexit 0\n')
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nowhere")
    monkeypatch.delenv("TMUX", raising=False)

    def no_tty():
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(nudges, "_open_tty", no_tty)
    code, out, err = send(capsys, db_path)
    assert (code, err) == (0, "")
    assert out == "reminder sent: desktop notification, tmux (1 client), status line\n"
    body = reminder_notice(0, Goal(1, 5), OFFER).body
    assert log.read_text().splitlines() == [
        f"notify-send --app-name stretchtui -- stretchtui {body}",
        "tmux list-clients -F #{client_name}\t#{client_width}",
        f"tmux display-message -d 15000 -c /dev/pts/7 stretchtui: {body}",
    ]
    assert read_pending(db_path, clock.now()) == "time to stretch"


def test_the_status_line_drops_time_to_stretch_once_done_or_once_a_red_flag_opens(
    store, db_path, clock, capsys, channels
) -> None:
    """The reminder's few words stay in the status line until the day ends, but never say to
    stretch after the goal is met, nor after a warning sign is noted (then: get checked)."""
    from stretchtui.commands import quick

    store.safety.save_safety(answers={})
    store.close()
    send(capsys, db_path)

    def status_line() -> str:
        assert cli.main(["--db", str(db_path), "status"]) == 0
        full = capsys.readouterr().out
        assert quick.run(["--db", str(db_path), "status"], clock.now().timestamp(), os.environ) == 0
        assert capsys.readouterr().out == full  # the quick path says the same
        return full

    assert status_line() == "· 0d streak, not yet today · time to stretch\n"
    assert (
        cli.main(["--db", str(db_path), "log", "--pain", "4", "--note", "numb around my bottom since this morning"])
        == 0
    )
    capsys.readouterr()
    assert status_line() == "· 0d streak, not yet today · safety questions first\n"  # the note asks again
    assert cli.main(["--db", str(db_path), "safety", "--answers", "saddle"]) == 0
    capsys.readouterr()
    assert status_line() == "· 0d streak, not yet today · get medical help today\n"  # an urgent sign
    assert cli.main(["--db", str(db_path), "safety", "--answers", "none"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "record", "desk-break", "--minutes", "5"]) == 0
    capsys.readouterr()
    assert status_line() == "✓ 1d streak, done today\n"


def test_the_status_line_follows_the_days_record_after_the_reminder_went(
    store, db_path, clock, capsys, channels
) -> None:
    """Whatever changes today's record after "time to stretch" was sent (a rest or flare day
    marked, removed, brought back by undo; pain of a flare noted and removed), the status line
    says what the reminder would say now: the same decision, not a copy of it."""
    from stretchtui.commands import quick

    store.safety.save_safety(answers={})
    store.close()
    send(capsys, db_path)

    def run(*argv: str) -> str:
        assert cli.main(["--db", str(db_path), *argv]) == 0
        return capsys.readouterr().out

    def status_line() -> str:
        full = run("status")
        assert quick.run(["--db", str(db_path), "status"], clock.now().timestamp(), os.environ) == 0
        assert capsys.readouterr().out == full  # the quick path says the same
        return full

    reminding = "· 0d streak, not yet today · time to stretch\n"
    quiet = "· 0d streak, not yet today\n"
    assert status_line() == reminding
    for mark in (["rest"], ["rest", "--flare"]):
        run(*mark)
        assert status_line() == quiet
        run("remove", "--yes", run("entries").splitlines()[1].split()[0])
        assert status_line() == reminding
        run("undo")
        assert status_line() == quiet  # the day mark is back, and with it the quiet
        run("remove", "--yes", run("entries").splitlines()[1].split()[0])
        assert status_line() == reminding
    run("log", "--pain", "8")  # a flare's pain: rest, no reminder
    assert status_line() == quiet
    run("remove", "--yes", run("entries").splitlines()[1].split()[0])
    assert status_line() == reminding


def test_a_warning_sign_cleared_after_the_reminder_went_is_no_longer_shown(
    store, db_path, clock, capsys, channels
) -> None:
    """Sent while a warning sign was open, the reminder said to get checked; once the answers
    change, the status line says what it would say now."""
    from stretchtui.commands import quick

    store.close()
    for answers, words in (("saddle", "get medical help today"), ("night", "please get checked")):
        assert cli.main(["--db", str(db_path), "safety", "--answers", answers]) == 0
        send(capsys, db_path)
        assert cli.main(["--db", str(db_path), "status"]) == 0
        assert capsys.readouterr().out == f"· 0d streak, not yet today · {words}\n"
        assert cli.main(["--db", str(db_path), "safety", "--answers", "none"]) == 0
        capsys.readouterr()
        assert cli.main(["--db", str(db_path), "status"]) == 0
        assert capsys.readouterr().out == "· 0d streak, not yet today · time to stretch\n"
        assert quick.run(["--db", str(db_path), "status"], clock.now().timestamp(), os.environ) == 0
        assert capsys.readouterr().out == "· 0d streak, not yet today · time to stretch\n"
