"""Reading one large JSON object a piece at a time: its top-level keys, and each item of a top-level
array on its own.

An export of 25 years is tens of megabytes; `json.load` would hold all of it, and everything
built from it, at once. `top_level` walks the object with `json.JSONDecoder.raw_decode` over a
buffer refilled in chunks, so any whitespace layout works and only one record (plus a chunk) is in
memory at a time. A plain dict is walked the same way by `entries_of`, so one validator serves both.
Errors are one line, in the words `json.loads` uses: "not valid JSON (line 3, column 7: ...)".
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from stretchtui.core.digits import MAX_DIGITS
from stretchtui.core.errors import UserError

CHUNK_BYTES = 1 << 16
MAX_VALUE_CHARS = 64 << 20  # one record (or one non-list section) larger than this is refused
WHITESPACE = " \t\n\r"
VALUE_STARTS = '[{"-0123456789tfn'


class JSONStreamError(UserError):
    """The text is not the JSON it should be: one line, naming the line and column."""


class ArrayItems(Iterator[Any]):
    """The items of one top-level array, read lazily. Whatever the consumer leaves unread is
    skipped before the next key is read."""

    def __init__(self, items: Iterator[Any]) -> None:
        self._items = items

    def __next__(self) -> Any:
        return next(self._items)

    def drain(self) -> None:
        for _ in self._items:
            pass


def entries_of(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """An already parsed object, walked as `top_level` walks a file (lists become ArrayItems)."""
    for key, value in data.items():
        yield key, ArrayItems(iter(value)) if isinstance(value, list) else value


def top_level(source: IO[bytes], *, head: bytes = b"", limit: int | None = None) -> Iterator[tuple[str, Any]]:
    """(key, value) for each key of the JSON object in `source` (UTF-8, a BOM allowed): the value
    itself, or ArrayItems for an array. `head` holds bytes already read from the start of the
    source. More than `limit` bytes in all is refused. Raises JSONStreamError, and
    NotAnObject when the text is JSON but not an object."""
    reader = _Reader(source, head, limit)
    reader.skip_whitespace()
    first = reader.peek()
    if first != "{":
        if first and first in VALUE_STARTS:
            raise NotAnObject("the file holds JSON, but not an object")
        raise reader.error("Expecting value")
    reader.pos += 1
    reader.skip_whitespace()
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            if reader.peek() != '"':
                raise reader.error("Expecting property name enclosed in double quotes")
            key = reader.value()
            reader.skip_whitespace()
            reader.expect(":", "Expecting ':' delimiter")
            reader.skip_whitespace()
            if reader.peek() == "[":
                reader.pos += 1
                items = ArrayItems(reader.items())
                yield key, items
                items.drain()
            else:
                yield key, reader.value()
            reader.skip_whitespace()
            if reader.peek() == ",":
                reader.pos += 1
                reader.skip_whitespace()
                continue
            reader.expect("}", "Expecting ',' delimiter")
            break
    reader.skip_whitespace()
    if reader.peek():
        raise reader.error("Extra data")


def read_bytes(source: IO[bytes], size: int) -> bytes:
    """Up to `size` bytes; a read error (a bad disk, a closed pipe) is one line, not a traceback."""
    try:
        return source.read(size)
    except OSError as error:
        raise JSONStreamError(f"cannot read it ({error.strerror or error})") from None


class NotAnObject(JSONStreamError):
    """Valid JSON whose top level is not an object (a list, a string...)."""


class _Reader:
    """A text buffer over a byte source: decoded in chunks, consumed from `pos`."""

    def __init__(self, source: IO[bytes], head: bytes, limit: int | None) -> None:
        self.source = source
        self.limit = limit
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.line = 1  # the line buffer[0] is on
        self.column = 1  # the column of buffer[0]
        if head:
            self._add(head)

    # ------------------------------------------------------------------ the buffer

    def _add(self, data: bytes) -> None:
        self.bytes_read += len(data)
        if self.limit is not None and self.bytes_read > self.limit:
            raise JSONStreamError(f"larger than {self.limit // 2**20} MB; not a stretchtui export")
        try:
            self.buffer += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise JSONStreamError("not a JSON text file (UnicodeDecodeError)") from None

    def fill(self, size: int | None = None) -> bool:
        """Read `size` more bytes (CHUNK_BYTES as it is now: tests make it small), dropping what
        was consumed; False at the end of the source."""
        if self.eof:
            return False
        done = self.buffer[: self.pos]
        newlines = done.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(done) - done.rfind("\n")
        else:
            self.column += len(done)
        self.buffer = self.buffer[self.pos :]
        self.pos = 0
        data = read_bytes(self.source, CHUNK_BYTES if size is None else size)
        if not data:
            self.eof = True
        self._add(data)
        return not self.eof

    def peek(self) -> str:
        """The next character, '' at the end."""
        while self.pos >= len(self.buffer):
            if not self.fill():
                return ""
        return self.buffer[self.pos]

    def skip_whitespace(self) -> None:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer) or not self.fill():
                return

    def expect(self, char: str, message: str) -> None:
        if self.peek() != char:
            raise self.error(message)
        self.pos += 1

    # ------------------------------------------------------------------ values

    def value(self) -> Any:
        """One JSON value at `pos`, reading on while it is cut off by the buffer's end."""
        decoder = _DECODER
        while True:
            self.peek()
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if not self.eof:  # perhaps only cut off by the buffer's end: read on, then try again
                    self._grow()
                    continue
                raise self.error(error.msg, error.pos) from None
            except LongNumber as error:
                at = self.buffer.find(error.digits, self.pos)
                if not self.eof and at + len(error.digits) >= len(self.buffer):
                    self._grow()  # cut off by the buffer's end: perhaps a float, or longer still
                    continue
                line, column = self._place(at)
                raise JSONStreamError(f"line {line}, column {column}: {error}") from None
            except RecursionError:
                raise JSONStreamError("not a JSON text file (RecursionError)") from None
            if not self.eof and (end >= len(self.buffer) or _goes_on(value, self.buffer, end)):
                self._grow()  # a number may go on past the buffer's end ('0.' is read as 0, then '.')
                continue
            self.pos = end
            return value

    def _grow(self) -> None:
        """Read more for a value cut off at the buffer's end (as much again as it holds: a long
        value is parsed a few times, not once per chunk)."""
        if len(self.buffer) - self.pos > MAX_VALUE_CHARS:
            raise self.error(f"a single record is larger than {MAX_VALUE_CHARS // 2**20} MB")
        self.fill(max(CHUNK_BYTES, len(self.buffer) - self.pos))

    def items(self) -> Iterator[Any]:
        """The items of an array whose '[' was just read."""
        self.skip_whitespace()
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.skip_whitespace()
            yield self.value()
            self.skip_whitespace()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.pos -= 1
                raise self.error("Expecting ',' delimiter")

    def error(self, message: str, at: int | None = None) -> JSONStreamError:
        line, column = self._place(self.pos if at is None else at)
        return JSONStreamError(f"not valid JSON (line {line}, column {column}: {message}); is the file complete?")

    def _place(self, at: int) -> tuple[int, int]:
        """The line and column of the file at `at` in the buffer."""
        before = self.buffer[:at]
        newlines = before.count("\n")
        return self.line + newlines, at - before.rfind("\n") if newlines else self.column + at


_NUMBER_TAIL = re.compile(r"[0-9.eE+-]+")


def _goes_on(value: Any, buffer: str, end: int) -> bool:
    """Whether a number read up to `end` may be the start of a longer one: all that follows it in
    the buffer could belong to it ('1.' or '2e-' cut off by the buffer's end)."""
    return type(value) in (int, float) and _NUMBER_TAIL.fullmatch(buffer, end) is not None


class LongNumber(JSONStreamError):
    """A whole number longer than any field holds (`digits`: as the file writes it)."""

    def __init__(self, digits: str) -> None:
        super().__init__(f"a number of more than {MAX_DIGITS} digits ({digits[:12]}...); no value here is that long")
        self.digits = digits


def json_integer(text: str) -> int:
    """A JSON integer, for the decoder's `parse_int`: a longer one than any field holds is refused
    in one line before Python's own limit (a ValueError with a traceback) is reached."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise LongNumber(text)
    return int(text)


_DECODER = json.JSONDecoder(parse_int=json_integer)
