"""`stretchtui sync`: one record across machines, through a folder another tool keeps the same
(Syncthing, a git repository, rsync over SSH). The work is in `stretchtui.store.sync`; the format
and the rules are in docs/sync.md."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, action_word, opened_store, print_json
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from stretchtui.core.sync_status import RoundReport


def _sync_arguments(parser: Parser) -> None:
    action_word(
        parser,
        "action",
        ("init", "leave"),
        "init FOLDER: make or join a sync folder; leave: stop syncing (nothing is deleted); none: run one round",
    )
    parser.add_argument("folder", metavar="FOLDER", nargs="?", help="init: the sync folder")
    parser.add_argument(
        "--name", metavar="NAME", help="init: this machine's name in the folder (default: its host name)"
    )
    parser.add_argument("--status", action="store_true", help="show the devices and what waits, without syncing")
    parser.add_argument("--json", action="store_true", help="with --status: as JSON")


def cmd_sync(args: argparse.Namespace) -> int:
    if args.action == "init":
        if not args.folder:
            raise CliError("sync init: which folder? e.g. stretchtui sync init ~/Sync/stretchtui")
        if args.status or args.json:
            raise CliError("--status and --json do not go with `sync init`")
        return _init(args)
    if args.folder:
        raise CliError(
            f"a folder goes with `sync init`, not {'`sync ' + args.action + '`' if args.action else '`sync`'}"
        )
    if args.name:
        raise CliError("--name goes with `sync init`")
    if args.json and not args.status:
        raise CliError("--json goes with `sync --status`")
    if args.action == "leave":
        if args.status:
            raise CliError("--status does not go with `sync leave`")
        with opened_store(args, must_exist=True) as store:
            config = store.sync.leave()
        print(f"This database no longer syncs through {config.folder}. Its files there stay, for the other machines.")
        return 0
    if args.status:
        return _status(args)
    with opened_store(args, must_exist=True) as store:
        report = store.sync.run_round()
    return _said(report)


def _said(report: RoundReport) -> int:
    """A round's first line on stdout, each problem on stderr; 1 when something was refused."""
    lines = report.lines()
    print(lines[0])
    for line in lines[1:]:
        print(f"stretchtui: {line}", file=sys.stderr)
    return 1 if report.refused else 0


def _init(args: argparse.Namespace) -> int:
    from stretchtui.store.sync_folder import SyncFolder

    name = args.name
    if name is not None and (not name.strip() or len(name) > 60 or any(not c.isprintable() for c in name)):
        raise CliError("--name: 1 to 60 printable characters")
    SyncFolder(Path(args.folder).expanduser()).check_joinable()  # before a database is made for it
    with opened_store(args) as store:
        config, made = store.sync.join(Path(args.folder), name and name.strip())
        print(
            f"{'Made' if made else 'Joined'} the sync folder {config.folder} as {config.name!r}. "
            "Keep it the same on your machines with Syncthing, git or rsync (README: Several machines)."
        )
        if (gone := _vanishes(config.folder)) is not None:
            print(f"Note: {gone}.")  # stdout: a word of advice, not a failure
        report = store.sync.run_round()
    return _said(report)


def _vanishes(folder: Path) -> str | None:
    """A folder on a file system held in memory (tmpfs: /dev/shm, often /tmp) is gone at the next
    start; the other machines keep what was sent, but this one would have to join again."""
    from stretchtui.store.mounts import filesystem_type

    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    kind = filesystem_type(folder, mounts)
    if kind not in ("tmpfs", "ramfs"):
        return None
    return f"{folder} is on {kind}, kept in memory: it is gone when this machine restarts (a folder on disk is safer)"


def _status(args: argparse.Namespace) -> int:
    from stretchtui.core.vocabulary import plural

    with opened_store(args, reads_only=True, must_exist=True) as store:
        status = store.sync.status()
    now = args.clock.now()
    if args.json:
        print_json(
            {
                "folder": str(status.config.folder),
                "device": {"id": status.config.device, "name": status.config.name},
                "last_round": status.last_round,
                "unsent": status.unsent,
                "devices": [
                    {
                        "id": d.device,
                        "name": d.name,
                        "last_round": d.last_round,
                        "unread": d.unread,
                        "last_changes_in": d.changes_in,
                        "last_changes_at": d.changes_at,
                    }
                    for d in status.devices
                ],
                "problems": status.problems,
            }
        )
        return 0
    print(
        f"Syncing through {status.config.folder} as {status.config.name!r}; last round {_ago(status.last_round, now)}."
    )
    print(f"  here: {plural(status.unsent, 'change')} not sent yet")
    for device in status.devices:
        print(
            f"  {device.name}: last round {_ago(device.last_round, now)}; "
            f"{plural(device.unread, 'change')} not taken yet"
        )
    if not status.devices:
        print("  no other machine has joined yet")
    if status.problems:  # part of the answer (what waits, and why), so on stdout
        print("Needs a look:")
        for line in dict.fromkeys(status.problems):
            print(f"  {line}")
    return 0


def _ago(when: str | None, now: datetime) -> str:
    from stretchtui.core.sync_clock import ago

    if when is None:
        return "never"
    try:
        return ago(datetime.fromisoformat(when), now)
    except ValueError:
        return "unknown"


COMMANDS = (
    Command(
        "sync",
        "one record across your machines, through a synced folder",
        "Keep one record on several machines through a folder that Syncthing, Dropbox, git or rsync keeps "
        "the same. `sync init FOLDER [--name NAME]` makes or joins it; `sync` runs one round (what this "
        "machine changed goes out, what the others changed comes in); `sync --status [--json]` shows the "
        "machines and what waits; `sync leave` stops. No server: see docs/sync.md.",
        cmd_sync,
        _sync_arguments,
    ),
)
