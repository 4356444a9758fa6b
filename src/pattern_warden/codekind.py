"""What kind of code a file holds: product code, or tests, test support, fixtures, benchmarks,
docs, examples, generated files, templates and scripts.

This is the one definition. Rules about production code skip the non-product kinds, the clone
engine leaves tests out, and a user's ``exempt-paths`` / ``script-paths`` settings are gitignore
patterns that default to the path lists below. A path alone says most of it (``tests/``,
``bench/``); the content says the rest, because a package ships its test helpers and generated
tables under ordinary names: a module that imports pytest or defines pytest hooks, a
``DO NOT EDIT`` header, a module that is almost all literal data, or Jinja markup in a file
that does not parse.

Parts of a file can be generated too (an API client whose methods a generator rewrites, each
marked ``DO NOT EDIT`` in its body: ``generated_marks``), and a whole subpackage can be someone
else's code kept under an ordinary name (an old major version of the library shipped inside the
new one for compatibility: ``snapshot_packages``).
"""

from __future__ import annotations

import ast
import enum
import re
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from pathspec import GitIgnoreSpec

from pattern_warden.astwalk import is_main_guard


class Kind(enum.StrEnum):
    """What a file is for."""

    PRODUCT = "product"
    TEST = "test"
    TEST_SUPPORT = "test-support"
    FIXTURE = "fixture"
    BENCHMARK = "benchmark"
    DOCS = "docs"
    EXAMPLE = "example"
    GENERATED = "generated"
    VENDORED = "vendored"
    SCRIPT = "script"
    TEMPLATE = "template"


#: Tests themselves (gitignore-style). The clone engine leaves these out unless asked.
TEST_PATHS = ("tests/", "test/", "*_tests/", "test_*.py", "*_test.py", "tests.py", "conftest.py")
#: Path patterns per kind, first match wins. A package's ``testing`` module or ``_testbase``
#: ships test helpers as library files; they are not the product.
PATH_KINDS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.TEST, TEST_PATHS),
    (Kind.FIXTURE, ("fixtures/", "t/", "testdata/", "test_data/", "examplefiles/", "example_files/")),
    (Kind.TEST_SUPPORT, ("testing/", "testing.py", "_testing/", "_testing.py", "*testbase.py", "testutils.py",
                         "testutils/", "pytest_plugin.py", "pytest_plugin/", "*_pytest_plugin.py")),
    (Kind.BENCHMARK, ("bench/", "benchmarks/", "benchmark/", "asv_bench/", "bench_*.py", "benchmark_*.py")),
    (Kind.DOCS, ("docs/", "doc/", "docs_src/")),
    (Kind.EXAMPLE, ("examples/", "example/", "demo/", "demos/", "samples/")),
    (Kind.GENERATED, ("*_pb2.py", "*_pb2_grpc.py", "*_pb2.pyi", "*_pb2_grpc.pyi")),
    # Someone else's code copied in: its findings and leftovers are upstream's to fix.
    (Kind.VENDORED, ("vendor/", "vendored/", "_vendor/", "third_party/", "thirdparty/", "_vendored/")),
    (Kind.SCRIPT, ("scripts/", "bin/", "tools/", "__main__.py", "cli.py", "*_cli.py", "cli/", "setup.py",
                   "manage.py", "noxfile.py")),
)
#: Kinds that are not production code: rules about production code skip them.
NON_PRODUCT = frozenset({Kind.TEST, Kind.TEST_SUPPORT, Kind.FIXTURE, Kind.BENCHMARK, Kind.DOCS, Kind.EXAMPLE,
                         Kind.GENERATED, Kind.VENDORED, Kind.TEMPLATE})
#: Kinds that own their process: printing, `sys.path` edits and `sys.exit` are theirs to do.
SCRIPT_KINDS = frozenset({Kind.SCRIPT, Kind.BENCHMARK})


def patterns(kinds: frozenset[Kind]) -> tuple[str, ...]:
    """The path patterns of ``kinds``, in table order (the defaults of the path settings)."""
    return tuple(p for kind, globs in PATH_KINDS if kind in kinds for p in globs)


_SPECS = tuple((kind, GitIgnoreSpec.from_lines(globs)) for kind, globs in PATH_KINDS)
_TEST_SPEC = GitIgnoreSpec.from_lines(TEST_PATHS)


def is_test_path(rel: str) -> bool:
    """True for a test file itself (``TEST_PATHS``), given a path relative to the root."""
    return _TEST_SPEC.match_file(rel)


@lru_cache(maxsize=65_536)
def path_kind(rel: str) -> Kind:
    """The kind a path relative to the root says, PRODUCT when it says nothing."""
    return next((kind for kind, spec in _SPECS if spec.match_file(rel)), Kind.PRODUCT)


# -- content ---------------------------------------------------------------------------------

#: A generator's header: in a comment, or opening the module docstring.
_GENERATED = re.compile(r"(?i)\b(do not edit|@generated|auto-?generated|(code |file )?generated (by|from|with))\b")
_HEADER_LINES = 12
#: Jinja / cookiecutter markup (`{{ name }}`, `{% if %}`) outside any string, in a `.py` file that
#: does not parse: a template the project renders into Python (package data), not Python until
#: then. Markup after a quote may be an f-string's `{{` in a file that is merely broken.
_TEMPLATE_MARKUP = re.compile(r"(?m)^[^'\"\n]*?(\{\{.*?\}\}|\{%.*?%\})")
#: A data catalogue: this many lines at least, nearly all of them literal data.
CATALOGUE_LINES = 400
CATALOGUE_SHARE = 0.85
#: A module that imports one of these at its top is a test or a harness (a unittest shim shipped
#: beside the package, like motor's `synchro`); product code imports them inside functions if at all.
_TEST_IMPORTS = frozenset({"pytest", "_pytest", "pytest_asyncio", "unittest"})
_TEST_BASES = frozenset({"TestCase", "IsolatedAsyncioTestCase"})


def content_kind(text: str, tree: ast.Module | None) -> Kind:
    """The kind the content says (generated, test support, script, or PRODUCT for anything else)."""
    if generated_header(text):
        return Kind.GENERATED
    if tree is None:
        return Kind.TEMPLATE if _TEMPLATE_MARKUP.search(text) else Kind.PRODUCT
    if _is_catalogue(tree, text.count("\n") + 1):
        return Kind.GENERATED
    if _supports_tests(tree):
        return Kind.TEST_SUPPORT
    if _exits_at_top(tree):
        return Kind.SCRIPT
    return Kind.PRODUCT


def kind_of(rel: str, text: str | None = None, tree: ast.Module | None = None) -> Kind:
    """The kind of a file: by its path first, then (given its text) by its content."""
    kind = path_kind(rel)
    if kind is Kind.PRODUCT and text is not None:
        return content_kind(text, tree)
    return kind


def is_product(rel: str, text: str | None = None, tree: ast.Module | None = None) -> bool:
    """True for production code: neither test, support, fixture, benchmark, docs, example nor generated."""
    return kind_of(rel, text, tree) not in NON_PRODUCT


def generated_header(text: str) -> bool:
    """True when the file's first lines (a comment, or the module docstring's first sentence) say a
    generator wrote it."""
    head = text[:4000].splitlines()[:_HEADER_LINES]
    in_doc = False
    for number, line in enumerate(head):
        stripped = line.strip()
        if stripped.startswith(("def ", "async def ", "class ")) and not in_doc:
            return False  # the header is over: what follows is code (a generator writing its output's header)
        if stripped.startswith("#") and _GENERATED.search(stripped):
            return True
        if stripped.startswith(('"""', "'''", 'r"""')) and (number < 3):
            in_doc = True
            stripped = stripped.lstrip("r").strip("\"'").strip()
        if in_doc and stripped and _GENERATED.match(stripped.lower().removeprefix("this file is ")
                                                    .removeprefix("this module is ").removeprefix("this module was ")
                                                    .removeprefix("this file was ")):
            return True
        if in_doc and stripped:
            in_doc = False  # only the docstring's first sentence counts: "Tokens generated by ..." later is prose
    return False


#: A generator's mark on a part of a file: a comment that forbids editing or says the section was
#: generated. Looser wording ("the key generated by os.urandom") is prose about a value, not a mark.
_GENERATED_MARK = re.compile(
    r"(?im)^[ \t]*#.*?\b(?:do not edit|@generated|(?:this|the) (?:file|module|section|method|function|class|code|part)"
    r" (?:is|was) (?:auto-?)?generated)\b")


def generated_marks(text: str) -> tuple[int, ...]:
    """The rows (1-based) of comments marking the code around them as generated: a generator that
    rewrites some methods of a hand-written file marks each one in its body, not in the header."""
    folded = text.lower()  # plain substring tests first: most files have neither word, and the
    if "generated" not in folded and "not edit" not in folded:  # line regex costs ten times more
        return ()
    rows, row, at = [], 1, 0
    for match in _GENERATED_MARK.finditer(text):
        row += text.count("\n", at, match.start())
        at = match.start()
        rows.append(row)
    return tuple(rows)


#: A snapshot subpackage has at least this many modules, and this share of them have namesakes
#: in the package around it.
SNAPSHOT_MODULES = 5
SNAPSHOT_SHARE = 0.5
#: Share of its modules that may still import the enclosing package (an upstream plugin module
#: whose imports were never rewritten to the copy's new name).
SNAPSHOT_LEANING = 0.1


def snapshot_packages(paths: Iterable[str], imports: Callable[[str], Iterable[str]]) -> frozenset[str]:
    """Subpackages that are a copy of the library they sit in (an old major version kept for
    compatibility, refreshed from upstream): folders whose modules mostly repeat the names of the
    modules beside them in the package one level up, which import one another and (bar one module
    in ten) nothing else of the library they sit in. Code there is VENDORED: the library may import
    it, but it stays as its upstream ships it.

    ``paths`` are the module paths of a tree (relative, ``/``-separated); ``imports`` gives the
    module paths of the same tree one of them imports (asked only for the folders whose names
    already fit)."""
    known = set(paths)
    children: dict[str, list[str]] = defaultdict(list)
    for path in known:
        children[posixpath.dirname(path)].append(path)
    found = set()
    for folder, inside in children.items():
        parent = posixpath.dirname(folder)
        if not parent or f"{folder}/__init__.py" not in known or f"{parent}/__init__.py" not in known:
            continue
        own = {posixpath.basename(p) for p in inside} - {"__init__.py"}
        beside = {posixpath.basename(p) for p in children[parent]}
        if len(own) < SNAPSHOT_MODULES or len(own & beside) < SNAPSHOT_SHARE * len(own):
            continue
        top = parent
        while f"{posixpath.dirname(top)}/__init__.py" in known:
            top = posixpath.dirname(top)
        reached = [list(imports(p)) for p in known if p.startswith(folder + "/")]
        leaning = sum(any(m.startswith(top + "/") and not m.startswith(folder + "/") for m in r) for r in reached)
        if leaning > SNAPSHOT_LEANING * len(reached):
            continue  # it uses the library around it: part of it, not a copy of it
        if sum(m.startswith(folder + "/") for r in reached for m in r) >= len(own):  # resolved, and inside
            found.add(folder)
    return frozenset(found)


def _literal(node: ast.AST) -> bool:
    """Data: constants, names, and containers or calls built only of data."""
    if isinstance(node, (ast.Constant, ast.Name, ast.Attribute)):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or _literal(k) for k in node.keys) and all(_literal(v) for v in node.values)
    if isinstance(node, ast.Call):
        return all(_literal(a) for a in node.args) and all(_literal(k.value) for k in node.keywords)
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand)
    return False


def _is_catalogue(tree: ast.Module, lines: int) -> bool:
    if lines < CATALOGUE_LINES:
        return False
    data = 0
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) else None
        if value is not None and _literal(value):
            data += (stmt.end_lineno or stmt.lineno) - stmt.lineno + 1
    return data >= CATALOGUE_SHARE * lines


def _supports_tests(tree: ast.Module) -> bool:
    """Imports pytest (or its internals) or unittest at module level, defines pytest hooks, or test cases."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and any(a.name.partition(".")[0] in _TEST_IMPORTS for a in stmt.names):
            return True
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and (stmt.module or "").partition(".")[0] in _TEST_IMPORTS:
            return True
        if isinstance(stmt, ast.FunctionDef) and stmt.name.startswith("pytest_"):
            return True
        if isinstance(stmt, ast.ClassDef) and any(
                (b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")) in _TEST_BASES for b in stmt.bases):
            return True
    return False


_EXITS = frozenset({"sys.exit", "exit", "quit"})


def _exits_at_top(tree: ast.Module) -> bool:
    """Module-level code (outside functions, classes and a `__main__` guard) ends the process: a
    script kept under an ordinary folder (a CI helper in `resources/`), never an importable module."""
    pending: list[ast.AST] = [s for s in tree.body if not is_main_guard(s)]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and _dotted(node.func) in _EXITS:
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""
