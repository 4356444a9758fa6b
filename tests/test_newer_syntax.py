"""Newer Python syntax is read on every supported interpreter; syntax and compile errors are
SYN001 findings that say what they need and cost only the broken function; no warning leaks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.lowering import TemplateStr, TypeAlias, lower
from pattern_warden.rules.engine import Checker, CheckOptions, check_code, check_paths
from pattern_warden.source import parse
from pattern_warden.workspace import Workspace

from .rules.test_cli_check import _run


def _found(root: Path, code: str, select: tuple[str, ...] = ("ERR001", "ERR002", "COR002", "SYN001")) -> list[tuple]:
    result = check_code(Workspace(load_config(root)), code, "pkg/m.py", CheckOptions(select=select))
    return sorted((f.code, f.line, f.column) for f in result.findings)


# Each case: code using newer syntax and the (rule, line, column) findings it must give, which are
# those of the same code written without the new syntax: nothing moved.
CASES = {
    "type parameters on def and class": (
        "class Box[T: (int, str), *Ts, **P](Base):\n    def put[U](self, x: U, seen=[]) -> U:\n        seen.append(x)\n        return x\n",
        [("ERR001", 2, 33)],
    ),
    "type parameters with 3.13 defaults, over two lines": (
        "def f[T = int,\n      U: str = str](x=[]):\n    x.append(1)\n    print(x)\n",
        [("COR002", 4, 5), ("ERR001", 2, 23)],
    ),
    "type alias statements": ("type Pair[T] = tuple[T, T]\ntype N = int\nprint(1)\n", [("COR002", 3, 1)]),
    "t-strings with nested quotes": ('x = t"{a["k"]!r:>{w}}"; print(t"{x}", y={})\n', [("COR002", 1, 25)]),
    "PEP 701 f-strings": (
        'print(f"{", ".join(xs)}", f"{\'\\n\'.join(ys)}")\nprint(f"{\n    z  # why\n}")\ndef g(a=[]): a.append(1)\n',
        [("COR002", 1, 1), ("COR002", 2, 1), ("ERR001", 5, 9)],
    ),
    "PEP 758 except without parentheses": (
        "try:\n    pass\nexcept ValueError, TypeError:\n    print(1)\nexcept:\n    pass\n",
        [("COR002", 4, 5), ("ERR002", 5, 1)],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_newer_syntax_is_checked_at_the_right_positions(project: Path, name: str) -> None:
    code, expected = CASES[name]
    assert _found(project, code) == sorted(expected)


def test_lowered_nodes_are_the_newer_python_nodes() -> None:
    tree = parse('type X = list[int]\ns = t"hi {name}"\n').tree
    assert tree is not None
    alias, assign = tree.body
    assert isinstance(alias, TypeAlias) and (alias.name.id, alias.name.col_offset, alias.name.end_col_offset) == ("X", 5, 6)
    assert isinstance(assign.value, TemplateStr) and (assign.value.col_offset, assign.value.end_col_offset) == (4, 16)


def test_lowering_keeps_every_line_and_blanks_in_place() -> None:
    code = "class C[\n    T,\n](B): pass\ntype A = int\n"
    text = lower(code).text
    assert text.count("\n") == code.count("\n")
    if sys.version_info < (3, 12):
        assert text.splitlines()[3] == "A      = int" and text.splitlines()[2].endswith("(B): pass")


def test_syntax_error_costs_only_its_function(project: Path) -> None:
    code = "def good():\n    print(1)\n\ndef bad(:\n    print(2)\n\nclass K:\n    def m(self, x=[]):\n        x.append(1)\n"
    assert _found(project, code) == [("COR002", 2, 5), ("ERR001", 8, 19), ("SYN001", 4, 9)]


def test_recovery_keeps_line_numbers_across_a_lone_carriage_return(project: Path) -> None:
    # The parser ends a line at a lone "\r"; blanking the broken function must not fuse it with
    # the next line end into one "\r\n", or every later finding moves up a line.
    code = "def bad():\n    x = (\n    # note\r    more\n\ndef f(a=[]):\n    a.append(1)\n"
    assert _found(project, code) == [("ERR001", 6, 9), ("SYN001", 2, 9)]


def test_syntax_error_outside_functions_hides_the_file(project: Path) -> None:
    assert _found(project, "print(1)\nx = (\ndef f(a=[]):\n    pass\n") == [("SYN001", 2, 5)]


def test_compile_errors_are_syn001_and_the_file_is_still_checked(project: Path) -> None:
    result = check_code(Workspace(load_config(project)), "nonlocal x\nprint(1)\n", "pkg/m.py",
                        CheckOptions(select=("SYN001", "COR002")))
    assert [(f.code, f.line) for f in result.findings] == [("SYN001", 1), ("COR002", 2)]
    assert "nonlocal declaration not allowed at module level" in result.findings[0].message
    for code, words in [("def f(a, a):\n    pass\n", "duplicate argument"), ("return 1\n", "outside function"),
                        ("def f[T, T](): pass\n", "duplicate type parameter")]:
        assert any(words in f.message for f in check_code(Workspace(load_config(project)), code, "m.py").findings), code


COMPILE_ERRORS = {
    "break outside loop": "def f():\n    break\n",
    "continue in a class body in a loop": "for x in y:\n    class C:\n        continue\n",
    "await outside async def": "def f():\n    await g()\n",
    "async for outside async def": "def f():\n    return [x async for x in g()]\n",
    "yield in a comprehension": "def f():\n    return [(yield x) for x in y]\n",
    "return value in an async generator": "async def f():\n    yield 1\n    return 2\n",
    "late __future__ import": "import os\nfrom __future__ import annotations\n",
    "unknown __future__ feature": "from __future__ import braces_please\n",
    "import * in a function": "def f():\n    from os import *\n",
    "bare except not last": "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n",
    "two starred targets": "*a, *b = c\n",
    "keyword argument repeated": "f(a=1, a=2)\n",
    "duplicate parameter": "g = lambda a, a: a\n",
    "global after use": "def f():\n    x = 1\n    global x\n",
    "walrus rebinding a comprehension variable": "[x := 1 for x in y]\n",
    "irrefutable case first": "match v:\n    case x:\n        pass\n    case 1:\n        pass\n",
}


@pytest.mark.parametrize("name", list(COMPILE_ERRORS))
def test_compile_errors_the_walk_suspects_are_reported(project: Path, name: str) -> None:
    found = check_code(Workspace(load_config(project)), COMPILE_ERRORS[name], "m.py", CheckOptions(select=("SYN001",)))
    assert [f.message.startswith("Compile error:") for f in found.findings] == [True], name


def test_clean_files_are_not_compiled(project: Path) -> None:
    """Compiling costs a third of a check: a file with nothing suspect is not compiled."""
    workspace = Workspace(load_config(project))
    source = workspace.virtual("import os\n\nasync def f(x=None):\n    for y in x:\n        await g(*y, k=1)\n"
                               "        break\n    return [z for z in x]\n", "m.py")
    assert Checker(load_config(project), CheckOptions()).check(source) is not None
    assert "compile_errors" not in vars(source)


def test_syntax_the_lowering_cannot_express_names_the_python_it_needs(project: Path) -> None:
    code = 'x = f"{f"{f"{1}"}"}"\n'  # three nested f-strings with one quote: 3.12's grammar only
    found = check_code(Workspace(load_config(project)), code, "m.py", CheckOptions(select=("SYN001",))).findings
    if sys.version_info >= (3, 12):
        assert found == []
    else:
        assert len(found) == 1 and "This is Python 3.12 syntax" in found[0].message
    later = check_code(Workspace(load_config(project)), "lazy import json\nx = [*row for row in rows]\n", "m.py").findings
    assert [(f.line, "This is Python 3.15 syntax" in f.message) for f in later] == [(1, True)]


def test_no_syntax_warning_reaches_stderr(project: Path) -> None:
    (project / "w.py").write_text("x = '\\d'\nif x is 'a':\n    pass\ny = f'{x:\\d}'\ntype T = int\n")
    done = _run(project, "check", "w.py", "--no-cache")
    assert done.returncode in (0, 1) and "Warning" not in done.stderr, done.stderr


def test_findings_in_a_partly_broken_file_are_not_fixable(project: Path) -> None:
    """A fix is written against the whole text; with part of it unparsed, none is offered."""
    result = check_code(Workspace(load_config(project)), "try:\n    pass\nexcept:\n    pass\ndef g(:\n    pass\n",
                        "m.py", CheckOptions(select=("ERR002", "SYN001")))
    assert sorted((f.code, f.fixable) for f in result.findings) == [("ERR002", False), ("SYN001", False)]
    whole = check_code(Workspace(load_config(project)), "try:\n    pass\nexcept:\n    pass\n", "m.py",
                       CheckOptions(select=("ERR002",)))
    assert [(f.code, f.fixable) for f in whole.findings] == [("ERR002", True)]


# -- the same positions as the interpreter that knows the syntax --------------------------------

_DUMP = '''
import ast, json, sys
def dump(tree):
    """Every positioned node outside type parameters and f-string parts (3.11 places those at
    the whole string), as (type, line, column, end line, end column)."""
    skip = set()
    for node in ast.walk(tree):
        for params in [getattr(node, "type_params", None) or []]:
            skip.update(id(n) for p in params for n in ast.walk(p))
        if isinstance(node, ast.JoinedStr) or type(node).__name__ == "TemplateStr":
            for part in node.values:
                skip.add(id(part))
                if isinstance(part, ast.FormattedValue) and part.format_spec is not None:
                    skip.update(id(n) for n in ast.walk(part.format_spec))
    return sorted((type(n).__name__, n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
                  for n in ast.walk(tree) if hasattr(n, "col_offset") and id(n) not in skip)
'''
_NATIVE = {
    "3.12": ["CASES['type parameters on def and class']", "CASES['type alias statements']",
             "CASES['PEP 701 f-strings']"],
    "3.13": ["CASES['type parameters with 3.13 defaults, over two lines']"],
}


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.12.1", "3.13.0"])
def test_lowered_trees_match_the_native_parse(version: str) -> None:
    python = Path(f"/root/.pyenv/versions/{version}/bin/python")
    if not python.exists():
        pytest.skip(f"Python {version} is not installed")
    namespace: dict = {}
    exec(_DUMP, namespace)
    codes = [eval(case, {"CASES": CASES})[0] for minor, cases in _NATIVE.items() if minor <= version for case in cases]
    codes.append("class P[T]:\n    type Inner[U] = dict[T, U]\n    def m[V](self, v: V) -> V:\n        return f'{v!r:>{10}}'\n")
    for code in codes:
        native = subprocess.run([str(python), "-c", _DUMP + "print(json.dumps(dump(ast.parse(sys.stdin.read()))))"],
                                input=code, capture_output=True, text=True, check=True, timeout=60).stdout
        tree = parse(code).tree
        assert tree is not None, code
        assert [list(row) for row in namespace["dump"](tree)] == __import__("json").loads(native), code
