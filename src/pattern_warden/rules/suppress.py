"""Suppression comments: ``# warden: ignore[CODE]`` on a line, ``# warden: ignore-file[CODE]`` for a file.

Without a bracket the comment silences every rule (on that line, or in the whole file).
Codes may be prefixes or families, as in ``select``. Only real comments count: the text is
tokenized, so the marker inside a string literal does nothing.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from pattern_warden.errors import WardenError
from pattern_warden.rules.registry import expand

MARKER = "warden:"
_COMMENT = re.compile(r"#\s*warden:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
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
                codes |= expand(token)
            except WardenError:
                continue  # an unknown code in a comment silences nothing, and must not break the run
    return frozenset(codes)


def _comments(text: str) -> list[tuple[int, str]]:
    try:
        return [
            (tok.start[0], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.COMMENT and MARKER in tok.string
        ]
    except (tokenize.TokenError, SyntaxError, RecursionError):
        return [(n, line) for n, line in enumerate(text.splitlines(), 1) if MARKER in line]


def parse(text: str) -> Suppressions:
    """The suppressions declared in a file's comments."""
    found = Suppressions()
    if MARKER not in text:
        return found
    file_codes: set[str] = set()
    for line, comment in _comments(text):
        for match in _COMMENT.finditer(comment):
            kind, codes = match.group(1), _codes(match.group(2))
            if kind == "ignore-file":
                file_codes |= codes
            else:
                found.lines[line] = found.lines.get(line, frozenset()) | codes
    found.file = frozenset(file_codes)
    return found
