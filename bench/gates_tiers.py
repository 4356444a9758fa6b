"""Which labelled gate rows the severity tiers still block: a quick stand-in for a full replay.

The gates block at severity ERROR by default, and each new-code rule reports ERROR only for the
forms an agent should stop for. A full replay of a corpus (``gates_precision.py``) takes the
better part of an hour; the tier of a finding depends only on the file it is in (and the project
model of its tree), so this script runs `check` with the labelled rules on the labelled files of
each task's ``after/`` tree and joins the findings with a labels CSV by task, file, line and
rule. It prints, per rule and verdict, how many labelled rows are still ERROR (still blocking),
now WARNING (a note, not a block), or no longer found. Rows of a blocking stop that are not
findings (rule ``review``) are not rule findings and are counted apart, as they were labelled.

    python bench/gates_tiers.py /work/corpus/gates-agent5 bench/labels/gates_issue22_agent5.csv
    python bench/gates_tiers.py bench/corpus/agent bench/labels/gates_issue22_tuning2.csv --only A
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import subprocess
import sys
from pathlib import Path

_RULES = "ALL,ERR002,ERR003,ERR005,ASY001,ASY002,ASY003,ASY004,ASY005,DES006,SEC001,SEC002,RES001,RES002"


def findings(after: Path, files: list[str]) -> dict[tuple[str, int, str], str]:
    """(file, line, rule) -> severity, from `pattern-warden check` on ``files`` of one tree."""
    command = [sys.executable, "-m", "pattern_warden", "check", "--root", str(after), "--select", _RULES,
               "--format", "json", "--no-cache", "--workers", "1", *files]
    answer = subprocess.run(command, cwd=after, capture_output=True, text=True, check=False)
    try:
        found = json.loads(answer.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"check failed on {after}: {answer.stderr[-2000:]}")
    return {(f["path"], f["line"], f["code"]): f["severity"] for f in found}


def main() -> None:
    """Join the labels with today's tiers and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--rows", action="store_true", help="also print every labelled row with its tier")
    parser.add_argument("--only", metavar="CORPUS", help="only the rows whose `corpus` column is this (A, B, A5)")
    args = parser.parse_args()
    rows = [row for row in csv.DictReader(args.labels.open(encoding="utf-8"))
            if args.only is None or row.get("corpus") == args.only]
    by_task: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        if row["rule"] != "review":
            by_task[row["task"]].add(row["file"])
    tiers: dict[tuple[str, str, int, str], str] = {}
    for task, files in sorted(by_task.items()):
        for (path, line, code), severity in findings((args.corpus / task / "after").resolve(), sorted(files)).items():
            tiers[(task, path, line, code)] = severity
    table: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for row in rows:
        if row["rule"] == "review":
            tier = "review (not a rule)"
        else:
            tier = tiers.get((row["task"], row["file"], int(row["line"]), row["rule"]), "not found")
        table[(row["rule"], row["verdict"], tier)] += 1
        if args.rows:
            print(f"{tier:8} {row['verdict']:9} {row['rule']} {row['task'][:40]} {row['file']}:{row['line']}")
    print("| rule | verdict | error (blocks) | warning or info | not found |\n|---|---|---|---|---|")
    for rule, verdict in sorted({(r, v) for r, v, _ in table if r != "review"}):
        counts = [table[(rule, verdict, "error")], table[(rule, verdict, "warning")] + table[(rule, verdict, "info")],
                  table[(rule, verdict, "not found")]]
        print(f"| {rule} | {verdict} | {counts[0]} | {counts[1]} | {counts[2]} |")
    for title, tiers_counted in (("rule findings still ERROR", ("error",)),
                                 ("review lines (leftovers, thresholds: no tier, as labelled)", ("review (not a rule)",))):
        blocked = collections.Counter(v for (_, v, t), n in table.items() for _ in range(n) if t in tiers_counted)
        tp, fp, deb = blocked["TP"], blocked["FP"], blocked["debatable"]
        share = f"{tp / (tp + fp):.0%}" if tp + fp else "-"
        print(f"{title}: {tp + fp + deb} rows: {tp} TP, {fp} FP, {deb} debatable; precision TP/(TP+FP) {share}")


if __name__ == "__main__":
    main()
