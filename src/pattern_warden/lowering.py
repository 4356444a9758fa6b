"""Lowering newer Python syntax to what the running interpreter parses, keeping every position.

pattern-warden runs on Python 3.11 and up; the projects it reads may be written for 3.12-3.14.
When ``ast.parse`` refuses a file, the constructs those versions added are rewritten in the text
for the running parser, every line and (after ``Lowered.restore``) every column kept:

- PEP 695/696 type parameters ``def f[T: int = str](...)`` / ``class C[T]``: the bracket
  becomes blanks (3.11; on 3.12 only when it holds 3.13 defaults);
- ``type X[T] = v``: becomes ``X          = v`` and is restored as a ``TypeAlias`` node;
- PEP 750 t-strings: the prefix ``t`` becomes ``f``, and the node is restored as ``TemplateStr``;
- PEP 701 f-strings on 3.11: nested strings reusing the enclosing quote get the other quote,
  backslashes and comments inside replacement fields become blanks, and a single-quoted
  f-string whose fields span lines gets triple quotes;
- PEP 758 ``except A, B:``: parentheses are inserted.

Only files that fail to parse natively pay for this. Blanks move nothing; inserted characters
are taken back out of the tree's columns by ``Lowered.restore``. What cannot be lowered is kept
so that the syntax error can name the Python it needs (``Lowered.needs``).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field

RUNNING = sys.version_info[:2]
_QUOTES = "'\""
_PREFIX_LETTERS = frozenset("rbuftRBUFT")
_OPEN, _CLOSE = "([{", ")]}"
_ESCAPE = re.compile(r"\\.", re.DOTALL)
#: What the scanner stops at: in code, in a replacement field, in a string, in an f-string.
_CODE = re.compile(r"[#'\"]")
_FIELD_CODE = re.compile(r"[#'\"()\[\]{}:!]")
_BODY = re.compile(r"[\\'\"\n]")
_FORMATTED_BODY = re.compile(r"[\\'\"\n{}]")

if sys.version_info >= (3, 12):
    TypeAlias = ast.TypeAlias
else:  # pragma: no cover - exercised on 3.11 only

    class TypeAlias(ast.stmt):
        """Python 3.12's ``type X = v`` statement, for trees parsed by an older interpreter."""

        _fields = ("name", "type_params", "value")


if sys.version_info >= (3, 14):  # pragma: no cover - exercised on 3.14 only
    TemplateStr = ast.TemplateStr
else:

    class TemplateStr(ast.expr):
        """Python 3.14's t-string, for trees parsed by an older interpreter (values as in an f-string)."""

        _fields = ("values",)


@dataclass
class _String:
    """One string literal found by the scanner: where it starts, its quote and its fields."""

    start: int  # the first prefix letter (or the quote)
    quote_at: int
    quote: str
    end: int  # one past the closing quote
    prefix: str
    parents: tuple[_String, ...]
    fields: list[tuple[int, int]] = field(default_factory=list)  # replacement-field spans
    formatted: bool = False  # an f- or t-string

    def __post_init__(self) -> None:
        self.formatted = any(c in "ftFT" for c in self.prefix)


class Unlowerable(Exception):
    """The text holds a construct this lowering cannot express on the running parser: the
    syntax error it causes is reported as needing ``version``."""

    def __init__(self, version: str, what: str) -> None:
        super().__init__(what)
        self.version = version


def _next(pattern: re.Pattern[str], text: str, i: int) -> int:
    """Where ``pattern`` next matches from ``i``, or the end of the text."""
    found = pattern.search(text, i)
    return len(text) if found is None else found.start()


class _Scanner:
    """Finds every string literal, f-/t-string fields and nested strings included (PEP 701 rules)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.strings: list[_String] = []
        #: comments inside replacement fields (allowed since 3.12), by outermost string
        self.comments: dict[int, list[tuple[int, int]]] = {}

    def run(self) -> None:
        self._code(0, (), field_end=False)

    def _string_at(self, i: int) -> tuple[int, str] | None:
        """(start, prefix) when a string literal's quote is at ``i``; the prefix is 0-2 letters."""
        text = self.text
        j = i
        while j > 0 and i - j < 2 and text[j - 1] in _PREFIX_LETTERS:
            j -= 1
        if j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_" or ord(text[j - 1]) > 127):
            return i, ""  # the letters belong to a name or keyword (``if"x"``)
        return j, text[j:i]

    def _code(self, i: int, parents: tuple[_String, ...], field_end: bool) -> int:
        """Scan code from ``i``; inside a replacement field stop at its ``}``, ``!`` or ``:``."""
        text, n, depth = self.text, len(self.text), 0
        interesting = _FIELD_CODE if field_end else _CODE
        while (i := _next(interesting, text, i)) < n:
            c = text[i]
            if c == "#":
                stop = text.find("\n", i)
                stop = n if stop < 0 else stop
                if parents:
                    self.comments.setdefault(id(parents[0]), []).append((i, stop))
                i = stop
            elif c in _QUOTES:
                start, prefix = self._string_at(i)
                i = self._string(start, i, prefix, parents)
            elif c in _OPEN:
                depth += 1
                i += 1
            elif c in _CLOSE:
                if field_end and depth == 0:
                    return i
                depth = max(depth - 1, 0)
                i += 1
            elif depth == 0 and (c == ":" or (c == "!" and text[i + 1: i + 2] != "=")):
                return i
            else:
                i += 1
        return n

    def _string(self, start: int, quote_at: int, prefix: str, parents: tuple[_String, ...]) -> int:
        text, n = self.text, len(self.text)
        quote = text[quote_at: quote_at + 3] if text[quote_at: quote_at + 3] in ('"""', "'''") else text[quote_at]
        literal = _String(start, quote_at, quote, n, prefix, parents)
        self.strings.append(literal)
        raw = "r" in prefix.lower()
        interesting = _FORMATTED_BODY if literal.formatted else _BODY
        i = quote_at + len(quote)
        while (i := _next(interesting, text, i)) < n:
            c = text[i]
            if c == "\\" and not raw and literal.formatted and text[i + 1: i + 3] == "N{":
                close = text.find("}", i)
                i = n if close < 0 else close + 1
            elif c == "\\":
                i += 2
            elif text.startswith(quote, i):
                literal.end = i + len(quote)
                return literal.end
            elif c == "\n" and len(quote) == 1 and not parents:
                literal.end = i
                return i  # unterminated: the parser will say so
            elif literal.formatted and c in "{}":
                if text[i + 1: i + 2] == c:
                    i += 2
                elif c == "{":
                    i = self._field(i, (*parents, literal))
                else:
                    i += 1
            else:
                i += 1
        return n

    def _field(self, i: int, parents: tuple[_String, ...]) -> int:
        """A replacement field from its ``{``: expression, conversion, format spec, ``}``."""
        text, n = self.text, len(self.text)
        begin = i
        i = self._code(i + 1, parents, field_end=True)
        if i < n and text[i] == "!":
            i += 2
        if i < n and text[i] == ":":
            i += 1
            while i < n and text[i] != "}":
                if text[i] == "{":
                    i = self._field(i, parents)
                elif text[i] in _QUOTES and text.startswith(parents[-1].quote, i):
                    break  # the string ended inside the spec: malformed, let the parser say so
                else:
                    i += 1
        parents[-1].fields.append((begin, min(i + 1, n)))
        return i + 1


@dataclass
class Lowered:
    """The lowered text and what ``restore`` needs to give the tree its original shape."""

    original: str
    text: str
    #: One map per stage that inserted characters, in the order applied: lowered line ->
    #: sorted (byte column in that stage's output line, characters inserted there).
    maps: list[dict[int, list[tuple[int, int]]]] = field(default_factory=list)
    templates: set[tuple[int, int]] = field(default_factory=set)
    #: (line, column of ``type``) -> (name column, name end column), original byte columns
    aliases: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    #: (line, column, message) of compile errors in lowered constructs (duplicate type parameters)
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    #: (first line, last line, version) of constructs left as they were: they cannot be lowered
    unlowerable: list[tuple[int, int, str]] = field(default_factory=list)

    def needs(self, line: int) -> str | None:
        """The Python version whose syntax the error on ``line`` is: a construct left unlowered
        there, or one newer than any this module lowers."""
        found = next((version for first, last, version in self.unlowerable if first <= line <= last), None)
        if found is None:
            text = self.original.splitlines()[line - 1] if 0 < line <= self.original.count("\n") + 1 else ""
            found = next((version for pattern, version in _LATER if pattern.search(text)), None)
        return found

    def column(self, line: int, col: int) -> int:
        """The original byte column of a column in the lowered text (stages undone last first)."""
        for inserted in reversed(self.maps):
            original = col
            for at, count in inserted.get(line, ()):
                if col >= at + count:
                    original -= count
                elif col >= at:
                    original -= col - at
            col = original
        return col

    def restore(self, tree: ast.Module) -> ast.Module:
        """Original columns everywhere; ``TypeAlias`` and ``TemplateStr`` nodes where they were."""
        if self.maps:
            for node in ast.walk(tree):
                if hasattr(node, "col_offset"):
                    node.col_offset = self.column(node.lineno, node.col_offset)
                    if node.end_lineno is not None and node.end_col_offset is not None:
                        node.end_col_offset = self.column(node.end_lineno, node.end_col_offset)
        if self.templates or self.aliases:
            _Restorer(self).visit(tree)
        return tree


def _holds_line(node: ast.AST, lines: list[int]) -> bool:
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (getattr(node, "end_lineno", None) or first)


class _Restorer:
    """Swaps the lowered stand-ins for the newer nodes, in one walk (parents before children)."""

    def __init__(self, lowered: Lowered) -> None:
        self.aliases = lowered.aliases
        self.templates = set(lowered.templates)

    def visit(self, tree: ast.Module) -> None:
        """Only subtrees whose lines hold a stand-in are entered: the walk costs the few
        statements that changed, not the file."""
        lines = sorted({line for line, _ in self.templates} | {line for line, _ in self.aliases})
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            for name in node._fields:
                value = getattr(node, name, None)
                for k, child in enumerate(value if isinstance(value, list) else [value]):
                    if not isinstance(child, ast.AST) or not _holds_line(child, lines):
                        continue
                    if isinstance(child, (ast.JoinedStr, ast.Assign)):
                        swapped = self._swap(child)
                        if swapped is not child:
                            if isinstance(value, list):
                                value[k] = swapped
                            else:
                                setattr(node, name, swapped)
                            child = swapped
                    stack.append(child)

    def _swap(self, node: ast.JoinedStr | ast.Assign) -> ast.AST:
        key = (node.lineno, node.col_offset)
        if isinstance(node, ast.JoinedStr):
            if key not in self.templates:
                return node
            self.templates.discard(key)  # outermost only: a format spec may share the string's start
            return ast.copy_location(TemplateStr(values=node.values), node)
        name_cols = self.aliases.get(key)
        target = node.targets[0]
        if name_cols is None or len(node.targets) != 1 or not isinstance(target, ast.Name):
            return node
        target.col_offset, target.end_col_offset = name_cols
        return ast.copy_location(TypeAlias(name=target, type_params=[], value=node.value), node)


class _Edits:
    """Character edits on one text; insertions are remembered for ``Lowered.column``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.chars = list(text)
        self.insertions: list[tuple[int, str]] = []
        self._log: list[tuple[int, str]] = []

    def blank(self, start: int, end: int) -> None:
        """Spaces for every character but line ends: nothing moves."""
        for k in range(start, end):
            if self.chars[k] not in "\r\n":
                self.put(k, " ")

    def put(self, at: int, char: str) -> None:
        self._log.append((at, self.chars[at]))
        self.chars[at] = char

    def mark(self) -> tuple[int, int]:
        return len(self._log), len(self.insertions)

    def revert(self, mark: tuple[int, int]) -> None:
        """Undo every edit made since ``mark``."""
        while len(self._log) > mark[0]:
            at, char = self._log.pop()
            self.chars[at] = char
        del self.insertions[mark[1]:]

    def insert(self, at: int, what: str) -> None:
        self.insertions.append((at, what))

    def apply(self, lowered: Lowered) -> str:
        """The new text; each insertion is recorded against its lowered line and byte column."""
        for at, what in sorted(self.insertions, reverse=True):
            self.chars[at] = what + self.chars[at] if at < len(self.chars) else what
        new = "".join(self.chars)
        if self.insertions:
            inserted: dict[int, list[tuple[int, int]]] = {}
            lowered.maps.append(inserted)
            before = 0
            for at, what in sorted(self.insertions):
                position = at + before
                line_start = new.rfind("\n", 0, position) + 1
                line = new.count("\n", 0, position) + 1
                column = len(new[line_start:position].encode("utf-8"))
                inserted.setdefault(line, []).append((column, len(what)))
                before += len(what)
        return new


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, len(text[line_start:offset].encode("utf-8"))


def _lower_strings(text: str, lowered: Lowered) -> str:
    """t-strings to f-strings; on 3.11 also PEP 701 f-strings to the 3.11 f-string rules. An
    f-string that cannot be lowered is left as it is and recorded in ``lowered.unlowerable``."""
    scanner = _Scanner(text)
    scanner.run()
    edits = _Edits(text)
    if RUNNING < (3, 14):
        _retag_templates(scanner.strings, edits, lowered)
    if RUNNING >= (3, 12):
        return edits.apply(lowered)
    nested: dict[int, list[_String]] = {}
    for literal in scanner.strings:
        if literal.parents:
            nested.setdefault(id(literal.parents[0]), []).append(literal)
    for top in scanner.strings:
        if top.parents or not top.formatted or not top.fields:
            continue
        mark = edits.mark()
        try:
            _lower_fstring(top, nested.get(id(top), []), scanner.comments.get(id(top), []), text, edits)
        except Unlowerable as exc:
            edits.revert(mark)
            lowered.unlowerable.append((_line_col(text, top.start)[0], _line_col(text, top.end)[0], exc.version))
    return edits.apply(lowered)


def _retag_templates(strings: list[_String], edits: _Edits, lowered: Lowered) -> None:
    """t-strings become f-strings (same length); the outermost are remembered for ``restore``."""
    for literal in strings:
        t_at = next((literal.start + k for k, c in enumerate(literal.prefix) if c in "tT"), None)
        if t_at is not None:
            edits.put(t_at, "f" if edits.text[t_at] == "t" else "F")
            if not literal.parents:
                lowered.templates.add(_line_col(edits.text, literal.start))


def _lower_fstring(top: _String, nested: list[_String], comments: list[tuple[int, int]], text: str,
                   edits: _Edits) -> None:
    """One PEP 701 f-string, nested strings and all, in 3.11's f-string rules (or Unlowerable)."""
    quotes = {id(top): top.quote}
    for literal in nested:  # parents come before their children
        quotes[id(literal)] = _requote(literal, [quotes[id(p)] for p in literal.parents], text, edits)
    for begin, end in top.fields:
        _unescape_field(text, begin, end, edits)
    for begin, end in comments:
        edits.blank(begin, end)
    if len(top.quote) == 1 and any("\n" in text[b:e] for b, e in top.fields):
        edits.insert(top.quote_at + 1, top.quote * 2)
        edits.insert(top.end - 1, top.quote * 2)


def _requote(literal: _String, enclosing: list[str], text: str, edits: _Edits) -> str:
    """The quote a nested string gets: its own when no enclosing string ends at it, else the
    other quote character (same length); Unlowerable when neither fits."""
    width = len(literal.quote)
    whole = text[literal.quote_at: literal.end]
    body = _ESCAPE.sub("", whole[width: len(whole) - width])  # escapes in fields are blanked

    def clashes(quote: str, inside: str) -> bool:
        return any(q[0] in quote + inside if len(q) == 1 else q in quote + inside for q in enclosing)

    if not clashes(literal.quote, body) or literal.end > len(text):
        return literal.quote
    other = ("'" if literal.quote[0] == '"' else '"') * width
    if clashes(other, body) or other[0] in body:
        raise Unlowerable("3.12", "nested quotes in an f-string")
    for k in range(width):
        edits.put(literal.quote_at + k, other[0])
        edits.put(literal.end - 1 - k, other[0])
    return other


def _unescape_field(text: str, begin: int, end: int, edits: _Edits) -> None:
    """Python 3.11 forbids backslashes in replacement fields: blank each escape (values change,
    positions do not; a rule reading such a nested string's value sees blanks). A brace or line
    end after the backslash is kept."""
    at = text.find("\\", begin, end)
    while at >= 0:
        edits.blank(at, at + (1 if text[at + 1: at + 2] in ("\n", "\r", "{", "}") else 2))
        at = text.find("\\", at + 2, end)


_TYPE_STATEMENTS = re.compile(
    r"^[ \t]*(?:(?:async[ \t]+)?(?:def|class)[ \t]+\w+[ \t]*\[|type[ \t]+\w+[ \t]*[=\[])", re.MULTILINE
)
_STATEMENTS = re.compile(_TYPE_STATEMENTS.pattern + r"|^[ \t]*except\*?[ \t]*[^\s(:][^:\n]*,", re.MULTILINE)
#: Syntax newer than any lowered here, recognised on the line of a syntax error (Python 3.15:
#: PEP 810 lazy imports, PEP 798 unpacking in comprehensions).
_LATER = (
    (re.compile(r"^\s*lazy\s+(?:import|from)\s"), "3.15"),
    (re.compile(r"[\[{(]\s*\*\*?\s*[\w(\[{][^\]})]*\bfor\b"), "3.15"),
)
_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})


def _lower_statements(text: str, lowered: Lowered) -> str:
    """Type parameters, ``type`` aliases and unparenthesised ``except`` tuples, found by token
    (tokenizing only texts where a line starts like one: tokenize is the slow part)."""
    if not (_STATEMENTS if RUNNING < (3, 14) else _TYPE_STATEMENTS).search(text):
        return text
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type != tokenize.COMMENT]
    starts = [0, *(match.end() for match in re.finditer("\n", text))]  # tokenize's lines end at \n only

    def offset(position: tuple[int, int]) -> int:
        return starts[position[0] - 1] + position[1]

    edits = _Edits(text)
    at_start = True
    for k, tok in enumerate(tokens):
        begins = at_start
        at_start = tok.type in _STATEMENT_START or tok.string == ";"
        if not begins or tok.type != tokenize.NAME:
            continue
        words = [t.string for t in tokens[k: k + 4]]
        if words[0] == "async" and words[1:2] == ["def"]:
            at_start = True  # the ``def`` that follows starts the same statement
            continue
        mark = edits.mark()
        try:
            _lower_statement(tokens, k, words, offset, edits, lowered)
        except Unlowerable as exc:
            edits.revert(mark)
            lowered.unlowerable.append((tok.start[0], tok.start[0], exc.version))
    return edits.apply(lowered)


def _lower_statement(tokens: list, k: int, words: list[str], offset, edits: _Edits, lowered: Lowered) -> None:
    """The statement starting at ``tokens[k]``, if it is one of the newer forms."""
    if words[0] in ("def", "class") and len(words) > 2 and words[2] == "[":
        _blank_type_params(tokens, k + 2, offset, edits, lowered)
    elif words[0] == "type" and len(words) > 2 and tokens[k + 1].type == tokenize.NAME and words[2] in ("=", "["):
        _lower_alias(tokens, k, offset, edits, lowered, edits.text)
    elif words[0] == "except" and RUNNING < (3, 14):
        _parenthesise_except(tokens, k, offset, edits, lowered)


def _blank_type_params(tokens: list, k: int, offset, edits: _Edits, lowered: Lowered) -> int:
    """Blank the ``[...]`` at ``tokens[k]`` when the running parser cannot read it; return the
    index of its closing bracket."""
    depth, close, has_default = 0, k, False
    for close in range(k, len(tokens)):
        text = tokens[close].string
        depth += text in _OPEN
        depth -= text in _CLOSE
        has_default |= depth == 1 and text == "="
        if depth == 0:
            break
    needed = (3, 13) if has_default else (3, 12)
    if RUNNING >= needed:
        return close
    _check_type_params(tokens[k + 1: close], lowered)
    begin, end = offset(tokens[k].start), offset(tokens[close].end)
    edits.blank(begin, end)
    if tokens[k].start[0] != tokens[close].end[0]:  # keep the header one logical line
        for row in range(tokens[k].start[0], tokens[close].end[0]):
            line_end = offset((row + 1, 0)) - 1
            while line_end > begin and edits.text[line_end - 1] in "\r\n":
                line_end -= 1
            if line_end <= begin or edits.chars[line_end - 1] != " ":
                raise Unlowerable(f"{needed[0]}.{needed[1]}", "type parameters over several lines")
            edits.put(line_end - 1, "\\")
    return close


def _check_type_params(inside: list, lowered: Lowered) -> None:
    """The compiler's checks on type parameters, which blanking would otherwise hide."""
    seen: set[str] = set()
    depth, expect_name = 0, True
    for tok in inside:
        text = tok.string
        if depth == 0 and tok.type == tokenize.NAME and expect_name:
            if text in seen:
                lowered.errors.append((tok.start[0], tok.start[1], f"duplicate type parameter '{text}'"))
            seen.add(text)
        if text in ("yield", "await", ":="):
            what = "yield expression" if text == "yield" else "await expression" if text == "await" else "named expression"
            lowered.errors.append((tok.start[0], tok.start[1], f"{what} cannot be used within a type parameter"))
        depth += text in _OPEN
        depth -= text in _CLOSE
        if depth == 0 and tok.type == tokenize.OP:
            expect_name = text in (",", "*", "**")
        elif tok.type == tokenize.NAME:
            expect_name = False


def _lower_alias(tokens: list, k: int, offset, edits: _Edits, lowered: Lowered, text: str) -> None:
    """``type X[T] = v`` -> ``X          = v``: the value keeps its place, the name moves left."""
    name = tokens[k + 1]
    if tokens[k + 2].string == "[":
        close = _blank_type_params(tokens, k + 2, offset, edits, lowered)
        if RUNNING >= (3, 12):
            return
        if tokens[close + 1].string != "=":
            return
    elif RUNNING >= (3, 12):
        return
    begin, name_begin, name_end = offset(tokens[k].start), offset(name.start), offset(name.end)
    edits.blank(begin, name_end)
    for j, char in enumerate(name.string):
        edits.put(begin + j, char)
    line, column = _line_col(text, begin)
    lowered.aliases[(line, column)] = (_line_col(text, name_begin)[1], _line_col(text, name_end)[1])


def _parenthesise_except(tokens: list, k: int, offset, edits: _Edits, lowered: Lowered) -> None:
    """PEP 758: ``except A, B:`` -> ``except (A, B):`` (two characters inserted, restored later)."""
    first = k + 1
    if first < len(tokens) and tokens[first].string == "*":
        first += 1
    depth, comma, colon = 0, False, None
    for j in range(first, len(tokens)):
        text = tokens[j].string
        if tokens[j].type == tokenize.NAME and text == "as" and depth == 0:
            return
        depth += text in _OPEN
        depth -= text in _CLOSE
        if depth == 0 and text == ",":
            comma = True
        if depth == 0 and text == ":":
            colon = j
            break
        if tokens[j].type in (tokenize.NEWLINE, tokenize.NL) and depth == 0:
            return
    if not comma or colon is None:
        return
    edits.insert(offset(tokens[first].start), "(")
    edits.insert(offset(tokens[colon].start), ")")


def lower(text: str) -> Lowered:
    """The text rewritten for the running parser, as far as it goes (see ``Lowered.unlowerable``)."""
    lowered = Lowered(text, text)
    stage = _lower_strings(text, lowered)
    try:
        lowered.text = _lower_statements(stage, lowered)
    except (tokenize.TokenError, SyntaxError):  # a real error stops the tokenizer: the parser reports it
        lowered.text = stage
    return lowered
