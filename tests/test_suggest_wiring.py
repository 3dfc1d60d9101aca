"""The suggestion engine wired to real data: the CLI contract, the Today card, the safety screen."""

from __future__ import annotations

import json
from pathlib import Path

from pilot_helpers import settle

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.store import Store
from stretchtui.ui.screens.checkin import CheckinScreen
from stretchtui.ui.screens.safety import SafetyScreen
from stretchtui.ui.screens.session import SessionScreen
from stretchtui.ui.screens.today import TodayScreen


def suggest_json(db_path: Path, capsys, *args: str) -> dict:
    assert main(["--db", str(db_path), "suggest", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_desk_story(db_path: Path, clock, capsys) -> None:
    """'My lower back is at 6 today and I sat for nine hours': a gentle five minutes at my desk, with why."""
    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 6)], sitting_hours=9)
    index = store.library.exercise_index()
    store.close()
    data = suggest_json(db_path, capsys, "--minutes", "5", "--place", "desk")
    assert set(data) == {"routine", "duration_seconds", "why", "advice", "blocked", "program", "get_help"}
    assert data["program"] is None and data["get_help"] == []  # not in a program
    assert data["blocked"] is False and data["routine"] and data["duration_seconds"] <= 5 * 60 * 1.1
    for item in data["routine"]:
        exercise = index[item["exercise"]]
        assert exercise.desk_friendly and exercise.kind.value != "strength" and exercise.intensity == 1
        assert ("hold_seconds" in item) != ("reps" in item) and item["sides"] in ("both", "each")
    why = " ".join(data["why"])
    assert "6/10" in why and "9 hours" in why and "Desk" in why


def test_red_flags_block_any_routine(db_path: Path, clock, capsys) -> None:
    store = Store.open(db_path, clock)
    store.safety.save_safety(answers={"both-legs": True})
    store.close()
    data = suggest_json(db_path, capsys)
    assert data["blocked"] is True and data["routine"] == [] and data["duration_seconds"] == 0
    assert any("now" in line.lower() for line in data["advice"])


def test_severe_pain_gives_advice_not_a_routine(db_path: Path, clock, capsys) -> None:
    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 8)])
    store.close()
    data = suggest_json(db_path, capsys)
    assert data["blocked"] is True and data["routine"] == [] and data["advice"]


async def test_first_run_asks_the_safety_questions_and_a_yes_blocks(make_test_app) -> None:
    app = make_test_app(safety_answered=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("n", "n", "y")  # the third question: bladder or bowels
        await pilot.press("a", "ctrl+s")  # the rest "no" (a yes is never flipped), then save
        await settle(pilot)
        assert app.store.safety.safety_profile().answers["bladder-bowel"] is True
        await settle(pilot)
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert today.data.suggestion.blocked and today.data.suggestion.routine is None
        assert "No routine today." in str(today.query_one("#today-suggestion").content)
        await pilot.press("enter")
        assert not isinstance(app.screen, SessionScreen)


async def test_a_worrying_note_asks_the_questions_again(make_test_app, store, clock) -> None:
    app = make_test_app()
    clock.advance(60)  # the note comes after the answers
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CheckinScreen)
        await pilot.press("4")
        form.query_one("#note").value = "some numbness in both legs this morning"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
    check = store.safety.safety_check()
    assert check.blocked and [a.reason for a in check.ask_again] == ["note"]
    assert store.safety.safety_profile().answers  # the earlier answers are kept: a note only asks again


async def test_today_starts_the_suggestion_and_cycles_minutes_and_place(make_test_app, store) -> None:
    app = make_test_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        today = app.screen
        assert today.data.minutes == 10 and today.data.place == "floor"
        await pilot.press("m", "p")
        await settle(pilot)
        assert (today.data.minutes, today.data.place) == (15, "desk")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # skip the pain question
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.routine.items == today.data.suggestion.routine.items
    assert store.settings.get("suggest_minutes") == 15 and store.settings.get("suggest_place") == "desk"


def test_the_latest_check_in_of_the_day_counts_not_the_worst(db_path: Path, clock, capsys) -> None:
    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 8)])  # a bad morning...
    clock.advance(4 * 3600)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 2)])  # ...much better by the afternoon
    clock.advance(60)
    store.safety.save_safety(answers={})  # asked again after the 8 (core.safety.ask_again), all "no"
    store.close()
    data = suggest_json(db_path, capsys)
    assert data["blocked"] is False and data["routine"]
    assert any("2/10" in line for line in data["why"])


def test_a_day_marked_as_a_flare_makes_the_next_suggestion_gentle(db_path: Path, clock) -> None:
    """A flare day marked without a pain noted (`rest --flare`, or `f` in the app) counts as a pain of
    at least 7 that day: the next suggestion is as gentle as after a noted 7, never a full one."""
    from datetime import timedelta

    from stretchtui.core.entries import MarkKind
    from stretchtui.core.suggest import suggest

    store = Store.open(db_path, clock)
    try:
        today = clock.now().date()
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 2)], at=clock.now() - timedelta(days=3))
        before = suggest(store.suggestions.suggestion_request(today, 10, "floor"))
        store.corrections.set_day_mark(today - timedelta(days=1), MarkKind.FLARE)
        after = suggest(store.suggestions.suggestion_request(today, 10, "floor"))
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 7)], at=clock.now() - timedelta(days=1))
        noted = suggest(store.suggestions.suggestion_request(today, 10, "floor"))
    finally:
        store.close()
    assert before.level != after.level
    assert after.level == noted.level
    # said as what it is: the mark, not a pain of 7 never noted, and no region for it
    assert after.why[0] == "Flare day marked yesterday; for the reason below: no routine today."  # a rise from 2
    assert not any("7/10" in line or line.startswith("Moves for your") for line in after.why)
    assert noted.why[0] == "Pain 7/10 yesterday; for the reason below: no routine today."


def test_pain_noted_at_a_session_left_open_counts_and_a_discarded_one_does_not(db_path: Path, clock, capsys) -> None:
    """A session killed mid-routine stays in progress: the 7/10 noted at its start makes the next
    suggestion gentle at once, not only when the session is closed (it is in History the same way);
    a session the person discarded is not counted, as History does not count it."""
    store = Store.open(db_path, clock)
    store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 1)])
    clock.advance(60)
    left_open = store.sessions.start_session("one-minute", "One-Minute Unwind", 76, pain_before=7)
    store.close()
    data = suggest_json(db_path, capsys)
    assert data["why"][0].startswith("Pain 7/10 today")
    assert not any("a full routine" in line for line in data["why"])

    from stretchtui.core.sessions import SessionStatus

    store = Store.open(db_path, clock)
    store.sessions.finish_session(left_open.id, SessionStatus.DISCARDED, active_seconds=0)
    store.close()
    assert suggest_json(db_path, capsys)["why"][0].startswith("Pain 1/10 today")


def test_the_hours_sat_that_count_are_the_latest_noted_as_today_shows_them(db_path: Path, clock, capsys) -> None:
    """9 hours noted, then 7 later the same day: Today and the check-in form say 7, and so does
    the suggestion's why line (it said 9, the most noted; the fourth outside pass)."""
    store = Store.open(db_path, clock)
    store.safety.save_safety(answers={})
    clock.advance(60)
    store.checkins.add_checkin([], sitting_hours=9)
    clock.advance(1200)
    store.checkins.add_checkin([], sitting_hours=7)
    store.close()
    why = " ".join(suggest_json(db_path, capsys, "--minutes", "5", "--place", "desk")["why"])
    assert "You sat 7 hours today" in why and "9 hours" not in why
