"""Reading stored rows value by value, so that one damaged value names itself instead of ending a
whole read (`stretchtui export` leaves that record out, `stretchtui doctor` lists it).

A value can be damaged inside an intact file: a time that does not parse, text that is not
UTF-8, a number where text belongs. SQLite's checks do not see it, and a read through peewee
(or sqlite3's own text decoding) stops at the first one with an exception. Here every text is
fetched as bytes (`_select`) and decoded in Python, column by column, by the kind of its model
field: instants and days by the one date rule (core.instants), JSON by json, text as UTF-8.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import BooleanField, DateField, FloatField, ForeignKeyField, IntegerField, Model

from stretchtui.core import instants
from stretchtui.core.errors import FieldError, shown
from stretchtui.store import models as m

TEXT, INSTANT, DAY, JSON, INTEGER, REAL, FLAG = "text", "instant", "day", "json", "integer", "real", "flag"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    nullable: bool


@dataclass(frozen=True)
class BadRecord:
    """A stored record with values that cannot be read: which table, which record, which fields."""

    table: str
    label: str  # its uuid (or key, or id), or "row N" when even that cannot be read
    problems: tuple[str, ...]  # "started_at: 'garbage' is not ..."

    def line(self) -> str:
        return f"{self.table} {self.label}: {'; '.join(self.problems)}"


def _kind(field: Any) -> str:
    if isinstance(field, ForeignKeyField):
        return _kind(field.rel_field)
    if isinstance(field, m.UTCField):
        return INSTANT
    if isinstance(field, m.JSONField):
        return JSON
    if isinstance(field, DateField):
        return DAY
    if isinstance(field, BooleanField):
        return FLAG
    if isinstance(field, IntegerField):
        return INTEGER
    if isinstance(field, FloatField):
        return REAL
    return TEXT


def columns(model: type[Model]) -> dict[str, Column]:
    """Every column of a model's table, by name, with the kind its field stores."""
    return {
        field.column_name: Column(field.column_name, _kind(field), bool(field.null))
        for field in model._meta.sorted_fields
    }


def _select(table: str, names: Sequence[str]) -> str:
    """SELECT of the rowid and `names`, with every text value as bytes (decoded by `_value`, not
    by sqlite3, which would stop the whole read at the first bad one)."""
    return (
        "SELECT rowid, "
        + ", ".join(f'CASE WHEN typeof("{n}") = \'text\' THEN CAST("{n}" AS BLOB) ELSE "{n}" END' for n in names)
        + f' FROM "{table}"'
    )


def _text(name: str, raw: Any) -> str:
    if not isinstance(raw, bytes):
        raise FieldError(name, f"must be text, not {shown(raw)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FieldError(name, f"is not UTF-8 text ({shown(raw)})") from None


def _whole(name: str, raw: Any) -> int:
    if not isinstance(raw, int):
        raise FieldError(name, f"must be a whole number, not {shown(raw)}")
    return raw


def _flag(name: str, raw: Any) -> bool:
    return bool(_whole(name, raw))


def _real(name: str, raw: Any) -> float:
    if not isinstance(raw, (int, float)):
        raise FieldError(name, f"must be a number, not {shown(raw)}")
    return float(raw)


def _instant(name: str, raw: Any) -> Any:
    return instants.parse_instant(_text(name, raw), name)


def _day(name: str, raw: Any) -> Any:
    return instants.parse_day(_text(name, raw), name)


def _json(name: str, raw: Any) -> Any:
    text = _text(name, raw)
    try:
        return json.loads(text)
    except ValueError:
        raise FieldError(name, f"is not valid JSON ({shown(text)})") from None


_READ_AS = {INTEGER: _whole, FLAG: _flag, REAL: _real, INSTANT: _instant, DAY: _day, JSON: _json, TEXT: _text}


def _reader(column: Column) -> Callable[[Any], Any]:
    """The one function that reads `column`'s stored values, chosen once a read rather than once a
    value (an export of years reads millions)."""
    name, convert, nullable = column.name, _READ_AS[column.kind], column.nullable

    def read(raw: Any) -> Any:
        if raw is None:
            if nullable:
                return None
            raise FieldError(name, "is empty")
        return convert(name, raw)

    return read


class TableReader:
    """Reads rows of one model's table as dicts of Python values, each with the problems of the
    values that could not be read."""

    def __init__(self, model: type[Model], names: Sequence[str] | None = None) -> None:
        every = columns(model)
        self.table = model._meta.table_name
        self.columns = [every[name] for name in (names or list(every))]
        self._read = [(column.name, _reader(column)) for column in self.columns]
        self.label_column = next((n for n in ("uuid", "key") if n in every), None)  # else: "row N"
        self.sql = _select(self.table, [c.name for c in self.columns])

    def rows(
        self, conn: sqlite3.Connection, rest: str = "", parameters: Sequence[Any] = ()
    ) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        """(rowid, values, problems) per row of `SELECT ... FROM table <rest>`; a value that
        cannot be read is None in `values` and named in `problems`."""
        for rowid, *raw_row in conn.execute(f"{self.sql} {rest}", tuple(parameters)):
            values: dict[str, Any] = {}
            problems: list[str] = []
            for (name, read), raw in zip(self._read, raw_row, strict=False):
                try:
                    values[name] = read(raw)
                except FieldError as error:
                    values[name] = None
                    problems.append(str(error))
            yield rowid, values, problems

    def label(self, values: dict[str, Any], rowid: int) -> str:
        """How a row is named in a message: its uuid (key, id), else its row number."""
        ident = values.get(self.label_column) if self.label_column else None
        return str(ident) if ident is not None else f"row {rowid}"


def damaged_records(conn: sqlite3.Connection) -> Iterator[BadRecord]:
    """Every stored record with a value that cannot be read, table by table (for the doctor)."""
    for model in m.ALL_MODELS:
        reader = TableReader(model)
        for rowid, values, problems in reader.rows(conn):
            if problems:
                yield BadRecord(reader.table, reader.label(values, rowid), tuple(problems))
