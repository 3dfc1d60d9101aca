"""The database file deleted or replaced while a store has it open.

SQLite writes through the file it opened. If that file is deleted (`rm`, a mistyped cleanup) or
another file is put at its path (a sync tool, a copy from another machine) while the app runs, the
app's writes would go where nothing can find them again, and a thread connecting afresh would make
a new, empty file there. So every connection and transaction checks that the path still names the
file the store opened (store.db), and the first that finds it gone calls `FileGuard.moved`:

- what the store held is copied, through a connection kept open on that file since the store
  opened, into the backups folder as a `kept` backup (the file may be at no path any more);
- `FileMoved` says what happened, where the copy is and the command that puts it back, and is raised
  by every later store call: nothing more is written anywhere. The app shows it once (ui.syncing).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from stretchtui.core.clock import Clock
from stretchtui.store.files import StoreError


class FileMoved(StoreError):
    """The database file was deleted or replaced while the store had it open; the message says
    where what it held was kept. Every store call from then on raises it."""


class FileGuard:
    """Holds a connection on the file the store opened, and says once what to do if it goes."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path, self.clock = path, clock
        self._lock = threading.Lock()
        self._said: str | None = None
        # Read once, so it holds the file and its write-ahead log open for as long as the store.
        self._keeper = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False)
        self._keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()

    @property
    def message(self) -> str | None:
        """What happened to the file (None: nothing; it is where it was)."""
        return self._said

    def moved(self, kind: str) -> None:
        """The file at the path is not the one opened (`kind`: "deleted" or "replaced"): keep what
        it held (once), then raise FileMoved."""
        with self._lock:
            if self._said is None:
                self._said = self._keep(kind)
        raise FileMoved(self._said)

    def _keep(self, kind: str) -> str:
        from stretchtui.core.retention import KEPT
        from stretchtui.store.backup_files import new_backup_path, restore_command
        from stretchtui.store.db import sqlite_backup

        if kind == "deleted":
            first = (
                f"The database file {self.path} was deleted or moved away while stretchtui was running, "
                "so nothing more is written"
            )
            after = "quit stretchtui, then `{command}` puts it back"
        else:
            first = (
                f"Another file was put in place of the database file {self.path} while stretchtui was "
                "running; it is left as it is, and nothing more is written"
            )
            after = "quit and start stretchtui again to go on with the file there now, or quit and run `{command}`"
        try:
            target = new_backup_path(self.path, KEPT, self.clock.now())
            sqlite_backup(self._keeper, target)
        except (OSError, sqlite3.Error, StoreError) as error:
            return f"{first}. What it held could not be copied ({error}). Quit and start stretchtui again."
        command = restore_command(self.path, target)
        return f"{first}. What this app held is kept in {target}: {after.format(command=command)}."

    def close(self) -> None:
        self._keeper.close()
