"""Reaching a syntax node's children fast: the walks of the rule engine and the project model.

``ast.iter_child_nodes`` looks every field up by name on every node; the fields that hold
children never change per node type, and those that hold only markers (Load/Store,
operators) are never worth a visit, so the list is computed once per type. That halves the
cost of a walk over a large tree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

#: Fields that hold only markers (Load/Store, operators): never worth a visit.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of ``node_type`` that may hold child nodes."""
    fields = _FIELDS.get(node_type)
    if fields is None:
        fields = _FIELDS[node_type] = tuple(f for f in node_type._fields if f not in _SKIPPED_FIELDS)
    return fields


def children(node: ast.AST) -> Iterator[ast.AST]:
    """The child nodes of ``node``, in field order."""
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def is_main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":` (either way round)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )
