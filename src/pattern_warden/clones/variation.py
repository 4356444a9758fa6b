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
import re
from collections.abc import Sequence
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
BEHAVIOUR = frozenset({"callee", "attribute", "exception", "swapped", "statements"})
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
        return "exception"
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

    @property
    def behaviour(self) -> list[str]:
        """The roles among the differences that change behaviour, not only names or literals."""
        return [d.kind for d in self.differences if d.kind in BEHAVIOUR]

    @property
    def parameters(self) -> int:
        """Arguments a merged helper needs: one per varying literal, callee, attribute or exception type."""
        return sum(d.slots for d in self.differences
                   if d.kind in ("string", "literal", "callee", "attribute", "exception"))


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


def _is_string(token: str) -> bool:
    return token.lstrip("rRbBuUfF")[:1] in ("'", '"')


def _line_key(tokens: Sequence[str]) -> tuple[str, ...]:
    """A statement's structure: its keywords and operators, every name and literal a placeholder.
    Two statements with one key differ only in what a helper would take as parameters."""
    return tuple("_" if _is_literal(t) or (t.isidentifier() and not keyword.iskeyword(t)) else t for t in tokens)


def variation(members: Sequence[Sequence[str]]) -> Variation:
    """Align every member's statements with the first member's, then the tokens of each pair of
    aligned statements, and name what differs, slot by slot.

    Statements are aligned first (by their structure), so one extra parameter or statement
    shifts nothing after it: a token-level alignment slipped by one token reports every later
    statement as changed (``wait|else``, ``None|:``).
    """
    ref_lines = [tokens(line) for line in members[0]]
    ref = [token for line in ref_lines for token in (*line, "\n")]
    line_of: list[int] = []
    starts: list[int] = []
    for n, line in enumerate(ref_lines):
        starts.append(len(line_of))
        line_of.extend([n] * (len(line) + 1))
    others = [[tokens(line) for line in m] for m in members[1:MAX_MEMBERS]]
    slots, changed = _align(ref_lines, starts, others)
    by_role, renames = _classify(ref, slots, changed, line_of)
    swapped = sorted({tuple(sorted(pair)) for pair in renames if (pair[1], pair[0]) in renames})
    worst, longest = max(((len(c), max(len(ref_lines), len(o))) for c, o in zip(changed, others)), default=(0, 0))
    result = Variation(changed_statements=worst, statements=longest or len(ref_lines))
    for role in ("callee", "attribute", "exception", "string", "literal", "name"):
        found = by_role.get(role, {})
        if found:
            shown = sorted(found, key=found.__getitem__)
            result.differences.append(Difference(kind=role, slots=len(found),  # type: ignore[arg-type]
                                                 examples=["|".join(dict.fromkeys(v)) for v in shown[:SHOWN_SLOTS]]))
    if swapped:
        result.differences.append(Difference(kind="swapped", slots=len(swapped),
                                             examples=["|".join(p) for p in swapped[:SHOWN_SLOTS]]))
    if worst:
        result.differences.append(Difference(kind="statements", slots=worst,
                                             examples=[f"up to {worst} of {result.statements} statements"]))
    return result


_Slots = dict[int, list[str | None]]  # reference position -> the token there in each other member


def _align(ref: list[list[str]], starts: list[int], others: list[list[list[str]]]) -> tuple[_Slots, list[set[object]]]:
    """Token substitutions by reference position, and per member the statements it changes:
    reference statements replaced or deleted, and statements it inserts (each counted once)."""
    slots: _Slots = {}
    changed: list[set[object]] = []
    ref_keys = [_line_key(line) for line in ref]
    for k, other in enumerate(others):
        lines: set[object] = set()
        changed.append(lines)
        matcher = difflib.SequenceMatcher(None, ref_keys, [_line_key(line) for line in other], autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":  # one structure: position by position, every difference is a slot
                for a, b in zip(range(a0, a1), range(b0, b1)):
                    for offset, (x, y) in enumerate(zip(ref[a], other[b])):
                        if x != y:
                            slots.setdefault(starts[a] + offset, [None] * len(others))[k] = y
                continue
            lines.update(range(a0, a1))
            lines.update(("inserted", b) for b in range(b0 + (a1 - a0), b1))
    return slots, changed


def _classify(ref: list[str], slots: _Slots, changed: list[set[object]],
              line_of: list[int]) -> tuple[dict[str, dict[tuple[str, ...], int]], set[tuple[str, str]]]:
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
        values = tuple(_short(v if v is not None else ref[pos]) for v in [ref[pos], *slots[pos]])
        if len(set(values)) == 1:
            continue
        if role in ("name", "attribute"):
            renames.update((ref[pos], v) for v in slots[pos] if v is not None and v != ref[pos])
        if role == "literal" and any(_is_string(v) for v in values):
            role = "string"
        by_role.setdefault(role, {}).setdefault(values, pos)
    return by_role, renames
