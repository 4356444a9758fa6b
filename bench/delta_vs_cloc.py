"""Check delta's counts against `cloc --diff` and `git diff --numstat` on real release pairs.

A git repository is built from successive PyPI sdists of one project (each release one
commit, tagged), then every pair of neighbouring releases is counted three ways:

- ours (``count_git``): Python code lines added and removed; moved lines are added back for
  the comparison, because cloc knows no moves;
- ``cloc --diff --include-lang=Python`` on the two unpacked releases: code lines added plus
  modified, and removed plus modified (cloc splits a changed line off as "modified");
- ``git diff --numstat -M``: raw lines per file, which ours must equal exactly.

Usage (cloc from apt; sdists via pip download into bench/.data/sdists):

    python bench/delta_vs_cloc.py --sdists bench/.data/sdists --project attrs --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.delta.count import count_git
from pattern_warden.workspace import Workspace

DATA = Path(__file__).resolve().parent / ".data"
_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.org"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=_ENV, check=True, capture_output=True, text=True,
                          timeout=120).stdout


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", name))


def build(sdists: Path, project: str, work: Path) -> list[tuple[str, Path]]:
    """Unpack every sdist to work/trees/<version> and commit each, oldest first, into work/repo."""
    archives = sorted(sdists.glob(f"{project}-*.tar.gz"), key=lambda p: _version_key(p.name))
    repo, trees = work / "repo", work / "trees"
    shutil.rmtree(work, ignore_errors=True)
    repo.mkdir(parents=True)
    trees.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    releases = []
    for archive in archives:
        version = archive.name[len(project) + 1 : -len(".tar.gz")]
        with tarfile.open(archive) as tar:
            tar.extractall(trees, filter="data")
        tree = trees / f"{project}-{version}"
        for entry in repo.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        shutil.copytree(tree, repo, dirs_exist_ok=True)
        _git(repo, "add", "-A", "--force")
        _git(repo, "commit", "-q", "--allow-empty", "-m", version)
        _git(repo, "tag", f"v{version}")
        releases.append((version, tree))
    return releases


def cloc_counts(old: Path, new: Path) -> tuple[int, int]:
    """Python code lines (added + modified, removed + modified) according to cloc --diff."""
    out = subprocess.run(["cloc", "--diff", "--include-lang=Python", "--json", "--quiet", str(old), str(new)],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    data = json.loads(out)
    py = {kind: data.get(kind, {}).get("Python", {}).get("code", 0) for kind in ("added", "removed", "modified")}
    return py["added"] + py["modified"], py["removed"] + py["modified"]


def numstat(repo: Path, a: str, b: str) -> dict[str, tuple[int, int]]:
    """Raw lines added and removed per file, as git counts them (renames detected)."""
    out = _git(repo, "diff", "--numstat", "-M", "-z", a, b)
    counts: dict[str, tuple[int, int]] = {}
    fields = out.split("\0")
    i = 0
    while i < len(fields) and fields[i]:
        added, removed, path = fields[i].split("\t", 2)
        if path == "":  # a rename: the old and new paths follow
            path, i = fields[i + 2], i + 3
        else:
            i += 1
        if added != "-":
            counts[path] = (int(added), int(removed))
    return counts


def main() -> int:
    """Build the history, count every neighbouring pair three ways, print (and write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdists", type=Path, default=DATA / "sdists")
    parser.add_argument("--project", default="attrs")
    parser.add_argument("--write", type=Path, help="replace the delta section of this markdown file")
    args = parser.parse_args()
    work = DATA / f"{args.project}-history"
    releases = build(args.sdists, args.project, work)
    repo = work / "repo"
    workspace = Workspace(load_config(repo))
    rows = []
    for (old_v, old_tree), (new_v, new_tree) in zip(releases, releases[1:]):
        delta = count_git(workspace, base=f"v{old_v}", head=f"v{new_v}")
        python = [f for f in delta.files if f.kind == "python"]
        ours_add = sum(f.code_added + f.code_moved_in for f in python)
        ours_rem = sum(f.code_removed + f.code_moved_out for f in python)
        cloc_add, cloc_rem = cloc_counts(old_tree, new_tree)
        git_raw = numstat(repo, f"v{old_v}", f"v{new_v}")
        ours_raw = {f.path: (f.added, f.removed) for f in delta.files if f.kind in ("python", "text")}
        rows.append({
            "pair": f"{old_v} -> {new_v}", "files": len(delta.files),
            "ours_add": ours_add, "cloc_add": cloc_add, "ours_rem": ours_rem, "cloc_rem": cloc_rem,
            "moved": delta.totals.code_moved, "raw_equal": ours_raw == git_raw,
            "raw_files": len(git_raw), "raw_lines": sum(a + r for a, r in git_raw.values()),
        })
    table = render(rows, args.project)
    sys.stdout.write(table)
    if args.write:
        replace_section(args.write, table)
    return 0


def _dev(ours: int, theirs: int) -> float:
    return abs(ours - theirs) / theirs * 100 if theirs else 0.0


def render(rows: list[dict[str, object]], project: str) -> str:
    """The markdown table and its one-paragraph summary."""
    lines = [
        "| release pair | files | ours +code | cloc +code | ours -code | cloc -code | moved | numstat equal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['pair']} | {r['files']} | {r['ours_add']} | {r['cloc_add']} | {r['ours_rem']} | "
                     f"{r['cloc_rem']} | {r['moved']} | {'yes' if r['raw_equal'] else 'NO'} |")
    tot = {k: sum(int(r[k]) for r in rows) for k in ("ours_add", "cloc_add", "ours_rem", "cloc_rem", "raw_lines")}
    worst = max(max(_dev(int(r["ours_add"]), int(r["cloc_add"])), _dev(int(r["ours_rem"]), int(r["cloc_rem"])))
                for r in rows)
    equal = sum(1 for r in rows if r["raw_equal"])
    close = sum(1 for r in rows if max(_dev(int(r["ours_add"]), int(r["cloc_add"])),
                                       _dev(int(r["ours_rem"]), int(r["cloc_rem"]))) <= 2.0)
    summary = (
        f"\n{len(rows)} pairs of {project} releases. Totals: added {tot['ours_add']} (ours) vs {tot['cloc_add']} "
        f"(cloc), {_dev(tot['ours_add'], tot['cloc_add']):.2f}% apart; removed {tot['ours_rem']} vs "
        f"{tot['cloc_rem']}, {_dev(tot['ours_rem'], tot['cloc_rem']):.2f}% apart. Largest single-pair gap: "
        f"{worst:.2f}%; {close} of {len(rows)} pairs within 2% on both counts. Raw per-file line counts equal to `git diff --numstat -M` in {equal} of {len(rows)} pairs "
        f"({tot['raw_lines']} lines).\n"
    )
    return "\n".join(lines) + "\n" + summary


_START, _END = "<!-- delta-vs-cloc:start -->", "<!-- delta-vs-cloc:end -->"


def replace_section(path: Path, table: str) -> None:
    """Put the table between its markers in ``path``, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{_START}\n{table}{_END}"
    if _START in text:
        text = re.sub(re.escape(_START) + ".*?" + re.escape(_END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
