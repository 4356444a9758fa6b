"""The leftovers' per-file facts on disk, so a new process does not parse the whole tree again.

Every hook call is a new process, and "nothing uses this" needs every module's facts: reading
them was 6 ms of CPU per module, 10 s for a 1,500-file project on each Stop. The facts are a
pure function of a file's content, its path and its module name (and, for a configuration or
text file, of its content alone), so they are kept in the shared ``DiskCache`` under those and
read back by the next process; only files whose content changed are read again. One entry holds
the whole tree's facts (one read, one ``marshal`` load), rewritten only when something new was
read. Rows read back are checked for shape and dropped when malformed: the cache is
authenticated, but its rows are still data.
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Iterable
from pathlib import Path

from pattern_warden import __version__
from pattern_warden.codekind import Kind
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.leftovers.facts import Definition, ModuleFacts, remember_all
from pattern_warden.leftovers.project import Project, TextRefs, remember_text_refs, remembered_text_refs
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

FACTS_KIND = "leftovers-facts"
#: Bump when ``ModuleFacts``, ``Definition`` or ``TextRefs`` change shape or meaning.
FACTS_VERSION = 3  # 2: code after an endless `while True:` is unreachable; 3: text files' names apart
_FIELDS = tuple(f.name for f in dataclasses.fields(ModuleFacts))
_DEFINITION_FIELDS = len(dataclasses.fields(Definition))
_DEFINITIONS = _FIELDS.index("definitions")
_UNREACHABLE = _FIELDS.index("unreachable")
_KIND = _FIELDS.index("kind")
#: Roots whose saved facts (and text files' names) this process has taken in: once per process.
_RECALLED: set[Path] = set()
_TEXTS_RECALLED: set[Path] = set()

FactsKey = tuple[str, str, str]  # (content digest, path, module name)
#: The facts of a change's base versions (HEAD's copies of the files a session edits), apart from
#: the tree's: the tree's entry holds what is on disk now.
BASES_KIND = "leftovers-bases"
#: The leftovers' walk of the whole tree (Python, text and configuration files), kept apart from
#: the facts: it changes when a file is added or removed, the facts when one is edited.
WALKS_KIND = "leftovers-walks"
#: The stamps of the files the last walk read (``Workspace.load_stamps``): a file whose stamp has
#: not changed since is known by its digest, and so by its facts, without reading its bytes.
STAMPS_KIND = "leftovers-stamps"
#: What each configuration and text file names, by content, apart from the modules' facts; and
#: all of it joined, for exactly the contents it was joined from. A project's thousands of YAML,
#: Markdown and template files seldom change between two Stops: loading each one's names was a
#: fifth of a warm Stop's leftovers, where the joined names are one small entry.
TEXTS_KIND = "leftovers-texts"
JOINED_KIND = "leftovers-texts-joined"


def facts_key(workspace: Workspace) -> str:
    """The entry's key: the facts' format and the package version (which change what is read)."""
    return key(FACTS_VERSION, __version__, workspace.config.settings.exclude)


def walks_key(workspace: Workspace) -> str:
    """The walk entry's key: what changes which files a walk finds."""
    limits = workspace.config.limits
    return key(FACTS_VERSION, __version__, workspace.config.settings.exclude, limits.max_file_bytes,
               limits.max_files, limits.max_total_bytes)


def recall_walks(disk: DiskCache, workspace: Workspace) -> bool:
    """Give ``workspace`` the walk the last process saved, if it still holds; False when there
    was none to take, so the walk about to happen should be saved."""
    return workspace.load_walks(_loaded(disk.get(WALKS_KIND, walks_key(workspace)))) > 0


def keep_walks(disk: DiskCache, workspace: Workspace) -> None:
    """Save the walks ``workspace`` made, for the next process."""
    try:
        payload = marshal.dumps(workspace.dump_walks())
    except ValueError:
        return
    disk.put(WALKS_KIND, walks_key(workspace), payload)


def recall_stamps(disk: DiskCache, workspace: Workspace) -> None:
    """Give ``workspace`` the stamps of the files the last process read."""
    workspace.load_stamps(_loaded(disk.get(STAMPS_KIND, walks_key(workspace))))


def keep_stamps(disk: DiskCache, workspace: Workspace, rels: Iterable[str]) -> None:
    """Save the stamps of the files ``rels`` for the next process, when they changed."""
    rows = workspace.dump_stamps(rels)
    if rows is not None:
        disk.put(STAMPS_KIND, walks_key(workspace), marshal.dumps(rows))


def _loaded(payload: bytes | None) -> object:
    """A marshalled payload's data; None when there is none or it does not load."""
    try:
        return marshal.loads(payload) if payload is not None else None
    except (EOFError, ValueError, TypeError):
        return None


def recall(disk: DiskCache, workspace: Workspace) -> None:
    """Take in the modules' facts the last process saved for this root, once per process."""
    if workspace.config.root in _RECALLED:
        return
    _RECALLED.add(workspace.config.root)
    remember_all(load_facts(disk, workspace)[0])


def keep(disk: DiskCache, workspace: Workspace, project: Project) -> None:
    """Save the facts of the tree's modules as they are now (``project``) for the next process."""
    modules = {(project.sources[f.path].digest, f.path, f.module): f for f in project.modules}
    save_facts(disk, workspace, modules, {})


def recall_joined_texts(disk: DiskCache, workspace: Workspace, digests: list[str]) -> TextRefs | None:
    """The names of the text files with exactly these ``digests`` (sorted), joined as the last
    process saved them; None when they were not the same files' contents."""
    data = _loaded(disk.get(JOINED_KIND, key(facts_key(workspace), digests)))
    return data if _is_refs(data) else None  # type: ignore[return-value]


def keep_joined_texts(disk: DiskCache, workspace: Workspace, digests: list[str], joined: TextRefs) -> None:
    """Save the names of the text files with these ``digests`` (sorted), joined."""
    disk.put(JOINED_KIND, key(facts_key(workspace), digests), marshal.dumps(joined))


def recall_texts(disk: DiskCache, workspace: Workspace) -> None:
    """Take in each text file's names the last process saved for this root, once per process."""
    if workspace.config.root in _TEXTS_RECALLED:
        return
    _TEXTS_RECALLED.add(workspace.config.root)
    remember_text_refs(load_facts(disk, workspace, TEXTS_KIND)[1])


def keep_texts(disk: DiskCache, workspace: Workspace, configs: list[SourceFile]) -> None:
    """Save the names of the text files ``configs`` for the next process."""
    save_facts(disk, workspace, {}, remembered_text_refs(c.digest for c in configs), TEXTS_KIND)


def load_facts(disk: DiskCache, workspace: Workspace,
               kind: str = FACTS_KIND) -> tuple[dict[FactsKey, ModuleFacts], dict[str, TextRefs]]:
    """The module facts and text files' names last saved for this root (under ``kind``); empty
    when unusable."""
    data = _loaded(disk.get(kind, facts_key(workspace)))
    if not (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], list) and isinstance(data[1], dict)):
        return {}, {}
    modules: dict[FactsKey, ModuleFacts] = {}
    for row in data[0]:
        facts = _from_row(row)
        if facts is not None:
            modules[(row[0], facts.path, facts.module)] = facts
    texts = {digest: refs for digest, refs in data[1].items() if isinstance(digest, str) and _is_refs(refs)}
    return modules, texts


def save_facts(disk: DiskCache, workspace: Workspace, modules: dict[FactsKey, ModuleFacts],
               texts: dict[str, TextRefs], kind: str = FACTS_KIND) -> None:
    """Write ``modules`` and ``texts`` as this root's one entry of ``kind``."""
    rows = [(digest, *_to_row(item)) for (digest, _, _), item in modules.items()]
    try:
        payload = marshal.dumps((rows, texts))
    except ValueError:
        return
    disk.put(kind, facts_key(workspace), payload)


def recall_bases(disk: DiskCache, workspace: Workspace) -> None:
    """Take in the facts of the base versions the last process read for a change."""
    remember_all(load_facts(disk, workspace, BASES_KIND)[0])


def keep_bases(disk: DiskCache, workspace: Workspace, bases: dict[FactsKey, ModuleFacts]) -> None:
    """Save the facts of this change's base versions: every Stop of a session reviews the same
    bases, and parsing them again was a tenth of a warm Stop."""
    save_facts(disk, workspace, bases, {}, BASES_KIND)


def _to_row(facts: ModuleFacts) -> tuple[object, ...]:
    values = [getattr(facts, name) for name in _FIELDS]
    values[_DEFINITIONS] = tuple(dataclasses.astuple(d) for d in facts.definitions)
    values[_UNREACHABLE] = tuple(facts.unreachable)
    values[_KIND] = str(facts.kind)
    return tuple(values)


def _from_row(row: object) -> ModuleFacts | None:
    """A ``ModuleFacts`` from a saved row, or None when the row is not one."""
    if not (isinstance(row, tuple) and len(row) == len(_FIELDS) + 1 and isinstance(row[0], str)):
        return None
    values = list(row[1:])
    try:
        values[_DEFINITIONS] = [Definition(*d) for d in values[_DEFINITIONS]
                                if isinstance(d, tuple) and len(d) == _DEFINITION_FIELDS]
        values[_UNREACHABLE] = [tuple(u) for u in values[_UNREACHABLE]]
        values[_KIND] = Kind(values[_KIND])
        facts = ModuleFacts(**dict(zip(_FIELDS, values, strict=True)))
    except (TypeError, ValueError):
        return None
    return facts if isinstance(facts.path, str) and isinstance(facts.module, str) else None


def _is_refs(refs: object) -> bool:
    return isinstance(refs, tuple) and len(refs) == 2 and all(isinstance(part, frozenset) for part in refs)
