"""The leftovers a change adds or creates: what `review` and the gates hold the agent to.

Two kinds of evidence come from comparing the tree with its base. A leftover the change added
(an attempt file it created, a commented-out block it wrote, a helper it defined and never
called) is the agent's, where one that was already there is not. And a function whose last
caller the change removed is orphaned by it: nothing else would have told the agent that the
clean-up is only half done.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

from pattern_warden.config import Config
from pattern_warden.diskcache import DiskCache
from pattern_warden.leftovers.dead import unused_confidence
from pattern_warden.leftovers.engine import detect, ranked, read_project
from pattern_warden.leftovers.facts import Definition, ModuleFacts, facts_of, is_known
from pattern_warden.leftovers.models import HIGH, Leftover, LeftoversOptions
from pattern_warden.leftovers.persist import keep_bases, recall_bases
from pattern_warden.leftovers.project import Project
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

Pair = tuple[SourceFile | None, SourceFile | None]
#: What a cache crosses to a worker as: its root, its bound and whether it is on.
CacheSpec = tuple[Path, int, bool]
#: The project this worker process read before the change was known (``read_ahead``), by root.
_AHEAD: dict[Path, tuple[Project, list[str]]] = {}


def change_leftovers(workspace: Workspace, changed: Sequence[Pair], options: LeftoversOptions | None = None,
                     disk: DiskCache | None = None, read: tuple[Project, list[str]] | None = None) -> list[Leftover]:
    """Leftovers the change (``(after, before)`` per changed Python file) added or orphaned;
    ``read``: the project and its backup copies, read already (``read_ahead``)."""
    options = options or LeftoversOptions()
    project, backups = read or read_project(workspace, disk)[:2]
    afters = {a.path: a for a, _ in changed if a is not None}
    befores = {b.path: b for _, b in changed if b is not None}
    if disk is not None:
        recall_bases(disk, workspace)
    fresh = not all(is_known(before, "") for before in befores.values())
    # A new public function or module that nothing uses yet stays a lead, as in an audit: the
    # user may have asked for exactly that (a library's new API, a new script or plugin).
    # a leftover in a file the change did not touch (the old copy a changed module resembles) is
    # not the change's, whatever the change did to the file it is compared with
    found = [item for item in detect(project, backups, set(afters), options)
             if item.path in afters and _introduced(item, afters[item.path], befores.get(item.path))]
    if "orphaned-by-change" in options.kinds:
        found += [o for o in orphaned(project, befores) if o.confidence >= options.min_confidence]
    if disk is not None and fresh:
        keep_bases(disk, workspace, {(b.digest, b.path, ""): facts_of(b, "") for b in befores.values()})
    return ranked(found)


def leftovers_in_worker(config: Config, changed: Sequence[Pair], cache: CacheSpec | None) -> list[Leftover]:
    """``change_leftovers`` in a worker process, which opens its own workspace and the cache
    ``cache`` describes (root, bound, enabled): a review runs it beside its rule checks and
    clone search instead of after them. The project this process read ahead is taken, once."""
    _freeze_inherited()
    return change_leftovers(Workspace(config), changed, disk=_disk(cache), read=_AHEAD.pop(config.root, None))


def read_ahead(config: Config, cache: CacheSpec | None) -> None:
    """``read_project`` in the Stop's leftovers worker, before the change is known: the project
    does not depend on it, and the parent process spends that time waiting for git to say what
    the session changed. The next ``leftovers_in_worker`` of this process takes it."""
    _freeze_inherited()
    _AHEAD[config.root] = read_project(Workspace(config), _disk(cache))[:2]


def _freeze_inherited() -> None:
    """Leave what this worker inherited from its parent (every imported module, the parent's
    trees) out of the garbage collector's full passes: the read of a large project allocates
    enough to start some, and walking the inherited heap was a tenth of the worker's time."""
    gc.freeze()


def _disk(cache: CacheSpec | None) -> DiskCache | None:
    return DiskCache(*cache) if cache is not None else None


def _introduced(item: Leftover, after: SourceFile | None, before: SourceFile | None) -> bool:
    """Whether the base version of the file did not already have this leftover."""
    if before is None:
        return True  # a new file: everything in it is the change's
    if item.kind in ("attempt", "orphan-module", "parallel-wrapper"):
        return False  # the file was there before; it was an attempt (or an orphan) already
    if item.kind == "commented-out":
        first = item.evidence[0] if item.evidence else ""
        return not any(line.lstrip().startswith("#") and first in line for line in before.lines)
    if item.kind == "dead" and item.symbol:
        module = facts_of(before, "")
        return item.symbol not in {d.qualname for d in module.definitions}
    if item.kind == "dead" and after is not None:
        # unreachable lines are new unless the base had them dead behind the same statement, moved,
        # re-indented or with a line edited since (a default changed everywhere); a new raise or
        # return in front of live code makes new dead code
        return not _dead_before(item, after.lines[item.line - 1:item.end_line], after, before)
    return item.kind == "dead"


def _dead_before(item: Leftover, block: list[str], after: SourceFile, before: SourceFile) -> bool:
    """Whether the base already had this unreachable block behind the same statement: the
    statement that ends the live code (the line the evidence names, ``after raise on line 6``) is
    in the base, and most of the block's lines follow it there."""
    named = item.evidence[0].rsplit(" line ", 1)[-1] if item.evidence else ""
    at = int(named) - 1 if named.isdigit() and 0 < int(named) <= len(after.lines) else None
    if at is None:
        return False
    ender = after.lines[at].strip()
    lines = [line.strip() for line in block if line.strip()]
    old = [line.strip() for line in before.lines if line.strip()]
    for i, line in enumerate(old):
        if line == ender:
            following = set(old[i + 1:i + 1 + len(block) + 8])
            if sum(line in following for line in lines) * 2 > len(lines):
                return True
    return False


def orphaned(project: Project, befores: dict[str, SourceFile]) -> list[Leftover]:
    """Definitions unused now that something used at the base: the change removed their last use.

    Only a name the base of a changed file used can have lost its last use, so those names are
    the candidates, and only definitions carrying one of them are judged (judging every
    definition of a large project was most of a Stop's time).
    """
    removed: set[str] = set()
    for before in befores.values():
        base = facts_of(before, "")
        removed |= base.names | base.words | base.all_names
    candidates = {name for name in removed if not project.is_used(name)}
    found: list[Leftover] = []
    for facts in project.modules if candidates else ():
        for definition in facts.definitions:
            if definition.name not in candidates:
                continue
            confidence = unused_confidence(project, facts, definition)
            if confidence is None:
                continue
            # a public name may still be a library's API: the removed use makes it a lead only,
            # below the confidence that fails max-leftovers
            confidence = min(confidence, LEAD) if _public(facts, definition) else 90 if confidence >= 80 else confidence
            found.append(Leftover(
                kind="orphaned-by-change", path=facts.path, line=definition.line, end_line=definition.end_line,
                symbol=definition.qualname, confidence=confidence, action="delete",
                reason=f"The change removed the last use of {definition.qualname!r}; nothing names it now.",
                fix=f"Delete {definition.qualname} too, or restore the call the change removed if it is still needed.",
                evidence=[f"used at the base, 0 references now in {len(project.modules)} modules"],
            ))
    return found


#: The confidence of a public function whose last use the change removed: shown, never blocking.
LEAD = HIGH - 20


def _public(facts: ModuleFacts, definition: Definition) -> bool:
    """Whether users of the package may call ``definition``: exported in ``__all__``, or a public
    name (every part of its qualified name) in a public module."""
    if definition.name in facts.all_names:
        return True
    parts = [*facts.module.split("."), *definition.qualname.split(".")]
    return not any(part.startswith("_") and not (part.startswith("__") and part.endswith("__")) for part in parts)
