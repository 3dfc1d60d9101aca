"""Issue 15: every output path (export JSON, export CSV folder, report md/html, backup --output)
goes through one guard (stretchtui/store/output_guard.py). The database, its -wal, -shm, -journal
and lock files and its backups/ are never an output; --force replaces only a file, or a folder an
earlier CSV export wrote; temporary files a killed writer left are removed at the next start."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from stretchtui.cli import main
from stretchtui.core.checkins import PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.store import Store
from stretchtui.store.output_guard import EXPORT_MARKER, remove_stale_temporaries
from stretchtui.store.private_files import temp_name, write_private

NOTES = [f"note {i}" for i in range(3)]


# ---------------------------------------------------------------------- helpers


def make_database(db: Path, clock: FrozenClock) -> None:
    """A database with three check-ins, and one backup in backups/."""
    store = Store.open(db, clock)
    for note in NOTES:
        store.checkins.add_checkin([PainEntry(Region.LOWER_BACK, 3)], note=note)
    store.close()
    assert main(["--db", str(db), "backup"]) == 0


def notes(db: Path) -> list[str]:
    """The database still opens (as a Store does) and holds all its data."""
    store = Store.open(db, FrozenClock(FROZEN_AT, ZONE))
    try:
        return [row[0] for row in store.db.execute_sql("SELECT note FROM checkin ORDER BY id")]
    finally:
        store.close()


def snapshot(path: Path) -> object:
    """What is at `path`, deeply: a link's target, a file's bytes and mode, a folder's contents."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path), info.st_ino)
    if stat.S_ISDIR(info.st_mode):
        return ("dir", stat.S_IMODE(info.st_mode), {p.name: snapshot(p) for p in sorted(path.iterdir())})
    return ("file", stat.S_IMODE(info.st_mode), info.st_ino, path.read_bytes())


def data_snapshot(db: Path) -> dict[str, object]:
    """The database, its siblings and backups/, byte for byte (the -shm by inode only: readers
    write their read marks into it)."""
    found: dict[str, object] = {}
    for path in sorted(db.parent.rglob("*")):
        if path.name.endswith("-shm"):
            found[str(path)] = ("shm", os.lstat(path).st_ino)
        else:
            found[str(path)] = snapshot(path) if not path.is_dir() else "dir"
    return found


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_refused(result: tuple[int, str, str], *fragments: str) -> None:
    code, out, err = result
    assert code == 2, (code, out, err)
    assert err.startswith("stretchtui: --output") and err.count("\n") == 1, err
    assert out == ""
    for fragment in fragments:
        assert fragment in err, err


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def db(fresh_database, clock: FrozenClock) -> Path:
    path = fresh_database()  # a copy of the seeded template, as a first Store.open leaves it
    make_database(path, clock)
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def thesis(work: Path) -> Path:
    folder = work / "thesis"
    (folder / "figures").mkdir(parents=True)
    (folder / "thesis.tex").write_text("\\chapter{Four years of work}\n")
    (folder / "figures" / "plot.csv").write_text("x,y\n1,2\n")
    return folder


# ---------------------------------------------------------------------- export --format csv --force


@pytest.mark.parametrize("extra", [[], ["--force"]])
def test_csv_force_never_deletes_a_folder_it_did_not_write(db: Path, work: Path, extra: list[str]) -> None:
    folder = thesis(work)
    before = snapshot(folder)
    assert_refused(
        run("--db", str(db), "export", "--format", "csv", "--output", str(folder), *extra),
        "not a folder stretchtui export wrote" if extra else "already exists",
    )
    assert snapshot(folder) == before


def test_csv_force_never_touches_the_data_folder(db: Path) -> None:
    before = data_snapshot(db)
    for target in (db.parent, db.parent / "backups", db):
        assert_refused(run("--db", str(db), "export", "--format", "csv", "--output", str(target), "--force"))
    assert data_snapshot(db) == before
    assert notes(db) == NOTES


def test_csv_force_never_replaces_a_folder_that_holds_the_database(db: Path, tmp_path: Path) -> None:
    before = data_snapshot(db)
    assert_refused(
        run("--db", str(db), "export", "--format", "csv", "--output", str(tmp_path), "--force"),
        "holds the stretchtui database",
    )
    assert data_snapshot(db) == before


def test_csv_force_replaces_an_earlier_export_and_only_that(db: Path, work: Path) -> None:
    folder = work / "tables"
    assert run("--db", str(db), "export", "--format", "csv", "--output", str(folder))[0] == 0
    assert (folder / EXPORT_MARKER).read_text().startswith("stretchtui CSV export\n")
    assert mode(folder) == 0o700 and all(mode(p) == 0o600 for p in folder.iterdir())
    (folder / "checkins.csv").write_text("stale")
    code, out, err = run("--db", str(db), "export", "--format", "csv", "--output", str(folder), "--force")
    assert code == 0 and err == "" and out.startswith("Exported ")
    assert "note 2" in (folder / "checkins.csv").read_text()
    assert sorted(p.name for p in work.iterdir()) == ["tables"]  # no staging or old folder left

    (folder / "my-analysis.ods").write_text("mine")  # now it holds something of the user's
    before = snapshot(folder)
    assert_refused(
        run("--db", str(db), "export", "--format", "csv", "--output", str(folder), "--force"),
        "holds files stretchtui did not write (my-analysis.ods)",
    )
    assert snapshot(folder) == before


def test_a_forged_marker_in_the_data_folder_does_not_help(db: Path) -> None:
    (db.parent / EXPORT_MARKER).write_text("stretchtui CSV export\n")
    before = data_snapshot(db)
    assert_refused(run("--db", str(db), "export", "--format", "csv", "--output", str(db.parent), "--force"))
    assert data_snapshot(db) == before


@pytest.mark.parametrize("case", ["symlinked folder", "dangling symlink", "dot", "dot-dot", "too long", "a file"])
def test_csv_refuses_links_dots_long_names_and_files(
    db: Path, work: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = work / "tables"
    assert run("--db", str(db), "export", "--format", "csv", "--output", str(earlier))[0] == 0
    target = {
        "symlinked folder": work / "link",  # even to an earlier export of ours
        "dangling symlink": work / "dangling",
        "dot": ".",
        "dot-dot": str(earlier / ".."),
        "too long": work / ("x" * 300),
        "a file": work / "notes.txt",
    }[case]
    (work / "link").symlink_to(earlier)
    (work / "dangling").symlink_to(work / "nowhere")
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(earlier)
    before = snapshot(work)
    for extra in ([], ["--force"]):
        assert_refused(run("--db", str(db), "export", "--format", "csv", "--output", str(target), *extra))
        assert snapshot(work) == before
    assert notes(db) == NOTES


# ---------------------------------------------------------------------- the database is never an output


def protected_targets(db: Path, work: Path) -> dict[str, Path]:
    backup = next((db.parent / "backups").iterdir())
    (work / "hard.db").hardlink_to(db)
    (work / "soft.db").symlink_to(db)
    (work / "soft-wal").symlink_to(Path(f"{db}-wal"))
    return {
        "database": db,
        "wal": Path(f"{db}-wal"),
        "shm": Path(f"{db}-shm"),
        "journal": Path(f"{db}-journal"),
        "lock": Path(f"{db}.lock"),
        "backup": backup,
        "new file in backups": backup.parent / "new.md",
        "hard link": work / "hard.db",
        "symlink": work / "soft.db",
        "symlink to wal": work / "soft-wal",
        "via a symlinked folder": work / "data-link" / db.name,
    }


TARGETS = [
    "database",
    "wal",
    "shm",
    "journal",
    "lock",
    "backup",
    "new file in backups",
    "hard link",
    "symlink",
    "symlink to wal",
    "via a symlinked folder",
]
COMMANDS = [["report"], ["report", "--format", "html"], ["export"], ["backup"]]


@pytest.mark.parametrize("name", TARGETS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_no_output_is_ever_the_database_or_its_files(
    db: Path, work: Path, clock: FrozenClock, name: str, command: list[str]
) -> None:
    (work / "data-link").symlink_to(db.parent)
    store = Store.open(db, clock)  # held open: the -wal, -shm and lock files exist
    try:
        target = protected_targets(db, work)[name]
        before, work_before = data_snapshot(db), snapshot(work)
        for extra in ([], ["--force"]) if command[0] != "backup" else ([],):
            assert_refused(run("--db", str(db), *command, "--output", str(target), *extra))
            assert data_snapshot(db) == before and snapshot(work) == work_before
    finally:
        store.close()
    assert notes(db) == NOTES


# ---------------------------------------------------------------------- report --force, report --output -


def test_report_needs_force_to_replace_a_file(db: Path, work: Path) -> None:
    target = work / "week.md"
    target.write_text("an older report")
    os.chmod(target, 0o644)
    assert_refused(run("--db", str(db), "report", "--output", str(target)), "already exists (add --force")
    assert target.read_text() == "an older report" and mode(target) == 0o644
    code, out, err = run("--db", str(db), "report", "--output", str(target), "--force")
    assert code == 0 and err == "" and out.startswith("Wrote the report")
    assert target.read_text().startswith("# Back-care report") and mode(target) == 0o600
    assert sorted(work.iterdir()) == [target]


def test_report_output_dash_is_standard_output(db: Path, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)
    code, out, err = run("--db", str(db), "report", "--output", "-")
    assert code == 0 and err == "" and out.startswith("# Back-care report")
    assert list(work.iterdir()) == []  # no file called "-"


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    """Without --force the file is linked into place, which fails if the name was taken since the
    check (write_private(replace=False))."""
    target = tmp_path / "out.json"
    target.write_text("arrived first")
    with pytest.raises(FileExistsError):
        write_private(target, lambda handle: handle.write("ours"), replace=False)
    assert target.read_text() == "arrived first" and sorted(tmp_path.iterdir()) == [target]


def test_the_longest_file_name_still_gets_a_temporary_name(db: Path, work: Path) -> None:
    target = work / ("r" * 255)
    assert run("--db", str(db), "report", "--output", str(target))[0] == 0
    assert mode(target) == 0o600 and sorted(work.iterdir()) == [target]
    assert_refused(run("--db", str(db), "report", "--output", str(work / ("r" * 256))), "too long")


# ---------------------------------------------------------------------- temporary files


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_names_never_collide_with_a_stale_one(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    stale = tmp_path / f"out.json.{os.getpid()}.tmp"  # the old naming, left by a killed export
    stale.write_text("stale")
    names = {temp_name(target.name) for _ in range(100)}
    assert len(names) == 100 and stale.name not in names
    write_private(target, lambda handle: handle.write("new"))
    assert target.read_text() == "new"


def test_stale_temporaries_are_removed_at_the_next_start_and_nothing_else(db: Path, clock: FrozenClock) -> None:
    data, backups = db.parent, db.parent / "backups"
    dead, alive = dead_pid(), os.getppid()
    ours_dead = [
        data / f"{db.name}.{dead}.tmp",
        data / f"{db.name}.{dead}.tmp-journal",
        data / f"{db.name}.restore.{dead}.tmp",
        data / f"{db.name}.{dead}.0123abcd.tmp",
        backups / f"{db.stem}-daily-20261120T083000Z.db.{dead}.tmp",
        backups / f"{db.stem}-daily-20261120T083000Z.db.{dead}.tmp-wal",
        backups / f"{db.stem}-daily-20261120T083000Z.db.{dead}.tmp-shm",
        backups / f"{db.stem}-pre-v3-20261120T083000Z.db.{dead}.89abcdef.tmp",
    ]
    kept = [
        data / f"{db.name}.{alive}.tmp",  # its process still runs
        data / f"{db.name}.{os.getpid()}.0123abcd.tmp",  # this process: another thread may be writing
        data / f"thesis.docx.{dead}.tmp",  # not ours: another program's, beside a --db
        data / f"{db.name}.{dead}.tmp.bak",
        data / f"{db.name}.tmp",
        data / "notes.txt",
        backups / f"other-daily-20261120T083000Z.db.{dead}.tmp",
    ]
    for path in ours_dead + kept:
        path.write_text("x")
    folder = data / f"{db.name}.{dead}.fedcba98.tmp"  # a folder named like ours: never removed
    folder.mkdir()
    (folder / "inside").write_text("x")
    link = data / f"{db.name}.{dead}.76543210.tmp"
    link.symlink_to(data / "notes.txt")
    Store.open(db, clock).close()
    assert [p for p in ours_dead if os.path.lexists(p)] == []
    assert all(p.read_text() == "x" for p in kept)
    assert (folder / "inside").exists() and link.is_symlink()
    assert notes(db) == NOTES
    assert remove_stale_temporaries(db) == []


def test_a_killed_export_leaves_nothing_the_next_start_keeps(db: Path, work: Path, clock: FrozenClock) -> None:
    """A real process killed mid-export (its temporary file written, never renamed) in the data folder."""
    code = (
        "import os, sys\nfrom pathlib import Path\nfrom stretchtui.store.private_files import write_private\n"
        "def write(handle):\n    handle.write('half'); handle.flush(); os._exit(9)\n"
        "write_private(Path(sys.argv[1]), write)\n"
    )
    target = db.parent / f"{db.name}.export"
    result = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True)
    assert result.returncode == 9
    left = [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and not target.exists()
    Store.open(db, clock).close()
    assert not left[0].exists()


# ---------------------------------------------------------------------- the state machine


FILE_KINDS = {"json": ["export"], "md": ["report"], "html": ["report", "--format", "html"]}


class OutputPaths(RuleBasedStateMachine):
    """Export and report at random targets, with and without --force, while the database is open
    elsewhere. A model says which writes must succeed; whatever happens, the database, its siblings
    and backups stay byte-identical, and nothing foreign is changed or deleted."""

    clock = FrozenClock(FROZEN_AT, ZONE)
    template: Path  # a data folder made once by make_database (set by the test): copied for each run

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="outputs-"))
        self.db = self.root / "data" / "stretchtui.db"
        self.work = self.root / "work"
        self.work.mkdir()
        shutil.copytree(self.template, self.db.parent, symlinks=True)
        self.store = Store.open(self.db, self.clock)  # the -wal, -shm and lock files exist throughout
        backup = next((self.db.parent / "backups").iterdir())
        (self.work / "notes.txt").write_text("foreign")
        thesis(self.work)
        (self.work / "empty").mkdir()
        (self.work / "link-file").symlink_to(self.work / "notes.txt")
        (self.work / "link-dir").symlink_to(self.work / "thesis")
        (self.work / "link-db").symlink_to(self.db)
        (self.work / "dangling").symlink_to(self.work / "nowhere")
        (self.work / "hard.db").hardlink_to(self.db)
        protected = [
            self.db,
            Path(f"{self.db}-wal"),
            Path(f"{self.db}-shm"),
            Path(f"{self.db}.lock"),
            Path(f"{self.db}-journal"),
            backup,
            backup.parent / "new.md",
            self.db.parent,
            backup.parent,
            self.work / "hard.db",
        ]
        self.protected = {str(p) for p in protected}
        self.targets = [
            str(p)
            for p in [
                *protected,
                *(
                    self.work / n
                    for n in (
                        "notes.txt",
                        "thesis",
                        "empty",
                        "link-file",
                        "link-dir",
                        "link-db",
                        "dangling",
                        "a",
                        "b",
                        "c.md",
                    )
                ),
                self.db.parent / "mine.md",
            ]
        ] + [f"{self.work}/."]
        self.owned_files: set[str] = set()
        self.owned_exports: set[str] = set()
        self.foreign: dict[str, object] = {}
        self._note_foreign()
        self.data_before = data_snapshot(self.db)
        self.writes = 0

    def _note_foreign(self) -> None:
        for path in self.work.iterdir():
            if str(path) not in self.owned_files | self.owned_exports:
                self.foreign.setdefault(str(path), snapshot(path))
        for folder in self.owned_exports:
            for path in Path(folder).iterdir():
                if path.name != EXPORT_MARKER and not path.name.endswith(".csv"):
                    self.foreign.setdefault(str(path), snapshot(path))

    def expected(self, name: str, csv: bool, force: bool) -> bool:
        """Whether the write must succeed."""
        if name in self.protected or os.path.basename(name) == ".":
            return False
        if os.path.islink(name):
            return False
        if not os.path.lexists(name):
            return True
        if csv:
            return (
                force
                and name in self.owned_exports
                and all(
                    (p.name == EXPORT_MARKER or p.name.endswith(".csv")) and p.is_file() and not p.is_symlink()
                    for p in Path(name).iterdir()
                )
            )
        return force and os.path.isfile(name)

    @rule(pick=st.integers(min_value=0), kind=st.sampled_from(["json", "csv", "md", "html"]), force=st.booleans())
    def write(self, pick: int, kind: str, force: bool) -> None:
        name = self.targets[pick % len(self.targets)]
        path = Path(name)
        command = ["export", "--format", "csv"] if kind == "csv" else FILE_KINDS[kind]
        should = self.expected(name, kind == "csv", force)
        event(f"{kind}: {'written' if should else 'refused'}")
        before = snapshot(path)
        code, out, err = run("--db", str(self.db), *command, "--output", name, *(["--force"] if force else []))
        if not should:
            assert_refused((code, out, err))
            assert snapshot(path) == before
            return
        assert code == 0 and err == "", (path, kind, force, err)
        self.writes += 1
        self.foreign.pop(str(path), None)  # a file replaced with --force is now ours
        if kind == "csv":
            assert mode(path) == 0o700 and all(mode(p) == 0o600 for p in path.iterdir())
            assert (path / EXPORT_MARKER).is_file()
            self.owned_exports.add(str(path))
            self.owned_files.discard(str(path))
        else:
            assert os.path.isfile(path) and not os.path.islink(path) and mode(path) == 0o600
            self.owned_files.add(str(path))
            self.owned_exports.discard(str(path))

    @precondition(lambda self: self.owned_exports)
    @rule(which=st.integers(min_value=0), name=st.sampled_from(["mine.ods", "sub", "sessions.csv"]))
    def user_adds_to_an_export(self, which: int, name: str) -> None:
        """The user keeps a file of their own in an export folder: --force must refuse it from now on."""
        folder = Path(sorted(self.owned_exports)[which % len(self.owned_exports)])
        path = folder / name
        if name == "sessions.csv" and path.is_file():  # a name an export writes, but a folder: not ours
            path.unlink()
        if os.path.lexists(path):
            return
        if name == "sub":
            path.mkdir()
            (path / "keep.txt").write_text("mine")
        elif name == "sessions.csv":
            path.mkdir()
        else:
            path.write_text("mine")
        self.foreign[str(path)] = snapshot(path)

    @invariant()
    def the_database_and_backups_are_unchanged(self) -> None:
        ours = self.owned_files | self.owned_exports
        now = {
            name: value
            for name, value in data_snapshot(self.db).items()
            if not any(name == mine or name.startswith(mine + os.sep) for mine in ours)
        }
        assert now == self.data_before

    @invariant()
    def nothing_foreign_changed(self) -> None:
        for name, before in self.foreign.items():
            assert snapshot(Path(name)) == before, name

    @invariant()
    def no_temporary_files_left(self) -> None:
        assert [p for p in self.root.rglob("*") if ".tmp" in p.name] == []

    def teardown(self) -> None:
        self.store.close()
        try:
            assert notes(self.db) == NOTES
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.mark.slow
def test_output_paths_state_machine(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OutputPaths, "template", db.parent, raising=False)
    run_state_machine_as_test(
        OutputPaths,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
