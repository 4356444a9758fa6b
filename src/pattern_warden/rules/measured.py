"""Measured precision of the rules, from hand labels on held-out code.

Each figure is (true positives, labelled findings) from rounds 5 and 6 of issue 23
(bench/labels/rules_precision_issue23_round5_{A,B}.csv and _round6_{A,B}.csv): 561 findings on
nineteen PyPI projects nobody here had read, ten a round, each labelled on a frozen engine before
anything was changed for it, "debatable" counted against the rule. Default rules were labelled in
full (COR003 and ERR004 sampled, 25 per labeller, stratified by project); opt-in rules 8 per
labeller and rule. Round 5 decided the default set (rules below 90% over five rounds became
opt-in), so the default set's own figure is round 6's: 76 of 82 (93%). The rules' code did not
change between the two rounds. Rules none of whose findings appeared have no figure.
`bench/rules_precision.py --heldout DIR --labels FILE` recomputes a round; docs/rules.md prints
these beside each rule's default state.
"""

from __future__ import annotations

#: code -> (TP, labelled); the sample a figure rests on is part of the figure.
PRECISION: dict[str, tuple[int, int]] = {
    "COR003": (80, 82), "ERR004": (89, 95),
    "ASY001": (1, 16), "ASY003": (1, 1), "ASY004": (0, 16), "ASY005": (6, 16),
    "COR001": (0, 3), "COR002": (0, 14),
    "DES001": (0, 32), "DES002": (0, 38), "DES003": (1, 32), "DES004": (0, 4), "DES005": (0, 40),
    "DOC001": (0, 38), "DOC002": (0, 35), "DOC003": (0, 36),
    "ERR003": (1, 10), "ERR005": (0, 4),
    "RES001": (0, 2), "RES002": (0, 2), "RES003": (0, 9), "RES004": (0, 9), "RES005": (0, 2),
    "SEC001": (0, 21), "SEC002": (0, 4),
}
