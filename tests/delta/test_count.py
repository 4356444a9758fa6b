"""Counting real changes in real git repositories, and in sources and diff text."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.delta.count import count_git, count_sources
from pattern_warden.delta.patch import count_diff
from pattern_warden.workspace import Workspace
from tests.conftest import git

OLD = '''"""Module doc."""


def area(w, h):
    """Area of a rectangle."""
    return w * h
'''

NEW = '''"""Module doc."""

# A comment that is not code.


def area(w, h):
    """Area of a rectangle.

    Longer now.
    """
    result = w * h
    return result


class Shape:
    def size(self):
        return area(1, 2)
'''


def _commit(root: Path, message: str = "c") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _ws(root: Path) -> Workspace:
    return Workspace(load_config(root))


def test_git_working_tree_counts_code_apart_from_docstrings_and_comments(git_project: Path) -> None:
    (git_project / "geo.py").write_text(OLD)
    _commit(git_project)
    (git_project / "geo.py").write_text(NEW)
    result = count_git(_ws(git_project))
    (geo,) = result.files
    numstat = git(git_project, "diff", "--numstat").split()
    assert (geo.added, geo.removed) == (int(numstat[0]), int(numstat[1]))
    # code added: result = ..., return result, class Shape:, def size, return area(...)
    assert (geo.code_added, geo.code_removed) == (5, 1)
    assert geo.other_added == geo.added - 5
    changes = {(s.name, s.change) for s in geo.symbols}
    assert changes == {("area", "modified"), ("Shape", "added"), ("Shape.size", "added")}
    assert result.totals.net_code == 4
    assert result.head == "working tree"


def test_untracked_and_staged_files_are_included_but_ignored_ones_are_not(git_project: Path) -> None:
    (git_project / ".gitignore").write_text("build/\n")
    _commit(git_project)
    (git_project / "build").mkdir()
    (git_project / "build" / "gen.py").write_text("x = 1\n")
    (git_project / "staged.py").write_text("a = 1\nb = 2\n")
    git(git_project, "add", "staged.py")
    (git_project / "loose.py").write_text("c = 3\n")
    result = count_git(_ws(git_project))
    assert {f.path: f.code_added for f in result.files} == {"staged.py": 2, "loose.py": 1}


def test_commit_range_and_path_filter(git_project: Path) -> None:
    (git_project / "pkg").mkdir()
    (git_project / "pkg" / "a.py").write_text("x = 1\n")
    (git_project / "b.py").write_text("y = 1\n")
    _commit(git_project)
    (git_project / "pkg" / "a.py").write_text("x = 2\nz = 3\n")
    (git_project / "b.py").write_text("y = 2\n")
    _commit(git_project)
    result = count_git(_ws(git_project), base="HEAD~1", head="HEAD", paths=["pkg"])
    assert [f.path for f in result.files] == ["pkg/a.py"]
    assert (result.totals.code_added, result.totals.code_removed) == (2, 1)


def test_block_moved_between_files_counts_as_moved(git_project: Path) -> None:
    body = "".join(f"    total_{i} = compute_something({i}, factor={i * 3})\n" for i in range(6))
    (git_project / "one.py").write_text(f"def helper():\n{body}    return 0\n")
    (git_project / "two.py").write_text("VALUE = 1\n")
    _commit(git_project)
    (git_project / "one.py").write_text("VALUE_ONE = 2\n")
    (git_project / "two.py").write_text(f"VALUE = 1\n\n\nclass Box:\n    def helper(self):\n"
                                        + body.replace("    ", "        ", 1).replace("\n    ", "\n        ")
                                        + "        return 0\n")
    result = count_git(_ws(git_project))
    assert result.totals.code_moved >= 6
    files = {f.path: f for f in result.files}
    assert files["two.py"].code_moved_in >= 6
    assert files["one.py"].code_moved_out >= 6
    assert files["two.py"].code_added < 6


def test_rename_is_seen_by_git_and_counted_as_moved(git_project: Path) -> None:
    lines = "".join(f"value_{i} = {i} * 2\n" for i in range(20))
    (git_project / "old_name.py").write_text(lines)
    _commit(git_project)
    git(git_project, "mv", "old_name.py", "new_name.py")
    (git_project / "new_name.py").write_text(lines + "extra = 1\n")
    git(git_project, "add", "-A")
    result = count_git(_ws(git_project))
    (moved,) = result.files
    assert (moved.status, moved.old_path, moved.path) == ("renamed", "old_name.py", "new_name.py")
    assert (moved.code_added, moved.code_removed, moved.code_moved_in) == (1, 0, 20)


def test_deletion_binary_and_non_python_files(git_project: Path) -> None:
    (git_project / "gone.py").write_text("a = 1\nb = 2\n")
    (git_project / "logo.bin").write_bytes(b"\x00\x01\x02")
    _commit(git_project)
    (git_project / "gone.py").unlink()
    (git_project / "logo.bin").write_bytes(b"\x00\x01\x03\x04")
    (git_project / "README.md").write_text("hello\nworld\n\n# title\n")
    result = count_git(_ws(git_project))
    files = {f.path: f for f in result.files}
    assert (files["gone.py"].status, files["gone.py"].code_removed) == ("deleted", 2)
    assert files["logo.bin"].kind == "binary" and "not counted" in (files["logo.bin"].note or "")
    readme = files["README.md"]
    assert (readme.kind, readme.added, readme.code_added) == ("text", 3, 0)


def test_form_feed_keeps_rows_aligned_with_git(git_project: Path) -> None:
    for name, prefix in (("ff.py", ""), ("broken.py", "def (:\n")):  # tokenized, and the per-line fallback
        (git_project / name).write_text(prefix + "a = 1\n\x0c\n# note\n")
        _commit(git_project)
        (git_project / name).write_text(prefix + "a = 1\n\x0c\n# note\nc = 3\n# tail\n")
        (ff,) = count_git(_ws(git_project)).files
        assert (ff.added, ff.code_added, ff.other_added) == (2, 1, 1)
        _commit(git_project)


def test_sources_mode_needs_no_git(project: Path) -> None:
    result = count_sources(_ws(project), OLD, NEW, path="geo.py")
    (geo,) = result.files
    assert (geo.code_added, geo.code_removed) == (5, 1)
    assert {s.name for s in geo.symbols if s.change == "added"} == {"Shape", "Shape.size"}


def test_diff_text_mode_matches_git_raw_counts(git_project: Path) -> None:
    (git_project / "geo.py").write_text(OLD)
    (git_project / "gone.py").write_text('"""Doc."""\nx = 1\n')
    _commit(git_project)
    (git_project / "geo.py").write_text(NEW)
    (git_project / "notes.txt").write_text("one\n")
    (git_project / "gone.py").unlink()
    git(git_project, "add", "-A")
    patch = git(git_project, "diff", "--cached")
    result = count_diff(_ws(git_project), patch)
    files = {f.path: f for f in result.files}
    numstat = {line.split("\t")[2]: line.split("\t")[:2]
               for line in git(git_project, "diff", "--cached", "--numstat").splitlines()}
    assert [str(files["geo.py"].added), str(files["geo.py"].removed)] == numstat["geo.py"]
    assert files["notes.txt"].status == "added"
    # The workspace holds the new geo.py, so both versions are rebuilt and counted exactly.
    assert (files["geo.py"].code_added, files["geo.py"].code_removed) == (5, 1)
    assert {s.name for s in files["geo.py"].symbols if s.change == "added"} == {"Shape", "Shape.size"}
    assert (files["gone.py"].status, files["gone.py"].code_removed, files["gone.py"].other_removed) == ("deleted", 1, 1)
    assert result.notes == []
    assert [f.path for f in count_diff(_ws(git_project), patch, paths=["notes.txt"]).files] == ["notes.txt"]


def test_diff_text_without_a_matching_file_is_judged_line_by_line(project: Path) -> None:
    (project / "geo.py").write_text("something else entirely\n")
    patch = "--- a/geo.py\n+++ b/geo.py\n@@ -1,0 +2,3 @@\n+    \"\"\"doc line\"\"\"\n+# note\n+x = 1\n"
    result = count_diff(_ws(project), patch)
    (geo,) = result.files
    assert (geo.added, geo.code_added, geo.other_added) == (3, 2, 1)  # the docstring counts as code here
    assert "could not be rebuilt" in result.notes[0].message and geo.symbols == []


def test_numstat_equality_on_a_bigger_edit(git_project: Path) -> None:
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(40))
    (git_project / "many.py").write_text(text)
    _commit(git_project)
    edited = text.replace("return x + 1", "return x - 1").replace("def f7(", "def g7(") + "# tail\n"
    (git_project / "many.py").write_text(edited)
    (f,) = count_git(_ws(git_project)).files
    out = subprocess.run(["git", "diff", "--numstat"], cwd=git_project, capture_output=True, text=True).stdout
    added, removed, _ = out.split("\t")
    assert (f.added, f.removed) == (int(added), int(removed))
    assert {(s.name, s.change) for s in f.symbols} >= {("g7", "added"), ("f7", "removed"), ("f1", "modified")}


def test_changed_rows_keep_what_both_sides_share_and_only_that() -> None:
    import random

    from pattern_warden.delta.count import changed_rows

    rng = random.Random(7)
    for _ in range(500):
        before = [rng.choice("abcde") for _ in range(rng.randint(0, 14))]
        after = list(before)
        for _ in range(rng.randint(0, 3)):
            where = rng.randint(0, len(after))
            if rng.random() < 0.5 or not after:
                after.insert(where, rng.choice("abcdefg"))
            else:
                del after[min(where, len(after) - 1)]
        removed, added = changed_rows(before, after)
        kept = [line for row, line in enumerate(before, 1) if row not in removed]
        assert kept == [line for row, line in enumerate(after, 1) if row not in added]
    assert changed_rows(["a"] * 50 + ["b"], ["a"] * 50 + ["c", "b"]) == ([], [51])
