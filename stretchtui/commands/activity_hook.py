"""`stretchtui activity install` and `activity off`: the hook that runs `stretchtui tick` at each
prompt (or each tmux status redraw), put into and taken out of a person's own start-up files.

Apart from commands.activity (the commands, what was measured, breaks) because this is all about
editing someone else's files with care: every other byte kept, line endings, links, modes and
owners too, a read-only file refused, and a running tmux told. The snippets themselves are
core.activity_hooks'.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtui.commands.common import CliError, opened_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from stretchtui.core.activity_hooks import Shell

HOOK_CODE = "import sys; from stretchtui.cli import main; sys.exit(main())"


def hook_program() -> list[str]:
    """How a hook runs stretchtui at every prompt: this interpreter with the console script's two
    lines as -c code, not the script itself. An older pip writes a script that imports `re` first:
    5 ms more on every prompt (1.7 x `python -c pass` instead of 1.1 x, `python -m bench`)."""
    return [os.path.abspath(sys.executable), "-P", "-c", HOOK_CODE]  # -P: not from the folder you are in


def _home() -> Path:
    return Path(os.environ.get("HOME") or os.path.expanduser("~"))


def hook_files() -> dict[str, Path]:
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


def install(args: argparse.Namespace) -> int:
    from stretchtui.core import activity_hooks as hooks
    from stretchtui.store.location import resolve_db_path

    program = shlex.join(hook_program())
    db_path = str(resolve_db_path(args.db))
    if args.tmux:
        try:
            block = hooks.tmux_snippet(program, db_path, notify=args.notify)
        except hooks.TmuxCannotCarry as error:
            raise CliError(f"--tmux: {error}; the shell hook can (--shell)") from None
        where = hook_files()["tmux"]
    else:
        shell = _chosen_shell(args)
        where, block = hook_files()[shell.value], hooks.shell_snippet(shell, program, db_path, notify=args.notify)
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


def remove() -> int:
    from stretchtui.core.activity_hooks import has_block, without_block

    removed = []
    for where in hook_files().values():
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
