"""Functions and classes of one parsed file, found by dotted name, with the facts about them.

The prompts and the docstring tool name a definition as ``func``, ``Class``, ``Class.method``
or ``Outer.Inner.method`` (a function nested in a function is ``outer.inner``). Definitions
under ``if``/``try``/``with`` blocks keep their enclosing name, so ``if PY2: def f()`` and
``else: def f()`` are two definitions of ``f``: the name is then ambiguous, and the caller
adds the line (``f@12``) to choose one. Everything here is stdlib ``ast``: it is fast, and
the only edit (``docstring_edit``) splices the file at the positions found here.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

from pattern_warden.errors import WardenError

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class Symbol:
    """One definition: its dotted name and its node."""

    name: str
    node: Definition

    @property
    def kind(self) -> str:
        """How the prompt names the symbol: class, function or async function."""
        if isinstance(self.node, ast.ClassDef):
            return "class"
        return "async function" if isinstance(self.node, ast.AsyncFunctionDef) else "function"

    @property
    def first_line(self) -> int:
        """The first line of the definition, decorators included."""
        return min([self.node.lineno, *(d.lineno for d in self.node.decorator_list)])


def walk_symbols(tree: ast.Module) -> Iterator[Symbol]:
    """Every class and function of the module, in source order (a class before its methods)."""
    return _walk(tree.body, "")


def _walk(body: list[ast.stmt], prefix: str) -> Iterator[Symbol]:
    for node in _definitions(body):
        name = f"{prefix}{node.name}"
        yield Symbol(name, node)
        yield from _walk(node.body, name + ".")


def _definitions(body: list[ast.stmt]) -> Iterator[Definition]:
    """Definitions in ``body``, looking through compound statements but not into scopes."""
    for stmt in body:
        if isinstance(stmt, _DEFS):
            yield stmt
        elif not isinstance(stmt, _SCOPES):
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(stmt, field, ()):
                    nested = child.body if isinstance(child, ast.excepthandler | ast.match_case) else [child]
                    yield from _definitions(nested)


def find_symbol(tree: ast.Module, symbol: str, path: str) -> Symbol:
    """The one definition named ``symbol`` (``name`` or ``name@line``), or a clear refusal."""
    wanted, _, line_text = symbol.strip().partition("@")
    if not wanted:
        raise WardenError("The symbol is empty.", "Name a function, class or method, such as 'Class.method'.")
    line = None
    if line_text:
        if not line_text.isdigit():
            raise WardenError(f"{symbol!r}: the part after '@' must be a line number.", "Write it as 'name@42'.")
        line = int(line_text)
    symbols = list(walk_symbols(tree))
    matches = [s for s in symbols if s.name == wanted and (line is None or s.first_line <= line <= s.node.lineno)]
    if not matches:
        near = [s.name for s in symbols if s.name.rsplit(".", 1)[-1] == wanted.rsplit(".", 1)[-1]][:5]
        hint = f"Did you mean {', '.join(near)}?" if near else "Use the completions, or list with 'Class.method' names."
        raise WardenError(f"No function or class named {symbol!r} in {path}.", hint)
    if len(matches) > 1:
        lines = ", ".join(str(s.node.lineno) for s in matches)
        raise WardenError(
            f"{wanted!r} is ambiguous in {path}: it is defined {len(matches)} times (lines {lines}).",
            f"Add the line of the one you mean, such as '{wanted}@{matches[0].node.lineno}'.",
        )
    return matches[0]


def signature(node: Definition) -> str:
    """The header of the definition, decorators included, as the source would read."""
    stub = copy.copy(node)
    stub.body = [ast.Pass()]
    return ast.unparse(stub).rsplit("\n", 1)[0]


def own_nodes(node: Definition) -> Iterator[ast.AST]:
    """The nodes of the definition's body, not descending into nested scopes."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, _SCOPES):
            stack.extend(ast.iter_child_nodes(current))


def raised(node: Definition) -> list[str]:
    """What the body raises, by name; a bare ``raise`` re-raises what it caught."""
    names: list[str] = []
    for child in own_nodes(node):
        if isinstance(child, ast.Raise):
            exc = child.exc
            if exc is None:
                names.append("(re-raise of the caught exception)")
            else:
                names.append(ast.unparse(exc.func if isinstance(exc, ast.Call) else exc))
    return sorted(set(names))


def caught(node: Definition) -> list[str]:
    """What the body's ``except`` clauses catch; a bare ``except:`` catches everything."""
    names: list[str] = []
    for child in own_nodes(node):
        if isinstance(child, ast.ExceptHandler):
            names.append(ast.unparse(child.type) if child.type is not None else "(bare except: everything)")
    return sorted(set(names))


def complexity(node: Definition) -> int:
    """McCabe cyclomatic complexity, counted the way Ruff's C901 and the mccabe plugin count.

    One, plus one for each ``if``/``elif``, loop, ``except`` clause, ``try ... else``, match
    case (but not a final catch-all ``case _:``) and nested function. Boolean operators and
    comprehensions do not count.
    """
    return 1 + _decisions(node.body)


def _irrefutable(pattern: ast.pattern) -> bool:
    """A pattern that matches anything: ``_``, a bare name, ``(_ as x)``, or an ``|`` holding one."""
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    return isinstance(pattern, ast.MatchOr) and any(_irrefutable(p) for p in pattern.patterns)


def _decisions(body: list[ast.stmt]) -> int:
    total = 0
    for stmt in body:
        if isinstance(stmt, ast.If):
            total += 1 + _decisions(stmt.body) + _decisions(stmt.orelse)
        elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
            total += 1 + _decisions(stmt.body) + _decisions(stmt.orelse)
        elif isinstance(stmt, ast.Try | ast.TryStar):
            total += _decisions(stmt.body) + _decisions(stmt.orelse) + _decisions(stmt.finalbody)
            total += (1 if stmt.orelse else 0) + sum(1 + _decisions(h.body) for h in stmt.handlers)
        elif isinstance(stmt, ast.Match):
            total += sum(1 + _decisions(case.body) for case in stmt.cases)
            last = stmt.cases[-1]
            total -= 1 if last.guard is None and _irrefutable(last.pattern) else 0
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            total += 1 + _decisions(stmt.body)
        elif isinstance(stmt, ast.With | ast.AsyncWith | ast.ClassDef):
            total += _decisions(stmt.body)
    return total
