"""Resources and memory: state that grows without bound, cleanup that may never run, quadratic loops."""

from __future__ import annotations

import ast

from pattern_warden.rules.base import (
    CLEANUP_VERBS, Context, Invalid, Options, Rule, ScopeNames, Severity, called_name, is_str, signature_end, walk_local,
)

def _decorator_name(node: ast.expr, ctx: Context) -> str | None:
    return ctx.qualname(node.func if isinstance(node, ast.Call) else node)


_CLASS_NAMES = frozenset({"cls", "klass", "class_", "typ", "type_", "model", "model_class", "exc_type", "tp"})


def _is_class_key(arg: ast.arg) -> bool:
    """A parameter that holds a class: annotated `type`/`type[X]`/`Type[X]`, or named like one."""
    annotation = arg.annotation
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    spelled = annotation.attr if isinstance(annotation, ast.Attribute) else getattr(annotation, "id", None)
    return spelled in ("type", "Type") or (annotation is None and arg.arg in _CLASS_NAMES)


def _called_with_literals(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> bool:
    """Every call of the function in its module passes only literals (`router("s3")`): its keys
    are the names the code spells out, a closed set."""
    calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == node.name]
    return bool(calls) and all(isinstance(a, ast.Constant) for c in calls
                               for a in [*c.args, *(k.value for k in c.keywords)])


def _keys_a_cached_function(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> bool:
    """The function hands its parameters on to a project function that is itself an unbounded
    `@cache` (`get_service_model(service_name)`): its keys are ones that cache already keeps, so
    the new cache grows no further than the project's existing one."""
    params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
    for call in walk_local(node.body):
        if not (isinstance(call, ast.Call) and params
                and params <= {a.id for a in call.args if isinstance(a, ast.Name)}):
            continue
        name = ctx.resolve(call.func)
        if name is not None and "cache" in ctx.model.decorators(name):
            return True
    return False


class UnboundedCache(Rule):
    """Finds caches with no bound: `functools.cache` and `lru_cache(maxsize=None)` (on functions and
    methods). A bounded `lru_cache` (the default maxsize is 128) is left alone, also on a method:
    it holds at most maxsize instances, which is a cost, not a leak. A function without arguments
    caches one value and is left alone too, and so is a cache keyed by a closed set: by classes
    (parameters annotated `type[...]` or named `cls`), the program defines only so many; by the
    literals every call in its module spells out (`router_for("s3")`); or by the keys of an
    unbounded `@cache` the project already has, to which it hands its parameters on (another
    module's is seen through the project model, which `check` builds and the gates do not)."""

    code = "RES001"
    name = "unbounded-cache"
    family = "resources"
    severity = Severity.WARNING
    message = "Unbounded cache: it keeps every argument (and result) it ever sees."
    fix_hint = "Give it a maxsize, or cache outside the instance (a module function or a per-instance dict)."
    pattern = "bounded-caches"
    default_on = False
    ruff = ("B019",)
    why = ("An unbounded cache in a long-running process is a memory leak with good intentions; on a "
           "method it also holds `self`, so instances are never freed while the cache lives.")
    instead = "`@lru_cache(maxsize=1024)` on module functions; `functools.cached_property` for per-instance values."
    VALID = (
        "from functools import lru_cache\n@lru_cache(maxsize=256)\ndef f(x):\n    return x\n",
        "import functools\nclass C:\n    @staticmethod\n    @functools.lru_cache(maxsize=8)\n    def f(x):\n        return x\n",
        "from functools import lru_cache\nfrom typing import NamedTuple\nclass P(NamedTuple):\n    x: int\n"
        "    @lru_cache(maxsize=1024)\n    def norm(self):\n        return abs(self.x)\n",
        "from functools import lru_cache\n@lru_cache\ndef f(x):\n    return x\n",
        "import functools\n@functools.cache\ndef settings():\n    return load()\n",
        "import functools\n@functools.cache\ndef fields_of(cls: type) -> tuple:\n    return tuple(vars(cls))\n",
        "import functools\n@functools.lru_cache(maxsize=None)\ndef serializer_for(cls):\n    return make(cls)\n",
        "import functools\nfrom django.conf import settings\n@functools.lru_cache(maxsize=settings.CACHE_SIZE)\n"
        "def f(x):\n    return x\n",
        # keyed by the service names its callers spell out: one router per service
        "import functools\n@functools.cache\ndef router_for(service):\n    return Router(service)\n"
        "S3, SQS = router_for('s3'), router_for('sqs')\n",
        # keyed as an unbounded cache the project already has (decided on before, hence its
        # noqa): the new one grows no further than that one
        "from functools import cache\n@cache  # warden: ignore[RES001] one model per AWS service\n"
        "def service_model(name):\n    return load(name)\n"
        "@cache\ndef service_router(name):\n    return Router(service_model(name))\n",
    )
    INVALID = (
        Invalid("import functools\n@functools.cache\ndef f(x):\n    return x\n", 2, 2),
        Invalid("from functools import lru_cache\n@lru_cache(maxsize=None)\ndef f(x):\n    return x\n", 2, 2),
        Invalid("import functools\nclass C:\n    @functools.cache\n    def f(self, x):\n        return x\n", 3, 6),
        # the canonical case: an unbounded cache keyed by user input
        Invalid("from functools import lru_cache\n@lru_cache(maxsize=None)\ndef profile(user_id: str):\n"
                "    return db.load(user_id)\n", 2, 2),
        # one caller passes a value from outside: the keys are open
        Invalid("import functools\n@functools.cache\ndef router_for(service):\n    return Router(service)\n"
                "S3 = router_for('s3')\ndef handle(request):\n    return router_for(request.service)\n", 2, 2),
        # the callee's cache is bounded: it says nothing about how many keys there are
        Invalid("from functools import cache, lru_cache\n@lru_cache(maxsize=64)\ndef model(name):\n    return load(name)\n"
                "@cache\ndef router(name):\n    return Router(model(name))\n", 5, 2),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        names = [_decorator_name(d, ctx) for d in node.decorator_list]
        implicit_static = node.name in ("__new__", "__init_subclass__", "__class_getitem__")
        is_method = ctx.directly_in_class is not None and not implicit_static and not {
            "staticmethod", "classmethod"} & set(names)
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if not is_method and not any(p is not None for p in params):
            return  # no arguments: the cache holds one value and cannot grow (a method's `self` varies)
        if not is_method and all(_is_class_key(p) for p in params if p is not None):
            return  # keyed by classes: as many entries as the program defines classes
        if not is_method and (_called_with_literals(node, ctx) or _keys_a_cached_function(node, ctx)):
            return  # keyed by a closed set: names the code spells out, or keys an unbounded cache already holds
        for decorator, name in zip(node.decorator_list, names):
            if name == "functools.cache" or (name == "functools.lru_cache" and self._unbounded_lru(decorator)):
                extra = " On a method it also keeps every `self` alive." if is_method else ""
                ctx.report(self, decorator, message=f"Unbounded cache `{name}`: it keeps every argument it sees.{extra}")

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _unbounded_lru(decorator: ast.expr) -> bool:
        if not isinstance(decorator, ast.Call):
            return False
        size = next((kw.value for kw in decorator.keywords if kw.arg == "maxsize"), None)
        if size is None and decorator.args:
            size = decorator.args[0]
        return isinstance(size, ast.Constant) and size.value is None


_CONTAINER_CALLS = frozenset({"list", "dict", "set", "collections.defaultdict", "collections.OrderedDict",
                              "defaultdict", "OrderedDict"})
_GROW = frozenset({"append", "extend", "add", "update", "insert", "setdefault", "appendleft"})
_TRIM = frozenset({"pop", "popitem", "remove", "discard", "clear", "popleft", "difference_update",
                   "intersection_update", "__delitem__"})


def _module_containers(tree: ast.Module, ctx: Context) -> dict[str, tuple[ast.stmt, str]]:
    """Module-level names bound to an empty list, dict or set: name -> (statement, "list" or "keyed")."""
    found: dict[str, tuple[ast.stmt, str]] = {}
    for stmt in tree.body:
        target, value = None, None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name) or target.id.startswith("__"):
            continue
        if isinstance(value, (ast.List, ast.Dict, ast.Set)):
            empty = not (value.keys if isinstance(value, ast.Dict) else value.elts)
            kind = "list" if isinstance(value, ast.List) else "keyed"
        elif isinstance(value, ast.Call) and ctx.qualname(value.func) in _CONTAINER_CALLS:
            empty = not value.args or ctx.qualname(value.func) not in ("list", "dict", "set")
            kind = "list" if ctx.qualname(value.func) == "list" else "keyed"
        else:
            continue
        if empty:
            found[target.id] = (stmt, kind)
    return found


_FRESH_KEYS = frozenset({"id", "uuid1", "uuid4", "time", "time_ns", "monotonic", "perf_counter", "next"})


def _fresh(node: ast.AST | None, func: ast.AST | None = None) -> bool:
    """A key that never repeats (object identity, a clock, a uuid, a counter): the container cannot
    saturate. A local name counts when the function assigns it such a value."""
    if isinstance(node, ast.Tuple):  # a compound key is as fresh as its freshest part: (ip, minute)
        return any(_fresh(elt, func) for elt in node.elts)
    if isinstance(node, ast.Name) and func is not None:
        return any(
            isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
            and _fresh(n.value) for n in walk_local(func.body)  # type: ignore[attr-defined]
        )
    for inner in ast.walk(node) if node is not None else ():
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _FRESH_KEYS:
                return True
    return False


class _Uses:
    """How functions use each module-level container."""

    def __init__(self) -> None:
        self.growers: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.trimmed: set[str] = set()
        self.escapes: set[str] = set()


def _import_time(tree: ast.Module) -> set[str]:
    """Functions that run while the module is imported (called at top level, or used as decorators):
    what they add is bounded by the code, as in a registry."""
    names: set[str] = set()
    top = list(walk_local(tree.body))
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        top += list(walk_local(cls.body))
    for node in top:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            names.add(node.func.id)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name):
                    names.add(target.id)
    return names


def _functions(tree: ast.Module) -> dict[ast.FunctionDef | ast.AsyncFunctionDef, tuple[str, ...]]:
    """Every function with the names of the functions around it (innermost last), itself included."""
    found: dict[ast.FunctionDef | ast.AsyncFunctionDef, tuple[str, ...]] = {}
    todo: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while todo:
        node, outer = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[child] = (*outer, child.name)
                todo.append((child, found[child]))
            else:
                todo.append((child, outer))
    return found


def _classify(tree: ast.Module, kinds: dict[str, str]) -> _Uses:
    uses = _Uses()
    names = set(kinds)
    for func in _functions(tree):
        rebinds = {name for g in walk_local(func.body) if isinstance(g, ast.Global) for name in g.names}
        uses.trimmed |= rebinds & names
        for node in walk_local(func.body):
            _classify_node(node, kinds, uses, func)
    return uses


def _container(node: ast.AST, names: set[str]) -> str | None:
    return node.id if isinstance(node, ast.Name) and node.id in names else None


def _mentions(node: ast.AST | None, names: set[str]) -> set[str]:
    """Containers named as plain values in ``node`` (directly or inside a tuple/list display)."""
    if node is None:
        return set()
    items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    return {item.id for item in items if isinstance(item, ast.Name) and item.id in names}


def _grows(uses: _Uses, name: str, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    uses.growers.setdefault(name, []).append(func)


def _on_call(node: ast.Call, kinds: dict[str, str], uses: _Uses, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    names = set(kinds)
    receiver = _container(node.func.value, names) if isinstance(node.func, ast.Attribute) else None
    method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    if receiver and method in _GROW and (kinds[receiver] == "list" or (node.args and _fresh(node.args[0], func))):
        _grows(uses, receiver, func)
    elif receiver and method in _TRIM:
        uses.trimmed.add(receiver)
    for arg in [*node.args, *(kw.value for kw in node.keywords)]:
        uses.escapes |= _mentions(arg, names)  # handed to code we cannot see


def _on_assign(node: ast.Assign | ast.AugAssign, kinds: dict[str, str], uses: _Uses,
               func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    names = set(kinds)
    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
        name = _container(target.value, names) if isinstance(target, ast.Subscript) else None
        if name and isinstance(target.slice, ast.Slice):  # type: ignore[union-attr]
            uses.trimmed.add(name)  # `items[:] = ...` replaces the contents
        elif name and (kinds[name] == "list" or _fresh(target.slice, func)):  # type: ignore[union-attr]
            _grows(uses, name, func)
        plain = _container(target, names)
        if isinstance(node, ast.AugAssign) and plain and kinds[plain] == "list":
            _grows(uses, plain, func)
    uses.escapes |= _mentions(node.value, names)  # aliased: trimmed, maybe, through the alias


def _classify_node(node: ast.AST, kinds: dict[str, str], uses: _Uses,
                   func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """Record growth that cannot saturate (a list appended to; a dict or set keyed by fresh keys),
    trimming, and escapes."""
    if isinstance(node, ast.Call):
        _on_call(node, kinds, uses, func)
    elif isinstance(node, (ast.Assign, ast.AugAssign)):
        _on_assign(node, kinds, uses, func)
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            name = _container(target.value, set(kinds)) if isinstance(target, ast.Subscript) else None
            if name:
                uses.trimmed.add(name)
    elif isinstance(node, (ast.Return, ast.Yield)):
        uses.escapes |= _mentions(node.value, set(kinds))


def _registers(name: str) -> bool:
    """A function that fills a registry by name: `register...`, `add_..._hook`, `add_...`."""
    lowered = name.lower().lstrip("_")
    return "register" in lowered or lowered.startswith("add_")


class UnboundedGrowth(Rule):
    """Finds a module-level container (created empty) that functions grow without limit and that
    nothing in the module ever trims, clears or hands elsewhere: a list appended to at run time, or
    a dict or set keyed by values that never repeat (`id(obj)`, a clock, a uuid, a counter). A
    dict keyed by names saturates, so it is left alone.
    Registries are left alone: growth by functions named `register...` or `add_...`, by decorators, or by
    functions called while the module is imported is bounded by the code itself."""

    code = "RES002"
    #: Opt-in for `check`, on for new code (``NEW_CODE_RULES``): 0 of 3 findings right in five held-out rounds: memos bounded by the code around them
    #: (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "unbounded-module-container"
    family = "resources"
    severity = Severity.WARNING
    message = "Module-level container is only ever grown: it leaks for the life of the process."
    fix_hint = "Bound it (an LRU or deque(maxlen=...)), evict entries, or hold it in an object with a lifetime."
    pattern = "bounded-caches"
    exempt_in = frozenset({"tests", "scripts"})  # a leak needs a long-lived process
    why = ("Module state lives as long as the process. A dict or list that functions add to but never "
           "trim grows with every request until the process is killed.")
    instead = "`collections.deque(maxlen=1000)`, `functools.lru_cache(maxsize=...)`, or an explicit eviction."
    VALID = (
        "_seen = set()\ndef f(x):\n    _seen.add(x)\n    if len(_seen) > 100:\n        _seen.clear()\n",
        "_items = []\ndef f(x):\n    _items.append(x)\ndef g():\n    return process(_items)\n",
        "CHOICES = []\nCHOICES.append(1)\n",
        "_handlers = {}\ndef register(name):\n    def deco(f):\n        _handlers[name] = f\n        return f\n"
        "    return deco\n",
        "opmap = {}\ndef def_op(name, op):\n    opmap[name] = op\ndef_op('POP', 1)\n",
        "seen = []\ndef find(x):\n    seen[:] = []\n    seen.append(x)\n",
        "_cache = {}\ndef get(name):\n    if name not in _cache:\n        _cache[name] = load(name)\n    return _cache[name]\n",
        "_hooks = []\ndef add_startup_hook(fn):\n    _hooks.append(fn)\n",
    )
    INVALID = (
        Invalid("_frames = {}\ndef wrap(frame):\n    fid = id(frame)\n    _frames[fid] = frame\n    return fid\n", 1, 1),
        Invalid("events = []\ndef record(e):\n    events.append(e)\n", 1, 1),
        # the rate limiter of the pattern library: one key per client and minute, never evicted
        Invalid("import time\ncounts = {}\ndef allowed(ip):\n    minute = int(time.time() // 60)\n"
                "    counts[(ip, minute)] = counts.get((ip, minute), 0) + 1\n    return counts[(ip, minute)] <= 100\n", 2, 1),
    )

    def begin(self, ctx: Context) -> None:
        """The whole-module analysis: containers, how functions use them, and which functions run at import."""
        containers = _module_containers(ctx.tree, ctx)
        if not containers:
            return
        uses = _classify(ctx.tree, {name: kind for name, (_, kind) in containers.items()})
        if not uses.growers:
            return
        import_time, chains = _import_time(ctx.tree), _functions(ctx.tree)

        def at_runtime(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
            return not any(n in import_time or _registers(n) for n in chains.get(func, (func.name,)))

        for name, growers in uses.growers.items():
            if name in uses.trimmed or name in uses.escapes:
                continue
            runtime = [f for f in growers if at_runtime(f)]
            if runtime:
                ctx.report(self, containers[name][0],
                           message=f"Module-level `{name}` is grown in `{runtime[0].name}()` and never trimmed.")


class DelForCleanup(Rule):
    """Finds classes that define `__del__`, except a `__del__` that only detects leaks: it emits a
    warning (a ResourceWarning, a DeprecationWarning) and frees nothing itself. One that warns and
    also closes (`close()`, `shutdown()`, `kill()`...) is cleanup, and is reported."""

    code = "RES003"
    #: Opt-in: no finding of it was right in either held-out round of issue 23 (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "del-for-cleanup"
    family = "resources"
    severity = Severity.WARNING
    message = "`__del__` used for cleanup: it may run late, never, or during interpreter shutdown."
    fix_hint = "Use a context manager (`__enter__`/`__exit__`, `close()`), or `weakref.finalize`."
    pattern = "weakref-finalize"
    why = ("`__del__` runs when the garbage collector decides, not when the resource should be freed; "
           "reference cycles delay it, exceptions in it are ignored, and at shutdown globals may be gone.")
    instead = "`self._finalizer = weakref.finalize(self, release, handle)` plus a `close()` / `with` API."
    VALID = (
        "import weakref\nclass C:\n    def __init__(self, h):\n        weakref.finalize(self, h.close)\n",
        "import warnings\nclass C:\n    def __del__(self):\n        if not self.closed:\n"
        "            warnings.warn('unclosed', ResourceWarning)\n",
        "import warnings\nclass Old:\n    def __del__(self):\n        warnings.warn('Old is deprecated', DeprecationWarning)\n",
    )
    INVALID = (
        Invalid("class C:\n    def __del__(self):\n        self.h.close()\n", 2, 5),
        Invalid("import warnings\nclass Conn:\n    def __del__(self):\n        if self.sock is not None:\n"
                "            warnings.warn('unclosed', ResourceWarning)\n            self.sock.close()\n", 3, 5),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: Context) -> None:
        if node.name != "__del__" or ctx.directly_in_class is None:
            return
        calls = [n for n in walk_local(node.body) if isinstance(n, ast.Call)]
        if not calls:
            return  # it calls nothing (an override that disables a parent's cleanup): nothing is freed late
        warns = any((ctx.qualname(c.func) or "").endswith(("warnings.warn", "_warn", "warn")) for c in calls)
        cleans = any(called_name(c) in CLEANUP_VERBS for c in calls)
        if warns and not cleans:
            return  # a leak detector that only warns about a missing close() is what __del__ is good for
        ctx.report(self, node, end=signature_end(node, ctx))


_EXITS = (ast.Return, ast.Break, ast.Raise)
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
_LITERALS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Constant, ast.JoinedStr)


def _fixed_size(iterable: ast.expr) -> bool:
    """A literal collection, `range(<constant>)`, or enumerate/zip/reversed/sorted of such: the loop
    runs a number of times fixed by the code, so no per-turn cost can add up."""
    if isinstance(iterable, _LITERALS):
        return True
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        name, args = iterable.func.id, iterable.args
        if name == "range":
            return bool(args) and all(isinstance(a, ast.Constant) for a in args)
        if name in ("enumerate", "zip", "reversed", "sorted") and args:
            return all(_fixed_size(a) for a in args)
    return False


def in_growing_loop(ctx: Context) -> bool:
    """The innermost loop of the current function can run a data-dependent number of times (it is
    not over a literal or a constant range)."""
    scope = ctx.function
    for node in reversed(ctx.stack):
        if node is scope:
            return False
        if isinstance(node, ast.comprehension) or isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            gens = node.generators if not isinstance(node, ast.comprehension) else [node]
            return not all(_fixed_size(g.iter) for g in gens)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            return not _fixed_size(node.iter)
        if isinstance(node, ast.While):
            return True
    return False


def _leaves_loop_next(ctx: Context) -> bool:
    """The statement holding the call is followed by return/break/raise: it runs once, not per turn."""
    for depth in range(len(ctx.stack) - 1, 0, -1):
        stmt, block_owner = ctx.stack[depth], ctx.stack[depth - 1]
        if isinstance(stmt, ast.stmt):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(block_owner, field, None)
                if isinstance(block, list) and stmt in block:
                    rest = block[block.index(stmt) + 1:]
                    return bool(rest) and isinstance(rest[0], _EXITS)
            return False
    return False


#: Attributes and calls whose chains are as long as the code or configuration makes them, not the
#: data: exception cause chains, tracebacks, frames, class hierarchies, path parts, middleware.
_SHORT_CHAINS = frozenset({"__cause__", "__context__", "tb_next", "f_back", "__mro__", "__bases__", "mro", "parts",
                           "parents", "parent", "split", "rsplit", "splitext", "dirname", "middleware",
                           "MIDDLEWARE", "__traceback__"})


def _bounded_by_code(ctx: Context) -> bool:
    """The innermost loop walks something the code or configuration bounds (a cause chain, a path's
    parts, the middleware list): its length does not grow with the data."""
    loop = next((n for n in reversed(ctx.stack) if isinstance(n, (ast.For, ast.AsyncFor, ast.While))), None)
    if loop is None:
        return False
    header = loop.test if isinstance(loop, ast.While) else loop.iter
    steps = [n.value for n in walk_local(loop.body) if isinstance(n, ast.Assign)]
    for node in [header, *steps]:
        for inner in ast.walk(node):
            name = inner.attr if isinstance(inner, ast.Attribute) else getattr(inner, "id", "")
            if name in _SHORT_CHAINS or "middleware" in name.lower():
                return True
    return False


class ListAsQueue(Rule):
    """Finds `x.pop(0)` and `x.insert(0, item)` inside a loop that can grow with the data (not a loop
    over a literal or a constant `range`), unless the statement is followed by return/break/raise.
    A loop over something the code or configuration bounds (an exception's cause chain, a path's
    parts, the middleware list, a class hierarchy) is left alone."""

    code = "RES004"
    name = "list-as-queue"
    family = "resources"
    severity = Severity.WARNING
    message = "List used as a queue: `pop(0)`/`insert(0, x)` moves every element, so the loop is quadratic."
    fix_hint = "Use collections.deque with popleft()/appendleft()."
    pattern = "deque-for-queues"
    default_on = False
    why = "A list is an array: removing or inserting at the front shifts all other items, O(n) each time."
    instead = "`queue = collections.deque(items)`; `queue.popleft()`; `queue.appendleft(x)`."
    exempt_in = frozenset({"tests"})
    VALID = (
        "from collections import deque\nq = deque(items)\nwhile q:\n    q.popleft()\n",
        "while stack:\n    stack.pop()\n",
        "first = items.pop(0)\n",
        "def base_chain(parents, chain):\n    for p in parents:\n        if found(p):\n            chain.insert(0, p)\n"
        "            return chain\n",
        "def f(out):\n    for x in ('a', 'b', 'c'):\n        out.insert(0, x)\n",
        "def f(out):\n    for _ in range(3):\n        out.pop(0)\n",
        "def causes(exc):\n    chain = []\n    while exc is not None:\n        chain.insert(0, exc)\n"
        "        exc = exc.__cause__\n    return chain\n",
        "import os\ndef parts(path):\n    out = []\n    while path:\n        path, tail = os.path.split(path)\n"
        "        out.insert(0, tail)\n    return out\n",
        "def build(self, handler):\n    stack = []\n    for mw in self.middleware:\n        stack.insert(0, mw)\n",
    )
    INVALID = (
        Invalid("while queue:\n    item = queue.pop(0)\n", 2, 12),
        Invalid("for x in xs:\n    out.insert(0, x)\n", 2, 5),
        Invalid("def drain(jobs):\n    while jobs:\n        job = jobs.pop(0)\n        run(job)\n", 3, 15),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not ctx.in_loop or not isinstance(func, ast.Attribute) or not node.args or not in_growing_loop(ctx):
            return
        first = node.args[0]
        at_front = isinstance(first, ast.Constant) and first.value == 0 and not isinstance(first.value, bool)
        if at_front and ((func.attr == "pop" and len(node.args) == 1) or (func.attr == "insert" and len(node.args) == 2)):
            if not _leaves_loop_next(ctx) and not _bounded_by_code(ctx):
                ctx.report(self, node)


def _is_text(node: ast.expr) -> bool:
    return is_str(node) or isinstance(node, ast.JoinedStr)


def _textual(node: ast.expr) -> bool:
    """A string literal, an f-string, or `+` joining one to something: text, not a number."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _textual(node.left) or _textual(node.right)
    return _is_text(node)


class StringConcatInLoop(Rule):
    """Finds `x.attr += text`, `x[key] += text` and `+=` on a `global` string inside a loop that can
    grow with the data. A local string is left alone: CPython extends a local string in place
    when nothing else refers to it, so such loops are linear; an attribute, an item or a global
    always has a second reference, so each step copies the whole string."""

    code = "RES005"
    name = "string-concat-in-loop"
    family = "resources"
    severity = Severity.INFO
    message = "String built with += in a loop: each step copies the whole string."
    fix_hint = "Collect the parts in a list and `''.join(parts)`, or write to io.StringIO."
    pattern = "join-strings"
    default_on = False
    why = "Strings are immutable, so `s += part` allocates a new string each time: quadratic in the total length."
    instead = "`parts.append(piece)` in the loop and `''.join(parts)` after it."
    exempt_in = frozenset({"tests"})
    VALID = (
        "def f(xs):\n    return ''.join(str(x) for x in xs)\n",
        "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n",
        "def f(path):\n    out = ''\n    for part in ('a', 'b'):\n        out += part\n",
        "def f(xs):\n    out = ''\n    for x in xs:\n        out += str(x)\n    return out\n",
        "def f(self, xs):\n    for x in xs:\n        self.total += x\n",
    )
    INVALID = (
        Invalid("class Page:\n    def render(self, rows):\n        self.html = ''\n        for r in rows:\n"
                "            self.html += f'<tr>{r}</tr>'\n", 5, 13),
        Invalid("def f(parts, rows):\n    for r in rows:\n        parts['body'] += str(r) + '\\n'\n", 3, 9),
        Invalid("log = ''\ndef f(rows):\n    global log\n    for r in rows:\n        log += f'{r}\\n'\n", 5, 9),
    )

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._text_names = ScopeNames(_is_text)

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        self._text_names.reset()

    def visit_AugAssign(self, node: ast.AugAssign, ctx: Context) -> None:
        if not ctx.in_loop or not isinstance(node.op, ast.Add) or not in_growing_loop(ctx):
            return
        target = node.target
        if isinstance(target, ast.Name):
            shared = any(isinstance(n, ast.Global) and target.id in n.names
                         for n in walk_local(getattr(ctx.function, "body", [])))
            textual = _textual(node.value) or target.id in self._text_names.get(ctx)
        else:
            shared = True  # an attribute or an item: the object holding it refers to the string too
            textual = _textual(node.value) or self._assigned_text(target, ctx)
        if shared and textual:
            ctx.report(self, node)

    @staticmethod
    def _assigned_text(target: ast.expr, ctx: Context) -> bool:
        """`self.html = ''` (the same attribute or item given a string) in the same function."""
        spelled = ast.dump(target, include_attributes=False).replace("Store()", "Load()")
        return any(isinstance(n, ast.Assign) and _is_text(n.value)
                   and any(ast.dump(t, include_attributes=False).replace("Store()", "Load()") == spelled for t in n.targets)
                   for n in walk_local(getattr(ctx.function, "body", [])))


RULES: tuple[type[Rule], ...] = (UnboundedCache, UnboundedGrowth, DelForCleanup, ListAsQueue, StringConcatInLoop)
