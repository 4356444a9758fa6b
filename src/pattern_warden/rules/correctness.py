"""Correctness: naive UTC datetimes, stray prints, and log messages formatted too early."""

from __future__ import annotations

import ast

from pattern_warden.model.effects import LOG_METHODS, is_logging
from pattern_warden.rules.base import (
    Context, Edit, Fix, Invalid, Options, Rule, ScopeNames, Severity, called_name, is_str,
    walk_local,
)


def _strips_zone(node: ast.AST) -> bool:
    """`x.replace(tzinfo=None)`: the code makes a datetime naive on purpose."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
            and any(k.arg == "tzinfo" and isinstance(k.value, ast.Constant) and k.value.value is None
                    for k in node.keywords))


class NaiveUtcDatetime(Rule):
    """Finds `datetime.utcnow()` and `datetime.utcfromtimestamp()`, which return naive datetimes.
    A function that strips the zone itself elsewhere (`.replace(tzinfo=None)`) wants naive UTC on
    purpose (a compatibility shim for 3.12's deprecation): it is left alone."""

    code = "COR001"
    #: Opt-in: none of its six findings in three held-out rounds of issue 23 was one to act on
    #: (naive UTC is usually deliberate and consistent within its module). No autofix: an aware
    #: value no longer compares with the module's other naive datetimes, so the program changes.
    default_on = False
    name = "naive-utc-datetime"
    family = "correctness"
    severity = Severity.WARNING
    message = "`utcnow()`/`utcfromtimestamp()` return naive datetimes that later code treats as local time."
    fix_hint = "Use `datetime.now(timezone.utc)` / `datetime.fromtimestamp(ts, timezone.utc)` (aware; deprecated forms removed)."
    pattern = "timezone-aware-datetimes"
    exempt_in = frozenset({"tests"})
    ruff = ("DTZ003", "DTZ004")
    why = ("A naive datetime carries no zone, so `.timestamp()`, `.astimezone()` and comparisons assume "
           "local time and are silently off by the UTC offset; both calls are deprecated since 3.12.")
    instead = "`datetime.now(timezone.utc)`, `datetime.fromtimestamp(ts, tz=timezone.utc)`."
    VALID = (
        "from datetime import datetime, timezone\nnow = datetime.now(timezone.utc)\n",
        # blacksheep's shim: naive UTC on every Python, on purpose
        "import sys\nfrom datetime import UTC, datetime\ndef utcnow() -> datetime:\n    if sys.version_info < (3, 12):\n"
        "        return datetime.utcnow()\n    return datetime.now(UTC).replace(tzinfo=None)\n",
    )
    INVALID = (
        Invalid("from datetime import datetime\nnow = datetime.utcnow()\n", 2, 7),
        Invalid("import datetime\nt = datetime.datetime.utcfromtimestamp(ts)\n", 2, 5),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in ("utcnow", "utcfromtimestamp"):
            return
        if ctx.qualname(func.value) != "datetime.datetime":
            return
        body = getattr(ctx.function, "body", None)
        if body is not None and any(map(_strips_zone, walk_local(body if isinstance(body, list) else [body]))):
            return
        ctx.report(self, node, message=f"`datetime.{func.attr}()` returns a naive datetime.")


class PrintInLibrary(Rule):
    """Finds `print()` in library code. Scripts (a `#!` line), `__main__` modules, CLI modules,
    tests, code under `if __name__ == "__main__":` and the functions that block calls are exempt."""

    code = "COR002"
    #: Opt-in: no finding of it was right in either held-out round of issue 23 (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "print-in-library"
    family = "correctness"
    severity = Severity.WARNING
    message = "`print()` in library code: output the caller cannot route, silence or parse."
    fix_hint = "Use `logging.getLogger(__name__)`, or return the text to the caller."
    pattern = "structured-logging"
    ruff = ("T201",)
    why = ("A library does not own stdout: prints corrupt protocols that use it (MCP over stdio, JSON "
           "output), cannot be filtered by level, and carry no context.")
    instead = "`log = logging.getLogger(__name__)`, then `log.info('loaded %d rows', n)`."
    exempt_in = frozenset({"tests", "scripts"})
    VALID = (
        "import logging\nlog = logging.getLogger(__name__)\nlog.info('x')\n",
        "def main():\n    print('hello')\nif __name__ == '__main__':\n    main()\n",
        "#!/usr/bin/env python3\nprint('script')\n",
        "def dump(fh):\n    print('x', file=fh)\n",
        "def report(rows, print=None):\n    print(rows)\n",
    )
    INVALID = (Invalid("def load():\n    print('loading')\n", 2, 5),
               Invalid("import builtins\ndef load():\n    builtins.print('loading')\n", 3, 5))

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        bare = isinstance(node.func, ast.Name) and node.func.id == "print" and ctx.is_builtin("print")
        if not bare and ctx.qualname(node.func) != "builtins.print":
            return  # a parameter, import or local function named `print` is not the builtin
        target = next((kw.value for kw in node.keywords if kw.arg == "file"), None)
        if target is not None and not _is_none_or_std(target, ctx):
            return  # writing to a file object is output, not logging
        if not ctx.in_script_code:
            ctx.report(self, node)


def _is_none_or_std(node: ast.expr, ctx: Context) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or ctx.qualname(node) in ("sys.stdout", "sys.stderr")


def _log_method(node: ast.Call, ctx: Context) -> str | None:
    """The logging method a call makes, when the callee resolves to the standard library's
    logging API: `log.info(...)` on a `logging.getLogger()` logger (a module variable, an
    import, a `self.log` set in `__init__`), `logging.log(...)`, `info(...)` imported from logging.
    Another library's `log(...)` formats differently, so it is never judged by its name."""
    if called_name(node) not in LOG_METHODS:
        return None  # by far most calls: no need to ask what they are
    name = ctx.resolve(node.func)
    return name.rpartition(".")[2] if is_logging(name) else None


def _is_eager(message: ast.expr, text_names: set[str]) -> bool:
    """An f-string with a field, `"..." % x`, `template.format(...)` (a literal or a variable), or `+`
    joining text (a literal, an f-string or another eager message) to something."""
    if isinstance(message, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in message.values)
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        return is_str(message.left) or (isinstance(message.left, ast.Name) and message.left.id in text_names)
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        sides = (message.left, message.right)
        textual = any(is_str(s) or _is_eager(s, text_names) for s in sides)
        return textual and not all(is_str(s) for s in sides)
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute) and message.func.attr == "format":
        return is_str(message.func.value) or isinstance(message.func.value, (ast.Name, ast.Attribute))
    return False


def _ruff_code(message: ast.expr) -> str:
    """The Ruff rule that reports this eager message: G004 f-string, G002 `%`, G003 `+`, G001 `.format`."""
    if isinstance(message, ast.JoinedStr):
        return "G004"
    if isinstance(message, ast.BinOp):
        return "G002" if isinstance(message.op, ast.Mod) else "G003"
    return "G001"


def _template(node: ast.JoinedStr, ctx: Context) -> tuple[str, list[str]] | None:
    """A %-template and argument sources equivalent to an f-string, or None when not safe."""
    parts: list[str] = []
    args: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("%", "%%"))
        elif isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion in (-1, 115, 114):
            segment = ctx.segment(value.value)
            if not segment or "\n" in segment:
                return None
            parts.append("%r" if value.conversion == 114 else "%s")
            args.append(segment)
        else:
            return None
    return "".join(parts), args


class EagerLogFormat(Rule):
    """Finds calls of the standard `logging` API whose message is formatted before the call: an
    f-string, `.format()` or `%`. The callee must resolve to `logging` (a logger from
    `logging.getLogger`, an adapter, the module's functions); a logger whose type the code does not
    show (a parameter, another library's `log()`) is left alone, because its formatting rules
    may differ and the fix would change what it prints. A project whose Ruff configuration
    ignores the matching `G00x` rule has chosen its style: only its debug calls are reported,
    where the formatting is work done for a record the level usually drops."""

    code = "COR003"
    #: Formatting a message the level drops costs something only where speed matters: production
    #: code, not tests, fixtures, benchmarks or docs (where every finding of the first held-out
    #: round was labelled wrong).
    exempt_in = frozenset({"tests", "scripts"})  # a script's log cost and grouping do not matter
    name = "eager-log-format"
    family = "correctness"
    severity = Severity.INFO
    message = "Log message formatted eagerly: the work is done even when the level is off, and messages cannot be grouped."
    fix_hint = "Pass a %-template and the values: `log.info('loaded %s rows', n)`."
    pattern = "lazy-logging"
    ruff = ("G001", "G002", "G003", "G004")
    why = ("logging formats only records that will be emitted, and tools group records by their template; "
           "a pre-formatted string costs time at every call and makes each message unique.")
    instead = "`logger.warning('retry %d of %d for %s', attempt, limit, url)`."
    fixable = True
    VALID = (
        "import logging\nlog = logging.getLogger(__name__)\nlog.info('loaded %s rows', n)\n",
        "catalog.info(f'{x}')\n",
        "import logging\nlog = logging.getLogger(__name__)\nlog.info('a long ' 'message')\n",
        "import logging\nlog = logging.getLogger(__name__)\nlog.info('%s', ', '.join(names))\n",
        "def info(text):\n    return text\ninfo(f'{x}')\n",
        "class Log:\n    def info(self, *parts):\n        print(*parts)\nlog = Log()\nlog.info(f'Reading {n} bytes')\n",
        "def f(log):\n    log.info(f'loaded {n}')\n",
        "from textual import log\nlog.info(f'loaded {n}')\n",
    )
    INVALID = (
        Invalid("import logging\nlog = logging.getLogger(__name__)\nlog.info(f'loaded {n} rows at 100%')\n", 3, 10,
                fixed="import logging\nlog = logging.getLogger(__name__)\nlog.info('loaded %s rows at 100%%', n)\n"),
        Invalid("import logging\nlogging.error('bad %s' % (name,))\n", 2, 15,
                fixed="import logging\nlogging.error('bad %s', name)\n"),
        Invalid("import logging\nlogger = logging.getLogger()\nlogger.warning('x {}'.format(y))\n", 3, 16),
        Invalid("from logging import info\ninfo(f'loaded {n}')\n", 2, 6,
                fixed="from logging import info\ninfo('loaded %s', n)\n"),
        Invalid("import logging\nlogging.log(logging.INFO, msg=f'loaded {n}')\n", 2, 31),
        Invalid("import logging\nlog = logging.getLogger(__name__)\nlog.error(msg='bad %s' % name)\n", 3, 15),
        Invalid("import logging\nlog = logging.getLogger(__name__)\nTEMPLATE = 'loaded {} rows'\n"
                "log.info(TEMPLATE.format(n))\n", 4, 10),
        Invalid("import logging\nlog = logging.getLogger(__name__)\nlog.info('loaded ' + str(n) + ' rows')\n", 3, 10),
        Invalid("import logging\nclass Pool:\n    def __init__(self):\n        self.log = logging.getLogger('pool')\n"
                "    def grow(self, n):\n        self.log.debug(f'growing by {n}')\n", 6, 24,
                fixed="import logging\nclass Pool:\n    def __init__(self):\n        self.log = logging.getLogger('pool')\n"
                      "    def grow(self, n):\n        self.log.debug('growing by %s', n)\n"),
        Invalid("import logging\nlog = logging.LoggerAdapter(logging.getLogger(), {})\nlog.warning(f'{n!r} left')\n", 3, 13,
                fixed="import logging\nlog = logging.LoggerAdapter(logging.getLogger(), {})\nlog.warning('%r left', n)\n"),
    )

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._templates = ScopeNames(is_str)

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        self._templates.reset()

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        method = _log_method(node, ctx)
        if method is None:
            return
        index = 1 if method == "log" else 0
        keyword = next((kw for kw in node.keywords if kw.arg == "msg"), None)
        if len(node.args) > index:
            message = node.args[index]
        elif keyword is not None:
            message = keyword.value
        else:
            return
        if _is_eager(message, self._templates.get(ctx)):
            if method != "debug" and self.options.defers(_ruff_code(message)):
                return  # the project's declared style; a dropped debug record still costs the work
            lazy = len(node.args) == index + 1 and keyword is None
            ctx.report(self, message, fix=self._fix(message, ctx) if lazy else None)

    @staticmethod
    def _fix(message: ast.expr, ctx: Context) -> Fix | None:
        if isinstance(message, ast.JoinedStr):
            made = _template(message, ctx)
            if made is None:
                return None
            template, args = made
            text = ", ".join([repr(template), *args])
        elif isinstance(message, ast.BinOp) and isinstance(message.right, ast.Tuple):
            if any(isinstance(e, ast.Starred) for e in message.right.elts):
                return None
            text = ", ".join([ctx.segment(message.left), *(ctx.segment(e) for e in message.right.elts)])
        else:
            return None
        start, end = ctx.node_span(message)
        return Fix((Edit(start, end, text),))


RULES: tuple[type[Rule], ...] = (NaiveUtcDatetime, PrintInLibrary, EagerLogFormat)
