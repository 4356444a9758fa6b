"""The one error type for bad input, and the one way an unknown id is answered.

Every engine raises ``WardenError`` when the caller asked for something it cannot have: a path
outside the root, an unknown pattern id, a limit out of range. The message names what was
wrong and the hint says what to do instead, so that the MCP front door can turn it into a
tool error and the CLI into a one-line message with exit status 2, and neither has to know
the cause.
"""

from __future__ import annotations

from collections.abc import Iterable


class WardenError(ValueError):
    """Bad input, explained: ``message`` says what was wrong, ``hint`` what to do next."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class UnknownId(WardenError):
    """An id that names nothing; carries the nearest known ids so every front door offers them alike."""

    def __init__(self, kind: str, given: str, known: Iterable[str], catalogue: str) -> None:
        self.kind = kind
        self.given = given
        self.nearest = nearest(given, known)
        hint = f"Did you mean {', '.join(self.nearest)}?" if self.nearest else f"No {kind} is known yet."
        super().__init__(f"No {kind} has the id {given!r}.", f"{hint} Read {catalogue} for the catalogue.")


def nearest(given: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The ``limit`` known ids closest to ``given`` (rapidfuzz), best first."""
    from rapidfuzz import process

    return [choice for choice, _, _ in process.extract(str(given), list(known), limit=limit)]
