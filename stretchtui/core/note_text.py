"""A pain note's text as the red-flag reader reads it (core.note_flags): lower case, apostrophes
and shorthand evened out, and the ways people say "cant", "no", "both", "suddenly" or a fever as a
number written as those words; a checklist's "no" after an item, or one "no" before a list of
items, put before each item it denies. Pure text in, text out."""

from __future__ import annotations

import re

FIRST_PERSON = frozenset("i me my myself im ive id mine".split())
"""The writer: a clause of theirs is a statement, not an item of someone's list of denials."""

_NOT_ABLE = re.compile(
    r"\b(?:(?:no longer|not|never|wasnt|werent|isnt|arent|aint) able(?: to)?"
    r"|(?:not|never|havent|hasnt|hadnt) been able(?!(?: to)? go\b)(?: to)?"
    r"|can no longer|no longer (?:can|could)|cant any ?more|no longer(?= feel)|impossible to"
    r"|no (?:way|chance)(?: (?:that|in hell|i|im|am|will|would|id|be))* (?:can|could|able to))\b"
)
"""Ways of saying "cant" ("wasn't able to stand", "haven't been able to wee", "no longer able to walk", "no way
I can walk"), read as "cant" so every phrase written with cant|couldnt|unable takes them. Not "not been able to
go": phrases read that one whole, as the toilet ("not been able to go for two days", not "...to the gym")."""
_FEEL_NOTHING = re.compile(
    r"\b(?:(?:can|could) )?(?:feel|felt|sense) nothing\b"
    r"(?! (?:but|except|else|other|wrong|unusual|odd|different|strange|new|much|bad|special)\b)"
)
"""Feeling nothing is a loss of feeling, read as "cant feel": "can feel nothing in my bottom". Not "felt
nothing wrong", "feel nothing but relief"."""
_BOTH = re.compile(
    r"\b(?:left|l)(?: (?:leg|foot|side))?(?: (?:and|n) |\s*[&+/]\s*)(?:right|r)\b"
    r"|\b(?:right|r)(?: (?:leg|foot|side))?(?: (?:and|n) |\s*[&+/]\s*)(?:left|l)\b"
    r"|\bboth(?=(?:legs?|lges|feet|thighs|calves|knees|sides)\b)"
)
"""Other ways of writing "both": "numb L and R leg", "L+R legs", "left leg and right leg", "bothlegs numb"."""
_NO = re.compile(
    r"\bno longer(?: (?:have|has|got))?(?: any\b)?"
    r"|\b(?:(?:dont|doesnt|didnt|havent|hasnt|hadnt|not)(?: (?:have|has|had|got|notice|noticed))?"
    r"|isnt|arent|wasnt|werent) any\b"
    r"(?! (?:less|more|better|worse|different)\b)"
)
"""Ways of saying "no", read as "no" so the negator reaches what it denies ("I no longer have a fever")
and a loss reads as one ("no longer any feeling in my foot", "don't have any strength in my legs"). Not
before a comparison: "haven't got any less numb" keeps the numbness."""
_ITEM = r"[^.;\n,!?:()\-\u2013\u2014]*[^\W_][^.;\n,!?:()\-\u2013\u2014]*?"
_ANSWER = r"(?:no|nope|none|nil|nah|negative|denied|denies)\s*"
_ANSWERED_NO = re.compile(
    rf"(^|[.;\n,!?])\s*({_ITEM})\s*(?:\?\s*{_ANSWER}(?=$|[.;\n!])|[:\-\u2013\u2014]\s*{_ANSWER}(?=$|[.;\n,!])"
    rf"|,\s*(?:{_ANSWER}|not (?:today|now|really)\s*)(?=$|[.;\n!]))"
)
_SUDDEN = re.compile(r"\b(?:without|with no|no) (?:any )?warning\b|\bout of the blue\b")
"""Other ways of saying "suddenly": "without warning", "out of the blue"."""
_BARE_NO = re.compile(r"(^|[.;\n,!?])\s*([^\W\d_]+(?: [^\W\d_]+)?) (?:no|nope|none|nil|negative)(?=\s*(?:$|[.;\n,!]))")
_LIST_ITEM = r"[^\W\d_]+(?: [^\W\d_]+){0,2}"
_NEGATED_LIST = re.compile(
    r"\b(?P<negator>no|without|denies|denied|none of)\s*(?P<colon>:)?\s+"
    rf"(?P<items>(?:{_LIST_ITEM}\s*,\s*)+"
    rf"(?:{_LIST_ITEM}\s+(?P<last>or|nor|and)\s+{_LIST_ITEM}|(?:(?P<after_comma>or|nor|and)\s+)?{_LIST_ITEM}))"
    r"(?=\s*(?:$|[.;\n!]))"
)
"""An item answered "no" after it, as in a checklist, reads as "no" before it: "fever - no", "numb bum? nope",
"bladder issues: none, fever: no", "fever, no", "fever none" (a word or two, then the answer).
A list after one negator denies each item: "no numbness, tingling, or fever", "denies fever, numbness and
bladder trouble", "none of: numbness, fever". Only to the end of the sentence, and only a list: "or" or "nor"
before its last item ("and" too after "denies" or "none of"), or "none of" with a colon. "no fever, both legs
numb", "denies fever, wet myself" and "none of the stretches help, foot drop" still ask. An answer only counts
when it ends its part of the note, and after a question only at a full stop or the end: not "numb bum? no
idea why", nor "numb bum? no, completely dead"."""
_UNITS = re.compile(
    r"\s*(?:km|k|kg|kgs|kilo|kilos|g|mi|mile|miles|m|metres|meters|min|mins|minutes|s|sec|secs|"
    r"seconds|h|hr|hrs|hours|lb|lbs|pounds|st|stone|cm|mm|mph|kph|reps|steps|l|ml|litres|liters|x|"
    r"days|weeks|months|years|yrs|yo|am|pm|%)(?![a-z])"
)
_TEMPERATURE = re.compile(
    r"(?<![\w.,/])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°|º|degrees?\b|deg\b)?\s*"
    r"(celsius|centigrade|fahrenheit|c|f)?(?![\w%°º/])"
)
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc`\u00b4", "'"))


def normalised(text: str) -> str:
    """`text` rewritten so that phrases and negations read it one way (the module's docstring)."""
    text = re.sub(r"\bED\b", "erectile", text).casefold().translate(_APOSTROPHES)  # "ED", not "Ed"
    text = re.sub(r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will", text)  # "I'll" is not "ill"
    text = re.sub(r"\bpins\s*&\s*needles\b", "pins and needles", text)  # one symptom, not a break at "&"
    text = _NOT_ABLE.sub("cant", re.sub(r"\bcan ?not\b", "cant", text).replace("'", ""))
    text = _SUDDEN.sub(r" suddenly \g<0> ", text)  # the words stay for phrases that name them
    text = _NEGATED_LIST.sub(_each_denied, text)
    text = _BARE_NO.sub(r"\1 no \2 ", _ANSWERED_NO.sub(r"\1 no \2 ", text))
    text = _BOTH.sub(" both ", _FEEL_NOTHING.sub("cant feel", _NO.sub("no", text)))
    return _TEMPERATURE.sub(_temperature, text)


def _each_denied(match: re.Match[str]) -> str:
    """ "no numbness, tingling, or fever" as "no numbness, no tingling, no fever" (_NEGATED_LIST)."""
    negator, items = match["negator"], match["items"]
    joined = match["last"] or match["after_comma"]
    listed = joined in ("or", "nor") or (joined == "and" and negator in ("denies", "denied", "none of"))
    if not (listed or (negator == "none of" and match["colon"])):
        return match.group(0)  # "none of the stretches help, foot drop": not a list of denials
    if FIRST_PERSON & set(re.findall(r"[^\W\d_]+", items.replace("'", ""))):
        return match.group(0)  # "denies fever, tingling and I wet myself": the writer's own clause
    parts = [re.sub(r"^(?:or|nor|and)\s+", "", part.strip()) for part in items.split(",")]
    last = re.split(r"\s+(?:or|nor|and)\s+", parts[-1])
    return ", ".join(f"no {part}" for part in [*parts[:-1], *last] if part)


def _temperature(match: re.Match[str]) -> str:
    """ "pyrexia" for a fever written as a number: 38-42.9 °C, 100.4-109.9 °F; a bare number only with a
    decimal ("38.5", not "38" or "38.5 km"), as a whole number is as likely an age or a count."""
    number, degrees, unit = match.groups()
    value = float(number.replace(",", "."))
    celsius, fahrenheit = 38 <= value < 43, 100.4 <= value < 110
    if unit in ("f", "fahrenheit"):
        fever = fahrenheit
    elif unit or degrees:
        fever = celsius or (fahrenheit and not unit)
    else:
        fever = (celsius or fahrenheit) and not number.isdigit() and not _UNITS.match(match.string, match.end())
    return " pyrexia " if fever else match.group(0)
