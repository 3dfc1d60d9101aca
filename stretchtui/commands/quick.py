"""The quick path for what a shell prompt or a tmux status line runs every few seconds: `tick`,
`status` and `stats`, answered before the command line's parser, the store or even `datetime` are
imported. Anything it is not sure of it leaves to the full command (returns None): a form of the
command line it does not know, no cached answer for the database as it is now (store.status_cache),
a database given by no path it can resolve cheaply. Answers are the full command's, word for word:
the full command writes what this prints (`status_entry`), and both add the live parts (the break
prompt, a pending reminder) through `status_line`.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing costs `stretchtui tick` a third of its time
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

QUICK_COMMANDS = {
    "tick": ((), ("--notify",)),
    "status": ((), ("--ascii",), ("--json",)),
    "stats": ((), ("--json",)),
}
"""Each command the quick path answers, with the options it answers it for; and `tick --at VALUE`
(tmux's `#{client_activity}`, POSIX seconds)."""


def run(argv: Sequence[str], now: float, environ: Mapping[str, str]) -> int | None:
    """The exit status when answered here, None when the full command must answer."""
    db_arg, rest = _split_db(list(argv))
    word, options = (rest[0], rest[1:]) if rest else ("", [])
    at = None
    if word == "tick" and len(options) >= 2 and options[0] == "--at":
        at, options = options[1], options[2:]
    if word not in QUICK_COMMANDS or tuple(options) not in QUICK_COMMANDS[word]:
        return None
    db_path = quick_db_path(db_arg, environ)
    if word == "tick":
        from stretchtui.store.ticks import append_tick, tick_at

        when = tick_at(at, now)
        if db_path is None or when is None:
            return None  # the full command says what is wrong with the value, in one line
        try:
            append_tick(db_path, when)
        except OSError:
            return None  # the full command says what is wrong, in one line
        if options:  # --notify
            check_break_soon(db_path, now, environ)
        return 0
    from stretchtui.store import status_cache

    if db_path is None:
        db_path = _default_path_cached(environ)
        if db_path is None:
            return None
    key = status_cache.fingerprint(db_path)
    entry = None if key is None else status_cache.load(db_path, key + [zone_source(environ)], now)
    if entry is None:
        return None
    if word == "stats":
        sys.stdout.write(entry["stats_json_text" if options else "stats_text"])
        return 0
    if options == ["--json"]:
        if "status_json_text" not in entry:  # kept only once a `status --json` worked it out
            return None
        sys.stdout.write(entry["status_json_text"])
        return 0
    from stretchtui.core.can_encode import can_encode

    ascii_only = bool(options) or not can_encode(entry["status"]["unicode"]["needs"], sys.stdout.encoding)
    sys.stdout.write(status_line(entry, now, ascii_only=ascii_only, db_path=db_path) + "\n")
    return 0


def status_line(entry: Mapping[str, Any], now: float, *, ascii_only: bool, db_path: str) -> str:
    """The status line from a status entry: the streak part, then a break prompt when one is due
    and a pending reminder (store.pending_nudge), each after the glyph set's separator."""
    from stretchtui.core import activity
    from stretchtui.store.pending_nudge import SYNC_SUFFIX
    from stretchtui.store.pending_nudge import read_pending_short as _pending_nudge
    from stretchtui.store.ticks import recent_ticks_text

    glyphs = entry["status"]["ascii" if ascii_only else "unicode"]
    parts = [glyphs["line"]]
    breaks = entry["breaks"]
    if breaks["after"]:
        spans = [tuple(breaks["last_span"])] if breaks["last_span"] else []
        spans += activity.spans_from_ticks(activity.parse_ticks(recent_ticks_text(db_path)))
        due = activity.break_due_minutes(
            activity.merge_spans(spans), now, breaks["after"], breaks["since"], breaks["postponed_until"]
        )
        if due is not None:
            parts.append(f"break? {due}m at the desk")
    nudge = _pending_nudge(db_path, now)
    if nudge and entry["remind_instead"] is not None:  # what the reminder would say now
        nudge = entry["remind_instead"]
    if nudge:
        parts.append(nudge)
    if synced := _pending_nudge(db_path, now, SYNC_SUFFIX):
        parts.append(synced)
    return glyphs["separator"].join(parts)


CHECK_EVERY = 300  # seconds between two background break checks a tick starts


def check_break_soon(db_path: str, now: float, environ: Mapping[str, str]) -> None:
    """Start `stretchtui break --notify` in the background, unless one was started in the last
    CHECK_EVERY seconds: the tick itself returns at once and opens no database."""
    from stretchtui.store.status_cache import break_checked_path

    marker = break_checked_path(db_path, environ)
    try:
        if now - os.stat(marker).st_mtime < CHECK_EVERY:
            return
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(marker), mode=0o700, exist_ok=True)
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
        os.utime(marker, (now, now))
        devnull = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
        argv = [sys.executable, "-P", "-m", "stretchtui", "--db", db_path, "break", "--notify"]  # -P: see hook_program
        os.posix_spawn(sys.executable, argv, dict(environ), file_actions=devnull, setsid=True)
    except OSError:
        pass  # no notification this time; the status line still shows the break


def zone_source(environ: Mapping[str, str]) -> str:
    """What decides the machine's zone (core.clock.local_zone_name reads the same two things),
    without importing zoneinfo: an entry made in another zone does not hold."""
    try:
        localtime = os.path.realpath("/etc/localtime")
    except OSError:
        localtime = ""
    return f"{environ.get('TZ', '')}|{localtime}"


def quick_db_path(db_arg: str | None, environ: Mapping[str, str]) -> str | None:
    """The database --db or $STRETCHTUI_DB names, made absolute as store.location does; None when
    neither does (the default place needs platformdirs, which costs more than the whole answer)."""
    chosen = db_arg or environ.get("STRETCHTUI_DB") or None
    if chosen is None:
        return None
    return os.path.abspath(os.path.expanduser(chosen))


def default_path_inputs(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the default database's place depends on (platformdirs reads these)."""
    return {name: environ.get(name, "") for name in ("HOME", "XDG_DATA_HOME")}


def _default_path_cached(environ: Mapping[str, str]) -> str | None:
    """Where the default database was when the full command last wrote an entry for it, if the
    environment it was worked out from is the same now (otherwise None: the full command asks
    platformdirs). The pointer is one line in the user's cache folder."""
    try:
        with open(default_pointer_path(environ), encoding="utf-8") as handle:
            inputs, path = handle.read().split("\n", 1)
    except (OSError, ValueError):
        return None
    return path if inputs == repr(sorted(default_path_inputs(environ).items())) else None


def default_pointer_path(environ: Mapping[str, str]) -> str:
    from stretchtui.store.status_cache import cache_dir

    return os.path.join(cache_dir(environ), "default-db")


def remember_default_path(db_path: str, environ: Mapping[str, str]) -> None:
    """Note where the default database is, for _default_path_cached (a failure only costs speed)."""
    pointer = default_pointer_path(environ)
    text = f"{sorted(default_path_inputs(environ).items())!r}\n{db_path}"
    try:
        with open(pointer, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(pointer), mode=0o700, exist_ok=True)
        temporary = f"{pointer}.{os.getpid()}.tmp"  # replaced whole: a reader never sees half
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, pointer)
    except OSError:
        pass


def _split_db(argv: list[str]) -> tuple[str | None, list[str]]:
    """(--db's value, the rest) for `--db PATH` or `--db=PATH` first; the rest unchanged otherwise."""
    if argv[:1] == ["--db"] and len(argv) > 1:
        return argv[1], argv[2:]
    if argv and argv[0].startswith("--db="):
        return argv[0][5:], argv[1:]
    return None, argv
