"""Async: code that stalls the event loop, hangs forever, or loses tasks and cancellations."""

from __future__ import annotations

import ast

from pattern_warden.rules.base import Context, Invalid, Rule, Severity, walk_local
from pattern_warden.rules.errors import catches_broadly, contains_raise

_BLOCKING = frozenset(
    {
        "time.sleep", "urllib.request.urlopen", "subprocess.run", "subprocess.call", "subprocess.check_call",
        "subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput", "os.system",
        "open", "io.open", "input", "socket.create_connection", "socket.getaddrinfo", "socket.gethostbyname",
        "socket.gethostbyaddr", "socket.getfqdn",
    }
)
_BLOCKING_MODULES = ("requests.",)
_BLOCKING_METHODS = frozenset({"read_text", "write_text", "read_bytes", "write_bytes"})


class BlockingCallInAsync(Rule):
    """Finds blocking calls made directly inside `async def`: `time.sleep`, `requests.*`, `urlopen`,
    `subprocess.run`/`call`/`check_output`, `open()`, `Path.read_text`/`write_text`, `input()` and
    `socket` look-ups."""

    code = "ASY001"
    name = "blocking-call-in-async"
    family = "async"
    severity = Severity.ERROR
    message = "Blocking call inside `async def`: the whole event loop stops until it returns."
    fix_hint = "Use the async equivalent (asyncio.sleep, httpx.AsyncClient, anyio.Path) or `await asyncio.to_thread(...)`."
    pattern = "async-blocking-calls"
    why = ("An event loop runs one thing at a time; a call that blocks for 200 ms blocks every other "
           "request, timer and heartbeat on that loop for 200 ms.")
    instead = "`await asyncio.sleep(1)`; `await asyncio.to_thread(path.read_text)`; an async HTTP client."
    VALID = (
        "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n",
        "import time\ndef f():\n    time.sleep(1)\n",
        "import asyncio, time\nasync def f():\n    await asyncio.to_thread(time.sleep, 1)\n",
        "async def f(p):\n    return await p.read_text()\n",
    )
    INVALID = (
        Invalid("import time\nasync def f():\n    time.sleep(1)\n", 3, 5),
        Invalid("async def f(path):\n    with open(path) as fh:\n        return fh.read()\n", 2, 10),
        Invalid("import requests\nasync def f(u):\n    return requests.get(u, timeout=5)\n", 3, 12),
        Invalid("async def f(p):\n    return p.read_text()\n", 2, 12),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async or isinstance(ctx.parent, ast.Await):
            return
        name = ctx.qualname(node.func)
        if name in _BLOCKING or (name or "").startswith(_BLOCKING_MODULES):
            ctx.report(self, node, message=f"Blocking call `{name}()` inside `async def`.")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _BLOCKING_METHODS and name is not None:
            ctx.report(self, node, message=f"Blocking file I/O `.{node.func.attr}()` inside `async def`.")


_THREAD_PRIMITIVES = frozenset(
    {f"threading.{n}" for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")}
)


def _target_key(node: ast.expr) -> str | None:
    """A stable key for a name or `self.attr` that may hold a lock."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
        return "self." + node.attr
    return None


class ThreadLockInAsync(Rule):
    """Finds `threading.Lock`, `RLock`, `Semaphore` or `Condition` objects created, acquired or
    entered with `with` inside `async def`."""

    code = "ASY002"
    name = "thread-lock-in-async"
    family = "async"
    severity = Severity.ERROR
    message = "threading lock used inside `async def`: waiting for it blocks the event loop."
    fix_hint = "Use asyncio.Lock / asyncio.Semaphore / asyncio.Condition (with `async with`)."
    pattern = "async-locks"
    why = ("A thread lock waits by blocking the thread; in a coroutine that thread is the event loop, so "
           "one waiting task freezes all of them, and holding it across `await` can deadlock the loop.")
    instead = "`lock = asyncio.Lock()` and `async with lock:` in coroutines."
    VALID = (
        "import asyncio\nlock = asyncio.Lock()\nasync def f():\n    async with lock:\n        pass\n",
        "import threading\nlock = threading.Lock()\ndef f():\n    with lock:\n        pass\n",
    )
    INVALID = (
        Invalid("import threading\nlock = threading.Lock()\nasync def f():\n    with lock:\n        await g()\n", 4, 10),
        Invalid(
            "import threading\nclass C:\n    def __init__(self):\n        self._lock = threading.RLock()\n"
            "    async def f(self):\n        self._lock.acquire()\n", 6, 9),
        Invalid("import threading\nasync def f():\n    sem = threading.Semaphore(3)\n", 3, 11),
    )

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        self._locks: set[str] = set()
        self._uses: list[tuple[str, ast.AST]] = []  # judged at the end: a lock may be made after its use

    def _record_lock(self, node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        if isinstance(node.value, ast.Call) and ctx.qualname(node.value.func) in _THREAD_PRIMITIVES:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            self._locks.update(key for key in map(_target_key, targets) if key)

    visit_Assign = visit_AnnAssign = _record_lock

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async:
            return
        if ctx.qualname(node.func) in _THREAD_PRIMITIVES:
            ctx.report(self, node, message="threading primitive created inside `async def`; use asyncio's.")
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "acquire":
            key = _target_key(node.func.value)
            if key:
                self._uses.append((key, node))

    def visit_With(self, node: ast.With, ctx: Context) -> None:
        if ctx.in_async:
            for item in node.items:
                key = _target_key(item.context_expr)
                if key:
                    self._uses.append((key, item.context_expr))

    def end(self, ctx: Context) -> None:
        """Judge what the walk collected, now that the whole file is known."""
        for key, node in self._uses:
            if key in self._locks:
                ctx.report(self, node)


_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})


def _keyword(node: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in node.keywords if kw.arg == name), None)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class NetworkWithoutTimeout(Rule):
    """Finds network calls that can wait forever: `requests` calls without `timeout=`, `urlopen`
    without a timeout, `aiohttp.ClientSession()` without `timeout=`, and httpx calls or clients
    given `timeout=None` (httpx's own default is 5 seconds, so a missing timeout there is fine)."""

    code = "ASY003"
    name = "network-without-timeout"
    family = "async"
    severity = Severity.WARNING
    message = "Network call without a timeout: a silent peer hangs this call forever."
    fix_hint = "Pass an explicit timeout, e.g. `timeout=10`."
    pattern = "network-timeouts"
    why = ("Networks fail by going quiet. Without a timeout a request to a stalled server never "
           "returns, and the worker, request or task that made it is lost with it.")
    instead = "`requests.get(url, timeout=10)`; `urlopen(url, timeout=10)`; `aiohttp.ClientSession(timeout=ClientTimeout(total=30))`."
    VALID = (
        "import requests\nrequests.get('https://x', timeout=5)\n",
        "import httpx\nhttpx.get('https://x')\n",
        "import requests\nrequests.post('https://x', **options)\n",
    )
    INVALID = (
        Invalid("import requests\nrequests.get('https://x')\n", 2, 1),
        Invalid("from urllib.request import urlopen\nurlopen('https://x')\n", 2, 1),
        Invalid("import httpx\nclient = httpx.Client(timeout=None)\n", 2, 10),
        Invalid("import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        pass\n", 3, 16),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        name = ctx.qualname(node.func) or ""
        if any(kw.arg is None for kw in node.keywords):
            return  # **kwargs may carry the timeout
        timeout = _keyword(node, "timeout")
        module, _, verb = name.rpartition(".")
        if module == "requests" and verb in _HTTP_VERBS:
            missing = timeout is None or _is_none(timeout.value)
        elif name == "urllib.request.urlopen":
            missing = (timeout is None and len(node.args) < 3) or (timeout is not None and _is_none(timeout.value))
        elif name == "aiohttp.ClientSession":
            missing = timeout is None or _is_none(timeout.value)
        elif module == "httpx" and (verb in _HTTP_VERBS or verb in ("Client", "AsyncClient")):
            missing = timeout is not None and _is_none(timeout.value)
        else:
            return
        if missing:
            ctx.report(self, node, message=f"`{name}()` without a timeout can wait forever.")


_CANCELLED = frozenset({"asyncio.CancelledError", "CancelledError", "asyncio.exceptions.CancelledError",
                        "concurrent.futures.CancelledError"})


def _cancelled_names(func: ast.AST) -> set[str]:
    """Names (or self.attrs) on which the function calls ``.cancel()``."""
    found = set()
    for node in walk_local(getattr(func, "body", [])):
        if isinstance(node, ast.Attribute) and node.attr == "cancel":  # called, or scheduled: call_soon(t.cancel)
            key = _target_key(node.value)
            if key:
                found.add(key)
    return found


_SUSPENDS = (ast.Await, ast.AsyncFor, ast.AsyncWith)
_HANDOVER = frozenset({"set_exception", "throw", "put", "put_nowait", "append"})


def _hands_on(handler: ast.ExceptHandler, ctx: Context) -> bool:
    """The handler passes the exception on (stores it, sets it on a future, keeps sys.exc_info()),
    or absorbs the cancellation explicitly with ``uncancel()``."""
    name = handler.name
    for node in walk_local(handler.body):
        if isinstance(node, ast.Call):
            if ctx.qualname(node.func) == "sys.exc_info":
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr == "uncancel":
                return True  # the documented way to acknowledge and absorb a cancellation
            if (name and isinstance(node.func, ast.Attribute) and node.func.attr in _HANDOVER
                    and any(isinstance(a, ast.Name) and a.id == name for a in node.args)):
                return True
        elif isinstance(node, ast.Assign) and name and isinstance(node.value, ast.Name) and node.value.id == name:
            return True
    return False


class SwallowedCancellation(Rule):
    """Finds `except` clauses inside `async def` that catch `asyncio.CancelledError`, `BaseException`
    or everything around an `await`, and neither re-raise nor hand the exception on (to a future,
    a variable, a queue). Reaping a task the function cancelled itself is allowed."""

    code = "ASY004"
    name = "swallowed-cancellation"
    family = "async"
    severity = Severity.ERROR
    message = "Cancellation swallowed: this task ignores `cancel()` and its caller waits forever."
    fix_hint = "Re-raise CancelledError after cleanup (`except asyncio.CancelledError: ...; raise`)."
    pattern = "cancellation"
    why = ("asyncio stops a task by raising CancelledError inside it. A handler that swallows it turns "
           "timeouts, shutdown and TaskGroup error handling into hangs or half-finished work.")
    instead = "Clean up in `finally`, or catch `Exception` (which excludes CancelledError), and re-raise cancellation."
    VALID = (
        "import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n"
        "        await cleanup()\n        raise\n",
        "async def f():\n    try:\n        await g()\n    except Exception:\n        pass\n",
        "import asyncio\nasync def stop(task):\n    task.cancel()\n    try:\n        await task\n"
        "    except asyncio.CancelledError:\n        pass\n",
        "import asyncio\nasync def f(task):\n    try:\n        task.result()\n    except asyncio.CancelledError:\n"
        "        pass\n",
        "async def f(fut):\n    try:\n        await g()\n    except BaseException as exc:\n        fut.set_exception(exc)\n",
    )
    INVALID = (
        Invalid("import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n"
                "        return None\n", 5, 5),
        Invalid("async def f():\n    try:\n        await g()\n    except BaseException:\n        log.exception('x')\n", 4, 5),
    )

    def visit_Try(self, node: ast.Try, ctx: Context) -> None:
        if not ctx.in_async:
            return
        cancelled_here: set[str] | None = None
        for handler in node.handlers:
            if not catches_broadly(handler, ctx, _CANCELLED) or contains_raise(handler.body):
                continue
            if not any(isinstance(n, _SUSPENDS) for n in walk_local(node.body)):
                continue  # cancellation arrives only at an await: this one came from elsewhere
            if _hands_on(handler, ctx):
                continue
            if handler.type is not None and ctx.qualname(handler.type) == "Exception":
                continue
            if cancelled_here is None:
                cancelled_here = _cancelled_names(ctx.function)
            if self._awaits_cancelled(node, cancelled_here):
                continue  # the idiom for reaping a task this function cancelled itself
            ctx.report(self, handler, end=handler.type or None)

    visit_TryStar = visit_Try

    @staticmethod
    def _awaits_cancelled(node: ast.Try, cancelled: set[str]) -> bool:
        for inner in walk_local(node.body):
            if isinstance(inner, ast.Await):
                value = inner.value
                if _target_key(value) in cancelled:
                    return True
                if isinstance(value, ast.Call) and any(_target_key(arg) in cancelled for arg in value.args):
                    return True
        return False


_SPAWNERS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})


_RAISES_CONTEXTS = frozenset({"assertRaises", "assertRaisesRegex", "raises"})


def _expects_error(ctx: Context) -> bool:
    """Inside `with self.assertRaises(...)` / `pytest.raises(...)`: the call is expected to fail."""
    for node in ctx.stack:
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _RAISES_CONTEXTS:
                    return True
    return False


class FireAndForgetTask(Rule):
    """Finds `asyncio.create_task(...)`, `ensure_future(...)` and `loop.create_task(...)` whose
    result is thrown away."""

    code = "ASY005"
    name = "fire-and-forget-task"
    family = "async"
    severity = Severity.WARNING
    message = "Task result not kept: the event loop holds only a weak reference, so it may vanish mid-run."
    fix_hint = "Keep a reference (a set you discard from on completion) or use asyncio.TaskGroup."
    pattern = "task-lifetimes"
    why = ("The loop keeps only weak references to tasks: an unreferenced task can be garbage-collected "
           "before it finishes, and its exception is never seen by anyone.")
    instead = "`async with asyncio.TaskGroup() as tg: tg.create_task(job())`, or keep tasks in a set."
    VALID = (
        "import asyncio\nasync def f():\n    task = asyncio.create_task(job())\n    await task\n",
        "async def f(tg):\n    tg.create_task(job())\n",
    )
    INVALID = (
        Invalid("import asyncio\nasync def f():\n    asyncio.create_task(job())\n", 3, 5),
        Invalid("import asyncio\ndef f(loop):\n    loop.create_task(job())\n", 3, 5),
    )

    def visit_Expr(self, node: ast.Expr, ctx: Context) -> None:
        call = node.value
        if not isinstance(call, ast.Call) or _expects_error(ctx):
            return
        name = ctx.qualname(call.func) or ""
        if name in _SPAWNERS:
            ctx.report(self, call)
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "create_task":
            receiver = call.func.value
            label = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
            is_loop = isinstance(receiver, ast.Call) and (ctx.qualname(receiver.func) or "").endswith("_event_loop")
            if is_loop or "loop" in label.lower():
                ctx.report(self, call)


RULES: tuple[type[Rule], ...] = (
    BlockingCallInAsync, ThreadLockInAsync, NetworkWithoutTimeout, SwallowedCancellation, FireAndForgetTask,
)
