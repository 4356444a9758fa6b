"""What the project model costs: a cold build, a warm call, a warm edit, and a new process.

    .venv/bin/python bench/model_speed.py [ROOT]        # default: Django 5.2's package (bench/corpora.py)

Cold: every file read, parsed and summarised (across the worker processes, as a check does).
Warm: the same builder again, nothing changed (every file stat-ed, no file read). Edit: one
module touched with new content, then the builder again: that module is summarised and it and
its importers are resolved again. New process: a new builder reading the summaries from the
disk cache. Everything runs on a temporary copy of the tree, with a temporary cache. Then the queries the rules ask:
effects of every function (chains three deep) and the callers index. One run each; the
machine's load shows in the cold figure most.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DJANGO  # noqa: E402

from pattern_warden.config import load_config  # noqa: E402
from pattern_warden.diskcache import DiskCache  # noqa: E402
from pattern_warden.model import ModelBuilder  # noqa: E402
from pattern_warden.workspace import Workspace  # noqa: E402


def _timed(label: str, action, extra=lambda result: "") -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - started:7.3f} s  {extra(result)}")
    return result


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DJANGO
    if not source.is_dir():
        raise SystemExit(f"{source} is missing: see bench/corpora.py for the download command")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / source.name  # a copy: the edits below never touch the corpus
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__"))
        workspace = Workspace(load_config(root))
        disk = DiskCache(Path(scratch))
        builder = ModelBuilder()
        model = _timed("cold build", lambda: builder.build(workspace, disk),
                       lambda m: f"{len(m.summaries)} modules, {len(m.defs)} functions and classes")
        _timed("warm call, nothing changed", lambda: builder.build(workspace, disk),
               lambda m: f"{builder.summarised} summarised")
        for label, pick in (("leaf", min), ("most imported", max)):
            target = model.paths[pick(sorted(model.summaries), key=lambda m: len(model.dependents({m})))]
            path = root / target
            path.write_bytes(path.read_bytes() + b"\ndef _touched():\n    return None\n")
            _timed(f"warm edit, {label}: {target}", lambda: builder.build(workspace, disk),
                   lambda m: f"{builder.summarised} summarised, {len(m.reresolved)} modules resolved again")
        fresh = ModelBuilder()
        _timed("new process, from the disk cache", lambda: fresh.build(workspace, disk),
               lambda m: f"{fresh.summarised} summarised")
        _timed("effects of every function", lambda: sum(len(model.effects(name)) for name in list(model.defs)),
               lambda n: f"{n} effects")
        _timed("callers index", lambda: model.callers("-"), lambda _: "")


if __name__ == "__main__":
    main()
