"""The sync folder on disk (docs/sync.md): made or joined, looked through, read and appended to.

Every file this machine writes is in its own device folder, so a sync tool never sees two
machines write one file. The log is only appended to (O_APPEND, flushed to disk), and a new
generation is written whole under a temporary name and renamed into place, so a sync tool copying
it mid-write sends a file cut at a line end at worst, which the reader waits out. Files and folders
are private (0600, 0700): they hold health notes.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from stretchtui.core.errors import UserError
from stretchtui.core.plain_text import escaped
from stretchtui.core.sync_log import (
    DEVICE_FILE,
    FORMAT_NAME,
    FORMAT_VERSION,
    MARKER,
    LogProblem,
    LogRead,
    check_header,
    header_line,
    is_conflict_copy,
    is_device_file_copy,
    is_device_folder,
    is_ignored,
    line_mark,
    log_generation,
    log_name,
    mark_length,
    read_log,
)
from stretchtui.store.private_files import (
    DIR_MODE,
    FILE_MODE,
    make_private_dir,
    make_private_dirs,
    tighten,
    write_private,
)

HEADER_BYTES = 4096
"""A log's first line is a short header; a first line longer than this is not one."""

READ_BYTES = 64 * 1024 * 1024
"""The most of one log read in one round (a whole ten-year snapshot is about 12 MB): a longer
file is taken a window at a time, and a line longer than this is refused, never loaded whole."""

SMALL_FILE_BYTES = 64 * 1024
"""The most read of the marker and of a device.json (a few hundred bytes each)."""


class NotARegularFile(OSError):
    """A link, a pipe, a device or a folder where a file of the sync folder should be: never
    followed or opened for reading (a pipe would block the round, /dev/zero would fill memory)."""


def open_regular(path: Path) -> Any:
    """`path` opened for reading in binary, if it is a regular file (not through a link, never
    blocking on a pipe); NotARegularFile otherwise, FileNotFoundError when it is not there."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotARegularFile(errno.ELOOP, "a link, not a file") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(errno.EINVAL, "not a regular file (a pipe, a device or a folder)")
    return os.fdopen(fd, "rb")


def read_small(path: Path) -> bytes:
    with open_regular(path) as handle:
        data: bytes = handle.read(SMALL_FILE_BYTES + 1)
    if len(data) > SMALL_FILE_BYTES:
        raise NotARegularFile(errno.EFBIG, f"over {SMALL_FILE_BYTES // 1024} KB")
    return data


class SyncFolderError(UserError):
    """The folder cannot be used (missing, not a folder, another program's, a newer format)."""


@dataclass
class DeviceFolder:
    """What one device has in the folder."""

    device: str
    name: str = ""
    last_round: str | None = None
    logs: list[str] = field(default_factory=list)  # by generation, oldest first
    copies: list[str] = field(default_factory=list)  # conflict copies of its log
    problem: str | None = None  # its device.json is from a newer format: nothing of it is taken
    notes: list[str] = field(default_factory=list)  # one line each; its logs are read all the same

    @property
    def newest_log(self) -> str | None:
        return self.logs[-1] if self.logs else None


@dataclass
class Scan:
    devices: dict[str, DeviceFolder] = field(default_factory=dict)
    foreign: list[str] = field(default_factory=list)  # one line each: left alone


class SyncFolder:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    # ------------------------------------------------------------------ making and joining

    def join(self, now: datetime) -> bool:
        """Make the sync folder (its marker, and the folder itself if it is missing) or join the one
        there; True when it was made here. Refuses a file, an unreadable folder and a folder that
        holds other files and no marker."""
        if not self.check_joinable():
            return False
        try:
            make_private_dirs(self.path)
        except OSError as error:
            raise SyncFolderError(f"cannot make {self.path}: {error.strerror or error}") from None
        tighten(self.path, DIR_MODE)  # an empty folder made beforehand (mkdir at umask 022) too
        created = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "created_at": now.isoformat()}
        write_private(self.path / MARKER, lambda h: h.write(json.dumps(created, indent=1) + "\n"))
        return True

    def check_joinable(self) -> bool:
        """Whether `join` would make a new sync folder (True) or join the one there (False), checked
        without making anything; SyncFolderError for a path that cannot be one."""
        if self.path.exists() and not self.path.is_dir():
            raise SyncFolderError(f"{self.path} is not a folder")
        if (self.path / MARKER).exists():
            self.check()
            return False
        if not self.path.exists():
            return True
        try:
            others = [p.name for p in self.path.iterdir() if not is_ignored(p.name)]
        except OSError as error:
            raise SyncFolderError(f"{self.path}: {error.strerror or error}") from None
        if others:
            raise SyncFolderError(
                f"{self.path} already holds other files ({', '.join(sorted(others)[:3])}); "
                "give stretchtui a folder of its own (a new one inside it is fine)"
            )
        return True

    def check(self) -> None:
        """The folder is there and ours, in a format this version reads."""
        if not self.path.is_dir():
            raise SyncFolderError(
                f"the sync folder {self.path} is not there (not mounted? moved?); nothing was synced. "
                "Put it back, or: stretchtui sync leave"
            )
        try:
            head = json.loads(read_small(self.path / MARKER))
        except FileNotFoundError:
            raise SyncFolderError(f"{self.path} has no {MARKER}: not a stretchtui sync folder") from None
        except (OSError, ValueError, RecursionError) as error:
            raise SyncFolderError(f"{self.path / MARKER}: cannot be read ({type(error).__name__})") from None
        if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
            raise SyncFolderError(f"{self.path / MARKER}: not a stretchtui sync folder")
        version = head.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
            raise SyncFolderError(
                f"{self.path} is a sync folder of a newer stretchtui (format {version}; this one "
                f"reads up to {FORMAT_VERSION}): upgrade stretchtui here"
            )

    # ------------------------------------------------------------------ looking through it

    def scan(self) -> Scan:
        scan = Scan()
        for entry in sorted(self.path.iterdir(), key=lambda p: p.name):
            name = entry.name
            if is_ignored(name) or name == MARKER or name.endswith(".tmp"):
                continue
            if not is_device_folder(name) or entry.is_symlink() or not entry.is_dir():
                scan.foreign.append(f"{escaped(name)}: not a stretchtui sync file; left alone")
                continue
            scan.devices[name] = self._device(entry, scan)
        return scan

    def _device(self, folder: Path, scan: Scan) -> DeviceFolder:
        device = DeviceFolder(folder.name)
        logs: list[tuple[int, str]] = []
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError as error:
            device.problem = f"{folder.name}: cannot be read ({error.strerror or error})"
            return device
        for name in names:
            generation = log_generation(name)
            if generation is not None:
                logs.append((generation, name))
            elif is_conflict_copy(name):
                device.copies.append(name)
            elif name == DEVICE_FILE:
                self._read_device_file(folder / name, device)
            elif not (is_ignored(name) or name.endswith(".tmp") or is_device_file_copy(name)):
                scan.foreign.append(f"{folder.name}/{escaped(name)}: not a stretchtui sync file; left alone")
        device.logs = [name for _, name in sorted(logs)]
        return device

    @staticmethod
    def _read_device_file(path: Path, device: DeviceFolder) -> None:
        try:
            info = json.loads(read_small(path))
        except NotARegularFile as error:  # its name and last round are not known; its logs are read
            device.notes.append(f"{device.device}/{DEVICE_FILE}: {error.strerror}; left alone")
            return
        except (OSError, ValueError, RecursionError):
            return  # being copied (or beyond reading): its name and time wait for the next round
        if isinstance(info, dict):
            owner = info.get("device")
            if owner is not None and owner != device.device:
                device.problem = (
                    f"{device.device}: holds the files of device {escaped(str(owner))[:20]!r}, not its own; "
                    "left alone (a folder copied or renamed by hand?)"
                )
                return
            if isinstance(info.get("format_version"), int) and info["format_version"] > FORMAT_VERSION:
                device.problem = (
                    f"{device.device}: written by a newer stretchtui (sync format {info['format_version']}; "
                    f"this one reads up to {FORMAT_VERSION}): upgrade stretchtui here to take its changes"
                )
            device.name = escaped(str(info.get("name", "")))[:60]  # from the folder: no control or bidi character raw
            last = info.get("last_round")
            device.last_round = last if isinstance(last, str) else None

    def read(self, device: str, name: str, start: int, mark: str | None = None) -> LogRead:
        """The complete changes of one log file from byte `start` (see core.sync_log.read_log).
        `mark` names the line the last read stopped after (core.sync_log.line_mark). The header is
        checked on every read. A file that is not the one read up to `start` (shorter, or other
        bytes before the cursor: another version of it arrived) is read again from the top, which
        is safe (a change taken twice does nothing); `reread` says so."""
        shown = escaped(name)
        try:
            with open_regular(self.path / device / name) as handle:
                head = handle.readline(HEADER_BYTES)
                if start and head.endswith(b"\n"):
                    try:
                        check_header(head.rstrip(b"\n"), device)
                    except LogProblem as problem:
                        return LogRead(end=start, mark=mark, problem=f"{device}/{shown} at byte 0: {problem}")
                length = mark_length(mark) if mark else None
                before = min(start, length if length is not None else 1)
                handle.seek(start - before)
                tail = handle.read(READ_BYTES + before + 1)  # one more: a window that is not the end
        except FileNotFoundError:
            return LogRead(end=start, mark=mark)
        except OSError as error:  # NotARegularFile too: a link, a pipe
            return LogRead(
                end=start,
                mark=mark,
                problem=f"{device}/{shown}: cannot be read ({error.strerror or error}); left alone",
            )
        if start:
            if not head.endswith(b"\n"):
                if len(head) >= HEADER_BYTES:
                    problem = f"{device}/{shown} at byte 0: a first line longer than a header; left alone"
                    return LogRead(end=start, mark=mark, problem=problem)
                return LogRead(end=start, mark=mark)  # being copied again: its header has not arrived yet
            seen = tail[:before]
            if len(seen) < before or (line_mark(seen) != mark if length is not None else seen != b"\n"):
                read = self._bounded(self._top(device, name) if start - before else tail, 0, device, shown)
                read.reread = len(seen) == before  # other bytes, said; shorter, most likely being copied
                return read
        return self._bounded(tail[before:] if start else tail, start, device, shown, mark)

    @staticmethod
    def _bounded(tail: bytes, start: int, device: str, shown: str, mark: str | None = None) -> LogRead:
        """read_log on at most READ_BYTES; a window that holds no whole line is refused (a line
        that long is no change, and waiting for its end would read it again every round)."""
        read = read_log(tail[:READ_BYTES], offset=start, device=device, name=shown, mark=mark)
        if read.end == start and not read.problem and len(tail) > READ_BYTES:
            read.problem = f"{device}/{shown} at byte {start}: a line longer than {READ_BYTES // 2**20} MB; left alone"
        return read

    def _top(self, device: str, name: str) -> bytes:
        try:
            with open_regular(self.path / device / name) as handle:
                data: bytes = handle.read(READ_BYTES + 1)
                return data
        except OSError:
            return b""

    # ------------------------------------------------------------------ this device's files

    def make_own_private(self, device: str) -> list[str]:
        """This device's folder 0700 and its files 0600, however they arrived (a git checkout at
        umask 022, `rsync -a` from a machine that made them 0644): they hold health notes, and
        this machine keeps appending to them. Returns what was changed (links are not followed)."""
        folder = self.path / device
        if folder.is_symlink() or not folder.is_dir():
            return []
        changed = [folder.name] if tighten(folder, DIR_MODE) else []
        for path in sorted(folder.iterdir()):
            if is_ignored(path.name) or path.is_symlink():
                continue  # a sync tool's own (.git, .stfolder), or a link: not ours to change
            if tighten(path, DIR_MODE if path.is_dir() else FILE_MODE):
                changed.append(path.name)
        return changed

    def read_all(self, device: str, name: str) -> LogRead:
        """Every whole change of one of this device's files, a window at a time (its own log, read
        back; a conflict copy of it); `end` where the reading stopped, `problem` why if not at a
        line's end of a whole file."""
        whole = LogRead()
        start, mark = 0, None
        while True:
            read = self.read(device, name, start, mark)
            whole.changes += read.changes
            whole.end, whole.problem = read.end, read.problem
            if read.problem or read.end == start:
                return whole
            start, mark = read.end, read.mark

    def own_copies(self, device: str) -> list[str]:
        """Sync tools' conflict copies of this device's own log (its own folder: this machine's to tidy)."""
        folder = self.path / device
        if not folder.is_dir():
            return []
        return sorted(name for name in os.listdir(folder) if is_conflict_copy(name))

    def remove_own(self, device: str, names: Iterable[str]) -> None:
        for name in names:
            (self.path / device / name).unlink(missing_ok=True)

    def own_logs(self, device: str) -> list[str]:
        folder = self.path / device
        if not folder.is_dir():
            return []
        return sorted((n for n in os.listdir(folder) if log_generation(n) is not None), key=log_generation)

    def size(self, device: str, name: str) -> int | None:
        try:
            return (self.path / device / name).stat().st_size
        except FileNotFoundError:
            return None

    def append(self, device: str, name: str, lines: Iterable[str]) -> int:
        """Append whole lines to this device's log, flushed to disk; returns the new size."""
        data = "".join(lines).encode()
        fd = os.open(self.path / device / name, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    def start_log(self, device: str, generation: int, lines: Iterable[str]) -> int:
        """Write generation `generation` whole (its header, then `lines`), put it in place, and
        delete the older generations; returns its size."""
        folder = self.path / device
        if not folder.is_dir():
            make_private_dir(folder)
        target = folder / log_name(generation)

        def write(handle: Any) -> None:
            handle.write(header_line(device, generation))
            for line in lines:
                handle.write(line)

        write_private(target, write)
        for name in self.own_logs(device):
            if (log_generation(name) or 0) < generation:
                (folder / name).unlink(missing_ok=True)
        return target.stat().st_size

    def write_device_file(self, device: str, info: dict[str, Any]) -> None:
        folder = self.path / device
        if not folder.is_dir():
            make_private_dir(folder)
        text = json.dumps({"format": FORMAT_NAME, "format_version": FORMAT_VERSION, **info}, indent=1) + "\n"
        write_private(folder / DEVICE_FILE, lambda h: h.write(text))
