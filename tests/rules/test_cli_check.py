"""`pattern-warden check` and `rules` as real subprocesses: formats, exit codes, --fix, the cache."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import console_script

CODE = (
    '"""Mod."""\nimport logging\nfrom datetime import datetime\n\nlog = logging.getLogger(__name__)\n\n\n'
    "def _f(items=[]):\n    try:\n        return datetime.utcnow()\n    except:\n        log.info(f'failed {items}')\n"
    "        items.append(None)\n"
    "        return None\n"
)


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*console_script(), *args], cwd=root, capture_output=True, text=True, timeout=60)


def _project(root: Path) -> Path:
    (root / "pkg").mkdir()
    path = root / "pkg" / "mod.py"
    path.write_text(CODE)
    return path


def test_text_output_is_one_line_per_finding_and_exit_1(project: Path) -> None:
    _project(project)
    done = _run(project, "check", "pkg", "--no-cache")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Found 2 findings (1 error, 1 info)")  # COR001 and ERR002 are opt-in
    assert lines[1].startswith("pkg/mod.py:8:14: ERR001 Mutable default argument that the function changes or returns: "
                              "one object is shared by every call. Fix:")
    assert lines[-1].startswith("Why: ") and "warden://patterns/" in lines[-1]
    clean = _run(project, "check", "pkg", "--select", "SEC", "--no-cache")
    assert clean.returncode == 0 and clean.stdout.startswith("All checks passed (1 file).")
    one = _run(project, "check", "pkg", "--select", "ERR001", "--no-cache")
    assert one.stdout.startswith("Found 1 finding (1 error) in 1 file.")  # counts read right in the singular


def test_fail_threshold_from_config(project: Path) -> None:
    _project(project)
    (project / "pyproject.toml").write_text('[tool.pattern-warden.rules]\nfail-on = "error"\n')
    assert _run(project, "check", "pkg", "--select", "COR", "--no-cache").returncode == 0
    assert _run(project, "check", "pkg", "--select", "ERR001", "--no-cache").returncode == 1


def test_usage_errors_exit_2(project: Path) -> None:
    _project(project)
    for args in (("check", "--select", "NOPE"), ("check", "../elsewhere"), ("check", "--format", "xml")):
        done = _run(project, *args)
        assert done.returncode == 2 and done.stderr.startswith("pattern-warden: error:"), args
        assert len(done.stderr.strip().splitlines()) == 1


def test_json_is_the_tool_model(project: Path) -> None:
    _project(project)
    data = json.loads(_run(project, "check", "pkg", "--format", "json", "--no-cache").stdout)
    assert data["summary"]["findings"] == len(data["findings"]) == 2
    assert set(data["findings"][0]) >= {"code", "severity", "path", "line", "column", "end_line", "end_column",
                                        "message", "fix_hint", "pattern_uri", "fix_diff"}


def test_sarif_has_rules_fingerprints_and_relative_uris(project: Path) -> None:
    _project(project)
    sarif = json.loads(_run(project, "check", "pkg", "--format", "sarif", "--no-cache").stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {"ERR001", "COR003"}
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] for r in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "pkg/mod.py"
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == len(hashes)


def test_fix_writes_files_and_leaves_the_rest(project: Path) -> None:
    path = _project(project)
    done = _run(project, "check", "pkg", "--fix", "--no-cache", "--select", "ALL,ERR002")  # ERR002 is opt-in
    assert "Fixed 2 findings in 1 file." in done.stderr
    fixed = path.read_text()
    assert "return datetime.utcnow()" in fixed  # COR001 is opt-in, and has no fix: aware and naive do not compare
    assert "except Exception:" in fixed and "log.info('failed %s', items)" in fixed
    # the shared list the function appends to is left for a person: any fix changes what it does
    assert "def _f(items=[]):" in fixed and done.returncode == 1 and "ERR001" in done.stdout


def test_cache_is_written_reused_and_invalidated(project: Path) -> None:
    path = _project(project)
    first = json.loads(_run(project, "check", "pkg", "--format", "json").stdout)
    assert first["summary"]["files_from_cache"] == 0
    cache = project / ".pattern-warden-cache"
    assert (cache / ".gitignore").read_text() == "*\n" and list(cache.glob("rules-*.pwc"))
    second = json.loads(_run(project, "check", "pkg", "--format", "json").stdout)
    assert second["summary"]["files_from_cache"] == 1 and second["findings"] == first["findings"]
    path.write_text('"""Clean."""\n')
    third = json.loads(_run(project, "check", "pkg", "--format", "json").stdout)
    assert third["summary"]["files_from_cache"] == 0 and third["findings"] == []
    assert _run(project, "check", "pkg", "--no-cache", "--format", "json").returncode == 0


def test_rules_command_lists_and_documents(project: Path) -> None:
    listing = _run(project, "rules")
    assert listing.returncode == 0 and listing.stdout.startswith("ERR001")
    one = _run(project, "rules", "err003")
    assert one.stdout.startswith("# ERR003 silent-fallback")
    assert _run(project, "rules", "XYZ999").returncode == 2


def test_text_output_is_paged_within_the_budget_and_names_the_next_page(project: Path) -> None:
    """A large tree's findings do not flood an agent's context: one page within ~10,000
    characters, the whole run's counts first, and a last line with the cursor; --all prints all."""
    (project / "pkg").mkdir()
    for n in range(40):
        (project / "pkg" / f"mod{n}.py").write_text(CODE)
    first = _run(project, "check", "pkg", "--no-cache")
    assert first.returncode == 1, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("Found 80 findings") and len(first.stdout) <= 10_000
    shown = [ln for ln in lines if ln.startswith("pkg/")]
    assert 0 < len(shown) < 80
    more = lines[-1]
    assert more.startswith(f"{80 - len(shown)} more findings: pass --cursor ") and "--all" in more
    second = _run(project, "check", "pkg", "--no-cache", "--cursor", more.split("--cursor ")[1].split()[0])
    following = [ln for ln in second.stdout.splitlines() if ln.startswith("pkg/")]
    assert following and not set(following) & set(shown)
    every = _run(project, "check", "pkg", "--no-cache", "--all")
    assert sum(ln.startswith("pkg/") for ln in every.stdout.splitlines()) == 80
    assert "more findings" not in every.stdout
