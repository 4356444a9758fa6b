"""What varies between the members of a clone class: the parameters a merged helper would take.

"Renamed 100%" says only that two fragments have one shape. Whether one copy can simply be
kept depends on *what* was renamed: other local names are only names, other literals become
arguments, but another callee or attribute (``rindex`` against ``index``), two names swapped
(remote and local, the two ends of a pipe) or another exception type is other behaviour, and
keeping one copy as it is would put a bug in the others. Each member's statements are aligned
with the first member's by their structure, then the tokens of each aligned pair; every
position where they differ is a *slot*, classified by the role of the token in the first
member. Statements without a partner are changed statements.
"""

from __future__ import annotations

import difflib
import keyword
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pattern_warden.clones.models import Difference

#: Python tokens as they stand in a shape's exact lines: a string literal (which may hold
#: spaces) or a run of non-space characters.
_TOKEN = re.compile(
    r"""[rRbBuUfF]{0,3}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
    r"""|\S+""",
    re.S,
)
_CONSTANTS = frozenset({"True", "False", "None"})
#: Roles whose difference changes what the code does, not only what it is called.
BEHAVIOUR = frozenset({"callee", "attribute", "definition", "exception", "swapped", "statements"})
#: Values shown per slot, and slots shown per role.
SHOWN_VALUE = 40
SHOWN_SLOTS = 3
#: Members aligned with the first: enough to name what varies in a large family of declarations.
MAX_MEMBERS = 12


def tokens(line: str) -> list[str]:
    """The exact tokens of one logical line (a string literal stays one token, spaces and all)."""
    return _TOKEN.findall(line)


def _is_literal(token: str) -> bool:
    stripped = token.lstrip("rRbBuUfF")
    return token in _CONSTANTS or token[:1].isdigit() or stripped[:1] in ("'", '"')


def _role(tokens: list[str], i: int) -> str | None:
    """What the token at ``i`` is to the code: a name, literal, callee, attribute or exception type."""
    token = tokens[i]
    if _is_literal(token):
        return "literal"
    if not token.isidentifier() or keyword.iskeyword(token):
        return None
    line_start = i
    while line_start > 0 and tokens[line_start - 1] != "\n":
        line_start -= 1
    if tokens[line_start] in ("except", "raise") and (i == line_start + 1 or tokens[line_start] == "except"):
        # ``except OSError as err``: the name after ``as`` is a local variable, not a type
        return "name" if tokens[i - 1] == "as" else "exception"
    follows_call = i + 1 < len(tokens) and tokens[i + 1] == "("
    if i > 0 and tokens[i - 1] == ".":
        return "callee" if follows_call else "attribute"
    return "callee" if follows_call else "name"


@dataclass
class Variation:
    """The differences of one class: its slots, and how many statements differ between the first
    member and the member least like it (of the longer of the two)."""

    differences: list[Difference] = field(default_factory=list)
    changed_statements: int = 0
    statements: int = 0
    changed_body: int = 0  # of the changed statements, those in bodies (no def line, decorator or docstring)
    #: Names spelled alike that mean other definitions in other members: each one's meanings, the
    #: first member's first (``dask.array.core.concatenate`` against ``..._collection.concatenate``).
    redefined: list[tuple[str | None, ...]] = field(default_factory=list)

    @property
    def behaviour(self) -> list[str]:
        """The roles among the differences that change behaviour, not only names or literals."""
        return [d.kind for d in self.differences if d.kind in BEHAVIOUR]

    @property
    def parameters(self) -> int:
        """Arguments a merged helper needs: one per varying literal, callee, attribute or exception type."""
        return sum(d.slots for d in self.differences
                   if d.kind in ("string", "literal", "callee", "attribute", "definition", "exception"))


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


def _is_string(token: str) -> bool:
    return token.lstrip("rRbBuUfF")[:1] in ("'", '"')


def _line_key(tokens: Sequence[str]) -> tuple[str, ...]:
    """A statement's structure: its keywords and operators, every name and literal a placeholder.
    Two statements with one key differ only in what a helper would take as parameters."""
    return tuple("_" if _is_literal(t) or (t.isidentifier() and not keyword.iskeyword(t)) else t for t in tokens)


#: (member index, dotted name as written) -> what the name refers to, or None when unknown.
Resolve = Callable[[int, str], "str | None"]


def variation(members: Sequence[Sequence[str]], resolve: Resolve | None = None, alike: bool = True,
              same: Callable[[Sequence[str]], bool] | None = None, own: Sequence[frozenset[str]] = ()) -> Variation:
    """Align every member's statements with the first member's, then the tokens of each pair of
    aligned statements, and name what differs, slot by slot.

    Statements are aligned first (by their structure), so one extra parameter or statement
    shifts nothing after it: a token-level alignment slipped by one token reports every later
    statement as changed (``wait|else``, ``None|:``).

    With ``resolve``, callees and exception types are compared by what they refer to: one
    function under an import alias is no difference, two classes of one name are; with
    ``alike`` too, so are the names every member spells alike (members in one module mean one
    thing by one name, so their caller leaves it out and saves the questions). ``same`` says
    when different definitions are one behaviour (one function copied into two packages): a
    name alike that means such copies is no difference. ``own`` holds, per member, the classes
    around it: copies that each name their own class (``super(Turtle, self)`` against
    ``super(LongTurtle, self)``) differ in nothing a shared base would not spell ``type(self)``.
    """
    ref_lines = [tokens(line) for line in members[0]]
    ref = [token for line in ref_lines for token in (*line, "\n")]
    line_of: list[int] = []
    starts: list[int] = []
    for n, line in enumerate(ref_lines):
        starts.append(len(line_of))
        line_of.extend([n] * (len(line) + 1))
    others = [[tokens(line) for line in m] for m in members[1:MAX_MEMBERS]]
    meaning = None if resolve is None else (lambda member, line: _meaning(line, member, resolve))
    slots, changed, paired = _align(ref_lines, starts, others, meaning)
    redefined: dict[tuple[str | None, ...], None] = {}
    meant = _by_meaning(ref, ref_lines, starts, others, paired, slots, resolve, redefined, alike, same, own) \
        if resolve is not None else {}
    by_role, renames = _classify(ref, slots, changed, line_of, meant)
    swapped = sorted({tuple(sorted(pair)) for pair in renames if (pair[1], pair[0]) in renames})
    worst, longest, body = max(((len(c), max(len(ref_lines), len(o)), _in_bodies(c, ref_lines, o))
                                for c, o in zip(changed, others)), default=(0, 0, 0))
    result = Variation(changed_statements=worst, statements=longest or len(ref_lines), changed_body=body,
                       redefined=list(redefined))
    for role in ("callee", "attribute", "definition", "exception", "string", "literal", "name"):
        found = by_role.get(role, {})
        if found:
            shown = sorted(found, key=found.__getitem__)
            examples = ["|".join(dict.fromkeys(v)) for v in shown[:SHOWN_SLOTS]]
            count = len(found)
            if role == "string":  # grouped by their whole text: the values shown are cut short
                count, examples = _string_patterns([tuple(v if v is not None else ref[found[values]]
                                                          for v in [ref[found[values]], *slots[found[values]]])
                                                    for values in shown])
            result.differences.append(Difference(kind=role, slots=count,  # type: ignore[arg-type]
                                                 examples=examples))
    if swapped:
        result.differences.append(Difference(kind="swapped", slots=len(swapped),
                                             examples=["|".join(p) for p in swapped[:SHOWN_SLOTS]]))
    if worst:
        result.differences.append(Difference(kind="statements", slots=worst,
                                             examples=[f"up to {worst} of {result.statements} statements"]))
    return result


def unqualified(meanings: Sequence[str]) -> list[str]:
    """Qualified names without the dotted prefix they all share, for the reader
    (``pkg.a.core.concatenate|pkg.a.expr.concatenate`` -> ``core.concatenate|expr.concatenate``)."""
    parts = [m.split(".") for m in meanings]
    shared = 0
    while all(len(p) > shared + 1 and p[shared] == parts[0][shared] for p in parts):
        shared += 1
    return [".".join(p[shared:]) for p in parts]


def _core(values: tuple[str, ...]) -> tuple[str, ...]:
    """What differs within strings once the text they share at both ends is cut off
    (``"x_min"``/``"y_min"`` -> ``x``/``y``)."""
    head = len(posixpath.commonprefix(values))
    tail = len(posixpath.commonprefix([v[head:][::-1] for v in values]))
    return tuple(v[head : len(v) - tail] for v in values)


_WORD = re.compile(r"[A-Za-z0-9]+")


def _substitution(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """The one substitution that turns the first string into each other one, replacing every
    occurrence (``A_RouterStatus_Write is legacy; use A_RouterStatus_Write`` -> ``Write``/``Response``),
    found at the first word they differ in: the part of that word that differs, else the word.
    None when no one substitution does it."""
    ref = values[0]
    pairs = []
    for value in values[1:]:
        words = zip(_WORD.findall(ref), _WORD.findall(value))
        pairs.append(next(((x, y) for x, y in words if x != y), None) if value != ref else (None, None))
    for narrow in (True, False):
        cut = [_core(p) if narrow and p[0] is not None else p for p in pairs if p is not None]
        olds = {old for old, _ in cut if old is not None}
        if len(cut) < len(pairs) or len(olds) != 1 or not (old := olds.pop()):
            continue
        news = tuple(new if new is not None else old for _, new in cut)
        if all(ref.replace(old, new) == value for new, value in zip(news, values[1:])):
            return (old, *news)
    return None


def _word(values: tuple[str, ...]) -> str:
    """The differing parts of strings widened to whole words, for the reader (``quantile|nanquantile``)."""
    head = len(posixpath.commonprefix(values))
    tail = len(posixpath.commonprefix([v[head:][::-1] for v in values]))
    while head and values[0][head - 1].isalnum():
        head -= 1
    while tail and values[0][len(values[0]) - tail].isalnum():
        tail -= 1
    return "|".join(dict.fromkeys(_short(v[head : len(v) - tail]) for v in values))


def _string_patterns(slots: list[tuple[str, ...]]) -> tuple[int, list[str]]:
    """String slots counted by meaning: strings that differ in one pattern (``d["x_min"]``,
    ``d["x_max"]`` against ``d["y_min"]``, ``d["y_max"]``: the prefix) are one parameter, not
    one per string. The count of patterns, and examples (a pattern shown once with its count)."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for values in slots:
        groups.setdefault(_substitution(values) or _core(values), []).append(values)
    examples = [_word(members[0]) + f" (in {len(members)} strings)" if len(members) > 1
                else "|".join(dict.fromkeys(_short(v) for v in members[0])) for members in groups.values()]
    return len(groups), examples[:SHOWN_SLOTS]


def _local_names(lines: list[list[str]]) -> set[str]:
    """Names the fragment binds itself (parameters, assignment, loop, ``as`` and ``lambda``
    targets, nested definitions): they mean nothing at module level, so the model is not asked."""
    bound: set[str] = set()
    for line in lines:
        params = _parameters(line)
        bound.update(params or ())
        if line[:1] in (["def"], ["class"]) or line[:2] == ["async", "def"]:
            continue
        i = 0  # assignment targets: names, commas and brackets up to ``=`` (a call's ``(`` ends them)
        while i + 1 < len(line) and ((line[i].isidentifier() and not keyword.iskeyword(line[i]))
                                     or line[i] in (",", ")", "*") or (line[i] == "(" and not i)):
            i += 1
        if i < len(line) and (line[i] == "=" or (line[i].endswith("=") and line[i] not in ("==", "!=", "<=", ">="))
                              or line[i] == ":"):
            bound.update(t for t in line[:i] if t.isidentifier())
        for k, token in enumerate(line):
            if token in ("as", ":=") and k + 1 < len(line) and token == "as":
                bound.add(line[k + 1])
            elif token == ":=" and k:
                bound.add(line[k - 1])
            elif token in ("for", "lambda"):
                stop = "in" if token == "for" else ":"
                j = k + 1
                while j < len(line) and line[j] != stop:
                    if line[j].isidentifier():
                        bound.add(line[j])
                    j += 1
    return bound


def _in_bodies(changed: set[object], ref: list[list[str]], other: list[list[str]]) -> int:
    """How many changed statements are body statements: a differing signature, decorator or
    docstring stays in every copy anyway, so it takes nothing from what a helper removes."""
    lines = [other[c[1]] if isinstance(c, tuple) else ref[c] for c in changed]  # type: ignore[index]
    return sum(1 for line in lines if line and line[0] not in ("def", "async", "class", "@")
               and not (len(line) == 1 and _is_string(line[0])))


_Slots = dict[int, list[str | None]]  # reference position -> the token there in each other member


def _align(ref: list[list[str]], starts: list[int], others: list[list[list[str]]],
           meaning: Callable[[int, list[str]], tuple[str, ...]] | None = None,
           ) -> tuple[_Slots, list[set[object]], list[dict[int, int]]]:
    """Token substitutions by reference position; per member the statements it changes
    (reference statements replaced or deleted, and statements it inserts, each counted once);
    and per member its statement aligned with each unchanged reference statement. With
    ``meaning``, a statement replaced by one that means the same (``interfaces.IFoo(x)`` against
    ``IFoo(x)`` where ``IFoo`` is imported from ``interfaces``) is not a changed statement."""
    slots: _Slots = {}
    changed: list[set[object]] = []
    paired: list[dict[int, int]] = []
    ref_keys = [_line_key(line) for line in ref]
    for k, other in enumerate(others):
        lines: set[object] = set()
        changed.append(lines)
        pairs: dict[int, int] = {}
        paired.append(pairs)
        matcher = difflib.SequenceMatcher(None, ref_keys, [_line_key(line) for line in other], autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":  # one structure: position by position, every difference is a slot
                for a, b in zip(range(a0, a1), range(b0, b1)):
                    pairs[a] = b
                    mirrored = _mirrored(ref[a], other[b])
                    for offset, (x, y) in enumerate(zip(ref[a], other[b])):
                        if x != y and offset not in mirrored:
                            slots.setdefault(starts[a] + offset, [None] * len(others))[k] = y
                continue
            alike = meaning is not None and a1 - a0 == b1 - b0
            lines.update(a for a, b in zip(range(a0, a1), range(b0, b1))
                         if not (_parameters(ref[a]) is not None and _parameters(ref[a]) == _parameters(other[b]))
                         and not (alike and meaning(0, ref[a]) == meaning(k + 1, other[b])))  # type: ignore[misc]
            lines.update(range(a0 + (b1 - b0), a1))
            lines.update(("inserted", b) for b in range(b0 + (a1 - a0), b1))
    return slots, changed, paired


def _dotted(tokens: Sequence[str], i: int) -> str:
    """The dotted name starting at ``tokens[i]`` (``errors . Error`` -> ``errors.Error``)."""
    parts = [tokens[i]]
    while i + 2 < len(tokens) and tokens[i + 1] == "." and tokens[i + 2].isidentifier():
        parts.append(tokens[i + 2])
        i += 2
    return ".".join(parts)


#: Operators whose operands may be written either way round with one meaning.
_SYMMETRIC = frozenset({"==", "!=", "is", "*"})


def _mirrored(ref: list[str], other: list[str]) -> set[int]:
    """Positions where ``other`` only writes the operands of a symmetric operator the other way
    round (``x is child`` against ``child is x``, ``"  " * level`` against ``level * "  "``): no
    difference in meaning, so no slot."""
    found: set[int] = set()
    for i in range(len(ref) - 2):
        j = i + 3 if ref[i + 1 : i + 3] == ["is", "not"] else i + 2
        whole = (i == 0 or ref[i - 1] != ".") and (j + 1 >= len(ref) or ref[j + 1] not in (".", "(", "["))
        if whole and j < len(ref) and ref[i] != other[i] and (ref[i + 1] in _SYMMETRIC or j == i + 3) \
                and ref[i + 1 : j] == other[i + 1 : j] and ref[i] == other[j] and ref[j] == other[i]:
            found.update((i, j))
    return found


def _parameters(line: list[str]) -> tuple[str, ...] | None:
    """A def line's parameter names (with ``*``/``**``), or None for another statement: two
    signatures that differ only in annotations (``-> None``) are one signature."""
    if line[:1] != ["def"] and line[:2] != ["async", "def"]:
        return None
    names: list[str] = []
    depth = 0
    expect = False
    for token in line:
        if token in ("(", "[", "{"):
            depth += 1
            expect = depth == 1 and token == "("
        elif token in (")", "]", "}"):
            depth -= 1
        elif depth == 1 and token == ",":
            expect = True
        elif depth == 1 and expect and token not in ("*", "**", "/"):
            names.append(token)
            expect = False
        elif depth == 1 and expect:
            names.append(token)
    return tuple(names)


def _meaning(line: list[str], member: int, resolve: Resolve) -> tuple[str, ...]:
    """A statement's tokens with every dotted name the model can resolve (its longest prefix
    that resolves) replaced by what it refers to: two spellings of one reference become one."""
    out: list[str] = []
    i = 0
    while i < len(line):
        token = line[i]
        if token.isidentifier() and not keyword.iskeyword(token) and not (i and line[i - 1] == "."):
            parts = _dotted(line, i).split(".")
            for n in range(len(parts), 0, -1):
                if (meant := resolve(member, ".".join(parts[:n]))) is not None:
                    out.append(meant)
                    i += 2 * n - 1
                    break
            else:
                out.append(token)
                i += 1
            continue
        out.append(token)
        i += 1
    return tuple(out)


def _by_meaning(ref: list[str], ref_lines: list[list[str]], starts: list[int], others: list[list[list[str]]],
                paired: list[dict[int, int]], slots: _Slots, resolve: Resolve,
                redefined: dict[tuple[str | None, ...], None], alike: bool = True,
                same: Callable[[Sequence[str]], bool] | None = None,
                own: Sequence[frozenset[str]] = ()) -> dict[int, str]:
    """Names compared by what they refer to: a slot whose values all mean the reference's name
    is dropped (an import alias), and a name spelled alike that means other things in other
    members (each package's own ``concatenate``, each module's handle on another library)
    becomes a slot showing the meanings, and is noted in ``redefined``. Returns the reference's
    meaning at each position whose slot now shows meanings."""
    meant: dict[int, str] = {}
    local = _local_names(ref_lines)
    for line, tokens in enumerate(ref_lines):
        for offset, token in enumerate(tokens):
            pos = starts[line] + offset
            if not token.isidentifier() or (offset and tokens[offset - 1] == "."):
                continue
            role = _role(ref, pos)
            if role == "name" and pos in slots and tokens[offset + 1 : offset + 2] != ["="]:  # not a keyword
                _receiver(pos, token, line, others, paired, offset, slots, meant, resolve, own)
                continue
            free = alike and role in ("callee", "name") and pos not in slots and token not in local \
                and tokens[offset + 1 : offset + 2] != ["="]  # a keyword argument names no definition
            if not (role == "exception" or (role == "callee" and pos in slots) or free):
                continue
            spelled = [_dotted(tokens, offset), *(_dotted(other[paired[k][line]], offset) if line in paired[k]
                                                  else None for k, other in enumerate(others))]
            if free and len(set(spelled) - {None}) > 1:  # its attributes differ: slots of their own
                spelled = [token if s is not None else None for s in spelled]
            mine = resolve(0, spelled[0])  # type: ignore[arg-type]
            if mine is None:
                continue
            theirs = [resolve(k + 1, s) if s is not None else None for k, s in enumerate(spelled[1:])]
            if pos in slots and (all(m == mine for m in theirs) or _selves([mine, *theirs], own)):
                del slots[pos]  # every member calls or raises the same thing under another name
            elif pos not in slots and any(m is not None and m != mine for m in theirs) and not _selves(
                    [mine, *theirs], own) and not (
                    same is not None and None not in theirs and same(list(dict.fromkeys([mine, *theirs])))):
                slots[pos] = [m if m is not None and m != mine else None for m in theirs]
                meant[pos] = mine
                if role != "exception":  # each package's own error class alone makes no port: a helper takes it
                    redefined[(mine, *theirs)] = None
    return meant


def _selves(meanings: Sequence[str | None], own: Sequence[frozenset[str]]) -> bool:
    """Whether each member's meaning is its own class (or one attribute of it, the same one in
    every member): ``Turtle.SPACE`` in Turtle's copy and ``LongTurtle.SPACE`` in LongTurtle's."""
    if len(own) < len(meanings):
        return False
    tails = set()
    for meaning, classes in zip(meanings, own):
        cls = max((c for c in classes if meaning is not None and (meaning == c or meaning.startswith(c + "."))),
                  key=len, default=None)
        if cls is None:
            return False
        tails.add(meaning[len(cls):])  # type: ignore[index]
    return len(tails) == 1 and len(set(meanings)) > 1


def _receiver(pos: int, token: str, line: int, others: list[list[list[str]]], paired: list[dict[int, int]],
              offset: int, slots: _Slots, meant: dict[int, str], resolve: Resolve,
              own: Sequence[frozenset[str]] = ()) -> None:
    """A renamed name (``DiGraph.__init__`` against ``Graph.__init__``, ``w = _CMYK_white``
    against ``w = _CMYK_black``): when every member's name means a definition (a module's
    function, class, constant or variable), other definitions are other behaviour (``meant``
    marks the slot), the same one under another name is none. A local name means no definition
    and stays a rename."""
    mine = resolve(0, token)
    theirs = [resolve(k + 1, other[paired[k][line]][offset]) if line in paired[k] else None
              for k, other in enumerate(others)]
    meanings = [mine, *theirs]
    if not all(m is not None and ("." in m or " = " in m) for m in meanings):
        return
    if all(m == mine for m in theirs) or _selves(meanings, own):
        del slots[pos]
    elif any(" = " in m for m in meanings):  # type: ignore[operator]
        meant[pos] = token  # variables of other names: their names say more than their values
    else:
        slots[pos] = [m if m != mine else None for m in theirs]
        meant[pos] = mine  # type: ignore[assignment]


def _classify(ref: list[str], slots: _Slots, changed: list[set[object]], line_of: list[int],
              meant: dict[int, str]) -> tuple[dict[str, dict[tuple[str, ...], int]], set[tuple[str, str]]]:
    """Slots grouped by the role of the reference token (first position of each distinct set of
    values), and the renames seen; a keyword or operator substituted marks a changed statement."""
    by_role: dict[str, dict[tuple[str, ...], int]] = {}
    renames: set[tuple[str, str]] = set()
    for pos in sorted(slots):
        role = _role(ref, pos)
        if role is None:  # a keyword or operator: another statement, not another name
            for k, value in enumerate(slots[pos]):
                if value is not None and value != ref[pos]:
                    changed[k].add(line_of[pos])
            continue
        if role == "name" and pos in meant:
            # alike-spelled names bound to other definitions: the receiver of a call or an attribute
            # (`Graph.__init__(...)`, `lib.canOpen(...)`) makes another callee; a constant, a class
            # in an annotation or a value compared is another definition, not something called
            role = "callee" if pos + 1 < len(ref) and ref[pos + 1] == "." else "definition"
        own = meant.get(pos, ref[pos])
        full = [v if v is not None else own for v in [own, *slots[pos]]]
        values = tuple(_short(v) for v in (unqualified(full) if pos in meant else full))
        if len(set(values)) == 1:
            continue
        if role in ("name", "attribute"):
            renames.update((ref[pos], v) for v in slots[pos] if v is not None and v != ref[pos])
        if role == "literal" and any(_is_string(v) for v in values):
            role = "string"
        by_role.setdefault(role, {}).setdefault(values, pos)
    return by_role, renames
