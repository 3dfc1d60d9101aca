"""Sync in the app (store.sync, docs/sync.md): a round in a worker at start, after each session and
check-in, and every few minutes while the app is open. What came in is shown at once; Settings
shows the line (core.sync_status.sync_line). A database that does not sync costs one read.

What another process on this machine writes (`stretchtui log` in another pane, an import) is shown
too: every few seconds a worker looks at the database's files, and when they changed the screen
on top reads the record again if it only shows it (Today, History; never a form being filled)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.message import Message

from stretchtui.ui.app_part import AppPart

if TYPE_CHECKING:
    from stretchtui.core.settings import Settings
    from stretchtui.core.sync_status import RoundReport


SYNC_EVERY_SECONDS = 300.0
"""How often an open app runs a round of its own (besides at start and after a session or check-in)."""
OUTSIDE_CHECK_SECONDS = 3.0
"""How often an open app looks whether the database changed (a stat of two files, in a worker)."""


class FollowsTheRecord:
    """A screen that only shows the record and reads it again when it changed elsewhere
    (SyncMixin.notice_outside_changes) and each time it is shown: it has `reload()`, and
    nothing typed into it is lost."""

    FOLLOWS_THE_RECORD: ClassVar[bool] = True

    def reload(self) -> None:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        """Shown, the first time or again: read the record (a session or a check-in may have
        been written meanwhile, here or elsewhere)."""
        self.reload()


@dataclass(frozen=True)
class SyncState:
    """The last round here: its report, or why it could not run; `folder` None: this database
    does not sync."""

    folder: str | None = None
    report: RoundReport | None = None
    failure: str | None = None

    def line(self, now: datetime) -> str:
        """What Settings says about sync."""
        from stretchtui.core.sync_status import sync_line

        if self.folder is None:
            return (
                "Not syncing. To keep one record on your laptop and your work machine: "
                "stretchtui sync init FOLDER (README: Several machines)."
            )
        return f"Through {self.folder}: {sync_line(self.report, self.failure, now) or 'no round yet'}."


class SyncMixin(AppPart):
    """Mixed into StretchApp, which holds `sync_state` (a reactive Settings watches)."""

    sync_state: SyncState | None
    _write_state: object = None  # the store's write_state at the last look

    class ChangedElsewhere(Message):
        """The database's files changed since the last look (posted from the looking worker)."""

    @dataclass
    class FileMoved(Message):
        """The database file was deleted or replaced while the app ran (store.file_guard): said
        once, in a notice that needs reading; every write after it is refused with the same words."""

        text: str

    _file_moved_said = False

    @dataclass
    class Synced(Message):
        """A round ended (posted from its worker); `settings` read again when something came in."""

        state: SyncState
        settings: Settings | None = None

    def start_syncing(self) -> None:
        """Once the store is open: a round now, then one every SYNC_EVERY_SECONDS."""
        self.sync_soon()
        self.set_interval(SYNC_EVERY_SECONDS, self.sync_soon)
        self.notice_outside_changes()  # the first look only notes how the files stand
        if not self.is_headless:  # tests call notice_outside_changes when they mean to
            self.set_interval(OUTSIDE_CHECK_SECONDS, self.notice_outside_changes)

    def notice_outside_changes(self) -> None:
        """Look (in a worker) whether the database changed since the last look; if it did, the
        screen on top reads it again when it follows the record (FollowsTheRecord)."""
        if self.opened_store is not None:
            self._look_for_changes()

    @work(thread=True, group="outside-changes", exclusive=True, exit_on_error=False)
    def _look_for_changes(self) -> None:
        moved = self.store.file_moved()  # a stat; what the store held is copied the first time
        if moved is not None:
            self.post_message(self.FileMoved(moved))
            return
        state = self.store.write_state()
        before, self._write_state = self._write_state, state
        if before is not None and state != before:
            self.post_message(self.ChangedElsewhere())

    def on_sync_mixin_file_moved(self, message: FileMoved) -> None:
        if not self._file_moved_said:
            from stretchtui.ui.screens.dialogs import NoticeScreen

            self._file_moved_said = True
            self.push_screen(NoticeScreen(message.text))

    def on_sync_mixin_changed_elsewhere(self, _message: ChangedElsewhere) -> None:
        screen = self.screen
        reload = getattr(screen, "reload", None)
        if getattr(screen, "FOLLOWS_THE_RECORD", False) and callable(reload):
            reload()

    def sync_soon(self) -> None:
        """A round in the background (after a session or a check-in); nothing if the store is not
        open yet or this database does not sync."""
        if self.opened_store is not None:
            self._sync_round()

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync_round(self) -> None:
        from stretchtui.core.errors import UserError

        store = self.store
        folder = None
        try:
            config = store.sync.config()
            if config is None:
                self.post_message(self.Synced(SyncState()))
                return
            folder = str(config.folder)
            report = store.sync.run_round()
        except UserError as error:  # the folder is not there (unmounted), another round runs
            self.post_message(self.Synced(SyncState(folder or "?", failure=str(error))))
            return
        except Exception as error:  # a full disk, an I/O error: said on the line, the app carries on
            self.log.error(f"sync round failed: {error!r}")
            self.post_message(self.Synced(SyncState(folder or "?", failure=store.describe_failure(error))))
            return
        settings = store.settings.read() if report.received else None
        self.post_message(self.Synced(SyncState(folder, report), settings))

    def on_sync_mixin_synced(self, message: Synced) -> None:
        """A round ended (by name, not @on: Textual collects @on handlers from DOM classes only)."""
        self.sync_state = message.state
        if message.settings is not None:
            self.settings = message.settings  # a setting changed on another machine
        if message.state.report is not None and message.state.report.received:
            self.record_changed()  # what came in is on screen at once
