"""The store: safe creation, pragmas, migrations, refusals, seeding and own rows."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from stretchtui.core.clock import FrozenClock
from stretchtui.core.errors import UserError
from stretchtui.core.model import Origin, Routine, RoutineItem
from stretchtui.store import Store, StoreError, migrations, resolve_db_path
from stretchtui.store.db import APPLICATION_ID


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_is_private(db_path: Path, clock: FrozenClock) -> None:
    store = Store.open(db_path, clock)
    store.settings.set("probe", 1)  # a write, so -wal and -shm exist
    try:
        assert mode(db_path.parent) == 0o700
        for suffix in ("", "-wal", "-shm"):
            assert mode(Path(str(db_path) + suffix)) == 0o600, suffix
    finally:
        store.close()


@pytest.mark.parametrize("binary", [False, True])
def test_private_files_are_whole_or_untouched(tmp_path: Path, binary: bool) -> None:
    """Exports, reports and copies of the database: 0600, through a temporary file and a rename."""
    from stretchtui.store.private_files import write_private

    target = tmp_path / "out.txt"
    content = b"caf\xc3\xa9\n" if binary else "café\n"
    write_private(target, lambda handle: handle.write(content), binary=binary)
    assert target.read_bytes() == b"caf\xc3\xa9\n" and stat.S_IMODE(target.stat().st_mode) == 0o600

    def half_then_fail(handle) -> None:
        handle.write(content[:2])
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_private(target, half_then_fail, binary=binary)
    assert target.read_bytes() == b"caf\xc3\xa9\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_default_location_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_db_path(None, {}) == tmp_path / "xdg" / "stretchtui" / "stretchtui.db"
    assert resolve_db_path(None, {"STRETCHTUI_DB": "/x/env.db"}) == Path("/x/env.db")
    assert resolve_db_path("/x/flag.db", {"STRETCHTUI_DB": "/x/env.db"}) == Path("/x/flag.db")


def test_pragmas(store: Store) -> None:
    pragma = lambda name: store.db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert pragma("user_version") == migrations.LATEST_VERSION
    assert pragma("application_id") == APPLICATION_ID


def test_worker_threads_get_the_same_pragmas(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def read() -> tuple:
        return tuple(store.db.execute_sql(f"PRAGMA {p}").fetchone()[0] for p in ("synchronous", "foreign_keys"))

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(read).result() == (2, 1)


def test_writes_take_the_write_lock_up_front(store: Store) -> None:
    """Writes run in BEGIN IMMEDIATE transactions: a second writer waits (busy timeout) at the
    start instead of failing halfway when a read lock cannot be upgraded."""
    statements: list[str] = []
    store.db.connection().set_trace_callback(statements.append)
    try:
        store.settings.set("x", 1)
    finally:
        store.db.connection().set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements[-1] == "COMMIT"


def build_at_version(path: Path, version: int) -> None:
    """A database as an earlier release left it: the first `version` migrations applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for migration in migrations.MIGRATIONS[:version]:
        from peewee import SqliteDatabase

        db = SqliteDatabase(str(path))
        migration.apply(db)
        db.close()
    conn.execute(f"PRAGMA user_version = {version}")
    if version:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(migrations.LATEST_VERSION + 1))
def test_migrates_from_every_earlier_version(tmp_path: Path, clock: FrozenClock, version: int) -> None:
    path = tmp_path / "old.db"
    if version:
        build_at_version(path, version)
    store = Store.open(path, clock)
    try:
        assert store.schema_version() == migrations.LATEST_VERSION
        assert len(store.library.exercises()) >= 25
    finally:
        store.close()
    backups = list((tmp_path / "backups").glob("*.db")) if version else []
    assert len(backups) == (1 if 0 < version < migrations.LATEST_VERSION else 0)


def test_models_match_the_migrated_schema(store: Store) -> None:
    """Most models take their columns from the record classes (store.models._add_record_columns):
    a record field without its migration, a column no model knows, or a NULL the record allows and
    the table does not (or the other way round) fails here."""
    from stretchtui.store.models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {row[1]: row for row in store.db.execute_sql(f"PRAGMA table_info({table})")}
        assert columns, f"table {table} missing"
        fields = {field.column_name: field for field in model._meta.sorted_fields}
        assert set(fields) == set(columns), (
            f"{table}: model only {set(fields) - set(columns)}, table only {set(columns) - set(fields)}"
        )
        for name, field in fields.items():
            not_null = bool(columns[name][3]) or bool(columns[name][5])  # NOT NULL, or the primary key
            assert field.null is not not_null, f"{table}.{name}: null={field.null} in the model"


def test_failed_migration_changes_nothing(tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.sqlite"
    Store.open(path, clock).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO setting VALUES ('keep', '1', '2026-01-01T00:00:00+00:00')")
    before = migrations.LATEST_VERSION

    def explode(db) -> None:
        db.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("power cut")

    broken = (*migrations.MIGRATIONS, migrations.Migration(before + 1, "explodes", explode))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr("stretchtui.store.store.LATEST_VERSION", before + 1)
    with pytest.raises(RuntimeError):
        Store.open(path, clock)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
        assert conn.execute("SELECT value FROM setting WHERE key = 'keep'").fetchone()[0] == "1"
    assert list((tmp_path / "backups").glob("db-pre-v*.sqlite")), "a backup copy is made before migrating"


def test_refuses_a_newer_database_untouched(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "newer.db"
    build_at_version(path, migrations.LATEST_VERSION)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer stretchtui"):
        Store.open(path, clock)
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


@pytest.mark.parametrize("content", [b"just some notes\n", json.dumps({"sessions": []}).encode(), b"\x00" * 4096])
def test_refuses_a_file_that_is_not_sqlite_untouched(tmp_path: Path, clock: FrozenClock, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not an SQLite file"):
        Store.open(path, clock)
    assert path.read_bytes() == content


def test_refuses_another_programs_database_untouched(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a stretchtui one"):
        Store.open(path, clock)
    assert path.read_bytes() == before


def test_refuses_a_directory(tmp_path: Path, clock: FrozenClock) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path, clock)


def test_reopening_is_a_no_op(db_path: Path, clock: FrozenClock) -> None:
    Store.open(db_path, clock).close()
    store = Store.open(db_path, clock)
    try:
        assert store.library.sync_library(Path(__file__).resolve().parent.parent / "seed") is False
    finally:
        store.close()


def test_seed_changes_update_the_library_but_never_user_rows(tmp_path: Path, clock: FrozenClock) -> None:
    import shutil

    seed = tmp_path / "seed"
    shutil.copytree(Path(__file__).resolve().parent.parent / "seed", seed)
    store = Store.open(tmp_path / "s.db", clock, seed_dir=seed)
    try:
        first = store.library.exercises()[0]
        store.library.set_favourite(first.id, True)
        mine = store.library.duplicate_routine(store.library.routines()[0].id, "Mine")
        text = (seed / "exercises.toml").read_text()
        (seed / "exercises.toml").write_text(text.replace(f'name = "{first.name}"', 'name = "Renamed In Seed"', 1))
        assert store.library.sync_library(seed) is True
        updated = store.library.exercise(first.id)
        assert updated is not None and updated.name == "Renamed In Seed"
        assert updated.favourite is True
        assert store.library.routine(mine.id) == mine
    finally:
        store.close()


def test_routines_round_trip_and_built_ins_are_protected(store: Store) -> None:
    built_in = store.library.routines()[0]
    assert built_in.origin is Origin.SEED
    with pytest.raises(UserError, match="duplicate it"):
        store.library.save_routine(built_in)
    with pytest.raises(UserError, match="cannot be deleted"):
        store.library.delete_routine(built_in.id)
    copy = store.library.duplicate_routine(built_in.id)
    assert copy.origin is Origin.USER and copy.id.startswith("my-")
    assert copy.items == built_in.items and copy.name == f"{built_in.name} (my copy)"
    edited = store.library.save_routine(
        Routine(
            id=copy.id,
            name="Evening",
            items=copy.items[:2] + (RoutineItem(copy.items[0].exercise_id, hold_seconds=45, sides=None),),
            origin=Origin.USER,
        )
    )
    assert edited.name == "Evening" and len(edited.items) == 3 and edited.items[2].hold_seconds == 45
    assert store.library.routine(built_in.id) == built_in  # unchanged
    store.library.delete_routine(copy.id)
    assert store.library.routine(copy.id) is None


def test_every_user_row_has_a_uuid(store: Store) -> None:
    copy = store.library.duplicate_routine(store.library.routines()[0].id)
    assert len(copy.uuid) == 36
    rows = store.db.execute_sql("SELECT count(*) FROM exercise WHERE uuid IS NULL OR uuid = ''").fetchone()
    assert rows[0] == 0


def test_opens_its_own_database_after_a_crash_left_commits_in_the_wal(tmp_path: Path, clock: FrozenClock) -> None:
    """A killed app leaves the migration commit in -wal with a stale file header: still ours."""
    import shutil

    live = Store.open(tmp_path / "live.db", clock)
    try:
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal"):  # what a SIGKILL leaves behind: no checkpoint happened
            shutil.copy(str(live.path) + suffix, str(crashed / "s.db") + suffix)
    finally:
        live.close()
    header = (crashed / "s.db").read_bytes()[60:64]
    assert header == b"\x00\x00\x00\x00", "precondition: the header is stale"
    reopened = Store.open(crashed / "s.db", clock)
    try:
        assert reopened.schema_version() == migrations.LATEST_VERSION
        assert reopened.library.exercises()
    finally:
        reopened.close()
