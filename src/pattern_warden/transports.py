"""Running the server over stdio, SSE or streamable HTTP, safely by default.

stdio needs nothing. The HTTP transports bind to loopback unless told otherwise with an
explicit flag, keep the SDK's DNS-rebinding protection on (Host and Origin are checked), cap
request bodies and sessions, and can require a bearer token read from an environment
variable, so a token never appears on a command line or in a process listing.
"""

from __future__ import annotations

import hmac
import logging
import os
import shlex
import sys
from dataclasses import dataclass
from typing import Literal

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from pattern_warden.errors import WardenError

log = logging.getLogger(__name__)

Transport = Literal["stdio", "sse", "streamable-http"]
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: One port per HTTP transport, so both can run side by side; the docs use the same two.
DEFAULT_PORTS: dict[str, int] = {"sse": 8765, "streamable-http": 8766}


@dataclass(frozen=True)
class HttpOptions:
    """What the HTTP transports are allowed to accept."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORTS["streamable-http"]
    allow_remote: bool = False
    token_env: str | None = None
    max_body_bytes: int = 4 * 1024 * 1024
    max_sessions: int = 64
    idle_timeout_s: float = 30 * 60


class BearerAuth:
    """ASGI middleware: every HTTP request must carry ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers", [])).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"text/plain"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": b"401: a valid bearer token is required\n"})
                return
        await self.app(scope, receive, send)


def security_settings(host: str) -> TransportSecuritySettings:
    """DNS-rebinding protection for loopback plus the host the server was bound to."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if host not in LOOPBACK and host not in ("0.0.0.0", "::"):
        names.append(f"[{host}]" if ":" in host else host)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{n}:*" for n in names],
        allowed_origins=[f"http://{n}:*" for n in names] + [f"https://{n}:*" for n in names],
    )


def http_app(server: MCPServer, transport: Transport, options: HttpOptions) -> ASGIApp:
    """The ASGI app for an HTTP transport, with our limits and optional token check."""
    settings = security_settings(options.host)
    if transport == "sse":
        app: ASGIApp = server.sse_app(
            max_request_body_size=options.max_body_bytes, transport_security=settings, host=options.host
        )
    else:
        app = server.streamable_http_app(
            max_request_body_size=options.max_body_bytes,
            max_sessions=options.max_sessions,
            session_idle_timeout=options.idle_timeout_s,
            transport_security=settings,
            host=options.host,
        )
    if options.token_env:
        token = os.environ.get(options.token_env, "")
        if not token:
            raise WardenError(
                f"The environment variable {options.token_env} is empty or not set.",
                "Export the bearer token in it, or drop --auth-token-env.",
            )
        app = BearerAuth(app, token)
    return app


def check_bind(options: HttpOptions) -> None:
    """Refuse a non-loopback bind unless it was asked for explicitly, and warn when it is."""
    if options.host in LOOPBACK:
        return
    if not options.allow_remote:
        raise WardenError(
            f"Binding to {options.host} would expose the server beyond this machine.",
            "Add --allow-remote to do it on purpose (and set --auth-token-env), or bind to 127.0.0.1.",
        )
    log.warning(
        "serving on %s: reachable from other machines%s",
        options.host,
        "" if options.token_env else " WITHOUT a bearer token (set --auth-token-env)",
    )


def banner(transport: Transport, options: HttpOptions, root: str) -> str:
    """Where the server listens and the line a client needs to reach it, for stderr."""
    if transport == "stdio":
        return (f"pattern-warden: serving MCP over stdio (root {root}); a client starts this command, e.g.\n"
                f"  claude mcp add pattern-warden -- {shlex.quote(sys.argv[0])} --root {shlex.quote(root)}\n")
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{options.port}/{'sse' if transport == 'sse' else 'mcp'}"
    header = f' --header "Authorization: Bearer ${options.token_env}"' if options.token_env else ""
    kind = "sse" if transport == "sse" else "http"
    return (f"pattern-warden: serving MCP over {transport} at {url} (root {root})\n"
            f"  connect: claude mcp add --transport {kind} pattern-warden {url}{header}\n")


def serve(server: MCPServer, transport: Transport, options: HttpOptions, root: str = ".") -> None:
    """Run until interrupted. Logs go to stderr; stdout belongs to the stdio transport."""
    if transport == "stdio":
        if sys.stdin.isatty():  # a person started it by hand: say what it is waiting for
            sys.stderr.write(banner(transport, options, root))
        server.run("stdio")
        return
    check_bind(options)
    sys.stderr.write(banner(transport, options, root))
    sys.stderr.flush()
    import uvicorn

    app = http_app(server, transport, options)
    config = uvicorn.Config(
        app, host=options.host, port=options.port, log_config=None, access_log=False, lifespan="on"
    )
    log.info("pattern-warden %s on http://%s:%d", transport, options.host, options.port)
    anyio.run(uvicorn.Server(config).serve)
