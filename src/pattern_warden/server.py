"""The MCP front door: registers tools, resources and prompts on one ``MCPServer``.

Each handler is a thin adapter: it validates arguments, runs the engine off the event loop,
and returns the engine's pydantic model, which the SDK publishes as the tool's outputSchema.
Bad input raised by an engine as ``WardenError`` becomes a tool error with the engine's
message, and the server goes on serving.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.server.mcpserver.resources import TextResource
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
    ToolAnnotations,
)
from pydantic import Field

from pattern_warden import __version__
from pattern_warden.app import Warden
from pattern_warden.clones.detect import find_duplicates as duplicates_engine
from pattern_warden.clones.models import CloneKind, DuplicatesOptions, DuplicatesResult, SimilarResult
from pattern_warden.clones.similar import find_similar as similar_engine
from pattern_warden.config import Config
from pattern_warden.delta.review import Review
from pattern_warden.delta.score import Scorecard
from pattern_warden.diskcache import DiskCache
from pattern_warden.errors import WardenError
from pattern_warden.patterns.library import INDEX_URI, URI_PREFIX, PatternDocument, PatternLibrary
from pattern_warden.patterns.search import PatternSearchResult
from pattern_warden.prompts.models import DocstringEdit, HandoffWritten
from pattern_warden.rules.results import CheckResult, SeverityName
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)

INSTRUCTIONS = """\
pattern-warden keeps your changes honest against a library of engineering patterns.

Patterns: every document is a resource at warden://patterns/{id}; warden://patterns/index lists \
them all (id, title, category, tags, summary). If your client does not show resources, call \
search_patterns with a few keywords before you design something, then get_pattern for the \
full text. Each document says when it applies, why, what to write, what to avoid, and which \
rules enforce it.

Rules: call check_rules on the files you touched (or on a draft via `code` plus a virtual \
`filename`) before you hand work back. Findings come ranked, each with a fix hint and a pattern \
link; pass fix=true for unified diffs (nothing is written). warden://rules/{code} explains a rule.
Duplicates: before writing a function, call find_similar with your draft; reuse what it \
finds. find_duplicates lists clone classes (exact, renamed, similar) with what to do about each.
Change scoring: before you report a change, call score_loc_delta (default: the working tree \
against the merge-base) and quote its figures (net LOC +X/-Y, reuse rate, consolidation, \
duplicates, coverage, verdict) instead of estimating them; review_change adds rule findings and \
duplicates for the changed files.

Prompts: handoff_context (end of a session; save the result with write_handoff), \
design_decision_docstring (then apply_docstring, dry run first), search_first (before writing a \
feature) and implementation_scorecard (after it). Each fills in facts read from the repository.

All paths are relative to the server's root; nothing outside it is read.\
"""

STATUS_URI = "warden://server/status"
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def build_server(
    config: Config, library: PatternLibrary | None = None, *, disk: DiskCache | None = None, warm_up: bool = False
) -> MCPServer:
    """A fully registered server for ``config``; the CLI runs it on a transport.

    ``disk`` keeps results between sessions; ``warm_up`` builds the indexes in the background
    as soon as a session starts (the ``serve`` command turns both on; tests choose).
    """
    warden = Warden(config, library, disk)

    @asynccontextmanager
    async def session(_: MCPServer) -> AsyncIterator[None]:
        if warm_up:
            warden.warmup.start()
        try:
            yield
        finally:  # the client went away: stop background work, keep what is complete
            await anyio.to_thread.run_sync(warden.warmup.stop)

    server = MCPServer("pattern-warden", instructions=INSTRUCTIONS, version=__version__, lifespan=session)
    _register_status(server, warden)
    _register_patterns(server, warden)
    _register_rules(server, warden)
    _register_clones(server, warden)
    _register_delta(server, warden)
    _register_prompts(server, warden)
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
        return PatternDocument.of(doc)


def _register_rules(server: MCPServer, warden: Warden) -> None:
    from pattern_warden.rules.engine import CheckOptions, check_code, check_paths
    from pattern_warden.rules.reference import rule_index, rule_markdown
    from pattern_warden.rules.registry import ALL_RULES

    store = warden.rule_store
    for rule in ALL_RULES:
        server.add_resource(
            TextResource(uri=rule.uri(), name=rule.code, title=f"{rule.code} {rule.name}",
                         description=rule.message, mime_type="text/markdown", text=rule_markdown(rule))
        )

    @server.resource("warden://rules/index", name="rules-index", title="Rule index", mime_type="application/json",
                     description="Every rule: code, name, family, severity, message, fix hint, pattern and uri.")
    def rules_index() -> str:
        return rule_index().model_dump_json(indent=1)

    @server.tool(annotations=READ_ONLY)
    async def check_rules(
        paths: list[str] | None = None,
        code: str | None = None,
        filename: str | None = None,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        min_severity: SeverityName = "info",
        fix: bool = False,
        cursor: str | None = None,
        page_size: int = 50,
    ) -> CheckResult:
        """Check Python files (or a draft) against the pattern rules; returns ranked findings.

        Give `paths` (files or folders under the root; folders honour .gitignore), or `code`
        with an optional virtual `filename` such as 'src/pkg/mod.py' so per-path settings
        apply. `select`/`ignore` take codes (ERR001), prefixes (ERR) or families (errors,
        async, resources, design, docs, security, correctness). `min_severity` is a floor
        (info, warning, error). `fix`: add a unified diff to each fixable finding (files are
        never written). The summary counts every finding; findings come one page at a time:
        pass `page.next_cursor` as `cursor` for more (page_size 1-500). Each finding has
        code, severity, location, message, fix_hint and pattern_uri (read it for the why).
        """
        options = CheckOptions(
            select=tuple(select) if select else None, ignore=tuple(ignore or ()), min_severity=min_severity,
            fix=fix, cursor=cursor, page_size=page_size, store=store,
        )
        if code is not None:
            if paths:
                raise ToolError("Pass either `paths` or `code`, not both.")
            return await warden.run(check_code, warden.workspace, code, filename, options)
        return await warden.run(check_paths, warden.workspace, paths or ["."], options)


def _register_clones(server: MCPServer, warden: Warden) -> None:
    # One warm index per server, kept (and warmed up) by the warden.
    cache, state, memo, index = warden.shapes, warden.tree, warden.memo, warden.similar

    @server.tool(annotations=READ_ONLY)
    async def find_duplicates(
        paths: list[str] | None = None,
        min_lines: int = 6,
        min_similarity: float = 0.8,
        kinds: list[CloneKind] | None = None,
        include_tests: bool = False,
        cursor: str | None = None,
        limit: int = 20,
    ) -> DuplicatesResult:
        """Find duplicated code: clone classes ranked by size, boilerplate last.

        Kinds: exact (same code, other layout/comments), renamed (other names and literals),
        similar (whole functions at least min_similarity alike). Found in whole functions and in
        runs of statements inside larger bodies. Each class gives its locations (path, lines,
        enclosing function), lines duplicated and a recommendation (consolidate / extract /
        leave, with where and why) from warden://patterns/consolidation-decision-tree. The
        summary gives duplicated lines and percentage overall and per folder. `paths` default to
        the whole root; pass `cursor` from page.next_cursor for the next page (limit 1-200).
        """
        options = DuplicatesOptions(min_lines=min_lines, min_similarity=min_similarity,
                                    kinds=kinds if kinds is not None else ["exact", "renamed", "similar"],
                                    include_tests=include_tests, cursor=cursor, limit=limit)
        return await warden.run(duplicates_engine, warden.workspace, paths, options, cache, state, memo)

    @server.tool(annotations=READ_ONLY)
    async def find_similar(
        code: str | None = None,
        path: str | None = None,
        symbol: str | None = None,
        limit: int = 10,
        min_similarity: float = 0.5,
    ) -> SimilarResult:
        """Search before writing: the existing functions most like a draft, best first.

        Pass your draft as `code` (one or more functions, or a few statements), or name an
        existing function with `path` + `symbol` (a name or Class.method). Names and literals
        are ignored, so a renamed copy still matches. Each match gives path, lines, function and
        similarity (0-1). Reuse or extend a close match instead of writing a copy
        (warden://patterns/search-before-writing).
        """
        return await warden.run(similar_engine, warden.workspace, code=code, path=path, symbol=symbol,
                                limit=limit, min_similarity=min_similarity, index=index)


def _register_delta(server: MCPServer, warden: Warden) -> None:
    from pattern_warden.delta.review import review_change as review_engine
    from pattern_warden.delta.score import score_change

    workspace = warden.workspace
    fit = warden.config.limits.max_output_chars  # answers shrink their page to stay within it

    @server.tool(annotations=READ_ONLY)
    async def score_loc_delta(
        base: str | None = None,
        head: str | None = None,
        paths: list[str] | None = None,
        before: str | None = None,
        after: str | None = None,
        diff: str | None = None,
        path_name: str = "snippet.py",
        cursor: str | None = None,
        limit: int = 100,
    ) -> Scorecard:
        """Measure a change instead of estimating it: the LOC-delta scorecard.

        Input, one of: a git range (`base` defaults to the merge-base with the default branch,
        else HEAD; `head` defaults to the working tree with staged and untracked files); or
        `before` and `after` text of one file (`path_name` names it); or `diff`, a unified
        diff's text. `paths` filters files (relative to the root).

        Returns net LOC impact (+X/-Y code lines, apart from blank/comment/docstring lines; moved
        blocks and renames counted as moved), functions/classes added/removed/modified by
        qualified name, reuse rate (share of the project's own called units that existed
        before), functions consolidated, duplicates introduced/eliminated, coverage of added
        statements (from coverage.xml/.coverage, else unknown), maturity tier and verdict, and
        per-file counts in `files` (paginated: `limit` per page, then pass `cursor`). Figures that
        could not be measured say why. Pattern: warden://patterns/net-loc-discipline.
        """
        return await warden.run(score_change, workspace, base, head, paths, before=before, after=after, diff=diff,
                                path_name=path_name, cursor=cursor, limit=limit, fit_chars=fit)

    @server.tool(annotations=READ_ONLY)
    async def review_change(
        path: str | None = None, base: str | None = None, head: str | None = None, cursor: str | None = None,
        limit: int = 50,
    ) -> Review:
        """Review the current change: its scorecard, rule findings in the changed files, and
        duplicates touching changed lines (same as `pattern-warden review`).

        `path` limits the review to a file or folder; `base`/`head` as in score_loc_delta.
        Outside a git checkout the whole tree is reviewed (no scorecard). `passed` is false
        when the verdict fails or a threshold in [tool.pattern-warden.review] fails. Findings
        are paginated (`limit` per page, then pass `cursor`).
        """
        return await warden.run(review_engine, workspace, path, base, head, cursor=cursor, limit=limit,
                                fit_chars=fit)


async def _prompt_messages(warden: Warden, fn: Callable[..., list[str]], *args: object) -> list[UserMessage]:
    """Build a prompt's texts as engine work; bad input becomes an invalid-params error."""
    try:
        texts = await warden.run(fn, *args)
    except ToolError as exc:
        raise MCPError(INVALID_PARAMS, str(exc)) from exc
    return [UserMessage(text) for text in texts]


async def _complete(
    workspace: Workspace, ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument,
    context: CompletionContext | None,
) -> Completion | None:
    """Completions for design_decision_docstring: files under the root, then a file's symbols."""
    if not (isinstance(ref, PromptReference) and ref.name == "design_decision_docstring"):
        return None
    from pattern_warden.prompts.design_doc import complete_paths, complete_symbols

    chosen = (context.arguments or {}).get("path") if context else None
    if argument.name == "path":
        values, total = await anyio.to_thread.run_sync(complete_paths, workspace, argument.value)
    elif argument.name == "symbol" and chosen:
        try:
            values, total = await anyio.to_thread.run_sync(complete_symbols, workspace, chosen, argument.value)
        except WardenError:
            return Completion(values=[], total=0, has_more=False)
    else:
        return None
    return Completion(values=values, total=total, has_more=total > len(values))


def _register_prompts(server: MCPServer, warden: Warden) -> None:
    # Engines are imported when a prompt or tool is first used, so that start-up stays fast.
    workspace = warden.workspace

    @server.prompt(title="Handoff context")
    async def handoff_context(
        goal: Annotated[str, Field(description="What the work is for, in a line.")],
        notes: Annotated[str | None, Field(description="What you know that the repository does not show.")] = None,
    ) -> list[UserMessage]:
        """Facts for a session handoff read from the repository (branch, commits, changed files, LOC
        scorecard, new findings, added TODOs, last tests, open items of the previous handoff), a
        template, and the request to write it. Save the result with write_handoff."""
        from pattern_warden.prompts.handoff import handoff_messages

        return await _prompt_messages(warden, handoff_messages, workspace, goal, notes)

    @server.prompt(title="Design-decision docstring")
    async def design_decision_docstring(
        path: Annotated[str, Field(description="A Python file, relative to the root.")],
        symbol: Annotated[str, Field(description="func, Class, Class.method or Outer.Inner.method.")],
    ) -> list[UserMessage]:
        """The source, signature, docstring, exceptions, complexity, callers and callees of one
        function or class (`func`, `Class`, `Class.method`), and the request for a docstring that
        records its design decisions. Apply the result with apply_docstring."""
        from pattern_warden.prompts.design_doc import gather, render

        return await _prompt_messages(warden, lambda: list(render(gather(workspace, path, symbol))))

    @server.prompt(title="Search first")
    async def search_first(
        feature: Annotated[str, Field(description="What you are about to build, in a few words.")],
        draft: Annotated[str | None, Field(description="A sketch of the code, to find similar code.")] = None,
    ) -> list[UserMessage]:
        """Before writing a feature: the matching pattern documents, the project code most like
        `draft` (a code sketch, optional), and the instruction to reuse or extend before adding."""
        from pattern_warden.prompts.protocols import search_first_messages

        return await _prompt_messages(warden, search_first_messages, workspace, warden.library, feature, draft)

    @server.prompt(title="Implementation scorecard")
    async def implementation_scorecard() -> list[UserMessage]:
        """After a change: its LOC scorecard and new rule findings, and the request for the
        post-implementation report (net LOC, reuse, consolidation, duplicates, coverage)."""
        from pattern_warden.prompts.protocols import scorecard_messages

        return await _prompt_messages(warden, scorecard_messages, workspace)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
    async def apply_docstring(
        path: str, symbol: str, docstring: str, dry_run: bool = True, expected_hash: str | None = None
    ) -> DocstringEdit:
        """Insert or replace the docstring of one function or class, changing no other byte.

        `symbol` is `func`, `Class`, `Class.method` or `Outer.Inner.method` (add `@line` when a
        name is defined twice). `docstring` is the text without quotes. A dry run (the default)
        returns the unified diff and the file's `content_hash`; to write, call again with
        dry_run=false and expected_hash=<that hash>: the write is refused if the file changed
        since. Comments, decorators, CRLF endings and indentation are kept.
        """
        from pattern_warden.prompts.docstring_edit import apply_docstring as engine

        return await warden.run(engine, workspace, path, symbol, docstring, dry_run, expected_hash)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
    async def write_handoff(content: str, path: str = ".handoff/HANDOFF.md") -> HandoffWritten:
        """Save a handoff document (markdown) inside the root and return what was written.

        The next handoff_context prompt reads its open items from .handoff/HANDOFF.md (the
        default path). An existing file at the path is replaced atomically.
        """
        from pattern_warden.prompts.handoff import write_handoff as engine

        return await warden.run(engine, workspace, content, path)

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        return await _complete(workspace, ref, argument, context)
