"""Measured precision of the rules mainstream linters lack, from hand labels on held-out code.

Each figure is (true positives, labelled findings) from bench/labels/rules_precision_issue23_round2.csv:
findings of today's rules on PyPI projects nobody here had read (dramatiq, grpclib, motor,
aiosmtplib, taskiq, huey, niquests, blacksheep, aioboto3), package and project-root runs
together, every finding of a default rule labelled and 15 a rule sampled for the opt-in ones,
with "debatable" counted against the rule. Rules none of whose findings appeared there have no
figure. `bench/rules_precision.py --heldout DIR --labels FILE` recomputes them; docs/rules.md
prints them beside each rule's default state. Rules with a Ruff counterpart are measured by
agreement with Ruff instead (docs/benchmarks.md).
"""

from __future__ import annotations

#: code -> (TP, labelled); the sample a figure rests on is part of the figure.
PRECISION: dict[str, tuple[int, int]] = {
    "ERR003": (4, 15), "ERR005": (0, 1),
    "ASY001": (3, 5), "ASY003": (2, 3), "ASY004": (5, 13), "ASY005": (2, 2),
    "RES001": (0, 1), "RES003": (0, 1), "RES004": (0, 3), "SEC001": (0, 7), "COR003": (15, 15),
}
