"""Calls in code, resolved to the project's own definitions through imports.

A call is an ``ast.Call`` node, so words in strings, comments and docstrings are never calls.
It resolves to a definition only when the syntax says which one: a name defined in the same
file, a name imported from a project module (``from pkg.mod import f``; relative imports
too), an attribute of an imported project module (``mod.f()``), a method of an imported or
local class (``Class.m()``), or ``self.m()``/``cls.m()`` inside a class. Anything else
(``app.config.get()``) is left unresolved rather than matched by name: reuse rates and
callers/callees then count only what is certain.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from pattern_warden.rules.base import dotted_parts

_SOURCE_ROOTS = ("src", "lib")
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Target:
    """A project definition: the file that defines it and its qualified name there."""

    path: str
    name: str


@dataclass(frozen=True)
class Call:
    """One resolved call: where it is (line, innermost enclosing definition and its first line)
    and what it calls."""

    line: int
    scope: str
    scope_line: int
    target: Target


def module_names(path: str) -> list[str]:
    """The dotted names a file can be imported by (``src/pkg/m.py``: ``src.pkg.m`` and ``pkg.m``)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts:
        return []
    names = [".".join(parts)]
    if len(parts) > 1 and parts[0] in _SOURCE_ROOTS:
        names.append(".".join(parts[1:]))
    return names


def module_index(paths: Iterable[str]) -> dict[str, str]:
    """Dotted module name -> file, for every Python file of the project."""
    index: dict[str, str] = {}
    for path in paths:
        if path.endswith((".py", ".pyi")):
            for name in module_names(path):
                index.setdefault(name, path)
    return index


def _package(path: str, level: int) -> str:
    """The package a relative import of ``level`` dots starts from, in a file at ``path``."""
    parts = list(PurePosixPath(path).parent.parts)
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    name = ".".join(parts)
    for root in _SOURCE_ROOTS:
        if name.startswith(root + "."):
            return name[len(root) + 1 :]
    return name


def _local_definitions(tree: ast.Module) -> set[str]:
    """Names defined at module level (including under module-level ``if``/``try``)."""
    found: set[str] = set()
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, Definition):
            found.add(node.name)
        elif isinstance(node, ast.If | ast.Try):
            stack += node.body + node.orelse + getattr(node, "finalbody", [])
            stack += [s for h in getattr(node, "handlers", []) for s in h.body]
    return found


def _imports(found: Sequence[ast.Import | ast.ImportFrom], path: str,
             modules: dict[str, str]) -> tuple[dict[str, str], dict[str, Target]]:
    """Aliases of project modules, and names imported from them, in this file."""
    aliases: dict[str, str] = {}
    names: dict[str, Target] = {}
    for node in found:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
            continue
        base = node.module or ""
        if node.level:
            package = _package(path, node.level)
            base = f"{package}.{base}".strip(".") if base else package
        for alias in node.names:
            local = alias.asname or alias.name
            if f"{base}.{alias.name}".strip(".") in modules:
                aliases[local] = f"{base}.{alias.name}".strip(".")
            elif base in modules:
                names[local] = Target(modules[base], alias.name)
    return aliases, names


@dataclass(frozen=True)
class _Site:
    """A call before resolution: where it is and its callee expression."""

    line: int
    scope: str
    scope_line: int
    klass: str | None
    func: ast.expr


@dataclass(frozen=True)
class _FileIndex:
    """What resolution needs from one tree, gathered in one traversal."""

    local: frozenset[str]
    imports: tuple[ast.Import | ast.ImportFrom, ...]
    sites: tuple[_Site, ...]


@lru_cache(maxsize=4096)
def _index(tree: ast.Module) -> _FileIndex:
    """Every call with its innermost definition (qualified name, first line) and enclosing
    class, and every import. Cached by tree (a file's tree is cached by content upstream), so
    a repeated review only resolves."""
    sites: list[_Site] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    stack: list[tuple[ast.AST, str, int, str | None]] = [(tree, "<module>", 1, None)]
    while stack:
        node, scope, line, klass = stack.pop()
        if isinstance(node, ast.Call):
            sites.append(_Site(node.lineno, scope, line, klass, node.func))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, Definition):
                name = child.name if scope == "<module>" else f"{scope}.{child.name}"
                stack.append((child, name, child.lineno, name if isinstance(child, ast.ClassDef) else klass))
            else:
                stack.append((child, scope, line, klass))
    sites.sort(key=lambda site: site.line)
    return _FileIndex(frozenset(_local_definitions(tree)), tuple(imports), tuple(sites))


def resolved_calls(tree: ast.Module | None, path: str, modules: dict[str, str],
                   wanted: Callable[[int], bool] | None = None) -> list[Call]:
    """The calls in ``tree`` (on lines ``wanted`` accepts) that resolve to a project definition."""
    if tree is None:
        return []
    index = _index(tree)
    aliases, imported = _imports(index.imports, path, modules)
    found: list[Call] = []
    for site in index.sites:
        if wanted is not None and not wanted(site.line):
            continue
        target = _resolve(site.func, path, site.klass, index.local, aliases, imported, modules)
        if target is not None:
            found.append(Call(site.line, site.scope, site.scope_line, target))
    return found


def _resolve(func: ast.expr, path: str, klass: str | None, local: frozenset[str], aliases: dict[str, str],
             imported: dict[str, Target], modules: dict[str, str]) -> Target | None:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):  # Class().method()
        owner = _resolve(func.value.func, path, klass, local, aliases, imported, modules)
        return Target(owner.path, f"{owner.name}.{func.attr}") if owner is not None else None
    parts = dotted_parts(func)
    if parts is None:
        return None
    head, rest = parts[0], parts[1:]
    if not rest:
        return imported.get(head) or (Target(path, head) if head in local else None)
    if head in ("self", "cls") and klass is not None and len(rest) == 1:
        return Target(path, f"{klass}.{rest[0]}")
    if head in aliases:
        module = ".".join([aliases[head], *rest[:-1]])
        return Target(modules[module], rest[-1]) if module in modules else None
    if len(rest) == 1:  # Class.method() on a local or imported class
        owner = imported.get(head) or (Target(path, head) if head in local else None)
        return Target(owner.path, f"{owner.name}.{rest[0]}") if owner is not None else None
    return None
