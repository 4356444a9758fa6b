"""bench/gates_precision.py on a tiny corpus laid out as the blind one is (<task>/before, <task>/after)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, write_tree

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


FEEDBACK = ('"""Feedback storage."""\nimport json\nfrom pathlib import Path\n\nfrom app.text import _slugify\n\n\n'
            'def save_feedback(folder: Path, user: str, text: str) -> Path:\n'
            '    """Store one piece of feedback as a JSON file and return its path."""\n'
            '    path = folder / f"{_slugify(user)}.json"\n    entries = json.loads(path.read_text()) if path.exists() else []\n'
            '    entries.append({"user": user, "text": text})\n    path.write_text(json.dumps(entries, indent=2))\n'
            "    return path\n")
TEXT = ('"""Text helpers."""\n\n\ndef _slugify(text: str) -> str:\n    """A file-name-safe form of ``text``."""\n'
        '    return "".join(c if c.isalnum() else "-" for c in text.lower())\n')


def test_a_file_the_task_deleted_is_deleted_before_the_stop_which_reviews_what_the_session_left(
        tmp_path: Path) -> None:
    # the commit moves app/feedback.py to app/db/feedback.py and drops its slug: the deletion is the
    # agent's `git mv`, and it leaves _slugify with no caller, which only a stop that sees it can say
    main = '"""The app."""\nfrom app.{0}feedback import save_feedback\n\n\ndef submit(folder, user, text):\n' \
           '    """Take feedback."""\n    return save_feedback(folder, user, text)\n'
    moved = FEEDBACK.replace("\nfrom app.text import _slugify\n", "").replace("_slugify(user)", "user")
    write_tree(tmp_path / "corpus" / "moved", {
        "before/app/__init__.py": "", "before/app/text.py": TEXT, "before/app/feedback.py": FEEDBACK,
        "before/app/main.py": main.format(""),
        "after/app/__init__.py": "", "after/app/text.py": TEXT, "after/app/db/__init__.py": "",
        "after/app/db/feedback.py": moved, "after/app/main.py": main.format("db."),
    })
    out = tmp_path / "rows.csv"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "gates_precision.py"), str(tmp_path / "corpus"),
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rule"], r["gates"]) for r in rows] == [("review", "stop")], rows
    assert rows[0]["message"].startswith("leftover: app/text.py:4-6 _slugify [orphaned-by-change"), rows
