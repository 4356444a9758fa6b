"""Precision of the rules that have no mainstream counterpart, from hand labels on real code.

    .venv/bin/python bench/rules_precision.py                         # Django + stdlib labels (2025)
    .venv/bin/python bench/rules_precision.py --heldout /work/corpus/rules
    .venv/bin/python bench/rules_precision.py --heldout /work/corpus/heldout-rules \
        --labels bench/labels/rules_precision_issue23.csv      # issue 23 labels (project column)

The held-out mode reads bench/labels/rules_precision_heldout.csv: findings on PyPI sdists that
were never used to write or tune the rules (ids H*: first round; F*: a second round of fresh
projects labelled after the fixes the first round prompted), and reports per rule the labels,
TP/FP/debatable, precision (TP over all labels: debatable counts against), how many labelled
findings the current rules still report, and whether the rule is on by default. The corpora
are unpacked sdists found by name under the given folder, downloaded with
    pip download --no-deps --no-binary :all: NAME -d DIR && tar xzf DIR/NAME-*.tar.gz -C DIR
(projects: see the corpus column of the CSV).

bench/labels/rules_precision.csv holds one hand-labelled finding a row (finding id, corpus,
file:line, rule, verdict TP/FP, reason), drawn from Django 5.2 and the standard library. Labels
were made on the findings of the rules as they then stood; several FPs led to precision fixes,
so this script re-runs the current rules on the labelled files and reports precision twice:
over every label (the rules at labelling time) and over the labels whose finding the current
rules still report (what a user gets now). Rules that found nothing to label (ASY002 on these
corpora) are listed with their count.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import BENCH, bench_config, corpora  # noqa: E402

from pattern_warden.rules.engine import Checker, CheckOptions, project_model  # noqa: E402
from pattern_warden.rules.registry import BY_CODE  # noqa: E402
from pattern_warden.workspace import Skipped, Workspace  # noqa: E402

NEW_RULES = ("ERR003", "ERR005", "ASY002", "RES002", "RES003", "RES004", "DES006", "ASY004", "ASY005")
LABELS = BENCH / "labels" / "rules_precision.csv"


def current_findings(files: dict[str, set[str]]) -> set[tuple[str, str, str]]:
    """(corpus, file:line, rule) reported now, for the labelled files only."""
    reported = set()
    for corpus, (root, excludes) in corpora().items():
        config = bench_config(root, excludes)
        workspace = Workspace(config)
        checker = Checker(config, CheckOptions(select=NEW_RULES))
        for rel in sorted(files.get(corpus, ())):
            source = workspace.read(root / rel)
            if not isinstance(source, Skipped):
                reported |= {(corpus, f"{rel}:{f.line}", f.rule.code) for f in checker.raw(source)}
    return reported


def totals() -> dict[str, int]:
    """How many findings each new rule reports on the whole corpora now."""
    counts: dict[str, int] = defaultdict(int)
    for root, excludes in corpora().values():
        config = bench_config(root, excludes)
        workspace = Workspace(config)
        checker = Checker(config, CheckOptions(select=NEW_RULES))
        for path in workspace.discover(["."]).files:
            source = workspace.read(path)
            if not isinstance(source, Skipped):
                for finding in checker.raw(source):
                    counts[finding.rule.code] += 1
    return counts


HELDOUT = BENCH / "labels" / "rules_precision_heldout.csv"


def _project_dirs(root: Path) -> dict[str, Path]:
    """Unpacked sdists (name-version folders) anywhere up to two levels under ``root``."""
    return {p.name: p for p in [*root.glob("*/"), *root.glob("*/*/")] if p.is_dir() and "-" in p.name}


def heldout(root: Path, labels: Path = HELDOUT) -> None:
    """Per-rule precision on the held-out labels, and what the current rules still report.

    Label files name the unpacked sdist in a ``corpus`` column (the first rounds) or a ``project``
    column (issue 23, which also records the scope and the finding's statement and fingerprint).
    """
    rows = list(csv.DictReader(labels.open(encoding="utf-8")))
    for row in rows:
        row.setdefault("corpus", row.get("project", ""))
    dirs = _project_dirs(root)
    reported: set[tuple[str, str, str]] = set()
    by_project: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_project[row["corpus"]].add(row["location"].rsplit(":", 1)[0])
    codes = tuple(sorted({row["rule"] for row in rows}))
    for project, rels in by_project.items():
        if project not in dirs:
            raise SystemExit(f"missing corpus {project} under {root}: see this script's docstring")
        config = bench_config(dirs[project], [])
        workspace, options = Workspace(config), CheckOptions(select=codes)
        checker = Checker(config, options, project_model(workspace, options))  # names mean what the project says
        for rel in sorted(rels):
            source = workspace.read(dirs[project] / rel)
            if not isinstance(source, Skipped):
                reported |= {(project, f"{rel}:{f.line}", f.rule.code) for f in checker.raw(source)}
    print(f"{len(rows)} labelled findings from {len(by_project)} projects\n")
    print("| rule | default | labelled | TP | FP | debatable | precision | TP/decided | still reported | TP | precision now |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for code in codes:
        mine = [r for r in rows if r["rule"] == code]
        kept = [r for r in mine if (r["corpus"], r["location"], code) in reported]
        count = {v: sum(r["verdict"] == v for r in mine) for v in ("TP", "FP", "debatable")}
        tp_now = sum(r["verdict"] == "TP" for r in kept)
        now = f"{tp_now / len(kept):.0%}" if kept else "-"
        state = "on" if BY_CODE[code].default_on else "opt-in"
        decided = count["TP"] + count["FP"]
        of_decided = f"{count['TP'] / decided:.0%}" if decided else "-"
        print(f"| {code} | {state} | {len(mine)} | {count['TP']} | {count['FP']} | {count['debatable']} | "
              f"{count['TP'] / len(mine):.0%} | {of_decided} | {len(kept)} | {tp_now} | {now} |")
    on = [r for r in rows if BY_CODE[r["rule"]].default_on]
    print()
    for scope in sorted({r.get("scope", "") for r in on} - {""}) + ["all scopes"]:
        mine = [r for r in on if scope in ("all scopes", r.get("scope"))]
        kept = [r for r in mine if (r["corpus"], r["location"], r["rule"]) in reported]
        tp, fp = (sum(r["verdict"] == v for r in mine) for v in ("TP", "FP"))
        tp_now = sum(r["verdict"] == "TP" for r in kept)
        now = f"{tp_now / len(kept):.0%}" if kept else "-"
        print(f"Rules on by default, {scope}: {len(mine)} labels, {tp} TP, precision {tp / len(mine):.0%} "
              f"({tp / max(tp + fp, 1):.0%} of decided); still reported {len(kept)}, precision now {now}")


def main() -> None:
    if len(sys.argv) in (3, 5) and sys.argv[1] == "--heldout":
        if len(sys.argv) == 5 and sys.argv[3] != "--labels":
            raise SystemExit("usage: rules_precision.py --heldout DIR [--labels FILE.csv]")
        heldout(Path(sys.argv[2]), Path(sys.argv[4]) if len(sys.argv) == 5 else HELDOUT)
        return
    rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
    files: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        files[row["corpus"]].add(row["location"].rsplit(":", 1)[0])
    now = current_findings(files)
    everything = totals()
    print(f"{len(rows)} labelled findings; rules now report {sum(everything.values())} findings in all\n")
    print("| rule | labelled | TP | precision then | still reported | TP | precision now | findings now (all) |")
    print("|---|---|---|---|---|---|---|---|")
    grand = {"then": [0, 0], "now": [0, 0]}
    for rule in NEW_RULES:
        mine = [r for r in rows if r["rule"] == rule]
        kept = [r for r in mine if (r["corpus"], r["location"], rule) in now]
        tp_then = sum(r["verdict"] == "TP" for r in mine)
        tp_now = sum(r["verdict"] == "TP" for r in kept)
        grand["then"][0] += tp_then
        grand["then"][1] += len(mine)
        grand["now"][0] += tp_now
        grand["now"][1] += len(kept)
        then = f"{tp_then / len(mine):.0%}" if mine else "-"
        current = f"{tp_now / len(kept):.0%}" if kept else "-"
        print(f"| {rule} | {len(mine)} | {tp_then} | {then} | {len(kept)} | {tp_now} | {current} | {everything[rule]} |")
    (tp_a, n_a), (tp_b, n_b) = grand["then"], grand["now"]
    print(f"| all | {n_a} | {tp_a} | {tp_a / n_a:.0%} | {n_b} | {tp_b} | {tp_b / n_b:.0%} | |")


if __name__ == "__main__":
    main()
