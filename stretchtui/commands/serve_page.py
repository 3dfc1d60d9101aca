"""What `stretchtui serve` answers, and to whom: textual-serve behind three locks.

1. Host: a request must name this server. Loopback names and addresses are accepted on any port
   (an SSH tunnel may arrive on another local port); any other name only at the port bound, and only
   if it is the address served (or, for 0.0.0.0 / ::, an IP address or this machine's own name).
   A DNS-rebinding page arrives with its own name (`evil.example:8000`) and is refused.
2. Origin: when the browser sends one (it always does for a websocket), it must be the very host
   and port the request came to. A page elsewhere that opens `ws://127.0.0.1:8000/ws` is refused.
3. Token: a random token made at each start and printed with the address, like Jupyter's
   (`http://127.0.0.1:8000/?token=...`). The page and the websocket need it, in the query or in the
   HttpOnly, SameSite=Strict cookie that the first page load with the token sets. Only the static
   files (textual-serve's script, stylesheet, font, and the page's own assets: no user data) are
   served without it, still behind the Host and Origin locks.

Every refusal is a 403 with a one-line reason, before any app process is started.
The page loads nothing from anywhere else (see stretchtui/web/), and says so in its
Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = WEB / "assets"
TOKEN_QUERY = "token"
UNGUARDED_RESOURCES = frozenset({"static", "assets"})  # files from the packages, no user data
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_HEADER = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def cookie_name(port: int | None) -> str:
    """Cookies ignore ports: one per port the browser uses, so two servers on one machine
    (or two tunnels) do not overwrite each other's token."""
    return f"stretchtui-token-{port or 80}"


def split_host(value: str | None) -> tuple[str, int | None] | None:
    """`Host` header -> (normalised name or address, port or None); None when it is not one.
    Only a name, an IPv4 address or a bracketed IPv6 address (no zone), and a port: the header is
    written back into the page and its Content-Security-Policy, so nothing else gets through."""
    if not value or not HOST_HEADER.fullmatch(value):
        return None
    try:
        parts = urlsplit("//" + value)
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name:
        return None
    return normal_name(name), port


def normal_name(name: str) -> str:
    name = name.lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def is_loopback_name(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class AddressGuard:
    """Which `Host` and `Origin` headers name the server listening on `host` port `port`."""

    def __init__(self, host: str, port: int, *, own_names: Callable[[], set[str]] | None = None) -> None:
        self.port = port
        served = normal_name(host)
        self.names = {served}
        self.any_address = is_ip(served) and ipaddress.ip_address(served).is_unspecified
        if not is_loopback_name(served):
            self.names |= {normal_name(name) for name in (own_names or machine_names)() if name}

    def host_allowed(self, header: str | None) -> bool:
        split = split_host(header)
        if split is None:
            return False
        name, port = split
        if is_loopback_name(name):
            return True  # any port: `ssh -L 9000:127.0.0.1:8000` arrives as localhost:9000
        if (port or DEFAULT_PORTS["http"]) != self.port:
            return False
        return name in self.names or (self.any_address and is_ip(name))

    @staticmethod
    def origin_matches(origin: str, host_header: str | None) -> bool:
        """The browser's `Origin` names the same host and port as the `Host` the request came to."""
        split = split_host(host_header)
        try:
            parts = urlsplit(origin)
            origin_port = parts.port
        except ValueError:
            return False
        if (
            split is None
            or parts.scheme not in DEFAULT_PORTS
            or not parts.hostname
            or parts.username is not None
            or parts.path not in ("", "/")
            or parts.query
        ):
            return False
        default = DEFAULT_PORTS[parts.scheme]
        name, port = split
        return normal_name(parts.hostname) == name and (origin_port or default) == (port or default)


def machine_names() -> set[str]:
    """This machine's own names, accepted at the bound port when serving beyond loopback."""
    names = {socket.gethostname()}
    try:
        names.add(socket.getfqdn())
    except OSError:
        pass
    return names


def forbidden(reason: str) -> web.HTTPForbidden:
    return web.HTTPForbidden(text=f"stretchtui: {reason}\n")


class GuardedServer(Server):
    """textual-serve's server with the Host, Origin and token checks, and a page of our own."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        *,
        url: str,
        token: str | None = None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title="stretchtui", public_url=url, templates_path=WEB)
        self.token = token or new_token()
        self.guard = AddressGuard(host, port)
        self.announce = announce or (lambda line: print(line, flush=True))

    @property
    def start_url(self) -> str:
        return f"{self.public_url}/?{TOKEN_QUERY}={self.token}"

    # -- the checks ---------------------------------------------------------------------------

    def token_known(self, request: web.Request) -> bool:
        given = request.query.get(TOKEN_QUERY)
        if given is None:
            split = split_host(request.headers.get("Host"))
            given = request.cookies.get(cookie_name(split[1] if split else None))
        return given is not None and secrets.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def check_request(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        host = request.headers.get("Host")
        if not self.guard.host_allowed(host):
            raise forbidden("this server does not answer to that Host")
        origin = request.headers.get("Origin")
        if origin is not None and not self.guard.origin_matches(origin, host):
            raise forbidden("requests from other sites are refused")
        resource = getattr(request.match_info.route.resource, "name", None)
        if resource not in UNGUARDED_RESOURCES and not self.token_known(request):
            raise forbidden("open the address with the token that `stretchtui serve` printed")
        return await handler(request)

    @staticmethod
    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")

    # -- the app ------------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.check_request])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),  # no directory listings
                web.static("/assets", ASSETS, name="assets"),
            ]
        )
        app.on_response_prepare.append(self.add_headers)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        host = request.headers["Host"]  # checked by check_request; the browser may know us by another
        websocket_url = f"ws://{host}/ws"  # address (a tunnel's port), so the page points back at that
        context = {
            "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64),
            "app_websocket_url": websocket_url,
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        named = split_host(host)
        assert named is not None, "check_request refused any other Host"
        response.set_cookie(
            cookie_name(named[1]),
            self.token,
            path="/",
            httponly=True,
            samesite="Strict",
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self'; connect-src 'self' ws://{host}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        return response

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: the address is announced once the port is really listening (see serve)."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's serve(), announcing the address with its token once listening."""
        self.debug = debug
        self.initialize_logging()
        try:
            loop = asyncio.get_event_loop()
        except Exception:
            loop = asyncio.new_event_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except NotImplementedError:
            pass
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda *_args: self.announce(f"stretchtui: serving on {self.start_url} (Ctrl+C to stop)"),
        )
