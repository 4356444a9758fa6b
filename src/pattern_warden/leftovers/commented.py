"""Commented-out code: comment blocks that parse as Python statements, not prose.

Prose rarely parses (``# see the note above`` does not), but a few prose shapes do, so a block
counts as code only when it holds a statement no sentence makes: an assignment, a call, a
``return``, an import, a definition or a block statement. A block that repeats a live function
(its ``def`` names one, or its lines stand in the file's live code) is the worst kind: the next
reader cannot tell which copy is meant, and it is reported with the highest confidence.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

from pattern_warden.leftovers.models import Leftover
from pattern_warden.source import SourceFile

#: Comments that are directives to a tool, never code.
_DIRECTIVE = re.compile(
    r"^\s*(type:|noqa|pragma|pylint:|mypy:|fmt:|isort:|warden:|nosec|ruff:|pyright:|-\*-|!|coding[:=]|"
    r"TODO|FIXME|XXX|NOTE|HACK|SPDX|Copyright|>>>|\.\.\.)", re.IGNORECASE)
_CODE_NODES = (ast.Assign, ast.AugAssign, ast.Return, ast.Import, ast.ImportFrom, ast.FunctionDef,
               ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.With,
               ast.AsyncWith, ast.Try, ast.Raise, ast.Delete, ast.Assert, ast.Global, ast.Nonlocal)


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str


def commented_code(source: SourceFile, live_functions: set[str]) -> list[Leftover]:
    """Comment blocks of ``source`` that are code; ``live_functions`` are the project's function names."""
    found: list[Leftover] = []
    live_lines = _live_lines(source)
    for block in _comment_blocks(source.text):
        statements = _as_code(block.text)
        if statements is None:
            continue
        lines = [ln.strip() for ln in block.text.splitlines() if ln.strip()]
        defined = [s.name for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        repeated = [d for d in defined if d in live_functions]
        shared = sum(1 for ln in lines if len(ln) > 12 and ln in live_lines)
        if repeated or (len(lines) >= 3 and shared * 2 >= len(lines)):
            what = f"a commented-out copy of the live {repeated[0]!r}" if repeated else \
                f"commented-out code whose lines stand in live code ({shared} of {len(lines)})"
            confidence = 95
        else:
            what = f"{len(lines)} commented-out line{'s' if len(lines) != 1 else ''} of code"
            confidence = 85 if len(lines) >= 3 else 70 if len(lines) == 2 else 60
        found.append(Leftover(
            kind="commented-out", path=source.path, line=block.start, end_line=block.end, symbol=None,
            confidence=confidence, action="delete",
            reason=f"Lines {block.start}-{block.end} are {what}; git keeps old code, comments should say why.",
            fix="Delete the commented-out lines (git history has them); if they document a choice, say it in prose.",
            evidence=[lines[0][:80]],
        ))
    return found


def _comment_blocks(text: str) -> list[_Block]:
    """Runs of consecutive lines that hold nothing but a comment."""
    blocks: list[_Block] = []
    run: list[tuple[int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    previous_line = -1
    own_line: dict[int, str] = {}
    code_lines = {t.start[0] for t in tokens if t.type not in
                  (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                   tokenize.ENDMARKER)}
    for token in tokens:
        if token.type == tokenize.COMMENT and token.start[0] not in code_lines:
            own_line[token.start[0]] = token.string[1:]
    for line in sorted(own_line):
        body = own_line[line]
        if run and line != previous_line + 1:
            blocks.append(_close(run))
            run = []
        run.append((line, body))
        previous_line = line
    if run:
        blocks.append(_close(run))
    return [b for b in blocks if b.text.strip()]


def _close(run: list[tuple[int, str]]) -> _Block:
    bodies = [body[1:] if body.startswith(" ") else body for _, body in run]
    return _Block(run[0][0], run[-1][0], "\n".join(bodies))


def _as_code(text: str) -> list[ast.stmt] | None:
    """The statements ``text`` holds when it is code and not prose or a directive; else None."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines or any(_DIRECTIVE.match(ln) for ln in lines[:1]):
        return None
    try:
        tree = ast.parse(textwrap.dedent(text))
    except (SyntaxError, ValueError):
        return None
    body = tree.body
    if not body or not all(_is_code(s) for s in body):
        return None
    return body


def _is_code(statement: ast.stmt) -> bool:
    """A statement no English sentence parses as."""
    if isinstance(statement, _CODE_NODES):
        return True
    if isinstance(statement, ast.AnnAssign):
        return statement.value is not None
    if isinstance(statement, ast.Expr):
        value = statement.value
        return isinstance(value, (ast.Call, ast.Await)) and isinstance(value.func if isinstance(value, ast.Call)
                                                                      else value, (ast.Name, ast.Attribute, ast.Call))
    return False


def _live_lines(source: SourceFile) -> set[str]:
    """The file's code lines, stripped: what a commented block may repeat."""
    return {ln.strip() for ln in source.lines if ln.strip() and not ln.lstrip().startswith("#")}
