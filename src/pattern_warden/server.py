"""The MCP front door: registers tools, resources and prompts on one ``MCPServer``.

Each handler is a thin adapter: it validates arguments, runs the engine off the event loop,
and hands the engine's pydantic model to ``render.answer``, which makes the answer an agent
reads (compact text, lean structured content, within the output budget); the model's type
stays the tool's outputSchema. Bad input raised by an engine as ``WardenError`` becomes a tool
error with the engine's message, and the server goes on serving.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import anyio
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    GetPromptResult,
    InputRequiredResult,
    PromptReference,
    ResourceTemplateReference,
    ToolAnnotations,
)
from mcp_types import Prompt as MCPPrompt
from mcp_types import Tool as MCPTool
from pydantic import AnyUrl, BaseModel, Field, ValidationError

from pattern_warden import __version__
from pattern_warden.app import Warden
from pattern_warden.clones.detect import find_duplicates as duplicates_engine
from pattern_warden.clones.models import CloneKind, DuplicatesOptions, DuplicatesResult, SimilarResult
from pattern_warden.clones.similar import find_similar as similar_engine
from pattern_warden.config import Config
from pattern_warden.delta.models import Review, Scorecard
from pattern_warden.errors import UnknownId, WardenError
from pattern_warden.leftovers.models import LeftoverKind, LeftoversOptions, LeftoversResult
from pattern_warden.models import paginate
from pattern_warden.diskcache import DiskCache
from pattern_warden.patterns.library import INDEX_URI, URI_PREFIX, PatternDocument, PatternLibrary
from pattern_warden.patterns.search import PatternSearchResult
from pattern_warden.prompts.models import DocstringEdit, HandoffWritten
from pattern_warden.render import Budget, answer, render_text
from pattern_warden.render.answer import clip
from pattern_warden.render.arguments import explain
from pattern_warden.render.schema import lean_input, lean_output
from pattern_warden.rules.results import CheckResult, SeverityName
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)

INSTRUCTIONS = """\
pattern-warden keeps your changes honest against a library of engineering patterns.

Patterns: warden://patterns/index lists every document (id, category, title); read one at \
warden://patterns/{id}. If your client does not show resources, call search_patterns with a \
few keywords before you design something, then get_pattern for the full text.

Rules: call check_rules on the files you touched (or on a draft via `code` plus a virtual \
`filename`) before you hand work back. Findings come ranked, each with a fix hint and a pattern \
link; pass fix=true for unified diffs (nothing is written). warden://rules/{code} explains a \
rule; warden://rules/index lists them.
Duplicates: before writing a function, call find_similar with your draft; reuse what it \
finds. find_duplicates lists clone classes (exact, renamed, similar) with what to do about each.
Change scoring: before you report a change, call score_loc_delta (default: the working tree \
against the merge-base) and quote its figures instead of estimating them; review_change adds \
rule findings and duplicates for the changed files.

Answers are compact text plus structured content, one page at a time: pass the cursor an \
answer names to get the rest. Paths are relative to the server's root; nothing outside it is read.

Prompts: handoff_context (save the result with write_handoff), design_decision_docstring (then \
apply_docstring, dry run first), search_first (before a feature), implementation_scorecard (after).\
"""

STATUS_URI = "warden://server/status"
RULES_INDEX_URI = "warden://rules/index"
RULE_TEMPLATE = "warden://rules/{code}"
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)

# Arguments several tools share: described once, so the schemas and the prose agree.
Cursor = Annotated[str | None, Field(description="The last page's next_cursor.")]
Paths = Annotated[list[str] | None, Field(description="Relative to the root; default: all.")]
Base = Annotated[str | None, Field(description="Git ref to compare from; default: merge-base with the default branch.")]
Head = Annotated[str | None, Field(description="Git ref to compare to; default: the working tree.")]


class WardenServer(MCPServer):
    """``MCPServer`` with lean published schemas and errors that say what to pass.

    The SDK derives schemas and messages from pydantic; both are written for programmers. The
    overrides below change only what a client reads, never how a call is dispatched.
    """

    def __init__(self, max_output_chars: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_output_chars = max_output_chars

    async def list_tools(self) -> list[MCPTool]:
        """Descriptions without docstring indentation; input schemas without titles; lean output schemas."""
        return [
            tool.model_copy(update={
                "description": inspect.cleandoc(tool.description or ""),
                "input_schema": lean_input(tool.input_schema),
                "output_schema": lean_output(tool.output_schema) if tool.output_schema else None,
            })
            for tool in await super().list_tools()
        ]

    async def list_prompts(self) -> list[MCPPrompt]:
        """Prompt descriptions without docstring indentation, like the tools'."""
        return [prompt.model_copy(update={"description": inspect.cleandoc(prompt.description or "")})
                for prompt in await super().list_prompts()]

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context | None = None) -> CallToolResult | InputRequiredResult:
        """A rejected argument is answered with its name, the expected type and an example."""
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            schemas = {tool.name: tool.input_schema for tool in await self.list_tools()}
            raise ToolError(explain(name, exc.__cause__, schemas.get(name, {}))) from None

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context | None = None) -> GetPromptResult | InputRequiredResult:
        """A missing argument is named with what it is for; every message stays within the output limit."""
        prompt = next((p for p in await self.list_prompts() if p.name == name), None)
        missing = [a for a in (prompt.arguments or []) if a.required and a.name not in (arguments or {})] if prompt else []
        if missing:
            wanted = "; ".join(f"`{a.name}` ({a.description})" for a in missing)
            raise MCPError(INVALID_PARAMS, f"The prompt {name} needs the argument {wanted}.",
                           data={"missing": [a.name for a in missing]})
        result = await super().get_prompt(name, arguments, context)
        if isinstance(result, GetPromptResult):
            share = self.max_output_chars // max(len(result.messages), 1)
            for message in result.messages:
                if getattr(message.content, "type", None) == "text":
                    message.content.text = clip(message.content.text, share)
        return result

    async def read_resource(self, uri: AnyUrl | str,
                            context: Context | None = None) -> Iterable[ReadResourceContents] | InputRequiredResult:
        """Every resource read stays within ``limits.max-output-chars``."""
        contents = await super().read_resource(uri, context)
        if isinstance(contents, list):
            for item in contents:
                if isinstance(item.content, str):
                    item.content = clip(item.content, self.max_output_chars)
        return contents


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

    server = WardenServer(config.limits.max_output_chars, name="pattern-warden", instructions=INSTRUCTIONS,
                          version=__version__, lifespan=session)
    _register_status(server, warden)
    _register_patterns(server, warden)
    _register_rules(server, warden)
    _register_clones(server, warden)
    _register_leftovers(server, warden)
    _register_delta(server, warden)
    _register_prompts(server, warden)
    return server


async def _answer(warden: Warden, model: BaseModel, more: bool = False) -> CallToolResult:
    """The answer for ``model`` (off the event loop): the default budget, or ``max-output-chars`` when asked for more."""
    return await anyio.to_thread.run_sync(answer, model, Budget.of(warden.config.limits.max_output_chars, more))


def _unknown(exc: UnknownId, uri: str) -> MCPError:
    """An unknown id read by URI: the same code and the same nearest ids for rules and patterns."""
    return MCPError(INVALID_PARAMS, str(exc), data={"uri": uri, "nearest": exc.nearest})


def _register_status(server: MCPServer, warden: Warden) -> None:
    @server.resource(STATUS_URI, name="status", title="Server status", mime_type="application/json",
                     description="Uptime, calls, memory, cache sizes against their bounds.")
    def server_status() -> str:
        return warden.status().model_dump_json()


def _register_patterns(server: MCPServer, warden: Warden) -> None:
    library = warden.library
    # The categories are known only now, so the enum is set on the annotation before registering.
    categories = tuple(library.categories())
    category_type = Literal[categories] if categories else str  # type: ignore[valid-type]

    @server.resource(INDEX_URI, name="patterns", title="Pattern index", mime_type="text/plain",
                     description="Every pattern: id, category, title. Read warden://patterns/{id} for one.")
    def pattern_index() -> str:
        return render_text(library.index())

    @server.resource(URI_PREFIX + "{id}", name="pattern", title="Pattern by id", mime_type="text/markdown",
                     description="One pattern document; ids complete, and warden://patterns/index lists them.")
    def pattern_by_id(id: str) -> str:  # noqa: A002 - the URI template names it id
        try:
            return library.get(id).text
        except UnknownId as exc:
            raise _unknown(exc, URI_PREFIX + id) from exc

    async def search_patterns(
        query: Annotated[str, Field(description="A few keywords, e.g. 'retry with backoff'.")],
        category: str | None = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Most hits to return.")] = 10,
    ) -> Annotated[CallToolResult, PatternSearchResult]:
        """Search the pattern library by keywords (fuzzy: title, tags, summary, headings, body).

        Hits come best first with id, title, uri, a 0-1 score and the passage that matched;
        get_pattern gives a whole document.
        """
        return await _answer(warden, await warden.run(library.search, query, category=category, limit=limit))

    search_patterns.__annotations__["category"] = Annotated[
        category_type | None, Field(description="Only this category.")]
    server.add_tool(search_patterns, annotations=READ_ONLY)

    @server.tool(annotations=READ_ONLY)
    async def get_pattern(
        id: Annotated[str, Field(description="A pattern id, e.g. 'bounded-concurrency'.")],  # noqa: A002
    ) -> Annotated[CallToolResult, PatternDocument]:
        """One pattern document as markdown, with its catalogue fields. An unknown id gets the nearest ids."""
        doc = await warden.run(library.get, id)
        return await _answer(warden, PatternDocument.of(doc))


def _register_rules(server: MCPServer, warden: Warden) -> None:
    from pattern_warden.baseline import check_with_baseline, configured_baseline
    from pattern_warden.rules.engine import CheckOptions, check_code
    from pattern_warden.rules.reference import rule_index, rule_markdown
    from pattern_warden.rules.registry import BY_CODE

    store = warden.rule_store

    @server.resource(RULES_INDEX_URI, name="rules", title="Rule index", mime_type="text/plain",
                     description="Every rule: code, severity, name, message. Read warden://rules/{code} for one.")
    def rules_index() -> str:
        return render_text(rule_index())

    @server.resource(RULE_TEMPLATE, name="rule", title="Rule by code", mime_type="text/markdown",
                     description="One rule's documentation; codes complete, and warden://rules/index lists them.")
    def rule_by_code(code: str) -> str:
        rule = BY_CODE.get(code.strip().upper())
        if rule is None:
            raise _unknown(UnknownId("rule", code, BY_CODE, RULES_INDEX_URI), RULE_TEMPLATE.format(code=code))
        return rule_markdown(rule)

    @server.tool(annotations=READ_ONLY)
    async def check_rules(
        paths: Paths = None,
        code: Annotated[str | None, Field(description="Source text to check instead of paths (a draft).")] = None,
        filename: Annotated[str | None, Field(description="Where `code` would live, e.g. 'src/pkg/mod.py'.")] = None,
        select: Annotated[list[str] | None, Field(description="Codes (ERR001), prefixes (ERR) or families.")] = None,
        ignore: Annotated[list[str] | None, Field(description="Codes, prefixes or families to skip.")] = None,
        min_severity: Annotated[SeverityName, Field(description="Least severity reported.")] = "info",
        fix: Annotated[bool, Field(description="Add a unified diff to each fixable finding (nothing is written).")] = False,
        cursor: Cursor = None,
        limit: Annotated[int, Field(ge=1, le=500, description="Findings per page.")] = 50,
    ) -> Annotated[CallToolResult, CheckResult]:
        """Check Python files (or a draft) against the pattern rules: a summary, then ranked
        findings, each with location, message, fix hint and pattern_uri (the why). Folders honour
        .gitignore; findings in the configured baseline are left out.
        """
        options = CheckOptions(
            select=tuple(select) if select else None, ignore=tuple(ignore or ()), min_severity=min_severity,
            fix=fix, store=store, models=warden.models, cache=warden.disk,
        )
        if code is not None and paths:
            raise ToolError("Pass either `paths` or `code`, not both.")

        def check() -> CheckResult:
            if code is not None:
                result = check_code(warden.workspace, code, filename, options)
            else:
                result = check_with_baseline(warden.workspace, paths or ["."], options,
                                             configured_baseline(warden.config))
            page_items, page = paginate(result.findings, cursor, limit)  # the engine returns every finding
            return result.model_copy(update={"findings": page_items, "page": page})

        return await _answer(warden, await warden.run(check), limit > 50)


def _register_clones(server: MCPServer, warden: Warden) -> None:
    # One warm index per server, kept (and warmed up) by the warden.
    cache, state, memo, index = warden.shapes, warden.tree, warden.memo, warden.similar

    @server.tool(annotations=READ_ONLY)
    async def find_duplicates(
        paths: Paths = None,
        min_lines: Annotated[int, Field(ge=2, le=1000, description="Fewest code lines a clone spans.")] = 6,
        min_similarity: Annotated[float, Field(ge=0.3, le=1.0, description="Least similarity of a 'similar' clone.")] = 0.8,
        kinds: Annotated[list[CloneKind] | None, Field(description="Clone kinds to report; default: all.")] = None,
        include_tests: Annotated[bool, Field(description="Also compare tests and other non-product code "
                                                         "(fixtures, benchmarks, docs, examples).")] = False,
        cursor: Cursor = None,
        limit: Annotated[int, Field(ge=1, le=200, description="Clone families per page.")] = 20,
    ) -> Annotated[CallToolResult, DuplicatesResult]:
        """Find duplicated code: families ranked by the lines a merge would save, leave last.

        Kinds: exact, renamed (other names and literals), similar. Each family: its core
        (locations), weaker related copies, copies and truncated, what differs (changes_behaviour
        when it alters what runs) and advice (consolidate / extract / leave, home module, why;
        warden://patterns/consolidation-decision-tree).
        """
        options = DuplicatesOptions(min_lines=min_lines, min_similarity=min_similarity,
                                    kinds=kinds if kinds is not None else ["exact", "renamed", "similar"],
                                    include_tests=include_tests, cursor=cursor, limit=limit)
        result = await warden.run(duplicates_engine, warden.workspace, paths, options, cache, state, memo)
        return await _answer(warden, result, limit > 20)

    @server.tool(annotations=READ_ONLY)
    async def find_similar(
        code: Annotated[str | None, Field(description="Your draft: functions or a few statements.")] = None,
        path: Annotated[str | None, Field(description="A file holding an existing function (with `symbol`).")] = None,
        symbol: Annotated[str | None, Field(description="A function in `path`: name or Class.method.")] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Most matches to return.")] = 10,
        min_similarity: Annotated[float, Field(gt=0, le=1, description="Least similarity of a match.")] = 0.5,
        include_tests: Annotated[bool, Field(description="Also search test code.")] = False,
    ) -> Annotated[CallToolResult, SimilarResult]:
        """Search before writing: the existing functions most like a draft, best first.

        Pass `code`, or `path` + `symbol`. Names and literals are ignored, so a renamed copy still
        matches. Reuse or extend a close match instead of writing a copy
        (warden://patterns/search-before-writing). A draft under two statements gets a note.
        """
        result = await warden.run(similar_engine, warden.workspace, code=code, path=path, symbol=symbol,
                                  limit=limit, min_similarity=min_similarity, index=index,
                                  include_tests=include_tests)
        return await _answer(warden, result)


def _register_leftovers(server: MCPServer, warden: Warden) -> None:
    from pattern_warden.leftovers.engine import find_leftovers as leftovers_engine
    @server.tool(annotations=READ_ONLY)
    async def find_leftovers(
        paths: Paths = None,
        kinds: Annotated[list[LeftoverKind] | None, Field(description="Kinds to report; default: all.")] = None,
        min_confidence: Annotated[int, Field(ge=0, le=100, description="Least confidence (0-100) reported.")] = 60,
        include_tests: Annotated[bool, Field(description="Also report leftovers inside test code.")] = False,
        cursor: Cursor = None,
        limit: Annotated[int, Field(ge=1, le=200, description="Leftovers per page.")] = 20,
    ) -> Annotated[CallToolResult, LeftoversResult]:
        """What earlier attempts left behind (client_v2.py beside client.py, dead or commented-out
        code, two clients of one API), each with the current copy, a confidence and the action
        (warden://patterns/leftovers). Call it before building on code you did not write.
        """
        options = LeftoversOptions(min_confidence=min_confidence, include_tests=include_tests,
                                   **({"kinds": kinds} if kinds is not None else {}))
        result = await warden.run(leftovers_engine, warden.workspace, paths, options, cursor, limit,
                                  warden.disk)
        return await _answer(warden, result, limit > 20)


def _register_delta(server: MCPServer, warden: Warden) -> None:
    from pattern_warden.delta.review import review_change as review_engine
    from pattern_warden.delta.score import score_change

    workspace = warden.workspace

    @server.tool(annotations=READ_ONLY)
    async def score_loc_delta(
        base: Base = None,
        head: Head = None,
        paths: Paths = None,
        before: Annotated[str | None, Field(description="Old text of one file (with `after`).")] = None,
        after: Annotated[str | None, Field(description="New text of one file (with `before`).")] = None,
        diff: Annotated[str | None, Field(description="A unified diff's text.")] = None,
        path_name: Annotated[str, Field(description="File name for `before`/`after`.")] = "snippet.py",
        cursor: Cursor = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="Files per page.")] = 15,
    ) -> Annotated[CallToolResult, Scorecard]:
        """Measure a change instead of estimating it: the LOC-delta scorecard.

        Input, one of: a git range (`base`, `head`), `before` + `after`, or `diff`. Returns net
        LOC (moves and renames apart), symbols added/removed/modified, reuse, duplicates
        introduced/eliminated, coverage of added statements, verdict, and a page of per-file
        counts; a figure not measured says why (warden://patterns/net-loc-discipline).
        """
        card = await warden.run(score_change, workspace, base, head, paths, before=before, after=after, diff=diff,
                                path_name=path_name, cursor=cursor, limit=limit)
        return await _answer(warden, card, limit > 15)

    @server.tool(annotations=READ_ONLY)
    async def review_change(
        path: Annotated[str | None, Field(description="A file or folder to review; default: the root.")] = None,
        base: Base = None,
        head: Head = None,
        cursor: Cursor = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="Findings per page.")] = 20,
        show_existing: Annotated[bool, Field(description="Also list the findings the changed files already had.")] = False,
    ) -> Annotated[CallToolResult, Review]:
        """Review the current change: scorecard, findings in the changed files (`new` when the
        change introduced them; thresholds count only those), the duplicates and leftovers it
        added. Outside git the whole tree is reviewed; with no change, the last commit.
        `failed` names what failed.
        """
        review = await warden.run(review_engine, workspace, path, base, head, cursor=cursor, limit=limit,
                                  show_existing=show_existing, disk=warden.disk)
        return await _answer(warden, review, limit > 20)


async def _prompt_messages(warden: Warden, fn: Callable[..., list[str]], *args: object) -> list[UserMessage]:
    """Build a prompt's texts as engine work; bad input becomes an invalid-params error."""
    try:
        texts = await warden.run(fn, *args)
    except ToolError as exc:
        raise MCPError(INVALID_PARAMS, str(exc)) from exc
    return [UserMessage(text) for text in texts]


async def _complete(
    warden: Warden, ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument,
    context: CompletionContext | None,
) -> Completion | None:
    """Ids on the pattern and rule templates; files, then a file's symbols, for design_decision_docstring."""
    if isinstance(ref, ResourceTemplateReference):
        return _complete_id(warden, ref.uri, argument.value)
    if ref.name != "design_decision_docstring":
        return None
    from pattern_warden.prompts.design_doc import complete_paths, complete_symbols

    workspace = warden.workspace
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


def _complete_id(warden: Warden, template: str, prefix: str) -> Completion | None:
    """Known ids starting with ``prefix`` (case-insensitive), at most the 100 the protocol allows."""
    if template == URI_PREFIX + "{id}":
        known = list(warden.library.docs)
    elif template == RULE_TEMPLATE:
        from pattern_warden.rules.registry import BY_CODE

        known = list(BY_CODE)
    else:
        return None
    values = [value for value in known if value.lower().startswith(prefix.strip().lower())]
    return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)


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

    @server.tool(annotations=WRITES)
    async def apply_docstring(
        path: Annotated[str, Field(description="A Python file relative to the root.")],
        symbol: Annotated[str, Field(description="func, Class, Class.method or Outer.Inner.method; add @line if defined twice.")],
        docstring: Annotated[str, Field(description="The docstring text, without quotes.")],
        dry_run: Annotated[bool, Field(description="Only show the diff; write nothing.")] = True,
        expected_hash: Annotated[str | None, Field(description="content_hash of the dry run; required to write.")] = None,
    ) -> Annotated[CallToolResult, DocstringEdit]:
        """Insert or replace the docstring of one function or class, changing no other byte.

        A dry run returns the diff and the file's `content_hash`; to write, call again with
        dry_run=false and that expected_hash (refused if the file changed since).
        """
        from pattern_warden.prompts.docstring_edit import apply_docstring as engine

        return await _answer(warden, await warden.run(engine, workspace, path, symbol, docstring, dry_run, expected_hash))

    @server.tool(annotations=WRITES)
    async def write_handoff(
        content: Annotated[str, Field(description="The handoff document, markdown.")],
        path: Annotated[str, Field(description="Where to save it, relative to the root.")] = ".handoff/HANDOFF.md",
    ) -> Annotated[CallToolResult, HandoffWritten]:
        """Save a handoff document (markdown) inside the root and return what was written.

        The next handoff_context prompt reads its open items from .handoff/HANDOFF.md (the
        default path). An existing file at the path is replaced atomically.
        """
        from pattern_warden.prompts.handoff import write_handoff as engine

        return await _answer(warden, await warden.run(engine, workspace, content, path))

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        return await _complete(warden, ref, argument, context)
