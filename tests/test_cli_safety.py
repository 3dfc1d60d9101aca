"""`stretchtui safety`: every option, every refusal (exit 2, one line, nothing written, no database
created), the --json shape, the questions asked in a terminal, and a worrying note that blocks the
suggestion until the questions are answered again."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FROZEN_AT, ZONE

from stretchtui.cli import main
from stretchtui.core.clock import FrozenClock
from stretchtui.core.safety import (
    ANSWER_AGAIN_FIRST,
    ASK_AGAIN_ADVICE,
    QUESTION_KEYS,
    QUESTIONS,
    SOON_ADVICE,
    UNANSWERED_BLOCKED_ADVICE,
    URGENT_ADVICE,
    URGENT_SIGN_ADVICE,
)
from stretchtui.core.vocabulary import Condition
from stretchtui.store import Store

JSON_KEYS = {"state", "routines", "routines_why", "answered_at", "answers", "conditions", "ask_again"}


# --- helpers ----------------------------------------------------------------------------------------


def run(db: Path, *args: str, clock: FrozenClock | None = None) -> int:
    return main(["--db", str(db), "safety", *args], clock=clock)


def run_json(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert run(db, *args, "--json") == 0
    return json.loads(capsys.readouterr().out)


def settings(db: Path) -> list[tuple]:
    """The setting table as stored, straight from the file (no store: nothing is written by reading)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT key, value, updated_at FROM setting ORDER BY key").fetchall()
    finally:
        conn.close()


def answered_db(
    db: Path, clock: FrozenClock, answers: dict[str, bool] | None = None, conditions: list[str] | None = None
) -> Path:
    """A database whose safety profile is already saved (a minute before the frozen now)."""
    earlier = FrozenClock(clock.now() - timedelta(minutes=1), ZONE)
    store = Store.open(db, earlier)
    store.safety.save_safety(
        answers=answers if answers is not None else {"night": True},
        conditions=conditions if conditions is not None else ["hypermobility"],
    )
    store.close()
    return db


def assert_refused(code: int, capsys: pytest.CaptureFixture[str], *pieces: str) -> str:
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 2, (code, err)
    assert out == ""
    assert len(lines) == 1 and lines[0].startswith("stretchtui: "), err
    for piece in pieces:
        assert piece in lines[0], (piece, lines[0])
    return lines[0]


class Terminal(io.StringIO):
    """Typed lines on a terminal; `interrupt_after` lines, then Ctrl+C."""

    def __init__(self, text: str, interrupt_after: int | None = None) -> None:
        super().__init__(text)
        self.interrupt_after, self.lines_read = interrupt_after, 0

    def isatty(self) -> bool:
        return True

    def readline(self, *args) -> str:  # type: ignore[override]
        if self.interrupt_after is not None and self.lines_read >= self.interrupt_after:
            raise KeyboardInterrupt
        self.lines_read += 1
        return super().readline(*args)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """A function that makes stdin and stdout terminals and sets what is typed. (Called in the test
    itself: the sys.stdout that capsys installs for the test is the one to mark.)"""

    def typed(*lines: str, interrupt_after: int | None = None) -> None:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.setattr(sys, "stdin", Terminal("".join(f"{line}\n" for line in lines), interrupt_after))

    return typed


# --- the options ------------------------------------------------------------------------------------

ALL_NO = {key: False for key in QUESTION_KEYS}

SAVES = [
    pytest.param(["--answers", "none"], "clear", ALL_NO, [], id="answers-none"),
    pytest.param(["--answers", "fever"], "urgent", {**ALL_NO, "fever": True}, [], id="answers-urgent"),
    pytest.param(
        ["--answers", "cancer,night"], "soon", {**ALL_NO, "cancer": True, "night": True}, [], id="answers-soon"
    ),
    pytest.param(
        ["--answers", "age, saddle"],
        "urgent",
        {**ALL_NO, "age": True, "saddle": True},
        [],
        id="answers-urgent-wins-spaces-allowed",
    ),
    pytest.param(
        ["--answers", ",".join(QUESTION_KEYS)], "urgent", {k: True for k in QUESTION_KEYS}, [], id="answers-all-yes"
    ),
    pytest.param(
        ["--conditions", "pregnancy,osteoporosis"],
        "unanswered",
        {},
        ["osteoporosis", "pregnancy"],
        id="conditions-only",
    ),
    pytest.param(
        ["--conditions", ",".join(c.value for c in Condition)],
        "unanswered",
        {},
        sorted(c.value for c in Condition),
        id="conditions-all",
    ),
    pytest.param(["--conditions", ""], "unanswered", {}, [], id="conditions-cleared"),
    pytest.param(["--conditions", "none"], "unanswered", {}, [], id="conditions-none"),
    pytest.param(
        ["--answers", "none", "--conditions", "spinal-stenosis"],
        "clear",
        ALL_NO,
        ["spinal-stenosis"],
        id="answers-and-conditions",
    ),
]


@pytest.mark.parametrize(("args", "state", "answers", "conditions"), SAVES)
def test_options_save_and_json_shows_the_result(db_path: Path, capsys, args, state, answers, conditions) -> None:
    data = run_json(db_path, capsys, *args)
    assert data["state"] == state
    assert data["answers"] == answers
    assert data["conditions"] == conditions
    assert data["answered_at"] == (FROZEN_AT.isoformat() if answers else None)  # the command's clock
    assert data["ask_again"] == []
    assert run_json(db_path, capsys) == data  # saved: read back the same


def test_answers_and_conditions_are_saved_separately(db_path: Path, clock, capsys) -> None:
    answered_db(db_path, clock, {"cancer": True}, ["pregnancy"])
    data = run_json(db_path, capsys, "--conditions", "osteoporosis")
    assert data["state"] == "soon" and data["answers"]["cancer"] is True  # answers kept
    assert data["conditions"] == ["osteoporosis"]
    assert data["answered_at"] == (FROZEN_AT - timedelta(minutes=1)).isoformat()  # not answered again
    data = run_json(db_path, capsys, "--answers", "none")
    assert data["state"] == "clear" and data["conditions"] == ["osteoporosis"]  # conditions kept
    assert data["answered_at"] == FROZEN_AT.isoformat()
    data = run_json(db_path, capsys, "--conditions", "")
    assert data["conditions"] == [] and data["state"] == "clear"


def test_the_command_reads_the_clock_it_is_given(db_path: Path, capsys) -> None:
    other = FrozenClock(FROZEN_AT - timedelta(days=3), ZONE)
    assert run(db_path, "--answers", "none", "--json", clock=other) == 0
    assert json.loads(capsys.readouterr().out)["answered_at"] == other.now().isoformat()


def test_json_shape(db_path: Path, clock, capsys) -> None:
    empty = run_json(db_path, capsys)
    assert empty == {
        "state": "unanswered",
        "routines": "mobility",
        "routines_why": [],
        "answered_at": None,
        "answers": {},
        "conditions": [],
        "ask_again": [],
    }
    data = run_json(db_path, capsys, "--answers", "both-legs", "--conditions", "pregnancy")
    assert set(data) == JSON_KEYS
    assert data["state"] in ("clear", "soon", "urgent", "unanswered")
    assert list(data["answers"]) == list(QUESTION_KEYS)  # in question order
    assert all(isinstance(v, bool) for v in data["answers"].values())
    assert isinstance(data["answered_at"], str) and data["answered_at"].endswith("+00:00")
    assert isinstance(data["conditions"], list) and isinstance(data["ask_again"], list)


def test_json_alone_without_a_database_creates_none(tmp_path: Path, capsys) -> None:
    db = tmp_path / "data" / "s.db"
    data = run_json(db, capsys)
    assert data["state"] == "unanswered" and data["answered_at"] is None
    assert not db.parent.exists()


# --- no option, no terminal: the state in words -----------------------------------------------------


def test_no_option_and_no_terminal_prints_the_state_and_how_to_answer(tmp_path: Path, capsys) -> None:
    db = tmp_path / "data" / "s.db"
    assert run(db) == 0  # pytest's stdin is no terminal
    out = capsys.readouterr().out
    assert "not every question answered yet" in out and "gentle mobility" in out
    assert "stretchtui safety --answers none" in out
    assert all(key in out for key in QUESTION_KEYS)
    assert not db.parent.exists()


@pytest.mark.parametrize(
    ("answers", "words", "advice"),
    [
        ({}, "clear", ()),
        ({"trauma": True}, "get medical help today", URGENT_ADVICE),
        ({"weight-loss": True}, "see a doctor soon, within days", SOON_ADVICE),
    ],
    ids=["clear", "urgent", "soon"],
)
def test_the_state_in_words_with_its_advice(db_path: Path, clock, capsys, answers, words, advice) -> None:
    answered_db(db_path, clock, answers, ["pregnancy", "osteoporosis"])
    assert run(db_path) == 0
    out = capsys.readouterr().out
    assert f"Safety questions: {words} (answered Sat 21 Nov 2026 09:29)" in out  # local time
    for line in advice:
        assert line in out
    for key in answers:
        assert f"({key})" in out  # the yes answers are named
    if not advice:
        assert "Nothing in your answers stands in the way" in out
    assert "Conditions: osteoporosis, pregnancy." in out


def test_saving_from_a_script_prints_the_new_state(db_path: Path, capsys) -> None:
    assert run(db_path, "--answers", "bladder-bowel") == 0
    out = capsys.readouterr().out
    assert out.startswith("Saved your answers.")
    assert "get medical help today" in out and all(line in out for line in URGENT_ADVICE)
    assert run(db_path, "--conditions", "pregnancy") == 0
    assert capsys.readouterr().out.startswith("Saved your conditions.")


# --- refusals: one line, exit 2, nothing written ----------------------------------------------------

KEYS_LIST = ", ".join(QUESTION_KEYS)
CONDITIONS_LIST = ", ".join(c.value for c in Condition)

REFUSED = [
    pytest.param(["--answers", "nope"], ["'nope' is not a safety question", KEYS_LIST], id="unknown-key"),
    pytest.param(["--answers", "fever,legs"], ["'legs' is not a safety question", KEYS_LIST], id="one-bad-key"),
    pytest.param(["--answers", "FEVER"], ["'FEVER' is not a safety question"], id="keys-are-lowercase"),
    pytest.param(["--answers", ""], ["--answers: give none", KEYS_LIST], id="answers-empty"),
    pytest.param(["--answers", "none,fever"], ["--answers: give none", KEYS_LIST], id="none-with-keys"),
    pytest.param(["--conditions", "preg"], ["'preg' is not a condition", CONDITIONS_LIST], id="unknown-condition"),
    pytest.param(
        ["--conditions", "pregnancy,flu"], ["'flu' is not a condition", CONDITIONS_LIST], id="one-bad-condition"
    ),
    pytest.param(
        ["--answers", "none", "--conditions", "flu"], ["'flu' is not a condition"], id="good-answers-bad-condition"
    ),
    pytest.param(
        ["--answers", "nope", "--conditions", "pregnancy"],
        ["'nope' is not a safety question"],
        id="bad-answers-good-condition",
    ),
    pytest.param(["--answers"], ["argument --answers: expected one argument"], id="answers-without-value"),
    pytest.param(["--conditions"], ["argument --conditions: expected one argument"], id="conditions-without-value"),
    pytest.param(["--json", "yes"], ["unrecognized arguments: yes"], id="json-takes-no-value"),
    pytest.param(["--frobnicate"], ["unrecognized arguments: --frobnicate"], id="unknown-option"),
]


@pytest.mark.parametrize(("args", "pieces"), REFUSED)
def test_bad_input_is_refused_and_creates_no_database(tmp_path: Path, capsys, args, pieces) -> None:
    db = tmp_path / "data" / "s.db"
    assert_refused(run(db, *args), capsys, *pieces)
    assert not db.parent.exists()


@pytest.mark.parametrize(("args", "pieces"), REFUSED)
def test_bad_input_leaves_the_settings_as_they_were(db_path: Path, clock, capsys, args, pieces) -> None:
    answered_db(db_path, clock)
    before, files = settings(db_path), sorted(p.name for p in db_path.parent.iterdir())
    assert_refused(run(db_path, *args), capsys, *pieces)
    assert settings(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == files


# --- in a terminal: the questions one by one --------------------------------------------------------


def test_a_terminal_is_asked_every_question_in_order(db_path: Path, capsys, terminal) -> None:
    terminal(*["n"] * len(QUESTIONS))
    assert run(db_path) == 0
    out = capsys.readouterr().out
    positions = [out.index(f"{i}/{len(QUESTIONS)} {q.text} [y/n]") for i, q in enumerate(QUESTIONS, 1)]
    assert positions == sorted(positions)
    assert "Saved your answers." in out and "Safety questions: clear" in out
    assert "nothing here is a diagnosis" in out.lower()
    assert run_json(db_path, capsys)["answers"] == ALL_NO


@pytest.mark.parametrize(
    ("replies", "state", "yes"),
    [
        ({"fever": "y"}, "urgent", {"fever"}),
        ({"cancer": "YES", "night": " Yes "}, "soon", {"cancer", "night"}),
        ({"both-legs": "no", "saddle": "N"}, "clear", set()),
    ],
    ids=["y", "yes-any-case", "no-any-case"],
)
def test_a_terminal_accepts_y_yes_n_no(db_path: Path, capsys, terminal, replies, state, yes) -> None:
    terminal(*[replies.get(key, "n") for key in QUESTION_KEYS])
    assert run(db_path) == 0
    out = capsys.readouterr().out
    advice = {"urgent": URGENT_ADVICE, "soon": SOON_ADVICE, "clear": ()}[state]
    assert all(line in out for line in advice)
    data = run_json(db_path, capsys)
    assert data["state"] == state and {k for k, v in data["answers"].items() if v} == yes


def test_a_terminal_is_asked_once_more_after_an_unclear_answer(db_path: Path, capsys, terminal) -> None:
    terminal("maybe", "y", *["n"] * (len(QUESTIONS) - 1))
    assert run(db_path) == 0
    assert "Please answer y or n" in capsys.readouterr().out
    assert run_json(db_path, capsys)["answers"][QUESTION_KEYS[0]] is True


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
@pytest.mark.parametrize(
    ("typed", "piece"),
    [
        (["", ""], "no y or n for question 1 (both-legs)"),
        (["n", "n", "perhaps", "maybe"], "no y or n for question 3 (bladder-bowel)"),
        (["n"] * 5, "the input ended at question 6 (walking)"),
        ([], "the input ended at question 1 (both-legs)"),
    ],
    ids=["empty-twice", "unclear-twice", "eof-midway", "eof-at-once"],
)
def test_a_terminal_that_gives_no_clear_answer_saves_nothing(
    tmp_path: Path, clock, capsys, terminal, existing, typed, piece
) -> None:
    db = tmp_path / "data" / "s.db"
    if existing:
        answered_db(db, clock)
        before = settings(db)
    terminal(*typed)
    code = run(db)
    out, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and piece in err and "nothing saved" in err
    if existing:
        assert settings(db) == before
    else:
        assert not db.parent.exists()


@pytest.mark.parametrize("existing", [False, True], ids=["no-database", "existing-database"])
def test_ctrl_c_in_a_terminal_saves_nothing(tmp_path: Path, clock, capsys, terminal, existing) -> None:
    db = tmp_path / "data" / "s.db"
    if existing:
        answered_db(db, clock)
        before = settings(db)
    terminal(*["n"] * len(QUESTIONS), interrupt_after=7)
    assert run(db) == 130
    assert "nothing saved" in capsys.readouterr().err
    if existing:
        assert settings(db) == before
    else:
        assert not db.parent.exists()


def test_json_in_a_terminal_does_not_ask(tmp_path: Path, capsys, terminal) -> None:
    db = tmp_path / "data" / "s.db"
    terminal(*["y"] * len(QUESTIONS))
    assert run_json(db, capsys)["state"] == "unanswered"
    assert sys.stdin.read(1) == "y"  # nothing was read
    assert not db.parent.exists()


def test_options_in_a_terminal_do_not_ask(db_path: Path, capsys, terminal) -> None:
    terminal(*["y"] * len(QUESTIONS))
    assert run(db_path, "--answers", "none") == 0
    assert "[y/n]" not in capsys.readouterr().out
    assert run_json(db_path, capsys)["state"] == "clear"


@pytest.mark.slow
def test_the_questions_on_a_real_terminal(tmp_path: Path) -> None:
    """The real entry point on a pty: it sees a terminal, asks, and saves the answers."""
    import pty
    import select
    import subprocess
    import time

    db = tmp_path / "s.db"
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "stretchtui", "--db", str(db), "safety"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    output = b""

    def read_until(needle: bytes, timeout: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + timeout
        while needle not in output:
            assert time.monotonic() < deadline, output[-2000:]
            if select.select([master], [], [], 0.2)[0]:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    return

    try:
        for number, question in enumerate(QUESTIONS, 1):
            read_until(f"{number}/{len(QUESTIONS)} ".encode())
            os.write(master, b"y\n" if question.key == "night" else b"n\n")
        read_until(b"Conditions:")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert b"see a doctor soon" in output
    conn = sqlite3.connect(db)
    try:
        stored = json.loads(conn.execute("SELECT value FROM setting WHERE key = 'safety_answers'").fetchone()[0])
    finally:
        conn.close()
    assert stored == {**ALL_NO, "night": True}


# --- a worrying note asks the questions again -------------------------------------------------------


def suggest_json(db: Path, capsys) -> dict:
    assert main(["--db", str(db), "suggest", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_red_flag_note_blocks_until_the_questions_are_answered_again(db_path: Path, clock, capsys) -> None:
    earlier = FrozenClock(FROZEN_AT - timedelta(hours=1), ZONE)
    assert run(db_path, "--answers", "none", clock=earlier) == 0
    capsys.readouterr()
    assert suggest_json(db_path, capsys)["blocked"] is False

    assert main(["--db", str(db_path), "log", "--pain", "3", "--note", "both legs numb"]) == 0
    capsys.readouterr()
    suggestion = suggest_json(db_path, capsys)
    assert suggestion["blocked"] is True and suggestion["routine"] == []
    data = run_json(db_path, capsys)
    assert data["state"] == "clear"
    notes = [a for a in data["ask_again"] if a["reason"] == "note"]
    assert notes and notes[0]["blocks"] is True and set(notes[0]) == {"reason", "text", "blocks"}
    assert run(db_path) == 0
    out = capsys.readouterr().out
    assert "Please answer them again:" in out and "no routine until then" in out

    assert run(db_path, "--answers", "none") == 0
    capsys.readouterr()
    assert run_json(db_path, capsys)["ask_again"] == []
    suggestion = suggest_json(db_path, capsys)
    assert suggestion["blocked"] is False and suggestion["routine"]


# --- `routines`: the whole check in one word, the same as the suggestion -----------------------------


def _log(db: Path, *args: str) -> None:
    assert main(["--db", str(db), "log", *args]) == 0


ROUTINES_CASES = [
    pytest.param(None, [], "mobility", "unanswered", id="never-answered"),
    pytest.param("none", [], "full", "clear", id="all-no"),
    pytest.param("fever", [], "none", "urgent", id="urgent-yes"),
    pytest.param("cancer", [], "none", "soon", id="soon-yes"),
    pytest.param("none", [("--pain", "8")], "none", "clear", id="pain-8-after-clear-answers"),
    pytest.param("none", [("--pain", "3", "--note", "both legs numb")], "none", "clear", id="worrying-note"),
    pytest.param(
        "none",
        [("--pain", "4", "--area", "leg", "--side", "left"), ("--pain", "4", "--area", "leg", "--side", "right")],
        "none",
        "clear",
        id="both-legs-noted",
    ),
    pytest.param(None, [("--pain", "9")], "none", "unanswered", id="pain-9-never-answered"),
    pytest.param("none", [("--pain", "7")], "mobility", "clear", id="pain-7-today-is-mobility"),
    pytest.param("none", [("--pain", "5")], "gentle", "clear", id="pain-5-today-is-gentle"),
    pytest.param("none", [("--pain", "2")], "full", "clear", id="pain-2-today"),
]


def _routines_agree_with_suggest(db: Path, capsys, routines: str) -> None:
    """`routines` in --json and in words, against `suggest --json`: blocked exactly when none, and
    only gentle moves when gentle."""
    assert run_json(db, capsys)["routines"] == routines
    suggestion = suggest_json(db, capsys)
    assert suggestion["blocked"] is (routines == "none")
    from stretchtui.core.library import load_library
    from stretchtui.core.safety import is_gentle
    from stretchtui.core.suggest import ROUTINES_WORDS, Routines
    from stretchtui.core.vocabulary import Kind

    moves = [load_library().exercises[item["exercise"]] for item in suggestion["routine"]]
    assert bool(moves) is (routines != "none")
    if routines == "mobility":
        assert all(is_gentle(move) for move in moves)
    if routines == "gentle":
        assert all(move.kind is not Kind.STRENGTH for move in moves)
    assert run(db) == 0
    words = f"Routines today: {ROUTINES_WORDS[Routines(routines)]}."
    out = capsys.readouterr().out
    assert words in out
    if routines == "none":
        assert "Nothing in your answers stands in the way" not in out


@pytest.mark.parametrize(("answers", "logs", "routines", "state"), ROUTINES_CASES)
def test_routines_says_what_the_suggestion_does(db_path: Path, capsys, answers, logs, routines, state) -> None:
    """A script reading `state` alone was told "clear" while a note of 8/10 stopped every routine;
    `routines` is the whole of today (the answers, what was noted since, today's pain level), and
    it agrees with `suggest --json` in every case."""
    Store.open(db_path, FrozenClock(FROZEN_AT - timedelta(hours=2), ZONE)).close()
    if answers is not None:
        earlier = FrozenClock(FROZEN_AT - timedelta(hours=1), ZONE)
        assert run(db_path, "--answers", answers, clock=earlier) == 0
    for args in logs:
        _log(db_path, *args)
    capsys.readouterr()
    assert run_json(db_path, capsys)["state"] == state
    _routines_agree_with_suggest(db_path, capsys, routines)


def test_answering_again_after_pain_of_eight_still_gives_no_routine_today(db_path: Path, capsys) -> None:
    """The route `log` itself points to: answer again. The questions are clear then, but pain of
    8/10 today still means no routine (an outside pass saw `routines` say usual here)."""
    earlier = FrozenClock(FROZEN_AT - timedelta(hours=1), ZONE)
    assert run(db_path, "--answers", "none", clock=earlier) == 0
    _log(db_path, "--pain", "8")
    assert run(db_path, "--answers", "none") == 0
    capsys.readouterr()
    data = run_json(db_path, capsys)
    assert (data["state"], data["ask_again"], data["routines"]) == ("clear", [], "none")
    assert data["routines_why"][0].startswith("Pain 8/10 today")
    _routines_agree_with_suggest(db_path, capsys, "none")


def test_a_flare_day_is_gentle_mobility(db_path: Path, capsys) -> None:
    earlier = FrozenClock(FROZEN_AT - timedelta(hours=1), ZONE)
    assert run(db_path, "--answers", "none", clock=earlier) == 0
    assert main(["--db", str(db_path), "rest", "--flare"]) == 0
    capsys.readouterr()
    _routines_agree_with_suggest(db_path, capsys, "mobility")


def test_answers_older_than_thirty_days_mean_gentle_mobility(db_path: Path, capsys) -> None:
    from stretchtui.core.safety import ASK_AGAIN_DAYS

    long_ago = FrozenClock(FROZEN_AT - timedelta(days=ASK_AGAIN_DAYS, minutes=1), ZONE)
    assert run(db_path, "--answers", "none", clock=long_ago) == 0
    capsys.readouterr()
    data = run_json(db_path, capsys)
    assert (data["state"], data["routines"]) == ("clear", "mobility")
    assert [a["reason"] for a in data["ask_again"]] == ["expired"]


# --- `log` says what a note changed, as Today does in the app -----------------------------------------


def _log_out(db: Path, capsys, *args: str) -> list[str]:
    _log(db, *args)
    return capsys.readouterr().out.splitlines()


def _answered(db: Path, capsys, answers: str = "none") -> None:
    earlier = FrozenClock(FROZEN_AT - timedelta(hours=1), ZONE)
    assert run(db, "--answers", answers, clock=earlier) == 0
    capsys.readouterr()


def test_logging_pain_of_eight_or_more_says_what_it_means_for_stretching(db_path: Path, capsys) -> None:
    """The app asks the safety questions again at once after such a check-in; `log` only said
    "Noted". It now gives the same advice as the app before a session, and why it will ask."""
    _answered(db_path, capsys)
    lines = _log_out(db_path, capsys, "--pain", "9")
    assert lines[0].startswith("Noted Lower back 9/10")
    assert lines[1].startswith("Pain of 9/10 is too much to stretch through. Rest in whatever position eases it")
    assert lines[2:] == ["You noted pain of 8/10 or more.", ASK_AGAIN_ADVICE]
    again = _log_out(db_path, capsys, "--pain", "8", "--area", "neck")  # the reason is known: not said twice
    assert again[1].startswith("Pain of 8/10 is too much") and again[2:] == [ASK_AGAIN_ADVICE]  # only what to do
    noted = f"Noted Lower back 7/10 for {again[0].split(' for ')[1]}"
    assert _log_out(db_path, capsys, "--pain", "7") == [noted, ASK_AGAIN_ADVICE]  # still open: said in one line


def test_pain_noted_for_an_earlier_time_gets_no_advice_for_now(db_path: Path, capsys) -> None:
    _answered(db_path, capsys)
    earlier = (FROZEN_AT - timedelta(minutes=30)).astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")
    lines = _log_out(db_path, capsys, "--pain", "9", "--at", earlier)
    assert lines[1:] == ["You noted pain of 8/10 or more.", ASK_AGAIN_ADVICE]


def test_a_worrying_note_says_the_questions_come_first_and_a_second_one_too(db_path: Path, capsys) -> None:
    _answered(db_path, capsys)
    lines = _log_out(db_path, capsys, "--pain", "3", "--note", "both legs numb since this morning")
    assert "mentions something the safety questions ask about (both-legs)" in lines[1]
    assert lines[2:] == [URGENT_SIGN_ADVICE, ASK_AGAIN_ADVICE]  # numb legs: a sign for the same day
    # No new reason, but a note of an urgent sign: the same-day line every time (third outside pass)
    same = _log_out(db_path, capsys, "--note", "both legs still numb, can't feel them now")
    assert same[1:] == [URGENT_SIGN_ADVICE, ASK_AGAIN_ADVICE]
    assert _log_out(db_path, capsys, "--pain", "2")[1:] == [ASK_AGAIN_ADVICE]  # nothing new: what to do, in one line
    second = _log_out(db_path, capsys, "--note", "now a fever and chills too")  # a reason said anew
    assert "(both-legs, fever)" in second[1] and second[2:] == [URGENT_SIGN_ADVICE, ASK_AGAIN_ADVICE]


def test_a_note_of_a_sign_for_within_days_asks_again_without_the_same_day_line(db_path: Path, capsys) -> None:
    _answered(db_path, capsys)
    lines = _log_out(db_path, capsys, "--note", "lost weight without trying")
    assert "(weight-loss)" in lines[1] and lines[2:] == [ASK_AGAIN_ADVICE]


def test_never_answered_asks_to_answer_not_to_answer_again(tmp_path: Path, capsys) -> None:
    lines = _log_out(tmp_path / "s.db", capsys, "--pain", "10")
    assert lines[2] == "You noted pain of 8/10 or more."
    assert lines[3:] == [UNANSWERED_BLOCKED_ADVICE]
    assert "only gentle mobility" not in " ".join(lines)


@pytest.mark.parametrize(
    ("answer", "advice"), [("fever", URGENT_ADVICE), ("cancer", (URGENT_SIGN_ADVICE, SOON_ADVICE[1]))]
)
def test_with_a_red_flag_open_log_says_its_advice_again(db_path: Path, capsys, answer, advice) -> None:
    """Nothing new: the open yes's first line again. A new reason: it, then the whole advice; with a
    "soon" yes open and a note of a sign that can need care the same day, never "within days"
    beside it (second outside pass)."""
    assert run(db_path, "--answers", answer) == 0
    capsys.readouterr()
    assert _log_out(db_path, capsys, "--pain", "2")[1:] == [advice[0] if answer == "fever" else SOON_ADVICE[0]]
    lines = _log_out(db_path, capsys, "--note", "can't hold my urine since this morning")
    assert "mentions something the safety questions ask about (bladder-bowel)" in lines[1]
    assert tuple(lines[2:]) == advice


def test_with_soon_open_a_note_for_within_days_asks_to_answer_again_first(db_path: Path, capsys) -> None:
    assert run(db_path, "--answers", "night") == 0
    capsys.readouterr()
    lines = _log_out(db_path, capsys, "--note", "lost weight without trying")
    assert lines[2:] == [ANSWER_AGAIN_FIRST, *SOON_ADVICE]


def test_leg_pain_on_both_sides_can_be_said_in_one_log(db_path: Path, capsys) -> None:
    """`--side` took only left or right, so pain in both legs was logged with no side and asked
    nothing (second outside pass). `--side both` notes each side, and the questions come back."""
    _answered(db_path, capsys)
    lines = _log_out(db_path, capsys, "--pain", "4", "--area", "leg", "--side", "both")
    assert "Leg (sciatica-like, left) 4/10" in lines[0] and "Leg (sciatica-like, right) 4/10" in lines[0]
    assert lines[1] == "You noted leg pain on both sides."
    assert run_json(db_path, capsys)["routines"] == "none"
    # Noted again (it said nothing): the same-day line again, as for a note of an urgent sign, and
    # what to do; anything else noted while it is open: what to do, in one line.
    again = _log_out(db_path, capsys, "--pain", "4", "--area", "leg", "--side", "both")
    assert again[1:] == [URGENT_SIGN_ADVICE, ASK_AGAIN_ADVICE]
    again = _log_out(db_path, capsys, "--pain", "5", "--area", "leg", "--side", "left", "--note", "right leg too")
    assert again[1:] == [URGENT_SIGN_ADVICE, ASK_AGAIN_ADVICE]
    assert _log_out(db_path, capsys, "--pain", "2")[1:] == [ASK_AGAIN_ADVICE]


def test_the_routines_line_names_conditions_only_when_there_are_some(db_path: Path, capsys) -> None:
    _answered(db_path, capsys)
    assert run(db_path) == 0
    assert "Routines today: a full routine.\n" in capsys.readouterr().out
    assert run(db_path, "--conditions", "pregnancy") == 0
    assert "Routines today: a full routine (moves your conditions rule out are left out)." in capsys.readouterr().out
