"""A single-pass scanner for what delta needs from a Python file: row kinds, units, calls.

Why not ``tokenize`` and ``ast``: scoring a change of 1,000 files must take under 3 s cold,
and on the standard library ``tokenize`` plus ``ast.parse`` of both versions took 36 s for
679 files (``bench/delta_speed.py``). Delta only needs the kinds of the *changed* rows, the
functions and classes with their row spans, and the names called on added rows, so one
regular-expression pass finds the strings and comments (which is all the state a row's kind
depends on) and the rest is computed for the rows asked about. ``tests/delta/test_scan.py``
holds it to ``SourceFile.line_kinds`` and ``ast`` on real standard-library modules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple
from functools import cached_property, lru_cache
from itertools import accumulate

from pattern_warden.source import LineKind, SourceFile

#: Strings as "unrolled loops" (a run of plain characters, then one escape or lone quote, then a
#: run again): each character can be matched one way only, so the plain greedy quantifiers never
#: backtrack. No possessive quantifiers or atomic groups: CPython before 3.11.5 mis-matches them
#: (gh-106052; Debian 12's python3 is 3.11.2), which made docstrings count as code and the scan
#: ~1,000 times slower. A file that ends inside a string (or on a backslash in it) ends the string.
_SQ3 = r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\\?\Z)"
_DQ3 = r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\\?\Z)'
_SQ = r"'(?!'')[^'\\\n]*(?:\\.[^'\\\n]*)*'?"
_DQ = r'"(?!"")[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
#: Everything up to the next triple-quoted string is consumed without yielding: code, comments
#: and one-line strings (skipped so that a quote inside them is not taken for a start). The loop
#: can stop only before a triple quote or at the end, where the tail always matches, so it is
#: linear; only triple-quoted strings come back to Python.
_NEXT_TRIPLE = re.compile(f"[^'\"#]*(?:(?:#[^\\n]*|{_SQ}|{_DQ})[^'\"#]*)*(?:({_SQ3}|{_DQ3})|\\Z)", re.S)
_ONE_LINE = re.compile(f"{_SQ}|{_DQ}|#[^\\n]*")
_STRING_STATEMENT = re.compile(
    r"""[rRuU]?(?:"""
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""|'''
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|"""
    r'''"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[ \t]*(?:#.*)?$'''
)
_PREFIX = re.compile(r"[ \t]*[rRuU]?$")
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.M)
_HEADER = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]")
_ENDS_BLOCK = re.compile(r":[ \t]*(?:#.*)?$")
_CALL = re.compile(r"(?<!def )(?<!class )(?:([A-Za-z_][A-Za-z0-9_]*)[ \t]*\.[ \t]*|(?<![\w.]))"
                   r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
#: Methods of the built-in containers and strings: ``data.get(...)`` on a dict is not a call of
#: the project's own ``get``, so these count only on ``self``/``cls``.
_BUILTIN_METHODS = frozenset(
    name for kind in (dict, list, set, str, bytes, tuple, frozenset) for name in dir(kind) if not name.startswith("_")
)
_KEYWORDS = frozenset({"if", "elif", "while", "for", "return", "and", "or", "not", "in", "is", "await", "yield",
                       "assert", "del", "with", "except", "lambda", "else", "print", "raise", "case", "match"})


class Unit(NamedTuple):
    """A function or class: qualified name, kind, first row, indentation and enclosing unit.

    Where a unit ends is worked out only when asked (``Scan.end_of``): a 1,000-file change
    holds ~75,000 units, and only those around changed rows need their extent.
    """

    name: str
    kind: str
    start: int
    indent: int
    start_offset: int
    parent: str | None


@dataclass
class _Span:
    start_row: int
    end_row: int
    offset: int
    docstring: bool | None = None


class Scan:
    """Rows of one text, with the multi-line strings found in one regex pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        parts = text.split("\n")
        self.rows = parts[:-1] if parts and parts[-1] == "" else parts
        # Row start offsets without a Python-level loop (a 1,000-file change has ~10^6 rows).
        self._offsets = list(accumulate(map((1).__add__, map(len, self.rows)), initial=0))
        spans: list[_Span] = []
        for match in _NEXT_TRIPLE.finditer(text):
            start, end = match.span(1)
            if start >= 0 and text.find("\n", start, end) != -1:
                spans.append(_Span(self.row_of(start), self.row_of(end - 1), start))
        self._spans = spans
        self._span_starts = [s.start_row for s in spans]
        self._ends: dict[int, tuple[int, int]] = {}
        self._order: list[Unit] = []
        self._order_starts: list[int] = []
        self._calls: dict[tuple[int, ...], dict[str, set[str]]] = {}
        self._kinds: dict[int, LineKind] = {}

    def row_of(self, offset: int) -> int:
        """The 1-based row holding character ``offset``."""
        return bisect_right(self._offsets, offset)

    def _span_at(self, row: int) -> _Span | None:
        i = bisect_right(self._span_starts, row) - 1
        if i >= 0 and self._spans[i].end_row >= row:
            return self._spans[i]
        return None

    def _inside_string(self, row: int) -> bool:
        """True for a row that continues a multi-line string (its first row is not 'inside')."""
        span = self._span_at(row)
        return span is not None and span.start_row < row

    # -- kinds -------------------------------------------------------------------------

    def kind(self, row: int) -> LineKind:
        """What row ``row`` (1-based) holds, as ``tokenize`` would say, docstrings apart (kept:
        a warm review classifies the same changed rows again)."""
        found = self._kinds.get(row)
        if found is None:
            found = self._kinds[row] = self._kind(row)
        return found

    def _kind(self, row: int) -> LineKind:
        span = self._span_at(row)
        if span is not None:
            if span.docstring is None:
                line = self.rows[span.start_row - 1]
                column = span.offset - self._offsets[span.start_row - 1]
                span.docstring = bool(_PREFIX.match(line[:column])) and self._docstring_position(span.start_row)
            return LineKind.DOCSTRING if span.docstring else LineKind.CODE
        stripped = self.rows[row - 1].strip() if 0 < row <= len(self.rows) else ""
        if not stripped:
            return LineKind.BLANK
        if stripped[0] == "#":
            return LineKind.COMMENT
        if stripped[0] in "\"'rRuU" and _STRING_STATEMENT.match(stripped) and self._docstring_position(row):
            return LineKind.DOCSTRING
        return LineKind.CODE

    def kinds(self, rows: Iterable[int] | None = None) -> list[LineKind]:
        """The kinds of ``rows`` (default: every row)."""
        return [self.kind(r) for r in (rows if rows is not None else range(1, len(self.rows) + 1))]

    @cached_property
    def code_count(self) -> int:
        """Code rows in the whole file (for sizes and renames)."""
        return sum(1 for k in self.kinds() if k is LineKind.CODE)

    def _previous_code_row(self, row: int) -> int | None:
        for r in range(row - 1, 0, -1):
            stripped = self.rows[r - 1].strip()
            if self._inside_string(r) or (stripped and stripped[0] != "#"):
                return r
        return None

    def _docstring_position(self, row: int) -> bool:
        """A string statement on ``row`` is a docstring when it opens the module, or is the
        first statement after a ``def``/``class`` header."""
        previous = self._previous_code_row(row)
        if previous is None:
            return True
        if not _ENDS_BLOCK.search(self.rows[previous - 1]) or self._inside_string(previous):
            return False
        indent = _indent(self.rows[row - 1])
        depth = 0  # brackets closed below and not yet opened: rows inside a multi-line signature
        for r in range(previous, 0, -1):
            line = self.rows[r - 1]
            stripped = line.strip()
            if not stripped or stripped[0] == "#" or self._inside_string(r):
                continue
            code = _ONE_LINE.sub("''", line)
            depth = max(0, depth + sum(map(code.count, ")]}")) - sum(map(code.count, "([{")))
            if depth == 0 and _indent(line) < indent and stripped[0] not in ")]}":
                # The header's first row, however little its continuation rows are indented.
                return bool(_HEADER.match(stripped))
        return False

    # -- units and calls ---------------------------------------------------------------

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Functions and classes by qualified name (nested: ``Outer.inner``), first one wins."""
        found: dict[str, Unit] = {}
        order: list[Unit] = []
        stack: list[Unit] = []
        previous = 0
        starts, spans = self._span_starts, self._spans
        for match in _DEF.finditer(self.text):
            offset = match.start()
            row = bisect_right(self._offsets, offset)
            i = bisect_right(starts, row) - 1
            if i >= 0 and spans[i].start_row < row <= spans[i].end_row:
                continue  # 'def' written inside a string
            indent = _indent(match.group(1))
            while stack and stack[-1].indent >= indent:
                stack.pop()
            # A statement at or left of the enclosing header's indentation, between the last
            # definition and this one, means the enclosing unit ended (e.g. an `if` at top level).
            while stack and self._dedent_between(stack[-1].indent, previous, offset):
                stack.pop()
            name = f"{stack[-1].name}.{match.group(3)}" if stack else match.group(3)
            unit = Unit(name, match.group(2), row, indent, offset, stack[-1].name if stack else None)
            found.setdefault(name, unit)
            order.append(unit)
            stack.append(unit)
            previous = self._offsets[min(row, len(self.rows))]
        self._order = order
        self._order_starts = [u.start for u in order]
        return found

    def _dedent_between(self, indent: int, start: int, stop: int) -> bool:
        pattern = _dedent_pattern(indent)
        while (match := pattern.search(self.text, start, stop)) is not None:
            if not self._inside_string(bisect_right(self._offsets, match.start())):
                return True
            start = match.end()
        return False

    def end_of(self, unit: Unit) -> tuple[int, int]:
        """The unit's last row and end offset: the row before the next statement indented no
        deeper than its header (a regex search, not a loop over rows; string rows skipped)."""
        cached = self._ends.get(unit.start_offset)
        if cached is not None:
            return cached
        pattern = _dedent_pattern(unit.indent)
        pos = self._offsets[min(unit.start, len(self.rows))]
        last = len(self.rows)
        while (match := pattern.search(self.text, pos)) is not None:
            found = bisect_right(self._offsets, match.start())
            if not self._inside_string(found):
                last = found - 1
                break
            pos = match.end()
        while last > unit.start and self.rows[last - 1].lstrip()[:1] in ("", "#") and not self._inside_string(last):
            last -= 1  # trailing blank and comment rows belong to what follows, as in ast
        result = (last, self._offsets[min(last, len(self.rows))])
        self._ends[unit.start_offset] = result
        return result

    def unit_text(self, unit: Unit) -> str:
        """The unit's text with all whitespace runs collapsed, so a re-indented move compares equal."""
        return " ".join(self.text[unit.start_offset : self.end_of(unit)[1]].split())

    def enclosing(self, row: int) -> list[Unit]:
        """The units that hold ``row``, innermost first."""
        units = self.units
        i = bisect_right(self._order_starts, row) - 1
        if i < 0:
            return []
        held: list[Unit] = []
        unit: Unit | None = self._order[i]
        while unit is not None:
            if self.end_of(unit)[0] >= row:
                held.append(unit)
            unit = units.get(unit.parent) if unit.parent else None
        return held

    def touched(self, rows: Iterable[int]) -> set[str]:
        """Names of the units that hold any of ``rows``."""
        return {unit.name for row in rows for unit in self.enclosing(row)}

    def scope_of(self, row: int) -> str:
        """The innermost unit holding ``row``, or ``<module>``."""
        held = self.enclosing(row)
        return held[0].name if held else "<module>"

    def calls(self, rows: Collection[int]) -> dict[str, set[str]]:
        """Names called on ``rows`` (``f(`` and ``obj.f(``), grouped by enclosing unit; a built-in
        container or string method counts only when called on ``self`` or ``cls``. Kept per rows:
        a scan lives as long as its file's content, and a warm review asks again for the same rows
        (callers must not change the answer)."""
        ordered = tuple(sorted(rows))
        cached = self._calls.get(ordered)
        if cached is None:
            cached = self._calls[ordered] = self._called_on(ordered)
        return cached

    def _called_on(self, rows: tuple[int, ...]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for row in rows:
            if not 0 < row <= len(self.rows) or self._span_at(row) is not None:
                continue
            code = _ONE_LINE.sub("''", self.rows[row - 1])
            names = {
                name for receiver, name in _CALL.findall(code)
                if name not in _KEYWORDS and not (receiver and receiver not in ("self", "cls")
                                                  and name in _BUILTIN_METHODS)
            }
            if names:
                found.setdefault(self.scope_of(row), set()).update(names)
        return found


@lru_cache(maxsize=64)
def _dedent_pattern(indent: int) -> re.Pattern[str]:
    """A row that starts a statement at ``indent`` columns or fewer (tabs count as one here)."""
    return re.compile(rf"^[ \t]{{0,{indent}}}[^ \t\n#)\]}}]", re.M)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t")) + line[: len(line) - len(line.lstrip(" \t"))].count("\t") * 7


@lru_cache(maxsize=2048)
def scan(source: SourceFile) -> Scan:
    """The scan of a workspace ``SourceFile``; cached by object, which the workspace caches by
    content. 2,048 entries hold both sides of a 1,000-file change (the warm budget) while
    bounding memory to a few rows lists per file on top of the workspace's own cache."""
    return Scan(source.text)
