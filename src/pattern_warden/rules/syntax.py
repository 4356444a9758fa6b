"""The finding for a file that does not parse: reported at its line, so the run goes on."""

from __future__ import annotations

from pattern_warden.rules.base import Invalid, Rule, Severity


class SyntaxErrorRule(Rule):
    """Reports files that Python cannot parse. No other rule can check such a file."""

    code = "SYN001"
    name = "syntax-error"
    family = "syntax"
    severity = Severity.ERROR
    message = "Syntax error: the file does not parse, so no other rule checked it."
    fix_hint = "Fix the syntax at this line; `python -m py_compile FILE` shows the same error."
    pattern = "specific-exceptions"
    ruff = ("E999",)
    why = "A file that does not parse cannot be imported or checked; every other finding in it is unknown."
    instead = "Code that parses on the project's lowest supported Python version."
    VALID = ("x = 1\n",)
    INVALID = (Invalid("def f(:\n    pass\n", 1, 7),)

    @property
    def pattern_uri(self) -> str:
        """No pattern document covers syntax: the link goes to this rule's own documentation."""
        return self.uri()


RULES: tuple[type[Rule], ...] = (SyntaxErrorRule,)
