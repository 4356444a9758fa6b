"""``SourceFile``: one file's text, its content hash, its parse tree and its line kinds.

Rules, clones and delta all need the same three things from a file, so they are computed
once here, lazily, and cached with the file object (which the workspace caches by content
hash). The stdlib ``ast`` and ``tokenize`` are used because they are an order of magnitude
faster than libcst; libcst is kept for edits that must preserve formatting.
"""

from __future__ import annotations

import ast
import enum
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property


class LineKind(enum.Enum):
    """What a physical line holds, for counting code apart from everything else."""

    BLANK = "blank"
    COMMENT = "comment"
    DOCSTRING = "docstring"
    CODE = "code"


@dataclass(frozen=True)
class ParseFailure:
    """Why a file has no tree: a syntax error, or nesting too deep for the parser."""

    line: int
    column: int
    message: str


#: What ends a line for the Python parser. ``str.splitlines`` also splits at form feeds, vertical
#: tabs, \\x1c-\\x1e, \\x85 and U+2028/2029, which shifted every later line off the ast's numbering.
NEWLINE = re.compile(r"\r\n|\r|\n")

_DOC_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(eq=False)
class SourceFile:
    """A file read through the workspace. ``path`` is relative to the root, in POSIX form."""

    path: str
    text: str
    digest: str
    size: int

    @property
    def is_python(self) -> bool:
        """Python sources get tokenized line kinds and a parse tree; other files line counts only."""
        return self.path.endswith((".py", ".pyi"))

    @cached_property
    def lines(self) -> list[str]:
        """The lines as ``ast`` and ``tokenize`` number them (see ``NEWLINE``)."""
        parts = NEWLINE.split(self.text)
        return parts[:-1] if parts[-1] == "" else parts

    @cached_property
    def _parsed(self) -> ast.Module | ParseFailure:
        try:
            return ast.parse(self.text, filename=self.path, type_comments=False)
        except SyntaxError as exc:
            return ParseFailure(exc.lineno or 1, (exc.offset or 1) - 1, exc.msg)
        except (RecursionError, MemoryError):
            return ParseFailure(1, 0, "nesting too deep to parse")
        except ValueError as exc:  # source holding NUL bytes
            return ParseFailure(1, 0, str(exc))

    @property
    def tree(self) -> ast.Module | None:
        """The parsed module, or None when the file does not parse (see ``parse_failure``)."""
        parsed = self._parsed
        return parsed if isinstance(parsed, ast.Module) else None

    @property
    def parse_failure(self) -> ParseFailure | None:
        """Why ``tree`` is None: the syntax error, or nesting too deep; None when it parsed."""
        parsed = self._parsed
        return parsed if isinstance(parsed, ParseFailure) else None

    @cached_property
    def line_kinds(self) -> list[LineKind]:
        """One kind per line of ``lines``; Python files are tokenized, others only split."""
        if self.is_python:
            kinds = _python_line_kinds(self.text, len(self.lines))
            if kinds is not None:
                _mark_docstrings(kinds, self.tree)
                return kinds
        return [LineKind.BLANK if not line.strip() else _guess_kind(line) for line in self.lines]

    def count(self, kind: LineKind) -> int:
        """How many lines are of ``kind``."""
        return sum(1 for k in self.line_kinds if k is kind)


def _guess_kind(line: str) -> LineKind:
    """Fallback for files that do not tokenize: a line starting with ``#`` is a comment."""
    return LineKind.COMMENT if line.lstrip().startswith("#") else LineKind.CODE


_NON_CODE_TOKENS = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)


def _python_line_kinds(text: str, count: int) -> list[LineKind] | None:
    kinds = [LineKind.BLANK] * count
    try:
        # tokenize reads lines at "\n" only: a lone "\r" would merge two of the parser's lines.
        for tok in tokenize.generate_tokens(io.StringIO(NEWLINE.sub("\n", text)).readline):
            if tok.type == tokenize.COMMENT:
                row = tok.start[0] - 1
                if row < count and kinds[row] is LineKind.BLANK:
                    kinds[row] = LineKind.COMMENT
            elif tok.type not in _NON_CODE_TOKENS:
                for row in range(tok.start[0] - 1, min(tok.end[0], count)):
                    kinds[row] = LineKind.CODE
    except (tokenize.TokenError, SyntaxError, RecursionError):
        return None
    return kinds


def _mark_docstrings(kinds: list[LineKind], tree: ast.Module | None) -> None:
    if tree is None:
        return
    try:
        owners = [node for node in ast.walk(tree) if isinstance(node, _DOC_OWNERS)]
    except RecursionError:
        return
    for node in owners:
        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            first = body[0]
            for row in range(first.lineno - 1, min(first.end_lineno or first.lineno, len(kinds))):
                kinds[row] = LineKind.DOCSTRING
