"""The fast lexer must agree with the stdlib tokenize on every token it produces."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from pattern_warden.clones import lexer
from pattern_warden.clones.normalize import _stdlib_tokens, shape_of

TRICKY = [
    "x = (1,\n     2)  # comment\ny = [\n    3, \\\n    4]\n",
    "def f(a):\n\tif a:\n\t\treturn '''it's\n\"quoted\"\n'''\n\treturn rb'\\x00' + f\"{a!r:>{10}}\"\n",
    "class A:\n    def m(self):\n        pass\n\n\n# trailing comment\n",
    "s = 'a\\\nb'\nt = 1_000.5e-3j + 0x_FF + .5\nu = a @ b ** -c // d\n",
    "if x:\r\n    y = 1\r\nelse:\r\n    y = 2",
    "lambda: (yield)\nprint(*args, **kw) ; x := 1\n",
    "données = {'clé': 1}\n",
    # 3.12+ tokenize gives f-strings in parts that do not add up to the source text.
    "raise f'{{}}' from e\nx = f'{ a + b !r:>{ width }}}}'\n",
]


@pytest.mark.parametrize("code", TRICKY)
def test_agrees_with_tokenize(code: str) -> None:
    assert lexer.lex(code) == _stdlib_tokens(code.replace("\r\n", "\n"))


def test_gives_up_rather_than_guessing() -> None:
    assert lexer.lex("if x:\n        a = 1\n    b = 2\n") is None  # dedent to no open level
    assert lexer.lex("x = 'unterminated\n") is None
    assert lexer.lex("x = $y\n") is None
    # A field holding the f-string's own quote (PEP 701) would otherwise be cut into three tokens.
    assert lexer.lex('x = f"{d["k"]}" + f"{"a"}{"b"}"\n') is None
    # The slow path then decides: here it fails too, and the file has no shape.
    assert shape_of('x = """never closed\n') is None
    assert shape_of("x = 1\ny = $\n") is not None


@pytest.mark.parametrize("name", ["test_grammar.py", "test_fstring.py", "test_tokenize.py", "tokenize.py"])
def test_agrees_on_the_standard_library(name: str) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    path = stdlib / name if (stdlib / name).exists() else stdlib / "test" / name
    if not path.exists():
        pytest.skip(f"{name} is not installed with this interpreter")
    text = path.read_text(encoding="utf-8")
    fast = lexer.lex(text)
    if name == "test_fstring.py" and sys.version_info >= (3, 12):
        # From 3.12 this file tests PEP 701 f-strings (their own quotes and newlines inside
        # replacement fields), which only tokenize can follow: the lexer must give up on it.
        assert fast is None
        return
    assert fast is not None
    assert fast == _stdlib_tokens(text)
