"""Two checks of the prompts' code on real code we did not write (the interpreter's stdlib).

Run: python bench/prompts_docstrings.py [--ruff bench/.data/venv/bin/ruff] [--files 150] [--per-file 4]

1. Complexity: the design-decision prompt reports each function's cyclomatic complexity,
   which must equal Ruff's C901 figure. Ruff is run with max-complexity 0 so that it reports
   every function (``# noqa`` comments disabled), and the two figures are compared function
   by function (same file, same def line). Ruff is a peer tool: install it into bench/.data/venv, never into the project.
2. Docstring edits: apply_docstring (dry run) is applied to several definitions in each of a
   sample of stdlib files. For every edit, the lines outside the old and the new docstring
   must be identical, and the docstring read back must be the one asked for (the engine
   checks the latter itself and refuses otherwise). Time per edit is reported.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.errors import WardenError
from pattern_warden.prompts.docstring_edit import apply_docstring
from pattern_warden.prompts.symbols import complexity, walk_symbols
from pattern_warden.workspace import Skipped, Workspace

DOCSTRING = "Summary line for the benchmark.\n\nRationale: a second paragraph,\n  with an indented line."


def stdlib_files(workspace: Workspace) -> list[Path]:
    return [p for p in workspace.discover(["."]).files if not workspace.relative(p).startswith("site-packages/")]


def compare_complexity(workspace: Workspace, files: list[Path], ruff: str) -> None:
    start = time.perf_counter()
    done = subprocess.run(
        [ruff, "check", "--no-cache", "--isolated", "--select", "C901", "--config", "lint.mccabe.max-complexity = 0",
         "--output-format", "json", "--exit-zero", "--ignore-noqa", "--extend-exclude", "site-packages", str(workspace.root)],
        capture_output=True, check=True,
    )
    ruff_s = time.perf_counter() - start
    theirs: dict[tuple[str, int], int] = {}
    for item in json.loads(done.stdout):
        if item["code"] != "C901":
            continue
        rel = Path(item["filename"]).resolve().relative_to(workspace.root).as_posix()
        figure = int(item["message"].split("(")[-1].split()[0])
        theirs[(rel, item["location"]["row"])] = figure
    start = time.perf_counter()
    ours: dict[tuple[str, int], int] = {}
    for path in files:
        source = workspace.read(path)
        if isinstance(source, Skipped) or source.tree is None:
            continue
        for symbol in walk_symbols(source.tree):
            if not isinstance(symbol.node, ast.ClassDef):
                ours[(source.path, symbol.node.lineno)] = complexity(symbol.node)
    ours_s = time.perf_counter() - start
    common = sorted(set(ours) & set(theirs))
    differ = [(key, ours[key], theirs[key]) for key in common if ours[key] != theirs[key]]
    print(f"complexity: {len(common)} functions compared, {len(common) - len(differ)} agree, {len(differ)} differ; "
          f"only ours {len(set(ours) - set(theirs))}, only ruff {len(set(theirs) - set(ours))}")
    print(f"  time: ruff {ruff_s:.2f} s (parse + C901 on all files), ours {ours_s:.2f} s (read + ast.parse + count)")
    for key, mine, ruffs in differ[:10]:
        print(f"  differ: {key[0]}:{key[1]} ours={mine} ruff={ruffs}")
    for key in sorted(set(ours) - set(theirs))[:5]:
        print(f"  only ours: {key[0]}:{key[1]}")


def outside_docstring(text: str, line: int) -> list[str] | None:
    """The file's lines without the docstring of the definition at ``line``; None for one-line bodies."""
    tree = ast.parse(text)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.lineno == line)
    first = node.body[0]
    if first.lineno == node.lineno:
        return None
    lines = text.splitlines()
    if ast.get_docstring(node) is None:
        return lines
    return lines[: first.lineno - 1] + lines[first.end_lineno or first.lineno :]


def check_edits(workspace: Workspace, files: list[Path], per_file: int, budget_s: float) -> None:
    timings: list[tuple[float, str]] = []
    ok = one_liners = failed = 0
    deadline = time.perf_counter() + budget_s
    for path in files:
        if time.perf_counter() > deadline:
            print("  (time budget reached)")
            break
        source = workspace.read(path)
        if isinstance(source, Skipped) or source.tree is None:
            continue
        symbols = list(walk_symbols(source.tree))
        step = max(1, len(symbols) // per_file)
        for symbol in symbols[::step][:per_file]:
            start = time.perf_counter()
            try:
                edit = apply_docstring(workspace, source.path, f"{symbol.name}@{symbol.node.lineno}", DOCSTRING)
            except WardenError as exc:
                failed += 1
                print(f"  refused: {source.path} {symbol.name}: {exc}")
                continue
            timings.append((time.perf_counter() - start, f"{source.path} ({len(source.lines)} lines)"))
            new_text = _apply(source.text, edit.diff)
            before, after = outside_docstring(source.text, edit.line), outside_docstring(new_text, edit.line)
            if before is None:
                one_liners += 1
            elif before == after:
                ok += 1
            else:
                failed += 1
                print(f"  CHANGED OUTSIDE THE DOCSTRING: {source.path} {symbol.name}")
    total = ok + one_liners + failed
    print(f"docstring edits: {total} tried, {ok} changed only the docstring, {one_liners} one-line bodies "
          f"(reshaped into a block, not compared), {failed} failed (names carry @line, so none is ambiguous)")
    if timings:
        timings.sort()
        seconds = [t for t, _ in timings]
        print(f"  time per dry run: median {statistics.median(seconds) * 1000:.1f} ms, "
              f"p95 {seconds[int(len(seconds) * 0.95)] * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms "
              f"on {timings[-1][1]}")


def _apply(text: str, diff: str) -> str:
    """Apply a unified diff produced by difflib to ``text`` (enough for our own diffs)."""
    old = text.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)[2:]
    i = 0
    while i < len(lines):
        header = lines[i]
        start = int(header.split()[1].split(",")[0][1:])
        start = start - 1 if start > 0 else 0
        out.extend(old[pos:start])
        pos = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, body = lines[i][0], lines[i][1:]
            if tag in " -":
                pos += 1
            if tag in " +":
                out.append(body)
            i += 1
    out.extend(old[pos:])
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ruff", default="bench/.data/venv/bin/ruff")
    parser.add_argument("--files", type=int, default=150, help="stdlib files sampled for the edit check")
    parser.add_argument("--per-file", type=int, default=4, help="definitions edited per sampled file")
    parser.add_argument("--budget", type=float, default=180.0, help="seconds the edit check may take")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    workspace = Workspace(load_config(stdlib))
    files = stdlib_files(workspace)
    print(f"stdlib: {stdlib}, {len(files)} Python files (site-packages left out); python {sys.version.split()[0]}")
    if Path(args.ruff).exists():
        compare_complexity(workspace, files, args.ruff)
    else:
        print(f"complexity: skipped, {args.ruff} not found (python3 -m venv bench/.data/venv; pip install ruff)")
    sample = files[:: max(1, len(files) // args.files)][: args.files]
    check_edits(workspace, sample, args.per_file, args.budget)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
