"""What one module contributes to the leftovers question, read in one walk of its tree.

Deciding that something is unused needs the whole project, but each module's part of the
answer (what it defines, what names and modules it refers to, what it calls out to) depends on
that module alone. So the facts are computed per file and kept by content hash: a warm call
re-reads only the files that changed, and the project-wide decisions are cheap set lookups.

References are collected generously on purpose. A name counts as used when it appears as a
name, an attribute, an imported name, an ``__all__`` entry or a word in a string (``getattr``,
entry points, settings modules): a leftover we miss costs little, live code we call dead costs
the user's trust.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from pattern_warden import budget
from pattern_warden.codekind import Kind, kind_of
from pattern_warden.model.project import module_name
from pattern_warden.rules.engine import PARALLEL_MIN_FILES
from pattern_warden.source import SourceFile
from pattern_warden.workers import WORKERS, worker_pool

#: Decorators that do not register their function anywhere: a function carrying only these is
#: still dead when nothing names it. Any other decorator may register it (routes, fixtures,
#: signal handlers, CLI commands), so it is live.
INERT_DECORATORS = frozenset({
    "staticmethod", "classmethod", "property", "cached_property", "wraps", "lru_cache", "cache",
    "abstractmethod", "override", "final", "overload", "dataclass", "total_ordering", "setter",
    "getter", "deleter", "contextmanager", "asynccontextmanager", "singledispatch",
})
#: Calls that reach the network, for telling a wrapper of a service from a constant that names it.
HTTP_MODULES = ("requests", "httpx", "aiohttp", "urllib.request", "urllib3", "http.client", "grpc")
_URL = re.compile(r"^(https?|wss?)://([A-Za-z0-9.-]+)(?::\d+)?(/[^\s?#]*)?$")
_NOT_SERVICES = re.compile(
    r"(^|\.)(example\.(com|org|net)|localhost|127\.0\.0\.1|0\.0\.0\.0|w3\.org|json-schema\.org|"
    r"schemas?\.[a-z.]+|python\.org|github\.com|readthedocs\.io|pypi\.org|xml\.org|purl\.org)$"
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FACTS_KEPT = 20_000


@dataclass(frozen=True)
class Definition:
    """A function, class or method the module defines."""

    name: str
    qualname: str
    kind: str  # "function" | "class" | "method"
    line: int
    end_line: int
    registered: bool  # carries a decorator that may register it
    class_bases: tuple[str, ...] = ()  # for classes: base names as written; for methods: the owner's
    deprecated: bool = False  # kept on purpose until a planned removal (warns, or @deprecated)


@dataclass
class ModuleFacts:
    """One module's definitions, references and outward calls."""

    path: str
    module: str
    is_script: bool = False
    defines_all: bool = False
    all_names: frozenset[str] = frozenset()
    definitions: list[Definition] = field(default_factory=list)
    names: frozenset[str] = frozenset()  # names and attributes read, and imported names
    words: frozenset[str] = frozenset()  # string constants that are identifiers, or parts of dotted paths
    prefixes: frozenset[str] = frozenset()  # identifier strings ending in "_": names built at run time
    strings: frozenset[str] = frozenset()  # whole string constants that look like dotted paths
    imports: frozenset[str] = frozenset()  # absolute dotted modules imported (and their "from" names)
    unreachable: list[tuple[int, int, str]] = field(default_factory=list)  # (line, end, after what)
    services: frozenset[str] = frozenset()  # hosts (and host/first-segment) of URL constants
    endpoints: frozenset[str] = frozenset()  # path constants such as "/v1/users"
    clients: frozenset[str] = frozenset()  # SDK client constructors called, as dotted names + first arg
    calls_network: bool = False
    parsed: bool = True
    kind: Kind = Kind.PRODUCT  # what the file is for (codekind: tests, generated, docs ... or product)


def module_names(paths: list[str], packages: frozenset[str], root_package: str = "") -> list[str]:
    """The dotted names the modules at ``paths`` are imported by. ``packages`` holds the folders
    (relative, POSIX; the root is ``.``) that contain an ``__init__.py``; the project model's
    ``module_name`` names them, so dead-code facts and the model agree on every module's name.
    When the root itself is a package (a user pointed us at ``django/``), its name,
    ``root_package``, heads every module's name, as the package's own imports spell it."""
    files = frozenset("__init__.py" if folder == "." else f"{folder}/__init__.py" for folder in packages)
    return [module_name(path, files, root_package)[0] for path in paths]


_cache: OrderedDict[tuple[str, str, str], ModuleFacts] = OrderedDict()


def facts_of_many(pairs: list[tuple[SourceFile, str]]) -> tuple[list[ModuleFacts], int]:
    """Facts of many modules, in order, and how many had to be read: cached ones come from memory,
    the rest are read in worker processes when there are enough of them to pay for starting them."""
    missing = [(source, module) for source, module in pairs
               if (source.digest, source.path, module) not in _cache]
    if len(missing) >= PARALLEL_MIN_FILES:
        size = max(16, len(missing) // (WORKERS * 4))
        with worker_pool() as pool:  # a spent budget cancels the chunks not started
            futures = [pool.submit(_read_chunk, [(s.bare(), m) for s, m in missing[i:i + size]])
                       for i in range(0, len(missing), size)]
            read: list[ModuleFacts] = []
            for future in futures:
                read.extend(future.result())
                budget.check()
        for (source, module), facts in zip(missing, read, strict=True):
            _remember((source.digest, source.path, module), facts)
    return [facts_of(source, module) for source, module in pairs], len(missing)


def remember_all(known: dict[tuple[str, str, str], ModuleFacts]) -> None:
    """Take facts read by an earlier process (``persist``) into the cache, keeping newer ones."""
    for key, facts in known.items():
        if key not in _cache:
            _remember(key, facts)


def _read_chunk(pairs: list[tuple[SourceFile, str]]) -> list[ModuleFacts]:
    """In a worker: the facts of one chunk of modules."""
    return [_read(source, module) for source, module in pairs]


def _remember(key: tuple[str, str, str], facts: ModuleFacts) -> None:
    _cache[key] = facts
    while len(_cache) > _FACTS_KEPT:
        _cache.popitem(last=False)


def is_known(source: SourceFile, module: str) -> bool:
    """Whether the facts of this content under this name are in memory (read or recalled)."""
    return (source.digest, source.path, module) in _cache


def facts_of(source: SourceFile, module: str) -> ModuleFacts:
    """The module's facts, from the cache when this content was read before under this name."""
    key = (source.digest, source.path, module)
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    facts = _read(source, module)
    _remember(key, facts)
    return facts


def _read(source: SourceFile, module: str) -> ModuleFacts:
    facts = ModuleFacts(path=source.path, module=module)
    tree = source.tree or source.partial_tree
    facts.kind = kind_of(source.path, source.text, tree)
    if tree is None:
        facts.parsed = False
        return facts
    walker = _Walker(facts, module, source.path.endswith("__init__.py"),
                     may_warn="DeprecationWarning" in source.text or "FutureWarning" in source.text)
    walker.walk(tree)  # first: the imports resolve the class bases the definitions record
    walker.visit_body(tree.body, prefix="", owner=None)
    facts.names = frozenset(walker.names)
    facts.words = frozenset(walker.words)
    facts.prefixes = frozenset(walker.prefixes)
    facts.strings = frozenset(walker.strings)
    facts.imports = frozenset(walker.imports)
    facts.services = frozenset(walker.services)
    facts.endpoints = frozenset(walker.endpoints)
    facts.clients = frozenset(walker.clients)
    facts.calls_network = any(m == h or m.startswith(h + ".") for m in walker.imports for h in HTTP_MODULES)
    facts.unreachable = walker.unreachable
    return facts


def _decorator_name(node: ast.expr) -> str:
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class _Walker:
    """Collects definitions (scoped) and references (anywhere) of one module."""

    def __init__(self, facts: ModuleFacts, module: str, is_package: bool, may_warn: bool = True) -> None:
        self.facts = facts
        self.may_warn = may_warn  # the text names a deprecation warning somewhere: worth looking for it
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.names: set[str] = set()
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.strings: set[str] = set()
        self.imports: set[str] = set()
        self.aliases: dict[str, str] = {}  # local name -> dotted module or module.name it stands for
        self.services: set[str] = set()
        self.endpoints: set[str] = set()
        self.clients: set[str] = set()
        self.unreachable: list[tuple[int, int, str]] = []

    def _unreachable(self, node: ast.AST) -> None:
        """Statements after a return, raise, continue, break or endless loop in the same block."""
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block[:-1]):
                if isinstance(stmt, _ENDS_BLOCK) or _endless(stmt):
                    rest = block[i + 1:]
                    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for r in rest for n in ast.walk(r)):
                        break  # `return` then `yield`: the idiom that makes an empty generator
                    what = "the endless loop" if isinstance(stmt, ast.While) else type(stmt).__name__.lower()
                    self.unreachable.append((rest[0].lineno, rest[-1].end_lineno or rest[-1].lineno,
                                             f"{what} on line {stmt.lineno}"))
                    break

    def visit_body(self, body: list[ast.stmt], prefix: str, owner: ast.ClassDef | None) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._define(node, prefix, owner)
            elif isinstance(node, ast.If) and _is_main_guard(node.test):
                self.facts.is_script = True
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and owner is None:
                self._maybe_all(node)
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        self.visit_body([child], prefix, owner)
                for handler in getattr(node, "handlers", []):
                    self.visit_body(handler.body, prefix, owner)

    def _define(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, prefix: str,
                owner: ast.ClassDef | None) -> None:
        decorators = [_decorator_name(d) for d in node.decorator_list]
        registered = any(name not in INERT_DECORATORS for name in decorators)
        deprecated = "deprecated" in decorators or (self.may_warn and _warns_deprecation(node))
        qualname = prefix + node.name
        line = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        end = node.end_lineno or node.lineno
        if isinstance(node, ast.ClassDef):
            bases = self._bases(node) + tuple(k.arg or "" for k in node.keywords if k.arg == "metaclass")
            if prefix == "" or owner is None:
                self.facts.definitions.append(Definition(node.name, qualname, "class", line, end, registered, bases,
                                                          deprecated))
            self.visit_body(node.body, qualname + ".", node)
            return
        if owner is not None:
            bases = self._bases(owner)
            self.facts.definitions.append(Definition(node.name, qualname, "method", line, end, registered, bases,
                                                      deprecated))
        elif "." not in qualname:
            self.facts.definitions.append(Definition(node.name, qualname, "function", line, end, registered,
                                                      deprecated=deprecated))
        # nested functions are judged with their enclosing function, not alone

    def _bases(self, node: ast.ClassDef) -> tuple[str, ...]:
        """Each base as the dotted name it was imported by (``logging.Formatter``), or as written
        when the module defines it; "?" for an expression (``make_base()``)."""
        found = []
        for base in node.bases:
            dotted = _dotted(base)
            if dotted is None:
                found.append("?")
                continue
            head, _, rest = dotted.partition(".")
            resolved = self.aliases.get(head)
            found.append(f"{resolved}.{rest}" if resolved and rest else resolved or dotted)
        return tuple(found)

    def _maybe_all(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return
        self.facts.defines_all = True
        value = node.value
        found = {n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)} \
            if value is not None else set()
        self.facts.all_names = self.facts.all_names | frozenset(found)

    def walk(self, tree: ast.Module) -> None:
        """Visit every node once, dispatching on its type (a third of ``ast.walk`` + isinstance chains)."""
        handlers = {
            ast.Name: self._name, ast.Attribute: self._attribute, ast.Import: self._import,
            ast.ImportFrom: self._import_from, ast.Constant: self._constant, ast.Call: self._call,
            ast.keyword: self._keyword,
        }
        blocks = _HAS_BODY
        self.docstrings: set[int] = set()
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind in _DOC_OWNERS and (body := node.body) and type(body[0]) is ast.Expr \
                    and type(body[0].value) is ast.Constant:  # noted before its children are visited
                self.docstrings.add(id(body[0].value))
            handler = handlers.get(kind)
            if handler is not None:
                handler(node)
            if kind in blocks:
                self._unreachable(node)
            for field in node._fields:
                value = getattr(node, field, None)
                if isinstance(value, list):
                    stack.extend(v for v in value if isinstance(v, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append(value)

    def _name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def _attribute(self, node: ast.Attribute) -> None:
        self.names.add(node.attr)

    def _keyword(self, node: ast.keyword) -> None:
        if node.arg:
            self.names.add(node.arg)

    def _constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self.docstrings:
            self._string(node.value)

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.imports.add(alias.name)
            self.names.update(alias.name.split("."))
            head = alias.name.split(".")[0]
            self.aliases[alias.asname or head] = alias.name if alias.asname else head

    def _import_from(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node)
        if base:
            self.imports.add(base)
        for alias in node.names:
            self.names.add(alias.name)
            if base:
                self.imports.add(f"{base}.{alias.name}")
                self.aliases[alias.asname or alias.name] = f"{base}.{alias.name}"

    def _absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        parts = self.package.split(".") if self.package else []
        if node.level > 1:
            parts = parts[: len(parts) - (node.level - 1)]
        return ".".join([*parts, *([node.module] if node.module else [])])

    def _string(self, value: str) -> None:
        """Strings that may name code: a bare identifier (``getattr(obj, "name")``), a prefix of
        one (``"visit_" + kind``), a dotted or colon path (entry points, settings), and any word
        of a command or template string (``"cursorDown calcTopCursorY"``, ``"{threadStatus}"``).
        Docstrings are prose about the code and name nothing."""
        stripped = value.strip()
        if not stripped:
            return
        if stripped.isidentifier():
            (self.prefixes if stripped.endswith("_") else self.words).add(stripped)
        elif len(stripped) <= 2000:
            self.words.update(_WORD.findall(stripped))
            if " " not in stripped and ("." in stripped or ":" in stripped):
                self.strings.add(stripped.replace(":", "."))
        match = _URL.match(stripped)
        if match:
            host = match.group(2).lower()
            if not _NOT_SERVICES.search(host):
                self.services.add(host)
        elif stripped.startswith("/") and re.fullmatch(r"(/[A-Za-z0-9_.{}:-]+){1,8}/?", stripped):
            self.endpoints.add(stripped.rstrip("/"))

    def _call(self, node: ast.Call) -> None:
        callee = _dotted(node.func)
        if not callee:
            return
        head, _, rest = callee.partition(".")
        resolved = self.aliases.get(head)
        if resolved is None:
            return
        full = f"{resolved}.{rest}" if rest else resolved
        last = full.rsplit(".", 1)[-1]
        top = full.split(".")[0]
        if top in _NOT_SDKS or not re.search(r"(Client|client|Session|Api|API|Connection|Resource|resource)$", last):
            return
        first = node.args[0] if node.args else None
        arg = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        self.clients.add(f"{full}({arg})" if arg else full)


#: Libraries whose clients are transports, not one service: two modules using httpx are not
#: two wrappers of the same API.
_NOT_SDKS = frozenset({
    "requests", "httpx", "aiohttp", "urllib", "urllib3", "http", "socket", "ssl", "asyncio", "grpc",
    "sqlite3", "xmlrpc", "ftplib", "smtplib", "imaplib", "poplib", "telnetlib", "websockets",
})


def _warns_deprecation(node: ast.AST) -> bool:
    """Whether a definition's own body warns that it is deprecated (a planned removal, not a leftover)."""
    body = getattr(node, "body", [])
    for stmt in body[:4]:
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.Name) and inner.id in ("DeprecationWarning", "PendingDeprecationWarning",
                                                            "FutureWarning"):
                return True
            if isinstance(inner, ast.Attribute) and inner.attr.endswith("DeprecationWarning"):
                return True
    return False


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators))


_DOC_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_OWN_SCOPE = (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _endless(stmt: ast.stmt) -> bool:
    """A ``while True:`` loop that no ``break`` of its own leaves: nothing after it runs."""
    if not (isinstance(stmt, ast.While) and isinstance(stmt.test, ast.Constant) and stmt.test.value
            and not stmt.orelse):
        return False
    stack: list[ast.AST] = list(stmt.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return False
        if not isinstance(node, _OWN_SCOPE):  # a break in a nested loop leaves that loop only
            stack.extend(ast.iter_child_nodes(node))
    return True
_HAS_BODY = frozenset((ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, ast.ExceptHandler, ast.match_case, ast.Module) + (
    (ast.TryStar,) if hasattr(ast, "TryStar") else ()))
