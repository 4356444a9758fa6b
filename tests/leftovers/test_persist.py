"""The leftovers' per-module facts outlive the process: each hook call is a new one."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.diskcache import DiskCache
from pattern_warden.leftovers.change import leftovers_in_worker, read_ahead
from pattern_warden.leftovers.facts import facts_of
from pattern_warden.leftovers.persist import FACTS_KIND, facts_key, load_facts, save_facts
from pattern_warden.workers import worker_pool
from pattern_warden.workspace import _RACY_S, Workspace
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
                  "unread": sum("text" not in vars(s) for s in project.sources.values()),
                  "found": sorted(f"{i.kind} {i.path}:{i.line} {i.symbol}" for i in found.leftovers)}))
"""


def _run(root: Path, cache: Path, program: str = _PROCESS) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", program, str(root)], capture_output=True, text=True, env=env,
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


def test_a_settled_tree_is_known_by_its_stamps_and_reports_the_same(tmp_path: Path) -> None:
    """Once the files are older than the racy window, a new process knows them by their stamps
    (no module's text is read) and finds exactly what a process that read every byte found;
    a file edited since is read, and what the edit left behind is found."""
    root = tmp_path / "project"
    write_tree(root, TREE)
    time.sleep(_RACY_S + 0.1)
    cold = _run(root, tmp_path / "cache")
    assert cold["unread"] == 0 and cold["fresh"] == cold["modules"]
    warm = _run(root, tmp_path / "cache")
    assert warm["unread"] == warm["modules"] and warm["found"] == cold["found"] and warm["fresh"] == 0
    edited = next(p for p in sorted(root.rglob("*.py")) if p.stat().st_size > 100)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\ndef _never_called():\n    return 1\n",
                      encoding="utf-8")
    after_edit = _run(root, tmp_path / "cache")
    assert after_edit["fresh"] == 1 and after_edit["unread"] <= after_edit["modules"] - 1
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


#: A new interpreter asks whether the last process's walk still holds, then walks, and says what it found.
_WALK = """
import json, sys
from pattern_warden.config import load_config
from pattern_warden.diskcache import open_cache
from pattern_warden.leftovers.persist import keep_walks, recall_walks
from pattern_warden.workspace import Workspace
config = load_config(sys.argv[1])
disk, workspace = open_cache(config), Workspace(config)
taken = recall_walks(disk, workspace)
files = [workspace.relative(p) for p in workspace.discover(None, suffixes=(".py", ".md")).files]
if not taken:
    keep_walks(disk, workspace)
print(json.dumps({"taken": taken, "files": files}))
"""


def _walk(root: Path, cache: Path) -> dict:
    return _run(root, cache, _WALK)


def test_a_new_process_takes_the_last_walk_only_while_it_holds(tmp_path: Path) -> None:
    """A Stop is a new process: it takes the walk the last one saved instead of walking the tree,
    unless a folder changed (a file added) or a .gitignore was edited in place, which changes
    what a walk finds without touching any folder."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    write_tree(root, {"pkg/__init__.py": "", "pkg/core.py": "X = 1\n", "pkg/sub/deep.py": "Y = 2\n",
                      "README.md": "# p\n", ".gitignore": "build/\n"})
    _walk(root, cache)  # makes the project's cache folder, as the session's first hook does
    old = 1_700_000_000_000_000_000  # folder stamps older than the racy window, as in a real session
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(old, old))
    first = _walk(root, cache)
    assert not first["taken"] and first["files"] == ["README.md", "pkg/__init__.py", "pkg/core.py", "pkg/sub/deep.py"]
    second = _walk(root, cache)
    assert second == {**first, "taken": True}
    (root / "pkg" / "sub" / "new.py").write_text("Z = 3\n")  # its folder's stamp changes
    os.utime(root / "pkg" / "sub", ns=(old + 10**9, old + 10**9))
    third = _walk(root, cache)
    assert not third["taken"] and "pkg/sub/new.py" in third["files"]
    assert _walk(root, cache)["taken"]
    with (root / ".gitignore").open("a") as fh:  # in place: the root folder's stamp stays
        fh.write("pkg/core.py\n")
    os.utime(root, ns=(old, old))
    fourth = _walk(root, cache)
    assert not fourth["taken"] and "pkg/core.py" not in fourth["files"]


def test_a_saved_walk_is_checked_against_the_sandbox(tmp_path: Path) -> None:
    """A folder of the saved walk swapped for a symlink that leads outside the root: its stamp
    (which follows the link to another directory) no longer holds, so the saved walk is dropped
    and the tree walked afresh, which skips the symlink. Nothing outside is listed."""
    root, cache, outside = tmp_path / "project", tmp_path / "cache", tmp_path / "outside"
    write_tree(root, {"pkg/__init__.py": "", "pkg/sub/deep.py": "Y = 2\n"})
    write_tree(outside, {"deep.py": "SECRET = 1\n"})
    _walk(root, cache)
    old = 1_700_000_000_000_000_000
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(old, old))
    assert not _walk(root, cache)["taken"] and _walk(root, cache)["taken"]
    sub = root / "pkg" / "sub"
    (sub / "deep.py").unlink()
    sub.rmdir()
    sub.symlink_to(outside, target_is_directory=True)
    os.utime(root / "pkg", ns=(old, old))  # as if the swap had happened long ago
    after = _walk(root, cache)
    assert not after["taken"] and after["files"] == ["pkg/__init__.py"]


#: A Stop of a session: the edited file and its base version; says whether the base's facts were
#: known (recalled from the last process) before this one looked for leftovers.
_STOP = """
import json, sys
from pattern_warden.config import load_config
from pattern_warden.diskcache import open_cache
from pattern_warden.leftovers.change import change_leftovers
from pattern_warden.leftovers.facts import is_known
from pattern_warden.leftovers.persist import recall_bases
from pattern_warden.workspace import Workspace
config = load_config(sys.argv[1])
disk, workspace = open_cache(config), Workspace(config)
after = workspace.read(workspace.resolve("pkg/core.py"))
before = workspace.virtual("def _helper():\\n    return 1\\n\\n\\ndef main():\\n    return _helper()\\n", "pkg/core.py")
recall_bases(disk, workspace)
known = is_known(before, "")
found = change_leftovers(workspace, [(after, before)], disk=disk)
print(json.dumps({"known": known, "found": sorted(f"{i.kind} {i.symbol}" for i in found)}))
"""


def test_a_stop_recalls_the_base_versions_the_last_stop_read(tmp_path: Path) -> None:
    """Every Stop of a session compares with the same base versions: the second process takes
    their facts from the disk cache instead of parsing them again, and finds the same."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    write_tree(root, {"pkg/__init__.py": "", "pkg/core.py": "def _helper():\n    return 1\n\n\ndef main():\n    return 2\n"})
    first = _run(root, cache, _STOP)
    assert not first["known"] and first["found"] == ["orphaned-by-change _helper"]
    second = _run(root, cache, _STOP)
    assert second == {**first, "known": True}


def test_the_text_files_names_are_taken_whole_only_for_the_same_contents(tmp_path: Path) -> None:
    """A warm process takes the text files' names joined, as the last one saved them for exactly
    these contents; a text file edited since (its stamp and so its digest change) makes it read
    them again, so a name dropped from a configuration file is no longer counted as a use."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    write_tree(root, {"pkg/__init__.py": "", "pkg/core.py": "def _helper():\n    return 1\n",
                      "settings.yaml": "hook: pkg.core._helper\n", "README.md": "# p\n"})
    dead = "dead pkg/core.py:1 _helper"
    assert dead not in _run(root, cache)["found"]
    assert dead not in _run(root, cache)["found"]  # warm: the joined names
    (root / "settings.yaml").write_text("hook: pkg.core.other\n")
    assert dead in _run(root, cache)["found"]
    assert dead in _run(root, cache)["found"]
    (root / "settings.yaml").write_text("hook: pkg.core._helper\n")
    assert dead not in _run(root, cache)["found"]


def test_a_stop_worker_takes_the_project_it_read_ahead_once(tmp_path: Path) -> None:
    """The Stop's worker reads the project while git answers, and the review's leftovers then use
    that read: a use of the helper added after it is not seen; the next call reads afresh."""
    root = tmp_path / "project"
    write_tree(root, {"pkg/__init__.py": "", "pkg/core.py": "def _helper():\n    return 1\n\n\ndef main():\n    return 2\n"})
    config = load_config(root)
    workspace = Workspace(config)
    after = workspace.read(workspace.resolve("pkg/core.py"))
    before = workspace.virtual("def _helper():\n    return 1\n\n\ndef main():\n    return _helper()\n", "pkg/core.py")
    changed = [(after.bare(), before.bare())]  # type: ignore[union-attr]
    with worker_pool(workers=1) as pool:
        pool.submit(read_ahead, config, None).result()
        write_tree(root, {"pkg/user.py": "from pkg.core import _helper\n\nVALUE = _helper()\n"})
        ahead = pool.submit(leftovers_in_worker, config, changed, None).result()
        fresh = pool.submit(leftovers_in_worker, config, changed, None).result()
    assert [f"{i.kind} {i.symbol}" for i in ahead] == ["orphaned-by-change _helper"]
    assert fresh == []
