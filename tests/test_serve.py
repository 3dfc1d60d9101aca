"""`stretchtui serve`: loopback by default, a warning otherwise, one-line refusals, a real page."""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from stretchtui.cli import main
from stretchtui.commands import serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """Record what would be served instead of serving it (nothing listens, nothing binds)."""
    calls: list[tuple[str, str, int]] = []
    monkeypatch.setattr(serve, "run_server", lambda command, host, port: calls.append((command, host, port)))
    monkeypatch.setattr(serve, "check_can_listen", lambda host, port: None)
    return calls


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_serves_the_same_app_quietly(db_path: Path, served, capsys: pytest.CaptureFixture[str],
                                             host: str) -> None:
    assert main(["--db", str(db_path), "serve", "--host", host]) == 0
    assert capsys.readouterr().err == ""
    command, bound, port = served[0]
    assert shlex.split(command) == [sys.executable, "-m", "stretchtui", "--db", str(db_path)]
    assert (bound, port) == (host, 8000) and db_path.exists()  # the database is made ready before any tab


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_other_addresses_get_a_one_line_warning(db_path: Path, served, capsys: pytest.CaptureFixture[str],
                                                host: str) -> None:
    assert main(["--db", str(db_path), "serve", "--host", host, "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"stretchtui: warning: serving on {host} port 8123 with no login; ")
    assert served == [(serve.app_command(db_path), host, 8123)]


def test_the_command_quotes_an_awkward_path(tmp_path: Path) -> None:
    path = tmp_path / "my data" / "it's; rm -rf ~.db"
    assert shlex.split(serve.app_command(path)) == [sys.executable, "-m", "stretchtui", "--db", str(path)]


@pytest.mark.parametrize("args, message", [
    (["--port", "0"], "argument --port: 0 is outside 1-65535"),
    (["--port", "65536"], "argument --port: 65536 is outside 1-65535"),
    (["--port", "http"], "argument --port: 'http' is not a port number"),
    (["--host", "bad host"], "--host: 'bad host' is not an IP address or a host name"),
    (["--host=-x.example"], "--host: '-x.example' is not an IP address or a host name"),
    (["--host", "nothing.invalid"], "--host: 'nothing.invalid' does not resolve to an address on this machine"),
])
def test_bad_host_or_port_is_one_line(db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                      message: str) -> None:
    assert main(["--db", str(db_path), "serve", *args]) == 2
    assert capsys.readouterr().err == f"stretchtui: {message}\n"
    assert not db_path.exists()


def test_a_port_in_use_is_one_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--db", str(db_path), "serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (f"stretchtui: cannot listen on 127.0.0.1 port {port}: Address already in "
                                       "use (choose another --port or --host)\n")
    assert not db_path.exists()


def get(url: str, host_header: str | None = None) -> str:
    request = urllib.request.Request(url, headers={"Host": host_header} if host_header else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        return response.read().decode()


async def first_screen(url: str, timeout: float) -> bytes:
    """Open the app over the websocket as the page would, and collect output until the top bar shows."""
    import aiohttp

    received = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{url}?width=100&height=30") as websocket:
            deadline = time.monotonic() + timeout
            while b"Library" not in received and time.monotonic() < deadline:
                try:
                    message = await websocket.receive(timeout=deadline - time.monotonic())
                except asyncio.TimeoutError:
                    break
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
    return received


@pytest.mark.slow
def test_serve_answers_in_a_browser_and_stops_on_sigterm(db_path: Path, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "stretchtui", "--db", str(db_path), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
                              cwd=tmp_path, start_new_session=True)
    try:
        page = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                page = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.2)
        assert 'class="textual-terminal"' in page and f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        # Through a tunnel on another local port the page points back at that port, not at ours.
        tunnelled = get(f"http://127.0.0.1:{port}/", host_header="127.0.0.1:9000")
        assert 'data-session-websocket-url="ws://127.0.0.1:9000/ws"' in tunnelled
        screen = asyncio.run(first_screen(f"ws://127.0.0.1:{port}/ws", timeout=30))
        assert b"stretchtui" in screen and b"Library" in screen  # the app itself started and drew its top bar
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    assert server.returncode == 0
    assert server.stderr is not None and b"warning" not in server.stderr.read()
