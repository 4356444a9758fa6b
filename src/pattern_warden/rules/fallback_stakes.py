"""What a silent fallback costs: the severity tier of an ERR003 finding.

The gates block only at ERROR, so a fallback is an error only where an agent should stop for
it: when it invents data, hands a caller empty data in place of the result the `try` computed,
or swallows the failure of the function's main work (a lost write or send included). Every
other silent fallback stays a warning: an optional import with a working fallback, a
best-effort side step (chmod, mkdir, unlink, close), a version probe, a read of the
environment, a diagnostic read right before a raise or a log, code that runs as a script or
hook and must fail open, or a neutral "unknown" (None, 0, the value the code already uses): a
function whose result becomes None on failure says "nothing" in the way its callers check.
Tuned on the labels of bench/labels/gates_issue22_agent5.md: the TPs there invent a price or a
font, lose a write or a notification, or turn a failure into "no pane"; the FPs are the rest.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from pattern_warden import codekind
from pattern_warden.model.effects import LOG_METHODS, SUBPROCESS, effect_of, is_logging
from pattern_warden.rules.base import CLEANUP_VERBS, Context, Severity, called_name, docstring_node, walk_local


@dataclass(frozen=True)
class Stakes:
    """A finding's tier and the reason it is said in its message (None: nothing to add)."""

    severity: Severity
    reason: str | None = None


#: Steps whose failure loses nothing the caller needs: tidying, permissions, directories.
_SIDE_VERBS = CLEANUP_VERBS | {"chmod", "chown", "lchmod", "mkdir", "makedirs", "touch", "utime", "unregister"}
#: Calls that only ask whether a step is needed (`if path.exists(): path.unlink()`).
_PROBES = frozenset({"exists", "is_file", "is_dir", "is_symlink"})
_VERSION_LOOKUPS = frozenset({"importlib.metadata.version", "importlib_metadata.version",
                              "importlib.metadata.distribution", "pkg_resources.get_distribution"})
_VERSION_FLAGS = frozenset({"--version", "-v", "-V", "-version", "version"})
_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.__getitem__"})
_CONVERSIONS = frozenset({"int", "float", "str", "bool"})
#: A string that says the value is unknown or failed: a sentinel, not an invention. Symbols alone
#: (`"-"`, `"?"`, an em dash, a question-mark emoji) or a word for "unknown" with at most one word
#: on either side (`"Invalid date"`, `"price unavailable"`).
_SAYS_UNKNOWN = re.compile(r"^[\W_]*(?:(?:\w+[\W_]+)?(?:unknown|n/?a|none|null|nil|error|failed|failure|unavailable|"
                           r"not available|invalid|missing)(?:[\W_]+\w+)?[\W_]*)?$", re.IGNORECASE)
#: Names of the objects a program keeps its settings in (`config["timeout"]`, `settings.get("port")`).
_SETTINGS = re.compile(r"(?:^|_)(?:config|configuration|settings|cfg|conf|options|opts|env|environ|prefs|"
                       r"preferences)$", re.IGNORECASE)
#: Log levels that report a failure: a `logger.info("done")` after the try says nothing of it.
_ALARMS = frozenset({"warning", "warn", "error", "exception", "critical", "fatal"})
#: Calls that write, persist or send: a failure the caller must hear about.
_WRITE_VERBS = frozenset({"write", "writelines", "write_text", "write_bytes", "dump", "save", "commit", "send",
                          "sendall", "post", "put", "patch", "publish", "notify", "persist", "upload", "insert"})


def fallback_stakes(handled: list[ast.stmt], tried: list[ast.stmt], owner: ast.stmt, container: ast.AST | None,
                    ctx: Context) -> Stakes:
    """The tier of a silent fallback whose `try` (or `suppress` block) ``tried`` falls back to
    ``handled`` (the handler's statements; empty for `suppress`). ``owner`` is the `try` or
    `with` statement and ``container`` the node whose block holds it."""
    low = _low_stakes(handled, tried, owner, container, ctx)
    if low is not None:
        return Stakes(Severity.WARNING, low)
    after = _next_statement(owner, container)
    value, target = _fallback_value(handled, after)
    if value is not None and _read_default(value, tried):
        return Stakes(Severity.WARNING, "the fallback is the default the `try` itself reads with")
    if value is not None and _invented(value) and not _own_default(target, value, handled, ctx):
        return Stakes(Severity.ERROR, f"it invents `{_short(ast.unparse(value))}` in place of the result")
    if value is not None and _empty(value) and _returns_result(tried):
        return Stakes(Severity.ERROR, "it returns empty data in place of the result, so callers cannot tell a "
                                      "failure from \"nothing found\"")
    if _swallows(handled) and not _returns_result(tried) and _main_work(owner, ctx):
        lost = "write or send" if _writes(tried) else "main work"
        return Stakes(Severity.ERROR, f"it swallows the failure of the function's {lost}, so the caller believes "
                                      "it succeeded")
    return Stakes(Severity.WARNING)


def _low_stakes(handled: list[ast.stmt], tried: list[ast.stmt], owner: ast.stmt, container: ast.AST | None,
                ctx: Context) -> str | None:
    """Why a failure here costs little, or None."""
    if codekind.path_kind(ctx.source.path) in codekind.SCRIPT_KINDS or ctx.in_script_code:
        return "a script or hook, which may fail open"
    if _optional_import(handled, tried):
        return "an optional import with a working fallback"
    calls = [n for n in walk_local(tried) if isinstance(n, ast.Call)]
    if _side_step(calls, ctx):
        return "a best-effort side step"
    if any(_version_probe(call, ctx) for call in calls):
        return "a version probe"
    if _reads_settings(tried, calls, ctx):
        return "the try only reads configuration or the environment"
    after = _next_statement(owner, container)
    if isinstance(after, ast.Raise) or (isinstance(after, ast.Expr) and isinstance(after.value, ast.Call)
                                        and _logs(after.value, ctx) and called_name(after.value) in _ALARMS):
        return "the failure is raised or logged right after"
    return None


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def _next_statement(owner: ast.stmt, container: ast.AST | None) -> ast.stmt | None:
    """The statement after ``owner`` in its block, if any."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(container, field, None)
        if isinstance(block, list) and owner in block:
            index = block.index(owner)
            return block[index + 1] if index + 1 < len(block) else None
    return None


def _fallback_value(handled: list[ast.stmt], after: ast.stmt | None) -> tuple[ast.expr | None, str | None]:
    """What the fallback gives: the handler's returned or assigned value (and the assigned name),
    or, for a handler that only passes, the value the function returns right after the `try`."""
    for stmt in handled:
        if isinstance(stmt, ast.Return):
            return stmt.value if stmt.value is not None else ast.Constant(None), None
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            name = targets[0].id if isinstance(targets[0], ast.Name) else None
            return stmt.value, name
    if all(isinstance(s, ast.Pass) for s in handled) and isinstance(after, ast.Return):
        return (after.value if after.value is not None else ast.Constant(None)), None
    return None, None


def _invented(value: ast.expr) -> bool:
    """A value made up on the spot: a record or list with literal content, a number other than 0
    (or the sentinel -1), a non-empty string that is not a word for "unknown". None, booleans, 0
    and empty containers alone are neutral: "nothing"."""
    if isinstance(value, ast.Constant):
        if value.value is None or isinstance(value.value, bool):
            return False
        if isinstance(value.value, (int, float)):
            return value.value != 0
        return bool(value.value) and not (isinstance(value.value, str) and _SAYS_UNKNOWN.match(value.value))
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.operand, ast.Constant) and value.operand.value not in (0, 1)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return _made_up(value)
    return False


def _made_up(value: ast.expr) -> bool:
    """A container holding a literal of its own (`(nid, False, [])`, `{"id": uid, "name": "Unknown"}`),
    not only the names it was given (`{"value": value}` hands the input back, wrapped). A record
    whose every field says "unknown" (`{"last_backup": None, "status": "unknown"}`) pretends
    nothing: it reports that nothing is known."""
    items = [*value.values] if isinstance(value, ast.Dict) else list(getattr(value, "elts", []))
    if isinstance(value, ast.Dict) and items and all(_says_unknown(item) for item in items):
        return False
    return any(isinstance(item, ast.Constant) or (isinstance(item, (ast.List, ast.Tuple, ast.Set, ast.Dict))
                                                  and (_made_up(item) or _empty(item))) for item in items)


def _says_unknown(value: ast.expr) -> bool:
    """None, or a string that is a word for "unknown" (`"n/a"`, `"unavailable"`)."""
    return isinstance(value, ast.Constant) and (
        value.value is None or isinstance(value.value, str) and bool(value.value) and bool(_SAYS_UNKNOWN.match(value.value)))


def _read_default(value: ast.expr, tried: list[ast.stmt]) -> bool:
    """The `try` reads with this very default (`data.get("threshold", 600)`, `getattr(cfg, "port",
    8080)`, `os.getenv("PORT", "8080")`) and the handler falls back to it: a missing file or a
    broken one gives what a missing key gives, the configured default, not a value made up."""
    if not isinstance(value, ast.Constant) or value.value is None:
        return False
    return any(isinstance(n, ast.Call) and len(n.args) >= 2 and isinstance(n.args[-1], ast.Constant)
               and type(n.args[-1].value) is type(value.value) and n.args[-1].value == value.value
               and called_name(n) in ("get", "getattr", "getenv") for n in walk_local(tried))


def _empty(value: ast.expr) -> bool:
    """An empty container or string: indistinguishable from "no data" (None is a declared "nothing")."""
    if isinstance(value, ast.Constant):
        return value.value in ("", b"")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return (isinstance(value, ast.Call) and not value.args and not value.keywords and isinstance(value.func, ast.Name)
            and value.func.id in ("list", "dict", "set", "tuple", "frozenset", "str", "bytes"))


def _own_default(target: str | None, value: ast.expr, handled: list[ast.stmt], ctx: Context) -> bool:
    """The handler gives a variable the value the function itself gives it on another path
    (`else: cost_source = "unavailable"`, `v = read() if found else "dev"`): the code's own
    "unknown", not an invention."""
    if target is None or not isinstance(value, ast.Constant) or ctx.function is None:
        return False
    mine = {id(n) for stmt in handled for n in ast.walk(stmt)}
    return any(isinstance(n, ast.Assign) and id(n) not in mine
               and any(isinstance(t, ast.Name) and t.id == target for t in n.targets)
               and any(isinstance(c, ast.Constant) and c.value == value.value for c in ast.walk(n.value))
               for n in walk_local(ctx.function.body))  # type: ignore[union-attr]


def _returns_result(tried: list[ast.stmt]) -> bool:
    """The `try` returns a computed value: the function's result is what the fallback replaces."""
    return any(isinstance(n, ast.Return) and n.value is not None and not isinstance(n.value, ast.Constant)
               for n in walk_local(tried))


def _swallows(handled: list[ast.stmt]) -> bool:
    """The handler goes on as if nothing happened: `pass`, `continue`, `return` or `return None`."""
    return all(isinstance(s, (ast.Pass, ast.Continue)) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               or (isinstance(s, ast.Return) and (s.value is None or isinstance(s.value, ast.Constant)
                                                   and s.value.value is None)) for s in handled)


def _main_work(owner: ast.stmt, ctx: Context) -> bool:
    """The `try` is what a (not nested) function does: after its docstring, set-up assignments and
    guard clauses, and inside `with` or a loop, nothing else but a final `return`. A closure's work
    is a step of the function around it, which this cannot weigh."""
    func = ctx.function
    if len(ctx.functions) != 1 or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = list(func.body[1:] if docstring_node(func) is not None else func.body)
    while True:
        if body and isinstance(body[-1], ast.Return) and body[-1] is not owner \
                and (body[-1].value is None or isinstance(body[-1].value, (ast.Constant, ast.Name))):
            body = body[:-1]
        while body and body[0] is not owner and (isinstance(body[0], (ast.Assign, ast.AnnAssign)) or _guard(body[0])):
            body = body[1:]
        if body == [owner]:
            return True
        if len(body) == 1 and isinstance(body[0], (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
            body = list(body[0].body)
            continue
        return False


def _guard(stmt: ast.stmt) -> bool:
    """`if not ready: return` (perhaps after saying why): a guard clause before the work."""
    return isinstance(stmt, ast.If) and not stmt.orelse and isinstance(stmt.body[-1], ast.Return)


def _writes(tried: list[ast.stmt]) -> bool:
    """The `try` writes, persists or sends (`f.write`, `json.dump`, `db.commit`, `client.post`, `notify_...`)."""
    return any(isinstance(n, ast.Call) and called_name(n).lower().split("_")[0] in _WRITE_VERBS
               or isinstance(n, ast.Call) and called_name(n) in _WRITE_VERBS for n in walk_local(tried))


def _optional_import(handled: list[ast.stmt], tried: list[ast.stmt]) -> bool:
    """`try: from lib import platform` / `except Exception: platform = None`: the handler rebinds
    what the import binds, so the module runs on without it."""
    if not tried or not isinstance(tried[-1], (ast.Import, ast.ImportFrom)):
        return False
    bound = {(a.asname or a.name).partition(".")[0] for s in tried if isinstance(s, (ast.Import, ast.ImportFrom))
             for a in s.names}
    return bool(handled) and all(isinstance(s, ast.Assign) and all(isinstance(t, ast.Name) and t.id in bound
                                                                   for t in s.targets) for s in handled)


def _logs(call: ast.Call, ctx: Context) -> bool:
    """A logging call: the model's answer, or a log method on a receiver named as a logger (structlog's)."""
    if is_logging(ctx.resolve(call.func)):
        return True
    func = call.func
    receiver = func.value if isinstance(func, ast.Attribute) else None
    spelled = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
    return isinstance(func, ast.Attribute) and func.attr in LOG_METHODS and spelled.lower().lstrip("_").endswith(("log", "logger"))


def _side_step(calls: list[ast.Call], ctx: Context) -> bool:
    """Every call tidies up, sets permissions or makes a directory (or asks whether to, or logs)."""
    verbs = [called_name(c).lower().lstrip("_").split("_")[0] for c in calls]
    return any(v in _SIDE_VERBS for v in verbs) and all(
        v in _SIDE_VERBS or v in _PROBES or _logs(c, ctx) or called_name(c) in ("Path", "join")
        for v, c in zip(verbs, calls))


def _version_probe(call: ast.Call, ctx: Context) -> bool:
    """An installed version looked up (`importlib.metadata.version`, `tool --version`)."""
    name = ctx.resolve(call.func) or ctx.qualname(call.func)
    if name in _VERSION_LOOKUPS:
        return True
    if effect_of(name) != SUBPROCESS and name != "subprocess.Popen":
        return False
    return any(isinstance(n, ast.Constant) and n.value in _VERSION_FLAGS for arg in call.args for n in ast.walk(arg))


def _reads_settings(tried: list[ast.stmt], calls: list[ast.Call], ctx: Context) -> bool:
    """The `try` only reads environment variables or a settings object, perhaps converting what
    it reads (`int(os.environ["PORT"])`, `float(config.get("timeout"))`)."""
    def settings(node: ast.expr) -> bool:
        spelled = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        return ctx.qualname(node) == "os.environ" or bool(_SETTINGS.search(spelled))

    def lookup(node: ast.AST) -> bool:
        if isinstance(node, ast.Call):
            if (ctx.resolve(node.func) or ctx.qualname(node.func)) in _ENV_LOOKUPS:
                return True
            func = node.func
            return isinstance(func, ast.Attribute) and func.attr == "get" and settings(func.value)
        return isinstance(node, ast.Subscript) and settings(node.value)

    nodes = list(walk_local(tried))
    return any(lookup(n) for n in nodes) and all(
        lookup(c) or (isinstance(c.func, ast.Name) and c.func.id in _CONVERSIONS) for c in calls)
