"""The one error type for bad input.

Every engine raises ``WardenError`` when the caller asked for something it cannot have: a path
outside the root, an unknown pattern id, a limit out of range. The message names what was
wrong and the hint says what to do instead, so that the MCP front door can turn it into a
tool error and the CLI into a one-line message with exit status 2, and neither has to know
the cause.
"""

from __future__ import annotations


class WardenError(ValueError):
    """Bad input, explained: ``message`` says what was wrong, ``hint`` what to do next."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())
