"""The leftovers engine: read the project once, ask each detector, rank, page.

The whole tree is read even when ``paths`` names one folder, because "nothing uses this" is a
statement about the whole project; ``paths`` only limits where findings are reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pattern_warden.diskcache import DiskCache
from pattern_warden.leftovers.attempts import BACKUP_SUFFIXES, attempts, is_backup
from pattern_warden.leftovers.commented import commented_code
from pattern_warden.leftovers.dead import dead_code, orphan_modules
from pattern_warden.leftovers.persist import (keep, keep_joined_texts, keep_stamps, keep_texts, keep_walks, recall,
                                              recall_joined_texts, recall_stamps, recall_texts, recall_walks)
from pattern_warden.leftovers.models import HIGH, Leftover, LeftoversOptions, LeftoversResult, LeftoversSummary
from pattern_warden.leftovers.project import (CONFIG_FILES, CONFIG_SUFFIXES, TEXT_SUFFIXES, Project, TextRefs,
                                              join_text_refs, non_product, non_product_path, remembered_text_refs,
                                              text_refs)
from pattern_warden.leftovers.wrappers import parallel_wrappers
from pattern_warden.models import Note, paginate
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace


def read_project(workspace: Workspace, disk: DiskCache | None = None) -> tuple[Project, list[str], list[Note]]:
    """Every Python file below the root as a ``Project``, the backup copies found, and notes.

    With ``disk``, the modules' facts an earlier process read are taken from it (once per
    process and root), and the tree's facts are written back when any had to be read afresh.
    """
    notes: list[Note] = []
    walked_before = disk is not None and recall_walks(disk, workspace)
    if disk is not None:
        recall_stamps(disk, workspace)
    found = workspace.discover(None, suffixes=(".py", *TEXT_SUFFIXES, *BACKUP_SUFFIXES, *CONFIG_SUFFIXES))
    if disk is not None and not walked_before:
        keep_walks(disk, workspace)
    sources: list[SourceFile] = []
    backups: list[str] = []
    for path in found.files:
        rel = workspace.relative(path)
        if is_backup(rel):
            backups.append(rel)
            continue
        if not rel.endswith(".py"):
            continue
        source = workspace.read(path, text_later=True)  # most files' digests are all that is needed
        if isinstance(source, Skipped):
            notes.append(Note(path=source.path, message=source.reason))
        else:
            sources.append(source)
    if found.truncated:
        notes.append(Note(message="The walk stopped at the file limit: uses in files not read are unknown."))
    configs = [source for path in found.files
               if (workspace.relative(path) in CONFIG_FILES or path.name.endswith(TEXT_SUFFIXES))
               and not isinstance(source := workspace.read(path, text_later=True), Skipped)]
    if disk is not None:
        recall(disk, workspace)
    project = Project.build(sources, [_text_names(workspace, configs, disk)], workspace.config.root.name)
    if disk is not None and project.fresh:
        keep(disk, workspace, project)
    if disk is not None:
        keep_stamps(disk, workspace, map(workspace.relative, found.files))
    return project, backups, notes


def _text_names(workspace: Workspace, configs: list[SourceFile], disk: DiskCache | None) -> TextRefs:
    """What the configuration and text files name, joined. With ``disk``, the joined names saved
    for exactly these contents are taken whole; each file's names are recalled (or read) only
    when one of the files changed."""
    digests = sorted({c.digest for c in configs})
    joined = recall_joined_texts(disk, workspace, digests) if disk is not None else None
    if joined is not None:
        return joined
    if disk is not None:
        recall_texts(disk, workspace)
    unknown = len(remembered_text_refs(digests)) < len(digests)
    joined = join_text_refs(text_refs(c) for c in configs)
    if disk is not None:
        if unknown:
            keep_texts(disk, workspace, configs)
        keep_joined_texts(disk, workspace, digests, joined)
    return joined


def detect(project: Project, backups: list[str], report: set[str], options: LeftoversOptions) -> list[Leftover]:
    """Every leftover in the files of ``report``, ranked (``ranked``)."""
    kinds = set(options.kinds)
    found: list[Leftover] = []
    if "attempt" in kinds:
        found += attempts(project, backups, report)
    if "dead" in kinds:
        found += dead_code(project, report)
    if "orphan-module" in kinds:
        found += orphan_modules(project, report)
    if "parallel-wrapper" in kinds:
        found += parallel_wrappers(project, report)
    if "commented-out" in kinds:
        live = {d.name for f in project.modules for d in f.definitions}
        for path in sorted(report):
            source = project.sources.get(path)
            if source is not None:
                found += commented_code(source, live)
    kinds_at = {facts.path: facts for facts in project.modules}
    keep = [f for f in found if f.confidence >= options.min_confidence and (options.include_tests or not (
        non_product(kinds_at[f.path]) if f.path in kinds_at else non_product_path(f.path)))]
    return ranked(keep)


def ranked(found: list[Leftover]) -> list[Leftover]:
    """Most certain first, then by place; each file reported once for what explains the most.

    An attempt file is not also an orphan, a wrapper or a set of dead functions; an orphaned
    module is not also its dead functions.
    """
    attempts_at = {f.path for f in found if f.kind == "attempt"}
    orphans_at = {f.path for f in found if f.kind == "orphan-module"}
    keep = [f for f in found if f.kind == "attempt" or (f.path not in attempts_at and (
        f.kind in ("orphan-module", "parallel-wrapper") or f.path not in orphans_at))]
    return sorted(keep, key=lambda f: (-f.confidence, f.path, f.line, f.kind))


def find_leftovers(workspace: Workspace, paths: Sequence[str] | None = None,
                   options: LeftoversOptions | None = None, cursor: str | None = None,
                   limit: int = 20, disk: DiskCache | None = None) -> LeftoversResult:
    """What earlier sessions left behind, in ``paths`` (default: the whole root)."""
    options = options or LeftoversOptions()
    project, backups, notes = read_project(workspace, disk)
    wanted = workspace.discover(paths, suffixes=None) if paths else None
    report = ({workspace.relative(p) for p in wanted.files} if wanted is not None
              else set(project.sources) | set(backups))
    items = detect(project, backups, report, options)
    page_items, page = paginate(items, cursor, limit)
    summary = LeftoversSummary(
        files=len(project.modules), findings=len(items),
        high_confidence=sum(1 for f in items if f.confidence >= HIGH),
        by_kind=dict(Counter(f.kind for f in items)),
    )
    return LeftoversResult(summary=summary, leftovers=page_items, page=page, notes=notes)
