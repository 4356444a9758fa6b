"""Every rule class, found by code, family or prefix; and the selection of rules for a run."""

from __future__ import annotations

from collections.abc import Iterable

from pattern_warden.errors import WardenError, nearest
from pattern_warden.rules import async_, correctness, design, docs, errors, mock_data, resources, security, syntax
from pattern_warden.rules.base import Rule

ALL_RULES: tuple[type[Rule], ...] = (
    *errors.RULES, *mock_data.RULES, *async_.RULES, *resources.RULES, *design.RULES, *docs.RULES, *security.RULES, *correctness.RULES,
    *syntax.RULES,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
FAMILIES: dict[str, str] = {rule.family: rule.code.rstrip("0123456789") for rule in ALL_RULES}
#: Ruff code -> our codes that report the same problem (read by `# noqa: <Ruff code>`).
BY_RUFF: dict[str, set[str]] = {}
for _rule in ALL_RULES:
    for _ruff in _rule.ruff:
        BY_RUFF.setdefault(_ruff, set()).add(_rule.code)


def expand(selector: str, opt_in: bool = False) -> set[str]:
    """Codes named by a selector: `ALL`, a code (`ERR001`), a prefix (`ERR`, `ERR00`) or a family (`errors`).

    An opt-in rule is named only by its exact code, unless ``opt_in`` (suppression comments,
    which may silence anything) asks for every match.
    """
    token = selector.strip()
    if token.upper() in BY_CODE:
        return {token.upper()}
    if token.upper() == "ALL":
        codes = set(BY_CODE)
    elif token.lower() in FAMILIES:
        codes = {code for code, rule in BY_CODE.items() if rule.family == token.lower()}
    else:
        codes = {code for code in BY_CODE if code.startswith(token.upper())}
    if codes and token and not opt_in:
        codes = {code for code in codes if BY_CODE[code].default_on} or codes
    if not codes or not token:
        raise WardenError(
            f"Unknown rule selector {selector!r}.",
            f"Did you mean {', '.join(nearest(selector, [*BY_CODE, *FAMILIES]))}? Use ALL, a code such as ERR001, "
            f"a prefix such as ERR, or a family: {', '.join(sorted(FAMILIES))}.",
        )
    return codes


def select(selected: Iterable[str] | None, ignored: Iterable[str] = ()) -> set[str]:
    """Codes left after selecting (default: all) and then ignoring."""
    codes = set().union(*(expand(s) for s in (selected or ["ALL"])))
    for token in ignored:
        codes -= expand(token)
    return codes
