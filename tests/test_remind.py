"""`stretchtui remind --at/--off/--status` (the daily reminder, in the system's scheduler): the time
and days typed, the exact systemd unit, timer and crontab text, and installing into a temporary
home with fake `systemctl` and `crontab` programs (each logs its arguments), never for real: with
a systemd user manager, with only crontab, and with neither (a container: written, not active)."""

from __future__ import annotations

import itertools
import os
import shutil
import stat
from pathlib import Path

import pytest

from stretchtui import cli
from stretchtui.commands import nudges, reminder_scheduler
from stretchtui.core import schedule
from stretchtui.core.schedule import (
    EVERY_DAY,
    Reminder,
    ScheduleError,
    cron_line,
    crontab_with,
    days_text,
    on_calendar,
    parse_days,
    parse_time,
    reminder_from_cron_line,
    reminder_from_timer,
    service_text,
    timer_text,
)

PROGRAM = ["/opt/stretch tui/bin/stretchtui"]  # a space: quoted in every text
DB = "/home/me/data/stretchtui.db"
MON_FRI = frozenset(range(5))

# ---------------------------------------------------------------------- the time and the days


@pytest.mark.parametrize(
    ("text", "expected"), [("10:30", (10, 30)), ("9:05", (9, 5)), ("00:00", (0, 0)), ("23:59", (23, 59))]
)
def test_times_of_day(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("25:00", "hours run from 00 to 23"),
        ("10:60", "minutes run from 00 to 59"),
        ("10.30", "write it with a colon: 10:30"),
        ("10h30", "write it with a colon: 10:30"),
        ("7pm", "use HH:MM on the 24-hour clock"),
        ("", "use HH:MM on the 24-hour clock"),
        ("1030", "use HH:MM on the 24-hour clock"),
    ],
)
def test_bad_times_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        parse_time(text)
    assert says in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon..Fri", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("Saturday, Sunday", {5, 6}),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon-wed,fri", {0, 1, 2, 4}),
        ("fri-mon", {4, 5, 6, 0}),  # a range may wrap past Sunday
        ("daily", set(range(7))),
        ("every day", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("tues", {1}),
    ],
)
def test_days(text: str, expected: set[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("mon-fry", "'fry'"),
        ("funday", "'funday'"),
        ("mon-tue-wed", "'mon-tue-wed'"),
        ("mon-", "'mon-'"),
        ("-fri", "'-fri'"),
    ],
)
def test_unknown_days_are_refused_by_name(text: str, bad: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        parse_days(text)
    assert str(refused.value).startswith(bad)


@pytest.mark.parametrize(
    ("days", "text", "calendar", "cron"),
    [
        (EVERY_DAY, "every day", "*-*-* 10:30:00", "*"),
        (MON_FRI, "Mon-Fri", "Mon..Fri *-*-* 10:30:00", "1-5"),
        (frozenset({5, 6}), "Sat, Sun", "Sat,Sun *-*-* 10:30:00", "0,6"),
        (frozenset({0, 2, 4}), "Mon, Wed, Fri", "Mon,Wed,Fri *-*-* 10:30:00", "1,3,5"),
        (frozenset({0, 1, 2, 4, 6}), "Mon-Wed, Fri, Sun", "Mon..Wed,Fri,Sun *-*-* 10:30:00", "0-3,5"),
    ],
)
def test_days_as_people_systemd_and_cron_read_them(days, text, calendar, cron) -> None:
    reminder = Reminder(10, 30, days)
    assert days_text(days) == text
    assert on_calendar(reminder) == calendar
    assert cron_line(reminder, ["/bin/st"], "/d.db").split()[4] == cron


def test_every_schedule_reads_back_from_its_timer_and_its_crontab_line() -> None:
    for size in range(1, 8):
        for days in itertools.combinations(range(7), size):
            reminder = Reminder(7, 5, frozenset(days))
            assert reminder_from_timer(timer_text(reminder)) == reminder
            assert reminder_from_cron_line(cron_line(reminder, PROGRAM, DB)) == reminder


# ---------------------------------------------------------------------- the texts, exactly


def test_service_and_timer_text() -> None:
    assert service_text(PROGRAM, DB) == (
        "# Written by `stretchtui remind`; `stretchtui remind --off` removes it.\n"
        "[Unit]\n"
        "Description=stretchtui daily stretch reminder\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        'ExecStart="/opt/stretch tui/bin/stretchtui" --db /home/me/data/stretchtui.db remind --send\n'
    )
    assert timer_text(Reminder(10, 30, MON_FRI)) == (
        "# Written by `stretchtui remind`; `stretchtui remind --off` removes it.\n"
        "[Unit]\n"
        "Description=stretchtui daily reminder at 10:30, Mon-Fri\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=Mon..Fri *-*-* 10:30:00\n"
        "Persistent=false\n"
        "Unit=stretchtui-remind.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def test_odd_characters_in_paths_are_quoted_for_systemd_and_for_cron() -> None:
    db = '/data/100% "mine"/$HOME\\x.db'
    exec_line = service_text(["/bin/stretchtui"], db).splitlines()[-1]
    assert exec_line == 'ExecStart=/bin/stretchtui --db "/data/100%% \\"mine\\"/$$HOME\\\\x.db" remind --send'
    line = cron_line(Reminder(10, 30, MON_FRI), ["/bin/stretchtui"], db)
    assert line == (
        "30 10 * * 1-5 /bin/stretchtui --db '/data/100\\% \"mine\"/$HOME\\x.db' remind --send >/dev/null"
        "  # stretchtui-remind"
    )
    with pytest.raises(ScheduleError):
        service_text(["/bin/stretchtui"], "/data/a\nb.db")


def test_the_crontab_line() -> None:
    assert cron_line(Reminder(10, 30, MON_FRI), PROGRAM, DB) == (
        "30 10 * * 1-5 '/opt/stretch tui/bin/stretchtui' --db /home/me/data/stretchtui.db remind --send"
        " >/dev/null  # stretchtui-remind"
    )


USER_CRONTAB = (
    "# my jobs\n"
    "MAILTO=me@example.org\n"
    "SHELL=/bin/bash\n"
    "0 * * * * backup.sh  # hourly\n"
    "#30 10 * * * old --send  # stretchtui-remind\n"  # a commented-out copy: the user's, kept
    "\n"
    "15 3 * * 0 weekly.sh"  # no newline at the end
)


def test_crontab_round_trip_keeps_every_other_line() -> None:
    ours = cron_line(Reminder(10, 30, MON_FRI), PROGRAM, DB)
    added = crontab_with(USER_CRONTAB, ours)
    assert added == USER_CRONTAB + "\n" + ours + "\n"  # the last line gets its newline
    later = cron_line(Reminder(18, 0, EVERY_DAY), PROGRAM, DB)
    moved = crontab_with(added, later)
    assert moved == USER_CRONTAB + "\n" + later + "\n"  # replaced in place, never two
    assert crontab_with(moved, None) == USER_CRONTAB + "\n"
    assert crontab_with("", None) == "" and crontab_with("", ours) == ours + "\n"
    # Our line in the middle is replaced where it is; a stray second copy is dropped.
    middle = f"a\n{ours}\nb\n{ours}\nc\n"
    assert crontab_with(middle, later) == f"a\n{later}\nb\nc\n"


# ---------------------------------------------------------------------- installing, with fakes


class FakeMachine:
    """A temporary home and a PATH holding only fake programs, which log each call's arguments.
    `systemctl` answers is-system-running with `state`; `crontab` keeps its table in a file."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir()
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "calls.log"
        self.table = root / "crontab.txt"
        self.enabled = root / "timer-enabled"
        self.state = root / "systemd-state"
        self.cat, self.rm, self.touch = (shutil.which(tool) for tool in ("cat", "rm", "touch"))  # before PATH
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(root / "run"))  # no systemd/private socket in it
        monkeypatch.setenv("PATH", str(self.bin))
        monkeypatch.setattr(nudges, "reminder_program", lambda: PROGRAM)
        self.cron_daemon = True
        monkeypatch.setattr(reminder_scheduler, "cron_daemon_running", lambda: self.cron_daemon)

    @property
    def unit_dir(self) -> Path:
        return self.home / ".config" / "systemd" / "user"

    def script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f'#!/bin/sh\necho "{name} $*" >> "{self.log}"\n{body}\n')
        path.chmod(0o755)

    def with_systemd(self, state: str = "running") -> None:
        self.state.write_text(state)
        self.script(
            "systemctl",
            f"""case "$2" in
  is-system-running) {self.cat} "{self.state}"; echo; exit 0 ;;
  is-active) if [ -e "{self.enabled}" ]; then echo active; else echo inactive; exit 3; fi ;;
  enable) {self.touch} "{self.enabled}" ;;
  disable) {self.rm} -f "{self.enabled}" ;;
esac
exit 0""",
        )

    def with_systemctl_offline(self) -> None:
        """What a container says: systemctl is there, no user manager answers."""
        self.script("systemctl", 'echo "Failed to connect to bus: No medium found" >&2; echo offline; exit 1')

    def with_crontab(self, table: str | None = None) -> None:
        if table is not None:
            self.table.write_text(table)
        self.script(
            "crontab",
            f"""case "$1" in
  -l) if [ -e "{self.table}" ]; then {self.cat} "{self.table}"; else echo "no crontab for me" >&2; exit 1; fi ;;
  -) {self.cat} > "{self.table}" ;;
esac""",
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeMachine:
    return FakeMachine(tmp_path, monkeypatch)


def remind(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", DB, "remind", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_with_a_systemd_user_manager_a_timer_is_installed_and_enabled(machine: FakeMachine, capsys) -> None:
    machine.with_systemd()
    code, out, err = remind(capsys, "--at", "10:30", "--days", "mon-fri")
    assert (code, err) == (0, "")
    assert out == "daily reminder at 10:30, Mon-Fri: active (systemd user timer stretchtui-remind.timer)\n"
    timer = machine.unit_dir / "stretchtui-remind.timer"
    service = machine.unit_dir / "stretchtui-remind.service"
    assert timer.read_text() == timer_text(Reminder(10, 30, MON_FRI))
    assert service.read_text() == service_text(PROGRAM, DB)
    assert stat.S_IMODE(timer.stat().st_mode) == 0o600
    assert stat.S_IMODE(machine.unit_dir.stat().st_mode) == 0o700
    assert machine.calls() == [
        "systemctl --user is-system-running",
        "systemctl --user daemon-reload",
        "systemctl --user enable stretchtui-remind.timer",
        "systemctl --user restart stretchtui-remind.timer",
    ]
    assert remind(capsys, "--status")[1] == "daily reminder at 10:30, Mon-Fri: active (systemd user timer)\n"

    # A new time replaces the timer (one reminder, never two), and --off takes it away for good.
    remind(capsys, "--at", "18:00")
    assert timer.read_text() == timer_text(Reminder(18, 0, EVERY_DAY))
    assert sorted(p.name for p in machine.unit_dir.iterdir()) == [
        "stretchtui-remind.service",
        "stretchtui-remind.timer",
    ]
    code, out, _ = remind(capsys, "--off")
    assert (code, out) == (0, "daily reminder removed (systemd user timer)\n")
    assert "systemctl --user disable --now stretchtui-remind.timer" in machine.calls()
    assert machine.calls()[-1] == "systemctl --user daemon-reload"
    assert not timer.exists() and not service.exists()
    assert remind(capsys, "--off")[1] == "no daily reminder to remove\n"
    assert remind(capsys, "--status")[1] == "no daily reminder\n"
    assert remind(capsys)[1] == "no daily reminder\n"  # no option: the status


def test_a_degraded_manager_still_runs_timers_and_xdg_config_home_is_respected(
    machine: FakeMachine, capsys, monkeypatch
) -> None:
    machine.with_systemd("degraded")
    config = machine.root / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert remind(capsys, "--at", "7:05")[0] == 0
    assert (config / "systemd" / "user" / "stretchtui-remind.timer").exists()
    assert not machine.unit_dir.exists()


def test_moving_to_systemd_takes_the_crontab_line_out(machine: FakeMachine, capsys) -> None:
    machine.with_crontab(USER_CRONTAB)
    remind(capsys, "--at", "10:30")
    machine.with_systemd()
    code, out, _ = remind(capsys, "--at", "11:00")
    assert code == 0 and "systemd user timer" in out
    assert machine.table.read_text() == USER_CRONTAB + "\n"
    assert remind(capsys, "--status")[1] == "daily reminder at 11:00, every day: active (systemd user timer)\n"


def test_with_only_crontab_one_marked_line_is_added_and_removed(machine: FakeMachine, capsys) -> None:
    machine.with_systemctl_offline()
    machine.with_crontab(USER_CRONTAB)
    code, out, err = remind(capsys, "--at", "10:30", "--days", "mon-fri")
    assert (code, out, err) == (0, "daily reminder at 10:30, Mon-Fri: active (crontab)\n", "")
    ours = cron_line(Reminder(10, 30, MON_FRI), PROGRAM, DB)
    assert machine.table.read_text() == USER_CRONTAB + "\n" + ours + "\n"
    assert "crontab -l" in machine.calls() and "crontab -" in machine.calls()
    assert not machine.unit_dir.exists()
    assert remind(capsys, "--status")[1] == "daily reminder at 10:30, Mon-Fri: active (crontab)\n"

    remind(capsys, "--at", "18:00", "--days", "sat,sun")
    later = cron_line(Reminder(18, 0, frozenset({5, 6})), PROGRAM, DB)
    assert machine.table.read_text() == USER_CRONTAB + "\n" + later + "\n"

    assert remind(capsys, "--off")[1] == "daily reminder removed (crontab)\n"
    assert machine.table.read_text() == USER_CRONTAB + "\n"
    written = machine.calls().count("crontab -")
    assert remind(capsys, "--off")[1] == "no daily reminder to remove\n"
    assert machine.calls().count("crontab -") == written  # nothing to remove: the table is not rewritten


def test_a_first_crontab_is_started_from_nothing(machine: FakeMachine, capsys) -> None:
    machine.with_crontab()  # "no crontab for me", exit 1
    assert remind(capsys, "--at", "06:00")[0] == 0
    assert machine.table.read_text() == cron_line(Reminder(6, 0, EVERY_DAY), PROGRAM, DB) + "\n"


def test_with_neither_the_units_are_written_not_active(machine: FakeMachine, capsys) -> None:
    machine.with_systemctl_offline()  # a container: systemctl answers, no manager; no crontab at all
    code, out, err = remind(capsys, "--at", "10:30", "--days", "mon-fri")
    assert code == 0 and err == ""
    assert out == (
        "daily reminder at 10:30, Mon-Fri: written to ~/.config/systemd/user/stretchtui-remind.timer but not "
        "active: no systemd user manager or crontab here; where one runs: "
        "systemctl --user enable --now stretchtui-remind.timer\n"
    )
    assert (machine.unit_dir / "stretchtui-remind.timer").read_text() == timer_text(Reminder(10, 30, MON_FRI))
    assert (machine.unit_dir / "stretchtui-remind.service").read_text() == service_text(PROGRAM, DB)
    assert not [call for call in machine.calls() if "enable" in call or "reload" in call]
    code, out, _ = remind(capsys, "--status")
    assert code == 0
    assert out.startswith("daily reminder at 10:30, Mon-Fri: installed, not active (")
    assert out.count("\n") == 1
    assert remind(capsys, "--off")[1] == "daily reminder removed (systemd user timer)\n"
    assert not any(machine.unit_dir.iterdir())
    assert remind(capsys, "--off")[1] == "no daily reminder to remove\n"


def test_with_no_systemctl_and_no_crontab_at_all(machine: FakeMachine, capsys) -> None:
    code, out, _ = remind(capsys, "--at", "21:15")
    assert code == 0 and "but not active" in out and out.count("\n") == 1
    assert machine.calls() == []


def test_a_crontab_that_refuses_the_table_is_one_line_and_exit_1(machine: FakeMachine, capsys) -> None:
    machine.with_crontab(USER_CRONTAB)
    machine.script(
        "crontab",
        f'case "$1" in -l) {machine.cat} "{machine.table}" ;; -) echo "crontab: no space left" >&2; exit 1 ;; esac',
    )
    code, out, err = remind(capsys, "--at", "10:30")
    assert (code, out) == (1, "")
    assert err == "stretchtui: crontab did not take the new table (crontab: no space left); it is unchanged\n"
    assert machine.table.read_text() == USER_CRONTAB


def test_a_failing_systemctl_says_what_to_run(machine: FakeMachine, capsys) -> None:
    machine.with_systemd()
    machine.script(
        "systemctl", 'case "$2" in is-system-running) echo running ;; *) echo "Access denied" >&2; exit 1 ;; esac'
    )
    code, out, err = remind(capsys, "--at", "10:30")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "`systemctl --user daemon-reload` failed: Access denied" in err
    assert err.rstrip().endswith("run: systemctl --user enable --now stretchtui-remind.timer")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--at", "25:00"], "argument --at: '25:00' is not a time of day; hours run from 00 to 23"),
        (["--at", "10.30"], "argument --at: '10.30' is not a time of day; write it with a colon: 10:30"),
        (["--at", "10:30", "--days", "mon-fry"], "argument --days: 'fry' is not a day of the week"),
        (["--at", "10:30", "--off"], "--at and --off do not go together"),
        (["--status", "--send"], "--status and --send do not go together"),
        (["--days", "mon-fri"], "--days goes with --at HH:MM"),
        (["--off", "--days", "mon"], "--days goes with --at HH:MM"),
        (["--at", "10:30\x1b[2J"], "ESC"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(machine: FakeMachine, capsys, args, says) -> None:
    machine.with_systemd()
    machine.with_crontab(USER_CRONTAB)
    code, out, err = remind(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("stretchtui: ") and says in err and err.count("\n") == 1
    assert machine.calls() == [] and not (machine.home / ".config").exists()
    assert machine.table.read_text() == USER_CRONTAB


def test_the_program_the_scheduler_runs_is_an_absolute_path(monkeypatch, tmp_path: Path) -> None:
    script = tmp_path / "bin" / "stretchtui"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["bin/stretchtui", "remind"])
    assert nudges.reminder_program() == [str(script)]
    monkeypatch.setattr("sys.argv", [str(Path(nudges.__file__).parent.parent / "__main__.py")])
    assert nudges.reminder_program()[1:] == ["-m", "stretchtui"] and os.path.isabs(nudges.reminder_program()[0])
    monkeypatch.setattr("sys.argv", ["/usr/lib/something/pytest"])
    monkeypatch.setenv("PATH", str(script.parent))
    assert nudges.reminder_program() == [str(script)]


def test_the_texts_name_the_marker_the_removal_looks_for() -> None:
    line = cron_line(Reminder(1, 2, EVERY_DAY), PROGRAM, DB)
    assert schedule.is_our_cron_line(line) and schedule.our_cron_line(f"x\n{line}\n") == line
    assert not schedule.is_our_cron_line("# " + line)


def test_a_user_manager_is_found_by_its_private_socket_too(tmp_path: Path) -> None:
    from stretchtui.commands.reminder_scheduler import Host
    from stretchtui.core.notify import Completed

    def offline(argv, *, input=None, env=None) -> Completed:
        return Completed(1, "offline\n")

    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if name == "systemctl" else None

    environ = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    assert not Host(offline, environ, which).systemd_running()
    (tmp_path / "run" / "systemd").mkdir(parents=True)
    (tmp_path / "run" / "systemd" / "private").touch()
    assert Host(offline, environ, which).systemd_running()
    assert not Host(offline, environ, lambda name: None).systemd_running()  # no systemctl: nothing to enable with


def test_a_crontab_with_no_cron_daemon_is_installed_not_active(machine: FakeMachine, capsys) -> None:
    """A container with the crontab program but no cron running: the line is written (cron may be
    started later), and both the install and --status say it will not fire yet."""
    machine.with_systemctl_offline()
    machine.with_crontab(USER_CRONTAB)
    machine.cron_daemon = False
    said = "daily reminder at 10:30, every day: " + reminder_scheduler.NO_CRON_DAEMON + "\n"
    assert remind(capsys, "--at", "10:30") == (0, said, "")
    assert remind(capsys, "--status")[1] == said
    machine.cron_daemon = True
    assert remind(capsys, "--status")[1] == "daily reminder at 10:30, every day: active (crontab)\n"


def test_the_cron_daemon_is_found_by_its_process_name(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    assert reminder_scheduler.cron_daemon_running(str(tmp_path))  # no pid 1 to be seen (hidepid): taken to run
    for pid, name in (("1", "init"), ("42", "bash"), ("self", "x")):
        (proc / pid).mkdir(parents=True)
        (proc / pid / "comm").write_text(name + "\n")
    assert not reminder_scheduler.cron_daemon_running(str(proc))
    (proc / "77").mkdir()
    (proc / "77" / "comm").write_text("crond\n")
    assert reminder_scheduler.cron_daemon_running(str(proc))
    assert reminder_scheduler.cron_daemon_running(str(tmp_path / "no-proc"))  # cannot tell: taken to run
