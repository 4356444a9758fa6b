"""Precision of the leftovers engine on projects labelled before anything was tuned for them.

    .venv/bin/python bench/leftovers_precision.py \
        --corpus /work/corpus/heldout-leftovers --labels bench/labels/leftovers_issue27.csv

The corpus folder holds unpacked sdists named NAME-VERSION (see bench/labels/leftovers_issue27.md
for the download commands). The script runs the CURRENT command line,
``python -m pattern_warden leftovers --root <project> --format json --all --min-confidence 0``,
on each labelled project, matches every finding to a label by its key (kind, path, symbol or
line, and for parallel wrappers the files involved) and prints:

- precision TP / (TP + FP) of the labelled findings still reported, debatable labels shown
  apart and excluded, overall, for confidence >= 80 (the high-confidence class the goal is
  about), per kind and per confidence band (the confidence reported NOW);
- how many labelled findings are no longer reported, by verdict (a dropped FP is a gain, a
  dropped TP a recall loss);
- the findings reported now that carry no label, per band and kind, with the first few
  listed, so a later change that reports new things is not measured on old labels alone.

The subprocess (not an import) keeps the measurement tied to what a user runs, whatever the
engine's internal API becomes.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HIGH = 80
BANDS = ((80, "80-100"), (60, "60-79"), (0, "0-59"))


def finding_key(finding: dict) -> str:
    """The label key: kind|path|symbol, or kind|path|L<line> where a symbol does not name it.

    Commented-out blocks have no symbol; a module can be one side of several parallel-wrapper
    pairs, so those keys also carry the sorted files of the pair.
    """
    symbol = finding.get("symbol")
    anchor = symbol if symbol and finding["kind"] != "commented-out" else f"L{finding['line']}"
    key = f"{finding['kind']}|{finding['path']}|{anchor}"
    if finding["kind"] == "parallel-wrapper":
        key += "|" + "+".join(sorted(finding.get("evidence", [])))
    return key


def band(confidence: int) -> str:
    return next(name for floor, name in BANDS if confidence >= floor)


def run_engine(root: Path) -> list[dict]:
    """Every finding the current engine reports on ``root``, at any confidence."""
    command = [sys.executable, "-m", "pattern_warden", "leftovers", "--root", str(root),
               "--format", "json", "--all", "--min-confidence", "0"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"leftovers failed on {root} (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)["leftovers"]


def precision(counts: Counter) -> str:
    judged = counts["TP"] + counts["FP"]
    ratio = f"{100 * counts['TP'] / judged:5.1f}%" if judged else "   n/a"
    return f"{ratio}  TP {counts['TP']:3d}  FP {counts['FP']:3d}  debatable {counts['debatable']:3d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of unpacked NAME-VERSION sdists")
    parser.add_argument("--labels", type=Path, required=True, help="CSV written by the labelling (key column)")
    parser.add_argument("--show", type=int, default=15, help="unlabelled findings to list (default 15)")
    args = parser.parse_args()

    labels: dict[str, dict[str, dict]] = defaultdict(dict)
    with args.labels.open(newline="") as handle:
        for row in csv.DictReader(handle):
            labels[row["project"]][row["key"]] = row

    overall, high = Counter(), Counter()
    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_band: dict[str, Counter] = defaultdict(Counter)
    dropped: Counter = Counter()
    unlabelled: list[tuple[str, dict]] = []
    for project in sorted(labels):
        root = args.corpus / project
        if not root.is_dir():
            sys.exit(f"project folder {root} is missing: unpack the sdist listed in the labels' .md there")
        reported = {finding_key(f): f for f in run_engine(root)}
        for key, row in labels[project].items():
            finding = reported.get(key)
            if finding is None:
                dropped[row["verdict"]] += 1
                continue
            verdict = row["verdict"]
            overall[verdict] += 1
            by_kind[finding["kind"]][verdict] += 1
            by_band[band(finding["confidence"])][verdict] += 1
            if finding["confidence"] >= HIGH:
                high[verdict] += 1
        unlabelled += [(project, f) for key, f in reported.items() if key not in labels[project]]

    print(f"labelled findings still reported: {sum(overall.values())} of "
          f"{sum(len(rows) for rows in labels.values())}; precision = TP/(TP+FP), debatable apart")
    print(f"  confidence >= {HIGH:<3d}      {precision(high)}")
    print(f"  all still reported   {precision(overall)}")
    for name in sorted(by_kind):
        print(f"  kind {name:<16s} {precision(by_kind[name])}")
    for _, name in BANDS:
        if by_band[name]:
            print(f"  band {name:<16s} {precision(by_band[name])}")
    print(f"labelled but no longer reported: {sum(dropped.values())} "
          f"(TP {dropped['TP']}, FP {dropped['FP']}, debatable {dropped['debatable']})")
    per = Counter((band(f["confidence"]), f["kind"]) for _, f in unlabelled)
    print(f"reported now without a label: {len(unlabelled)}  "
          + ", ".join(f"{b} {k}: {n}" for (b, k), n in sorted(per.items())))
    unlabelled.sort(key=lambda item: -item[1]["confidence"])
    for project, finding in unlabelled[: args.show]:
        print(f"  {finding['confidence']:3d} {finding['kind']:<16s} {project}/{finding['path']}:"
              f"{finding['line']} {finding.get('symbol') or ''}")


if __name__ == "__main__":
    main()
