"""Check Python files against the rules: select, walk once, filter, rank.

``check_paths`` is the whole tool: discover files through the workspace, reuse cached results
for files whose content (or stat signature) has not changed, check the rest (across processes
when there are many), then rank by severity and location and return every finding with a summary.
Paging and output budgets are applied once, where a result becomes an answer (``render/``). ``check_code`` checks an agent's draft.
Nothing here writes a file: fixes come back as unified diffs (``fixed_sources`` hands the CLI
the new texts for ``--fix``).
"""

from __future__ import annotations

import copy
import gc
import hashlib
import json
import sys
import time
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Protocol

from pathspec import GitIgnoreSpec

from pattern_warden import __version__, budget, codekind
from pattern_warden.config import TABLE, Config, RuleSettings
from pattern_warden.diskcache import DiskCache
from pattern_warden.errors import WardenError
from pattern_warden.model import ModelBuilder, ProjectModel
from pattern_warden.model.build import dump as dump_model, load as load_model
from pattern_warden.model.summary import summarise
from pattern_warden.models import Note, Page
from pattern_warden.rules import suppress
from pattern_warden.rules.base import Context, Options, RawFinding, Severity
from pattern_warden.rules.fixes import apply_fixes, fix_diff
from pattern_warden.rules.registry import BY_CODE, expand
from pattern_warden.rules.results import CheckResult, Finding, RuleCount, SeverityName, Summary
from pattern_warden.rules.syntax import SyntaxErrorRule
from pattern_warden.rules.walker import Walker, visitor_table
from pattern_warden.source import ParseFailure, SourceFile
from pattern_warden.workers import worker_pool
from pattern_warden.workspace import Skipped, Workspace

#: Bumped whenever a rule's behaviour changes, so that no cache serves stale findings.
RULES_VERSION = "7"
#: Below this many files to check, a process pool costs more than it saves.
PARALLEL_MIN_FILES = 150
_SYNTAX = "SYN001"

#: (mtime, size, dependencies): a file's findings also depend on the project modules it imports
#: (a blocking call two modules away), so their content is part of the key (``dependency_key``).
StatKey = tuple[int, int, int]


class ResultStore(Protocol):
    """Where findings are kept between calls: in memory for the server, on disk for the CLI."""

    def lookup(self, fingerprint: str, rel: str, stat_key: StatKey) -> list[Finding] | None:
        """The findings kept for this file if its stat signature is unchanged, else None."""

    def store(self, fingerprint: str, rel: str, stat_key: StatKey, findings: list[Finding]) -> None:
        """Keep one file's findings under its stat signature."""


class MemoryStore:
    """A bounded in-memory result cache (least recently used entries go first)."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[StatKey, list[Finding]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, fingerprint: str, rel: str, stat_key: StatKey) -> list[Finding] | None:
        """The findings stored for this file and stat signature, or None."""
        entry = self._entries.get((fingerprint, rel))
        if entry is None or entry[0] != stat_key:
            return None
        self._entries.move_to_end((fingerprint, rel))
        return entry[1]

    def store(self, fingerprint: str, rel: str, stat_key: StatKey, findings: list[Finding]) -> None:
        """Keep the findings of one file under its stat signature."""
        self._entries[(fingerprint, rel)] = (stat_key, findings)
        self._entries.move_to_end((fingerprint, rel))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


@dataclass(frozen=True)
class CheckOptions:
    """What one call asks for, on top of the project's settings."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    min_severity: SeverityName = "info"
    fix: bool = False
    workers: int = 2
    store: ResultStore | None = field(default=None, compare=False)
    #: The project model kept between calls (a server's); None builds it afresh for the call.
    models: ModelBuilder | None = field(default=None, compare=False)
    #: Where the model's summaries outlive the process (the CLI's and the server's disk cache).
    cache: DiskCache | None = field(default=None, compare=False)
    #: Also run the project's ``new-code`` rules (review and the hooks); their findings count
    #: only where the change introduced them (``Checker.new_only``).
    new_code: bool = False


def _validated(settings_key: str, selectors: Sequence[str], config: Config) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        try:
            codes |= expand(selector)
        except WardenError as exc:
            where = str(config.source) if config.source else "the settings"
            raise WardenError(f"{where}: [{TABLE}.rules] key '{settings_key}': {exc.message}", exc.hint) from None
    return codes


_FIXTURE_PATHS = frozenset(codekind.patterns(frozenset({codekind.Kind.FIXTURE})))


class Checker:
    """The rules chosen for one run, ready to check any number of files."""

    def __init__(self, config: Config, options: CheckOptions, model: ProjectModel | None = None) -> None:
        settings: RuleSettings = config.settings.rules
        self.config = config
        self.options = options
        #: The project model rules ask (``Context.model``); without one each file is its own project.
        self.model = model
        selected = (
            set().union(*(expand(s) for s in options.select)) if options.select
            else _validated("select", settings.select, config)
        )
        ignored = _validated("ignore", settings.ignore, config) | set().union(*(expand(s) for s in options.ignore))
        extra = _validated("new-code", settings.new_code, config) if options.new_code and not options.select else set()
        #: Codes run for new code alone: a finding of theirs that the base already had is not reported.
        self.new_only = frozenset(extra - selected - ignored)
        selected |= extra
        self.floor = Severity.parse(options.min_severity)
        self._thresholds = Options(
            max_complexity=settings.max_complexity,
            max_statements=settings.statement_limit,
            file_lines_warning=settings.max_file_lines,
            file_lines_error=settings.max_file_lines_error,
            ruff_ignored=config.ruff_ignored,
        )
        self.groups = {
            "tests": GitIgnoreSpec.from_lines(settings.exempt_paths),
            "scripts": GitIgnoreSpec.from_lines(settings.script_paths),
            # test data (a lexer's sample files), where broken code is the point: the fixture patterns
            # among the exempt ones, so `exempt-paths = []` still checks everything
            "fixtures": GitIgnoreSpec.from_lines([p for p in settings.exempt_paths if p in _FIXTURE_PATHS]),
        }
        self.content_kinds = settings.content_kinds
        #: Rules whose every Ruff counterpart the project's own Ruff configuration ignores: it has
        #: decided that question for its code (a bare `except`, `raise` without `from`), so we
        #: do not ask it again. Syntax errors are never a style.
        #: A rule named by its exact code in `select` is wanted all the same.
        named = set(options.select or settings.select)
        self.deferred = frozenset(
            code for code, rule in BY_CODE.items()
            if rule.ruff and code != _SYNTAX and code not in named and all(self._thresholds.defers(c) for c in rule.ruff)
        )
        self.per_file = [
            (GitIgnoreSpec.from_lines([glob]), frozenset(_validated(f"per-file-ignores.{glob}", codes, config)))
            for glob, codes in settings.per_file_ignores.items()
        ]
        # Serialised once: the narrowed selections of a review share it (1.6 ms each otherwise).
        self._settings = json.dumps(settings.model_dump(mode="json"), sort_keys=True).encode()
        #: False for a base version checked for identities: a finding its author silenced with
        #: ``# noqa`` is still one the base had, so removing the comment does not make it new.
        self.suppressions = True
        self._use(frozenset(selected - ignored) | {_SYNTAX})

    def _use(self, codes: frozenset[str]) -> None:
        """Run ``codes``: their rules, the walk's visitor table, and the fingerprint of it all."""
        self.codes = codes
        self.rules = [BY_CODE[code](self._thresholds) for code in sorted(codes)]
        self.table = visitor_table(self.rules)
        self._narrowed: dict[tuple[frozenset[str], bool], Checker] = {}
        self.fingerprint = hashlib.blake2b(
            json.dumps([RULES_VERSION, __version__, sorted(codes), sorted(self.new_only), self.options.min_severity,
                        self.options.fix, self.suppressions, sorted(self._thresholds.ruff_ignored),
                        self.config.distribution],
                       sort_keys=True).encode() + self._settings,
            digest_size=12,
        ).hexdigest()

    def narrowed(self, codes: Iterable[str], suppressions: bool = True) -> Checker:
        """This run limited to ``codes`` (kept within this selection), built once per code set;
        it shares the settings and path patterns, so one costs the rules' construction alone.
        ``suppressions=False``: suppression comments hide nothing (see ``self.suppressions``)."""
        wanted = self.codes.intersection(codes) | {_SYNTAX}
        found = self._narrowed.get((wanted, suppressions))
        if found is None:
            found = copy.copy(self)
            found.suppressions = suppressions
            found._use(wanted)
            self._narrowed[(wanted, suppressions)] = found
        return found

    def disabled(self, path: str, source: SourceFile | None = None) -> set[str]:
        """Codes that do not apply to ``path``: its exempt groups (by the path settings, and by
        ``source``'s content when ``content-kinds`` is on) and per-file ignores."""
        groups = {group for group, spec in self.groups.items() if spec.match_file(path)}
        if source is not None and self.content_kinds and "tests" not in groups:
            kind = codekind.content_kind(source.text, source.tree)
            if kind is codekind.Kind.TEMPLATE:
                groups |= {"tests", "fixtures"}  # not Python until rendered: not even its syntax is ours to judge
            elif kind in codekind.NON_PRODUCT:
                groups.add("tests")
            elif kind in codekind.SCRIPT_KINDS:
                groups.add("scripts")
        off: set[str] = {rule.code for rule in self.rules if groups & rule.exempt_in} | self.deferred
        for spec, codes in self.per_file:
            if spec.match_file(path):
                off |= codes
        return off

    def raw(self, source: SourceFile) -> list[RawFinding]:
        """The findings that survive exemptions, the severity floor and suppression comments, less
        those another finding at their place covers (``Rule.covers``): one finding per cause."""
        findings = self._collect(source)
        off = self.disabled(source.path, source)
        hidden = suppress.parse(source.text) if self.suppressions else suppress.Suppressions()
        shown = [
            f for f in findings
            if f.rule.code not in off and f.severity >= self.floor and not hidden.hides(f.rule.code, f.line, f.end_line)
        ]
        covered = {(f.line, f.column, code) for f in shown for code in f.rule.covers}
        return [f for f in shown if (f.line, f.column, f.rule.code) not in covered] if covered else shown

    def _collect(self, source: SourceFile) -> list[RawFinding]:
        syntax = next(rule for rule in self.rules if isinstance(rule, SyntaxErrorRule))
        errors = [_syntax_finding(syntax, f) for f in source.syntax_errors]
        tree = source.tree or source.partial_tree
        if tree is None:
            return errors or [RawFinding(syntax, 1, 1, 1, 1, syntax.message, syntax.severity)]
        ctx = Context(source=source, tree=tree, project=self.model, distribution=self.config.distribution)
        try:
            for rule in self.rules:
                rule.begin(ctx)
            Walker(self.table, ctx).run()
            for rule in self.rules:
                rule.end(ctx)
        except RecursionError:
            return [RawFinding(syntax, 1, 1, 1, 1, "Nesting too deep to check.", syntax.severity)]
        if syntax.suspect:  # the walk saw something the compiler may refuse: ask it
            errors += [_syntax_finding(syntax, f) for f in source.compile_errors]
        if source.tree is None:  # --fix writes only files that parse: nothing here is fixable
            return errors + [replace(f, fix=None) if f.fix else f for f in ctx.findings]
        return errors + ctx.findings

    def check(self, source: SourceFile) -> list[Finding]:
        """The findings of one file as result models (exemptions, floor and suppressions applied)."""
        return [self._model(source, f) for f in self.raw(source)]

    def _model(self, source: SourceFile, raw: RawFinding) -> Finding:
        rule = raw.rule
        return Finding(
            code=rule.code,
            rule=rule.name,
            severity=raw.severity.label,  # type: ignore[arg-type]
            path=source.path,
            line=raw.line,
            column=raw.column,
            end_line=raw.end_line,
            end_column=raw.end_column,
            message=raw.message,
            fix_hint=rule.fix_hint,
            pattern_uri=rule.pattern_uri,
            fixable=raw.fix is not None,
            fix_diff=fix_diff(source.path, source.text, raw.fix) if self.options.fix and raw.fix else None,
            measure=raw.measure,
        )


def _syntax_finding(rule: SyntaxErrorRule, failure: ParseFailure) -> RawFinding:
    return RawFinding(rule, failure.line, failure.column + 1, failure.line, failure.column + 1,
                      _syntax_message(failure), rule.severity)


def _syntax_message(failure: ParseFailure) -> str:
    """What SYN001 says: the parser's words, which Python the syntax needs, and what was skipped."""
    if failure.semantic:
        return f"Compile error: {failure.message} (the file parses; Python refuses to run it)."
    text = f"Syntax error: {failure.message}."
    if failure.needs:
        running = ".".join(map(str, sys.version_info[:2]))
        text += f" This is Python {failure.needs} syntax, which pattern-warden on Python {running} cannot read."
    return text


def _stat_key(path: Path, dependencies: int = 0) -> StatKey:
    try:
        info = path.stat()
    except OSError:
        return (0, -1, dependencies)
    return (info.st_mtime_ns, info.st_size, dependencies)


@dataclass
class _Outcome:
    rel: str
    stat_key: StatKey
    findings: list[dict] = field(default_factory=list)
    skipped: str | None = None


def _check_files(workspace: Workspace, checker: Checker, paths: Sequence[Path]) -> list[_Outcome]:
    outcomes = []
    for path in paths:
        key = _stat_key(path)
        read = workspace.read(path)
        if isinstance(read, Skipped):
            outcomes.append(_Outcome(read.path, key, skipped=read.reason))
            continue
        findings = [f.model_dump() for f in checker.check(read)]
        outcomes.append(_Outcome(read.path, key, findings))
    return outcomes


#: Source bytes whose parsed files a worker keeps between the stages (their trees take some 20-40
#: times that): Django's half fits; the rest of a larger tree is parsed again when checked.
KEPT_BYTES = 8 * 1024 * 1024
#: In a worker process: the workspace of this run, kept between its two stages so that the files
#: parsed for the project model are checked with the trees already made (see ``_Lanes``).
#: (One entry: a worker process serves one run at a time.)
_KEPT: list[tuple[Config, Workspace]] = []


def _worker_workspace(config: Config, keep: bool) -> Workspace:
    """The worker's workspace: the kept one of this run (``keep``), or a lean one that holds
    almost nothing (holding every tree made the stdlib run peak at 200 MB when nothing reused them)."""
    if keep:
        if not _KEPT or _KEPT[0][0] != config:
            limits = config.settings.limits.model_copy(update={"cache_bytes": min(KEPT_BYTES, config.limits.cache_bytes)})
            kept = config.model_copy(update={"settings": config.settings.model_copy(update={"limits": limits})})
            _KEPT[:] = [(config, Workspace(kept))]
        return _KEPT[0][1]
    limits = config.settings.limits.model_copy(update={"cache_entries": 16})
    return Workspace(config.model_copy(update={"settings": config.settings.model_copy(update={"limits": limits})}))


def _summarise_chunk(config: Config, jobs: list[tuple[str, str, bool]]) -> list[dict | None]:
    """Worker entry, first stage: parse and summarise files for the project model, keeping them."""
    gc.disable()
    workspace = _worker_workspace(config, keep=True)
    out: list[dict | None] = []
    for rel, name, package in jobs:
        source = workspace.read(config.root / rel)
        tree = None if isinstance(source, Skipped) else source.tree or source.partial_tree
        out.append(summarise(tree, name, package) if tree is not None else None)
    return out


def _check_chunk(config: Config, options: CheckOptions, paths: list[Path], model: bytes | None,
                 keep: bool = False) -> list[_Outcome]:
    """Worker-process entry: its own workspace and rule instances, the same settings. The cyclic
    garbage collector is off: syntax trees hold no cycles, yet full collections over millions of
    live nodes took seconds at a time."""
    gc.disable()
    checker = Checker(config, options, _worker_model(model) if model else None)
    return _check_files(_worker_workspace(config, keep), checker, paths)


#: In a worker process: the project model of this run, loaded once for all its chunks (one entry).
_MODELS: dict[int, ProjectModel] = {}


def _worker_model(payload: bytes) -> ProjectModel:
    """The model ``payload`` holds, loaded once per worker process and run: its answers, once
    resolved, serve every later chunk."""
    key = hash(payload)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load_model(payload)
    return _MODELS[key]


def _chunks(paths: list[Path], count: int) -> list[list[Path]]:
    """Split into ``count`` lists of about equal bytes (big files dominate the cost)."""
    sized = sorted(paths, key=lambda p: -_stat_key(p)[1])
    buckets: list[list[Path]] = [[] for _ in range(count)]
    loads = [0] * count
    for path in sized:
        smallest = loads.index(min(loads))
        buckets[smallest].append(path)
        loads[smallest] += max(_stat_key(path)[1], 1)
    return [b for b in buckets if b]


class _Lanes:
    """One single-process pool per worker, a file always in the same one (by a hash of its path):
    the process that parsed a file to summarise it for the model checks it too, with the tree it
    kept, so a cold check parses each file once although the model must exist before any rule runs."""

    def __init__(self, stack: ExitStack, workers: int, config: Config) -> None:
        self.pools = [stack.enter_context(worker_pool(1, alongside=True)) for _ in range(workers)]
        self.config = config

    def lane(self, rel: str) -> int:
        """The pool that handles file ``rel``."""
        return zlib.crc32(rel.encode()) % len(self.pools)

    def summarise(self, jobs: list[tuple[str, str, bool]]) -> list[dict | None]:
        """``model.build.Summarise`` over the lanes, answers in the order of ``jobs``."""
        by_lane: dict[int, list[int]] = {}
        for index, job in enumerate(jobs):
            by_lane.setdefault(self.lane(job[0]), []).append(index)
        futures = {lane: self.pools[lane].submit(_summarise_chunk, self.config, [jobs[i] for i in indexes])
                   for lane, indexes in by_lane.items()}
        out: list[dict | None] = [None] * len(jobs)
        for lane, indexes in by_lane.items():
            for index, summary in zip(indexes, futures[lane].result()):
                out[index] = summary
        return out

    def check(self, workspace: Workspace, options: CheckOptions, paths: list[Path], model: bytes | None) -> list[_Outcome]:
        """The rules over ``paths``, each file in its lane, in small chunks (a cancelled or
        timed-out call stops after the chunks already running)."""
        by_lane: dict[int, list[Path]] = {}
        for path in paths:
            by_lane.setdefault(self.lane(workspace.relative(path)), []).append(path)
        futures = [self.pools[lane].submit(_check_chunk, self.config, options, chunk, model, True)
                   for lane, lane_paths in by_lane.items()
                   for chunk in _chunks(lane_paths, max(4, len(lane_paths) // 200))]
        outcomes: list[_Outcome] = []
        for future in futures:
            outcomes.extend(future.result())
            budget.check()
        return outcomes


def _portable(options: CheckOptions) -> CheckOptions:
    """The options a worker process needs (no store, no model builder, no cache); ``new_code`` too,
    or a review checked in workers would lose the rules it applies to added code."""
    return CheckOptions(select=options.select, ignore=options.ignore, min_severity=options.min_severity, fix=options.fix,
                        new_code=options.new_code)


def _run(workspace: Workspace, checker: Checker, paths: list[Path], lanes: _Lanes | None = None) -> list[_Outcome]:
    workers = checker.options.workers
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        return _check_files(workspace, checker, paths)
    model = dump_model(checker.model) if checker.model is not None else None
    if lanes is not None:
        return lanes.check(workspace, _portable(checker.options), paths, model)
    with worker_pool(workers) as pool:  # a spent budget cancels the chunks not started
        futures = [
            pool.submit(_check_chunk, workspace.config, _portable(checker.options), chunk, model)
            # Small chunks: a cancelled or timed-out call stops after the chunks already running.
            for chunk in _chunks(paths, max(workers * 4, len(paths) // 200))
        ]
        outcomes: list[_Outcome] = []
        for future in futures:
            outcomes.extend(future.result())
            budget.check()
        return outcomes


_RANK = {"error": 0, "warning": 1, "info": 2}


def _rank_key(finding: Finding) -> tuple[int, str, int, int, str]:
    return (_RANK[finding.severity], finding.path, finding.line, finding.column, finding.code)


def build_result(
    config: Config, options: CheckOptions, findings: list[Finding], files: int, started: float,
    notes: list[Note], from_cache: int = 0,
) -> CheckResult:
    """Rank and count: every finding, in order, with the summary of all of them."""
    findings.sort(key=_rank_key)
    per_rule = Counter(f.code for f in findings)
    summary = Summary(
        files_checked=files,
        findings=len(findings),
        by_severity={name: sum(1 for f in findings if f.severity == name) for name in _RANK},
        by_rule=[RuleCount(code=code, rule=BY_CODE[code].name, count=n) for code, n in per_rule.most_common()],
        fixable=sum(1 for f in findings if f.fixable),
        seconds=round(time.perf_counter() - started, 3),
        files_from_cache=from_cache,
    )
    return CheckResult(summary=summary, findings=findings, page=Page(total=len(findings), offset=0), notes=notes[:50])


def check_paths(workspace: Workspace, paths: Sequence[str] | None, options: CheckOptions | None = None) -> CheckResult:
    """Check files and folders under the root; folders honour .gitignore."""
    options = options or CheckOptions()
    started = time.perf_counter()
    builder = options.models or ModelBuilder()
    builder.load(workspace, options.cache)
    with ExitStack() as stack:
        # Lanes when the model starts from nothing (no summaries in memory or on disk): each file
        # is then parsed once, by the process that summarises it and then checks it.
        lanes = _Lanes(stack, options.workers, workspace.config) if options.workers > 1 and builder.empty else None
        model = builder.build(workspace, options.cache, lanes.summarise if lanes else None)
        return _check_with(workspace, paths, options, model, lanes, started)


def _check_with(workspace: Workspace, paths: Sequence[str] | None, options: CheckOptions, model: ProjectModel,
                lanes: _Lanes | None, started: float) -> CheckResult:
    checker = Checker(workspace.config, options, model)
    found = workspace.discover(list(paths or ["."]))
    notes = [Note(path=s.path, message=f"skipped: {s.reason}") for s in found.skipped]
    if found.truncated:
        notes.append(Note(message=f"Stopped at {workspace.config.limits.max_files} files (limits.max-files)."))
    store = options.store
    findings: list[Finding] = []
    pending: list[Path] = []
    from_cache = 0
    for path in found.files:
        rel = workspace.relative(path)
        key = _stat_key(path, model.dependency_key(rel))
        cached = store.lookup(checker.fingerprint, rel, key) if store is not None else None
        if cached is None:
            pending.append(path)
        else:
            findings.extend(cached)
            from_cache += 1
    checked = from_cache
    for outcome in _run(workspace, checker, pending, lanes):
        if outcome.skipped is not None:
            notes.append(Note(path=outcome.rel, message=f"skipped: {outcome.skipped}"))
            continue
        checked += 1
        models = [Finding.model_construct(**f) for f in outcome.findings]
        findings.extend(models)
        if store is not None:
            key = (*outcome.stat_key[:2], model.dependency_key(outcome.rel))
            store.store(checker.fingerprint, outcome.rel, key, models)
    return build_result(workspace.config, options, findings, checked, started, notes, from_cache)


def project_model(workspace: Workspace, options: CheckOptions) -> ProjectModel:
    """The model of the whole tree under the root (kept by ``options.models`` between calls)."""
    return (options.models or ModelBuilder()).build(workspace, options.cache)


def _draft_name(filename: str | None) -> str:
    name = (filename or "<draft>.py").replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not name.endswith((".py", ".pyi")):
        raise WardenError(
            f"The virtual filename {filename!r} must be a relative .py path inside the root.",
            "Pass something like 'src/pkg/module.py' so per-path settings apply.",
        )
    return name


def check_code(workspace: Workspace, code: str, filename: str | None, options: CheckOptions | None = None) -> CheckResult:
    """Check a source string as if it lived at ``filename`` (per-path settings apply)."""
    options = options or CheckOptions()
    started = time.perf_counter()
    source = workspace.virtual(code, _draft_name(filename))
    findings = Checker(workspace.config, options, project_model(workspace, options)).check(source)
    return build_result(workspace.config, options, findings, 1, started, [])


@dataclass
class FixedFile:
    """A file's text after its automatic fixes (the CLI writes it; the engine never does)."""

    path: Path
    text: str
    applied: int


def fixed_sources(workspace: Workspace, paths: Sequence[str] | None, options: CheckOptions) -> list[FixedFile]:
    """New texts for the files whose findings carry fixes, fixes applied together where they fit."""
    checker = Checker(workspace.config, options, project_model(workspace, options))
    results = []
    for path in workspace.discover(list(paths or ["."])).files:
        source = workspace.read(path)
        if isinstance(source, Skipped):
            continue
        fixes = [f.fix for f in checker.raw(source) if f.fix is not None]
        if fixes:
            text, applied = apply_fixes(source.text, fixes)
            if applied:
                results.append(FixedFile(path, text, applied))
    return results
