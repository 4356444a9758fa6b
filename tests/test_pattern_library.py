"""Keep the bundled pattern library correct: every document loads, links, compiles and runs.

The library is what an agent reads instead of guessing, so a wrong example there is worse than
none. These tests compile every fenced Python example, execute the ones marked runnable
(``<!-- run -->`` on the line before the fence) in a fresh interpreter, and check that the
front matter, the links, the rule codes and ``docs/patterns.md`` agree with one another.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pattern_warden.patterns.library import PatternLibrary, bundled_dir, parse_document
from tests.example_blocks import FENCE, document_blocks

REPO = Path(__file__).resolve().parent.parent
COVERAGE_DOC = REPO / "docs" / "patterns.md"
PATTERN_LINK = re.compile(r"warden://patterns/([a-z0-9-]+)")
RULE_LINK = re.compile(r"warden://rules/([A-Za-z0-9]+)")
SECTIONS = ["When it applies", "Why", "Do this", "Not this", "Trade-offs", "Related"]
MIN_WORDS, MAX_WORDS = 200, 900
RUN_TIMEOUT = 30

# The fixed table of the brief: rule code -> the pattern document it links to. The rules engine
# is built in parallel; when its registry is importable the codes are checked against it too.
RULE_TO_PATTERN = {
    "ERR001": "mutable-defaults",
    "ERR002": "specific-exceptions",
    "ERR003": "no-silent-fallbacks",
    "ERR004": "exception-chaining",
    "ERR005": "no-mock-data",
    "ASY001": "async-blocking-calls",
    "ASY002": "async-locks",
    "ASY003": "network-timeouts",
    "ASY004": "cancellation",
    "ASY005": "task-lifetimes",
    "RES001": "bounded-caches",
    "RES002": "bounded-caches",
    "RES003": "weakref-finalize",
    "RES004": "deque-for-queues",
    "RES005": "join-strings",
    "DES001": "small-units",
    "DES002": "small-units",
    "DES003": "small-units",
    "DES004": "module-state",
    "DES005": "strict-typing",
    "DES006": "no-sys-path-hacks",
    "DOC001": "docstrings",
    "DOC002": "docstrings",
    "DOC003": "docstrings",
    "SEC001": "sql-injection",
    "SEC002": "secrets-and-config",
    "COR001": "timezone-aware-datetimes",
    "COR002": "structured-logging",
    "COR003": "lazy-logging",
}
# Documents that other engines link to (duplicates, LOC delta, prompts).
ENGINE_LINKED = {
    "search-before-writing",
    "consolidation-decision-tree",
    "net-loc-discipline",
    "handoff-context",
    "design-decision-docstrings",
    "bounded-concurrency",
}
# Third-party packages an example may import and still run: our dependencies and theirs.
RUNNABLE_PACKAGES = {
    "pydantic", "anyio", "yaml", "rapidfuzz", "hypothesis", "jwt", "pytest", "pytest_asyncio", "starlette",
    "typing_extensions",
}

# The topic list of issue 3, verbatim in meaning; docs/patterns.md must have a row for each.
TOPICS = {
    "Python async": [
        "locks in async code", "resource pools", "async factory methods", "async context managers",
        "gather vs TaskGroup and timeouts", "bounded concurrency", "retries with backoff and jitter",
        "cancellation", "worker pools with graceful shutdown",
    ],
    "Memory and resources": [
        "bounded buffers", "explicit cleanup", "weakref.finalize vs __del__",
        "hard limits with graceful degradation and structured logs", "leak tests with tracemalloc",
    ],
    "Errors": [
        "no silent fallbacks", "no mock data in production", "specific exceptions", "raise ... from",
        "actionable messages", "documenting failure modes",
    ],
    "Code minimization and duplicates": [
        "net-LOC discipline with the maturity thresholds", "search before writing",
        "leftovers of earlier attempts (attempt files, dead and commented-out code)",
        "the consolidation decision tree", "one implementation path",
    ],
    "Design and documentation": [
        "SOLID", "dependency injection vs a simple script", "layered architecture",
        "design-decision docstrings", "performance notes", "error-case docs", "usage examples",
        "decision records where the code lives",
    ],
    "Debugging method": [
        "debug first", "root cause over symptoms", "simplest fix", "measure before optimizing",
    ],
    "Testing": [
        "test-first bug fixes", "async fixtures", "concurrency tests", "memory tests", "property-based tests",
        "snapshot tests", "parallel runs", "coverage-driven gaps", "non-interactive test runs",
        "the testing pyramid and chaos game days",
    ],
    "Typing and validation": [
        "strict type checking", "pydantic v2 models at boundaries", "protocols", "result types",
        "TypeGuard and TypeIs",
    ],
    "Performance and algorithms": [
        "deque for queues", "hash maps instead of nested loops", "join instead of += in loops",
        "sliding window", "BFS", "binary search", "caching with invalidation", "time limits for long computations",
    ],
    "Security": [
        "input validation", "SQL injection", "secrets and startup validation", "error sanitisation",
        "the JWT flow", "file uploads", "rate limiting", "CORS", "object-level authorization", "password storage",
    ],
    "Data": [
        "transactions and savepoints", "N+1 queries", "connection pooling", "row locking", "soft deletes",
        "migrations", "Postgres operations", "pgvector", "backups and restore drills",
        "backup tiers and the restore safety chain", "cursor-based pagination", "GraphQL with dataloaders",
    ],
    "Services and operations": [
        "structured logging", "graceful shutdown", "health checks", "monitoring and alerting",
        "deployment practices", "API versioning", "background jobs", "WebSockets", "caching strategies",
        "containers", "CI pipelines", "monorepo workspaces", "circuit breakers", "idempotency keys for retried writes",
        "distributed tracing with W3C Trace Context", "outbound HTTP clients",
    ],
    "Agent workflow": ["the handoff context", "parallel agents for independent tasks", "preflight checks"],
    "Beyond Python": [
        "the Rust service standards", "memory-system tiering", "memory-system summarisation",
        "memory-system search", "frontend server state", "Rust profiling",
    ],
}


@dataclass(frozen=True)
class Example:
    """One fenced Python block of a document."""

    doc: str
    line: int
    code: str
    runnable: bool
    needs: str | None
    section: str

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}"


def _examples(doc_id: str, body: str) -> list[Example]:
    """The Python blocks of a document; a ``needs:`` or ``run: SERVICE`` marker names what it needs."""
    return [
        Example(
            doc=doc_id,
            line=block.line,
            code=block.code,
            runnable=block.marker == "run",
            needs=block.marker.split(": ", 1)[1] if block.marker and block.marker.startswith(("needs: ", "run: ")) else None,
            section=block.section,
        )
        for block in document_blocks(doc_id, body)
        if block.lang == "python"
    ]


LIBRARY = PatternLibrary.load()
EXAMPLES = [ex for doc in LIBRARY.docs.values() for ex in _examples(doc.meta.id, doc.body)]
RUNNABLE = [ex for ex in EXAMPLES if ex.runnable]


def _rule_links() -> dict[str, str]:
    """Rule code -> pattern id, from the rules engine's registry when it exists, else the brief's table."""
    try:
        registry = importlib.import_module("pattern_warden.rules.registry")
    except ImportError:
        return dict(RULE_TO_PATTERN)
    return {code: rule.pattern for code, rule in registry.BY_CODE.items()}


def test_library_loads_without_problems() -> None:
    assert LIBRARY.problems == []
    assert len(LIBRARY.docs) >= 55
    files = sorted(bundled_dir().rglob("*.md"))
    assert len(files) == len(LIBRARY.docs), "every file loads, and no two share an id"


def test_rule_table_documents_exist_and_name_their_rules() -> None:
    for code, pattern_id in RULE_TO_PATTERN.items():
        assert pattern_id in LIBRARY.docs, f"{code} links to a missing document {pattern_id}"
        assert code in LIBRARY.docs[pattern_id].meta.rules, f"{pattern_id} must list {code} in rules"
    for pattern_id in ENGINE_LINKED:
        assert pattern_id in LIBRARY.docs
    for code, pattern_id in _rule_links().items():
        assert pattern_id in LIBRARY.docs, f"rule {code} links to a missing document {pattern_id}"


def test_rules_front_matter_uses_known_codes_only() -> None:
    """A document lists the rules that enforce it; a rule links one document, which lists it too."""
    links = _rule_links()
    for doc in LIBRARY.docs.values():
        for code in doc.meta.rules:
            assert code in links, f"{doc.meta.id}: unknown rule code {code}"
    for code, pattern_id in links.items():
        if code not in RULE_TO_PATTERN:
            continue  # SYN001 reports unparsable code; it enforces no pattern of its own
        assert code in LIBRARY.docs[pattern_id].meta.rules, f"{pattern_id} must list {code}, which links to it"


@pytest.mark.parametrize("doc_id", sorted(LIBRARY.docs))
def test_document_form(doc_id: str) -> None:
    doc = LIBRARY.docs[doc_id]
    path = bundled_dir() / Path(doc.meta.file).relative_to("resources/patterns")
    assert path.parent.name == doc.meta.category, "documents live in a folder named for their category"
    assert doc.headings[0] == doc.meta.title
    assert doc.headings[1:] == SECTIONS, f"sections must be exactly {SECTIONS}"
    words = len(doc.body.split())
    assert MIN_WORDS <= words <= MAX_WORDS, f"{words} words"
    fence_lines = [line for line in doc.body.splitlines() if line.startswith("```")]
    assert len(fence_lines) == 2 * len(FENCE.findall(doc.body)), "every fence is closed"
    for match in FENCE.finditer(doc.body):
        assert match.group(1).strip(), f"a fence at offset {match.start()} names no language"
    related = doc.body.split("## Related", 1)[1]
    assert PATTERN_LINK.search(related), "Related links at least one other pattern"


@pytest.mark.parametrize("doc_id", sorted(LIBRARY.docs))
def test_links_resolve(doc_id: str) -> None:
    body = LIBRARY.docs[doc_id].body
    for target in PATTERN_LINK.findall(body):
        assert target in LIBRARY.docs, f"warden://patterns/{target} does not exist"
        assert target != doc_id, "a document does not link to itself"
    known = _rule_links()
    for code in RULE_LINK.findall(body):
        assert code in known, f"warden://rules/{code} is not a rule"
    for code in LIBRARY.docs[doc_id].meta.rules:
        assert f"warden://rules/{code}" in body, f"the Related section names rule {code}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda ex: ex.name)
def test_example_compiles(example: Example) -> None:
    tree = ast.parse(example.code, filename=example.name)
    # Fragments that need a service may await at top level, as in an async REPL; runnable ones may not.
    flags = 0 if example.runnable else ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    compile(tree, example.name, "exec", flags=flags)
    third_party = {
        alias.split(".")[0]
        for node in ast.walk(tree)
        for alias in (
            [a.name for a in node.names] if isinstance(node, ast.Import)
            else [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            else []
        )
    } - set(sys.stdlib_module_names)
    unavailable = {name for name in third_party if importlib.util.find_spec(name) is None}
    if example.runnable:
        assert third_party <= RUNNABLE_PACKAGES, f"a runnable example imports {third_party - RUNNABLE_PACKAGES}"
        assert any(_asserts(node) for node in ast.walk(tree)), "a runnable example checks its own behaviour"
    elif example.section != "Not this":  # an anti-pattern may sketch imports of an imagined project
        assert not unavailable or example.needs, f"imports {unavailable}: mark it <!-- needs: ... -->"


def _asserts(node: ast.AST) -> bool:
    """An ``assert`` statement, or ``raise AssertionError(...)`` after an ``else:``."""
    if isinstance(node, ast.Assert):
        return True
    raised = node.exc if isinstance(node, ast.Raise) else None
    target = raised.func if isinstance(raised, ast.Call) else raised
    return isinstance(target, ast.Name) and target.id == "AssertionError"


def test_at_least_half_of_the_examples_run() -> None:
    assert len(RUNNABLE) * 2 >= len(EXAMPLES), f"{len(RUNNABLE)} of {len(EXAMPLES)} run"


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda ex: ex.name)
def test_runnable_example_runs(example: Example, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(example.code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _coverage_rows() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in COVERAGE_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## Rules"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not line.startswith("|") or cells[0] in {"Category", ""} or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], cells[1], re.findall(r"`([a-z0-9-]+)`", cells[2])))
    return rows


def test_rules_table_matches_the_brief() -> None:
    text = COVERAGE_DOC.read_text(encoding="utf-8").split("## Rules and their documents", 1)[1]
    table = {
        code: doc
        for codes, doc in re.findall(r"^\| ([A-Z0-9, ]+) \| `([a-z0-9-]+)` \|$", text, re.MULTILINE)
        for code in codes.split(", ")
    }
    assert table == RULE_TO_PATTERN


def test_coverage_table_matches_the_topics_and_the_library() -> None:
    rows = _coverage_rows()
    table = {(category, topic) for category, topic, _ in rows}
    expected = {(category, topic) for category, topics in TOPICS.items() for topic in topics}
    assert expected <= table, f"topics missing from docs/patterns.md: {expected - table}"
    assert len(rows) == len(table), "each topic has one row"
    listed: set[str] = set()
    for _, topic, ids in rows:
        assert ids, f"no document covers {topic!r}"
        missing = [i for i in ids if i not in LIBRARY.docs]
        assert not missing, f"{topic!r} lists unknown documents {missing}"
        listed |= set(ids)
    assert listed == set(LIBRARY.docs), f"documents missing from the table: {set(LIBRARY.docs) - listed}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("retry backoff jitter", "retries-with-backoff"),
        ("N+1 queries", "n-plus-one-queries"),
        ("weakref finalize", "weakref-finalize"),
        ("limit concurrent tasks semaphore", "bounded-concurrency"),
        ("semaphore concurrency", "bounded-concurrency"),
        ("silent fallback default", "no-silent-fallbacks"),
        ("mutable default argument", "mutable-defaults"),
        ("utcnow timezone", "timezone-aware-datetimes"),
        ("SQL injection parameterized query", "sql-injection"),
        ("tracemalloc leak test", "leak-tests"),
        ("hypothesis property based", "property-based-tests"),
        ("pgvector hnsw index", "pgvector"),
        ("handoff context next agent", "handoff-context"),
        ("select for update skip locked", "row-locking"),
        # what an agent types after a rule finding
        ("fire and forget task", "task-lifetimes"),
        ("missing docstring", "docstrings"),
        ("print in library code", "structured-logging"),
        ("hard-coded secret", "secrets-and-config"),
        ("list pop(0) queue", "deque-for-queues"),
        ("swallowed CancelledError", "cancellation"),
        ("bare except", "specific-exceptions"),
        ("lru_cache unbounded", "bounded-caches"),
        ("threading lock in async code", "async-locks"),
        ("f-string in logging call", "lazy-logging"),
        ("string concatenation in a loop", "join-strings"),
        ("global statement", "module-state"),
        ("sys.path insert", "no-sys-path-hacks"),
        ("cyclomatic complexity", "small-units"),
        ("liveness readiness probe", "health-checks"),
        ("savepoint rollback", "transactions-and-savepoints"),
        ("keyset pagination cursor offset", "cursor-pagination"),
        ("graphql dataloader batching", "graphql-dataloaders"),
        ("TypeIs narrowing", "typeis-and-typeguard"),
        ("solver deadline kill switch", "time-limits-for-computations"),
        ("flamegraph criterion", "rust-profiling"),
        ("verify snapshot restore verify", "backup-tiers-and-restore-chain"),
        ("optimistic update rollback stale time", "frontend-server-state"),
        ("game day chaos fault injection", "testing-pyramid-and-game-days"),
        ("architecture decision record", "decision-records"),
        ("circuit breaker half-open", "circuit-breakers"),
        ("Idempotency-Key header retried POST", "idempotency-keys"),
        ("IDOR another tenant's object", "object-level-authorization"),
        ("argon2id bcrypt password hash", "password-storage"),
        ("traceparent header propagation", "distributed-tracing"),
        ("httpx connection pool limits verify", "outbound-http-clients"),
    ],
)
def test_search_ranks_the_right_document_first(query: str, expected: str) -> None:
    hits = LIBRARY.search(query, limit=3).hits
    assert hits and hits[0].id == expected, [h.id for h in hits]


def test_comments_inside_fences_are_not_headings(tmp_path: Path) -> None:
    """A shell or Dockerfile comment in a code block must not pose as a section title."""
    doc = tmp_path / "fenced.md"
    doc.write_text(
        "---\nid: fenced\ntitle: T\ncategory: c\ntags: [t]\nsummary: s\nrules: []\n---\n"
        "# T\n\n## Do this\n\n```bash\n# install first\npip install .\n```\n\n~~~dockerfile\n# syntax=docker/dockerfile:1\n~~~\n\n## Related\n",
        encoding="utf-8",
    )
    assert parse_document(doc, "project").headings == ["T", "Do this", "Related"]
