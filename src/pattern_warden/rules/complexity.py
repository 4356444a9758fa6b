"""Cyclomatic complexity counted exactly as Ruff's C901 (its port of mccabe) counts it.

Agreement is the point: an agent told "complexity 14" by us and "14" by Ruff trusts both. So
the counting follows Ruff's ``get_complexity_number`` statement by statement: branches of
``if``/``elif``, loops, ``except`` clauses, a ``try``'s ``else``, match cases (less one for a
final irrefutable case) and nested functions add one; boolean operators, conditional
expressions and comprehensions add nothing.
"""

from __future__ import annotations

import ast


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):  # `_`, a capture, or `<irrefutable> as name`
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _count(stmts: list[ast.stmt]) -> int:
    total = 0
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            total += 1 + _count(stmt.body) + _count(stmt.orelse)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            total += 1 + _count(stmt.body) + _count(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            total += _count(stmt.body)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                total += 1 + _count(case.body)
            last = stmt.cases[-1] if stmt.cases else None
            if last is not None and last.guard is None and _irrefutable(last.pattern):
                total -= 1
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            total += _count(stmt.body) + (1 if stmt.orelse else 0) + _count(stmt.orelse) + _count(stmt.finalbody)
            for handler in stmt.handlers:
                total += 1 + _count(handler.body)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            total += 1 + _count(stmt.body)
        elif isinstance(stmt, ast.ClassDef):
            total += _count(stmt.body)
    return total


def complexity(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe complexity of one function, nested functions included, as Ruff's C901 reports it."""
    return _count(func.body) + 1
