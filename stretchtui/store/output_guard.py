"""Where stretchtui may write a file or folder the user named, and the clean-up of the temporary
files a killed writer left behind.

One guard for every output path (`export` JSON and CSV, `report --output`, `backup --output`):

- never the database, its -wal, -shm, -journal or .lock file, its folder, or anything in its
  `backups/` folder, with or without --force. Compared by path (as given and with every symlink
  resolved) and by device and inode, so a hard link or a symlink to one of them is caught too;
- never through a symbolic link (to a file, a folder, or nothing): the link's own path is refused;
- an existing file is replaced only with --force (and then by a rename: the old inode, and every
  other name it has, is left as it was); an existing folder only with --force and only when it is
  a CSV export stretchtui wrote: it holds our marker file `.stretchtui-export` and nothing but the
  files an export writes. Nothing else in a folder is ever deleted;
- every refusal is a UserError (one line, exit status 2) raised before anything is written.

Temporary files are named by `private_files.temp_name` (`<name>.<pid>.<hex>.tmp`; older code and
SQLite add `<name>.<pid>.tmp` and `-wal`, `-shm`, `-journal` beside them). `remove_stale_temporaries`
removes those, and only those, in the database's folder and its backups/ whose process is gone.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from stretchtui.core.errors import UserError, shown
from stretchtui.store.backup_files import BACKUP_DIR_NAME
from stretchtui.store.private_files import DIR_MODE, NAME_MAX, make_private_dir, temp_name, write_private

SIBLING_SUFFIXES = ("-wal", "-shm", "-journal", ".lock", ".sync-lock")
EXPORT_MARKER = ".stretchtui-export"
MARKER_LINE = "stretchtui CSV export"
MARKER_TEXT = (
    f"{MARKER_LINE}\n"
    "This folder was written by `stretchtui export --format csv`. `--force` replaces it only while\n"
    "it holds nothing but this file and the .csv tables stretchtui wrote.\n"
)
TEMP_PATTERN = re.compile(r"^(?P<base>.+)\.(?P<pid>[1-9][0-9]{0,9})(?:\.[0-9a-f]{8})?\.tmp(?:-wal|-shm|-journal)?$")
_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class OutputRefused(UserError):
    """An output path stretchtui will not write to: one line, exit status 2, nothing written."""


# ---------------------------------------------------------------------- what is protected


@dataclass(frozen=True)
class _Protected:
    files: dict[str, str]  # absolute path (as given, and resolved) -> what it is
    folders: frozenset[str]  # the data folder (as given and resolved)
    backups: frozenset[str]  # its backups/ folder (as given and resolved)
    inodes: dict[tuple[int, int], str]  # (st_dev, st_ino) of every protected file and folder -> what


def _protected(db_path: Path) -> _Protected:
    db = os.path.abspath(db_path)
    bases = {db, os.path.realpath(db)}
    files: dict[str, str] = {}
    for base in bases:
        files[base] = "the stretchtui database"
        for suffix in SIBLING_SUFFIXES:
            what = "the database's lock file" if suffix.endswith(".lock") else f"the database's {suffix} file"
            files[base + suffix] = what
    for name, what in list(files.items()):
        files.setdefault(os.path.realpath(name), what)
    folders = {os.path.dirname(base) for base in bases}
    folders |= {os.path.realpath(folder) for folder in folders}
    backups = {os.path.join(folder, BACKUP_DIR_NAME) for folder in folders}
    backups |= {os.path.realpath(folder) for folder in backups}
    inodes: dict[tuple[int, int], str] = {}
    for name, what in files.items():
        _note_inode(inodes, name, what)
    for folder in folders:
        _note_inode(inodes, folder, "the folder that holds the database")
    for folder in backups:
        _note_inode(inodes, folder, "the backups folder")
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            _note_inode(inodes, entry.path, "a file in the backups folder")
    return _Protected(files, frozenset(folders), frozenset(backups), inodes)


def _note_inode(inodes: dict[tuple[int, int], str], path: str, what: str) -> None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return
    inodes.setdefault((info.st_dev, info.st_ino), what)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _refuse_protected(
    shown_as: Path, absolute: str, info: os.stat_result | None, db_path: Path, *, folder: bool
) -> None:
    """Refuse `absolute` (not itself a symlink) if it is, or holds, anything of the database."""
    guard = _protected(db_path)
    real = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    for candidate in {absolute, real}:
        if candidate in guard.files:
            raise OutputRefused(f"--output: {shown_as} is {guard.files[candidate]}; stretchtui never writes over it")
        if any(_inside(candidate, backups) for backups in guard.backups):
            raise OutputRefused(
                f"--output: {shown_as} is in the database's backups folder; stretchtui never writes over it"
            )
        if folder and any(_inside(data, candidate) for data in guard.folders):
            raise OutputRefused(f"--output: {shown_as} holds the stretchtui database; choose another folder")
    if info is not None and (what := guard.inodes.get((info.st_dev, info.st_ino))) is not None:
        raise OutputRefused(f"--output: {shown_as} is {what} (another name for it); stretchtui never writes over it")
    if not folder and TEMP_PATTERN.match(os.path.basename(absolute)) and os.path.dirname(real) in guard.folders:
        raise OutputRefused(f"--output: {shown_as} is named like a stretchtui temporary file; choose another name")


# ---------------------------------------------------------------------- checking a target


def _look(text: str) -> tuple[Path, str, os.stat_result | None]:
    """The target as shown in messages, its absolute path, and its lstat (None: nothing there)."""
    shown_as = Path(text).expanduser()
    absolute = os.path.abspath(shown_as)
    try:
        return shown_as, absolute, os.lstat(absolute)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise _os_refusal(shown_as, error) from None
    except ValueError:  # a NUL byte in the name
        raise OutputRefused(f"--output: {shown(text)} is not a usable file name") from None
    parent = os.path.dirname(absolute)
    if not os.path.isdir(parent):
        raise OutputRefused(f"--output: the folder {shown_as.parent} does not exist")
    return shown_as, absolute, None


def _os_refusal(shown_as: Path, error: OSError) -> OutputRefused:
    if error.errno == errno.ENAMETOOLONG:
        return OutputRefused(f"--output: {shown(str(shown_as), 60)} is too long a name for the file system")
    if error.errno == errno.ENOTDIR:
        return OutputRefused(f"--output: a part of {shown(str(shown_as), 200)} is a file, not a folder")
    return OutputRefused(f"--output: cannot use {shown(str(shown_as), 200)}: {error.strerror}")


def _check_name_length(shown_as: Path, absolute: str, reserve: int) -> None:
    if len(os.path.basename(absolute).encode()) + reserve > NAME_MAX:
        raise OutputRefused(f"--output: {shown(str(shown_as), 60)} is too long a name for the file system")


def check_output_file(text: str | os.PathLike[str], db_path: Path, *, force: bool | None, reserve: int = 0) -> Path:
    """The path (as given, `~` expanded) a command may write a file to, or OutputRefused. `force` None: the command
    has no --force (a new file only). `reserve`: bytes the writer adds to the name for its temporary
    file (write_private needs none: it shortens the name)."""
    text = os.fspath(text)
    if not text.strip():
        raise OutputRefused("--output: give a file name")
    shown_as, absolute, info = _look(text)
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OutputRefused(f"--output: {shown_as} is a symbolic link; give the path of the file itself")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputRefused(f"--output: {shown_as} is a folder; give a file name")
    _refuse_protected(shown_as, absolute, info, db_path, folder=False)
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputRefused(f"--output: {shown_as} is not a regular file; give a file name")
        if force is None:
            raise OutputRefused(f"--output: {shown_as} exists already; give the name of a new file")
        if not force:
            raise OutputRefused(f"--output: {shown_as} already exists (add --force to replace it)")
    _check_name_length(shown_as, absolute, reserve)
    return shown_as


def check_output_folder(text: str | os.PathLike[str], db_path: Path, *, force: bool) -> Path:
    """The path (as given, `~` expanded) a command may write a folder of files to (a CSV export), or OutputRefused."""
    text = os.fspath(text)
    if not text.strip() or os.path.basename(text.rstrip(os.sep)) in ("", ".", ".."):
        raise OutputRefused(f"--output: {shown(text)} is not a folder name; give the name of a new folder")
    shown_as, absolute, info = _look(text.rstrip(os.sep) or text)
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OutputRefused(f"--output: {shown_as} is a symbolic link; give the path of the folder itself")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise OutputRefused(f"--output: {shown_as} is a file; CSV needs a folder")
    _refuse_protected(shown_as, absolute, info, db_path, folder=True)
    if info is not None:
        if not force:
            raise OutputRefused(f"--output: {shown_as} already exists (add --force to replace it)")
        _refuse_unless_export(shown_as, Path(absolute))
    _check_name_length(shown_as, absolute, 0)
    return shown_as


def export_file_names() -> frozenset[str]:
    """The files a CSV export holds: its tables and the marker."""
    from stretchtui.core.exchange.writing import CSV_TABLES

    return frozenset({EXPORT_MARKER, *(f"{name}.csv" for name in CSV_TABLES)})


def _refuse_unless_export(shown_as: Path, folder: Path) -> None:
    """--force replaces a folder only if it is a CSV export stretchtui wrote, unchanged in kind."""
    if not _has_marker(folder):
        raise OutputRefused(
            f"--output: {shown_as} is not a folder stretchtui export wrote (it has no "
            f"{EXPORT_MARKER} file); --force replaces only those"
        )
    foreign = sorted(_foreign_entries(folder))
    if foreign:
        listed = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputRefused(
            f"--output: {shown_as} holds files stretchtui did not write "
            f"({listed if len(listed) <= 80 else listed[:77] + '...'}); "
            "move them, or choose another folder"
        )


def _has_marker(folder: Path) -> bool:
    marker = folder / EXPORT_MARKER
    try:
        info = os.lstat(marker)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 4096:
            return False
        with open(marker, "rb") as handle:
            return handle.readline().rstrip(b"\r\n") == MARKER_LINE.encode()
    except OSError:
        return False


def _foreign_entries(folder: Path) -> list[str]:
    """Entries of `folder` that an export does not write, or that are not plain files."""
    known = export_file_names()
    foreign = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name not in known or not entry.is_file(follow_symlinks=False):
                foreign.append(entry.name)
    return foreign


# ---------------------------------------------------------------------- writing


def write_output_file(
    target: Path, db_path: Path, write: Callable[[IO[Any]], None], *, force: bool, binary: bool = False
) -> None:
    """Write a 0600 file at a target `check_output_file` allowed, checked once more just before
    (the command read the database meanwhile); without `force` an existing file is never replaced,
    not even one that appeared since the check."""
    check_output_file(target, db_path, force=force)
    try:
        write_private(target, write, binary=binary, replace=force)
    except FileExistsError:
        raise OutputRefused(f"--output: {target} already exists (add --force to replace it)") from None
    except OSError as error:
        if error.errno in _STORAGE_ERRNOS:
            raise
        raise OutputRefused(f"--output: cannot write {target}: {error.strerror}") from None


def write_output_folder(
    target: Path, db_path: Path, files: dict[str, Callable[[IO[Any]], None]], *, force: bool
) -> None:
    """Write a 0700 folder of 0600 files (a CSV export, with its marker) at a target
    `check_output_folder` allowed, checked once more. The files are written into a new folder
    beside it that is renamed into place, so the target is the old export or the new one, whole.
    A replaced export's files are removed by name; anything else found in it is left there."""
    check_output_folder(target, db_path, force=force)
    staging = target.with_name("." + temp_name(target.name))
    try:
        make_private_dir(staging)  # 0700 whatever the umask
        for name, write in {**files, EXPORT_MARKER: lambda handle: handle.write(MARKER_TEXT)}.items():
            write_private(staging / name, write)
        _put_folder(staging, target, db_path, force=force)
    except BaseException:
        _remove_known(staging)
        raise


def _put_folder(staging: Path, target: Path, db_path: Path, *, force: bool) -> None:
    if not os.path.lexists(target):
        try:
            target.mkdir(mode=DIR_MODE)  # claims the name: fails if anything took it since the check
        except FileExistsError:
            raise OutputRefused(f"--output: {target} already exists (add --force to replace it)") from None
        try:
            os.replace(staging, target)  # over our own empty folder
        except OSError as error:
            _rmdir_quietly(target)
            raise _write_refusal(target, error) from None
        return
    check_output_folder(target, db_path, force=force)  # a CSV export of ours, nothing else in it
    aside = target.with_name("." + temp_name(target.name))
    try:
        os.rename(target, aside)
    except OSError as error:
        raise _write_refusal(target, error) from None
    try:
        target.mkdir(mode=DIR_MODE)  # claims the name again, as above
    except FileExistsError:
        raise OutputRefused(
            f"--output: {target} appeared while the export was written; nothing was "
            f"replaced (the earlier export is kept as {aside})"
        ) from None
    try:
        os.replace(staging, target)
    except OSError as error:
        _rmdir_quietly(target)
        if not os.path.lexists(target):
            os.rename(aside, target)
        raise _write_refusal(target, error) from None
    _remove_known(aside)


def _write_refusal(target: Path, error: OSError) -> BaseException:
    if error.errno in _STORAGE_ERRNOS:
        return error
    return OutputRefused(f"--output: cannot write {target}: {error.strerror}")


def _remove_known(folder: Path) -> None:
    """Remove a folder we made (or an old export): only the files an export writes, by name, then
    the folder if that left it empty. Anything else in it stays."""
    known = export_file_names()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name in known and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError:
                pass
    _rmdir_quietly(folder)


def _rmdir_quietly(folder: Path) -> None:
    try:
        os.rmdir(folder)
    except OSError:
        pass


# ---------------------------------------------------------------------- stale temporary files


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Remove the temporary files a killed backup, restore, migration or export left beside the
    database and in its backups/ folder: regular files named like ours (`<name>.<pid>[.<hex>].tmp`,
    and their -wal, -shm and -journal), for this database (beside it: `<db name>.…`; in backups/:
    `<db stem>-…`), whose process is no longer running. Never raises; returns what it removed."""
    db_path = Path(os.path.abspath(db_path))
    removed: list[Path] = []
    places = (
        (db_path.parent, lambda base: base == db_path.name or base.startswith(db_path.name + ".")),
        (db_path.parent / BACKUP_DIR_NAME, lambda base: base.startswith(db_path.stem + "-")),
    )
    for folder, ours in places:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = TEMP_PATTERN.match(entry.name)
            if match is None or not ours(match["base"]) or _alive(int(match["pid"])):
                continue
            try:
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                pass  # gone meanwhile, or not ours to remove: harmless either way
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` may still be writing its temporary file (this process counts: another
    thread of it may be). Unsure means alive: the file is then left for a later start."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # PermissionError: it exists, run by another user
    return True
