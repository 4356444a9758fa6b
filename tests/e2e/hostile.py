"""A project full of hostile input, and the harness that checks each call against it.

Every case goes through a real MCP client. After each one the harness checks three things:
the answer is a clear error or a correct result, the server still answers the next call, and
no file under the root (or beside it) was written. A canary file outside the root holds a
string that must never appear in any answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import write_tree

CANARY = "CANARY-7f3a-never-leak"

PY2 = 'print "hello"\nexec "x = 1"\nraise ValueError, "old"\n'
DEEP = "x = " + "[" * 10_000 + "]" * 10_000 + "\n"
DEEP_BLOCKS = "".join("    " * i + f"if x{i}:\n" for i in range(120)) + "    " * 120 + "pass\n"


def build_hostile_root(base: Path) -> Path:
    """A project folder with every kind of awkward file, and a canary outside it."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "canary.py").write_text(f"SECRET = '{CANARY}'\n")
    root = base / "root"
    root.mkdir()
    files: dict[str, str | bytes] = {
        "ok.py": "def add(a, b):\n    return a + b\n",
        "empty.py": "",
        "bom.py": b"\xef\xbb\xbfdef f():\n    return 1\n",
        "crlf.py": b"def g():\r\n    return 2\r\n",
        "tabs.py": "def h():\n\treturn 3\n",
        "syntax.py": "def broken(:\n    pass\n",
        "py2.py": PY2,
        "deep.py": DEEP,
        "deep_blocks.py": DEEP_BLOCKS,
        "binary.py": b"\x00\x01\x02\x03" * 100,
        "latin1.py": b"name = '\xe9t\xe9'\n",
        "huge.py": "x = 1\n" * 600_000,
        "pkg/mod.py": "import os\n\ndef walk(p):\n    return list(os.walk(p))\n",
    }
    write_tree(root, files)
    _commit_some(root)
    os.symlink(outside / "canary.py", root / "escape.py")
    os.symlink(outside, root / "escape_dir")
    os.symlink("/dev/zero", root / "zero.py")
    os.symlink("/proc/self/environ", root / "environ.py")
    os.mkfifo(root / "fifo.py")
    return root


def _commit_some(root: Path) -> None:
    """Make the root a git repository with a commit and an uncommitted change to score."""
    from tests.conftest import git

    git(root, "init", "-q", "-b", "main")
    git(root, "add", "ok.py", "pkg/mod.py", "empty.py")
    git(root, "commit", "-q", "-m", "start")
    (root / "ok.py").write_text("def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry below ``folder`` (links not followed) with its size and mtime."""
    state: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            info = path.lstat()
            state[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return state


@dataclass(frozen=True)
class Case:
    """One hostile call: the tool, its arguments, and what a correct answer contains."""

    name: str
    tool: str
    args: dict[str, Any]
    error: bool
    expect: tuple[str, ...] = field(default_factory=tuple)

    kind: str = "tool"

    def __str__(self) -> str:
        return self.name
