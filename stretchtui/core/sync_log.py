"""The files of a sync folder (docs/sync.md): what they are called, and the change log's lines.

A sync folder holds a marker file and one folder per device. Each device writes only in its own
folder: `device.json` (its name and when it last ran a round) and its change log,
`log-000001.jsonl`, JSON lines: a header, then one change per line, appended and never rewritten.
A device compacts by starting the next generation (`log-000002.jsonl`) with a snapshot of every
record it knows, then deleting the old one; readers that see a newer generation start on it.

Reading takes whole lines only: a line still being copied (no newline yet) waits for the next round.
A line that is complete but not a change, or a header of a newer format, stops that file with one
line saying why; the rest of the folder is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stretchtui.core.digits import whole_number
from stretchtui.core.sync_clock import DEVICE_ID, Stamp

FORMAT_NAME = "stretchtui-sync"
FORMAT_VERSION = 1
MARKER = "stretchtui-sync.json"
"""The folder's marker: `sync init` writes it in a new folder and reads it in one it joins."""
DEVICE_FILE = "device.json"

SYNCED_KINDS = (
    "settings",
    "favourites",
    "exercises",
    "routines",
    "program_files",
    "sessions",
    "checkins",
    "day_marks",
    "function_ratings",
    "program_choices",
    "break_events",
    "activity_spans",
    "removed",
)
"""What a change can be about: an export's sections (core.exchange.bundle.SECTIONS), settings and
favourites one key each. In the order changes are applied (a routine after its exercises, a
check-in after its session, a removal after what it removes)."""

_LOG = re.compile(r"log-(\d{6,})\.jsonl")  # 6 digits or more: a generation never runs out of names
_CONFLICT_COPY = re.compile(r"log-(\d{6,})(?:\.sync-conflict-[^/]*|.*conflict.*)\.jsonl", re.IGNORECASE)
"""Syncthing's `log-000001.sync-conflict-20261204-101500-ABCDEFG.jsonl`, Dropbox's
`log-000001 (Laptop's conflicted copy 2026-12-04).jsonl`: read like the log, their lines applied
once each (applying a change twice does nothing)."""


_DEVICE_FILE_COPY = re.compile(r"device(?:\.sync-conflict-[^/]*|.*conflict.*)\.json", re.IGNORECASE)
"""A sync tool's conflict copy of a device.json: an older "last seen", of no use; passed over."""


def is_device_file_copy(name: str) -> bool:
    return _DEVICE_FILE_COPY.fullmatch(name) is not None and name != DEVICE_FILE


def log_name(generation: int) -> str:
    return f"log-{generation:06d}.jsonl"


def log_generation(name: str) -> int | None:
    """The generation of a device's log file; None for any other name."""
    match = _LOG.fullmatch(name)
    return int(match[1]) if match else None


def is_conflict_copy(name: str) -> bool:
    return _CONFLICT_COPY.fullmatch(name) is not None and log_generation(name) is None


def is_ignored(name: str) -> bool:
    """Files a sync tool or an editor keeps (.stfolder, .git, .DS_Store, our own temporary files)."""
    return name.startswith(".") or name.startswith("~") or name.endswith("~")


def is_device_folder(name: str) -> bool:
    return DEVICE_ID.fullmatch(name) is not None


@dataclass(frozen=True)
class Change:
    """One change to one record: `record` as an export holds it, None when the record is gone."""

    stamp: Stamp
    kind: str
    key: str
    record: Any = None
    after: Stamp | None = None  # the version it replaced, as the writing machine knew it (core.sync_merge)
    saw: frozenset[Stamp] = frozenset()  # a health setting's: the versions the writer had seen
    sources: frozenset[Stamp] = frozenset()  # a merge's: the versions whose "yes" it holds (else itself)

    @property
    def gone(self) -> bool:
        return self.record is None


def header_line(device: str, generation: int) -> str:
    return _line({"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "device": device, "log": generation})


def change_line(change: Change) -> str:
    value: dict[str, Any] = {"at": change.stamp.text(), "kind": change.kind, "key": change.key}
    if change.after is not None:
        value["after"] = change.after.text()
    if change.saw:
        value["saw"] = sorted(stamp.text() for stamp in change.saw)
    if change.sources:
        value["from"] = sorted(stamp.text() for stamp in change.sources)
    if change.gone:
        value["gone"] = True
    else:
        value["record"] = change.record
    return _line(value)


def _line(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


class LogProblem(Exception):
    """A file of the folder that cannot be read as a change log (its one line of why)."""


@dataclass
class LogRead:
    """What one read of one log file found: the complete changes from the offset read from,
    `end` the offset after the last one (where the next read starts)."""

    changes: list[Change] = field(default_factory=list)
    end: int = 0
    problem: str | None = None
    mark: str | None = None  # the line that ends at `end` (line_mark): the next read checks it is still there
    reread: bool = False  # the file was read again from the top: it is not the one read up to the cursor


def line_mark(line: bytes) -> str:
    """A short fingerprint of one whole line (newline included): its length and a hash. A cursor
    keeps the mark of the line it stopped after, so a reader notices when the bytes before its
    cursor are no longer the ones it read (another version of the file arrived)."""
    import hashlib

    return f"{len(line)}:{hashlib.blake2b(line, digest_size=8).hexdigest()}"


def mark_length(mark: str) -> int | None:
    """The length of the line a mark names; None for a mark this version does not read."""
    length, _, digest = mark.partition(":")
    digits = length.isascii() and length.isdigit()  # as line_mark writes it: no sign, no space
    return whole_number(length) if digits and len(digest) == 16 else None


def read_log(tail: bytes, *, offset: int, device: str, name: str, mark: str | None = None) -> LogRead:
    """The changes in `tail`, a log file's bytes from `offset` on, complete lines only. At offset 0
    the header comes first and must be this format (or an older one) for `device`. A problem stops
    the read at the line before it: nothing from it on is taken, and it is read again next time."""
    read = LogRead(end=offset, mark=mark)
    position = 0
    while True:
        newline = tail.find(b"\n", position)
        if newline < 0:
            return read  # an unfinished last line waits for the next round
        raw = tail[position:newline]
        try:
            if offset + position == 0:
                check_header(raw, device)
            elif raw.strip():
                read.changes.append(parse_change(raw, device))
        except LogProblem as problem:
            read.problem = f"{device}/{name} at byte {offset + position}: {problem}"
            return read
        read.mark = line_mark(tail[position : newline + 1])
        position = newline + 1
        read.end = offset + position


def check_header(raw: bytes, device: str) -> None:
    """The first line of a log: this format (or an older one), written by `device`; LogProblem
    says why not. Checked on every read, not only the first: a file swapped for another device's,
    or rewritten by a newer version, is noticed however far it was read."""
    try:
        head = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
        raise LogProblem("not a stretchtui sync log; left alone")
    version = head.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise LogProblem("format_version is not a whole number from 1; left alone")
    if version > FORMAT_VERSION:
        raise LogProblem(
            f"written by a newer stretchtui (sync format {version}; this one reads up to {FORMAT_VERSION}): "
            "upgrade stretchtui here to take its changes"
        )
    if head.get("device") != device:
        raise LogProblem(f"written by device {str(head.get('device'))[:20]!r}, in the folder of another; left alone")


def parse_change(raw: bytes, device: str) -> Change:
    """One change line, checked as far as its frame goes (the record itself is checked as an
    import checks it, when it is applied). Its stamp may be another device's: a new generation's
    snapshot carries every version the device holds, with the stamp of the device that made it."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise LogProblem("not a JSON line (damaged in transit?)") from None
    if not isinstance(value, dict):
        raise LogProblem("not a change")
    try:
        stamp = Stamp.parse(value.get("at"))
    except ValueError as error:
        raise LogProblem(f"at: {error}") from None
    try:
        after = None if value.get("after") is None else Stamp.parse(value["after"])
    except ValueError as error:
        raise LogProblem(f"after: {error}") from None
    kind, key = value.get("kind"), value.get("key")
    if kind not in SYNCED_KINDS:
        raise LogProblem(f"kind: {str(kind)[:30]!r} is not a kind of record this version knows")
    if not isinstance(key, str) or not key or len(key) > 200:
        raise LogProblem("key: must be a text of 1 to 200 characters")
    saw, sources = _stamps(value, "saw"), _stamps(value, "from")
    if value.get("gone") is True:
        return Change(stamp, kind, key, after=after, saw=saw, sources=sources)
    if "record" not in value or value["record"] is None:
        raise LogProblem("neither a record nor gone")
    return Change(stamp, kind, key, value["record"], after, saw, sources)


MAX_SAW = 256
"""The most stamps a `saw` or `from` list holds (the newest): a health setting changes a few
times a year, so this reaches back years."""


def _stamps(value: Mapping[str, Any], field: str) -> frozenset[Stamp]:
    raw = value.get(field)
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or len(raw) > MAX_SAW:
        raise LogProblem(f"{field}: must be a list of at most {MAX_SAW} stamps")
    try:
        return frozenset(Stamp.parse(text) for text in raw)
    except ValueError as error:
        raise LogProblem(f"{field}: {error}") from None
