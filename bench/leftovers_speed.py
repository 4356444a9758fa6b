"""Cost of `pattern-warden leftovers` against the rules' cold check and vulture, on one tree.

    .venv/bin/python bench/leftovers_speed.py DIR [--vulture PATH]

One run each, back to back, in this order (ratios are within one invocation; the machine may
be shared):
- cold: `pattern-warden leftovers --root DIR --format json --all --no-cache` as a new process, and
  `pattern-warden check DIR --no-cache --format json` (the rules' cold cost, the issue's bound);
  vulture on the same folder when installed (`pip install vulture`);
- warm: in one process, a first `find_leftovers` call, then one file touched (a comment
  appended, then restored) and a second call: what a running server re-examines.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OURS = REPO / ".venv" / "bin" / "pattern-warden"


def wall(command: list[str]) -> float:
    """Seconds of one command, interpreter start included."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode > 1 and "vulture" not in command[0]:  # 1 means "found something"
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-500:]}")
    return time.perf_counter() - started


def warm(root: Path) -> tuple[float, float, float]:
    """First call, unchanged second call, and a call after one file changed, in one process."""
    from pattern_warden.config import load_config
    from pattern_warden.leftovers.engine import find_leftovers
    from pattern_warden.workspace import Workspace

    workspace = Workspace(load_config(root))
    started = time.perf_counter()
    find_leftovers(workspace)
    first = time.perf_counter() - started
    started = time.perf_counter()
    find_leftovers(workspace)
    again = time.perf_counter() - started
    target = next(p for p in sorted(root.rglob("*.py")) if p.stat().st_size > 1000)
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"\n# touched\n")
        started = time.perf_counter()
        find_leftovers(workspace)
        edited = time.perf_counter() - started
    finally:
        target.write_bytes(original)
    return first, again, edited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--vulture", default=shutil.which("vulture"))
    args = parser.parse_args()
    root = args.root.resolve()
    ours = wall([str(OURS), "leftovers", "--root", str(root), "--format", "json", "--all", "--no-cache"])
    rules = wall([str(OURS), "check", str(root), "--root", str(root), "--no-cache", "--format", "json"])
    print(f"cold leftovers {ours:.1f} s; cold rules check {rules:.1f} s; ratio {ours / rules:.2f}")
    if args.vulture:
        peer = wall([args.vulture, str(root), "--min-confidence", "60"])
        print(f"cold vulture {peer:.1f} s; ours / vulture {ours / peer:.2f}")
    first, again, edited = warm(root)
    print(f"in one process: first call {first:.1f} s, unchanged {again:.2f} s, one file changed {edited:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
