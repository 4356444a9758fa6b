"""What the gates block on agent-written code, as a CSV ready for labelling.

The corpus is a folder of tasks, each laid out as ``<task>/before/`` (the project before the
agent's work) and ``<task>/after/`` (after it). For each task this script makes a git
repository in a temporary folder from ``before/`` (one commit) and plays the agent's session
through the plugin's hook commands, as Claude Code sends them (``tests/e2e/claude_hooks.py``):
SessionStart; for each file that differs in ``after/`` (added or changed, in path order),
PreToolUse, the Write, PostToolUse; then Stop. Every blocking finding of either gate becomes one
row: task, file, line, rule, severity, message, which gates blocked it, and empty ``verdict``
and ``reason`` columns for the labeller (TP / FP / debatable, one reason each). A line of a
blocking stop that is not a finding (a leftover, a duplicate, a threshold that counts none of the
listed items) is a row too, with rule ``review``, so nothing that blocked is left out; the stop's
closing line, the thresholds the listed rows fail, is not a reason of its own. Files deleted in ``after/`` are
deleted just before the Stop, as an agent deletes them, through Bash, which the edit hook does not see; the stop
reviews the working tree the session really left.

    python bench/gates_precision.py CORPUS --out bench/labels/gates-CORPUS.csv --jobs 2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: the hook driver lives in tests/

from pattern_warden.hooks import FAILS  # noqa: E402
from tests.conftest import git  # noqa: E402
from tests.e2e.claude_hooks import ClaudeCode, Hook  # noqa: E402

COLUMNS = ("task", "file", "line", "rule", "severity", "message", "gates", "verdict", "reason")
_FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<rule>[A-Z]+\d+) \[(?P<severity>\w+)\] "
                      r"(?:new|worse \(was \d+\)|existing): (?P<message>.*?)(?: Fix: .*)?$")


def changed_files(before: Path, after: Path) -> list[str]:
    """Files of ``after`` that ``before`` lacks or holds with other bytes, relative, in path order."""
    out = []
    for path in sorted(p for p in after.rglob("*") if p.is_file()):
        rel = path.relative_to(after).as_posix()
        old = before / rel
        if not old.is_file() or old.read_bytes() != path.read_bytes():
            out.append(rel)
    return out


def deleted_files(before: Path, after: Path) -> list[str]:
    """Files of ``before`` that ``after`` lacks, relative, in path order."""
    return [p.relative_to(before).as_posix() for p in sorted(before.rglob("*"))
            if p.is_file() and not (after / p.relative_to(before)).exists()]


def blocking_rows(task: str, gate: str, hook: Hook) -> list[dict[str, str]]:
    """The findings (and other reasons) a blocking answer names; [] when it did not block."""
    if not hook.blocked:
        return []
    rows = []
    for line in hook.text.splitlines()[1:]:  # the first line says what to do
        match = _FINDING.match(line)
        if match:
            rows.append({"task": task, "gates": gate, **match.groupdict()})
        elif line.strip() and not line.startswith(("...", FAILS)):  # the closing line names thresholds the rows fail
            rows.append({"task": task, "gates": gate, "file": "", "line": "", "rule": "review", "severity": "",
                         "message": line.strip()})
    return rows


def play(task: Path, scratch: Path) -> list[dict[str, str]]:
    """One task's session on a fresh repository; its blocking rows, each finding once."""
    repo = scratch / task.name
    shutil.copytree(task / "before", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "before")
    claude = ClaudeCode(repo, session_id=f"precision-{task.name}")
    claude.start()
    rows: list[dict[str, str]] = []
    for rel in changed_files(task / "before", task / "after"):
        data = (task / "after" / rel).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # not something an agent writes with the Write tool
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_bytes(data)
            continue
        rows += blocking_rows(task.name, "edit", claude.write(rel, text))
    for rel in deleted_files(task / "before", task / "after"):
        (repo / rel).unlink()  # `rm` or `git mv` through Bash: no hook sees it, the stop sees the tree
    rows += blocking_rows(task.name, "stop", claude.stop())
    merged: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        seen = merged.setdefault((row["file"], row["line"], row["rule"], row["message"]), {**row, "gates": ""})
        seen["gates"] = "+".join(sorted({*filter(None, seen["gates"].split("+")), row["gates"]}))
    return list(merged.values())


def _play_one(task: Path, scratch: Path) -> tuple[str, list[dict[str, str]]]:
    """One task in a worker process; its name and rows."""
    return task.name, play(task, scratch)


def main(argv: list[str] | None = None) -> int:
    """Play the tasks and write the CSV as each one ends (labelling can start before the run
    ends); print a one-line summary per task."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of <task>/before/ and <task>/after/")
    parser.add_argument("--out", type=Path, required=True, help="the CSV to write")
    parser.add_argument("--jobs", type=int, default=1, help="tasks played at once, each in its own process")
    parser.add_argument("--order", type=Path, help="a file of task names, one a line: play these, in this order")
    args = parser.parse_args(argv)
    tasks = sorted(p for p in args.corpus.iterdir() if (p / "before").is_dir() and (p / "after").is_dir())
    if args.order is not None:
        known = {task.name: task for task in tasks}
        names = args.order.read_text(encoding="utf-8").split()
        unknown = [name for name in names if name not in known]
        if unknown:
            parser.error(f"{args.order} names tasks {args.corpus} lacks: {', '.join(unknown[:5])}")
        tasks = [known[name] for name in names]
    if not tasks:
        parser.error(f"{args.corpus} holds no <task>/before/ and <task>/after/ folders")
    if args.jobs < 1:
        parser.error(f"--jobs must be 1 or more, not {args.jobs}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory(prefix="gates-precision-") as tmp, \
            args.out.open("w", newline="", encoding="utf-8") as out:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # the sessions' state goes with the scratch
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for done in as_completed([pool.submit(_play_one, task, Path(tmp)) for task in tasks]):
                name, found = done.result()
                writer.writerows({**{c: "" for c in COLUMNS}, **row} for row in found)
                out.flush()
                total += len(found)
                print(json.dumps({"task": name, "blocking": len(found)}), flush=True)
    print(json.dumps({"tasks": len(tasks), "rows": total, "csv": str(args.out)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
