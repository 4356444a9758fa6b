"""The least CPU a review of the delta_speed change needs for the new versions alone.

Parsing, rule-checking and tokenizing each changed file's new version is work no review can
skip (the findings and the duplicates introduced are about the new code). Run in one process
with the collector off, it bounds the cold review from below: on N cores the review cannot
finish before this CPU time divided by N, even if the base side and detection cost nothing.

    python bench/delta_speed.py --files 600 && python bench/review_floor.py
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import time
from pathlib import Path

from pattern_warden.clones.normalize import shape_of
from pattern_warden.config import load_config
from pattern_warden.rules.engine import Checker, CheckOptions
from pattern_warden.source import SourceFile

REPO = Path(__file__).resolve().parent / ".data" / "speed-600"


def main() -> int:
    """Time the three unavoidable passes over the new versions, one process, no collector."""
    if not (REPO / "pkg").is_dir():
        raise SystemExit(f"{REPO} is missing: run bench/delta_speed.py --files 600 first")
    gc.disable()
    files = sorted((REPO / "pkg").glob("*.py"))
    texts = [(str(f.relative_to(REPO)), f.read_text(encoding="utf-8", errors="surrogateescape")) for f in files]
    sources = [SourceFile(path=p, text=t, digest=hashlib.sha256(t.encode("utf-8", "surrogateescape")).hexdigest(),
                          size=len(t)) for p, t in texts]
    start = time.process_time()
    unparsed = sum(1 for s in sources if s.tree is None)
    parse = time.process_time() - start
    checker = Checker(load_config(REPO), CheckOptions())
    start = time.process_time()
    for source in sources:
        checker.check(source)
    rules = time.process_time() - start
    start = time.process_time()
    for _, text in texts:
        shape_of(text)
    shapes = time.process_time() - start
    total = parse + rules + shapes
    cores = os.cpu_count() or 1
    print(f"{len(sources)} new versions ({unparsed} do not parse as written)")
    print(f"CPU: parse {parse:.2f} s, rule walk {rules:.2f} s, tokenize for clones {shapes:.2f} s; "
          f"total {total:.2f} s")
    print(f"floor on {cores} cores for the new side alone: {total / cores:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
