"""The release workflow: trusted publishing, and a tag that must agree with every version field."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml

from pattern_warden import __version__
from tests.conftest import REPO

WORKFLOW = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))


def _version_check() -> str:
    step = next(s for s in WORKFLOW["jobs"]["build"]["steps"] if "tomllib" in s.get("run", ""))
    return re.search(r"<<'PY'\n(.*?)\nPY", step["run"], re.S).group(1)


def test_pypi_is_published_by_trusted_publishing_on_a_version_tag() -> None:
    assert WORKFLOW[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    job = WORKFLOW["jobs"]["pypi"]
    assert job["permissions"]["id-token"] == "write" and job["environment"] == "pypi"
    publish = next(s for s in job["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@"))
    assert not {"password", "user"} & set(publish.get("with", {})), "trusted publishing needs no token"


def test_the_tag_check_accepts_this_version_and_refuses_another() -> None:
    script = _version_check()
    ok = subprocess.run([sys.executable, "-c", script, __version__], cwd=REPO, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    wrong = subprocess.run([sys.executable, "-c", script, "9.9.9"], cwd=REPO, capture_output=True, text=True)
    assert wrong.returncode != 0 and ".claude-plugin/plugin.json" in wrong.stderr


def test_plugin_and_registry_entries_name_this_version_and_the_readme_proves_ownership() -> None:
    assert json.loads((REPO / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))["version"] == __version__
    server = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"mcp-name: {server['name']}" in readme  # the registry's check that the PyPI package is ours
    assert ".github/workflows/release.yml" in readme
