"""The activity hook's snippets: a shell prompt hook (bash, zsh, fish) and a tmux status hook, each
calling `stretchtui tick`, and the marked block they live in inside the user's own file.

The shell hooks run the tick in the background, so a prompt never waits for it, and pass nothing
about the command: a tick is a timestamp. The tmux hook passes tmux's own record of the client's
last key press (`#{client_activity}`) each time the status line is drawn, so typing in any pane
counts, with no keystroke seen by stretchtui. Pure text in, text out: commands.activity_hook reads
and writes the files.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from enum import StrEnum

BEGIN = "# >>> stretchtui activity hook >>>"
END = "# <<< stretchtui activity hook <<<"
NOTE = "# Notes the time (nothing else) at each prompt, for measured sitting. Remove: stretchtui activity off"


class Shell(StrEnum):
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


RC_FILES = {Shell.BASH: ".bashrc", Shell.ZSH: ".zshrc", Shell.FISH: "fish/conf.d/stretchtui.fish"}
"""Where each shell's snippet goes: bash's under HOME, zsh's under $ZDOTDIR (else HOME), fish's
under $XDG_CONFIG_HOME (else HOME/.config), where each shell looks (`rc_file`)."""


def rc_file(shell: Shell, home: str, environ: Mapping[str, str]) -> str:
    """The start-up file `shell` reads, as it finds it."""
    if shell is Shell.ZSH:
        folder = environ.get("ZDOTDIR") or home
    elif shell is Shell.FISH:
        folder = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    else:
        folder = home
    return os.path.join(folder, RC_FILES[shell])


def tick_command(program: str, db_path: str, *options: str) -> str:
    """`program`: how to run stretchtui, already quoted for a shell (shlex.join)."""
    return " ".join([program, "--db", shlex.quote(db_path), "tick", *options])


def shell_snippet(shell: Shell, program: str, db_path: str, *, notify: bool = False) -> str:
    """The marked block for `shell`'s start-up file (`notify`: a tick may check for a due break)."""
    tick = tick_command(program, db_path, *(["--notify"] if notify else []))
    if shell is Shell.BASH:
        body = (
            f"__stretchtui_tick() {{ ({tick} >/dev/null 2>&1 &); }}\n"
            'case ";${PROMPT_COMMAND:-};" in *";__stretchtui_tick;"*) ;; '
            '*) PROMPT_COMMAND="__stretchtui_tick${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;; esac'
        )
    elif shell is Shell.ZSH:
        body = (
            f"__stretchtui_tick() {{ ({tick} >/dev/null 2>&1 &) }}\n"
            "autoload -Uz add-zsh-hook && add-zsh-hook precmd __stretchtui_tick"
        )
    else:
        body = f"function __stretchtui_tick --on-event fish_prompt\n    {tick} >/dev/null 2>&1 &\n    disown\nend"
    return f"{BEGIN}\n{NOTE}\n{body}\n{END}\n"


class TmuxCannotCarry(ValueError):
    """A path tmux's status line cannot pass to a command whole."""


TMUX_OPTION = "@stretchtui-tick"
"""The tmux user option that holds the tick job: status-right only names it (#{E:...}), once however
often the file is sourced, and emptying it stops the ticks in a running server (`activity off`)."""


def tmux_snippet(program: str, db_path: str, *, notify: bool = False) -> str:
    """The marked block for tmux.conf: a job that ticks with the time of the client's last key press
    whenever tmux redraws the status line (every status-interval), kept in TMUX_OPTION and added to
    the right of the status line unless it is there already. tmux reads the job three times before
    a shell sees it: as a double-quoted string (\\ " $), as strftime (%) and as a format (#); each
    gets its own escape, so a path arrives whole, save one with brackets tmux would pair wrongly
    when it looks for the end of #(...), or with #[ (a style, which ## does not escape): those are
    TmuxCannotCarry."""
    for text in (program, db_path):
        if not _paired(text):
            raise TmuxCannotCarry(f"tmux cannot pass {text!r} to a command: its ( and ) do not pair up")
        if "#[" in text:
            raise TmuxCannotCarry(f"tmux cannot pass {text!r} to a command: it reads #[ as a style")
    literal = tick_command(program, db_path).replace("#", "##").replace("%", "%%")
    tick = " ".join([literal, "--at", "#{client_activity}", *(["--notify"] if notify else [])])
    quoted = tick.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    named = f"#{{E:{TMUX_OPTION}}}"
    return (
        f"{BEGIN}\n{NOTE}\n"
        f'set -g {TMUX_OPTION} "#({quoted})"\n'
        f'if -F "#{{m:*{TMUX_OPTION}*,#{{status-right}}}}" "" "set -ag status-right \'{named}\'"\n'
        f"{END}\n"
    )


def _paired(text: str) -> bool:
    """Whether tmux, counting ( and ) from the start of #(, finds its end after `text`."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def with_block(text: str, block: str) -> str:
    """`text` with our marked block replaced by `block` (added at the end when there is none)."""
    kept = without_block(text)
    return f"{kept}{chr(10) if kept and not kept.endswith(chr(10)) else ''}{block}"


def without_block(text: str) -> str:
    """`text` without our marked blocks (their lines, markers included); every other line as it
    was. Only a begin marker that an end marker closes starts a block: a stray begin marker (a block
    cut by hand) and the lines after it are kept, up to the begin marker of a whole block."""
    kept: list[str] = []
    pending: list[str] = []  # from a begin marker, until its end marker shows it was a block
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped == BEGIN:
            kept.extend(pending)
            pending = [line]
        elif pending:
            pending.append(line)
            if stripped == END:
                pending = []
        else:
            kept.append(line)
    return "".join(kept + pending)


def has_block(text: str) -> bool:
    return any(line.strip() == BEGIN for line in text.splitlines())
