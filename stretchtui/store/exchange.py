"""Export and import, a record at a time: the part of the store `stretchtui export` and `import` use.

Export (store/exporting.py): `export_records` reads the store in file order inside one read
snapshot, rows in chunks, for the writers in core/export_stream.py; a record with a value that
cannot be read is left out and named, and the rest is exported.

Import (store/importing.py): `import_entries` checks a file as it is read, stages it without
locking the database, then merges it in one short transaction, all or nothing.

This module is the repository the store hands out (`store.exchange`); each direction's work is in
its own module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from peewee import SqliteDatabase

from stretchtui.core.clock import Clock
from stretchtui.store.corrections import CorrectionRepository
from stretchtui.store.exporting import Exporter, LeftOut
from stretchtui.store.importing import Importer
from stretchtui.store.library import LibraryRepository

if TYPE_CHECKING:
    from stretchtui.core.entries import Entry
    from stretchtui.core.exchange.bundle import Bundle, ImportResult
# core.exchange (the file rules) is imported where it is used: every command imports the store,
# few export or import, and `stretchtui status` must start fast.


class ExchangeRepository:
    """Export and import."""

    def __init__(
        self, db: SqliteDatabase, clock: Clock, library: LibraryRepository, corrections: CorrectionRepository
    ) -> None:
        self.exporter = Exporter(db)
        self.importer = Importer(db, clock, library, corrections)

    # ------------------------------------------------------------------ export

    def export_bundle(self, left_out: LeftOut | None = None) -> Bundle:
        """Everything the user made or did, in one Bundle (tests, small stores; the command streams)."""
        from stretchtui.core.exchange.bundle import Bundle

        return Bundle.collect(self.export_records(left_out))

    def export_records(
        self, left_out: LeftOut | None = None, sections: Collection[str] | None = None
    ) -> Iterator[tuple[str, Any]]:
        """The export's records in file order, read in one snapshot: `Exporter.export_records`."""
        return self.exporter.export_records(left_out, sections)

    # ------------------------------------------------------------------ import

    def import_data(self, data: Any, *, dry_run: bool = False) -> ImportResult:
        """Import an already parsed file (the demo; tests)."""
        from stretchtui.core.exchange.reading import NOT_AN_EXPORT, ImportFileError
        from stretchtui.core.json_stream import entries_of

        if not isinstance(data, Mapping):
            raise ImportFileError(NOT_AN_EXPORT)
        return self.import_entries(entries_of(data), dry_run=dry_run)

    def undo_removal(self, uuid: str) -> Entry | None:
        """A removal undone elsewhere (sync): the entry back as it was here, from the rows kept for
        undo (store.corrections); None when none are kept. UserError when it cannot come back."""
        return self.importer.corrections.undo_removal(uuid)

    def import_entries(self, entries: Iterable[tuple[str, Any]], *, dry_run: bool = False) -> ImportResult:
        """Check a file's entries and merge them, all or nothing: `Importer.import_entries`."""
        return self.importer.import_entries(entries, dry_run=dry_run)
