"""One module's summary: its scopes, what each name in them is bound to, and the calls each
function makes, as plain data.

The summary is a pure function of the module's text and its dotted name (relative imports
depend on the name), so it is cached by both; it is made of dicts, lists, tuples and strings
only, so ``marshal`` writes it to the disk cache and hands it to worker processes cheaply.
Nothing is resolved across modules here: that is ``project.py``'s job, done lazily.

Expressions are kept as small specs that ``project.py`` evaluates:
``("n", name)`` a name, ``("a", spec, attr)`` an attribute, ``("c", spec)`` the result of a
call, ``("d", spec)`` a ``/`` join (a ``Path / "x"`` is still a path). A binding is one of
``("import", qualified)``, ``("def", sid)``, ``("value", spec, sid)`` (an assigned value,
evaluated in scope ``sid``), ``("ann", spec, sid)`` (a declared type), ``("self", class_sid)``,
``("cls", class_sid)`` and ``("unknown",)``. A scope id (sid) is ``""`` for the module and
``"line:column"`` of its ``def`` or ``class`` otherwise.
"""

from __future__ import annotations

import ast
import hashlib
from typing import Any

from pattern_warden.astwalk import children

#: Bumped whenever the summary's format or content changes, so no cache serves a stale one.
SUMMARY_VERSION = "4"

Spec = tuple[Any, ...]
Binding = tuple[Any, ...]
UNKNOWN: Binding = ("unknown",)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_DEF_TYPES = frozenset(_DEFS)
_LEAVES = frozenset({ast.Name, ast.Constant, ast.Lambda, ast.Pass, ast.Break, ast.Continue})
_IMPORTS = frozenset({ast.Import, ast.ImportFrom})
_GLOBALS = frozenset({ast.Global, ast.Nonlocal})
_ASSIGNING = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor,
                        ast.comprehension, ast.NamedExpr, ast.ExceptHandler})
_RECORDED = frozenset({ast.Call, ast.Raise})


def spec_of(node: ast.AST | None) -> Spec | None:
    """The spec of an expression, or None for anything we do not follow (subscripts, literals)."""
    if isinstance(node, ast.Name):
        return ("n", node.id)
    if isinstance(node, ast.Attribute):
        inner = spec_of(node.value)
        return None if inner is None else ("a", inner, node.attr)
    if isinstance(node, ast.Call):
        inner = spec_of(node.func)
        return None if inner is None else ("c", inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        inner = spec_of(node.left)
        return None if inner is None else ("d", inner)
    if isinstance(node, ast.Await):
        return spec_of(node.value)
    return None


def annotation_spec(node: ast.AST | None) -> Spec | None:
    """The type an annotation promises: ``X``, also written ``X | None``, ``Optional[X]`` or as a string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return annotation_spec(sides[0]) if len(sides) == 1 else None
    if isinstance(node, ast.Subscript):
        head = spec_of(node.value)
        if head is not None and head[-1] == "Optional":
            return annotation_spec(node.slice)
        return None
    return spec_of(node) if isinstance(node, (ast.Name, ast.Attribute)) else None


def sid_of(node: ast.AST) -> str:
    """The scope id of a ``def`` or ``class`` node."""
    return f"{node.lineno}:{node.col_offset}"  # type: ignore[attr-defined]


def absolute(module: str, package: bool, level: int, target: str | None) -> str:
    """The absolute module a ``from`` import names (``from ..a import b`` inside ``pkg.sub.mod``)."""
    if not level:
        return target or ""
    parts = module.split(".")
    base = parts if package else parts[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, target] if target else base)


class _Summariser:
    def __init__(self, module: str, package: bool) -> None:
        self.module = module
        self.package = package
        self.scopes: dict[str, dict[str, Any]] = {}
        self.stars: list[str] = []
        self.dotted: set[str] = set()

    def scope(self, sid: str, kind: str, qual: str, parent: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"k": kind, "q": qual, "p": parent, "b": {}}
        if kind in ("def", "async"):
            entry.update(c=[], r=[], ret=None)
        elif kind == "class":
            entry.update(bases=[], attrs={})
        self.scopes[sid] = entry
        return entry

    def bind(self, entry: dict[str, Any], name: str, binding: Binding) -> None:
        entry["b"].setdefault(name, []).append(binding)

    def module_scope(self, tree: ast.Module) -> None:
        entry = self.scope("", "module", "", None)
        self.body(tree.body, "", entry)

    def body(self, nodes: list[ast.stmt], sid: str, entry: dict[str, Any]) -> None:
        """Bindings and calls of one scope's own statements; nested scopes recurse."""
        declared_global: set[str] = set()
        todo: list[ast.AST] = list(nodes)
        while todo:
            node = todo.pop()
            kind = type(node)
            if kind in _LEAVES:
                continue  # most nodes of a tree: nothing bound, nothing called, no children that matter
            if kind in _DEF_TYPES:
                self.bind(entry, node.name, ("def", sid_of(node)))  # type: ignore[attr-defined]
                self.define(node, sid, entry)  # type: ignore[arg-type]
                todo.extend(node.decorator_list)  # type: ignore[attr-defined]
                continue
            if kind in _IMPORTS:
                self.imports(node, entry)  # type: ignore[arg-type]
                continue
            if kind in _GLOBALS:
                declared_global.update(node.names)  # type: ignore[attr-defined]
            elif kind in _ASSIGNING:
                self.assignments(node, sid, entry)
            elif kind in _RECORDED:
                self.record(node, entry)
            todo.extend(children(node))
        for name in declared_global:
            entry["b"].pop(name, None)
        if "c" in entry:
            entry["c"].sort()

    def imports(self, node: ast.Import | ast.ImportFrom, entry: dict[str, Any]) -> None:
        """The names an import binds, as absolute qualified names; ``*`` is kept for lookups."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.bind(entry, alias.asname, ("import", alias.name))
                else:
                    head = alias.name.partition(".")[0]
                    self.bind(entry, head, ("import", head))
                    if head != alias.name:
                        self.dotted.add(alias.name)  # `import a.b.c` binds `a`; code reaches a.b.c by attribute
            return
        base = absolute(self.module, self.package, node.level, node.module)
        for alias in node.names:
            if alias.name == "*":
                self.stars.append(base)
            else:
                self.bind(entry, alias.asname or alias.name, ("import", f"{base}.{alias.name}" if base else alias.name))

    @staticmethod
    def record(node: ast.AST, entry: dict[str, Any]) -> None:
        """A function's calls (with the callee's spec) and raises."""
        if "c" not in entry:
            return
        if isinstance(node, ast.Call):
            spec = spec_of(node.func)
            if spec is not None:
                entry["c"].append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, spec))
        elif isinstance(node, ast.Raise):
            entry["r"].append(node.lineno)

    def assignments(self, node: ast.AST, sid: str, entry: dict[str, Any]) -> None:
        """What an assignment-like statement binds: the value's spec when we can follow it."""
        if isinstance(node, ast.ExceptHandler) and node.name:
            self.bind(entry, node.name, UNKNOWN)
        for target, binding in self.pairs(node, sid):
            self.target(target, binding, sid, entry)

    def pairs(self, node: ast.AST, sid: str) -> list[tuple[ast.expr, Binding]]:
        """(target, binding) of each name a statement assigns."""
        if isinstance(node, ast.Assign):
            pairs: list[tuple[ast.expr, Binding]] = []
            for target in node.targets:
                if isinstance(target, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)) \
                        and len(target.elts) == len(node.value.elts):
                    pairs += [(t, self.value(v, sid)) for t, v in zip(target.elts, node.value.elts)]
                else:
                    pairs.append((target, self.value(node.value, sid)))
            return pairs
        if isinstance(node, ast.AnnAssign):
            declared = annotation_spec(node.annotation)
            return [(node.target, ("ann", declared, sid) if declared else self.value(node.value, sid))]
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return [(i.optional_vars, self.value(i.context_expr, sid)) for i in node.items if i.optional_vars]
        if isinstance(node, ast.NamedExpr):
            return [(node.target, self.value(node.value, sid))]
        if isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension)):
            return [(node.target, UNKNOWN)]
        return []

    def value(self, node: ast.expr | None, sid: str) -> Binding:
        spec = spec_of(node)
        return ("value", spec, sid) if spec is not None else UNKNOWN

    def target(self, target: ast.expr, binding: Binding, sid: str, entry: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            self.bind(entry, target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            for inner in (target.elts if not isinstance(target, ast.Starred) else [target.value]):
                self.target(inner, UNKNOWN, sid, entry)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and "self" in entry:
            if target.value.id == entry["self"]:  # `self.x = ...` in a method: an attribute of its class
                owner = self.scopes[entry["owner"]]
                owner["attrs"].setdefault(target.attr, []).append(binding)

    def define(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, parent_sid: str,
               parent: dict[str, Any]) -> None:
        sid = sid_of(node)
        qual = f"{parent['q']}.{node.name}" if parent["q"] else node.name
        if isinstance(node, ast.ClassDef):
            entry = self.scope(sid, "class", qual, parent_sid)
            entry["bases"] = [spec for spec in map(spec_of, node.bases) if spec is not None]
            self.body(node.body, sid, entry)
            return
        entry = self.scope(sid, "async" if isinstance(node, ast.AsyncFunctionDef) else "def", qual, parent_sid)
        entry["ret"] = annotation_spec(node.returns)
        entry["d"] = [name for name in map(_decorator_name, node.decorator_list) if name]
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
        if parent["k"] == "class" and positional and "staticmethod" not in decorators:
            first = positional[0].arg
            entry["b"][first] = [("cls" if "classmethod" in decorators else "self", parent_sid)]
            if "classmethod" not in decorators:
                entry["self"], entry["owner"] = first, parent_sid
            positional = positional[1:]
        for arg in [*positional, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                declared = annotation_spec(arg.annotation) if arg not in (args.vararg, args.kwarg) else None
                entry["b"][arg.arg] = [("ann", declared, sid) if declared else UNKNOWN]
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.calls_in(default, parent)
        self.body(node.body, sid, entry)
        entry.pop("self", None)
        entry.pop("owner", None)

    def calls_in(self, node: ast.AST, entry: dict[str, Any]) -> None:
        if "c" not in entry:
            return
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                spec = spec_of(inner.func)
                if spec is not None:
                    entry["c"].append((inner.lineno, inner.col_offset, inner.end_lineno, inner.end_col_offset, spec))


def _decorator_name(node: ast.expr) -> str | None:
    """The last name of a decorator: `lru_cache` for `@functools.lru_cache(maxsize=1)`."""
    spec = spec_of(node)
    if spec is not None and spec[0] == "c":
        spec = spec[1]
    return spec[-1] if spec is not None else None


def interface(summary: dict[str, Any]) -> str:
    """A digest of what other modules can learn from this one: its names, what they are bound
    to, each function's calls, raises and decorators, each class's bases and attributes, all
    without positions. A comment, a moved line or a changed expression that calls nothing new
    leaves it as it was, so the modules that import this one keep their cached findings."""
    scopes = summary["scopes"]

    def plain(value: Any) -> Any:  # a scope id becomes the scope's qualified name
        if isinstance(value, (tuple, list)):
            return tuple(plain(v) for v in value)
        return scopes[value]["q"] if isinstance(value, str) and value in scopes and value else value

    # Sorted by repr: bindings and callees mix None, names and tuples, which do not order otherwise.
    shape = sorted(
        ((scope["q"], scope["k"], sorted(((name, plain(b)) for name, b in scope["b"].items()), key=repr),
          sorted({plain(call[4]) for call in scope.get("c", ())}, key=repr), bool(scope.get("r")),
          plain(scope.get("ret")), tuple(scope.get("d", ())), plain(scope.get("bases", ())),
          sorted(((n, plain(b)) for n, b in scope.get("attrs", {}).items()), key=repr))
         for scope in scopes.values()), key=repr)
    return hashlib.blake2b(repr((summary["stars"], summary.get("dotted"), shape)).encode(), digest_size=12).hexdigest()


def summarise(tree: ast.Module, module: str, package: bool) -> dict[str, Any]:
    """The summary of one parsed module named ``module`` (``package``: it is an ``__init__``)."""
    summariser = _Summariser(module, package)
    summariser.module_scope(tree)
    summary = {"v": SUMMARY_VERSION, "name": module, "package": package, "scopes": summariser.scopes,
               "stars": summariser.stars, "dotted": sorted(summariser.dotted)}
    summary["i"] = interface(summary)
    return summary
