"""Recall of clone detection by mutation and injection (Roy & Cordy; Svajlenko & Roy).

1. Take real functions from a corpus (part of the interpreter's standard library).
2. Mutate each with libcst, one kind of mutation at a time (layout and comments; systematic
   and arbitrary renaming; literals; one inserted, deleted or modified line; two lines; four).
3. Inject every mutant of one kind, each in a file of its own, into a fresh copy of the corpus.
4. Run pattern-warden, jscpd and pyscn on each copy and count, per kind, the mutants for which
   a reported clone pair covers at least 70% of the code lines of both the original function
   and its mutant (the coverage criterion of Svajlenko & Roy's framework).

Usage (from the repository root, with the peers in bench/.data/venv; see docs/benchmarks.md):

    .venv/bin/python bench/clones_recall.py --functions 100 --seed 7

Results go to stdout as a markdown table and to bench/.data/recall/results.json.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import ExpressionContext, ExpressionContextProvider

from pattern_warden.clones.detect import analyse
from pattern_warden.clones.index import ShapeCache
from pattern_warden.clones.models import DuplicatesOptions
from pattern_warden.clones.normalize import shape_of
from pattern_warden.config import load_config
from pattern_warden.workspace import Workspace

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
PEERS = DATA / "venv" / "bin"
CORPUS_PACKAGES = ("json", "email", "http", "urllib", "logging", "asyncio", "concurrent", "xml/dom", "importlib")
COVERAGE = 0.7
TIMEOUT = 900

# Type groups, for the goals in issue 5.
GROUPS = {
    "type-1": ("layout_comments",),
    "type-2": ("rename_systematic", "rename_arbitrary", "literals"),
    "type-3 (1-2 lines)": ("modify_line", "insert_line", "delete_line", "two_lines"),
    "type-3 (4 lines)": ("four_lines",),
}


# -- mutations -----------------------------------------------------------------------------


def _is_docstring(line: cst.SimpleStatementLine) -> bool:
    first = line.body[0]
    return isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString))


class _Layout(cst.CSTTransformer):
    """Type 1: blank lines, comments added and reworded, spacing after commas changed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine:
        roll = self.rng.random()
        if roll < 0.3:
            return updated.with_changes(leading_lines=[*updated.leading_lines, cst.EmptyLine()])
        if roll < 0.6:
            comment = cst.EmptyLine(comment=cst.Comment("# step checked by review"))
            return updated.with_changes(leading_lines=[*updated.leading_lines, comment])
        if roll < 0.8:
            trailing = updated.trailing_whitespace.with_changes(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# see above"))
            return updated.with_changes(trailing_whitespace=trailing)
        return updated

    def leave_Comment(self, original: cst.Comment, updated: cst.Comment) -> cst.Comment:
        return updated.with_changes(value="# reworded comment")

    def leave_Comma(self, original: cst.Comma, updated: cst.Comma) -> cst.Comma:
        if isinstance(updated.whitespace_after, cst.SimpleWhitespace) and self.rng.random() < 0.5:
            return updated.with_changes(whitespace_after=cst.SimpleWhitespace("  "))
        return updated


_WORDS = ("alpha", "beta", "gamma", "delta", "omega", "item", "value", "thing", "entry", "node", "part", "unit")


def _new_name(rng: random.Random, old: str) -> str:
    return f"{rng.choice(_WORDS)}_{rng.randrange(1000)}" if old != "_" else "_"


class _Rename(cst.CSTTransformer):
    """Type 2: names renamed, either consistently (a mapping) or per occurrence at random."""

    def __init__(self, rng: random.Random, mapping: dict[str, str] | None) -> None:
        self.rng = rng
        self.mapping = mapping

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value in ("True", "False", "None"):
            return updated
        if self.mapping is not None:
            return updated.with_changes(value=self.mapping.get(updated.value, updated.value))
        return updated.with_changes(value=_new_name(self.rng, updated.value)) if self.rng.random() < 0.6 else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        # Systematic renaming keeps attribute names: they belong to other objects.
        return updated.with_changes(attr=original.attr) if self.mapping is not None else updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword) if original.keyword is not None else updated


def _local_names(module: cst.Module) -> set[str]:
    wrapper = cst.MetadataWrapper(module)
    contexts = wrapper.resolve(ExpressionContextProvider)
    names = {node.value for node, ctx in contexts.items() if isinstance(node, cst.Name) and ctx is ExpressionContext.STORE}
    names |= {p.name.value for p in _find(wrapper.module, cst.Param)}
    return names


def _find(module: cst.Module, kind: type) -> list:
    found: list = []

    class _Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, kind):
                found.append(node)
            return True

    module.visit(_Collect())
    return found


class _Literals(cst.CSTTransformer):
    """Type 2: every number and string literal changed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.Integer:
        return updated.with_changes(value=str(self.rng.randrange(2, 999)))

    def leave_Float(self, original: cst.Float, updated: cst.Float) -> cst.Float:
        return updated.with_changes(value=f"{self.rng.randrange(1, 99)}.5")

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        if "f" in updated.prefix.lower():
            return updated
        return updated.with_changes(value=f"{updated.prefix}{updated.quote}changed {self.rng.randrange(99)}{updated.quote}")


_INSERTS = ("counter += 1", "log.debug('checkpoint %s', state)", "assert state is not None", "trace(locals())")


class _LineEdit(cst.CSTTransformer):
    """Type 3: statement number ``index`` (docstrings not counted) inserted before, deleted or modified."""

    def __init__(self, index: int, action: str, rng: random.Random) -> None:
        self.index = index
        self.action = action
        self.rng = rng
        self.seen = -1
        self.done = False

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if _is_docstring(original):
            return updated
        self.seen += 1
        if self.seen != self.index:
            return updated
        if self.action == "insert":
            self.done = True
            return cst.FlattenSentinel([cst.parse_statement(self.rng.choice(_INSERTS)), updated])
        if self.action == "delete":
            self.done = True
            return cst.RemoveFromParent()
        stmt = updated.body[0]
        value = getattr(stmt, "value", None)
        if isinstance(stmt, (cst.Assign, cst.AugAssign, cst.Return, cst.Expr)) and value is not None:
            self.done = True
            wrapped = cst.Call(func=cst.Name("adjust"), args=[cst.Arg(value)])
            return updated.with_changes(body=[stmt.with_changes(value=wrapped), *updated.body[1:]])
        return updated


def _statement_count(module: cst.Module) -> int:
    return sum(1 for line in _find(module, cst.SimpleStatementLine) if not _is_docstring(line))


def _edit_lines(module: cst.Module, rng: random.Random, actions: list[str]) -> cst.Module | None:
    """Apply ``actions`` to distinct statements, retrying positions that give invalid code."""
    for action in actions:
        for _ in range(20):
            count = _statement_count(module)
            if count < 3:
                return None
            edit = _LineEdit(rng.randrange(count), action, rng)
            candidate = module.visit(edit)
            if edit.done and _compiles(candidate.code):
                module = candidate
                break
        else:
            return None
    return module


def _compiles(code: str) -> bool:
    try:
        compile(code, "<mutant>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


Mutator = Callable[[cst.Module, random.Random], "cst.Module | None"]
MUTATORS: dict[str, Mutator] = {
    "layout_comments": lambda m, r: m.visit(_Layout(r)),
    "rename_systematic": lambda m, r: m.visit(_Rename(r, {n: _new_name(r, n) for n in sorted(_local_names(m))})),
    "rename_arbitrary": lambda m, r: m.visit(_Rename(r, None)),
    "literals": lambda m, r: m.visit(_Literals(r)),
    "modify_line": lambda m, r: _edit_lines(m, r, ["modify"]),
    "insert_line": lambda m, r: _edit_lines(m, r, ["insert"]),
    "delete_line": lambda m, r: _edit_lines(m, r, ["delete"]),
    "two_lines": lambda m, r: _edit_lines(m, r, ["insert", "modify"]),
    "four_lines": lambda m, r: _edit_lines(m, r, ["insert", "modify", "delete", "insert"]),
}


# -- corpus and cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    path: str
    start: int
    end: int


@dataclass
class Case:
    original: Fragment
    mutant: Fragment
    source: str


def build_corpus(target: Path) -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if not target.exists():
        for package in CORPUS_PACKAGES:
            shutil.copytree(stdlib / package, target / package,
                            ignore=shutil.ignore_patterns("test", "tests", "__pycache__", "*.pyc"))
    return target


def pick_functions(corpus: Path, count: int, rng: random.Random) -> list[tuple[Fragment, str]]:
    """Functions of 8 to 40 code lines without nested definitions, sampled at random."""
    found: list[tuple[Fragment, str]] = []
    for file in sorted(corpus.rglob("*.py")):
        text = file.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
                   for n in ast.walk(node) if n is not node):
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            source = textwrap.dedent("\n".join(lines[start - 1 : node.end_lineno])) + "\n"
            shape = shape_of(source)
            if shape is None or not 8 <= shape.code_rows <= 40:
                continue
            found.append((Fragment(file.relative_to(corpus).as_posix(), start, node.end_lineno or start), source))
    rng.shuffle(found)
    return found[:count]


def make_cases(kind: str, picked: list[tuple[Fragment, str]], seed: int) -> list[Case]:
    rng = random.Random(f"{seed}:{kind}")
    cases = []
    for number, (fragment, source) in enumerate(picked):
        try:
            mutant = MUTATORS[kind](cst.parse_module(source), rng)
        except (cst.ParserSyntaxError, ValueError, TypeError):
            continue
        if mutant is None or not _compiles(mutant.code) or mutant.code.strip() == source.strip():
            continue
        rows = len(mutant.code.rstrip("\n").splitlines())
        cases.append(Case(fragment, Fragment(f"injected/m_{number:03d}.py", 1, rows), mutant.code))
    return cases


# -- tools ---------------------------------------------------------------------------------

Pair = tuple[Fragment, Fragment]


def run_ours(root: Path) -> list[Pair]:
    workspace = Workspace(load_config(root))
    _, classes, _ = analyse(workspace, None, DuplicatesOptions(), ShapeCache())
    pairs = []
    for clone in classes:
        # Related members are reported beside the core (issue 24): detected, if not advised on.
        locs = [Fragment(loc.path, loc.start_line, loc.end_line) for loc in [*clone.locations, *clone.related]]
        pairs += [(a, b) for i, a in enumerate(locs) for b in locs[i + 1 :]]
    return pairs


def run_jscpd(root: Path) -> list[Pair]:
    out = root.parent / f"{root.name}.jscpd"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(PEERS / "jscpd"), "--format", "python", "--min-lines", "6", "--ignore-identifiers=blind",
                    "--ignore-literals", "--similarity", "0.8", "--max-gap-lines", "2", "--no-gitignore",
                    "--reporters", "json", "--output", str(out), "--silent", "."],
                   cwd=root, capture_output=True, timeout=TIMEOUT, check=False)
    data = json.loads((out / "jscpd-report.json").read_text())
    return [(_jscpd_side(d["firstFile"]), _jscpd_side(d["secondFile"])) for d in data["duplicates"]]


def _jscpd_side(side: dict) -> Fragment:
    return Fragment(side["name"].removeprefix("./"), side["startLoc"]["line"], side["endLoc"]["line"])


def run_pyscn(root: Path) -> list[Pair]:
    done = subprocess.run([str(PEERS / "pyscn"), "analyze", "--select", "clones", "--json", "--output", "-", "."],
                          cwd=root, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    data = json.loads(done.stdout[done.stdout.index("{"):])
    pairs = []
    for pair in (data.get("clone") or {}).get("clone_pairs") or []:
        pairs.append((_pyscn_side(pair["clone1"]), _pyscn_side(pair["clone2"])))
    return pairs


def _pyscn_side(side: dict) -> Fragment:
    loc = side["location"]
    return Fragment(loc["file_path"].removeprefix("./"), loc["start_line"], loc["end_line"])


TOOLS: dict[str, Callable[[Path], list[Pair]]] = {"pattern-warden": run_ours, "jscpd": run_jscpd, "pyscn": run_pyscn}


# -- scoring -------------------------------------------------------------------------------


def code_rows(root: Path, fragment: Fragment, memo: dict[str, list[tuple[int, int]]]) -> set[int]:
    if fragment.path not in memo:
        shape = shape_of((root / fragment.path).read_text(encoding="utf-8", errors="replace"))
        memo[fragment.path] = list(zip(shape.starts, shape.ends)) if shape else []
    return {row for start, end in memo[fragment.path] for row in range(start, end + 1)
            if fragment.start <= start and end <= fragment.end}


def covers(found: Fragment, wanted: Fragment, wanted_rows: set[int]) -> bool:
    if found.path != wanted.path or not wanted_rows:
        return False
    hit = sum(1 for row in wanted_rows if found.start <= row <= found.end)
    return hit >= COVERAGE * len(wanted_rows)


def detected(case: Case, pairs_by_path: dict[str, list[Pair]], rows: tuple[set[int], set[int]]) -> bool:
    for a, b in pairs_by_path.get(case.mutant.path, ()):
        if (covers(a, case.original, rows[0]) and covers(b, case.mutant, rows[1])) or (
                covers(b, case.original, rows[0]) and covers(a, case.mutant, rows[1])):
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--functions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--kinds", default=",".join(MUTATORS))
    args = parser.parse_args()
    work = DATA / "recall"
    corpus = build_corpus(work / "corpus")
    picked = pick_functions(corpus, args.functions, random.Random(args.seed))
    tools = [t for t in args.tools.split(",") if t]
    results: dict[str, dict[str, object]] = {}
    for kind in args.kinds.split(","):
        cases = make_cases(kind, picked, args.seed)
        copy = work / kind
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(corpus, copy)
        (copy / "injected").mkdir()
        for case in cases:
            (copy / case.mutant.path).write_text(case.source, encoding="utf-8")
        memo: dict[str, list[tuple[int, int]]] = {}
        rows = [(code_rows(copy, c.original, memo), code_rows(copy, c.mutant, memo)) for c in cases]
        row: dict[str, object] = {"cases": len(cases)}
        for tool in tools:
            started = time.perf_counter()
            pairs = TOOLS[tool](copy)
            by_path: dict[str, list[Pair]] = {}
            for pair in pairs:
                for side in pair:
                    if side.path.startswith("injected/"):
                        by_path.setdefault(side.path, []).append(pair)
            hits = sum(detected(c, by_path, r) for c, r in zip(cases, rows))
            row[tool] = hits
            row[f"{tool}_seconds"] = round(time.perf_counter() - started, 2)
            print(f"{kind:18} {tool:15} {hits}/{len(cases)}", file=sys.stderr, flush=True)
        results[kind] = row
    # Merge with earlier runs, so one tool can be run again on its own.
    saved = work / "results.json"
    merged = json.loads(saved.read_text()) if saved.exists() else {}
    for kind, row in results.items():
        if merged.get(kind, {}).get("cases") != row["cases"]:
            merged[kind] = {}
        merged[kind].update(row)
    saved.write_text(json.dumps(merged, indent=2))
    shown = [t for t in TOOLS if all(t in row for row in merged.values())]
    print(table(merged, shown))
    return 0


def table(results: dict[str, dict[str, object]], tools: list[str]) -> str:
    head = "| mutation | cases | " + " | ".join(tools) + " |"
    lines = [head, "|" + "---|" * (len(tools) + 2)]
    for kind, row in results.items():
        cells = [f"{100 * int(row[t]) / max(1, int(row['cases'])):.1f}%" for t in tools]
        lines.append(f"| {kind} | {row['cases']} | " + " | ".join(cells) + " |")
    for group, kinds in GROUPS.items():
        present = [k for k in kinds if k in results]
        if not present:
            continue
        total = sum(int(results[k]["cases"]) for k in present)
        cells = [f"**{100 * sum(int(results[k][t]) for k in present) / max(1, total):.1f}%**" for t in tools]
        lines.append(f"| **{group}** | {total} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
