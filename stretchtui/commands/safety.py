"""`stretchtui safety`: answer the safety questions, set the health conditions, or show where they stand.

The questions, their grades and what an answer means are core.safety's; the store keeps them
(store.safety). This module only asks, checks what it was given and prints. Bad input is refused
before the database is opened, so it writes nothing and creates no file. docs/safety.md says every
rule in plain words.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from stretchtui.commands.common import CliError, Parser, on_terminal, opened_store, print_json
from stretchtui.commands.registry import Command
from stretchtui.store.location import resolve_db_path

if TYPE_CHECKING:
    from stretchtui.core.safety import SafetyCheck
    from stretchtui.core.suggest import Routines
    from stretchtui.store import Store

NONE = "none"
ATTEMPTS = 2
"""An answer that is not yes or no is asked once more; the second one ends the command."""
YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})


def _safety_arguments(parser: Parser) -> None:
    from stretchtui.core.safety import QUESTION_KEYS
    from stretchtui.core.vocabulary import Condition

    parser.add_argument(
        "--answers",
        metavar="none|KEY,KEY",
        help="save answers without asking: 'none' (every answer no) or the keys answered yes "
        "(every other question no). Keys: " + ", ".join(QUESTION_KEYS),
    )
    parser.add_argument(
        "--conditions",
        metavar="C,C",
        help="set your conditions ('' or none clears them): " + ", ".join(c.value for c in Condition),
    )
    parser.add_argument("--json", action="store_true", help="print the state as JSON (after any change)")


# --- reading the options (before anything is opened) ------------------------------------------


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_answers(text: str) -> dict[str, bool]:
    """`none` -> {} (every answer no); `KEY,KEY` -> those keys yes. Raises CliError naming a bad key."""
    from stretchtui.core.safety import QUESTION_KEYS, check_answer_keys

    items = _items(text)
    if items == [NONE]:
        return {}
    if not items or NONE in items:
        raise CliError(
            f"--answers: give {NONE} (every answer no) or the keys answered yes, "
            f"separated by commas; the keys are: {', '.join(QUESTION_KEYS)}"
        )
    try:
        return {key: True for key in check_answer_keys(items)}
    except ValueError as error:
        raise CliError(f"--answers: {error}") from None


def parse_conditions(text: str) -> list[str]:
    """`''` or `none` -> [] (clears them); `C,C` -> those. Raises CliError naming a bad condition."""
    from stretchtui.core.conditions import check_conditions

    items = _items(text)
    if items == [NONE]:
        return []
    try:
        return sorted(c.value for c in check_conditions(items))
    except ValueError as error:
        raise CliError(f"--conditions: {error}") from None


# --- the command --------------------------------------------------------------------------------


def cmd_safety(args: argparse.Namespace) -> int:
    answers = parse_answers(args.answers) if args.answers is not None else None
    conditions = parse_conditions(args.conditions) if args.conditions is not None else None
    if answers is None and conditions is None:
        if not args.json and on_terminal():
            return _ask(args)
        return _show(args, current_check(args), how_to=not args.json)
    standing = _save(args, answers, conditions)
    if args.json:
        _print_json(standing)
        return 0
    saved = []
    if answers is not None:
        saved.append("your answers")
    if conditions is not None:
        saved.append("your conditions")
    print(f"Saved {' and '.join(saved)}.")
    return _show(args, standing, how_to=False)


def current_check(args: argparse.Namespace) -> Standing:
    """The safety check as stored, and what today allows; with no database yet, the
    never-answered check (no file created)."""
    from stretchtui.core.safety import SafetyCheck
    from stretchtui.core.suggest import Routines

    if not resolve_db_path(args.db).exists():
        return Standing(SafetyCheck(), Routines.MOBILITY, ())
    with opened_store(args) as store:
        return _standing(store)


def _save(args: argparse.Namespace, answers: Mapping[str, bool] | None, conditions: list[str] | None) -> Standing:
    with opened_store(args) as store:
        store.safety.save_safety(answers=answers, conditions=conditions)
        return _standing(store)


class Standing(NamedTuple):
    """Where the safety questions stand, and what today allows with them: the suggestion's one
    word and its why lines (today's pain level counts too), as `stretchtui suggest` gives them."""

    check: SafetyCheck
    routines: Routines
    why: tuple[str, ...]


def _standing(store: Store) -> Standing:
    from stretchtui.commands.library import todays_suggestion

    suggestion, request, _program = todays_suggestion(store)
    return Standing(request.safety, suggestion.routines, suggestion.why)


def _ask(args: argparse.Namespace) -> int:
    """Every question in order, y or n; saved only once all are answered."""
    from stretchtui.core.safety import QUESTIONS

    print(f"A quick safety check: {len(QUESTIONS)} questions about the back pain you have now. Answer y or n.")
    print(
        "Nothing here is a diagnosis: a yes means stretchtui suggests no routine and tells you whom to see, "
        "and how soon."
    )
    answers: dict[str, bool] = {}
    try:
        for number, question in enumerate(QUESTIONS, 1):
            answers[question.key] = _answer(f"{number}/{len(QUESTIONS)} {question.text} [y/n] ", number, question.key)
    except KeyboardInterrupt:
        print()
        print("stretchtui: stopped; nothing saved", file=sys.stderr)
        return 130
    standing = _save(args, answers, None)
    print("Saved your answers.")
    return _show(args, standing, how_to=False)


def _answer(prompt: str, number: int, key: str) -> bool:
    for attempt in range(ATTEMPTS):
        try:
            reply = input(prompt if attempt == 0 else "Please answer y or n: ").strip().lower()
        except EOFError:
            print()
            raise CliError(f"the input ended at question {number} ({key}); nothing saved") from None
        if reply in YES:
            return True
        if reply in NO:
            return False
    raise CliError(f"no y or n for question {number} ({key}); nothing saved")


# --- printing -------------------------------------------------------------------------------------

CLEAR_TEXT = "Nothing in your answers stands in the way of a routine."


def to_json_dict(standing: Standing) -> dict[str, object]:
    from stretchtui.core.safety import QUESTION_KEYS

    check = standing.check
    profile = check.profile
    return {
        "state": check.state.value,
        "routines": standing.routines.value,
        "routines_why": list(standing.why),
        "answered_at": profile.answered_at.isoformat() if profile.answered_at else None,
        "answers": {key: profile.answers[key] for key in QUESTION_KEYS if key in profile.answers},
        "conditions": sorted(c.value for c in profile.conditions),
        "ask_again": [{"reason": a.reason, "text": a.text, "blocks": a.blocks} for a in check.ask_again],
    }


def _print_json(standing: Standing) -> None:
    print_json(to_json_dict(standing))


def _show(args: argparse.Namespace, standing: Standing, *, how_to: bool) -> int:
    from stretchtui.core.safety import BY_KEY, QUESTION_KEYS, STATE_WORDS, advice_for
    from stretchtui.core.suggest import ROUTINES_WORDS, Routines
    from stretchtui.store.safety import conditions_text

    if args.json:
        _print_json(standing)
        return 0
    check = standing.check
    profile = check.profile
    when = ""
    if profile.answered_at is not None:
        when = f" (answered {profile.answered_at.astimezone(args.clock.zone):%a %d %b %Y %H:%M})"
    print(f"Safety questions: {STATE_WORDS[check.state]}{when}.")
    why = f" {standing.why[0]}" if standing.routines is Routines.NONE and standing.why else ""
    ruled_out = (
        " (moves your conditions rule out are left out)"
        if check.conditions and standing.routines is not Routines.NONE
        else ""
    )
    print(f"Routines today: {ROUTINES_WORDS[standing.routines]}{ruled_out}.{why}")
    yes = [key for key in QUESTION_KEYS if profile.answers.get(key)]
    if yes:
        print("You answered yes to:")
        for key in yes:
            print(f"  - {BY_KEY[key].text} ({key})")
    if check.ask_again:
        print("Please answer them again:")
        for reason in check.ask_again:
            tail = (
                ""
                if check.red_flag
                else (" (no routine until then)" if reason.blocks else " (gentle mobility only until then)")
            )
            print(f"  - {reason.text}{tail}")
    clear = (CLEAR_TEXT,) if standing.routines is not Routines.NONE else ()  # else the line above says why
    for line in advice_for(check) or clear:
        print(line)
    print(f"Conditions: {conditions_text(sorted(profile.conditions))}.")
    if how_to:
        print(
            "To answer: stretchtui safety in a terminal asks each question; for a script, "
            "stretchtui safety --answers none when every answer is no, or --answers KEY,KEY with the keys "
            "answered yes: " + ", ".join(QUESTION_KEYS) + "."
        )
    return 0


COMMANDS = (
    Command(
        "safety",
        "answer the safety questions, set health conditions, or show them",
        "In a terminal, with no options: ask the safety questions one by one (y or n) and save the answers. "
        "Otherwise: show the answers, conditions and any reason to answer again. Not medical advice; "
        "nothing here diagnoses.",
        cmd_safety,
        _safety_arguments,
    ),
)
