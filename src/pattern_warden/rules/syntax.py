"""The finding for code that does not parse or compile: reported at its line, so the run goes on.

Compiling every tree to find the compiler's own errors would add about a third to a cold check,
so the walk marks a file as a suspect only where such an error can be (a ``return`` outside a
function, ``await`` outside ``async def``, a repeated keyword, any ``global``...), and the
engine compiles suspects only. What the compiler says is the finding; the marks only choose
whom to ask.
"""

from __future__ import annotations

import __future__
import ast

from pattern_warden.rules.base import Context, Invalid, Rule, Severity

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_STAR_PARENTS = (ast.Call, ast.List, ast.Tuple, ast.Set, ast.Subscript, ast.ClassDef)
_FEATURES = frozenset(__future__.all_feature_names)


class SyntaxErrorRule(Rule):
    """Reports code that Python cannot parse, and errors its compiler raises on code that parses
    (`nonlocal` at module level, `return` outside a function). Syntax newer than the running
    Python (3.12-3.14) is read, not reported; what cannot be read names the Python it needs. A
    syntax error inside a function hides that function from the other rules, elsewhere the file."""

    code = "SYN001"
    name = "syntax-error"
    family = "syntax"
    severity = Severity.ERROR
    message = "Syntax error: the file does not parse, so no other rule checked it."
    fix_hint = "Fix the syntax at this line; `python -m py_compile FILE` shows the same error."
    pattern = "specific-exceptions"
    ruff = ("E999",)
    exempt_in = frozenset({"fixtures"})
    why = "A file that does not parse cannot be imported or checked; every other finding in it is unknown."
    instead = "Code that parses on the project's lowest supported Python version."
    VALID = ("x = 1\n",)
    INVALID = (Invalid("def f(:\n    pass\n", 1, 7), Invalid("def f():\n    pass\nreturn 1\n", 3, 1))

    #: True once the walk has seen something the compiler may refuse (reset per file).
    suspect = False

    @property
    def pattern_uri(self) -> str:
        """No pattern document covers syntax: the link goes to this rule's own documentation."""
        return self.uri()

    def begin(self, ctx: Context) -> None:
        """A new file: nothing suspected yet."""
        self.suspect = False

    def _outside_async(self, node: ast.AST, ctx: Context) -> None:
        self.suspect = self.suspect or not ctx.in_async

    visit_Await = visit_AsyncFor = visit_AsyncWith = _outside_async

    def visit_comprehension(self, node: ast.comprehension, ctx: Context) -> None:
        """``async for`` in a comprehension outside ``async def``."""
        self.suspect = self.suspect or (bool(node.is_async) and not ctx.in_async)

    def visit_Return(self, node: ast.Return, ctx: Context) -> None:
        """``return`` outside a function (a value in an async generator: see ``visit_Yield``)."""
        self.suspect = self.suspect or ctx.function is None or ctx.directly_in_class is not None

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom, ctx: Context) -> None:
        """``yield`` outside a function, in a comprehension, or in ``async def`` (where a
        ``return`` value or ``yield from`` is refused)."""
        self.suspect = self.suspect or ctx.function is None or ctx.in_async or any(
            isinstance(n, _COMPREHENSIONS) for n in ctx.stack
        )

    visit_YieldFrom = visit_Yield

    def _outside_loop(self, node: ast.AST, ctx: Context) -> None:
        self.suspect = self.suspect or not ctx.in_loop or ctx.directly_in_class is not None

    visit_Break = visit_Continue = _outside_loop

    def _always(self, node: ast.AST, ctx: Context) -> None:
        self.suspect = True

    # Scope declarations, pattern matching and walruses (in a comprehension, an annotation):
    # rare, and where most compile errors are.
    visit_Global = visit_Nonlocal = visit_Match = visit_NamedExpr = _always

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: Context) -> None:
        """A late or unknown ``__future__`` import; ``import *`` inside a function or class."""
        if node.module == "__future__":
            self.suspect = self.suspect or ctx.stack[-1] is not ctx.tree or not _early(node, ctx.tree) or any(
                alias.name not in _FEATURES for alias in node.names
            )
        elif any(alias.name == "*" for alias in node.names):
            self.suspect = self.suspect or bool(ctx.functions or ctx.classes)

    def visit_Try(self, node: ast.Try, ctx: Context) -> None:
        """A bare ``except:`` that is not the last handler."""
        self.suspect = self.suspect or any(h.type is None for h in node.handlers[:-1])

    visit_TryStar = visit_Try

    def visit_Assign(self, node: ast.Assign, ctx: Context) -> None:
        """``*a = x``, or two starred targets in one unpacking."""
        for target in node.targets:
            if isinstance(target, ast.Starred) or (
                isinstance(target, (ast.Tuple, ast.List)) and sum(isinstance(e, ast.Starred) for e in target.elts) > 1
            ):
                self.suspect = True

    def visit_Starred(self, node: ast.Starred, ctx: Context) -> None:
        """A starred expression where only calls, displays and targets allow one."""
        self.suspect = self.suspect or not isinstance(ctx.parent, _STAR_PARENTS)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, ctx: Context) -> None:
        """A repeated parameter name, or type parameters (3.12+ checks them when compiling)."""
        args = node.args
        names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a]
        self.suspect = self.suspect or len(set(names)) != len(names) or bool(getattr(node, "type_params", None))

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef, ctx: Context) -> None:
        """Type parameters on a class (their names must differ)."""
        self.suspect = self.suspect or bool(getattr(node, "type_params", None))

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        """A keyword argument given twice."""
        if len(node.keywords) > 1:
            names = [k.arg for k in node.keywords if k.arg is not None]
            self.suspect = self.suspect or len(set(names)) != len(names)


def _early(node: ast.ImportFrom, tree: ast.Module) -> bool:
    """A ``__future__`` import preceded only by the docstring and other ``__future__`` imports."""
    for k, stmt in enumerate(tree.body):
        if stmt is node:
            return True
        docstring = k == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if not docstring and not (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            return False
    return False


RULES: tuple[type[Rule], ...] = (SyntaxErrorRule,)
