"""Measured precision of the rules mainstream linters lack, from hand labels on held-out code.

Each figure is (true positives, labelled findings) from bench/labels/rules_precision_heldout.csv:
findings on PyPI projects never used to write or tune the rules, every one read by hand, with
"debatable" counted against the rule. `bench/rules_precision.py --heldout DIR` recomputes them;
docs/rules.md prints them beside each rule's default state. A rule that did not reach 90% is
opt-in (its ``default_on`` is False). Rules with a Ruff counterpart are measured by agreement
with Ruff instead (docs/benchmarks.md).
"""

from __future__ import annotations

#: code -> (TP, labelled); the sample a figure rests on is part of the figure.
PRECISION: dict[str, tuple[int, int]] = {
    "ERR003": (5, 40), "ERR005": (0, 3),
    "ASY001": (9, 9), "ASY002": (0, 10), "ASY003": (8, 9), "ASY004": (1, 34), "ASY005": (40, 40),
    "RES001": (3, 10), "RES002": (1, 1), "RES003": (38, 40), "RES004": (2, 10), "RES005": (0, 10),
    "DES006": (1, 3), "SEC001": (0, 14), "SEC002": (0, 9), "COR003": (40, 43),
}
