"""The review's persistent cache: a second process reuses what the first one measured, under
keys that change with the rule selection, and answers exactly as a cold run does."""

from __future__ import annotations

import json
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.diskcache import CACHE_DIR, key, open_cache
from pattern_warden.delta.findings import REVIEW_OPTIONS
from pattern_warden.rules.engine import Checker
from tests.delta.test_review import DUPLICATED, LEGACY, _commit, cli, legacy_repo


def _change(root: Path) -> None:
    """lib.py keeps its old finding; dup.py loses one of its two copies."""
    legacy_repo(root)
    (root / "dup.py").write_text(DUPLICATED)
    _commit(root, "dup")
    (root / "lib.py").write_text(LEGACY.replace("return x * 2", "return x + x"))
    (root / "dup.py").write_text(DUPLICATED.split("\n\n\ndef total_b")[0] + "\n")


def _review(root: Path, *args: str) -> dict[str, object]:
    done = cli(root, "review", "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_a_second_process_answers_the_same_from_the_cache(git_project: Path) -> None:
    _change(git_project)
    cold = _review(git_project, "--no-cache")
    assert not (git_project / CACHE_DIR).exists()  # --no-cache writes nothing
    first = _review(git_project)
    entries = {p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in (git_project / CACHE_DIR).glob("*.pwc")}
    assert {"delta-findings", "delta-base", "delta-reuse"} <= entries, entries
    second = _review(git_project)
    assert cold == first == second
    assert second["findings_existing"] == 1 and second["findings_new"] == 0
    assert second["duplicates_eliminated"] == 1


def test_persisted_base_findings_are_used_only_for_their_rule_selection(git_project: Path) -> None:
    _change(git_project)
    assert _review(git_project)["findings_existing"] == 1
    config = load_config(git_project)
    disk = open_cache(config)
    entry = key(Checker(config, REVIEW_OPTIONS).fingerprint)
    saved = json.loads(disk.get("delta-findings", entry) or b"{}")
    # Inside, a version is named by the selection it was checked with, its path and its content.
    base_of_lib = [name for name in saved if name.split("\0")[1] == "lib.py"]
    assert len(base_of_lib) == 2  # both versions of lib.py: it has a finding now
    # dup.py has none now, so nothing at its base can be an existing finding: its base is not checked.
    of_dup = [name for name in saved if name.split("\0")[1] == "dup.py"]
    assert len(of_dup) == 1 and saved[of_dup[0]] == [[], []]
    for name in base_of_lib:
        saved[name] = [[], []]  # an entry saying "no finding": a new process must believe it
    disk.put("delta-findings", entry, json.dumps(saved).encode())
    believed = _review(git_project)
    assert believed["findings_existing"] == 0 and believed["findings_new"] == 0
    # Another rule setting is another key: the entry above is not served, the files are checked.
    pyproject = git_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.pattern-warden.rules]\nmax-complexity = 12\n")
    fresh = _review(git_project)
    assert fresh["findings_existing"] == 1 and fresh["findings_new"] == 0


def test_one_process_reviewing_two_roots_writes_each_roots_shapes_into_its_own_cache(tmp_path: Path) -> None:
    # A server has one root, but tests and scripts review several in one process: the warm
    # shape cache must follow the root, or one root's cache folder receives another's shapes.
    from pattern_warden.delta.review import review_change
    from pattern_warden.workspace import Workspace
    from tests.conftest import git

    roots = []
    for name in ("a", "b"):
        root = tmp_path / name
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        _change(root)
        roots.append(root)
    for root in roots:
        config = load_config(root)
        review_change(Workspace(config), disk=open_cache(config))
    for root in roots:
        assert list((root / CACHE_DIR).glob("shapes-*.pwc")), f"{root.name} got no shapes of its own"
