"""Installing, removing and reading the daily reminder in the system's scheduler, for `stretchtui
remind`: a systemd user timer where a systemd user manager runs, else one marked crontab line; on
a machine with neither (a container, CI) the timer's unit files are written, not active, with the
command that would enable them. There is only ever one reminder: setting a new time replaces it.

The text is core.schedule's. Every program (systemctl, crontab) runs through one `Runner` with a
timeout, so tests give fakes; nothing here ever waits on a terminal.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from stretchtui.core.notify import Completed, Runner, Which
from stretchtui.core.schedule import (
    SERVICE_NAME,
    TIMER_NAME,
    Reminder,
    cron_line,
    crontab_with,
    our_cron_line,
    reminder_from_cron_line,
    reminder_from_timer,
    service_text,
    timer_text,
)

TIMEOUT_SECONDS = 15.0
MANAGER_UP = ("running", "degraded", "starting", "initializing", "maintenance")
ENABLE_HINT = f"systemctl --user enable --now {TIMER_NAME}"
SYSTEMD_WHAT = "systemd user timer"
CRON_WHAT = "crontab"
NO_CRON_DAEMON = "installed, not active (in your crontab, but no cron daemon runs here: start cron to enable it)"
CRON_DAEMONS = frozenset({"cron", "crond", "cronie", "fcron", "dcron", "bcron-sched"})


def cron_daemon_running(proc: str = "/proc") -> bool:
    """Whether a cron daemon runs here, by its process name. Where processes cannot be listed (no
    /proc, as on macOS, where launchd starts cron when a crontab exists; or /proc showing only our
    own, hidepid) it is taken to run."""
    try:
        pids = [name for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return True
    if "1" not in pids:  # other users' processes hidden (hidepid): cron may run unseen
        return True
    for pid in pids:
        try:
            with open(os.path.join(proc, pid, "comm"), encoding="utf-8", errors="replace") as handle:
                if handle.read().strip() in CRON_DAEMONS:
                    return True
        except OSError:
            continue
    return False


class SchedulerError(Exception):
    """The scheduler refused or failed: one line, exit status 1."""


def run_process(argv: Sequence[str], *, input: str | None = None, env: Mapping[str, str] | None = None) -> Completed:
    """The real runner: output captured as text, a timeout, and no terminal (stdin is the input
    given, else nothing). A missing program is 127, one that did not answer in time 124."""
    try:
        done = subprocess.run(
            list(argv),
            input=input if input is not None else "",
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Completed(124, "", f"{argv[0]} did not answer in {TIMEOUT_SECONDS:g} s")
    except OSError as error:
        return Completed(127, "", f"{argv[0]}: {error.strerror or error}")
    return Completed(done.returncode, done.stdout, done.stderr)


@dataclass
class Host:
    """What the scheduler code touches of this machine: a runner, the environment, a lookup of
    programs on PATH."""

    run: Runner
    environ: Mapping[str, str]
    which: Which

    @property
    def home(self) -> Path:
        return Path(self.environ.get("HOME") or Path.home())

    @property
    def unit_dir(self) -> Path:
        """~/.config/systemd/user ($XDG_CONFIG_HOME when it is set to an absolute path)."""
        config = self.environ.get("XDG_CONFIG_HOME", "")
        base = Path(config) if os.path.isabs(config) else self.home / ".config"
        return base / "systemd" / "user"

    @property
    def timer_path(self) -> Path:
        return self.unit_dir / TIMER_NAME

    @property
    def service_path(self) -> Path:
        return self.unit_dir / SERVICE_NAME

    @property
    def wants_link(self) -> Path:
        """What `systemctl --user enable` makes (left behind if the units go while no manager runs)."""
        return self.unit_dir / "timers.target.wants" / TIMER_NAME

    def shown(self, path: Path) -> str:
        """A path as messages write it: under the home folder, with `~`."""
        try:
            return "~/" + str(path.relative_to(self.home))
        except ValueError:
            return str(path)

    def systemctl(self, *args: str) -> Completed:
        program = self.which("systemctl")
        if program is None:
            return Completed(127, "", "systemctl is not installed")
        return self.run([program, "--user", *args])

    def systemd_running(self) -> bool:
        """A systemd user manager answers here: `systemctl --user is-system-running` says it runs
        (degraded counts: one failed unit elsewhere), or its private socket is there."""
        if self.which("systemctl") is None:
            return False
        state = self.systemctl("is-system-running").stdout.strip()
        if state in MANAGER_UP:
            return True
        runtime = self.environ.get("XDG_RUNTIME_DIR", "")
        return bool(runtime) and os.path.exists(os.path.join(runtime, "systemd", "private"))

    def cron_running(self) -> bool:
        return cron_daemon_running()

    def read_crontab(self) -> str | None:
        """This user's crontab ('' when there is none yet); None when crontab is missing or refuses
        this user (then there is no crontab to use)."""
        program = self.which("crontab")
        if program is None:
            return None
        done = self.run([program, "-l"])
        if done.returncode == 0:
            return done.stdout
        said = (done.stderr + done.stdout).lower()
        if "no crontab" in said or "can't open" in said or "does not exist" in said:
            return ""
        return None

    def write_crontab(self, text: str) -> None:
        program = self.which("crontab")
        if program is None:
            raise SchedulerError("crontab is not installed")
        done = self.run([program, "-"], input=text)
        if done.returncode != 0:
            raise SchedulerError(f"crontab did not take the new table ({first_line(done)}); it is unchanged")


class Found(NamedTuple):
    """One installed reminder, as --status shows it."""

    what: str  # SYSTEMD_WHAT or CRON_WHAT
    reminder: Reminder | None  # None: its schedule is not one we write (edited by hand?)
    active: bool


# ---------------------------------------------------------------------- install


def install(host: Host, reminder: Reminder, program: Sequence[str], db_path: str) -> str:
    """Install the reminder (replacing any earlier one) and say how, in one line. SchedulerError
    when the scheduler failed (the unit files may be written: the message says what to run)."""
    if host.systemd_running():
        _write_units(host, reminder, program, db_path)
        for args in (("daemon-reload",), ("enable", TIMER_NAME), ("restart", TIMER_NAME)):
            done = host.systemctl(*args)
            if done.returncode != 0:
                raise SchedulerError(
                    f"{reminder.describe()}: written to {host.shown(host.timer_path)}, but "
                    f"`systemctl --user {' '.join(args)}` failed: {first_line(done)}; run: {ENABLE_HINT}"
                )
        said = f"{reminder.describe()}: active ({SYSTEMD_WHAT} {TIMER_NAME})"
        try:
            _remove_cron_line(host)  # an earlier reminder in the crontab: never two
        except SchedulerError as error:
            raise SchedulerError(f"{said}, but the earlier crontab line is still there: {error}") from None
        return said
    crontab = host.read_crontab()
    if crontab is not None:
        host.write_crontab(crontab_with(crontab, cron_line(reminder, program, db_path)))
        _remove_unit_files(host)
        if not host.cron_running():
            return f"{reminder.describe()}: {NO_CRON_DAEMON}"
        return f"{reminder.describe()}: active ({CRON_WHAT})"
    _write_units(host, reminder, program, db_path)
    return (
        f"{reminder.describe()}: written to {host.shown(host.timer_path)} but not active: no systemd user "
        f"manager or crontab here; where one runs: {ENABLE_HINT}"
    )


def _write_units(host: Host, reminder: Reminder, program: Sequence[str], db_path: str) -> None:
    """Both unit files, each replaced whole (a half-written unit is never read); the folders made
    are 0700."""
    from stretchtui.store.private_files import make_private_dirs, write_private

    service, timer = service_text(program, db_path), timer_text(reminder)  # before anything is written
    make_private_dirs(host.unit_dir)
    for path, text in ((host.service_path, service), (host.timer_path, timer)):
        write_private(path, partial(_write_text, text))


def _write_text(text: str, handle: IO[str]) -> None:
    handle.write(text)


# ---------------------------------------------------------------------- remove


def remove(host: Host) -> str:
    """Remove the reminder wherever it is; says what was removed. Nothing there is not an error."""
    removed = []
    if host.timer_path.exists() or host.service_path.exists() or host.wants_link.is_symlink():
        if host.systemd_running():
            host.systemctl("disable", "--now", TIMER_NAME)  # a unit no longer known fails: removed below anyway
            _remove_unit_files(host)
            host.systemctl("daemon-reload")
        else:
            _remove_unit_files(host)
        removed.append(SYSTEMD_WHAT)
    if _remove_cron_line(host):
        removed.append(CRON_WHAT)
    if not removed:
        return "no daily reminder to remove"
    return f"daily reminder removed ({', '.join(removed)})"


def _remove_unit_files(host: Host) -> None:
    for path in (host.timer_path, host.service_path):
        path.unlink(missing_ok=True)
    link = host.wants_link
    if link.is_symlink():
        link.unlink()


def _remove_cron_line(host: Host) -> bool:
    """Take our line out of the crontab, every other line kept; True when there was one."""
    crontab = host.read_crontab()
    if not crontab or our_cron_line(crontab) is None:
        return False
    host.write_crontab(crontab_with(crontab, None))
    return True


# ---------------------------------------------------------------------- status


def installed(host: Host) -> list[Found]:
    """Every reminder installed here (one, unless someone copied our line by hand)."""
    found = []
    if host.timer_path.exists():
        try:
            reminder = reminder_from_timer(host.timer_path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            reminder = None
        active = host.systemd_running() and host.systemctl("is-active", TIMER_NAME).stdout.strip() == "active"
        found.append(Found(SYSTEMD_WHAT, reminder, active))
    crontab = host.read_crontab()
    line = our_cron_line(crontab) if crontab else None
    if line is not None:
        found.append(Found(CRON_WHAT, reminder_from_cron_line(line), host.cron_running()))
    return found


def status_lines(host: Host) -> list[str]:
    """'daily reminder at 10:30, Mon-Fri: active (systemd user timer)', '...: installed, not
    active (...)', or 'no daily reminder'."""
    lines = []
    for found in installed(host):
        said = found.reminder.describe() if found.reminder is not None else "daily reminder (schedule edited by hand)"
        if found.active:
            lines.append(f"{said}: active ({found.what})")
        elif found.what == CRON_WHAT:
            lines.append(f"{said}: {NO_CRON_DAEMON}")
        else:
            lines.append(f"{said}: installed, not active ({host.shown(host.timer_path)}; to enable: {ENABLE_HINT})")
    return lines or ["no daily reminder"]


def first_line(done: Completed) -> str:
    from stretchtui.core.notify import clean

    lines = (done.stderr or done.stdout).strip().splitlines()
    return clean(lines[0])[:120] if lines else f"exit status {done.returncode}"
