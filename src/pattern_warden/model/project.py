"""The project model: what each name refers to, and what each of the project's functions does.

Built from the modules' summaries (``summary.py``), it answers lazily and remembers answers:
``resolve`` a name or dotted expression at a place in a module to a qualified name
(``requests.get``, ``pkg.db.Pool.connect``) or an instance of a type (``logging.Logger``);
``effects`` of a function (blocking I/O, network, subprocess, sleep, raise, log), following the
project's own sync functions up to three calls deep with the chain that leads to each;
``callees`` and ``callers``. ``update`` swaps in new summaries for edited modules and forgets
only what was resolved in them and in the modules that import them.

A reference is ``("name", qualified)`` for a module, function, class or external name, or
``("inst", type)`` for an instance; None when the code does not say (a parameter without an
annotation, a value built by an unknown call, names bound differently on different paths).
Unknown is never guessed: a rule that needs to know stays quiet.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pattern_warden.model.effects import PATH_TYPES, RAISE, effect_of
from pattern_warden.model.summary import Binding, Spec, spec_of

Ref = tuple[str, str]
_BUILTINS = frozenset(dir(builtins))
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: Calls whose result type the code cannot show (external factories).
_RETURNS = {"logging.getLogger": "logging.Logger", "logging.getLoggerClass": "logging.Logger",
            "requests.session": "requests.Session", **{f"{p}.{m}": p for p in PATH_TYPES
                                                       for m in ("resolve", "absolute", "joinpath", "with_suffix",
                                                                 "with_name", "expanduser", "cwd", "home")}}
#: Classes spelled in lower case (so not told apart from functions by their names).
_LOWERCASE_CLASSES = frozenset({
    *(f"builtins.{n}" for n in dir(builtins) if n[:1].islower() and isinstance(getattr(builtins, n), type)),
    "collections.defaultdict", "collections.deque", "threading.local",
})
#: Attributes of external instances whose type is known.
_ATTRIBUTES = {f"{p}.parent": p for p in PATH_TYPES}
_MAX_DEPTH = 60
_CACHING = frozenset({"lru_cache", "cache", "cached", "cached_property", "memoize", "memoized"})
CHAIN_DEPTH = 3


@dataclass(frozen=True)
class Effect:
    """One thing a function does: its kind, the call (or raise) that shows it, and where.

    ``chain`` names the functions from the one asked about to the one holding the evidence:
    ``("pkg.db.connect", "pkg.db._read_passfile")`` for an ``open`` two calls away.
    """

    kind: str
    callee: str
    chain: tuple[str, ...]
    path: str
    line: int

    def describe(self) -> str:
        """``connect -> _read_passfile -> open``: short names, the evidence last."""
        return " -> ".join([*(q.rsplit(".", 1)[-1] for q in self.chain), self.callee.rsplit(".", 1)[-1]])


@dataclass(frozen=True)
class CallSite:
    """A call of one project function by another: who, whom (None when unknown), where."""

    caller: str
    callee: str | None
    path: str
    line: int


def module_name(rel: str, files: set[str] | frozenset[str] = frozenset(), top: str = "") -> tuple[str, bool]:
    """The dotted module name of a file and whether it is a package's ``__init__``: folders
    count as packages while they hold an ``__init__.py`` among ``files``, and so does the root
    (named ``top``) when it holds one itself (a package's folder checked as the root)."""
    parts = rel[:-4 if rel.endswith(".pyi") else -3].split("/")
    package = parts[-1] == "__init__"
    folders, stem = parts[:-1], [] if package else parts[-1:]
    start = len(folders)
    while start > 0 and "/".join(folders[:start]) + "/__init__.py" in files:
        start -= 1
    if package and start == len(folders) and folders:
        start -= 1  # an __init__.py is its own folder's module even when we do not know the rest
    above = [top] if start == 0 and top and "__init__.py" in files else []
    return ".".join([*above, *folders[start:], *stem]) or parts[-1], package


class ProjectModel:
    """What the project's names mean, answered from module summaries (see the module doc)."""

    def __init__(self, summaries: dict[str, dict[str, Any]], paths: dict[str, str],
                 digests: dict[str, str] | None = None, top: str = "") -> None:
        self.summaries = summaries
        self.paths = paths  # module -> path relative to the root
        self.digests = digests or {}  # path -> content hash of the text each summary was made from
        self.top = top  # the root folder's name (a root that is itself a package names its modules)
        self.modules = {rel: name for name, rel in paths.items()}
        self._index()
        self._memo: dict[str, dict[tuple[str, str], Ref | None]] = {}
        self._effects: dict[tuple[str, int], list[Effect]] = {}
        self._callers: dict[str, list[CallSite]] | None = None
        self._dependency_keys: dict[str, int] = {}
        self._depth = 0
        #: Modules whose answers the last ``update`` forgot (for tests and the benchmark).
        self.reresolved: set[str] = set()

    def _index(self) -> None:
        self.defs: dict[str, tuple[str, str]] = {}
        self._edges: dict[str, set[str]] = {}  # module -> the project modules its names resolve through
        self._importers: dict[str, set[str]] = {}
        for module, summary in self.summaries.items():
            for sid, scope in summary["scopes"].items():
                if sid:
                    self.defs[f"{module}.{scope['q']}"] = (module, sid)
            edges = self._edges.setdefault(module, set())
            for target in set(_imports(summary)):
                # through the longest prefix that is a project module: `from pkg.mod import f` -> pkg.mod
                found = next((c for c in _prefixes(target) if c in self.summaries), None)
                if found is not None:
                    edges.add(found)
                    self._importers.setdefault(found, set()).add(module)

    # -- building ----------------------------------------------------------------------

    @classmethod
    def of_module(cls, summary: dict[str, Any], rel: str) -> ProjectModel:
        """A model of one module alone: its own names resolve, other modules' stay external."""
        return cls({summary["name"]: summary}, {summary["name"]: rel})

    def overlay(self, summary: dict[str, Any], rel: str, digest: str) -> ProjectModel:
        """This model with one module's text replaced (a draft, or a file edited since the build);
        the original is left as it was."""
        summaries = {**self.summaries, summary["name"]: summary}
        paths = {name: path for name, path in self.paths.items() if path != rel}
        return ProjectModel(summaries, {**paths, summary["name"]: rel}, {**self.digests, rel: digest}, self.top)

    def name_of(self, rel: str) -> tuple[str, bool]:
        """The module name of file ``rel`` in this project (and whether it is a package)."""
        files = frozenset(self.modules) | {rel}
        return module_name(rel, files, self.top)

    def update(self, summaries: dict[str, dict[str, Any]], paths: dict[str, str], removed: Iterable[str] = (),
               digests: dict[str, str] | None = None) -> None:
        """Take new summaries for edited modules; forget what was resolved in them and, through
        imports, in every module that depends on them."""
        changed = set(summaries) | set(removed)
        for module in removed:
            self.summaries.pop(module, None)
            self.digests.pop(self.paths.pop(module, ""), None)
        self.summaries.update(summaries)
        self.paths.update(paths)
        self.digests.update(digests or {})
        self.modules = {rel: name for name, rel in self.paths.items()}
        stale = self.dependents(changed)  # with the old import edges: a dropped import still counts
        self._index()
        stale |= self.dependents(changed)
        for module in stale:
            self._memo.pop(module, None)
            self._dependency_keys.pop(module, None)  # exactly the modules whose imports reach a change
        self._effects.clear()  # sums over call chains: rebuilt lazily, function by function
        self._callers = None
        self.reresolved = stale

    def dependencies(self, module: str) -> list[str]:
        """The project modules ``module``'s names resolve through, directly or not, itself
        excluded, sorted (the edges ``update`` follows the other way)."""
        seen = {module}
        todo = [module]
        while todo:
            for candidate in self._edges.get(todo.pop(), ()):
                if candidate not in seen:
                    seen.add(candidate)
                    todo.append(candidate)
        seen.discard(module)
        return sorted(seen)

    def dependency_key(self, rel: str) -> int:
        """A number that changes whenever the interface (``summary.interface``) of a project
        module that file ``rel`` imports, directly or not, changes: findings that follow calls
        into other modules are cached under it."""
        module = self.modules.get(rel)
        if module is None:
            return 0
        found = self._dependency_keys.get(module)
        if found is None:
            digest = hashlib.blake2b(digest_size=6)
            for dependency in self.dependencies(module):
                digest.update(self.summaries[dependency].get("i", "").encode())
            found = self._dependency_keys[module] = int.from_bytes(digest.digest(), "big")
        return found

    def dependents(self, changed: set[str]) -> set[str]:
        """``changed`` and every module that imports one of them, directly or not."""
        seen = set(changed)
        todo = list(changed)
        while todo:
            module = todo.pop()
            for importer in self._importers_of(module):
                if importer not in seen:
                    seen.add(importer)
                    todo.append(importer)
        return seen

    def _importers_of(self, module: str) -> Iterator[str]:
        """Modules whose names resolve through ``module``."""
        yield from self._importers.get(module, ())

    # -- names -------------------------------------------------------------------------

    def scope_of(self, stack: Iterable[ast.AST]) -> str:
        """The scope id of the innermost ``def`` or ``class`` among ``stack`` (outermost first)."""
        for node in reversed(list(stack)):
            if isinstance(node, _DEFS):
                return f"{node.lineno}:{node.col_offset}"
        return ""

    def resolve(self, rel: str, node: ast.AST, stack: Iterable[ast.AST] = ()) -> str | None:
        """The qualified name ``node`` (a name or dotted expression in file ``rel``, inside the
        ``def``/``class`` nodes of ``stack``) refers to; None for an instance or the unknown."""
        ref = self.reference(rel, node, stack)
        return ref[1] if ref is not None and ref[0] == "name" else None

    def type_of(self, rel: str, node: ast.AST, stack: Iterable[ast.AST] = ()) -> str | None:
        """The type of the instance ``node`` holds, when the code shows it."""
        ref = self.reference(rel, node, stack)
        return ref[1] if ref is not None and ref[0] == "inst" else None

    def reference(self, rel: str, node: ast.AST, stack: Iterable[ast.AST] = ()) -> Ref | None:
        """``node`` as a reference (see the module doc), or None."""
        module = self.modules.get(rel)
        spec = spec_of(node)
        if module is None or spec is None:
            return None
        sid = self.scope_of(stack)
        if sid not in self.summaries[module]["scopes"]:
            return None  # a scope the summary does not know: the tree is not the one summarised
        return self._spec(module, spec, sid)

    def _spec(self, module: str, spec: Spec, sid: str) -> Ref | None:
        head = spec[0]
        if head == "n":
            return self._lookup(module, spec[1], sid)
        if self._depth > _MAX_DEPTH:
            return None
        self._depth += 1
        try:
            inner = self._spec(module, spec[1], sid)
        finally:
            self._depth -= 1
        if head == "a":
            return self._member(inner, spec[2])
        if head == "c":
            return self._called(inner)
        return inner if inner is not None and inner[0] == "inst" and inner[1] in PATH_TYPES else None

    def _lookup(self, module: str, name: str, sid: str) -> Ref | None:
        memo = self._memo.setdefault(module, {})
        key = (name, sid)
        if key in memo:
            return memo[key]
        memo[key] = None  # a cycle (`x = x.y`) resolves to unknown
        found = self._find(module, name, sid)
        memo[key] = found
        return found

    def _find(self, module: str, name: str, sid: str) -> Ref | None:
        scopes = self.summaries[module]["scopes"]
        current: str | None = sid
        first = True
        while current is not None:
            scope = scopes[current]
            if (first or scope["k"] != "class") and name in scope["b"]:
                return self._bound(module, scope["b"][name])
            first = False
            current = scope["p"]
        for star in self.summaries[module]["stars"]:
            if star in self.summaries and name in self.summaries[star]["scopes"][""]["b"]:
                return self._lookup(star, name, "")
        if name in _BUILTINS:
            return ("name", f"builtins.{name}")
        # Bound nowhere: a global set at run time, or a snippet that leaves out its imports
        # (`asyncio.create_task(...)` in a doc). Its name is all there is; behind a star import
        # from outside the project it could be anything.
        return None if self.summaries[module]["stars"] else ("name", name)

    def _bound(self, module: str, bindings: list[Binding]) -> Ref | None:
        if self._depth > _MAX_DEPTH:
            return None
        self._depth += 1
        try:
            refs = {self._binding(module, b) for b in bindings}
        finally:
            self._depth -= 1
        return refs.pop() if len(refs) == 1 else None

    def _binding(self, module: str, binding: Binding) -> Ref | None:
        kind = binding[0]
        scopes = self.summaries[module]["scopes"]
        if kind == "import":
            return self._canonical(binding[1])
        if kind == "def":
            return ("name", f"{module}.{scopes[binding[1]]['q']}")
        if kind == "value":
            return self._spec(module, binding[1], binding[2])
        if kind == "ann":
            ref = self._spec(module, binding[1], binding[2])
            return ("inst", ref[1]) if ref is not None and ref[0] == "name" else None
        if kind in ("self", "cls"):
            qualified = f"{module}.{scopes[binding[1]]['q']}"
            return ("inst" if kind == "self" else "name", qualified)
        return None

    def _canonical(self, qualified: str) -> Ref | None:
        """An imported name, followed through the project's modules and re-exports."""
        if qualified in self.summaries:
            return ("name", qualified)
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            head = ".".join(parts[:cut])
            if head in self.summaries:
                ref: Ref | None = ("name", head)
                for attr in parts[cut:]:
                    ref = self._member(ref, attr)
                return ref
        return ("name", qualified)

    def _member(self, ref: Ref | None, attr: str) -> Ref | None:
        if ref is None:
            return None
        kind, name = ref
        if kind == "name" and name in self.summaries:
            if attr in self.summaries[name]["scopes"][""]["b"] or any(
                    attr in self.summaries.get(s, {"scopes": {"": {"b": {}}}})["scopes"][""]["b"]
                    for s in self.summaries[name]["stars"]):
                return self._lookup(name, attr, "")
            return ("name", f"{name}.{attr}")  # a submodule, or set at run time
        found = self.defs.get(name)
        if found is not None and self.summaries[found[0]]["scopes"][found[1]]["k"] == "class":
            return self._class_member(name, attr, instance=kind == "inst")
        if kind == "inst":
            known = _ATTRIBUTES.get(f"{name}.{attr}")
            return ("inst", known) if known else ("name", f"{name}.{attr}")
        return ("name", f"{name}.{attr}")

    def _class_member(self, cls: str, attr: str, instance: bool) -> Ref | None:
        """A class's attribute through its bases: a method, a class variable, or (on an
        instance) a ``self.x`` assigned in a method; an external base answers with its own name.
        Remembered under the class's module, like names (a cycle, `self.x = self.x.y`, is unknown)."""
        module, sid = self.defs[cls]
        memo = self._memo.setdefault(module, {})
        key = ("." + attr if instance else ":" + attr, sid)
        if key not in memo:
            memo[key] = None
            memo[key] = self._find_member(cls, attr, instance)
        return memo[key]

    def _find_member(self, cls: str, attr: str, instance: bool) -> Ref | None:
        for owner in self._mro(cls):
            found = self.defs.get(owner)
            if found is None:
                return ("name", f"{owner}.{attr}")  # inherited from an external class
            module, sid = found
            scope = self.summaries[module]["scopes"][sid]
            if scope["k"] != "class":
                return None
            if attr in scope["b"]:
                bindings = scope["b"][attr]
                if all(b[0] == "def" for b in bindings):
                    return ("name", f"{owner}.{attr}")
                return self._bound(module, bindings)
            if instance and attr in scope["attrs"]:
                return self._bound(module, scope["attrs"][attr])
        return None

    def lineage(self, cls: str) -> list[str]:
        """``cls`` and the classes it derives from, as far as the project shows them (an external
        base is named but not followed), nearest first."""
        return self._mro(cls)

    def _mro(self, cls: str) -> list[str]:
        order: list[str] = []
        todo = [cls]
        while todo and len(order) < 30:
            current = todo.pop(0)
            if current in order:
                continue
            order.append(current)
            found = self.defs.get(current)
            if found is None:
                continue
            module, sid = found
            scope = self.summaries[module]["scopes"][sid]
            if scope["k"] != "class":
                continue  # a base made by a project function: what it returns is not known
            for base in scope["bases"]:
                ref = self._spec(module, base, scope["p"] or "")
                if ref is not None and ref[0] == "name" and ref[1] != "builtins.object":
                    todo.append(ref[1])
        return order

    def _called(self, ref: Ref | None) -> Ref | None:
        """What calling ``ref`` returns, when the code shows it."""
        if ref is None or ref[0] != "name":
            return None
        name = ref[1]
        found = self.defs.get(name)
        if found is not None:
            module, sid = found
            scope = self.summaries[module]["scopes"][sid]
            if scope["k"] == "class":
                return ("inst", name)
            if scope.get("ret") is not None:
                returned = self._spec(module, scope["ret"], scope["p"] or "")
                return ("inst", returned[1]) if returned is not None and returned[0] == "name" else None
            return None
        if name in _RETURNS:
            return ("inst", _RETURNS[name])
        if name in _LOWERCASE_CLASSES:
            return ("inst", name)
        last = name.rsplit(".", 1)[-1]
        return ("inst", name) if last[:1].isupper() and not name.startswith("builtins.") else None

    # -- functions ---------------------------------------------------------------------

    def function_at(self, rel: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The qualified name of a ``def`` node in file ``rel``."""
        module = self.modules.get(rel)
        scope = self.summaries[module]["scopes"].get(f"{node.lineno}:{node.col_offset}") if module else None
        return f"{module}.{scope['q']}" if scope else None

    def is_sync_function(self, name: str | None) -> bool:
        """True for a plain ``def`` of the project (not ``async def``, not a class)."""
        found = self.defs.get(name or "")
        return found is not None and self.summaries[found[0]]["scopes"][found[1]]["k"] == "def"

    def decorators(self, name: str) -> frozenset[str]:
        """The last names of the decorators of the project function ``name`` (`cache` for
        `@functools.cache`); empty when it is not one of the project's."""
        found = self.defs.get(name)
        return frozenset(self.summaries[found[0]]["scopes"][found[1]].get("d", ())) if found else frozenset()

    def follows(self, name: str | None) -> bool:
        """True for a project sync function whose effects count at its call sites: not a
        coroutine, not a class, and not cached (`@lru_cache`: its I/O runs once, not per call)."""
        if not self.is_sync_function(name):
            return False
        return not self.decorators(name) & _CACHING  # type: ignore[arg-type]

    def effects(self, name: str, depth: int = CHAIN_DEPTH) -> list[Effect]:
        """What the project function ``name`` does: each effect once, with its evidence, following
        calls of the project's own sync functions until ``depth`` functions are on the chain."""
        key = (name, depth)
        if key in self._effects:
            return self._effects[key]
        self._effects[key] = []  # recursion: a function's own cycle adds nothing new
        found = self.defs.get(name)
        if found is None:
            return []
        module, sid = found
        scope = self.summaries[module]["scopes"][sid]
        path = self.paths[module]
        result: list[Effect] = []
        seen: set[tuple[str, str]] = set()
        for line, _col, _end_line, _end_col, spec in scope.get("c", ()):
            ref = self._spec(module, spec, sid)
            callee = ref[1] if ref is not None and ref[0] == "name" else None
            kind = effect_of(callee)
            if kind is not None and callee is not None:
                if (kind, callee) not in seen:
                    seen.add((kind, callee))
                    result.append(Effect(kind, callee, (name,), path, line))
            elif depth > 1 and callee != name and self.follows(callee):
                for effect in self.effects(callee, depth - 1):  # type: ignore[arg-type]
                    if (effect.kind, effect.callee) not in seen:
                        seen.add((effect.kind, effect.callee))
                        result.append(Effect(effect.kind, effect.callee, (name, *effect.chain), effect.path, effect.line))
        for line in scope.get("r", ()):
            result.append(Effect(RAISE, "raise", (name,), path, line))
            break
        self._effects[key] = result
        return result

    def callees(self, name: str) -> list[CallSite]:
        """The calls the function ``name`` makes, each resolved (callee None when unknown)."""
        found = self.defs.get(name)
        if found is None:
            return []
        module, sid = found
        calls = self.summaries[module]["scopes"][sid].get("c", ())
        out = []
        for line, _col, _end_line, _end_col, spec in calls:
            ref = self._spec(module, spec, sid)
            out.append(CallSite(name, ref[1] if ref is not None and ref[0] == "name" else None, self.paths[module], line))
        return out

    def callers(self, name: str) -> list[CallSite]:
        """The project's calls of ``name`` (resolving every call once, on the first question)."""
        if self._callers is None:
            index: dict[str, list[CallSite]] = {}
            for function in list(self.defs):
                for site in self.callees(function):
                    if site.callee is not None:
                        index.setdefault(site.callee, []).append(site)
            self._callers = index
        return self._callers.get(name, [])


def _prefixes(name: str) -> Iterator[str]:
    """``a.b.c``, ``a.b``, ``a``: the modules an imported name may live in."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        yield ".".join(parts[:cut])


def _imports(summary: dict[str, Any]) -> Iterator[str]:
    """The modules (and names in them) a module's imports name, for its dependents."""
    yield from summary["stars"]
    yield from summary.get("dotted", ())
    for scope in summary["scopes"].values():
        for bindings in scope["b"].values():
            for binding in bindings:
                if binding[0] == "import":
                    yield binding[1]
