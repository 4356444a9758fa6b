"""Agreement of our rules with their Ruff counterparts, and C901 complexity numbers, on real code.

    .venv/bin/python bench/rules_agreement.py [--examples N]

For each rule with a Ruff counterpart both tools run on Django 5.2 and the standard library
(our test/script exemptions off, so detection logic is compared like for like). A finding
matches when both report the same file and line. Printed per rule: counts, agreement
(matched / union), and examples of what each finds alone (the reasons are in
docs/benchmarks.md). Complexity: Ruff runs with max-complexity 0 so it reports every
function's number, which must equal ours for every function. Raw results go to
bench/.data/agreement.json.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, VENV_BIN, bench_config, corpora  # noqa: E402

from pattern_warden.rules.complexity import complexity  # noqa: E402
from pattern_warden.rules.engine import Checker, CheckOptions, project_model  # noqa: E402
from pattern_warden.rules.registry import ALL_RULES  # noqa: E402

#: Compared elsewhere (C901 numbers below) or whole-file / size rules with no line to match.
_NOT_COMPARED = frozenset({"DES002", "DES003", "SYN001"})
from pattern_warden.workspace import Skipped, Workspace  # noqa: E402

#: Our rule -> its Ruff counterparts: the same table that `# noqa: <Ruff code>` reads.
PAIRS: dict[str, list[str]] = {rule.code: list(rule.ruff) for rule in ALL_RULES if rule.ruff and rule.code not in _NOT_COMPARED}
_C901 = re.compile(r"`(.+)` is too complex \((\d+) > 0\)")

Key = tuple[str, int]


def run_ruff(root: Path, excludes: list[str]) -> list[dict]:
    codes = sorted({c for peers in PAIRS.values() for c in peers} | {"C901"})
    command = [
        str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero",
        "--target-version", "py311", "--select", ",".join(codes), "--config", "lint.mccabe.max-complexity = 0",
        *(arg for exclude in excludes for arg in ("--extend-exclude", exclude.rstrip("/"))), str(root),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    rows = json.loads(done.stdout)
    for row in rows:
        row["rel"] = Path(row["filename"]).resolve().relative_to(root.resolve()).as_posix()
    return [row for row in rows if row["rel"].endswith(".py")]


def run_ours(root: Path, excludes: list[str]) -> tuple[list[tuple[str, str, int, str]], dict[Key, int]]:
    config = bench_config(root, excludes, exempt=False)
    workspace = Workspace(config)
    options = CheckOptions(select=tuple(PAIRS))
    checker = Checker(config, options, project_model(workspace, options))  # names mean what the project says
    findings, numbers = [], {}
    for path in workspace.discover(["."]).files:
        source = workspace.read(path)
        if isinstance(source, Skipped):
            continue
        findings += [(f.rule.code, source.path, f.line, f.message) for f in checker.raw(source)]
        if source.tree is not None:
            for node in ast.walk(source.tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    numbers[(source.path, node.lineno)] = complexity(node)
    return findings, numbers


def compare(corpus: str, root: Path, excludes: list[str], examples: int) -> dict:
    ruff = run_ruff(root, excludes)
    ours, our_numbers = run_ours(root, excludes)
    ruff_numbers = {}
    by_code: dict[str, dict[Key, str]] = defaultdict(dict)
    for row in ruff:
        key = (row["rel"], row["location"]["row"])
        if row["code"] == "C901":
            match = _C901.search(row["message"])
            if match:
                ruff_numbers[key] = int(match.group(2))
        else:
            by_code[row["code"]][key] = f"{row['code']} {row['message']}"
    rules = {}
    for code, peers in PAIRS.items():
        mine = {(p, line): msg for c, p, line, msg in ours if c == code}
        theirs: dict[Key, str] = {}
        for peer in peers:
            theirs.update(by_code[peer])
        both = mine.keys() & theirs.keys()
        union = mine.keys() | theirs.keys()
        rules[code] = {
            "peers": peers, "ours": len(mine), "ruff": len(theirs), "both": len(both),
            "agreement": round(len(both) / len(union), 3) if union else 1.0,
            "only_ours": [f"{p}:{n} {mine[(p, n)]}" for p, n in sorted(mine.keys() - theirs.keys())[:examples]],
            "only_ruff": [f"{p}:{n} {theirs[(p, n)]}" for p, n in sorted(theirs.keys() - mine.keys())[:examples]],
        }
    shared = our_numbers.keys() & ruff_numbers.keys()
    differ = sorted(k for k in shared if our_numbers[k] != ruff_numbers[k])
    complexity_report = {
        "functions_ours": len(our_numbers), "functions_ruff": len(ruff_numbers), "compared": len(shared),
        "equal": len(shared) - len(differ),
        "differ": [f"{p}:{n} ours {our_numbers[(p, n)]} ruff {ruff_numbers[(p, n)]}" for p, n in differ[:examples]],
        "only_ours": [f"{p}:{n}" for p, n in sorted(our_numbers.keys() - ruff_numbers.keys())[:examples]],
        "only_ruff": [f"{p}:{n}" for p, n in sorted(ruff_numbers.keys() - our_numbers.keys())[:examples]],
    }
    return {"corpus": corpus, "rules": rules, "complexity": complexity_report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=6)
    args = parser.parse_args()
    reports = [compare(name, root, excludes, args.examples) for name, (root, excludes) in corpora().items()]
    (DATA / "agreement.json").write_text(json.dumps(reports, indent=1))
    for report in reports:
        print(f"\n## {report['corpus']}\n")
        print("| ours | Ruff | ours n | Ruff n | both | agreement |")
        print("|---|---|---|---|---|---|")
        for code, row in report["rules"].items():
            print(f"| {code} | {','.join(row['peers'])} | {row['ours']} | {row['ruff']} | {row['both']} | "
                  f"{row['agreement']:.0%} |")
        cx = report["complexity"]
        print(f"\nC901: {cx['compared']} functions compared, {cx['equal']} equal; "
              f"only ours {len(cx['only_ours'])}, only Ruff {len(cx['only_ruff'])} (listed up to --examples)")
        for code, row in report["rules"].items():
            for side in ("only_ours", "only_ruff"):
                for line in row[side]:
                    print(f"  {code} {side}: {line}")
        for line in cx["differ"] + cx["only_ours"] + cx["only_ruff"]:
            print(f"  C901: {line}")


if __name__ == "__main__":
    main()
