"""The typing documents' examples pass ``mypy --strict``, and their "Not this" claims hold.

A typing example that runs can still be wrong about types, which is what it teaches; a checker
is the only judge of that. mypy comes with the [examples] extra.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.example_blocks import Block, library_blocks
from tests.test_pattern_library import LIBRARY

pytestmark = pytest.mark.examples
TYPING_EXAMPLES = [b for b in library_blocks(LIBRARY)
                   if b.lang == "python" and b.marker == "run" and LIBRARY.docs[b.doc].meta.category == "typing"]


def _mypy(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="pip install '.[examples]' for the type checks")
    source = folder / "example.py"
    source.write_text(code, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(source)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("block", TYPING_EXAMPLES, ids=lambda b: b.name)
def test_typing_example_passes_mypy_strict(block: Block, tmp_path: Path) -> None:
    done = _mypy(block.code, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]


def test_typeis_refuses_a_narrowing_that_is_not_a_subtype(tmp_path: Path) -> None:
    """typeis-and-typeguard says TypeIs[list[str]] over list[object] is invalid; mypy must agree."""
    not_this = next(b for b in library_blocks(LIBRARY) if b.doc == "typeis-and-typeguard" and b.section == "Not this")
    tree = ast.parse(not_this.code)
    invalid = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "is_str_list")
    code = "from typing_extensions import TypeIs\n\n\n" + ast.unparse(invalid) + "\n"
    done = _mypy(code, tmp_path)
    assert done.returncode == 1 and "narrowed-type-not-subtype" in done.stdout, done.stdout
