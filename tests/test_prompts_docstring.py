"""apply_docstring through the in-memory client, on real files: only the docstring lines change."""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

import pytest
from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.prompts.symbols import find_symbol
from pattern_warden.server import build_server

TRICKY = (
    "# leading comment\n"
    "import functools\n"
    "\n"
    "\n"
    "@functools.total_ordering  # decorated, with a comment\n"
    "class Outer:\n"
    '    """Outer, old docstring."""\n'
    "\n"
    "    class Inner:\n"
    "        # a comment before the method\n"
    "        @staticmethod\n"
    "        async def fetch(url: str) -> str:  # trailing comment\n"
    "            # first statement comment\n"
    "            return url\n"
    "\n"
    "    def short(self): return 1\n"
    "\n"
    "\n"
    "class Failure(Exception): pass\n"
    "\n"
    "\n"
    "def plain(a, b):\n"
    "\tif a:\n"
    "\t\treturn b\n"
    "\treturn a\n"
)
CASES = [
    ("Outer", "Outer, new docstring.\n\nIt now spans\nseveral lines."),
    ("Outer.Inner.fetch", "Fetch `url` (a path with a \\ backslash)."),
    ("Outer.short", 'Return one, "quoted"'),
    ("Failure", "Raised when the thing fails.\n\nDetails follow."),
    ("plain", "Tab-indented function.\n\nTwo lines."),
]


def _editable_rows(text: str, symbol: str, one_liner: bool) -> set[int]:
    """0-based rows an edit of the symbol's docstring may touch: the docstring statement, and
    for a one-line body (`def f(): x`) the header and the statement moved under the docstring."""
    node = find_symbol(ast.parse(text), symbol, "x").node
    first = node.body[0]
    rows = set(range(first.lineno - 1, first.end_lineno or first.lineno)) if ast.get_docstring(node) else set()
    if one_liner:
        rows |= {node.lineno - 1, (first.end_lineno or first.lineno)}
    return rows


def _assert_only_docstring_changed(old: str, new: str, symbol: str) -> None:
    old_node = find_symbol(ast.parse(old), symbol, "x").node
    one_liner = old_node.body[0].lineno == old_node.lineno
    old_rows, new_rows = _editable_rows(old, symbol, one_liner), _editable_rows(new, symbol, one_liner)
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes():
        if tag != "equal":
            assert set(range(i1, i2)) <= old_rows, (symbol, tag, old_lines[i1:i2])
            assert set(range(j1, j2)) <= new_rows, (symbol, tag, new_lines[j1:j2])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
async def test_every_case_changes_only_the_docstring(git_project: Path, newline: str) -> None:
    target = git_project / "tricky.py"
    target.write_bytes(TRICKY.replace("\n", newline).encode())
    async with Client(build_server(load_config(git_project))) as client:
        for symbol, docstring in CASES:
            before = target.read_bytes()
            dry = await client.call_tool("apply_docstring", {"path": "tricky.py", "symbol": symbol, "docstring": docstring})
            assert not dry.is_error, dry.content[0].text
            assert target.read_bytes() == before, "a dry run must write nothing"
            card = dry.structured_content
            assert card["dry_run"] is True and card["written"] is False and card["diff"].startswith("--- a/tricky.py")
            real = await client.call_tool(
                "apply_docstring",
                {"path": "tricky.py", "symbol": symbol, "docstring": docstring, "dry_run": False,
                 "expected_hash": card["content_hash"]},
            )
            assert not real.is_error, real.content[0].text
            assert real.structured_content["written"] is True
            after = target.read_bytes()
            assert real.structured_content["new_hash"] == card["new_hash"]
            old_text, new_text = before.decode(), after.decode()
            _assert_only_docstring_changed(old_text.replace("\r\n", "\n"), new_text.replace("\r\n", "\n"), symbol)
            node = find_symbol(ast.parse(new_text), symbol, "tricky.py").node
            assert ast.get_docstring(node) == docstring.replace("\r\n", "\n")
            if newline == "\r\n":
                assert after.count(b"\n") == after.count(b"\r\n"), "CRLF endings must be kept"
    final = target.read_bytes().decode().replace("\r\n", "\n")
    assert "# a comment before the method" in final and "# trailing comment" in final
    assert "@functools.total_ordering  # decorated, with a comment" in final
    assert "\t\t" in final and '\t"""Tab-indented function.' in final


async def test_replace_keeps_indentation_and_is_idempotent(git_project: Path) -> None:
    (git_project / "m.py").write_text('class A:\n    def f(self):\n        """Old."""\n        return 1\n')
    async with Client(build_server(load_config(git_project))) as client:
        args = {"path": "m.py", "symbol": "A.f", "docstring": "New.\n\nMore."}
        dry = (await client.call_tool("apply_docstring", args)).structured_content
        assert dry["action"] == "replaced"
        assert dry["diff"].count("\n-") == 1 and '+        """New.' in dry["diff"]
        await client.call_tool("apply_docstring", {**args, "dry_run": False, "expected_hash": dry["content_hash"]})
        assert (git_project / "m.py").read_text() == (
            'class A:\n    def f(self):\n        """New.\n\n        More.\n        """\n        return 1\n'
        )
        again = (await client.call_tool("apply_docstring", args)).structured_content
        assert again["action"] == "unchanged" and again["diff"] == ""


async def test_stale_hash_and_missing_hash_are_refused(git_project: Path) -> None:
    target = git_project / "m.py"
    target.write_text("def f():\n    return 1\n")
    async with Client(build_server(load_config(git_project))) as client:
        args = {"path": "m.py", "symbol": "f", "docstring": "Return one."}
        dry = (await client.call_tool("apply_docstring", args)).structured_content
        target.write_text("def f():\n    return 2\n")
        stale = await client.call_tool("apply_docstring", {**args, "dry_run": False, "expected_hash": dry["content_hash"]})
        assert stale.is_error and "changed since the dry run" in stale.content[0].text
        assert target.read_text() == "def f():\n    return 2\n"
        unhashed = await client.call_tool("apply_docstring", {**args, "dry_run": False})
        assert unhashed.is_error and "needs expected_hash" in unhashed.content[0].text
        assert target.read_text() == "def f():\n    return 2\n"


async def test_ambiguous_missing_and_outside_symbols_are_refused(git_project: Path, tmp_path: Path) -> None:
    (git_project / "p.py").write_text(
        "class C:\n    @property\n    def x(self):\n        return 1\n\n    @x.setter\n    def x(self, v):\n        pass\n"
    )
    (tmp_path / "outside.py").write_text("def f():\n    pass\n")
    (git_project / "link.py").symlink_to(tmp_path / "outside.py")
    async with Client(build_server(load_config(git_project))) as client:
        ambiguous = await client.call_tool("apply_docstring", {"path": "p.py", "symbol": "C.x", "docstring": "X."})
        assert ambiguous.is_error and "ambiguous" in ambiguous.content[0].text and "C.x@3" in ambiguous.content[0].text
        chosen = await client.call_tool("apply_docstring", {"path": "p.py", "symbol": "C.x@3", "docstring": "X."})
        assert not chosen.is_error and chosen.structured_content["line"] == 3
        missing = await client.call_tool("apply_docstring", {"path": "p.py", "symbol": "C.y", "docstring": "Y."})
        assert missing.is_error and "No function or class named 'C.y'" in missing.content[0].text
        for path in ("../outside.py", str(tmp_path / "outside.py"), "link.py"):
            result = await client.call_tool("apply_docstring", {"path": path, "symbol": "f", "docstring": "F."})
            assert result.is_error and "outside the root" in result.content[0].text, path
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["apply_docstring"].annotations.read_only_hint is False
        assert tools["apply_docstring"].output_schema is not None
    assert (tmp_path / "outside.py").read_text() == "def f():\n    pass\n"


SPLICE_CASES = [
    # (source, symbol, docstring, expected file afterwards)
    (
        "def f(a=lambda x: x,  # a lambda's colon is not the header's\n      b={'k': 1}) -> dict[str, int]:  # note\n"
        "    @decorator\n    def inner(): pass\n    return inner\n",
        "f", "Doc.",
        "def f(a=lambda x: x,  # a lambda's colon is not the header's\n      b={'k': 1}) -> dict[str, int]:  # note\n"
        '    """Doc."""\n    @decorator\n    def inner(): pass\n    return inner\n',
    ),
    (
        "x = 'é'; y = 'ü'\ndef g(): 'ünïcode before'; return 1\n",
        "g", "Now ünïcode after",
        "x = 'é'; y = 'ü'\ndef g(): \"\"\"Now ünïcode after\"\"\"; return 1\n",
    ),
    (
        "def h():  # keep me\n    return 1\n",
        "h", 'Ends with a backslash \\ and a "quote"',
        'def h():  # keep me\n    """Ends with a backslash \\\\ and a "quote\\""""\n    return 1\n',
    ),
    (
        "class K(Base, metaclass=M): x = 1  # trailing\n",
        "K", "Two\n\nparagraphs.",
        'class K(Base, metaclass=M):\n    """Two\n\n    paragraphs.\n    """\n    x = 1  # trailing\n',
    ),
    (
        "def old():\n    '''Old\n    text.'''  # why\n    pass\n",
        "old", "New.",
        "def old():\n    \"\"\"New.\"\"\"  # why\n    pass\n",
    ),
]


@pytest.mark.parametrize(("before", "symbol", "docstring", "after"), SPLICE_CASES)
async def test_headers_and_literals_the_splice_must_get_right(
    git_project: Path, before: str, symbol: str, docstring: str, after: str
) -> None:
    target = git_project / "s.py"
    target.write_bytes(b"\xef\xbb\xbf" + before.encode())  # a BOM must survive too
    async with Client(build_server(load_config(git_project))) as client:
        args = {"path": "s.py", "symbol": symbol, "docstring": docstring}
        dry = await client.call_tool("apply_docstring", args)
        assert not dry.is_error, dry.content[0].text
        real = await client.call_tool(
            "apply_docstring", {**args, "dry_run": False, "expected_hash": dry.structured_content["content_hash"]}
        )
        assert not real.is_error, real.content[0].text
    assert target.read_bytes() == b"\xef\xbb\xbf" + after.encode()
    assert ast.get_docstring(find_symbol(ast.parse(after), symbol, "s.py").node) == docstring
