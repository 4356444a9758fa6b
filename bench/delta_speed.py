"""Time scoring a change of 1,000 files, cold (new process) and warm (same process, again).

The base commit holds 1,000 modules of the interpreter's standard library; the change edits
every one of them in the working tree (a block removed, a line rewritten, a function added),
so all 1,000 files are read at both ends, tokenized and diffed. Budget: 1 s warm, 3 s cold.

    python bench/delta_speed.py --files 1000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
_ADDED = '''

def added_by_bench(values):
    """A function the change adds."""
    total = 0
    for value in values:
        total += value
    return total
'''


def build(files: int) -> Path:
    """A repo whose base is ``files`` stdlib modules and whose working tree edits all of them."""
    repo = DATA / f"speed-{files}"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    picked = [p for p in sources if 50 < len(p.read_bytes().splitlines()) < 3000][:files]
    for i, src in enumerate(picked):
        target = repo / "pkg" / f"m{i:04d}_{src.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "base"], cwd=repo, check=True, env=_ENV)
    for target in sorted((repo / "pkg").iterdir()):
        lines = target.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
        middle = len(lines) // 2
        del lines[middle : middle + 5]
        lines[middle // 2] = lines[middle // 2] + "  # edited"
        target.write_text("\n".join(lines) + _ADDED, encoding="utf-8", errors="surrogateescape")
    return repo


_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from pattern_warden.config import load_config
from pattern_warden.delta.score import score_change
from pattern_warden.workspace import Workspace
t1 = time.perf_counter()
ws = Workspace(load_config(sys.argv[1]))
def cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
times, cpus = [], []
for _ in range(int(sys.argv[2])):
    start, cpu0 = time.perf_counter(), cpu()
    card = score_change(ws, limit=10)
    times.append(time.perf_counter() - start)
    cpus.append(cpu() - cpu0)
print(json.dumps({"import": t1 - t0, "calls": times, "cpu": cpus, "files": card.totals.files,
                  "code_added": card.totals.code_added, "code_removed": card.totals.code_removed}))
"""


def main() -> int:
    """Build the change, then time cold and warm scoring in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes; each scores cold, then warm twice")
    args = parser.parse_args()
    repo = build(args.files)
    colds, warms, imports, cold_cpu, warm_cpu = [], [], [], [], []
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _CHILD, str(repo), "3"], capture_output=True, text=True,
                             check=True, timeout=600)
        result = json.loads(out.stdout)
        imports.append(result["import"])
        colds.append(result["calls"][0])
        warms += result["calls"][1:]
        cold_cpu.append(result["cpu"][0])
        warm_cpu += result["cpu"][1:]
    print(f"change: {result['files']} files, +{result['code_added']}/-{result['code_removed']} code lines")
    print(f"1-minute load average before the runs: {load:.2f} on {os.cpu_count()} cores")
    print(f"cold (first call in a new process), median of {len(colds)}: {statistics.median(colds):.3f} s wall, "
          f"{statistics.median(cold_cpu):.3f} s CPU incl. git (import {statistics.median(imports):.3f} s not included)")
    print(f"warm (same process, again), median of {len(warms)}: {statistics.median(warms):.3f} s wall, "
          f"{statistics.median(warm_cpu):.3f} s CPU incl. git")
    return 0


if __name__ == "__main__":
    sys.exit(main())
