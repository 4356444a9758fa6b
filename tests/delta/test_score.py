"""The scorecard on real repositories: every figure measured, or said to be unknown."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.delta.render import render_scorecard
from pattern_warden.delta.score import PATTERN_URI, score_change
from pattern_warden.errors import WardenError
from pattern_warden.workspace import Workspace
from tests.conftest import git


def _commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")


def _ws(root: Path) -> Workspace:
    return Workspace(load_config(root))


LIB = '''def parse_config(text):
    return dict(line.split("=") for line in text.splitlines())


def parse_settings(text):
    result = {}
    for line in text.splitlines():
        key, value = line.split("=")
        result[key] = value
    return result


def load(text):
    return parse_settings(text)
'''


def test_reuse_rate_counts_existing_and_new_project_units(git_project: Path) -> None:
    (git_project / "lib.py").write_text(LIB)
    _commit(git_project)
    (git_project / "app.py").write_text(
        "from lib import parse_config\n\n\ndef fresh():\n    return 1\n\n\n"
        "def main(text):\n    print(fresh())\n    return parse_config(text)\n"
    )
    card = score_change(_ws(git_project))
    # parse_config existed; fresh is new; print is not the project's own.
    assert card.reuse.existing == ["parse_config"]
    assert card.reuse.new == ["fresh"]
    assert card.reuse.rate == 0.5
    assert "Reuse rate: 50%" in render_scorecard(card)


def test_consolidation_follows_former_callers_to_an_existing_function(git_project: Path) -> None:
    (git_project / "lib.py").write_text(LIB)
    _commit(git_project)
    (git_project / "lib.py").write_text(LIB.replace(
        '''def parse_settings(text):
    result = {}
    for line in text.splitlines():
        key, value = line.split("=")
        result[key] = value
    return result


''', "").replace("return parse_settings(text)", "return parse_config(text)"))
    card = score_change(_ws(git_project))
    (item,) = card.consolidation.functions_consolidated
    assert (item.removed, item.replaced_by, item.callers) == ("parse_settings", ["parse_config"], ["lib.py:load"])
    assert card.totals.net_code < 0
    assert card.verdict.status == "pass"


def test_tiers_and_verdicts_follow_code_size_and_config(git_project: Path) -> None:
    (git_project / "big.py").write_text("".join(f"v{i} = {i}\n" for i in range(1500)))
    _commit(git_project)
    (git_project / "more.py").write_text("x = 1\ny = 2\n")
    card = score_change(_ws(git_project))
    assert (card.maturity.tier, card.maturity.code_lines_before) == ("growing", 1500)
    assert card.verdict.status == "warn" and "+2" in card.verdict.message
    assert card.passed
    (git_project / "pyproject.toml").write_text('[tool.pattern-warden]\nmaturity = "legacy"\n')
    card = score_change(_ws(git_project), paths=["more.py"])
    assert card.maturity.tier == "legacy" and card.maturity.set_in_config
    assert card.verdict.status == "fail" and not card.passed


def test_configured_threshold_fails_the_scorecard(git_project: Path) -> None:
    (git_project / "pyproject.toml").write_text("[tool.pattern-warden.review]\nmax-net-code = 1\n")
    _commit(git_project)
    (git_project / "a.py").write_text("a = 1\nb = 2\n")
    card = score_change(_ws(git_project))
    (threshold,) = card.thresholds
    assert (threshold.name, threshold.value, threshold.passed) == ("max-net-code", 2, False)
    assert not card.passed and "FAILED" in render_scorecard(card)


def test_coverage_is_unknown_without_data_and_measured_from_xml(git_project: Path) -> None:
    (git_project / "m.py").write_text("a = 1\n")
    _commit(git_project)
    (git_project / "m.py").write_text("a = 1\nb = 2\nc = 3\n")
    card = score_change(_ws(git_project), paths=["m.py"])
    assert card.coverage.status == "unknown" and card.coverage.changed_percent is None
    assert "Coverage: unknown" in render_scorecard(card)
    (git_project / "coverage.xml").write_text(
        '<?xml version="1.0" ?><coverage line-rate="0.75"><sources><source>.</source></sources><packages><package>'
        '<classes><class filename="m.py"><lines><line number="1" hits="1"/><line number="2" hits="1"/>'
        '<line number="3" hits="0"/></lines></class></classes></package></packages></coverage>'
    )
    card = score_change(_ws(git_project), paths=["m.py"])
    assert (card.coverage.total_percent, card.coverage.changed_statements, card.coverage.changed_covered) == (75.0, 2, 1)
    assert card.coverage.changed_percent == 50.0


def test_coverage_from_sqlite_counts_added_statements_that_ran(git_project: Path) -> None:
    (git_project / "m.py").write_text("a = 1\n")
    _commit(git_project)
    (git_project / "m.py").write_text("a = 1\nb = 2\nc = (\n    3)\n")
    with sqlite3.connect(git_project / ".coverage") as db:
        db.execute("create table file (id integer primary key, path text)")
        db.execute("create table line_bits (file_id integer, context_id integer, numbits blob)")
        db.execute("insert into file values (1, ?)", (str(git_project / "m.py"),))
        db.execute("insert into line_bits values (1, 1, ?)", (bytes([0b0110]),))  # lines 1 and 2 ran
    card = score_change(_ws(git_project), paths=["m.py"])
    assert (card.coverage.changed_statements, card.coverage.changed_covered) == (2, 1)
    assert card.coverage.total_percent is None


def test_duplicates_are_measured_not_invented(git_project: Path) -> None:
    (git_project / "a.py").write_text("x = 1\n")
    card = score_change(_ws(git_project))
    assert (card.consolidation.duplicates_introduced, card.consolidation.duplicates_eliminated) == (0, 0)
    assert "Duplicates: introduced 0, eliminated 0" in render_scorecard(card)
    assert card.pattern_uri == PATTERN_URI


def test_sources_mode_and_mixed_inputs(project: Path) -> None:
    card = score_change(_ws(project), before="a = 1\n", after="a = 1\nb = 2\n", path_name="x.py")
    assert card.net_loc == "+1/-0" and card.files[0].path == "x.py"
    assert card.reuse.rate is None and "git range" in (card.reuse.reason or "")
    with pytest.raises(WardenError, match="one input"):
        score_change(_ws(project), base="HEAD", before="a", after="b")


def test_files_are_paginated(git_project: Path) -> None:
    for i in range(5):
        (git_project / f"f{i}.py").write_text(f"v = {i}\n")
    first = score_change(_ws(git_project), limit=2)
    assert [f.path for f in first.files] == ["f0.py", "f1.py"] and first.totals.files == 5
    second = score_change(_ws(git_project), limit=2, cursor=first.page.next_cursor)
    assert [f.path for f in second.files] == ["f2.py", "f3.py"]


def test_limit_is_honoured_exactly_and_pages_walk_every_file(git_project: Path) -> None:
    for i in range(40):
        (git_project / f"module_{i:02d}.py").write_text("".join(f"def f{j}():\n    return {j}\n" for j in range(30)))
    default = score_change(_ws(git_project))
    assert len(default.files) == 15 and len(default.model_dump_json()) < 12_000
    assert all(len(f.symbols) <= 3 for f in default.files) and default.totals.functions_added == 40 * 30
    seen, cursor = [], None
    while True:
        page = score_change(_ws(git_project), limit=5, cursor=cursor)
        assert len(page.files) == 5
        seen += [f.path for f in page.files]
        cursor = page.page.next_cursor
        if cursor is None:
            break
    assert seen == [f"module_{i:02d}.py" for i in range(40)]
    assert "... 35 more files: pass cursor=" in render_scorecard(score_change(_ws(git_project), limit=5))


def test_coverage_older_than_the_change_is_flagged(git_project: Path) -> None:
    (git_project / "m.py").write_text("a = 1\n")
    _commit(git_project)
    (git_project / "coverage.xml").write_text(
        '<?xml version="1.0" ?><coverage line-rate="1.0"><packages><package><classes>'
        '<class filename="m.py"><lines><line number="2" hits="1"/></lines></class></classes></package></packages>'
        "</coverage>"
    )
    os.utime(git_project / "coverage.xml", (1_000_000_000, 1_000_000_000))
    (git_project / "m.py").write_text("a = 1\nb = 2\n")
    card = score_change(_ws(git_project), paths=["m.py"])
    assert card.coverage.stale and "older than some changed files" in (card.coverage.reason or "")
    assert card.coverage.changed_percent == 100.0  # still the measured figure, flagged
    assert "stale" in render_scorecard(card)
