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
  dropped TP a recall loss), and precision per project (libraries and applications differ);
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
    """The confidence band a finding falls in NOW (labels keep the confidence they were made at)."""
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
    """One line: TP/(TP+FP) with the counts, so a small class is not mistaken for a firm figure."""
    judged = counts["TP"] + counts["FP"]
    ratio = f"{100 * counts['TP'] / judged:5.1f}%" if judged else "   n/a"
    return f"{ratio}  TP {counts['TP']:3d}  FP {counts['FP']:3d}  debatable {counts['debatable']:3d}"


def read_labels(path: Path) -> dict[str, dict[str, list[dict]]]:
    """Label rows by project, then by finding key (a key can name several findings, e.g. a
    function defined twice in one module; the labels' line column tells them apart)."""
    labels: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            labels[row["project"]][row["key"]].append(row)
    return labels


def pair(rows: list[dict], findings: list[dict]) -> tuple[list[tuple[dict, dict | None]], list[dict]]:
    """Each label row with the reported finding of its key (on the same line where several share
    it), and the findings of that key no row took."""
    left = list(findings)
    paired = []
    for row in rows:
        found = next((f for f in left if str(f["line"]) == row["line"]), left[0] if left else None)
        if found is not None:
            left.remove(found)
        paired.append((row, found))
    return paired, left


def measure(corpus: Path, labels: dict[str, dict[str, list[dict]]]) -> tuple[dict[str, Counter], list[tuple[str, dict]]]:
    """Verdict counts per group (high, all, kind:..., band:..., project:..., dropped) and the unlabelled findings."""
    groups: dict[str, Counter] = defaultdict(Counter)
    unlabelled: list[tuple[str, dict]] = []
    for project in sorted(labels):
        root = corpus / project
        if not root.is_dir():
            sys.exit(f"project folder {root} is missing: unpack the sdist listed in the labels' .md there")
        reported: dict[str, list[dict]] = defaultdict(list)
        for finding in run_engine(root):
            reported[finding_key(finding)].append(finding)
        for key, rows in labels[project].items():
            paired, left = pair(rows, reported.get(key, []))
            unlabelled += [(project, f) for f in left]
            for row, finding in paired:
                verdict = row["verdict"]
                if finding is None:
                    groups["dropped"][verdict] += 1
                    continue
                names = ["all", f"kind {finding['kind']}", f"band {band(finding['confidence'])}", f"project {project}"]
                names += ["high"] if finding["confidence"] >= HIGH else []
                for name in names:
                    groups[name][verdict] += 1
        unlabelled += [(project, f) for key, fs in reported.items() if key not in labels[project] for f in fs]
    return groups, unlabelled


def report(groups: dict[str, Counter], unlabelled: list[tuple[str, dict]], labelled: int, show: int) -> None:
    """Print the summary first, then the groups, then what is reported without a label."""
    print(f"labelled findings still reported: {sum(groups['all'].values())} of {labelled}; "
          "precision = TP/(TP+FP), debatable apart")
    print(f"  confidence >= {HIGH:<3d}          {precision(groups['high'])}")
    print(f"  all still reported         {precision(groups['all'])}")
    for name in sorted(n for n in groups if n.split()[0] in ("kind", "band", "project")):
        print(f"  {name:<26s} {precision(groups[name])}")
    dropped = groups["dropped"]
    print(f"labelled but no longer reported: {sum(dropped.values())} "
          f"(TP {dropped['TP']}, FP {dropped['FP']}, debatable {dropped['debatable']})")
    per = Counter((band(f["confidence"]), f["kind"]) for _, f in unlabelled)
    print(f"reported now without a label: {len(unlabelled)}  "
          + ", ".join(f"{b} {k}: {n}" for (b, k), n in sorted(per.items())))
    for project, finding in sorted(unlabelled, key=lambda item: -item[1]["confidence"])[:show]:
        print(f"  {finding['confidence']:3d} {finding['kind']:<16s} {project}/{finding['path']}:"
              f"{finding['line']} {finding.get('symbol') or ''}")


def main() -> None:
    """Parse the arguments, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of unpacked NAME-VERSION sdists")
    parser.add_argument("--labels", type=Path, required=True, help="CSV written by the labelling (key column)")
    parser.add_argument("--show", type=int, default=15, help="unlabelled findings to list (default 15)")
    args = parser.parse_args()
    labels = read_labels(args.labels)
    groups, unlabelled = measure(args.corpus, labels)
    report(groups, unlabelled, sum(len(rows) for keys in labels.values() for rows in keys.values()), args.show)


if __name__ == "__main__":
    main()
