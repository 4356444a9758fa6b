"""The CLI's warm state on disk: the last walk, the files' stamps and the last matches.

A CLI run starts cold by nature, so what a running server keeps in memory (``TreeState`` and
``DetectionMemo``) is written next to the shape cache in ``.pattern-warden-cache/clones/`` and
read back on the next run. Everything read back is checked again: paths go through the
workspace sandbox, and malformed data is dropped so that the run simply starts afresh.
"""

from __future__ import annotations

import logging
import marshal
import os
from pathlib import Path

from pattern_warden.clones.corpus import TreeState
from pattern_warden.clones.detect import DetectionMemo
from pattern_warden.clones.heap import CollectorPause
from pattern_warden.clones.normalize import SHAPE_VERSION
from pattern_warden.workspace import Workspace

log = logging.getLogger(__name__)
WARM_FILE = "warm.marshal"


def load_warm(disk_dir: Path, workspace: Workspace) -> tuple[TreeState, DetectionMemo]:
    """The state saved by the last run, or fresh ones when there is none (or it is unusable)."""
    try:
        data = marshal.loads((disk_dir / WARM_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return TreeState(), DetectionMemo()
    if not isinstance(data, dict) or data.get("version") != SHAPE_VERSION:
        return TreeState(), DetectionMemo()
    with CollectorPause(freeze=True, sweep=False):  # kept for the whole (one-shot) run
        return TreeState.load(workspace, data.get("tree")), DetectionMemo.load(data.get("memo"))


def save_warm(disk_dir: Path, workspace: Workspace, state: TreeState, memo: DetectionMemo) -> None:
    """Write the warm state for the next run; written aside and renamed, so a reader never sees half."""
    data = {"version": SHAPE_VERSION, "tree": state.dump(workspace), "memo": memo.dump()}
    try:
        disk_dir.mkdir(parents=True, exist_ok=True)
        tmp = disk_dir / f"{WARM_FILE}.{os.getpid()}.tmp"
        tmp.write_bytes(marshal.dumps(data))
        os.replace(tmp, disk_dir / WARM_FILE)
    except (OSError, ValueError) as exc:
        log.warning("cannot write the clone cache in %s: %s", disk_dir, exc)
