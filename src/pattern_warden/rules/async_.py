"""Async: code that stalls the event loop, hangs forever, or loses tasks and cancellations."""

from __future__ import annotations

import ast
import re

from pattern_warden import codekind
from pattern_warden.astwalk import is_main_guard
from pattern_warden.model.effects import BLOCKING, FILE, NETWORK, SLEEP, STDIN, SUBPROCESS, effect_of
from pattern_warden.rules.base import Context, Invalid, Rule, Severity, called_name, is_str, walk_local
from pattern_warden.rules.errors import catches_broadly, contains_raise

_SPAWN_WAITING = frozenset({f"os.spawn{kind}" for kind in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")})
_WHAT = {FILE: "Blocking file I/O", NETWORK: "Blocking network call", SUBPROCESS: "Blocking call",
         SLEEP: "Blocking call", STDIN: "Blocking call"}
#: What stalls a serving loop for long: sleeping, the network, a child process, a console read.
#: Local file I/O of the small files a coroutine reads or writes is a warning.
_STALLS = frozenset({SLEEP, NETWORK, SUBPROCESS, STDIN})
#: A call a few frames away stalls the loop when it sleeps or waits on the network.
_FAR = frozenset({SLEEP, NETWORK})
_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "asyncio.runners.run"})


def _waits(call: ast.Call, ctx: Context) -> bool:
    """Whether an `os.spawn*` call's mode, positional or `mode=`, is `os.P_WAIT`: the name, an alias
    spelled `P_WAIT`, or its value 0 (the other modes return at once and are not blocking)."""
    mode = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "mode"), None)
    if mode is None:
        return False
    if isinstance(mode, ast.Constant):
        return mode.value == 0 and not isinstance(mode.value, bool)
    return ctx.resolve(mode) == "os.P_WAIT" or (isinstance(mode, ast.Name) and mode.id == "P_WAIT")


def _short(name: str) -> str:
    """`Path.read_text` for `pathlib.Path.read_text`, `open` for `builtins.open`: how code spells it."""
    module, _, last = name.rpartition(".")
    if module == "builtins":
        return last
    owner = module.rpartition(".")[2]
    return f"{owner}.{last}" if owner[:1].isupper() else name


#: A lifecycle event: `after_start`, `on_startup`, `before_serving`, `on_shutdown`, `lifespan` ...
_LIFECYCLE = re.compile(r"(?:^|_)(?:start|startup|started|serving|shutdown|stop|stopped|cleanup|lifespan)$")
#: Calls that register a handler for an event named by a string: `app.on_event("startup")`,
#: `app.add_event_handler("shutdown", f)`, `app.listener("before_server_start")`.
_EVENT_CALL = re.compile(r"event|listen|hook|^on$")


def _lifecycle(node: ast.expr) -> bool:
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return bool(_LIFECYCLE.search(last))


def _named(node: ast.expr) -> set[str]:
    """The function names ``node`` hands over: `f`, `self.f`, or each of `[f, g]`."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return set().union(*map(_named, node.elts)) if node.elts else set()
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    return {last} if last else set()


def _names_an_event(call: ast.Call) -> bool:
    return bool(_EVENT_CALL.search(called_name(call))) and any(
        is_str(a) and _LIFECYCLE.search(a.value) for a in call.args)  # type: ignore[attr-defined]


def lifecycle_hooks(tree: ast.Module) -> frozenset[str]:
    """Functions this module registers to run once when the application starts or stops
    (`app.after_start += self.build_docs`, `on_startup.append(f)`, `on_startup=[f]`,
    `@app.on_event("startup")`, `@app.before_serving`): their I/O happens before any traffic or
    after the last, so it stalls no one."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and _lifecycle(node.target):
            names |= _named(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("append", "add", "insert", "register") \
                    and _lifecycle(func.value):
                names |= set().union(*map(_named, node.args)) if node.args else set()
            elif _names_an_event(node):
                names |= set().union(*(_named(a) for a in node.args if not is_str(a)))
            names |= set().union(*(_named(k.value) for k in node.keywords if k.arg and _LIFECYCLE.search(k.arg)))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _lifecycle(d.func if isinstance(d, ast.Call) else d) or (isinstance(d, ast.Call) and _names_an_event(d))
                for d in node.decorator_list):
            names.add(node.name)
    return frozenset(names)


class BlockingCallInAsync(Rule):
    """Finds blocking calls made inside `async def`: `time.sleep`, `requests.*`, sync `httpx` calls
    and clients, `urlopen`, `urllib3.request`, `subprocess.run`/`call`/`check_output`, `os.system`,
    `os.wait*`, `os.spawn*` in `P_WAIT` mode (`os.P_WAIT`, `mode=`, 0), `open()`/`io.open`/
    `io.open_code`, `input()`, `socket` look-ups, and
    `read_text`/`write_text`/`read_bytes`/`write_bytes`/`open` on a `pathlib.Path`; and calls of
    the project's own sync functions that do one of these up to three calls deep, reported at
    the coroutine's call with the chain (`connect -> _read_passfile -> open`).
    Only what the project model resolves is blamed: a name is what its import, assignment,
    annotation or `self.x` attribute makes it (a local `requests = defaultdict(list)` is not the
    `requests` library), and a receiver of unknown type is never blamed. A cached helper
    (`@lru_cache`) is not followed: its I/O runs once. Nor is a coroutine the module registers as
    a start-up or shutdown hook (`app.after_start += self.build_docs`, `on_startup=[f]`,
    `@app.on_event("startup")`): it runs before the first request or after the last. With or
    without `await` in front, the verdict is the same. An error for sleeping, the network, a child
    process or the console, and for a call a few frames away that sleeps or uses the network; a
    warning for local file I/O, for other calls a few frames away, and for any blocking call in a
    one-shot script that runs its coroutines with `asyncio.run` (nothing else waits on its loop)."""

    code = "ASY001"
    #: Opt-in for `check`, on for new code (``NEW_CODE_RULES``): 5 of 14 findings right in five held-out rounds: one-shot CLI coroutines and start-up reads
    #: (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "blocking-call-in-async"
    family = "async"
    severity = Severity.ERROR
    message = "Blocking call inside `async def`: the whole event loop stops until it returns."
    fix_hint = "Use the async equivalent (asyncio.sleep, httpx.AsyncClient, anyio.Path) or `await asyncio.to_thread(...)`."
    pattern = "async-blocking-calls"
    ruff = ("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC250", "ASYNC251")
    why = ("An event loop runs one thing at a time; a call that blocks for 200 ms blocks every other "
           "request, timer and heartbeat on that loop for 200 ms.")
    instead = "`await asyncio.sleep(1)`; `await asyncio.to_thread(path.read_text)`; an async HTTP client."
    exempt_in = frozenset({"tests"})
    VALID = (
        "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n",
        # generated from a sync twin: the sync call is kept in a branch that never runs
        "import asyncio, socket\nasync def resolve(host):\n    if True:\n"
        "        return await asyncio.get_running_loop().getaddrinfo(host, 80)\n"
        "    else:\n        return socket.getaddrinfo(host, 80)\n",
        "import time\ndef f():\n    time.sleep(1)\n",
        "import asyncio, time\nasync def f():\n    await asyncio.to_thread(time.sleep, 1)\n",
        "async def f(stream):\n    return await stream.read_bytes()\n",
        "async def f(stream):\n    return stream.read_bytes()\n",
        "async def f(p):\n    return p.read_text()\n",
        "async def f(path):\n    def open(p):\n        return p\n    return open(path)\n",
        "import httpx\nasync def f(u):\n    async with httpx.AsyncClient() as client:\n        return await client.get(u)\n",
        "import os\nasync def f():\n    os.spawnl(os.P_NOWAIT, '/bin/true', 'true')\n",
        "import os\nasync def f(argv):\n    os.spawnvp(mode=os.P_NOWAIT, file='tar', args=argv)\n",
        "import os\nasync def f(argv):\n    os.spawnvp(1, 'tar', argv)\n",
        "import httpx\nasync def f(client: httpx.AsyncClient | None):\n    await client.get('/')\n",
        "from collections import defaultdict\nasync def f(key):\n    requests = defaultdict(list)\n"
        "    return requests.get(key)\n",
        "import asyncio\ndef load(p):\n    with open(p) as fh:\n        return fh.read()\n"
        "async def f(p):\n    return await asyncio.to_thread(load, p)\n",
        "import functools\n@functools.lru_cache(maxsize=1)\ndef settings():\n    with open('s.toml') as fh:\n"
        "        return fh.read()\nasync def f():\n    return settings()\n",
        "def a(p):\n    return b(p)\ndef b(p):\n    return c(p)\ndef c(p):\n    return d(p)\ndef d(p):\n"
        "    return open(p)\nasync def f(p):\n    return a(p)\n",
        # start-up and shutdown hooks run before the first request or after the last
        "class Docs:\n    def _load(self, p):\n        with open(p) as fh:\n            return fh.read()\n"
        "    async def build_docs(self, app):\n        self.spec = self._load('spec.json')\n"
        "    def bind_app(self, app):\n        app.after_start += self.build_docs\n",
        "async def startup():\n    with open('config.toml') as fh:\n        return fh.read()\n"
        "app = Starlette(on_startup=[startup])\n",
        "@app.on_event('startup')\nasync def load():\n    with open('config.toml') as fh:\n        return fh.read()\n",
        "@app.before_serving\nasync def load():\n    with open('config.toml') as fh:\n        return fh.read()\n",
        "async def close_log(app):\n    open('done', 'w').close()\napp.on_shutdown.append(close_log)\n",
    )
    INVALID = (
        Invalid("import time\nasync def f():\n    time.sleep(1)\n", 3, 5),
        Invalid("async def f(path):\n    with open(path) as fh:\n        return fh.read()\n", 2, 10),
        Invalid("import requests\nasync def f(u):\n    return requests.get(u, timeout=5)\n", 3, 12),
        Invalid("from pathlib import Path\nasync def f(p: Path):\n    return p.read_text()\n", 3, 12),
        Invalid("import pathlib\nasync def f(name):\n    p = pathlib.Path(name) / 'x'\n    return await p.read_bytes()\n",
                4, 18),
        Invalid("import httpx\nasync def f(u):\n    return httpx.get(u)\n", 3, 12),
        Invalid("import httpx\nasync def f(u):\n    with httpx.Client() as client:\n        return client.get(u)\n", 4, 16),
        Invalid("import httpx\nclass C:\n    def __init__(self):\n        self.http = httpx.Client()\n"
                "    async def f(self, u):\n        return self.http.post(u)\n", 6, 16),
        Invalid("from pathlib import Path\nasync def f():\n    with Path('x').open() as fh:\n        return fh.read()\n", 3, 10),
        Invalid("import io\nasync def f(p):\n    return io.open_code(p).read()\n", 3, 12),
        Invalid("import os\nasync def f(pid):\n    os.waitpid(pid, 0)\n", 3, 5),
        Invalid("import os\nasync def f():\n    os.spawnv(os.P_WAIT, '/bin/true', ['true'])\n", 3, 5),
        Invalid("import os\nasync def f(argv):\n    os.spawnvp(mode=os.P_WAIT, file='tar', args=argv)\n", 3, 5),
        Invalid("import os\nasync def f(argv):\n    os.spawnvp(0, 'tar', argv)\n", 3, 5),
        Invalid("import os\nP_WAIT = os.P_WAIT\nasync def f(argv):\n    os.spawnvp(P_WAIT, 'tar', argv)\n", 4, 5),
        Invalid("import urllib3\nasync def fetch(url):\n    return urllib3.request('GET', url).data\n", 3, 12),
        Invalid("import httpx\nasync def f(client: httpx.Client | None):\n    return client.get('/')\n", 3, 12),
        Invalid("from typing import Optional\nimport httpx\nasync def f(client: Optional[httpx.Client]):\n"
                "    client.post('/')\n", 4, 5),
        Invalid("import httpx\nasync def f():\n    client: httpx.Client = make()\n    client.get('/')\n", 4, 5),
        Invalid("import builtins\nasync def f():\n    return builtins.input('name? ')\n", 3, 12),
        Invalid("from pathlib import Path\nasync def f():\n    src, name = Path('a'), 'b'\n    return src.read_text()\n", 4, 12),
        Invalid("def _read_passfile(path):\n    with open(path) as fh:\n        return fh.read()\n"
                "def _password(path):\n    return _read_passfile(path)\nasync def connect(path):\n"
                "    return _password(path)\n", 7, 12),
        Invalid("from pathlib import Path\nclass Templates:\n    def __init__(self, root: Path):\n        self.root = root\n"
                "    def _load(self, name):\n        return (self.root / name).read_text()\n"
                "    async def render(self, name):\n        return self._load(name)\n", 8, 16),
        Invalid("@app.route('/start')\nasync def start():\n    with open('state') as fh:\n        return fh.read()\n"
                "app.on_startup.append(warm)\n", 3, 10),
        Invalid("import socket\nasync def resolve(host):\n    if False:\n        pass\n    else:\n"
                "        return socket.getaddrinfo(host, 80)\n", 6, 16),
    )

    def begin(self, ctx: Context) -> None:
        """The module's start-up and shutdown hooks, whose I/O blocks no traffic, and whether it
        is a one-shot script whose coroutines `asyncio.run` runs alone."""
        self._hooks = lifecycle_hooks(ctx.tree)
        self._one_shot = _one_shot_script(ctx)

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if not ctx.in_async or getattr(ctx.function, "name", None) in self._hooks or _never_runs(ctx):
            return
        name = ctx.resolve(node.func)
        if name is None:
            return
        kind = effect_of(name)
        if name in _SPAWN_WAITING:
            if _waits(node, ctx):
                ctx.report(self, node, severity=self._tier(SUBPROCESS), message=self._said(
                    f"`{name}(os.P_WAIT, ...)` waits for the child inside `async def`.", SUBPROCESS))
        elif kind in BLOCKING:
            ctx.report(self, node, severity=self._tier(kind),
                       message=self._said(f"{_WHAT[kind]} `{_short(name)}()` inside `async def`.", kind))
        elif ctx.model.follows(name):
            found = next((e for e in ctx.model.effects(name) if e.kind in BLOCKING), None)
            if found is not None:
                away = len(found.chain)
                ctx.report(self, node, severity=self._tier(found.kind, _FAR), message=self._said(
                    f"{_WHAT[found.kind]} `{_short(found.callee)}()` {away} call{'s' if away > 1 else ''} away "
                    f"inside `async def`: {getattr(ctx.function, 'name', '?')} -> {found.describe()} "
                    f"({found.path}:{found.line}).", found.kind, _FAR))

    def _tier(self, kind: str, stalls: frozenset[str] = _STALLS) -> Severity:
        """ERROR for a call that stalls a serving loop (``stalls``); WARNING for small local file
        I/O, and for any blocking call of a one-shot script, whose loop serves no one else."""
        return Severity.ERROR if kind in stalls and not self._one_shot else Severity.WARNING

    def _said(self, message: str, kind: str, stalls: frozenset[str] = _STALLS) -> str:
        """The message with the reason a finding is only a warning."""
        if self._tier(kind, stalls) is Severity.ERROR:
            return message
        if self._one_shot:
            return f"{message} Warning only: a one-shot script's coroutine (`asyncio.run`), nothing else waits."
        return f"{message} Warning only: {'small local file I/O' if kind == FILE else 'a call away, no sleep or network'}."


def _one_shot_script(ctx: Context) -> bool:
    """A module run as a program (a script path, a `#!` line or a `__main__` block) that starts
    its coroutines with `asyncio.run(...)`: a one-shot command line whose loop serves no one else."""
    program = (codekind.path_kind(ctx.source.path) in codekind.SCRIPT_KINDS or ctx.source.text.startswith("#!")
               or any(is_main_guard(stmt) for stmt in ctx.tree.body))
    return program and any(isinstance(n, ast.Call) and ctx.qualname(n.func) in _RUNNERS for n in ast.walk(ctx.tree))


def _never_runs(ctx: Context) -> bool:
    """Inside the branch of an `if True:` / `if False:` that cannot run: code generated from a
    sync twin keeps the sync call in an `else:` that only documents it."""
    for parent, child in zip(ctx.stack, ctx.stack[1:]):
        if isinstance(parent, ast.If) and isinstance(parent.test, ast.Constant):
            if child in (parent.orelse if parent.test.value else parent.body):
                return True
    return False


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
    """Finds `threading.Lock`, `RLock`, `Semaphore` or `Condition` objects created or acquired inside
    `async def`, or held with `with` across an `await`. A lock held briefly without awaiting is
    left alone: it is how coroutines share state with threads, where an asyncio lock cannot help."""

    code = "ASY002"
    name = "thread-lock-in-async"
    family = "async"
    severity = Severity.ERROR
    message = "threading lock used inside `async def`: waiting for it blocks the event loop."
    fix_hint = "Use asyncio.Lock / asyncio.Semaphore / asyncio.Condition (with `async with`)."
    pattern = "async-locks"
    default_on = False
    why = ("A thread lock waits by blocking the thread; in a coroutine that thread is the event loop, so "
           "one waiting task freezes all of them, and holding it across `await` can deadlock the loop.")
    instead = "`lock = asyncio.Lock()` and `async with lock:` in coroutines."
    VALID = (
        "import asyncio\nlock = asyncio.Lock()\nasync def f():\n    async with lock:\n        pass\n",
        "import threading\nlock = threading.Lock()\ndef f():\n    with lock:\n        pass\n",
        "import threading\nlock = threading.Lock()\nasync def f(items):\n    with lock:\n        items.append(1)\n"
        "    await g()\n",
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
        if ctx.in_async and any(isinstance(n, _SUSPENDS) for n in walk_local(node.body)):
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
#: The last names of every call ASY003 judges (a call named otherwise is not resolved at all).
_TIMEOUT_CALLS = _HTTP_VERBS | {"urlopen", "ClientSession", "Client", "AsyncClient"}


def _keyword(node: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in node.keywords if kw.arg == name), None)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class NetworkWithoutTimeout(Rule):
    """Finds network calls that can wait forever: `requests` calls without `timeout=`, `urlopen`
    without a timeout, and httpx calls or clients and `aiohttp.ClientSession` given `timeout=None`
    (httpx's own default is 5 seconds and aiohttp's 5 minutes, so a missing timeout there is fine).
    Code that runs only as a program (under `if __name__ == "__main__":`) is left alone: its user
    sees a hang and interrupts it."""

    code = "ASY003"
    #: Opt-in for `check`, on for new code (``NEW_CODE_RULES``): 2 of 6 findings right in five held-out rounds
    #: (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "network-without-timeout"
    family = "async"
    severity = Severity.WARNING
    message = "Network call without a timeout: a silent peer hangs this call forever."
    fix_hint = "Pass an explicit timeout, e.g. `timeout=10`."
    pattern = "network-timeouts"
    ruff = ("S113",)
    why = ("Networks fail by going quiet. Without a timeout a request to a stalled server never "
           "returns, and the worker, request or task that made it is lost with it.")
    instead = "`requests.get(url, timeout=10)`; `urlopen(url, timeout=10)`; `aiohttp.ClientSession(timeout=ClientTimeout(total=30))`."
    exempt_in = frozenset({"tests", "scripts"})  # a maintainer's script hangs in front of its user
    VALID = (
        "import requests\nrequests.get('https://x', timeout=5)\n",
        "from collections import defaultdict\ndef f(key):\n    requests = defaultdict(list)\n    return requests.get(key)\n",
        "import httpx\nhttpx.get('https://x')\n",
        "import requests\nrequests.post('https://x', **options)\n",
        "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        pass\n",
        "if __name__ == '__main__':\n    from urllib.request import urlopen\n    def update():\n"
        "        return urlopen('https://www.lua.org/manual/').read()\n    update()\n",
    )
    INVALID = (
        Invalid("import requests\nrequests.get('https://x')\n", 2, 1),
        Invalid("from requests import post as send\nsend('https://x', json={})\n", 2, 1),
        Invalid("from urllib.request import urlopen\nurlopen('https://x')\n", 2, 1),
        Invalid("import httpx\nclient = httpx.Client(timeout=None)\n", 2, 10),
        Invalid("import aiohttp\nasync def f():\n    async with aiohttp.ClientSession(timeout=None) as s:\n        pass\n", 3, 16),
    )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if called_name(node) not in _TIMEOUT_CALLS and not isinstance(node.func, ast.Name):
            return  # most method calls: no need to ask what they are (a plain name may be an alias)
        if ctx.in_script_code:
            return  # a maintainer's `if __name__ == "__main__":` refresh script hangs in front of its user
        name = ctx.resolve(node.func) or ""  # what the name is, not how it is spelled
        if any(kw.arg is None for kw in node.keywords):
            return  # **kwargs may carry the timeout
        timeout = _keyword(node, "timeout")
        module, _, verb = name.rpartition(".")
        if module == "requests" and verb in _HTTP_VERBS:
            missing = timeout is None or _is_none(timeout.value)
        elif name == "urllib.request.urlopen":
            missing = (timeout is None and len(node.args) < 3) or (timeout is not None and _is_none(timeout.value))
        elif name == "aiohttp.ClientSession":  # aiohttp's default is a 5-minute total timeout
            missing = timeout is not None and _is_none(timeout.value)
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


def _returns_value(handler: ast.ExceptHandler) -> bool:
    """The handler returns a result (not None): the caller takes the cancelled task for a finished one."""
    return any(isinstance(n, ast.Return) and n.value is not None and not _is_none(n.value)
               for n in walk_local(handler.body))


def _hands_on(handler: ast.ExceptHandler, ctx: Context) -> bool:
    """The handler passes the exception on: to any call (a converter that re-raises, a future, a
    queue, `Error(exc)` in a holder), by assignment, or through sys.exc_info(); or it absorbs the
    cancellation explicitly with ``uncancel()``."""
    name = handler.name
    for node in walk_local(handler.body):
        if isinstance(node, ast.Call):
            if ctx.qualname(node.func) == "sys.exc_info":
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr == "uncancel":
                return True  # the documented way to acknowledge and absorb a cancellation
            arguments = [*node.args, *(kw.value for kw in node.keywords)]
            if name and any(isinstance(a, ast.Name) and a.id == name for arg in arguments for a in ast.walk(arg)):
                return True
        elif isinstance(node, ast.Assign) and name and isinstance(node.value, ast.Name) and node.value.id == name:
            return True
    return False


class SwallowedCancellation(Rule):
    """Finds `except` clauses inside `async def` that catch `asyncio.CancelledError`, `BaseException`
    or everything around an `await`, and neither re-raise nor hand the exception on (to a future,
    a variable, a queue), and then go on working: inside a loop, or with more statements after
    the `try`. A coroutine whose `try` is its last statement simply ends when cancelled, and
    reaping a task the function cancelled itself (`task.cancel(); await task`) is allowed."""

    code = "ASY004"
    name = "swallowed-cancellation"
    family = "async"
    severity = Severity.ERROR
    message = "Cancellation swallowed: this task ignores `cancel()` and its caller waits forever."
    fix_hint = "Re-raise CancelledError after cleanup (`except asyncio.CancelledError: ...; raise`)."
    pattern = "cancellation"
    default_on = False
    why = ("asyncio stops a task by raising CancelledError inside it. A handler that swallows it turns "
           "timeouts, shutdown and TaskGroup error handling into hangs or half-finished work.")
    instead = "Clean up in `finally`, or catch `Exception` (which excludes CancelledError), and re-raise cancellation."
    exempt_in = frozenset({"tests"})
    #: A bare `except:` around an await is ERR002's too; in a coroutine the cancellation it
    #: swallows is the cause that matters, and the message names the bare clause.
    covers = frozenset({"ERR002"})
    BARE = (" The bare `except:` catches it (and KeyboardInterrupt, SystemExit): `except Exception:` lets it through "
            "and still catches the errors.")
    VALID = (
        "import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n"
        "        await cleanup()\n        raise\n",
        "async def f():\n    try:\n        await g()\n    except Exception:\n        pass\n",
        "import asyncio\nasync def stop(task):\n    task.cancel()\n    try:\n        await task\n"
        "    except asyncio.CancelledError:\n        pass\n",
        "import asyncio\nasync def f(task):\n    try:\n        task.result()\n    except asyncio.CancelledError:\n"
        "        pass\n",
        "async def f(fut):\n    try:\n        await g()\n    except BaseException as exc:\n        fut.set_exception(exc)\n",
        "async def f(sock):\n    try:\n        await sock.recv(1)\n    except BaseException as exc:\n"
        "        convert_error(exc)\n",
        "import asyncio\nasync def worker(queue):\n    try:\n        while True:\n            await queue.get()\n"
        "    except asyncio.CancelledError:\n        return None\n",
        "import asyncio\nclass Poller:\n    async def stop(self):\n        self._task.cancel()\n"
        "        try:\n            await self._task\n        except asyncio.CancelledError:\n            pass\n",
        "import asyncio\nasync def flush_every(buffer, seconds):\n    while True:\n        try:\n"
        "            await asyncio.sleep(seconds)\n        except asyncio.CancelledError:\n            break\n"
        "        buffer.flush()\n",
    )
    INVALID = (
        Invalid("import asyncio\nasync def f():\n    while True:\n        try:\n            await g()\n"
                "        except asyncio.CancelledError:\n            continue\n", 6, 9),
        Invalid("async def f():\n    try:\n        await g()\n    except BaseException:\n        log.exception('x')\n"
                "    await h()\n", 4, 5),
        Invalid("import asyncio\nasync def stubborn():\n    try:\n        await asyncio.sleep(10)\n"
                "    except asyncio.CancelledError:\n        return 'kept going'\n", 5, 5),
        Invalid("import asyncio\nasync def poll(source, sink):\n    while True:\n        try:\n"
                "            item = await source.get()\n        except asyncio.CancelledError:\n            break\n"
                "        sink.append(item)\n    await sink.upload()\n", 6, 9),
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
            if (self._ends_here(node, ctx) and not _returns_value(handler)) or self._breaks_to_end(node, handler, ctx):
                continue  # the task simply ends when cancelled: nothing runs on as if it were not
            if cancelled_here is None:
                cancelled_here = _cancelled_names(ctx.function)
            if self._awaits_cancelled(node, cancelled_here):
                continue  # the idiom for reaping a task this function cancelled itself
            ctx.report(self, handler, end=handler.type or None,
                       message=self.message + self.BARE if handler.type is None else None)

    visit_TryStar = visit_Try

    @staticmethod
    def _breaks_to_end(node: ast.Try, handler: ast.ExceptHandler, ctx: Context) -> bool:
        """The handler leaves its loop with `break` (after a log line at most), and that loop is
        the coroutine's last statement: a periodic task whose `cancel()` ends it, as asked."""
        *said, last = handler.body
        if not isinstance(last, ast.Break) or not all(isinstance(s, (ast.Expr, ast.Pass)) for s in said):
            return False
        depth = next((i for i in range(len(ctx.stack) - 1, -1, -1)
                      if isinstance(ctx.stack[i], (ast.For, ast.AsyncFor, ast.While))), None)
        if depth is None or any(isinstance(n, ast.Break) for n in walk_local(node.body)):
            return False
        return SwallowedCancellation._last_in(ctx.stack[depth], ctx.stack[:depth], ctx.function)

    @staticmethod
    def _last_in(node: ast.AST, stack: list[ast.AST], function: ast.AST | None) -> bool:
        """``node`` is the last statement of each block up to ``function``, outside any loop."""
        current = node
        for parent in reversed(stack):
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
                return False
            block = next((b for b in (getattr(parent, f, None) for f in ("body", "orelse", "finalbody"))
                          if isinstance(b, list) and current in b), None)
            if block is None or block[-1] is not current:
                return False
            if parent is function:
                return True
            current = parent
        return False

    @staticmethod
    def _ends_here(node: ast.Try, ctx: Context) -> bool:
        """The `try` is the coroutine's last statement, outside any loop: after the handler the
        coroutine returns (blocks such as `with` or `if` that end the function count as last)."""
        return SwallowedCancellation._last_in(node, ctx.stack, ctx.function)

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


_SPAWNERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task",
                       "asyncio.tasks.ensure_future"})
#: Posts a coroutine to a loop in another thread; its exception lives only in the returned future.
_THREADSAFE = frozenset({"asyncio.run_coroutine_threadsafe", "asyncio.tasks.run_coroutine_threadsafe"})


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
    result is thrown away, and discarded `asyncio.run_coroutine_threadsafe(...)` futures (the
    posted coroutine's exception is kept only in that future, so it vanishes). A sync method or
    finalizer that schedules the object's own close is left alone: best-effort cleanup."""

    code = "ASY005"
    #: Opt-in for `check`, on for new code (``NEW_CODE_RULES``): 14 of 26 findings right in five held-out rounds: tasks that report their own errors
    #: (bench/labels/rules_precision_issue23*.md).
    default_on = False
    name = "fire-and-forget-task"
    family = "async"
    severity = Severity.WARNING
    message = "Task result not kept: the event loop holds only a weak reference, so it may vanish mid-run."
    fix_hint = "Keep a reference (a set you discard from on completion) or use asyncio.TaskGroup."
    pattern = "task-lifetimes"
    exempt_in = frozenset({"tests"})
    ruff = ("RUF006",)
    why = ("The loop keeps only weak references to tasks: an unreferenced task can be garbage-collected "
           "before it finishes, and its exception is never seen by anyone.")
    instead = "`async with asyncio.TaskGroup() as tg: tg.create_task(job())`, or keep tasks in a set."
    VALID = (
        "import asyncio\nasync def f():\n    task = asyncio.create_task(job())\n    await task\n",
        "async def f(tg):\n    tg.create_task(job())\n",
        "import asyncio\nasync def f(tasks):\n    task = asyncio.create_task(job())\n    tasks.add(task)\n",
        "import asyncio\ntask = asyncio.ensure_future(job())\n",
        "import asyncio\ndef post(loop):\n    return asyncio.run_coroutine_threadsafe(job(), loop).result(5)\n",
        "import asyncio\ndef post(loop):\n    future = asyncio.run_coroutine_threadsafe(job(), loop)\n"
        "    future.add_done_callback(report)\n",
        # best-effort cleanup from a finalizer or a sync close(): no caller is left to await it
        "import asyncio\nclass Connection:\n    def __del__(self):\n        asyncio.ensure_future(self.close())\n",
        "import asyncio\nclass File:\n    def close(self):\n"
        "        asyncio.run_coroutine_threadsafe(self._close(), self.loop)\n",
    )
    INVALID = (
        Invalid("import asyncio\nasync def f():\n    asyncio.create_task(job())\n", 3, 5),
        Invalid("import asyncio\ndef f(loop):\n    loop.create_task(job())\n", 3, 5),
        Invalid("import asyncio\nasync def f():\n    task = asyncio.create_task(job())\n    return 1\n", 3, 12),
        Invalid("import asyncio\nasync def f():\n    task: asyncio.Task = asyncio.create_task(job())\n", 3, 26),
        Invalid("import asyncio\ndef post(loop):\n    asyncio.run_coroutine_threadsafe(job(), loop)\n", 3, 5),
        Invalid("from asyncio import run_coroutine_threadsafe as post\ndef f(loop):\n    post(job(), loop)\n", 3, 5),
        # an async method can await its own close: dropping the task there loses its errors
        Invalid("import asyncio\nclass Pool:\n    async def stop(self):\n        asyncio.create_task(self.close())\n", 4, 9),
    )

    def visit_Expr(self, node: ast.Expr, ctx: Context) -> None:
        if isinstance(node.value, ast.Call) and _spawns(node.value, ctx) and not _expects_error(ctx) and not (
                _teardown(node.value, ctx)):
            threadsafe = ctx.resolve(node.value.func) in _THREADSAFE
            ctx.report(self, node.value, message=(
                "`run_coroutine_threadsafe` future dropped: an exception in the posted coroutine is never seen."
                if threadsafe else None))

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        """`task = create_task(...)` in a function that never reads `task`: the only reference dies
        with the frame, as if the result had been dropped."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        call = node.value
        if (len(targets) != 1 or not isinstance(targets[0], ast.Name) or not ctx.functions
                or not isinstance(call, ast.Call) or not _spawns(call, ctx) or _expects_error(ctx)):
            return
        name = targets[0].id
        for inner in ast.walk(ctx.functions[-1]):
            if (isinstance(inner, ast.Name) and inner.id == name and not isinstance(inner.ctx, ast.Store)) or (
                    isinstance(inner, (ast.Global, ast.Nonlocal)) and name in inner.names):
                return
        ctx.report(self, call)

    visit_AnnAssign = visit_Assign


#: Coroutines that release what an object holds: scheduling one from a sync `close()` or a
#: finalizer is best-effort cleanup with no caller left to hand the task or its error to.
_CLOSERS = frozenset({"close", "aclose", "_close", "_aclose", "shutdown", "_shutdown", "disconnect", "_disconnect"})


def _teardown(call: ast.Call, ctx: Context) -> bool:
    """The spawned coroutine closes the object itself (`self.close()`, `self._close()`), from a
    sync method or `__del__`: fire-and-forget is all a sync caller can do."""
    coroutine = call.args[0] if call.args else None
    if not (isinstance(coroutine, ast.Call) and isinstance(coroutine.func, ast.Attribute)):
        return False
    owner = coroutine.func.value
    return (coroutine.func.attr in _CLOSERS and isinstance(owner, ast.Name) and owner.id == "self"
            and not ctx.in_async)


def _spawns(call: ast.Call, ctx: Context) -> bool:
    """A call that starts a task the loop holds only weakly: asyncio's spawners, or `create_task`
    on something that is evidently an event loop."""
    if called_name(call) not in ("create_task", "ensure_future", "run_coroutine_threadsafe") and not isinstance(
            call.func, ast.Name):
        return False  # an alias (`from asyncio import create_task as spawn`) is a plain name: asked below
    if ctx.resolve(call.func) in _SPAWNERS | _THREADSAFE:
        return True
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "create_task"):
        return False
    receiver = call.func.value
    label = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    is_loop = isinstance(receiver, ast.Call) and (ctx.qualname(receiver.func) or "").endswith("_event_loop")
    return is_loop or "loop" in label.lower()


RULES: tuple[type[Rule], ...] = (
    BlockingCallInAsync, ThreadLockInAsync, NetworkWithoutTimeout, SwallowedCancellation, FireAndForgetTask,
)
