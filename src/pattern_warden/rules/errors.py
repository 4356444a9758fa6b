"""Errors and fallbacks: code that hides failures or shares state by accident."""

from __future__ import annotations

import ast
import re

from pattern_warden.model.effects import BLOCKING, effect_of
from pattern_warden.rules.base import (
    CLEANUP_VERBS, Context, Edit, Fix, Invalid, Rule, Severity, called_name, docstring_node, walk_local,
)
from pattern_warden.rules.fallback_stakes import Stakes, fallback_stakes

_MUTABLE_CALLS = frozenset(
    {
        "list", "dict", "set", "defaultdict", "collections.defaultdict", "OrderedDict",
        "collections.OrderedDict", "Counter", "collections.Counter", "deque", "collections.deque",
    }
)
_MUTABLE_NODES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _is_mutable(node: ast.expr, ctx: Context) -> bool:
    if isinstance(node, _MUTABLE_NODES):
        return True
    return isinstance(node, ast.Call) and ctx.qualname(node.func) in _MUTABLE_CALLS


#: A private parameter named as a cache: `_cache`, `_name_cache`, `_memo`, `__memo_table`.
_MEMO = re.compile(r"^_\w*(cache|memo)", re.IGNORECASE)


class MutableDefault(Rule):
    """Finds parameters whose default is a mutable object (a list, dict or set literal or
    comprehension, or a call such as `list()`, `dict()`, `set()` or `defaultdict(...)`) that the
    function changes (`.append`, `.update`, `[k] = v`, `+=` ...) or hands to its caller
    (`return`, `yield`): then one call's changes reach the next. A default the function only
    reads, copies, stores or passes on is left alone: in three rounds of hand labels on real
    projects not one of 18 such findings was worth stopping for. A private parameter named as a cache
    (`_name_cache={}`, `_memo={}`) is the deliberate memo idiom: sharing is its purpose."""

    code = "ERR001"
    name = "mutable-default"
    family = "errors"
    severity = Severity.ERROR
    message = "Mutable default argument that the function changes or returns: one object is shared by every call."
    fix_hint = "Default to None and create the object inside the function."
    pattern = "mutable-defaults"
    exempt_in = frozenset({"tests", "scripts"})  # a fixture factory or a script's main() runs a handful of times
    ruff = ("B006",)
    why = ("A default is evaluated once, when the function is defined, so every call that changes it "
           "changes the same object and state leaks from one call into the next.")
    instead = "Use `None` as the default and build a fresh object in the body: `if items is None: items = []`."
    VALID = (
        "def f(items=None):\n    if items is None:\n        items = []\n    items.append(1)\n    return items\n",
        "def f(names=(), size=0, label='x'):\n    return names\n",
        # only read: iterated, tested, measured (docutils, openpyxl, aiokafka in the labels)
        "def f(items=[]):\n    return len(items)\n",
        'def f(x, *, seen: set[str] = set()):\n    """Doc."""\n    return x in seen\n',
        "def f(options={}):\n    for key, value in options.items():\n        print(key, value)\n",
        # stored or passed on, never changed here
        "class Reader:\n    def __init__(self, formats=set()):\n        self.formats = formats\n",
        # falcon's benchmarked header-name cache
        "def get_header(self, name, _name_cache={}):\n    try:\n        return _name_cache[name]\n    except KeyError:\n"
        "        _name_cache[name] = found = name.lower().encode()\n        return found\n",
    )
    INVALID = (
        Invalid("def f(items=[]):\n    items.append(1)\n    return items\n", 1, 13),
        Invalid("def f(seen=set()):\n    seen.add(1)\n", 1, 12),
        Invalid("def f(cache={}):\n    cache['k'] = 1\n", 1, 13),
        Invalid("def f(total=[]):\n    total += [1]\n", 1, 13),
        Invalid("from collections import defaultdict\ndef f(d=defaultdict(list)):\n    return d\n", 2, 9),
        Invalid("g = lambda acc=[]: acc.append(1) or acc\n", 1, 16),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        args = node.args
        positional = args.posonlyargs + args.args
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None]
        for arg, default in pairs:
            if _is_mutable(default, ctx) and not _MEMO.match(arg.arg) and _shares(node, arg.arg):
                ctx.report(self, default)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda, ctx: Context) -> None:
        args = node.args
        positional = args.posonlyargs + args.args
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None]
        for arg, default in pairs:
            if _is_mutable(default, ctx) and _shares(node, arg.arg):
                ctx.report(self, default)


#: Methods that change a list, dict, set or deque in place.
_MUTATORS = frozenset({
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "update", "setdefault", "popitem",
    "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update", "appendleft",
    "extendleft", "rotate", "__setitem__", "__delitem__",
})


def _shares(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, name: str) -> bool:
    """Whether the function changes the object ``name`` holds, or gives it to its caller: the two
    ways one call's use of a shared default reaches the next."""
    parents = {child: node for node in ast.walk(func) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(func):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.AugAssign) and parent.target is node:
            return True
        if isinstance(parent, ast.Attribute) and parent.attr in _MUTATORS \
                and isinstance(parents.get(parent), ast.Call) and parents[parent].func is parent:
            return True
        if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)) or (isinstance(func, ast.Lambda) and func.body is node):
            return True
        if isinstance(parent, ast.BoolOp) and isinstance(parents.get(parent), ast.Return | ast.Lambda):
            return True  # ``return items or other``: the default itself may be what the caller gets
    return False


def reraises(handler: ast.ExceptHandler) -> bool:
    """A bare `raise` among the handler's own statements: catch-all cleanup that lets the error go on."""
    return any(isinstance(stmt, ast.Raise) and stmt.exc is None for stmt in handler.body)


class BareExcept(Rule):
    """Finds `except:` clauses that name no exception type. Left alone: a handler that re-raises
    with a bare `raise` (always or when it decides to), one in `__del__` (where nothing can
    propagate anyway), and one after a clause of the same `try` that handles KeyboardInterrupt
    (the interrupt is dealt with; the rest is a logged catch-all). Inside `async def` no fix is
    offered: `except Exception` would let an awaited task's CancelledError through, and whether
    that is right is the author's call. An error where the `try` can wait (an await, a loop, a
    blocking call), so an interrupt or a cancellation really lands in the handler; a warning
    where it cannot (`float(text)`, `len(str(cell))`), since only a bug reaches it there."""

    code = "ERR002"
    #: Opt-in for `check`, on for new code (``NEW_CODE_RULES``): 2 of 8 findings right in five held-out rounds (Ruff's E722, on by default there, says the same)
    #: (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "bare-except"
    family = "errors"
    severity = Severity.ERROR
    message = "Bare `except:` also catches KeyboardInterrupt, SystemExit and cancellation."
    fix_hint = "Catch the exceptions you expect, or at least `except Exception:`."
    pattern = "specific-exceptions"
    exempt_in = frozenset({"tests"})  # a test's best-effort cleanup (`try: remove(f) except: pass`)
    ruff = ("E722",)
    why = ("A bare except catches everything, including Ctrl-C, `sys.exit()` and task cancellation, "
           "so a program cannot be stopped cleanly and real bugs are hidden.")
    instead = "Name the exceptions the block can handle; `except Exception:` when it truly is a catch-all."
    fixable = True
    VALID = (
        "try:\n    run()\nexcept ValueError:\n    pass\n",
        "try:\n    run()\nexcept:\n    cleanup()\n    raise\n",
        # re-raised unless the interpreter is shutting down (paramiko's transport thread)
        "try:\n    run()\nexcept:\n    if sys.modules is not None:\n        raise\n",
        "class Channel:\n    def __del__(self):\n        try:\n            self.close()\n        except:\n            pass\n",
        # huey's worker loop: the interrupt has its own clause, the catch-all logs the crash
        "try:\n    loop()\nexcept KeyboardInterrupt:\n    pass\nexcept:\n    log.exception('died')\n",
    )
    INVALID = (
        Invalid("try:\n    run()\nexcept:\n    cleanup()\n", 3, 1,
                fixed="try:\n    run()\nexcept Exception:\n    cleanup()\n"),
        Invalid("def modulus(line):\n    try:\n        return parse(line)\n    except:\n        return None\n", 4, 5,
                fixed="def modulus(line):\n    try:\n        return parse(line)\n    except Exception:\n        return None\n"),
        # aioboto3: a cancelled upload's cleanup; `except Exception` would let the CancelledError out
        Invalid("async def upload(coro):\n    coro.cancel()\n    try:\n        await coro\n    except:\n        pass\n", 5, 5),
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: Context) -> None:
        if node.type is None and not self._deliberate(node, ctx):
            start = ctx.offset(node.lineno, node.col_offset) + len("except")
            waits = _waits(getattr(ctx.parent, "body", []), ctx)
            ctx.report(self, node, fix=None if ctx.in_async else Fix((Edit(start, start, " Exception"),)),
                       severity=None if waits else Severity.WARNING,
                       message=None if waits else self.message + " Warning only: the try does not wait (no await, "
                                                                 "loop or blocking call), so only a bug lands here.")

    @staticmethod
    def _deliberate(node: ast.ExceptHandler, ctx: Context) -> bool:
        if any(isinstance(n, ast.Raise) and n.exc is None for n in walk_local(node.body)):
            return True
        if getattr(ctx.function, "name", None) == "__del__":
            return True
        owner = ctx.parent
        earlier = owner.handlers[:owner.handlers.index(node)] if isinstance(owner, (ast.Try, ast.TryStar)) else []
        return any(isinstance(n, (ast.Name, ast.Attribute)) and ctx.qualname(n) in _INTERRUPT
                   for h in earlier if h.type is not None for n in ast.walk(h.type))


def _waits(tried: list[ast.stmt], ctx: Context) -> bool:
    """The `try` can wait, where Ctrl-C, `sys.exit` from a signal handler or a task's cancellation
    arrive: an await, a loop, or a call that blocks (sleep, network, subprocess, file, console),
    directly or in the project's own functions."""
    for node in walk_local(tried):
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.For, ast.While)):
            return True
        if isinstance(node, ast.Call):
            name = ctx.resolve(node.func)
            if effect_of(name) in BLOCKING or (name is not None and ctx.model.follows(name) and any(
                    e.kind in BLOCKING for e in ctx.model.effects(name))):
                return True
    return False


_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_INTERRUPT = frozenset({"KeyboardInterrupt", "builtins.KeyboardInterrupt"})


def catches_broadly(handler: ast.ExceptHandler, ctx: Context, extra: frozenset[str] = frozenset()) -> bool:
    """True for a bare handler or one naming Exception/BaseException (or ``extra``), alone or in a tuple."""
    return handler.type is None or names_broad(handler.type, ctx, extra)


def names_broad(node: ast.expr, ctx: Context, extra: frozenset[str] = frozenset()) -> bool:
    """True when an exception spec names Exception/BaseException (or ``extra``), also inside
    nested tuples: `except ((Exception, ValueError), TypeError)` is as broad as `except Exception`."""
    if isinstance(node, ast.Tuple):
        return any(names_broad(elt, ctx, extra) for elt in node.elts)
    return ctx.qualname(node) in _BROAD | extra


def contains_raise(body: list[ast.stmt]) -> bool:
    """True when a raise statement appears in the body (nested functions aside)."""
    return any(isinstance(node, ast.Raise) for node in walk_local(body))


_EMPTY_CONSTRUCTORS = frozenset({"list", "dict", "set", "tuple", "frozenset", "str", "bytes", "int", "float", "object"})


def _is_fallback_value(node: ast.expr | None) -> bool:
    """None, a literal, an empty container or a plain name: a default, not a computation."""
    if node is None or isinstance(node, (ast.Constant, ast.Name, ast.Attribute)):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_is_fallback_value(elt) for elt in node.elts)
    if isinstance(node, ast.Dict):  # `{}` or a made-up record such as {"id": user_id, "name": "Unknown"}
        return all(key is not None and _is_fallback_value(key) and _is_fallback_value(value)
                   for key, value in zip(node.keys, node.values))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.operand, ast.Constant)
    return (isinstance(node, ast.Call) and not node.args and not node.keywords
            and isinstance(node.func, ast.Name) and node.func.id in _EMPTY_CONSTRUCTORS)


def _is_fallback_stmt(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Pass, ast.Continue, ast.Break)):
        return True
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Constant)  # a docstring-like note or `...`
    if isinstance(stmt, ast.Return):
        return _is_fallback_value(stmt.value)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return _is_fallback_value(stmt.value)
    return False


_SUPPRESS = frozenset({"contextlib.suppress"})
_FALLBACK_MARK = re.compile(r"#\s*warden:\s*fallback\b\s*\S")


def justified(ctx: Context, first: int, last: int) -> bool:
    """A fallback the author declared: a `# warden: fallback <reason>` marker on the lines from
    ``first`` to ``last`` (the handler, from its `except` line to its last statement, and the
    comment lines right after it) or on the line just above ``first``. Any other comment is not
    a justification: agents write one beside every fallback."""
    lines = ctx.source.lines
    while last < len(lines) and lines[last].lstrip().startswith("#"):
        last += 1
    return any(_FALLBACK_MARK.search(ctx.comments.get(line, "")) for line in range(first - 1, last + 1))


#: Lookups of the environment whose only use is cosmetic (a width, a host or user name, a version
#: to show): when they fail, a default is the right answer and there is nothing to report.
_COSMETIC_LOOKUPS = frozenset({
    "os.get_terminal_size", "shutil.get_terminal_size", "socket.gethostname", "socket.getfqdn", "getpass.getuser",
    "os.getlogin", "importlib.metadata.version", "locale.getpreferredencoding", "locale.getlocale",
    "platform.platform", "platform.node", "platform.python_version", "platform.system", "platform.release",
})


def _cosmetic(body: list[ast.stmt], ctx: Context) -> bool:
    """A block that only assigns cosmetic environment lookups (``_COSMETIC_LOOKUPS``)."""
    def lookup(node: ast.expr) -> bool:
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return isinstance(node, ast.Call) and ctx.qualname(node.func) in _COSMETIC_LOOKUPS

    return bool(body) and all(isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None and lookup(s.value)
                              for s in body)


def _in_finally(ctx: Context, node: ast.AST) -> bool:
    """``node`` (the node being visited) lies in a `finally:` block: teardown, which must not
    mask the error (or the return) that is already on its way out."""
    stack = [*ctx.stack, node]
    return any(isinstance(outer, (ast.Try, ast.TryStar)) and inner in outer.finalbody
               for outer, inner in zip(stack, stack[1:]))


def _before_reraise(ctx: Context, node: ast.AST) -> bool:
    """``node`` lies in an `except` block that later re-raises the error it caught: best-effort
    cleanup (close a log, remove a filter) whose own failure must not mask the error on its way out."""
    stack = [*ctx.stack, node]
    for outer, inner in zip(reversed(stack[:-1]), reversed(stack[1:])):
        if isinstance(outer, ast.ExceptHandler) and inner is not node and inner in outer.body:
            after = outer.body[outer.body.index(inner) + 1:]
            return any(isinstance(s, ast.Raise) and (s.exc is None or isinstance(s.exc, ast.Name)
                                                      and s.exc.id == outer.name) for s in after)
    return False


def _reaps_cancelled(tried: list[ast.stmt], ctx: Context) -> bool:
    """`await task` of a task this function cancelled: collecting it at shutdown, where its
    CancelledError or last error is expected and has nowhere to go."""
    if len(tried) != 1 or not isinstance(tried[0], ast.Expr) or not isinstance(tried[0].value, ast.Await):
        return False
    awaited = tried[0].value.value
    if not isinstance(awaited, (ast.Name, ast.Attribute)) or ctx.function is None:
        return False
    target = ast.unparse(awaited)
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
               and ast.unparse(n.func.value) == target for n in walk_local(ctx.function.body))  # type: ignore[union-attr]


_CLEANUP_FUNCTIONS = frozenset({"__del__", "__exit__", "__aexit__", "close", "aclose", "cleanup", "teardown"})
#: A docstring that states the contract of never failing ("never raises", "best effort"); one that
#: only says what happens on error ("returns {} on failure") describes the fallback, not a reason.
_DOC_EXPLAINS = re.compile(r"never\s+(?:raises?|fails?|crash)|must\s+not\s+(?:raise|propagate|fail)|swallow|"
                           r"best[- ]effort|ignor\w*\s+(?:all\s+|any\s+)?(?:errors|exceptions)", re.IGNORECASE)


def _deliberate(handler: ast.ExceptHandler, owner: ast.AST | None, ctx: Context) -> bool:
    """Broad handlers that are a design, not an accident, as labelled on real projects:
    a predicate that answers "no" (`return False`); best-effort teardown (`__del__`, `close`, a
    `finally:` block, a try that only closes, removes or deletes, followed by `pass`, or that
    collects a task this function cancelled); a cosmetic environment lookup; a function whose
    docstring says it never raises; a try that only raises a new error (a frame probe)."""
    body = handler.body
    tried = getattr(owner, "body", [])
    if _in_finally(ctx, handler) or _before_reraise(ctx, handler) or _reaps_cancelled(tried, ctx) \
            or _cosmetic(tried, ctx):
        return True
    if all(isinstance(s, (ast.Return, ast.Assign)) and isinstance(s.value, ast.Constant)
           and isinstance(s.value.value, bool) for s in body):
        return True
    func = ctx.function
    if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) and func.name in _CLEANUP_FUNCTIONS:
        return True
    if _deliberate_doc(ctx):
        return True
    if all(isinstance(s, ast.Raise) and not _reraises(s, ctx) for s in tried):
        return True
    if _memo_write(tried) or _peek(handler, tried, ctx):
        return True
    return all(isinstance(s, ast.Pass) for s in body) and all(
        isinstance(s, ast.Delete) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                                      and called_name(s.value) in CLEANUP_VERBS)
        for s in tried
    )


def _deliberate_doc(ctx: Context) -> bool:
    """An enclosing function's docstring says it never raises (a wrapper's speaks for its closure)."""
    for outer in ctx.functions:
        doc = docstring_node(outer) if not isinstance(outer, ast.Lambda) else None
        if doc is not None and _DOC_EXPLAINS.search(doc.value.value):  # type: ignore[attr-defined]
            return True
    return False


_STATUS_ATTRS = frozenset({"status", "status_code", "code"})


def _status(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in _STATUS_ATTRS


def _failed_status(test: ast.expr) -> bool:
    """A test that an HTTP answer failed: `not resp.ok`, `resp.status != 200`, `resp.status_code
    >= 400`, `status not in (200, 201)`. A test for one status (`== 404`) is an answer, not a failure."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Attribute) and test.operand.attr in ("ok", "is_success")
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _status(test.left)):
        return False
    op, right = test.ops[0], test.comparators[0]
    number = right.value if isinstance(right, ast.Constant) and isinstance(right.value, int) else None
    if isinstance(op, (ast.NotEq, ast.IsNot)):
        return number is not None and 200 <= number < 300
    if isinstance(op, ast.NotIn):
        return True
    if isinstance(op, (ast.GtE, ast.Gt)):
        return number is not None and 299 <= number < 600
    return False


def _empty_return(stmt: ast.stmt) -> bool:
    """`return {}`, `return []`, `return ""` or a made-up record: empty or invented data, not None
    (a documented "nothing"), not a bool (a predicate's answer)."""
    if not isinstance(stmt, ast.Return) or stmt.value is None:
        return False
    value = stmt.value
    if isinstance(value, ast.Constant):
        return value.value == "" or value.value == b""
    return not isinstance(value, (ast.Name, ast.Attribute, ast.UnaryOp)) and _is_fallback_value(value)


def _memo_write(tried: list[ast.stmt]) -> bool:
    """A try that only stores an already computed value (a name or a constant) on an object's
    private or cache attribute (`request._parsed = parsed`): if the store fails, a memo is lost
    and the value itself still reaches the caller, so nothing is hidden."""
    return bool(tried) and all(
        isinstance(s, ast.Assign) and isinstance(s.value, (ast.Name, ast.Constant))
        and all(isinstance(t, ast.Attribute) and (t.attr.startswith("_") or _MEMO_ATTR.search(t.attr))
                for t in s.targets)
        for s in tried)


_MEMO_ATTR = re.compile(r"cache|memo", re.IGNORECASE)


def _peek(handler: ast.ExceptHandler, tried: list[ast.stmt], ctx: Context) -> bool:
    """A peek at an item that the function then hands on whole: the handler only gives the peeked
    names an empty value, those names are afterwards read only in tests (`if header.get(...)`),
    so the fallback merely routes the item, and the item the try read is passed to a call after
    the try, where processing it again reports what the peek swallowed."""
    func = ctx.function
    owner = ctx.parent
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not isinstance(owner, ast.Try):
        return False
    peeked: set[str] = set()
    for stmt in handler.body:
        if not (isinstance(stmt, ast.Assign) and _is_fallback_value(stmt.value)
                and all(isinstance(t, ast.Name) for t in stmt.targets)):
            return False
        peeked |= {t.id for t in stmt.targets}  # type: ignore[attr-defined]
    read = {n.id for s in tried for n in ast.walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in ("self", "cls")}
    after = [n for n in walk_local(func.body) if getattr(n, "lineno", 0) > (owner.end_lineno or 0)]
    tests = {id(n) for node in after if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert))
             for n in ast.walk(node.test)}
    uses = [n for n in after if isinstance(n, ast.Name) and n.id in peeked]
    handed_on = any(isinstance(n, ast.Call) and any(isinstance(a, ast.Name) and a.id in read - peeked
                                                    for a in [*n.args, *(k.value for k in n.keywords)])
                    for n in after)
    return bool(peeked) and bool(uses) and all(id(n) in tests for n in uses) and handed_on


def _reraises(node: ast.Raise, ctx: Context) -> bool:
    """A `raise` of an error that already happened: bare `raise`, or `raise e` where `e` is bound
    by an `except ... as e` of the enclosing function; swallowing that hides a real failure."""
    if node.exc is None:
        return True
    scope = ctx.function or ctx.source.tree
    return isinstance(node.exc, ast.Name) and any(
        isinstance(h, ast.ExceptHandler) and h.name == node.exc.id for h in ast.walk(scope))  # type: ignore[arg-type]


class SilentFallback(Rule):
    """Finds handlers that catch broadly (bare, `Exception`, `BaseException`, also inside a nested
    tuple) and then neither re-raise nor report the error: they only pass, continue, return or
    assign a literal, None, a default or a made-up record such as `{"id": user_id, "name": "Unknown"}`;
    and `with contextlib.suppress(Exception):`. A fallback is justified only by what it does (a
    handler that calls anything, a logger at any level or a cleanup, is not silent; a re-raise is
    not a fallback) or by a `# warden: fallback <reason>` marker in the handler or on its `except`
    line (for `suppress`, on the `with` line or the line above): an ordinary comment is not enough.
    Deliberate designs are left alone: a predicate answering `return False`; best-effort teardown
    (in `__del__`/`close`, in a `finally:` block, a try that only closes, removes or deletes, or
    that awaits a task the function cancelled); a cosmetic environment lookup (terminal size, host
    or user name, a version to show); a function whose docstring says it never raises; a try
    that only raises a new error (a bare `raise` or a caught error raised again is a real failure,
    and swallowing it is reported); a try that only stores a computed value as a private or cache
    attribute (a lost memo loses nothing); and a peek whose empty fallback is only tested, to route
    an item the function then hands on whole (its processing reports the error). Also found without
    an `except`: a test that an HTTP status failed (`!= 200`, `>= 400`, `not resp.ok`) whose branch
    only returns empty or made-up data, the same fail-open. Opt-in for `check`; review and the
    hooks apply it to new code. An error, which the gates block, where the fallback invents data
    (a made-up record, price or name), returns empty data in place of the result the `try`
    computed, or swallows the failure of a function's main work (a lost write or send); a warning
    for the rest: optional imports, best-effort side steps (chmod, mkdir, unlink, close), version
    probes, environment reads, a read right before a raise or a log, scripts and hooks that fail
    open, and None or 0 as a declared "nothing"."""

    code = "ERR003"
    name = "silent-fallback"
    family = "errors"
    #: The highest tier: each finding's own is ERROR or WARNING by what the fallback costs (``fallback_stakes``).
    severity = Severity.ERROR
    message = "Silent fallback: every error is caught and replaced by a default with no trace."
    fix_hint = ("Catch the specific exception, or log it (logger.warning(..., exc_info=True)) before falling back, "
                "or mark a deliberate fallback with `# warden: fallback <reason>`.")
    pattern = "no-silent-fallbacks"
    default_on = False
    why = ("When any error turns into a default value nobody learns that something failed: the bug "
           "surfaces far away, as wrong data, and the original traceback is gone.")
    instead = ("Catch only the exceptions you expect, and when a fallback is right, log the error "
               "(`logger.warning(..., exc_info=True)`) before returning the documented default, or write "
               "the reason beside it: `# warden: fallback the cache is optional; a miss only costs time`.")
    ruff = ("S110", "S112", "BLE001")
    exempt_in = frozenset({"tests"})
    VALID = (
        "try:\n    value = load()\nexcept Exception:\n    log.exception('load failed')\n    value = None\n",
        "try:\n    value = load()\nexcept KeyError:\n    value = None\n",
        "try:\n    value = load()\nexcept Exception as exc:\n    errors.append(exc)\n",
        "try:\n    value = load()\nexcept Exception:\n    cleanup()\n    raise\n",
        "try:\n    connect()\nexcept Exception:\n    try:\n        log.close()\n        unregister()\n"
        "    except Exception:\n        pass\n    raise\n",
        "try:\n    msg = run()\nexcept Exception:\n    msg = ('#ERROR', format_exc())\n",
        "def frame():\n    try:\n        raise Exception\n    except Exception:\n        return None\n",
        "try:\n    import fcntl\nexcept Exception:  # warden: fallback fcntl is missing on Windows, no locking there\n"
        "    fcntl = None\n",
        # best-effort teardown in `finally`: the error already on its way out must not be masked
        "try:\n    run()\nfinally:\n    try:\n        session.shutdown()\n    except Exception:\n        pass\n",
        # reaping cancelled tasks at shutdown
        "import asyncio\nasync def stop(tasks):\n    for task in tasks:\n        task.cancel()\n    for task in tasks:\n"
        "        try:\n            await task\n        except (asyncio.CancelledError, Exception):\n            pass\n",
        # a documented aclosing(): closing must not hide the body's own error
        "import contextlib\n@contextlib.asynccontextmanager\nasync def aclosing(agen):\n"
        "    \"\"\"Close the generator on exit; an error while closing must not hide the body's own.\"\"\"\n"
        "    try:\n        yield agen\n    finally:\n        with contextlib.suppress(Exception):\n"
        "            await agen.aclose()\n",
        # suppress(Exception) around a cosmetic lookup
        "import contextlib, shutil\nwidth = 80\nwith contextlib.suppress(Exception):\n"
        "    width = shutil.get_terminal_size().columns\n",
        "try:\n    width = terminal_width()\nexcept Exception:  # warden: fallback not a terminal\n    width = 80\n",
        "import contextlib\nwith contextlib.suppress(OSError):\n    os.remove(path)\n",
        "def is_ip(text):\n    try:\n        parse(text)\n    except Exception:\n        return False\n    return True\n",
        "class F:\n    def __del__(self):\n        try:\n            self.detach()\n        except Exception:\n            pass\n",
        "try:\n    os.remove(tmp)\nexcept Exception:\n    pass\n",
        "def safe_str(obj):\n    \"\"\"str() that never raises: errors in __str__ must not propagate.\"\"\"\n"
        "    try:\n        return str(obj)\n    except Exception:\n        return '<unprintable>'\n",
        # a memo write: if the store fails only the memo is lost, the value is still returned
        "def accepted(request):\n    parsed = parse(request.headers)\n    try:\n        request._parsed = parsed\n"
        "    except Exception:\n        pass\n    return parsed\n",
        # a peek that only routes the message; the ordinary path deserializes it again and logs
        "async def dispatch(self, msg):\n    try:\n        header = self.session.header_of(msg)\n    except Exception:\n"
        "        header = {}\n    if header.get('msg_type') == 'comm_msg':\n        return await self.comm(msg)\n"
        "    await self.dispatch_shell(msg)\n",
        # a status test whose fallback is logged, or that answers "not found"
        "def user(resp):\n    if resp.status_code != 200:\n        log.warning('no user: %s', resp.status_code)\n"
        "        return {}\n    return resp.json()\n",
        "def user(resp):\n    if resp.status_code == 404:\n        return None\n    resp.raise_for_status()\n"
        "    return resp.json()\n",
        "def items(resp):\n    if not resp.ok:\n        raise ApiError(resp.status_code)\n    return resp.json()\n",
    )
    INVALID = (
        Invalid("def f():\n    try:\n        return load()\n    except Exception:\n        return None\n", 4, 5),
        Invalid("for x in xs:\n    try:\n        use(x)\n    except:\n        continue\n", 4, 5),
        Invalid("try:\n    n = int(s)\nexcept BaseException:\n    n = 0\n", 3, 1),
        # the canonical silent fallback of the pattern document: a made-up record
        Invalid("def get_user(user_id):\n    try:\n        return db.fetch(user_id)\n    except Exception:\n"
                "        return {'id': user_id, 'name': 'Unknown'}\n", 4, 5),
        Invalid("def settings():\n    try:\n        return read()\n    except Exception:\n        return {'debug': False}\n",
                4, 5),
        Invalid("import contextlib\nwith contextlib.suppress(Exception):\n    send(report)\n", 2, 6),
        Invalid("from contextlib import suppress\nwith suppress(ValueError, BaseException):\n    send(report)\n", 2, 6),
        Invalid("try:\n    run()\nexcept ((Exception, ValueError), TypeError):\n    pass\n", 3, 1),
        Invalid("try:\n    x = compute()\n    if x is None:\n        raise ValueError\nexcept Exception:\n    x = 0\n", 5, 1),
        Invalid("try:\n    run()\nexcept Exception:\n    pass  # ignore\n", 3, 1),
        Invalid("try:\n    run()\nexcept Exception as exc:\n    try:\n        raise exc\n    except BaseException:\n"
                "        pass\n", 6, 5),
        Invalid("def f():\n    try:\n        raise\n    except Exception:\n        return None\n", 4, 5),
        # a comment, however long, does not justify a fallback; a marker or a log call does
        Invalid("def load():\n    try:\n        return read()\n    except Exception:\n"
                "        # the config file is optional so we use the defaults\n        return {}\n", 4, 5),
        Invalid("def get_user(user_id):\n    \"\"\"The user, or a placeholder when the lookup fails.\"\"\"\n    try:\n"
                "        return db.fetch(user_id)\n    except Exception:\n        return {'id': user_id, 'name': 'Unknown'}\n",
                5, 5),
        Invalid("def poll():\n    try:\n        return fetch()\n    except Exception:\n        pass\n", 4, 5),
        # the routed value is used as data, not only tested: the fallback replaces the data
        Invalid("def show(msg):\n    try:\n        header = parse(msg)\n    except Exception:\n        header = {}\n"
                "    render(header)\n    send(msg)\n", 4, 5),
        # a store of a computed public value: the caller's data may be lost
        Invalid("def save(user, email):\n    try:\n        user.email = normalise(email)\n    except Exception:\n"
                "        pass\n", 4, 5),
        # fail-open without an except: an HTTP error becomes empty data with no trace
        Invalid("def orders(session):\n    resp = session.get('/orders')\n    if resp.status_code != 200:\n"
                "        return []\n    return resp.json()\n", 3, 5),
        Invalid("async def rates(resp):\n    if resp.status >= 400:\n        return {}\n    return await resp.json()\n",
                2, 5),
        Invalid("def flags(resp):\n    if not resp.ok:\n        return {'enabled': False}\n    return resp.json()\n", 2, 5),
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: Context) -> None:
        if not catches_broadly(node, ctx) or not all(_is_fallback_stmt(stmt) for stmt in node.body):
            return
        if _deliberate(node, ctx.parent, ctx):
            return
        if node.name and any(isinstance(n, ast.Name) and n.id == node.name for n in walk_local(node.body)):
            return  # the error itself is handed on as data
        if justified(ctx, node.lineno, node.end_lineno or node.lineno):
            return
        owner = ctx.parent
        stakes = fallback_stakes(node.body, getattr(owner, "body", []), owner,  # type: ignore[arg-type]
                                 ctx.stack[-2] if len(ctx.stack) > 1 else ctx.tree, ctx)
        ctx.report(self, node, end=node.type or None, severity=stakes.severity, message=_said(self.message, stakes))

    def visit_If(self, node: ast.If, ctx: Context) -> None:
        """A fail-open with no `except`: a test of an HTTP status as failed whose branch only
        returns empty or made-up data, so the error reaches the caller as "no data"."""
        if (_failed_status(node.test) and node.body and all(_empty_return(s) for s in node.body)
                and not justified(ctx, node.lineno, node.body[-1].end_lineno or node.lineno)
                and not _deliberate_doc(ctx)):
            ctx.report(self, node, end=node.test, severity=Severity.ERROR,
                       message="Silent fail-open: a failed HTTP status becomes empty data with no trace.")

    def visit_With(self, node: ast.With, ctx: Context) -> None:
        for item in node.items:
            call = item.context_expr
            if (isinstance(call, ast.Call) and ctx.qualname(call.func) in _SUPPRESS
                    and any(names_broad(arg, ctx) for arg in call.args)
                    and not justified(ctx, node.lineno, node.lineno) and not _cosmetic(node.body, ctx)
                    and not _in_finally(ctx, node)):
                stakes = fallback_stakes([], node.body, node, ctx.parent or ctx.tree, ctx)
                ctx.report(self, call, severity=stakes.severity, message=_said(
                    "`suppress(Exception)`: every error in the block vanishes with no trace.", stakes))


def _said(message: str, stakes: Stakes) -> str:
    """The message with the reason for its tier: why it blocks, or why it only warns."""
    if stakes.reason is None:
        return message
    if stakes.severity is Severity.ERROR:
        return f"{message[:-1]}: {stakes.reason}."
    return f"{message} Warning only: {stakes.reason}."


#: Errors a framework renders for the user, not a traceback for a developer: an HTTP status page
#: (`Http404`, falcon's `HTTPInvalidHeader`, `BadRequest`), a form's `ValidationError`, a command
#: line's usage error (`CommandError`, click's `BadParameter`). Their cause chain reaches no one; an
#: `HTTPError` is a client library's error and is not among them. A project's own subclass of one
#: (blacksheep's `BadRequestFormat(BadRequest)`) is one too.
_RENDERED = re.compile(
    r"^(?:Http|HTTP)(?!\w*Error$)[A-Z0-9]\w*$|^(?:BadRequest|NotFound|Unauthorized|Forbidden|MethodNotAllowed|"
    r"NotAcceptable|Conflict|Gone|PermissionDenied|ValidationError|CommandError|BadParameter|UsageError|"
    r"ClickException|FileError|BadArgumentUsage|BadOptionUsage|NoSuchOption|MissingParameter)$")


#: Exceptions that steer control flow rather than report a failure: no reader needs their cause.
_SIGNALS = frozenset({"StopIteration", "StopAsyncIteration", "GeneratorExit", "SystemExit", "KeyboardInterrupt",
                      "CancelledError"})


def _same_exception(node: ast.expr, caught: str | None) -> bool:
    """The caught exception itself, not a second one: `raise exc`, `raise exc.with_traceback(tb)`
    (the same object, its frames trimmed), or `raise exc.__cause__` / `exc.__context__` (the
    error it wrapped, handed back unwrapped)."""
    if caught is None:
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_traceback":
        node = node.func.value
    elif isinstance(node, ast.Attribute) and node.attr in ("__cause__", "__context__"):
        node = node.value
    return isinstance(node, ast.Name) and node.id == caught


def _signal(node: ast.expr) -> bool:
    """`raise StopAsyncIteration` and the like: the end of an iteration, a task or the process."""
    target = node.func if isinstance(node, ast.Call) else node
    spelled = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return spelled in _SIGNALS


def _rendered(node: ast.expr, ctx: Context) -> bool:
    """What the `raise` raises is, by its name or a base the project model finds, an error a
    framework renders for the user."""
    target = node.func if isinstance(node, ast.Call) else node
    spelled = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    if _RENDERED.match(spelled):
        return True
    name = ctx.resolve(target)
    return name is not None and any(_RENDERED.match(c.rpartition(".")[2]) for c in ctx.model.lineage(name))


class RaiseWithoutFrom(Rule):
    """Finds `raise NewError(...)` inside an `except` block without `from`. An error that a framework
    renders for the user rather than as a traceback (an HTTP status such as `Http404` or
    `HTTPBadRequest`, a project class derived from one, a `ValidationError`, a `CommandError` or a
    click usage error) is left alone: its chain reaches no one. So are the caught exception
    itself (`raise exc.with_traceback(None)`, `raise exc.__cause__`), which is no second
    failure, and control-flow signals such as `StopAsyncIteration`."""

    code = "ERR004"
    name = "raise-without-from"
    family = "errors"
    #: Info: right on legacy code, but a one-token nit where it interrupts an agent (gates labels).
    severity = Severity.INFO
    message = "Exception raised inside `except` without `from`: the cause is shown as a second failure."
    fix_hint = "Write `raise NewError(...) from exc` (or `from None` to hide the cause on purpose)."
    pattern = "exception-chaining"
    exempt_in = frozenset({"tests", "scripts"})  # the chain matters to a library's callers
    ruff = ("B904",)
    why = ("Without `from`, Python reports the new exception as having happened *during handling* of the "
           "first, which reads as a bug in the handler; the explicit cause keeps the story straight.")
    instead = "`except KeyError as exc: raise ConfigError(name) from exc`."
    VALID = (
        "try:\n    run()\nexcept KeyError as exc:\n    raise ValueError('x') from exc\n",
        "try:\n    run()\nexcept KeyError:\n    raise\n",
        "try:\n    run()\nexcept KeyError as exc:\n    raise exc\n",
        "try:\n    run()\nexcept KeyError:\n    def later():\n        raise ValueError('x')\n",
        "try:\n    run()\nexcept KeyError:\n    try:\n        raise LookupError\n    except LookupError:\n        pass\n",
        # rendered for the user: a 404 page, a form error, a command line's usage message
        "try:\n    page = paginator.page(number)\nexcept InvalidPage:\n    raise Http404('no such page')\n",
        "try:\n    n = int(value)\nexcept ValueError:\n    raise falcon.HTTPInvalidParam('not a number', name)\n",
        "try:\n    x = float(value)\nexcept (TypeError, ValueError):\n    raise exceptions.ValidationError('invalid')\n",
        "try:\n    apps.get_app_config(label)\nexcept LookupError as err:\n    raise CommandError(str(err))\n",
        "try:\n    n = int(value)\nexcept ValueError:\n    raise click.BadParameter('not a number')\n",
        # the same exception, its internal frames trimmed on purpose; a wrapped error handed back
        "try:\n    run()\nexcept Internal as ex:\n    raise ex.with_traceback(None)\n",
        "try:\n    run()\nexcept WrappedError as exc:\n    raise exc.__cause__\n",
        # the end of an iteration after a logged timeout: a signal to the loop, not a failure
        "async def __anext__(self):\n    try:\n        return await self.get()\n    except TimeoutError:\n"
        "        log.info('queue idle')\n        raise StopAsyncIteration\n",
        "class HTTPException(Exception):\n    pass\nclass BadRequest(HTTPException):\n    pass\n"
        "class BadRequestFormat(BadRequest):\n    pass\ndef parse(text):\n    try:\n        return loads(text)\n"
        "    except ValueError as e:\n        raise BadRequestFormat('Cannot parse content as JSON', e)\n",
    )
    INVALID = (
        Invalid("try:\n    run()\nexcept KeyError:\n    raise ValueError('missing')\n", 4, 5),
        # a client library's error is its caller's to read: the chain says what failed below
        Invalid("try:\n    resp = send(req)\nexcept OSError as e:\n    raise HTTPError(e)\n", 4, 5),
        # a gRPC client raises the status to its caller, who reads the chain
        Invalid("try:\n    status = Status(int(value))\nexcept ValueError:\n"
                "    raise GRPCError(Status.UNKNOWN, 'Invalid grpc-status')\n", 4, 5),
        Invalid("try:\n    data = decodebytes(text)\nexcept binascii.Error as e:\n"
                "    raise SSHException('base64 decoding error: {}'.format(e))\n", 4, 5),
    )

    def visit_Raise(self, node: ast.Raise, ctx: Context) -> None:
        if not ctx.handlers or node.exc is None or node.cause is not None:
            return
        handler = ctx.handlers[-1]
        below = ctx.stack[ctx.stack.index(handler) + 1:]
        if any(isinstance(node, (ast.Try, ast.TryStar)) for node in below):
            return  # inside a nested try: the exception may be caught right there
        if _same_exception(node.exc, handler.name) or _signal(node.exc) or _rendered(node.exc, ctx):
            return
        ctx.report(self, node)


RULES: tuple[type[Rule], ...] = (MutableDefault, BareExcept, SilentFallback, RaiseWithoutFrom)
