"""Which file system a path lies on, from /proc/mounts, and whether it is a network one (where
SQLite's locking and durability are unreliable): for `stretchtui doctor` and for the sync folder's
kind in `stretchtui sync`. Apart from the doctor because it checks nothing itself: it reads the
mount table.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "coda",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
    }
)


def network_filesystem(path: Path, mounts_text: str) -> str | None:
    """The file system type when `path` lies on a network file system (per /proc/mounts), else None."""
    found = filesystem_type(path, mounts_text)
    return found if found in NETWORK_FILESYSTEMS else None


def filesystem_type(path: Path, mounts_text: str) -> str | None:
    """The type of the file system `path` lies on (per /proc/mounts), None when none is listed."""
    target = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = unescape_mount(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # the longest (and, at equal length, the latest) mount wins
            best, best_type = point, fields[2]
    return best_type or None


def unescape_mount(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), field)
