"""The review on real git repositories: only what the change did is blamed, and it says what it reviewed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.delta.render import render_review
from pattern_warden.delta.review import review_change
from pattern_warden.delta.score import score_change
from pattern_warden.workspace import Workspace
from tests.conftest import console_script, git

LEGACY = '''"""Old code with old findings."""


def old(items=[]):
    """Keeps what it was given."""
    items.append(1)
    return items


def helper(x):
    """Doubles."""
    return x * 2
'''
#: LEGACY with one new finding: a mutable default that ``helper`` writes to, on its ``def`` line (10).
WITH_NEW_DEFAULT = LEGACY.replace('def helper(x):\n    """Doubles."""\n    return x * 2',
                                  'def helper(x, seen={}):\n    """Doubles."""\n    seen[x] = x * 2\n    return seen[x]')


_TOTAL = '''def {name}(rows):
    """Sums the positive values."""
    result = 0
    for row in rows:
        if row.value > 0:
            result += row.value
        else:
            result -= 1
    return result
'''
DUPLICATED = '"""Two copies of one function."""\n\n\n' + _TOTAL.format(name="total_a") + "\n\n" + \
    _TOTAL.format(name="total_b")


def _commit(root: Path, message: str = "c") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def legacy_repo(root: Path) -> Path:
    """A repository whose lib.py already has findings, with max-findings = 0."""
    (root / "pyproject.toml").write_text("[tool.pattern-warden.review]\nmax-findings = 0\n")
    (root / "lib.py").write_text(LEGACY)
    _commit(root, "legacy")
    return root


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script in a subprocess, as CI runs it."""
    return subprocess.run([*console_script(), *args, "--root", str(root)], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def _ws(root: Path) -> Workspace:
    return Workspace(load_config(root))


def test_harmless_change_in_a_file_with_old_findings_passes(git_project: Path) -> None:
    legacy_repo(git_project)
    (git_project / "lib.py").write_text(LEGACY.replace("return x * 2", "return x + x"))
    review = review_change(_ws(git_project))
    assert review.passed and review.findings_new == 0 and review.findings_existing >= 1
    assert review.findings == []  # existing ones are counted, listed only on request
    shown = review_change(_ws(git_project), show_existing=True)
    assert shown.findings and not any(f.new for f in shown.findings)
    done = cli(git_project, "review")
    assert done.returncode == 0, done.stdout
    assert "0 new, " in done.stdout and "--show-existing" in done.stdout


def test_a_mutable_default_is_the_one_new_finding_and_fails(git_project: Path) -> None:
    legacy_repo(git_project)
    (git_project / "lib.py").write_text(WITH_NEW_DEFAULT)
    review = review_change(_ws(git_project), show_existing=True)
    new = [(f.code, f.line) for f in review.findings if f.new]
    assert new == [("ERR001", 10)]
    assert not review.passed and "max-findings" in review.failed
    done = cli(git_project, "review")
    assert done.returncode == 1
    assert done.stdout.startswith("Review: FAILED (max-findings")
    assert "Failed threshold max-findings: value 1, limit 0" in done.stdout
    assert "lib.py:10: ERR001" in done.stdout and "lib.py:4:" not in done.stdout


def test_check_baseline_silences_old_findings_only(git_project: Path) -> None:
    legacy_repo(git_project)
    base = git_project / "baseline.json"
    assert cli(git_project, "check", "--write-baseline", str(base)).returncode == 0
    assert json.loads(base.read_text())["findings"]
    assert cli(git_project, "check").returncode == 1
    quiet = cli(git_project, "check", "--baseline", str(base))
    assert quiet.returncode == 0 and "All checks passed" in quiet.stdout
    # An edit above the old finding moves it; it stays silenced. A new one is reported.
    (git_project / "lib.py").write_text("import os\n" + WITH_NEW_DEFAULT)
    loud = cli(git_project, "check", "--baseline", str(base))
    assert loud.returncode == 1 and "lib.py:11:" in loud.stdout and "lib.py:5:" not in loud.stdout


def test_review_takes_the_baseline_from_config_outside_git(project: Path) -> None:
    (project / "lib.py").write_text(LEGACY)
    assert cli(project, "check", "--write-baseline", str(project / "base.json")).returncode == 0
    (project / "pyproject.toml").write_text('[tool.pattern-warden]\nbaseline = "base.json"\n'
                                            "[tool.pattern-warden.review]\nmax-findings = 0\n")
    review = review_change(_ws(project))
    assert not review.in_git and review.passed and review.findings_new == 0 and review.findings_existing >= 1
    (project / "pyproject.toml").write_text("[tool.pattern-warden.review]\nmax-findings = 0\n")
    failed = cli(project, "review")
    assert failed.returncode == 1
    assert "not a git checkout" in failed.stdout
    assert "Failed threshold max-findings" in failed.stdout and failed.stdout.startswith("Review: FAILED (max-findings")


def test_dupes_baseline_silences_old_clones(project: Path) -> None:
    (project / "totals.py").write_text(DUPLICATED)
    base = project / "clones.json"
    assert cli(project, "dupes", "--write-baseline", str(base)).returncode == 0
    assert len(json.loads(base.read_text())["clones"]) == 1
    assert cli(project, "dupes", "--baseline", str(base)).returncode == 0
    (project / "more.py").write_text(DUPLICATED.replace("total_a", "sum_a").replace("total_b", "sum_b")
                                     .replace("result -= 1", "result -= 2"))
    assert cli(project, "dupes", "--baseline", str(base)).returncode == 1


def test_removing_one_copy_reports_one_duplicate_eliminated(git_project: Path) -> None:
    (git_project / "totals.py").write_text(DUPLICATED)
    _commit(git_project)
    (git_project / "totals.py").write_text(DUPLICATED[: DUPLICATED.index("def total_b")].rstrip() + "\n")
    card = score_change(_ws(git_project))
    assert card.consolidation.duplicates_eliminated == 1
    assert card.consolidation.duplicates_introduced == 0
    review = review_change(_ws(git_project))
    assert review.duplicates_eliminated == 1
    assert "Duplicates: introduced 0, eliminated 1" in render_review(review)


def test_clean_checkout_reviews_the_last_commit_and_says_so(git_project: Path) -> None:
    legacy_repo(git_project)
    (git_project / "lib.py").write_text(LEGACY + "\n\ndef more(y={}):\n    \"\"\"More.\"\"\"\n    return y\n")
    _commit(git_project, "add more")
    review = review_change(_ws(git_project))
    assert "no change against" in review.reviewed and '"add more"' in review.reviewed
    assert [f.code for f in review.findings] == ["ERR001"] and not review.passed


def test_truncated_findings_say_how_many_more_and_how(git_project: Path) -> None:
    (git_project / "many.py").write_text("".join(f"def f{i}(a=[]):\n    return a\n\n\n" for i in range(12)))
    review = review_change(_ws(git_project), limit=5)
    assert len(review.findings) == 5 and review.page.total == review.findings_new
    text = render_review(review)
    assert f"... {review.findings_new - 5} more findings: pass cursor={review.page.next_cursor}" in text


def test_docstring_words_are_not_calls(git_project: Path) -> None:
    (git_project / "api.py").write_text("def response():\n    return 1\n")
    _commit(git_project)
    (git_project / "doc.py").write_text('"""Explains how response() is built; see response(x)."""\n# response()\n')
    card = score_change(_ws(git_project))
    assert card.reuse.rate is None and card.reuse.existing_count == 0


def test_reuse_resolves_through_imports_not_names(git_project: Path) -> None:
    (git_project / "pkg").mkdir()
    (git_project / "pkg" / "__init__.py").write_text("")
    (git_project / "pkg" / "store.py").write_text("def get(key):\n    return key\n\n\ndef put(key):\n    return key\n")
    _commit(git_project)
    (git_project / "pkg" / "use.py").write_text(
        "from . import store\nfrom .store import put\n\n\ndef run(config):\n"
        "    config.get('x')\n    put(1)\n    return store.get(2)\n")
    card = score_change(_ws(git_project))
    assert card.reuse.existing == ["get", "put"] and card.reuse.rate == 1.0


def test_bad_input_says_what_to_pass(git_project: Path) -> None:
    for args, expected in ((("review", "no/such/dir"), "does not exist"),
                           (("review", "--base", "nope"), "does not exist"),
                           (("delta", "nope.py"), "does not exist")):
        done = cli(git_project, *args)
        assert done.returncode == 2 and expected in done.stderr, (args, done.stderr)
    outside = cli(git_project.parent, "review", "nope")
    assert outside.returncode == 2 and "does not exist" in outside.stderr


def test_identical_copies_in_two_files_stay_one_class_until_one_goes(git_project: Path) -> None:
    copy = _TOTAL.format(name="total")
    (git_project / "a.py").write_text(copy)
    (git_project / "b.py").write_text(copy)
    (git_project / "c.py").write_text(copy)
    _commit(git_project)
    (git_project / "c.py").write_text("X = 1\n")  # two identical copies are left: still a clone class
    assert score_change(_ws(git_project)).consolidation.duplicates_eliminated == 0
    (git_project / "b.py").write_text("Y = 2\n")
    assert score_change(_ws(git_project)).consolidation.duplicates_eliminated == 1


@pytest.mark.slow  # a 150-file change in worker processes, checked twice (10 s)
def test_a_large_change_in_workers_marks_what_a_full_check_of_both_ends_marks(tmp_path: Path) -> None:
    """Past PARALLEL_MIN_FILES the review checks in worker processes, and checks a base version
    only for the rules that fired on its new version: on real code (the standard library, with
    findings of most rules), every finding's new/existing mark must equal that of a full check."""
    import sysconfig

    from pattern_warden.delta.facts import read_range
    from pattern_warden.delta.findings import checker_for, file_findings
    from pattern_warden.delta.reuse import measure_reuse
    from pattern_warden.rules.engine import PARALLEL_MIN_FILES
    from pattern_warden.source import SourceFile

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    picked = [p for p in sorted(stdlib.glob("*.py")) if 50 < len(p.read_bytes().splitlines()) < 600]
    picked = picked[: PARALLEL_MIN_FILES + 10]
    for i, src in enumerate(picked):
        (tmp_path / f"m{i:03d}.py").write_bytes(src.read_bytes())
    git(tmp_path, "init", "-q", "-b", "main")
    _commit(tmp_path, "base")
    befores = {}
    for i, target in enumerate(sorted(tmp_path.glob("m*.py"))):
        text = target.read_text(encoding="utf-8", errors="surrogateescape")
        befores[target.name] = text
        lines = text.split("\n")
        del lines[len(lines) // 2 : len(lines) // 2 + 3]  # sometimes a syntax error, as real edits make
        first = re.search(r"^def (\w+)", text, re.M)  # the added code calls it: reuse resolves the call
        called = first[1] if first else "len"
        target.write_text("\n".join(lines) + f"\n\ndef added_{i}(items=[]):\n    items.append({called}(items))\n"
                          "    return items\n",
                          encoding="utf-8", errors="surrogateescape")
    workspace = _ws(tmp_path)
    review = review_change(workspace, limit=1_000_000, show_existing=True)
    checker = checker_for(workspace)

    def source(name: str, text: str) -> SourceFile:
        return SourceFile(path=name, text=text, digest=f"{name}:{hash(text)}", size=len(text))

    expected = []
    for name, before_text in befores.items():
        after = workspace.read(tmp_path / name)
        found, prints = file_findings(checker, after)
        old = set(file_findings(checker, source(name, before_text))[1])
        expected += [(f.path, f.line, f.code, fp not in old) for f, fp in zip(found, prints, strict=True)
                     if fp not in old or f.code not in checker.new_only]  # new-code rules: quiet on old code
    got = [(f.path, f.line, f.code, f.new) for f in review.findings]
    assert sorted(got) == sorted(expected)
    assert review.findings_new >= len(picked)  # each added mutable default at least
    assert review.findings_existing > 3  # stdlib code has old findings (four rules are on by default)
    # The workers resolved the added code's calls on the trees they parsed: the same figure as
    # resolving every call in this process.
    delta, before = read_range(workspace, None, None, None)
    assert review.scorecard is not None and review.scorecard.reuse == measure_reuse(delta, before)
    assert review.scorecard.reuse.existing_count > 10


FALLBACK = '"""Load."""\n\n\ndef load(read):\n    """Read it."""\n    try:\n        return read()\n    except Exception:\n        return {}\n'


def test_rules_for_new_code_apply_where_there_is_a_base_to_tell_new_from_old(project: Path) -> None:
    (project / "load.py").write_text(FALLBACK)
    # A whole tree outside git: nothing tells new code from old, so ERR003 stays opt-in, as in `check`.
    assert [f.code for f in review_change(_ws(project)).findings] == []
    git(project, "init", "-q", "-b", "main")
    (project / "README.md").write_text("x\n")
    git(project, "add", "README.md")
    git(project, "commit", "-q", "-m", "init")
    review = review_change(_ws(project))  # load.py is new in the change: the fallback is the change's
    assert [(f.code, f.new) for f in review.findings] == [("ERR003", True)]
    # empty data in place of the result: an error, so the review fails as the stop hook does
    assert "load.py:8: ERR003 [error] new: Silent fallback" in render_review(review) and not review.passed
