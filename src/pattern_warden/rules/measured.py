"""Measured precision of the rules mainstream linters lack, from hand labels on held-out code.

Each figure is (true positives, labelled findings still reported) from
bench/labels/rules_precision_issue23.csv: 335 findings on eight PyPI projects never used to write
or tune the rules (aiokafka, websockets, httpx, quart, arq, aiocache, falcon, rq), labelled on the
code as it was before issue 23's rule work and matched against what the rules report now, package
and project-root runs together, with "debatable" counted against the rule. Rules none of whose
labelled findings is still reported have no figure. `bench/rules_precision.py --heldout DIR
--labels FILE` recomputes them; docs/rules.md prints them beside each rule's default state. Rules
with a Ruff counterpart are measured by agreement with Ruff instead (docs/benchmarks.md).
"""

from __future__ import annotations

#: code -> (TP, labelled); the sample a figure rests on is part of the figure.
PRECISION: dict[str, tuple[int, int]] = {
    "ASY003": (0, 3), "ASY004": (0, 10), "ASY005": (6, 8),
    "RES001": (0, 1), "RES003": (0, 1), "RES004": (0, 6), "COR003": (23, 34),
}
