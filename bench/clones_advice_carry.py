"""Tuning check on the issue-24 held-out projects (now tuning projects): the top 30 families of
the current code, each matched to the final labels and scored where its advice is unchanged.

A family whose action and home equal its label's keeps the label's score (``carried``); one
whose action or home changed is scored by the label's verdict and right home (``CHANGED ...
auto=right|wrong``: read its reason again before counting it); a family no label matches is
``NEW`` and must be labelled by hand. The totals count carried and auto-scored rows only.

    .venv/bin/python bench/clones_advice_carry.py [project ...]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import clones_advice as advice

CORPUS = Path("/work/corpus/heldout-clones")
LABELS = Path(__file__).parent / "labels"
SOURCES = (("clones_advice_issue24_final.csv", "final"), ("clones_advice_issue24_final_below30.csv", "below"),
           ("clones_advice_issue24.csv", "first"))


def main(projects: list[str]) -> int:
    """Print one line per family of the top 30, then the totals."""
    labels = []
    for name, source in SOURCES:
        with (LABELS / name).open(encoding="utf-8") as handle:
            labels += [{**row, "_src": source} for row in csv.DictReader(handle)]
    scored: list[tuple[str, float]] = []
    unlabelled = 0
    for project in projects or list(advice.HELDOUT):
        mine = [(row, advice._label_rows(row["key"])) for row in labels if row["project"] == project]
        _, found = advice.families(CORPUS, project, advice.HELDOUT)
        for rank, clone in enumerate(found[: advice.HELDOUT_TOP], 1):
            rows = advice._family_rows(clone)
            best, best_rows = max(mine, key=lambda item: (advice._share(rows, item[1]), item[0]["_src"] == "final"))
            action, home = clone.recommendation.action, clone.recommendation.home or ""
            members = " ".join(f"{loc.path.split('/')[-1]}:{loc.start_line}-{loc.end_line}:{loc.function}"
                               for loc in clone.locations)
            if advice._share(rows, best_rows) < advice.MATCH_SHARE:
                note = "NEW"
                unlabelled += 1
            elif (action, home) == (best["action"], best["home"]) and best["_src"] != "first":
                scored.append((action, float(best["advice_right"])))
                note = f"carried {best['_src']}#{best['rank']}"
            else:
                ok = (action == "leave") == (best["verdict"] != "actionable") and (
                    action == "leave" or home in best["right_home"].split(";"))
                scored.append((action, float(ok)))
                note = (f"CHANGED from {best['action']} {best['home']} ({best['_src']}#{best['rank']} {best['verdict']} "
                        f"adv={best['advice_right']}) auto={'right' if ok else 'wrong'}: {best['reason'][:150]}")
            print(f"{project} #{rank} {action} {home} saves {clone.saving} {clone.kind} | {members} || {note} || "
                  f"{clone.recommendation.reason[:200]}")
    merge = [score for action, score in scored if action != "leave"]
    print(f"scored {len(scored)} sum {sum(s for _, s in scored):g} new {unlabelled}")
    print(f"merge scored {len(merge)} sum {sum(merge):g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
