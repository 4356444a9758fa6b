"""Token shapes of a Python file: what clone detection compares instead of raw text.

A file becomes a list of *logical lines* (the tokens between two NEWLINE tokens, so layout,
line continuations and comments no longer matter), each kept in two forms:

- the **exact** form: the token strings joined by one space. Two fragments with equal exact
  forms are type-1 clones (same code, other layout or comments).
- the **renamed** form: one character per token, with every identifier, number and string
  collapsed to a placeholder. Equal renamed forms are type-2 clones; the rapidfuzz distance
  between renamed forms measures type-3 similarity.

Each line also records its change of indentation depth, so a block copied to another depth
still matches while its inner structure is kept. Functions and methods become ``Unit`` rows
(their span of logical lines) for whole-function comparison and for ``find_similar``.

The result is plain lists, tuples and strings so that it can be cached on disk with
``marshal`` and shipped between processes cheaply.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import add, sub

from pattern_warden import codekind
from pattern_warden.clones import lexer

#: Bumped whenever the shape format or its meaning changes, so stale caches are ignored.
SHAPE_VERSION = 8

#: Line flags: what kind of boilerplate a logical line belongs to.
FLAG_IMPORT = 1
FLAG_TRIVIAL = 2  # inside an __init__ that only assigns, or a one-statement accessor/property
FLAG_SCAFFOLD = 4  # inside test scaffolding (setUp/tearDown, fixtures)
FLAG_HEADER = 8  # a class header or decorator: neutral, it neither makes nor unmakes boilerplate
FLAG_DECLARATION = 16  # outside functions, a name bound to a value: a setting or class attribute

_SKIPPED_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
_KEYWORDS = frozenset(keyword.kwlist)
_CONSTANTS = frozenset({"True", "False", "None"})
#: Python 3.12+ (PEP 701) splits f-strings, and 3.14 t-strings, into a start, parts and an end.
_TEMPLATE_STARTS = frozenset(getattr(tokenize, n) for n in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, n))
_TEMPLATE_ENDS = frozenset(getattr(tokenize, n) for n in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, n))
_NAME_CHAR, _NUMBER_CHAR, _STRING_CHAR = "\u0100", "\u0101", "\u0102"
_SCAFFOLD_NAMES = frozenset({"setUp", "tearDown", "setUpClass", "tearDownClass", "setUpTestData", "setup_method",
                             "teardown_method", "setup_class", "teardown_class", "asyncSetUp", "asyncTearDown"})


@lru_cache(maxsize=4096)
def token_char(token: str) -> str:
    """One stable character for a keyword or operator (stable across processes, for caches)."""
    return chr(0x110 + zlib.crc32(token.encode()) % 0xD600)


def delta_char(delta: int) -> str:
    """The character that stands for a change of indentation depth before a line."""
    return chr(64 + max(-40, min(40, delta)))


@dataclass(frozen=True)
class Unit:
    """A function or method: its qualified name, rows and span of logical lines."""

    name: str
    start: int  # first row, decorators included (1-based)
    end: int  # last row
    first: int  # index of its first logical line
    last: int  # index of its last logical line (inclusive)
    trivial: str  # why it is boilerplate ('' when it is not)


@dataclass
class Shape:
    """A file's logical lines (parallel lists), its units and its code rows."""

    # Tuples, not lists: tuples of strings and numbers drop out of the cyclic garbage collector's
    # sight, and a warm server holding a whole tree's shapes otherwise pays for traversing them
    # on every full collection (0.1 s on Django, every other call).
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    deltas: tuple[int, ...]
    exact: tuple[str, ...]
    renamed: tuple[str, ...]
    flags: tuple[int, ...]
    units: tuple[Unit, ...]
    code_rows: int
    #: (qualified name, dotted names of its bases) of each class: where a shared helper belongs.
    classes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Rows of comments marking code as generated (``codekind.generated_marks``; the shape keeps
    #: no comments), and whether the file's header says a generator wrote all of it.
    generated: tuple[int, ...] = ()
    generated_file: bool = False
    #: Values derived from the shape, kept for the life of the object (a warm server reuses them).
    memo: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def window_hashes(self, k: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Per line: the renamed line's hash, and with its depth change; per window of k lines: its key.

        A window's key leaves out its first line's depth change: a block may be copied to
        another depth.
        """
        key = ("windows", k)
        if key not in self.memo:  # map/zip keep the loops in C: the CLI computes this for every file
            content = tuple(map(hash, self.renamed))
            step = tuple(map(hash, zip(self.deltas, content)))
            windows = tuple(map(hash, zip(content, *(step[i:] for i in range(1, k)))))
            self.memo[key] = (content, step, windows)
        return self.memo[key]  # type: ignore[return-value]

    def rows(self, first: int, last: int) -> int:
        """Rows holding code in logical lines ``first..last`` (blank and comment rows between excluded)."""
        prefix = self.prefix()[0]
        return prefix[last + 1] - prefix[first]

    def tokens(self, first: int, last: int) -> int:
        """Tokens in logical lines ``first..last``."""
        prefix = self.prefix()[1]
        return prefix[last + 1] - prefix[first]

    def prefix(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Running totals of code rows and of tokens, so any run is measured in constant time."""
        if "prefix" not in self.memo:  # line i spans ends[i] - starts[i] + 1 rows
            spans = accumulate(map(sub, self.ends, self.starts), initial=0)
            rows = tuple(map(add, spans, range(len(self.starts) + 1)))
            self.memo["prefix"] = (rows, tuple(accumulate(map(len, self.renamed), initial=0)))
        return self.memo["prefix"]  # type: ignore[return-value]

    def unit_text(self, unit: Unit, body_only: bool = False) -> str:
        """The renamed form of a unit, depth changes included (the first line's excluded).

        ``body_only`` leaves out the decorators and the ``def`` line: methods overriding one
        interface share a signature by contract, which says nothing about their bodies.
        """
        first = self.body_start(unit) if body_only else unit.first
        if first > unit.last:
            return ""
        parts = [self.renamed[first]]
        for i in range(first + 1, unit.last + 1):
            parts.append(delta_char(self.deltas[i]))
            parts.append(self.renamed[i])
        return "".join(parts)

    def body_start(self, unit: Unit) -> int:
        """Index of the first logical line after the unit's ``def`` line."""
        for i in range(unit.first, unit.last + 1):
            if self.exact[i].startswith(("def ", "async def ")):
                return i + 1
        return unit.first

    def exact_tokens(self, first: int, last: int) -> list[str]:
        """The exact tokens of logical lines ``first..last`` (strings split at spaces)."""
        return " ".join(self.exact[first : last + 1]).split(" ")

    def dump(self) -> tuple:
        """Plain tuples for ``marshal`` (the CLI's cache, the tokenizing workers), versioned."""
        units = [(u.name, u.start, u.end, u.first, u.last, u.trivial) for u in self.units]
        return (SHAPE_VERSION, self.starts, self.ends, self.deltas, self.exact, self.renamed, self.flags, units,
                self.code_rows, self.classes, self.generated, self.generated_file)

    @classmethod
    def load(cls, data: object) -> Shape | None:
        """A shape from ``dump()`` output, or None when it is stale or malformed."""
        if not isinstance(data, tuple) or len(data) != 12 or data[0] != SHAPE_VERSION:
            return None
        _, starts, ends, deltas, exact, renamed, flags, units, code_rows, classes, generated, generated_file = data
        try:
            return cls(tuple(starts), tuple(ends), tuple(deltas), tuple(exact), tuple(renamed), tuple(flags),
                       tuple(Unit(*u) for u in units), int(code_rows),
                       tuple((str(name), tuple(map(str, bases))) for name, bases in classes),
                       tuple(map(int, generated)), bool(generated_file))
        except TypeError:
            return None


class _LineBuilder:
    """Collects tokens into logical lines while tokenize walks the file."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.deltas: list[int] = []
        self.exact: list[str] = []
        self.renamed: list[str] = []
        self.code_rows: set[int] = set()
        self.names: list[str] = []  # the real name on a def or class line ('' elsewhere)
        self._name = ""
        self._exact: list[str] = []
        self._renamed: list[str] = []
        self._start = 0
        self._end = 0
        self._delta = 0

    def add(self, exact: str, renamed: str, start: int, end: int) -> None:
        if not self._exact:
            self._start = start
        self._exact.append(exact)
        self._renamed.append(renamed)
        self._end = end

    def indent(self, change: int) -> None:
        self._delta += change

    def close(self) -> None:
        if not self._exact:
            return
        if self._renamed == [_STRING_CHAR]:
            # A lone string is a docstring (or a comment written as one): prose, not code.
            # Its depth change passes to the next line so the structure stays the same.
            self._exact, self._renamed, self._name = [], [], ""
            return
        if self._exact[0] in ("import", "from") and "import" in self._exact:
            # Imports keep their names: with names abstracted every import list would look alike.
            self._renamed = [token_char(t) for t in self._exact]
        self.starts.append(self._start)
        self.ends.append(self._end)
        self.deltas.append(self._delta)
        self.exact.append(" ".join(self._exact))
        self.renamed.append("".join(self._renamed))
        self.code_rows.update(range(self._start, self._end + 1))
        self.names.append(self._name)
        self._exact, self._renamed, self._delta, self._name = [], [], 0, ""

    def name(self, value: str) -> None:
        """Remember the real name of the def or class being read (the shapes mask it)."""
        if not self._name:
            self._name = value


def _stdlib_tokens(text: str) -> list[tuple[int, str, int, int]]:
    """The lexer's tuples from ``tokenize``: the slow, exact path when the fast lexer is unsure.

    An f-string is one STRING token whose text is the source's, as 3.11's tokenize gives it:
    on 3.12+ its parts are skipped and the whole is cut from the text, because the parts do not
    add up to it (``{{`` comes back as ``{``, spaces inside replacement fields are dropped).
    """
    out: list[tuple[int, str, int, int]] = []
    depth = 0
    opened = (0, 0)
    line_starts: list[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tok.type
        if kind in _SKIPPED_TOKENS:
            continue
        if kind in _TEMPLATE_STARTS:
            depth += 1
            opened = tok.start if depth == 1 else opened
            continue
        if depth:
            if kind in _TEMPLATE_ENDS:
                depth -= 1
                if not depth:
                    line_starts = line_starts or [0, *accumulate((len(line) + 1 for line in text.split("\n")), initial=0)]
                    whole = text[line_starts[opened[0]] + opened[1] : line_starts[tok.end[0]] + tok.end[1]]
                    out.append((lexer.STRING, whole, opened[0], tok.end[0]))
            continue
        code = _KIND_CODES.get(kind, lexer.OP)
        structural = code in (lexer.NEWLINE, lexer.INDENT, lexer.DEDENT)
        out.append((code, "" if structural else tok.string, tok.start[0], tok.start[0] if structural else tok.end[0]))
    return out


_KIND_CODES = {
    tokenize.NAME: lexer.NAME, tokenize.NUMBER: lexer.NUMBER, tokenize.STRING: lexer.STRING,
    tokenize.NEWLINE: lexer.NEWLINE, tokenize.INDENT: lexer.INDENT, tokenize.DEDENT: lexer.DEDENT,
}


#: Placeholders of the literal token kinds; keywords and operators get ``token_char`` instead.
_LITERAL_CHARS = {lexer.NUMBER: _NUMBER_CHAR, lexer.STRING: _STRING_CHAR}


def _tokens(text: str) -> list[tuple[int, str, int, int]]:
    """The fast lexer's tokens, or ``tokenize``'s where the lexer is unsure."""
    tokens = lexer.lex(text)
    return tokens if tokens is not None else _stdlib_tokens(text)


def _tokens_to_lines(text: str) -> _LineBuilder:
    """Logical lines from tokens; names are handled inline because a third of all tokens are names."""
    builder = _LineBuilder()
    after_def = False
    for kind, value, first, last in _tokens(text):
        if kind == lexer.NEWLINE:
            builder.close()
        elif kind == lexer.INDENT:
            builder.indent(1)
        elif kind == lexer.DEDENT:
            builder.indent(-1)
        elif kind == lexer.NAME:
            if value in _CONSTANTS:  # literals in all but name: abstracted like numbers
                builder.add(value, _NUMBER_CHAR, first, last)
            elif value in _KEYWORDS:
                builder.add(value, token_char(value), first, last)
            else:
                # A function's or class's own name is not part of what it does.
                builder.add("$" if after_def else value, _NAME_CHAR, first, last)
                if after_def:
                    builder.name(value)
            after_def = value in ("def", "class")
            continue
        else:
            builder.add(value, _LITERAL_CHARS.get(kind) or token_char(value), first, last)
        after_def = False
    builder.close()
    return builder


def _assigns(tokens: list[str]) -> bool:
    """True for an assignment statement: an ``=`` outside brackets (not a keyword argument)."""
    depth = 0
    for token in tokens:
        if token in ("(", "[", "{"):
            depth += 1
        elif token in (")", "]", "}"):
            depth -= 1
        elif token == "=" and depth == 0:
            return True
    return False


def _assigns_or_calls(exact: str) -> bool:
    tokens = exact.split(" ")
    return _assigns(tokens) or (tokens[-1] == ")" and tokens[0] not in _KEYWORDS)


def _trivial_reason(lines: _LineBuilder, name: str, first: int, head: int, last: int,
                         depths: list[int]) -> str:
    """Why a function is boilerplate: scaffolding, an assign-only ``__init__``, a one-line accessor."""
    body = range(head + 1, last + 1)
    flat = all(depths[i] == depths[head] + 1 for i in body)
    if name in _SCAFFOLD_NAMES or any("fixture" in lines.exact[i] for i in range(first, head)):
        return "test scaffolding"
    if name == "__init__" and flat and all(_assigns_or_calls(lines.exact[i]) for i in body):
        return "an __init__ that only assigns"
    if head == last or (len(body) == 1 and flat and (
            lines.exact[last].split(" ", 1)[0] in ("return", "pass") or _assigns(lines.exact[last].split(" ")))):
        return "a one-statement accessor"
    return ""


def _bases(exact: str) -> tuple[str, ...]:
    """Dotted names of the bases on a ``class`` line (``class $ ( abc . Base , metaclass = M ) :``)."""
    tokens = exact.split(" ")
    if len(tokens) < 4 or tokens[2] != "(":
        return ()
    bases, part, depth = [], [], 0
    for token in tokens[3:]:
        if token in ("(", "[", "{"):
            depth += 1
        elif token in (")", "]", "}"):
            depth -= 1
        if depth < 0 or (depth == 0 and token == ","):
            dotted = "".join(t for t in part if t.isidentifier() or t == ".").strip(".")
            if dotted and "=" not in part:
                bases.append(dotted)
            part = []
            if depth < 0:
                break
        elif depth == 0 and token != "]":
            part.append(token)
    return tuple(bases)


def _units_from_lines(lines: _LineBuilder) -> tuple[list[Unit], list[tuple[str, tuple[str, ...]]]]:
    """Functions and methods from the logical lines (a def line and every deeper line after it),
    and each class with its bases.

    Read from tokens rather than from ``ast`` because parsing was most of a cold scan's time.
    """
    depths: list[int] = []
    depth = 0
    for delta in lines.deltas:
        depth += delta
        depths.append(depth)
    units: list[Unit] = []
    classes: list[tuple[str, tuple[str, ...]]] = []
    scope: list[tuple[int, str]] = []  # (depth, qualified name) of the enclosing defs and classes
    count = len(lines.exact)
    for i, exact in enumerate(lines.exact):
        here = depths[i]
        while scope and scope[-1][0] >= here:
            scope.pop()
        is_def = exact.startswith(("def ", "async def "))
        if not (is_def or exact.startswith("class ")):
            continue
        name = f"{scope[-1][1]}.{lines.names[i]}" if scope else lines.names[i]
        scope.append((here, name))
        if not is_def:
            classes.append((name, _bases(exact)))
            continue
        first = i
        while first > 0 and depths[first - 1] == here and lines.exact[first - 1].startswith("@"):
            first -= 1
        last = i
        while last + 1 < count and depths[last + 1] > here:
            last += 1
        reason = _trivial_reason(lines, lines.names[i], first, i, last, depths)
        units.append(Unit(name, lines.starts[first], lines.ends[last], first, last, reason))
    units.sort(key=lambda u: (u.start, -u.end))
    return units, classes


#: Headers of blocks that hold a module's imports (neutral, as a class line is): an import list
#: guarded by one is still an import list.
_IMPORT_GUARDS = frozenset({"if TYPE_CHECKING :", "if typing . TYPE_CHECKING :", "try :", "else :",
                            "except ImportError :", "except ModuleNotFoundError :"})


#: An assignment to an attribute of a name (outside functions: an attribute set at import time).
_DOTTED_TARGET = re.compile(r"[A-Za-z_]\w*(?: \. [A-Za-z_]\w*)+ = ")


def _line_flag(exact: str) -> int:
    """A line's boilerplate flag before functions are known (their lines are re-flagged after)."""
    if exact.startswith(("import ", "from ")) and " import " in f" {exact} ":
        return FLAG_IMPORT
    if exact.startswith(("class ", "@")) or exact in _IMPORT_GUARDS:
        return FLAG_HEADER
    tokens = exact.split(" ", 2)
    if len(tokens) > 1 and tokens[1] in ("=", ":") and tokens[0] not in _KEYWORDS:
        return FLAG_DECLARATION
    if _DOTTED_TARGET.match(exact):  # ``func.argtypes = [...]``, ``f.__doc__ = doc``: a setting too
        return FLAG_DECLARATION
    return 0


def shape_of(text: str) -> Shape | None:
    """The shape of a Python source, or None when it does not tokenize."""
    try:
        lines = _tokens_to_lines(text)
        units, classes = _units_from_lines(lines)
    except (tokenize.TokenError, SyntaxError, RecursionError, ValueError, MemoryError):
        return None
    flags = [_line_flag(e) for e in lines.exact]
    for unit in units:  # outer units come first, so an inner unit's verdict wins
        flag = FLAG_SCAFFOLD if unit.trivial == "test scaffolding" else FLAG_TRIVIAL if unit.trivial else 0
        for i in range(unit.first, unit.last + 1):
            flags[i] = (flags[i] & (FLAG_IMPORT | FLAG_HEADER)) | flag
    return Shape(tuple(lines.starts), tuple(lines.ends), tuple(lines.deltas), tuple(lines.exact),
                 tuple(lines.renamed), tuple(flags), tuple(units), len(lines.code_rows), tuple(classes),
                 _between_statements(codekind.generated_marks(text), lines.starts, lines.ends),
                 codekind.generated_header(text))


def _between_statements(rows: tuple[int, ...], starts: list[int], ends: list[int]) -> tuple[int, ...]:
    """The rows that lie between logical lines: a comment there is the code's own, while one inside
    a statement's rows is, as a rule, text in a string (a generator writing its output's header)."""
    kept = []
    for row in rows:
        at = bisect_right(starts, row) - 1  # the last logical line starting at or before the row
        if at < 0 or ends[at] < row:
            kept.append(row)
    return tuple(kept)


def class_end(shape: Shape, first: int) -> int:
    """The last logical line of the class whose header is line ``first``."""
    depth = 0
    for i in range(first + 1, len(shape.exact)):
        depth += shape.deltas[i]
        if depth <= 0:
            return i - 1
    return len(shape.exact) - 1


def enclosing(shape: Shape, row: int, end: int | None = None) -> Unit | None:
    """The innermost unit holding ``row`` (and ``end`` when given)."""
    found = None
    for unit in shape.units:
        if unit.start > row:
            break
        if unit.end >= (end if end is not None else row):
            found = unit
    return found
