"""Errors that carry a one-line, specific message for the user."""

from __future__ import annotations


def shown(value: object, limit: int = 40) -> str:
    """A value as an error message quotes it: repr, cut short, so a huge bad value stays one short line.
    True and False are spelled as the files and settings spell them (true, false)."""
    text = str(value).lower() if isinstance(value, bool) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_key(key: object) -> str:
    """A key of a file (a section's, a field's or a setting's name) as a message names it: as it is,
    unless it is long or holds a character that does not print (a newline), then as `shown` quotes
    it, so the message stays one short line."""
    return key if isinstance(key, str) and key.isprintable() and len(key) <= 40 else shown(key)


class UserError(Exception):
    """Bad input from the user: shown as one line, nothing is changed. CLI exit status 2."""

    exit_code = 2


class FieldError(UserError):
    """One field of a record is invalid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SeedError(Exception):
    """A seed data file is broken: names the file, the entry and the field."""

    def __init__(self, file: str, entry: str, field: str, message: str) -> None:
        where = file + (f", entry {entry!r}" if entry else "") + (f", field {field!r}" if field else "")
        super().__init__(f"seed data {where}: {message}")
        self.file, self.entry, self.field, self.message = file, entry, field, message
