"""Every awkward repository state gets a clear message, and git never sees an injected option."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.delta import git as safe_git
from pattern_warden.delta.count import count_git
from pattern_warden.delta.score import score_change
from pattern_warden.errors import WardenError
from pattern_warden.workspace import Workspace
from tests.conftest import git


def _ws(root: Path) -> Workspace:
    return Workspace(load_config(root))


def _commit(root: Path, message: str = "c") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def test_not_a_repository(project: Path) -> None:
    with pytest.raises(WardenError, match="not inside a git repository") as info:
        count_git(_ws(project))
    assert "before" in info.value.hint


def test_missing_reference(git_project: Path) -> None:
    with pytest.raises(WardenError, match="'no-such-branch' does not exist"):
        count_git(_ws(git_project), base="no-such-branch")


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "-p", "a..b", "HEAD:README.md", "x y", "@{-1}"])
def test_injected_references_never_reach_git(git_project: Path, tmp_path: Path, ref: str) -> None:
    target = tmp_path / "x"
    with pytest.raises(WardenError, match="not a valid reference|not valid"):
        count_git(_ws(git_project), base=ref)
    with pytest.raises(WardenError):
        count_git(_ws(git_project), head=ref)
    assert not target.exists() and not Path("/tmp/x").exists()


def test_git_dir_in_the_environment_is_neutralised(git_project: Path, tmp_path: Path, monkeypatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    (other / "evil.py").write_text("evil = 1\n")
    _commit(other)
    (git_project / "mine.py").write_text("mine = 1\n")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    result = count_git(_ws(git_project))
    assert [f.path for f in result.files] == ["mine.py"]


def test_shallow_clone(git_project: Path, tmp_path: Path) -> None:
    for i in range(3):
        (git_project / "a.py").write_text(f"a = {i}\n")
        _commit(git_project)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_project}", str(clone))
    (clone / "a.py").write_text("a = 9\nb = 1\n")
    result = count_git(_ws(clone))
    assert (result.totals.code_added, result.totals.code_removed) == (2, 1)
    with pytest.raises(WardenError) as info:
        count_git(_ws(clone), base="HEAD~2")
    assert "shallow clone" in info.value.hint


def test_empty_repository_counts_everything_as_added(project: Path) -> None:
    git(project, "init", "-q", "-b", "main")
    (project / "first.py").write_text("a = 1\n# c\n")
    result = count_git(_ws(project))
    assert result.totals.code_added == 1
    assert "no commits yet" in result.notes[0].message
    card = score_change(_ws(project))
    assert card.maturity.code_lines_before == 0
    with pytest.raises(WardenError, match="no commits yet"):
        count_git(_ws(project), base="HEAD")


def test_detached_head(git_project: Path) -> None:
    (git_project / "a.py").write_text("a = 1\n")
    _commit(git_project)
    git(git_project, "checkout", "-q", "--detach", "HEAD")
    (git_project / "a.py").write_text("a = 2\n")
    result = count_git(_ws(git_project))
    assert any("detached" in n.message for n in result.notes)
    assert result.totals.code_added == 1


def test_submodule_is_noted_not_counted(git_project: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    git(lib, "init", "-q", "-b", "main")
    (lib / "x.py").write_text("x = 1\n")
    _commit(lib)
    git(git_project, "-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{lib}", "vendor")
    _commit(git_project)
    (lib / "x.py").write_text("x = 2\n")
    _commit(lib)
    git(git_project / "vendor", "pull", "-q", "origin", "main")
    result = count_git(_ws(git_project))
    (sub,) = [f for f in result.files if f.path == "vendor"]
    assert sub.kind == "submodule" and "submodule" in (sub.note or "")
    assert result.totals.code_added == 0


def test_subfolder_root_counts_only_its_files(git_project: Path) -> None:
    (git_project / "pkg").mkdir()
    (git_project / "pkg" / "a.py").write_text("a = 1\n")
    (git_project / "top.py").write_text("t = 1\n")
    result = count_git(_ws(git_project / "pkg"))
    assert [f.path for f in result.files] == ["a.py"]


def test_path_filter_outside_root_is_refused(git_project: Path) -> None:
    with pytest.raises(WardenError, match="outside the root"):
        count_git(_ws(git_project), paths=["../elsewhere"])


def test_only_read_only_git_commands_run(git_project: Path) -> None:
    with pytest.raises(WardenError, match="not a read-only command"):
        safe_git.run(git_project, "commit", "-m", "x")
    with pytest.raises(WardenError, match="not a git object id"):
        safe_git.read_blobs(git_project, ["HEAD:README.md"])
    assert os.environ.get("GIT_DIR") is None


def test_default_base_is_the_merge_base_with_the_default_branch(git_project: Path) -> None:
    git(git_project, "checkout", "-q", "-b", "feature")
    (git_project / "feature.py").write_text("f = 1\n")
    _commit(git_project, "feature work")
    git(git_project, "checkout", "-q", "main")
    (git_project / "main_only.py").write_text("m = 1\nn = 2\n")
    _commit(git_project, "main moved on")
    git(git_project, "checkout", "-q", "feature")
    (git_project / "draft.py").write_text("d = 1\n")
    result = count_git(_ws(git_project))
    # Committed feature work and the working tree count; main's later commit does not.
    assert sorted(f.path for f in result.files) == ["draft.py", "feature.py"]
    assert any("merge-base of main" in n.message for n in result.notes)


def test_option_like_and_magic_paths_stay_paths(git_project: Path) -> None:
    (git_project / "a.py").write_text("a = 1\n")
    for odd in ("--output=written.txt", ":(exclude)a.py", "*.py"):
        result = count_git(_ws(git_project), paths=[odd])
        assert result.files == [], odd  # no file has that literal name
    assert not (git_project / "written.txt").exists()
