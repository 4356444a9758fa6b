"""The shell front door: the same engines and result models as the server.

Exit status: 0 on success, 1 when a check fails its threshold, 2 on a usage error, with a
one-line message on stderr. ``pattern-warden`` with no command (or only options) serves MCP
over stdio, so ``pattern-warden --root DIR`` (or ``uvx --from <checkout> pattern-warden``) is the
whole MCP command a client needs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from pattern_warden import __version__
from pattern_warden.config import Config, load_config
from pattern_warden.errors import WardenError
from pattern_warden.models import quantity

if TYPE_CHECKING:
    from pattern_warden.clones.models import CloneClass, DuplicatesSummary
    from pattern_warden.models import Note
    from pattern_warden.rules.results import CheckResult
    from pattern_warden.workspace import Workspace

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
_COMMANDS = {"serve", "patterns", "check", "rules", "dupes", "delta", "review", "hook"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{message} (see '{self.prog} --help')")


class _UsageError(Exception):
    pass


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type that accepts only numbers above zero."""

    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above zero, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="the only tree that may be read (default: .)")
    parser.add_argument(
        "--patterns-dir", action="append", default=[], metavar="DIR", help="a project pattern folder (repeatable)"
    )


def _format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format (default: text)")


def _top_parser() -> _Parser:
    """The program's own parser; its help names the options every command takes (--root first)."""
    common = argparse.ArgumentParser(prog="pattern-warden", add_help=False, usage=argparse.SUPPRESS)
    _common(common)
    return _Parser(
        prog="pattern-warden",
        description="Keep coding agents honest: patterns, rules, duplicates.\nWith no command (or only "
        "options, e.g. 'pattern-warden --root DIR') it serves MCP over stdio.",
        epilog="common options, after any command:" + common.format_help().split(":", 1)[1]
        + "\n'pattern-warden COMMAND --help' shows a command's own options (serve: --transport, --port).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and option; usage errors raise instead of exiting (see ``_Parser``)."""
    parser = _top_parser()
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    serve = commands.add_parser("serve", help="serve MCP (stdio by default)")
    _common(serve)
    serve.add_argument("--transport", choices=("stdio", "sse", "streamable-http"), default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default: 8765 for sse, 8766 for streamable-http)")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding to a non-loopback address")
    serve.add_argument("--auth-token-env", metavar="VAR", help="require the bearer token held in this env variable")
    serve.add_argument("--max-sessions", type=_positive(int), default=64,
                       help="streamable HTTP sessions open at once (default: 64)")
    serve.add_argument("--max-body-bytes", type=_positive(int), default=4 * 1024 * 1024,
                       help="largest HTTP request body (default: 4 MiB)")
    serve.add_argument("--idle-timeout", type=_positive(float), default=1800.0, metavar="SECONDS",
                       help="close a streamable HTTP session idle this long (default: 1800)")
    serve.add_argument("--no-cache", action="store_true", help="do not read or write .pattern-warden-cache/")
    serve.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"))

    patterns = commands.add_parser("patterns", help="browse and search the pattern library")
    actions = patterns.add_subparsers(dest="action", required=True, parser_class=_Parser)
    for name, help_text in (("list", "list every document"), ("show", "print one document"), ("search", "search")):
        action = actions.add_parser(name, help=help_text)
        _common(action)
        _format(action)
        if name == "show":
            action.add_argument("id")
        if name == "search":
            action.add_argument("query")
            action.add_argument("--category")
            action.add_argument("--limit", type=int, default=10)
    _add_rule_commands(commands)

    _add_change_commands(commands)
    return parser


def _add_change_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """dupes, leftovers, delta, review and hook: the commands that judge a tree or a change."""
    leftovers = commands.add_parser("leftovers", help="find what earlier attempts left behind (exit 1 if any)")
    _common(leftovers)
    _format(leftovers, ("text", "json", "sarif"))
    leftovers.add_argument("paths", nargs="*", help="where to report (default: the root); the whole root is read")
    leftovers.add_argument("--min-confidence", type=int, default=60, help="least confidence reported, 0-100")
    leftovers.add_argument("--include-tests", action="store_true", help="also report inside test code")
    leftovers.add_argument("--limit", type=int, default=30, help="leftovers shown (text); --all for every one")
    leftovers.add_argument("--cursor", help="the cursor the last page named")
    leftovers.add_argument("--all", action="store_true", help="show every leftover")
    leftovers.add_argument("--no-cache", action="store_true", help="do not read or write .pattern-warden-cache/")
    dupes = commands.add_parser("dupes", help="find duplicated code (exit 1 above --threshold)")
    _common(dupes)
    _format(dupes, ("text", "json", "sarif"))
    dupes.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders (default: .)")
    dupes.add_argument("--min-lines", type=int, default=6, help="fewest code lines in a clone (default: 6)")
    dupes.add_argument("--min-similarity", type=float, default=0.8, help="least similarity 0-1 (default: 0.8)")
    dupes.add_argument("--kinds", default="exact,renamed,similar", help="comma-separated clone kinds")
    dupes.add_argument("--include-tests", action="store_true",
                       help="also compare tests and other non-product files (fixtures, benchmarks, docs, examples)")
    dupes.add_argument("--threshold", type=float, metavar="PCT", help="exit 1 when duplication is above PCT%%")
    dupes.add_argument("--no-cache", action="store_true", help="do not read or write .pattern-warden-cache/")
    dupes.add_argument("--limit", type=int, default=20, help="text: families per page (default: 20, as the MCP tool)")
    dupes.add_argument("--cursor", help="text: the page a previous answer's last line names")
    dupes.add_argument("--all", action="store_true", help="text: every family, beyond the output budget")
    delta = commands.add_parser("delta", help="count the current change: net LOC, reuse, duplicates, verdict")
    review = commands.add_parser("review", help="review the current change: scorecard, rule findings, duplicates")
    for sub in (delta, review):
        _common(sub)
        _format(sub)
        sub.add_argument("--base", help="compare from this reference (default: merge-base with the default branch)")
        sub.add_argument("--head", help="compare to this reference (default: the working tree)")
    delta.add_argument("paths", nargs="*", metavar="PATH", help="only these files or folders")
    review.add_argument("path", nargs="?", metavar="PATH", help="only this file or folder (default: the root)")
    review.add_argument("--show-existing", action="store_true",
                        help="also list the findings the changed files already had (they are always counted)")
    for sub in (delta, review):
        sub.add_argument("--no-cache", action="store_true", help="do not read or write .pattern-warden-cache/")
        sub.add_argument("--limit", type=int, default=1_000_000, help="items listed (default: all)")
    for sub in (dupes, commands.choices["check"]):
        _baseline_options(sub)
    hook = commands.add_parser("hook", help="a Claude Code hook: reads the event JSON on stdin (see README)")
    hook.add_argument("event", choices=("session-start", "pre-edit", "edit", "stop"),
                      help="session-start: SessionStart; pre-edit: PreToolUse on Write/Edit/MultiEdit; "
                           "edit: PostToolUse on a .py file; stop: Stop")


def _baseline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", metavar="FILE", help="report only what this baseline does not hold")
    parser.add_argument("--write-baseline", metavar="FILE", help="write every current identity to FILE and exit 0")


def _codes(value: str) -> list[str]:
    return [token.strip() for token in value.split(",") if token.strip()]


def _add_rule_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="check Python files against the rules")
    _common(check)
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders (default: .)")
    _format(check, ("text", "json", "sarif"))
    check.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes, prefixes or families")
    check.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="codes, prefixes or families to skip")
    check.add_argument("--min-severity", choices=("info", "warning", "error"), default="info")
    check.add_argument("--fix", action="store_true", help="apply automatic fixes to the files")
    check.add_argument("--no-cache", action="store_true", help="do not read or write .pattern-warden-cache/")
    check.add_argument("--workers", type=int, default=2, help="processes for large trees (default: 2)")
    check.add_argument("--limit", type=int, default=50, help="findings shown (text); --all for every one")
    check.add_argument("--cursor", help="the cursor the last page named")
    check.add_argument("--all", action="store_true", help="show every finding (json and sarif always do)")

    rules = commands.add_parser("rules", help="list the rules or print their reference")
    _common(rules)
    _format(rules)
    rules.add_argument("code", nargs="?", help="one rule's documentation")
    rules.add_argument("--markdown", action="store_true", help="print docs/rules.md")


def _emit(model: BaseModel, fmt: str, text: Callable[[], str]) -> None:
    sys.stdout.write(model.model_dump_json(indent=2) + "\n" if fmt == "json" else text())


def _run_serve(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.diskcache import open_cache
    from pattern_warden.server import build_server
    from pattern_warden.transports import DEFAULT_PORTS, HttpOptions, serve

    options = HttpOptions(
        host=args.host,
        port=args.port if args.port is not None else DEFAULT_PORTS.get(args.transport, 0),
        allow_remote=args.allow_remote,
        token_env=args.auth_token_env,
        max_sessions=args.max_sessions,
        max_body_bytes=args.max_body_bytes,
        idle_timeout_s=args.idle_timeout,
    )
    server = build_server(config, disk=open_cache(config, enabled=not args.no_cache), warm_up=True)
    serve(server, args.transport, options, str(config.root))
    return EXIT_OK


def _run_patterns(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.patterns.library import PatternLibrary
    from pattern_warden.patterns.render import document_text, index_text, search_text

    library = PatternLibrary.load(config.pattern_dirs())
    for problem in library.problems:
        print(f"pattern-warden: warning: {problem.file}: {problem.field} {problem.message}", file=sys.stderr)
    if args.action == "list":
        index = library.index()
        _emit(index, args.format, lambda: index_text(index))
    elif args.action == "show":
        doc = library.get(args.id)
        _emit(doc.meta, args.format, lambda: document_text(doc))
    else:
        result = library.search(args.query, category=args.category, limit=args.limit)
        _emit(result, args.format, lambda: search_text(result))
    missing = [p for p in library.problems if p.field == "folder"]
    return EXIT_USAGE if missing else EXIT_OK


def _run_check(args: argparse.Namespace, config: Config) -> int:
    from pathlib import Path

    from pattern_warden.baseline import (
        Baseline,
        check_with_baseline,
        configured_baseline,
        finding_identities,
        read_baseline,
        write_baseline,
    )
    from pattern_warden.diskcache import open_cache
    from pattern_warden.rules.cache import DiskStore
    from pattern_warden.rules.engine import CheckOptions, fixed_sources
    from pattern_warden.workspace import Workspace

    if args.workers < 1:
        raise WardenError(f"--workers must be at least 1; got {args.workers}.", "Pass --workers 1 or more.")
    workspace = Workspace(config)
    disk = None if args.no_cache else open_cache(config)
    store = None if disk is None else DiskStore(disk)
    options = CheckOptions(
        select=tuple(args.select) if args.select else None, ignore=tuple(args.ignore),
        min_severity=args.min_severity, workers=args.workers, store=store, cache=disk,
    )
    if args.fix:
        fixed = fixed_sources(workspace, args.paths, options)
        for item in fixed:
            item.path.write_text(item.text, encoding="utf-8")  # the one place files are written
        if fixed:
            total = sum(item.applied for item in fixed)
            print(f"Fixed {quantity(total, 'finding')} in {quantity(len(fixed), 'file')}.", file=sys.stderr)
    if args.write_baseline:  # the new baseline holds every finding of today
        accepted = Baseline()
    else:
        accepted = read_baseline(Path(args.baseline)) if args.baseline else configured_baseline(config)
    result = check_with_baseline(workspace, args.paths, options, accepted)
    if store is not None:
        store.save()
    if args.write_baseline:
        write_baseline(Path(args.write_baseline), findings=finding_identities(workspace, result.findings))
        print(f"pattern-warden: wrote {len(result.findings)} finding identities to {args.write_baseline}",
              file=sys.stderr)
        return EXIT_OK
    if args.format == "text" and not args.all:
        sys.stdout.write(_check_page(result, args.cursor, args.limit))
    else:
        sys.stdout.write(_check_output(result, args.format, workspace))
    floor = {"info": 0, "warning": 1, "error": 2}
    threshold = floor[config.settings.rules.fail_on]
    failing = any(floor[f.severity] >= threshold for f in result.findings)
    return EXIT_FAIL if failing else EXIT_OK


def _check_output(result: CheckResult, fmt: str, workspace: Workspace) -> str:
    """The check as JSON, SARIF (with each file's source for the fingerprints) or text."""
    import json

    from pattern_warden.report import sarif_report, text_report
    from pattern_warden.workspace import Skipped

    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    if fmt == "sarif":
        sources = {}
        for path in {f.path for f in result.findings}:
            source = workspace.read(workspace.config.root / path)
            sources[path] = None if isinstance(source, Skipped) else source
        return json.dumps(sarif_report(result, sources), indent=1) + "\n"
    return text_report(result)


def _check_page(result: CheckResult, cursor: str | None, limit: int) -> str:
    """The summary of every finding and one page of them within the tools' text budget, then
    how to get the rest: a large tree's check printed 61,000 characters into an agent's context."""
    from pattern_warden.models import check_range, decode_cursor, encode_cursor, paginate
    from pattern_warden.render.answer import Budget
    from pattern_warden.report import text_report

    check_range("--limit", limit, 1, 10_000)
    page, _ = paginate(result.findings, cursor, limit)
    room = Budget().text - _MORE_LINE
    text = text_report(result.model_copy(update={"findings": page}))
    while len(text) > room and len(page) > 1:
        page = page[: len(page) * 3 // 4]
        text = text_report(result.model_copy(update={"findings": page}))
    end = decode_cursor(cursor) + len(page)
    if end < len(result.findings):
        text += (f"{len(result.findings) - end} more findings: pass --cursor {encode_cursor(end)} for the next page, "
                 "or --all for every finding.\n")
    return text


def _run_rules(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.rules.reference import rule_index, rule_markdown, rules_markdown
    from pattern_warden.rules.registry import BY_CODE

    if args.markdown:
        sys.stdout.write(rules_markdown())
    elif args.code:
        rule = BY_CODE.get(args.code.upper())
        if rule is None:
            raise WardenError(f"Unknown rule code {args.code!r}.", "Run 'pattern-warden rules' for the list.")
        sys.stdout.write(rule_markdown(rule))
    else:
        index = rule_index()
        _emit(index, args.format, lambda: "".join(
            f"{r.code}  {r.severity:<7}  {'on' if r.default_on else 'opt-in':<6}  {r.name:<28} {r.message}\n"
            for r in index.rules))
    return EXIT_OK


def _run_dupes(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.clones.detect import analyse, validate
    from pattern_warden.clones.index import ShapeCache
    from pattern_warden.clones.models import DuplicatesOptions
    from pattern_warden.clones.persist import load_warm, save_warm
    from pattern_warden.clones.render import duplicates_json, duplicates_sarif, duplicates_text
    from pattern_warden.diskcache import open_cache
    from pattern_warden.workspace import Workspace

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if unknown := set(kinds) - {"exact", "renamed", "similar"}:
        raise WardenError(f"Unknown clone kind {sorted(unknown)[0]!r}.", "Use exact, renamed and/or similar.")
    options = DuplicatesOptions(min_lines=args.min_lines, min_similarity=args.min_similarity, kinds=kinds,
                                include_tests=args.include_tests)
    validate(options)
    disk = open_cache(config, enabled=not args.no_cache)
    cache = ShapeCache(config.limits.cache_entries, disk=disk)
    cache.load()
    workspace = Workspace(config)
    state, memo = load_warm(disk, workspace)
    summary, classes, notes = analyse(workspace, args.paths, options, cache, state, memo)
    cache.save()
    save_warm(disk, workspace, state, memo)
    if args.write_baseline or args.baseline:
        from pathlib import Path

        from pattern_warden.baseline import read_baseline, write_baseline
        from pattern_warden.delta.duplicates import class_identities

        identities = class_identities(workspace, classes)
        if args.write_baseline:
            write_baseline(Path(args.write_baseline), clones=identities)
            print(f"pattern-warden: wrote {len(identities)} clone-class identities to {args.write_baseline}",
                  file=sys.stderr)
            return EXIT_OK
        accepted = read_baseline(Path(args.baseline)).clones
        classes = [c for c, i in zip(classes, identities, strict=True) if i not in accepted]
        summary = summary.model_copy(update={"clone_classes": len(classes)})
    if args.format == "text" and not args.all:
        sys.stdout.write(_dupes_page(summary, classes, notes, args.cursor, args.limit))
    else:
        render = {"text": duplicates_text, "json": duplicates_json, "sarif": duplicates_sarif}[args.format]
        sys.stdout.write(render(summary, classes, notes))
    if args.baseline:  # only clone classes the baseline does not hold can fail
        over = args.threshold is None or summary.percentage > args.threshold
        return EXIT_FAIL if classes and over else EXIT_OK
    return EXIT_FAIL if args.threshold is not None and summary.percentage > args.threshold else EXIT_OK

#: Characters kept free in the CLI's text page for its last line (how to get the next page).
_MORE_LINE = 120


def _dupes_page(summary: DuplicatesSummary, classes: list[CloneClass], notes: list[Note], cursor: str | None,
                limit: int) -> str:
    """One page of the text answer within the MCP tool's budget, and how to get the rest: an
    agent running the CLI reads the same ~10k characters a tool call would give it."""
    from pattern_warden.clones.models import DuplicatesResult
    from pattern_warden.models import check_range, decode_cursor, encode_cursor, paginate
    from pattern_warden.render.answer import Budget, answer

    check_range("limit", limit, 1, 200)
    page, info = paginate(classes, cursor, limit)
    model = DuplicatesResult(summary=summary, clones=page, page=info, notes=notes)
    # The text's budget, less room for the line saying how to get the rest; no structured
    # content is printed, so only the text's size may cut the page.
    result = answer(model, Budget(text=Budget().text - _MORE_LINE, structured=sys.maxsize))
    text = result.content[0].text  # type: ignore[union-attr]
    shown = len(result.structured_content["clones"]) if result.structured_content else len(page)
    end = decode_cursor(cursor) + shown
    if end < len(classes):
        text += (f"{len(classes) - end} more families: pass --cursor {encode_cursor(end)} for the next page, "
                 "or --all for every family.\n")
    return text


def _run_leftovers(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.diskcache import open_cache
    from pattern_warden.leftovers.engine import find_leftovers
    from pattern_warden.leftovers.models import LeftoversOptions
    from pattern_warden.leftovers.render import leftovers_sarif
    from pattern_warden.models import check_range
    from pattern_warden.render.text import render_text
    from pattern_warden.workspace import Workspace

    check_range("--min-confidence", args.min_confidence, 0, 100)
    check_range("--limit", args.limit, 1, 10_000)
    options = LeftoversOptions(min_confidence=args.min_confidence, include_tests=args.include_tests)
    every = args.all or args.format != "text"
    result = find_leftovers(Workspace(config), args.paths or None, options, None if every else args.cursor,
                            1_000_000 if every else args.limit, disk=open_cache(config, enabled=not args.no_cache))
    render = {"text": render_text, "json": lambda r: r.model_dump_json(indent=2) + "\n", "sarif": leftovers_sarif}
    sys.stdout.write(render[args.format](result))
    return EXIT_FAIL if result.summary.findings else EXIT_OK


def _progress() -> Callable[[str], None] | None:
    """Progress lines on stderr, only when a person is watching it."""
    if not sys.stderr.isatty():
        return None
    return lambda message: print(f"pattern-warden: {message}...", file=sys.stderr, flush=True)


def _run_delta(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.delta.score import score_change
    from pattern_warden.diskcache import open_cache
    from pattern_warden.render import render_text
    from pattern_warden.workspace import Workspace

    card = score_change(Workspace(config), args.base, args.head, args.paths or None, limit=args.limit,
                        disk=open_cache(config, enabled=not args.no_cache))
    _emit(card, args.format, lambda: render_text(card))
    return EXIT_OK


def _run_review(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.delta.review import review_change
    from pattern_warden.diskcache import open_cache
    from pattern_warden.render import render_text
    from pattern_warden.workspace import Workspace

    result = review_change(Workspace(config), args.path, args.base, args.head, limit=args.limit,
                           show_existing=args.show_existing, progress=_progress(),
                           disk=open_cache(config, enabled=not args.no_cache))
    _emit(result, args.format, lambda: render_text(result))
    return EXIT_OK if result.passed else EXIT_FAIL


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pattern-warden`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "serve")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="pattern-warden: %(levelname)s: %(message)s")
    try:
        args = build_parser().parse_args(args_list)
        if args.command == "hook":  # the project comes from the hook's JSON, not from --root
            from pattern_warden.hooks import main as hook_main

            return hook_main(args.event)
        if args.command == "serve":
            logging.getLogger().setLevel(args.log_level)
        config = load_config(args.root, args.patterns_dir)
        runner = {"serve": _run_serve, "patterns": _run_patterns, "check": _run_check, "rules": _run_rules,
                  "dupes": _run_dupes, "leftovers": _run_leftovers, "delta": _run_delta, "review": _run_review}[args.command]
        return runner(args, config)
    except (_UsageError, WardenError) as exc:
        print(f"pattern-warden: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The console script: ``main``, then exit without tearing the interpreter down.

    A large review leaves millions of small objects (syntax-derived shapes, findings) that a
    normal exit frees one by one, about a second after the answer is printed. Nothing is left
    to finalise by then (the cache is written; pools still open, as a server's warm-up may
    leave them, are told to stop), so the streams are flushed and the process ends at once, as
    mypy does for the same reason."""
    code = main()
    if "pattern_warden.workers" in sys.modules:  # imported only by a job that used workers
        sys.modules["pattern_warden.workers"].shutdown_pools()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the reader went away, nothing to tell it
            pass
    logging.shutdown()
    os._exit(code)
