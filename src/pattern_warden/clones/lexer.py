"""A fast Python lexer for clone detection: one compiled regular expression, run in C.

The stdlib ``tokenize`` module is pure Python on 3.11 and was most of the cold time of a
duplicates scan (about 20 µs a token). Clone detection needs only five kinds of token and
the logical-line structure, so this lexer yields exactly those, and gives up (returns None)
on anything it is not sure of: an unterminated string, an inconsistent dedent, a character
it does not know. The caller then falls back to ``tokenize``, so the answer never depends on
which path produced it (the tests compare both on real code).
"""

from __future__ import annotations

import re
from collections.abc import Callable

NAME, NUMBER, STRING, OP, NEWLINE, INDENT, DEDENT = range(7)

_TOKEN = re.compile(
    r"""
    (?P<skip>[ \t\f]+|\#[^\n]*)
  | (?P<cont>\\\n)
  | (?P<nl>\n)
  | (?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<number>0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<op>\*\*=|//=|>>=|<<=|\.\.\.|->|:=|[-+*/%&|^@=!<>]=|\*\*|//|<<|>>|[-+*/%&|^~@<>=.,:;])
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_Append = Callable[[tuple[int, str, int, int]], None]
#: Token codes by group name; "bad" (a character no token starts with) is missing on purpose.
_CODES = {"name": NAME, "number": NUMBER, "op": OP}


class _Unsure(Exception):
    """Raised inside the lexer when only ``tokenize`` can say what the text means."""


def lex(text: str) -> list[tuple[int, str, int, int]] | None:
    """(kind, text, first row, last row) tokens with NEWLINE/INDENT/DEDENT, or None if unsure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _lex(text if text.endswith("\n") else text + "\n")
    except (_Unsure, KeyError):
        return None


def _lex(text: str) -> list[tuple[int, str, int, int]]:
    """The token loop; one function because it runs once a token (about 0.6 µs each on Django).

    ``level`` folds two facts into one number so the loop tests one thing at a line's end:
    -1 between logical lines, otherwise the depth of open brackets in the current line.
    """
    out: list[tuple[int, str, int, int]] = []
    append = out.append
    indents = [0]
    level = -1
    row = 1
    line_start = 0  # offset of the current physical line
    for found in _TOKEN.finditer(text):
        kind = found.lastgroup
        if kind == "skip":
            continue
        if kind == "nl":
            if level == 0:
                append((NEWLINE, "", row, row))
                level = -1
            row += 1
            line_start = found.end()
            continue
        if kind == "cont":
            row += 1
            line_start = found.end()
            continue
        if level < 0:
            level = 0
            _indent(len(text[line_start : found.start()].expandtabs(8)), indents, append, row)
        value = found.group()
        if kind == "string":
            if "{" in value and not _fields_closed(value):
                raise _Unsure("a quote inside an f-string's replacement field (PEP 701, Python 3.12+)")
            last = row + value.count("\n")
            append((STRING, value, row, last))
            row = last
        elif kind == "open":
            level += 1
            append((OP, value, row, row))
        elif kind == "close":
            level = max(0, level - 1)
            append((OP, value, row, row))
        else:
            append((_CODES[kind], value, row, row))  # KeyError for "bad": the caller gives up
    _finish(append, level >= 0, len(indents) - 1, row)
    return out


def _fields_closed(string: str) -> bool:
    """False for an f-string whose replacement fields do not close inside the matched text.

    Since Python 3.12 (PEP 701) a field may hold the f-string's own quote (``f"{d["k"]}"``),
    which ends the pattern's match early: such a cut-off string is the only sign of it, and
    only ``tokenize`` can say where the string ends. Plain strings are always closed. Braces
    inside a field's own strings (``f"{'{'}"``, valid on every version) are text, not fields.
    """
    prefix = string[: len(string) - len(string.lstrip("rRbBuUfF"))]
    if "f" not in prefix.lower():
        return True
    body = string[len(prefix):]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    depth, i, end = 0, len(quote), len(body) - len(quote)
    while i < end:
        char = body[i]
        if depth == 0 and body.startswith(("{{", "}}"), i):
            i += 2  # an escaped literal brace
            continue
        if depth > 0 and char in "'\"":
            inner = char * 3 if body.startswith(char * 3, i) else char
            closing = body.find(inner, i + len(inner))  # a string inside the field: skip it whole
            if closing < 0 or closing + len(inner) > end:
                return False
            i = closing + len(inner)
            continue
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
        i += 1
    return depth == 0


def _finish(append: _Append, in_line: bool, open_blocks: int, row: int) -> None:
    """Close the last logical line and every block still open, as ``tokenize`` does at the end."""
    if in_line:
        append((NEWLINE, "", row, row))
    for _ in range(open_blocks):
        append((DEDENT, "", row, row))


def _indent(width: int, indents: list[int], append: _Append, row: int) -> None:
    """INDENT or DEDENT tokens for a logical line starting at ``width`` columns."""
    if width > indents[-1]:
        indents.append(width)
        append((INDENT, "", row, row))
    while width < indents[-1]:
        indents.pop()
        append((DEDENT, "", row, row))
    if width != indents[-1]:
        raise _Unsure("a dedent to a column no open block started at")
