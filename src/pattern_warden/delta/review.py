"""`review`: the one command a person runs before sending a change.

The flow runs one way, each step in its own module: read the facts from git once
(``facts.py``), check each changed file once, marking findings new or existing
(``findings.py``), measure duplicates introduced and eliminated (``duplicates.py``),
aggregate the scorecard (``score.py``), decide (``verdict.py``); ``render.py`` writes the text.

On a large change the steps overlap without turning back: two worker processes check rules
(resolving the added code's calls on the trees they parse, so each new version is parsed once)
and search the base for clones while this process searches the tree as it is now; the findings
and calls are collected only then.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack

from pattern_warden.baseline import configured_baseline
from pattern_warden.clones.detect import Family
from pattern_warden.delta.duplicates import DuplicateFigures, DuplicateSearch, class_identities
from pattern_warden.delta.facts import Facts, read_facts
from pattern_warden.delta.findings import Checking, checker_for, moved_statements, ranked, review_findings
from pattern_warden.delta.models import SAMPLE, Review, ReviewClone, ReviewFinding
from pattern_warden.delta.reuse import plan_reuse
from pattern_warden.delta.score import base_sources, scorecard, touched_rows
from pattern_warden.delta.verdict import finding_thresholds, leftover_threshold, passed
from pattern_warden.diskcache import DiskCache
from pattern_warden.leftovers.change import CacheSpec, change_leftovers, leftovers_in_worker, read_ahead
from pattern_warden.leftovers.models import Leftover
from pattern_warden.models import Page, check_range, paginate, quantity
from pattern_warden.rules.engine import PARALLEL_MIN_FILES, Checker
from pattern_warden.source import SourceFile
from pattern_warden.workers import start_method, worker_pool
from pattern_warden.workspace import Workspace

Progress = Callable[[str], None]


def review_change(
    workspace: Workspace,
    path: str | None = None,
    base: str | None = None,
    head: str | None = None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    show_existing: bool = False,
    progress: Progress | None = None,
    disk: DiskCache | None = None,
    facts: Facts | None = None,
    ahead: ProcessPoolExecutor | None = None,
) -> Review:
    """Review the change under ``path`` (default: the root) against ``base``..``head``.

    ``disk`` (the shared persistent cache) keeps what the base side costs (its findings, its
    clone classes, file shapes) for the next process or session; without it, memory only.
    ``facts`` is a change already read (the stop hook's session change, ``session.py``), and
    ``ahead`` the worker that began reading the project for its leftovers (``leftovers_ahead``)."""
    check_range("limit", limit, 1, 1_000_000)
    say = progress or (lambda _message: None)
    say("reading the change")
    facts = facts or read_facts(workspace, path, base, head)
    facts.files = [(after, before) for after, before in facts.files if not workspace.excluded(after.path)]
    with ExitStack() as stack:
        # One pool for both ends of a large change: a worker searches the base for clones while
        # this process searches the tree as it is now and the workers check rules, resolving
        # the added code's calls on the trees they parse for that.
        pool = stack.enter_context(worker_pool()) if len(facts.files) >= PARALLEL_MIN_FILES else None
        # Leftovers are the change's only against a base: a whole tree outside git has none to
        # tell what it added from what it had (find_leftovers audits such a tree). They are the
        # longest part of a warm Stop, so they start before anything else here.
        leftovers_of = _leftovers(stack, ahead or pool, workspace, facts, disk) if facts.delta is not None else list
        accepted = configured_baseline(workspace.config)
        checker = checker_for(workspace, has_base=facts.delta is not None)
        plan = plan_reuse(facts.delta, facts.before, disk) if facts.delta is not None and facts.before is not None \
            else None
        bases = base_sources(facts.delta) if facts.delta is not None else []
        duplicates = DuplicateSearch(workspace, bases, pool, disk)
        say(f"checking rules ({len(facts.files)} files)")
        checking = Checking(workspace, checker, facts.files, disk, pool, plan.wanted if plan else None,
                            plan.modules if plan else None)
        say("looking for duplicates")
        touched = touched_rows(facts.delta) if facts.delta is not None else \
            {a.path: set(range(1, len(a.lines) + 1)) for a, _ in facts.files}
        dups = duplicates.figures(touched, [after for after, _ in facts.files])
        checking.finish()
        if facts.delta is not None:
            say("looking for leftovers")
        leftovers = leftovers_of()
    reuse = plan.measure(facts.delta, checking.calls, disk) if plan is not None and facts.delta is not None else None
    found = _judged(checker, facts, accepted.findings)
    if accepted.clones and dups.introduced_classes:
        kept = [c for c, i in zip(dups.introduced_classes, class_identities(workspace, dups.introduced_classes),
                                  strict=True) if i not in accepted.clones]
        dups = DuplicateFigures(introduced=len(kept), eliminated=dups.eliminated, introduced_classes=kept)
    limits = workspace.config.settings.review
    rule_limits = finding_thresholds(limits, found) + leftover_threshold(limits, leftovers)
    card = None
    if facts.delta is not None and facts.before is not None:
        card = scorecard(workspace, facts.delta, facts.before, limit=1, duplicates=dups, reuse=reuse,
                         extra=rule_limits)
        card = card.model_copy(update={"files": [], "page": Page(total=card.page.total, offset=0)})
    thresholds = card.thresholds if card else rule_limits
    ok = card.passed if card else passed(None, rule_limits, False)
    failed = card.failed if card else [t.name for t in rule_limits if not t.passed]
    listed = found if show_existing else [f for f in found if f.new or f.worse_than is not None]
    page_items, page = paginate(listed, cursor, limit)
    new = sum(1 for f in found if f.new)
    worse = sum(1 for f in found if f.worse_than is not None)
    return Review(
        summary=f"{'passed' if ok else 'FAILED: ' + ', '.join(failed)}; {new} new"
                + (f", {worse} worse" if worse else "") + f" and {len(found) - new} existing "
                f"{'finding' if len(found) == 1 else 'findings'} in {quantity(len(facts.files), 'file')}; "
                f"duplicates introduced {dups.introduced}",
        reviewed=facts.reviewed, in_git=facts.in_git, scorecard=card, reviewed_paths=len(facts.files),
        findings_new=new, findings_worse=worse, findings_existing=len(found) - new, findings=page_items, show_existing=show_existing,
        duplicates_introduced=dups.introduced,
        duplicates_eliminated=dups.eliminated if facts.delta is not None else None,
        duplicates=[_clone(c) for c in dups.introduced_classes[: SAMPLE // 2]],
        leftovers_introduced=len(leftovers), leftovers=leftovers[: SAMPLE // 2], thresholds=thresholds, failed=failed,
        passed=ok, page=page,
    )


def _judged(checker: Checker, facts: Facts, known: Collection[str]) -> list[ReviewFinding]:
    """Every changed file's findings, ranked; a statement finding that only moved between the
    change's files (another file's base had it) is not new."""
    per_file = [review_findings(checker, after, before, known) for after, before in facts.files]
    new = [(f, after) for (after, _), found in zip(facts.files, per_file, strict=True) for f in found if f.new]
    lines = {text for f, after in new if 0 < f.line <= len(after.lines)
             and (text := after.lines[f.line - 1].split("#")[0].strip())}
    deleted = _deleted(facts)
    if lines and len(facts.files) + len(deleted) > 1:
        moved = moved_statements(checker, [*facts.files, *deleted], {f.code for f, _ in new}, lines)
        per_file = [review_findings(checker, after, before, known, moved.get(after.path))
                    if any(f.new for f in found) else found
                    for (after, before), found in zip(facts.files, per_file, strict=True)]
    return ranked([f for found in per_file for f in found])


def _deleted(facts: Facts) -> list[tuple[None, SourceFile]]:
    """The change's deleted Python files, as (no after, before) pairs."""
    if facts.delta is None:
        return []
    return [(None, f.before) for f in facts.delta.files if f.kind == "python" and f.after is None
            and f.before is not None]


def _leftovers(stack: ExitStack, pool: ProcessPoolExecutor | None, workspace: Workspace, facts: Facts,
               disk: DiskCache | None) -> Callable[[], list[Leftover]]:
    """Start looking for the leftovers the change added or orphaned, and return how to collect
    them. They are found in a worker process (the review's pool on a large change, else one
    forked for them), beside this process's rule checks and clone search: every hook call is a
    new process that must recall the whole project's facts, and on two cores that no longer
    adds to the Stop's wait. A server's threads make forking unsafe, and its facts are warm in
    memory: without a pool it looks for them in place when they are collected."""
    changed = [*facts.files, *_deleted(facts)]
    if pool is None and start_method() != "fork":
        return lambda: change_leftovers(workspace, changed, disk=disk)
    pool = pool or stack.enter_context(worker_pool(workers=1))
    bare = [(a.bare() if a is not None else None, b.bare() if b is not None else None) for a, b in changed]
    return pool.submit(leftovers_in_worker, workspace.config, bare, _spec(disk)).result


def leftovers_ahead(stack: ExitStack, workspace: Workspace, disk: DiskCache | None) -> ProcessPoolExecutor | None:
    """A worker, open for as long as ``stack``, that starts reading the project for the leftovers
    now, before the change is known: the Stop passes it to ``review_change`` after git has said
    what the session changed, which is about as long as the read takes. Leaving the stack does not
    wait for a read nobody asked for (a session that changed nothing); the worker ends with this
    process. None where forking is unsafe (a server's threads)."""
    if start_method() != "fork":
        return None
    pool = stack.enter_context(worker_pool(workers=1, wait=False))
    pool.submit(read_ahead, workspace.config, _spec(disk))
    return pool


def _spec(disk: DiskCache | None) -> CacheSpec | None:
    return (disk.root, disk.max_bytes, disk.enabled) if disk is not None else None


def _clone(clone: Family) -> ReviewClone:
    return ReviewClone(kind=clone.kind, similarity=clone.similarity, lines=clone.lines, copies=len(clone.locations),
                       locations=[f"{loc.path}:{loc.start_line}-{loc.end_line}"
                                  for loc in clone.locations[: SAMPLE // 2]])
