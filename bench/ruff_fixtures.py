"""Our rules against Ruff's on Ruff's own rule fixtures: agreement per overlapping rule, and SYN001.

    python bench/ruff_fixtures.py FIXTURES --ruff RUFF [--ours PYTHON[=LABEL] ...] [--examples N] [--labels CSV]

FIXTURES is Ruff's ``crates/ruff_linter/resources/test/fixtures`` folder, read in place and never
copied into this repository. Get it and Ruff (from PyPI, in its own venv) with:

    fetch github:astral-sh/ruff   (or git clone https://github.com/astral-sh/ruff)
    git --git-dir <mirror> archive HEAD crates/ruff_linter/resources/test/fixtures | tar x -C /work/corpus/syntax/
    python3 -m venv /work/corpus/syntax/ruffvenv && /work/corpus/syntax/ruffvenv/bin/pip install ruff

Each ``--ours`` is a Python interpreter with a pattern-warden installed (default: this one), so
one run compares versions, e.g. main's code installed in a second venv against this tree. Ours
runs in a subprocess per interpreter with the test/script exemptions off (like
bench/rules_agreement.py); Ruff runs once with ``--target-version py314`` (we claim to read
3.14 code), the counterpart codes of ``rules_agreement.PAIRS`` and the codes under which Ruff
reports errors the compiler raises (``return`` outside a function and the like).

Printed: per rule and per version, our count, Ruff's, both (same file and line), only ours,
only Ruff and agreement (both / union); then per version the files with SYN001, split by
what Ruff says of the same file: invalid syntax, a compile-error rule, or nothing (the
"Ruff parses it" count the goal wants at zero), with examples of each only-* list. With
``--labels bench/labels/ruff_fixture_disagreements.csv``, per version the hand verdicts of the
disagreements still there (ours-wrong, ruff-wrong, by-design, debatable; see bench/ruff_verdicts.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ruff_verdicts  # noqa: E402
from rules_agreement import PAIRS  # noqa: E402

#: Ruff codes for errors CPython's compiler raises on a tree that parses (Ruff lints the file and
#: reports these as rules, not as invalid syntax).
COMPILE_ERRORS = (
    "F404", "F406", "F407", "F622", "F701", "F702", "F704", "F706", "F707",
    "PLE0115", "PLE0117", "PLE0118", "PLE1142", "PLE1700",
)

#: Run under each ``--ours`` interpreter: only API that main and this tree share.
_RUNNER = """
import json, sys
from pathlib import Path
from pattern_warden.config import Config, RuleSettings, Settings
from pattern_warden.rules.engine import Checker, CheckOptions
from pattern_warden.workspace import Skipped, Workspace
root = Path(sys.argv[1]).resolve()
config = Config(root=root, settings=Settings(rules=RuleSettings(exempt_paths=[], script_paths=[], content_kinds=False)))
workspace = Workspace(config)
checker = Checker(config, CheckOptions(select=tuple(sys.argv[2].split(","))))
for path in workspace.discover(["."]).files:
    source = workspace.read(path)
    if not isinstance(source, Skipped):
        for f in checker.raw(source):
            print(json.dumps([f.rule.code, source.path, f.line, f.message]))
"""

Key = tuple[str, int]


def run_ruff(ruff: str, root: Path) -> list[dict]:
    """Ruff's findings on the .py files: counterpart codes, compile-error codes, invalid syntax."""
    codes = sorted({c for peers in PAIRS.values() for c in peers} | set(COMPILE_ERRORS))
    command = [ruff, "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero",
               "--target-version", "py314", "--select", ",".join(codes), str(root)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    rows = json.loads(done.stdout)
    for row in rows:
        row["rel"] = Path(row["filename"]).resolve().relative_to(root.resolve()).as_posix()
    return [row for row in rows if row["rel"].endswith(".py")]  # not stubs or notebooks, like ours


def run_ours(python: str, root: Path) -> tuple[list[tuple[str, str, int, str]], str]:
    """Our findings under one interpreter, and what it wrote to stderr (warnings must not leak)."""
    with tempfile.TemporaryDirectory() as cwd:  # so the interpreter imports its own install
        done = subprocess.run([python, "-c", _RUNNER, str(root), ",".join([*PAIRS, "SYN001"])], cwd=cwd,
                              capture_output=True, text=True, timeout=1800, check=True)
    rows = [tuple(json.loads(line)) for line in done.stdout.splitlines()]
    return [row for row in rows if row[1].endswith(".py")], done.stderr


def compare(ours: list[tuple[str, str, int, str]], ruff: list[dict]) -> dict:
    """Per rule: counts and lines each tool alone reports; SYN001 files by what Ruff says of them."""
    by_code: dict[str, dict[Key, str]] = defaultdict(dict)
    for row in ruff:
        by_code[row["code"]][(row["rel"], row["location"]["row"])] = f"{row['code']} {row['message']}"
    rules = {}
    for code, peers in PAIRS.items():
        mine = {(p, line): msg for c, p, line, msg in ours if c == code}
        theirs = {key: msg for peer in peers for key, msg in by_code[peer].items()}
        union = mine.keys() | theirs.keys()
        rules[code] = {
            "ours": len(mine), "ruff": len(theirs), "both": len(mine.keys() & theirs.keys()),
            "only_ours": sorted(f"{p}:{n} {mine[(p, n)]}" for p, n in mine.keys() - theirs.keys()),
            "only_ruff": sorted(f"{p}:{n} {theirs[(p, n)]}" for p, n in theirs.keys() - mine.keys()),
            "agreement": len(mine.keys() & theirs.keys()) / len(union) if union else 1.0,
        }
    invalid = {key[0] for key in by_code["invalid-syntax"]}
    compile_rule = {key[0] for code in COMPILE_ERRORS for key in by_code[code]}
    syntax: dict[str, list[str]] = {"invalid": [], "compile_rule": [], "ruff_parses": []}
    for path in sorted({p for c, p, _, _ in ours if c == "SYN001"}):
        first = next(f"{p}:{n} {m}" for c, p, n, m in ours if c == "SYN001" and p == path)
        kind = "invalid" if path in invalid else "compile_rule" if path in compile_rule else "ruff_parses"
        syntax[kind].append(first)
    missed = sorted(invalid - {p for c, p, _, _ in ours if c == "SYN001"})
    return {"rules": rules, "syntax": syntax, "ruff_invalid_without_syn001": missed}


def parse_cost(root: Path) -> str:
    """What reading newer syntax costs, in this interpreter, on the fixture files: for files the
    running parser refuses but pattern-warden reads (lowered), ``source.parse`` against one plain
    ``ast.parse`` of the lowered text (the price of a native parse); for all files, ``source.parse``
    (with the compile check) against ``ast.parse``. Best of three runs each."""
    import ast
    import time
    import warnings

    from pattern_warden.lowering import lower
    from pattern_warden.source import parse

    warnings.simplefilter("ignore")
    texts = []
    for path in sorted(root.rglob("*.py")):
        try:
            texts.append(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, OSError):
            continue

    def best(call, items) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            for item in items:
                try:
                    call(item)
                except (SyntaxError, ValueError):
                    pass
            times.append(time.perf_counter() - started)
        return min(times)

    def refused(text: str) -> bool:
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            return True
        return False

    lowered = [t for t in texts if refused(t) and parse(t).tree is not None]
    lines = sum(t.count("\n") for t in lowered)
    ours, plain = best(parse, lowered), max(best(ast.parse, [lower(t).text for t in lowered]), 1e-9)
    everything, native = best(parse, texts), best(ast.parse, texts)
    return (f"Parse cost on Python {sys.version.split()[0]}: {len(lowered)} files ({lines} lines) need lowering: "
            f"{ours * 1000:.0f} ms read by source.parse vs {plain * 1000:.0f} ms for one ast.parse of the lowered "
            f"text ({ours / plain:.1f}x). All {len(texts)} files: source.parse {everything * 1000:.0f} ms vs "
            f"ast.parse {native * 1000:.0f} ms ({everything / native:.2f}x; clean files are compiled only when the walk suspects them, not here).")


def main() -> None:
    """Run Ruff once and each --ours interpreter, then print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixtures", type=Path, help="Ruff's crates/ruff_linter/resources/test/fixtures")
    parser.add_argument("--ruff", required=True, help="the ruff executable (from PyPI, in its own venv)")
    parser.add_argument("--ours", action="append", metavar="PYTHON[=LABEL]",
                        help="an interpreter with pattern-warden installed (repeatable; default: this one)")
    parser.add_argument("--examples", type=int, default=8)
    parser.add_argument("--parse-cost", action="store_true", help="also time parsing with this interpreter")
    parser.add_argument("--labels", type=Path, help="hand verdicts of disagreements (bench/labels/ruff_fixture_disagreements.csv)")
    args = parser.parse_args()
    if not args.fixtures.is_dir():
        raise SystemExit(f"{args.fixtures} is not a folder: pass Ruff's crates/ruff_linter/resources/test/fixtures")
    ruff = run_ruff(args.ruff, args.fixtures)
    versions = [spec.partition("=") for spec in (args.ours or [sys.executable])]
    reports = {}
    for python, _, label in versions:
        findings, stderr = run_ours(python, args.fixtures)
        reports[label or python] = compare(findings, ruff)
        reports[label or python]["stderr_lines"] = len(stderr.splitlines())
    files = len(list(args.fixtures.rglob("*.py")))
    print(f"# Ruff fixtures: {files} .py files; Ruff {_version(args.ruff)} --target-version py314\n")
    print_tables(reports)
    if args.labels:
        print_verdicts(reports, ruff_verdicts.load(args.labels))
    if args.parse_cost:
        print("\n" + parse_cost(args.fixtures))
    print_examples(reports, args.examples)


def print_tables(reports: dict[str, dict]) -> None:
    """The per-rule table (one row per rule and version), then the totals and SYN001 table."""
    print("| ours | Ruff | version | ours n | Ruff n | both | only ours | only Ruff | agreement |")
    print("|---|---|---|---|---|---|---|---|---|")
    for code, peers in PAIRS.items():
        for label, report in reports.items():
            row = report["rules"][code]
            print(f"| {code} | {','.join(peers)} | {label} | {row['ours']} | {row['ruff']} | {row['both']} | "
                  f"{len(row['only_ours'])} | {len(row['only_ruff'])} | {row['agreement']:.0%} |")
    print("\n| version | lines both | lines only ours | lines only Ruff | files SYN001 | Ruff: invalid | "
          "Ruff: compile-error rule | Ruff parses it | Ruff invalid, no SYN001 | stderr lines |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, report in reports.items():
        rows, syn = report["rules"].values(), report["syntax"]
        print(f"| {label} | {sum(r['both'] for r in rows)} | {sum(len(r['only_ours']) for r in rows)} | "
              f"{sum(len(r['only_ruff']) for r in rows)} | {sum(map(len, syn.values()))} | {len(syn['invalid'])} | "
              f"{len(syn['compile_rule'])} | {len(syn['ruff_parses'])} | {len(report['ruff_invalid_without_syn001'])} | "
              f"{report['stderr_lines']} |")


def print_verdicts(reports: dict[str, dict], labels: ruff_verdicts.Labels) -> None:
    """Per version: the verdicts of the disagreement lines (SYN001 where Ruff parses the file, and
    each rule's only-ours and only-Ruff lines), counted by bench/ruff_verdicts.py."""
    for label, report in reports.items():
        groups = {("SYN001", "only-ours"): [_location(line) for line in report["syntax"]["ruff_parses"]]}
        for code, row in report["rules"].items():
            for side in ("only_ours", "only_ruff"):
                groups[(code, side.replace("_", "-"))] = [_location(line) for line in row[side]]
        print(f"\nVerdicts, {label} (~ = scaled from a sample of 15 lines, seed 18):\n")
        print("\n".join(ruff_verdicts.render(ruff_verdicts.tally(labels, groups))))


def _location(line: str) -> tuple[str, int]:
    """(file, line) of a "path:line message" entry; the path may hold spaces."""
    path, number = re.match(r"(.+?):(\d+) ", line).groups()  # type: ignore[union-attr]
    return path, int(number)


def print_examples(reports: dict[str, dict], examples: int) -> None:
    """Up to ``examples`` lines of each disagreement, per version."""
    for label, report in reports.items():
        print(f"\n## {label}")
        for kind in ("ruff_parses", "compile_rule"):
            for line in report["syntax"][kind][:examples]:
                print(f"  SYN001 {kind}: {line}")
        for line in report["ruff_invalid_without_syn001"][:examples]:
            print(f"  Ruff invalid, no SYN001: {line}")
        for code, row in report["rules"].items():
            for side in ("only_ours", "only_ruff"):
                for line in row[side][:examples]:
                    print(f"  {code} {side}: {line}")


def _version(ruff: str) -> str:
    return subprocess.run([ruff, "--version"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    main()
