"""The MCP front door: registers tools, resources and prompts on one ``MCPServer``.

Each handler is a thin adapter: it validates arguments, runs the engine off the event loop,
and returns the engine's pydantic model, which the SDK publishes as the tool's outputSchema.
Bad input raised by an engine as ``WardenError`` becomes a tool error with the engine's
message, and the server goes on serving.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
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


class Warden:
    """What the handlers share: the config, the sandboxed workspace and the library."""

    def __init__(self, config: Config, library: PatternLibrary | None = None) -> None:
        self.config = config
        self.workspace = Workspace(config)
        self.library = library or PatternLibrary.load(config.pattern_dirs())
        for problem in self.library.problems:
            log.warning("pattern document refused: %s: %s %s", problem.file, problem.field, problem.message)


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
    _register_patterns(server, warden)
    return server


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
        return await run_engine(library.search, query, category=category, limit=limit)

    @server.tool(annotations=READ_ONLY)
    async def get_pattern(id: str) -> PatternDocument:  # noqa: A002 - the public argument name
        """Fetch one pattern document by id, as markdown with its catalogue fields.

        An unknown id is answered with the nearest known ids.
        """
        doc = await run_engine(library.get, id)
        return PatternDocument(**doc.meta.model_dump(include=set(PatternDocument.model_fields)), markdown=doc.text)
