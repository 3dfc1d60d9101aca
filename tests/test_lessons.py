"""Lessons (issue 18): every lesson loads with its sources and unlock week and is one or two minutes
of reading; a broken entry is one line naming the lesson and field; which weeks unlock which
lessons; the flare-up lesson's advice is core.safety's own; `stretchtui lessons [ID] [--json]`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stretchtui import cli
from stretchtui.core import persistent_pain, safety
from stretchtui.core.errors import SeedError
from stretchtui.core.lessons import (
    MAX_WORDS,
    MIN_WORDS,
    PROGRAM_WEEKS,
    body_blocks,
    get_help_blocks,
    load_lessons,
    new_in_week,
    unlocked,
)
from stretchtui.core.library import load_sources

SEED = Path(__file__).resolve().parent.parent / "seed"
LESSONS = load_lessons()
TOPICS = {
    "why-movement-helps",
    "pain-is-not-damage",
    "flare-ups-settle",
    "sitting-and-breaks",
    "sleep-and-stress",
    "back-to-usual-activities",
}


def test_every_lesson_loads_with_a_source_an_unlock_week_and_one_or_two_minutes_of_reading() -> None:
    assert {lesson.id for lesson in LESSONS} == TOPICS
    guidelines = {load_sources()[sid].title for sid in ("nice-ng59", "acp-2017")}
    for lesson in LESSONS:
        assert MIN_WORDS <= lesson.words <= MAX_WORDS, (lesson.id, lesson.words)
        assert 1 <= lesson.unlock_week <= PROGRAM_WEEKS
        assert lesson.sources and set(lesson.sources) <= guidelines, lesson.id
        assert lesson.title and lesson.summary and len(lesson.body) >= 2
        text = " ".join((lesson.title, lesson.summary, *lesson.body))
        assert text.isascii(), lesson.id  # printed whole on an ASCII terminal
        assert "cure" not in text.casefold() and "diagnos" not in text.casefold(), lesson.id


def test_only_the_flare_up_lesson_carries_the_safety_advice_in_core_safetys_words() -> None:
    assert [lesson.id for lesson in LESSONS if lesson.get_help] == ["flare-ups-settle"]
    blocks = get_help_blocks()
    urgent = [q.text for q in safety.QUESTIONS if q.grade is safety.Grade.URGENT]
    assert [b.removeprefix("- ") for b in blocks if b.startswith("- ")] == urgent
    assert safety.URGENT_ADVICE[0] in blocks
    assert any(
        f"{persistent_pain.PERSISTENT_PAIN}/10 or more for {persistent_pain.PERSISTENT_DAYS} days" in b for b in blocks
    )


def test_a_body_is_paragraphs_and_list_items() -> None:
    assert body_blocks("One\nline.\n\n- a\n- b\n  more\n\nEnd.") == ["One line.", "- a", "- b more", "End."]


def test_which_weeks_unlock_which_lessons() -> None:
    weeks = {lesson.id: lesson.unlock_week for lesson in LESSONS}
    assert unlocked(LESSONS, 0) == ()
    assert {lesson.id for lesson in unlocked(LESSONS, 1)} == {"why-movement-helps", "flare-ups-settle"}
    assert {lesson.id for lesson in unlocked(LESSONS, 2)} == {i for i, week in weeks.items() if week <= 2}
    assert unlocked(LESSONS, PROGRAM_WEEKS) == LESSONS == unlocked(LESSONS, 99)
    for week in range(1, PROGRAM_WEEKS + 1):
        assert set(unlocked(LESSONS, week)) == set(unlocked(LESSONS, week - 1)) | set(new_in_week(LESSONS, week))
    assert sum(len(new_in_week(LESSONS, week)) for week in range(1, PROGRAM_WEEKS + 1)) == len(LESSONS)


def broken(tmp_path: Path, old: str, new: str) -> Path:
    seed = tmp_path / "seed"
    shutil.copytree(SEED, seed)
    text = (seed / "lessons.toml").read_text()
    assert old in text
    (seed / "lessons.toml").write_text(text.replace(old, new, 1))
    return seed


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("unlock_week = 2", "unlock_week = 7", "entry 'pain-is-not-damage', field 'unlock_week': "),
        ('sources = ["nice-ng59"]', 'sources = ["nice"]', "entry 'sitting-and-breaks', field 'sources': 'nice' is not"),
        ('sources = ["nice-ng59"]', "sources = []", "entry 'sitting-and-breaks', field 'sources': add at least one"),
        ('title = "Why movement helps"', 'title = ""', "entry 'why-movement-helps', field 'title': must not be empty"),
        (
            'summary = "What to do',
            'summary = "What \\u001b to do',
            "entry 'flare-ups-settle', field 'summary': holds ESC",
        ),
        ("unlock_week = 4", "unlock_week = 4\nweeks = 2", "entry 'sleep-and-stress', field 'weeks'"),
        (
            'id = "sleep-and-stress"',
            'id = "pain-is-not-damage"',
            "entry 'pain-is-not-damage', field 'id': is used twice",
        ),
    ],
)
def test_a_broken_lesson_is_one_line_naming_it_and_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    seed = broken(tmp_path, old, new)
    with pytest.raises(SeedError) as raised:
        load_lessons(seed)
    assert message in str(raised.value) and "\n" not in str(raised.value), str(raised.value)
    assert str(raised.value).startswith("seed data lessons.toml, ")


def test_a_lesson_too_short_or_too_long_is_refused(tmp_path: Path) -> None:
    first = LESSONS[0]
    text = (SEED / "lessons.toml").read_text()
    start = text.index("body = '''") + len("body = '''")
    end = text.index("'''", start)
    seed = broken(tmp_path, text[start:end], "\nToo short.\n\nStill short.\n")
    with pytest.raises(SeedError, match=rf"entry '{first.id}', field 'body': has 4 words; a lesson has 150 to 400"):
        load_lessons(seed)


# ---------------------------------------------------------------------- the command


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["lessons", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_lists_the_lessons_and_creates_no_database(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("STRETCHTUI_DB", str(tmp_path / "data" / "s.db"))
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert [line.split()[0] for line in out.splitlines()[: len(LESSONS)]] == [lesson.id for lesson in LESSONS]
    assert not (tmp_path / "data").exists()
    code, out, _ = run(capsys, "--json")
    listed = json.loads(out)
    assert [entry["id"] for entry in listed] == [lesson.id for lesson in LESSONS]
    assert all(entry["sources"] and 1 <= entry["unlock_week"] <= PROGRAM_WEEKS for entry in listed)


def test_the_command_prints_one_lesson_wrapped_to_the_terminal(monkeypatch, capsys) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    code, out, err = run(capsys, "flare-ups-settle")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Flare-ups are common, and they settle"
    assert max(len(line) for line in lines) <= 59
    assert "When to get help" in lines and "Sources:" in lines
    assert "  - Is it newly hard to pass urine, or to hold in urine or" in lines
    code, out, _ = run(capsys, "flare-ups-settle", "--json")
    shown = json.loads(out)
    assert shown["id"] == "flare-ups-settle" and shown["when_to_get_help"] == list(get_help_blocks())
    assert MIN_WORDS <= shown["words"] <= MAX_WORDS


def test_an_unknown_lesson_is_one_line_and_exit_2(capsys) -> None:
    code, out, err = run(capsys, "no-such-lesson")
    assert code == 2 and out == ""
    assert err.splitlines() == ["stretchtui: no lesson with id 'no-such-lesson' (list them with: stretchtui lessons)"]
