"""The library's examples do what their documents promise, tested from outside the example.

A runnable example checks itself with asserts, but an edit can weaken those asserts along with
the code. These tests load the code of one example (the block that defines a given name), then
drive it with the failure its document is about: a replayed refresh token, a COMMIT that fails,
a send that succeeds but whose answer is lost, a client that disconnects mid-upload. The static
checks at the end hold every runnable example to the habits the issue found missing.
"""

from __future__ import annotations

import ast
import asyncio
import io
import multiprocessing
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.test_pattern_library import LIBRARY, RUNNABLE, Example, _examples


def _load(doc_id: str, defines: str) -> dict[str, Any]:
    """Execute the example of ``doc_id`` that defines ``defines`` and return its namespace."""
    doc = LIBRARY.docs[doc_id]
    for example in _examples(doc_id, doc.body):
        tree = ast.parse(example.code)
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        if defines in names:
            namespace: dict[str, Any] = {"__name__": f"example_{doc_id.replace('-', '_')}"}
            exec(compile(tree, example.name, "exec", dont_inherit=True), namespace)  # noqa: S102 - our own example
            return namespace
    raise AssertionError(f"{doc_id} has no example that defines {defines}")


def test_jwt_replayed_refresh_token_revokes_the_whole_family() -> None:
    ns = _load("jwt-flow", "RefreshTokens")
    store, now = ns["RefreshTokens"](), datetime.now(UTC)
    first = store.issue("user-1", now)
    _, thief = store.rotate(first, now)
    with pytest.raises(ns["Unauthorized"]):
        store.rotate(first, now)  # the victim replays the rotated token
    with pytest.raises(ns["Unauthorized"]):
        store.rotate(thief, now)  # so the thief's fresh token is dead too
    other = store.issue("user-2", now)
    assert store.rotate(other, now)[0] == "user-2", "another login is untouched"
    assert all(first not in key and thief not in key for key in store.records), "only hashes are stored"
    assert all(record.expires > now for record in store.records.values()), "every token has an expiry"


def test_transaction_helper_rolls_back_a_failed_commit_and_stays_usable() -> None:
    transaction = _load("transactions-and-savepoints", "transaction")["transaction"]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(
        "PRAGMA foreign_keys = ON;"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);"
    )
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        conn.execute("INSERT INTO child VALUES (42)")  # passes now, fails at COMMIT
    assert not conn.in_transaction, "the failed commit was rolled back"
    with transaction(conn):  # would fail with "cannot start a transaction within a transaction"
        conn.execute("INSERT INTO parent VALUES (1)")
        conn.execute("INSERT INTO child VALUES (1)")
    assert conn.execute("SELECT count(*) FROM child").fetchone() == (1,)


def test_savepoint_logs_the_integrity_error_it_absorbs(caplog: pytest.LogCaptureFixture) -> None:
    ns = _load("transactions-and-savepoints", "optional_step")
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    with caplog.at_level("INFO"), ns["transaction"](conn), ns["optional_step"](conn):
        conn.execute("INSERT INTO t VALUES ('a')")
        conn.execute("INSERT INTO t VALUES ('a')")
    assert "UNIQUE" in caplog.text


def test_background_job_records_before_sending_and_backs_off() -> None:
    ns = _load("background-jobs", "Worker")
    seen_states: list[str | None] = []
    waits: list[float] = []
    worker = ns["Worker"](sleep=waits.append, max_attempts=5)

    def mailer(order_id: int, key: str) -> None:
        seen_states.append(worker.records.get(key))
        raise ns["Transient"]("timeout")

    worker.handle(3, mailer)
    assert seen_states and all(state == "sending" for state in seen_states), "recorded before the send"
    assert len(waits) == 4, "one wait between each two of the five attempts"
    ceilings = [min(worker.max_delay, worker.base_delay * 2**i) for i in range(4)]
    assert all(c / 2 <= w <= c for w, c in zip(waits, ceilings, strict=True)), f"exponential with jitter: {waits}"
    assert worker.dead_letters == [("receipt:3", "timeout")]


def test_upload_leaves_no_partial_file_when_the_client_disconnects(tmp_path: Path) -> None:
    ns = _load("file-uploads", "store_upload")

    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.parts = [b"\x89PNG\r\n\x1a\n" + b"\0" * 8, b"\0" * 64]

        def read(self, size: int = -1) -> bytes:
            if self.parts:
                return self.parts.pop(0)
            raise OSError("disk or network failure")

    with pytest.raises(OSError, match="failure"):
        ns["store_upload"](Broken(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_retry_after_rounds_up() -> None:
    ns = _load("rate-limiting", "Limiter")
    clock = [0.0]
    limiter = ns["Limiter"](rate=1 / 2.5, capacity=1, clock=lambda: clock[0])
    assert limiter.check("x")[0] == 200
    status, headers = limiter.check("x")
    assert (status, headers) == (429, {"Retry-After": "3"}), "2.5 s must be sent as 3, never 2"


def _spin() -> None:
    """A job that never returns (a stuck native call): module level, so any start method can pickle it."""
    while True:
        pass


def test_async_time_limit_stops_the_job_not_just_the_wait() -> None:
    """After the caller's timeout the stuck job must be gone, and the next job must run, not queue behind it."""
    run_with_hard_limit = _load("time-limits-for-computations", "run_with_hard_limit")["run_with_hard_limit"]

    async def scenario() -> None:
        with pytest.raises(TimeoutError):
            await run_with_hard_limit(_spin, (), 0.5)
        assert multiprocessing.active_children() == [], "the stuck job still runs after the timeout"
        assert await run_with_hard_limit(pow, (3, 4), 60) == 81, "the next job waited behind the stuck one"

    asyncio.run(scenario())


def test_a_failing_job_does_not_shrink_the_worker_pool() -> None:
    """A job that raises must be logged and the worker must take the next one, or four bad jobs
    leave no workers and the drain waits out its timeout."""
    ns = _load("worker-pools", "worker")
    done: list[int] = []

    async def handle(job: int) -> None:
        if job == 1:
            raise ValueError("malformed job")
        done.append(job)

    ns["handle"] = handle

    async def scenario() -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        worker = asyncio.create_task(ns["worker"](queue))
        for job in (1, 2, 1, 3):
            queue.put_nowait(job)
        async with asyncio.timeout(10):
            await queue.join()
        assert not worker.done(), "the worker died with the job"
        worker.cancel()

    asyncio.run(scenario())
    assert done == [2, 3]


def test_background_task_failures_are_logged_and_bounded(caplog: pytest.LogCaptureFixture) -> None:
    ns = _load("task-lifetimes", "Background")

    async def fail() -> None:
        raise ConnectionError("mail server refused")

    async def scenario() -> Any:
        background = ns["Background"]()
        for _ in range(150):
            background.spawn(fail())
        await background.aclose()
        return background

    with caplog.at_level("ERROR"):
        background = asyncio.run(scenario())
    assert "mail server refused" in caplog.text, "a failure must reach the log, not only a list"
    assert len(background.failures) <= 100, "a long-lived owner must not keep every failure"


def test_websocket_hub_stops_the_writer_of_a_dropped_client() -> None:
    """A client too far behind is removed and its writer stopped, or the task keeps a dead socket."""
    ns = _load("websockets", "Hub")

    async def scenario() -> None:
        hub, stuck = ns["Hub"](), ns["Client"]("stuck", send_delay=3600, limit=1)
        stuck.writer_task = asyncio.create_task(stuck.writer())
        hub.clients = {"stuck": stuck}
        for i in range(3):
            hub.broadcast(f"tick {i}")
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        assert "stuck" not in hub.clients
        assert stuck.writer_task.cancelled()

    asyncio.run(scenario())


def _try_statements(example: Example) -> list[ast.Try]:
    return [node for node in ast.walk(ast.parse(example.code)) if isinstance(node, ast.Try)]


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda ex: ex.name)
def test_a_self_test_that_expects_an_exception_fails_without_it(example: Example) -> None:
    """``try: f() except E: assert ...`` passes when ``f`` raises nothing; an ``else`` must fail then."""
    for node in _try_statements(example):
        checks = any(isinstance(n, ast.Assert) for h in node.handlers for n in ast.walk(h))
        assert not checks or node.orelse, f"line {node.lineno}: the try asserts in its handler but has no else"


@pytest.mark.parametrize("example", [ex for ex in RUNNABLE if "bisect" in ex.code], ids=lambda ex: ex.name)
def test_binary_search_lookups_are_built_once(example: Example) -> None:
    for func in ast.walk(ast.parse(example.code)):
        if not isinstance(func, ast.FunctionDef):
            continue
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and re.fullmatch(r"(bisect\.)?(bisect|bisect_left|bisect_right|insort)",
                                                           ast.unparse(call.func)):
                built = isinstance(call.args[0], ast.ListComp | ast.GeneratorExp | ast.Call)
                assert not built, f"{func.name}() rebuilds its sorted list on every call"


# Facts the library once stated too broadly: (document, text that must appear, text that must not).
FACTS = [
    ("postgres-operations", "pg_reload_conf()", None),
    ("postgres-operations", "referenced twice or more is still materialised", None),
    ("leak-tests", "NumPy array buffers do show up", "memory held by C extensions (NumPy"),
    ("rate-limiting", "but no token bucket", "and `limits` implement these strategies"),
    ("rate-limiting", "math.ceil", "round(wait)"),
    ("rate-limiting", "is a fixed window, the very thing argued against above", "or `INCR` with `EXPIRE`)"),
]


@pytest.mark.parametrize(("doc_id", "present", "absent"), FACTS, ids=[f"{d}:{p}" for d, p, _ in FACTS])
def test_narrowed_claims_stay_narrow(doc_id: str, present: str, absent: str | None) -> None:
    text = " ".join(LIBRARY.docs[doc_id].body.split())
    assert present in text
    assert absent is None or absent not in text


def test_no_document_says_alter_system_takes_effect_alone() -> None:
    for doc in LIBRARY.docs.values():
        if "ALTER SYSTEM" in doc.body:
            assert "pg_reload_conf()" in doc.body, f"{doc.meta.id}: ALTER SYSTEM needs pg_reload_conf() or a restart"
