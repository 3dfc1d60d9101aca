"""Measured sitting (core.activity, store.activity, store.ticks): ticks become active spans, a
day's estimate, when a break is due, and what the commands `tick`, `activity` and `break` do."""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtui import cli
from stretchtui.core import activity
from stretchtui.core.activity import IDLE_GAP_SECONDS, POSTPONE_SECONDS
from stretchtui.core.activity_hooks import (
    BEGIN,
    END,
    Shell,
    has_block,
    shell_snippet,
    tmux_snippet,
    with_block,
    without_block,
)
from stretchtui.core.breaks import BreakKind
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.sessions import SessionStatus
from stretchtui.core.vocabulary import Condition
from stretchtui.store.store import Store
from stretchtui.store.ticks import append_tick, pending_files, ticks_path

MINUTE = 60.0
T0 = 1_795_000_000.0  # an instant in November 2026

ticks_lists = st.lists(st.floats(min_value=T0, max_value=T0 + 3 * 86400, allow_nan=False), max_size=60)


# ---------------------------------------------------------------------- spans from ticks (hypothesis)


@given(ticks_lists)
def test_active_time_never_exceeds_the_wall_time(ticks: list[float]) -> None:
    spans = activity.spans_from_ticks(ticks)
    if ticks:
        wall = max(ticks) - min(ticks)
        assert activity.active_seconds(spans, min(ticks), max(ticks)) <= wall
        assert sum(end - start for start, end in spans) <= wall
    for start, end in spans:
        assert start <= end


@given(ticks_lists)
def test_gaps_of_five_minutes_split_spans_and_shorter_ones_do_not(ticks: list[float]) -> None:
    spans = activity.spans_from_ticks(ticks)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start - end >= IDLE_GAP_SECONDS
    ordered = sorted(set(ticks))
    for before, after in zip(ordered, ordered[1:], strict=False):
        same = [s for s in spans if s[0] <= before and after <= s[1]]
        assert bool(same) == (after - before < IDLE_GAP_SECONDS)


@given(ticks_lists, st.randoms(use_true_random=False))
def test_order_and_repeats_are_harmless(ticks: list[float], rnd: random.Random) -> None:
    shuffled = ticks + ticks[: len(ticks) // 2]
    rnd.shuffle(shuffled)
    assert activity.spans_from_ticks(shuffled) == activity.spans_from_ticks(sorted(set(ticks)))


@given(ticks_lists, ticks_lists)
def test_folding_in_two_batches_gives_the_spans_of_one(first: list[float], second: list[float]) -> None:
    batches = activity.merge_spans([*activity.spans_from_ticks(first), *activity.spans_from_ticks(second)])
    assert batches == activity.spans_from_ticks(first + second)


@given(ticks_lists, st.lists(st.floats(min_value=T0, max_value=T0 + 3 * 86400), max_size=4))
def test_cutting_at_day_starts_keeps_every_second_and_crosses_none(ticks: list[float], edges: list[float]) -> None:
    spans = activity.spans_from_ticks(ticks)
    boundaries = sorted(edges)
    pieces = activity.cut_at(spans, boundaries)
    assert sum(e - s for s, e in pieces) == pytest.approx(sum(e - s for s, e in spans))
    for start, end in pieces:
        assert not any(start < b < end for b in boundaries)


def test_parse_ticks_leaves_out_what_is_not_a_tick() -> None:
    text = "1795000000\n\nnan\ninf\n-5\nabc\n1795000060\n17950"  # a write cut short: a tiny number
    assert activity.parse_ticks(text) == [1795000000.0, 1795000060.0]


# ---------------------------------------------------------------------- when a break is due


def test_a_break_is_due_after_the_set_minutes_of_continuous_activity() -> None:
    ticks = [T0 + i * 2 * MINUTE for i in range(26)]  # 50 minutes, a tick every 2
    spans = activity.spans_from_ticks(ticks)
    now = ticks[-1] + 30
    assert activity.break_due_minutes(spans, now, 50, None, None) == 50
    assert activity.break_due_minutes(spans, now, 60, None, None) is None
    assert activity.break_due_minutes(spans, now, 0, None, None) is None  # off
    # The person got up: five minutes without a tick ends the run.
    assert activity.break_due_minutes(spans, ticks[-1] + IDLE_GAP_SECONDS, 50, None, None) is None
    # A break taken (or a session ended) 20 minutes in starts the count again.
    assert activity.break_due_minutes(spans, now, 50, T0 + 20 * MINUTE, None) is None
    assert activity.break_due_minutes(spans, now, 30, T0 + 20 * MINUTE, None) == 30
    # "Later" holds until its time.
    assert activity.break_due_minutes(spans, now, 50, None, now + 1) is None
    assert activity.break_due_minutes(spans, now, 50, None, now) == 50
    # A break taken after the last tick: nothing to count.
    assert activity.continuous_seconds(spans, now, ticks[-1] + 1) == 0


# ---------------------------------------------------------------------- the store: folding ticks


def _tick_file(db_path: Path, ticks: list[float]) -> None:
    for tick in ticks:
        append_tick(db_path, tick)


def test_ticks_fold_into_spans_cut_at_the_day_start(store: Store, clock: FrozenClock) -> None:
    # Berlin, new day at 04:00 = 03:00 UTC. Active 02:40-03:20 UTC on the night of 20-21 Nov.
    night = datetime(2026, 11, 21, 2, 40, tzinfo=UTC).timestamp()
    ticks = [night + i * MINUTE for i in range(41)]
    _tick_file(store.path, ticks[:20])
    assert store.activity.fold_ticks() == 20
    _tick_file(store.path, ticks[20:])
    assert store.activity.fold_ticks() == 21  # the second batch continues the stored span
    assert not Path(ticks_path(store.path)).exists()
    by_day = store.activity.sitting_by_day(date(2026, 11, 20), date(2026, 11, 21))
    assert by_day == {date(2026, 11, 20): pytest.approx(20 / 60), date(2026, 11, 21): pytest.approx(20 / 60)}
    assert store.activity.spans(date(2026, 11, 20), date(2026, 11, 21)) == [
        (night, night + 20 * MINUTE),
        (night + 20 * MINUTE, night + 40 * MINUTE),
    ]
    assert store.activity.fold_ticks() == 0  # nothing new: nothing changes
    assert len(store.activity.spans(date(2026, 11, 20), date(2026, 11, 21))) == 2


def test_unfolded_ticks_count_without_writing_and_a_broken_fold_loses_nothing(store: Store) -> None:
    start = datetime(2026, 11, 21, 7, 0, tzinfo=UTC).timestamp()
    _tick_file(store.path, [start + i * MINUTE for i in range(31)])
    day = date(2026, 11, 21)
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.5)}
    assert Path(ticks_path(store.path)).exists()  # read, not folded
    # A fold killed after moving the file aside: the next read and fold still find its ticks.
    os.replace(ticks_path(store.path), f"{ticks_path(store.path)}.folding-1-1")
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.5)}
    assert store.activity.fold_ticks() == 31
    assert pending_files(store.path) == [ticks_path(store.path)]  # no file left mid-fold
    assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.5)}


def test_a_fold_by_another_process_between_the_reads_loses_no_tick(
    store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process folds while this one reads: it moves the tick file aside just before the
    file is read here, and stores the spans just after the store is read. Read once, those ticks
    were in neither (CI saw Today show no sitting, as the app's start-up fold raced its first load)."""
    from stretchtui.store import ticks

    start = datetime(2026, 11, 21, 7, 0, tzinfo=UTC).timestamp()
    _tick_file(store.path, [start + i * MINUTE for i in range(31)])
    other = Store.open(store.path, clock)
    read_text, read_spans = ticks.read_ticks_text, store.activity.spans
    steps = {"moved": False, "stored": False}

    def text_after_the_move(name: str) -> str:
        if not steps["moved"]:
            steps["moved"] = True
            ticks.take_for_folding(store.path, 999_999, 1)  # the other process's fold begins
        return read_text(name)

    def spans_before_the_store(first: date, last: date) -> list:
        spans = read_spans(first, last)
        if not steps["stored"]:
            steps["stored"] = True
            assert other.activity.fold_ticks() == 31  # ...and ends: spans stored, file removed
        return spans

    monkeypatch.setattr(ticks, "read_ticks_text", text_after_the_move)
    monkeypatch.setattr(store.activity, "spans", spans_before_the_store)
    day = date(2026, 11, 21)
    try:
        assert store.activity.sitting_by_day(day, day) == {day: pytest.approx(0.5)}
    finally:
        other.close()
    assert steps == {"moved": True, "stored": True}


def _tick_when_let_go(db: str, now: float, start) -> None:  # a process of the test below
    start.wait()
    append_tick(db, now)


@pytest.mark.slow  # many real processes at once
def test_ticks_at_the_same_moment_from_many_prompts_note_one_line(tmp_path: Path) -> None:
    """Prompts in several terminals at once (or two prompts in one, as the bash test does) each
    run a tick: every tick reads that none was noted lately, so without the file's lock each
    wrote its own line (seen in CI: two lines where one was due)."""
    import multiprocessing

    db = tmp_path / "t.db"
    db.touch()
    context = multiprocessing.get_context("fork")
    for round_ in range(20):
        Path(ticks_path(db)).unlink(missing_ok=True)
        start = context.Event()
        workers = [
            context.Process(target=_tick_when_let_go, args=(str(db), T0 + round_ * 100, start)) for _ in range(12)
        ]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=30)
            assert worker.exitcode == 0
        assert Path(ticks_path(db)).read_text() == f"{int(T0 + round_ * 100)}\n"


def test_a_tick_does_not_wait_for_a_stuck_lock_holder(tmp_path: Path) -> None:
    """A tick that cannot get the lock soon (another tick stopped mid-write) still notes its
    time: a prompt is never held up by another terminal."""
    import fcntl

    db = tmp_path / "t.db"
    db.touch()
    with open(ticks_path(db), "ab") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        started = time.monotonic()
        append_tick(db, T0)
        assert time.monotonic() - started < 5
    assert Path(ticks_path(db)).read_text() == f"{int(T0)}\n"


def test_a_tick_file_that_is_not_a_file_is_refused_without_waiting(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    os.mkfifo(ticks_path(db))
    with pytest.raises(OSError):
        append_tick(db, T0)  # a FIFO with no reader: refused at once, never blocks
    assert stat.S_ISFIFO(os.stat(ticks_path(db)).st_mode)


# ---------------------------------------------------------------------- breaks in the store


def test_break_answers_and_a_session_begun_when_one_was_due(store: Store, clock: FrozenClock) -> None:
    now = clock.now().timestamp()
    _tick_file(store.path, [now - 55 * MINUTE + i * MINUTE for i in range(56)])
    store.activity.fold_ticks()
    facts = store.activity.break_facts()
    assert facts.since is None and facts.last_span is not None
    assert activity.break_due_minutes([facts.last_span], now, 50, facts.since, facts.postponed_until) == 55
    store.activity.record_break(BreakKind.POSTPONED)
    facts = store.activity.break_facts()
    assert facts.postponed_until == pytest.approx(now + POSTPONE_SECONDS)
    # A session begun now, while the break is due, is that break taken.
    session = store.sessions.start_session("desk-break", "Desk break", 60)
    clock.advance(60)
    store.sessions.finish_session(session.id, SessionStatus.COMPLETE, active_seconds=60)
    day = date(2026, 11, 21)
    counts = store.activity.break_counts(day, day)
    assert (counts.taken, counts.postponed, counts.skipped) == (1, 1, 0)
    facts = store.activity.break_facts()
    assert facts.since == pytest.approx(clock.now().timestamp())  # its end starts the count again
    assert facts.postponed_until is None  # and ends the "later"
    # A second session straight after: no break was due, none counted.
    again = store.sessions.start_session("desk-break", "Desk break", 60)
    store.sessions.finish_session(again.id, SessionStatus.COMPLETE, active_seconds=60)
    assert store.activity.break_counts(day, day).taken == 1


# ---------------------------------------------------------------------- the commands


def test_tick_and_break_commands(db_path: Path, fresh_database, clock: FrozenClock, capsys) -> None:
    fresh_database()
    now = clock.now().timestamp()
    for minutes_ago in range(60, -1, -2):
        assert cli.main(["--db", str(db_path), "tick", "--at", str(int(now - minutes_ago * MINUTE))]) == 0
    assert cli.main(["--db", str(db_path), "status"]) == 0
    assert capsys.readouterr().out == "· 0d streak, not yet today · break? 60m at the desk\n"
    assert cli.main(["--db", str(db_path), "break", "later"]) == 0
    assert "10 minutes" in capsys.readouterr().out
    assert cli.main(["--db", str(db_path), "status"]) == 0
    assert "break?" not in capsys.readouterr().out
    for _ in range(5):  # still typing, a prompt every 2 minutes, until "later" is over
        clock.advance(POSTPONE_SECONDS / 5)
        assert cli.main(["--db", str(db_path), "tick"]) == 0
    assert cli.main(["--db", str(db_path), "status", "--ascii"]) == 0
    assert capsys.readouterr().out == "-- 0d streak, not yet today; break? 70m at the desk\n"
    assert cli.main(["--db", str(db_path), "break", "take"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "activity"]) == 0
    out = capsys.readouterr().out
    assert "Measured at the terminal today: 1 h 10 min" in out
    assert "1 taken (100% of breaks due), 1 put off, 0 skipped" in out
    assert "Activity hook: off" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["tick", "--at", "soon"], "--at: 'soon' is not an instant"),
        (["tick", "--at", "99999999999"], "is not an instant"),
        (["break"], "say take, later or skip (or --notify alone)"),
        (["break", "take", "--notify"], "say take, later or skip (or --notify alone)"),
        (["break", "now"], "invalid choice: 'now'"),
        (["activity", "--tmux"], "--shell, --tmux, --print and --notify go with `activity install`"),
        (["activity", "install", "--shell", "tcsh"], "invalid choice: 'tcsh'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db_path: Path, argv: list[str], said: str, capsys) -> None:
    assert cli.main(["--db", str(db_path), *argv]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert not db_path.exists()


def test_install_and_off_keep_the_persons_own_lines(db_path: Path, tmp_path: Path, capsys) -> None:
    home = Path(os.environ["HOME"])
    bashrc = home / ".bashrc"
    own = "# mine\nalias ll='ls -l'\nexport PS1='$ '"  # no newline at the end
    bashrc.write_text(own, encoding="utf-8")
    bashrc.chmod(0o640)
    for _ in range(2):  # twice: still one hook
        assert cli.main(["--db", str(db_path), "activity", "install", "--shell", "bash"]) == 0
    text = bashrc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.startswith(own + "\n")
    assert stat.S_IMODE(bashrc.stat().st_mode) == 0o640
    assert cli.main(["--db", str(db_path), "activity", "install", "--tmux"]) == 0
    assert "#{client_activity}" in (home / ".tmux.conf").read_text(encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "activity"]) == 0
    assert "Activity hook: bash" in capsys.readouterr().out
    assert cli.main(["--db", str(db_path), "activity", "off"]) == 0
    assert bashrc.read_text(encoding="utf-8") == own + "\n"
    assert (home / ".tmux.conf").read_text(encoding="utf-8") == ""
    assert cli.main(["--db", str(db_path), "activity", "off"]) == 0
    assert "no activity hook was installed" in capsys.readouterr().out


@given(st.lists(st.text(alphabet="abc #>\t", max_size=12), max_size=8))
def test_the_block_comes_and_goes_leaving_every_other_line(lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in lines)
    block = shell_snippet(Shell.ZSH, "/usr/bin/stretchtui", "/home/a b/x.db")
    added = with_block(text, block)
    assert has_block(added) and with_block(added, block) == added
    assert without_block(added) == text


def test_a_begin_marker_without_an_end_cuts_nothing() -> None:
    text = f"keep\n{BEGIN}\nmine too\n"
    assert without_block(text) == text and END not in text


@pytest.mark.slow
@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash")
def test_the_bash_hook_ticks_at_each_prompt_and_keeps_prompt_command(tmp_path: Path) -> None:
    db = tmp_path / "hook.db"
    calls = tmp_path / "calls"
    script = tmp_path / "stretchtui"
    script.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {sys.executable} -m stretchtui "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    Store.open(db, FrozenClock(datetime.fromtimestamp(T0, UTC))).close()
    opened = db.stat().st_mtime_ns
    rc = tmp_path / "rc"
    rc.write_text(shell_snippet(Shell.BASH, str(script), str(db)), encoding="utf-8")
    code = (
        f"PROMPT_COMMAND='echo mine >/dev/null'; source {rc}; source {rc}; "
        'echo "$PROMPT_COMMAND"; eval "$PROMPT_COMMAND"; eval "$PROMPT_COMMAND"'
    )
    done = subprocess.run(["/bin/bash", "--norc", "-c", code], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "__stretchtui_tick;echo mine >/dev/null"  # once, before the person's own
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the ticks run in the background
        ran = calls.read_text().splitlines() if calls.exists() else []
        lines = Path(ticks_path(db)).read_text().split() if Path(ticks_path(db)).exists() else []
        if len(ran) == 2 and lines:
            break
        time.sleep(0.05)
    assert ran == [f"--db {db} tick"] * 2  # one tick at each prompt, with nothing about the command
    assert len(lines) == 1 and abs(float(lines[0]) - time.time()) < 60  # two within RESOLUTION: one line
    assert db.stat().st_mtime_ns == opened  # a tick opens no database


def test_the_tmux_snippet_passes_tmux_s_own_activity_time() -> None:
    block = tmux_snippet("'/opt/st dir/stretchtui'", "/data/$x.db", notify=True)
    expected = (
        "set -g @stretchtui-tick \"#('/opt/st dir/stretchtui' --db '/data/\\$x.db'"
        ' tick --at #{client_activity} --notify)"'
    )
    assert expected in block
    assert "set -ag status-right '#{E:@stretchtui-tick}'" in block


def test_a_tmux_hook_refuses_a_path_tmux_would_cut_and_adds_nothing(tmp_path: Path, capsys) -> None:
    home = Path(os.environ["HOME"])
    for odd, why in (("a (b.db", "do not pair up"), ("a) (b.db", "do not pair up"), ("#[fg=red].db", "as a style")):
        assert cli.main(["--db", str(tmp_path / odd), "activity", "install", "--tmux"]) == 2
        err = capsys.readouterr().err
        assert f"{why}; the shell hook can (--shell)" in err and err.count("\n") == 1
    assert not (home / ".tmux.conf").exists() and list(tmp_path.iterdir()) == []


def test_ticks_closer_than_the_resolution_are_noted_once(db_path: Path, fresh_database) -> None:
    """tmux passes the same last key press every few seconds while nobody types, and a new one every
    second while someone does: one line per RESOLUTION seconds at most; an earlier time (tmux's
    clock, a clock set back) is noted."""
    from stretchtui.store.ticks import RESOLUTION

    fresh_database()
    for when in (T0, T0, T0 + 15, T0 + RESOLUTION - 1, T0 + RESOLUTION, T0, T0 + 1_000_000, T0 + 1_000_001, T0):
        append_tick(db_path, when)
    expected = (T0, T0 + RESOLUTION, T0 + 1_000_000, T0)  # a day and more back: the clock was set back
    assert Path(ticks_path(db_path)).read_text().split() == [str(int(t)) for t in expected]


def test_a_day_of_ticks_every_second_fits_the_tail_the_status_line_reads(db_path: Path, fresh_database) -> None:
    from stretchtui.store.ticks import TAIL_BYTES

    fresh_database()
    for second in range(0, 8 * 3600, 1):  # two tmux clients: one typing, one idle since T0
        append_tick(db_path, T0 + second)
        append_tick(db_path, T0)
    assert os.path.getsize(ticks_path(db_path)) < TAIL_BYTES / 4


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_tmux_hook_ticks_for_a_path_with_every_character_tmux_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A real tmux server with the installed block (`activity install --tmux`), and a client for it
    to draw the status line for: a database path with %, #, $, quotes, a space and brackets gets
    its ticks, once per key press; sourcing the file again adds no second job; `activity off`
    stops the running server's ticks."""
    folder = tmp_path / "100% #1 $HOME 'it\"s' (x) #{x} ;"
    folder.mkdir()
    db = folder / "s.db"
    Store.open(db, FrozenClock(datetime.fromtimestamp(T0, UTC))).close()
    script = tmp_path / "stretchtui"
    script.write_text(f'#!/bin/sh\nexec {sys.executable} -m stretchtui "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script)])  # the program the hook runs: this script
    conf = Path(os.environ["HOME"]) / ".tmux.conf"
    # Each redraw of the status line also runs this job, so the test can wait for redraws
    # instead of sleeping (the left side: the installed hook goes into the right one).
    redraws = tmp_path / "redraws"
    conf.write_text(f"set -g status-interval 1\nset -g status-left '#(echo x >> {redraws})'\n", encoding="utf-8")
    assert cli.main(["--db", str(db), "activity", "install", "--tmux"]) == 0
    socket = str(tmp_path / "outer.sock")
    outer = [
        "tmux",
        "-S",
        socket,
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "10",
        "env -u TMUX tmux new-session",
    ]
    subprocess.run(outer, check=True, timeout=30)  # the inner server: the default one, under TMUX_TMPDIR

    def ticks() -> list[str]:
        return Path(ticks_path(db)).read_text().split() if Path(ticks_path(db)).exists() else []

    def after_two_more_redraws() -> None:
        """Wait until the status line has been drawn twice more (no fixed sleep: a slow machine
        draws later, a quiet one sooner)."""
        seen = redraws.read_text().count("x") if redraws.exists() else 0
        deadline = time.monotonic() + 30
        while (redraws.read_text().count("x") if redraws.exists() else 0) < seen + 2:
            assert time.monotonic() < deadline, "tmux did not redraw its status line"
            time.sleep(0.05)

    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not ticks():
            time.sleep(0.1)
        for _ in range(2):
            subprocess.run(["tmux", "source-file", str(conf)], check=True, timeout=30)
        shown = subprocess.run(["tmux", "show-options", "-gv", "status-right"], capture_output=True, text=True)
        after_two_more_redraws()  # with no key pressed
        lines = ticks()
        capsys.readouterr()
        assert cli.main(["activity", "off"]) == 0
        assert capsys.readouterr().out.endswith("tmux: the running server stopped ticking too\n")
        subprocess.run(["tmux", "send-keys", "-t", "0", "x"], timeout=30)  # a key press, a new activity time
        after_two_more_redraws()
        after = ticks()
    finally:
        subprocess.run(["tmux", "kill-server"], timeout=30)
        subprocess.run(["tmux", "-S", socket, "kill-server"], timeout=30)
    assert shown.stdout.count("@stretchtui-tick") == 1
    assert len(lines) == 1 and abs(float(lines[0]) - time.time()) < 60
    assert after == lines


# ---------------------------------------------------------------------- measured sitting elsewhere


def test_suggestions_use_the_measured_hours_only_when_none_were_noted(store: Store, clock: FrozenClock) -> None:
    from stretchtui.core.suggest import suggest

    store.safety.save_safety(answers={})
    clock.advance(7 * 3600)  # 16:30 in Berlin
    now = clock.now().timestamp()
    _tick_file(store.path, [now - 7 * 3600 + i * 4 * MINUTE for i in range(106)])  # 7 h at the terminal
    day = date(2026, 11, 21)
    request = store.suggestions.suggestion_request(day, 10, "desk")
    why = " ".join(suggest(request).why)
    assert "(measured at the terminal)" in why and "7 hours" in why
    store.checkins.add_checkin([], sitting_hours=3)
    why = " ".join(suggest(store.suggestions.suggestion_request(day, 10, "desk")).why)
    assert "measured" not in why  # what the person noted wins


def test_the_sitting_line_says_which_is_which() -> None:
    from stretchtui.core.model import sitting_line

    assert sitting_line(None, None) == ""
    assert sitting_line(6, None) == "Sitting 6 h"
    assert sitting_line(None, 4.25) == "Sitting 4 h 15 min (measured)"
    assert sitting_line(6.5, 0.5) == "Sitting 6.5 h · measured 30 min"


def test_the_ticks_are_kept_private(db_path: Path, fresh_database) -> None:
    fresh_database()
    append_tick(db_path, T0)
    assert stat.S_IMODE(os.stat(ticks_path(db_path)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_path.parent).st_mode) == 0o700
    assert Path(ticks_path(db_path)).read_text() == f"{int(T0)}\n"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=40))
def test_a_day_s_estimate_is_its_spans(minutes: list[int]) -> None:
    ticks = [T0 + m * MINUTE for m in minutes]
    spans = activity.spans_from_ticks(ticks)
    assert activity.active_seconds(spans, T0, T0 + 601 * MINUTE) == sum(e - s for s, e in spans)


# ---------------------------------------------------------------------- break notifications


class FakeChannel:
    def __init__(self, name: str, fails: bool = False) -> None:
        self.name, self.fails, self.sent = name, fails, []

    def send(self, notice):
        from stretchtui.core.notify import Delivery

        if self.fails:
            raise OSError("gone")
        self.sent.append(notice)
        return Delivery(self.name, True)


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch) -> list[FakeChannel]:
    from stretchtui.commands import nudges

    made = [FakeChannel("desktop notification"), FakeChannel("tmux", fails=True), FakeChannel("status line")]
    monkeypatch.setattr(nudges, "default_channels", lambda write_status, environ=None: made)
    return made


def _busy_for(db_path: Path, clock: FrozenClock, minutes: int) -> None:
    now = clock.now().timestamp()
    for ago in range(minutes, -1, -2):
        append_tick(db_path, now - ago * MINUTE)


def test_a_due_break_notifies_once_a_stretch_offering_a_short_routine(
    db_path: Path, fresh_database, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    fresh_database()
    assert cli.main(["--db", str(db_path), "safety", "--answers", "none"]) == 0
    _busy_for(db_path, clock, 30)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    assert capsys.readouterr().out.endswith("no break due\n") and not channels[0].sent
    clock.advance(30 * MINUTE)
    _busy_for(db_path, clock, 30)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    (notice,) = channels[0].sent
    assert "60 minutes at the terminal" in notice.body and "stretchtui start one-minute" in notice.body
    assert channels[2].sent == []  # the status line shows the prompt itself
    assert "desktop notification" in capsys.readouterr().out
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    assert len(channels[0].sent) == 1  # once for this stretch
    assert cli.main(["--db", str(db_path), "break", "later"]) == 0
    clock.advance(POSTPONE_SECONDS)
    _busy_for(db_path, clock, 10)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    assert len(channels[0].sent) == 2  # asked again when "later" ran out
    marker = next((Path(os.environ["HOME"]) / ".cache" / "stretchtui").glob("*.break-notified"))
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600


def test_with_a_red_flag_open_the_break_offers_no_exercise(
    store: Store, db_path: Path, clock: FrozenClock, channels: list[FakeChannel]
) -> None:
    store.safety.save_safety(answers={"cancer": True})
    assert store.safety.safety_check().red_flag
    store.close()
    _busy_for(db_path, clock, 70)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    (notice,) = channels[0].sent
    assert "please get checked" in notice.body and "start" not in notice.body and "stretchtui" not in notice.body


def test_a_tick_with_notify_starts_a_check_at_most_every_five_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtui.commands import quick

    started: list[list[str]] = []
    monkeypatch.setattr(os, "posix_spawn", lambda path, argv, env, **kw: started.append(argv) or 1)
    db = str(tmp_path / "n.db")
    Store.open(Path(db), FrozenClock(datetime.fromtimestamp(T0, UTC))).close()
    for seconds in (0, 60, 299, 300, 301, 650):
        assert quick.run(["--db", db, "tick", "--notify"], T0 + seconds, os.environ) == 0
    assert len(started) == 3  # at 0, 300 and 650
    assert started[0][-4:] == ["--db", db, "break", "--notify"]
    assert quick.run(["--db", db, "tick", "--at", str(int(T0)), "--notify"], T0 + 1000, os.environ) == 0
    assert len(started) == 4
    assert len(Path(ticks_path(db)).read_text().split()) == 4  # 300, 301: within RESOLUTION of 299; T0: older


async def test_the_app_folds_the_ticks_and_today_shows_the_measured_hours(
    make_test_app, db_path: Path, clock: FrozenClock
) -> None:
    from pilot_helpers import settle

    app = make_test_app()
    now = clock.now().timestamp()
    for ago in range(90, -1, -3):  # 1 h 30 min at the terminal this morning
        append_tick(db_path, now - ago * MINUTE)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "Sitting 1 h 30 min (measured)" in str(app.screen.query_one("#today-checkins").content)
    assert not Path(ticks_path(db_path)).exists()  # folded into spans at the start
    store = Store.open(db_path, clock)
    try:
        assert store.activity.sitting_by_day(date(2026, 11, 21), date(2026, 11, 21)) == {
            date(2026, 11, 21): pytest.approx(1.5)
        }
    finally:
        store.close()


def test_a_stray_begin_marker_keeps_every_line_after_it() -> None:
    """A begin marker left by hand, the person's lines, then a whole block: only the block goes."""
    own = f"alias a=b\n{BEGIN}\nexport KEEP=1\nalias c=d\n"
    block = shell_snippet(Shell.BASH, "stretchtui", "/x.db")
    assert without_block(own + block) == own
    assert without_block(with_block(own, block)) == own


def test_break_answers_count_only_when_a_break_was_offered(db_path: Path, fresh_database, capsys) -> None:
    fresh_database()
    for answer in ("take", "later", "skip"):
        assert cli.main(["--db", str(db_path), "break", answer]) == 0
        assert "No break is due now; nothing noted." in capsys.readouterr().out
    store = Store.open(db_path, FrozenClock(datetime(2026, 11, 21, 8, 30, tzinfo=UTC), "Europe/Berlin"))
    try:
        assert store.activity.break_counts(date(2026, 11, 21), date(2026, 11, 21)).offered == 0
    finally:
        store.close()


def test_on_a_day_suggest_gives_no_routine_a_break_offers_none(
    store: Store, db_path: Path, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    """Pain 9/10 leaves no routine today: the break says stand up, not which routine to start."""
    store.safety.save_safety(answers={})
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 9)])
    store.close()
    _busy_for(db_path, clock, 60)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    (notice,) = channels[0].sent
    assert "stretchtui start" not in notice.body and "stand up" in notice.body
    assert cli.main(["--db", str(db_path), "break", "take"]) == 0
    assert "stretchtui start" not in capsys.readouterr().out


def test_an_urgent_warning_sign_asks_for_help_today_first(
    store: Store, db_path: Path, clock: FrozenClock, channels: list[FakeChannel]
) -> None:
    store.safety.save_safety(answers={"saddle": True})
    store.close()
    _busy_for(db_path, clock, 60)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    (notice,) = channels[0].sent
    assert notice.body.startswith("A warning sign you noted needs medical help today")
    assert "stretchtui" not in notice.body


def test_a_notification_that_reached_no_one_is_tried_again(
    db_path: Path, fresh_database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from stretchtui.commands import nudges

    fresh_database()
    broken = [FakeChannel("desktop notification", fails=True)]
    monkeypatch.setattr(nudges, "default_channels", lambda write_status, environ=None: broken)
    _busy_for(db_path, clock, 60)
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    working = FakeChannel("desktop notification")
    monkeypatch.setattr(nudges, "default_channels", lambda write_status, environ=None: [working])
    assert cli.main(["--db", str(db_path), "break", "--notify"]) == 0
    assert len(working.sent) == 1


def test_a_tick_beside_something_that_is_not_a_database_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(OSError):
        append_tick(folder, T0)
    assert not Path(ticks_path(folder)).exists()


def test_install_and_off_keep_line_endings_links_and_a_read_only_file(db_path: Path, capsys) -> None:
    home = Path(os.environ["HOME"])
    zshrc = home / ".zshrc"
    own = b"setopt x\r\nalias a=b\r\n"
    zshrc.write_bytes(own)
    linked = home / "dotfiles-zshrc"
    os.link(zshrc, linked)  # a dotfiles manager's hard link
    assert cli.main(["--db", str(db_path), "activity", "install", "--shell", "zsh"]) == 0
    assert linked.read_bytes() == zshrc.read_bytes() and zshrc.read_bytes().startswith(own)
    assert cli.main(["--db", str(db_path), "activity", "off"]) == 0
    assert zshrc.read_bytes() == own and linked.read_bytes() == own  # byte for byte, still one file
    fish = home / ".config" / "fish" / "conf.d" / "stretchtui.fish"
    fish.parent.mkdir(parents=True)
    fish.write_text("# mine\n", encoding="utf-8")
    fish.chmod(0o444)
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "activity", "install", "--shell", "fish"]) == 2
    assert "is read-only: add the hook by hand" in capsys.readouterr().err
    assert fish.read_text(encoding="utf-8") == "# mine\n"


def test_a_mistyped_database_path_is_left_as_it_was(tmp_path: Path, capsys) -> None:
    """Every activity and break command that reads or corrects refuses a path with no database in
    one line, leaving neither a database, a tick file nor a folder; `install` starts the database
    the hook will tick for, as `log` would; `--print` only prints (and says the database is missing)."""
    from stretchtui.commands import quick

    typo = tmp_path / "tpyo" / "stretchtui.db"
    for argv in (["tick"], ["tick", "--at", str(int(T0))], ["activity"], ["break", "take"]):
        assert cli.main(["--db", str(typo), *argv]) == 1, argv  # as every command says it
        err = capsys.readouterr().err
        assert err.startswith(f"stretchtui: no database at {typo}") and err.count("\n") == 1, argv
    assert quick.run(["--db", str(typo), "tick"], T0, os.environ) is None  # left to the full command
    assert not typo.parent.exists()
    assert cli.main(["--db", str(typo), "activity", "install", "--shell", "bash", "--print"]) == 0
    out, err = capsys.readouterr()
    assert "tick" in out and err == f"stretchtui: no database at {typo} yet: ticks count once it exists\n"
    assert not typo.parent.exists()
    assert cli.main(["--db", str(typo), "activity", "install", "--shell", "bash"]) == 0
    assert typo.exists()
    assert cli.main(["--db", str(typo), "tick"]) == 0
    assert Path(ticks_path(typo)).exists()


SAFETY_STATES = [
    [],  # never answered: gentle moves only
    ["--answers", "none"],
    ["--answers", "none", "--conditions", "pregnancy,osteoporosis"],
    *[["--answers", "none", "--conditions", condition.value] for condition in Condition],
    ["--answers", "night"],  # a warning sign
    ["--answers", "saddle"],  # an urgent one
]


@pytest.mark.parametrize("safety", SAFETY_STATES, ids=lambda argv: "-".join(argv[1:]) or "unanswered")
def test_no_nudge_names_a_routine_the_session_gate_would_stop(
    safety: list[str], db_path: Path, fresh_database, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    """Whatever the person told the safety questions, no reminder, break notification or break
    reply names a routine with a move the gate in front of every session would stop (a warning
    sign, moves beyond gentle ones while unanswered, a move a listed condition rules out)."""
    from stretchtui.core.session_gate import session_gate

    fresh_database()
    if safety:
        assert cli.main(["--db", str(db_path), "safety", *safety]) == 0
    _busy_for(db_path, clock, 60)
    said = []
    for argv in (["remind", "--send"], ["break", "--notify"], ["break", "take"]):
        assert cli.main(["--db", str(db_path), *argv]) == 0
        said.append(capsys.readouterr().out)
    said += [notice.body for notice in channels[0].sent]
    store = Store.open(db_path, clock)
    try:
        check = store.safety.safety_check()
        exercises = store.library.exercise_index()
        routines = store.library.routines()
    finally:
        store.close()
    text = "\n".join(said)
    assert len(channels[0].sent) == 2  # the reminder (or its warning) and the break
    named = [r for r in routines if re.search(rf"\b{re.escape(r.id)}\b", text)]
    for routine in named:
        assert not session_gate(check, [i.exercise_id for i in routine.items], exercises), (routine.id, text)
    if check.red_flag:
        assert "get checked" in text or "medical help today" in text
    if not check.conditions and not check.gentle_only and not check.red_flag:
        assert {r.id for r in named} == {"one-minute", "desk-break"}  # offered where nothing stands in the way


def test_a_programs_flare_mode_keeps_a_break_from_naming_routines(
    db_path: Path, fresh_database, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    """In a program's flare mode the day is gentle whatever today's pain (Today offers the flare
    session): a break names no quick routine, not even a gentle one (the program's session is the
    day's routine; before, it named the gentle ones, as on any gentler day outside a program)."""
    from stretchtui.core.notify import QUICK_ROUTINES
    from stretchtui.core.safety import is_gentle

    fresh_database()
    db = ["--db", str(db_path)]
    for argv in (["safety", "--answers", "none"], ["program", "start", "desk-worker"], ["rest", "--flare"]):
        assert cli.main([*db, *argv]) == 0
    clock.advance(24 * 3600)  # the next day: still in flare mode until the person leaves it
    assert cli.main([*db, "log", "--pain", "1"]) == 0  # today alone would give a full routine
    store = Store.open(db_path, clock)
    try:
        exercises = store.library.exercise_index()
        gentle = {
            i
            for i in QUICK_ROUTINES
            if all(is_gentle(exercises[m.exercise_id]) for m in store.library.routine(i).items)
        }
    finally:
        store.close()
    assert gentle != set(QUICK_ROUTINES)  # else this would test nothing
    capsys.readouterr()
    _busy_for(db_path, clock, 60)
    assert cli.main([*db, "break", "--notify"]) == 0
    text = capsys.readouterr().out + "\n".join(notice.body for notice in channels[0].sent)
    assert channels[0].sent, text
    assert cli.main([*db, "program", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flare_mode"] is True
    named = {i for i in QUICK_ROUTINES if re.search(rf"\b{re.escape(i)}\b", text)}
    assert named == set() and "stand up and move gently" in text, text


def test_a_folder_or_pipe_where_the_ticks_go_is_left_alone_and_breaks_nothing(
    db_path: Path, fresh_database, capsys
) -> None:
    """Something not ours at the tick file's path (or at a fold's leftover name) is never moved,
    read or removed; every command that folds goes on working, and `tick` says what is wrong."""
    fresh_database()
    folder = Path(ticks_path(db_path))
    folder.mkdir()
    leftover = Path(f"{ticks_path(db_path)}.folding-1-2")
    leftover.mkdir()
    os.mkfifo(f"{ticks_path(db_path)}.folding-3-4")
    for argv in (["activity"], ["break", "take"], ["break", "--notify"], ["status"]):
        assert cli.main(["--db", str(db_path), *argv]) == 0, argv
    assert cli.main(["--db", str(db_path), "tick"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stretchtui: cannot note the tick beside") and err.count("\n") == 1
    assert (
        folder.is_dir() and leftover.is_dir() and stat.S_ISFIFO(os.stat(f"{ticks_path(db_path)}.folding-3-4").st_mode)
    )


def test_a_tick_after_a_line_cut_short_starts_a_line_of_its_own(db_path: Path, fresh_database) -> None:
    fresh_database()
    Path(ticks_path(db_path)).write_bytes(b"%d\n%d" % (T0, T0 + 60))  # a writer killed mid-line
    Path(ticks_path(db_path)).chmod(0o600)
    append_tick(db_path, T0 + 120)
    assert Path(ticks_path(db_path)).read_text().split("\n") == [
        str(int(T0)),
        str(int(T0 + 60)),
        str(int(T0 + 120)),
        "",
    ]


def test_each_shell_s_hook_goes_where_that_shell_reads(db_path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """zsh reads $ZDOTDIR/.zshrc, fish $XDG_CONFIG_HOME/fish/conf.d: the hook goes there, and
    `activity` reports it from there; one hook at a time."""
    monkeypatch.setenv("ZDOTDIR", str(tmp_path / "zdot"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "zdot").mkdir()
    for shell, where in (
        ("zsh", tmp_path / "zdot" / ".zshrc"),
        ("fish", tmp_path / "config/fish/conf.d/stretchtui.fish"),
    ):
        assert cli.main(["--db", str(db_path), "activity", "install", "--shell", shell]) == 0
        assert BEGIN in where.read_text(encoding="utf-8")
        assert cli.main(["--db", str(db_path), "activity"]) == 0
        assert f"{shell} ({where})" in capsys.readouterr().out
    assert not (Path(os.environ["HOME"]) / ".zshrc").exists()
    assert cli.main(["--db", str(db_path), "activity", "install", "--shell", "bash", "--tmux"]) == 2
    assert "one hook at a time" in capsys.readouterr().err


def test_every_sentence_of_a_break_starts_with_a_capital() -> None:
    from stretchtui.core.notify import break_notice

    for minutes in (None, 55):
        for flags in ({}, {"red_flag": True}, {"urgent": True, "red_flag": True}, {"routine_ok": False}):
            body = break_notice(minutes, **{"routine_ok": True, **flags}).body
            assert all(s[:1].isupper() or s[:1].isdigit() for s in re.split(r"(?<=\.) (?=\S)", body)), body


def test_a_stretch_across_the_day_start_stays_one_stretch_in_the_status_line(
    db_path: Path, fresh_database, capsys
) -> None:
    """Folding cuts a span at the logical day's start (04:00); the status line, `activity` and the
    break notification still see one stretch of work, folded or not."""
    from stretchtui.commands import quick

    fresh_database()
    clock = FrozenClock(datetime(2026, 12, 6, 3, 31, tzinfo=UTC), "Europe/Berlin")  # 04:31 in Berlin
    now = clock.now().timestamp()
    for minutes in range(90, 0, -3):  # 03:01 to 04:28: 87 minutes with no gap
        append_tick(db_path, now - minutes * MINUTE)

    def status_line() -> str:
        assert cli.main(["--db", str(db_path), "status"]) == 0
        full = capsys.readouterr().out
        assert quick.run(["--db", str(db_path), "status"], now, os.environ) == 0
        assert capsys.readouterr().out == full
        return full

    import stretchtui.core.clock as clocks

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clocks, "default_clock", lambda: clock)
        unfolded = status_line()
        assert "break? 87m at the desk" in unfolded
        assert cli.main(["--db", str(db_path), "activity"]) == 0  # folds: two spans, one each side of 04:00
        assert "one is due now (87 min)" in capsys.readouterr().out
        assert not Path(ticks_path(db_path)).exists()
        assert status_line() == unfolded


def test_the_hooks_run_this_interpreter_with_the_entry_point_not_a_script(db_path: Path, capsys) -> None:
    """What the hooks run does not depend on how pip wrote the console script (an older one imports
    `re` first, a third more on every prompt): this interpreter, -c, the CLI's entry point."""
    from stretchtui.commands.activity_hook import HOOK_CODE, hook_program

    assert hook_program() == [os.path.abspath(sys.executable), "-P", "-c", HOOK_CODE]  # -P: not the folder you are in
    for argv in (["--shell", "bash"], ["--shell", "fish"], ["--tmux"]):
        assert cli.main(["--db", str(db_path), "activity", "install", "--print", *argv]) == 0
        assert shlex.join(hook_program()) in capsys.readouterr().out
    done = subprocess.run([*hook_program(), "--db", str(db_path), "tick"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "no database at" in done.stderr  # the CLI itself answered


def test_a_break_put_off_and_then_taken_anyway_is_counted_taken(
    db_path: Path, fresh_database, clock: FrozenClock, capsys
) -> None:
    """While a break is put off ("later") you may still get up, or skip it: either is counted, and
    starts the count again; a second "later" is not counted while the first runs."""
    fresh_database()

    def answer(word: str) -> str:
        clock.advance(MINUTE)
        assert cli.main(["--db", str(db_path), "break", word]) == 0
        return capsys.readouterr().out

    def counts() -> tuple[int, int, int]:
        store = Store.open(db_path, clock)
        try:
            found = store.activity.break_counts(clock.now().date(), clock.now().date())
        finally:
            store.close()
        return found.taken, found.postponed, found.skipped

    _busy_for(db_path, clock, 60)
    assert answer("later").startswith("Asked again in 10 minutes.")
    assert answer("later").startswith("No break is due now")
    assert answer("take").startswith("Break noted: the count starts again.")
    assert counts() == (1, 1, 0)
    assert answer("take").startswith("No break is due now")  # the count started again
    clock.advance(60 * MINUTE)
    _busy_for(db_path, clock, 60)
    assert answer("later").startswith("Asked again")
    assert answer("skip").startswith("Skipped: the count starts again.")
    assert counts() == (1, 2, 1)


@pytest.mark.parametrize("logged", [{"sitting_hours": 1}, {"note": "stiff after the drive"}], ids=["sitting", "note"])
async def test_today_tells_a_check_in_of_sitting_hours_alone_from_none(make_test_app, store: Store, logged) -> None:
    """A check-in without pains (sitting hours, or a note alone) is a check-in: Today does not say
    there is none beside what it logged."""
    from pilot_helpers import settle

    store.checkins.add_checkin([], **logged)
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one("#today-checkins").content)
        assert "No pain noted today." in shown and "No check-in" not in shown
        assert ("Sitting 1 h" in shown) == ("sitting_hours" in logged)


@pytest.mark.parametrize("pains", [[4], [6], [2, 2, 2, 2, 7, None]], ids=["pain-4", "pain-6", "pain-7-yesterday"])
def test_no_nudge_names_a_routine_with_more_than_the_day_allows(
    pains: list[int | None], db_path: Path, fresh_database, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    """On a day today's suggestion is gentler than full, a nudge names only routines of gentle moves;
    on a day it gives no routine, none: the reminder and the break read the day as `suggest` does."""
    from stretchtui.core.safety import is_gentle
    from stretchtui.core.suggest import suggest

    fresh_database()
    assert cli.main(["--db", str(db_path), "safety", "--answers", "none"]) == 0
    store = Store.open(db_path, clock)
    try:
        for back, pain in enumerate(reversed(pains)):  # the last is today's (None: nothing noted today)
            if pain is not None:
                store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, pain)], at=clock.now() - timedelta(days=back))
        suggestion = suggest(store.suggestions.suggestion_request(clock.now().date(), 5, "desk"))
        exercises, routines = store.library.exercise_index(), store.library.routines()
    finally:
        store.close()
    _busy_for(db_path, clock, 60)
    said = []
    for argv in (["remind", "--send"], ["break", "--notify"], ["break", "take"]):
        assert cli.main(["--db", str(db_path), *argv]) == 0
        said.append(capsys.readouterr().out)
    text = "\n".join(said + [notice.body for notice in channels[0].sent])
    named = [r for r in routines if re.search(rf"\bstart {re.escape(r.id)}\b|\bor {re.escape(r.id)} \(", text)]
    assert suggestion.level != "full"
    if suggestion.blocked:
        assert named == [], text
    for routine in named:
        assert all(is_gentle(exercises[i.exercise_id]) for i in routine.items), (routine.id, text)


@pytest.mark.parametrize("flare", [False, True], ids=["program", "program-in-flare-mode"])
def test_in_a_program_no_nudge_names_a_quick_routine(
    flare: bool, db_path: Path, fresh_database, clock: FrozenClock, channels: list[FakeChannel], capsys
) -> None:
    """In a program the day's routine is its session (Today, `suggest`): the reminder and a break
    point to it, never to a quick routine that may hold moves the program leaves out (an outside
    pass found `remind --send` naming desk-break)."""
    fresh_database()
    flare_day = [["rest", "--flare"]] if flare else []
    for argv in (["safety", "--answers", "none"], ["program", "start", "desk-worker"], *flare_day):
        assert cli.main(["--db", str(db_path), *argv]) == 0
    capsys.readouterr()
    _busy_for(db_path, clock, 60)
    said = []
    for argv in (["remind", "--send"], ["break", "--notify"], ["break", "take"]):
        assert cli.main(["--db", str(db_path), *argv]) == 0
        said.append(capsys.readouterr().out)
    text = "\n".join(said + [notice.body for channel in channels for notice in channel.sent])
    assert "stretchtui start" not in text and "desk-break" not in text and "one-minute" not in text
    if not flare:  # a flare day is a rest day for the reminder: it says nothing
        assert "run stretchtui for today's suggestion" in text.lower()
