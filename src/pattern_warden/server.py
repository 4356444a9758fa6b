"""The MCP front door: registers tools, resources and prompts on one ``MCPServer``.

Each handler is a thin adapter: it validates arguments, runs the engine off the event loop,
and returns the engine's pydantic model, which the SDK publishes as the tool's outputSchema.
Bad input raised by an engine as ``WardenError`` becomes a tool error with the engine's
message, and the server goes on serving.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources import TextResource
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from pattern_warden import __version__
from pattern_warden.config import Config
from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import INDEX_URI, URI_PREFIX, PatternLibrary
from pattern_warden.patterns.search import PatternSearchResult
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)
T = TypeVar("T")

INSTRUCTIONS = """\
pattern-warden keeps your changes honest against a library of engineering patterns.

Patterns: every document is a resource at warden://patterns/{id}; warden://patterns/index lists \
them all (id, title, category, tags, summary). If your client does not show resources, call \
search_patterns with a few keywords before you design something, then get_pattern for the \
full text. Each document says when it applies, why, what to write, what to avoid, and which \
rules enforce it.

All paths are relative to the server's root; nothing outside it is read.\
"""

STATUS_URI = "warden://server/status"
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


class PatternDocument(BaseModel):
    """A whole pattern document, with its catalogue fields."""

    id: str
    title: str
    category: str
    tags: list[str]
    summary: str
    rules: list[str] = Field(description="Codes of the rules that enforce this pattern.")
    uri: str
    source: str
    markdown: str = Field(description="The document, front matter included.")


class CacheStatus(BaseModel):
    """How full one in-memory cache is, against its bound."""

    entries: int
    bound: int


class ServerStatus(BaseModel):
    """What an operator checks on a long-running server: memory and cache sizes."""

    version: str
    root: str
    uptime_s: float
    calls: int
    rss_bytes: int | None = Field(description="Resident memory now (Linux), or null where unknown.")
    caches: dict[str, CacheStatus]


class Warden:
    """What the handlers share: the config, the sandboxed workspace and the library."""

    def __init__(self, config: Config, library: PatternLibrary | None = None) -> None:
        self.config = config
        self.workspace = Workspace(config)
        self.library = library or PatternLibrary.load(config.pattern_dirs())
        self.started = time.monotonic()
        self.calls = 0
        #: Each engine that keeps state registers a probe here, so the status shows its bound.
        self.caches: dict[str, Callable[[], CacheStatus]] = {
            "workspace.files": lambda: CacheStatus(
                entries=self.workspace.cache_size, bound=config.limits.cache_entries
            ),
        }
        for problem in self.library.problems:
            log.warning("pattern document refused: %s: %s %s", problem.file, problem.field, problem.message)

    async def run(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``run_engine`` with this server's time budget, counting the call."""
        self.calls += 1
        return await run_engine(fn, *args, timeout=self.config.limits.call_timeout_s, **kwargs)

    def status(self) -> ServerStatus:
        return ServerStatus(
            version=__version__,
            root=str(self.config.root),
            uptime_s=round(time.monotonic() - self.started, 1),
            calls=self.calls,
            rss_bytes=_resident_bytes(),
            caches={name: probe() for name, probe in self.caches.items()},
        )


def _resident_bytes() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


async def run_engine(fn: Callable[..., T], *args: object, timeout: float = 120.0, **kwargs: object) -> T:
    """Run engine work in a worker thread, within ``timeout``, turning bad input into a tool error.

    The thread is abandoned (not waited for) when the client cancels or the budget runs out,
    so the event loop answers the next call at once; engines that fan out to processes stop
    their own workers when they see their deadline pass.
    """
    try:
        with anyio.fail_after(timeout):
            return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), abandon_on_cancel=True)
    except WardenError as exc:
        raise ToolError(str(exc)) from exc
    except TimeoutError:
        raise ToolError(
            f"The call took longer than its {timeout:g} s budget and was stopped. "
            "Narrow the paths, or raise limits.call-timeout-s in [tool.pattern-warden.limits]."
        ) from None


def build_server(config: Config, library: PatternLibrary | None = None) -> MCPServer:
    """A fully registered server for ``config``; the CLI runs it on a transport."""
    warden = Warden(config, library)
    server = MCPServer("pattern-warden", instructions=INSTRUCTIONS, version=__version__)
    _register_status(server, warden)
    _register_patterns(server, warden)
    return server


def _register_status(server: MCPServer, warden: Warden) -> None:
    @server.resource(STATUS_URI, name="status", title="Server status", mime_type="application/json",
                     description="Uptime, calls served, resident memory and each cache's size against its bound.")
    def server_status() -> str:
        return warden.status().model_dump_json(indent=1)


def _register_patterns(server: MCPServer, warden: Warden) -> None:
    library = warden.library
    for doc in library.docs.values():
        server.add_resource(
            TextResource(
                uri=doc.meta.uri,
                name=doc.meta.id,
                title=doc.meta.title,
                description=doc.meta.summary,
                mime_type="text/markdown",
                text=doc.text,
            )
        )

    @server.resource(INDEX_URI, name="index", title="Pattern index", mime_type="application/json",
                     description="Every pattern document: id, title, category, tags, summary, uri and source.")
    def pattern_index() -> str:
        return json.dumps(library.index().model_dump(), indent=1)

    @server.resource(URI_PREFIX + "{id}", name="pattern", title="Pattern by id", mime_type="text/markdown",
                     description="Any pattern document by its id; see warden://patterns/index.")
    def pattern_by_id(id: str) -> str:  # noqa: A002 - the URI template names it id
        try:
            return library.get(id).text
        except WardenError as exc:
            raise ResourceError(str(exc)) from exc

    @server.tool(annotations=READ_ONLY)
    async def search_patterns(query: str, category: str | None = None, limit: int = 10) -> PatternSearchResult:
        """Search the pattern library by keywords (fuzzy: title, tags, summary, headings, body).

        Returns hits ranked best first, each with id, title, uri, a 0-1 score and the passage
        that matched. Call get_pattern with a hit's id for the whole document. `category`
        narrows the search (see warden://patterns/index for the categories); `limit` is 1-100.
        """
        return await warden.run(library.search, query, category=category, limit=limit)

    @server.tool(annotations=READ_ONLY)
    async def get_pattern(id: str) -> PatternDocument:  # noqa: A002 - the public argument name
        """Fetch one pattern document by id, as markdown with its catalogue fields.

        An unknown id is answered with the nearest known ids.
        """
        doc = await warden.run(library.get, id)
        return PatternDocument(**doc.meta.model_dump(include=set(PatternDocument.model_fields)), markdown=doc.text)
