"""What a rule is, and what it sees while the engine walks a file.

A rule is a small class in the style of Fixit: its code, name, family, severity, message, fix
hint and pattern, its own VALID and INVALID examples (which the test suite turns into tests),
and ``visit_<NodeType>`` methods that the engine calls during its single traversal of the
file. Rules never walk the tree themselves (that would multiply the cost by the number of
rules); they read what the engine keeps for them on the ``Context``: the enclosing functions,
loops, handlers and classes, the file's imports, and the parent of the node being visited.
"""

from __future__ import annotations

import ast
import enum
import io
import tokenize
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pattern_warden.astwalk import is_main_guard
from pattern_warden.model import ProjectModel
from pattern_warden.model.build import model_for
from pattern_warden.ruffconfig import ignores
from pattern_warden.source import NEWLINE, SourceFile

PATTERN_PREFIX = "warden://patterns/"
RULE_PREFIX = "warden://rules/"


class Severity(enum.IntEnum):
    """Ordered so that a floor is a comparison: info < warning < error."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lowercase name used in results and settings."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """The severity named by ``value`` (any case)."""
        return cls[value.upper()]


@dataclass(frozen=True)
class Invalid:
    """An INVALID example: the code, where the finding must start (1-based), and the fixed code."""

    code: str
    line: int
    column: int
    fixed: str | None = None


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """The edits that together repair one finding; applied as one unit or not at all."""

    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Options:
    """Thresholds a rule may read; filled from ``[tool.pattern-warden.rules]``, and the Ruff
    selectors the project's own Ruff configuration ignores (``ruffconfig``)."""

    max_complexity: int = 10
    max_statements: int = 50
    file_lines_warning: int = 600
    file_lines_error: int = 800
    ruff_ignored: frozenset[str] = frozenset()

    def defers(self, ruff_code: str) -> bool:
        """True when the project switched off the Ruff rule ``ruff_code`` that a finding mirrors."""
        return ignores(self.ruff_ignored, ruff_code)


@dataclass
class RawFinding:
    """What a rule reports: the engine adds the path, the suppression test and the model."""

    rule: Rule
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    severity: Severity
    fix: Fix | None = None
    measure: int | None = None


class Rule:
    """Base of every rule. Subclasses set the class attributes and define ``visit_*`` methods.

    The class docstring is the rule's "what it does"; ``why`` and ``instead`` complete the
    four-part documentation (with the first INVALID example as the example).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    message: ClassVar[str]
    fix_hint: ClassVar[str]
    pattern: ClassVar[str]
    why: ClassVar[str]
    instead: ClassVar[str]
    #: Path groups in which the rule does not apply: "tests" (tests, docs, examples, fixtures),
    #: "scripts" (scripts, __main__ and CLI modules) and "fixtures" (test data alone).
    exempt_in: ClassVar[frozenset[str]] = frozenset()
    fixable: ClassVar[bool] = False
    #: False for an opt-in rule: it runs only when its exact code is selected (like Ruff's
    #: preview rules), because its measured precision on unseen code is below 90%.
    default_on: ClassVar[bool] = True
    #: Ruff codes that report the same problem: `# noqa: <code>` suppresses this rule too.
    ruff: ClassVar[tuple[str, ...]] = ()
    #: What a finding is about, which decides its identity (``fingerprint.py``): "statement" (the
    #: code at its line), "scope" (the function or class it names) or "file" (the whole module).
    identity: ClassVar[Literal["statement", "scope", "file"]] = "statement"
    #: Rules whose finding at the very place of one of this rule's says the same cause less
    #: precisely (a bare `except:` that swallows cancellation is one problem, not two): the
    #: engine drops theirs where this rule reports, so the agent reads one finding per cause.
    covers: ClassVar[frozenset[str]] = frozenset()
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def __init__(self, options: Options) -> None:
        self.options = options

    @property
    def pattern_uri(self) -> str:
        """The pattern document that explains this rule's findings."""
        return PATTERN_PREFIX + self.pattern

    @classmethod
    def uri(cls) -> str:
        """This rule's documentation resource."""
        return RULE_PREFIX + cls.code

    def begin(self, ctx: Context) -> None:
        """Called once before the walk (whole-file rules report here)."""

    def end(self, ctx: Context) -> None:
        """Called once after the walk."""


_SCOPE_BARRIERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def dotted_parts(node: ast.expr) -> list[str] | None:
    """``a.b.c`` as ['a', 'b', 'c']; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


@dataclass
class Context:
    """The file being checked and where the walk is in it."""

    source: SourceFile
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    stack: list[ast.AST] = field(default_factory=list)
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = field(default_factory=list)
    classes: list[ast.ClassDef] = field(default_factory=list)
    handlers: list[ast.ExceptHandler] = field(default_factory=list)
    loop_depths: list[int] = field(default_factory=lambda: [0])
    findings: list[RawFinding] = field(default_factory=list)
    #: The project's model when the engine built one (see ``model``).
    project: ProjectModel | None = None
    #: The project's distribution name from its metadata (``Config.distribution``), if any.
    distribution: str | None = None
    _model: ProjectModel | None = None
    _line_starts: list[int] | None = None
    _exports: frozenset[str] | None | bool = False
    _entry_points: frozenset[str] | None = None
    _comments: dict[int, str] | None = None
    _bound: dict[ast.AST, frozenset[str]] = field(default_factory=dict)

    @property
    def in_script_code(self) -> bool:
        """Code that runs only when the file is executed as a program: a `#!` file, the body of
        `if __name__ == "__main__":`, or a function that block calls (a module's `main()`)."""
        if self.source.text.startswith("#!") or any(is_main_guard(node) for node in self.stack):
            return True
        if self._entry_points is None:
            self._entry_points = frozenset(
                n.func.id for stmt in self.tree.body if is_main_guard(stmt)
                for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            )
        return any(getattr(f, "name", None) in self._entry_points for f in self.functions)

    @property
    def exports(self) -> frozenset[str] | None:
        """The names in the module's literal ``__all__`` (None when it has none): the public API."""
        if self._exports is False:
            self._exports = module_exports(self.tree)
        return self._exports  # type: ignore[return-value]

    # -- where we are ------------------------------------------------------------------

    @property
    def parent(self) -> ast.AST | None:
        """The node whose child is being visited (None at the module)."""
        return self.stack[-1] if self.stack else None

    @property
    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
        """The innermost enclosing function or lambda (None at module level)."""
        return self.functions[-1] if self.functions else None

    @property
    def in_async(self) -> bool:
        """True when the innermost enclosing function is ``async def`` (a nested def resets it)."""
        return bool(self.functions) and isinstance(self.functions[-1], ast.AsyncFunctionDef)

    @property
    def in_loop(self) -> bool:
        """True inside a loop body or comprehension of the innermost function (or module)."""
        return self.loop_depths[-1] > 0

    @property
    def directly_in_class(self) -> ast.ClassDef | None:
        """The class whose body holds the node being visited, if any."""
        parent = self.parent
        return parent if isinstance(parent, ast.ClassDef) else None

    # -- names -------------------------------------------------------------------------

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the names an import statement binds, so calls resolve to dotted names."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self.imports[head] = head
        else:
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                self.imports[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name

    def qualname(self, node: ast.expr) -> str | None:
        """The dotted name an expression stands for, through the file's imports (or None)."""
        parts = dotted_parts(node)
        if parts is None:
            return None
        return ".".join([self.imports.get(parts[0], parts[0]), *parts[1:]])

    @property
    def model(self) -> ProjectModel:
        """The model to ask what names here mean: the project's, with this file's text laid over
        it when it changed since the build, or this file alone (made on first use)."""
        if self._model is None:
            self._model = model_for(self.source, self.tree, self.project)
        return self._model

    def resolve(self, node: ast.AST) -> str | None:
        """The qualified name ``node`` refers to at the walk's position (through imports,
        re-exports, assignments, annotations, bases and ``self`` attributes), or None when the
        code does not say. Unlike ``qualname`` it never takes a spelling for a meaning."""
        return self.model.resolve(self.source.path, node, self.stack)

    def type_of(self, node: ast.AST) -> str | None:
        """The type of the instance ``node`` holds at the walk's position, when the code shows it."""
        return self.model.type_of(self.source.path, node, self.stack)

    def is_builtin(self, name: str) -> bool:
        """True when ``name`` here means the builtin: not imported, and not bound by the module or
        any enclosing function (a parameter named `print`, a local `def open(...)`)."""
        if name in self.imports:
            return False
        return not any(name in self._names_bound(scope) for scope in [self.tree, *self.functions])

    def _names_bound(self, scope: ast.AST) -> frozenset[str]:
        if scope not in self._bound:
            names: set[str] = set()
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                args = scope.args
                names.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a)
            body = scope.body if isinstance(scope.body, list) else [scope.body]  # type: ignore[attr-defined]
            for node in walk_local(body):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
            self._bound[scope] = frozenset(names)
        return self._bound[scope]

    @property
    def comments(self) -> dict[int, str]:
        """Line -> comment text, tokenized on first use (only a few rules need comments)."""
        if self._comments is None:
            self._comments = comments(self.source.text)
        return self._comments

    # -- positions ---------------------------------------------------------------------

    def char_column(self, line: int, byte_column: int) -> int:
        """ast columns count UTF-8 bytes; findings and edits count characters."""
        lines = self.source.lines
        if not 0 < line <= len(lines):
            return byte_column
        text = lines[line - 1]
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))

    def offset(self, line: int, byte_column: int) -> int:
        """Character offset in the file text of an ast position."""
        if self._line_starts is None:
            text = self.source.text
            starts = [0, *(match.end() for match in NEWLINE.finditer(text))]
            if starts[-1] != len(text):
                starts.append(len(text))
            self._line_starts = starts
        return self._line_starts[line - 1] + self.char_column(line, byte_column)

    def node_span(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets of a node's source text."""
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def segment(self, node: ast.AST) -> str:
        """The source text of a node, exactly as written."""
        start, end = self.node_span(node)
        return self.source.text[start:end]

    # -- reporting ---------------------------------------------------------------------

    def report_at(self, rule: Rule, line: int, message: str, severity: Severity | None = None,
                  measure: int | None = None) -> None:
        """Record a finding about a whole line (file-level findings use line 1); ``measure`` is the
        size a scope finding is about (lines, complexity), so a review can tell "worse" from "same"."""
        width = len(self.source.lines[line - 1]) if 0 < line <= len(self.source.lines) else 0
        self.findings.append(RawFinding(rule, line, 1, line, width + 1, message, severity or rule.severity,
                                        measure=measure))

    def report(
        self,
        rule: Rule,
        node: ast.AST,
        message: str | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        end: ast.AST | tuple[int, int] | None = None,
        measure: int | None = None,
    ) -> None:
        """Record a finding spanning ``node``, or from ``node`` to ``end`` (a node or a line, byte column)."""
        line = getattr(node, "lineno", 1)
        if isinstance(end, tuple):
            end_line, end_byte = end
        else:
            last = end or node
            end_line = getattr(last, "end_lineno", None) or line
            end_byte = getattr(last, "end_col_offset", None) or 0
        self.findings.append(
            RawFinding(
                rule=rule,
                line=line,
                column=self.char_column(line, getattr(node, "col_offset", 0)) + 1,
                end_line=end_line,
                end_column=self.char_column(end_line, end_byte) + 1,
                message=message or rule.message,
                severity=severity or rule.severity,
                fix=fix,
                measure=measure,
            )
        )


#: Calls that release or tidy up: a failure in them is best-effort territory, not lost data.
CLEANUP_VERBS = frozenset({"close", "aclose", "release", "shutdown", "terminate", "kill", "unlink", "remove",
                           "rmtree", "cleanup", "disconnect", "stop", "join", "cancel", "free", "dispose",
                           "destroy", "__exit__", "flush", "detach", "wait", "rmdir"})


def called_name(call: ast.Call) -> str:
    """The last name of what a call calls: `close` for `self.fh.close()`, `remove` for `remove(p)`."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def comments(text: str) -> dict[int, str]:
    """Line -> the text of the real comment on it (``#`` inside a string does not count)."""
    try:
        return {
            tok.start[0]: tok.string
            for tok in tokenize.generate_tokens(io.StringIO(text).readline) if tok.type == tokenize.COMMENT
        }
    except (tokenize.TokenError, SyntaxError, RecursionError):
        return {n: line[line.index("#"):] for n, line in enumerate(text.splitlines(), 1) if "#" in line}


def module_exports(tree: ast.Module) -> frozenset[str] | None:
    """The names listed in a literal ``__all__``, or None when the module has none (or computes it)."""
    names: set[str] = set()
    found = False
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
            stmt, (ast.AugAssign, ast.AnnAssign)) else []
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            continue  # `__all__: list[str]` only declares the type
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            listed = _listed_names(stmt.value)  # type: ignore[union-attr]
            if listed is None:
                return None  # computed: we cannot tell, so everything not private counts as public
            found = True
            names.update(listed)
    return frozenset(names) if found else None


def _listed_names(value: ast.expr) -> list[str] | None:
    """The strings of a literal list or tuple, or of such literals joined by `+` (`["a"] + ["b"]`);
    None for anything computed."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _listed_names(value.left), _listed_names(value.right)
        return None if left is None or right is None else left + right
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e.value for e in value.elts if is_str(e)]  # type: ignore[attr-defined]
    return None


class ScopeNames:
    """Names a scope assigns a value passing ``test`` (``x = <value>``, and ``x += <value>`` when
    ``augmented``), computed once per function (or module) the first time a rule asks."""

    def __init__(self, test: Callable[[ast.expr], bool], augmented: bool = False) -> None:
        self.test = test
        self.kinds: tuple[type, ...] = (ast.Assign, ast.AugAssign) if augmented else (ast.Assign,)
        self._seen: dict[ast.AST | None, set[str]] = {}

    def reset(self) -> None:
        """Forget the previous file's scopes."""
        self._seen = {}

    def get(self, ctx: Context) -> set[str]:
        """The names for the scope the walk is in."""
        scope = ctx.function
        if scope not in self._seen:
            body = getattr(scope, "body", None) or ctx.tree.body
            names: set[str] = set()
            for node in walk_local(body if isinstance(body, list) else [body]):
                if isinstance(node, self.kinds) and self.test(node.value):  # type: ignore[attr-defined]
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
                    names.update(t.id for t in targets if isinstance(t, ast.Name))
            self._seen[scope] = names
        return self._seen[scope]


def walk_local(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node under ``nodes`` without entering nested functions, lambdas or classes."""
    todo = list(nodes)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPE_BARRIERS):
            todo.extend(ast.iter_child_nodes(node))


def is_str(node: ast.AST | None) -> bool:
    """True for a string literal."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def docstring_node(node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Expr | None:
    """The docstring statement of a module, class or function, if it has one."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and is_str(body[0].value):
        return body[0]
    return None


def signature_end(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> tuple[int, int]:
    """Where a function's signature ends (line, byte column), to keep a finding's span short.

    ``ast.arguments`` has no position of its own (ending a span at it put the end at column 1,
    before the start of an indented method), so the last parameter, default or return
    annotation marks the end; a function without any ends with its ``def`` line.
    """
    args = node.args
    parts = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg, *args.defaults,
             *args.kw_defaults, node.returns]
    ends = [(p.end_lineno, p.end_col_offset) for p in parts if p is not None and p.end_lineno is not None]
    if ends:
        return max(ends)  # type: ignore[type-var, return-value]
    lines = ctx.source.lines
    line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
    return node.lineno, max(len(line.encode("utf-8", errors="surrogatepass")), node.col_offset)
