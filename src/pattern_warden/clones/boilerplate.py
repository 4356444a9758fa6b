"""Boilerplate: repetition that is clearer than any abstraction over it, ranked last and left.

Import lists, test scaffolding, assign-only ``__init__`` methods and one-statement accessors,
declarations (settings, class attributes, annotated names) and runs of statements of one
shape (registrations, argument definitions, generated tables) repeat by nature; a helper over
them would hide what each copy declares.
"""

from __future__ import annotations

from collections import Counter
from keyword import iskeyword

from pattern_warden.clones.normalize import (
    FLAG_DECLARATION,
    FLAG_HEADER,
    FLAG_IMPORT,
    FLAG_SCAFFOLD,
    FLAG_TRIVIAL,
    Shape,
)

#: Share of a fragment's lines that, all of one shape, make it a list of declarations.
REPETITIVE = 0.6


def boilerplate_reason(shape: Shape, first: int, last: int) -> str | None:
    """Why logical lines ``first..last`` are boilerplate, or None: each reason names what
    repeating is clearer than abstracting."""
    flags = [f for f in shape.flags[first : last + 1] if f != FLAG_HEADER]
    if not flags:
        return None
    if all(f & FLAG_IMPORT for f in flags):
        return "import lists"
    if all(f & (FLAG_IMPORT | FLAG_SCAFFOLD | FLAG_TRIVIAL) for f in flags):
        if any(f & FLAG_SCAFFOLD for f in flags):
            return "test scaffolding"
        return "assign-only __init__ methods and one-statement accessors"
    if all(f & FLAG_DECLARATION or _annotation(line) for f, line in zip(shape.flags[first : last + 1],
                                                                          shape.exact[first : last + 1])
           if f != FLAG_HEADER):
        return "declarations (settings, class attributes, annotated names)"
    lines = shape.renamed[first : last + 1]
    if len(lines) >= 3 and Counter(lines).most_common(1)[0][1] >= REPETITIVE * len(lines):
        return "a list of statements of one shape (registrations, argument definitions)"
    return None


def _annotation(exact: str) -> bool:
    """True for ``name : type`` (with or without a value): a declaration wherever it stands."""
    tokens = exact.split(" ", 2)
    return len(tokens) > 2 and tokens[1] == ":" and tokens[0].isidentifier() and not iskeyword(tokens[0])
