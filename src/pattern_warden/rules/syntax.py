"""The finding for code that does not parse or compile: reported at its line, so the run goes on."""

from __future__ import annotations

from pattern_warden.rules.base import Invalid, Rule, Severity


class SyntaxErrorRule(Rule):
    """Reports code that Python cannot parse, and errors its compiler raises on code that parses
    (`nonlocal` at module level, `return` outside a function). Syntax newer than the running
    Python (3.12-3.14) is read, not reported; what cannot be read names the Python it needs. A
    syntax error inside a function hides that function from the other rules, elsewhere the file."""

    code = "SYN001"
    name = "syntax-error"
    family = "syntax"
    severity = Severity.ERROR
    message = "Syntax error: the file does not parse, so no other rule checked it."
    fix_hint = "Fix the syntax at this line; `python -m py_compile FILE` shows the same error."
    pattern = "specific-exceptions"
    why = "Code that does not parse or compile cannot be imported, and the other rules cannot check it."
    instead = "Code that parses on the project's lowest supported Python version."
    VALID = ("x = 1\n",)
    INVALID = (Invalid("def f(:\n    pass\n", 1, 7),)

    @property
    def pattern_uri(self) -> str:
        """No pattern document covers syntax: the link goes to this rule's own documentation."""
        return self.uri()


RULES: tuple[type[Rule], ...] = (SyntaxErrorRule,)
