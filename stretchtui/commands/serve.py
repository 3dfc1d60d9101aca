"""`stretchtui serve`: the same app in a browser tab, through textual-serve.

Every browser tab runs its own `python -m stretchtui --db PATH`. There is no login, so it listens
on the loopback address unless told otherwise, and says so on stderr when it is told otherwise.
Each start makes a new token and prints the address with it (`http://127.0.0.1:8000/?token=...`);
requests without it, for another Host, or from another site's page get a 403 (serve_page.py).
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import sys

from stretchtui.commands.common import CliError, Parser, opened_store, whole_number
from stretchtui.commands.registry import Command

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
)


def _serve_arguments(parser: Parser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}, this machine only)"
    )
    parser.add_argument(
        "--port",
        type=whole_number(1, 65535, "a port number"),
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"port to listen on, 1-65535 (default {DEFAULT_PORT})",
    )


def host_is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) can only be reached from this machine.
    A name counts as loopback only when every address it resolves to is one."""
    import socket

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not HOST_NAME.fullmatch(host):
        raise CliError(f"--host: {host!r} is not an IP address or a host name")
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except socket.gaierror:
        raise CliError(f"--host: {host!r} does not resolve to an address on this machine") from None
    return all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses)


def public_url(host: str, port: int) -> str:
    """`http://host:port`, an IPv6 address in brackets."""
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"http://[{host}]:{port}"
    except ValueError:
        pass
    return f"http://{host}:{port}"


def browser_url(host: str, port: int) -> str:
    """The address to print: where a browser on this machine reaches the server (0.0.0.0 and ::
    are not addresses a browser can open, so they print the loopback address of their family)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return public_url(host, port)
    if address.is_unspecified:
        return public_url("::1" if address.version == 6 else "127.0.0.1", port)
    return public_url(host, port)


def check_can_listen(host: str, port: int) -> None:
    """Fail with one line now, rather than with a traceback once the server has started."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise CliError(f"--host: cannot listen on {host!r}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise CliError(
                f"cannot listen on {host} port {port}: {error.strerror} (choose another --port or --host)"
            ) from None


def app_command(db_path: object) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this database."""
    import shlex

    return shlex.join([sys.executable, "-m", "stretchtui", "--db", str(db_path)])


def cmd_serve(args: argparse.Namespace) -> int:
    loopback = host_is_loopback(args.host)
    check_can_listen(args.host, args.port)
    with opened_store(args) as store:  # creates, migrates and checks the database once, before any tab opens it
        db_path = store.path
    if not loopback:
        print(
            f"stretchtui: warning: serving on {args.host} port {args.port} with no login; anyone who can "
            "reach this address can use the app and your data (an SSH tunnel to 127.0.0.1 is safer)",
            file=sys.stderr,
        )
    run_server(app_command(db_path), args.host, args.port)
    return 0


def run_server(command: str, host: str, port: int) -> None:
    """Serve until Ctrl+C or SIGTERM, printing the address with this run's token (see serve_page)."""
    from stretchtui.commands.serve_page import GuardedServer

    server = GuardedServer(command, host, port, url=browser_url(host, port))
    try:
        server.serve()
    except OSError as error:  # lost a race for the port since check_can_listen
        raise CliError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


COMMANDS = (
    Command(
        "serve",
        "use the app in a web browser (no login: loopback only by default)",
        "Serve the app to a web browser. There is no login: keep the default loopback address and reach it "
        "from elsewhere through an SSH tunnel.",
        cmd_serve,
        _serve_arguments,
    ),
)
