"""Design and size: units too big to review, state shared through module globals, loose types."""

from __future__ import annotations

import ast

from pattern_warden.rules.base import Context, Invalid, Rule, Severity, is_str, signature_end, walk_local
from pattern_warden.rules.complexity import complexity


class FileTooLong(Rule):
    """Finds files longer than the configured limits (600 lines: info; 800 lines: warning). Size is a
    matter of style, never an error; tests are left alone unless `exempt-paths` is changed."""

    code = "DES001"
    name = "file-too-long"
    family = "design"
    severity = Severity.WARNING
    message = "File too long."
    fix_hint = "Split it by responsibility into modules named for what they hold."
    pattern = "small-units"
    why = ("Long files collect unrelated responsibilities; readers and agents must load all of it to "
           "change any of it, and duplicates hide in the parts nobody reads.")
    instead = "Several small modules, each named for the one thing it holds."
    exempt_in = frozenset({"tests"})
    identity = "file"
    VALID = ("x = 1\n" * 600,)
    INVALID = (Invalid("x = 1\n" * 601, 1, 1),)

    def begin(self, ctx: Context) -> None:
        """The whole-file check: count the lines once, before the walk."""
        count = len(ctx.source.lines)
        options = self.options
        if count > options.file_lines_error:
            severity, limit = Severity.WARNING, options.file_lines_error
        elif count > options.file_lines_warning:
            severity, limit = Severity.INFO, options.file_lines_warning
        else:
            return
        ctx.report_at(self, 1, f"File has {count} lines (limit {limit}).", severity, measure=count)


class TooComplex(Rule):
    """Finds functions whose cyclomatic complexity exceeds the limit (default 10), counted as Ruff's C901."""

    code = "DES002"
    name = "too-complex"
    family = "design"
    severity = Severity.WARNING
    message = "Function is too complex."
    fix_hint = "Extract the branches into well-named helpers, or replace conditionals with a lookup table."
    pattern = "small-units"
    ruff = ("C901",)
    identity = "scope"
    why = ("Each branch is a path to understand and test; past about ten, nobody holds them all in mind "
           "and changes break paths nobody looked at.")
    instead = "Small functions with one decision each; data-driven dispatch instead of long if/elif chains."
    VALID = ("def f(x):\n    if x:\n        return 1\n    return 2\n",)
    INVALID = (
        Invalid("def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(10)), 1, 1),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        score = complexity(node)
        if score > self.options.max_complexity:
            ctx.report(self, node, end=signature_end(node, ctx),
                       message=f"`{node.name}` has complexity {score} (limit {self.options.max_complexity}).",
                       measure=score)

    visit_AsyncFunctionDef = visit_FunctionDef


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def count_statements(body: list[ast.stmt]) -> int:
    """Statements in a body, nested blocks included, a nested def or class counting as one.

    Only statement lists are followed (expressions cannot hold statements), which keeps this
    cheap enough to run on every function.
    """
    total = 0
    for stmt in body:
        total += 1
        if isinstance(stmt, _SCOPES):
            continue
        for name in _BLOCK_FIELDS:
            for child in getattr(stmt, name, ()):
                if isinstance(child, ast.stmt):
                    total += count_statements([child])
                else:  # an except handler or a match case holds a body of its own
                    total += count_statements(child.body)
    return total


class TooManyStatements(Rule):
    """Finds functions with more statements than the limit (50 by default, 20 in the strict profile)."""

    code = "DES003"
    name = "too-many-statements"
    family = "design"
    severity = Severity.WARNING
    message = "Function has too many statements."
    fix_hint = "Split it into steps, each a function named for what it does."
    pattern = "small-units"
    ruff = ("PLR0915",)
    identity = "scope"
    why = "A long function does several things; each is harder to name, test and reuse while they are tangled."
    instead = "A short function that reads as a list of named steps."
    exempt_in = frozenset({"tests"})
    VALID = ("def f():\n" + "    x = 1\n" * 50,)
    INVALID = (Invalid("def f():\n" + "    x = 1\n" * 51, 1, 1),)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        count = count_statements(node.body)
        if count > self.options.max_statements:
            ctx.report(self, node, end=signature_end(node, ctx),
                       message=f"`{node.name}` has {count} statements (limit {self.options.max_statements}).",
                       measure=count)

    visit_AsyncFunctionDef = visit_FunctionDef


def _bound_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in walk_local(body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
    return names


class GlobalRebinding(Rule):
    """Finds `global` statements for names the function then assigns or deletes."""

    code = "DES004"
    name = "global-rebinding"
    family = "design"
    severity = Severity.WARNING
    message = "`global` rebinds module state from inside a function."
    fix_hint = "Keep the state in an object passed where it is needed, or return the new value."
    pattern = "module-state"
    ruff = ("PLW0603",)
    why = ("State rebound through `global` is shared by every caller and thread, changes behind the "
           "reader's back, and makes functions impossible to test in isolation.")
    instead = "A class holding the state, or a function that returns the new value for the caller to keep."
    VALID = ("counter = 0\ndef f():\n    global counter\n    return counter\n",)
    INVALID = (Invalid("counter = 0\ndef bump():\n    global counter\n    counter += 1\n", 3, 5),)

    def visit_Global(self, node: ast.Global, ctx: Context) -> None:
        func = ctx.function
        if func is None or isinstance(func, ast.Lambda):
            return
        rebound = [name for name in node.names if name in _bound_names(func.body)]
        if rebound:
            names = ", ".join(f"`{n}`" for n in rebound)
            ctx.report(self, node, message=f"`global` rebinds module state {names} from `{func.name}()`.")


def _is_any(node: ast.expr | None, ctx: Context) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Constant) and node.value in ("Any", "typing.Any"):
        return True
    return ctx.qualname(node) in ("typing.Any", "typing_extensions.Any")


def is_public_name(name: str, ctx: Context) -> bool:
    """Not private, not inside a function or a private class or a private module (`_impl.py`, or
    under a `_private/` package), and exported if the module has ``__all__``."""
    if name.startswith("_") or ctx.functions or any(cls.name.startswith("_") for cls in ctx.classes):
        return False
    parts = ctx.source.path.removesuffix(".pyi").removesuffix(".py").split("/")
    if any(part.startswith("_") and part not in ("__init__", "__main__") for part in parts):
        return False
    top = ctx.classes[0].name if ctx.classes else name
    return ctx.exports is None or top in ctx.exports


def is_public_function(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> bool:
    """True for a function that is part of the module's public API (see is_public_name)."""
    return is_public_name(node.name, ctx)


class AnyInPublicSignature(Rule):
    """Finds `typing.Any` as the whole annotation of a parameter or return of a public function
    (`*args: Any`, `**kwargs: Any`, dunder methods, `@override` methods and nested uses such as
    `dict[str, Any]` are allowed)."""

    code = "DES005"
    name = "any-in-public-signature"
    family = "design"
    severity = Severity.INFO
    message = "`Any` in a public signature switches type checking off for every caller."
    fix_hint = "Name the real type, a Protocol, a TypeVar, or `object` if anything truly goes."
    pattern = "strict-typing"
    ruff = ("ANN401",)
    why = "`Any` is contagious: whatever flows through it is unchecked, so type errors reach runtime unseen."
    instead = "A precise type, a `Protocol`, a generic `TypeVar`, or `object` (which forces a check before use)."
    VALID = (
        "from typing import Any\ndef f(*args: Any, **kwargs: Any) -> dict[str, Any]:\n    return {}\n",
        "from typing import Any\ndef _f(x: Any) -> Any:\n    return x\n",
        "from typing import Any, override\nclass C(Base):\n    @override\n    def f(self, x: Any) -> Any:\n        return x\n",
    )
    INVALID = (
        Invalid("from typing import Any\ndef load(path: str) -> Any:\n    return 1\n", 2, 24),
        Invalid("import typing\nclass C:\n    def f(self, x: typing.Any) -> None:\n        pass\n", 3, 20),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        if not is_public_function(node, ctx) or (node.name.startswith("__") and node.name.endswith("__")):
            return
        if any((ctx.qualname(d) or "").rpartition(".")[2] == "override" for d in node.decorator_list):
            return  # an override's signature is the parent's: the `Any` is reported there
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if _is_any(arg.annotation, ctx):
                ctx.report(self, arg.annotation, message=f"Parameter `{arg.arg}` of `{node.name}` is typed `Any`.")
        if _is_any(node.returns, ctx):
            ctx.report(self, node.returns, message=f"`{node.name}` returns `Any`.")

    visit_AsyncFunctionDef = visit_FunctionDef


class SysPathChange(Rule):
    """Finds `sys.path.insert`, `append` and `extend` of a path the code wires in itself (a literal,
    one built from `__file__`, the working directory) in library code. Paths a caller passes in (a
    tool's `--pythonpath` option, `site`'s job) are features, not hacks. Tests, scripts, CLI modules,
    `if __name__ == "__main__":` blocks and the functions they call are exempt."""

    code = "DES006"
    name = "sys-path-change"
    family = "design"
    severity = Severity.WARNING
    message = "`sys.path` changed at runtime: imports now depend on where the code was started."
    fix_hint = "Install the package (`pip install -e .`) and import it normally."
    pattern = "no-sys-path-hacks"
    default_on = False
    why = ("Path hacks make imports depend on the working directory and order of imports; the same module "
           "can be imported twice under two names, and tools cannot follow the imports.")
    instead = "A proper package layout and an editable install; entry points for scripts."
    exempt_in = frozenset({"tests", "scripts"})
    VALID = (
        "import sys\nprint(sys.path)\n",
        "import sys\ndef main():\n    sys.path.insert(0, '.')\nif __name__ == '__main__':\n    main()\n",
        "import sys\ndef discover(top_level_dir):\n    sys.path.insert(0, top_level_dir)\n",
    )
    INVALID = (
        Invalid("import sys\nsys.path.insert(0, '/opt/lib')\n", 2, 1),
        Invalid("import os, sys\nhere = os.path.dirname(__file__)\nsys.path.append(os.path.join(here, '..'))\n", 3, 1),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in ("insert", "append", "extend") or not node.args:
            return
        if ctx.qualname(func.value) == "sys.path" and not ctx.in_script_code and _wired_in(node.args[-1], ctx):
            ctx.report(self, node, message=f"`sys.path.{func.attr}()` in library code.")


def _wired_in(node: ast.expr, ctx: Context, depth: int = 0) -> bool:
    """A path fixed by the code itself (a literal, `__file__`, the working directory), not one a caller
    passed in: the mark of a hack to reach sibling code, as opposed to a tool's feature."""
    for inner in ast.walk(node):
        if is_str(inner) or (isinstance(inner, ast.Name) and inner.id == "__file__"):
            return True
        if isinstance(inner, (ast.Call, ast.Attribute)) and ctx.qualname(
                inner.func if isinstance(inner, ast.Call) else inner) in ("os.getcwd", "os.curdir", "pathlib.Path.cwd"):
            return True
        if isinstance(inner, ast.Name) and depth < 2:
            scope = ctx.function.body if ctx.function is not None and not isinstance(ctx.function, ast.Lambda) else ctx.tree.body
            for stmt in walk_local(scope):
                if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == inner.id for t in stmt.targets):
                    if _wired_in(stmt.value, ctx, depth + 1):
                        return True
    return False


RULES: tuple[type[Rule], ...] = (
    FileTooLong, TooComplex, TooManyStatements, GlobalRebinding, AnyInPublicSignature, SysPathChange,
)
