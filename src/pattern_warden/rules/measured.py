"""Measured precision of the rules mainstream linters lack, from hand labels on held-out code.

Each figure is (true positives, labelled findings still reported) from
bench/labels/rules_precision_issue23_round4.csv: findings on ten PyPI projects nobody here had
read (aio-pika, nats-py, psycopg, procrastinate, python-socketio, crawlee, smart-open, fsspec,
nonebot2, aiobotocore), labelled on the rules as they stood before this round's changes and
re-measured on today's rules; package and project-root runs together, every finding of a
default rule labelled (COR003 and ERR004 sampled) and 15 a rule sampled for the opt-in ones,
"debatable" counted against the rule. The earlier rounds' projects were tuned on since, so
their figures no longer count. Rules none of whose findings appeared have no figure.
`bench/rules_precision.py --heldout DIR --labels FILE` recomputes them; docs/rules.md prints
them beside each rule's default state. Rules with a Ruff counterpart are measured by agreement
with Ruff instead (docs/benchmarks.md).
"""

from __future__ import annotations

#: code -> (TP, labelled); the sample a figure rests on is part of the figure.
PRECISION: dict[str, tuple[int, int]] = {
    "ERR003": (1, 15), "ERR005": (0, 2),
    "ASY001": (1, 2), "ASY004": (0, 15), "ASY005": (2, 5),
    "RES001": (0, 15), "RES003": (0, 13), "RES004": (0, 8), "RES005": (0, 2), "SEC002": (0, 3), "COR003": (21, 44),
}
