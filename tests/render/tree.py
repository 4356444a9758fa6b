"""A generated 620-file project with findings in every file and copies in groups of four.

It stands in for "a large change with nothing committed yet": every file is new, many rules
fire, and clone classes span folders, so each tool's default answer meets its budget for real.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import git

FILES = 620

_TEMPLATE = '''"""Module {i}."""

import os


def load_{i}(path, seen=[]):
    try:
        handle = open(path)
        data = handle.read()
    except:
        pass
    seen.append(path)
    return os.path.basename(path) + str(len(seen))


def total_{i}(values):
    result = 0
    for value in values:
{steps}
    count = len(values)
    average = result / count if count else 0
    return result, average, count


class Store{i}:
    def get(self, key, default={{}}):
        return default.get(key)
'''


def _steps(group: int) -> str:
    """Ten statements drawn for ``group``: the files of one group are copies, other groups differ."""
    ops = ("result += value * 2", "result -= value // 3", "result *= 2", "result ^= value",
           "result = max(result, value)", "result = min(result, -value)", "result |= value & 7", "result %= 1000")
    pick = random.Random(group)
    return "\n".join(f"        {pick.choice(ops)}" for _ in range(10))


def make_tree(root: Path, files: int = FILES, commit: bool = False) -> Path:
    """``files`` modules under ``root`` in folders of 40, in a git repository with nothing committed."""
    git(root, "init", "-q", "-b", "main")
    for i in range(files):
        path = root / f"pkg{i // 40:02d}" / f"mod{i:04d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_TEMPLATE.format(i=i, steps=_steps(i // 4)), encoding="utf-8")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "all")
    return root
