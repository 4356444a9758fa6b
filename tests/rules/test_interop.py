"""Ruff interop and defaults: noqa comments, opt-in rules, size rules in tests, severity of size."""

from __future__ import annotations

from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.rules.engine import CheckOptions, check_paths
from pattern_warden.rules.registry import ALL_RULES, BY_RUFF
from pattern_warden.workspace import Workspace


def _found(root: Path, rel: str, text: str, **options: object) -> list[tuple[str, int, str]]:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = check_paths(Workspace(load_config(root)), [rel], CheckOptions(**options))  # type: ignore[arg-type]
    return [(f.code, f.line, f.severity) for f in result.findings]


def test_noqa_with_a_ruff_code_silences_our_equivalent_rule_only(project: Path) -> None:
    code = ('"""M."""\ndef _f(items=[]):  # noqa: B006\n    return items\n'
            "try:\n    run()\nexcept:  # noqa: E722\n    stop()\n"
            "def _g(items=[]):  # noqa: E501\n    return items\n")
    assert [(c, line) for c, line, _ in _found(project, "pkg/a.py", code)] == [("ERR001", 8)]


def test_bare_noqa_silences_every_rule_and_our_own_codes_work_in_noqa(project: Path) -> None:
    code = ('"""M."""\ndef _f(items=[]):  # noqa\n    return items\n'
            "def _g(items=[]):  # noqa: ERR001\n    return items\n"
            "def _h(items=[]):  # warden: ignore[ERR001]\n    return items\n"
            "def _k(items=[]):\n    return items\n")
    assert [(c, line) for c, line, _ in _found(project, "pkg/a.py", code)] == [("ERR001", 8)]


def test_noqa_in_any_case_is_honoured(project: Path) -> None:
    code = ('"""M."""\ntry:\n    run()\nexcept:  # NoQA: E722 (catchall)\n    stop()\n'
            "try:\n    run()\nexcept:\n    stop()\n")
    assert [(c, line) for c, line, _ in _found(project, "pkg/a.py", code, select=("ERR002",))] == [("ERR002", 8)]


def test_noqa_inside_a_string_is_not_a_comment(project: Path) -> None:
    code = '"""M."""\ndef _f(items=[], note="# noqa"):\n    return items\n'
    assert [c for c, _, _ in _found(project, "pkg/a.py", code)] == ["ERR001"]


def test_every_published_ruff_code_maps_to_a_rule() -> None:
    assert BY_RUFF["E722"] == {"ERR002"} and BY_RUFF["B006"] == {"ERR001"} and BY_RUFF["C901"] == {"DES002"}
    assert all(code[:1].isalpha() and code[-1].isdigit() for rule in ALL_RULES for code in rule.ruff)


def test_opt_in_rule_runs_only_when_named_exactly(project: Path) -> None:
    """A prefix names the default rules it covers; a prefix that covers no default rule (RES:
    every resource rule is opt-in) names them all, since it cannot mean nothing."""
    code = ('"""M."""\ndef _f(page, rows):\n    for r in rows:\n        page.out += str(r) + ","\n'
            "def _g(s):\n    try:\n        return int(s)\n    except Exception:\n        return 0\n")
    assert not {"RES005", "ERR003"} & {c for c, _, _ in _found(project, "pkg/a.py", code)}
    assert "ERR003" not in {c for c, _, _ in _found(project, "pkg/a.py", code, select=("ERR",))}
    assert "ERR003" in {c for c, _, _ in _found(project, "pkg/a.py", code, select=("ERR003",))}
    assert "RES005" in {c for c, _, _ in _found(project, "pkg/a.py", code, select=("RES",))}


def test_size_rules_skip_tests_and_size_is_never_an_error(project: Path) -> None:
    long = '"""M."""\n' + "def f():\n    return 1\n" * 450
    assert [(c, s) for c, _, s in _found(project, "pkg/big.py", long, select=("DES001",))] == [("DES001", "warning")]
    assert _found(project, "tests/test_big.py", long, select=("DES001",)) == []
    (project / "pyproject.toml").write_text('[tool.pattern-warden.rules]\nexempt-paths = []\n')
    assert [c for c, _, _ in _found(project, "tests/test_big.py", long, select=("DES001",))] == ["DES001"]
