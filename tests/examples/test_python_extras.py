"""Python examples that need the [examples] extra (argon2-cffi, httpx), each run as written.

They run in a fresh interpreter like the fast suite's examples; only the packages differ, so a
machine without the extra skips them with the install command instead of failing.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.example_blocks import Block, blocks_run_by
from tests.test_pattern_library import LIBRARY, RUN_TIMEOUT

pytestmark = pytest.mark.examples
BLOCKS = blocks_run_by("run: extras", LIBRARY)


def _missing(block: Block) -> list[str]:
    modules = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
        for node in ast.walk(ast.parse(block.code))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    return sorted(m for m in modules - set(sys.stdlib_module_names) if importlib.util.find_spec(m) is None)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_example_with_extra_packages_runs(block: Block, tmp_path: Path) -> None:
    missing = _missing(block)
    if missing:
        pytest.skip(f"{missing} not installed: pip install '.[examples]'")
    script = tmp_path / "example.py"
    script.write_text(block.code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
