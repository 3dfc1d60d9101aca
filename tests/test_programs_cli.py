"""Programs through the store and the CLI (issue 18): list, show, start, status, stop, resume from
flare mode, import and export prescriptions, `status --json`, and sessions that record the
prescription and version in force (kept by export and import)."""

from __future__ import annotations

import json
from pathlib import Path

from stretchtui import cli
from stretchtui.core.library import load_library
from stretchtui.core.program_reading import load_builtin, parse_text
from stretchtui.core.programs import load_ladders
from stretchtui.core.sessions import SessionStatus
from stretchtui.store import Store

OWN = """
format_version = 1

[program]
id = "my-knee-friendly"
version = 1
name = "Knee-friendly back plan"
summary = "Two weeks of easy moves, none kneeling."
written_by = "A. Physio"
sessions_per_week = 3

[[program.phase]]
name = "Easy start"
weeks = 2
goal = "Move gently every other day."

[[program.phase.item]]
exercise = "pelvic-tilt"
reps = 8

[[program.phase.item]]
ladder = "bridge"
rung = "pelvic-tilt"
top_rung = "bridge"
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_show_work_before_any_database_and_create_nothing(db_path: Path, capsys) -> None:
    db = ["--db", str(db_path)]
    code, out, _ = run(capsys, *db, "program", "list")
    assert code == 0 and "lower-back-starter" in out and "desk-worker" in out
    code, out, _ = run(capsys, *db, "program", "show", "lower-back-starter")
    assert code == 0 and "weeks 3-4: Add gentle strength" in out and "(ladder: Pelvic Tilt → Bridge)" in out
    code, out, _ = run(capsys, *db, "program", "--json")
    assert {p["id"] for p in json.loads(out)} >= {"lower-back-starter", "leg-symptoms", "mobility-to-strength"}
    assert not db_path.exists()


def test_start_status_and_status_json_show_the_position_and_todays_session(db_path: Path, capsys) -> None:
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "log", "--pain", "2")[0] == 0
    code, out, _ = run(capsys, *db, "program", "start", "lower-back-starter")
    assert code == 0 and "Started Lower-back starter" in out
    code, out, _ = run(capsys, *db, "program", "status")
    assert "Lower-back starter: week 1 of 6 · session 1 of 3 this week" in out
    assert "  - Pelvic Tilt: 8 reps" in out and "start       Started Lower-back starter" in out
    code, out, _ = run(capsys, *db, "status", "--json")
    program = json.loads(out)["program"]
    assert program["id"] == "lower-back-starter" and program["week"] == 1 and program["phase"] == 1
    assert program["position"] == "week 1 of 6 · session 1 of 3 this week"
    assert [i["exercise"] for i in program["session"]["routine"]][:2] == ["timed-walk", "lower-trunk-rotation"]
    code, _, err = run(capsys, *db, "program", "start", "lower-back-starter")
    assert code == 2 and "already in Lower-back starter" in err
    assert run(capsys, *db, "program", "stop")[0] == 0
    assert json.loads(run(capsys, *db, "status", "--json")[1])["program"] is None


def test_a_program_session_records_its_prescription_and_moves_the_program(db_path: Path, clock, capsys) -> None:
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "program", "start", "lower-back-starter")[0] == 0
    store = Store.open(db_path, clock)
    try:
        info = store.sessions.start_session(
            None, "Lower-back starter: week 1", 300, pain_before=2, program=("lower-back-starter", 1)
        )
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=2)
    finally:
        store.close()
    code, out, _ = run(capsys, *db, "program", "status", "--json")
    data = json.loads(out)
    assert data["sessions_this_week"] == 1 and data["waiting"]
    report = run(capsys, *db, "report")[1]
    assert "Program: Lower-back starter (lower-back-starter, version 1): 1 session" in report
    exported = json.loads(run(capsys, *db, "export", "--output", "-")[1])
    session = exported["sessions"][0]
    assert (session["program_id"], session["program_version"]) == ("lower-back-starter", 1)
    other = db_path.parent / "other.db"
    export = db_path.parent / "export.json"
    export.write_text(json.dumps(exported), encoding="utf-8")
    assert run(capsys, "--db", str(other), "import", str(export))[0] == 0
    again = json.loads(run(capsys, "--db", str(other), "export", "--output", "-")[1])
    assert again["sessions"][0]["program_id"] == "lower-back-starter"
    clock.advance(24 * 3600)
    assert run(capsys, *db, "log", "--pain", "1")[0] == 0
    data = json.loads(run(capsys, *db, "program", "status", "--json")[1])
    assert data["step"] == 1 and data["history"][-1]["move"] == "up"


def test_a_flare_day_switches_to_flare_mode_and_resume_goes_back_one_step_lower(db_path: Path, clock, capsys) -> None:
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "program", "start", "desk-worker")[0] == 0
    code, _, err = run(capsys, *db, "program", "resume")
    assert code == 2 and "is not in flare mode" in err
    assert run(capsys, *db, "log", "--pain", "7")[0] == 0
    code, out, _ = run(capsys, *db, "program", "status")
    assert "Flare mode" in out and "get help: Call emergency services" in out
    assert "Relief positions" in out or "Flare mode: relief positions" in out
    data = json.loads(run(capsys, *db, "program", "status", "--json")[1])
    assert data["flare_mode"] is True and data["history"][-1]["move"] == "flare"
    code, out, err = run(capsys, *db, "program", "resume")  # the 7 is still today's latest pain
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "Flare mode stays for now: the latest pain you noted today for the lower back is 7/10." in err
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is True
    clock.advance(600)
    assert run(capsys, *db, "log", "--pain", "2", "--area", "neck")[0] == 0  # another area: the back's 7 stands
    code, _, err = run(capsys, *db, "program", "resume")
    assert code == 2 and "for the lower back is 7/10" in err  # (an outside pass: it read the neck's 2)
    clock.advance(1800)
    assert run(capsys, *db, "log", "--pain", "3")[0] == 0  # eased by the afternoon
    assert run(capsys, *db, "program", "resume")[0] == 0
    data = json.loads(run(capsys, *db, "program", "status", "--json")[1])
    assert data["flare_mode"] is False and data["step"] == -1
    clock.advance(3600)
    assert run(capsys, *db, "log", "--pain", "6")[0] == 0  # later that day: not a flare's pain
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is False
    assert run(capsys, *db, "log", "--pain", "9")[0] == 0  # a flare's pain after leaving: back into it
    data = json.loads(run(capsys, *db, "program", "status", "--json")[1])
    assert data["flare_mode"] is True and data["step"] == -1
    assert data["history"][-1]["why"].startswith("Pain 9/10 noted after you left flare mode.")


def test_suggest_and_safety_offer_what_today_offers_in_a_program_and_its_flare_mode(db_path: Path, capsys) -> None:
    """In a program, `suggest` and `safety`'s `routines` follow it as Today does: its session, and
    in flare mode the flare session (mobility), never a fresh full suggestion beside it."""
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "safety", "--answers", "none")[0] == 0
    assert run(capsys, *db, "program", "start", "desk-worker")[0] == 0

    def offered() -> tuple[dict, dict, dict]:
        suggestion = json.loads(run(capsys, *db, "suggest", "--json")[1])
        safety = json.loads(run(capsys, *db, "safety", "--json")[1])
        return suggestion, safety, json.loads(run(capsys, *db, "program", "status", "--json")[1])

    suggestion, safety, status = offered()
    assert suggestion.pop("program") == {"id": "desk-worker", "name": "Desk worker", "flare_mode": False}
    assert suggestion.pop("get_help") == []
    assert suggestion == status["session"] and safety["routines"] == "full"
    assert suggestion["why"][0] == "Break up the sitting (phase 1 of 2): the doses as written."
    assert run(capsys, *db, "rest", "--flare")[0] == 0  # a flare marked, no pain noted
    suggestion, safety, status = offered()
    assert suggestion.pop("program")["flare_mode"] is True and suggestion.pop("get_help")[0].startswith(
        "Call emergency services"
    )
    assert status["flare_mode"] is True and suggestion == status["session"]
    assert safety["routines"] == "mobility" and safety["routines_why"] == suggestion["why"]
    assert suggestion["why"][0] == "Break up the sitting (phase 1 of 2): on hold in flare mode."
    assert "Flare day marked today: short, gentle mobility only (up to 5 min)." in suggestion["why"]
    assert not any("Pain 7/10" in line for line in suggestion["why"])
    assert run(capsys, *db, "suggest")[1].splitlines()[1].startswith("Flare mode: ease and move gently")
    assert "Routines today: short, gentle mobility only" in run(capsys, *db, "safety")[1]


def test_flare_mode_says_its_own_level_and_when_to_get_help_whatever_todays_pain(db_path: Path, clock, capsys) -> None:
    """The day after a flare, with pain 2 noted, flare mode still offers gentle mobility only: its
    first line says so and never "a full routine" (an outside pass found it did), and `suggest`
    says it is the program's session, that --minutes and --place do not choose it, and when to
    get help, as `program status` does."""
    db = ["--db", str(db_path)]
    for argv in (["safety", "--answers", "none"], ["program", "start", "desk-worker"], ["rest", "--flare"]):
        assert run(capsys, *db, *argv)[0] == 0
    clock.advance(24 * 3600)
    assert run(capsys, *db, "log", "--pain", "2")[0] == 0
    suggestion = json.loads(run(capsys, *db, "suggest", "--json")[1])
    assert "Pain 2/10 today; in flare mode: short, gentle mobility only (up to 5 min)." in suggestion["why"]
    assert not any("a full routine" in line for line in suggestion["why"])
    code, text, _ = run(capsys, *db, "suggest", "--minutes", "20", "--place", "desk")
    assert code == 0 and text.startswith("Your program, Desk worker, in flare mode: today's session")
    assert "--minutes and --place choose a suggestion outside a program" in text
    status = run(capsys, *db, "program", "status")[1]
    helps = [line for line in text.splitlines() if line.startswith("get help: ")]
    assert len(helps) == 3 and all(line in status for line in helps)


def test_a_program_says_when_today_made_its_doses_gentler(db_path: Path, capsys) -> None:
    """Never answered: the doses are cut to gentle mobility, and the program's line says so
    instead of "the doses as written" (an outside pass found holds cut to 20 s beside it)."""
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "program", "start", "desk-worker")[0] == 0
    why = json.loads(run(capsys, *db, "suggest", "--json")[1])["why"]
    assert why[0] == "Break up the sitting (phase 1 of 2): the doses as written, made gentler today (below)."
    assert run(capsys, *db, "safety", "--answers", "none")[0] == 0
    why = json.loads(run(capsys, *db, "suggest", "--json")[1])["why"]
    assert why[0] == "Break up the sitting (phase 1 of 2): the doses as written."


def test_a_flare_marked_after_leaving_flare_mode_goes_back_into_it(db_path: Path, clock, capsys) -> None:
    """As a pain of 7 noted after leaving does (the last outside pass found the mark ignored)."""
    db = ["--db", str(db_path)]
    for argv in (["safety", "--answers", "none"], ["program", "start", "desk-worker"], ["log", "--pain", "7"]):
        assert run(capsys, *db, *argv)[0] == 0
    clock.advance(600)
    assert run(capsys, *db, "log", "--pain", "4")[0] == 0
    assert run(capsys, *db, "program", "resume")[0] == 0
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is False
    clock.advance(600)
    assert run(capsys, *db, "rest", "--flare")[0] == 0
    data = json.loads(run(capsys, *db, "program", "status", "--json")[1])
    assert data["flare_mode"] is True
    assert data["history"][-1]["why"].startswith("You marked a flare after you left flare mode.")


def test_import_export_round_trip_and_refusals(db_path: Path, tmp_path: Path, capsys) -> None:
    db = ["--db", str(db_path)]
    file = tmp_path / "plan.toml"
    file.write_text(OWN, encoding="utf-8")
    code, out, _ = run(capsys, *db, "program", "import", str(file))
    assert code == 0 and "Imported Knee-friendly back plan (my-knee-friendly, version 1)" in out
    assert "my-knee-friendly" in run(capsys, *db, "program", "list")[1]
    assert run(capsys, *db, "program", "export", "my-knee-friendly")[1] == OWN
    assert "already imported, unchanged" in run(capsys, *db, "program", "import", str(file))[1]
    before = db_path.read_bytes()
    file.write_text(OWN.replace("reps = 8", "reps = 6"), encoding="utf-8")
    code, _, err = run(capsys, *db, "program", "import", str(file))
    assert code == 2 and "version 1 of 'my-knee-friendly' is already imported with other contents" in err
    file.write_text(OWN.replace('"my-knee-friendly"', '"desk-worker"'), encoding="utf-8")
    code, _, err = run(capsys, *db, "program", "import", str(file))
    assert code == 2 and "is a built-in program's id" in err
    file.write_text(OWN.replace("reps = 8", "reps = 80"), encoding="utf-8")
    code, _, err = run(capsys, *db, "program", "import", str(file))
    assert code == 2 and "program.phase[0].item[0].reps: must be at most 12 (Pelvic Tilt's own dose), not 80" in err
    assert len(err.splitlines()) == 1 and db_path.read_bytes() == before
    out_file = tmp_path / "back.toml"
    assert run(capsys, *db, "program", "export", "lower-back-starter", "--output", str(out_file))[0] == 0
    lib = dict(load_library().exercises)
    ladders = load_ladders(lib)
    assert (
        parse_text(out_file.read_text(encoding="utf-8"), lib, ladders)
        == load_builtin(lib, ladders)["lower-back-starter"]
    )
    code, _, err = run(capsys, *db, "program", "export", "lower-back-starter", "--output", str(out_file))
    assert code == 2 and "--force" in err


def test_import_keeps_the_text_it_checked_read_once(store: Store, tmp_path: Path, monkeypatch) -> None:
    """The store keeps exactly the text that was checked: the file is read once (a file changed
    between a check and a second read would be kept unchecked), and a byte order mark, as some
    Windows editors write, is not kept."""
    file = tmp_path / "plan.toml"
    file.write_bytes(b"\xef\xbb\xbf" + OWN.encode("utf-8"))
    opened: list[Path] = []
    real_open, real_read_text = Path.open, Path.read_text

    def counting_open(self: Path, *args, **kwargs):
        if self == file:
            opened.append(self)
        return real_open(self, *args, **kwargs)

    def counting_read_text(self: Path, *args, **kwargs):
        if self == file:
            opened.append(self)
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    monkeypatch.setattr(Path, "read_text", counting_read_text)
    store.programs.catalogue()  # the built-ins, read before counting
    program, added = store.programs.import_file(file)
    monkeypatch.undo()
    assert added and program.id == "my-knee-friendly"
    assert len(opened) == 1
    assert store.programs.catalogue().texts[program.key] == OWN


def test_pain_before_a_session_left_open_enters_flare_mode_and_a_discarded_ones_does_not(
    db_path: Path, clock, capsys
) -> None:
    """A flare's pain noted at a session's start counts for the program as a check-in's does, even
    when the session is still open (killed mid-routine); one the person discarded does not."""
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "program", "start", "desk-worker")[0] == 0
    clock.advance(3600)
    store = Store.open(db_path, clock)
    discarded = store.sessions.start_session(None, "Test", 60, pain_before=8)
    store.sessions.finish_session(discarded.id, SessionStatus.DISCARDED, active_seconds=0)
    store.close()
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is False
    store = Store.open(db_path, clock)
    store.sessions.start_session(None, "Test", 60, pain_before=8)  # and never closed
    store.close()
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is True


def test_flare_mode_stays_on_a_day_marked_a_flare_until_the_mark_changes(db_path: Path, clock, capsys) -> None:
    """Leaving flare mode on a day marked a flare (no pain noted) is refused in one line, as on a
    day whose latest pain is a flare's; the mark corrected to a rest day, there was no flare."""
    db = ["--db", str(db_path)]
    for argv in (["safety", "--answers", "none"], ["program", "start", "desk-worker"], ["rest", "--flare"]):
        assert run(capsys, *db, *argv)[0] == 0
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is True
    code, _, err = run(capsys, *db, "program", "resume")
    assert code == 2 and "Flare mode stays for now: today is marked a flare day." in err
    assert run(capsys, *db, "rest")[0] == 0  # the mark corrected to a rest day: no flare was there
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["flare_mode"] is False


def test_the_rule_for_staying_in_flare_mode() -> None:
    from stretchtui.core.flare import flare_stays_because

    assert flare_stays_because(None, False) is None and flare_stays_because(6, True) is not None
    assert flare_stays_because(6, False) is None and "7/10" in (flare_stays_because(7, False) or "")
    assert "marked a flare" in (flare_stays_because(2, True) or "")


def test_a_session_of_skips_only_is_not_one_of_the_weeks_sessions(db_path: Path, clock, capsys) -> None:
    """Partial sessions where no move was done (all skipped, or hurt at once and ended) counted
    towards "session 3 of 3 this week" (the fourth outside pass); a partial one with a move done counts."""
    from stretchtui.core.sessions import Outcome, Side, StepRecord

    db = ["--db", str(db_path)]
    assert run(capsys, *db, "program", "start", "lower-back-starter")[0] == 0
    store = Store.open(db_path, clock)
    try:
        for outcome in (Outcome.SKIPPED, Outcome.DONE):
            info = store.sessions.start_session(None, "week 1", 300, pain_before=2, program=("lower-back-starter", 1))
            step = StepRecord(0, "pelvic-tilt", "Pelvic Tilt", 1, Side.BOTH, 0, 0.0, 8, 8, outcome)
            store.sessions.record_step(info.id, step, active_seconds=20.0, resume_state={"timer": {}, "routine": {}})
            store.sessions.finish_session(info.id, SessionStatus.PARTIAL, pain_after=2)
            clock.advance(600)
    finally:
        store.close()
    assert json.loads(run(capsys, *db, "program", "status", "--json")[1])["sessions_this_week"] == 1
