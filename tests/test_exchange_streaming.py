"""Export and import a record at a time: any JSON layout reads the same as json.loads would, the
streamed file is byte for byte what json.dump wrote, errors still name the record and field, and
25 years of history (about 65,000 steps) go in and back out well under 150 MB.

Issue 15: importing 25 years peaked at 255 MB, exporting at 164 MB: the whole file, and
everything built from it, was held at once.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FROZEN_AT, ZONE, checkpoint, copy_database, private_home
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtui.core import json_stream
from stretchtui.core.clock import FrozenClock
from stretchtui.core.digits import MAX_DIGITS
from stretchtui.core.exchange.reading import ImportFileError, file_entries, read_export
from stretchtui.core.exchange.writing import to_plain
from stretchtui.core.export_stream import write_json
from stretchtui.store import Store

# One pytest-xdist worker runs the whole module, so its module-scoped set-up is built once.
pytestmark = pytest.mark.xdist_group("test_exchange_streaming")

MEMORY_LIMIT_MB = 150


def walked(data: bytes) -> dict:
    """The file as top_level reads it, arrays taken item by item."""
    result = {}
    for key, value in json_stream.top_level(io.BytesIO(data)):
        result[key] = list(value) if isinstance(value, json_stream.ArrayItems) else value
    return result


# ---------------------------------------------------------------------- reading a stream

json_leaves = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=12)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
layouts = st.sampled_from(
    [
        {},
        {"indent": 1},
        {"indent": "\t"},
        {"separators": (",", ":")},
        {"indent": 3, "ensure_ascii": False},
        {"separators": (" , ", " : ")},
    ]
)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.dictionaries(st.text(max_size=8), json_values, max_size=6),
    layout=layouts,
    chunk=st.sampled_from([1, 2, 3, 7, 64, 1 << 16]),
)
def test_any_layout_and_chunk_size_reads_as_json_loads_does(document: dict, layout: dict, chunk: int) -> None:
    text = json.dumps(document, **layout).encode()
    json_stream.CHUNK_BYTES, saved = chunk, json_stream.CHUNK_BYTES
    try:
        assert walked(text) == json.loads(text)
        assert walked(b"\xef\xbb\xbf \n" + text + b"\n\n") == json.loads(text)  # a BOM, blank lines
    finally:
        json_stream.CHUNK_BYTES = saved


@pytest.mark.parametrize("chunk", [1, 3, 16, 64, 1 << 16])
def test_a_long_number_cut_by_a_read_is_read_whole_before_it_is_judged(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A float of 60 digits cut at a read's end looked like a whole number of more than 40
    digits; it is read whole first (a float, for the field's rule to judge), and a whole number
    that long is named by line and column, at any chunk size."""
    monkeypatch.setattr(json_stream, "CHUNK_BYTES", chunk)
    long = "1" * 60  # with 64-byte reads, cut after 57 digits
    assert walked(f'{{"a": [{long}.5, 2]}}'.encode()) == {"a": [float(long + ".5"), 2]}
    with pytest.raises(json_stream.JSONStreamError) as caught:
        walked(f'{{"a": [1,\n  {long}]}}'.encode())
    assert str(caught.value).startswith("line 2, column 3: a number of more than 40 digits (111111111111...)")


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"{",
        b'{"a": [1, 2',
        b'{"a": [1 2]}',
        b'{"a" 1}',
        b'{"a": 1} x',
        b"hello",
        b'{"a": [1,]}',
        b'{"a": "abc',
        b'{\n "a": [\n  1,\n  x]}',
    ],
)
def test_bad_json_is_one_line_naming_where(text: bytes) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json_stream.JSONStreamError) as caught:
        walked(text)
    message = str(caught.value)
    assert f"(line {expected.value.lineno}, " in message and "\n" not in message


@pytest.mark.parametrize("digits", [41, 4301, 20_000])
@pytest.mark.parametrize("where", ["format_version", "pain_before", "pain"])
def test_a_number_longer_than_any_field_is_one_line_not_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    history: Path,
    digits: int,
    where: str,
) -> None:
    """Python refuses to read an integer of more than 4300 digits with a ValueError; the file is
    refused first, in one line, from a file, from standard input and from parsed text, and no
    database is made (found by an outside test: a traceback before)."""
    from stretchtui import cli
    from stretchtui.core.exchange.reading import loads

    store = Store.open(history, FrozenClock(FROZEN_AT, ZONE))
    text = export_of(store).decode()
    store.close()
    number = ("-" if where == "pain" else "") + "9" * digits
    key = {"format_version": '"format_version": ', "pain_before": '"pain_before": ', "pain": '"pain": '}[where]
    start = text.index(key) + len(key)
    end = start + len(text[start:]) - len(text[start:].lstrip("-0123456789"))
    path = tmp_path / "long.json"
    path.write_text(text[:start] + number + text[end:])
    expected = f"a number of more than {MAX_DIGITS} digits"
    for source in ("file", "stdin"):
        target = tmp_path / source / "s.db"
        if source == "stdin":
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
        assert cli.main(["--db", str(target), "import", "-" if source == "stdin" else str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err and len(err) < 300, err
        line = text[:start].count("\n") + 1  # where the number starts, as an editor counts
        assert f": line {line}, column {start - text.rfind(chr(10), 0, start)}: a number" in err, err
        assert not target.parent.exists()
    with pytest.raises(ImportFileError, match=expected):
        loads(path.read_text())


def export_of(store: Store) -> bytes:
    handle = io.StringIO()
    write_json(store.exchange.export_records(), handle, exported_at=store.clock.now(), app_version="t")
    return handle.getvalue().encode()


@pytest.fixture(scope="module")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed store with a year of demo history, written once for the module."""
    from stretchtui.commands.demo import write_demo

    folder = tmp_path_factory.mktemp("demo-history")
    path = folder / "history.db"
    with private_home(folder):
        store, _ = write_demo(path, FrozenClock(FROZEN_AT, ZONE), years=1, seed=5)
        store.close()
    checkpoint(path)
    return path


@pytest.fixture
def history(history_template: Path, tmp_path: Path) -> Path:
    """A copy of the year of demo history, for this test to change as it likes."""
    return copy_database(history_template, tmp_path / "history.db")


def test_the_streamed_export_is_what_json_dump_wrote(history: Path, clock: FrozenClock) -> None:
    store = Store.open(history, clock)
    plain = to_plain(store.exchange.export_bundle(), exported_at=clock.now(), app_version="t")
    assert export_of(store).decode() == json.dumps(plain, indent=1, ensure_ascii=False) + "\n"
    store.close()


def test_a_file_in_another_order_and_layout_imports_the_same(history: Path, tmp_path: Path, clock: FrozenClock) -> None:
    """Sections in any order (check-ins before the sessions they name, routines before their own
    exercises, the format last), any whitespace: the same records go in."""
    store = Store.open(history, clock)
    plain = json.loads(export_of(store))
    store.close()
    plain["checkins"][0]["session_uuid"] = plain["sessions"][-1]["uuid"]
    shuffled = {key: plain[key] for key in reversed(list(plain))}
    assert list(shuffled)[-1] == "format"
    for name, text in (("plain", json.dumps(plain)), ("shuffled", json.dumps(shuffled, indent="\t"))):
        target = Store.open(tmp_path / f"{name}.db", clock)
        with io.BytesIO(text.encode()) as source:
            result = target.exchange.import_entries(file_entries(source))
        assert result.added["sessions"] == len(plain["sessions"])
        assert json.loads(export_of(target))["checkins"] == plain["checkins"]
        target.close()


def test_errors_still_name_the_record_and_a_newer_version_wins_wherever_it_stands(clock: FrozenClock) -> None:
    def refusal(document: dict) -> str:
        with pytest.raises(ImportFileError) as caught:
            for _ in read_export(file_entries(io.BytesIO(json.dumps(document).encode())), now=clock.now()):
                pass
        return str(caught.value)

    step = {
        "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a11",
        "step_index": 0,
        "exercise_id": "cat-cow",
        "exercise_name": "Cat-Cow",
        "outcome": "maybe",
        "at": "2026-11-20T08:00:00Z",
        "zone": "UTC",
        "day": "2026-11-20",
    }
    session = {
        "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10",
        "routine_name": "x",
        "status": "complete",
        "started_at": "2026-11-20T07:59:00Z",
        "zone": "UTC",
        "day": "2026-11-20",
        "steps": [step],
    }
    document = {"format": "stretchtui-export", "format_version": 1, "sessions": [session]}
    assert refusal(document).startswith("sessions[0].steps[0].outcome: 'maybe' is not one of")
    newer = {"sessions": [session], "format": "stretchtui-export", "format_version": 5}
    assert refusal(newer).startswith("written by a newer stretchtui (format version 5")
    assert refusal({"sessions": [session]}).startswith("not a stretchtui export")
    orphan = {
        **document,
        "sessions": [{**session, "steps": []}],
        "checkins": [
            {
                "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a12",
                "at": "2026-11-20T09:00:00Z",
                "zone": "UTC",
                "day": "2026-11-20",
                "note": "x",
                "session_uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a13",
            }
        ],
    }
    assert refusal(orphan) == "checkins[0].session_uuid: names no session in the file or in this store"


def test_every_cut_of_a_file_is_refused_in_one_line_with_nothing_written(
    history: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    store = Store.open(history, clock)
    whole = export_of(store)
    store.close()
    target = Store.open(tmp_path / "t.db", clock)
    for end in [*range(0, 40), *range(40, len(whole) - 2, max(1, len(whole) // 30))]:
        with pytest.raises(ImportFileError) as caught:
            target.exchange.import_entries(file_entries(io.BytesIO(whole[:end])))
        assert "\n" not in str(caught.value)
    assert target.sessions.last_session() is None and target.checkins.checkins() == []
    target.close()


def test_a_read_error_half_way_is_one_line(clock: FrozenClock) -> None:
    import errno

    class FailingDisk(io.BytesIO):
        def read(self, size: int = -1) -> bytes:
            if self.tell() > 5000:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return super().read(min(size, 4096))

    text = '{"format": "stretchtui-export", "format_version": 1, "day_marks": [' + " " * 20000 + "]}"
    with pytest.raises(ImportFileError, match=r"^cannot read it \(Input/output error\)$"):
        for _ in read_export(file_entries(FailingDisk(text.encode())), now=clock.now()):
            pass


# ---------------------------------------------------------------------- memory, in a real process


PEAK_OF_CHILD = (  # runs argv as its child and prints that child's peak resident memory: measured from a
    # small process, as a fork of the test process would count the test's own memory as the child's
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(done.stderr)\n"
)
WRITE_HISTORY = (  # 25 years of demo history as an export file, in its own process
    "import json, sys, tempfile\n"
    "from pathlib import Path\n"
    "from stretchtui.core.clock import SystemClock\n"
    "from stretchtui.commands.demo_story import demo_export\n"
    "from stretchtui.store import Store\n"
    "clock = SystemClock()\n"
    "store = Store.open(Path(tempfile.mkdtemp()) / 'library.db', clock)\n"
    "data = demo_export(now=clock.now(), zone=clock.zone, routines=store.library.routines(),\n"
    "                   exercises={ex.id: ex for ex in store.library.exercises()}, years=25, seed=1)\n"
    "store.close()\n"
    "print(sum(len(s['steps']) for s in data['sessions']))\n"
    "Path(sys.argv[1]).write_text(json.dumps(data), encoding='utf-8')\n"
)


def _peak_mb(argv: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    """Run `argv`; its exit status, its peak resident memory in MB, and its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_OF_CHILD, *argv], env=env, capture_output=True, text=True, timeout=600
    )
    code, kilobytes = done.stdout.split()
    return int(code), int(kilobytes) / 1024, done.stderr


@pytest.mark.slow
def test_twenty_five_years_go_out_and_in_under_150_mb(tmp_path: Path) -> None:
    from stretchtui.commands import demo_story as demo

    if demo.MAX_YEARS < 25 or not sys.platform.startswith("linux"):
        pytest.skip("needs a 25-year demo history, and ru_maxrss in kilobytes (Linux)")
    env = {k: v for k, v in os.environ.items() if k != "STRETCHTUI_DB"}
    history = tmp_path / "history.json"
    written = subprocess.run(
        [sys.executable, "-c", WRITE_HISTORY, str(history)], env=env, capture_output=True, text=True, timeout=600
    )
    assert written.returncode == 0, written.stderr
    assert int(written.stdout) > 60_000  # steps
    command = [sys.executable, "-m", "stretchtui"]
    source = tmp_path / "source" / "s.db"
    code, importing, err = _peak_mb([*command, "--db", str(source), "import", str(history)], env)
    assert code == 0, err
    exported = tmp_path / "all.json"
    code, exporting, err = _peak_mb([*command, "--db", str(source), "export", "--output", str(exported)], env)
    assert code == 0, err
    code, tables, err = _peak_mb(
        [*command, "--db", str(source), "export", "--format", "csv", "--output", str(tmp_path / "tables")], env
    )
    assert code == 0, err
    assert max(exporting, importing, tables) < MEMORY_LIMIT_MB, (exporting, importing, tables)
