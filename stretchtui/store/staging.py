"""An import's staging area: the records of a file, written as they are checked into TEMP tables
of the store's own connection, then moved into the real tables by a few INSERT ... SELECT
statements in one short transaction.

Writing TEMP tables takes no lock on the user's database, so while a large file is read and
checked (seconds for years of history) the app, `log` and `rest` go on writing. The TEMP
database lives in a file SQLite creates and deletes itself (never named, so nothing is left behind
by a killed import), with its own small page cache: memory stays flat however long the file.
Session row ids and the steps' and check-ins' links to them are resolved in SQL, by uuid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from peewee import SqliteDatabase

from stretchtui.core import records
from stretchtui.core.checkins import Checkin, PainEntry
from stretchtui.core.exchange.bundle import SECTION_RECORDS
from stretchtui.core.sessions import LoggedStep, SessionRecord
from stretchtui.store import models as m
from stretchtui.store.exporting import FLAT_TABLES

BATCH_ROWS = 2000  # rows held in memory before they go to the staging tables

_INSTANT = m.UTCField()
# The columns of the logged records, from their definitions (core.records.columns).
SESSION_COLUMNS = records.columns(SessionRecord)
STEP_COLUMNS = records.columns(LoggedStep)
CHECKIN_COLUMNS = records.columns(Checkin)
PAIN_COLUMNS = records.columns(PainEntry)

STAGED: dict[str, str] = {  # a section of one row per record, merged in SQL -> its staging table
    "day_marks": "stage_day_mark",
    "function_ratings": "stage_function_rating",
    "program_choices": "stage_program_choice",
    "break_events": "stage_break_event",
    "activity_spans": "stage_activity_span",
}
FLAT_COLUMNS = {kind: records.columns(SECTION_RECORDS[kind]) for kind in STAGED}
MARK_COLUMNS = FLAT_COLUMNS["day_marks"]
RATING_COLUMNS = FLAT_COLUMNS["function_ratings"]

TABLES: dict[str, tuple[str, ...]] = {  # staging table -> its columns (all untyped: values as stored)
    "stage_session": (*SESSION_COLUMNS, "step_count"),
    "stage_step": ("session_uuid", *STEP_COLUMNS),
    "stage_checkin": (*CHECKIN_COLUMNS, "session_uuid"),
    "stage_pain": ("checkin_uuid", *PAIN_COLUMNS),
    **{STAGED[kind]: columns for kind, columns in FLAT_COLUMNS.items()},
    "stage_id_map": ("kind", "file_id", "store_id"),
    "stage_claim": ("section", "uuid", "home"),  # the UUIDs of the records kept out of staging
    "stage_removed_step": ("uuid", "session"),  # the steps a removal here keeps for undo (foreign_uuid)
}
NAMED: dict[str, tuple[str, type[m.BaseModel]]] = {  # staging table of records with a UUID -> (section, table)
    "stage_session": ("sessions", m.Session),
    "stage_step": ("sessions", m.SessionStep),
    "stage_checkin": ("checkins", m.Checkin),
    **{
        STAGED[kind]: (kind, model)
        for kind, (model, _) in FLAT_TABLES.items()
        if kind in STAGED and model in m.UUID_TABLES
    },
}
KEYS = {
    "stage_id_map": "kind, file_id",
    "stage_activity_span": "started_at",
    "stage_removed_step": "uuid",
}  # looked up by these while merging


_AS_THEY_ARE = frozenset({str, int, float, type(None)})  # exactly these types (a bool is not an int here)


def _stored(value: Any) -> Any:
    """A value as the store keeps it (the peewee fields' own conversions)."""
    if type(value) in _AS_THEY_ARE:  # most values: checked first, as an import holds millions
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return _INSTANT.db_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class Staging:
    """The TEMP tables of one import on `db`'s connection (create with `open`, end with `close`)."""

    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db
        self.pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
        self.held = 0

    def open(self) -> Staging:
        self.close()
        for table, columns in TABLES.items():
            key = f", PRIMARY KEY ({KEYS[table]})" if table in KEYS else ""
            self.db.execute_sql(f"CREATE TEMP TABLE {table} ({', '.join(columns)}{key})")
        return self

    def close(self) -> None:
        for table in TABLES:
            self.db.execute_sql(f"DROP TABLE IF EXISTS temp.{table}")

    # ------------------------------------------------------------------ filling it, in batches

    def add_session(self, record: Mapping[str, Any]) -> None:
        self._hold("stage_session", [record[k] for k in SESSION_COLUMNS] + [len(record["steps"])])
        for step in record["steps"]:
            self._hold("stage_step", [record["uuid"]] + [step[k] for k in STEP_COLUMNS])

    def add_checkin(self, record: Mapping[str, Any]) -> None:
        self._hold("stage_checkin", [record[k] for k in CHECKIN_COLUMNS] + [record["session_uuid"]])
        for pain in record["pains"]:
            self._hold("stage_pain", [record["uuid"]] + [pain[k] for k in PAIN_COLUMNS])

    def add_record(self, kind: str, record: Mapping[str, Any]) -> None:
        """A record of a section of one row each (STAGED): its columns, as the store keeps them."""
        self._hold(STAGED[kind], [record[k] for k in FLAT_COLUMNS[kind]])

    def add_id_map(self, kind: str, mapping: Mapping[str, str]) -> None:
        """File id -> store id of own exercises ('exercise') or routines ('routine') whose id
        differs here: the one mapping every reference of the file goes through."""
        for file_id, store_id in mapping.items():
            if file_id != store_id:
                self._hold("stage_id_map", [kind, file_id, store_id])
        self.flush()

    def add_claims(self, section: str, home: type[m.BaseModel], uuids: Sequence[str]) -> None:
        """The UUIDs of records of `section` that are not staged (own exercises and routines,
        removals), each naming a record of `home`: checked by `foreign_uuid` as staged ones are."""
        for uuid in uuids:
            self._hold("stage_claim", (section, uuid, home._meta.table_name))

    def _hold(self, table: str, values: Sequence[Any]) -> None:
        self.pending[table].append(tuple(_stored(v) for v in values))
        self.held += 1
        if self.held >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write what is held into the staging tables: a TEMP-only transaction, no lock on the
        database file."""
        if not self.held:
            return
        conn = self.db.connection()
        if conn.in_transaction:  # the merge's own transaction (the id mappings)
            self._write_pending(conn)
            return
        conn.execute("BEGIN DEFERRED")
        try:
            self._write_pending(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _write_pending(self, conn) -> None:
        for table, rows in self.pending.items():
            if rows:
                marks = ", ".join("?" * len(TABLES[table]))
                conn.executemany(f"INSERT INTO temp.{table} VALUES ({marks})", rows)
                rows.clear()
        self.held = 0

    # ------------------------------------------------------------------ moving it in (inside the caller's transaction)

    def count(self, table: str) -> int:
        return self.db.execute_sql(f"SELECT count(*) FROM temp.{table}").fetchone()[0]

    def _run(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        return self.db.execute_sql(sql, tuple(parameters)).rowcount

    def _last_id(self, table: str) -> int:
        return self.db.execute_sql(f"SELECT coalesce(max(id), 0) FROM main.{table}").fetchone()[0]

    def foreign_uuid(self, removable: Mapping[str, str]) -> str | None:
        """Why the file cannot come in, when one of its records has the UUID of a record of
        another kind here (a check-in with a session's UUID), or of a removed one (a removal's
        tombstone keeps its UUID for ever): one UUID names one record, or neither could be removed
        by its id nor the store's export imported again. None if none. `removable`: the table of
        each kind a tombstone names (store.models.ENTRY_MODELS) -> that kind.

        A few statements, inside the merge's lock: which tables here hold any row (and, with
        removals here, the steps they keep for undo), then each record not in its own table
        already looked up in those tables' UUID indexes (a new store, or a file imported again,
        costs one or two lookups a record)."""
        homes = {model._meta.table_name: model for model in m.UUID_TABLES}
        tables = [*homes, m.Removed._meta.table_name]
        held = self.db.execute_sql(
            "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM main.{name})" for name in tables)
        ).fetchone()
        *in_homes, tombstones = held
        others = [name for name, any_row in zip(homes, in_homes, strict=True) if any_row]
        if not others and not tombstones:
            return None
        if tombstones:  # a removed session's steps come back with an undo: their UUIDs are taken too
            self.db.execute_sql(f"""
                INSERT OR IGNORE INTO temp.stage_removed_step
                SELECT json_extract(s.value, '$.uuid'), r.uuid FROM main.removed r, json_each(r.record, '$.steps') s
                WHERE r.kind = '{removable[m.Session._meta.table_name]}' AND r.record IS NOT NULL""")

        def arm(source: str, section: str, home: str, where: str = "") -> str:
            """The records of `source` going to table `home`, not there already (no clash, as the
            same record), with the other table here holding their UUID, if one does."""
            found_in = [
                f"WHEN EXISTS (SELECT 1 FROM main.{name} x WHERE x.uuid = f.uuid) THEN '{name}'"
                for name in others
                if name != home
            ]
            if tombstones:  # removed here as another kind ('removed checkin'), or a removed session's step
                gone = f"FROM main.removed x WHERE x.uuid = f.uuid AND x.kind IS NOT '{removable.get(home, '')}'"
                found_in.append(f"WHEN EXISTS (SELECT 1 {gone}) THEN (SELECT 'removed ' || x.kind {gone} LIMIT 1)")
                its_own = " AND x.session != f.session_uuid" if source == "stage_step" else ""  # the removed one's
                found_in.append(
                    f"WHEN EXISTS (SELECT 1 FROM temp.stage_removed_step x WHERE x.uuid = f.uuid{its_own}) "
                    "THEN 'removed step'"
                )
            here = f"CASE {' '.join(found_in)} END" if found_in else "NULL"
            return (
                f"SELECT {section} AS section, f.uuid, '{home}' AS home, {here} AS here FROM temp.{source} f "
                f"WHERE {where}NOT EXISTS (SELECT 1 FROM main.{home} x WHERE x.uuid = f.uuid)"
            )

        arms = [arm(table, f"'{section}'", model._meta.table_name) for table, (section, model) in NAMED.items()]
        arms += [arm("stage_claim", "f.section", home, f"f.home = '{home}' AND ") for home in homes]
        row = self.db.execute_sql(
            f"SELECT * FROM ({' UNION ALL '.join(arms)}) WHERE here IS NOT NULL LIMIT 1"
        ).fetchone()
        if row is None:
            return self._step_of_another_session() if m.SessionStep._meta.table_name in others else None
        section, uuid, home, name = row
        if name == "removed step":
            here = "a step of a removed session"
        elif name.startswith("removed "):
            removed_kind = name.removeprefix("removed ")
            table = next((table for table, kind in removable.items() if kind == removed_kind), None)
            here = f"a removed {m.record_name(homes[table])}" if table else "a removed entry"
        else:
            here = m.record_noun(homes[name])
        return f"{section}: {uuid} is {here} here, not {m.record_noun(homes[home])}"

    def _step_of_another_session(self) -> str | None:
        """A step is one session's: one under a session of the file with the UUID of a step of
        another session here would be left out without a word (the step is 'here already')."""
        row = self.db.execute_sql("""
            SELECT st.uuid, s.uuid FROM temp.stage_step st
            JOIN main.session_step x ON x.uuid = st.uuid JOIN main.session s ON s.id = x.session_id
            WHERE s.uuid != st.session_uuid LIMIT 1""").fetchone()
        return None if row is None else f"sessions: step {row[0]} is a step of another session here ({row[1]})"

    def merge_sessions(self) -> tuple[int, int, int, int]:
        """Insert the staged sessions not here yet (nor removed here), then their steps not here
        yet; returns (sessions added, steps added, steps already here, sessions removed here)."""
        last = self._last_id("session")
        removed = self._removed_here("stage_session")
        added = self._run(f"""
            INSERT INTO main.session (uuid, routine_id, {", ".join(SESSION_COLUMNS[2:])})
            SELECT s.uuid,
                   (SELECT r.id FROM main.routine r WHERE r.id = coalesce(
                       (SELECT store_id FROM temp.stage_id_map WHERE kind = 'routine' AND file_id = s.routine_id),
                       s.routine_id)),
                   {", ".join("s." + c for c in SESSION_COLUMNS[2:])}
            FROM temp.stage_session s
            WHERE NOT EXISTS (SELECT 1 FROM main.session x WHERE x.uuid = s.uuid)
              AND NOT EXISTS (SELECT 1 FROM main.removed x WHERE x.uuid = s.uuid)
            ORDER BY s.rowid""")
        steps_added = self._run(
            f"""
            INSERT INTO main.session_step (session_id, {", ".join(STEP_COLUMNS)})
            SELECT s.id, {
                ", ".join(
                    "coalesce(mapped.store_id, st.exercise_id)" if c == "exercise_id" else "st." + c
                    for c in STEP_COLUMNS
                )
            }
            FROM temp.stage_step st
            JOIN main.session s ON s.uuid = st.session_uuid
            LEFT JOIN temp.stage_id_map mapped ON mapped.kind = 'exercise' AND mapped.file_id = st.exercise_id
            WHERE s.id > ? AND NOT EXISTS (SELECT 1 FROM main.session_step x WHERE x.uuid = st.uuid)
            ORDER BY st.rowid""",
            (last,),
        )
        staged_steps = self.db.execute_sql(
            """
            SELECT coalesce(sum(ss.step_count), 0) FROM temp.stage_session ss
            JOIN main.session s ON s.uuid = ss.uuid WHERE s.id > ?""",
            (last,),
        ).fetchone()[0]
        return added, steps_added, staged_steps - steps_added, removed

    def merge_checkins(self) -> tuple[int, int]:
        """Insert the staged check-ins not here yet (nor removed here), with their pains and
        their link to a session (by uuid); returns (added, removed here)."""
        last = self._last_id("checkin")
        removed = self._removed_here("stage_checkin")
        added = self._run(f"""
            INSERT INTO main.checkin ({", ".join(CHECKIN_COLUMNS)}, session_id)
            SELECT {", ".join("c." + col for col in CHECKIN_COLUMNS)},
                   (SELECT s.id FROM main.session s WHERE s.uuid = c.session_uuid)
            FROM temp.stage_checkin c
            WHERE NOT EXISTS (SELECT 1 FROM main.checkin x WHERE x.uuid = c.uuid)
              AND NOT EXISTS (SELECT 1 FROM main.removed x WHERE x.uuid = c.uuid)
            ORDER BY c.rowid""")
        self._run(
            f"""
            INSERT INTO main.checkin_pain (checkin_id, {", ".join(PAIN_COLUMNS)})
            SELECT c.id, {", ".join("p." + col for col in PAIN_COLUMNS)}
            FROM temp.stage_pain p JOIN main.checkin c ON c.uuid = p.checkin_uuid
            WHERE c.id > ? ORDER BY p.rowid""",
            (last,),
        )
        return added, removed

    def merge_day_marks(self) -> tuple[int, int]:
        """Insert the staged rest days whose uuid and day are both new here (a day already marked
        here keeps its mark); returns (added, removed here)."""
        removed = self._removed_here("stage_day_mark")
        added = self._run(f"""
            INSERT INTO main.day_mark ({", ".join(MARK_COLUMNS)})
            SELECT {", ".join("d." + c for c in MARK_COLUMNS)} FROM temp.stage_day_mark d
            WHERE NOT EXISTS (SELECT 1 FROM main.day_mark x WHERE x.uuid = d.uuid)
              AND NOT EXISTS (SELECT 1 FROM main.day_mark x WHERE x.day = d.day)
              AND NOT EXISTS (SELECT 1 FROM main.removed x WHERE x.uuid = d.uuid)
            ORDER BY d.rowid""")
        return added, removed

    def merge_function_ratings(self) -> int:
        """Insert the staged function ratings whose uuid is new here and whose activity has no
        rating here that week (the one here stays, as a day's mark does); returns how many."""
        week = "date(f.day, '-6 days', 'weekday 1')"  # the Monday of the day's ISO week
        return self._run(f"""
            INSERT INTO main.function_rating ({", ".join(RATING_COLUMNS)}, week)
            SELECT {", ".join("f." + c for c in RATING_COLUMNS)}, {week} FROM temp.stage_function_rating f
            WHERE NOT EXISTS (SELECT 1 FROM main.function_rating x WHERE x.uuid = f.uuid)
              AND NOT EXISTS (SELECT 1 FROM main.function_rating x WHERE x.activity = f.activity AND x.week = {week})
            ORDER BY f.rowid""")

    def merge_by_uuid(self, kind: str) -> int:
        """Insert the staged records of `kind` whose uuid is new here; returns how many. For what
        nobody removes (a program choice, a break): no tombstone to heed."""
        table = FLAT_TABLES[kind][0]._meta.table_name
        columns = ", ".join(FLAT_COLUMNS[kind])
        return self._run(f"""
            INSERT INTO main.{table} ({columns})
            SELECT {columns} FROM temp.{STAGED[kind]} s
            WHERE NOT EXISTS (SELECT 1 FROM main.{table} x WHERE x.uuid = s.uuid)
            ORDER BY s.rowid""")

    def merge_activity_spans(self) -> int:
        """A span is known by its start. One already here ends at the later of the two ends (the
        same span, read again after more ticks were folded into it: the longer holds every tick
        of the shorter); a new one is inserted as it is. Spans of two machines that overlap stay
        two rows: every reader joins them (core.activity.merge_spans), so nothing counts twice.
        Returns how many were added or lengthened."""
        later_end = "SELECT s.ended_at FROM temp.stage_activity_span s WHERE s.started_at = activity_span.started_at"
        lengthened = self._run(f"""
            UPDATE main.activity_span SET ended_at = ({later_end})
            WHERE started_at IN (SELECT started_at FROM temp.stage_activity_span)
              AND ended_at < ({later_end})""")
        columns = ", ".join(FLAT_COLUMNS["activity_spans"])
        added = self._run(f"""
            INSERT INTO main.activity_span ({columns})
            SELECT {columns} FROM temp.stage_activity_span s
            WHERE NOT EXISTS (SELECT 1 FROM main.activity_span x WHERE x.started_at = s.started_at)
            ORDER BY s.started_at""")
        return lengthened + added

    def _removed_here(self, table: str) -> int:
        """How many staged records were removed here before (tombstones: never brought back)."""
        return self.db.execute_sql(f"""
            SELECT count(*) FROM temp.{table} t
            WHERE EXISTS (SELECT 1 FROM main.removed x WHERE x.uuid = t.uuid)""").fetchone()[0]
