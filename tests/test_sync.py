"""Sync through a folder (store.sync, docs/sync.md): three simulated machines on one, a transport
that delays, duplicates, cuts files mid-line and makes conflict copies, clocks that disagree;
after a final full round every machine exports the same record, and nothing anyone made is lost
unless a removal says so. Then each rule on its own."""

from __future__ import annotations

import json
import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE, copy_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtui.core.checkins import CheckinAnswers, PainEntry, Region
from stretchtui.core.clock import FrozenClock
from stretchtui.core.entries import EntryKind, MarkKind
from stretchtui.core.errors import UserError
from stretchtui.core.sessions import SessionStatus, StepRecord
from stretchtui.core.settings import SYNCED
from stretchtui.core.sync_clock import MAX_AHEAD_MS, HybridClock, Stamp, ago
from stretchtui.core.sync_log import Change, change_line, header_line, read_log
from stretchtui.store import Store, sync_send
from stretchtui.store import models as m
from stretchtui.store import sync as sync_module


class Machine:
    """One simulated machine: its database, its own copy of the sync folder, its clock (skewed)."""

    def __init__(self, name: str, root: Path, template: Path, skew: float = 0.0) -> None:
        self.name = name
        self.folder = root / f"{name}-folder"
        self.clock = FrozenClock(FROZEN_AT + timedelta(seconds=skew), ZONE)
        copy_database(template, root / f"{name}.db")
        self.store = Store.open(root / f"{name}.db", self.clock)
        self.made: set[str] = set()  # uuids of the sessions and check-ins made here

    def use(self) -> Store:
        self.store.db.bind(m.ALL_MODELS)  # peewee's models follow the last store opened
        return self.store

    @property
    def device(self) -> str:
        config = self.use().sync.config()
        assert config is not None
        return config.device

    def round(self) -> sync_module.RoundReport:
        return self.use().sync.run_round()

    def export(self) -> dict:
        from stretchtui.core.exchange.writing import to_plain

        store = self.use()
        plain = json.loads(json.dumps(to_plain(store.exchange.export_bundle(), exported_at=FROZEN_AT, app_version="t")))
        plain["settings"] = {k: v for k, v in plain["settings"].items() if k in SYNCED}  # each machine's own aside
        return plain

    # ------------------------------------------------------------------ what a person does

    def checkin(self, pain: int, note: str) -> None:
        made = self.use().checkins.add_checkin([PainEntry(Region.LOWER_BACK, pain, "")], sitting_hours=4, note=note)
        self.made.add(made.uuid)

    def session(self, steps: int) -> None:
        store = self.use()
        info = store.sessions.start_session("desk-break", "Desk Break", 120, pain_before=3)
        for index in range(steps):
            self.clock.advance(20)
            store.sessions.record_step(
                info.id,
                StepRecord(index, "cat-cow", "Cat-cow", 1, "both", 20, 20.0, 0, 0, "done", None),
                active_seconds=20.0 * (index + 1),
                resume_state=None,
            )
        store.sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=2)
        self.made.add(store.sessions.session(info.id).uuid)

    def edit(self, pick: int, note: str) -> None:
        store = self.use()
        checkins = store.checkins.checkins()
        if checkins:
            chosen = checkins[pick % len(checkins)]
            store.corrections.update_checkin(
                chosen.uuid, CheckinAnswers([PainEntry(Region.NECK, pick % 11, "")], sitting_hours=2, note=note)
            )

    def remove(self, pick: int) -> None:
        store = self.use()
        entries = [e for e in store.corrections.entries() if e.kind in (EntryKind.SESSION, EntryKind.CHECKIN)]
        if entries:
            store.corrections.remove_entry(entries[pick % len(entries)])

    def undo(self) -> None:
        try:
            self.use().corrections.undo_removal()
        except UserError:
            pass

    def rest(self, days_back: int, flare: bool = False) -> None:
        store = self.use()
        try:
            store.corrections.set_day_mark(
                store.checkins.stamp().day - timedelta(days=days_back),
                MarkKind.FLARE if flare else MarkKind.REST,
                force=True,
            )
        except UserError:
            pass

    def favourite(self, pick: int, on: bool) -> None:
        self.use().library.set_favourite(["cat-cow", "childs-pose", "pelvic-tilt"][pick % 3], on)

    def exercise(self, hold: int) -> None:
        """An own exercise, made here (named after this machine: two machines' own ids never collide)."""
        from dataclasses import replace

        store = self.use()
        mine = [e for e in store.library.exercises() if e.origin.value == "user"]
        if mine and hold % 2:  # an edit of one made before
            chosen = mine[hold % len(mine)]
            store.library.save_exercise(replace(chosen, dose=replace(chosen.dose, hold_seconds=hold)))
            return
        seed = store.library.exercise("cat-cow")
        assert seed is not None
        from stretchtui.core.vocabulary import Origin

        store.library.save_exercise(replace(seed, id="", uuid="", name=f"{self.name} move {hold}", origin=Origin.USER))

    def safety(self, fever: bool, condition: str) -> None:
        self.use().safety.save_safety(answers={"fever": fever}, conditions=[condition] if condition else [])

    def rate(self, activity: str, rating: int) -> None:
        self.use().function.rate(activity, rating)

    def setting(self, pair: tuple[str, object] | str, value: object = None) -> None:
        key, value = pair if value is None else (pair, value)
        self.use().settings.set(key, value)


def deliver(source: Machine, target: Machine, how: str, rng: random.Random) -> None:
    """Copy `source`'s own files from its folder into `target`'s, as a sync tool would: whole
    (old generations deleted too), cut in the middle of a line, twice, or as a conflict copy."""
    device = source.device
    mine, theirs = source.folder / device, target.folder / device
    if not mine.is_dir():
        return
    theirs.mkdir(parents=True, exist_ok=True)
    for path in sorted(mine.iterdir()):
        data = path.read_bytes()
        if how == "cut" and path.name.startswith("log-") and len(data) > 2:
            data = data[: rng.randrange(1, len(data))]
        if how == "conflict" and path.name.startswith("log-"):
            (
                theirs / path.name.replace(".jsonl", f".sync-conflict-2026120{rng.randrange(1, 9)}-ABC.jsonl")
            ).write_bytes(data)
            continue
        (theirs / path.name).write_bytes(data)
    if how in ("whole", "twice"):
        for path in theirs.iterdir():
            if path.name.startswith("log-") and "conflict" not in path.name and not (mine / path.name).exists():
                path.unlink()


def everything_everywhere(machines: list[Machine], rng: random.Random) -> None:
    """Rounds with whole deliveries until no machine sends anything."""
    for _ in range(6):
        reports = [machine.round() for machine in machines]
        for source in machines:
            for target in machines:
                if source is not target:
                    deliver(source, target, "whole", rng)
        reports += [machine.round() for machine in machines]
        problems = [p for r in reports for p in r.problems if "clock is more than 10 minutes ahead" not in p]
        assert problems == []  # whole files, delivered whole: nothing refused
        if not any(r.sent or r.received for r in reports):
            return
    raise AssertionError("the machines never settled")


@pytest.fixture
def machines(tmp_path: Path, seeded_template: Path):
    made: list[Machine] = []

    def make(*skews: float) -> list[Machine]:
        for index, skew in enumerate(skews):
            machine = Machine("abc"[index], tmp_path, seeded_template, skew)
            machine.use().sync.join(machine.folder, machine.name)
            machine.round()  # as `sync init` does
            made.append(machine)
        return made

    yield make
    for machine in made:
        machine.use().close()


# ---------------------------------------------------------------------- three machines, at random

actions = st.lists(
    st.one_of(
        st.tuples(st.just("checkin"), st.integers(0, 2), st.integers(0, 10), st.sampled_from(["", "desk", "run"])),
        st.tuples(st.just("session"), st.integers(0, 2), st.integers(1, 4)),
        st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 50), st.sampled_from(["edited", "again"])),
        st.tuples(st.just("remove"), st.integers(0, 2), st.integers(0, 50)),
        st.tuples(st.just("undo"), st.integers(0, 2)),
        st.tuples(st.just("rest"), st.integers(0, 2), st.integers(0, 3), st.booleans()),
        st.tuples(
            st.just("safety"), st.integers(0, 2), st.booleans(), st.sampled_from(["", "pregnancy", "osteoporosis"])
        ),
        st.tuples(
            st.just("setting"),
            st.integers(0, 2),
            st.sampled_from([("goal_minutes", 5), ("goal_minutes", 15), ("cue_bell", False), ("cue_sound", True)]),
        ),
        st.tuples(st.just("favourite"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("exercise"), st.integers(0, 2), st.integers(5, 60)),
        st.tuples(
            st.just("rate"), st.integers(0, 2), st.sampled_from(["socks", "Socks", "stairs"]), st.integers(0, 10)
        ),
        st.tuples(st.just("round"), st.integers(0, 2)),
        st.tuples(
            st.just("deliver"),
            st.integers(0, 2),
            st.integers(0, 2),
            st.sampled_from(["whole", "whole", "cut", "twice", "conflict"]),
        ),
        st.tuples(st.just("wait"), st.integers(1, 6 * 3600)),
    ),
    min_size=5,
    max_size=30,
)


@pytest.mark.slow
@settings(
    max_examples=int(__import__("os").environ.get("SYNC_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    story=actions,
    skews=st.tuples(*[st.sampled_from([0.0, -90.0, 3600.0, -7200.0, 3 * 86400.0])] * 3),
    seed=st.integers(0, 2**16),
)
def test_three_machines_end_with_one_record(
    story: list[tuple],
    skews: tuple[float, float, float],
    seed: int,
    tmp_path_factory,
    seeded_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync_send, "COMPACT_BYTES", 1500)  # compaction happens within a story
    rng = random.Random(seed)
    root = tmp_path_factory.mktemp("three")
    machines = [Machine(name, root, seeded_template, skew) for name, skew in zip("abc", skews, strict=True)]
    try:
        for machine in machines:
            machine.use().sync.join(machine.folder, machine.name)
            machine.round()
        for action in story:
            kind, *args = action
            if kind == "deliver":
                source, target, how = args
                if source != target:
                    deliver(machines[source], machines[target], how, rng)
                    if how == "twice":
                        deliver(machines[source], machines[target], how, rng)
            elif kind == "wait":
                for machine in machines:
                    machine.clock.advance(args[0])
            else:
                machine, *rest = args
                getattr(machines[machine], kind)(*rest)
        everything_everywhere(machines, rng)

        exports = [machine.export() for machine in machines]
        assert exports[1] == exports[0] and exports[2] == exports[0]
        final = exports[0]
        here = {r["uuid"] for r in final["sessions"]} | {r["uuid"] for r in final["checkins"]}
        removed = {r["uuid"] for r in final["removed"]}
        for machine in machines:
            assert machine.made <= here | removed, machine.name  # nothing made anywhere is lost
        assert not (here & removed)
        for machine in machines:  # settled: nothing waits to go out or to come in, anywhere
            status = machine.use().sync.status()
            assert (status.unsent, [d.unread for d in status.devices], status.problems) == (0, [0, 0], []), machine.name
    finally:
        for machine in machines:
            machine.use().close()


# ---------------------------------------------------------------------- the rules, one by one


def test_an_edit_made_later_wins_and_a_removal_wins_over_older_edits(machines) -> None:
    a, b = machines(0.0, 0.0)
    a.checkin(3, "first")
    a.round()
    deliver(a, b, "whole", random.Random(1))
    b.round()
    uuid = next(iter(a.made))
    a.clock.advance(60)
    b.clock.advance(120)
    a.edit(0, "edited on a")
    b.edit(0, "edited on b, later")
    everything_everywhere([a, b], random.Random(1))
    assert [c.note for c in a.use().checkins.checkins()] == ["edited on b, later"]
    assert a.export() == b.export()

    a.clock.advance(60)
    b.clock.advance(60)
    a.remove(0)  # removed on a, while b (not yet told) had edited it earlier
    everything_everywhere([a, b], random.Random(1))
    assert b.use().checkins.checkins() == []
    assert [r["uuid"] for r in b.export()["removed"]] == [uuid]
    b.undo()  # an undo is a newer version: it comes back everywhere
    everything_everywhere([a, b], random.Random(1))
    assert [c.uuid for c in a.use().checkins.checkins()] == [uuid]
    assert a.export() == b.export()


def test_a_line_cut_mid_copy_waits_and_a_conflict_copy_or_a_second_delivery_adds_nothing(machines) -> None:
    a, b = machines(0.0, 0.0)
    for pain in (2, 3, 4):
        a.checkin(pain, "")
    a.round()
    log = next((a.folder / a.device).glob("log-*.jsonl"))
    data = log.read_bytes()
    target = b.folder / a.device
    target.mkdir(parents=True)
    cut = data.rindex(b"\n", 0, len(data) - 1) + 5  # inside the last change line
    (target / log.name).write_bytes(data[:cut])
    first = b.round()
    assert sum(first.received.values()) == 2 and not first.problems
    (target / log.name).write_bytes(data)
    assert sum(b.round().received.values()) == 1
    (target / log.name.replace(".jsonl", ".sync-conflict-20261204-101500-ABCDEFG.jsonl")).write_bytes(data)
    deliver(a, b, "twice", random.Random(0))
    again = b.round()
    assert sum(again.received.values()) == 0 and not again.problems
    assert len(b.use().checkins.checkins()) == 3


def test_a_newer_format_and_a_damaged_line_are_refused_in_one_line_and_the_rest_syncs(machines) -> None:
    a, b, c = machines(0.0, 0.0, 0.0)
    a.checkin(2, "from a")
    a.round()
    c.checkin(5, "from c")
    c.round()
    deliver(a, b, "whole", random.Random(0))
    newer = b.folder / c.device
    newer.mkdir()
    (newer / "log-000001.jsonl").write_text(
        json.dumps({"format": "stretchtui-sync", "format_version": 2, "device": c.device, "log": 1}) + "\n"
    )
    (b.folder / "shopping.txt").write_text("eggs\n")
    report = b.round()
    assert report.refused
    assert report.problems == [
        "shopping.txt: not a stretchtui sync file; left alone",
        f"{c.device}/log-000001.jsonl at byte 0: written by a newer stretchtui (sync format 2; this one reads "
        "up to 1): upgrade stretchtui here to take its changes",
    ]
    assert [x.note for x in b.use().checkins.checkins()] == ["from a"]

    deliver(c, b, "whole", random.Random(0))  # the right file now, but one line damaged in transit
    log = newer / "log-000001.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + b'{"at": "garbage"\n' + b"".join(lines[1:]))
    report = b.round()
    assert report.refused and len(report.problems) == 2 and "at byte" in report.problems[1]
    deliver(c, b, "whole", random.Random(0))
    assert not b.round().refused
    assert sorted(x.note for x in b.use().checkins.checkins()) == ["from a", "from c"]


def test_a_clock_far_ahead_is_reported_and_does_not_move_this_one(machines) -> None:
    a, b = machines(3 * 86400.0, 0.0)
    a.checkin(3, "from the future")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    report = b.round()
    assert any("a's clock is more than 10 minutes ahead" in line for line in report.problems)
    assert [c.note for c in b.use().checkins.checkins()] == ["from the future"]
    b.checkin(4, "made here after")
    b.round()
    stamps = [json.loads(line)["at"] for line in next((b.folder / b.device).glob("log-*")).read_text().splitlines()[1:]]
    assert Stamp.parse(stamps[-1]).wall_ms < (FROZEN_AT + timedelta(days=1)).timestamp() * 1000


def test_compaction_starts_a_new_generation_and_the_others_move_on(machines, monkeypatch) -> None:
    monkeypatch.setattr(sync_send, "COMPACT_BYTES", 800)
    a, b = machines(0.0, 0.0)
    a.checkin(1, "")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    for pain in range(8):
        a.clock.advance(60)
        a.edit(0, f"edit {pain}")
        a.round()
    names = sorted(p.name for p in (a.folder / a.device).glob("log-*"))
    assert names != ["log-000001.jsonl"] and len(names) == 1
    deliver(a, b, "whole", random.Random(0))
    b.round()
    assert a.export() == b.export()


def test_a_log_not_as_the_database_left_it_starts_a_new_generation(machines) -> None:
    """A crash in the middle of an append, or a database put back from a backup: the next round
    starts a new generation, and its stamps stay after every one the device gave before."""
    a, b = machines(0.0, 0.0)
    a.checkin(1, "")
    a.round()
    log = next((a.folder / a.device).glob("log-*"))
    with log.open("ab") as handle:
        handle.write(b'{"at":"000001')  # half a line
    a.clock.advance(60)
    a.checkin(2, "after the crash")
    a.round()
    assert [p.name for p in (a.folder / a.device).glob("log-*")] == ["log-000002.jsonl"]
    deliver(a, b, "whole", random.Random(0))
    b.round()
    assert a.export() == b.export()


def test_this_machines_own_settings_never_travel(machines) -> None:
    """The theme and the cues are how this machine looks and sounds (an export still carries them)."""
    a, b = machines(0.0, 0.0)
    for key, value in [("cue_sound", True), ("cue_bell", False), ("theme", "textual-light"), ("goal_minutes", 15)]:
        a.setting(key, value)
    everything_everywhere([a, b], random.Random(0))
    assert b.use().settings.get("goal_minutes") == 15
    assert [b.use().settings.get(key) for key in ("cue_sound", "cue_bell", "theme")] == [False, True, "textual-dark"]
    assert {"theme", "cue_bell"} <= set(a.use().exchange.export_bundle().settings)  # an export carries them


def test_a_session_running_here_is_left_alone_until_it_ends(machines) -> None:
    a, b = machines(0.0, 0.0)
    store = a.use()
    info = store.sessions.start_session("desk-break", "Desk Break", 120)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    assert [s["status"] for s in b.export()["sessions"]] == ["partial"]  # as an import takes it
    b.clock.advance(30)
    b.use().sessions.set_pain_after(b.use().db.execute_sql("SELECT id FROM session").fetchone()[0], 4)
    b.round()
    deliver(b, a, "whole", random.Random(0))
    a.round()
    assert a.use().sessions.session(info.id).status == SessionStatus.IN_PROGRESS
    a.use().sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=1)
    everything_everywhere([a, b], random.Random(0))
    assert [s["status"] for s in b.export()["sessions"]] == ["complete"]


def test_days_stay_as_written_across_zones(tmp_path: Path, seeded_template: Path) -> None:
    """A session at 23:30 in Tokyo belongs to that Tokyo day on a machine in New York too."""
    tokyo = Machine("a", tmp_path, seeded_template)
    tokyo.clock = FrozenClock(FROZEN_AT, "Asia/Tokyo")
    tokyo.store.close()
    tokyo.store = Store.open(tmp_path / "a.db", tokyo.clock)
    ny = Machine("b", tmp_path, seeded_template)
    ny.store.close()
    ny.clock = FrozenClock(FROZEN_AT, "America/New_York")
    ny.store = Store.open(tmp_path / "b.db", ny.clock)
    try:
        for machine in (tokyo, ny):
            machine.use().sync.join(machine.folder, machine.name)
        tokyo.session(2)
        everything_everywhere([tokyo, ny], random.Random(0))
        day = tokyo.export()["sessions"][0]["day"]
        assert ny.export()["sessions"][0]["day"] == day == "2026-11-21"
        from datetime import date

        on_tokyo = tokyo.use().history.streak_summary(date(2026, 11, 21))
        on_ny = ny.use().history.streak_summary(date(2026, 11, 21))
        assert on_tokyo.current == on_ny.current == 1 and on_tokyo.today_done and on_ny.today_done
    finally:
        tokyo.use().close()
        ny.use().close()


def test_joining_with_records_of_ones_own_keeps_both_and_the_folders_versions_win(machines) -> None:
    a, b = machines(0.0, 0.0)
    a.setting("goal_minutes", 15)
    a.checkin(3, "a's")
    a.round()
    b.use().sync.leave()
    b.setting("goal_minutes", 5)
    b.checkin(6, "b's, before joining")
    b.use().sync.join(b.folder, "b")
    b.round()
    deliver(a, b, "whole", random.Random(0))
    everything_everywhere([a, b], random.Random(0))
    assert sorted(c.note for c in a.use().checkins.checkins()) == ["a's", "b's, before joining"]
    assert a.export() == b.export()


# ---------------------------------------------------------------------- the clock and the lines


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**14), st.integers(0, 999_999), st.sampled_from(["0" * 16, "f" * 16, "0123456789abcdef"])
        ),
        min_size=2,
        max_size=10,
    )
)
def test_a_stamp_sorts_as_text_as_it_compares(parts: list[tuple[int, int, str]]) -> None:
    stamps = [Stamp(*p) for p in parts]
    assert sorted(stamps) == sorted(stamps, key=Stamp.text)
    assert all(Stamp.parse(s.text()) == s for s in stamps)


def test_the_clock_stamps_after_what_it_changes_and_ignores_a_clock_far_ahead() -> None:
    clock = HybridClock("a" * 16)
    first = clock.tick(FROZEN_AT)
    assert clock.tick(FROZEN_AT) > first  # same millisecond: the counter
    later_version = Stamp(first.wall_ms + 5000, 3, "b" * 16)
    assert clock.tick(FROZEN_AT, after=later_version) > later_version
    far = Stamp(int(FROZEN_AT.timestamp() * 1000) + MAX_AHEAD_MS + 1, 0, "c" * 16)
    assert clock.receive(far, FROZEN_AT) is False
    assert clock.tick(FROZEN_AT + timedelta(seconds=1)).wall_ms < far.wall_ms


def test_reading_takes_whole_lines_only() -> None:
    device = "0123456789abcdef"
    change = Change(Stamp(1, 0, device), "settings", "goal_minutes", 5)
    data = (header_line(device, 1) + change_line(change)).encode()
    assert read_log(data[:-1], offset=0, device=device, name="log").changes == []
    whole = read_log(data, offset=0, device=device, name="log")
    assert whole.changes == [change] and whole.end == len(data)
    assert read_log(b"", offset=len(data), device=device, name="log").end == len(data)
    other = read_log(data, offset=0, device="f" * 16, name="log")
    assert other.changes == [] and "another" in (other.problem or "")


def test_ago_says_how_long() -> None:
    assert [ago(FROZEN_AT - timedelta(seconds=s), FROZEN_AT) for s in (5, 125, 7200, 4 * 86400, -60)] == [
        "just now",
        "2 min ago",
        "2 h ago",
        "4 days ago",
        "just now",
    ]


def test_a_folder_of_other_files_is_not_taken_over(tmp_path: Path, seeded_template: Path) -> None:
    machine = Machine("a", tmp_path, seeded_template)
    try:
        taken = tmp_path / "Documents"
        taken.mkdir()
        (taken / "thesis.tex").write_text("x")
        with pytest.raises(UserError, match="already holds other files"):
            machine.use().sync.join(taken)
        assert machine.use().sync.config() is None
        missing_later = tmp_path / "usb"
        machine.use().sync.join(missing_later)
        shutil.rmtree(missing_later)
        with pytest.raises(UserError, match="is not there"):
            machine.round()
    finally:
        machine.use().close()


def test_a_database_put_back_from_a_backup_takes_back_what_it_had_sent(
    machines, tmp_path: Path, seeded_template: Path
) -> None:
    """What this machine sent after the backup was taken is in the others' records, and in no log
    they would send again: the machine reads it back from its own log, and a machine that joins
    later still gets everything (from the new generation's snapshot)."""
    import sqlite3

    a, b = machines(0.0, 0.0)
    a.checkin(2, "before the backup")
    a.round()
    backup = tmp_path / "backup.db"
    with sqlite3.connect(a.store.path) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    a.clock.advance(60)
    a.checkin(5, "after the backup")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    path = a.store.path
    a.use().close()
    from stretchtui.store.maintenance import restore

    restore(path, backup, a.clock)
    a.store = Store.open(path, a.clock)
    assert [c.note for c in a.use().checkins.checkins()] == ["before the backup"]
    a.clock.advance(60)
    a.round()
    assert sorted(c.note for c in a.use().checkins.checkins()) == ["after the backup", "before the backup"]
    assert [p.name for p in (a.folder / a.device).glob("log-*")] == ["log-000002.jsonl"]
    late = Machine("c", tmp_path, seeded_template)
    try:
        late.use().sync.join(late.folder, "c")
        late.round()
        deliver(a, late, "whole", random.Random(0))
        late.round()
        assert late.export()["checkins"] == a.export()["checkins"] == b.export()["checkins"]
    finally:
        late.use().close()


# ---------------------------------------------------------------------- care safety across machines


def _answers(store: Store) -> dict:
    return store.settings.get("safety_answers") or {}


def test_a_warning_sign_answered_on_one_machine_is_not_undone_by_a_clear_answer_made_elsewhere_unseen(
    machines,
) -> None:
    """The laptop answers "yes" to a warning sign; the work box, not yet told, answers the
    questions again as clear, later by the clock. Neither saw the other's answer: both keep the
    "yes" (and both conditions listed), and the suggestions stay blocked on both."""
    a, b = machines(0.0, 0.0)
    _yes_then_an_unseen_no(a, b, "fever", 3600, ("pregnancy", "osteoporosis"))
    everything_everywhere([a, b], random.Random(0))
    for machine in (a, b):
        store = machine.use()
        assert _answers(store).get("fever") is True, machine.name
        assert sorted(store.settings.get("conditions")) == ["osteoporosis", "pregnancy"], machine.name
    assert a.export()["settings"] == b.export()["settings"]

    b.clock.advance(60)  # now b has seen the "yes": taking it back is an ordinary edit
    b.use().safety.save_safety(answers={"fever": False}, conditions=[])
    everything_everywhere([a, b], random.Random(0))
    assert _answers(a.use()).get("fever") is False and a.use().settings.get("conditions") == []


def test_a_flare_day_stands_over_a_rest_day_made_for_the_same_day_elsewhere(machines) -> None:
    a, b = machines(0.0, 0.0)
    day = a.use().checkins.stamp().day - timedelta(days=1)
    a.use().corrections.set_day_mark(day, MarkKind.FLARE, force=True)
    a.round()
    b.clock.advance(600)  # later by the clock, but made without seeing the flare day
    b.use().corrections.set_day_mark(day, MarkKind.REST, force=True)
    b.round()
    everything_everywhere([a, b], random.Random(0))
    assert [m["kind"] for m in a.export()["day_marks"]] == ["flare"]
    assert a.export()["day_marks"] == b.export()["day_marks"]


def test_a_version_this_machine_cannot_take_leaves_the_one_here_as_it_was(machines) -> None:
    """A newer version of a check-in that fails the import's checks (damaged, or from a version
    with other rules) is refused in one line; the check-in here is not lost with it."""
    a, b = machines(0.0, 0.0)
    a.checkin(3, "as it was")
    everything_everywhere([a, b], random.Random(0))
    log = next((a.folder / a.device).glob("log-*"))
    lines = log.read_text().splitlines()
    change = json.loads(next(line for line in lines if '"kind":"checkins"' in line))
    stamp = Stamp.parse(change["at"])
    change["at"] = Stamp(stamp.wall_ms + 1000, 0, stamp.device).text()
    change["record"]["pains"][0]["pain"] = 99
    with log.open("a") as handle:
        handle.write(json.dumps(change) + "\n")
    deliver(a, b, "whole", random.Random(0))
    report = b.round()
    assert report.refused and len(report.problems) == 1 and "pain" in report.problems[0]
    assert [c.note for c in b.use().checkins.checkins()] == ["as it was"]


def test_a_check_in_edited_elsewhere_while_its_session_was_removed_here_comes_without_the_link(machines) -> None:
    a, b = machines(0.0, 0.0)
    a.session(1)
    store = a.use()
    session_id = store.db.execute_sql("SELECT id FROM session").fetchone()[0]
    made = store.checkins.add_checkin([PainEntry(Region.NECK, 2)], note="after", session_id=session_id)
    everything_everywhere([a, b], random.Random(0))
    a.clock.advance(60)
    b.clock.advance(120)
    a.remove(0 if a.use().corrections.entries()[0].kind is EntryKind.SESSION else 1)
    b.use().corrections.update_checkin(
        made.uuid, CheckinAnswers([PainEntry(Region.NECK, 4)], sitting_hours=None, note="edited")
    )
    everything_everywhere([a, b], random.Random(0))
    for machine in (a, b):
        checkins = machine.export()["checkins"]
        assert [(c["note"], c["session_uuid"]) for c in checkins] == [("edited", None)], machine.name
    assert a.export() == b.export()


def test_a_routine_that_arrives_before_its_own_exercise_waits_for_it(machines) -> None:
    """A makes an exercise, B a routine with it; C hears from B first (a sync tool's order). The
    routine is left out once, said once, kept, and goes in the round the exercise arrives."""
    from stretchtui.core.model import Routine, RoutineItem
    from stretchtui.core.vocabulary import Origin

    a, b, c = machines(0.0, 0.0, 0.0)
    a.exercise(20)
    everything_everywhere([a, b], random.Random(0))  # c hears nothing yet
    store = b.use()
    mine = next(e for e in store.library.exercises() if e.origin is Origin.USER)
    store.library.save_routine(
        Routine(id="", name="Mine", items=(RoutineItem(mine.id), RoutineItem("cat-cow")), origin=Origin.USER)
    )
    b.round()
    deliver(b, c, "whole", random.Random(0))
    first = c.round()
    assert first.refused and any("routines" in line for line in first.problems)
    assert [why for why in c.use().sync.status().problems if "left out for now" in why]  # --status says it waits
    again = c.round()
    assert not again.refused and again.problems == []  # quietly waiting
    deliver(a, c, "whole", random.Random(0))
    c.round()
    assert [r.name for r in c.use().library.routines() if r.origin is Origin.USER] == ["Mine"]
    assert c.use().sync.status().problems == []
    everything_everywhere([a, b, c], random.Random(0))
    assert a.export() == b.export() == c.export()


def test_a_removal_made_while_not_syncing_is_stamped_when_it_was_made(machines) -> None:
    """B leaves, removes a check-in, joins again: its removal carries the time it was made, so it
    wins over the older version the folder has (gone on both), and loses to an edit made
    elsewhere after it (back on both). Never gone on one machine only."""
    a, b = machines(0.0, 0.0)
    a.checkin(3, "shared")
    a.checkin(4, "edited later on a")
    everything_everywhere([a, b], random.Random(0))
    b.use().sync.leave()
    b.clock.advance(60)
    b.remove(0)
    b.remove(0)
    a.clock.advance(120)
    keep = next(c for c in a.use().checkins.checkins() if c.note == "edited later on a")
    a.use().corrections.update_checkin(
        keep.uuid, CheckinAnswers([PainEntry(Region.NECK, 5, "")], sitting_hours=1, note="edited")
    )
    b.use().sync.join(b.folder, "b")
    b.round()
    everything_everywhere([a, b], random.Random(0))
    assert a.export()["checkins"] == b.export()["checkins"]
    assert [c["note"] for c in a.export()["checkins"]] == ["edited"]


def test_a_removal_from_elsewhere_leaves_a_session_running_here_alone(machines) -> None:
    a, b = machines(0.0, 0.0)
    info = a.use().sessions.start_session("desk-break", "Desk Break", 120)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    b.remove(0)  # the partial copy, removed on b
    b.round()
    deliver(b, a, "whole", random.Random(0))
    a.round()
    assert a.use().sessions.session(info.id).status == SessionStatus.IN_PROGRESS
    a.clock.advance(60)
    a.use().sessions.finish_session(info.id, SessionStatus.COMPLETE, pain_after=1)
    everything_everywhere([a, b], random.Random(0))
    assert [s["status"] for s in b.export()["sessions"]] == ["complete"]  # the finished version is newer


def test_editing_a_record_from_a_clock_far_ahead_does_not_move_this_clock(machines) -> None:
    a, b = machines(3 * 86400.0, 0.0)
    a.setting("goal_minutes", 15)
    everything_everywhere([a, b], random.Random(0))
    b.clock.advance(60)
    b.setting("goal_minutes", 20)  # stamped after a's future version: it is an edit of it
    b.checkin(2, "an ordinary change")
    b.round()
    stamps = {
        json.loads(line)["kind"]: Stamp.parse(json.loads(line)["at"])
        for line in next((b.folder / b.device).glob("log-*")).read_text().splitlines()[1:]
    }
    assert stamps["settings"].wall_ms > (FROZEN_AT + timedelta(days=2)).timestamp() * 1000
    assert stamps["checkins"].wall_ms < (FROZEN_AT + timedelta(days=1)).timestamp() * 1000
    everything_everywhere([a, b], random.Random(0))
    assert a.use().settings.get("goal_minutes") == 20


def test_a_database_from_migration_10_gains_what_sync_added_since(tmp_path: Path, seeded_template: Path) -> None:
    """Main had migration 10 (sync) for a day before the changes waiting and the replaced
    version's stamp: migration 11 adds them to such a database, keeping its sync state."""
    import sqlite3

    machine = Machine("a", tmp_path, seeded_template)
    machine.use().sync.join(machine.folder, "a")
    machine.round()
    path = machine.store.path
    machine.use().close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE sync_pending")
        conn.execute("ALTER TABLE sync_state DROP COLUMN base")
        conn.execute("PRAGMA user_version = 10")
    machine.store = Store.open(path, machine.clock)
    try:
        machine.checkin(2, "after the upgrade")
        assert machine.round().sent == 1
        columns = {row[1] for row in machine.use().db.execute_sql("PRAGMA table_info(sync_state)").fetchall()}
        assert "base" in columns and machine.use().db.execute_sql("SELECT count(*) FROM sync_pending").fetchone() == (
            0,
        )
    finally:
        machine.use().close()


# ---------------------------------------------------------------------- from the outside pass


def test_text_from_the_folder_never_reaches_the_terminal_raw(machines) -> None:
    """A device name, a file name: whatever another writer of the folder put there is shown with
    its control characters escaped (an ESC would clear the screen or set the title)."""
    a, b = machines(0.0, 0.0)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    info = json.loads((b.folder / a.device / "device.json").read_text())
    info["name"] = "\x1b[2J\x1b]0;pwned\x07lap\u202etop"
    (b.folder / a.device / "device.json").write_text(json.dumps(info))
    (b.folder / "evil\x1b[31m.txt").write_text("x")
    a.checkin(2, "")
    a.round()
    (b.folder / a.device / next((a.folder / a.device).glob("log-*")).name).write_bytes(
        next((a.folder / a.device).glob("log-*")).read_bytes()
    )
    report = b.round()
    shown = " ".join(report.lines()) + " ".join(d.name for d in b.use().sync.status().devices)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\x1b[2J" in shown and "\\u202e" in shown


def test_a_stamp_at_the_end_of_time_cannot_block_a_log() -> None:
    """A record last stamped at the largest stamp there is: an edit of it still has a stamp every
    machine reads (the counter never grows past its six digits; a wall time after 9999 is refused)."""
    last = Stamp.parse(f"{253402300799998:015d}.999999.{'b' * 16}")
    edit = HybridClock("a" * 16).tick(FROZEN_AT, after=last)
    assert edit > last and Stamp.parse(edit.text()) == edit
    near = Stamp(1_800_000_000_000, 999_999, "b" * 16)
    after = HybridClock("a" * 16).tick(FROZEN_AT, after=near)
    assert after > near and Stamp.parse(after.text()) == after
    end = Stamp.parse(f"{253402300799999:015d}.999999.{'0' * 16}")
    at_the_end = HybridClock("a" * 16).tick(FROZEN_AT, after=end)
    assert at_the_end >= end and Stamp.parse(at_the_end.text()) == at_the_end  # readable: no log blocked
    with pytest.raises(ValueError, match="after the year 9999"):
        Stamp.parse(f"{999999999999999:015d}.000000.{'b' * 16}")


def test_a_stray_newer_generation_does_not_stop_a_device_for_good(machines) -> None:
    a, b = machines(0.0, 0.0)
    a.checkin(1, "before")
    everything_everywhere([a, b], random.Random(0))
    stray = a.folder / a.device / "log-999999.jsonl"
    stray.write_text(
        json.dumps({"format": "stretchtui-sync", "format_version": 1, "device": a.device, "log": 999999}) + "\n"
    )
    a.clock.advance(60)
    a.checkin(2, "after the stray file")
    a.round()  # not the log this database left: a new generation after every one there is
    assert [p.name for p in (a.folder / a.device).glob("log-*")] == ["log-1000000.jsonl"]
    everything_everywhere([a, b], random.Random(0))
    assert sorted(c.note for c in b.use().checkins.checkins()) == ["after the stray file", "before"]


def test_another_version_of_a_log_read_part_way_is_read_again_from_the_top(machines) -> None:
    """The cursor is a byte offset: if another version of the file arrives (a copied database,
    a sync tool picking the other copy), the offset is not at a line's end; the file is read again
    from the top (taking a change twice does nothing), never refused at a half line for good."""
    a, b = machines(0.0, 0.0)
    for pain in (1, 2, 3):
        a.checkin(pain, f"note {pain}")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    log = b.folder / a.device / next((a.folder / a.device).glob("log-*")).name
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(
        lines[0]
        + lines[2].replace("note", "another version of note")
        + lines[1]
        + "".join(lines[3:])
        + lines[1].replace('"pain":1', '"pain":1 ')
    )
    report = b.round()
    assert not any("not a JSON line" in line for line in report.problems)


def test_a_round_on_a_database_that_does_not_sync_leaves_nothing_behind(tmp_path: Path, seeded_template: Path) -> None:
    from stretchtui.core.sync_status import NotSyncing

    machine = Machine("a", tmp_path, seeded_template)
    try:
        before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(NotSyncing):
            machine.round()
        assert sorted(p.name for p in tmp_path.iterdir()) == before  # no .sync-lock, no .sync-note
    finally:
        machine.use().close()


def test_one_rest_day_changed_to_flare_on_one_machine_and_back_on_the_other_ends_the_same(machines) -> None:
    """The same mark (one UUID) edited on both machines is one record: the newer version stands
    everywhere (found by the two-machine rsync test: 'flare beats rest' was weighed against itself)."""
    a, b = machines(0.0, 0.0)
    day = a.use().checkins.stamp().day - timedelta(days=1)
    a.use().corrections.set_day_mark(day, MarkKind.REST, force=True)
    everything_everywhere([a, b], random.Random(0))
    b.clock.advance(30)
    b.use().corrections.set_day_mark(day, MarkKind.FLARE, force=True)
    b.round()
    deliver(b, a, "whole", random.Random(0))
    a.clock.advance(60)
    a.round()
    a.use().corrections.set_day_mark(day, MarkKind.REST, force=True)  # back to rest, after seeing the flare
    everything_everywhere([a, b], random.Random(0))
    assert [m["kind"] for m in a.export()["day_marks"]] == ["rest"]
    assert a.export()["day_marks"] == b.export()["day_marks"]


# ---------------------------------------------------------------------- what the outside pass found


def _log(machine: Machine, of: Machine) -> Path:
    """`of`'s newest log in `machine`'s copy of the folder."""
    return max((machine.folder / of.device).glob("log-*"))


def _a_check_in_as_b_holds_it(a: Machine, b: Machine, note: str) -> tuple[Path, str]:
    """`a` checks in and syncs; b's copy of a's log, and its last line (to forge from)."""
    a.checkin(2, note)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    log = _log(b, a)
    return log, log.read_text().splitlines()[-1]


def _forged(line: str, **changes: object) -> str:
    value = json.loads(line)
    value.update(changes)
    return json.dumps(value, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("version", ["same length", "shorter"])
def test_another_version_of_a_log_is_noticed_whatever_its_length(machines, version: str) -> None:
    """The cursor keeps a mark of the line it stopped after: another version of the file (a copy
    of the database writing the same log elsewhere, a sync tool choosing the other copy) is read
    again from the top even where the cursor happens to fall at a line's end, or past the end."""
    import uuid

    a, b = machines(0.0, 0.0)
    a.checkin(1, "note 1")
    a.checkin(2, "note 2")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    log = _log(b, a)
    head, first, second = log.read_text().splitlines(keepends=True)
    other = str(uuid.uuid4())
    record = {**json.loads(second)["record"], "uuid": other, "note": "note X"}
    forged = _forged(second, key=other, record=record)
    if version == "same length":
        assert len(forged) == len(second)
        log.write_text(head + first + forged)
    else:
        log.write_text(head + forged)
    report = b.round()
    said = any("not the version read before" in line for line in report.problems)
    assert said is (version == "same length")  # a shorter file is most likely being copied: quietly
    assert "note X" in {c.note for c in b.use().checkins.checkins()}
    assert b.round().problems == []  # read once: the cursor follows the version there now


def test_a_log_header_is_checked_on_every_read_not_only_the_first(machines) -> None:
    """A header rewritten by a newer version, or another device's files copied under this
    device's name, are refused in one line however far the file was read before."""
    a, b, c = machines(0.0, 0.0, 0.0)
    a.checkin(1, "")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.round()
    a.checkin(2, "")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    log = _log(b, a)
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(lines[0].replace('"format_version":1', '"format_version":2') + "".join(lines[1:]))
    report = b.round()
    assert report.refused and any("newer stretchtui" in line for line in report.problems)
    assert len(b.use().checkins.checkins()) == 1  # the line after the cursor waits for the upgrade
    # the folder of a, swapped for c's files: left alone, and said
    c.checkin(3, "c's")
    c.round()
    shutil.rmtree(b.folder / a.device)
    shutil.copytree(c.folder / c.device, b.folder / a.device)
    report = b.round()
    assert report.refused and any("holds the files of device" in line for line in report.problems)
    assert not report.received


def test_a_change_is_counted_for_the_device_whose_log_brought_it(machines) -> None:
    """A new generation's snapshot carries other devices' stamps, and anyone who can write the
    folder can write any stamp: the round counts a change for the log it came from."""
    import uuid

    a, b = machines(0.0, 0.0)
    log, last = _a_check_in_as_b_holds_it(a, b, "")
    other = str(uuid.uuid4())
    record = {**json.loads(last)["record"], "uuid": other}
    stamp = Stamp.parse(json.loads(last)["at"])
    with log.open("a") as handle:
        handle.write(_forged(last, key=other, record=record, at=Stamp(stamp.wall_ms + 5, 0, "f" * 16).text()))
        handle.write(_forged(last, key=str(uuid.uuid4()), record={**record, "pain": [{"region": "x"}]}))
    report = b.round()
    assert report.received == {"a": 2}  # two taken (the refused one is not counted), both from a
    assert report.refused


def test_a_clock_put_right_after_running_ahead_stamps_by_the_time_now_and_says_so_once(machines) -> None:
    """A machine whose clock ran years ahead, then was put right: its later changes carry the
    time now (each later than the one before), the round says so once, and the other machines
    stop warning about its clock."""
    a, b = machines(0.0, 0.0)
    a.clock.advance(5 * 365 * 86400)
    a.checkin(1, "in the future")
    a.round()
    a.clock.advance(-5 * 365 * 86400 + 60)  # put right
    b.clock.advance(60)
    a.checkin(2, "first after")
    a.rest(0)
    first = a.round()
    said = [line for line in first.problems if "has been put right" in line]
    assert len(said) == 1
    a.checkin(3, "second after")
    assert not any("put right" in line for line in a.round().problems)
    lines = _log(a, a).read_text().splitlines()[1:]
    stamps = [Stamp.parse(json.loads(line)["at"]) for line in lines]
    later = stamps[1:]
    assert all(s.wall_ms < (FROZEN_AT + timedelta(days=1)).timestamp() * 1000 for s in later)
    assert later == sorted(later) and len(set(later)) == len(later)  # strictly increasing
    deliver(a, b, "whole", random.Random(0))
    b.round()  # the future check-in: warned once
    a.checkin(4, "third after")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    last = b.round().problems
    assert not any("ahead" in line for line in last), last


def test_the_clock_clamps_a_last_stamp_far_ahead_and_stays_strictly_increasing() -> None:
    now = FROZEN_AT
    far = Stamp(int((now + timedelta(days=400)).timestamp() * 1000), 3, "a" * 16)
    clock = HybridClock("a" * 16, far)
    stamps = [clock.tick(now) for _ in range(3)]
    assert clock.clamped == far
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(s.wall_ms <= now.timestamp() * 1000 for s in stamps)
    edit = clock.tick(now, after=far)  # an edit of the record stamped in the future is still after it
    assert edit > far


def test_this_machines_files_in_the_folder_are_made_private_again(machines) -> None:
    import os
    import stat

    a, _b = machines(0.0, 0.0)
    own = a.folder / a.device
    for path in own.iterdir():
        path.chmod(0o644)
    own.chmod(0o755)
    a.checkin(2, "private")
    report = a.round()
    assert any("made private" in line for line in report.problems)
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in own.iterdir()} == {0o600}
    assert not any("made private" in line for line in a.round().problems)  # said when it happens
    (own / "kept").mkdir(mode=0o755)  # a folder someone made in it stays a folder that opens
    a.round()
    assert stat.S_IMODE((own / "kept").stat().st_mode) == 0o700
    os.symlink("/etc/hostname", own / ".link")  # a link in it is never followed
    a.round()
    assert stat.S_IMODE(Path("/etc/hostname").stat().st_mode) != 0o600 or os.getuid() == 0


def test_doctor_checks_the_sync_folder_and_fix_makes_it_private(machines) -> None:
    import stat

    from stretchtui.store.doctor import doctor
    from stretchtui.store.doctor_check import FIXED, OK, PROBLEM

    a, b = machines(0.0, 0.0)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    arrived = b.folder / a.device / "device.json"
    arrived.chmod(0o644)

    def sync_check(fix: bool = False):
        return next(c for c in doctor(b.store.path, b.clock, fix=fix) if c.subject == "sync folder")

    found = sync_check()
    assert found.level == PROBLEM and "device.json" in found.detail and "doctor --fix" in found.remedy
    assert sync_check(fix=True).level == FIXED
    assert stat.S_IMODE(arrived.stat().st_mode) == 0o600
    assert sync_check().level == OK
    git = b.folder / ".git" / "objects"  # a git transport's own files (0444 objects) are not ours to judge
    git.mkdir(parents=True)
    (git / "ab").write_text("x")
    (git / "ab").chmod(0o444)
    assert sync_check().level == OK


def test_doctor_fix_says_what_it_could_not_change(machines, monkeypatch) -> None:
    import os

    from stretchtui.store.doctor import doctor
    from stretchtui.store.doctor_check import PROBLEM

    a, b = machines(0.0, 0.0)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    (b.folder / a.device / "device.json").chmod(0o644)

    def refused(fd: int, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", refused)
    check = next(c for c in doctor(b.store.path, b.clock, fix=True) if c.subject == "sync folder")
    assert check.level == PROBLEM and "device.json" in check.detail


def test_a_log_rewritten_by_someone_else_twice_asks_whether_the_database_is_used_twice(machines) -> None:
    """The same database on two machines (copied, then both synced): each rewrites the other's
    log. Once reads as a backup put back or a crash, and says what was read back; again within a
    week, the round asks whether a copy of this database is used elsewhere."""
    a, _b = machines(0.0, 0.0)
    own = a.folder / a.device

    def rewrite_by_another_copy(note: str) -> None:
        log = max(own.glob("log-*"))
        last = log.read_text().splitlines()[-1]
        import uuid

        other = str(uuid.uuid4())
        record = {**json.loads(last)["record"], "uuid": other, "note": note}
        with log.open("a") as handle:
            handle.write(_forged(last, key=other, record=record, at=Stamp.parse(json.loads(last)["at"]).text()))

    a.checkin(1, "")
    a.round()
    rewrite_by_another_copy("from the copy")
    a.clock.advance(60)
    first = a.round()
    assert first.recovered == 1 and "took back 1 change from this machine's own log" in first.lines()[0]
    assert any("not as this database left it" in line for line in first.problems)
    a.checkin(2, "")
    a.round()
    rewrite_by_another_copy("from the copy again")
    a.clock.advance(3600)
    again = a.round()
    assert any("also used on another machine" in line for line in again.problems)
    assert {"from the copy", "from the copy again"} <= {c.note for c in a.use().checkins.checkins()}


def test_a_conflict_copy_of_a_device_file_is_passed_over(machines) -> None:
    a, b = machines(0.0, 0.0)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    (b.folder / a.device / "device.sync-conflict-20261204-101500-ABCDEFG.json").write_text("{}")
    assert b.round().problems == []


def test_reading_back_a_few_records_by_uuid_gives_what_the_whole_read_gives(machines) -> None:
    """A round reads back only the records it changed (store.exporting: `uuids`); each is the same
    as the whole section gives it, and a section keyed otherwise (settings) still comes whole."""
    from stretchtui.store.sync_records import current_records

    a, _b = machines(0.0, 0.0)
    for pain in range(5):
        a.checkin(pain, f"n{pain}")
    a.session(2)
    a.rest(1)
    whole = dict(current_records(a.use().db))
    wanted = [key for key in whole if key[0] in ("checkins", "sessions", "day_marks")][::2]
    some = dict(current_records(a.use().db, {kind for kind, _ in wanted} | {"settings"}, uuids={k for _, k in wanted}))
    assert {key: some[key] for key in wanted} == {key: whole[key] for key in wanted}
    assert {key for key in some if key[0] != "settings"} == set(wanted)
    assert {key for key in some if key[0] == "settings"} == {key for key in whole if key[0] == "settings"}


def test_a_cautious_merge_that_changes_nothing_here_still_goes_out_and_nothing_waits(machines) -> None:
    """Both machines answered the safety questions before joining (stamped at zero): the merge
    is the answer already here, so nothing is written, yet it is a change to send; after a full
    exchange `sync --status` has nothing waiting on either machine."""
    a, b = machines(0.0, 0.0)
    for machine in (a, b):
        machine.use().sync.leave()
        machine.safety(False, "")
    for machine in (a, b):
        machine.use().sync.join(machine.folder, machine.name)
        machine.round()
    everything_everywhere([a, b], random.Random(0))
    assert [a.use().sync.status().unsent, b.use().sync.status().unsent] == [0, 0]
    assert _answers(a.use()) == _answers(b.use())


@pytest.mark.parametrize("whose", ["this machine's, put right since", "the other machine's, still ahead"])
def test_removing_an_entry_made_by_a_clock_ahead_removes_it_everywhere(machines, whose: str) -> None:
    """A removal is stamped after the version it removes, as an edit is: an entry stamped by a
    clock 15 minutes ahead (this machine's before it was put right, or the other machine's) is
    still removed on every machine, and no clock is blamed for it."""
    a, b = machines(0.0, 0.0)
    maker = a if whose.startswith("this") else b
    maker.clock.advance(15 * 60)
    maker.checkin(6, "typo")
    if maker is a:
        a.round()
        a.clock.advance(-15 * 60 + 1)
    everything_everywhere([a, b], random.Random(0))
    assert len(b.use().checkins.checkins()) == len(a.use().checkins.checkins()) == 1
    a.remove(0)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    report = b.round()
    assert not any("ahead" in line for line in report.problems) or maker is b
    everything_everywhere([a, b], random.Random(0))
    assert a.use().checkins.checkins() == [] and b.use().checkins.checkins() == []
    assert a.export() == b.export()


@pytest.mark.parametrize("what", ["link to /dev/zero", "pipe", "huge line"])
def test_a_log_that_is_no_regular_file_or_holds_a_huge_line_is_left_alone_in_one_line(
    machines, monkeypatch, what: str
) -> None:
    """A link, a pipe or a line longer than a read window where a log should be: never followed,
    never blocking, never loaded whole; one line, and the rest of the folder syncs."""
    import os

    from stretchtui.store import sync_folder

    monkeypatch.setattr(sync_folder, "READ_BYTES", 4096)
    a, b, c = machines(0.0, 0.0, 0.0)
    for machine in (a, c):
        machine.checkin(2, machine.name)
        machine.round()
        deliver(machine, b, "whole", random.Random(0))
    stray = b.folder / a.device / "log-000002.jsonl"
    if what == "pipe":
        os.mkfifo(stray)
    elif what.startswith("link"):
        stray.symlink_to("/dev/zero")
    else:
        head = json.dumps({"format": "stretchtui-sync", "format_version": 1, "device": a.device, "log": 2})
        stray.write_text(head + "\n" + "x" * 10_000)
    reports = [b.round(), b.round()]
    said = [line for report in reports for line in report.problems if "log-000002.jsonl" in line]
    assert said and all("left alone" in line for line in said)
    assert reports[-1].refused
    assert "c" in {ch.note for ch in b.use().checkins.checkins()}  # the rest of the folder synced
    status = b.use().sync.status()  # never blocks either
    assert any("log-000002.jsonl" in line for line in status.problems)


def test_a_device_file_that_is_a_pipe_or_nested_beyond_reading_stops_nothing(machines) -> None:
    import os

    a, b = machines(0.0, 0.0)
    a.checkin(2, "arrives")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    device_file = b.folder / a.device / "device.json"
    device_file.write_text("[" * 30_000 + "]" * 30_000)  # too deep for json: the name waits, the log is read
    assert [c.note for c in b.use().checkins.checkins()] == [] and sum(b.round().received.values()) == 1
    device_file.write_text("[" * 100_000 + "]" * 100_000)  # too big: said, and the log still read
    a.checkin(3, "arrives too")
    a.round()
    (b.folder / a.device / "log-000001.jsonl").write_bytes((a.folder / a.device / "log-000001.jsonl").read_bytes())
    report = b.round()
    assert sum(report.received.values()) == 1 and any("over 64 KB" in line for line in report.problems)
    device_file.unlink()
    os.mkfifo(device_file)
    report = b.round()
    assert any("device.json" in line and "left alone" in line for line in report.problems)
    b.use().sync.status()


@pytest.mark.parametrize(
    ("key", "value"),
    [("safety_answers", {"saddle": "yes"}), ("safety_answers", "yes"), ("conditions", ["\x1b[2J"]), ("nope", 1)],
)
def test_a_setting_from_the_log_is_checked_as_an_import_checks_it(machines, key: str, value: object) -> None:
    """A hand-made or damaged settings line: refused in one line, kept waiting, and the safety
    answer here (a "yes") stays as it was; never read as "unanswered"."""
    from stretchtui.core.safety import State

    a, b = machines(0.0, 0.0)
    a.use().safety.save_safety(answers={"saddle": True}, conditions=[])
    everything_everywhere([a, b], random.Random(0))
    assert b.use().safety.safety_check().state is State.URGENT
    log = _log(b, a)
    last = Stamp.parse(json.loads(log.read_text().splitlines()[-1])["at"])
    line = {"at": Stamp(last.wall_ms + 10, 0, a.device).text(), "kind": "settings", "key": key, "record": value}
    with log.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    report = b.round()
    assert report.refused and any(key in problem for problem in report.problems)
    assert b.use().safety.safety_check().state is State.URGENT
    assert b.use().sync.status().problems  # waits, and says why


def test_a_change_whose_key_is_not_its_records_own_is_refused(machines) -> None:
    import uuid

    a, b = machines(0.0, 0.0)
    log, last = _a_check_in_as_b_holds_it(a, b, "real")
    with log.open("a") as handle:
        handle.write(_forged(last, key=str(uuid.uuid4()), at=Stamp.parse(json.loads(last)["at"]).text()))
    report = b.round()
    assert report.refused and any("not the record's own" in line for line in report.problems)
    assert [c.note for c in b.use().checkins.checkins()] == ["real"]


def test_two_versions_with_one_stamp_end_the_same_everywhere_whichever_came_first(machines) -> None:
    """Two copies of one database give one stamp to two versions of a check-in: machines that
    take them in either order keep the same one, and say so once."""
    a, b, c = machines(0.0, 0.0, 0.0)
    a.checkin(2, "first")
    a.round()
    original = _log(a, a).read_bytes()
    lines = original.decode().splitlines(keepends=True)
    other = lines[-1].replace('"note":"first"', '"note":"other"')
    assert other != lines[-1]
    twin = ("".join(lines[:-1]) + other).encode()
    for machine, versions in ((b, (original, twin)), (c, (twin, original))):
        target = machine.folder / a.device / _log(a, a).name
        target.parent.mkdir(exist_ok=True)
        said = []
        for version in versions:
            target.write_bytes(version)
            said += [line for line in machine.round().problems if "two versions with one stamp" in line]
        assert len(said) == 1, machine.name
    assert [ch.note for ch in b.use().checkins.checkins()] == [ch.note for ch in c.use().checkins.checkins()]


def test_two_safety_answers_with_one_stamp_keep_the_yes_everywhere(machines) -> None:
    """The same with a safety answer: whichever came first, the "yes" stays on every machine."""
    from stretchtui.core.safety import State

    a, b, c = machines(0.0, 0.0, 0.0)
    a.use().safety.save_safety(answers={"saddle": True}, conditions=[])
    a.round()
    original = _log(a, a).read_bytes()
    lines = original.decode().splitlines(keepends=True)
    index = max(i for i, line in enumerate(lines) if '"key":"safety_answers"' in line)
    twin_line = lines[index].replace('"saddle":true', '"saddle":false')
    assert twin_line != lines[index]
    twin = "".join(lines[:index] + [twin_line] + lines[index + 1 :]).encode()
    for machine, versions in ((b, (original, twin)), (c, (twin, original))):
        target = machine.folder / a.device / _log(a, a).name
        target.parent.mkdir(exist_ok=True)
        for version in versions:
            target.write_bytes(version)
            machine.round()
        assert machine.use().safety.safety_check().state is State.URGENT, machine.name


def test_a_stray_newer_generation_in_a_readers_copy_hides_nothing(machines) -> None:
    """An empty `log-999999.jsonl` in the reader's copy of a device's folder, while that device
    goes on appending to its real log: every generation there is read, so nothing is hidden."""
    a, b = machines(0.0, 0.0)
    a.checkin(1, "before")
    everything_everywhere([a, b], random.Random(0))
    (b.folder / a.device / "log-999999.jsonl").write_text(
        json.dumps({"format": "stretchtui-sync", "format_version": 1, "device": a.device, "log": 999999}) + "\n"
    )
    for note in ("one", "two"):
        a.checkin(2, note)
        a.round()
        (b.folder / a.device / _log(a, a).name).write_bytes(_log(a, a).read_bytes())
        assert b.round().received == {"a": 1}
    assert b.use().sync.status().devices[0].unread == 0


def test_two_restores_within_a_week_are_not_taken_for_a_copied_database(machines, tmp_path: Path) -> None:
    """`stretchtui restore` keeps the database it replaced as a pre-restore backup: a log rewritten
    after a restore is put down to it, not to a copy of the database used elsewhere."""
    import sqlite3

    from stretchtui.store.maintenance import restore

    a, _b = machines(0.0, 0.0)
    said = []
    for turn in range(2):
        backup = tmp_path / f"backup-{turn}.db"
        with sqlite3.connect(a.store.path) as source, sqlite3.connect(backup) as target:
            source.backup(target)
        a.clock.advance(3600)
        a.checkin(turn, f"after backup {turn}")
        a.round()
        path = a.store.path
        a.use().close()
        restore(path, backup, a.clock)
        a.store = Store.open(path, a.clock)
        a.clock.advance(60)
        said += a.round().problems
    assert len([line for line in said if "not as this database left it" in line]) == 2
    assert not any("also used on another machine" in line for line in said)


def test_a_conflict_copy_of_the_own_log_is_read_back_removed_and_said_once(machines) -> None:
    """A sync tool's conflict copy of this machine's own log (a copy of the database wrote as this
    device elsewhere): what it holds is taken here, goes out in a new generation (so a machine that
    never read the copy still gets it), the copy is removed, and the round says so once."""
    import uuid

    a, b = machines(0.0, 0.0)
    a.checkin(1, "mine")
    a.round()
    log = _log(a, a)
    last = log.read_text().splitlines()[-1]
    other = str(uuid.uuid4())
    record = {**json.loads(last)["record"], "uuid": other, "note": "from the copy"}
    copy = log.with_name(log.name.replace(".jsonl", ".sync-conflict-20261204-101500-ABCDEFG.jsonl"))
    copy.write_text(log.read_text() + _forged(last, key=other, record=record))
    a.clock.advance(60)
    first = a.round()
    assert first.recovered == 1
    assert [line for line in first.problems if "conflict copy" in line and "also used on another machine" in line]
    assert not copy.exists() and _log(a, a).name != log.name
    assert not any("conflict copy" in line for line in a.round().problems)
    everything_everywhere([a, b], random.Random(0))
    assert {c.note for c in b.use().checkins.checkins()} == {"mine", "from the copy"}


def _yes_then_an_unseen_no(
    yes: Machine, no: Machine, question: str, later_by: float, conditions: tuple[str, str] = ("", "")
) -> None:
    """`yes` answers yes to `question` and syncs; `no` answers no later, not having seen it, and
    syncs; each lists its own condition, if given."""
    for machine, answer, condition in ((yes, True, conditions[0]), (no, False, conditions[1])):
        machine.clock.advance(later_by if machine is no else 0)
        machine.use().safety.save_safety(answers={question: answer}, conditions=[condition] if condition else [])
        machine.round()


def test_a_yes_merged_here_reaches_a_machine_that_takes_both_answers_at_once(machines) -> None:
    """A answers yes; B answers no later by the clock without seeing it, then goes quiet. A
    merges (the yes stays) and, as B's version outranks it everywhere, sends the merge on: C,
    taking both logs in one round, ends with the yes too (found by a second reading)."""
    a, b, c = machines(0.0, 0.0, 0.0)
    _yes_then_an_unseen_no(a, b, "fever", later_by=3600)
    a.clock.advance(3700)
    deliver(b, a, "whole", random.Random(0))
    a.round()  # the merge goes out in the round that made it
    c.clock.advance(3800)
    deliver(a, c, "whole", random.Random(0))
    deliver(b, c, "whole", random.Random(0))
    c.round()
    assert _answers(a.use())["fever"] is True and _answers(c.use())["fever"] is True


def test_a_yes_stays_when_the_other_machine_answered_twice_without_seeing_it(machines) -> None:
    """B's second answer is made on top of B's first, not of A's yes: still unseen, so merged."""
    a, b = machines(0.0, 0.0)
    a.use().safety.save_safety(answers={"fever": True}, conditions=[])
    a.round()
    b.clock.advance(600)
    b.use().safety.save_safety(answers={"fever": False}, conditions=[])
    b.round()
    b.clock.advance(600)
    b.use().safety.save_safety(answers={"fever": False, "age": True}, conditions=[])
    b.round()
    a.clock.advance(1300)
    b.clock.advance(100)
    everything_everywhere([a, b], random.Random(0))
    assert _answers(a.use())["fever"] is True and _answers(b.use())["fever"] is True


def test_a_yes_taken_back_after_seeing_it_stays_taken_back_though_more_answers_followed(machines) -> None:
    """B saw A's yes, took it back, then answered another question: A takes both at once and the
    taking back stands (B's second answer was made on top of it)."""
    a, b = machines(0.0, 0.0)
    a.use().safety.save_safety(answers={"fever": True}, conditions=[])
    everything_everywhere([a, b], random.Random(0))
    b.clock.advance(600)
    b.use().safety.save_safety(answers={"fever": False}, conditions=[])
    b.round()
    b.clock.advance(600)
    b.use().safety.save_safety(answers={"fever": False, "age": True}, conditions=[])
    everything_everywhere([a, b], random.Random(0))
    assert _answers(a.use())["fever"] is False and _answers(b.use())["fever"] is False


def test_a_first_line_longer_than_a_header_is_said_not_waited_for(machines) -> None:
    a, b = machines(0.0, 0.0)
    log, _last = _a_check_in_as_b_holds_it(a, b, "")
    b.round()
    log.write_text("x" * 10_000 + "\n")
    report = b.round()
    assert report.refused and any("longer than a header" in line for line in report.problems)


def test_two_ratings_of_one_week_with_one_stamp_end_the_same_everywhere(machines) -> None:
    """Two copies of one database rate an activity in the same week with one stamp (two records,
    two UUIDs): the UUID breaks the tie, so machines that take them in either order agree."""
    import uuid

    a, b, c = machines(0.0, 0.0, 0.0)
    a.rate("socks", 5)
    a.round()
    lines = _log(a, a).read_text().splitlines(keepends=True)
    index = max(i for i, line in enumerate(lines) if '"kind":"function_ratings"' in line)
    original = json.loads(lines[index])
    other = str(uuid.uuid4())
    twin = _forged(lines[index], key=other, record={**original["record"], "uuid": other, "rating": 7})
    for machine, first, second in ((b, lines[index], twin), (c, twin, lines[index])):
        target = machine.folder / a.device / _log(a, a).name
        target.parent.mkdir(exist_ok=True)
        target.write_text("".join(lines[:index]) + first)
        machine.round()
        target.write_text("".join(lines[:index]) + first + second)
        machine.round()
    ratings = [[(r["uuid"], r["rating"]) for r in m.export()["function_ratings"]] for m in (b, c)]
    assert ratings[0] == ratings[1] and len(ratings[0]) == 1


def test_a_yes_reaches_a_machine_that_takes_it_with_an_unseen_none_in_one_round(machines) -> None:
    """A answers yes, syncs once and goes quiet; B answers none without seeing it; C takes both
    logs in one round: the older yes is weighed too (not only the newest version), so C stays
    urgent, and so does B once it hears from C (third outside pass)."""
    from stretchtui.core.safety import State

    a, b, c = machines(0.0, 0.0, 0.0)
    _yes_then_an_unseen_no(a, b, "saddle", later_by=600)
    c.clock.advance(900)
    deliver(a, c, "whole", random.Random(0))
    deliver(b, c, "whole", random.Random(0))
    c.round()
    assert c.use().safety.safety_check().state is State.URGENT
    for _ in range(3):  # a never syncs again
        c.round()
        deliver(c, b, "whole", random.Random(0))
        b.round()
        deliver(b, c, "whole", random.Random(0))
    assert b.use().safety.safety_check().state is State.URGENT
    assert c.use().safety.safety_check().state is State.URGENT


def _suggestion_heeds_it(store, name: str, question: str, condition: str) -> None:
    """What the person is told on that machine: no routine after a warning sign; with a condition,
    routines without the moves it rules out, where the same day's suggestion for someone with no
    condition holds one (so the check can fail)."""
    from dataclasses import replace

    from stretchtui.core.conditions import check_conditions, suits
    from stretchtui.core.days import today
    from stretchtui.core.safety import SafetyCheck
    from stretchtui.core.suggest import suggest

    day = today(store.clock, store.settings.day_start_hour())
    compared = 0
    for place in ("desk", "floor", "standing"):
        request = store.suggestions.suggestion_request(day, 15, place)
        told = suggest(request)
        if question:
            assert told.blocked and told.routine is None, (name, place, told.why)
            continue

        def ruled_out(routine, exercises=request.exercises) -> list[str]:
            moves = [exercises[item.exercise_id] for item in routine.items]
            return [move.id for move in moves if not suits(move, check_conditions([condition]))]

        assert told.routine is not None and told.routine.items, (name, place, told.why)
        assert ruled_out(told.routine) == [], (name, place)
        compared += bool(ruled_out(suggest(replace(request, safety=SafetyCheck())).routine))
    assert question or compared, "no place's suggestion held a move the condition rules out: the check proved nothing"


@pytest.mark.parametrize(
    ("question", "conditions"), [("saddle", ("", "")), ("fever", ("pregnancy", "")), ("", ("osteoporosis", ""))]
)
def test_a_merge_that_keeps_a_yes_goes_out_in_the_round_that_made_it(machines, question, conditions) -> None:
    """A answers yes (or lists a condition), reaches only C, and never syncs again; B answers
    none without seeing it. C takes both in ONE round and keeps the yes: that same round sends
    the merge, so B, taking C's log once, is cautious too, even if C never runs another round
    (outside pass: it went out one round late, and B suggested a full routine meanwhile)."""
    from stretchtui.core.safety import State

    a, b, c = machines(0.0, 0.0, 0.0)
    for machine, yes in ((a, True), (b, False)):
        machine.clock.advance(600 if machine is b else 0)
        answers = {question: yes} if question else {}
        machine.use().safety.save_safety(answers=answers, conditions=[conditions[0]] if yes and conditions[0] else [])
        machine.round()
    c.clock.advance(900)
    deliver(a, c, "whole", random.Random(0))
    deliver(b, c, "whole", random.Random(0))
    report = c.round()
    assert report.sent >= 1, report.lines()  # the merge went out with this round
    assert report.lines()[0].startswith(f"sent {report.sent} change"), report.lines()
    deliver(c, b, "whole", random.Random(0))
    b.clock.advance(1000)
    b.round()
    for machine in (b, c):
        store = machine.use()
        if question:
            assert _answers(store)[question] is True, machine.name
            assert store.safety.safety_check().state is not State.CLEAR, machine.name
        else:
            assert store.settings.get("conditions") == [conditions[0]], machine.name
        _suggestion_heeds_it(store, machine.name, question, conditions[0])
    assert c.round().sent == 0  # nothing left to send: the merge is not sent again
    everything_everywhere([b, c], random.Random(0))  # and the two settle (no merge sent back and forth)


@pytest.mark.parametrize("desk_answered", ["none before", "none after", "nothing"])
def test_a_yes_taken_here_is_passed_on_to_machines_that_hear_only_from_here(machines, desk_answered) -> None:
    """A answers yes and reaches only C; B hears only from C (each machine's own files travel,
    as `rsync` of one device folder does). Whatever C had answered (none before A's yes, none
    after it, nothing), C keeps the yes and passes it on in that round, so B is cautious after
    taking C's log once; then all of them settle (each passes a yes on once, not back and forth)."""
    from stretchtui.core.safety import State

    a, b, c = machines(0.0, 0.0, 0.0)
    if desk_answered == "none before":
        c.use().safety.save_safety(answers={"saddle": False}, conditions=[])
        c.round()
    a.clock.advance(60)
    a.use().safety.save_safety(answers={"saddle": True}, conditions=["pregnancy"])
    a.round()
    c.clock.advance(120)
    if desk_answered == "none after":
        c.use().safety.save_safety(answers={"saddle": False}, conditions=[])
        c.round()
    b.clock.advance(180)
    b.use().safety.save_safety(answers={"saddle": False}, conditions=[])
    b.round()
    deliver(a, c, "whole", random.Random(0))
    c.clock.advance(60)
    report = c.round()
    assert report.sent >= 1, report.lines()
    deliver(c, b, "whole", random.Random(0))
    b.clock.advance(60)
    b.round()
    for machine in (b, c):
        store = machine.use()
        assert _answers(store)["saddle"] is True, (machine.name, desk_answered)
        assert store.settings.get("conditions") == ["pregnancy"], machine.name
        assert store.safety.safety_check().state is State.URGENT, machine.name
    everything_everywhere([a, b, c], random.Random(0))
    assert all(_answers(m.use())["saddle"] is True for m in (a, b, c))


def test_only_a_yes_taken_is_passed_on_and_only_once(machines) -> None:
    """Check-ins and an all-clear taken from another machine are not sent again; a "yes" taken
    is passed on once (for machines that hear only from this one), and the machine it came from
    takes that as nothing new, so nothing goes back and forth."""
    a, b = machines(0.0, 0.0)
    a.use().safety.save_safety(answers={"fever": False}, conditions=[])
    a.checkin(3, "from a")
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.clock.advance(60)
    report = b.round()
    assert report.sent == 0 and sum(report.received.values()) >= 2, report.lines()

    a.clock.advance(120)
    a.use().safety.save_safety(answers={"fever": True}, conditions=["pregnancy"])
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.clock.advance(120)
    assert b.round().sent == 2  # the yes and the condition (a line each), passed on
    assert b.round().sent == 0
    deliver(b, a, "whole", random.Random(0))
    a.clock.advance(60)
    report = a.round()
    assert report.sent == 0, report.lines()  # what b passed on is nothing new here
    assert a.round().sent == 0
    assert _answers(b.use())["fever"] is True and b.use().settings.get("conditions") == ["pregnancy"]


@pytest.mark.parametrize("damage", ["a bad line", "a cut last line", "another device's header"])
def test_a_conflict_copy_of_the_own_log_is_removed_only_once_read_to_its_end(machines, damage: str) -> None:
    import uuid

    a, b = machines(0.0, 0.0)
    a.checkin(1, "mine")
    a.round()
    log = _log(a, a)
    lines = log.read_text().splitlines(keepends=True)
    other = str(uuid.uuid4())
    record = {**json.loads(lines[-1])["record"], "uuid": other, "note": "after the damage"}
    extra = _forged(lines[-1], key=other, record=record)
    if damage == "a bad line":
        text = "".join(lines) + "GARBAGE {not json\n" + extra
    elif damage == "a cut last line":
        text = "".join(lines) + extra[:-20]
    else:
        text = "".join(lines).replace(a.device, b.device, 1)
    copy = log.with_name(log.name.replace(".jsonl", ".sync-conflict-20261204-101500-ABCDEFG.jsonl"))
    copy.write_text(text)
    a.clock.advance(60)
    report = a.round()
    assert copy.exists()  # not removed: what it holds past the damage is not lost
    assert report.refused is (damage != "a cut last line")
    if damage == "a cut last line":  # its last line arrives: read to the end, then removed
        copy.write_text("".join(lines) + extra)
        a.round()
        assert not copy.exists() and "after the damage" in {c.note for c in a.use().checkins.checkins()}


def test_a_log_longer_than_a_read_window_is_taken_whole_in_one_round(machines, monkeypatch) -> None:
    from stretchtui.store import sync_folder

    monkeypatch.setattr(sync_folder, "READ_BYTES", 1024)
    a, b = machines(0.0, 0.0)
    for pain in range(12):
        a.checkin(pain % 11, f"note {pain}")
    a.round()
    assert _log(a, a).stat().st_size > 3 * 1024
    deliver(a, b, "whole", random.Random(0))
    assert sum(b.round().received.values()) >= 12
    assert b.use().sync.status().devices[0].unread == 0


def test_an_older_generation_of_the_own_log_brought_back_is_removed(machines, monkeypatch) -> None:
    monkeypatch.setattr(sync_send, "COMPACT_BYTES", 800)
    a, _b = machines(0.0, 0.0)
    first = None
    for pain in range(8):
        a.checkin(pain, f"n{pain}")
        a.round()
        first = first or _log(a, a).read_bytes()
    assert _log(a, a).name != "log-000001.jsonl"
    (a.folder / a.device / "log-000001.jsonl").write_bytes(first)  # a sync tool brings it back
    a.round()
    assert [p.name for p in (a.folder / a.device).glob("log-*")] == [_log(a, a).name]


@pytest.mark.parametrize("who", ["the machine that answered no", "the machine that answered yes"])
def test_a_merged_yes_taken_back_before_the_other_merge_went_out_stays_taken_back(machines, who: str) -> None:
    """Both answered at once and each merged the other's answer (yes on both); one takes the yes
    back before the other machine's merge has gone out: the merge holds nothing that the taking
    back had not seen, so the taking back stands everywhere (third outside pass)."""
    from stretchtui.core.safety import State

    a, b = machines(0.0, 0.0)
    _yes_then_an_unseen_no(a, b, "saddle", 60, ("pregnancy", "osteoporosis"))
    deliver(b, a, "whole", random.Random(0))
    a.clock.advance(60)
    a.round()
    deliver(a, b, "whole", random.Random(0))
    b.clock.advance(60)
    b.round()
    for machine in (a, b):
        assert machine.use().safety.safety_check().state is State.URGENT, machine.name
    taker = b if who.endswith("no") else a
    taker.clock.advance(60)
    taker.use().safety.save_safety(answers={"saddle": False}, conditions=[])
    for _ in range(3):
        for machine in (a, b):
            machine.clock.advance(60)
            machine.round()
        deliver(a, b, "whole", random.Random(0))
        deliver(b, a, "whole", random.Random(0))
    for machine in (a, b):
        assert machine.use().safety.safety_check().state is State.CLEAR, machine.name
        assert machine.use().safety.safety_check().profile.conditions == frozenset(), machine.name
