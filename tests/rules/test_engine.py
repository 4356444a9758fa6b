"""The engine's behaviour around the rules: selection, configuration, suppression, broken input, pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.errors import WardenError
from pattern_warden.rules.engine import CheckOptions, MemoryStore, check_code, check_paths
from pattern_warden.workspace import Workspace

BAD = "def _f(items=[]):\n    try:\n        return items\n    except:\n        return None\n"


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _codes(root: Path, paths: list[str] | None = None, **options: object) -> list[tuple[str, str, int]]:
    result = check_paths(Workspace(load_config(root)), paths, CheckOptions(**options))  # type: ignore[arg-type]
    return [(f.code, f.path, f.line) for f in result.findings]


def _pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text("[tool.pattern-warden.rules]\n" + body)


def test_findings_are_ranked_by_severity_then_location(project: Path) -> None:
    _write(project, "pkg/a.py", '"""A."""\n' + BAD)
    found = _codes(project, select=("ALL", "ERR002", "ERR003"))  # opt-in rules: named by their codes
    assert found == [("ERR001", "pkg/a.py", 2), ("ERR002", "pkg/a.py", 5), ("ERR003", "pkg/a.py", 5)]
    assert _codes(project) == [("ERR001", "pkg/a.py", 2)]


def test_select_and_ignore_by_code_prefix_and_family(project: Path) -> None:
    _write(project, "pkg/a.py", '"""A."""\n' + BAD)
    assert {c for c, _, _ in _codes(project, select=("ERR002",))} == {"ERR002"}
    assert {c for c, _, _ in _codes(project, select=("errors",), ignore=("ERR00",))} == set()
    assert {c for c, _, _ in _codes(project, select=("ALL", "ERR002"), ignore=("ERR001", "ERR3"[:3] + "003"))} == {
        "ERR002"}
    with pytest.raises(WardenError, match="Unknown rule selector 'NOPE1'"):
        _codes(project, select=("NOPE1",))


def test_severity_floor(project: Path) -> None:
    _write(project, "pkg/a.py", BAD)  # no module docstring: DOC001 (opt-in) is info
    assert "DOC001" in {c for c, _, _ in _codes(project, select=("ALL", "DOC001"))}
    # ERR002 is a warning here (its try waits on nothing), so it is below the floor with DOC001
    assert {c for c, _, _ in _codes(project, select=("ALL", "DOC001", "ERR002"), min_severity="error")} == {"ERR001"}
    assert "ERR002" in {c for c, _, _ in _codes(project, select=("ALL", "ERR002"), min_severity="warning")}


def test_same_line_and_file_level_suppression(project: Path) -> None:
    _write(project, "pkg/a.py", '"""A."""\ndef _f(items=[]):  # warden: ignore[ERR001]\n    return items\n'
                                "x = 'AKIAABCDEFGHIJKLMNOP'  # warden: ignore\n")
    _write(project, "pkg/b.py", '"""B."""\n# warden: ignore-file[errors]\n' + BAD)
    _write(project, "pkg/c.py", '"""C."""\ns = "# warden: ignore[ERR001]"\ndef _f(items=[]):\n    return items\n')
    found = _codes(project)
    assert found == [("ERR001", "pkg/c.py", 3)], "a marker inside a string literal suppresses nothing"


def test_config_select_ignore_per_file_ignores_and_thresholds(project: Path) -> None:
    _pyproject(project, 'select = ["ALL", "DES002"]\nignore = ["DOC"]\nmax-complexity = 2\n'
                        '[tool.pattern-warden.rules.per-file-ignores]\n'
                        '"legacy/" = ["ERR"]\n')
    _write(project, "legacy/old.py", BAD)
    _write(project, "pkg/new.py", "def f(a, b):\n    if a:\n        return 1\n    if b:\n        return 2\n    return 3\n")
    assert _codes(project) == [("DES002", "pkg/new.py", 1)]


def test_strict_profile_lowers_the_statement_limit(project: Path) -> None:
    body = "def f():\n" + "    x = 1\n" * 21
    _write(project, "a.py", '"""A."""\n' + body)
    assert _codes(project, select=("DES003",)) == []
    _pyproject(project, 'profile = "strict"\n')
    assert _codes(project, select=("DES003",)) == [("DES003", "a.py", 2)]


def test_invalid_config_names_the_key_and_the_file(project: Path) -> None:
    _pyproject(project, 'select = ["ERR", "BOGUS9"]\n')
    _write(project, "a.py", "x = 1\n")
    with pytest.raises(WardenError) as caught:
        _codes(project)
    assert "'select'" in caught.value.message and "pyproject.toml" in caught.value.message
    _pyproject(project, "max-complexity = 'high'\n")
    with pytest.raises(WardenError, match=r"pyproject.toml.*'rules.max-complexity'"):
        load_config(project)


def test_exempt_paths_for_mock_data_and_print(project: Path) -> None:
    code = '"""M."""\ndef fake_user():\n    """F."""\n    print("x")\n    return "mock_user"\n'
    for rel in ("tests/test_a.py", "docs/example.py", "examples/demo.py", "pkg/fixtures/data.py", "pkg/cli.py"):
        _write(project, rel, code)
    _write(project, "pkg/service.py", code)
    found = _codes(project, select=("ERR005", "COR002"))
    assert {path for code, path, _ in found if code == "ERR005"} == {"pkg/service.py", "pkg/cli.py"}
    assert ("COR002", "pkg/cli.py", 4) not in found and ("COR002", "pkg/service.py", 4) in found


def test_syntax_error_is_a_finding_and_the_run_goes_on(project: Path) -> None:
    _write(project, "a.py", '"""A."""\nx = 1\ndef broken(:\n    pass\n')
    _write(project, "b.py", '"""B."""\n' + BAD)
    found = _codes(project)
    assert ("SYN001", "a.py", 3) in found and ("ERR001", "b.py", 2) in found


def test_binary_and_non_utf8_files_are_skipped_with_a_note(project: Path) -> None:
    _write(project, "bin.py", b"\x00\x01\x02binary")
    _write(project, "latin.py", b"x = '\xe9t\xe9'\n")
    _write(project, "ok.py", '"""Ok."""\n')
    result = check_paths(Workspace(load_config(project)), None)
    notes = {n.path: n.message for n in result.notes}
    assert "binary" in notes["bin.py"] and "UTF-8" in notes["latin.py"]
    assert result.summary.files_checked == 1


def test_the_engine_returns_every_finding_ranked_with_the_summary(project: Path) -> None:
    # Paging is the answer layer's job (render/): the engine hands over the whole ordered result.
    _write(project, "b.py", "".join(f"def g{i}(x=[]):\n    return x\n" for i in range(5)))
    _write(project, "a.py", "".join(f"def f{i}(x=[]):\n    return x\n" for i in range(30)))
    result = check_paths(Workspace(load_config(project)), None, CheckOptions(select=("ERR001",)))
    assert result.summary.findings == 35 == len(result.findings) == result.page.total
    assert result.summary.by_severity["error"] == 35 and result.page.next_cursor is None
    assert [r.code for r in result.summary.by_rule] == ["ERR001"] and result.summary.seconds >= 0
    assert [(f.path, f.line) for f in result.findings] == sorted((f.path, f.line) for f in result.findings)


def test_fix_diffs_only_when_asked_and_nothing_is_written(project: Path) -> None:
    path = _write(project, "a.py", '"""A."""\n' + BAD)
    ws = Workspace(load_config(project))
    plain = check_paths(ws, None, CheckOptions(select=("ERR002",)))
    assert plain.findings[0].fixable and plain.findings[0].fix_diff is None
    fixed = check_paths(ws, None, CheckOptions(select=("ERR002",), fix=True))
    diff = fixed.findings[0].fix_diff or ""
    assert diff.startswith("--- a/a.py\n+++ b/a.py\n") and "+    except Exception:" in diff
    assert path.read_text() == '"""A."""\n' + BAD


def test_virtual_code_uses_per_path_settings(project: Path) -> None:
    ws = Workspace(load_config(project))
    code = 'def fake_user():\n    return "mock_user"\n'
    opt_in = CheckOptions(select=("ERR005",))
    assert {f.code for f in check_code(ws, code, "pkg/users.py", opt_in).findings} >= {"ERR005"}
    assert "ERR005" not in {f.code for f in check_code(ws, code, "tests/test_users.py", opt_in).findings}
    with pytest.raises(WardenError, match="relative .py path"):
        check_code(ws, code, "../outside.py")


def test_result_store_reuses_unchanged_files(project: Path) -> None:
    _write(project, "a.py", '"""A."""\n' + BAD)
    changed = _write(project, "b.py", '"""B."""\n')
    ws, store = Workspace(load_config(project)), MemoryStore()
    first = check_paths(ws, None, CheckOptions(store=store))
    assert first.summary.files_from_cache == 0
    changed.write_text('"""B."""\ndef g(x={}):\n    return x\n')
    second = check_paths(ws, None, CheckOptions(store=store))
    assert second.summary.files_from_cache == 1
    assert ("ERR001", "b.py", 2) in [(f.code, f.path, f.line) for f in second.findings]


def test_windowed_diff_matches_a_full_difflib_diff() -> None:
    import difflib

    from pattern_warden.rules.fixes import unified_diff

    before = "".join(f"line {i}\n" for i in range(100))
    after = before.replace("line 50\n", "line fifty\nextra\n").replace("line 90\n", "")
    full = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "a/x.py", "b/x.py", n=2))
    assert unified_diff("x.py", before, after) == full


def test_members_of_private_modules_are_not_public_api(project: Path) -> None:
    body = "class Helper:\n    def run(self):\n        pass\n"
    _write(project, "pkg/_impl.py", body)
    _write(project, "pkg/api.py", '"""Api."""\n' + body)
    assert {(c, p) for c, p, _ in _codes(project, select=("DOC",))} == {("DOC002", "pkg/api.py"), ("DOC003", "pkg/api.py")}


LOGS = ('"""Logs."""\nimport logging\nlog = logging.getLogger(__name__)\n\n\ndef load(n):\n'
        "    log.info(f'loaded {n}')\n    log.debug(f'parsed {n}')\n    log.info('bad %s' % n)\n"
        "    try:\n        return int(n)\n    except ValueError:\n        raise KeyError(n)\n")


@pytest.mark.parametrize("config", [
    ("pyproject.toml", '[tool.ruff.lint]\nignore = ["G004", "B904"]\n'),
    ("ruff.toml", '[lint]\nextend-ignore = ["G004", "B9"]\n'),
    (".ruff.toml", 'ignore = ["g004", "B"]\n'),
])
def test_a_ruff_rule_the_project_ignores_is_its_choice(project: Path, config: tuple[str, str]) -> None:
    """The project's Ruff configuration ignores G004 and B904: f-string log calls are its style
    (only a debug one, formatted for a record the level drops, is still reported), and ERR004,
    whose one Ruff counterpart is B904, is not run; `%` formatting (G002) is still reported."""
    _write(project, "pkg/logs.py", LOGS)
    before = _codes(project)
    assert [(c, line) for c, _, line in before] == [("COR003", 7), ("COR003", 8), ("COR003", 9), ("ERR004", 13)]
    _write(project, config[0], config[1])
    assert [(c, line) for c, _, line in _codes(project)] == [("COR003", 8), ("COR003", 9)]
    assert [(c, line) for c, _, line in _codes(project, select=("ERR004",))] == [("ERR004", 13)]  # asked for by name


def test_ruff_all_or_a_broken_ruff_file_decides_nothing(project: Path) -> None:
    _write(project, "pkg/logs.py", LOGS)
    before = _codes(project)
    _write(project, "pyproject.toml", '[tool.ruff]\nlint.ignore = ["ALL"]\n')
    assert _codes(project) == before
    _write(project, ".ruff.toml", 'ignore = ["G004"\n')  # not TOML: Ruff would refuse it too
    assert _codes(project) == before


def test_a_jinja_template_shipped_as_py_is_not_a_syntax_error(project: Path) -> None:
    """A cookiecutter/Jinja template named `.py` does not parse until rendered: not ours to judge.
    A broken module with an f-string's `{{` is still a syntax error."""
    _write(project, "pkg/templates/main.py", "# % if cookiecutter.http\nfrom {{ cookiecutter.pkg }} import app\n"
                                              "{% endif %}\n")
    _write(project, "pkg/broken.py", "x = f'{{literal}}'\ndef f(:\n    pass\n")
    assert _codes(project) == [("SYN001", "pkg/broken.py", 2)]
