"""Documentation: public modules, classes and functions say what they are for."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from pattern_warden.rules.base import Context, Invalid, Rule, Severity, docstring_node, signature_end
from pattern_warden.rules.design import is_public_function, is_public_name

_WHY = ("A docstring is where a reader (or an agent) learns what a unit is for and why it is shaped "
        "so; without it they must reverse-engineer intent from code, and often guess wrong.")


class ModuleDocstring(Rule):
    """Finds public modules (not `_private.py`, not empty) without a module docstring."""

    code = "DOC001"
    #: Opt-in: on held-out projects it was right far below 90% of the time (bench/labels/rules_precision_issue23.md).
    default_on = False
    name = "module-docstring"
    family = "docs"
    severity = Severity.INFO
    message = "Public module without a docstring."
    fix_hint = "Start the file with a docstring saying what the module holds and why it exists."
    pattern = "docstrings"
    ruff = ("D100", "D104")
    identity = "file"
    why = _WHY
    instead = '`"""Parse and validate the settings file; everything else reads Settings."""` as the first line.'
    exempt_in = frozenset({"tests"})
    VALID = ('"""What this module holds."""\nx = 1\n', "", "# only a comment\n")
    INVALID = (Invalid("import os\n", 1, 1),)

    def begin(self, ctx: Context) -> None:
        """The whole-file check: the module docstring is the first statement."""
        stem = PurePosixPath(ctx.source.path).stem
        if not ctx.tree.body or (stem.startswith("_") and stem != "__init__") or stem == "__main__":
            return
        if docstring_node(ctx.tree) is None:
            ctx.report_at(self, 1, self.message)


class ClassDocstring(Rule):
    """Finds public classes (not `_Private`, not inside a function or a private class, listed in
    `__all__` when the module has one) without a docstring."""

    code = "DOC002"
    #: Opt-in: on held-out projects it was right far below 90% of the time (bench/labels/rules_precision_issue23.md).
    default_on = False
    name = "class-docstring"
    family = "docs"
    severity = Severity.INFO
    message = "Public class without a docstring."
    fix_hint = "Add a docstring saying what the class represents and what it is responsible for."
    pattern = "docstrings"
    ruff = ("D101", "D106")
    identity = "scope"
    why = _WHY
    instead = '`class RetryPolicy:\\n    """How often and how long to retry a failed call."""`'
    exempt_in = frozenset({"tests"})
    VALID = (
        'class C:\n    """A thing."""\n', "class _C:\n    pass\n", "def f():\n    class C:\n        pass\n",
        "__all__ = ['Public']\nclass Helper:\n    pass\n",
        "__all__: list[str]\n__all__ = ['Public'] + ['Other']\nclass Helper:\n    pass\n",
    )
    INVALID = (Invalid("class Client:\n    pass\n", 1, 1),
               Invalid("__all__: list[str] = ['Client'] + ['Other']\nclass Client:\n    pass\n", 2, 1))

    def visit_ClassDef(self, node: ast.ClassDef, ctx: Context) -> None:
        if not is_public_name(node.name, ctx):
            return
        if docstring_node(node) is None:
            header_end = (node.lineno, node.col_offset + len("class ") + len(node.name))
            ctx.report(self, node, message=f"Public class `{node.name}` has no docstring.", end=header_end)


_EXEMPT_DECORATORS = ("overload", "override", "setter", "deleter")
#: Dunder methods, and the visitor hooks of ast.NodeVisitor/libcst-style classes: their meaning is
#: fixed by the protocol they implement, documented once where the protocol is defined.
_PROTOCOL_PREFIXES = ("__", "visit_", "leave_", "generic_visit")


def _decorator_tail(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


class FunctionDocstring(Rule):
    """Finds public functions and methods without a docstring. Private names, nested functions,
    dunder methods, visitor hooks (`visit_*`, `leave_*`), `@overload`s, `@override`s and property
    setters/deleters are exempt."""

    code = "DOC003"
    #: Opt-in: on held-out projects it was right far below 90% of the time (bench/labels/rules_precision_issue23.md).
    default_on = False
    name = "function-docstring"
    family = "docs"
    severity = Severity.INFO
    message = "Public function without a docstring."
    fix_hint = "Add a docstring saying what it does and why (not how: the code says how)."
    pattern = "docstrings"
    ruff = ("D102", "D103")
    identity = "scope"
    why = _WHY
    instead = '`def load(path):\\n    """Read the settings file, failing loudly if a key is unknown."""`'
    exempt_in = frozenset({"tests"})
    VALID = (
        'def f():\n    """Do the thing."""\n',
        "def _f():\n    pass\n",
        "class C:\n    def __init__(self):\n        pass\n",
        "from typing import overload\n@overload\ndef f(x: int) -> int: ...\n",
        "import ast\nclass V(ast.NodeVisitor):\n    def visit_Call(self, node):\n        pass\n",
        "class C:\n    @property\n    def x(self):\n        '''X.'''\n    @x.setter\n    def x(self, v):\n        pass\n",
    )
    INVALID = (
        Invalid("def fetch(url):\n    return url\n", 1, 1),
        Invalid('class C:\n    """C."""\n    async def run(self):\n        pass\n', 3, 5),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        if not is_public_function(node, ctx) or node.name.startswith(_PROTOCOL_PREFIXES):
            return
        if any(_decorator_tail(d) in _EXEMPT_DECORATORS for d in node.decorator_list):
            return
        if docstring_node(node) is None:
            ctx.report(self, node, message=f"Public function `{node.name}` has no docstring.", end=signature_end(node, ctx))

    visit_AsyncFunctionDef = visit_FunctionDef


RULES: tuple[type[Rule], ...] = (ModuleDocstring, ClassDocstring, FunctionDocstring)
