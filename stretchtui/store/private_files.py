"""How stretchtui makes its files (0600) and folders (0700) whatever the umask, and writes a file so
that a reader never sees half of it.

Apart from files.py (the database file, its header and its read-only look) because every writer
uses these, the backups, the exports and the lock file alike, and none of them needs the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(directory: Path) -> None:
    """One new folder, 0700 whatever the umask; FileExistsError when the name is taken. The mode
    is set through the new folder itself, so a name swapped for a symlink meanwhile changes nothing."""
    os.mkdir(directory, DIR_MODE)
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fchmod(fd, DIR_MODE)  # mkdir's mode is filtered by the umask
    finally:
        os.close(fd)


def make_private_dirs(directory: Path) -> list[Path]:
    """`directory` and its missing parents (`~/.local/share` under a new home), each 0700 whatever
    the umask; returns the ones made here, outermost first. Existing folders, and any another
    process makes meanwhile, are left as they are."""
    missing = []
    current = Path(os.path.abspath(directory))
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    made = []
    for folder in reversed(missing):
        try:
            make_private_dir(folder)
        except FileExistsError:
            if folder.is_dir():
                continue
            raise
        made.append(folder)
    return made


def tighten(path: Path, mode: int) -> bool:
    """Take from `path` itself the bits `mode` lacks (never adding one), through a descriptor
    opened without following a link; True when its mode changed. A link, a missing path or one
    that cannot be opened is left as it is (False)."""
    import stat

    directory = mode == DIR_MODE
    try:
        fd = os.open(
            path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_DIRECTORY if directory else os.O_NONBLOCK)
        )
    except OSError:
        return False
    try:
        current = stat.S_IMODE(os.fstat(fd).st_mode)
        if not current & ~mode:
            return False
        os.fchmod(fd, current & mode)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def create_private_file(path: Path) -> int:
    """A new file only its owner can read and write (0600 whatever the umask), opened for writing;
    FileExistsError when the name is taken (by anything, a symlink too). Returns the descriptor."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # O_CREAT's mode is filtered by the umask
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    return fd


NAME_MAX = 255  # bytes in one file name on the file systems stretchtui runs on (ext4, xfs, btrfs, apfs, tmpfs)


def temp_name(name: str) -> str:
    """A temporary name beside `name` that no other writer, and no stale file, has:
    `<name>.<pid>.<8 hex digits>.tmp`, with `name` cut short when the whole would not fit in one
    file name. `output_guard.remove_stale_temporaries` recognises (and only) these names."""
    import secrets

    tag = f".{os.getpid()}.{secrets.token_hex(4)}.tmp"
    room = NAME_MAX - len(tag.encode())
    return name.encode()[:room].decode("utf-8", "ignore") + tag


def write_private(
    target: Path, write: Callable[[IO[Any]], None], *, binary: bool = False, replace: bool = True
) -> None:
    """Write a file only its owner can read (0600): `write` fills a temporary file beside it
    (`temp_name`, created with O_EXCL; text in UTF-8 unless `binary`), which is flushed to disk and
    then renamed over the target, so a reader never sees half a file. With `replace` false an
    existing target is never replaced, even one that appeared meanwhile (FileExistsError): the file
    is linked into place, which fails if the name is taken. Nothing is left behind on failure."""
    tmp = target.with_name(temp_name(target.name))
    fd = create_private_file(tmp)
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _link_new(tmp: Path, target: Path) -> None:
    """Put `tmp` at `target` only if that name is free, then drop the `tmp` name."""
    import errno

    try:
        os.link(tmp, target, follow_symlinks=False)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links (vfat, some network mounts): check, then rename.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable; best effort (some file systems refuse it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
