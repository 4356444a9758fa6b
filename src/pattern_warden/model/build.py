"""Building the project model for a tree, once, and keeping it current.

A ``ModelBuilder`` holds one summary per file with the file's stamp and content hash. A new
call stats every file: an unchanged stamp keeps its summary, a changed one is read (through
the workspace, like every file we read) and summarised again only when its content hash
changed. The model is then updated in place, so only the edited modules and the modules that
import them are resolved again. The summaries outlive the process in the shared disk cache
(one entry per tree and settings, ``marshal``-ed plain data, checked on read by the cache).
"""

from __future__ import annotations

import ast
import marshal
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pattern_warden import __version__
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.model.project import ProjectModel, module_name
from pattern_warden.model.summary import SUMMARY_VERSION, summarise
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

MODEL_KIND = "model"
#: Below this many files to summarise, worker processes cost more than they save.
PARALLEL_FROM = 300
_Stamp = tuple[int, int]
#: rel -> (stamp, content hash, summary)
_Entry = tuple[_Stamp, str, dict[str, Any]]


def _stamp(path: Path) -> _Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def model_key(workspace: Workspace) -> str:
    """The disk entry's key: the summary format and what changes which files a walk finds."""
    limits = workspace.config.limits
    return key(SUMMARY_VERSION, __version__, workspace.config.settings.exclude, limits.max_file_bytes,
               limits.max_files, limits.max_total_bytes)


def summary_of(source: SourceFile, files: set[str] | frozenset[str], top: str = "") -> dict[str, Any] | None:
    """The summary of one file read through the workspace, named as the project names it."""
    tree = source.tree or source.partial_tree
    if tree is None:
        return None
    name, package = module_name(source.path, files, top)
    return summarise(tree, name, package)


def _summarise_batch(batch: list[tuple[str, str, str, bool]]) -> list[dict[str, Any] | None]:
    """Worker entry: parse and summarise (path, text, module name, package) tuples."""
    out: list[dict[str, Any] | None] = []
    for rel, text, name, package in batch:
        source = SourceFile(rel, text, "", len(text))
        tree = source.tree or source.partial_tree
        out.append(summarise(tree, name, package) if tree is not None else None)
    return out


#: Summarises (path, module name, package) jobs elsewhere, answering in order: the rule engine
#: passes one that parses each file in the worker process that will check it.
Summarise = Callable[[list[tuple[str, str, bool]]], list[dict[str, Any] | None]]


def _summarise_all(pending: list[tuple[str, _Stamp, SourceFile]], files: set[str], top: str,
                   parallel: Summarise | None) -> list[dict[str, Any] | None]:
    """Summaries of the pending files, across the worker processes when there are many: parsing
    is most of a cold build (Django: ~900 files)."""
    if len(pending) < PARALLEL_FROM:
        return [summary_of(source, files, top) for _, _, source in pending]
    if parallel is not None:
        return parallel([(rel, *module_name(rel, files, top)) for rel, _, _ in pending])
    from pattern_warden.workers import WORKERS, worker_pool

    jobs = [(rel, source.text, *module_name(rel, files, top)) for rel, _, source in pending]
    size = max(1, len(jobs) // (WORKERS * 4))
    with worker_pool(WORKERS) as pool:
        futures = [pool.submit(_summarise_batch, jobs[i : i + size]) for i in range(0, len(jobs), size)]
        return [summary for future in futures for summary in future.result()]


class ModelBuilder:
    """The model of one tree, kept current across calls (see the module doc)."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._model: ProjectModel | None = None
        self._loaded = False
        self._lock = threading.Lock()
        #: Files summarised by the last ``build`` (the rest came from memory or disk).
        self.summarised = 0

    def build(self, workspace: Workspace, disk: DiskCache | None = None,
              parallel: Summarise | None = None) -> ProjectModel:
        """The model of every Python file under the root, re-summarising only what changed (one
        call at a time: a server's handlers share the builder); ``parallel`` summarises many
        files at once elsewhere."""
        with self._lock:
            self._load(disk, workspace)
            return self._build(workspace, disk, parallel)

    def load(self, workspace: Workspace, disk: DiskCache | None) -> None:
        """Read the summaries the disk cache keeps for this tree, once (``build`` does it too)."""
        with self._lock:
            self._load(disk, workspace)

    def _build(self, workspace: Workspace, disk: DiskCache | None, parallel: Summarise | None) -> ProjectModel:
        found = workspace.discover(["."])
        rels = {workspace.relative(path): path for path in found.files}
        files = set(rels)
        top = workspace.config.root.name
        fresh: dict[str, _Entry] = {}
        pending: list[tuple[str, _Stamp, SourceFile]] = []
        for rel, path in rels.items():
            kept = self._kept(workspace, rel, path, module_name(rel, files, top)[0])
            if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[2], SourceFile):
                pending.append(kept)  # type: ignore[arg-type]
            elif kept is not None:
                fresh[rel] = kept  # type: ignore[assignment]
        changed: dict[str, dict[str, Any]] = {}
        for (rel, stamp, source), summary in zip(pending, _summarise_all(pending, files, top, parallel)):
            if summary is not None:
                fresh[rel] = (stamp, source.digest, summary)
                changed[summary["name"]] = summary
        removed = {entry[2]["name"] for rel, entry in self._entries.items() if rel not in fresh}
        removed -= {entry[2]["name"] for entry in fresh.values()}
        self.summarised = len(changed)
        before = self._entries
        self._entries = fresh
        if self._model is None or self._model.top != top:
            self._model = ProjectModel({e[2]["name"]: e[2] for e in fresh.values()},
                                       {e[2]["name"]: rel for rel, e in fresh.items()},
                                       {rel: e[1] for rel, e in fresh.items()}, top)
            self._model.reresolved = set(self._model.summaries)
        elif changed or removed:
            paths = {e[2]["name"]: rel for rel, e in fresh.items() if e[2]["name"] in changed}
            self._model.update(changed, paths, removed, {rel: fresh[rel][1] for rel in paths.values()})
        else:
            self._model.reresolved = set()
        if disk is not None and (changed or removed or before.keys() != fresh.keys()):
            self._save(disk, workspace)
        return self._model

    @property
    def empty(self) -> bool:
        """Nothing built or loaded yet: the next build summarises every file."""
        return not self._entries

    def _kept(self, workspace: Workspace, rel: str, path: Path, name: str) -> _Entry | tuple[str, _Stamp, SourceFile] | None:
        """The file's entry when it is unchanged (same stamp, or same content), else the file to
        summarise (rel, stamp, source); None when it cannot be read."""
        stamp = _stamp(path)
        old = self._entries.get(rel)
        named = old is not None and old[2]["name"] == name
        if old is not None and named and old[0] == stamp:
            return old
        source = workspace.read(path)
        if isinstance(source, Skipped) or stamp is None:
            return None
        if old is not None and named and old[1] == source.digest:
            return (stamp, old[1], old[2])
        return (rel, stamp, source)

    def _load(self, disk: DiskCache | None, workspace: Workspace) -> None:
        if disk is None or self._loaded:
            return
        self._loaded = True
        payload = disk.get(MODEL_KIND, model_key(workspace))
        try:
            data = marshal.loads(payload) if payload is not None else None
        except (EOFError, ValueError, TypeError):
            data = None
        if isinstance(data, dict):
            self._entries = {rel: entry for rel, entry in data.items() if _well_formed(rel, entry)}

    def _save(self, disk: DiskCache, workspace: Workspace) -> None:
        try:
            payload = marshal.dumps(self._entries)
        except ValueError:
            return
        disk.put(MODEL_KIND, model_key(workspace), payload)


def _well_formed(rel: object, entry: object) -> bool:
    """Entries read back from disk are data we check, never trust."""
    return (isinstance(rel, str) and isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[1], str)
            and isinstance(entry[2], dict) and entry[2].get("v") == SUMMARY_VERSION
            and isinstance(entry[2].get("scopes"), dict) and isinstance(entry[2].get("name"), str))


def dump(model: ProjectModel) -> bytes:
    """The model's summaries as bytes for a worker process (``load`` reads them back)."""
    return marshal.dumps((model.summaries, model.paths, model.digests, model.top))


def load(payload: bytes) -> ProjectModel:
    """A model from ``dump``'s bytes: the same summaries, resolved afresh on demand."""
    return ProjectModel(*marshal.loads(payload))


def model_for(source: SourceFile, tree: ast.Module, project: ProjectModel | None) -> ProjectModel:
    """The model to ask about ``source``: the project's when it summarised this very text, the
    project's with this text laid over it (a draft, a file edited since), or this file alone."""
    if project is not None and project.digests.get(source.path) == source.digest:
        return project
    if project is not None:
        name, package = project.name_of(source.path)
        return project.overlay(summarise(tree, name, package), source.path, source.digest)
    name, package = module_name(source.path)
    return ProjectModel.of_module(summarise(tree, name, package), source.path)
