"""The pattern library and the rules check each other.

An agent reads a finding, follows its link to a pattern document and copies the "Do this"
example. If that example trips our own rules, or the "Not this" example slips past them, one of
the two is wrong. So: every "Do this" example passes every rule that is on by default; every
"Not this" example of a document that lists rules triggers at least one of them; every rule links
a document whose examples show both sides of it. "Do this" is held to the rules that are on by
default; "Not this" and the both-sides check run every rule, opt-in ones included, since a
document may teach a rule a project has to select. Where a rule is the one at fault, the case is
an ``xfail(strict=True)`` naming the rule, so the fix of the rule turns it into a failure that
asks for the mark to go.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import pytest

from pattern_warden.config import load_config
from pattern_warden.rules.engine import CheckOptions, Checker
from pattern_warden.rules.registry import BY_CODE
from pattern_warden.workspace import Workspace
from tests.test_pattern_library import LIBRARY, RULE_TO_PATTERN, _examples

# Docstring rules judge modules, classes and functions as published API; an example is a
# fragment of a module, so they apply only where the document is about docstrings.
FRAGMENT_EXEMPT = {code for code, rule in BY_CODE.items() if rule.family == "docs"}
# Rules about size cannot be shown in an example that fits on a screen.
TOO_BIG_TO_SHOW = {"DES001": "a file over the line limit", "DES003": "a function over the statement limit"}

# Cases where the rule, not the document, is wrong. Keyed by document and example ordinal.
RULE_BUGS = {
    "bounded-caches#3": "RES002 misses the module-level dict grown by `_sessions[session_id] = user`",
    "secrets-and-config#2": "SEC002 misses `SIGNING_KEY = 'sk_live_...'`: its secret-name words know API_KEY "
                            "but not SIGNING_KEY",
}
# A rule whose linked document cannot show it fire until the rule is fixed (same causes as above).
RULE_SIDE_BUGS = {
    "RES002": RULE_BUGS["bounded-caches#3"],
    "SEC002": RULE_BUGS["secrets-and-config#2"],
}


@dataclass(frozen=True)
class Case:
    """One Python example with the codes our rules report on it."""

    key: str
    doc: str
    section: str
    codes: frozenset[str]
    all_codes: frozenset[str]


def _cases() -> list[Case]:
    with tempfile.TemporaryDirectory() as empty:  # no pyproject: the defaults, every rule on
        workspace = Workspace(load_config(empty))
    assert workspace.config.source is None
    default = Checker(workspace.config, CheckOptions())
    every = Checker(workspace.config, CheckOptions(select=tuple(BY_CODE)))
    cases = []
    for doc in LIBRARY.docs.values():
        for ordinal, example in enumerate(_examples(doc.meta.id, doc.body), start=1):
            source = workspace.virtual(example.code, "pkg/example.py")
            found = [{f.rule.code for f in checker.raw(source)} for checker in (default, every)]
            if not FRAGMENT_EXEMPT & set(doc.meta.rules):
                found = [codes - FRAGMENT_EXEMPT for codes in found]
            key = f"{doc.meta.id}#{ordinal}"
            cases.append(Case(key, doc.meta.id, example.section, frozenset(found[0]), frozenset(found[1])))
    return cases


CASES = _cases()


def _params(section: str, wanted: bool = True) -> list[object]:
    chosen = [c for c in CASES if c.section == section and (wanted or LIBRARY.docs[c.doc].meta.rules)]
    return [
        pytest.param(c, id=c.key, marks=[pytest.mark.xfail(strict=True, reason=RULE_BUGS[c.key])])
        if c.key in RULE_BUGS else pytest.param(c, id=c.key)
        for c in chosen
    ]


def test_the_bug_list_names_real_cases() -> None:
    keys = {c.key for c in CASES}
    assert set(RULE_BUGS) <= keys, f"stale keys: {set(RULE_BUGS) - keys}"


@pytest.mark.parametrize("case", _params("Do this"))
def test_do_this_passes_every_default_rule(case: Case) -> None:
    assert not case.codes, f"{case.key} ('Do this') trips {sorted(case.codes)}"


@pytest.mark.parametrize("case", _params("Not this", wanted=False))
def test_not_this_trips_a_rule_its_document_lists(case: Case) -> None:
    listed = set(LIBRARY.docs[case.doc].meta.rules)
    assert case.all_codes & listed, (
        f"{case.key} ('Not this') trips none of {sorted(listed)}; it trips {sorted(case.all_codes)}"
    )


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(code, marks=[pytest.mark.xfail(strict=True, reason=RULE_SIDE_BUGS[code])])
        if code in RULE_SIDE_BUGS else code
        for code in sorted(RULE_TO_PATTERN)
    ],
)
def test_every_rule_links_a_document_that_shows_both_sides(code: str) -> None:
    pattern = BY_CODE[code].pattern
    assert pattern == RULE_TO_PATTERN[code]
    examples = [c for c in CASES if c.doc == pattern]
    good = [c for c in examples if c.section == "Do this" and code not in c.all_codes]
    bad = [c for c in examples if c.section == "Not this" and (code in c.all_codes or code in TOO_BIG_TO_SHOW)]
    assert good, f"{pattern} has no 'Do this' example that passes {code}"
    assert bad, f"{pattern} has no 'Not this' example that {code} reports"

