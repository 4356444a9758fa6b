"""The fast scanner against the slow, exact tools it stands in for, on real code."""

from __future__ import annotations

import ast
import warnings
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pattern_warden.delta.scan import Scan
from pattern_warden.delta.symbols import symbol_changes
from pattern_warden.source import LineKind, SourceFile

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE = ["ast.py", "argparse.py", "dataclasses.py", "difflib.py", "inspect.py", "json/decoder.py",
          "shutil.py", "subprocess.py", "textwrap.py", "typing.py", "asyncio/base_events.py", "email/message.py"]


def _ast_units(tree: ast.Module) -> set[str]:
    names: set[str] = set()

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(prefix + node.name)
                walk(node.body, prefix + node.name + ".")
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                handlers = [h.body for h in getattr(node, "handlers", [])]
                for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", []), *handlers):
                    walk(block, prefix)

    walk(tree.body, "")
    return names


@pytest.mark.parametrize("name", SAMPLE)
def test_row_kinds_and_units_agree_with_tokenize_and_ast(name: str) -> None:
    text = (STDLIB / name).read_text(encoding="utf-8")
    source = SourceFile(path=name, text=text, digest="", size=len(text))
    scan = Scan(text)
    exact = source.line_kinds[: len(scan.rows)]
    assert scan.kinds() == exact
    assert set(scan.units) == _ast_units(source.tree)
    tree_units = {n.name: n for n in ast.walk(source.tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for unit in list(scan.units.values())[:200]:
        node = tree_units.get(unit.name.rsplit(".", 1)[-1])
        if node is not None and node.lineno == unit.start:
            assert scan.end_of(unit)[0] == node.end_lineno, unit.name


def test_tricky_strings_comments_and_docstrings() -> None:
    text = '''"""Module docstring
with # no comment here
"""
x = """not a docstring
    def fake(): pass
"""


def real(a,
         b):
    # a comment
    """Docstring after a two-line header."""
    s = "a # inside a string"
    if a:
        """A string statement that is not a docstring."""
    return f'{s}' + \'\'\'
tail\'\'\'


class Box:
    'one-quote docstring'

    def method(self):
        return real(1, 2)
'''
    scan = Scan(text)
    kinds = dict(enumerate(scan.kinds(), 1))
    assert [kinds[r] for r in (1, 2, 3)] == [LineKind.DOCSTRING] * 3
    assert [kinds[r] for r in (4, 5, 6)] == [LineKind.CODE] * 3
    assert kinds[11] is LineKind.COMMENT and kinds[12] is LineKind.DOCSTRING and kinds[13] is LineKind.CODE
    assert kinds[15] is LineKind.CODE and kinds[17] is LineKind.CODE
    assert kinds[21] is LineKind.DOCSTRING
    assert set(scan.units) == {"real", "Box", "Box.method"}
    assert scan.end_of(scan.units["real"])[0] == 17
    assert scan.calls([24]) == {"Box.method": {"real"}}


def test_moved_method_is_not_modified_but_edited_one_is() -> None:
    before = Scan("class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n")
    after = Scan("class A:\n    def g(self):\n        return 2\n\n    def f(self):\n        return 3\n")
    changes = {(c.name, c.change) for c in symbol_changes(before, after, [2, 3, 5, 6], [2, 3, 5, 6])}
    assert changes == {("A.f", "modified"), ("A", "modified")}


_PIECES = ["", "# a comment", "x = 1", '"""A docstring."""', "'''", '"""', "def f():", "    return 2", "class C:",
           "    '''doc'''", "s = '#not a comment'", "t = (", ")", "    pass", "u = 'it''s'", "v = f'{x}'"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(_PIECES), st.booleans()), max_size=12))
def test_kinds_match_tokenize_on_edited_real_code(edits: list[tuple[int, str, bool]]) -> None:
    """Insert and delete lines at random in a real module; wherever the result still parses,
    the scanner's kinds must equal tokenize's, row for row."""
    rows = (STDLIB / "textwrap.py").read_text(encoding="utf-8").split("\n")
    for position, piece, insert in edits:
        at = position % (len(rows) + 1)
        if insert:
            indent = rows[at - 1][: len(rows[at - 1]) - len(rows[at - 1].lstrip())] if 0 < at <= len(rows) else ""
            rows.insert(at, indent + piece)
        elif at < len(rows):
            del rows[at]
    text = "\n".join(rows)
    source = SourceFile(path="edited.py", text=text, digest="", size=len(text))
    with warnings.catch_warnings():  # a moved quote can turn regex text into invalid escapes
        warnings.simplefilter("ignore", DeprecationWarning)
        assume(source.tree is not None)
        exact = source.line_kinds
    scan = Scan(text)
    assert scan.kinds() == exact[: len(scan.rows)]


def test_calls_skip_builtin_container_methods_unless_on_self() -> None:
    scan = Scan("def f(self, d):\n    return d.get(1) + self.get(2) + helper(3) + a.b.run(4) + ', '.join(x)\n")
    assert scan.calls([2]) == {"f": {"get", "helper", "run"}}
    assert Scan("d.get(1)\n").calls([1]) == {}


def test_escaped_and_embedded_quotes_in_multiline_strings_match_tokenize() -> None:
    """Escapes, lone and doubled quotes inside triple-quoted strings, and one-line strings with
    quotes of the other kind, on every CPython we accept (3.11.2 mis-matched the possessive
    quantifiers the scanner used to rely on, so every docstring here counted as code)."""
    text = '''def f():
    """Say \\""" and ''' + "''" + ''' and "quoted" and ""twice"",
    still inside.
    """
    a = 'it\\'s "fine"'  # a 'comment' with """quotes"""
    b = """x ""
y\\\\"""
    return a + b


class K:
    \'\'\'One \\\'\'\' escaped,
    'lone' and ''doubled'' quotes.\'\'\'
'''
    source = SourceFile(path="quotes.py", text=text, digest="", size=len(text))
    assert source.tree is not None
    scan = Scan(text)
    assert scan.kinds() == source.line_kinds[: len(scan.rows)]
    assert scan.kinds([2, 3, 4, 12, 13]) == [LineKind.DOCSTRING] * 5
    assert scan.kinds([6, 7]) == [LineKind.CODE] * 2
    assert set(scan.units) == {"f", "K"}


def test_a_file_that_ends_inside_a_string_ends_the_string() -> None:
    """An unfinished triple-quoted string (a file saved mid-edit), even one whose last character
    is a backslash, holds every row to the end: none of them is taken for code or a definition."""
    for tail in ("", "\\"):
        scan = Scan('x = 1\ny = """open\n# not a comment\ndef not_a_function():' + tail)
        assert scan.kinds() == [LineKind.CODE] * 4
        assert scan.units == {}
        assert scan.calls([4]) == {}
