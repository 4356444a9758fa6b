"""Verdicts of the hand-labelled disagreements with Ruff on its fixtures, counted per rule.

    python bench/ruff_verdicts.py bench/labels/ruff_fixture_disagreements.csv

The CSV (rule, ruff_code, file, line, side, verdict, reason) holds one judgement per line that only
one tool reports: ours-wrong, ruff-wrong, by-design or debatable. Rules with many disagreements
are labelled on a random sample (seed 18, 15 lines per side); ``bench/ruff_fixtures.py --labels``
counts the verdicts of the disagreements a run still shows, scaling a sampled group's counts up
to its size (printed with ``~``, an estimate), and lists the lines nobody has judged yet.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from pathlib import Path

VERDICTS = ("ours-wrong", "ruff-wrong", "by-design", "debatable")

#: The groups labelled on a random sample (``random.Random(18).sample(lines, 15)`` of the lines
#: in the benchmark's order) because they are large; every other group is labelled in full.
SAMPLED = frozenset((rule, "only-ruff") for rule in ("DOC001", "DOC003", "SEC001", "COR002"))

#: (rule, side, file, line) -> verdict; side is "only-ours" or "only-ruff".
Labels = dict[tuple[str, str, str, int], str]


def load(path: Path) -> Labels:
    """The labels, keyed like the benchmark's disagreement lines."""
    with path.open(newline="") as handle:
        return {(row["rule"], row["side"], row["file"], int(row["line"])): row["verdict"] for row in csv.DictReader(handle)}


def tally(labels: Labels, disagreements: dict[tuple[str, str], list[tuple[str, int]]]) -> dict[str, dict[str, float]]:
    """Per rule: verdict counts over the given disagreement lines. A sampled group's counts are
    scaled to the group's size ("estimated" is then 1); in the others, lines without a label are
    "unlabelled" (new disagreements nobody has judged)."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys((*VERDICTS, "unlabelled", "estimated"), 0))
    for (rule, side), lines in disagreements.items():
        found = Counter(labels[(rule, side, f, n)] for f, n in lines if (rule, side, f, n) in labels)
        judged, row = sum(found.values()), totals[rule]
        scale = len(lines) / judged if (rule, side) in SAMPLED and judged else 1
        for verdict, count in found.items():
            row[verdict] += count * scale
        row["estimated"] = max(row["estimated"], int(scale != 1))
        row["unlabelled"] += len(lines) - judged if scale == 1 else 0
    return dict(totals)


def render(totals: dict[str, dict[str, float]]) -> list[str]:
    """A markdown table: one row per rule with disagreements, then the total."""
    lines = ["| rule | " + " | ".join(VERDICTS) + " | unlabelled |", "|---|" + "---|" * (len(VERDICTS) + 1)]
    grand: Counter = Counter()
    estimated = False
    for rule, row in totals.items():
        if not any(row[v] for v in (*VERDICTS, "unlabelled")):
            continue
        mark = "~" if row["estimated"] else ""
        estimated |= bool(row["estimated"])
        lines.append(f"| {rule} | " + " | ".join(f"{mark}{row[v]:.0f}" for v in VERDICTS) + f" | {row['unlabelled']:.0f} |")
        grand.update({v: row[v] for v in (*VERDICTS, "unlabelled")})
    mark = "~" if estimated else ""
    lines.append("| total | " + " | ".join(f"{mark}{grand[v]:.0f}" for v in VERDICTS) + f" | {grand['unlabelled']:.0f} |")
    return lines


def main() -> None:
    """Count the CSV's own verdicts (the lines as labelled, no scaling)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    labels = load(parser.parse_args().labels)
    groups: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for rule, side, path, line in labels:
        groups[(rule, side)].append((path, line))
    print(f"# {len(labels)} labelled disagreement lines (a sample of the large rules, not scaled)\n")
    print("\n".join(render(tally(labels, groups))))


if __name__ == "__main__":
    main()
