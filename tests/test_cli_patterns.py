"""The CLI as a user runs it: a real subprocess, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import console_script


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*console_script(), *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_list_search_show_text_and_json(project: Path) -> None:
    listed = run("patterns", "list", "--root", str(project))
    assert listed.returncode == 0 and "bounded-concurrency" in listed.stdout
    as_json = json.loads(run("patterns", "list", "--format", "json", "--root", str(project)).stdout)
    assert as_json["count"] == len(as_json["patterns"]) > 0
    found = json.loads(run("patterns", "search", "silent fallback default", "--format", "json").stdout)
    assert found["hits"][0]["id"] == "no-silent-fallbacks"
    shown = run("patterns", "show", "bounded-concurrency")
    assert shown.returncode == 0 and shown.stdout.startswith("---\nid: bounded-concurrency")


def test_usage_errors_exit_2_with_one_line(project: Path) -> None:
    for args in (
        ("patterns", "show", "no-such-id"),
        ("patterns", "search", ""),
        ("patterns", "search", "x", "--limit", "0"),
        ("patterns", "frobnicate"),
        ("patterns", "list", "--root", str(project / "missing")),
        ("patterns", "list", "--patterns-dir", str(project / "absent")),
    ):
        done = run(*args)
        assert done.returncode == 2, args
        errors = [line for line in done.stderr.splitlines() if "error" in line]
        assert len(errors) == 1, (args, done.stderr)


def test_version() -> None:
    from pattern_warden import __version__

    assert run("--version").stdout.strip() == f"pattern-warden {__version__}"


def test_serve_refuses_a_root_that_is_not_a_directory(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    done = run("serve", "--root", str(file))
    assert done.returncode == 2
    assert "is not a directory" in done.stderr and done.stdout == ""
