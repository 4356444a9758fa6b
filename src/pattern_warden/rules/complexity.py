"""Cyclomatic complexity counted exactly as Ruff's C901 (its port of mccabe) counts it.

Agreement is the point: an agent told "complexity 14" by us and "14" by Ruff trusts both. So
the counting follows Ruff's ``get_complexity_number`` statement by statement: branches of
``if``/``elif``, loops, ``except`` clauses, a ``try``'s ``else``, match cases (less one for a
final irrefutable case) and nested functions add one; boolean operators, conditional
expressions and comprehensions add nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):  # `_`, a capture, or `<irrefutable> as name`
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _branch(stmt: ast.If | ast.For | ast.AsyncFor | ast.While) -> int:
    return 1 + _count(stmt.body) + _count(stmt.orelse)


def _match(stmt: ast.Match) -> int:
    total = sum(1 + _count(case.body) for case in stmt.cases)
    last = stmt.cases[-1] if stmt.cases else None
    if last is not None and last.guard is None and _irrefutable(last.pattern):
        total -= 1  # a final catch-all case is the match's `else`
    return total


def _try(stmt: ast.Try | ast.TryStar) -> int:
    total = _count(stmt.body) + (1 if stmt.orelse else 0) + _count(stmt.orelse) + _count(stmt.finalbody)
    return total + sum(1 + _count(handler.body) for handler in stmt.handlers)


_RULES: dict[type, Callable[..., int]] = {
    ast.If: _branch, ast.For: _branch, ast.AsyncFor: _branch, ast.While: _branch,
    ast.With: lambda s: _count(s.body), ast.AsyncWith: lambda s: _count(s.body),
    ast.Match: _match, ast.Try: _try, ast.TryStar: _try,
    ast.FunctionDef: lambda s: 1 + _count(s.body), ast.AsyncFunctionDef: lambda s: 1 + _count(s.body),
    ast.ClassDef: lambda s: _count(s.body),
}


def _count(stmts: list[ast.stmt]) -> int:
    """Ruff's ``get_complexity_number``: each statement kind adds what its rule in ``_RULES`` says."""
    total = 0
    for stmt in stmts:
        rule = _RULES.get(type(stmt))
        if rule is not None:
            total += rule(stmt)
    return total


def complexity(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe complexity of one function, nested functions included, as Ruff's C901 reports it."""
    return _count(func.body) + 1
