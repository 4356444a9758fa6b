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

NAME, NUMBER, STRING, OP, NEWLINE, INDENT, DEDENT = range(7)

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\f]+)
  | (?P<comment>\#[^\n]*)
  | (?P<cont>\\\n)
  | (?P<nl>\n)
  | (?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<number>0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*=|//=|>>=|<<=|\.\.\.|->|:=|[-+*/%&|^@=!<>]=|\*\*|//|<<|>>|[-+*/%&|^~@<>=.,:;()\[\]{}])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def lex(text: str) -> list[tuple[int, str, int, int]] | None:
    """(kind, text, first row, last row) tokens with NEWLINE/INDENT/DEDENT, or None if unsure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    out: list[tuple[int, str, int, int]] = []
    append = out.append
    indents = [0]
    depth = 0
    row = 1
    line_start = 0  # offset of the current physical line
    in_line = False  # a logical line has started
    pos = 0
    end = len(text)
    match = _TOKEN.match
    while pos < end:
        found = match(text, pos)
        if found is None:
            return None
        kind = found.lastgroup
        value = found.group()
        pos = found.end()
        if kind == "ws" or kind == "comment":
            continue
        if kind == "nl":
            if in_line and depth == 0:
                append((NEWLINE, "", row, row))
                in_line = False
            row += 1
            line_start = pos
            continue
        if kind == "cont":
            row += 1
            line_start = pos
            continue
        if not in_line:
            in_line = True
            if depth == 0:
                width = len(text[line_start : found.start()].expandtabs(8))
                if width > indents[-1]:
                    indents.append(width)
                    append((INDENT, "", row, row))
                while width < indents[-1]:
                    indents.pop()
                    append((DEDENT, "", row, row))
                if width != indents[-1]:
                    return None
        first = row
        if kind == "string":
            row += value.count("\n")
            if row != first:
                line_start = text.rfind("\n", 0, pos) + 1
            append((STRING, value, first, row))
        elif kind == "name":
            append((NAME, value, row, row))
        elif kind == "number":
            append((NUMBER, value, row, row))
        else:
            if value in _OPEN:
                depth += 1
            elif value in _CLOSE:
                depth = max(0, depth - 1)
            append((OP, value, row, row))
    if in_line:
        append((NEWLINE, "", row, row))
    out.extend((DEDENT, "", row, row) for _ in indents[1:])
    return out
