"""`stretchtui serve`: loopback by default, a warning otherwise, one-line refusals, a real page,
and only for the browser that was given the address with its token (issue 15: no cross-site
websocket hijacking, no DNS rebinding, nothing fetched from elsewhere)."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from stretchtui.cli import main
from stretchtui.commands import serve
from stretchtui.commands.serve_page import AddressGuard, GuardedServer

# One pytest-xdist worker runs the whole module, so its module-scoped set-up is built once.
pytestmark = pytest.mark.xdist_group("test_serve")


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
def test_loopback_serves_the_same_app_quietly(
    db_path: Path, served, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert main(["--db", str(db_path), "serve", "--host", host]) == 0
    assert capsys.readouterr().err == ""
    command, bound, port = served[0]
    assert shlex.split(command) == [sys.executable, "-m", "stretchtui", "--db", str(db_path)]
    assert (bound, port) == (host, 8000) and db_path.exists()  # the database is made ready before any tab


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_other_addresses_get_a_one_line_warning(
    db_path: Path, served, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert main(["--db", str(db_path), "serve", "--host", host, "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"stretchtui: warning: serving on {host} port 8123 with no login; ")
    assert served == [(serve.app_command(db_path), host, 8123)]


def test_the_command_quotes_an_awkward_path(tmp_path: Path) -> None:
    path = tmp_path / "my data" / "it's; rm -rf ~.db"
    assert shlex.split(serve.app_command(path)) == [sys.executable, "-m", "stretchtui", "--db", str(path)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "0"], "argument --port: 0 is outside 1-65535"),
        (["--port", "65536"], "argument --port: 65536 is outside 1-65535"),
        (["--port", "http"], "argument --port: 'http' is not a port number (1-65535)"),
        (["--host", "bad host"], "--host: 'bad host' is not an IP address or a host name"),
        (["--host=-x.example"], "--host: '-x.example' is not an IP address or a host name"),
        (["--host", "nothing.invalid"], "--host: 'nothing.invalid' does not resolve to an address on this machine"),
    ],
)
def test_bad_host_or_port_is_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--db", str(db_path), "serve", *args]) == 2
    assert capsys.readouterr().err == f"stretchtui: {message}\n"
    assert not db_path.exists()


def test_a_port_in_use_is_one_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--db", str(db_path), "serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"stretchtui: cannot listen on 127.0.0.1 port {port}: Address already in "
        "use (choose another --port or --host)\n"
    )
    assert not db_path.exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "example.org"])
def test_the_printed_address_is_one_a_browser_can_open(host: str) -> None:
    assert serve.browser_url(host, 8000) == serve.public_url(host, 8000)
    assert serve.browser_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert serve.browser_url("::", 8000) == "http://[::1]:8000"


# -- Host, Origin and token, as rules ---------------------------------------------------------


def own_names() -> set[str]:
    return {"workbox", "workbox.lan"}


@pytest.mark.parametrize(
    "bound, host_header, allowed",
    [
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "LOCALHOST.:8000", True),
        ("127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", "127.0.0.1:9000", True),  # ssh -L 9000:127.0.0.1:8000
        ("127.0.0.1", "localhost:9000", True),
        ("127.0.0.1", "localhost", True),
        ("127.0.0.1", "evil.example:8000", False),  # DNS rebinding: the attacker's name, our address
        ("127.0.0.1", "evil.example", False),
        ("127.0.0.1", "localhost.evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1.nip.io:8000", False),
        ("127.0.0.1", "192.0.2.10:8000", False),
        ("127.0.0.1", "", False),
        ("127.0.0.1", None, False),
        ("127.0.0.1", "127.0.0.1:http", False),
        ("127.0.0.1", "user@127.0.0.1:8000", False),
        ("127.0.0.1", "127.0.0.1:8000/x", False),
        ("127.0.0.1", "[::1%lo]:8000", False),  # it is written back into the page: no zones,
        ("127.0.0.1", "localhost:8000;x", False),  # no quotes, no separators
        ("127.0.0.1", 'localhost:8000"><script>', False),
        ("127.0.0.1", "localhost:8000 evil.example", False),
        ("192.0.2.10", "192.0.2.10:8000", True),
        ("192.0.2.10", "192.0.2.10:9000", False),  # beyond loopback only the port bound
        ("192.0.2.10", "workbox.lan:8000", True),
        ("192.0.2.10", "evil.example:8000", False),
        ("0.0.0.0", "198.51.100.7:8000", True),  # an address literal cannot be rebound
        ("0.0.0.0", "198.51.100.7:8001", False),
        ("0.0.0.0", "workbox:8000", True),
        ("0.0.0.0", "evil.example:8000", False),
        ("::", "[2001:db8::1]:8000", True),
        ("box.example", "box.example:8000", True),
        ("box.example", "Box.Example.:8000", True),
        ("box.example", "other.example:8000", False),
    ],
)
def test_host_is_checked_against_the_address_served(bound: str, host_header: str | None, allowed: bool) -> None:
    assert AddressGuard(bound, 8000, own_names=own_names).host_allowed(host_header) is allowed


@pytest.mark.parametrize(
    "origin, host_header, allowed",
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://localhost:9000", "localhost:9000", True),
        ("http://[::1]:8000", "[::1]:8000", True),
        ("http://localhost", "localhost:80", True),
        ("http://evil.example", "127.0.0.1:8000", False),
        ("http://evil.example:8000", "127.0.0.1:8000", False),
        ("http://127.0.0.1:9000", "127.0.0.1:8000", False),  # another local site: another origin
        ("http://localhost:8000", "127.0.0.1:8000", False),
        ("https://127.0.0.1:8000", "127.0.0.1:8001", False),
        ("null", "127.0.0.1:8000", False),
        ("", "127.0.0.1:8000", False),
        ("file://", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000/path", "127.0.0.1:8000", False),
        ("http://127.0.0.1:99999", "127.0.0.1:8000", False),
    ],
)
def test_origin_must_be_the_host_the_request_came_to(origin: str, host_header: str, allowed: bool) -> None:
    assert AddressGuard.origin_matches(origin, host_header) is allowed


def test_each_start_makes_a_new_random_token() -> None:
    first, second = (GuardedServer("true", "127.0.0.1", 8000, url="http://127.0.0.1:8000") for _ in range(2))
    assert first.token != second.token
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first.token)  # secrets.token_urlsafe(32)
    assert first.start_url == f"http://127.0.0.1:8000/?token={first.token}"


# -- a real server: real HTTP and websocket requests ------------------------------------------


class Live:
    def __init__(self, process: subprocess.Popen[bytes], port: int, token: str, output: Path) -> None:
        self.process, self.port, self.token, self.output = process, port, token, output
        self.base = f"http://127.0.0.1:{port}"

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


def start_server(db_path: Path, workdir: Path) -> Live:
    """`stretchtui serve` on a free loopback port, once it listens and has printed its address."""
    port = free_port()
    output = workdir / "serve.out"
    home = workdir / "home"
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"))
    with output.open("wb") as out, (workdir / "serve.err").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "stretchtui", "--db", str(db_path), "serve", "--port", str(port)],
            stdout=out,
            stderr=err,
            env=env,
            cwd=workdir,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        printed = re.search(
            rf"stretchtui: serving on http://127\.0\.0\.1:{port}/\?token=([A-Za-z0-9_-]+) ", output.read_text()
        )
        if printed:
            return Live(process, port, printed[1], output)
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the server did not start: {(workdir / 'serve.err').read_text()}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    workdir = tmp_path_factory.mktemp("live")
    server = start_server(workdir / "data" / "stretchtui.db", workdir)
    yield server
    assert server.stop() == 0


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """GET with exactly these headers (Host included); the status, headers and body, 403 or not."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def get(url: str, host_header: str | None = None) -> str:
    status, _headers, body = fetch(url, {"Host": host_header} if host_header else None)
    assert status == 200, body
    return body


WRONG_TOKEN = "x" * 43
HERE = "127.0.0.1:{port}"
# (query, headers) of requests that must get a 403; {port} and {token} are the live server's.
# Without "Origin" the case is sent as from a page of the server itself, as a browser would send it.
REFUSALS = {
    "no-token": ("", {}),
    "wrong-token": (f"token={WRONG_TOKEN}", {}),
    "nearly-right-token": ("token={token}x", {}),
    "empty-token": ("token=", {}),
    "wrong-cookie": ("", {"Cookie": f"stretchtui-token-{{port}}={WRONG_TOKEN}"}),
    "other-port-cookie": ("", {"Cookie": "stretchtui-token-9000={token}"}),
    "rebound-host": ("token={token}", {"Host": "evil.example:{port}", "Origin": "http://evil.example:{port}"}),
    "rebound-host-no-origin": ("token={token}", {"Host": "evil.example:{port}", "Origin": None}),
    "rebound-host-no-port": ("token={token}", {"Host": "evil.example", "Origin": "http://evil.example"}),
    "lan-host": ("token={token}", {"Host": "192.0.2.10:{port}", "Origin": "http://192.0.2.10:{port}"}),
    "foreign-origin": ("token={token}", {"Origin": "http://evil.example"}),
    "foreign-origin-same-port": ("token={token}", {"Origin": "http://evil.example:{port}"}),
    "other-local-origin": ("token={token}", {"Origin": "http://127.0.0.1:9000"}),
    "null-origin": ("token={token}", {"Origin": "null"}),
}


def refusal(live: Live, case: str) -> tuple[str, dict[str, str]]:
    query, headers = REFUSALS[case]
    headers = {"Host": HERE, "Origin": f"http://{HERE}", **headers}
    fill = {"port": live.port, "token": live.token}
    return query.format(**fill), {name: value.format(**fill) for name, value in headers.items() if value is not None}


@pytest.mark.slow
@pytest.mark.parametrize("case", REFUSALS)
def test_the_page_is_refused_without_the_token_or_from_elsewhere(live: Live, case: str) -> None:
    query, headers = refusal(live, case)
    status, response_headers, body = fetch(f"{live.base}/?{query}", headers)
    assert status == 403 and body.startswith("stretchtui: ") and body.count("\n") == 1
    assert "Set-Cookie" not in response_headers and live.token not in body


async def ws_status(url: str, headers: dict[str, str]) -> int:
    """The status of a websocket upgrade (101 when it opened; closed again at once)."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


@pytest.mark.slow
@pytest.mark.parametrize("case", REFUSALS)
def test_the_websocket_is_refused_without_the_token_or_from_elsewhere(live: Live, case: str) -> None:
    query, headers = refusal(live, case)
    url = f"ws://127.0.0.1:{live.port}/ws?{query + '&' if query else ''}width=80&height=24"
    assert asyncio.run(ws_status(url, headers)) == 403


@pytest.mark.slow
def test_the_right_token_opens_the_page_and_sets_a_strict_cookie(live: Live) -> None:
    status, headers, page = fetch(f"{live.base}/?token={live.token}")
    assert status == 200
    assert headers["Set-Cookie"].startswith(f"stretchtui-token-{live.port}={live.token};")
    assert {"HttpOnly", "Path=/", "SameSite=Strict"} <= {part.strip() for part in headers["Set-Cookie"].split(";")}
    assert f'data-session-websocket-url="ws://127.0.0.1:{live.port}/ws"' in page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["Cache-Control"] == "no-store"
    # After that first load the cookie alone opens it (the browser sends it with the page's websocket too).
    cookie = {"Cookie": f"stretchtui-token-{live.port}={live.token}"}
    assert fetch(f"{live.base}/", cookie)[0] == 200
    # Through a tunnel on another local port: the page points back at that port, its cookie is that port's.
    status, headers, tunnelled = fetch(f"{live.base}/?token={live.token}", {"Host": "localhost:9000"})
    assert status == 200 and 'data-session-websocket-url="ws://localhost:9000/ws"' in tunnelled
    assert headers["Set-Cookie"].startswith(f"stretchtui-token-9000={live.token};")
    assert (
        fetch(
            f"{live.base}/",
            {
                "Host": "localhost:9000",
                "Origin": "http://localhost:9000",
                "Cookie": f"stretchtui-token-9000={live.token}",
            },
        )[0]
        == 200
    )


@pytest.mark.slow
def test_downloads_need_the_token_and_static_files_list_no_directory(live: Live) -> None:
    assert fetch(f"{live.base}/download/some-key")[0] == 403
    assert fetch(f"{live.base}/download/some-key?token={live.token}")[0] == 404
    assert fetch(f"{live.base}/nothing-here")[0] == 403
    assert fetch(f"{live.base}/static/")[0] in (403, 404) and fetch(f"{live.base}/assets/")[0] in (403, 404)
    assert fetch(f"{live.base}/assets/favicon.svg", {"Host": f"evil.example:{live.port}"})[0] == 403
    assert fetch(f"{live.base}/static/js/textual.js", {"Origin": "http://evil.example"})[0] == 403


ABSOLUTE_URL = re.compile(r"""(?i)\b(?:https?|wss?):(?://)?[^\s"'<>()]*|(?<![:\w])//[\w.-]+""")


@pytest.mark.slow
def test_the_page_loads_nothing_from_elsewhere(live: Live) -> None:
    page_url = f"{live.base}/?token={live.token}"
    page = get(page_url)
    assert "<title>stretchtui</title>" in page
    served = {f"http://127.0.0.1:{live.port}", f"ws://127.0.0.1:{live.port}/ws"}
    assert {url for url in ABSOLUTE_URL.findall(page)} <= served, "the page names another host"
    # Every file the page names is a local path that this server answers, and names nothing foreign either.
    references = re.findall(r"""(?:src|href)="([^"]+)\"""", page)
    assert "/assets/favicon.svg" in re.findall(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert all(reference.startswith("/") and not reference.startswith("//") for reference in references)
    for reference in references:
        status, headers, body = fetch(urljoin(page_url, reference))
        assert status == 200, reference
        if reference.endswith(".css"):
            body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)  # xterm.css's licence names its origins
            assert all(
                url.startswith("/") and not url.startswith("//") for url in re.findall(r"""url\(["']?([^"')]+)""", body)
            ), reference
            assert not ABSOLUTE_URL.findall(body), reference
            for url in re.findall(r"""url\(["']?([^"')]+)""", body):
                assert fetch(urljoin(page_url, url))[0] == 200, url
        if reference.endswith(".svg"):
            assert headers["Content-Type"] == "image/svg+xml"
    # The browser itself is told so: nothing but this server for scripts, styles, fonts and connections.
    policy = fetch(page_url)[1]["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "https:" not in policy and "http:" not in policy
    assert re.search(r"connect-src 'self' ws://127\.0\.0\.1:\d+;", policy)


async def first_screen(url: str, timeout: float, headers: dict[str, str] | None = None) -> bytes:
    """Open the app over the websocket as the page would, and collect output until the top bar shows."""
    import aiohttp

    received = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{url}?width=100&height=30", headers=headers or {}) as websocket:
            deadline = time.monotonic() + timeout
            while b"Library" not in received and time.monotonic() < deadline:
                try:
                    message = await websocket.receive(timeout=deadline - time.monotonic())
                except TimeoutError:
                    break
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
    return received


@pytest.mark.slow
def test_serve_answers_in_a_browser_and_stops_on_sigterm(db_path: Path, tmp_path: Path) -> None:
    server = start_server(db_path, tmp_path)
    try:
        page = get(f"{server.base}/?token={server.token}")
        assert 'class="textual-terminal"' in page
        assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page
        # As a browser through `ssh -L 9000:127.0.0.1:{port}` would: its Host, its Origin, the cookie.
        tunnel = {
            "Host": "localhost:9000",
            "Origin": "http://localhost:9000",
            "Cookie": f"stretchtui-token-9000={server.token}",
        }
        screen = asyncio.run(first_screen(f"ws://127.0.0.1:{server.port}/ws", timeout=30, headers=tunnel))
        assert b"stretchtui" in screen and b"Library" in screen  # the app itself started and drew its top bar
    finally:
        returncode = server.stop()
    assert returncode == 0
    assert b"warning" not in (tmp_path / "serve.err").read_bytes()
