"""The reuse figure: how much of what the added code calls already existed.

Calls come from the syntax tree (``calls.py``), so the expensive part is parsing the changed
files. A review parses each new version once, in the worker that checks its rules, so the
measure is split: ``plan_reuse`` decides from text alone which files have added rows calling a
name the project defines (most files have none) and with what module index to resolve them;
the review's workers resolve those calls (``resolve``); ``ReusePlan.measure`` aggregates, and
resolves here whatever no worker did. The figure is a pure function of the changed files'
contents and added rows and of the base's definitions, so ``disk`` keeps it under a key of
exactly those: a repeated review (a stop hook, a CI re-run) parses nothing for it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from pattern_warden import __version__
from pattern_warden.delta.calls import Call, module_index, resolved_calls
from pattern_warden.delta.count import LocDelta
from pattern_warden.delta.facts import BaseFacts
from pattern_warden.delta.models import SAMPLE, Reuse
from pattern_warden.delta.scan import scan
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.source import SourceFile

_CALLED = re.compile(r"(?<!def )(?<!class )\b([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")  # a call, not a header
_KIND = "delta-reuse"
#: Calls resolved per (file, content hash, rows, module index): a warm server's next review of
#: the same change neither parses nor asks a worker again (the workers' answers land here too).
_RESOLVED: OrderedDict[tuple[str, str, frozenset[int], int], list[Call]] = OrderedDict()
_RESOLVED_KEPT = 4096
_LOCK = threading.Lock()  # concurrent server calls share the memo
_NO_BASE = "needs a git range: without the code as it was, 'existed before' cannot be measured"


@dataclass
class ReusePlan:
    """What the figure needs before any file is parsed; ``known`` when the disk had the answer."""

    known: Reuse | None = None
    base_defs: dict[str, set[str]] = field(default_factory=dict)
    now: dict[str, set[str]] = field(default_factory=dict)  # names each changed file defines now
    modules: dict[str, str] = field(default_factory=dict)
    wanted: dict[str, frozenset[int]] = field(default_factory=dict)  # file -> added rows to resolve
    entry: str | None = None
    modules_key: int = 0  # the module index's identity, for the memo of resolved calls

    def measure(self, delta: LocDelta, resolved: Mapping[str, list[Call]], disk: DiskCache | None = None) -> Reuse:
        """The figure from the calls ``resolved`` elsewhere (a file missing there is resolved here)."""
        if self.known is not None:
            return self.known
        existing: set[str] = set()
        new: set[str] = set()
        calls = 0
        for f in delta.files:
            rows = self.wanted.get(f.path)
            if rows is None or f.after is None:
                continue
            for call in self._calls(f.after, f.path, rows, resolved.get(f.path)):
                calls += 1
                short = call.target.name.rsplit(".", 1)[-1]
                if short in self.base_defs.get(call.target.path, ()):
                    existing.add(call.target.name)
                elif short in self.now.get(call.target.path, ()):
                    new.add(call.target.name)
        reuse = _figure(calls, existing, new)
        if disk is not None and self.entry is not None:
            disk.put(_KIND, self.entry, reuse.model_dump_json().encode())
        return reuse

    def _calls(self, after: SourceFile, path: str, rows: frozenset[int], given: list[Call] | None) -> list[Call]:
        """``given`` (a worker's answer), else the memo's, else resolved here; memoised either way."""
        memo_key = (path, after.digest, rows, self.modules_key)
        found = given
        if found is None:
            with _LOCK:
                found = _RESOLVED.get(memo_key)
        if found is None:
            found = resolve(after, path, self.modules, rows)
        _remember(memo_key, found)
        return found


def _figure(calls: int, existing: set[str], new: set[str]) -> Reuse:
    if not calls:
        return Reuse(reason="the added code calls none of the project's own functions or classes")
    if not existing and not new:
        return Reuse(reason="the added code's calls resolve to no function or class the project defines")
    return Reuse(rate=round(len(existing) / (len(existing) + len(new)), 3), existing_count=len(existing),
                 new_count=len(new), existing=sorted(existing)[:SAMPLE], new=sorted(new)[:SAMPLE])


def plan_reuse(delta: LocDelta, before: BaseFacts, disk: DiskCache | None = None) -> ReusePlan:
    """Which files' added rows need resolving, and how; or the figure a repeated review saved."""
    base_defs = before.definitions
    if base_defs is None:
        return ReusePlan(known=Reuse(reason=_NO_BASE))
    entry = None
    if disk is not None:
        entry = key(__version__, sorted((path, sorted(names)) for path, names in base_defs.items()),
                    [(f.path, f.status, f.kind, f.after.digest if f.after else None, f.added_rows)
                     for f in delta.files])
        known = _recalled(disk.get(_KIND, entry))
        if known is not None:
            return ReusePlan(known=known)
    now = {f.path: {n.rsplit(".", 1)[-1] for n in scan(f.after).units}
           for f in delta.files if f.after is not None and f.kind == "python"}
    gone = {f.path for f in delta.files if f.status == "deleted"}
    defined = set().union(*base_defs.values(), *now.values())
    wanted = {f.path: frozenset(f.added_rows) for f in delta.files
              if f.after is not None and f.kind == "python" and f.added_rows
              and _calls_a_name(f.after, f.added_rows, defined)}
    modules = module_index((set(base_defs) - gone) | set(now))
    return ReusePlan(None, base_defs, now, modules, wanted, entry, hash(frozenset(modules.items())))


def measure_reuse(delta: LocDelta, before: BaseFacts, disk: DiskCache | None = None) -> Reuse:
    """The figure, every call resolved in this process."""
    return plan_reuse(delta, before, disk).measure(delta, {}, disk)


def resolve(source: SourceFile, path: str, modules: dict[str, str], rows: frozenset[int]) -> list[Call]:
    """The project calls on ``rows`` of one changed file (a worker runs this on the tree it parsed)."""
    return resolved_calls(source.tree, path, modules, rows.__contains__)


def _remember(memo_key: tuple[str, str, frozenset[int], int], calls: list[Call]) -> None:
    with _LOCK:
        _RESOLVED[memo_key] = calls
        _RESOLVED.move_to_end(memo_key)
        while len(_RESOLVED) > _RESOLVED_KEPT:
            _RESOLVED.popitem(last=False)


def _recalled(payload: bytes | None) -> Reuse | None:
    if payload is None:
        return None
    try:
        return Reuse.model_validate_json(payload)
    except ValidationError:  # an entry of another layout: measure again
        return None


def _calls_a_name(source: SourceFile, rows: list[int], names: set[str]) -> bool:
    """Whether one of ``rows`` holds ``name(`` for a name the project defines. A call counted
    as reuse names its target on the row where it starts (``f(``, ``obj.f(``, ``Class()``),
    so a file without one needs no syntax tree: parsing every changed file was most of a large
    review's cost. (A chain split before the called name, ``obj\\n.f()``, is not seen.)"""
    lines = scan(source).rows
    return any(not names.isdisjoint(_CALLED.findall(lines[r - 1])) for r in rows if 0 < r <= len(lines))
