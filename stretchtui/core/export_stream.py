"""Writing an export as its records are read: the JSON file and the CSV tables, a record at a time.

The records come in file order (core.exchange.bundle.SECTIONS), as the store reads them or a Bundle
holds them, and each is turned into plain data by core.exchange.writing.RECORD_TO_PLAIN, the one rule
`to_plain` also uses. The JSON text is the same as `json.dump(to_plain(...), indent=1,
ensure_ascii=False)` would write, without the whole export ever being in memory.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from stretchtui.core.exchange.bundle import LIST_SECTIONS, SECTIONS, tally
from stretchtui.core.exchange.writing import CSV_SOURCES, CSV_TABLES, RECORD_TO_PLAIN, csv_rows, header_to_plain


def _dumps(value: Any, depth: int) -> str:
    """`value` as json.dump(indent=1) writes it `depth` levels down."""
    return json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n" + " " * depth)


def write_json(
    records: Iterable[tuple[str, Any]], handle: IO[str], *, exported_at: datetime, app_version: str
) -> Counter[str]:
    """Write the export file to `handle` record by record; returns the counts it wrote
    (core.exchange.bundle.tally). `records` must come in file order; a missing section is written empty."""
    counts: Counter[str] = Counter()
    handle.write("{")
    first = True
    for key, value in header_to_plain(exported_at=exported_at, app_version=app_version).items():
        handle.write(("\n" if first else ",\n") + f" {_dumps(key, 1)}: {_dumps(value, 1)}")
        first = False
    to_come = list(SECTIONS)
    open_section, written = None, 0

    def close() -> None:
        if open_section is not None:
            handle.write("\n ]" if written else "]")

    for kind, record in records:
        if kind != open_section:
            close()
            open_section = None
            while to_come and to_come[0] != kind:
                _write_empty(handle, to_come.pop(0))
            if not to_come:
                raise ValueError(f"export records out of order: {kind}")
            to_come.pop(0)
            handle.write(f",\n {_dumps(kind, 1)}: ")
            if kind not in LIST_SECTIONS:
                handle.write(_dumps(RECORD_TO_PLAIN[kind](record), 1))
                tally(counts, kind, record)
                continue
            handle.write("[")
            open_section, written = kind, 0
        handle.write(("," if written else "") + "\n  " + _dumps(RECORD_TO_PLAIN[kind](record), 2))
        written += 1
        tally(counts, kind, record)
    close()
    for kind in to_come:
        _write_empty(handle, kind)
    handle.write("\n}\n")
    return counts


def _write_empty(handle: IO[str], kind: str) -> None:
    handle.write(f",\n {_dumps(kind, 1)}: {'[]' if kind in LIST_SECTIONS else '{}'}")


def write_csv_table(table: str, records: Iterable[tuple[str, Any]], handle: IO[str]) -> Counter[str]:
    """Write CSV `table` from the records of its section (CSV_SOURCES); returns the counts of
    the records it read."""
    counts: Counter[str] = Counter()
    writer = csv.DictWriter(handle, fieldnames=CSV_TABLES[table])
    writer.writeheader()
    for kind, record in records:
        if kind == CSV_SOURCES[table]:
            writer.writerows(csv_rows(table, RECORD_TO_PLAIN[kind](record)))
            tally(counts, kind, record)
    return counts
