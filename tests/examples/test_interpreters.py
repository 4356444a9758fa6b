"""The runnable async examples on every Python 3.11+ this machine has, Debian's 3.11.2 included.

asyncio's cancellation bookkeeping changed within 3.11 (``asyncio.timeout`` before 3.11.3 turned
a leftover cancel request of a failed TaskGroup into ``CancelledError``), so an example that
passes on the suite's interpreter can die on the one a user runs. Only examples that need no
third-party package run here: the other interpreters have nothing installed.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_pattern_library import RUNNABLE, RUN_TIMEOUT, Example

pytestmark = pytest.mark.examples
CANDIDATES = [Path("/usr/bin/python3"), *sorted(Path.home().glob(".pyenv/versions/3.1[1-9]*/bin/python3"))]


def _version(python: Path) -> tuple[int, ...] | None:
    done = subprocess.run([str(python), "-c", "import sys; print(*sys.version_info[:3])"],
                          capture_output=True, text=True, check=False)
    return tuple(map(int, done.stdout.split())) if done.returncode == 0 else None


def _interpreters() -> dict[str, Path]:
    """One interpreter per version, 3.11 or newer, other than the one running the suite."""
    found: dict[str, Path] = {}
    for python in CANDIDATES:
        version = _version(python) if python.exists() else None
        if version and version >= (3, 11) and version != tuple(sys.version_info[:3]):
            found.setdefault(".".join(map(str, version)), python)
    return found


def _stdlib_only(example: Example) -> bool:
    modules = {
        name.split(".")[0]
        for node in ast.walk(ast.parse(example.code))
        for name in ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
    }
    return "asyncio" in modules and modules <= set(sys.stdlib_module_names)


INTERPRETERS = _interpreters()
ASYNC_EXAMPLES = [ex for ex in RUNNABLE if _stdlib_only(ex)]


@pytest.mark.parametrize("version", sorted(INTERPRETERS) or ["none"])
@pytest.mark.parametrize("example", ASYNC_EXAMPLES, ids=lambda ex: ex.name)
def test_async_example_runs_on_every_local_interpreter(version: str, example: Example, tmp_path: Path) -> None:
    if version == "none":
        pytest.skip("no other Python 3.11+ here: apt-get install python3 (Debian 12 ships 3.11.2)")
    script = tmp_path / "example.py"
    script.write_text(example.code, encoding="utf-8")
    done = subprocess.run([str(INTERPRETERS[version]), str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    assert done.returncode == 0, f"Python {version}: {done.stderr[-2000:]}"
