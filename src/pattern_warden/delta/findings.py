"""Rule findings of the changed files, each marked new or existing.

A change is blamed only for what it introduced: a finding is *new* when no finding of the
base revision of the same file (or a baseline entry) has its identity. The identity is the
shared fingerprint (``pattern_warden.fingerprint``): rule, file, enclosing symbol and folded
statement text, so an edit above an old finding does not make it new.

The base side is a pure function of the blob's bytes (and the rule selection): that is what
lets it be cached in memory here, and persisted by blob id elsewhere.
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from pattern_warden import budget
from pattern_warden.config import Config
from pattern_warden.diskcache import DiskCache, key
from pattern_warden.delta.calls import Call
from pattern_warden.delta.models import ReviewFinding
from pattern_warden.delta.reuse import resolve
from pattern_warden.fingerprint import (
    Statement, fingerprints, handler_shapes, neighbours, renamed, rule_scopes, statement_texts,
)
from pattern_warden.rules.engine import PARALLEL_MIN_FILES, Checker, CheckOptions
from pattern_warden.rules.results import Finding
from pattern_warden.source import SourceFile
from pattern_warden.workers import WORKERS
from pattern_warden.workspace import Workspace

_SEVERITY = {"error": 0, "warning": 1, "info": 2}
_CACHE_ENTRIES = 4096


class _Memo:
    """Bounded memo of results keyed by (rule selection, path, content digest)."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> object | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str, str], value: object) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > _CACHE_ENTRIES:
                self._items.popitem(last=False)


_FOUND = _Memo()


#: How a change is checked: the project's selection plus its ``new-code`` rules (every finding, unpaginated).
REVIEW_OPTIONS = CheckOptions(new_code=True)


def checker_for(workspace: Workspace, has_base: bool = True) -> Checker:
    """The rule selection a review checks a change with: ``REVIEW_OPTIONS`` when there is a base
    to tell new code from old; without one (a whole tree outside git) every finding would count
    as new, so the rules for new code alone stay off, as in `check`."""
    return Checker(workspace.config, REVIEW_OPTIONS if has_base else CheckOptions())


def file_findings(checker: Checker, source: SourceFile, path: str | None = None) -> tuple[list[Finding], list[str]]:
    """The findings of one file version, sorted by line, and their fingerprints.

    ``path`` names the file as it is now (a renamed file's base version is checked under its
    new name so that both sides share identities). Memoised: a pure function of the bytes.
    """
    name = path or source.path
    key = _key(checker, name, source)
    cached = _FOUND.get(key)
    if cached is None:
        found = sorted(checker.check(source), key=lambda f: (f.line, f.column, f.code))
        if name != source.path:
            found = [f.model_copy(update={"path": name}) for f in found]
        cached = (found, fingerprints(found, source))
        _FOUND.put(key, cached)
    return cached  # type: ignore[return-value]


def base_checker(checker: Checker, found: Sequence[Finding]) -> Checker:
    """What a base version is checked with: only the rules that fired on the new version, and
    with its suppression comments hiding nothing.

    The base's other findings could match none of the new ones, and an identity does not depend
    on which other rules ran (occurrences are counted per rule), so the answer is the same for a
    fraction of the rule work. A finding the base silenced with ``# noqa`` is still one it had:
    an edit that only drops the comment did not introduce it."""
    return checker.narrowed((f.code for f in found), suppressions=False)


def _key(checker: Checker, name: str, source: SourceFile) -> tuple[str, str, str]:
    return (checker.fingerprint, name, source.digest)


_Version = tuple[Checker, str, SourceFile]  # the selection it is checked with, its name now, the version


def _versions(checker: Checker, pairs: Sequence[tuple[SourceFile, SourceFile | None]]) -> list[_Version]:
    """The versions a review reads: every new version, and the base version of each new one
    known to have findings (with the selection those findings call for)."""
    out: list[_Version] = []
    for after, before in pairs:
        out.append((checker, after.path, after))
        known = _FOUND.get(_key(checker, after.path, after))
        if before is not None and known is not None and known[0]:  # type: ignore[index]
            out.append((base_checker(checker, known[0]), after.path, before))  # type: ignore[index]
    return out


class Checking:
    """The rule checks a change needs, started at once and collected later, so that a review's
    parent process can search for duplicates while its workers check rules.

    Each changed file's new version is checked; its base version only when the new one has
    findings (a file with none now can have no existing finding, and on a typical change most
    files have none), and only for the rules that fired (``base_checker``). A worker decides
    that for itself, so a file costs one round trip. A result is a pure function of the file
    version's bytes, name and rule selection, so results are also read from and written to
    ``disk`` (one entry per project selection, versions inside keyed by selection and content
    hash): the second review of a change, in a new process or a new server session, checks no
    file version again. Small changes are checked in this process, where they are cheaper."""

    def __init__(self, workspace: Workspace, checker: Checker,
                 pairs: Sequence[tuple[SourceFile, SourceFile | None]], disk: DiskCache | None = None,
                 pool: Executor | None = None, calls: Mapping[str, frozenset[int]] | None = None,
                 modules: dict[str, str] | None = None) -> None:
        """``calls``: per file, the added rows whose project calls a worker resolves (through
        ``modules``) on the tree it parsed for the rules; see ``delta/reuse.py``."""
        self._checker, self._pairs, self._disk = checker, pairs, disk
        self.calls: dict[str, list[Call]] = {}
        wanted = calls or {}
        # A warm server has every version memoised: then the disk entry is neither read nor written.
        self._persisted = _load(disk, checker) if any(_needed(checker, a, b) for a, b in pairs) else None
        if self._persisted:
            _recall(self._persisted, [(checker, after.path, after) for after, _ in pairs])
            _recall(self._persisted, _versions(checker, pairs))  # the bases, now that the new versions are known
        todo = [_Job(after.path, after, before, wanted.get(after.path)) for after, before in pairs
                if _needed(checker, after, before)]
        self._local = todo if pool is None or len(todo) < PARALLEL_MIN_FILES else []
        sent = [] if self._local else [job.bare() for job in todo]  # workers get bytes, not parent-built trees
        chunks = [sent[i :: WORKERS * 4] for i in range(WORKERS * 4)] if sent else []
        self._futures = [pool.submit(_check_chunk, workspace.config, checker.options, chunk, modules or {})
                         for chunk in chunks if chunk] if pool is not None else []

    def finish(self) -> None:
        """Wait for the workers, memoise every result, and save what this review used."""
        for job in self._local:
            _check_job(self._checker, job)
        for future in self._futures:
            results, calls = future.result()
            for key, result in results:
                _FOUND.put(key, result)
            self.calls.update(calls)
            budget.check()
        if self._persisted is not None:
            _save(self._disk, self._checker, self._persisted, _versions(self._checker, self._pairs))


@dataclass(frozen=True)
class _Job:
    """One changed file for a worker: its new version, and the base version to check if the new
    one has findings."""

    name: str
    after: SourceFile
    before: SourceFile | None
    calls: frozenset[int] | None = None  # added rows whose project calls to resolve

    def bare(self) -> _Job:
        """The job with bare file versions (see ``SourceFile.bare``)."""
        return _Job(self.name, self.after.bare(), self.before.bare() if self.before else None, self.calls)


def _needed(checker: Checker, after: SourceFile, before: SourceFile | None) -> bool:
    known = _FOUND.get(_key(checker, after.path, after))
    if known is None:
        return True
    found = known[0]  # type: ignore[index]
    return bool(found) and before is not None and _FOUND.get(_key(base_checker(checker, found), after.path,
                                                                   before)) is None


def _check_job(checker: Checker, job: _Job) -> list[tuple[tuple[str, str, str], tuple[list[Finding], list[str]]]]:
    """Check a job's new version, and its base version if the new one has findings."""
    found = file_findings(checker, job.after, job.name)
    out = [(_key(checker, job.name, job.after), found)]
    if found[0] and job.before is not None:
        narrowed = base_checker(checker, found[0])
        out.append((_key(narrowed, job.name, job.before), file_findings(narrowed, job.before, job.name)))
    return out


def _recall(persisted: _Persisted, versions: Sequence[_Version]) -> None:
    """Memoise what an earlier process saved for these file versions."""
    for checker, name, source in versions:
        key = _key(checker, name, source)
        cached = persisted.get(_disk_name(key))
        if cached is not None and _FOUND.get(key) is None:
            _FOUND.put(key, cached)


_DISK_KIND = "delta-findings"
_Persisted = dict[str, tuple[list[Finding], list[str]]]


def _disk_name(key: tuple[str, str, str]) -> str:
    return "\0".join(key)


def _load(disk: DiskCache | None, checker: Checker) -> _Persisted:
    """Findings an earlier process saved for this project's rule selection; {} when none or
    unreadable. The entry's key is the checker's fingerprint (rule codes, settings, rules and
    package versions), so a changed rule or config never serves an old answer; inside, versions
    are keyed by the selection they were checked with, their name and their content hash."""
    payload = disk.get(_DISK_KIND, key(checker.fingerprint)) if disk is not None else None
    if payload is None:
        return {}
    try:
        data = json.loads(payload)
        return {name: ([Finding.model_validate(f) for f in found], [str(p) for p in prints])
                for name, (found, prints) in data.items()}
    except (ValueError, TypeError):  # a well-formed entry of an older layout: rebuild it
        return {}


def _save(disk: DiskCache | None, checker: Checker, persisted: _Persisted, versions: Sequence[_Version]) -> None:
    """Write the findings this review used (the entry holds the latest change's file versions)."""
    if disk is None or not disk.enabled:
        return
    used = {_disk_name(_key(*version)): _FOUND.get(_key(*version)) for version in versions}
    if used.keys() == persisted.keys() or any(v is None for v in used.values()):
        return
    payload = {name: [[f.model_dump(mode="json") for f in found], prints]
               for name, (found, prints) in used.items()}  # type: ignore[misc]
    disk.put(_DISK_KIND, key(checker.fingerprint), json.dumps(payload, separators=(",", ":")).encode())


def _check_chunk(config: Config, options: CheckOptions, jobs: list[_Job], modules: dict[str, str]) -> tuple[
        list[tuple[tuple[str, str, str], tuple[list[Finding], list[str]]]], dict[str, list[Call]]]:
    """Worker-process entry: the same rule selection, checking the versions sent by the parent,
    and resolving the calls it asked for on the trees those checks parsed."""
    gc.disable()  # syntax trees hold no cycles (see rules.engine._check_chunk)
    checker = Checker(config, options)
    results = [item for job in jobs for item in _check_job(checker, job)]
    return results, {job.name: resolve(job.after, job.name, modules, job.calls) for job in jobs if job.calls}


def review_findings(
    checker: Checker, after: SourceFile, before: SourceFile | None, known: Collection[str] = (),
    moved: Counter[Statement] | None = None,
) -> list[ReviewFinding]:
    """One changed file's findings; new unless ``before`` or ``known`` (a baseline) has the identity.

    A whole-scope finding that ``before`` had with a smaller measure is existing but worse
    (``worse_than``). A finding of a rule run for new code alone (``Checker.new_only``) that
    ``before`` already had is dropped: the policy is strict on new code and quiet on old.

    A statement's identity holds its text, so rewriting an old line in place (reformatting it,
    an f-string for a % format) would make its old finding look new: a finding counts as new
    only where its rule also fires more often in its function (or class, or module level) than
    before. An edit that fixes one old finding and adds another in the same function is then
    taken for a rewrite; blaming the agent for what it did not do is the worse error.

    Code moved to another function, or whose comment changed (a ``# noqa`` dropped), keeps its
    statement: a statement finding whose rule and statement text (comments left out) the base
    had as often is existing too. ``moved`` adds such statements from the base versions of the
    change's other files (code moved between files). A finding on an ``except`` clause whose
    ``try`` the base had, with at most one word renamed, where the base's no longer stands, is
    existing too (``_reshaped``: a fallback moved into a helper, reformatted on the way)."""
    found, prints = file_findings(checker, after)
    if not found:
        return []
    old: dict[str, int | None] = {}
    grew: set[tuple[str, str]] | None = None
    keys: list[tuple[str, str]] = []
    had: Counter[Statement] = Counter()
    kept: set[int] = set()
    old_found: list[Finding] = []
    if before is not None:
        old_found, old_prints = file_findings(base_checker(checker, found), before, after.path)
        old = {fp: f.measure for f, fp in zip(old_found, old_prints, strict=True)}
        kept = _kept(found, prints, after, old_found, old_prints, before)
        keys = rule_scopes(found, after)
        then, now = Counter(rule_scopes(old_found, before)), Counter(keys)
        grew = {key for key, count in now.items() if count > then[key]}
        had.update(t for t in statement_texts(old_found, before) if t is not None)
    texts = statement_texts(found, after)
    had += moved or Counter()
    for i in sorted(kept):
        _take(had, texts[i])  # the statement kept its identity: the base's statement is not free for another
    news = [i not in kept and fp not in known and (grew is None or keys[i] in grew) and not _take(had, texts[i])
            for i, fp in enumerate(prints)]
    if before is not None and any(news):
        _reshaped(found, news, after, old_found, before, had)
    out = []
    for i, (f, fp) in enumerate(zip(found, prints, strict=True)):
        new = news[i]
        if not new and f.code in checker.new_only:
            continue
        was = old.get(fp)
        worse = was if not new and was is not None and f.measure is not None and f.measure > was else None
        # model_construct: every field comes from a validated Finding (a large review builds ~10^4).
        out.append(ReviewFinding.model_construct(
            code=f.code, severity=f.severity, path=f.path, line=f.line, message=f.message, new=new,
            worse_than=worse, fix_hint=f.fix_hint, pattern_uri=f.pattern_uri, fingerprint=fp))
    return out


def _reshaped(found: Sequence[Finding], news: list[bool], after: SourceFile, old_found: Sequence[Finding],
              before: SourceFile, had: Counter[Statement]) -> None:
    """Clear ``news`` where a new finding on an ``except`` clause is a base finding of the same
    rule that no longer stands where it stood (its statement still in ``had``), its ``try``
    moved with at most one word renamed (``handler_shapes``): a fallback moved into a new
    helper, its ``rate = ...`` now ``return ...``, reformatted on the way. Each base finding
    excuses one new finding, as a moved statement does."""
    wanted = [i for i, new in enumerate(news) if new]
    shapes = handler_shapes([found[i] for i in wanted], after)
    if not any(shapes):
        return
    olds = [(f.code, text, shape) for f, text, shape in zip(
        old_found, statement_texts(old_found, before), handler_shapes(old_found, before), strict=True)
        if text is not None and shape is not None]
    for i, shape in zip(wanted, shapes, strict=True):
        match = next((text for code, text, old in olds if shape is not None and code == found[i].code
                      and had[text] > 0 and renamed(old, shape)), None)
        if match is not None:
            had[match] -= 1
            news[i] = False


def _take(had: Counter[Statement], statement: Statement | None) -> bool:
    """Take from ``had`` the base statement ``statement`` is: the same rule and line, with the
    same line above or below it (one of them changes where a block is cut out or moved in), or
    with both the same but for what receives their value (a module-level ``VERSION = ...``
    fallback moved into a function that returns it)."""
    if statement is None:
        return False
    match = statement if had[statement] > 0 else next(
        (s for s, n in had.items() if n > 0 and s[:2] == statement[:2] and (
            s[2] == statement[2] or s[3] == statement[3]
            or (_value(s[2]), _value(s[3])) == (_value(statement[2]), _value(statement[3])))),
        None)
    if match is None:
        return False
    had[match] -= 1
    return True


#: What receives a line's value: ``return``, or one assignment target (``name =``, ``self.x: int =``).
_RECEIVER = re.compile(r"^(?:return\b\s*|[A-Za-z_][\w.]*\s*(?::[^=]*)?=(?!=)\s*)")


def _value(line: str) -> str:
    """A line of code without what receives its value."""
    return _RECEIVER.sub("", line, count=1)


def _kept(found: Sequence[Finding], prints: Sequence[str], after: SourceFile,
          old_found: Sequence[Finding], old_prints: Sequence[str], before: SourceFile) -> set[int]:
    """The indices of ``found`` whose identity the base had.

    Identical statements in one function (two `except:` lines) share an identity told apart by
    their order, so a copy added above an old one would take the old one's number and the old
    one would look new. Where such a group grew, the base's share goes to the findings whose
    neighbouring lines the base had around one of its own, then to the rest in order."""
    then = Counter(_group(fp) for fp in old_prints)
    now: dict[str, list[int]] = {}
    for i, fp in enumerate(prints):
        now.setdefault(_group(fp), []).append(i)
    kept: set[int] = set()
    for base, members in now.items():
        if len(members) <= then[base]:
            kept.update(members)
            continue
        around = Counter(neighbours(before, f.line) for f, fp in zip(old_found, old_prints, strict=True)
                         if _group(fp) == base)
        share = then[base]
        for i in members:
            if share and around[neighbours(after, found[i].line)] > 0:
                around[neighbours(after, found[i].line)] -= 1
                kept.add(i)
                share -= 1
        for i in members:
            if share and i not in kept:
                kept.add(i)
                share -= 1
    return kept


def _group(fingerprint: str) -> str:
    """An identity without its occurrence number."""
    return fingerprint.rpartition(":")[0]


def moved_statements(checker: Checker, files: Sequence[tuple[SourceFile | None, SourceFile | None]],
                     codes: Collection[str], lines: Collection[str]) -> dict[str, Counter[Statement]]:
    """Per changed file, the statement findings of ``codes`` that left the change's *other*
    files (their base had them, their new version does not): code moved from one file to
    another keeps its findings (``review_findings``'s ``moved``). ``files`` are (after, before)
    pairs; a deleted file has no after. Only called when a change has new statement findings,
    so the base versions it checks cost nothing on a clean change; and only a base whose text
    holds one of ``lines`` (the new findings' lines, stripped) is checked at all."""
    narrowed = checker.narrowed(codes, suppressions=False)
    left: dict[str, Counter[Statement]] = {}
    for after, before in files:
        if before is None or not any(line in before.text for line in lines):
            continue
        name = after.path if after is not None else before.path
        gone = Counter(t for t in statement_texts(*_found(narrowed, before, name)) if t is not None)
        if after is not None:
            gone -= Counter(t for t in statement_texts(*_found(narrowed, after, name)) if t is not None)
        left[name] = gone
    total = sum(left.values(), Counter())
    return {name: total - own for name, own in left.items()} | {
        after.path: total for after, _ in files if after is not None and after.path not in left}


def carried_statements(checker: Checker, after: SourceFile, statements: Collection[Statement],
                       changed: Sequence[tuple[SourceFile | None, SourceFile | None]],
                       elsewhere: Iterable[SourceFile]) -> Counter[Statement]:
    """Of ``statements`` (new statement findings of ``after``, one file an edit wrote), those the
    agent brought from other files: the ones that left another file of ``changed`` (the session's
    files as (now, then); ``moved_statements``, the stop's own judgement), and the ones another
    file of ``elsewhere`` holds word for word (``copied_statements``: a module extracted from
    another is often written before the old code goes)."""
    then: SourceFile | None = after  # a file the session did not change: nothing left it
    others = []
    for now, was in changed:
        name = (now or was).path if now or was else None
        if name == after.path:
            then = was
        elif name is not None:
            others.append((now, was))
    left = moved_statements(checker, [*others, (after, then)], {s[0] for s in statements}, {s[1] for s in statements})
    return left[after.path] | copied_statements(checker, statements, elsewhere)


def copied_statements(checker: Checker, statements: Collection[Statement],
                      sources: Iterable[SourceFile]) -> Counter[Statement]:
    """Of ``statements`` (one file's new statement findings), those that ``sources`` (the project's
    other files) hold as findings of their own: code copied or moved from there, not written anew
    (``review_findings``'s ``moved``).

    Only an exact match counts: the same rule, line and lines around it. That a statement still
    exists elsewhere is a weaker sign than ``moved_statements``' (it left another file), and a
    generic handler (``except Exception:`` over ``pass``) is everywhere. A source is checked only
    when its text holds a statement's three lines in a row, and only for those statements' rules:
    an edit's hook process has no parsed file of the project, and parsing every file that merely
    holds ``except Exception:`` took seconds on a 1,500-file project."""
    wanted = set(statements)
    written = [_written(s) for s in wanted]
    narrowed = checker.narrowed({s[0] for s in wanted}, suppressions=False)
    held: Counter[Statement] = Counter()
    for source in sources:
        if any(pattern.search(source.text) for pattern in written):
            held.update(t for t in statement_texts(*_found(narrowed, source, source.path)) if t in wanted)
    return held


#: Between two code lines: the rest of the first (a comment), then blank or comment lines, then indentation.
_BETWEEN = r"[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*"


def _written(statement: Statement) -> re.Pattern[str]:
    """A statement's line with its neighbours (``statement_texts``: code only, white space
    folded) as they can be written in a file, in a row."""
    parts = [re.escape(part).replace(r"\ ", r"[ \t]+") for part in (statement[2], statement[1], statement[3]) if part]
    return re.compile(_BETWEEN.join(parts))


def _found(checker: Checker, source: SourceFile, name: str) -> tuple[list[Finding], SourceFile]:
    return file_findings(checker, source, name)[0], source


def ranked(findings: Sequence[ReviewFinding]) -> list[ReviewFinding]:
    """New, then worse, then existing; most severe first, then by place."""
    return sorted(findings, key=lambda f: (not f.new, f.worse_than is None, _SEVERITY.get(f.severity, 3), f.path,
                                           f.line))

