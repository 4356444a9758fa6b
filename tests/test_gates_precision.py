"""bench/gates_precision.py on a tiny corpus laid out as the blind one is (<task>/before, <task>/after)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

LAYOUT = REPO / "tests" / "data" / "gates_layout"


def test_every_blocking_finding_of_each_task_becomes_one_row_to_label(tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "gates_precision.py"), str(LAYOUT), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["task"], r["file"], r["line"], r["rule"], r["gates"]) for r in rows] == [
        ("flags", "flags/client.py", "12", "ERR003", "edit+stop"),   # the new silent fallback
        ("users", "app/directory.py", "3", "ERR005", "edit+stop"),   # the new placeholder people
    ]  # and not users.py's mutable default: the task's before/ already had it
    assert all(r["verdict"] == "" and r["reason"] == "" and r["message"] for r in rows)


def test_a_folder_without_tasks_is_refused_with_what_to_pass(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "gates_precision.py"), str(tmp_path), "--out",
                           str(tmp_path / "x.csv")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "<task>/before/" in done.stderr
