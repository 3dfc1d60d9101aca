"""`stretchtui doctor`'s checks of who else can read the health notes: the modes of the database,
its backups and stretchtui's own directories, and of the sync folder's files; with `--fix`, made
private, never through a symbolic link.

Apart from store.doctor (the database's own health, its file system and its backups) because this
is all about file modes and the care a change of them takes: nothing here reads the database but
the sync folder's place.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from stretchtui.core.vocabulary import plural
from stretchtui.store.backup_files import backup_dir
from stretchtui.store.doctor_check import FIXED, OK, PROBLEM, WARN, Check
from stretchtui.store.files import kept_descriptor
from stretchtui.store.location import default_data_dir
from stretchtui.store.lock import lock_path
from stretchtui.store.private_files import DIR_MODE, FILE_MODE


def mode_checks(db_path: Path, fix: bool) -> list[Check]:
    checks = []
    directory = db_path.parent
    if directory.is_dir():
        if Path(os.path.abspath(directory)) == Path(os.path.abspath(default_data_dir())):
            checks.append(private_mode("data directory", directory, DIR_MODE, fix))
        elif stat.S_IMODE(directory.stat().st_mode) & 0o077:
            checks.append(
                Check(
                    WARN,
                    "data directory",
                    f"{directory} can be listed by others "
                    f"({stat.S_IMODE(directory.stat().st_mode):04o}); not changed, as it is not "
                    "stretchtui's own directory",
                    f"if only stretchtui uses it: chmod 700 {directory}",
                )
            )
        else:
            checks.append(Check(OK, "data directory", f"{directory} is private"))
    backups = backup_dir(db_path)
    backups_usable = backups.is_dir() and not backups.is_symlink()
    if backups.is_symlink():
        checks.append(
            Check(
                WARN,
                "backup directory",
                f"{backups} is a symbolic link (to {os.readlink(backups)}); "
                "not followed: nothing there is checked or changed",
                "keep backups/ a real folder beside the database",
            )
        )
    elif backups_usable:
        checks.append(private_mode("backup directory", backups, DIR_MODE, fix))
    files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")] + [lock_path(db_path)]
    if backups_usable:
        from stretchtui.store.backup_files import list_backups

        files += sorted(path for _name, path in list_backups(db_path))  # this database's only
    files = [path for path in files if path.is_file() and not path.is_symlink()]
    open_to_others = [path for path in files if stat.S_IMODE(path.stat().st_mode) & 0o077]
    if not open_to_others:
        checks.append(Check(OK, "file modes", f"{plural(len(files), 'file')}, all private (0600)"))
    elif fix:
        changed = [
            path for path in open_to_others if chmod_not_following(path, FILE_MODE, folder_too=path.parent == backups)
        ]
        checks.append(
            Check(
                FIXED,
                "file modes",
                f"made {plural(len(changed), 'file')} private: "
                + ", ".join(f"{path.name} ({stat.S_IMODE(path.stat().st_mode):04o})" for path in changed),
            )
        )
    else:
        listed = ", ".join(f"{path.name} ({stat.S_IMODE(path.stat().st_mode):04o})" for path in open_to_others)
        checks.append(
            Check(
                PROBLEM,
                "file modes",
                f"readable by others: {listed}",
                "run stretchtui doctor --fix (or chmod 600 each file)",
            )
        )
    return checks


def sync_folder_checks(db_path: Path, fix: bool) -> list[Check]:
    """The sync folder this database syncs through (docs/sync.md), if it does: the files there
    hold the same health notes as the database, so they should be private too. Each round makes
    this machine's own private; the others' arrive as the sync tool made them."""
    from stretchtui.store.files import read_only_connection
    from stretchtui.store.private_files import tighten

    if not db_path.is_file():
        return []
    try:
        conn = read_only_connection(db_path)  # immutable unless a writer has it open (a -wal file)
        try:
            meta = dict(conn.execute("SELECT key, value FROM sync_meta WHERE key = 'folder'").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # no sync table (an older file) or unreadable: the checks above say so
    if "folder" not in meta:
        return []
    folder = Path(meta["folder"])
    if not folder.is_dir():
        return [
            Check(
                WARN,
                "sync folder",
                f"{folder} is not there (not mounted? moved?)",
                "put it back, or: stretchtui sync leave",
            )
        ]
    from stretchtui.core.sync_log import is_ignored

    found = [folder]
    for top, dirs, files in os.walk(folder):  # not into .git, .stfolder: the sync tool's own
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        found += [Path(top) / name for name in [*dirs, *sorted(f for f in files if not is_ignored(f))]]
    loose = []
    for path in found:
        if path.is_symlink() or not (path.is_dir() or path.is_file()):
            continue
        mode = DIR_MODE if path.is_dir() else FILE_MODE
        try:
            if stat.S_IMODE(path.stat().st_mode) & ~mode & 0o077:
                loose.append(path)
        except OSError:
            continue
    if not loose:
        return [Check(OK, "sync folder", f"{folder}: every file private")]
    named = ", ".join(str(path.relative_to(folder)) if path != folder else str(folder) for path in loose[:5])
    more = f" and {len(loose) - 5} more" if len(loose) > 5 else ""
    if fix:
        changed = [path for path in loose if tighten(path, DIR_MODE if path.is_dir() else FILE_MODE)]
        if len(changed) < len(loose):
            left = ", ".join(str(path.relative_to(folder)) for path in loose if path not in changed)
            return [
                Check(
                    PROBLEM,
                    "sync folder",
                    f"could not make private (not yours?): {left[:200]}",
                    "chmod them as their owner, or remove them",
                )
            ]
        return [
            Check(
                FIXED,
                "sync folder",
                f"made {plural(len(changed), 'file or folder', 'files or folders')} private: {named}{more}",
            )
        ]
    return [
        Check(
            PROBLEM,
            "sync folder",
            f"readable by others: {named}{more}",
            "run stretchtui doctor --fix (the other machines' files too; they may arrive open again: "
            "set the sync tool or umask to keep them private)",
        )
    ]


def private_mode(subject: str, directory: Path, wanted: int, fix: bool) -> Check:
    current = stat.S_IMODE(directory.stat().st_mode)
    if not current & ~wanted:  # nothing for others (a folder the user made read-only stays so)
        return Check(OK, subject, f"{directory} is private ({current:04o})")
    if fix and chmod_not_following(directory, wanted, directory=True):
        return Check(FIXED, subject, f"{directory} was {current:04o}, now {current & wanted:04o}")
    return Check(
        PROBLEM,
        subject,
        f"{directory} is {current:04o}, not {wanted:04o}",
        f"run stretchtui doctor --fix (or chmod {wanted:o} {directory})",
    )


def chmod_not_following(path: Path, mode: int, *, directory: bool = False, folder_too: bool = False) -> bool:
    """Take the bits `mode` lacks away from `path` itself (never adding one: a file the user made
    read-only stays read-only), never from what a symbolic link (perhaps swapped in since it was
    looked at) points to: it is opened with O_NOFOLLOW and changed through that handle; with
    `folder_too` (a file in backups/), inside its folder opened the same way. False when it is a
    link (or gone)."""
    if (kept := kept_descriptor(path)) is not None:  # the database a store here has open: never
        os.fchmod(kept, stat.S_IMODE(os.fstat(kept).st_mode) & mode)  # close a descriptor of it
        return True
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        parent = os.open(path.parent, flags | os.O_DIRECTORY) if folder_too else None
        try:
            fd = os.open(
                path.name if parent is not None else path,
                flags | (os.O_DIRECTORY if directory else os.O_NONBLOCK),
                dir_fd=parent,
            )
        finally:
            if parent is not None:
                os.close(parent)
    except OSError:  # ELOOP: a symbolic link; ENOENT: gone
        return False
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & mode)
    finally:
        os.close(fd)
    return True
