"""Precision of what the gates block, from a play's rows and labels made on an earlier engine.

``bench/gates_precision.py`` writes the rows a play of a corpus blocked on; labellers give each
row a verdict (TP / FP / debatable). When the engine changes, the corpus is played again and
this script joins the new rows with the labels on (task, file, line, rule): a labelled row keeps
its verdict, since the label judges the code at that line and not the message; a row no label
covers is listed, to be labelled (read in full) before any figure is quoted. Precision is
TP/(TP+FP), debatable rows left out; strict is TP over all labelled rows.

    python bench/gates_score.py /work/corpus/gates-agent6-out/final.csv bench/labels/gates_issue22_agent6.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

KEY = ("task", "file", "line", "rule")


def key(row: dict[str, str]) -> tuple[str, ...]:
    """What a label is joined on; a stop's `review` line has no file or line, so its text counts."""
    return tuple(row[k] for k in KEY) + ((row["message"],) if row["rule"] == "review" else ())


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ratio(tp: int, fp: int) -> str:
    return f"{tp / (tp + fp):.0%} ({tp}/{tp + fp})" if tp + fp else "-"


def table(rows: list[tuple[dict[str, str], str]]) -> list[str]:
    """Markdown rows: all, by gate, by rule, by rule and severity."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for row, verdict in rows:
        for name in ("all", f"gate: {row['gates']}", f"rule {row['rule']}", f"rule {row['rule']} [{row['severity']}]"):
            groups[name][verdict] += 1
    out = ["| set | rows | TP | FP | debatable | precision | strict |", "|---|---|---|---|---|---|---|"]
    for name in sorted(groups, key=lambda n: (n != "all", n)):
        c = groups[name]
        total = sum(c.values())
        out.append(f"| {name} | {total} | {c['TP']} | {c['FP']} | {c['debatable']} | {_ratio(c['TP'], c['FP'])} | "
                   f"{c['TP'] / total:.0%} ({c['TP']}/{total}) |")
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the precision table of the labelled rows and list the rows no label covers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, help="the CSV a play wrote (bench/gates_precision.py --out)")
    parser.add_argument("labels", type=Path, nargs="+", help="labelled CSVs with verdict and reason columns")
    args = parser.parse_args(argv)
    verdicts: dict[tuple[str, ...], str] = {}
    for path in args.labels:
        for row in _read(path):
            verdict = row.get("verdict", "").strip()
            if verdict not in ("TP", "FP", "debatable"):
                parser.error(f"{path}: row {row.get('task')}:{row.get('file')}:{row.get('line')} has verdict "
                             f"{verdict!r}; pass only finished labels (TP, FP or debatable)")
            verdicts[key(row)] = verdict
    labelled, unlabelled = [], []
    for row in _read(args.rows):
        verdict = verdicts.get(key(row))
        (labelled.append((row, verdict)) if verdict else unlabelled.append(row))
    tasks = {row["task"] for row, _ in labelled} | {row["task"] for row in unlabelled}
    print(f"{len(labelled)} blocking rows labelled, {len(unlabelled)} unlabelled, in {len(tasks)} tasks")
    print("\n".join(table(labelled)))
    for row in unlabelled:
        print(f"unlabelled: {row['task']} {row['file']}:{row['line']} {row['rule']} [{row['severity']}] {row['gates']}")
    return 1 if unlabelled else 0


if __name__ == "__main__":
    sys.exit(main())
