"""The MCP Inspector's CLI lists our tools and resources over stdio."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import console_script

INSPECTOR = "@modelcontextprotocol/inspector"


@pytest.fixture(scope="module")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed, so the MCP Inspector cannot run")
    prefix = tmp_path_factory.mktemp("inspector")
    done = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), INSPECTOR],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"npm could not install {INSPECTOR}: {done.stderr[-1500:]}")
    binary = prefix / "node_modules" / ".bin" / "mcp-inspector"
    assert binary.exists(), "the inspector package has no mcp-inspector binary"
    return binary


@pytest.mark.slow
@pytest.mark.parametrize(("method", "key", "expected"), [
    ("tools/list", "tools", "search_patterns"),
    ("resources/list", "resources", "warden://patterns/index"),
])
def test_inspector_cli_lists(inspector: Path, project: Path, method: str, key: str, expected: str) -> None:
    done = subprocess.run(
        [str(inspector), "--cli", *console_script(), "--root", str(project), "--method", method],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    listed = json.loads(done.stdout)[key]
    names = {item.get("name") for item in listed} | {item.get("uri") for item in listed}
    assert expected in names


@pytest.mark.slow
def test_inspector_cli_pages_every_finding_once(inspector: Path, tmp_path: Path) -> None:
    from tests.render.tree import make_tree

    root = make_tree(tmp_path, files=40)
    seen: list[tuple[str, int, int]] = []
    cursor: str | None = None
    while True:
        args = ["--tool-arg", "limit=25", "--tool-arg", "min_severity=error"]
        args += ["--tool-arg", f"cursor={cursor}"] if cursor else []
        done = subprocess.run(
            [str(inspector), "--cli", *console_script(), "--root", str(root), "--method", "tools/call",
             "--tool-name", "check_rules", *args], capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        data = json.loads(done.stdout)["structuredContent"]
        seen += [(f["path"], f["line"], f["column"]) for f in data["findings"]]
        cursor = data["page"].get("next_cursor")
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == data["page"]["total"] == 40  # ERR001 once a file, over two pages
