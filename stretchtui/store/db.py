"""Opening the SQLite file safely: refuse what is not ours, create private files, set pragmas."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x53545455  # "STTU": marks a file as a stretchtui database
BUSY_TIMEOUT_SECONDS = 10
DIR_MODE = 0o700
FILE_MODE = 0o600


class StoreError(Exception):
    """The database cannot be used as asked; the message says why and what to do. Exit status 1."""

    exit_code = 1


@dataclass(frozen=True)
class FileInfo:
    """What the file header says, read without opening the file through SQLite."""

    exists: bool
    empty: bool = True
    user_version: int = 0
    application_id: int = 0


def inspect_file(path: Path) -> FileInfo:
    """Read the SQLite header (first 100 bytes); refuse anything that is not an SQLite file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return FileInfo(exists=False)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a directory, not a database file; give a file path with --db")
    if info.st_size == 0:
        return FileInfo(exists=True)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a stretchtui database (not an SQLite file); it was left untouched")
    return FileInfo(
        exists=True,
        empty=False,
        user_version=int.from_bytes(header[60:64], "big"),
        application_id=int.from_bytes(header[68:72], "big"),
    )


def ensure_private_file(path: Path, *, private_dir: bool) -> None:
    """Create the directory (0700) and an empty database file (0600) before SQLite touches it,
    so the -wal and -shm files SQLite creates next to it inherit the 0600 mode."""
    parent = path.parent
    try:
        if not parent.exists():
            parent.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(parent, DIR_MODE)  # mkdir's mode is filtered by the umask
        elif private_dir:
            os.chmod(parent, DIR_MODE)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
            os.close(fd)
        os.chmod(path, FILE_MODE)
    except OSError as error:
        raise StoreError(f"cannot create the database at {path}: {error.strerror}") from None


def connect(path: Path) -> SqliteDatabase:
    """A peewee database for `path` with the durability pragmas; each thread gets its own connection."""
    return SqliteDatabase(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "synchronous": "full",
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
        },
        timeout=BUSY_TIMEOUT_SECONDS,
        lock_type="IMMEDIATE",  # every transaction takes the write lock up front: no upgrade deadlocks
    )


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API into a 0600 file, atomically renamed."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, target)
