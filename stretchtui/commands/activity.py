"""`stretchtui tick`, `activity` and `break`: measured sitting and break nudges.

`tick` is what a shell prompt or tmux hook runs (commands.quick answers it before anything else is
imported); `activity install` puts that hook in place, `activity off` takes it out, `activity`
alone shows what was measured. `break` answers a break the status line offers: taken, later or
skipped, counted in History; `break --notify` is what a tick starts when notifications are on.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, Parser, opened_store
from stretchtui.commands.registry import Command

if TYPE_CHECKING:
    from collections.abc import Callable

    from stretchtui.core.activity_hooks import Shell
    from stretchtui.core.notify import Notice
    from stretchtui.store.store import Store

# ---------------------------------------------------------------------- tick


def _tick_arguments(parser: Parser) -> None:
    parser.add_argument(
        "--at",
        metavar="SECONDS",
        help="the instant to note, in POSIX seconds (tmux's #{client_activity}); default now",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="also check, at most every 5 minutes and in the background, whether a break is due, "
        "and notify (stretchtui break --notify)",
    )


def cmd_tick(args: argparse.Namespace) -> int:
    """The full command, for what the quick path leaves (the default database's place, a bad
    --at): the same one line appended."""
    from stretchtui.store.location import resolve_db_path
    from stretchtui.store.ticks import append_tick, tick_at

    now = args.clock.now().timestamp()
    when = tick_at(args.at, now)
    if when is None:
        raise CliError(f"--at: {args.at!r} is not an instant in POSIX seconds between 2000 and now")
    db_path = resolve_db_path(args.db)
    try:
        append_tick(db_path, when)
    except FileNotFoundError:  # as every command says of a missing database (exit 1)
        from stretchtui.store.files import StoreError

        start = "stretchtui activity install starts one"
        raise StoreError(f"no database at {db_path}; no tick was noted ({start})") from None
    except OSError as error:
        raise CliError(f"cannot note the tick beside {db_path}: {error.strerror or error}") from None
    if args.notify:
        from stretchtui.commands.quick import check_break_soon

        check_break_soon(str(db_path), now, os.environ)
    return 0


# ---------------------------------------------------------------------- activity


def _activity_arguments(parser: Parser) -> None:
    parser.add_argument(
        "action",
        metavar="ACTION",
        nargs="?",
        choices=("status", "install", "off"),
        default="status",
        help="status (default): what was measured; install: add the hook; off: remove it",
    )
    parser.add_argument("--shell", choices=("bash", "zsh", "fish"), help="install: the shell (default: from $SHELL)")
    parser.add_argument("--tmux", action="store_true", help="install: the tmux hook instead of a shell's")
    parser.add_argument("--print", action="store_true", help="install: print the snippet instead of adding it")
    parser.add_argument(
        "--notify",
        action="store_true",
        help="install: also notify (desktop, tmux, terminal) when a break is due, not only in the status line",
    )


HOOK_CODE = "import sys; from stretchtui.cli import main; sys.exit(main())"


def hook_program() -> list[str]:
    """How a hook runs stretchtui at every prompt: this interpreter with the console script's two
    lines as -c code, not the script itself. An older pip writes a script that imports `re` first:
    5 ms more on every prompt (1.7 x `python -c pass` instead of 1.1 x, `python -m bench`)."""
    return [os.path.abspath(sys.executable), "-P", "-c", HOOK_CODE]  # -P: not from the folder you are in


def _home() -> Path:
    return Path(os.environ.get("HOME") or os.path.expanduser("~"))


def _hook_files() -> dict[str, Path]:
    """Every file a hook may be in: each shell's start-up file and tmux's."""
    from stretchtui.core.activity_hooks import Shell, rc_file

    home = _home()
    files = {shell.value: Path(rc_file(shell, str(home), os.environ)) for shell in Shell}
    xdg_tmux = home / ".config" / "tmux" / "tmux.conf"
    files["tmux"] = xdg_tmux if xdg_tmux.exists() and not (home / ".tmux.conf").exists() else home / ".tmux.conf"
    return files


def _chosen_shell(args: argparse.Namespace) -> Shell:
    from stretchtui.core.activity_hooks import Shell

    name = args.shell or os.path.basename(os.environ.get("SHELL", ""))
    try:
        return Shell(name)
    except ValueError:
        raise CliError(f"--shell: say which shell (bash, zsh or fish); $SHELL is {name or 'not set'}") from None


def cmd_activity(args: argparse.Namespace) -> int:
    if args.action != "install" and (args.shell or args.tmux or args.print or args.notify):
        raise CliError("--shell, --tmux, --print and --notify go with `activity install`")
    if args.shell and args.tmux:
        raise CliError("--shell or --tmux: one hook at a time (run install once for each)")
    if args.action == "install":
        return _install(args)
    if args.action == "off":
        return _off()
    return _status(args)


def _install(args: argparse.Namespace) -> int:
    from stretchtui.core import activity_hooks as hooks
    from stretchtui.store.location import resolve_db_path

    program = shlex.join(hook_program())
    db_path = str(resolve_db_path(args.db))
    if args.tmux:
        try:
            block = hooks.tmux_snippet(program, db_path, notify=args.notify)
        except hooks.TmuxCannotCarry as error:
            raise CliError(f"--tmux: {error}; the shell hook can (--shell)") from None
        where = _hook_files()["tmux"]
    else:
        shell = _chosen_shell(args)
        where, block = _hook_files()[shell.value], hooks.shell_snippet(shell, program, db_path, notify=args.notify)
    if args.print:
        print(block, end="")
        if not os.path.lexists(db_path):
            print(f"stretchtui: no database at {db_path} yet: ticks count once it exists", file=sys.stderr)
        return 0
    with opened_store(args):  # the hook ticks for this database: start it now, as `log` would
        pass
    _rewrite(where, lambda text: hooks.with_block(text, block))
    again = "tmux source-file " + shlex.quote(str(where)) if args.tmux else "open a new shell"
    when = "each time tmux redraws its status line" if args.tmux else "at each prompt"
    print(f"activity hook added to {where}: {again} to start. It notes the time {when}, nothing else.")
    print("What it measures: stretchtui activity. Remove it: stretchtui activity off.")
    return 0


def _off() -> int:
    from stretchtui.core.activity_hooks import has_block, without_block

    removed = []
    for where in _hook_files().values():
        try:
            text = where.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            continue
        if has_block(text):
            _rewrite(where, without_block)
            removed.append(str(where))
    print(f"activity hook removed from {', '.join(removed)}" if removed else "no activity hook was installed")
    if _stop_in_running_tmux():
        print("tmux: the running server stopped ticking too")
    return 0


def _stop_in_running_tmux() -> bool:
    """Empty the tick job's option in the tmux server this terminal reaches, if one runs (the file
    is read only at start or on source-file): True when one took it."""
    import shutil
    import subprocess

    from stretchtui.core.activity_hooks import TMUX_OPTION

    tmux = shutil.which("tmux")
    if tmux is None:
        return False

    def run(*argv: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run([tmux, *argv], capture_output=True, text=True, timeout=5, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return None

    shown = run("show-options", "-gqv", TMUX_OPTION)  # no server, or none set: nothing to stop
    if shown is None or shown.returncode != 0 or not shown.stdout.strip():
        return False
    done = run("set-option", "-gu", TMUX_OPTION)
    return done is not None and done.returncode == 0


def _rewrite(where: Path, change: Callable[[str], str]) -> None:
    """Change a person's own start-up file to `change` of it, every other byte as it was (line
    endings too): replaced whole (a temporary file renamed over it, with the mode and, where
    allowed, the owner kept), or written in place when it has other hard links, which a rename
    would part. A file its owner made read-only is refused, and a symbolic link's target is what
    changes, never the link."""
    from stretchtui.store.private_files import temp_name

    target = where.resolve() if where.is_symlink() else where
    try:
        raw = target.read_bytes()
        info = target.stat()
    except FileNotFoundError:
        raw, info = b"", None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{where} is not UTF-8 text: add the hook by hand (activity install --print)") from None
    if info is not None and (not info.st_mode & 0o222 or not os.access(target, os.W_OK)):  # root too
        raise CliError(f"{where} is read-only: add the hook by hand (activity install --print)")
    new = change(text).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if info is not None and info.st_nlink > 1:
        try:
            with open(target, "r+b") as handle:
                handle.write(new)
                handle.truncate()
                os.fsync(handle.fileno())
        except OSError as error:
            raise CliError(f"cannot write {where}: {error.strerror or error}") from None
        return
    temporary = target.with_name(temp_name(target.name))
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644 if info is None else info.st_mode & 0o777)
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except PermissionError:
                pass  # only root may give a file away; a file owned by another is then left as ours
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CliError(f"cannot write {where}: {error.strerror or error}") from None


def _status(args: argparse.Namespace) -> int:
    from stretchtui.core.activity_hooks import has_block
    from stretchtui.core.days import today
    from stretchtui.core.model import hours_label
    from stretchtui.core.vocabulary import plural
    from stretchtui.store.day_summary import day_start_from

    with opened_store(args, must_exist=True) as store:  # folding ticks writes: only where a database is
        store.activity.fold_ticks()
        settings = store.settings.read()
        current = today(args.clock, day_start_from(settings))
        sitting = store.activity.sitting_by_day(current, current).get(current)
        due = store.activity.break_due(args.clock.now().timestamp())
        counts = store.activity.break_counts(current.fromordinal(current.toordinal() - 6), current)
    hooked = []
    for name, where in _hook_files().items():
        try:
            if has_block(where.read_text(encoding="utf-8")):
                hooked.append(f"{name} ({where})")
        except (OSError, UnicodeDecodeError):
            continue
    print(f"Activity hook: {', '.join(hooked) if hooked else 'off (stretchtui activity install adds it)'}")
    print(f"Measured at the terminal today: {hours_label(sitting) if sitting else 'nothing yet'}")
    after = int(settings["break_after_minutes"])
    if not after:
        print("Break nudges: off (break_after_minutes is 0)")
    else:
        every = plural(after, "minute")
        print(f"Break nudges: after {every} without a break" + (f"; one is due now ({due.minutes} min)" if due else ""))
    print(f"Breaks in the last 7 days: {counts.in_words()}")
    return 0


# ---------------------------------------------------------------------- break


def _break_arguments(parser: Parser) -> None:
    parser.add_argument(
        "answer",
        metavar="ANSWER",
        nargs="?",
        choices=("take", "later", "skip"),
        help="take: you had one (stretched, or got up); later: ask again in 10 minutes; skip: not this time",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="instead: notify now if a break is due (what a tick with --notify starts); once per stretch",
    )


def cmd_break(args: argparse.Namespace) -> int:
    from stretchtui.core.activity import POSTPONE_SECONDS
    from stretchtui.core.breaks import BreakKind

    if args.notify == (args.answer is not None):
        raise CliError("say take, later or skip (or --notify alone)")
    if args.notify:
        return _notify_if_due(args)
    kind = {"take": BreakKind.TAKEN, "later": BreakKind.POSTPONED, "skip": BreakKind.SKIPPED}[args.answer]
    with opened_store(args, must_exist=True) as store:
        due = store.activity.break_due(args.clock.now().timestamp(), even_if_put_off=kind is not BreakKind.POSTPONED)
        if due is None:  # counted only when one was offered: History's shares stay true
            print("No break is due now; nothing noted. Five minutes away from the keyboard starts the count again.")
            return 0
        store.activity.record_break(kind)
        offer = _break_offer(store)
    said = {
        BreakKind.TAKEN: f"Break noted: the count starts again. {offer.body}",
        BreakKind.POSTPONED: f"Asked again in {POSTPONE_SECONDS // 60} minutes.",
        BreakKind.SKIPPED: "Skipped: the count starts again.",
    }
    print(said[kind])
    return 0


def _break_offer(store: Store, minutes: int | None = None) -> Notice:
    """What a break may offer today: a short routine only when today's suggestion would give one,
    and by name only one that suits the person and the day (commands.nudges.offer_for); otherwise
    standing up and moving gently, and getting checked when a warning sign is open."""
    from stretchtui.commands.nudges import offer_for
    from stretchtui.core.notify import break_notice
    from stretchtui.core.safety import State

    check = store.safety.safety_check()
    offer, routine_ok = offer_for(store, check)
    return break_notice(
        minutes, routine_ok=routine_ok, offer=offer, urgent=check.state is State.URGENT, red_flag=check.red_flag
    )


def _notify_if_due(args: argparse.Namespace) -> int:
    """Notify through every channel but the status line (it shows the prompt anyway), once for
    each stretch of activity and again when a "later" runs out; nothing when no break is due. A
    notification that reached no channel is tried again at the next check."""
    from stretchtui.commands.nudges import default_channels
    from stretchtui.core.notify import delivery_line, fan_out
    from stretchtui.store.status_cache import break_notified_path

    with opened_store(args, must_exist=True) as store:
        due = store.activity.break_due(args.clock.now().timestamp())
        notice = None if due is None else _break_offer(store, due.minutes)
        db_path = store.path
    if due is None or notice is None:
        print("no break due")
        return 0
    marker = Path(break_notified_path(db_path, os.environ))
    try:
        if marker.read_text(encoding="ascii") == due.stretch:
            print("a break is due; already notified for this stretch")
            return 0
    except (OSError, UnicodeDecodeError):
        pass
    channels = [channel for channel in default_channels(lambda text: None) if channel.name != "status line"]
    deliveries = fan_out(notice, channels)
    print(delivery_line(deliveries).replace("reminder", "break nudge"))
    if not any(delivery.delivered for delivery in deliveries):
        return 0
    try:
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="ascii") as out:
            out.write(due.stretch)
    except OSError:
        pass  # a second notification for this stretch, at worst
    return 0


COMMANDS = (
    Command(
        "tick",
        "note that the terminal is in use (what the activity hook runs)",
        "Note the time, and nothing else, for measured sitting: what the activity hook runs at each "
        "prompt (stretchtui activity install). Quick: it writes one line to a file beside the database.",
        cmd_tick,
        _tick_arguments,
    ),
    Command(
        "activity",
        "measured sitting: the activity hook, and what it measured",
        "Measured sitting. `activity install [--shell bash|zsh|fish] [--tmux] [--print]` adds a hook "
        "that notes the time at each prompt (nothing about the command); `activity off` removes it; "
        "`activity` shows today's estimate and your breaks. Off until you install it.",
        cmd_activity,
        _activity_arguments,
    ),
    Command(
        "break",
        "answer a break the status line offers: take, later or skip",
        "Answer the break the status line offers after a long stretch at the terminal: take (you had one), "
        "later (ask again in 10 minutes) or skip. History counts them. A session begun while a break is due "
        "counts as taking it.",
        cmd_break,
        _break_arguments,
    ),
)
