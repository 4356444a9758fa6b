"""``SourceFile``: one file's text, its content hash, its parse tree and its line kinds.

Rules, clones and delta all need the same three things from a file, so they are computed
once here, lazily, and cached with the file object (which the workspace caches by content
hash). The stdlib ``ast`` and ``tokenize`` are used because they are an order of magnitude
faster than libcst; libcst is kept for edits that must preserve formatting.

A file the running parser refuses is lowered (``lowering.py``) when it only uses newer syntax,
and otherwise parsed again with each broken function blanked out, so one bad function costs
its own findings only. Compiler errors the parser lets through (``nonlocal`` at module level,
``return`` outside a function) are found by compiling the tree.
"""

from __future__ import annotations

import ast
import enum
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from functools import cached_property

from pattern_warden.lowering import Lowered, lower


class LineKind(enum.Enum):
    """What a physical line holds, for counting code apart from everything else."""

    BLANK = "blank"
    COMMENT = "comment"
    DOCSTRING = "docstring"
    CODE = "code"


@dataclass(frozen=True)
class ParseFailure:
    """Why a file (or part of it) has no tree: a syntax error, nesting too deep for the parser,
    or an error the compiler raises on a parsed tree (``semantic``)."""

    line: int
    column: int
    message: str
    #: The Python version whose syntax this is, when it is newer than the running parser's.
    needs: str | None = None
    semantic: bool = False


@dataclass(frozen=True)
class Parse:
    """What parsing a text gave: the whole tree, or the tree less its broken functions, and why."""

    tree: ast.Module | None  # the whole file
    partial: ast.Module | None  # the file less the functions that hold a syntax error
    failures: tuple[ParseFailure, ...]
    #: True when ``failures`` already holds the compiler's errors: lowered and partial trees are
    #: compiled at once (before their nodes are restored), clean trees only when asked.
    compiled: bool = True


#: The file name given to the parser: SyntaxWarnings carry it, and one filter silences them all.
_PARSE_NAME = "<pattern-warden-parse>"
_MAX_RECOVERIES = 20


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

    def bare(self) -> SourceFile:
        """This version without what was computed from it (its lines, its tree): what a worker
        process is sent, so that only the bytes cross the pipe."""
        return SourceFile(path=self.path, text=self.text, digest=self.digest, size=self.size)

    @cached_property
    def lines(self) -> list[str]:
        """The lines as ``ast`` and ``tokenize`` number them (see ``NEWLINE``)."""
        parts = NEWLINE.split(self.text)
        return parts[:-1] if parts[-1] == "" else parts

    @cached_property
    def _parsed(self) -> Parse:
        return parse(self.text)

    @property
    def tree(self) -> ast.Module | None:
        """The parsed module, or None when the file does not parse (see ``parse_failure``)."""
        return self._parsed.tree

    @property
    def parse_failure(self) -> ParseFailure | None:
        """Why ``tree`` is None: the first syntax error, or nesting too deep; None when it parsed."""
        parsed = self._parsed
        return parsed.failures[0] if parsed.tree is None and parsed.failures else None

    @property
    def partial_tree(self) -> ast.Module | None:
        """When ``tree`` is None: the module without the functions that hold the syntax errors
        (None when the errors are not inside functions, or blanking them did not help)."""
        return self._parsed.partial

    @property
    def syntax_errors(self) -> tuple[ParseFailure, ...]:
        """Why the file or part of it has no tree (and, for lowered or partial trees, what the
        compiler refused); see ``compile_errors`` for the rest."""
        return self._parsed.failures

    @cached_property
    def compile_errors(self) -> tuple[ParseFailure, ...]:
        """What the compiler refuses in a tree that parsed natively (``nonlocal`` at module
        level, ``return`` outside a function): compiling costs a third of a check, so only
        on request."""
        parsed = self._parsed
        return () if parsed.compiled or parsed.tree is None else _compiled(parsed.tree)

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


#: SyntaxWarnings with these file names are ours: our parses, and (3.12+) ``tokenize``, whose C
#: tokenizer reports invalid escapes under "<string>" with no way to name the file.
_QUIET_NAMES = (_PARSE_NAME, "<string>")


def _quiet() -> None:
    """Silence SyntaxWarnings from our parses and tokenizing (matched by the file names they
    carry). A filter, not ``catch_warnings``, because that is not thread-safe; it is re-added
    when something (a test runner's ``catch_warnings``) has reset the filters."""
    present = {getattr(entry[3], "pattern", entry[3]) for entry in warnings.filters if entry[2] is SyntaxWarning}
    for name in _QUIET_NAMES:
        if re.escape(name) not in present:
            warnings.filterwarnings("ignore", category=SyntaxWarning, module=re.escape(name))


def _failure(exc: SyntaxError, lowered: Lowered | None = None, needs: str | None = None) -> ParseFailure:
    line, column = exc.lineno or 1, (exc.offset or 1) - 1
    if lowered is not None:
        column = lowered.column(line, column)
    return ParseFailure(line, max(column, 0), exc.msg, needs)


def _compiled(tree: ast.Module) -> tuple[ParseFailure, ...]:
    """The compiler's own errors for a tree that parsed (symbol table and code generation)."""
    try:
        compile(tree, _PARSE_NAME, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return (ParseFailure(exc.lineno or 1, max((exc.offset or 1) - 1, 0), exc.msg, semantic=True),)
    except (ValueError, TypeError, RecursionError, MemoryError):
        pass
    return ()


def parse(text: str) -> Parse:
    """Parse natively; else lower newer syntax and parse again; else recover around functions."""
    _quiet()
    try:
        return Parse(ast.parse(text, _PARSE_NAME), None, (), compiled=False)
    except SyntaxError as exc:
        error = exc
    except (RecursionError, MemoryError):
        return Parse(None, None, (ParseFailure(1, 0, "nesting too deep to parse"),))
    except ValueError as exc:  # source holding NUL bytes
        return Parse(None, None, (ParseFailure(1, 0, str(exc)),))
    lowered = lower(text)
    if lowered.text == text:
        return _recover(text, _failure(error, needs=lowered.needs(error.lineno or 1)), None)
    try:
        tree = ast.parse(lowered.text, _PARSE_NAME)
    except SyntaxError as exc:
        return _recover(lowered.text, _failure(exc, lowered, lowered.needs(exc.lineno or 1)), lowered)
    except (RecursionError, MemoryError, ValueError):
        return Parse(None, None, (_failure(error),))
    failures = (*_lowered_errors(lowered), *_compiled(tree))
    return Parse(lowered.restore(tree), None, failures)


def _lowered_errors(lowered: Lowered) -> tuple[ParseFailure, ...]:
    return tuple(ParseFailure(line, column, message, semantic=True) for line, column, message in lowered.errors)


_HEADER = re.compile(r"([ \t]*)(?:async[ \t]+def|def|class)\b")


def _broken_block(lines: list[str], line: int) -> tuple[int, int] | None:
    """The innermost ``def``/``class`` (decorators included) whose lines hold ``line``: 0-based
    first and last line, by indentation. The caller checks that blanking it lets the rest parse."""
    for header in range(min(line, len(lines)) - 1, -1, -1):
        match = _HEADER.match(lines[header])
        if not match:
            continue
        width = len(match.group(1))
        last = header
        for row in range(header + 1, len(lines)):
            stripped = lines[row].strip()
            if not stripped or stripped.startswith("#"):
                continue
            if len(lines[row]) - len(lines[row].lstrip()) <= width:
                break
            last = row
        if last + 1 < line:
            continue
        first = header
        while first > 0 and lines[first - 1].strip().startswith("@"):
            first -= 1
        return first, last
    return None


def _recover(text: str, first: ParseFailure, lowered: Lowered | None) -> Parse:
    """Blank the function holding each syntax error until the rest parses; give up (no partial
    tree) when an error lies outside any function or the blanking does not make progress."""
    failures = [first]
    lines = NEWLINE.split(text)
    # Every line end becomes "\n": a blanked line between a lone "\r" and a "\n" would
    # otherwise fuse them into one "\r\n" and shift every later line by one.
    ends = ["\n"] * (len(lines) - 1) + [""]
    for _ in range(_MAX_RECOVERIES):
        block = _broken_block(lines, failures[-1].line)
        if block is None:
            break
        start, stop = block
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        lines[start] = indent + "pass"
        for row in range(start + 1, stop + 1):
            lines[row] = ""
        try:
            tree = ast.parse("".join(line + end for line, end in zip(lines, ends)), _PARSE_NAME)
        except SyntaxError as exc:
            failure = _failure(exc, lowered, lowered.needs(exc.lineno or 1) if lowered else None)
            if failure.line <= stop:
                break  # the error did not move past the blanked function: not confined to it
            failures.append(failure)
            continue
        except (RecursionError, MemoryError, ValueError):
            break
        semantic = (*_lowered_errors(lowered), *_compiled(tree)) if lowered is not None else _compiled(tree)
        partial = lowered.restore(tree) if lowered is not None else tree
        return Parse(None, partial, (*failures, *semantic))
    return Parse(None, None, (first,))


def _guess_kind(line: str) -> LineKind:
    """Fallback for files that do not tokenize: a line starting with ``#`` is a comment."""
    return LineKind.COMMENT if line.lstrip().startswith("#") else LineKind.CODE


_NON_CODE_TOKENS = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)


def _python_line_kinds(text: str, count: int) -> list[LineKind] | None:
    _quiet()
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
