"""The shell front door: the same engines and result models as the server.

Exit status: 0 on success, 1 when a check fails its threshold, 2 on a usage error, with a
one-line message on stderr. ``pattern-warden`` with no command (or only options) serves MCP
over stdio, so ``uvx pattern-warden`` works as an MCP command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from pattern_warden import __version__
from pattern_warden.config import Config, load_config
from pattern_warden.errors import WardenError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
_COMMANDS = {"serve", "patterns"}


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pattern-warden", description="Keep coding agents honest: patterns, rules, duplicates.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    serve = commands.add_parser("serve", help="serve MCP (stdio by default)")
    _common(serve)
    serve.add_argument("--transport", choices=("stdio", "sse", "streamable-http"), default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding to a non-loopback address")
    serve.add_argument("--auth-token-env", metavar="VAR", help="require the bearer token held in this env variable")
    serve.add_argument("--max-sessions", type=_positive(int), default=64,
                       help="streamable HTTP sessions open at once (default: 64)")
    serve.add_argument("--max-body-bytes", type=_positive(int), default=4 * 1024 * 1024,
                       help="largest HTTP request body (default: 4 MiB)")
    serve.add_argument("--idle-timeout", type=_positive(float), default=1800.0, metavar="SECONDS",
                       help="close a streamable HTTP session idle this long (default: 1800)")
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
    return parser


def _emit(model: BaseModel, fmt: str, text: Callable[[], str]) -> None:
    sys.stdout.write(model.model_dump_json(indent=2) + "\n" if fmt == "json" else text())


def _run_serve(args: argparse.Namespace, config: Config) -> int:
    from pattern_warden.server import build_server
    from pattern_warden.transports import HttpOptions, serve

    options = HttpOptions(
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        token_env=args.auth_token_env,
        max_sessions=args.max_sessions,
        max_body_bytes=args.max_body_bytes,
        idle_timeout_s=args.idle_timeout,
    )
    serve(build_server(config), args.transport, options)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pattern-warden`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "serve")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="pattern-warden: %(levelname)s: %(message)s")
    try:
        args = build_parser().parse_args(args_list)
        if args.command == "serve":
            logging.getLogger().setLevel(args.log_level)
        config = load_config(args.root, args.patterns_dir)
        runner = {"serve": _run_serve, "patterns": _run_patterns}[args.command]
        return runner(args, config)
    except (_UsageError, WardenError) as exc:
        print(f"pattern-warden: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
