"""The leftovers' per-module facts outlive the process: each hook call is a new one."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.diskcache import DiskCache
from pattern_warden.leftovers.facts import facts_of
from pattern_warden.leftovers.persist import FACTS_KIND, facts_key, load_facts, save_facts
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree
from tests.leftovers.agent_tree import TREE

#: A new interpreter reads the project with the disk cache and says how many modules it parsed,
#: and what the engine reports, so the answers of a cold and a warm process can be compared.
_PROCESS = """
import json, sys
from pattern_warden.config import load_config
from pattern_warden.diskcache import open_cache
from pattern_warden.leftovers.engine import find_leftovers, read_project
from pattern_warden.leftovers.models import LeftoversOptions
from pattern_warden.workspace import Workspace
config = load_config(sys.argv[1])
disk = open_cache(config)
workspace = Workspace(config)
project, _, _ = read_project(workspace, disk)
found = find_leftovers(workspace, options=LeftoversOptions(min_confidence=0), limit=1000, disk=disk)
print(json.dumps({"fresh": project.fresh, "modules": len(project.modules),
                  "found": sorted(f"{i.kind} {i.path}:{i.line} {i.symbol}" for i in found.leftovers)}))
"""


def _run(root: Path, cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", _PROCESS, str(root)], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_a_new_process_parses_only_the_modules_that_changed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_tree(root, TREE)
    cold = _run(root, tmp_path / "cache")
    assert cold["fresh"] == cold["modules"] > 5
    warm = _run(root, tmp_path / "cache")
    assert warm["fresh"] == 0
    assert warm["found"] == cold["found"]
    edited = next(p for p in sorted(root.rglob("*.py")) if p.stat().st_size > 100)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\ndef _never_called():\n    return 1\n",
                      encoding="utf-8")
    after_edit = _run(root, tmp_path / "cache")
    assert after_edit["fresh"] == 1
    assert any("_never_called" in item for item in after_edit["found"])


def test_saved_facts_read_back_equal_and_malformed_rows_are_dropped(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    workspace = Workspace(load_config(tmp_path))
    disk = DiskCache(tmp_path, enabled=True)
    sources = [workspace.read(p) for p in workspace.discover(None).files]
    original = {(s.digest, s.path, "m"): facts_of(s, "m") for s in sources}
    texts = {"digest": (frozenset({"a", "b"}), frozenset({"a.b"}))}
    save_facts(disk, workspace, original, texts)
    assert load_facts(disk, workspace) == (original, texts)
    rows = [("digest", "too", "short"), ("d", *[None] * 3), "not a row"]  # as a damaged entry would be
    disk.put(FACTS_KIND, facts_key(workspace), marshal.dumps((rows, {"d": ("not", "sets")})))
    assert load_facts(disk, workspace) == ({}, {})
