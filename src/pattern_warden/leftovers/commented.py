"""Commented-out code: comment blocks that parse as Python statements, not prose.

Prose rarely parses (``# see the note above`` does not), but a few prose shapes do, so a block
counts as code only when it holds a statement no sentence makes: an assignment, a call, a
``return``, an import, a definition or a block statement. A block that repeats a live function
(its ``def`` names one, or its lines stand in the file's live code) is the worst kind: the next
reader cannot tell which copy is meant, and it is reported with the highest confidence.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from pattern_warden.leftovers.models import Leftover
from pattern_warden.source import SourceFile

#: Comments that are directives to a tool, never code.
#: What every statement ``_is_code`` accepts holds: an operator or bracket, or a leading keyword.
#: Prose without any is most comments, and looking costs a fraction of trying to parse it.
_MAYBE_CODE = re.compile(r"[=(:\[]|^\s*(return|import|from|raise|del|pass|break|continue|yield|assert|global|"
                         r"nonlocal|await)\b", re.MULTILINE)
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
    if "#" not in source.text:
        return []
    candidates = [(b, s) for b in _comment_blocks(source) if (s := _as_code(b.text)) is not None]
    if not candidates:
        return []
    inside, live_lines = _string_lines(source), _live_lines(source)
    for block, statements in candidates:
        if block.start in inside:
            continue  # a "#" line inside a multi-line string is text
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
            # a lone assignment is as often an illustration (``# g = g1 & g2`` above ``__and__``)
            # or a setting to uncomment; a lone call, return or import is rarely anything but code
            plain = all(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in statements)
            confidence = 85 if len(lines) >= 3 else 70 if len(lines) == 2 else 40 if plain else 60
        found.append(Leftover(
            kind="commented-out", path=source.path, line=block.start, end_line=block.end, symbol=None,
            confidence=confidence, action="delete",
            reason=f"Lines {block.start}-{block.end} are {what}; git keeps old code, comments should say why.",
            fix="Delete the commented-out lines (git history has them); if they document a choice, say it in prose.",
            evidence=[lines[0][:80]],
        ))
    return found


def _comment_blocks(source: SourceFile) -> list[_Block]:
    """Runs of consecutive lines that hold nothing but a comment.

    A line that starts with ``#`` is a comment unless a multi-line string spans it; that is
    asked of the parse tree only for the few blocks that parse as code (reading lines is ten
    times cheaper than tokenizing the file).
    """
    blocks: list[_Block] = []
    run: list[tuple[int, str]] = []
    for number, line in enumerate(source.lines, 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            run.append((number, stripped[1:]))
            continue
        if run:
            blocks.append(_close(run))
            run = []
    if run:
        blocks.append(_close(run))
    return [b for b in blocks if b.text.strip()]


def _string_lines(source: SourceFile) -> set[int]:
    """Lines inside a multi-line string (after its first line), where a ``#`` is text."""
    tree = source.tree or source.partial_tree
    inside: set[int] = set()
    if tree is None:
        return inside
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno and node.end_lineno > node.lineno:
            inside.update(range(node.lineno + 1, node.end_lineno + 1))
    return inside


def _close(run: list[tuple[int, str]]) -> _Block:
    bodies = [body[1:] if body.startswith(" ") else body for _, body in run]
    return _Block(run[0][0], run[-1][0], "\n".join(bodies))


def _as_code(text: str) -> list[ast.stmt] | None:
    """The statements ``text`` holds when it is code and not prose or a directive; else None."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines or any(_DIRECTIVE.match(ln) for ln in lines[:1]) or not _MAYBE_CODE.search(text):
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
