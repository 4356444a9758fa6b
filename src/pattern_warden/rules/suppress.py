"""Suppression comments: ``# warden: ignore[CODE]`` on a line, ``# warden: ignore-file[CODE]`` for a file,
and Ruff's ``# noqa``.

Without a bracket the warden comment silences every rule (on that line, or in the whole file).
Codes may be prefixes or families, as in ``select``. A team that already decided about a line
in Ruff is not told again: ``# noqa: E722`` silences the rule that reports the same problem
(each rule lists its Ruff codes), ``# noqa: ERR003`` names ours directly, and a bare ``# noqa``
silences every rule on its line. Only real comments count: the text is tokenized, so a marker
inside a string literal does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pattern_warden.errors import WardenError
from pattern_warden.rules.base import comments
from pattern_warden.rules.registry import BY_RUFF, expand

#: Any spelling of a marker (docutils writes `# NoQA: E722`): a file without one has nothing to parse.
_MARKER = re.compile(r"warden:|noqa", re.IGNORECASE)
_COMMENT = re.compile(r"#\s*warden:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
#: Ruff's own reading of a noqa comment: `# noqa`, `# noqa: E722`, `# noqa:E722,B006`.
_NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
EVERYTHING = frozenset({"*"})


@dataclass
class Suppressions:
    """What a file's comments silence."""

    file: frozenset[str] = frozenset()
    lines: dict[int, frozenset[str]] = field(default_factory=dict)

    def hides(self, code: str, line: int, end_line: int) -> bool:
        """True when a file-level or line comment silences ``code`` at this finding."""
        for scope in (self.file, self.lines.get(line, frozenset()), self.lines.get(end_line, frozenset())):
            if "*" in scope or code in scope:
                return True
        return False


def _codes(spec: str | None) -> frozenset[str]:
    if spec is None:
        return EVERYTHING
    codes: set[str] = set()
    for token in spec.split(","):
        if token.strip():
            try:
                codes |= expand(token, opt_in=True)
            except WardenError:
                continue  # an unknown code in a comment silences nothing, and must not break the run
    return frozenset(codes)


def _noqa_codes(spec: str | None) -> frozenset[str]:
    """Our codes silenced by a noqa comment: Ruff codes mapped to our rules, or our own codes."""
    if spec is None:
        return EVERYTHING
    codes: set[str] = set()
    for token in re.split(r"[,\s]+", spec.strip()):
        upper = token.upper()
        codes |= BY_RUFF.get(upper, set())
        try:
            codes |= expand(upper, opt_in=True) if not upper.isalpha() else set()
        except WardenError:
            continue  # a Ruff code we have no rule for (E501): nothing of ours to silence
    return frozenset(codes)


def parse(text: str) -> Suppressions:
    """The suppressions declared in a file's comments."""
    found = Suppressions()
    if not _MARKER.search(text):
        return found
    file_codes: set[str] = set()
    for line, comment in comments(text).items():
        for match in _COMMENT.finditer(comment):
            kind, codes = match.group(1), _codes(match.group(2))
            if kind == "ignore-file":
                file_codes |= codes
            else:
                found.lines[line] = found.lines.get(line, frozenset()) | codes
        noqa = _NOQA.search(comment)
        if noqa:
            found.lines[line] = found.lines.get(line, frozenset()) | _noqa_codes(noqa.group("codes"))
    found.file = frozenset(file_codes)
    return found
