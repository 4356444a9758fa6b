"""Functions and classes by qualified name, and the names that code calls.

A change is easier to judge by what it did to the program's units ("added
``Workspace.from_bytes``, removed ``_read_blob``") than by line counts alone, and reuse can
only be measured by knowing which of the project's own names new code calls.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["function", "class"]
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class SymbolChange(BaseModel):
    """One function or class that the change added, removed or modified."""

    name: str = Field(description="Qualified name inside its module, such as 'Workspace.read'.")
    kind: Kind
    change: Literal["added", "removed", "modified"]
    line: int = Field(description="Its first line: in the new file, or in the old one when removed.")


def definitions(tree: ast.Module | None) -> dict[str, ast.AST]:
    """Every function and class in ``tree`` by qualified name (nested ones as ``outer.inner``)."""
    found: dict[str, ast.AST] = {}
    if tree is not None:
        for name, node in _walk(tree.body, ""):
            found.setdefault(name, node)
    return found


def _walk(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.AST]]:
    for node in body:
        if isinstance(node, _DEFS):
            name = prefix + node.name
            yield name, node
            yield from _walk(node.body, name + ".")
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith)):
            # Definitions under `if TYPE_CHECKING:` or `try: import` fallbacks are still top-level units.
            for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                yield from _walk(block, prefix)


def _kind(node: ast.AST) -> Kind:
    return "class" if isinstance(node, ast.ClassDef) else "function"


def _touched(node: ast.AST, rows: Collection[int]) -> bool:
    start, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", 0) or 0
    return any(start <= row <= end for row in rows)


def symbol_changes(
    before: ast.Module | None, after: ast.Module | None, removed_rows: Collection[int], added_rows: Collection[int]
) -> list[SymbolChange]:
    """Added, removed and modified units; a unit is modified when changed rows fall inside it
    and its syntax tree (positions aside) differs, so a pure re-indent or move is not a change."""
    old, new = definitions(before), definitions(after)
    changes = [SymbolChange(name=n, kind=_kind(node), change="added", line=node.lineno)  # type: ignore[attr-defined]
               for n, node in new.items() if n not in old]
    changes += [SymbolChange(name=n, kind=_kind(node), change="removed", line=node.lineno)  # type: ignore[attr-defined]
                for n, node in old.items() if n not in new]
    for name, node in new.items():
        prior = old.get(name)
        if prior is None or not (_touched(prior, removed_rows) or _touched(node, added_rows)):
            continue
        if ast.dump(prior) != ast.dump(node):
            changes.append(SymbolChange(name=name, kind=_kind(node), change="modified", line=node.lineno))  # type: ignore[attr-defined]
    return sorted(changes, key=lambda c: (c.line, c.name))


def calls_by_scope(tree: ast.Module | None, rows: Collection[int]) -> dict[str, set[str]]:
    """Names called on ``rows``, grouped by the qualified name of the enclosing unit.

    ``f(...)`` gives ``f`` and ``obj.method(...)`` gives ``method``; calls at module level are
    under ``<module>``. Grouping lets a removed function's former callers be followed.
    """
    found: dict[str, set[str]] = {}
    if tree is None or not rows:
        return found
    wanted = set(rows)
    stack: list[tuple[ast.AST, str]] = [(tree, "<module>")]
    while stack:
        node, scope = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, _DEFS):
                inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
            elif isinstance(child, ast.Call) and child.lineno in wanted:
                func = child.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if name:
                    found.setdefault(scope, set()).add(name)
            stack.append((child, inner))
    return found
