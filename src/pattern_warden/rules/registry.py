"""Every rule class, found by code, family or prefix; and the selection of rules for a run."""

from __future__ import annotations

from collections.abc import Iterable

from pattern_warden.errors import WardenError, nearest
from pattern_warden.rules import async_, correctness, design, docs, errors, resources, security, syntax
from pattern_warden.rules.base import Rule

ALL_RULES: tuple[type[Rule], ...] = (
    *errors.RULES, *async_.RULES, *resources.RULES, *design.RULES, *docs.RULES, *security.RULES, *correctness.RULES,
    *syntax.RULES,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
FAMILIES: dict[str, str] = {rule.family: rule.code.rstrip("0123456789") for rule in ALL_RULES}


def expand(selector: str) -> set[str]:
    """Codes named by a selector: `ALL`, a code (`ERR001`), a prefix (`ERR`, `ERR00`) or a family (`errors`)."""
    token = selector.strip()
    if token.upper() == "ALL":
        return set(BY_CODE)
    if token.lower() in FAMILIES:
        return {code for code, rule in BY_CODE.items() if rule.family == token.lower()}
    codes = {code for code in BY_CODE if code.startswith(token.upper())}
    if not codes or not token:
        raise WardenError(
            f"Unknown rule selector {selector!r}.",
            f"Did you mean {', '.join(nearest(selector, [*BY_CODE, *FAMILIES]))}? Use ALL, a code such as ERR001, "
            f"a prefix such as ERR, or a family: {', '.join(sorted(FAMILIES))}.",
        )
    return codes


def select(selected: Iterable[str] | None, ignored: Iterable[str] = ()) -> set[str]:
    """Codes left after selecting (default: all) and then ignoring."""
    codes = set().union(*(expand(s) for s in selected)) if selected else set(BY_CODE)
    for token in ignored:
        codes -= expand(token)
    return codes
