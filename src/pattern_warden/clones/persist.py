"""The clone engine's warm state on disk: the last walk, the files' stamps and the last matches.

A new process (a CLI run, or the server of a new agent session) starts cold by nature, so what
a running server keeps in memory (``TreeState`` and ``DetectionMemo``) is written to the shared
``DiskCache`` and read back by the next process. The key covers the shape format, the package
version and the settings that change which files a walk finds (``exclude`` and the file
limits); the options of a search are part of the memo's own keys. Everything read back is
checked again: paths go through the workspace sandbox, and malformed data is dropped so that
the run simply starts afresh. ``marshal`` is used for the reasons given on ``ShapeCache``.
"""

from __future__ import annotations

import marshal
import time

from pattern_warden import __version__
from pattern_warden.clones.corpus import TreeState
from pattern_warden.clones.memo import DetectionMemo
from pattern_warden.clones.heap import CollectorPause
from pattern_warden.clones.normalize import SHAPE_VERSION
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.workspace import Workspace

WARM_KIND = "warm"


def warm_key(workspace: Workspace) -> str:
    """The entry's key: what changes which files a walk finds, and the formats of what is kept."""
    limits = workspace.config.limits
    return key(SHAPE_VERSION, __version__, workspace.config.settings.exclude,
               limits.max_file_bytes, limits.max_files, limits.max_total_bytes)


def load_warm(disk: DiskCache, workspace: Workspace) -> tuple[TreeState, DetectionMemo]:
    """The state saved by the last process, or fresh ones when there is none (or it is unusable)."""
    payload = disk.get(WARM_KIND, warm_key(workspace))
    try:
        data = marshal.loads(payload) if payload is not None else None
    except (EOFError, ValueError, TypeError):
        data = None
    if not isinstance(data, dict):
        return TreeState(), DetectionMemo()
    with CollectorPause(freeze=True, sweep=False):  # plain data, kept for the process's life
        state, memo = TreeState.load(workspace, data.get("tree")), DetectionMemo.load(data.get("memo"))
    now = time.time()
    for walk in vars(state)["_walks"].values():
        # A saved walk is always older than the full-walk period; its folder stamps are checked on
        # first use all the same, which finds every file added, removed or renamed since. Counting
        # it as taken now keeps a new session from re-walking a large tree before its first answer.
        walk.taken = now
    return state, memo


def load_warm_into(disk: DiskCache, workspace: Workspace, state: TreeState, memo: DetectionMemo) -> None:
    """``load_warm``, taken over in place by objects a server's handlers already hold."""
    loaded_state, loaded_memo = load_warm(disk, workspace)
    for target, loaded in ((state, loaded_state), (memo, loaded_memo)):
        for name, value in vars(loaded).items():
            if name != "_lock":
                setattr(target, name, value)


def save_warm(disk: DiskCache, workspace: Workspace, state: TreeState, memo: DetectionMemo) -> None:
    """Write the warm state for the next process (atomically, through the disk cache)."""
    data = {"tree": state.dump(workspace), "memo": memo.dump()}
    try:
        payload = marshal.dumps(data)
    except ValueError:  # an unmarshallable value: better no warm state than a wrong one
        return
    disk.put(WARM_KIND, warm_key(workspace), payload)
